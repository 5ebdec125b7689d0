package slofleet_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slofleet"
	"github.com/journeyslo/journeyslo/slo/sloprom"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// The whole path, live: a process exports its counters with sloprom on
// loopback, Prometheus scrapes them every second and its rule manager
// evaluates the generated rule file every second; the client first
// reports the objective's series missing, then the page its full outage
// raises. The registry's windows of an hour see seconds of traffic here,
// so only the state is compared, not the figures (TestStatusIsTheRegistrys
// compares those exactly).
func TestLiveScrape(t *testing.T) {
	promtest.Promtool(t)
	objs := []slo.Objective{{Journey: "checkout", Target: 0.999}}
	reg, err := slo.New(objs, slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	preg := prometheus.NewRegistry()
	preg.MustRegister(sloprom.NewCollector(reg))
	// The exporter answers scrapes only once started, so that the series
	// are missing at first whatever the machine's load.
	var started atomic.Bool
	metrics := promhttp.HandlerFor(preg, promhttp.HandlerOpts{})
	exporter := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !started.Load() {
			http.Error(w, "not started", http.StatusServiceUnavailable)
			return
		}
		metrics.ServeHTTP(w, r)
	}))
	defer exporter.Close()

	file, err := slorules.Generate(objs, slorules.WithLabels(map[string]string{"team": "shop"}),
		slorules.WithInterval(time.Second), slorules.WithPeriodInterval(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	rules := promtest.WriteRules(t, file)
	srv := promtest.Start(t, t.TempDir(), promtest.Config{
		RuleFiles: []string{rules}, EvaluationInterval: time.Second,
		Scrape: []string{strings.TrimPrefix(exporter.URL, "http://")}, ScrapeInterval: time.Second,
	})
	client, err := slofleet.New(objs, srv.URL, slofleet.WithLabels(map[string]string{"team": "shop"}), slofleet.WithTimeout(5*time.Second),
		slofleet.WithPollInterval(0)) // every Status asks: the test polls faster than any answer may be reused
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Before the rules have run, or before two scrapes, the series are
	// missing: an error, never a Status made up.
	if sts, err := client.Status(ctx); !errors.Is(err, slofleet.ErrMissing) || len(sts) != 0 {
		t.Fatalf("before any scrape: %d statuses and error %v, want none and one wrapping ErrMissing", len(sts), err)
	}
	started.Store(true)
	// A full outage: 5000 bad events, then more every 200 ms, drained into
	// the exported counters by each advance.
	j := fixture.Journey(reg, "checkout")
	deadline := time.Now().Add(30 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		j.Add(0, 5000)
		if err := reg.Advance(time.Now()); err != nil {
			t.Fatal(err)
		}
		sts, err := client.Status(ctx)
		if err == nil && sts[0].State == burnrate.SeverityPage {
			st := sts[0]
			if st.Rule != "page-1h-5m" || !st.Rules[0].Firing || st.SLI != 0 || st.Good != 0 || st.Bad == 0 || st.BudgetRemaining >= 0 {
				t.Errorf("the fleet pages with %+v; want page-1h-5m firing, no good event and the budget overspent", st)
			}
			return
		}
		last = err
		if err != nil && !errors.Is(err, slofleet.ErrMissing) {
			t.Fatalf("Status: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no page within 30 s of a full outage; last error %v", last)
}

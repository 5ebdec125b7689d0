package sloprom_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloprom"
)

// eventsOnly gathers journeyslo_sli_events_total alone from c, so that a
// month of 15-second scrapes stays a few hundred thousand samples. It reads
// the collector directly rather than through a prometheus.Registry, whose
// consistency checks of every series would be most of the replay's time.
func eventsOnly(t *testing.T, c prometheus.Collector) prometheus.Gatherer {
	descs := make(chan *prometheus.Desc, 64)
	go func() { c.Describe(descs); close(descs) }()
	var events *prometheus.Desc
	for d := range descs {
		if strings.Contains(d.String(), `"journeyslo_sli_events_total"`) {
			events = d
		}
	}
	if events == nil {
		t.Fatal("the collector describes no journeyslo_sli_events_total")
	}
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		ms := make(chan prometheus.Metric, 64)
		go func() { c.Collect(ms); close(ms) }()
		name := "journeyslo_sli_events_total"
		mf := &dto.MetricFamily{Name: &name, Type: dto.MetricType_COUNTER.Enum()}
		var err error
		for m := range ms {
			if m.Desc() != events {
				continue
			}
			pb := &dto.Metric{}
			if werr := m.Write(pb); werr != nil {
				err = werr
			}
			mf.Metric = append(mf.Metric, pb)
		}
		return []*dto.MetricFamily{mf}, err
	})
}

func TestWindowsAgreeWithPrometheusIncrease(t *testing.T) {
	// A registry with manual advance and its exported counter, scraped
	// every 15 s for 31 days and backfilled into the real Prometheus
	// engine. Traffic is steady, 1000 events a second recorded in 15 s
	// steps, and its error ratio holds for 6-hour stretches aligned to the
	// 30-day window's buckets, changing from one stretch to the next
	// (one of them a 1% incident on the last day). So every window the
	// default policy reads sees its own ratio, and, on such traffic, a
	// window that is exactly its length holds what increase() over the
	// same range sees at a scrape: burn rates and the 30-day budget agree
	// at every scrape-aligned instant of the last day.
	promtest.Promtool(t) // skip early when the engine is not installed
	const target = 0.999
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	end := start.Add(31 * 24 * time.Hour)
	// Every scrape of the last day is compared for the policy's windows;
	// the 30-day budget, whose query reads a month per point, every 15 min.
	compareFrom := start.Add(30 * 24 * time.Hour)
	const step, perStep = 15 * time.Second, 15000
	// Bad events per step, by 6-hour stretch: 0.007% to 0.16% errors.
	pattern := []uint64{3, 15, 6, 24, 1, 9, 12}
	incident := start.Add(30*24*time.Hour + 6*time.Hour) // 1% from 06:00 to 12:00 on the last day
	badAt := func(at time.Time) uint64 {
		if !at.Before(incident) && at.Before(incident.Add(6*time.Hour)) {
			return perStep / 100
		}
		return pattern[int(at.Sub(start)/(6*time.Hour))%len(pattern)]
	}

	mock := clock.NewMock()
	mock.Set(start)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: target}}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	scrape := eventsOnly(t, sloprom.NewCollector(reg))
	checkout := fixture.Journey(reg, "checkout")

	type reading struct {
		burn   map[time.Duration]float64
		budget float64
	}
	var (
		samples promtest.Samples
		ours    = map[int64]reading{} // by Unix milliseconds: Prometheus's timestamps
		windows []time.Duration
	)
	for now := start; !now.After(end); now = now.Add(step) {
		reg.Advance(now)
		if err := samples.Gather(scrape, now); err != nil {
			t.Fatal(err)
		}
		if !now.Before(compareFrom) {
			st := reg.Status()[0]
			r := reading{burn: map[time.Duration]float64{}, budget: st.BudgetRemaining}
			windows = windows[:0]
			for _, b := range st.Windows {
				r.burn[b.Window] = b.Rate
				windows = append(windows, b.Window)
			}
			ours[now.UnixMilli()] = r
		}
		bad := badAt(now)
		checkout.Add(perStep-bad, bad)
	}
	if len(windows) != 7 || len(ours) != 5761 {
		t.Fatalf("%d windows and %d instants to compare, want 7 and 5761", len(windows), len(ours))
	}

	srv := promtest.Start(t, promtest.Backfill(t, samples.Bytes()), promtest.Config{})
	const sel = `journeyslo_sli_events_total{journey="checkout",objective="availability"`
	ratio := func(w string) string {
		return fmt.Sprintf(`sum(increase(%s,outcome="bad"}[%s])) / sum(increase(%s}[%s]))`, sel, w, sel, w)
	}
	compare := func(name, expr string, every time.Duration, ourValue func(reading) float64) {
		t.Helper()
		m := srv.QueryRange(t, expr, compareFrom, end, every)
		if n := int(24*time.Hour/every) + 1; len(m) != 1 || len(m[0].Values) != n {
			t.Fatalf("%s: %d series, want one with %d points", name, len(m), n)
		}
		worst, worstAt, theirs, mine := 0.0, time.Time{}, 0.0, 0.0
		for _, p := range m[0].Values {
			at := p.Timestamp.Time()
			o, ok := ours[at.UnixMilli()]
			if !ok {
				t.Fatalf("%s: Prometheus has a point at %v, the registry was not read then", name, at)
			}
			v, r := float64(p.Value), ourValue(o)
			d := math.Abs(v - r)
			if r != 0 {
				d /= math.Abs(r)
			}
			if d > worst || worstAt.IsZero() {
				worst, worstAt, theirs, mine = d, at, v, r
			}
		}
		t.Logf("%-10s worst relative difference %.3g (at %v: Prometheus %.9g, registry %.9g)", name, worst, worstAt.UTC().Format("Jan 2 15:04"), theirs, mine)
		if worst > 0.005 {
			t.Errorf("%s: Prometheus and the registry differ by %.3g at %v (%v, %v), want within 0.5%%", name, worst, worstAt, theirs, mine)
		}
	}
	budget := burnrate.ErrorBudget(target)
	for _, w := range windows {
		compare("burn "+burnrate.FormatWindow(w), fmt.Sprintf("(%s) / %v", ratio(burnrate.FormatWindow(w)), budget), step,
			func(r reading) float64 { return r.burn[w] })
	}
	compare("budget 30d", fmt.Sprintf("1 - (%s) / %v", ratio("30d"), budget), 15*time.Minute,
		func(r reading) float64 { return r.budget })

	// The comparison covers alerting burn rates too: at the incident's
	// end, the 6h and 30m windows hold 1% errors alone, a burn of 10.
	if r := ours[incident.Add(6*time.Hour).UnixMilli()]; math.Abs(r.burn[6*time.Hour]-10) > 1e-9 || math.Abs(r.burn[30*time.Minute]-10) > 1e-9 {
		t.Errorf("at the incident's end: 6h burn %v, 30m burn %v; want 10", r.burn[6*time.Hour], r.burn[30*time.Minute])
	}
}

package slostatus_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slofleet"
	"github.com/journeyslo/journeyslo/slo/sloprom"
	"github.com/journeyslo/journeyslo/slo/slorules"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// *slofleet.Client is a Fleet.
var _ slostatus.Fleet = (*slofleet.Client)(nil)

// fleetObjectives are the fleet's: 99.9%, so that a claim needs 1000
// events.
var fleetObjectives = []slo.Objective{{Journey: "checkout", Target: 0.999}, {Journey: "search", Target: 0.999}}

// A fleet gate judges every replica, through Prometheus: here one replica
// serves only good requests and the other only bad ones. The healthy
// replica's own gate is open; the fleet's is shut by its page. Before
// Prometheus has the series, the fleet cannot be judged: the gate failing
// closed says 503 and why, the one failing open 200 and why. An objective
// whose rules are not loaded closes only the gates that judge it.
func TestFleetGate(t *testing.T) {
	promtest.Promtool(t)
	// The replicas answer scrapes only once started: until then the fleet
	// has the rules' info series and no counters, whatever the machine's
	// load.
	var started atomic.Bool
	var targets []string
	var replicas []*slo.Registry
	for range 2 {
		reg, err := slo.New(fleetObjectives, slo.WithManualAdvance())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { reg.Close() })
		preg := prometheus.NewRegistry()
		preg.MustRegister(sloprom.NewCollector(reg))
		exporter := httptest.NewServer(notYet(&started, promhttp.HandlerFor(preg, promhttp.HandlerOpts{})))
		t.Cleanup(exporter.Close)
		targets = append(targets, strings.TrimPrefix(exporter.URL, "http://"))
		replicas = append(replicas, reg)
	}
	// Rules for checkout only: search's are "not loaded yet", which must
	// not keep a gate on checkout from judging.
	file, err := slorules.Generate(fleetObjectives[:1], slorules.WithInterval(time.Second), slorules.WithPeriodInterval(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	rules := promtest.WriteRules(t, file)
	srv := promtest.Start(t, t.TempDir(), promtest.Config{
		RuleFiles: []string{rules}, EvaluationInterval: time.Second,
		Scrape: targets, ScrapeInterval: time.Second,
	})
	// Every Status asks: the test polls the fleet as it changes, faster
	// than an answer may be reused.
	client, err := slofleet.New(fleetObjectives, srv.URL, slofleet.WithTimeout(5*time.Second), slofleet.WithPollInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	closed, err := slostatus.FleetGate(client, slostatus.WithObjectives("checkout"))
	if err != nil {
		t.Fatal(err)
	}
	open, err := slostatus.FleetGate(client, slostatus.WithObjectives("checkout"), slostatus.WithFailOpen())
	if err != nil {
		t.Fatal(err)
	}

	// No scrape yet: checkout's counters are missing (once its rules have
	// recorded their info series), search's rules are.
	noInfo := func(journey string) string {
		return "slofleet: series missing: " + journey + ":availability: Prometheus at " + srv.URL +
			" has no series journey_objective:journeyslo_objective:info{journey=\"" + journey + "\",objective=\"availability\"}; " +
			"check that the rule file slorules generated for it is loaded (rule_files in prometheus.yml), that its period group has been evaluated once (every 2m30s by default), and that WithLabels are the labels it was generated with"
	}
	noEvents := "slofleet: series missing: checkout:availability: Prometheus at " + srv.URL +
		" has no series journey_objective_outcome:journeyslo_sli_events:increase30d{journey=\"checkout\",objective=\"availability\"}; " +
		"check that it scrapes the replicas' journeyslo_sli_events_total (slo/sloprom) and that the rules' selector matches them: the increase needs two scrapes"
	// The client's error, on one line.
	missing := "the fleet cannot be judged: " + noEvents + "; " + noInfo("search")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, err := client.Status(context.Background())
		if err != nil && strings.HasPrefix(err.Error(), noEvents) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no info series of checkout's rules within 30 s: %v", err)
		}
	}
	resp, b := ask(t, closed)
	if want := "release freeze: " + missing + "; a gate that cannot judge stays shut; ask again in 5m (Retry-After)"; resp.StatusCode != 503 || b.Status != "fail" || b.Output != want || resp.Header.Get("Retry-After") != "300" {
		t.Errorf("failing closed without series: %d, %q, %q, Retry-After %q\nwant 503, fail, %q, 300", resp.StatusCode, b.Status, b.Output, resp.Header.Get("Retry-After"), want)
	}
	if c := b.Checks["fleet"]; len(c) != 1 || c[0].Status != "fail" || c[0].Output != missing {
		t.Errorf("failing closed, the fleet check: %+v", c)
	}
	resp, b = ask(t, open)
	if want := missing + "; this gate fails open, so the release goes ahead unjudged"; resp.StatusCode != 200 || b.Status != "warn" || b.Output != want {
		t.Errorf("failing open without series: %d, %q, %q\nwant 200, warn, %q", resp.StatusCode, b.Status, b.Output, want)
	}

	// 2000 good events a round on one replica, 2000 bad on the other; each
	// advance drains them into the exported counters.
	started.Store(true)
	deadline := time.Now().Add(30 * time.Second)
	for {
		fixture.Journey(replicas[0], "checkout").Add(2000, 0)
		fixture.Journey(replicas[1], "checkout").Add(0, 2000)
		for _, reg := range replicas {
			fixture.Journey(reg, "search").Add(2000, 0)
			if err := reg.Advance(time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		resp, b = ask(t, closed)
		if resp.StatusCode == 503 && strings.HasPrefix(b.Output, "release freeze: checkout:availability: page: page-1h-5m fires") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no page from the fleet within 30 s of half its requests failing; the gate says %d %q", resp.StatusCode, b.Output)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, ok := b.Checks["search:availability"]; ok || len(b.Checks["checkout:availability"]) != 1 || b.Checks["fleet"][0].Status != "pass" {
		t.Errorf("the fleet gate's checks: %+v; want checkout's and the fleet's, which passes", b.Checks)
	}
	if ra := resp.Header.Get("Retry-After"); ra != "300" || !strings.HasSuffix(b.Output, "; when it reopens is not known from the fleet's series; ask again in 5m (Retry-After)") {
		t.Errorf("the fleet gate's Retry-After %q and output %q", ra, b.Output)
	}
	// A gate on search cannot judge it, and says only why.
	searchGate, err := slostatus.FleetGate(client, slostatus.WithObjectives("search"))
	if err != nil {
		t.Fatal(err)
	}
	if resp, b := ask(t, searchGate); resp.StatusCode != 503 || b.Output != "release freeze: the fleet cannot be judged: "+noInfo("search")+"; a gate that cannot judge stays shut; ask again in 5m (Retry-After)" {
		t.Errorf("a fleet gate on search, whose rules are not loaded: %d %q", resp.StatusCode, b.Output)
	}
	// The healthy replica's own gate judges only its own requests.
	own, err := slostatus.ReleaseGate(replicas[0], slostatus.WithObjectives("checkout"))
	if err != nil {
		t.Fatal(err)
	}
	if resp, b := ask(t, own); resp.StatusCode != 200 || b.Status != "pass" {
		t.Errorf("the healthy replica's own gate: %d %q %q, want 200 pass", resp.StatusCode, b.Status, b.Output)
	}
}

// A fleet gate whose Prometheus is down fails closed by default, and open
// when told to, within the client's timeout.
func TestFleetGateUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + l.Addr().String()
	l.Close()
	client, err := slofleet.New(fleetObjectives, addr, slofleet.WithTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, failOpen := range []bool{false, true} {
		name, wantCode, wantStatus := "fail closed", 503, "fail"
		var opts []slostatus.GateOption
		if failOpen {
			name, wantCode, wantStatus = "fail open", 200, "warn"
			opts = append(opts, slostatus.WithFailOpen())
		}
		gate, err := slostatus.FleetGate(client, opts...)
		if err != nil {
			t.Fatal(err)
		}
		began := time.Now()
		resp, b := ask(t, gate)
		if took := time.Since(began); took > 2*time.Second {
			t.Errorf("%s: the gate answered after %v, more than the client's timeout", name, took)
		}
		if resp.StatusCode != wantCode || b.Status != wantStatus || !strings.Contains(b.Output, "the fleet cannot be judged: slofleet: Prometheus did not answer: could not reach Prometheus at "+addr) {
			t.Errorf("%s: %d %q %q; want %d %q and the reason", name, resp.StatusCode, b.Status, b.Output, wantCode, wantStatus)
		}
		if len(b.Checks) != 1 || b.Checks["fleet"][0].Status != wantStatus {
			t.Errorf("%s: checks %+v; want only the fleet's, %q", name, b.Checks, wantStatus)
		}
	}
	if _, err := slostatus.FleetGate(client, slostatus.WithObjectives("chekout")); err == nil || err.Error() != `slostatus: FleetGate: journey "chekout" is not declared; declared journeys: checkout, search` {
		t.Errorf("FleetGate(chekout) = %v", err)
	}
}

// A fleet gate's override ends by the fleet's clock: here a mock, while
// Prometheus is down and the gate fails closed.
func TestFleetGateOverride(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(start)
	client, err := slofleet.New(fleetObjectives, "http://127.0.0.1:1", slofleet.WithTimeout(time.Second), slofleet.WithClock(mock))
	if err != nil {
		t.Fatal(err)
	}
	gate, err := slostatus.FleetGate(client)
	if err != nil {
		t.Fatal(err)
	}
	if err := gate.Override(start.Add(10*time.Minute), "hotfix INC-42"); err != nil {
		t.Fatal(err)
	}
	resp, b := ask(t, gate)
	if resp.StatusCode != 200 || b.Status != "warn" || !strings.HasPrefix(b.Output, "override until 2026-03-02T00:10:00Z: hotfix INC-42; without it: release freeze: the fleet cannot be judged: ") {
		t.Errorf("overridden: %d %q %q", resp.StatusCode, b.Status, b.Output)
	}
	mock.Add(10 * time.Minute)
	if resp, b := ask(t, gate); resp.StatusCode != 503 || b.Override != nil {
		t.Errorf("at the override's end by the fleet's clock: %d, override %+v; want 503 and none", resp.StatusCode, b.Override)
	}
}

// notYet answers 503 until started is set, then as h does: a replica not
// yet up, as Prometheus sees it.
func notYet(started *atomic.Bool, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !started.Load() {
			http.Error(w, "not started", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// fleetAnswer is Prometheus's answer to the fleet client's query when the
// rules of fleetObjectives are loaded and each objective's 30 days held
// 100,000 good events and 10 bad ones: their info series and period
// events, no window of the policy and no firing rule.
func fleetAnswer() string {
	var series []string
	for _, journey := range []string{"checkout", "search"} {
		own := `"journey":"` + journey + `","objective":"availability"`
		series = append(series,
			`{"metric":{"__name__":"`+slorules.Info+`",`+own+`,"target":"0.999","period":"30d","min_events":"1000"},"value":[1772409600,"1"]}`,
			`{"metric":{"__name__":"`+slorules.EventsPrefix+`30d",`+own+`,"outcome":"good"},"value":[1772409600,"100000"]}`,
			`{"metric":{"__name__":"`+slorules.EventsPrefix+`30d",`+own+`,"outcome":"bad"},"value":[1772409600,"10"]}`)
	}
	return `{"status":"success","data":{"resultType":"vector","result":[` + strings.Join(series, ",") + `]}}`
}

// Fifty pipelines polling a fleet gate at once cost Prometheus one query
// on one connection, whether it answers or hangs; when it hangs, every
// request has the gate's answer at the client's timeout.
func TestFleetGateShared(t *testing.T) {
	for _, hang := range []bool{false, true} {
		t.Run(map[bool]string{false: "answering", true: "hanging"}[hang], func(t *testing.T) {
			var queries, conns atomic.Int32
			release, done := make(chan struct{}), make(chan struct{})
			prom := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				queries.Add(1)
				r.ParseForm() // read the body, so that the server sees the client leave
				select {
				case <-release:
				case <-r.Context().Done(): // the client gave up
					return
				case <-done:
					return
				}
				io.WriteString(w, fleetAnswer())
			}))
			prom.Config.ConnState = func(_ net.Conn, state http.ConnState) {
				if state == http.StateNew {
					conns.Add(1)
				}
			}
			prom.Start()
			defer prom.Close()
			defer close(done)
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			mock := clock.NewMock()
			mock.Set(start)
			const timeout = 500 * time.Millisecond
			client, err := slofleet.New(fleetObjectives, prom.URL, slofleet.WithTimeout(timeout), slofleet.WithClock(mock), slofleet.WithRoundTripper(tr))
			if err != nil {
				t.Fatal(err)
			}
			gate, err := slostatus.FleetGate(client)
			if err != nil {
				t.Fatal(err)
			}
			srv := serve(t, gate)
			pipelines := &http.Transport{MaxIdleConnsPerHost: 50}
			defer pipelines.CloseIdleConnections()
			const requests = 50
			codes := make([]int, requests)
			bodies := make([]string, requests)
			took := make([]time.Duration, requests)
			var wg sync.WaitGroup
			began := time.Now()
			for i := range requests {
				wg.Go(func() {
					resp, err := (&http.Client{Transport: pipelines}).Get(srv.URL)
					if err != nil {
						t.Error(err)
						return
					}
					defer resp.Body.Close()
					b, _ := io.ReadAll(resp.Body)
					codes[i], bodies[i], took[i] = resp.StatusCode, string(b), time.Since(began)
				})
			}
			if !hang {
				for queries.Load() == 0 {
					time.Sleep(time.Millisecond)
				}
				close(release)
			}
			wg.Wait()
			// Open: both objectives hold 90% of their budgets.
			wantCode, wantStatus, wantOutput := 200, "pass", ""
			if hang {
				wantCode, wantStatus = 503, "fail"
				wantOutput = "release freeze: the fleet cannot be judged: slofleet: Prometheus did not answer: Prometheus at " + prom.URL +
					" did not answer within 500ms (WithTimeout): context deadline exceeded; check that it runs and is reachable from here, or raise the timeout; a gate that cannot judge stays shut; ask again in 5m (Retry-After)"
			}
			for i := range requests {
				var b gateBody
				if err := json.Unmarshal([]byte(bodies[i]), &b); err != nil || codes[i] != wantCode || b.Status != wantStatus || b.Output != wantOutput || bodies[i] != bodies[0] {
					t.Fatalf("request %d: %d %s (%v)\nwant %d, %s and the output %q, as every other request", i, codes[i], bodies[i], err, wantCode, wantStatus, wantOutput)
				}
				if !hang && (len(b.Checks["checkout:availability"]) != 1 || b.Checks["checkout:availability"][0].Status != "pass" || len(b.Checks["search:availability"]) != 1) {
					t.Fatalf("request %d: checks %+v, want checkout's and search's, passing", i, b.Checks)
				}
				if hang && (took[i] < timeout || took[i] > timeout+time.Second) {
					t.Errorf("request %d answered after %v, want the client's timeout of %v (within a second)", i, took[i], timeout)
				}
			}
			if q, c := queries.Load(), conns.Load(); q != 1 || c != 1 {
				t.Errorf("Prometheus had %d queries on %d connections for %d requests to the gate, want 1 on 1", q, c, requests)
			}
		})
	}
}

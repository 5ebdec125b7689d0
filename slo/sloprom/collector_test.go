package sloprom_test

import (
	"flag"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/goleak"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloprom"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var update = flag.Bool("update", false, "rewrite testdata/*.prom from the collector's output")

var start = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// registry returns a registry on a mock clock at start, whose data covers
// a tenth of a 30-day period already (it ran quietly for three days
// before), so that its budgets are claims (see slo.BudgetYoungData).
func registry(t *testing.T, objectives ...slo.Objective) (*slo.Registry, *clock.Mock) {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(start.Add(-72 * time.Hour))
	reg, err := slo.New(objectives, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	mock.Set(start)
	reg.Advance(start)
	return reg, mock
}

// shop is a registry seven hours into its life: checkout served 99000
// good events at start, then 900 good and 100 bad in the last second, so
// that its 99% availability objective pages (page-6h-30m: a burn of 10 over
// every window up to 6h) with 90% of its budget left, and its 95% latency
// objective burns at 2 with 98% left; search served 1000 good events at
// start; and 5 good and 2 bad events went to the undeclared "admin".
func shop(t *testing.T) *slo.Registry {
	t.Helper()
	reg, mock := registry(t,
		slo.Objective{Journey: "checkout", Target: 0.99},
		slo.Objective{Journey: "checkout", Target: 0.95, Latency: 300 * time.Millisecond},
		slo.Objective{Journey: "search", Target: 0.99},
	)
	fixture.Journey(reg, "checkout").Add(99000, 0)
	fixture.Journey(reg, "search").Add(1000, 0)
	mock.Add(7 * time.Hour)
	reg.Advance(mock.Now())
	fixture.Journey(reg, "checkout").Add(900, 100)
	fixture.Journey(reg, "admin").Add(5, 2)
	mock.Add(time.Second)
	reg.Advance(mock.Now())
	return reg
}

// golden compares the collector's exposition with testdata/name, or
// rewrites the file with -update.
func golden(t *testing.T, c prometheus.Collector, name string) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		r := prometheus.NewPedanticRegistry()
		r.MustRegister(c)
		srv := httptest.NewServer(promhttp.HandlerFor(r, promhttp.HandlerOpts{}))
		defer srv.Close()
		resp, err := srv.Client().Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := testutil.CollectAndCompare(c, f); err != nil {
		t.Errorf("exposition differs from %s (rerun with -update to accept):\n%v", path, err)
	}
}

func TestCollectorGolden(t *testing.T) {
	golden(t, sloprom.NewCollector(shop(t)), "shop.prom")
}

// Every series exists before the first event, all zero, states ok, but
// the budget's: a period without events claims no budget, so neither its
// remaining share nor its time to exhaustion has a sample.
func TestCollectorBeforeAnyEvent(t *testing.T) {
	reg, _ := registry(t, slo.Objective{Journey: "checkout", Target: 0.999})
	golden(t, sloprom.NewCollector(reg), "fresh.prom")
}

func TestCollectorLint(t *testing.T) {
	problems, err := testutil.CollectAndLint(sloprom.NewCollector(shop(t)))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

// Series by metric: per objective, 2 outcomes, 1 excluded, 1 target, 1
// period, 1 budget, 7 windows, 3 states, 1 time to exhaustion; then 2
// unmatched and one timestamp.
func TestCollectorSeriesCount(t *testing.T) {
	c := sloprom.NewCollector(shop(t))
	if got, want := testutil.CollectAndCount(c), 3*(2+1+1+1+1+7+3+1)+2+1; got != want {
		t.Errorf("%d series, want %d", got, want)
	}
	for name, want := range map[string]int{
		"journeyslo_sli_events_total":                    6,
		"journeyslo_sli_excluded_events_total":           3,
		"journeyslo_unmatched_events_total":              2,
		"journeyslo_objective_target_ratio":              3,
		"journeyslo_objective_period_seconds":            3,
		"journeyslo_instance_budget_remaining_ratio":     3,
		"journeyslo_instance_burn_rate":                  21,
		"journeyslo_instance_state":                      9,
		"journeyslo_instance_time_to_exhaustion_seconds": 3,
		"journeyslo_last_evaluation_timestamp_seconds":   1,
	} {
		if got := testutil.CollectAndCount(c, name); got != want {
			t.Errorf("%s: %d series, want %d", name, got, want)
		}
	}
}

// The counters are cumulative and keep counting after the period forgets
// the events; the gauges follow the registry's evaluation.
func TestCollectorFollowsTheRegistry(t *testing.T) {
	reg, mock := registry(t, slo.Objective{Journey: "checkout", Target: 0.99})
	c := sloprom.NewCollector(reg)
	checkout := fixture.Journey(reg, "checkout")
	for i, step := range []struct {
		good, bad  uint64
		advance    time.Duration
		total      string // good, bad
		budget     float64
		state      string
		burn5m     float64
		exhaustion string
	}{
		// 1% errors at 99%: a burn of 1 everywhere opens ticket-3d-6h and
		// spends the whole budget.
		{990, 10, time.Second, "990 10", 0, "ticket", 1, "0"},
		// A month on, the windows have forgotten; the counters have not.
		// The period holds no event: no budget sample, none to exhaustion.
		{0, 0, 31 * 24 * time.Hour, "990 10", absent, "ok", 0, ""},
		// 2% errors: a burn of 2, the budget overspent by as much again.
		{98, 2, time.Second, "1088 12", -1, "ticket", 2, "0"},
	} {
		checkout.Add(step.good, step.bad)
		mock.Add(step.advance)
		reg.Advance(mock.Now())
		want := strings.NewReader(`
# HELP journeyslo_sli_events_total Events each objective judged since the process started, by outcome (good or bad). Fleet-wide SLIs and burn rates sum these across instances, then divide.
# TYPE journeyslo_sli_events_total counter
journeyslo_sli_events_total{journey="checkout",objective="availability",outcome="bad"} ` + strings.Fields(step.total)[1] + `
journeyslo_sli_events_total{journey="checkout",objective="availability",outcome="good"} ` + strings.Fields(step.total)[0] + `
`)
		if err := testutil.CollectAndCompare(c, want, "journeyslo_sli_events_total"); err != nil {
			t.Errorf("step %d: %v", i, err)
		}
		if got, ok := sample(t, c, "journeyslo_instance_budget_remaining_ratio", ""); !ok && !math.IsNaN(step.budget) {
			t.Errorf("step %d: no budget remaining, want %v", i, step.budget)
		} else if ok && got != step.budget {
			t.Errorf("step %d: budget remaining %v, want %v", i, got, step.budget)
		}
		if got := gauge(t, c, "journeyslo_instance_state", `state="`+step.state+`"`); got != 1 {
			t.Errorf("step %d: state %s is %v, want 1", i, step.state, got)
		}
		if got := gauge(t, c, "journeyslo_instance_burn_rate", `window="5m"`); got != step.burn5m {
			t.Errorf("step %d: 5m burn rate %v, want %v", i, got, step.burn5m)
		}
		got := scrape(t, c)
		if step.exhaustion == "" {
			if strings.Contains(got, "journeyslo_instance_time_to_exhaustion_seconds{") {
				t.Errorf("step %d: a time to exhaustion without a budget:\n%s", i, got)
			}
		} else if !strings.Contains(got, `journeyslo_instance_time_to_exhaustion_seconds{journey="checkout",objective="availability"} `+step.exhaustion+"\n") {
			t.Errorf("step %d: time to exhaustion is not %s:\n%s", i, step.exhaustion, got)
		}
	}
}

// absent stands for a gauge without a sample in a test's table.
var absent = math.NaN()

// gauge returns the value of the one series of name whose labels contain
// match.
func gauge(t *testing.T, c prometheus.Collector, name, match string) float64 {
	t.Helper()
	v, ok := sample(t, c, name, match)
	if !ok {
		t.Fatalf("no series %s{%s}", name, match)
	}
	return v
}

// sample returns the value of the one series of name whose labels contain
// match, gathered from a real registry, and whether there is one.
func sample(t *testing.T, c prometheus.Collector, name, match string) (float64, bool) {
	t.Helper()
	r := prometheus.NewPedanticRegistry()
	r.MustRegister(c)
	families, err := r.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+`="`+l.GetValue()+`"`)
			}
			if strings.Contains(strings.Join(labels, ","), match) {
				return m.GetGauge().GetValue(), true
			}
		}
	}
	return 0, false
}

// scrape registers c on a new registry, serves it with promhttp from a
// real server, and returns one scrape's body.
func scrape(t *testing.T, c prometheus.Collector) string {
	t.Helper()
	r := prometheus.NewPedanticRegistry()
	r.MustRegister(c)
	srv := httptest.NewServer(promhttp.HandlerFor(r, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError}))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %s", resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A real scrape through promhttp, as Prometheus would make it, with the
// collector on a pedantic registry (which checks every metric against its
// descriptor).
func TestCollectorScrape(t *testing.T) {
	body := scrape(t, sloprom.NewCollector(shop(t)))
	want, err := os.ReadFile("testdata/shop.prom")
	if err != nil {
		t.Fatal(err)
	}
	if body != string(want) {
		t.Errorf("scrape differs from testdata/shop.prom:\n%s", body)
	}
}

func TestCollectorRegistersOnce(t *testing.T) {
	reg, _ := registry(t, slo.Objective{Journey: "checkout", Target: 0.999})
	r := prometheus.NewRegistry()
	if err := r.Register(sloprom.NewCollector(reg)); err != nil {
		t.Fatal(err)
	}
	err := r.Register(sloprom.NewCollector(reg))
	if _, ok := err.(prometheus.AlreadyRegisteredError); !ok {
		t.Errorf("second Register: %v, want prometheus.AlreadyRegisteredError", err)
	}
}

// A process restarted from a snapshot exports counters that start at zero
// and count its own events, while its budget gauge shows the restored
// windows: Prometheus sees an ordinary counter reset, not a restart from
// the snapshot's totals (below the last scrape, since the snapshot lacks
// the events after its last write), which it would add again in full.
func TestCollectorCountersStartAtZeroAfterARestore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	store := fixture.NewSavedStore(path)
	open := func(at time.Time) *slo.Registry {
		mock := clock.NewMock()
		mock.Set(at)
		reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.99}},
			slo.WithClock(mock), slo.WithManualAdvance(), slo.WithStore(store, time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { reg.Close() })
		return reg
	}
	// The first served its first events three days before: the windows
	// it saves cover a tenth of the period, enough for a budget claim
	// (see slo.BudgetYoungData).
	first := open(start.Add(-72 * time.Hour))
	fixture.Journey(first, "checkout").Add(980, 20)
	fixture.Journey(first, "admin").Add(4, 1)
	first.Advance(start.Add(time.Minute)) // writes the snapshot
	store.WaitSaved(t, start.Add(time.Minute))
	fixture.Journey(first, "checkout").Add(500, 0)
	first.Advance(start.Add(70 * time.Second))
	// Killed here, without Close.

	second := open(start.Add(80 * time.Second))
	c := sloprom.NewCollector(second)
	counters := func(good, bad, unGood, unBad string) string {
		return `
# HELP journeyslo_sli_events_total Events each objective judged since the process started, by outcome (good or bad). Fleet-wide SLIs and burn rates sum these across instances, then divide.
# TYPE journeyslo_sli_events_total counter
journeyslo_sli_events_total{journey="checkout",objective="availability",outcome="bad"} ` + bad + `
journeyslo_sli_events_total{journey="checkout",objective="availability",outcome="good"} ` + good + `
# HELP journeyslo_unmatched_events_total Events recorded on journey names that no objective declares, by outcome (good or bad); they count toward no objective.
# TYPE journeyslo_unmatched_events_total counter
journeyslo_unmatched_events_total{outcome="bad"} ` + unBad + `
journeyslo_unmatched_events_total{outcome="good"} ` + unGood + `
`
	}
	if err := testutil.CollectAndCompare(c, strings.NewReader(counters("0", "0", "0", "0")),
		"journeyslo_sli_events_total", "journeyslo_unmatched_events_total"); err != nil {
		t.Errorf("at New: %v", err)
	}
	// 20 bad in 1000 at 99%: twice the budget spent, restored.
	if got := gauge(t, c, "journeyslo_instance_budget_remaining_ratio", ""); got != -1 {
		t.Errorf("restored budget remaining %v, want -1", got)
	}
	fixture.Journey(second, "checkout").Add(197, 3)
	fixture.Journey(second, "admin").Record(true)
	second.Advance(start.Add(83 * time.Second))
	if err := testutil.CollectAndCompare(c, strings.NewReader(counters("197", "3", "0", "1")),
		"journeyslo_sli_events_total", "journeyslo_unmatched_events_total"); err != nil {
		t.Errorf("after traffic: %v", err)
	}
}

// After Close the collector's counters stop: events recorded on a closed
// registry, matched or not, are counted nowhere.
func TestCollectorAfterClose(t *testing.T) {
	reg := shop(t)
	c := sloprom.NewCollector(reg)
	fixture.Journey(reg, "checkout").Add(1, 1) // before Close: counted by Close's last evaluation
	if err := reg.Close(); err != nil {
		t.Fatal(err)
	}
	read := func() (unmatched, checkoutBad float64) {
		t.Helper()
		metrics := prometheus.NewPedanticRegistry()
		metrics.MustRegister(c)
		families, err := metrics.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range families {
			for _, m := range f.GetMetric() {
				labels := map[string]string{}
				for _, l := range m.GetLabel() {
					labels[l.GetName()] = l.GetValue()
				}
				switch {
				case f.GetName() == "journeyslo_unmatched_events_total" && labels["outcome"] == "bad":
					unmatched = m.GetCounter().GetValue()
				case f.GetName() == "journeyslo_sli_events_total" && labels["journey"] == "checkout" && labels["objective"] == "availability" && labels["outcome"] == "bad":
					checkoutBad = m.GetCounter().GetValue()
				}
			}
		}
		return unmatched, checkoutBad
	}
	if u, b := read(); u != 2 || b != 101 {
		t.Fatalf("at Close: unmatched bad %v, checkout bad %v; want 2, 101", u, b)
	}
	fixture.Journey(reg, "admin").Add(0, 50)
	fixture.Journey(reg, "checkout").Add(0, 50)
	reg.Advance(start.Add(8 * time.Hour))
	if u, b := read(); u != 2 || b != 101 {
		t.Errorf("after Close: unmatched bad %v, checkout bad %v; want 2, 101 as at Close", u, b)
	}
}

// A budget needs the period to hold the objective's minimum number of
// events (1000 at 99.9%): 9 good events and 1 bad one claim no budget, so
// a gather holds no budget sample and no time to exhaustion, while the
// states are there; at 1000 events (999 good, 1 bad) the
// one bad event is exactly the period's budget: 0 left, 0 to exhaustion.
func TestCollectorBudgetNeedsEvidence(t *testing.T) {
	reg, mock := registry(t, slo.Objective{Journey: "checkout", Target: 0.999})
	c := sloprom.NewCollector(reg)
	checkout := fixture.Journey(reg, "checkout")
	for i, step := range []struct {
		good, bad uint64
		budget    float64 // absent for no sample
		exhaust   float64 // absent for no sample
	}{
		{9, 1, absent, absent},
		{990, 0, 0, 0},
	} {
		checkout.Add(step.good, step.bad)
		mock.Add(time.Second)
		reg.Advance(mock.Now())
		for _, m := range []struct {
			name string
			want float64
		}{
			{"journeyslo_instance_budget_remaining_ratio", step.budget},
			{"journeyslo_instance_time_to_exhaustion_seconds", step.exhaust},
		} {
			got, ok := sample(t, c, m.name, `journey="checkout"`)
			switch {
			case math.IsNaN(m.want) && ok:
				t.Errorf("step %d: %s = %v, want no sample", i, m.name, got)
			case !math.IsNaN(m.want) && (!ok || got != m.want):
				t.Errorf("step %d: %s = %v (present %v), want %v", i, m.name, got, ok, m.want)
			}
		}
		// The state keeps its series: the alert rules have their own guard.
		if got := testutil.CollectAndCount(c, "journeyslo_instance_state"); got != 3 {
			t.Errorf("step %d: %d state series, want 3", i, got)
		}
	}
}

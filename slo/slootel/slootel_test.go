package slootel_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"
	"go.uber.org/goleak"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slootel"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var start = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// shop is a registry seven hours into its life: checkout served 99000
// good events at start, then 900 good and 100 bad in the last second, so
// that its 99% availability objective pages (a burn of 10 over every
// window up to 6h) with 90% of its budget left; search served 1000 good
// events at start; 5 good and 2 bad events went to the undeclared "admin".
func shop(t *testing.T) (*slo.Registry, *clock.Mock) {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(start.Add(-72 * time.Hour)) // three quiet days: its budgets are claims (see slo.BudgetYoungData)
	reg, err := slo.New([]slo.Objective{
		{Journey: "checkout", Target: 0.99},
		{Journey: "search", Target: 0.99},
	}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	mock.Set(start)
	reg.Advance(start)
	fixture.Journey(reg, "checkout").Add(99000, 0)
	fixture.Journey(reg, "search").Add(1000, 0)
	mock.Add(7 * time.Hour)
	reg.Advance(mock.Now())
	fixture.Journey(reg, "checkout").Add(900, 100)
	fixture.Journey(reg, "admin").Add(5, 2)
	mock.Add(time.Second)
	reg.Advance(mock.Now())
	return reg, mock
}

// provider returns a meter provider that reads through a manual reader,
// shut down when the test ends.
func provider(t *testing.T, opts ...sdkmetric.ManualReaderOption) (*sdkmetric.MeterProvider, *sdkmetric.ManualReader) {
	t.Helper()
	reader := sdkmetric.NewManualReader(opts...)
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { mp.Shutdown(context.Background()) })
	return mp, reader
}

// collect returns the metrics of slootel's scope, by name.
func collect(t *testing.T, reader *sdkmetric.ManualReader) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != slootel.ScopeName {
			t.Errorf("scope %q, want %q", sm.Scope.Name, slootel.ScopeName)
		}
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

func set(kv ...string) attribute.Set {
	var attrs []attribute.KeyValue
	for i := 0; i < len(kv); i += 2 {
		attrs = append(attrs, attribute.String(kv[i], kv[i+1]))
	}
	return attribute.NewSet(attrs...)
}

func counter(name, desc string, points ...metricdata.DataPoint[int64]) metricdata.Metrics {
	return metricdata.Metrics{Name: name, Description: desc, Unit: "{event}", Data: metricdata.Sum[int64]{
		DataPoints: points, Temporality: metricdata.CumulativeTemporality, IsMonotonic: true}}
}

func gauge[N int64 | float64](name, desc, unit string, points ...metricdata.DataPoint[N]) metricdata.Metrics {
	return metricdata.Metrics{Name: name, Description: desc, Unit: unit, Data: metricdata.Gauge[N]{DataPoints: points}}
}

func point[N int64 | float64](v N, kv ...string) metricdata.DataPoint[N] {
	return metricdata.DataPoint[N]{Attributes: set(kv...), Value: v}
}

const perInstance = " This instance's view alone: never average it across instances; compute the fleet's from journeyslo.sli.events."

// burns returns the burn rate data points of one objective whose windows
// up to 6h burn at short and whose day and three days burn at long.
func burns(journey string, short, long float64) []metricdata.DataPoint[float64] {
	var out []metricdata.DataPoint[float64]
	for _, w := range []string{"5m", "30m", "1h", "2h", "6h"} {
		out = append(out, point(short, "journey", journey, "objective", "availability", "window", w))
	}
	for _, w := range []string{"1d", "3d"} {
		out = append(out, point(long, "journey", journey, "objective", "availability", "window", w))
	}
	return out
}

func states(journey, current string) []metricdata.DataPoint[int64] {
	var out []metricdata.DataPoint[int64]
	for _, s := range []string{"ok", "ticket", "page"} {
		v := int64(0)
		if s == current {
			v = 1
		}
		out = append(out, point(v, "journey", journey, "objective", "availability", "state", s))
	}
	return out
}

func TestRegister(t *testing.T) {
	reg, mock := shop(t)
	mp, reader := provider(t)
	r, err := slootel.Register(reg, mp)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Unregister()

	const excludedDesc = "Events of the objective's journey that a planned exclusion kept out of the objective since the process started: " +
		"counted neither good nor bad, and read by no rule."
	const eventsDesc = "Events each objective judged since the process started, by outcome (good or bad). " +
		"Fleet-wide SLIs and burn rates sum these across instances, then divide."
	want := []metricdata.Metrics{
		counter("journeyslo.sli.events", eventsDesc,
			point[int64](99900, "journey", "checkout", "objective", "availability", "outcome", "good"),
			point[int64](100, "journey", "checkout", "objective", "availability", "outcome", "bad"),
			point[int64](1000, "journey", "search", "objective", "availability", "outcome", "good"),
			point[int64](0, "journey", "search", "objective", "availability", "outcome", "bad")),
		counter("journeyslo.sli.excluded_events", excludedDesc,
			point[int64](0, "journey", "checkout", "objective", "availability"),
			point[int64](0, "journey", "search", "objective", "availability")),
		counter("journeyslo.unmatched.events",
			"Events recorded on journey names that no objective declares, by outcome (good or bad); they count toward no objective.",
			point[int64](5, "outcome", "good"), point[int64](2, "outcome", "bad")),
		gauge("journeyslo.objective.target",
			"The objective's target: the share of events that must be good over its period (0.999 for 99.9%).", "1",
			point(0.99, "journey", "checkout", "objective", "availability"),
			point(0.99, "journey", "search", "objective", "availability")),
		gauge("journeyslo.objective.period", "The length of the objective's rolling period.", "s",
			point(2592000.0, "journey", "checkout", "objective", "availability"),
			point(2592000.0, "journey", "search", "objective", "availability")),
		gauge("journeyslo.instance.budget.remaining",
			"Share of the objective's error budget left over its period: 1 untouched, 0 spent, negative overspent."+perInstance, "1",
			point(0.9, "journey", "checkout", "objective", "availability"),
			point(1.0, "journey", "search", "objective", "availability")),
		gauge("journeyslo.instance.burn_rate",
			"Error budget burn rate over the window (error ratio / (1 - target)); 0 when the window holds no event."+perInstance, "1",
			append(burns("checkout", 10, 0.1), burns("search", 0, 0)...)...),
		gauge("journeyslo.instance.state",
			"1 for the objective's alert state (ok, ticket or page) under its multi-window, multi-burn-rate policy, 0 for the others."+perInstance, "1",
			append(states("checkout", "page"), states("search", "ok")...)...),
		gauge("journeyslo.registry.lag",
			"How long ago the registry last evaluated; it stays under a few seconds unless the library is stalled.", "s",
			metricdata.DataPoint[float64]{Attributes: attribute.NewSet(), Value: 0}),
	}
	got := collect(t, reader)
	if len(got) != len(want) {
		t.Errorf("%d instruments, want %d", len(got), len(want))
	}
	for _, w := range want {
		metricdatatest.AssertEqual(t, w, got[w.Name], metricdatatest.IgnoreTimestamp())
	}

	// After an advance: a second of total failure on checkout. The 5m
	// window holds 900 good and 1100 bad events (a burn of 55); the
	// counters add the 1000 bad; the registry is 3 s behind the clock.
	fixture.Journey(reg, "checkout").Add(0, 1000)
	mock.Add(time.Second)
	reg.Advance(mock.Now())
	mock.Add(3 * time.Second)
	got = collect(t, reader)
	metricdatatest.AssertEqual(t, counter("journeyslo.sli.events", eventsDesc,
		point[int64](99900, "journey", "checkout", "objective", "availability", "outcome", "good"),
		point[int64](1100, "journey", "checkout", "objective", "availability", "outcome", "bad"),
		point[int64](1000, "journey", "search", "objective", "availability", "outcome", "good"),
		point[int64](0, "journey", "search", "objective", "availability", "outcome", "bad")),
		got["journeyslo.sli.events"], metricdatatest.IgnoreTimestamp())
	if p := find(got["journeyslo.instance.burn_rate"], "journey", "checkout", "objective", "availability", "window", "5m"); p != 55 {
		t.Errorf("5m burn rate after the failures: %v, want 55", p)
	}
	// 1100 bad events where 1% of 101000 allowed 1010.
	if p, want := find(got["journeyslo.instance.budget.remaining"], "journey", "checkout", "objective", "availability"), 1-1100.0/1010; math.Abs(p-want) > 1e-12 {
		t.Errorf("budget remaining after the failures: %v, want %v", p, want)
	}
	if p := find(got["journeyslo.registry.lag"]); p != 3 {
		t.Errorf("lag: %v, want 3", p)
	}

	// Unregistered, the callback observes nothing more.
	if err := r.Unregister(); err != nil {
		t.Fatal(err)
	}
	for name, m := range collect(t, reader) {
		if n := points(m); n != 0 {
			t.Errorf("after Unregister, %s has %d data points", name, n)
		}
	}
}

// An exporter that wants deltas gets them from the cumulative
// observations: the SDK subtracts.
func TestRegisterDeltaTemporality(t *testing.T) {
	reg, mock := shop(t)
	mp, reader := provider(t, sdkmetric.WithTemporalitySelector(func(sdkmetric.InstrumentKind) metricdata.Temporality {
		return metricdata.DeltaTemporality
	}))
	r, err := slootel.Register(reg, mp)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Unregister()
	collect(t, reader) // the first collection reports the totals
	fixture.Journey(reg, "checkout").Add(40, 2)
	mock.Add(time.Second)
	reg.Advance(mock.Now())
	got := collect(t, reader)["journeyslo.sli.events"]
	sum, ok := got.Data.(metricdata.Sum[int64])
	if !ok || sum.Temporality != metricdata.DeltaTemporality || !sum.IsMonotonic {
		t.Fatalf("journeyslo.sli.events: %#v, want a monotonic delta sum", got.Data)
	}
	for _, tc := range []struct {
		objective, outcome string
		journey            string
		want               int64
	}{
		{"availability", "good", "checkout", 40},
		{"availability", "bad", "checkout", 2},
		{"availability", "good", "search", 0},
	} {
		if p := find(got, "journey", tc.journey, "objective", tc.objective, "outcome", tc.outcome); p != float64(tc.want) {
			t.Errorf("%s %s delta: %v, want %d", tc.journey, tc.outcome, p, tc.want)
		}
	}
}

func TestRegisterErrors(t *testing.T) {
	reg, _ := shop(t)
	mp, _ := provider(t)
	for _, tc := range []struct {
		name string
		reg  *slo.Registry
		mp   *sdkmetric.MeterProvider
		want string
	}{
		{"nil registry", nil, mp, "slootel: Register(nil, ...): pass the *slo.Registry that slo.New returned"},
		{"nil provider", reg, nil, "slootel: Register(..., nil): pass your SDK's MeterProvider, or otel.GetMeterProvider()"},
	} {
		var err error
		if tc.mp == nil {
			_, err = slootel.Register(tc.reg, nil) // an untyped nil, not a nil *MeterProvider
		} else {
			_, err = slootel.Register(tc.reg, tc.mp)
		}
		if !errors.Is(err, slo.ErrInvalid) || err.Error() != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
}

// find returns the value of the data point of m with exactly the given
// attributes, or -1 when there is none.
func find(m metricdata.Metrics, kv ...string) float64 {
	want := set(kv...)
	switch d := m.Data.(type) {
	case metricdata.Gauge[float64]:
		for _, p := range d.DataPoints {
			if p.Attributes.Equals(&want) {
				return p.Value
			}
		}
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			if p.Attributes.Equals(&want) {
				return float64(p.Value)
			}
		}
	}
	return -1
}

func points(m metricdata.Metrics) int {
	switch d := m.Data.(type) {
	case metricdata.Gauge[float64]:
		return len(d.DataPoints)
	case metricdata.Gauge[int64]:
		return len(d.DataPoints)
	case metricdata.Sum[int64]:
		return len(d.DataPoints)
	}
	return -1
}

// A process restarted from a snapshot observes counters that start at
// zero and count its own events, while its budget shows the restored
// windows. Starting from the snapshot's totals, below what the previous
// process last reported, would read as a reset and count them again.
func TestCountersStartAtZeroAfterARestore(t *testing.T) {
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
	first := open(start.Add(-72 * time.Hour)) // its windows cover a tenth of the period: a budget claim
	fixture.Journey(first, "checkout").Add(980, 20)
	fixture.Journey(first, "admin").Add(4, 1)
	first.Advance(start.Add(time.Minute)) // writes the snapshot
	store.WaitSaved(t, start.Add(time.Minute))
	fixture.Journey(first, "checkout").Add(500, 0)
	first.Advance(start.Add(70 * time.Second))
	// Killed here, without Close.

	second := open(start.Add(80 * time.Second))
	mp, reader := provider(t)
	r, err := slootel.Register(second, mp)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Unregister()
	check := func(when string, good, bad, unGood, unBad float64) {
		t.Helper()
		got := collect(t, reader)
		for _, c := range []struct {
			name string
			kv   []string
			want float64
		}{
			{"journeyslo.sli.events", []string{"journey", "checkout", "objective", "availability", "outcome", "good"}, good},
			{"journeyslo.sli.events", []string{"journey", "checkout", "objective", "availability", "outcome", "bad"}, bad},
			{"journeyslo.unmatched.events", []string{"outcome", "good"}, unGood},
			{"journeyslo.unmatched.events", []string{"outcome", "bad"}, unBad},
		} {
			if v := find(got[c.name], c.kv...); v != c.want {
				t.Errorf("%s: %s%v = %v, want %v", when, c.name, c.kv, v, c.want)
			}
		}
		if when != "at New" {
			return
		}
		// 20 bad in 1000 at 99%: twice the budget spent, restored.
		if v := find(got["journeyslo.instance.budget.remaining"], "journey", "checkout", "objective", "availability"); v != -1 {
			t.Errorf("%s: restored budget remaining %v, want -1", when, v)
		}
	}
	check("at New", 0, 0, 0, 0)
	fixture.Journey(second, "checkout").Add(197, 3)
	fixture.Journey(second, "admin").Record(true)
	second.Advance(start.Add(83 * time.Second))
	check("after traffic", 197, 3, 0, 1)
}

// A budget needs the period to hold the objective's minimum number of
// events (1000 at 99.9%): after 9 good events and 1 bad one a collection
// holds no budget point, while the state's three are there; at 1000
// events (999 good, 1 bad) the one bad event is exactly the period's
// budget, and the budget is observed: 0 left.
func TestBudgetNeedsEvidence(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(start.Add(-72 * time.Hour)) // three quiet days: enough of the period for a claim
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
		slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	mock.Set(start)
	reg.Advance(start)
	mp, reader := provider(t)
	r, err := slootel.Register(reg, mp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Unregister() })
	const budget = "journeyslo.instance.budget.remaining"

	fixture.Journey(reg, "checkout").Add(9, 1)
	mock.Add(time.Second)
	reg.Advance(mock.Now())
	got := collect(t, reader)
	if m, ok := got[budget]; ok && points(m) != 0 {
		t.Errorf("10 events of 1000: %d budget points (%v), want none", points(m), find(m, "journey", "checkout", "objective", "availability"))
	}
	if n := points(got["journeyslo.instance.state"]); n != 3 {
		t.Errorf("10 events of 1000: %d state points, want 3", n)
	}

	fixture.Journey(reg, "checkout").Add(990, 0)
	mock.Add(time.Second)
	reg.Advance(mock.Now())
	got = collect(t, reader)
	if n := points(got[budget]); n != 1 {
		t.Fatalf("1000 events: %d budget points, want 1", n)
	}
	if v := find(got[budget], "journey", "checkout", "objective", "availability"); v != 0 {
		t.Errorf("1000 events with 1 bad at 99.9%%: budget remaining %v, want 0", v)
	}
}

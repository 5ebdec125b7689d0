package slo

import (
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/window"
)

// t0 is a midnight: every bucket width divides the time since the Unix epoch.
var t0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// perSecond is the steady traffic of the scenarios; every error ratio used
// makes a whole number of bad events per second.
const perSecond = 2000

// harness replays steady traffic through a registry with manual advance and
// checks, at every step, the registry's state against a model that sums
// every recorded event over bucket-aligned windows.
type harness struct {
	t     *testing.T
	reg   *Registry
	obj   Objective
	j     *Journey
	now   time.Time
	trans []Transition

	// The model: events by the instant they were recorded at, ascending,
	// with prefix sums.
	at         []time.Time
	cumG, cumB []uint64
}

func newHarness(t *testing.T, o Objective) *harness {
	t.Helper()
	h := &harness{t: t, now: t0.Add(-o.withDefaults().Period)}
	mock := clock.NewMock()
	mock.Set(h.now)
	reg, err := New([]Objective{o}, WithClock(mock), WithManualAdvance(),
		OnTransition(func(tr Transition) { h.trans = append(h.trans, tr) }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	h.reg, h.obj, h.j = reg, reg.Objectives()[0], reg.Journey(o.Journey)
	return h
}

// warmUp records a whole period of good traffic up to t0, each stretch in
// steps no coarser than the buckets of the windows it still feeds: 15
// minutes (the 3d window's buckets) until three days before t0, a minute
// (6h's and 2h's) until the last hour, then the tick (5m's 3 s).
func (h *harness) warmUp() {
	h.run(15*time.Minute, t0.Add(-72*time.Hour).Sub(h.now), 0)
	h.run(time.Minute, 71*time.Hour, 0)
	h.run(h.reg.Tick(), time.Hour, 0)
	if len(h.trans) != 0 {
		h.t.Fatalf("good traffic made transitions: %v", h.trans)
	}
}

// run records d of traffic with the given share of bad events, in steps:
// at each step it advances the registry, compares its state with the
// model's, and records the step's events.
func (h *harness) run(step, d time.Duration, ratio float64) {
	h.t.Helper()
	n := uint64(step / time.Second * perSecond)
	bad := uint64(math.Round(float64(n) * ratio))
	if float64(bad) != float64(n)*ratio {
		h.t.Fatalf("ratio %v makes %v bad events a step, not a whole number", ratio, float64(n)*ratio)
	}
	for end := h.now.Add(d); h.now.Before(end); h.now = h.now.Add(step) {
		h.reg.Advance(h.now)
		h.check()
		h.j.Add(n-bad, bad)
		h.record(n-bad, bad)
	}
}

func (h *harness) record(good, bad uint64) {
	g, b := uint64(0), uint64(0)
	if len(h.cumG) > 0 {
		g, b = h.cumG[len(h.cumG)-1], h.cumB[len(h.cumB)-1]
	}
	h.at = append(h.at, h.now)
	h.cumG = append(h.cumG, g+good)
	h.cumB = append(h.cumB, b+bad)
}

// sum is the model of a window of length d at h.now: every event recorded
// before now in the buckets the window spans.
func (h *harness) sum(d time.Duration) (good, bad uint64) {
	res := window.Resolution(d)
	k := int64((d + res - 1) / res)
	first := time.Unix(0, (h.now.UnixNano()/int64(res)-k+1)*int64(res))
	i := sort.Search(len(h.at), func(i int) bool { return !h.at[i].Before(first) })
	j := sort.Search(len(h.at), func(i int) bool { return !h.at[i].Before(h.now) })
	if j == 0 || i >= j {
		return 0, 0
	}
	good, bad = h.cumG[j-1], h.cumB[j-1]
	if i > 0 {
		good, bad = good-h.cumG[i-1], bad-h.cumB[i-1]
	}
	return good, bad
}

// check compares the registry's last evaluation with the model's.
func (h *harness) check() {
	h.t.Helper()
	state, rule := burnrate.SeverityOK, ""
	for _, r := range h.obj.Policy.Rules {
		lg, lb := h.sum(r.Long)
		sg, sb := h.sum(r.Short)
		threshold := r.Factor * (1 - 1e-9)
		firing := burnrate.Rate(lg, lb, h.obj.Target) >= threshold && burnrate.Rate(sg, sb, h.obj.Target) >= threshold &&
			lg+lb >= h.obj.Policy.MinEvents
		if firing && r.Severity > state {
			state, rule = r.Severity, r.Name
		}
	}
	o := h.reg.objs[0]
	got := ""
	if o.eval.Rule >= 0 {
		got = o.Policy.Rules[o.eval.Rule].Name
	}
	if o.state != state || got != rule {
		h.t.Fatalf("at %v: registry %v by %q, model %v by %q", h.now.Sub(t0), o.state, got, state, rule)
	}
	if pg, pb := h.sum(h.obj.Period); o.good != pg || o.bad != pb {
		h.t.Fatalf("at %v: period counts (%d, %d), model (%d, %d)", h.now.Sub(t0), o.good, o.bad, pg, pb)
	}
}

// transition returns the i-th transition as "from->to by rule at offset".
func (h *harness) transition(i int) (string, time.Duration) {
	h.t.Helper()
	if i >= len(h.trans) {
		h.t.Fatalf("want transition %d, have %d: %v", i, len(h.trans), h.trans)
	}
	tr := h.trans[i]
	h.t.Logf("transition %d: %v->%v %s at t0 + %v", i, tr.From, tr.To, tr.Status.Rule, tr.Status.Time.Sub(t0))
	return fmt.Sprintf("%v->%v %s", tr.From, tr.To, tr.Status.Rule), tr.Status.Time.Sub(t0)
}

// within fails unless got is within tol of the Workbook's figure want.
func within(t *testing.T, what string, got, want, tol time.Duration) {
	t.Helper()
	if got < want-tol || got > want+tol {
		t.Errorf("%s at %v, want %v within %v", what, got, want, tol)
	}
}

func hours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)) }

func TestScenarioDetectionTimes(t *testing.T) {
	// SRE Workbook, 99.9% over 30 days, default policy, steady traffic,
	// errors from t0 on. The registry must agree with the model at every
	// step; the first transition must match the Workbook's arithmetic to
	// within the bucket width (the long window's edge error, under 1%).
	for _, tc := range []struct {
		name  string
		ratio float64
		step  time.Duration
		run   time.Duration
		want  string
		at    time.Duration
		tol   time.Duration
	}{
		{"100% pages after 51.8s", 1, time.Second, 2 * time.Minute, "ok->page page-1h-5m", 51840 * time.Millisecond, 3 * time.Second},
		{"10% pages after 8.64m", 0.1, time.Second, 10 * time.Minute, "ok->page page-1h-5m", 8*time.Minute + 38400*time.Millisecond, 15 * time.Second},
		{"1% pages through 6h/30m after 3.6h", 0.01, 3 * time.Second, 4 * time.Hour, "ok->page page-6h-30m", hours(3.6), time.Minute},
		{"0.5% opens a ticket after 14.4h", 0.005, 3 * time.Second, 15 * time.Hour, "ok->ticket ticket-1d-2h", hours(14.4), 5 * time.Minute},
		{"0.2% opens a ticket after 36h", 0.002, 3 * time.Second, 37 * time.Hour, "ok->ticket ticket-3d-6h", 36 * time.Hour, 15 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Objective{Journey: "checkout", Target: 0.999})
			h.warmUp()
			h.run(tc.step, tc.run, tc.ratio)
			got, at := h.transition(0)
			if got != tc.want {
				t.Errorf("first transition %q, want %q", got, tc.want)
			}
			within(t, got, at, tc.at, tc.tol)
			if len(h.trans) != 1 {
				t.Errorf("transitions %d, want 1", len(h.trans))
			}
		})
	}
}

func TestScenarioSlowBurnNeverFires(t *testing.T) {
	// 0.05% at 99.9% is a burn of 0.5: the budget lasts the period.
	t.Parallel()
	h := newHarness(t, Objective{Journey: "checkout", Target: 0.999})
	h.warmUp()
	h.run(time.Minute, 4*24*time.Hour, 0.0005)
	if len(h.trans) != 0 {
		t.Fatalf("burn 0.5 made transitions: %v", h.trans[0])
	}
	st := h.reg.Status()[0]
	// Four days of 0.05% errors in a 30-day window: 4/30 * 0.5 of the budget.
	if got, want := 1-st.BudgetRemaining, 4.0/30*0.5; math.Abs(got-want) > 0.01*want {
		t.Errorf("budget spent %.5f, want %.5f within 1%%", got, want)
	}
}

func TestScenarioOneMinuteOutage(t *testing.T) {
	// A 1-minute full outage pages after about 52 s; the 5m short window
	// clears the page about 4.9 min after recovery, where the 1h window
	// alone would hold it for 59 min.
	t.Parallel()
	h := newHarness(t, Objective{Journey: "checkout", Target: 0.999})
	h.warmUp()
	h.run(time.Second, time.Minute, 1)
	h.run(time.Second, 10*time.Minute, 0)
	got, at := h.transition(0)
	if got != "ok->page page-1h-5m" {
		t.Errorf("first transition %q, want ok->page page-1h-5m", got)
	}
	within(t, "page", at, 51840*time.Millisecond, 3*time.Second)
	got, at = h.transition(1)
	if got != "page->ok " {
		t.Errorf("second transition %q, want page->ok", got)
	}
	// The 5m window holds less than 14.4 x 0.1% x 300 s = 4.32 s of the
	// outage once 295.68 s have passed since recovery.
	within(t, "reset after recovery", at-time.Minute, 295680*time.Millisecond, 3*time.Second)
	if len(h.trans) != 2 {
		t.Errorf("transitions %d, want 2", len(h.trans))
	}
	// While paging, the 1h window burned at 60 s / 3600 s x 1000 = 16.7.
	st := h.reg.Status()[0]
	if st.State != burnrate.SeverityOK || st.Rules[0].LongRate < 16 || st.Rules[0].LongRate > 17 {
		t.Errorf("after reset: state %v, 1h burn %v; want ok and about 16.7 still over 1h", st.State, st.Rules[0].LongRate)
	}
}

func TestScenarioTenMinuteOutage(t *testing.T) {
	// A 10-minute full outage spends 23% of the 30-day budget. The 1h/5m
	// page gives way to the 6h/30m page, which stays on about 30 min after
	// recovery; then the 1d/2h and 3d/6h tickets hold until their short
	// windows forget the outage (about 2h and 6h after recovery).
	t.Parallel()
	h := newHarness(t, Objective{Journey: "checkout", Target: 0.999})
	h.warmUp()
	h.run(3*time.Second, 10*time.Minute, 1)
	h.run(3*time.Second, 7*time.Hour, 0)
	for i, want := range []struct {
		trans string
		at    time.Duration
		tol   time.Duration
	}{
		{"ok->page page-1h-5m", 51840 * time.Millisecond, 3 * time.Second},
		// 30m window: outage share below 6 x 0.1% x 1800 s = 10.8 s.
		{"page->ticket ticket-1d-2h", 10*time.Minute + 30*time.Minute - 10800*time.Millisecond, 15 * time.Second},
		// 6h window: outage share below 1 x 0.1% x 21600 s = 21.6 s.
		{"ticket->ok ", 10*time.Minute + 6*time.Hour - 21600*time.Millisecond, time.Minute},
	} {
		got, at := h.transition(i)
		if got != want.trans {
			t.Errorf("transition %d: %q, want %q", i, got, want.trans)
		}
		within(t, got, at, want.at, want.tol)
	}
	st := h.reg.Status()[0]
	if got := 1 - st.BudgetRemaining; math.Round(got*100) != 23 {
		t.Errorf("budget spent %.4f, want 23%%", got)
	}
	// Exactly: the period window's bad events over its events, at 99.9%.
	if want := 1 - burnrate.BudgetRemaining(st.Good, st.Bad, 0.999); st.Bad != 600*perSecond || 1-st.BudgetRemaining != want {
		t.Errorf("bad events %d, budget spent %v; want %d and %v", st.Bad, 1-st.BudgetRemaining, 600*perSecond, want)
	}
}

func TestScenarioLowTrafficGuard(t *testing.T) {
	// 10 requests an hour: one failure is a 1000x burn over 5 minutes, but
	// the 1h window holds 10 events, below the guard of 1000 (the events
	// whose budget at 99.9% is one error): no page.
	t.Parallel()
	mock := clock.NewMock()
	mock.Set(t0)
	reg, err := New([]Objective{{Journey: "admin", Target: 0.999}}, WithClock(mock), WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	j := reg.Journey("admin")
	now := t0
	for i := 0; i < 10; i++ {
		now = now.Add(6 * time.Minute)
		reg.Advance(now)
		j.Record(i == 9)
	}
	reg.Advance(now.Add(time.Second))
	st := reg.Status()[0]
	if st.State != burnrate.SeverityOK || !st.Rules[0].Burning || st.Rules[0].Firing {
		t.Fatalf("state %v, page-1h-5m burning %v firing %v; want ok, true, false", st.State, st.Rules[0].Burning, st.Rules[0].Firing)
	}
	if st.Rules[0].ShortRate != 1000 {
		t.Errorf("5m burn %v, want 1000", st.Rules[0].ShortRate)
	}
}

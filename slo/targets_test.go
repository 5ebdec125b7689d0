package slo_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

// outageAt is a midnight: every bucket width divides the time since the
// Unix epoch, so errors that start at outageAt start on a bucket edge of
// every window.
var outageAt = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// eventsPerSecond is the steady traffic of targetRun: enough that a burn of
// 10 at 99.999% is a whole bad event a second.
const eventsPerSecond = 10000

// targetRun replays steady traffic through a registry with manual advance,
// second by second around outageAt, and keeps its transitions.
type targetRun struct {
	t     *testing.T
	reg   *slo.Registry
	j     *slo.Journey
	now   time.Time
	trans []slo.Transition
}

// newTargetRun starts a registry of o three days and seven hours before
// outageAt and records good traffic up to it: in 15-minute steps, then in
// 1-minute steps over the last 7h, then in 3-second steps over the last 2h.
// Each step's events are recorded at its start, and each stretch's steps
// divide the bucket width of every window that reads it and decides a
// figure below (6h: 1m, 30m and every longer page window: 15s, the short
// ones: 3s), so those windows hold exactly their span's traffic.
func newTargetRun(t *testing.T, o slo.Objective) *targetRun {
	t.Helper()
	r := &targetRun{t: t, now: outageAt.Add(-79 * time.Hour)}
	mock := clock.NewMock()
	mock.Set(r.now)
	reg, err := slo.New([]slo.Objective{o}, slo.WithClock(mock), slo.WithManualAdvance(),
		slo.OnTransition(func(tr slo.Transition) { r.trans = append(r.trans, tr) }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	r.reg, r.j = reg, fixture.Journey(reg, o.Journey)
	r.run(15*time.Minute, 72*time.Hour, 0)
	r.run(time.Minute, 5*time.Hour, 0)
	r.run(3*time.Second, 2*time.Hour, 0)
	if !r.now.Equal(outageAt) || len(r.trans) != 0 {
		t.Fatalf("warm-up ended at %v with transitions %v", r.now, r.trans)
	}
	return r
}

// run advances the registry every step for d and records each step's
// events after the advance: step/1s * eventsPerSecond, bad of them per
// second failing.
func (r *targetRun) run(step, d time.Duration, bad uint64) {
	seconds := uint64(step / time.Second)
	for end := r.now.Add(d); r.now.Before(end); r.now = r.now.Add(step) {
		r.reg.Advance(r.now)
		r.j.Add(seconds*(eventsPerSecond-bad), seconds*bad)
	}
}

// transitions returns the transitions as "from->to rule at offset from
// outageAt".
func (r *targetRun) transitions() []string {
	var out []string
	for _, tr := range r.trans {
		out = append(out, fmt.Sprintf("%v->%v %s at %v", tr.From, tr.To, tr.Status.Rule, tr.Status.Time.Sub(outageAt)))
	}
	return out
}

// The expected instants follow from the Workbook's arithmetic at the
// tick. A window of w that holds x seconds of traffic at error ratio e
// burns at (x*e/w)/(1-t); a rule of factor f fires when both its windows
// burn at f, so under errors from t0 its long window fires once
// x = w*f*(1-t)/e: the Workbook's detection time. Every window is exactly
// its length: read at the instant T, its rings stand at the last 3 s tick
// and it holds [3floor(T/3) - w, T), a span of w + T mod 3 seconds (the
// bucket its start falls in counted pro rata, which on steady traffic is
// exact). Read at t0 + x, a window that started before t0 holds x seconds
// of errors in that span, so the rule fires at the first whole x with
//
//	x*e >= f*(1-t) * (w + x mod 3).
//
// After recovery at t0 + D (D a multiple of 3, and at least s), a short
// window of s read at D + y holds s - 3floor(y/3) seconds of errors in a
// span of s + y mod 3; the rule resets at the first y at which
//
//	(s - 3floor(y/3))*e < f*(1-t) * (s + y mod 3),
//
// the Workbook's s*(1 - f*(1-t)/e) to the tick, while the long window
// still holds all D seconds. The outages below are long enough to fire
// only the first page (each rule fires, under errors at e, once its own
// share of the budget is spent, and the first page's 2% is the smallest
// share).
func TestTargetsDetectionAndReset(t *testing.T) {
	for _, tc := range []struct {
		name   string
		o      slo.Objective
		bad    uint64        // bad events a second, of eventsPerSecond
		d      time.Duration // how long the errors last
		want   []string
		policy []string // the objective's rules, by name
	}{
		// 90%: a full outage burns at 10, the 30-day page's 14.4 is out
		// of reach and the first page is 2% of the budget over 1h36m (8m)
		// at 9: f(1-t) = 0.9. x >= 0.9*(5760 + x mod 3) first at x = 5184:
		// 1h26m24s, the Workbook's 96m * 9 * 0.1 = 86.4m. After 90m, the
		// 8m window: 480 - 3floor(y/3) >= 0.9*(480 + y mod 3) holds to
		// y = 48 (432 >= 432), not at 49 (432 < 432.9): reset 49 s after,
		// the Workbook's 8m * (1 - 0.9) = 48 s to the tick.
		{"90% full outage", slo.Objective{Journey: "search", Target: 0.9, Latency: 300 * time.Millisecond}, eventsPerSecond, 90 * time.Minute,
			[]string{"ok->page page-1h36m-8m at 1h26m24s", "page->ok  at 1h30m49s"},
			[]string{"page-1h36m-8m", "page-6h-30m", "ticket-1d-2h", "ticket-3d-6h"}},
		// 93%: the maximum is 1/0.07 = 14.29, the first page 2% over
		// 1h12m (6m) at 12: f(1-t) = 0.84. x >= 0.84*(4320 + x mod 3)
		// first at x = 3630 (>= 3628.8; 3629 < 3630.48): 1h0m30s, the
		// Workbook's 72m * 12 * 0.07 = 60.48m to the tick. After 70m, the
		// 6m window: 360 - 3floor(y/3) >= 0.84*(360 + y mod 3) holds to
		// y = 57 (303 >= 302.4), not at 58 (303 < 303.24): reset 58 s
		// after, the Workbook's 6m * 0.16 = 57.6 s.
		{"93% full outage", slo.Objective{Journey: "search", Target: 0.93}, eventsPerSecond, 70 * time.Minute,
			[]string{"ok->page page-1h12m-6m at 1h0m30s", "page->ok  at 1h10m58s"},
			[]string{"page-1h12m-6m", "page-6h-30m", "ticket-1d-2h", "ticket-3d-6h"}},
		// 95%: the maximum is 20, the Workbook's rules stand; 14.4 * 0.05 =
		// 0.72. x >= 0.72*(3600 + x mod 3) first at x = 2592: 43m12s, the
		// Workbook's 1h * 14.4 * 0.05 = 43.2m. After 50m, the 5m window:
		// 300 - 3floor(y/3) >= 0.72*(300 + y mod 3) holds to y = 84
		// (216 >= 216), not at 85 (216 < 216.72): reset 85 s after, the
		// Workbook's 5m * 0.28 = 84 s to the tick.
		{"95% full outage", slo.Objective{Journey: "checkout", Target: 0.95}, eventsPerSecond, 50 * time.Minute,
			[]string{"ok->page page-1h-5m at 43m12s", "page->ok  at 51m25s"}, nil},
		// 99%: 14.4 * 0.01 = 0.144. x >= 0.144*(3600 + x mod 3) first at
		// x = 519 (>= 518.4; 518 < 518.69): 8m39s, the Workbook's 8.64m.
		// After 10m: 300 - 3floor(y/3) >= 0.144*(300 + y mod 3) holds to
		// y = 257 (45 >= 43.49), not at 258 (42 < 43.2): reset 4m18s
		// after, the Workbook's 5m * 0.856 = 4m16.8s to the tick.
		{"99% full outage", slo.Objective{Journey: "checkout", Target: 0.99}, eventsPerSecond, 10 * time.Minute,
			[]string{"ok->page page-1h-5m at 8m39s", "page->ok  at 14m18s"}, nil},
		// 99.9%: 0.0144. x >= 0.0144*(3600 + x mod 3) first at x = 52
		// (>= 51.85; 51 < 51.84): the Workbook's 51.84 s. After 1m: holds
		// to y = 296 (6 >= 4.35), not at 297 (3 < 4.32): reset 4m57s
		// after, the Workbook's 5m * 0.9856 = 4m55.68s to the tick.
		{"99.9% full outage", slo.Objective{Journey: "checkout", Target: 0.999}, eventsPerSecond, time.Minute,
			[]string{"ok->page page-1h-5m at 52s", "page->ok  at 5m57s"}, nil},
		// 99.99%: 0.00144. x >= 0.00144*(3600 + x mod 3) first at x = 6
		// (>= 5.184; 5 < 5.187): the Workbook's 5.184 s. A 10 s outage is
		// shorter than the 5m window, which then burns while it holds any
		// of it (one second is 33x the 14.4 it needs): until its start,
		// 3floor(T/3) - 300, passes 10 s, at T = 312 s.
		{"99.99% full outage", slo.Objective{Journey: "checkout", Target: 0.9999}, eventsPerSecond, 10 * time.Second,
			[]string{"ok->page page-1h-5m at 6s", "page->ok  at 5m12s"}, nil},
		// 99.999%: 0.000144. The first second of errors burns the 1h window
		// at 1e5/3601 = 27.8 and the 5m one at 1e5/301 = 332: it pages at
		// 1 s (the Workbook's 0.5184 s, at 1 s steps). A 1 s outage leaves
		// the 5m window when its start, 3floor(T/3) - 300, passes 1 s:
		// T = 303 s.
		{"99.999% full outage", slo.Objective{Journey: "checkout", Target: 0.99999}, eventsPerSecond, time.Second,
			[]string{"ok->page page-1h-5m at 1s", "page->ok  at 5m3s"}, nil},

		// A burn of 10 is out of reach of the 1h page's 14.4 and pages
		// through 6h (30m) at 6, whatever the target: x*10 >= 6*(21600 +
		// x mod 3) first at x = 12960, the Workbook's 6h * 6 / 10 = 3.6h
		// exactly. After 4h of it (the tickets' 1d and 3d windows then burn
		// at 1.67 and 0.56, below 3 and 1), the 30m window: 10*(1800 -
		// 3floor(y/3)) >= 6*(1800 + y mod 3) holds to y = 720 (10800 >=
		// 10800), not at 721 (10800 < 10806): reset 12m1s after, the
		// Workbook's 30m * (1 - 6/10) to the second.
		// At 90% a burn of 10 is the full outage above.
		{"95% 10x burn", slo.Objective{Journey: "checkout", Target: 0.95}, 5000, 4 * time.Hour,
			[]string{"ok->page page-6h-30m at 3h36m0s", "page->ok  at 4h12m1s"}, nil},
		{"99% 10x burn", slo.Objective{Journey: "checkout", Target: 0.99}, 1000, 4 * time.Hour,
			[]string{"ok->page page-6h-30m at 3h36m0s", "page->ok  at 4h12m1s"}, nil},
		{"99.9% 10x burn", slo.Objective{Journey: "checkout", Target: 0.999}, 100, 4 * time.Hour,
			[]string{"ok->page page-6h-30m at 3h36m0s", "page->ok  at 4h12m1s"}, nil},
		{"99.99% 10x burn", slo.Objective{Journey: "checkout", Target: 0.9999}, 10, 4 * time.Hour,
			[]string{"ok->page page-6h-30m at 3h36m0s", "page->ok  at 4h12m1s"}, nil},
		{"99.999% 10x burn", slo.Objective{Journey: "checkout", Target: 0.99999}, 1, 4 * time.Hour,
			[]string{"ok->page page-6h-30m at 3h36m0s", "page->ok  at 4h12m1s"}, nil},

		// Over 500 hours the 1h page's factor is 0.02 * 500 = 10, exactly
		// the burn of a full outage at 90%, and the default keeps it: it
		// fires when every event of both windows fails, x >= 3600 + x mod
		// 3 first at x = 3600 (1h0m0s), and resets at the first good
		// second after the outage.
		{"factor at the maximum", slo.Objective{Journey: "search", Target: 0.9, Period: 500 * time.Hour}, eventsPerSecond, time.Hour,
			[]string{"ok->page page-1h-5m at 1h0m0s", "page->ok  at 1h0m1s"},
			[]string{"page-1h-5m", "page-6h-30m", "ticket-1d-2h", "ticket-3d-6h"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newTargetRun(t, tc.o)
			if tc.policy == nil {
				tc.policy = []string{"page-1h-5m", "page-6h-30m", "ticket-1d-2h", "ticket-3d-6h"}
			}
			var names []string
			for _, rule := range r.reg.Objectives()[0].Policy.Rules {
				names = append(names, rule.Name)
			}
			if diff := cmp.Diff(tc.policy, names); diff != "" {
				t.Errorf("default rules (-want +got):\n%s", diff)
			}
			r.run(time.Second, tc.d, tc.bad)
			// Long enough after recovery for the reset and for anything
			// else to show.
			r.run(time.Second, 20*time.Minute, 0)
			if diff := cmp.Diff(tc.want, r.transitions()); diff != "" {
				t.Errorf("transitions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTargetsEveryTargetConstructs(t *testing.T) {
	// A latency objective at any valid target, with the default policy,
	// is accepted by New, over the default period and the shortest and
	// longest periods the default policy's first page fits in.
	var objs []slo.Objective
	for _, period := range []time.Duration{0, time.Hour, 400 * 24 * time.Hour} {
		for i := 1; i < 1000; i++ {
			objs = append(objs, slo.Objective{Journey: "search", Name: fmt.Sprintf("p%d-%d", period/time.Hour, i),
				Target: float64(i) / 1000, Period: period, Latency: 300 * time.Millisecond})
		}
		for i, target := range []float64{0.9999, 0.99999, 0.999999, 1e-9} {
			objs = append(objs, slo.Objective{Journey: "search", Name: fmt.Sprintf("p%d-x%d", period/time.Hour, i),
				Target: target, Period: period})
		}
	}
	for _, o := range objs {
		if err := o.Validate(); err != nil {
			t.Errorf("%s at %v: %v", o.Name, o.Target, err)
		}
	}
	// And New builds the windows of a few, with the rings they need.
	var few []slo.Objective
	for _, o := range objs {
		switch o.Target {
		case 0.001, 0.5, 0.9, 0.93, 0.95, 0.999999:
			few = append(few, o)
		}
	}
	reg, err := slo.New(few, slo.WithClock(clock.NewMock()), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if got := len(reg.Objectives()); got != 18 {
		t.Errorf("New kept %d objectives, want 18 (6 targets, 3 periods)", got)
	}
}

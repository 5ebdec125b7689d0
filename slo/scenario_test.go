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
// checks, at every step, the registry's state against a model that keeps
// every recorded event with its instant and sums windows of exact length.
type harness struct {
	t     *testing.T
	reg   *Registry
	obj   Objective
	j     *Journey
	now   time.Time
	trans []Transition
	// step, when set, is called at every step after the check.
	step func()

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
	h.reg, h.obj, h.j = reg, reg.Objectives()[0], journeyOf(reg, o.Journey)
	return h
}

// warmUp records a whole period of good traffic up to t0, each stretch in
// steps no coarser than the buckets of the windows whose start crosses it
// from t0 on: 15 minutes (the 3d window's buckets) until three days before
// t0, a minute (6h's and 2h's) until the last hour, then the tick (5m's
// 3 s). A step's events land at the start of a bucket, so a window that
// counts its oldest bucket pro rata counts exactly the steady traffic of
// its length, and the Workbook's arithmetic for steady traffic holds to
// the event.
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
		if h.step != nil {
			h.step()
		}
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

// sum is the model of a window of length d at h.now, independent of the
// window package's bookkeeping: the registry's rings stand at T, h.now
// truncated to the tick, so the window is [T-d, T) with the events
// recorded since T (steps finer than the tick), except that the events of
// the bucket that T-d falls in count by the share of that bucket after
// T-d. Buckets are found with time.Time.Truncate: every ladder width
// divides a day, and the zero Time is whole days before the Unix epoch.
func (h *harness) sum(d time.Duration) (good, bad float64) {
	res := window.Resolution(d)
	start := h.now.Truncate(h.reg.Tick()).Add(-d)
	bucket := start.Truncate(res)
	next := bucket.Add(res)
	share := float64(next.Sub(start)) / float64(res)
	wg, wb := h.between(next, h.now)
	pg, pb := h.between(bucket, next)
	return float64(wg) + float64(pg)*share, float64(wb) + float64(pb)*share
}

// between returns the events recorded at instants in [from, to).
func (h *harness) between(from, to time.Time) (good, bad uint64) {
	i := sort.Search(len(h.at), func(i int) bool { return !h.at[i].Before(from) })
	j := sort.Search(len(h.at), func(i int) bool { return !h.at[i].Before(to) })
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
			lg+lb >= float64(h.obj.Policy.MinEvents)*(1-1e-9)
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
	for _, b := range o.eval.Windows {
		if mg, mb := h.sum(b.Window); b.Good != mg || b.Bad != mb {
			h.t.Fatalf("at %v: %v window (%v, %v), model (%v, %v)", h.now.Sub(t0), b.Window, b.Good, b.Bad, mg, mb)
		}
	}
	if pg, pb := h.sum(h.obj.Period); o.good != pg || o.bad != pb {
		h.t.Fatalf("at %v: period counts (%v, %v), model (%v, %v)", h.now.Sub(t0), o.good, o.bad, pg, pb)
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
	// errors from t0 on at ratio r, so a window of length d that ends x
	// after t0 burns at 1000 r x / d (for x <= d). The registry must agree
	// with the model at every step, and since every window is exactly its
	// length, the first transition comes at the first step x at which the
	// rule's long window reaches its factor, to the step:
	//  - 3 s steps, the tick: windows are exactly d long at each step.
	//  - 1 s steps: the rings stand at the last tick T = x - x mod 3, and
	//    the events of the x mod 3 seconds since are counted too, so a
	//    window holds d + x mod 3 seconds of traffic.
	for _, tc := range []struct {
		name  string
		ratio float64
		step  time.Duration
		run   time.Duration
		want  string
		at    time.Duration
	}{
		// 1000 x / (3600 + x mod 3) >= 14.4: x = 51 gives 14.17, x = 52
		// gives 52000/3601 = 14.44 (the Workbook's 51.84 s, to the second).
		{"100% pages after 51.8s", 1, time.Second, 2 * time.Minute, "ok->page page-1h-5m", 52 * time.Second},
		// 100 x / (3600 + x mod 3) >= 14.4: x >= 518.4 + 0.144 (x mod 3);
		// 518 (mod 3 = 2) needs 518.69, 519 (mod 3 = 0) fires: 8m39s, the
		// Workbook's 8.64 min to the second.
		{"10% pages after 8.64m", 0.1, time.Second, 10 * time.Minute, "ok->page page-1h-5m", 519 * time.Second},
		// 10 x / 21600 s >= 6 at x = 12960 s = 3.6 h, a multiple of 3 s;
		// the 1h/5m page (burn 10) never fires.
		{"1% pages through 6h/30m after 3.6h", 0.01, 3 * time.Second, 4 * time.Hour, "ok->page page-6h-30m", hours(3.6)},
		// 5 x / 86400 s >= 3 at x = 51840 s = 14.4 h; the 3d/6h ticket
		// (5 x / 259200 >= 1) reaches its factor at the same step, and the
		// 1d/2h rule comes first in the policy.
		{"0.5% opens a ticket after 14.4h", 0.005, 3 * time.Second, 15 * time.Hour, "ok->ticket ticket-1d-2h", hours(14.4)},
		// 2 x / 259200 s >= 1 at x = 129600 s = 36 h; 1d/2h burns at 2.
		{"0.2% opens a ticket after 36h", 0.002, 3 * time.Second, 37 * time.Hour, "ok->ticket ticket-3d-6h", 36 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Objective{Journey: "checkout", Target: 0.999})
			h.warmUp()
			h.run(tc.step, tc.run, tc.ratio)
			got, at := h.transition(0)
			if got != tc.want || at != tc.at {
				t.Errorf("first transition %q at %v, want %q at %v", got, at, tc.want, tc.at)
			}
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
	// The last evaluation is at x = 4 days - 1 min, a minute after a
	// whole number of 6 h buckets, where the 30-day window holds exactly
	// 30 days of traffic, 4 days less a minute of it at 0.05% errors: it
	// has spent (4 d - 1 min) / 30 d x 0.5 of the budget.
	want := (4*24*60 - 1.0) / (30 * 24 * 60) * 0.5
	if got := 1 - st.BudgetRemaining; math.Abs(got-want) > 1e-12 {
		t.Errorf("budget spent %v, want %v", got, want)
	}
}

func TestScenarioOneMinuteOutage(t *testing.T) {
	// A 1-minute full outage pages after about 52 s; the 5m short window
	// clears the page about 4.9 min after recovery, where the 1h window
	// alone would hold it for 59 min. 1 s steps (see the detection times
	// for what a window holds between ticks).
	t.Parallel()
	h := newHarness(t, Objective{Journey: "checkout", Target: 0.999})
	h.warmUp()
	h.run(time.Second, time.Minute, 1)
	h.run(time.Second, 10*time.Minute, 0)
	// As 100% errors: 1000 x / (3600 + x mod 3) >= 14.4 first at x = 52.
	if got, at := h.transition(0); got != "ok->page page-1h-5m" || at != 52*time.Second {
		t.Errorf("first transition %q at %v, want ok->page page-1h-5m at 52s", got, at)
	}
	// The page resets when the 5m window, [T - 300 s, x), holds less than
	// 14.4 x 0.1% x (300 + x mod 3) s, about 4.32 s, of the outage
	// [0, 60 s): it holds 60 - (T - 300) s, so T > 355.68, and T is a
	// tick: T = x = 357 s, 297 s after recovery (the Workbook's 295.68 s,
	// to the tick). The 6h/30m page burns at 60/21600 x 1000 = 2.8 < 6.
	if got, at := h.transition(1); got != "page->ok " || at-time.Minute != 297*time.Second {
		t.Errorf("second transition %q at %v after recovery, want page->ok at 4m57s", got, at-time.Minute)
	}
	if len(h.trans) != 2 {
		t.Errorf("transitions %d, want 2", len(h.trans))
	}
	// At the last evaluation, x = 659 s, the 1h window holds 3600 s plus
	// the 659 mod 3 = 2 s since the tick, 60 of them bad: a burn of
	// 60000/3602 = 16.66, above the page's 14.4 but reset by the 5m window.
	st := h.reg.Status()[0]
	if want := 60000.0 / 3602; st.State != burnrate.SeverityOK || math.Abs(st.Rules[0].LongRate-want) > 1e-12*want {
		t.Errorf("after reset: state %v, 1h burn %v; want ok and %v", st.State, st.Rules[0].LongRate, want)
	}
}

func TestScenarioTenMinuteOutage(t *testing.T) {
	// A 10-minute full outage [0, 600 s) spends 23% of the 30-day budget.
	// The 1h/5m page gives way to the 6h/30m page, which stays on about 30
	// min after recovery; then the 1d/2h and 3d/6h tickets hold until their
	// short windows forget the outage (about 2h and 6h after recovery).
	// 3 s steps: every window is exactly its length at every step x, and a
	// rule with factor f and short window s resets at the first x at which
	// s holds less than f x 0.1% x s of the outage, 600 - (x - s) seconds.
	t.Parallel()
	h := newHarness(t, Objective{Journey: "checkout", Target: 0.999})
	h.warmUp()
	h.run(3*time.Second, 10*time.Minute, 1)
	h.run(3*time.Second, 7*time.Hour, 0)
	for i, want := range []struct {
		trans string
		at    time.Duration
	}{
		// 1000 x / 3600 >= 14.4: x >= 51.84, the next step is 54 s.
		{"ok->page page-1h-5m", 54 * time.Second},
		// 1h/5m resets at x > 895.68 (x = 897) but 6h/30m pages on until
		// 600 - (x - 1800) < 10.8, x > 2389.2: x = 2391 s. Then the 1d/2h
		// ticket (2h burns at 600/7200 x 1000 = 83) holds.
		{"page->ticket ticket-1d-2h", 2391 * time.Second},
		// 1d/2h resets at 600 - (x - 7200) < 21.6, x = 7779 s; 3d/6h at
		// 600 - (x - 21600) < 21.6, x > 22178.4: x = 22179 s.
		{"ticket->ok ", 22179 * time.Second},
	} {
		if got, at := h.transition(i); got != want.trans || at != want.at {
			t.Errorf("transition %d: %q at %v, want %q at %v", i, got, at, want.trans, want.at)
		}
	}
	if len(h.trans) != 3 {
		t.Errorf("transitions %d, want 3", len(h.trans))
	}
	// The period holds exactly 30 days of traffic, 600 s of it bad:
	// 600/2592000 x 1000 = 0.2315 of the budget, from the exact counts.
	st := h.reg.Status()[0]
	if got, want := 1-st.BudgetRemaining, 600.0/2592000/0.001; math.Abs(got-want) > 1e-12 || math.Round(got*100) != 23 {
		t.Errorf("budget spent %v, want %v (23%%)", got, want)
	}
	if st.Bad != 600*perSecond || st.Good+st.Bad != 30*24*3600*perSecond {
		t.Errorf("period counts (%d, %d), want %d bad of %d", st.Good, st.Bad, 600*perSecond, 30*24*3600*perSecond)
	}
}

func TestScenarioBudgetRecoversSmoothly(t *testing.T) {
	// A 10-minute full outage at t0 spends 600 s of 30 days of traffic at
	// 99.9%: 0.2315 of the budget. A month later the outage leaves the
	// period. The 30-day window's buckets are 6 hours wide; counting the
	// oldest pro rata, the budget comes back tick by tick over the 6 hours
	// from t0+30d, when the period's start reaches the outage's bucket, as
	// increase() over 30d begins to let it go. (Before windows were exact,
	// the period was up to a bucket short and released it all at once, up
	// to 6 hours early.) Traffic steps are no coarser than the buckets
	// whose edge they cross, so the period always holds exactly 30 days of
	// traffic, 5.184e9 events, and at t0+30d+k ticks its share of the
	// outage's bucket is 1 - k/7200: the budget is exactly
	// 1 - 1.2e6 x (1 - k/7200) / 5.184e6 at every tick.
	t.Parallel()
	h := newHarness(t, Objective{Journey: "checkout", Target: 0.999})
	h.warmUp()
	h.run(3*time.Second, 10*time.Minute, 1)
	h.run(time.Minute, 6*time.Hour-10*time.Minute, 0)
	h.run(15*time.Minute, 30*24*time.Hour-7*time.Hour, 0)
	const allowed, bad = 30 * 24 * 3600 * perSecond * 0.001, 600 * perSecond
	// One tick of traffic, were it all bad, would spend this share.
	const tickShare = 3 * perSecond / allowed
	steps, prev, maxRise := 0, math.NaN(), 0.0
	h.step = func() {
		at := h.now.Sub(t0) - 30*24*time.Hour // from the outage's bucket reaching the period's start
		k := min(max(0, at/(3*time.Second)), 7200)
		want := 1 - bad*(1-float64(k)/7200)/allowed
		got := h.reg.Status()[0].BudgetRemaining
		if math.Abs(got-want) > 1e-12 {
			h.t.Fatalf("at t0+30d%+v: budget %v, want %v", at, got, want)
		}
		if !math.IsNaN(prev) {
			maxRise = max(maxRise, got-prev)
		}
		prev = got
		steps++
	}
	h.run(3*time.Second, 8*time.Hour, 0) // from t0+30d-1h to t0+30d+7h
	if steps != 9600 || prev != 1 {
		t.Fatalf("%d steps, budget at the end %v; want 9600 and 1", steps, prev)
	}
	// Each tick returns 1/7200 of the outage's share: 3.2e-5 of the
	// budget, less than what one tick of traffic carries (1.16e-3).
	if want := bad / 7200.0 / allowed; math.Abs(maxRise-want) > 1e-12 || maxRise > tickShare {
		t.Errorf("the budget rose by up to %v a tick, want %v (at most %v)", maxRise, want, tickShare)
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
	j := journeyOf(reg, "admin")
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

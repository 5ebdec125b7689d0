package slo_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

// feeder records traffic into a registry built on the fixture and advances
// it by hand, without moving the mock clock (whose every move sleeps a
// millisecond): each step's events are recorded, then the registry
// advances to the step's end, so that they count in the step they belong
// to.
type feeder struct {
	t   *testing.T
	reg *slo.Registry
	j   *slo.Journey
	now time.Time
}

// run records good and bad events every step until to.
func (f *feeder) run(to time.Time, step time.Duration, good, bad uint64) {
	for f.now.Before(to) {
		f.j.Add(good, bad)
		f.now = f.now.Add(step)
		if err := f.reg.Advance(f.now); err != nil {
			f.t.Fatal(err)
		}
	}
}

// spells records traffic until end in spells of the lengths next returns,
// each with total events a step, bad of them bad.
func (f *feeder) spells(end time.Time, step time.Duration, total uint64, next func() (length time.Duration, bad uint64)) {
	for f.now.Before(end) {
		length, bad := next()
		until := f.now.Add(length)
		if until.After(end) {
			until = end
		}
		f.run(until, step, total-bad, bad)
	}
}

// A 99.9% objective at 1000 events a minute for three days, then a full
// outage of 12 minutes that has just ended: every rule of the default
// policy fires. Asked when things settle if every event succeeds from now
// on, each rule clears when one of its windows no longer holds enough of
// the outage, at the registry's 3 s ticks (T0 is the end of the outage, x
// the time since; 50 events a tick):
//
//   - page-1h-5m (14.4): the 5m window (3 s buckets) holds the outage's
//     last 300 s - x: its burn is (300 - x)/300/0.001, under 14.4 once
//     300 - x < 4.32 s, so at x = 297 s (3 s left: burn 10; 6 s: 20).
//   - page-6h-30m (6): the 30m window (15 s buckets) holds the whole
//     outage until x = 18m, then its part after the window's start
//     T0 + x - 30m; the last outage bucket [T0-15s, T0) holds 250 bad
//     events, counted pro rata. The burn is under 6 once fewer than 180
//     of the window's 30000 events are bad: fewer than 10.8 s of outage,
//     so at x = 29m51s (9 s: 150 bad, burn 5; 12 s: 200, burn 6.67).
//   - ticket-1d-2h (3): the 2h window (1 m buckets) must hold fewer than
//     0.003 x 120000 = 360 bad, under 21.6 s of the outage's last minute
//     bucket: at x = 1h59m39s (21 s: 350 bad, burn 2.92; 24 s: 400, 3.33).
//   - ticket-3d-6h (1): the 6h window (1 m buckets) likewise under 360 of
//     360000: at x = 5h59m39s.
//
// Their long windows burn above the factors all along (1h: 200, 6h: 33.3,
// 1d: 8.33, 3d: 2.78). So the page holds until page-6h-30m clears, the
// ticket until ticket-3d-6h does. The budget, 4332000 events of which
// 12000 bad, is back above zero once the period holds more than 12000000
// events: 7668000 more, 153360 ticks of 50, so at the tick after, x =
// 460083 s = 5d7h48m3s.
//
// Then the registry is driven with that traffic, and each rule, the state
// and the budget change at the outlook's instants exactly.
func TestOutlookAfterAnOutage(t *testing.T) {
	fx := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.999})
	f := &feeder{t: t, reg: fx.Reg, j: fixture.Journey(fx.Reg, "checkout"), now: start}
	outage := start.Add(72 * time.Hour)
	t0 := outage.Add(12 * time.Minute)
	tick := fx.Reg.Tick()
	if tick != 3*time.Second {
		t.Fatalf("tick %v, want 3s", tick)
	}
	// Minutes of traffic while only minute buckets (and coarser) will
	// see it; ticks for the last two hours, which the 3 s and 15 s
	// buckets of the 5m, 30m and 1h windows read.
	f.run(outage.Add(-2*time.Hour), time.Minute, 1000, 0)
	f.run(outage, tick, 50, 0)
	f.run(t0, tick, 0, 50)

	got := fixture.Tracker(fx.Reg, "checkout", "availability").Outlook(0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	want := slo.Outlook{
		Journey: "checkout", Objective: "availability", Time: t0, Rate: 60000.0 / 3600, ErrorRatio: 0,
		Rules: []slo.RuleOutlook{
			{Name: "page-1h-5m", Severity: burnrate.SeverityPage, Clears: at(297 * time.Second), Window: 5 * time.Minute},
			{Name: "page-6h-30m", Severity: burnrate.SeverityPage, Clears: at(29*time.Minute + 51*time.Second), Window: 30 * time.Minute},
			{Name: "ticket-1d-2h", Severity: burnrate.SeverityTicket, Clears: at(time.Hour + 59*time.Minute + 39*time.Second), Window: 2 * time.Hour},
			{Name: "ticket-3d-6h", Severity: burnrate.SeverityTicket, Clears: at(5*time.Hour + 59*time.Minute + 39*time.Second), Window: 6 * time.Hour},
		},
		PageReset:  at(29*time.Minute + 51*time.Second),
		Reset:      at(5*time.Hour + 59*time.Minute + 39*time.Second),
		BudgetBack: at(460083 * time.Second),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("outlook (-want +got):\n%s", diff)
	}
	// What each reset waits for: page-6h-30m's 30m window for the page,
	// ticket-3d-6h's 6h window for ok.
	for _, c := range []struct {
		severity burnrate.Severity
		rule     string
		at       time.Time
	}{{burnrate.SeverityPage, "page-6h-30m", want.PageReset}, {burnrate.SeverityTicket, "ticket-3d-6h", want.Reset}} {
		if r, ok := got.Holding(c.severity); !ok || r.Name != c.rule || !r.Clears.Equal(c.at) {
			t.Errorf("Holding(%v) = %s clearing at %v, %v; want %s at %v", c.severity, r.Name, r.Clears, ok, c.rule, c.at)
		}
	}

	// The registry under the traffic the outlook assumes, tick by tick
	// until the reset: every rule fires before its instant and not from
	// it on, and the state is page, then ticket, then ok.
	for f.now.Before(want.Reset) {
		f.run(f.now.Add(tick), tick, 50, 0)
		st := fx.Reg.Status()[0]
		wantState := burnrate.SeverityOK
		switch {
		case f.now.Before(want.PageReset):
			wantState = burnrate.SeverityPage
		case f.now.Before(want.Reset):
			wantState = burnrate.SeverityTicket
		}
		if st.State != wantState {
			t.Fatalf("%v after the outage: state %v, want %v", f.now.Sub(t0), st.State, wantState)
		}
		for i, ro := range want.Rules {
			if firing := f.now.Before(ro.Clears); st.Rules[i].Firing != firing {
				t.Fatalf("%v after the outage: %s firing %v, want %v", f.now.Sub(t0), ro.Name, st.Rules[i].Firing, firing)
			}
		}
	}
	// The budget: quarter hours at once while only the period's 6-hour
	// buckets matter (15 minutes of events land in one of them as they
	// would tick by tick), from the first quarter hour on, to the one
	// before the budget is back; then ticks.
	f.run(start.Add(72*time.Hour+6*time.Hour+15*time.Minute), tick, 50, 0)
	for end := want.BudgetBack.Truncate(15 * time.Minute); f.now.Before(end); {
		f.run(f.now.Add(15*time.Minute), 15*time.Minute, 15000, 0)
		if st := fx.Reg.Status()[0]; st.BudgetRemaining > 0 {
			t.Fatalf("%v after the outage: budget %v, want it spent until %v", f.now.Sub(t0), st.BudgetRemaining, want.BudgetBack.Sub(t0))
		}
	}
	for f.now.Before(want.BudgetBack) {
		if st := fx.Reg.Status()[0]; st.BudgetRemaining > 0 {
			t.Fatalf("%v after the outage: budget %v, want it spent until %v", f.now.Sub(t0), st.BudgetRemaining, want.BudgetBack.Sub(t0))
		}
		f.run(f.now.Add(tick), tick, 50, 0)
	}
	if st := fx.Reg.Status()[0]; !(st.BudgetRemaining > 0) || st.Good+st.Bad != 12000050 {
		t.Errorf("at the budget's return: remaining %v of %d events, want above 0 of 12000050", st.BudgetRemaining, st.Good+st.Bad)
	}
}

// A rule can clear for too few events while both its windows still burn:
// the guard, not the factor. One ticket rule (1d and 2h, factor 3) with a
// guard of 1400 events; 100 good events in the first 5 minutes of the
// day, then 1340 bad in its last 10 minutes. At T0 the day holds 1440
// events (both windows burn: 930 and 1000) and the rule fires; the rate
// over the day is one event a 1 m tick. Ticks on, the 5-minute bucket of
// the good events leaves the 1d window pro rata, a fifth a tick, while a
// good event a tick comes: 1440 - 20k + k events, under 1400 from k = 3.
// The budget, 1340 bad in 1440, comes back only as the bad events leave
// the period: its 6-hour bucket [T0-6h, T0) counts m/360 of them with m
// minutes of the period left in it, against 43200 - m good events since;
// 1340m/360 < 0.001 (1340m/360 + 43200 - m) holds from m = 11 (m < 11.61),
// so at T0 + 30d - 11m.
func TestOutlookGuard(t *testing.T) {
	rule := burnrate.Rule{Name: "ticket-1d-2h", Long: 24 * time.Hour, Short: 2 * time.Hour, Factor: 3, Severity: burnrate.SeverityTicket}
	fx := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.999, Policy: burnrate.Policy{Rules: []burnrate.Rule{rule}, MinEvents: 1400}})
	f := &feeder{t: t, reg: fx.Reg, j: fixture.Journey(fx.Reg, "checkout"), now: start}
	tick := fx.Reg.Tick()
	t0 := start.Add(24 * time.Hour)
	if tick != time.Minute {
		t.Fatalf("tick %v, want 1m", tick)
	}
	f.run(start.Add(time.Minute), tick, 100, 0)
	f.run(t0.Add(-10*time.Minute), tick, 0, 0)
	f.run(t0, tick, 0, 134)
	if st := fx.Reg.Status()[0]; st.State != burnrate.SeverityTicket || st.Good+st.Bad != 1440 {
		t.Fatalf("at T0: %v with %d events, want ticket with 1440", st.State, st.Good+st.Bad)
	}

	got := fixture.Tracker(fx.Reg, "checkout", "availability").Outlook(0)
	want := slo.Outlook{
		Journey: "checkout", Objective: "availability", Time: t0, Rate: 1440.0 / 86400,
		Rules:      []slo.RuleOutlook{{Name: "ticket-1d-2h", Severity: burnrate.SeverityTicket, Clears: t0.Add(3 * time.Minute), Window: 24 * time.Hour, TooFewEvents: true}},
		PageReset:  t0, // never paged
		Reset:      t0.Add(3 * time.Minute),
		BudgetBack: t0.Add(30*24*time.Hour - 11*time.Minute),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("outlook (-want +got):\n%s", diff)
	}
	for f.now.Before(want.Reset.Add(tick)) {
		f.run(f.now.Add(tick), tick, 1, 0)
		st := fx.Reg.Status()[0]
		if firing := f.now.Before(want.Reset); st.Rules[0].Firing != firing || st.Rules[0].Burning != true {
			t.Fatalf("%v after T0: firing %v, burning %v; want %v, true", f.now.Sub(t0), st.Rules[0].Firing, st.Rules[0].Burning, firing)
		}
	}
	// The budget: hours at once (an hour's events fall in one 6-hour
	// bucket as they would minute by minute) until the last six hours,
	// then minutes.
	f.run(t0.Add(time.Hour), tick, 1, 0)
	f.run(t0.Add(30*24*time.Hour-6*time.Hour), time.Hour, 60, 0)
	for f.now.Before(want.BudgetBack) {
		if st := fx.Reg.Status()[0]; st.BudgetRemaining > 0 {
			t.Fatalf("%v after T0: budget %v, want it spent until %v", f.now.Sub(t0), st.BudgetRemaining, want.BudgetBack.Sub(t0))
		}
		f.run(f.now.Add(tick), tick, 1, 0)
	}
	if st := fx.Reg.Status()[0]; !(st.BudgetRemaining > 0) {
		t.Errorf("at the budget's return: remaining %v, want above 0", st.BudgetRemaining)
	}
}

// Random histories, then an outlook at each of several error ratios, and
// the registry driven with that traffic: every rule that fires at the
// outlook's Time fires until the instant it clears at and not at it, the
// state is page until PageReset and out of ok until Reset, and the budget
// is spent until BudgetBack, over the three days and an hour in which the
// rules settle. The traffic of the last hour is a steady number of events a
// 3 s tick, and each error ratio a share of it that is a whole number of
// events, so that a registry can record the traffic the outlook assumes;
// some of them burn at a rule's factor exactly (1 in 1000 against the 3d
// ticket's 1, 6 in 1000 against the 6h page's 6), where no stretch of
// ticks is clearly on one side and the outlook steps through every tick.
func TestOutlookIsTheRegistrys(t *testing.T) {
	if testing.Short() {
		t.Skip("drives registries over three days of ticks")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for n, sc := range []struct {
		perTick float64
		q       float64
	}{{1024, 0}, {1024, 2.0 / 1024}, {1024, 5.0 / 1024}, {1024, 8.0 / 1024}, {1024, 1}, {1000, 0.001}, {1000, 0.006}, {1000, 0}} {
		q := sc.q
		good, bad := sc.perTick*(1-q), sc.perTick*q
		if good != math.Trunc(good) || bad != math.Trunc(bad) {
			t.Fatalf("scenario %d: %v good and %v bad a tick, not whole numbers", n, good, bad)
		}
		fx := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.999})
		f := &feeder{t: t, reg: fx.Reg, j: fixture.Journey(fx.Reg, "checkout"), now: start}
		tick := fx.Reg.Tick()
		// Four days by the minute, with incidents of 10 minutes to 2
		// hours; then two hours by the tick, with incidents too.
		perMinute := uint64(sc.perTick) * 20
		f.spells(start.Add(4*24*time.Hour), time.Minute, perMinute, func() (time.Duration, uint64) {
			b := uint64(0)
			if rng.IntN(4) == 0 {
				b = uint64(rng.IntN(int(perMinute)/10 + 1))
			}
			return time.Duration(10+rng.IntN(110)) * time.Minute, b
		})
		f.spells(f.now.Add(2*time.Hour), tick, uint64(sc.perTick), func() (time.Duration, uint64) {
			return time.Duration(1+rng.IntN(40)) * time.Minute, []uint64{0, 0, 1, 5, 16, 100, uint64(sc.perTick)}[rng.IntN(7)]
		})
		t0 := f.now
		tr := fixture.Tracker(fx.Reg, "checkout", "availability")
		o := tr.Outlook(q)
		if want := sc.perTick / 3; o.Rate != want || !o.Time.Equal(t0) {
			t.Fatalf("scenario %d: rate %v at %v, want %v a second at %v", n, o.Rate, o.Time, want, t0)
		}
		first := tr.Status()
		before := func(at, instant time.Time) bool { return instant.IsZero() || at.Before(instant) }
		for f.now.Before(t0.Add(73 * time.Hour)) {
			st := tr.Status()
			at := f.now
			if before(at, o.PageReset) != (st.State == burnrate.SeverityPage) && (before(at, o.PageReset) || at.Equal(o.PageReset)) {
				t.Fatalf("scenario %d (ratio %v), %v after T0: state %v, page resets at %v", n, q, at.Sub(t0), st.State, o.PageReset.Sub(t0))
			}
			if before(at, o.Reset) != (st.State != burnrate.SeverityOK) && (before(at, o.Reset) || at.Equal(o.Reset)) {
				t.Fatalf("scenario %d (ratio %v), %v after T0: state %v, resets at %v", n, q, at.Sub(t0), st.State, o.Reset.Sub(t0))
			}
			for _, ro := range o.Rules {
				i := slices.IndexFunc(st.Rules, func(r slo.RuleStatus) bool { return r.Name == ro.Name })
				if !first.Rules[i].Firing {
					t.Fatalf("scenario %d: the outlook names %s, which does not fire at T0", n, ro.Name)
				}
				if firing := st.Rules[i].Firing; (before(at, ro.Clears) || at.Equal(ro.Clears)) && firing != before(at, ro.Clears) {
					t.Fatalf("scenario %d (ratio %v), %v after T0: %s firing %v, clears at %v", n, q, at.Sub(t0), ro.Name, firing, ro.Clears.Sub(t0))
				}
			}
			if (before(at, o.BudgetBack) || at.Equal(o.BudgetBack)) && (st.BudgetRemaining > 0) == before(at, o.BudgetBack) {
				t.Fatalf("scenario %d (ratio %v), %v after T0: budget %v, back at %v", n, q, at.Sub(t0), st.BudgetRemaining, o.BudgetBack.Sub(t0))
			}
			f.run(f.now.Add(tick), tick, uint64(good), uint64(bad))
		}
		var fired int
		for _, r := range first.Rules {
			if r.Firing {
				fired++
			}
		}
		if fired != len(o.Rules) {
			t.Fatalf("scenario %d: %d rules fire at T0, the outlook names %d", n, fired, len(o.Rules))
		}
		t.Logf("scenario %d (ratio %v): %s at T0, %d rules firing; page resets %v, resets %v, budget back %v after",
			n, q, first.State, fired, o.PageReset.Sub(t0), o.Reset.Sub(t0), o.BudgetBack.Sub(t0))
	}
}

// What cannot come within the period is zero; what holds now is the
// outlook's Time; unknown names have no outlook; an error ratio outside
// [0, 1] is brought into it.
func TestOutlookEdges(t *testing.T) {
	fx := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.999})
	f := &feeder{t: t, reg: fx.Reg, j: fixture.Journey(fx.Reg, "checkout"), now: start}
	f.run(start.Add(time.Hour), fx.Reg.Tick(), 50, 0)

	calm := fixture.Tracker(fx.Reg, "checkout", "availability").Outlook(0)
	if r, ok := calm.Holding(burnrate.SeverityTicket); ok {
		t.Errorf("a calm objective: Holding(ticket) = %s, want none", r.Name)
	}
	want := slo.Outlook{Journey: "checkout", Objective: "availability", Time: f.now, Rate: 50.0 / 3,
		PageReset: f.now, Reset: f.now, BudgetBack: f.now}
	if diff := cmp.Diff(want, calm); diff != "" {
		t.Errorf("a calm objective (-want +got):\n%s", diff)
	}
	for _, q := range []float64{-1, math.NaN()} {
		if got := fixture.Tracker(fx.Reg, "checkout", "availability").Outlook(q); got.ErrorRatio != 0 || !cmp.Equal(got, calm) {
			t.Errorf("error ratio %v: %+v, want the outlook at 0", q, got)
		}
	}

	// Everything failing from now on: the page comes and never goes, the
	// budget is never back within the period.
	f.run(f.now.Add(15*time.Minute), fx.Reg.Tick(), 0, 50)
	for _, q := range []float64{1, 2} {
		got := fixture.Tracker(fx.Reg, "checkout", "availability").Outlook(q)
		if got.ErrorRatio != 1 || !got.PageReset.IsZero() || !got.Reset.IsZero() || !got.BudgetBack.IsZero() || len(got.Rules) != 4 {
			t.Fatalf("error ratio %v: %+v; want ratio 1, four firing rules and no instants", q, got)
		}
		if r, ok := got.Holding(burnrate.SeverityPage); !ok || r.Name != "page-1h-5m" || !r.Clears.IsZero() {
			t.Errorf("error ratio %v: Holding(page) = %s clearing at %v, %v; want page-1h-5m, the first of those never clearing", q, r.Name, r.Clears, ok)
		}
		for _, r := range got.Rules {
			if !r.Clears.IsZero() || r.Window != 0 {
				t.Errorf("error ratio %v: %s clears at %v by %v, want never", q, r.Name, r.Clears, r.Window)
			}
		}
	}

	// A process ten minutes old: the rate is over its ten minutes, not
	// the hour.
	young := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.999})
	yf := &feeder{t: t, reg: young.Reg, j: fixture.Journey(young.Reg, "checkout"), now: start}
	yf.run(start.Add(10*time.Minute), young.Reg.Tick(), 50, 0)
	if got := fixture.Tracker(young.Reg, "checkout", "availability").Outlook(0); got.Rate != 50.0/3 {
		t.Errorf("ten minutes of 50 events a 3 s tick: rate %v, want %v", got.Rate, 50.0/3)
	}

	if tr, ok := fx.Reg.Tracker("checkout", "latency"); ok || tr != nil {
		t.Error("an outlook for an objective checkout does not have")
	}
	if tr, ok := fx.Reg.Tracker("search", "availability"); ok || tr != nil {
		t.Error("an outlook for an undeclared journey")
	}
}

// BenchmarkOutlook measures the outlook of the default 30-day policy:
// when nothing ever clears (the budget is looked for over every tick of
// the period, the rules over the 3d window and its bucket), after a
// 12-minute outage that settles within six hours, the budget back in 8
// days, and at an error ratio whose burn, once the windows hold it alone,
// is the 3d ticket's threshold to float rounding (its factor, 1, less one
// part in a billion), so that no stretch of ticks is clearly on one side.
func BenchmarkOutlook(b *testing.B) {
	for _, bc := range []struct {
		name    string
		ticks   int // of 3 s, fed before the outlook
		traffic func(tick int) (good, bad uint64)
		q       float64
	}{
		{"nothing clears", 1, func(int) (uint64, uint64) { return 0, 1000 }, 1},
		{"an outage ended", 8640, func(i int) (uint64, uint64) { // 7h good, then 12m bad
			if i < 8400 {
				return 50, 0
			}
			return 0, 50
		}, 0},
		{"at a threshold", 1200, func(int) (uint64, uint64) { return 999, 1 }, 0.001 * (1 - 1e-9)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			fx := fixture.New(b, slo.Objective{Journey: "checkout", Target: 0.999})
			j := fixture.Journey(fx.Reg, "checkout")
			for i := range bc.ticks {
				j.Add(bc.traffic(i))
				fx.Reg.Advance(start.Add(time.Duration(i+1) * 3 * time.Second))
			}
			b.ReportAllocs()
			for range b.N {
				fixture.Tracker(fx.Reg, "checkout", "availability").Outlook(bc.q)
			}
		})
	}
}

// Outlook and Recent are safe beside advances: under -race, readers on
// other goroutines while the registry advances and records; every outlook
// starts from an evaluation the registry made, at a tick. After Close
// both report the state at Close.
func TestOutlookAndRecentConcurrently(t *testing.T) {
	fx := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.999})
	checkout := fixture.Journey(fx.Reg, "checkout")
	done := make(chan struct{})
	errs := make(chan string, 4) // room for an error and the final "" of each reader
	for range 2 {
		go func() {
			defer func() { errs <- "" }()
			for {
				select {
				case <-done:
					return
				default:
				}
				o := fixture.Tracker(fx.Reg, "checkout", "availability").Outlook(0)
				if o.Time.Sub(start)%(3*time.Second) != 0 || o.Time.Before(start) {
					errs <- "outlook at " + o.Time.String()
					return
				}
				if p := fixture.Tracker(fx.Reg, "checkout", "availability").Recent(); len(p) == 0 {
					errs <- "an empty history"
					return
				}
			}
		}()
	}
	now := start
	for i := 0; i < 600; i++ {
		checkout.Add(45, 5)
		now = now.Add(3 * time.Second)
		fx.Reg.Advance(now)
	}
	close(done)
	for range 2 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
	before := fixture.Tracker(fx.Reg, "checkout", "availability").Outlook(0)
	recent := fixture.Tracker(fx.Reg, "checkout", "availability").Recent()
	fx.Reg.Close()
	after := fixture.Tracker(fx.Reg, "checkout", "availability").Outlook(0)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("outlook after Close (-before +after):\n%s", diff)
	}
	if again := fixture.Tracker(fx.Reg, "checkout", "availability").Recent(); !cmp.Equal(recent, again) {
		t.Errorf("history after Close: %d points, before %d", len(again), len(recent))
	}
}

func TestOutlookEncoding(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 12, 0, 0, time.FixedZone("CET", 3600))
	per, seconds := 1000.0, 60.0 // at run time: 16.666666666666668
	o := slo.Outlook{
		Journey: "checkout", Objective: "availability", Time: t0, Rate: per / seconds,
		Rules: []slo.RuleOutlook{
			{Name: "page-6h-30m", Severity: burnrate.SeverityPage, Clears: t0.Add(29*time.Minute + 51*time.Second), Window: 30 * time.Minute},
			{Name: "ticket-1d-2h", Severity: burnrate.SeverityTicket, Clears: t0.Add(3 * time.Minute), Window: 24 * time.Hour, TooFewEvents: true},
			{Name: "ticket-3d-6h", Severity: burnrate.SeverityTicket},
		},
		PageReset: t0.Add(29*time.Minute + 51*time.Second),
	}
	j, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"journey":"checkout","objective":"availability","time":"2026-03-02T09:12:00Z","rate":16.6666666667,"errorRatio":0,` +
		`"rules":[{"name":"page-6h-30m","severity":"page","clears":"2026-03-02T09:41:51Z","window":"30m","tooFewEvents":false},` +
		`{"name":"ticket-1d-2h","severity":"ticket","clears":"2026-03-02T09:15:00Z","window":"1d","tooFewEvents":true},` +
		`{"name":"ticket-3d-6h","severity":"ticket","clears":null,"tooFewEvents":false}],` +
		`"pageReset":"2026-03-02T09:41:51Z","reset":null,"budgetBack":null}`
	if string(j) != want {
		t.Errorf("JSON\n%s\nwant\n%s", j, want)
	}
	var back slo.Outlook
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	o.Rate = 16.6666666667
	if diff := cmp.Diff(o, back, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`{"time":"2026-03-02T09:12:00Z","reset":"soon"}`), &back); !errors.Is(err, slo.ErrInvalid) {
		t.Errorf("a reset that is no instant: %v, want ErrInvalid", err)
	}
}

// Events that all came within the current tick, evaluated by an advance
// that has not yet reached the tick's end: a burst after hours of quiet,
// or a process whose first traffic came at once. The rate is over that one
// tick (1000 events in 3 s), never over no time at all, which would make
// it infinite and the outlook's every figure meaningless: the firing rules
// are those the status reports, and each clears when its window has let
// the burst go.
func TestOutlookOfOneTick(t *testing.T) {
	fx := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.999})
	f := &feeder{t: t, reg: fx.Reg, j: fixture.Journey(fx.Reg, "checkout"), now: start}
	tick := fx.Reg.Tick()
	f.run(start.Add(99*time.Minute), time.Minute, 1000, 0)
	f.run(f.now.Add(7*time.Hour), time.Hour, 0, 0)
	f.j.Add(900, 100)
	f.now = f.now.Add(time.Second) // within the tick
	if err := fx.Reg.Advance(f.now); err != nil {
		t.Fatal(err)
	}
	st := fx.Reg.Status()[0]
	if st.State != burnrate.SeverityPage {
		t.Fatalf("after the burst: %v, want page", st.State)
	}
	got := fixture.Tracker(fx.Reg, "checkout", "availability").Outlook(0)
	if want := 1000.0 / tick.Seconds(); got.Rate != want {
		t.Errorf("rate %v, want %v: the burst's 1000 events over its one tick", got.Rate, want)
	}
	var firing []string
	for _, r := range st.Rules {
		if r.Firing {
			firing = append(firing, r.Name)
		}
	}
	var named []string
	for _, r := range got.Rules {
		named = append(named, r.Name)
		if r.Clears.IsZero() || !r.Clears.After(got.Time) {
			t.Errorf("%s clears at %v, want an instant after %v", r.Name, r.Clears, got.Time)
		}
	}
	if diff := cmp.Diff(firing, named); diff != "" || len(named) == 0 {
		t.Errorf("the outlook's rules are not those firing (-status +outlook):\n%s", diff)
	}
	if !got.PageReset.After(got.Time) {
		t.Errorf("page resets at %v, want after %v: the status pages", got.PageReset, got.Time)
	}
}

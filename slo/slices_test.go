package slo_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

const twoWeeks = 14 * 24 * time.Hour

// ddos runs the OpenSLO spec's budgeting example through a registry: two
// weeks rolling at 95%, one-minute slices, a service at 99% whose last
// minutes of the two weeks are a DDoS at 1% availability. Each minute
// serves 100 requests (the slices' figures depend on the shares, not on the
// traffic; 100 makes 99% and 1% whole requests). It returns the status of
// the Timeslices and RatioTimeslices objectives at the end of the two
// weeks, when the period holds exactly the 20,160 minutes since the start.
func ddos(t *testing.T, attack time.Duration) (timeslices, ratio slo.Status) {
	t.Helper()
	f := newFast(t,
		slo.Objective{Journey: "timeslices", Target: 0.95, Period: twoWeeks,
			Slices: &slo.Slices{Method: slo.Timeslices, Window: time.Minute, Target: 0.95}},
		slo.Objective{Journey: "ratio", Target: 0.95, Period: twoWeeks,
			Slices: &slo.Slices{Method: slo.RatioTimeslices, Window: time.Minute}})
	minutes := int(twoWeeks / time.Minute)
	attacked := minutes - int(attack/time.Minute)
	for i := range minutes {
		good, bad := uint64(99), uint64(1)
		if i >= attacked {
			good, bad = 1, 99
		}
		f.Add("timeslices", good, bad)
		f.Add("ratio", good, bad)
		f.Advance(time.Minute)
	}
	st := f.Reg.Status()
	return st[0], st[1]
}

// The spec's figures: Timeslices spends the budget in 16h48m of attack,
// 1,008 of the 20,160 minutes; RatioTimeslices in about 13h45m, exactly
// 823 minutes (13h43m), the first whole minute at which the mean of the
// minutes' shares falls below 95%.
func TestSlicesDDoS(t *testing.T) {
	if testing.Short() {
		t.Skip("two simulated weeks, twice")
	}
	ts, ratio := ddos(t, 16*time.Hour+48*time.Minute)
	if bad, all, ok := ts.SliceCounts(); !ok || bad != 1008 || all != 20160 || ts.Budget != slo.BudgetSpent || ts.BudgetRemaining != 0 {
		t.Errorf("Timeslices after 16h48m of attack: %d of %d slices bad (%v), budget %v, remaining %v; want 1008 of 20160, spent, 0",
			bad, all, ok, ts.Budget, ts.BudgetRemaining)
	}
	// 823 minutes is 13h43m, which the spec rounds to "about 13h45m".
	if got := (823 * time.Minute).Round(15 * time.Minute); got != 13*time.Hour+45*time.Minute {
		t.Fatalf("823 minutes round to %v", got)
	}
	ts, ratio2 := ddos(t, 823*time.Minute)
	// Mean share: (19337*0.99 + 823*0.01) / 20160.
	wantSLI := (19337*0.99 + 823*0.01) / 20160
	if ratio2.Budget != slo.BudgetSpent || math.Abs(ratio2.SLI-wantSLI) > 1e-12 || ratio2.Good+ratio2.Bad != 20160 {
		t.Errorf("RatioTimeslices after 823m of attack: budget %v, SLI %v, %d+%d slices; want spent, %v, 20160", ratio2.Budget, ratio2.SLI, ratio2.Good, ratio2.Bad, wantSLI)
	}
	if ts.Budget != slo.BudgetLeft || ts.Bad != 823 {
		t.Errorf("Timeslices after 823m of attack: budget %v, %d bad slices; want left, 823", ts.Budget, ts.Bad)
	}
	// One minute less leaves RatioTimeslices some budget; 16h48m had long
	// spent it.
	_, ratio1 := ddos(t, 822*time.Minute)
	if ratio1.Budget != slo.BudgetLeft || !(ratio1.BudgetRemaining > 0 && ratio1.BudgetRemaining < 0.001) {
		t.Errorf("RatioTimeslices after 822m of attack: budget %v, remaining %v; want left, under 0.1%%", ratio1.Budget, ratio1.BudgetRemaining)
	}
	if ratio.Budget != slo.BudgetSpent {
		t.Errorf("RatioTimeslices after 16h48m: budget %v, want spent", ratio.Budget)
	}
	ts1, _ := ddos(t, 1007*time.Minute)
	if ts1.Budget != slo.BudgetLeft || ts1.Bad != 1007 || ts1.Good != 19153 {
		t.Errorf("Timeslices after 1007m of attack: budget %v, %d good, %d bad; want left, 19153, 1007", ts1.Budget, ts1.Good, ts1.Bad)
	}
}

// The spec's Occurrences figure: two weeks at 24,000 requests a day are
// 336,000 requests, whose 95% budget is 16,800 failures. The spec's
// 16,632 failed requests are 99% of it, the failures of an attack of
// 16,800 requests at 1% availability: they leave 1% of the budget, and
// 168 more failures spend it.
func TestSlicesDDoSOccurrences(t *testing.T) {
	for _, tc := range []struct {
		failed    uint64
		remaining float64
		budget    slo.BudgetState
	}{{16632, 0.01, slo.BudgetLeft}, {16800, 0, slo.BudgetSpent}} {
		f := newFast(t, slo.Objective{Journey: "occurrences", Target: 0.95, Period: twoWeeks})
		// 1,000 requests an hour for 336 hours, the failures in the last
		// hours.
		left := tc.failed
		for h := 335; h >= 0; h-- {
			bad := min(left, 1000)
			left -= bad
			_ = h
			f.Add("occurrences", 1000-bad, bad)
			f.Advance(time.Hour)
		}
		st := f.Reg.Status()[0]
		if st.Good+st.Bad != 336000 || st.Bad != tc.failed || math.Abs(st.BudgetRemaining-tc.remaining) > 1e-12 || st.Budget != tc.budget {
			t.Errorf("%d failed of %d: remaining %v, budget %v; want %v, %v", st.Bad, st.Good+st.Bad, st.BudgetRemaining, st.Budget, tc.remaining, tc.budget)
		}
	}
}

// An oracle: minutes of chosen traffic, some empty, judged by hand.
func TestSlicesOracle(t *testing.T) {
	type minute struct{ good, bad uint64 }
	traffic := []minute{
		{95, 5},   // exactly the target: good
		{94, 6},   // below: bad
		{0, 0},    // empty: left out
		{0, 3},    // all bad
		{7, 0},    // all good
		{0, 9},    // all bad, the last slice before the 10m window
		{1, 2},    // a third good
		{19, 1},   // 95%: good
		{999, 1},  // good
		{2, 1},    // two thirds
		{100, 0},  // good
		{50, 50},  // half
		{0, 0},    // empty
		{3, 0},    // good
		{95, 6},   // just below 95%: bad
		{190, 10}, // 95%: good
	}
	f := fixture.New(t,
		slo.Objective{Journey: "slices", Target: 0.9, Period: 7 * 24 * time.Hour,
			Slices: &slo.Slices{Method: slo.Timeslices, Window: time.Minute, Target: 0.95},
			Policy: burnrate.Policy{Rules: []burnrate.Rule{{Severity: burnrate.SeverityTicket, Long: time.Hour, Short: 10 * time.Minute, Factor: 1}}}},
		slo.Objective{Journey: "slices", Name: "ratio", Target: 0.9, Period: 7 * 24 * time.Hour,
			Slices: &slo.Slices{Method: slo.RatioTimeslices, Window: time.Minute},
			Policy: burnrate.Policy{Rules: []burnrate.Rule{{Severity: burnrate.SeverityTicket, Long: time.Hour, Short: 10 * time.Minute, Factor: 1}}}})
	var good, bad, all float64
	var ratios float64
	var last10good, last10bad float64
	for i, m := range traffic {
		// Events within the minute, in three advances.
		f.Add("slices", m.good/2, m.bad/2)
		f.Advance(20 * time.Second)
		f.Add("slices", m.good-m.good/2, m.bad-m.bad/2)
		f.Advance(20 * time.Second)
		f.Advance(20 * time.Second)
		n := m.good + m.bad
		if n == 0 {
			continue
		}
		all++
		ratios += float64(m.good) / float64(n)
		ok := float64(m.good)*100 >= 95*float64(n)
		if ok {
			good++
		} else {
			bad++
		}
		if i >= len(traffic)-10 {
			if ok {
				last10good++
			} else {
				last10bad++
			}
		}
	}
	st := f.Reg.Status()
	if st[0].Good != uint64(good) || st[0].Bad != uint64(bad) || good != 7 || bad != 7 {
		t.Errorf("Timeslices: %d good, %d bad slices; want %v, %v (7 and 7)", st[0].Good, st[0].Bad, good, bad)
	}
	if want := good / all; math.Abs(st[0].SLI-want) > 1e-15 {
		t.Errorf("Timeslices SLI %v, want %v", st[0].SLI, want)
	}
	// The 10-minute window: the slices of the last ten minutes, the empty
	// one left out, not the bad one that ended as the window began.
	if b := st[0].Windows[0]; b.Window != 10*time.Minute || b.Good != last10good || b.Bad != last10bad || last10good+last10bad != 9 ||
		math.Abs(b.Rate-last10bad/(last10good+last10bad)/0.1) > 1e-12 {
		t.Errorf("Timeslices 10m window: %+v; want %v good, %v bad", b, last10good, last10bad)
	}
	if want := ratios / all; math.Abs(st[1].SLI-want) > 1e-6 || st[1].Good+st[1].Bad != uint64(all) {
		t.Errorf("RatioTimeslices SLI %v over %d+%d slices; want %v over %v", st[1].SLI, st[1].Good, st[1].Bad, want, all)
	}
	if st[0].Unit() != "slices" || st[0].MinEvents != 10 {
		t.Errorf("unit %q, min %d; want slices, 10", st[0].Unit(), st[0].MinEvents)
	}
	if got := st[0].Evidence(); got != "" {
		t.Errorf("evidence %q with 14 slices of 10", got)
	}
}

// A slice is judged at the advance that leaves it; an advance that skips
// minutes puts the events of the skipped time in the slice it left, and
// the minutes in between are empty.
func TestSlicesSkippedAdvances(t *testing.T) {
	f := fixture.New(t, slo.Objective{Journey: "slices", Target: 0.9, Period: 7 * 24 * time.Hour,
		Slices: &slo.Slices{Method: slo.Timeslices, Window: 5 * time.Minute, Target: 0.9}})
	f.Add("slices", 9, 1)
	f.Advance(4 * time.Minute)
	if st := f.Reg.Status()[0]; !st.NoData {
		t.Fatalf("a slice open: %d good, %d bad slices; want none", st.Good, st.Bad)
	}
	f.Add("slices", 0, 5)
	f.Advance(17 * time.Minute) // to 21m: the first slice holds 9 good and 6 bad
	st := f.Reg.Status()[0]
	if st.Good != 0 || st.Bad != 1 {
		t.Errorf("after the jump: %d good, %d bad slices; want 0 and 1", st.Good, st.Bad)
	}
	if got := st.Evidence(); got != "not enough slices: 1 of 10" {
		t.Errorf("evidence %q", got)
	}
}

func TestSlicesValidate(t *testing.T) {
	base := slo.Objective{Journey: "checkout", Target: 0.99, Period: 7 * 24 * time.Hour}
	for _, tc := range []struct {
		slices slo.Slices
		want   string
	}{
		{slo.Slices{Window: time.Minute}, "Method 0 is not a slice method"},
		{slo.Slices{Method: slo.Timeslices, Window: time.Minute}, "Target 0 is not a share in (0, 1]"},
		{slo.Slices{Method: slo.Timeslices, Window: time.Minute, Target: 1.5}, "Target 1.5 is not a share"},
		{slo.Slices{Method: slo.RatioTimeslices, Window: time.Minute, Target: 0.9}, "Target 0.9 is read only by Timeslices"},
		{slo.Slices{Method: slo.Timeslices, Window: 30 * time.Second, Target: 0.9}, "Window 30s is not a whole number of minutes"},
		{slo.Slices{Method: slo.Timeslices, Window: 90 * time.Second, Target: 0.9}, "Window 1m30s is not a whole number of minutes"},
		{slo.Slices{Method: slo.Timeslices, Window: 11 * time.Minute, Target: 0.9}, "Window 11m0s does not divide the Period 7d"},
		{slo.Slices{Method: slo.Timeslices, Window: time.Hour, Target: 0.9}, "the policy's window 5m is shorter than one slice of 1h"},
	} {
		o := base
		s := tc.slices
		o.Slices = &s
		err := o.Validate()
		if err == nil || !errors.Is(err, slo.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v; want %q", tc.slices, err, tc.want)
		}
	}
	o := base
	o.Slices = &slo.Slices{Method: slo.Timeslices, Window: time.Minute, Target: 1}
	if err := o.Validate(); err != nil {
		t.Errorf("target 1: %v", err)
	}
}

func TestSlicesJSON(t *testing.T) {
	o := slo.Objective{Journey: "checkout", Target: 0.95, Period: twoWeeks,
		Slices: &slo.Slices{Method: slo.Timeslices, Window: time.Minute, Target: 0.9}}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"journey":"checkout","target":0.95,"period":"14d","slices":{"method":"Timeslices","window":"1m","target":0.9}}`
	if string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
	var back slo.Objective
	if err := json.Unmarshal(b, &back); err != nil || *back.Slices != *o.Slices {
		t.Errorf("read back %+v, %v", back.Slices, err)
	}
	if err := json.Unmarshal([]byte(`{"journey":"c","target":0.9,"slices":{"method":"Occurrences","window":"1m"}}`), &back); err == nil ||
		!strings.Contains(err.Error(), `slice method "Occurrences"; use "Timeslices" or "RatioTimeslices"`) {
		t.Errorf("Occurrences: %v", err)
	}
	f := fixture.New(t, o)
	f.Add("checkout", 1, 0)
	f.Advance(time.Minute)
	st := f.Reg.Status()[0]
	b, _ = json.Marshal(st)
	if !strings.Contains(string(b), `"slices":{"method":"Timeslices","window":"1m","target":0.9}`) || !strings.Contains(string(b), `"good":1,"bad":0`) {
		t.Errorf("status JSON: %s", b)
	}
	var sb slo.Status
	if err := json.Unmarshal(b, &sb); err != nil || sb.Slices == nil || *sb.Slices != *o.Slices {
		t.Errorf("status read back: %+v, %v", sb.Slices, err)
	}
}

// fast is a registry advanced by hand without moving its mock clock,
// whose every move sleeps a millisecond: two simulated weeks a minute at
// a time take a fraction of a second.
type fast struct {
	Reg *slo.Registry
	now time.Time
}

func newFast(t *testing.T, objectives ...slo.Objective) *fast {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(fixture.Start)
	reg, err := slo.New(objectives, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return &fast{Reg: reg, now: fixture.Start}
}

func (f *fast) Add(journey string, good, bad uint64) { fixture.Journey(f.Reg, journey).Add(good, bad) }

func (f *fast) Advance(d time.Duration) {
	f.now = f.now.Add(d)
	if err := f.Reg.Advance(f.now); err != nil {
		panic(err)
	}
}

// The outlook of an objective of slices reads slices: after 20 bad
// minutes, good slices clear the page when the 5m window holds less than
// one bad slice in five (burn 2), the first tick after 4 minutes.
func TestSlicesOutlook(t *testing.T) {
	f := newFast(t, slo.Objective{Journey: "slices", Target: 0.9, Period: 7 * 24 * time.Hour,
		Slices: &slo.Slices{Method: slo.RatioTimeslices, Window: time.Minute},
		Policy: burnrate.Policy{MinEvents: 5, Rules: []burnrate.Rule{{Severity: burnrate.SeverityPage, Long: time.Hour, Short: 5 * time.Minute, Factor: 2}}}})
	for i := range 60 {
		if i < 40 {
			f.Add("slices", 1000, 0)
		} else {
			f.Add("slices", 0, 1000)
		}
		f.Advance(time.Minute)
	}
	st := f.Reg.Status()[0]
	if st.State != burnrate.SeverityPage {
		t.Fatalf("state %v after 20 bad minutes of 60; want page", st.State)
	}
	tr := fixture.Tracker(f.Reg, "slices", "availability")
	out := tr.Outlook(0)
	// At 4m the 5m window holds exactly one bad slice in five, burn 2,
	// which still burns; 3 s later (the tick) a share of it has left.
	if want := f.now.Add(4*time.Minute + 3*time.Second); !out.Reset.Equal(want) {
		t.Errorf("reset at %v, want %v (rate %v slices/s)", out.Reset, want, out.Rate)
	}
	// 60 slices in 60 minutes, each counted in its own last step.
	if math.Abs(out.Rate-1.0/60) > 1e-12 {
		t.Errorf("rate %v slices/s, want 1/60", out.Rate)
	}
}

// A snapshot keeps the judged slices: a registry restored from it reports
// the slices its predecessor judged.
func TestSlicesSnapshot(t *testing.T) {
	o := slo.Objective{Journey: "slices", Target: 0.9, Period: 7 * 24 * time.Hour,
		Slices: &slo.Slices{Method: slo.Timeslices, Window: time.Minute, Target: 0.9}}
	path := t.TempDir() + "/snap"
	mock := clock.NewMock()
	mock.Set(fixture.Start)
	open := func() *slo.Registry {
		reg, err := slo.New([]slo.Objective{o}, slo.WithClock(mock), slo.WithManualAdvance(), slo.WithSnapshot(path, time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return reg
	}
	reg := open()
	j := fixture.Journey(reg, "slices")
	for i := range 30 {
		if i%3 == 0 {
			j.Add(1, 1)
		} else {
			j.Add(10, 0)
		}
		if err := reg.Advance(fixture.Start.Add(time.Duration(i+1) * time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := reg.Close(); err != nil {
		t.Fatal(err)
	}
	mock.Set(fixture.Start.Add(31 * time.Minute))
	reg = open()
	defer reg.Close()
	if got := reg.Restored(); len(got.Objectives) != 1 || len(got.Skipped) != 0 || got.Err != nil {
		t.Fatalf("restored %+v", got)
	}
	st := reg.Status()[0]
	if st.Good != 20 || st.Bad != 10 {
		t.Errorf("after the restart: %d good and %d bad slices; want 20 and 10", st.Good, st.Bad)
	}
}

// An episode of an objective of slices counts slices, and its share of
// the budget is a share of the budget in slices.
func TestSlicesEpisode(t *testing.T) {
	f := newFast(t, slo.Objective{Journey: "slices", Target: 0.9, Period: 7 * 24 * time.Hour,
		Slices: &slo.Slices{Method: slo.Timeslices, Window: time.Minute, Target: 0.9},
		Policy: burnrate.Policy{MinEvents: 3, Rules: []burnrate.Rule{{Severity: burnrate.SeverityPage, Long: 10 * time.Minute, Short: 2 * time.Minute, Factor: 5}}}})
	for i := range 60 {
		if i >= 40 && i < 46 {
			f.Add("slices", 0, 1000) // six bad minutes of heavy traffic
		} else {
			f.Add("slices", 10, 0)
		}
		f.Advance(time.Minute)
	}
	eps := fixture.Tracker(f.Reg, "slices", "availability").Episodes()
	st := f.Reg.Status()[0]
	if len(eps) != 1 || st.Good != 54 || st.Bad != 6 {
		t.Fatalf("%d episodes, %d good and %d bad slices: %+v", len(eps), st.Good, st.Bad, eps)
	}
	// The page fires at the 5th bad minute (5 of 10 bad, burn 5) and the
	// 2m window clears it after the second good minute: the episode holds
	// the 5th and 6th bad slices and two good ones, and spent 2 of the 4.8
	// slices the period's 48 allowed when it ended.
	ep := eps[0]
	if ep.Bad != 2 || ep.Good != 2 || math.Abs(ep.BudgetSpent-2/4.8) > 1e-12 || ep.Start != fixture.Start.Add(45*time.Minute) ||
		ep.End != fixture.Start.Add(48*time.Minute) {
		t.Errorf("episode %+v; want from 45m to 48m, 2 bad and 2 good slices, 2 of a 4.8-slice budget", ep)
	}
}

package slo

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/testenv"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func manual(t *testing.T, objs []Objective, opts ...Option) *Registry {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(t0)
	reg, err := New(objs, append([]Option{WithClock(mock), WithManualAdvance()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return reg
}

func TestObjectiveValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Objective
		want []string
	}{
		{"defaults are valid", Objective{Journey: "checkout", Target: 0.999}, nil},
		{"no journey", Objective{Target: 0.999}, []string{"slo: invalid: Journey is empty; name the user journey, such as checkout"}},
		{"reserved journey", Objective{Journey: "unmatched", Target: 0.999}, []string{`Journey "unmatched" is where undeclared journeys go`}},
		{"journey with a colon", Objective{Journey: "shop:checkout", Target: 0.999}, []string{`Journey "shop:checkout" is not a name`}},
		{"name with a space", Objective{Journey: "checkout", Name: "p 99", Target: 0.999}, []string{`Name "p 99" is not a name`}},
		{"percent target", Objective{Journey: "checkout", Target: 99.9}, []string{"burnrate: invalid target: 99.9 is not below 1; write 0.999 for 99.9%"}},
		{"NaN target", Objective{Journey: "checkout"}, []string{"target: 0 is not above 0"}},
		{"negative latency", Objective{Journey: "checkout", Target: 0.99, Latency: -time.Second}, []string{"Latency -1s is negative"}},
		{"period too long", Objective{Journey: "checkout", Target: 0.99, Period: 500 * 24 * time.Hour}, []string{"Period: window 12000h0m0s is longer than 9600h0m0s"}},
		{"90% with the default policy", Objective{Journey: "search", Target: 0.9, Latency: 300 * time.Millisecond}, nil},
		{"90% with the 30-day page written out", Objective{Journey: "checkout", Target: 0.9, Policy: burnrate.Policy{Rules: []burnrate.Rule{
			{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: burnrate.SeverityPage}}}},
			[]string{"rule 0 (page-1h-5m): Factor 14.4 can never fire at target 0.9"}},
		{"short window under 100 s", Objective{Journey: "checkout", Target: 0.999, Policy: burnrate.Policy{Rules: []burnrate.Rule{
			{Long: time.Hour, Short: time.Minute, Factor: 14.4, Severity: burnrate.SeverityPage}}}},
			[]string{"Policy: window 1m0s is shorter than 1m40s, the shortest kept to 1% accuracy"}},
		{"period shorter than every default window", Objective{Journey: "checkout", Target: 0.999, Period: 30 * time.Minute},
			[]string{"policy: no rules; use burnrate.DefaultPolicy(0.999, 30m)"}},
	} {
		err := tc.o.Validate()
		if len(tc.want) == 0 {
			if err != nil {
				t.Errorf("%s: Validate() = %v, want nil", tc.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: Validate() = nil, want an error", tc.name)
			continue
		}
		if !errors.Is(err, ErrInvalid) && !errors.Is(err, burnrate.ErrInvalid) {
			t.Errorf("%s: Validate() = %v, wraps neither ErrInvalid", tc.name, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: Validate() = %q, want it to contain %q", tc.name, err, w)
			}
		}
	}
}

func TestNewErrors(t *testing.T) {
	_, err := New(nil)
	if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "no objectives") {
		t.Errorf("New(nil) = %v", err)
	}
	_, err = New([]Objective{{Journey: "a", Target: 0.9}}, WithClock(nil))
	if err == nil || !strings.Contains(err.Error(), "WithClock(nil)") {
		t.Errorf("New with a nil clock = %v", err)
	}
	// Every problem is reported at once, with the objective it is about.
	_, err = New([]Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "checkout", Target: 0.99},
		{Journey: "login", Target: 99.5},
		{Journey: "search", Target: 0.9, Policy: burnrate.Policy{Rules: []burnrate.Rule{
			{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: burnrate.SeverityPage}}}},
	})
	for _, w := range []string{
		"objective 1 (checkout:availability): slo: invalid: objective 0 has the same journey and name",
		"objective 2 (login:availability): burnrate: invalid target: 99.5 is not below 1; write 0.995 for 99.5%",
		"objective 3 (search:availability): burnrate: invalid rule 0 (page-1h-5m): Factor 14.4 can never fire at target 0.9",
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("New(4 objectives) = %v, want it to contain %q", err, w)
		}
	}
}

func TestDefaults(t *testing.T) {
	rules := []burnrate.Rule{{Long: 2 * time.Hour, Short: 10 * time.Minute, Factor: 5, Severity: burnrate.SeverityPage}}
	reg := manual(t, []Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond, Policy: burnrate.Policy{MinEvents: 7}},
		{Journey: "search", Target: 0.995, Period: 7 * 24 * time.Hour, Policy: burnrate.Policy{Rules: rules}},
	})
	got := reg.Objectives()
	p30 := burnrate.DefaultPolicy(0.999, DefaultPeriod)
	p30.MinEvents = 1000 // 1 / (1 - 0.999)
	p30min7 := burnrate.DefaultPolicy(0.999, DefaultPeriod)
	p30min7.MinEvents = 7
	want := []Objective{
		{Name: "availability", Journey: "checkout", Target: 0.999, Period: DefaultPeriod, Policy: p30},
		{Name: "latency", Journey: "checkout", Target: 0.99, Period: DefaultPeriod, Latency: 300 * time.Millisecond, Policy: p30min7},
		{Name: "availability", Journey: "search", Target: 0.995, Period: 7 * 24 * time.Hour, Policy: burnrate.Policy{Rules: []burnrate.Rule{
			{Name: "page-2h-10m", Long: 2 * time.Hour, Short: 10 * time.Minute, Factor: 5, Severity: burnrate.SeverityPage}}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Objectives() (-want +got):\n%s", diff)
	}
	if rules[0].Name != "" {
		t.Errorf("New named the caller's rule: %q", rules[0].Name)
	}
	if diff := cmp.Diff([]string{"checkout", "search"}, reg.Journeys()); diff != "" {
		t.Errorf("Journeys() (-want +got):\n%s", diff)
	}
	if reg.Tick() != 3*time.Second {
		t.Errorf("Tick() = %v, want 3s", reg.Tick())
	}
}

func TestJourneyResolution(t *testing.T) {
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}, {Journey: "login", Target: 0.99}})
	series := reg.group.Len()
	checkout := journeyOf(reg, "checkout")
	if checkout.Name() != "checkout" || journeyOf(reg, "checkout") != checkout {
		t.Fatalf("Journey(checkout) = %q, not the same handle each time", checkout.Name())
	}
	for _, name := range []string{"", "Checkout", "checkout ", "/api/v1/users/42", strings.Repeat("x", 10000)} {
		j := journeyOf(reg, name)
		if j.Name() != Unmatched {
			t.Errorf("Journey(%.20q) = %q, want %q", name, j.Name(), Unmatched)
		}
		j.Record(false)
		j.Record(true)
		j.Observe(time.Hour, false)
		j.Add(2, 1)
		if j.Status() != nil && len(j.Status()) != 0 {
			t.Errorf("Unmatched journey has a status: %v", j.Status())
		}
	}
	if g, b := reg.Unmatched(); g != 5*4 || b != 5*2 {
		t.Errorf("Unmatched() = (%d, %d), want (20, 10)", g, b)
	}
	if got := reg.group.Len(); got != series {
		t.Errorf("undeclared journeys made series: %d, want %d", got, series)
	}
	reg.Advance(t0.Add(time.Second))
	for _, st := range reg.Status() {
		if st.Good != 0 || st.Bad != 0 {
			t.Errorf("%s/%s counted unmatched events: (%d, %d)", st.Journey, st.Objective, st.Good, st.Bad)
		}
	}
}

func TestObserveJudgesLatency(t *testing.T) {
	reg := manual(t, []Objective{
		{Journey: "search", Target: 0.99},
		{Journey: "search", Target: 0.99, Latency: 300 * time.Millisecond},
		{Journey: "search", Name: "latency-1s", Target: 0.95, Latency: time.Second},
	})
	j := journeyOf(reg, "search")
	j.Observe(100*time.Millisecond, false) // good everywhere
	j.Observe(300*time.Millisecond, false) // at the threshold: good
	j.Observe(301*time.Millisecond, false) // slow for 300ms only
	j.Observe(2*time.Second, false)        // slow for both
	j.Observe(10*time.Millisecond, true)   // bad everywhere
	j.Record(false)                        // no latency: good
	j.Record(true)                         // bad everywhere
	reg.Advance(t0.Add(time.Second))
	got := map[string][2]uint64{}
	for _, st := range j.Status() {
		got[st.Objective] = [2]uint64{st.Good, st.Bad}
	}
	want := map[string][2]uint64{"availability": {5, 2}, "latency": {3, 4}, "latency-1s": {4, 3}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("good, bad per objective (-want +got):\n%s", diff)
	}
}

func TestStatus(t *testing.T) {
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}})
	st := reg.Status()[0]
	if !st.NoData || st.SLI != 1 || st.BudgetRemaining != 1 || st.TimeToExhaustion != burnrate.Never ||
		st.State != burnrate.SeverityOK || st.Rule != "" || !st.Time.Equal(t0) || !st.Since.Equal(t0) {
		t.Errorf("status before any event = %+v", st)
	}
	for _, b := range st.Windows {
		if !b.NoData || b.Rate != 0 {
			t.Errorf("window %v before any event: %+v", b.Window, b)
		}
	}
	// 0.5% errors for an hour: burn 5 everywhere in the hour.
	j := journeyOf(reg, "checkout")
	for i := 0; i < 1200; i++ {
		now := t0.Add(time.Duration(i) * 3 * time.Second)
		reg.Advance(now)
		j.Add(597, 3)
	}
	at := t0.Add(time.Hour)
	reg.Advance(at)
	st = reg.Status()[0]
	if st.Good != 1200*597 || st.Bad != 1200*3 || st.SLI != 0.995 || st.NoData {
		t.Errorf("counts (%d, %d), SLI %v, NoData %v; want (716400, 3600), 0.995, false", st.Good, st.Bad, st.SLI, st.NoData)
	}
	// Over the period (only an hour of traffic so far): burn 5, budget -4
	// by arithmetic; but an hour of a 30-day period is too young for a
	// claim on its budget, so no time to exhaustion either.
	if st.BudgetRemaining != -4 || st.Budget != BudgetYoungData || st.Covered != time.Hour || st.MinCovered != 72*time.Hour {
		t.Errorf("BudgetRemaining %v, budget %v, covered %v of %v; want -4, young data, 1h of 72h", st.BudgetRemaining, st.Budget, st.Covered, st.MinCovered)
	}
	if st.TimeToExhaustion != burnrate.Never {
		t.Errorf("TimeToExhaustion = %v, want Never (young data)", st.TimeToExhaustion)
	}
	// Every window holds the same hour, so the 1d and 3d windows burn at 5
	// too: both tickets fire (factors 3 and 1), neither page (14.4 and 6).
	// They fired at t0+6s, the first instant with the 1000 events that the
	// guard asks for at 99.9% (600 a step).
	if st.State != burnrate.SeverityTicket || st.Rule != "ticket-1d-2h" || !st.Time.Equal(at) || !st.Since.Equal(t0.Add(6*time.Second)) {
		t.Errorf("state %v by %q at %v since %v, want ticket by ticket-1d-2h at %v since t0+6s", st.State, st.Rule, st.Time, st.Since, at)
	}
	wantRules := []string{"page-1h-5m", "page-6h-30m", "ticket-1d-2h", "ticket-3d-6h"}
	for i, rs := range st.Rules {
		if rs.Name != wantRules[i] || rs.LongRate != 5 || rs.ShortRate != 5 || rs.Burning != (rs.Factor <= 5) || rs.Burning != rs.Firing {
			t.Errorf("rule %d = %+v, want %s at burn 5 on both windows", i, rs, wantRules[i])
		}
	}
}

func TestTimeToExhaustionUsesShortestLongWindow(t *testing.T) {
	reg := ripen(manual(t, []Objective{{Journey: "checkout", Target: 0.999}}))
	j := journeyOf(reg, "checkout")
	// A day of clean traffic, then 10 minutes at burn 10.
	now := t0
	for ; now.Before(t0.Add(24 * time.Hour)); now = now.Add(time.Minute) {
		reg.Advance(now)
		j.Add(6000, 0)
	}
	for end := now.Add(10 * time.Minute); now.Before(end); now = now.Add(3 * time.Second) {
		reg.Advance(now)
		j.Add(297, 3)
	}
	reg.Advance(now)
	st := reg.Status()[0]
	var oneHour burnrate.Burn
	for _, b := range st.Windows {
		if b.Window == time.Hour {
			oneHour = b
		}
	}
	want := burnrate.TimeToExhaustion(st.BudgetRemaining, oneHour.Rate, DefaultPeriod)
	if st.ExhaustionWindow != time.Hour {
		t.Errorf("ExhaustionWindow = %v, want 1h, the shortest long window", st.ExhaustionWindow)
	}
	if st.TimeToExhaustion != want || want <= 0 || want == burnrate.Never {
		t.Errorf("TimeToExhaustion = %v, want %v (remaining %v at the 1h burn %v)", st.TimeToExhaustion, want, st.BudgetRemaining, oneHour.Rate)
	}
}

func TestRotatorFollowsTheClock(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(t0)
	trans := make(chan Transition, 16)
	reg, err := New([]Objective{{Journey: "checkout", Target: 0.999}}, WithClock(mock),
		OnTransition(func(tr Transition) { trans <- tr }))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	next := func() Transition {
		t.Helper()
		select {
		case tr := <-trans:
			return tr
		case <-time.After(10 * time.Second):
			t.Fatal("no transition within 10 s")
			return Transition{}
		}
	}
	journeyOf(reg, "checkout").Add(0, 1000)
	mock.Add(3 * time.Second) // one tick: the rotator advances and pages
	tr := next()
	if tr.From != burnrate.SeverityOK || tr.To != burnrate.SeverityPage || tr.Status.Rule != "page-1h-5m" || !tr.Status.Time.Equal(t0.Add(3*time.Second)) {
		t.Fatalf("transition %v->%v by %q at %v, want ok->page by page-1h-5m at t0+3s", tr.From, tr.To, tr.Status.Rule, tr.Status.Time)
	}
	// Forty minutes in one jump (the mock sleeps a millisecond per tick):
	// the mock ticker drops ticks and the rotator catches up from the
	// clock. The burst leaves the 5m window (page by the 1h rule to page by
	// the 6h rule, no transition) and then the 30m window: page to ticket.
	mock.Add(40 * time.Minute)
	final := t0.Add(40*time.Minute + 3*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for !reg.Status()[0].Time.Equal(final) {
		if time.Now().After(deadline) {
			t.Fatalf("rotator stopped at %v, want %v", reg.Status()[0].Time, final)
		}
		time.Sleep(time.Millisecond)
	}
	tr = next()
	if tr.From != burnrate.SeverityPage || tr.To != burnrate.SeverityTicket || tr.Status.Rule != "ticket-1d-2h" ||
		tr.Status.Time.Before(t0.Add(30*time.Minute)) {
		t.Fatalf("transition %v->%v by %q at %v, want page->ticket by ticket-1d-2h after t0+30m", tr.From, tr.To, tr.Status.Rule, tr.Status.Time)
	}
	if st := reg.Status()[0]; st.State != burnrate.SeverityTicket || st.Bad != 1000 {
		t.Fatalf("after 40m: state %v, bad %d; want ticket, 1000", st.State, st.Bad)
	}
}

func TestCloseStopsTheRotator(t *testing.T) {
	before := goleak.IgnoreCurrent()
	reg, err := New([]Objective{{Journey: "checkout", Target: 0.999}})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1<<20)
	if stacks := string(buf[:runtime.Stack(buf, true)]); !strings.Contains(stacks, "created by github.com/journeyslo/journeyslo/slo.New") {
		t.Fatalf("New started no rotator goroutine:\n%s", stacks)
	}
	if err := reg.Close(); err != nil {
		t.Fatal(err)
	}
	if err := reg.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	goleak.VerifyNone(t, before)
}

func TestRecordDoesNotAllocate(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	reg := manual(t, []Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "checkout", Target: 0.99, Latency: time.Second},
	})
	j := journeyOf(reg, "checkout")
	if n := testing.AllocsPerRun(1000, func() {
		j.Record(false)
		j.Observe(time.Millisecond, true)
		j.Add(1, 1)
		journeyOf(reg, "checkout").Record(true)
		journeyOf(reg, "nope").Record(true)
	}); n != 0 {
		t.Fatalf("recording allocates %v times per run, want 0", n)
	}
	// Advancing without transitions allocates nothing either.
	now := t0
	reg.Advance(now)
	if n := testing.AllocsPerRun(100, func() {
		now = now.Add(3 * time.Second)
		reg.Advance(now)
	}); n != 0 {
		t.Fatalf("Advance allocates %v times per run, want 0", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}, {Journey: "login", Target: 0.99}})
	const writers, per = 4, 5000
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j := journeyOf(reg, []string{"checkout", "login"}[w%2])
			for i := range per {
				j.Record(i%10 == 0)
			}
		}()
	}
	stop := make(chan struct{})
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		for {
			select {
			case <-stop:
				return
			default:
				_ = reg.Status()
				_ = journeyOf(reg, "login").Status()
			}
		}
	}()
	now := t0
	for i := 0; i < 2000; i++ {
		now = now.Add(3 * time.Second)
		reg.Advance(now)
	}
	wg.Wait()
	close(stop)
	<-readDone
	reg.Advance(now.Add(3 * time.Second))
	for _, st := range reg.Status() {
		if st.Good != 2*per*9/10 || st.Bad != 2*per/10 {
			t.Errorf("%s: (%d, %d), want (%d, %d)", st.Journey, st.Good, st.Bad, 2*per*9/10, 2*per/10)
		}
	}
}

func TestTotalsOutliveThePeriod(t *testing.T) {
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}})
	journeyOf(reg, "checkout").Add(70, 3)
	reg.Advance(t0.Add(time.Minute))
	if st := reg.Status()[0]; st.Good != 70 || st.Bad != 3 || st.TotalGood != 70 || st.TotalBad != 3 {
		t.Fatalf("after a minute: period (%d, %d), total (%d, %d); want (70, 3) twice", st.Good, st.Bad, st.TotalGood, st.TotalBad)
	}
	reg.Advance(t0.Add(31 * 24 * time.Hour))
	if st := reg.Status()[0]; st.Good != 0 || st.Bad != 0 || st.TotalGood != 70 || st.TotalBad != 3 {
		t.Fatalf("after 31 days: period (%d, %d), total (%d, %d); want (0, 0) and (70, 3)", st.Good, st.Bad, st.TotalGood, st.TotalBad)
	}
}

func TestClockAndNeedsLatency(t *testing.T) {
	mock := clock.NewMock()
	reg, err := New([]Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "search", Target: 0.99, Latency: time.Second},
	}, WithClock(mock), WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if reg.Clock() != clock.Clock(mock) {
		t.Error("Clock() is not the clock given")
	}
	if journeyOf(reg, "checkout").NeedsLatency() || !journeyOf(reg, "search").NeedsLatency() || journeyOf(reg, "x").NeedsLatency() {
		t.Errorf("NeedsLatency: checkout %v, search %v, unmatched %v; want false, true, false",
			journeyOf(reg, "checkout").NeedsLatency(), journeyOf(reg, "search").NeedsLatency(), journeyOf(reg, "x").NeedsLatency())
	}
}

func TestStalled(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(t0)
	reg, err := New([]Objective{{Journey: "checkout", Target: 0.999}}, WithClock(mock), WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	for _, step := range []struct {
		add     time.Duration
		advance bool
		lag     time.Duration
		stalled bool
	}{
		{0, false, 0, false},
		{30 * time.Second, false, 30 * time.Second, false}, // 10 ticks of 3 s: not yet
		{time.Second, false, 31 * time.Second, true},
		{0, true, 0, false},
		{-time.Hour, false, -time.Hour, false}, // the clock went back
	} {
		mock.Add(step.add)
		if step.advance {
			reg.Advance(mock.Now())
		}
		if lag, stalled := reg.Staleness(); lag != step.lag || stalled != step.stalled {
			t.Errorf("at t0+%v: Lag() = %v, Stalled() = %v; want %v, %v", mock.Now().Sub(t0), lag, stalled, step.lag, step.stalled)
		}
	}
}

func TestBurnDown(t *testing.T) {
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}})
	if tr, ok := reg.Tracker("checkout", "latency"); ok || tr != nil {
		t.Error("Tracker of an unknown objective succeeded")
	}
	if tr, ok := reg.Tracker("nope", "availability"); ok || tr != nil {
		t.Error("Tracker of an unknown journey succeeded")
	}
	// A million events: a budget of 1000 bad ones, spent half in the second
	// 6-hour bucket and half in the third.
	j := journeyOf(reg, "checkout")
	j.Add(999000, 0)
	reg.Advance(t0.Add(6 * time.Hour))
	j.Add(0, 500)
	reg.Advance(t0.Add(12 * time.Hour))
	j.Add(0, 500)
	reg.Advance(t0.Add(18 * time.Hour))
	// The period [t0+18h-30d, t0+18h) holds 120 six-hour buckets whole;
	// the current one, empty, is the 121st.
	points := trackerOf(reg, "checkout", "availability").BurnDown()
	if len(points) != 121 {
		t.Fatalf("BurnDown: %d points; want 121 six-hour buckets", len(points))
	}
	want := map[int]BudgetPoint{
		0:   {t0.Add(-116 * 6 * time.Hour), 1},
		117: {t0.Add(6 * time.Hour), 1},
		118: {t0.Add(12 * time.Hour), 0.5},
		119: {t0.Add(18 * time.Hour), 0},
		120: {t0.Add(18 * time.Hour), 0}, // the current bucket ends at the evaluation, not in the future
	}
	for i, w := range want {
		if p := points[i]; !p.End.Equal(w.End) || p.Remaining != w.Remaining {
			t.Errorf("point %d = {%v %v}, want {%v %v}", i, p.End, p.Remaining, w.End, w.Remaining)
		}
	}
	if last := points[len(points)-1].Remaining; last != reg.Status()[0].BudgetRemaining {
		t.Errorf("last point %v, Status().BudgetRemaining %v; want equal", last, reg.Status()[0].BudgetRemaining)
	}

	// 30 days and 3 hours on, the period starts halfway through t0's
	// bucket: it counts half of its 999000 good events, so the 1000 bad
	// ones are spent against an allowance of (499500 + 1000) x 0.1%.
	reg.Advance(t0.Add(30*24*time.Hour + 3*time.Hour))
	points = trackerOf(reg, "checkout", "availability").BurnDown()
	allowed := 500500 * 0.001
	want = map[int]BudgetPoint{
		0:   {t0.Add(6 * time.Hour), 1},
		1:   {t0.Add(12 * time.Hour), 1 - 500/allowed},
		2:   {t0.Add(18 * time.Hour), 1 - 1000/allowed},
		120: {t0.Add(30*24*time.Hour + 3*time.Hour), 1 - 1000/allowed},
	}
	if len(points) != 121 {
		t.Fatalf("BurnDown at t0+30d3h: %d points, want 121", len(points))
	}
	for i, w := range want {
		if p := points[i]; !p.End.Equal(w.End) || math.Abs(p.Remaining-w.Remaining) > 1e-12 {
			t.Errorf("t0+30d3h: point %d = {%v %v}, want {%v %v}", i, p.End, p.Remaining, w.End, w.Remaining)
		}
	}
	if st := reg.Status()[0]; st.Good != 499500 || st.Bad != 1000 || math.Abs(st.BudgetRemaining-(1-1000/allowed)) > 1e-12 {
		t.Errorf("t0+30d3h: period (%d, %d), budget %v; want (499500, 1000), %v", st.Good, st.Bad, st.BudgetRemaining, 1-1000/allowed)
	}
}

func TestNewQuotesOddNames(t *testing.T) {
	_, err := New([]Objective{{Journey: "a\nb", Target: 0.999}, {Journey: "ok", Name: "", Target: 2}})
	for _, w := range []string{`objective 0 ("a\nb":availability): slo: invalid: Journey "a\nb" is not a name`, "objective 1 (ok:availability): burnrate: invalid target: 2 is not below 1"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("New = %v, want it to contain %q", err, w)
		}
	}
}

func TestRotatorSurvivesAPanickingCallback(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(t0)
	errs := make(chan error, 4)
	reg, err := New([]Objective{{Journey: "checkout", Target: 0.999}}, WithClock(mock),
		OnTransition(func(tr Transition) { panic("the callback's own bug") }),
		OnError(func(err error) { errs <- err }))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	journeyOf(reg, "checkout").Add(0, 5000)
	mock.Add(3 * time.Second) // pages: the callback panics on the rotator
	select {
	case err := <-errs:
		if want := "slo: recovered panic: OnTransition callback 0 panicked on checkout:availability ok -> page at 2026-03-02T00:00:03Z: the callback's own bug"; err.Error() != want || !errors.Is(err, ErrPanic) {
			t.Fatalf("OnError got %q", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no error reported within 10 s")
	}
	// The rotator goes on: the next tick advances the registry.
	mock.Add(3 * time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for !reg.Status()[0].Time.Equal(t0.Add(6 * time.Second)) {
		if time.Now().After(deadline) {
			t.Fatalf("the rotator stopped at %v after the panic", reg.Status()[0].Time)
		}
		time.Sleep(time.Millisecond)
	}
	if _, stalled := reg.Staleness(); stalled {
		t.Error("Stalled() after a recovered panic")
	}
}

// journeyOf returns reg's handle of the named journey, the Unmatched
// journey's for a name reg does not declare.
func journeyOf(reg *Registry, name string) *Journey {
	j, _ := reg.Journey(name)
	return j
}

// trackerOf returns reg's handle of the journey's named objective, and
// panics when reg declares none: a broken test.
func trackerOf(reg *Registry, journey, objective string) *Tracker {
	t, ok := reg.Tracker(journey, objective)
	if !ok {
		panic("no objective " + ObjectiveKey(journey, objective))
	}
	return t
}

// ripen makes reg's data cover every objective's whole period, as if it
// had been running quietly for a period before t0, so that its statuses
// make budget claims from the first events on (see BudgetYoungData).
func ripen(reg *Registry) *Registry {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	for _, o := range reg.objs {
		o.from = o.from.Add(-o.Period)
	}
	return reg
}

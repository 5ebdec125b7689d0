package slo_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

// An episode that lasts longer than the log has room for others is never
// dropped: it is the newest, and no other starts while it is open.
func TestOpenEpisodeOutlivesTheLogBound(t *testing.T) {
	m := newMinutely(t, start, slo.WithEpisodeLog(1))
	m.run(60, 1000, 0)
	m.run(5, 0, 1000) // a page, ended 6h later
	m.run(7*60, 1000, 0)
	first := m.reg.Episodes()
	if len(first) != 1 || first[0].Open() {
		t.Fatalf("after the first incident: %+v", first)
	}
	// 0.2% errors for two days: after k minutes of them the 6h window
	// burns 2k/360, and ticket-3d-6h fires at k = 180 (its 3d window,
	// holding the first incident, burns far above 1); open since.
	begin := m.now
	m.run(48*60, 998, 2)
	eps := m.reg.Episodes()
	if len(eps) != 1 || !eps[0].Open() || eps[0].Severity != burnrate.SeverityTicket || !eps[0].Start.Equal(begin.Add(3*time.Hour)) {
		t.Fatalf("during the long ticket: %+v, want it alone, open since %v", eps, begin.Add(3*time.Hour))
	}
	if d := eps[0].Duration(m.now); d != 45*time.Hour {
		t.Errorf("open for %v, want 45h", d)
	}
}

// restart closes m's registry and returns one restored from its snapshot
// at m.now plus gap, with the given objective.
func restart(t *testing.T, m *minutely, path string, gap time.Duration, o slo.Objective) *minutely {
	t.Helper()
	if err := m.reg.Close(); err != nil {
		t.Fatal(err)
	}
	mock := clock.NewMock()
	mock.Set(m.now.Add(gap))
	reg, err := slo.New([]slo.Objective{o}, slo.WithClock(mock), slo.WithManualAdvance(), slo.WithSnapshot(path, time.Hour),
		slo.OnError(func(error) {})) // what was restored is checked by the tests
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return &minutely{t: t, reg: reg, now: m.now.Add(gap)}
}

// The episodes belong to the windows that counted their events: when the
// windows are not restored, neither are they.
func TestEpisodesDroppedWithTheirWindows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	m := newMinutely(t, start, slo.WithSnapshot(path, time.Hour))
	m.run(60, 1000, 0)
	m.run(5, 0, 1000)
	next := restart(t, m, path, 0, slo.Objective{Journey: "checkout", Target: 0.999, Name: "availability", Latency: time.Second})
	if res := next.reg.Restored(); len(res.Skipped) != 1 {
		t.Fatalf("restore: %+v, want the objective skipped", res)
	}
	if eps := next.reg.Episodes(); len(eps) != 0 {
		t.Errorf("episodes %+v restored without their windows", eps)
	}
}

// A restart long enough for the windows to forget the incident ends the
// open episode at the restored registry's first evaluation, with the
// figures it had: nothing was counted meanwhile.
func TestOpenEpisodeEndsAtARestartThatForgotIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	m := newMinutely(t, start, slo.WithSnapshot(path, time.Hour))
	m.run(60, 1000, 0)
	m.run(5, 0, 1000)
	m.run(30, 1000, 0) // ticket-3d-6h holds
	before := m.reg.Episodes()[0]
	next := restart(t, m, path, 7*time.Hour, slo.Objective{Journey: "checkout", Target: 0.999})
	eps := next.reg.Episodes()
	if len(eps) != 1 {
		t.Fatalf("restored %+v", eps)
	}
	want := before
	want.End = next.now
	compareEpisode(t, "ended at the restart", eps[0], want)
}

// A restored open episode whose rule the policy no longer has (renamed
// here) continues under the rule that fires now, whose mitigation is
// looked for anew.
func TestRestoredEpisodeOfARenamedRule(t *testing.T) {
	rule := func(name string) slo.Objective {
		return slo.Objective{Journey: "checkout", Target: 0.999, Policy: burnrate.Policy{MinEvents: 1000, Rules: []burnrate.Rule{
			{Name: name, Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: burnrate.SeverityPage}}}}
	}
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	mock := clock.NewMock()
	mock.Set(start)
	reg, err := slo.New([]slo.Objective{rule("fast")}, slo.WithClock(mock), slo.WithManualAdvance(), slo.WithSnapshot(path, time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	m := &minutely{t: t, reg: reg, now: start}
	m.run(60, 1000, 0)
	m.run(3, 0, 1000)
	next := restart(t, m, path, 0, rule("quick"))
	next.run(10, 1000, 0) // the 5m window lets the outage go at +5m
	eps := next.reg.Episodes()
	// Paged at start+61m; the outage's minutes 60..62 leave the 5m window
	// at start+68m, which ends the episode (the only rule stops) and
	// mitigates it (burn 0) at once.
	if len(eps) != 1 || eps[0].Rule != "quick" || !eps[0].Paged.Equal(start.Add(61*time.Minute)) ||
		!eps[0].End.Equal(start.Add(68*time.Minute)) || !eps[0].Mitigated.Equal(eps[0].End) || eps[0].Bad != 3000 {
		t.Errorf("continued episode %+v", eps)
	}
}

// A ticket that turns into a page is one episode, about the page: its
// Rule, PeakBurn and Mitigated follow page-1h-5m from then on.
func TestEpisodeEscalates(t *testing.T) {
	m := newMinutely(t, start)
	m.run(60, 1000, 0)
	m.run(90, 998, 2) // ticket-3d-6h from start+120m (see TestEpisodeOfATicket)
	// One minute of full outage, counted at start+151m: the 1h window
	// holds minutes 91..150, 59 at 0.2% and the outage, (118+1000)/60000
	// /0.001 = 18.6, the 5m window (8+1000)/5000/0.001 = 201.6: a page.
	m.run(1, 0, 1000)
	// Good traffic: the outage leaves the 5m window at start+156m (burn
	// 0, mitigated); the 1h window's peak was at start+151m. page-6h-30m
	// holds the page past start+161m (its 30m window keeps the outage).
	m.run(10, 1000, 0)
	eps := m.reg.Episodes()
	if len(eps) != 1 {
		t.Fatalf("episodes %+v, want one", eps)
	}
	want := slo.Episode{Journey: "checkout", Objective: "availability", Start: start.Add(120 * time.Minute), Rule: "page-1h-5m",
		Severity: burnrate.SeverityPage, Paged: start.Add(151 * time.Minute), Paging: 10 * time.Minute, PeakBurn: 1118.0 / 60,
		Mitigated: start.Add(156 * time.Minute),
		// The evaluations start+120m..start+161m: 31 minutes at 0.2%, the
		// outage and 10 good minutes.
		Good: 31*998 + 10000, Bad: 62 + 1000, BudgetSpent: 1062 / 161.0}
	compareEpisode(t, "escalated", eps[0], want)
}

// Registry.Episodes orders every objective's episodes by Start, and those
// that started at the same evaluation in declaration order; each
// journey's lookup gives its own.
func TestEpisodesOfSeveralObjectives(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(start)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}, {Journey: "login", Target: 0.999}},
		slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	now := start
	minute := func(checkoutBad, loginBad uint64) {
		fixture.Journey(reg, "checkout").Add(1000-checkoutBad, checkoutBad)
		fixture.Journey(reg, "login").Add(1000-loginBad, loginBad)
		now = now.Add(time.Minute)
		reg.Advance(now)
	}
	for range 60 {
		minute(0, 0)
	}
	minute(0, 1000) // login pages at start+61m
	for range 7 * 60 {
		minute(0, 0)
	}
	minute(1000, 1000) // both page at start+7h62m
	type key struct {
		Journey string
		Start   time.Time
	}
	var got []key
	for _, e := range reg.Episodes() {
		got = append(got, key{e.Journey, e.Start})
	}
	both := start.Add(7*time.Hour + 62*time.Minute)
	want := []key{{"login", start.Add(61 * time.Minute)}, {"checkout", both}, {"login", both}}
	if !cmp.Equal(got, want) {
		t.Errorf("episodes %v, want %v", got, want)
	}
	if eps := fixture.Journey(reg, "login").Episodes(); len(eps) != 2 || eps[0].Journey != "login" || eps[1].Journey != "login" {
		t.Errorf("login's episodes %+v", eps)
	}
}

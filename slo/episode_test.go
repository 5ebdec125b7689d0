package slo_test

import (
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

// minutely drives a registry in one-minute evaluations, recording each
// minute's events right after the evaluation that opens it, so that the
// next evaluation counts them: the way a service at 1000 requests a minute
// looks to a registry evaluated every minute.
type minutely struct {
	t   testing.TB
	reg *slo.Registry
	now time.Time
}

func newMinutely(t testing.TB, at time.Time, opts ...slo.Option) *minutely {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(at)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
		append([]slo.Option{slo.WithClock(mock), slo.WithManualAdvance()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return &minutely{t: t, reg: reg, now: at}
}

// run records good and bad events in each of n minutes, evaluating at the
// start of each.
func (m *minutely) run(n int, good, bad uint64) {
	m.t.Helper()
	j := fixture.Journey(m.reg, "checkout")
	for range n {
		j.Add(good, bad)
		m.now = m.now.Add(time.Minute)
		if err := m.reg.Advance(m.now); err != nil {
			m.t.Fatal(err)
		}
	}
}

// closeTo reports whether got is want within float rounding.
func closeTo(got, want float64) bool {
	return math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want))
}

// outageEpisode is the episode of a 12-minute full outage at 99.9% under
// the default 30-day policy, with 1000 events a minute and a day of good
// traffic before it. The outage's minutes are T, ..., T+11m, T = start+1d;
// the evaluation at T+k counts the minute T+k-1.
//
//   - Start, Paged: at T+1m the 1h window holds 60 minutes, 1000 of their
//     60000 events bad: burn 1000/60000/0.001 = 16.7 >= 14.4, and the 5m
//     window burns 200; page-1h-5m fires.
//   - PeakBurn: the 1h window holds all 12000 bad of its 60000 from T+12m
//     to T+60m: burn 200.
//   - Mitigated: the 5m window at E holds minutes E-5m..E-1m; the last bad
//     minute, T+11m, leaves it at T+17m: burn 0 < 1.
//   - page-6h-30m (6h burn 12000/360000/0.001 = 33.3 >= 6) holds while the
//     30m window holds a bad minute (1000/30000/0.001 = 33.3 >= 6): until
//     T+41m; at T+42m the state falls to ticket. Paging: T+1m to T+42m,
//     41 minutes.
//   - ticket-3d-6h (factor 1; 6h burn 33.3) holds while the 6h window
//     holds a bad minute: until T+6h11m; End is T+6h12m.
//   - Good and Bad: the evaluations T+1m..T+6h12m count 372 minutes,
//     12 of them bad: 12000 bad, 360000 good.
//   - BudgetSpent at End: the period holds the day and the 372 minutes,
//     1,812,000 events, a budget of 1812: 12000/1812.
func outageEpisode() slo.Episode {
	at := start.Add(24 * time.Hour)
	return slo.Episode{
		Journey: "checkout", Objective: "availability",
		Start: at.Add(time.Minute), Rule: "page-1h-5m", Severity: burnrate.SeverityPage,
		Paged: at.Add(time.Minute), Paging: 41 * time.Minute, PeakBurn: 200,
		Mitigated: at.Add(17 * time.Minute), End: at.Add(6*time.Hour + 12*time.Minute),
		Good: 360000, Bad: 12000, BudgetSpent: 12000.0 / 1812,
	}
}

// compareEpisode fails unless got is want, floats within rounding.
func compareEpisode(t *testing.T, what string, got, want slo.Episode) {
	t.Helper()
	if diff := cmp.Diff(want, got, cmp.Comparer(closeTo)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

func TestEpisodeOfAnOutage(t *testing.T) {
	m := newMinutely(t, start)
	m.run(24*60, 1000, 0)
	if eps := m.reg.Episodes(); len(eps) != 0 {
		t.Fatalf("a day of good traffic: episodes %+v, want none", eps)
	}
	m.run(12, 0, 1000)
	// At T+12m the episode is open: paging since T+1m, 11 minutes; the
	// 11 evaluations T+1m..T+11m (T+12m counts the 12th minute too) hold
	// all 12 bad minutes and no good event; the period holds 1452 minutes.
	want := outageEpisode()
	open := want
	open.Paging, open.Mitigated, open.End = 11*time.Minute, time.Time{}, time.Time{}
	open.Good, open.Bad, open.BudgetSpent = 0, 12000, 12000.0/1452
	eps := m.reg.Episodes()
	if len(eps) != 1 || !eps[0].Open() {
		t.Fatalf("during the outage: %+v, want one open episode", eps)
	}
	compareEpisode(t, "during the outage", eps[0], open)

	m.run(6*60, 1000, 0)
	eps = m.reg.Episodes()
	if len(eps) != 1 || eps[0].Open() {
		t.Fatalf("6h after: %+v, want one ended episode", eps)
	}
	compareEpisode(t, "after the outage", eps[0], want)
	if d := eps[0].Duration(m.now); d != 6*time.Hour+11*time.Minute {
		t.Errorf("Duration = %v, want 6h11m", d)
	}
	// The journey's lookup gives the same.
	compareEpisode(t, "Journey.Episodes", fixture.Journey(m.reg, "checkout").Episodes()[0], want)
	if got := fixture.Journey(m.reg, "nobody").Episodes(); got != nil {
		t.Errorf("Unmatched's episodes: %+v, want none", got)
	}
}

// The state steps ok -> page -> ticket -> ok one evaluation at a time, at
// the instants of the derivation above.
func TestEpisodeFollowsTheStates(t *testing.T) {
	m := newMinutely(t, start)
	m.run(24*60, 1000, 0)
	at := m.now
	m.run(12, 0, 1000)
	states := map[time.Duration]burnrate.Severity{}
	last := burnrate.SeverityPage
	for range 6*60 + 20 {
		m.run(1, 1000, 0)
		if st := m.reg.Status()[0].State; st != last {
			states[m.now.Sub(at)], last = st, st
		}
	}
	want := map[time.Duration]burnrate.Severity{42 * time.Minute: burnrate.SeverityTicket, 6*time.Hour + 12*time.Minute: burnrate.SeverityOK}
	if !cmp.Equal(states, want) {
		t.Errorf("state changes after T: %v, want %v", states, want)
	}
}

func TestEpisodeOfATicket(t *testing.T) {
	// After an hour of good traffic, 0.2% errors: at start+60m+k the 6h
	// and 3d windows hold 60 good minutes and k at 0.2%, a burn of
	// 2k/(60+k), which reaches ticket-3d-6h's factor 1 at k = 60, and the
	// 2h window never reaches ticket-1d-2h's 3 (at most 2). Rule is the
	// ticket's, Paged zero; the peak, at k = 90, is 180/150.
	m := newMinutely(t, start)
	m.run(60, 1000, 0)
	m.run(90, 998, 2)
	eps := m.reg.Episodes()
	if len(eps) != 1 {
		t.Fatalf("episodes %+v, want one", eps)
	}
	ep := eps[0]
	if !ep.Start.Equal(start.Add(120*time.Minute)) || ep.Rule != "ticket-3d-6h" || ep.Severity != burnrate.SeverityTicket ||
		!ep.Paged.IsZero() || ep.Paging != 0 || !ep.Open() || !ep.Mitigated.IsZero() {
		t.Errorf("ticket episode %+v", ep)
	}
	// The evaluations start+120m..start+150m count 31 minutes at 0.2%.
	if !closeTo(ep.PeakBurn, 1.2) || ep.Bad != 62 || ep.Good != 31*998 {
		t.Errorf("PeakBurn, Good, Bad = %v, %v, %v; want 1.2, 30938, 62", ep.PeakBurn, ep.Good, ep.Bad)
	}
}

func TestEpisodeLogIsBounded(t *testing.T) {
	// Each burst of 5 bad minutes pages at once (5m burn 200) and leaves
	// the 6h window after 6h; 7 hours apart, the bursts make one episode
	// each.
	m := newMinutely(t, start, slo.WithEpisodeLog(3))
	m.run(60, 1000, 0)
	var starts []time.Time
	for range 5 {
		starts = append(starts, m.now.Add(time.Minute))
		m.run(5, 0, 1000)
		m.run(7*60, 1000, 0)
	}
	eps := m.reg.Episodes()
	if len(eps) != 3 {
		t.Fatalf("%d episodes kept, want the last 3", len(eps))
	}
	for i, ep := range eps {
		if !ep.Start.Equal(starts[i+2]) || ep.Open() || ep.Bad != 5000 {
			t.Errorf("episode %d: %+v, want the start %v, ended, 5000 bad", i, ep, starts[i+2])
		}
	}
}

func TestWithEpisodeLogRefusesABadBound(t *testing.T) {
	for _, n := range []int{0, -1, 1<<16 + 1} {
		_, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithEpisodeLog(n), slo.WithManualAdvance())
		if !errors.Is(err, slo.ErrInvalid) || !strings.Contains(err.Error(), "WithEpisodeLog(") || !strings.Contains(err.Error(), "between 1 and 65536") {
			t.Errorf("WithEpisodeLog(%d): %v, want an ErrInvalid naming the bound", n, err)
		}
	}
	if _, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithEpisodeLog(1<<16), slo.WithManualAdvance()); err != nil {
		t.Errorf("WithEpisodeLog(65536): %v", err)
	}
}

func TestEpisodeAtClose(t *testing.T) {
	m := newMinutely(t, start)
	m.run(24*60, 1000, 0)
	m.run(3, 0, 1000)
	// 500 more bad events recorded after the last evaluation: Close counts
	// them at the instant of that evaluation, and the episode stays open,
	// with 3500 bad over a budget of (1443000+500)*0.001.
	fixture.Journey(m.reg, "checkout").Add(0, 500)
	if err := m.reg.Close(); err != nil {
		t.Fatal(err)
	}
	eps := m.reg.Episodes()
	if len(eps) != 1 || !eps[0].Open() {
		t.Fatalf("after Close: %+v, want one open episode", eps)
	}
	ep := eps[0]
	if ep.Bad != 3500 || ep.Good != 0 || ep.Paging != 2*time.Minute || !closeTo(ep.BudgetSpent, 3500/1443.5) {
		t.Errorf("at Close: %+v, want 3500 bad, 0 good, paging 2m, budget 3500/1443.5", ep)
	}
}

func TestEpisodeJSON(t *testing.T) {
	ep := outageEpisode()
	b, err := json.Marshal(ep)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"journey":"checkout","objective":"availability","start":"2026-03-03T00:01:00Z","rule":"page-1h-5m","severity":"page",` +
		`"paged":"2026-03-03T00:01:00Z","paging":"41m","peakBurn":200,"mitigated":"2026-03-03T00:17:00Z","end":"2026-03-03T06:12:00Z",` +
		`"open":false,"good":360000,"bad":12000,"budgetSpent":6.62251655629}`
	if string(b) != want {
		t.Errorf("JSON\n%s\nwant\n%s", b, want)
	}
	var back slo.Episode
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	ep.BudgetSpent = 6.62251655629 // as written: 12 digits
	compareEpisode(t, "read back", back, ep)

	open := slo.Episode{Journey: "checkout", Objective: "availability", Start: start, Rule: "ticket-3d-6h", Severity: burnrate.SeverityTicket,
		PeakBurn: 1 - 0.54, BudgetSpent: math.NaN()}
	b, _ = json.Marshal(open)
	want = `{"journey":"checkout","objective":"availability","start":"2026-03-02T00:00:00Z","rule":"ticket-3d-6h","severity":"ticket",` +
		`"paged":null,"paging":"0s","peakBurn":0.46,"mitigated":null,"end":null,"open":true,"good":0,"bad":0,"budgetSpent":null}`
	if string(b) != want {
		t.Errorf("open episode JSON\n%s\nwant\n%s", b, want)
	}
	for _, bad := range []string{`{"start":"yesterday"}`, `{"start":"2026-03-02T00:00:00Z","end":"soon"}`, `{"start":"2026-03-02T00:00:00Z","paging":"a while"}`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("Unmarshal(%s) accepted it", bad)
		}
	}
}

// A restart in the middle of the outage's episode: the snapshot written
// at Close holds the open episode, and the registry that restores it
// continues it to the same End, with the same totals, as if nothing had
// happened but the restart.
func TestEpisodeContinuesAcrossARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	m := newMinutely(t, start, slo.WithSnapshot(path, time.Hour))
	m.run(24*60, 1000, 0)
	m.run(12, 0, 1000)
	m.run(20, 1000, 0) // to T+32m: mitigated, still paging by page-6h-30m
	if err := m.reg.Close(); err != nil {
		t.Fatal(err)
	}
	before := m.reg.Episodes()
	if len(before) != 1 || !before[0].Open() || before[0].Paging != 31*time.Minute {
		t.Fatalf("at Close: %+v, want one open episode, 31m paging", before)
	}

	next := newMinutely(t, m.now, slo.WithSnapshot(path, time.Hour))
	if res := next.reg.Restored(); res.Err != nil || len(res.Objectives) != 1 {
		t.Fatalf("restore: %+v", res)
	}
	// Restored as it was at Close (the evaluation at New, at the same
	// instant, counts no event and no time).
	compareEpisode(t, "restored", next.reg.Episodes()[0], before[0])
	// The new registry's first evaluation found it paging from ok (it
	// starts at ok), so the paging minutes from T+32m to T+42m count from
	// the next evaluation on: 31m + 10m, the 41 minutes of the outage
	// without a restart.
	next.run(6*60-20, 1000, 0)
	eps := next.reg.Episodes()
	if len(eps) != 1 {
		t.Fatalf("after the restart: %+v, want the one episode", eps)
	}
	compareEpisode(t, "continued", eps[0], outageEpisode())
}

// A registry that keeps fewer episodes than the snapshot holds restores
// the newest.
func TestRestoredEpisodeLogKeepsTheNewest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	m := newMinutely(t, start, slo.WithSnapshot(path, time.Hour))
	m.run(60, 1000, 0)
	var starts []time.Time
	for range 3 {
		starts = append(starts, m.now.Add(time.Minute))
		m.run(5, 0, 1000)
		m.run(7*60, 1000, 0)
	}
	m.reg.Close()
	next := newMinutely(t, m.now, slo.WithSnapshot(path, time.Hour), slo.WithEpisodeLog(2))
	eps := next.reg.Episodes()
	if len(eps) != 2 || !eps[0].Start.Equal(starts[1]) || !eps[1].Start.Equal(starts[2]) {
		t.Errorf("restored %+v, want the episodes that started at %v", eps, starts[1:])
	}
}

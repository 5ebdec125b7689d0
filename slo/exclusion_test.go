package slo

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"
)

func exclRegistry(t *testing.T, at time.Time, opts ...Option) (*Registry, *clock.Mock) {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(at)
	objs := []Objective{{Journey: "checkout", Target: 0.999}, {Journey: "search", Target: 0.99}}
	reg, err := New(objs, append([]Option{WithClock(mock), WithManualAdvance()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return reg, mock
}

// The oracle: a weekly exclusion at 03:00 Paris time on Sundays, across
// the spring-forward of 29 March 2026 (03:00 CET is 02:00 UTC, 03:00 CEST
// is 01:00 UTC), and a one-off exclusion of checkout alone. Events are
// recorded at instants the registry has advanced to; the expected counts
// come from the UTC intervals written out by hand.
func TestExclusionOracleAcrossDST(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	start := time.Date(2026, 3, 21, 0, 0, 0, 0, time.UTC)
	weekly := Exclusion{Reason: "weekly database vacuum", Start: time.Date(2026, 3, 22, 3, 0, 0, 0, paris),
		Duration: time.Hour, Rule: "FREQ=WEEKLY;BYDAY=SU;COUNT=3"}
	oneOff := Exclusion{Reason: "payment provider migration", Start: time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC),
		Duration: 30 * time.Minute, Journeys: []string{"checkout"}}
	reg, mock := exclRegistry(t, start, WithExclusions(weekly, oneOff))
	checkout, _ := reg.Journey("checkout")
	search, _ := reg.Journey("search")

	// The oracle's intervals, [from, to) in UTC.
	type span struct {
		from, to time.Time
		journeys []string
	}
	utc := func(mo time.Month, d, h, mi int) time.Time { return time.Date(2026, mo, d, h, mi, 0, 0, time.UTC) }
	oracle := []span{
		{utc(3, 22, 2, 0), utc(3, 22, 3, 0), []string{"checkout", "search"}}, // CET
		{utc(3, 29, 1, 0), utc(3, 29, 2, 0), []string{"checkout", "search"}}, // CEST
		{utc(4, 5, 1, 0), utc(4, 5, 2, 0), []string{"checkout", "search"}},
		{utc(4, 1, 10, 0), utc(4, 1, 10, 30), []string{"checkout"}},
	}
	excluded := func(at time.Time, journey string) bool {
		for _, s := range oracle {
			if !at.Before(s.from) && at.Before(s.to) {
				for _, j := range s.journeys {
					if j == journey {
						return true
					}
				}
			}
		}
		return false
	}
	// Instants on and around every edge, including where the exclusion
	// would be if the zone's change were ignored (02:00-03:00 UTC on 29
	// March), and after COUNT ran out (12 April).
	var instants []time.Time
	for _, e := range []time.Time{utc(3, 22, 2, 0), utc(3, 22, 3, 0), utc(3, 29, 1, 0), utc(3, 29, 2, 0), utc(3, 29, 3, 0),
		utc(4, 1, 10, 0), utc(4, 1, 10, 30), utc(4, 5, 1, 0), utc(4, 5, 2, 0), utc(4, 12, 1, 0), utc(4, 12, 2, 0)} {
		instants = append(instants, e.Add(-time.Minute), e, e.Add(time.Minute))
	}
	type counts struct{ Good, Bad, Excluded uint64 }
	want := map[string]*counts{"checkout": {}, "search": {}}
	for _, at := range instants {
		mock.Set(at)
		if err := reg.Advance(at); err != nil {
			t.Fatal(err)
		}
		// Each journey records 3 good and 1 bad through Record, Observe,
		// Put and Add.
		for _, j := range []*Journey{checkout, search} {
			j.Record(false)
			j.Observe(10*time.Millisecond, true)
			j.Put(Good, time.Millisecond)
			j.Add(1, 0)
			c := want[j.Name()]
			if excluded(at, j.Name()) {
				c.Excluded += 4
			} else {
				c.Good, c.Bad = c.Good+3, c.Bad+1
			}
		}
	}
	end := utc(4, 12, 3, 0)
	mock.Set(end)
	if err := reg.Advance(end); err != nil {
		t.Fatal(err)
	}
	got := map[string]*counts{}
	for _, st := range reg.Status() {
		j, _ := reg.Journey(st.Journey)
		got[st.Journey] = &counts{Good: st.TotalGood, Bad: st.TotalBad, Excluded: j.Excluded()}
		if st.Good != st.TotalGood || st.Bad != st.TotalBad {
			t.Errorf("%s: period counts %d/%d, totals %d/%d; want equal: every event is within the period", st.Journey, st.Good, st.Bad, st.TotalGood, st.TotalBad)
		}
		for _, w := range st.Windows {
			if w.Good+w.Bad > float64(st.TotalGood+st.TotalBad) {
				t.Errorf("%s: window %v holds %v events, more than the %d counted", st.Journey, w.Window, w.Good+w.Bad, st.TotalGood+st.TotalBad)
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	// The hand-written figures, so that the oracle is checked too: 33
	// instants, of which 3 per occurrence (its start, a minute after, a
	// minute before its end) are inside: 3 weekly occurrences for both
	// journeys, the one-off for checkout alone.
	if w := (counts{Good: 3 * 24, Bad: 24, Excluded: 4 * 9}); *got["search"] != w {
		t.Errorf("search: %+v, want %+v", *got["search"], w)
	}
	if w := (counts{Good: 3 * 21, Bad: 21, Excluded: 4 * 12}); *got["checkout"] != w {
		t.Errorf("checkout: %+v, want %+v", *got["checkout"], w)
	}

	wantLog := []ExclusionSpan{
		{Reason: "weekly database vacuum", Start: time.Date(2026, 3, 22, 3, 0, 0, 0, paris), End: time.Date(2026, 3, 22, 4, 0, 0, 0, paris),
			Journeys: []string{"checkout", "search"}, Removed: []uint64{12, 12}},
		{Reason: "weekly database vacuum", Start: time.Date(2026, 3, 29, 3, 0, 0, 0, paris), End: time.Date(2026, 3, 29, 4, 0, 0, 0, paris),
			Journeys: []string{"checkout", "search"}, Removed: []uint64{12, 12}},
		{Reason: "payment provider migration", Start: utc(4, 1, 10, 0), End: utc(4, 1, 10, 30),
			Journeys: []string{"checkout"}, Removed: []uint64{12}},
		{Reason: "weekly database vacuum", Start: time.Date(2026, 4, 5, 3, 0, 0, 0, paris), End: time.Date(2026, 4, 5, 4, 0, 0, 0, paris),
			Journeys: []string{"checkout", "search"}, Removed: []uint64{12, 12}},
	}
	sameInstant := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
	if diff := cmp.Diff(wantLog, reg.ExclusionLog(), sameInstant); diff != "" {
		t.Errorf("ExclusionLog (-want +got):\n%s", diff)
	}

	// The review lists, per objective, the occurrences that covered its
	// journey, with the events removed from it alone, and keeps them
	// through JSON.
	rv, err := reg.Review()
	if err != nil {
		t.Fatal(err)
	}
	for _, or := range rv.Objectives {
		var want []ExclusionSpan
		for _, s := range wantLog {
			for i, j := range s.Journeys {
				if j == or.Journey {
					want = append(want, ExclusionSpan{Reason: s.Reason, Start: s.Start, End: s.End, Journeys: []string{j}, Removed: []uint64{s.Removed[i]}})
				}
			}
		}
		if diff := cmp.Diff(want, or.Exclusions, sameInstant); diff != "" {
			t.Errorf("review of %s: exclusions (-want +got):\n%s", or.Journey, diff)
		}
	}
	if n := len(rv.Objectives[0].Exclusions); n != 4 {
		t.Errorf("checkout's review lists %d exclusions, want 4", n)
	}
	b, err := json.Marshal(rv)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"exclusions":[{"reason":"weekly database vacuum","start":"2026-03-22T03:00:00+01:00","end":"2026-03-22T04:00:00+01:00","journeys":["checkout"],"removed":[12]}`) {
		t.Errorf("review JSON lacks checkout's first exclusion: %s", b)
	}
	var back Review
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rv.Objectives[1].Exclusions, back.Objectives[1].Exclusions, sameInstant); diff != "" {
		t.Errorf("review exclusions after JSON (-want +got):\n%s", diff)
	}
}

// An exclusion added at run time is in force at once, and only for the
// journeys it names; the past and unknown journeys are refused.
func TestExcludeAtRunTime(t *testing.T) {
	start := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	reg, mock := exclRegistry(t, start)
	checkout, _ := reg.Journey("checkout")
	search, _ := reg.Journey("search")
	checkout.Add(10, 1)

	err := reg.Exclude(Exclusion{Reason: "restore from backup", Start: start.Add(-time.Hour), Duration: 30 * time.Minute})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "never past ones") {
		t.Errorf("Exclude of a past exclusion: %v; want ErrInvalid saying the past is not corrected", err)
	}
	err = reg.Exclude(Exclusion{Reason: "x", Start: start, Duration: time.Hour, Journeys: []string{"cart"}})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `journey "cart", which no objective declares; declared: checkout, search`) {
		t.Errorf("Exclude of an undeclared journey: %v", err)
	}
	if err := reg.Exclude(Exclusion{Reason: "failover drill", Start: start, Duration: 10 * time.Minute, Journeys: []string{"checkout"}}); err != nil {
		t.Fatal(err)
	}
	checkout.Add(5, 5)
	search.Add(7, 0)
	mock.Add(10 * time.Minute)
	reg.Advance(mock.Now())
	checkout.Add(2, 0)
	reg.Advance(mock.Now())
	st := reg.Status()
	if st[0].TotalGood != 12 || st[0].TotalBad != 1 || checkout.Excluded() != 10 || st[1].TotalGood != 7 || search.Excluded() != 0 {
		t.Errorf("checkout %d/%d excluded %d, search %d excluded %d; want 12/1 excluded 10, search 7 excluded 0",
			st[0].TotalGood, st[0].TotalBad, checkout.Excluded(), st[1].TotalGood, search.Excluded())
	}
	log := reg.ExclusionLog()
	if len(log) != 1 || log[0].Reason != "failover drill" || log[0].Total() != 10 {
		t.Errorf("ExclusionLog = %+v; want the failover drill removing 10", log)
	}
	reg.Close()
	if err := reg.Exclude(Exclusion{Reason: "late", Start: mock.Now(), Duration: time.Hour}); !errors.Is(err, ErrClosed) {
		t.Errorf("Exclude after Close: %v; want ErrClosed", err)
	}
}

func TestExclusionValidate(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	at := time.Date(2026, 6, 1, 2, 0, 0, 0, paris)
	for _, tc := range []struct {
		name string
		e    Exclusion
		want []string
	}{
		{"valid one-off", Exclusion{Reason: "upgrade", Start: at, Duration: time.Hour}, nil},
		{"valid weekly", Exclusion{Reason: "upgrade", Start: at, Duration: time.Hour, Rule: "FREQ=WEEKLY;BYDAY=SU,WE;UNTIL=20261231"}, nil},
		{"nothing", Exclusion{}, []string{"no Reason; say why", "give its start", "Duration 0s: use more than 0"}},
		{"long reason", Exclusion{Reason: strings.Repeat("x", 201), Start: at, Duration: time.Hour}, []string{"Reason is 201 bytes, more than 200"}},
		{"too long", Exclusion{Reason: "r", Start: at, Duration: 400 * 24 * time.Hour}, []string{"at most 8784h0m0s"}},
		{"journeys", Exclusion{Reason: "r", Start: at, Duration: time.Hour, Journeys: []string{"a", "", "a"}},
			[]string{"empty journey", `journey "a" twice`}},
		{"bad rule", Exclusion{Reason: "r", Start: at, Duration: time.Hour, Rule: "FREQ=YEARLY;BYMONTHDAY=1"},
			[]string{"FREQ=YEARLY: use DAILY, WEEKLY or MONTHLY", "BYMONTHDAY is not supported"}},
		{"rule with DTSTART", Exclusion{Reason: "r", Start: at, Duration: time.Hour, Rule: "RRULE:FREQ=DAILY"}, []string{"give the RRULE value alone"}},
		{"local zone", Exclusion{Reason: "r", Start: time.Date(2026, 6, 1, 2, 0, 0, 0, time.Local), Duration: time.Hour, Rule: "FREQ=DAILY"},
			[]string{"local zone"}},
		{"fraction of second", Exclusion{Reason: "r", Start: at.Add(time.Millisecond), Duration: time.Hour, Rule: "FREQ=DAILY"},
			[]string{"not a whole second"}},
		{"skipped wall time", Exclusion{Reason: "r", Start: time.Date(2026, 3, 29, 2, 30, 0, 0, paris), Duration: time.Hour, Rule: "FREQ=DAILY"},
			nil}, // Go moves 02:30 to 03:30 CEST, a time the zone has once
	} {
		err := tc.e.Validate()
		if len(tc.want) == 0 {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v; want ErrInvalid", tc.name, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v; want it to say %q", tc.name, err, w)
			}
		}
	}
	// New names the index and reason of every bad exclusion.
	_, err = New([]Objective{{Journey: "checkout", Target: 0.999}}, WithManualAdvance(),
		WithExclusions(Exclusion{Reason: "ok", Start: at, Duration: time.Hour}, Exclusion{Reason: "cart work", Start: at, Duration: time.Hour, Journeys: []string{"cart"}}))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `exclusion 1 (cart work): slo: invalid: exclusion names journey "cart"`) {
		t.Errorf("New: %v", err)
	}
}

// NextExclusions shows what is in force and what comes within the
// horizon, as a status page would.
func TestNextExclusions(t *testing.T) {
	start := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC) // a Monday
	reg, mock := exclRegistry(t, start, WithExclusions(
		Exclusion{Reason: "nightly backup", Start: time.Date(2026, 5, 1, 23, 0, 0, 0, time.UTC), Duration: 30 * time.Minute, Rule: "FREQ=DAILY"},
		Exclusion{Reason: "datacenter move", Start: start.Add(30 * 24 * time.Hour), Duration: time.Hour, Journeys: []string{"search"}}))
	sameInstant := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
	want := []PlannedExclusion{{Reason: "nightly backup", Start: time.Date(2026, 5, 4, 23, 0, 0, 0, time.UTC), End: time.Date(2026, 5, 4, 23, 30, 0, 0, time.UTC)}}
	if diff := cmp.Diff(want, reg.NextExclusions(24*time.Hour), sameInstant); diff != "" {
		t.Errorf("at noon (-want +got):\n%s", diff)
	}
	mock.Set(time.Date(2026, 5, 4, 23, 10, 0, 0, time.UTC))
	reg.Advance(mock.Now())
	want[0].Active = true
	want = append(want, PlannedExclusion{Reason: "datacenter move", Start: start.Add(30 * 24 * time.Hour), End: start.Add(30*24*time.Hour + time.Hour), Journeys: []string{"search"}})
	if diff := cmp.Diff(want, reg.NextExclusions(31*24*time.Hour), sameInstant); diff != "" {
		t.Errorf("during the backup (-want +got):\n%s", diff)
	}
}

// Writers recording while exclusions start and end lose no event: every
// one is counted good, bad or excluded, once. Run with -race.
func TestExclusionConcurrentWriters(t *testing.T) {
	start := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	reg, mock := exclRegistry(t, start, WithExclusions(Exclusion{Reason: "flapping", Start: start, Duration: 3 * time.Second, Rule: "FREQ=DAILY"}))
	checkout, _ := reg.Journey("checkout")
	const writers, each = 4, 20000
	done := make(chan struct{})
	for w := 0; w < writers; w++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < each; i++ {
				checkout.Record(i%10 == 0)
			}
		}()
	}
	finished := 0
	for i := 0; finished < writers; i++ {
		select {
		case <-done:
			finished++
		default:
			if i%50 == 0 {
				reg.Exclude(Exclusion{Reason: "drill", Start: mock.Now(), Duration: time.Second, Journeys: []string{"checkout"}})
			}
			mock.Add(time.Second)
			reg.Advance(mock.Now())
		}
	}
	mock.Add(time.Second)
	reg.Advance(mock.Now())
	st := reg.Status()[0]
	if got := st.TotalGood + st.TotalBad + checkout.Excluded(); got != writers*each {
		t.Errorf("good %d + bad %d + excluded %d = %d, want %d", st.TotalGood, st.TotalBad, checkout.Excluded(), got, writers*each)
	}
	var logged uint64
	for _, s := range reg.ExclusionLog() {
		logged += s.Removed[0]
	}
	if logged != checkout.Excluded() {
		t.Errorf("the log credits %d excluded events, the journey counted %d", logged, checkout.Excluded())
	}
}

package slo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("zone %s: %v", name, err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The boundaries are written out by hand, in UTC, from the zones' published
// rules: the oracle is the calendar as a person reads it, not the code.
func TestCalendarBounds(t *testing.T) {
	paris, ny := zone(t, "Europe/Paris"), zone(t, "America/New_York")
	for _, c := range []struct {
		name       string
		cal        slo.Calendar
		at         string
		start, end string
		length     time.Duration
	}{
		// Clocks go forward on 2026-03-29 in Paris: March lasts 31 days
		// less an hour.
		{"paris march, spring forward", slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2022, 1, 1, 0, 0, 0, 0, paris)},
			"2026-03-29T12:00:00Z", "2026-02-28T23:00:00Z", "2026-03-31T22:00:00Z", 31*24*time.Hour - time.Hour},
		// And back on 2026-10-25: October lasts an hour more.
		{"paris october, fall back", slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2022, 1, 1, 0, 0, 0, 0, paris)},
			"2026-10-31T22:59:59Z", "2026-09-30T22:00:00Z", "2026-10-31T23:00:00Z", 31*24*time.Hour + time.Hour},
		{"paris december", slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2022, 1, 1, 0, 0, 0, 0, paris)},
			"2026-12-07T00:00:00Z", "2026-11-30T23:00:00Z", "2026-12-31T23:00:00Z", 31 * 24 * time.Hour},
		// The boundary itself belongs to the period it starts.
		{"at the boundary", slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2022, 1, 1, 0, 0, 0, 0, paris)},
			"2026-11-30T23:00:00Z", "2026-11-30T23:00:00Z", "2026-12-31T23:00:00Z", 31 * 24 * time.Hour},
		// New York goes forward on 2026-03-08 and back on 2026-11-01; weeks
		// start on Mondays at 00:00.
		{"new york week, spring forward", slo.Calendar{Unit: slo.CalendarWeek, Start: time.Date(2026, 1, 5, 0, 0, 0, 0, ny)},
			"2026-03-08T12:00:00Z", "2026-03-02T05:00:00Z", "2026-03-09T04:00:00Z", 167 * time.Hour},
		{"new york week, fall back", slo.Calendar{Unit: slo.CalendarWeek, Start: time.Date(2026, 1, 5, 0, 0, 0, 0, ny)},
			"2026-11-01T12:00:00Z", "2026-10-26T04:00:00Z", "2026-11-02T05:00:00Z", 169 * time.Hour},
		// 2028 is a leap year: a month from January 31 ends on February
		// 29, and the next goes back to the 31st.
		{"jan 31, leap february", slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2028, 1, 31, 0, 0, 0, 0, time.UTC)},
			"2028-02-10T00:00:00Z", "2028-01-31T00:00:00Z", "2028-02-29T00:00:00Z", 29 * 24 * time.Hour},
		{"feb 29 to mar 31", slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2028, 1, 31, 0, 0, 0, 0, time.UTC)},
			"2028-03-01T00:00:00Z", "2028-02-29T00:00:00Z", "2028-03-31T00:00:00Z", 31 * 24 * time.Hour},
		{"mar 31 to apr 30", slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2028, 1, 31, 0, 0, 0, 0, time.UTC)},
			"2028-04-15T00:00:00Z", "2028-03-31T00:00:00Z", "2028-04-30T00:00:00Z", 30 * 24 * time.Hour},
		{"apr 30 to may 31", slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2028, 1, 31, 0, 0, 0, 0, time.UTC)},
			"2028-05-01T00:00:00Z", "2028-04-30T00:00:00Z", "2028-05-31T00:00:00Z", 31 * 24 * time.Hour},
		// A common year: the end of February is the 28th.
		{"jan 31, common february", slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)},
			"2027-02-10T00:00:00Z", "2027-01-31T00:00:00Z", "2027-02-28T00:00:00Z", 28 * 24 * time.Hour},
		// Before the start, the same rule backwards.
		{"before the start", slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2028, 3, 31, 0, 0, 0, 0, time.UTC)},
			"2028-02-10T00:00:00Z", "2028-01-31T00:00:00Z", "2028-02-29T00:00:00Z", 29 * 24 * time.Hour},
		// Quarters of Paris: Q2 starts in summer time, Q4 ends in winter
		// time.
		{"paris q2", slo.Calendar{Unit: slo.CalendarQuarter, Start: time.Date(2022, 1, 1, 0, 0, 0, 0, paris)},
			"2026-05-01T00:00:00Z", "2026-03-31T22:00:00Z", "2026-06-30T22:00:00Z", 91 * 24 * time.Hour},
		{"paris q4", slo.Calendar{Unit: slo.CalendarQuarter, Start: time.Date(2022, 1, 1, 0, 0, 0, 0, paris)},
			"2026-12-07T00:00:00Z", "2026-09-30T22:00:00Z", "2026-12-31T23:00:00Z", 92*24*time.Hour + time.Hour},
		{"paris q1 of a leap year", slo.Calendar{Unit: slo.CalendarQuarter, Start: time.Date(2022, 1, 1, 0, 0, 0, 0, paris)},
			"2028-02-29T12:00:00Z", "2027-12-31T23:00:00Z", "2028-03-31T22:00:00Z", 91*24*time.Hour - time.Hour},
		// A quarter starting on a 31st clamps each of its months' ends.
		{"quarter from aug 31", slo.Calendar{Unit: slo.CalendarQuarter, Start: time.Date(2027, 8, 31, 0, 0, 0, 0, time.UTC)},
			"2027-12-01T00:00:00Z", "2027-11-30T00:00:00Z", "2028-02-29T00:00:00Z", 91 * 24 * time.Hour},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.cal.Validate(); err != nil {
				t.Fatal(err)
			}
			start, end := c.cal.Bounds(utc(c.at))
			if !start.Equal(utc(c.start)) || !end.Equal(utc(c.end)) {
				t.Errorf("Bounds(%s) = %v, %v; want %s, %s", c.at, start.UTC(), end.UTC(), c.start, c.end)
			}
			if got := end.Sub(start); got != c.length {
				t.Errorf("length %v, want %v", got, c.length)
			}
			if start.Location() != c.cal.Start.Location() {
				t.Errorf("start in %v, want the calendar's zone %v", start.Location(), c.cal.Start.Location())
			}
		})
	}
}

// Over twelve years of random instants, the period that Bounds returns
// holds the instant, starts at midnight on the start's day of the month (or
// the month's last day) in the zone, and is the next period's start.
func TestCalendarBoundsProperty(t *testing.T) {
	paris := zone(t, "Europe/Paris")
	cal := slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2024, 1, 31, 0, 0, 0, 0, paris)}
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 5000 {
		at := base.Add(time.Duration(rng.Int64N(int64(12 * 365 * 24 * time.Hour))))
		start, end := cal.Bounds(at)
		if at.Before(start) || !at.Before(end) {
			t.Fatalf("Bounds(%v) = [%v, %v) does not hold it", at, start, end)
		}
		next, _ := cal.Bounds(end)
		if !next.Equal(end) {
			t.Fatalf("the period after [%v, %v) starts at %v", start, end, next)
		}
		for _, b := range []time.Time{start, end} {
			b = b.In(paris)
			last := time.Date(b.Year(), b.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if h, m, s := b.Clock(); h != 0 || m != 0 || s != 0 || b.Day() != min(31, last) {
				t.Fatalf("boundary %v is not midnight of the month's last day in Paris", b)
			}
		}
	}
}

func TestCalendarLabel(t *testing.T) {
	paris := zone(t, "Europe/Paris")
	month := slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2022, 1, 1, 0, 0, 0, 0, paris)}
	quarter := slo.Calendar{Unit: slo.CalendarQuarter, Start: time.Date(2022, 1, 1, 0, 0, 0, 0, paris)}
	week := slo.Calendar{Unit: slo.CalendarWeek, Start: time.Date(2026, 1, 5, 0, 0, 0, 0, paris)}
	at := utc("2026-12-07T10:00:00Z")
	for _, c := range []struct {
		cal  slo.Calendar
		want string
	}{{month, "December 2026"}, {quarter, "Q4 2026"}, {week, "week of 2026-12-07"}} {
		start, _ := c.cal.Bounds(at)
		if got := c.cal.Label(start); got != c.want {
			t.Errorf("%v: Label = %q, want %q", c.cal, got, c.want)
		}
	}
}

func TestParseCalendarErrors(t *testing.T) {
	c, err := slo.ParseCalendar(slo.CalendarMonth, "2022-01-01 00:00:00", "Europe/Paris")
	if err != nil || c.Zone() != "Europe/Paris" || !c.Start.Equal(utc("2021-12-31T23:00:00Z")) {
		t.Fatalf("ParseCalendar = %v, %v", c, err)
	}
	if c, err := slo.ParseCalendar(slo.CalendarWeek, "2026-01-05", "UTC"); err != nil || !c.Start.Equal(utc("2026-01-05T00:00:00Z")) {
		t.Fatalf("ParseCalendar of a date = %v, %v", c, err)
	}
	for _, c := range []struct {
		unit        slo.CalendarUnit
		start, zone string
		want        string
	}{
		{slo.CalendarMonth, "2022-01-01 00:00:00", "Europe/Parsi", `time zone "Europe/Parsi" is unknown`},
		{slo.CalendarMonth, "2022-01-01 00:00:00", "", "time zone is empty"},
		{slo.CalendarMonth, "2022-01-01 00:00:00", "Local", "time zone Local is whatever zone"},
		{slo.CalendarMonth, "01/01/2022", "UTC", `start time "01/01/2022" is not a wall-clock time; write it as "2006-01-02 15:04:05"`},
		{0, "2022-01-01 00:00:00", "UTC", "unit 0 is none"},
		{9, "2022-01-01 00:00:00", "UTC", "unit 9 is none"},
	} {
		_, err := slo.ParseCalendar(c.unit, c.start, c.zone)
		if !errors.Is(err, slo.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseCalendar(%d, %q, %q) = %v; want an ErrInvalid saying %q", c.unit, c.start, c.zone, err, c.want)
		}
	}
	_, err = slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999, Calendar: &slo.Calendar{}}})
	if !errors.Is(err, slo.ErrInvalid) || !strings.Contains(err.Error(), "Calendar: Unit 0 is none; use CalendarWeek, CalendarMonth or CalendarQuarter; Start is the zero time") {
		t.Errorf("New with a zero calendar = %v", err)
	}
}

// The registry's period figures count from the calendar boundary and reset
// at the next one, while the burn-rate windows keep rolling across it.
func TestCalendarReset(t *testing.T) {
	paris := zone(t, "Europe/Paris")
	mock := clock.NewMock()
	mock.Set(utc("2026-11-30T20:00:00Z")) // 21:00 in Paris, November 30
	cal := slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2022, 1, 1, 0, 0, 0, 0, paris)}
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.99, Calendar: &cal}},
		slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	checkout, _ := reg.Journey("checkout")
	step := func(d time.Duration, good, bad uint64) slo.Status {
		t.Helper()
		checkout.Add(good, bad)
		mock.Add(d)
		if err := reg.Advance(mock.Now()); err != nil {
			t.Fatal(err)
		}
		return checkout.Status()[0]
	}
	st := step(time.Hour, 3000, 10)
	if st.Good != 3000 || st.Bad != 10 || !st.PeriodStart.Equal(utc("2026-10-31T23:00:00Z")) || !st.PeriodEnd.Equal(utc("2026-11-30T23:00:00Z")) {
		t.Fatalf("November: %d good %d bad in [%v, %v)", st.Good, st.Bad, st.PeriodStart, st.PeriodEnd)
	}
	if st.Period != slo.DefaultPeriod {
		t.Errorf("Period %v, want the month's nominal 30 days", st.Period)
	}
	st = step(time.Hour+30*time.Minute, 2000, 30) // recorded before midnight in Paris, counted at 22:30Z
	if st.Good != 5000 || st.Bad != 40 {
		t.Fatalf("November before midnight: %d good %d bad, want 5000 and 40", st.Good, st.Bad)
	}
	st = step(time.Hour, 0, 0) // 23:30Z: December 1, 00:30 in Paris
	if st.Good != 0 || st.Bad != 0 || !st.NoData || st.BudgetRemaining != 1 ||
		!st.PeriodStart.Equal(utc("2026-11-30T23:00:00Z")) || !st.PeriodEnd.Equal(utc("2026-12-31T23:00:00Z")) {
		t.Fatalf("December at 00:30: %d good %d bad, no data %v, budget %v, [%v, %v)", st.Good, st.Bad, st.NoData, st.BudgetRemaining, st.PeriodStart, st.PeriodEnd)
	}
	// The rolling windows still hold November's last hours: the 6h window
	// at 23:30Z holds every event of them.
	found := false
	for _, w := range st.Windows {
		if w.Window == 6*time.Hour {
			found = true
			if w.Good != 5000 || w.Bad != 40 {
				t.Errorf("6h window across the boundary: %v good %v bad, want 5000 and 40", w.Good, w.Bad)
			}
		}
	}
	if !found {
		t.Errorf("no 6h window in %v", st.Windows)
	}
	st = step(time.Hour, 1990, 10)
	if st.Good != 1990 || st.Bad != 10 || st.SLI != 0.995 || st.BudgetRemaining != burnrate.BudgetRemaining(1990, 10, 0.99) {
		t.Fatalf("December: %d good %d bad, SLI %v, budget %v", st.Good, st.Bad, st.SLI, st.BudgetRemaining)
	}
	// An hour into December the month's data covers an hour of it: the
	// figure is there, the claim is not (young data, as a replica an hour
	// old).
	if st.Budget != slo.BudgetYoungData || st.Covered != 90*time.Minute || st.BudgetRemaining < 0.4999 || st.BudgetRemaining > 0.5001 {
		t.Errorf("December: budget %v over %v, %v remaining; want young data over 1h30m, half", st.Budget, st.Covered, st.BudgetRemaining)
	}
	// A day later, 31 more days later: the month of January.
	st = step(24*time.Hour, 100, 0)
	if st.Good != 2090 || st.Bad != 10 {
		t.Fatalf("December 2: %d good %d bad", st.Good, st.Bad)
	}
	// Three days into December the data covers a tenth of the month's
	// 30 days: the budget is claimed.
	st = step(2*24*time.Hour, 0, 0)
	if st.Budget != slo.BudgetLeft || st.Covered != 3*24*time.Hour+90*time.Minute {
		t.Errorf("December 4: budget %v over %v; want left over 3d1h30m", st.Budget, st.Covered)
	}
	st = step(29*24*time.Hour, 500, 0)
	if st.Good != 0 || st.Bad != 0 || !st.PeriodStart.Equal(utc("2026-12-31T23:00:00Z")) {
		t.Fatalf("January: %d good %d bad from %v", st.Good, st.Bad, st.PeriodStart)
	}
	if st.TotalGood != 3000+2000+1990+100+500 {
		t.Errorf("TotalGood %d: the process counter does not reset", st.TotalGood)
	}
	// The status says where its period lies, in JSON too.
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"periodStart":"2026-12-31T23:00:00Z","periodEnd":"2027-01-31T23:00:00Z"`)) {
		t.Errorf("JSON lacks the period's bounds: %s", b)
	}
	var back slo.Status
	if err := json.Unmarshal(b, &back); err != nil || !back.PeriodStart.Equal(st.PeriodStart) || !back.PeriodEnd.Equal(st.PeriodEnd) {
		t.Errorf("read back: %v, %v, %v", back.PeriodStart, back.PeriodEnd, err)
	}
}

// A replica restarted within the month restores the month's events from
// its snapshot, not the previous month's.
func TestCalendarRestore(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(utc("2026-11-30T17:00:00Z"))
	cal := slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	objs := []slo.Objective{{Journey: "checkout", Target: 0.99, Calendar: &cal}}
	reg, err := slo.New(objs, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	checkout, _ := reg.Journey("checkout")
	checkout.Add(700, 7) // November
	mock.Set(utc("2026-12-01T06:00:00Z"))
	reg.Advance(mock.Now())
	checkout.Add(400, 4) // December, counted at 12:00
	mock.Set(utc("2026-12-01T12:00:00Z"))
	reg.Advance(mock.Now())
	if st := checkout.Status()[0]; st.Good != 400 || st.Bad != 4 {
		t.Fatalf("before the restart: %d good %d bad, want 400 and 4", st.Good, st.Bad)
	}
	var buf bytes.Buffer
	if _, err := reg.Snapshot().WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	reg.Close()

	mock.Set(utc("2026-12-01T13:00:00Z"))
	reg2, err := slo.New(objs, slo.WithClock(mock), slo.WithManualAdvance(), slo.WithStore(calendarStore(buf.Bytes()), time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer reg2.Close()
	if rep := reg2.Restored(); rep.Err != nil || len(rep.Objectives) != 1 {
		t.Fatalf("restore: %+v", rep)
	}
	st := reg2.Status()[0]
	if st.Good != 400 || st.Bad != 4 || st.TotalGood != 0 {
		t.Fatalf("after the restart: %d good %d bad (total %d), want December's 400 and 4", st.Good, st.Bad, st.TotalGood)
	}
	checkout2, _ := reg2.Journey("checkout")
	checkout2.Add(100, 1)
	mock.Add(time.Minute)
	reg2.Advance(mock.Now())
	if st := reg2.Status()[0]; st.Good != 500 || st.Bad != 5 {
		t.Fatalf("after the restart and more: %d good %d bad, want 500 and 5", st.Good, st.Bad)
	}
}

// calendarStore is a Store in memory that holds one snapshot.
type calendarStore []byte

func (s calendarStore) Load(context.Context) ([]byte, error) { return s, nil }
func (s calendarStore) Save(context.Context, []byte) error   { return nil }

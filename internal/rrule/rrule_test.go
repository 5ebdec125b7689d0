package rrule

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Occurrences against dates worked out by hand from the calendars and the
// zones' rules: Paris springs forward on Sunday March 29, 2026 at 02:00
// (to 03:00) and falls back on Sunday October 25 at 03:00 (to 02:00); New
// York springs forward on March 8.
func TestOccurrencesOracle(t *testing.T) {
	z := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	from, to := z("2026-01-01T00:00:00Z"), z("2027-01-01T00:00:00Z")
	for _, tc := range []struct {
		name, rule string
		want       []string
	}{
		{"weekly on Sunday 02:30 across spring forward: the skipped 02:30 is 03:30 CEST",
			"DTSTART;TZID=Europe/Paris:20260322T023000\nRRULE:FREQ=WEEKLY;BYDAY=SU;COUNT=3",
			[]string{"2026-03-22T01:30:00Z", "2026-03-29T01:30:00Z", "2026-04-05T00:30:00Z"}},
		{"daily 02:30 across fall back: the repeated 02:30 is its first, CEST",
			"DTSTART;TZID=Europe/Paris:20261024T023000\nRRULE:FREQ=DAILY;COUNT=3",
			[]string{"2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}},
		{"monthly on the 31st skips the short months, across New York's spring forward",
			"DTSTART;TZID=America/New_York:20260131T220000\nRRULE:FREQ=MONTHLY;COUNT=4",
			[]string{"2026-02-01T03:00:00Z", "2026-04-01T02:00:00Z", "2026-06-01T02:00:00Z", "2026-08-01T02:00:00Z"}},
		{"the last Friday of each month until April",
			"DTSTART:20260130T230000Z\nRRULE:FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20260430T235959Z",
			[]string{"2026-01-30T23:00:00Z", "2026-02-27T23:00:00Z", "2026-03-27T23:00:00Z", "2026-04-24T23:00:00Z"}},
		{"every other week on Tuesday and Thursday",
			"DTSTART:20260303T090000Z\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=5",
			[]string{"2026-03-03T09:00:00Z", "2026-03-05T09:00:00Z", "2026-03-17T09:00:00Z", "2026-03-19T09:00:00Z", "2026-03-31T09:00:00Z"}},
		{"the first Monday, every third month",
			"DTSTART;TZID=Europe/Paris:20260105T060000\nRRULE:FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO;COUNT=4",
			[]string{"2026-01-05T05:00:00Z", "2026-04-06T04:00:00Z", "2026-07-06T04:00:00Z", "2026-10-05T04:00:00Z"}},
	} {
		r, err := Parse(tc.rule)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		got, done := r.Between(from, to)
		var s []string
		for _, g := range got {
			s = append(s, g.UTC().Format(time.RFC3339))
		}
		if !done || strings.Join(s, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s:\n got %v (done %v)\nwant %v", tc.name, s, done, tc.want)
		}
	}
}

// Between lists only the occurrences inside its range, counting those
// before it toward COUNT.
func TestBetweenCountsFromStart(t *testing.T) {
	r, err := Parse("DTSTART:20260301T000000Z\nRRULE:FREQ=DAILY;COUNT=10")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := r.Between(time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	if len(got) != 3 || got[0].Day() != 8 || got[2].Day() != 10 {
		t.Errorf("got %v, want March 8, 9 and 10", got)
	}
}

func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct{ rule, want string }{
		{"RRULE:FREQ=DAILY", "want a DTSTART line"},
		{"DTSTART:20260301T000000\nRRULE:FREQ=DAILY", "has neither a TZID nor Z"},
		{"DTSTART;TZID=Mars/Olympus:20260301T000000\nRRULE:FREQ=DAILY", `zone "Mars/Olympus" is not an IANA zone`},
		{"DTSTART:20260301T000000Z\nRRULE:FREQ=YEARLY", "FREQ=YEARLY: use DAILY, WEEKLY or MONTHLY"},
		{"DTSTART:20260301T000000Z\nRRULE:FREQ=DAILY;COUNT=2;UNTIL=20260401", "both COUNT and UNTIL"},
		{"DTSTART:20260301T000000Z\nRRULE:FREQ=DAILY;BYMONTHDAY=1", "BYMONTHDAY is not supported"},
		{"DTSTART:20260301T000000Z\nRRULE:FREQ=WEEKLY;BYDAY=1MO", "needs FREQ=MONTHLY"},
		{"DTSTART:20260301T000000Z\nRRULE:FREQ=DAILY;COUNT=10001", "COUNT=10001: use a whole number from 1 to 10000"},
		{"DTSTART:20260301T000000Z\nRRULE:FREQ=DAILY;INTERVAL=0", "INTERVAL=0"},
		{"DTSTART:20260301T000000Z\nRRULE:INTERVAL=2", "has no FREQ"},
		{strings.Repeat("x", MaxLen+1), "more than 1024"},
	} {
		_, err := Parse(tc.rule)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%.40q) = %v, want ErrInvalid saying %q", tc.rule, err, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"DTSTART;TZID=Europe/Paris:20260322T023000\nRRULE:FREQ=WEEKLY;BYDAY=SU;COUNT=3",
		"DTSTART:20260130T230000Z\nRRULE:FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20260430T235959Z",
		"DTSTART:20260303T090000Z\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
		"DTSTART;TZID=America/New_York:20260131T220000\nRRULE:FREQ=MONTHLY",
	} {
		f.Add(s)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		got, _ := r.Between(from, from.AddDate(1, 0, 0))
		for i, g := range got {
			if g.Before(from) || g.Before(r.Start) || (i > 0 && !g.After(got[i-1])) {
				t.Fatalf("occurrence %d %v out of order or range", i, g)
			}
		}
		if r.Count > 0 && len(got) > r.Count {
			t.Fatalf("%d occurrences, COUNT %d", len(got), r.Count)
		}
	})
}

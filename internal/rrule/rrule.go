// Package rrule reads the subset of RFC 5545 recurrence rules that planned
// exclusions (maintenance windows) use, and lists their occurrences in a
// time zone, daylight saving changes included.
//
// The subset: a DTSTART line with a TZID (or a UTC time ending in Z), and
// an RRULE line with FREQ=DAILY, WEEKLY or MONTHLY, INTERVAL, BYDAY
// (weekdays; with an ordinal such as 1MO or -1FR for MONTHLY), and at most
// one of COUNT and UNTIL. Everything else (BYMONTHDAY, BYSETPOS, WKST other
// than MO, BYHOUR...) is refused by name, never ignored.
//
// Occurrences keep DTSTART's wall-clock time in its zone. A wall time that
// a spring-forward skips is moved forward by the length of the gap, and one
// that a fall-back repeats is its first instance, as RFC 5545 3.3.5 says.
// A month without DTSTART's day (the 31st in April) has no occurrence. The
// set is the instants the rule generates from DTSTART on; a DTSTART that
// the rule does not generate is not an occurrence.
//
// Every reader is bounded: a rule is at most MaxLen bytes, COUNT at most
// MaxCount, INTERVAL at most MaxInterval, and a listing walks at most
// MaxPeriods periods.
package rrule

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Bounds of what a rule may ask for.
const (
	// MaxLen is the longest rule text, DTSTART and RRULE lines together.
	MaxLen = 1024
	// MaxCount is the largest COUNT.
	MaxCount = 10000
	// MaxInterval is the largest INTERVAL.
	MaxInterval = 1000
	// MaxPeriods is the most periods (days, weeks or months) a listing
	// walks: a daily rule over 270 years.
	MaxPeriods = 100000
)

// ErrInvalid is wrapped by every error about a rule's text.
var ErrInvalid = errors.New("rrule: invalid")

// Freq is a rule's frequency.
type Freq int

// Frequencies.
const (
	Daily Freq = iota + 1
	Weekly
	Monthly
)

// A Day is a weekday of a rule's BYDAY, with an ordinal for a monthly
// rule: 1 for the first of the month, -1 for the last, 0 for every.
type Day struct {
	Weekday time.Weekday
	N       int
}

// A Rule is a parsed recurrence.
type Rule struct {
	// Start is DTSTART, in its zone.
	Start    time.Time
	Freq     Freq
	Interval int
	ByDay    []Day
	// Count is the number of occurrences, 0 for no limit.
	Count int
	// Until is the last instant an occurrence may be at, inclusive; zero
	// for none.
	Until time.Time
}

var weekdays = map[string]time.Weekday{"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday,
	"TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday}

// Parse reads a rule: a DTSTART line and an RRULE line, such as
//
//	DTSTART;TZID=Europe/Paris:20260301T020000
//	RRULE:FREQ=WEEKLY;BYDAY=SU;COUNT=4
//
// It reports every problem it finds, each wrapping ErrInvalid.
func Parse(text string) (Rule, error) {
	if len(text) > MaxLen {
		return Rule{}, fmt.Errorf("%w: %d bytes, more than %d", ErrInvalid, len(text), MaxLen)
	}
	var r Rule
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...))
	}
	var dtstart, rrule string
	for _, line := range strings.FieldsFunc(text, func(c rune) bool { return c == '\n' || c == '\r' }) {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "DTSTART") && dtstart == "":
			dtstart = line
		case strings.HasPrefix(line, "RRULE:") && rrule == "":
			rrule = strings.TrimPrefix(line, "RRULE:")
		default:
			bad("line %q: want one DTSTART line and one RRULE line", cut(line))
		}
	}
	if dtstart == "" || rrule == "" {
		bad("want a DTSTART line, such as DTSTART;TZID=Europe/Paris:20260301T020000, and an RRULE line, such as RRULE:FREQ=WEEKLY;BYDAY=SU")
		return Rule{}, errors.Join(errs...)
	}
	start, err := parseStart(dtstart)
	if err != nil {
		errs = append(errs, err)
	}
	r.Start = start
	seen := map[string]bool{}
	var until string
	for _, part := range strings.Split(rrule, ";") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || v == "" {
			bad("RRULE part %q: want NAME=VALUE", cut(part))
			continue
		}
		if seen[k] {
			bad("RRULE names %s twice", cut(k))
			continue
		}
		seen[k] = true
		switch k {
		case "FREQ":
			switch v {
			case "DAILY":
				r.Freq = Daily
			case "WEEKLY":
				r.Freq = Weekly
			case "MONTHLY":
				r.Freq = Monthly
			default:
				bad("FREQ=%s: use DAILY, WEEKLY or MONTHLY", cut(v))
			}
		case "INTERVAL":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > MaxInterval {
				bad("INTERVAL=%s: use a whole number from 1 to %d", cut(v), MaxInterval)
			}
			r.Interval = n
		case "COUNT":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > MaxCount {
				bad("COUNT=%s: use a whole number from 1 to %d", cut(v), MaxCount)
			}
			r.Count = n
		case "UNTIL":
			until = v
		case "BYDAY":
			for _, d := range strings.Split(v, ",") {
				day, ok := parseDay(d)
				if !ok {
					bad("BYDAY day %q: use MO, TU, WE, TH, FR, SA or SU, with an ordinal such as 1MO or -1FR for MONTHLY", cut(d))
					continue
				}
				r.ByDay = append(r.ByDay, day)
			}
		case "WKST":
			if v != "MO" {
				bad("WKST=%s: only MO is supported", cut(v))
			}
		default:
			bad("RRULE part %s is not supported; use FREQ, INTERVAL, BYDAY, COUNT and UNTIL", cut(k))
		}
	}
	if r.Freq == 0 && !seen["FREQ"] {
		bad("RRULE has no FREQ; use FREQ=DAILY, WEEKLY or MONTHLY")
	}
	if r.Interval == 0 {
		r.Interval = 1
	}
	if until != "" {
		if seen["COUNT"] {
			bad("RRULE has both COUNT and UNTIL; use one")
		}
		u, err := parseUntil(until, start.Location())
		if err != nil {
			errs = append(errs, err)
		}
		r.Until = u
	}
	for _, d := range r.ByDay {
		if d.N != 0 && r.Freq != Monthly {
			bad("BYDAY with an ordinal (%d) needs FREQ=MONTHLY", d.N)
			break
		}
	}
	if len(errs) > 0 {
		return Rule{}, errors.Join(errs...)
	}
	return r, nil
}

// cut shortens what an error quotes to 40 bytes.
func cut(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func parseDay(s string) (Day, bool) {
	if len(s) < 2 || len(s) > 5 {
		return Day{}, false
	}
	wd, ok := weekdays[s[len(s)-2:]]
	if !ok {
		return Day{}, false
	}
	d := Day{Weekday: wd}
	if n := s[:len(s)-2]; n != "" {
		v, err := strconv.Atoi(n)
		if err != nil || v == 0 || v < -5 || v > 5 {
			return Day{}, false
		}
		d.N = v
	}
	return d, true
}

// parseStart reads "DTSTART;TZID=Zone:YYYYMMDDTHHMMSS" or
// "DTSTART:YYYYMMDDTHHMMSSZ".
func parseStart(line string) (time.Time, error) {
	head, value, ok := strings.Cut(line, ":")
	if !ok {
		return time.Time{}, fmt.Errorf("%w: %q: want DTSTART;TZID=Zone:20260301T020000 or DTSTART:20260301T020000Z", ErrInvalid, cut(line))
	}
	loc := time.UTC
	switch {
	case head == "DTSTART":
		if !strings.HasSuffix(value, "Z") {
			return time.Time{}, fmt.Errorf("%w: DTSTART %q has neither a TZID nor Z; name its zone, such as DTSTART;TZID=Europe/Paris:%s", ErrInvalid, cut(value), cut(value))
		}
		value = strings.TrimSuffix(value, "Z")
	case strings.HasPrefix(head, "DTSTART;TZID="):
		name := strings.TrimPrefix(head, "DTSTART;TZID=")
		l, err := time.LoadLocation(name)
		if err != nil || name == "" || name == "Local" {
			return time.Time{}, fmt.Errorf("%w: DTSTART zone %q is not an IANA zone; use one such as Europe/Paris", ErrInvalid, cut(name))
		}
		loc = l
	default:
		return time.Time{}, fmt.Errorf("%w: %q: want DTSTART;TZID=Zone:20260301T020000 or DTSTART:20260301T020000Z", ErrInvalid, cut(line))
	}
	t, err := time.ParseInLocation("20060102T150405", value, time.UTC)
	if err != nil || t.Year() < 2000 || t.Year() > 2200 {
		return time.Time{}, fmt.Errorf("%w: DTSTART time %q: want YYYYMMDDTHHMMSS between the years 2000 and 2200", ErrInvalid, cut(value))
	}
	return wall(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), loc), nil
}

// parseUntil reads UNTIL as a UTC time (…Z), a date (the whole day in loc
// counts), or a local time in loc.
func parseUntil(v string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse("20060102T150405Z", v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("20060102", v, time.UTC); err == nil {
		return wall(t.Year(), t.Month(), t.Day(), 23, 59, 59, loc), nil
	}
	if t, err := time.ParseInLocation("20060102T150405", v, time.UTC); err == nil {
		return wall(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), loc), nil
	}
	return time.Time{}, fmt.Errorf("%w: UNTIL=%s: want 20260331T235959Z or 20260331", ErrInvalid, cut(v))
}

// wall returns the instant at which loc's clocks read the given time: the
// first of two when a fall-back repeats it, and the time moved forward by
// the gap when a spring-forward skips it (RFC 5545 3.3.5).
func wall(y int, mo time.Month, d, h, mi, s int, loc *time.Location) time.Time {
	naive := time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	// The offsets in force around that wall time: a zone changes its
	// offset at most once within a day here.
	_, before := naive.Add(-26 * time.Hour).In(loc).Zone()
	_, after := naive.Add(26 * time.Hour).In(loc).Zone()
	var best time.Time
	for _, off := range []int{before, after} {
		t := naive.Add(-time.Duration(off) * time.Second).In(loc)
		if t.Year() == y && t.Month() == mo && t.Day() == d && t.Hour() == h && t.Minute() == mi && t.Second() == s {
			if best.IsZero() || t.Before(best) {
				best = t
			}
		}
	}
	if best.IsZero() { // skipped: read with the offset before the gap
		best = naive.Add(-time.Duration(before) * time.Second).In(loc)
	}
	return best
}

// Between returns the rule's occurrences at or after from and before to,
// in order, and false when it stopped at MaxPeriods before reaching to.
func (r Rule) Between(from, to time.Time) ([]time.Time, bool) {
	var out []time.Time
	n := 0
	loc := r.Start.Location()
	sy, sm, sd := r.Start.Date()
	h, mi, s := r.Start.Clock()
	for p := 0; p < MaxPeriods; p++ {
		var days []time.Time // the period's candidate dates, as UTC midnights
		switch r.Freq {
		case Daily:
			days = append(days, time.Date(sy, sm, sd+p*r.Interval, 0, 0, 0, 0, time.UTC))
		case Weekly:
			// Weeks start on Monday.
			monday := time.Date(sy, sm, sd-(int(r.Start.Weekday())+6)%7+7*p*r.Interval, 0, 0, 0, 0, time.UTC)
			wds := r.ByDay
			if len(wds) == 0 {
				wds = []Day{{Weekday: r.Start.Weekday()}}
			}
			for _, wd := range wds {
				days = append(days, monday.AddDate(0, 0, (int(wd.Weekday)+6)%7))
			}
		case Monthly:
			first := time.Date(sy, sm+time.Month(p*r.Interval), 1, 0, 0, 0, 0, time.UTC)
			days = monthDays(first, r.ByDay, sd)
		default:
			return nil, true
		}
		slices.SortFunc(days, func(a, b time.Time) int { return a.Compare(b) })
		days = slices.CompactFunc(days, func(a, b time.Time) bool { return a.Equal(b) })
		for _, d := range days {
			t := wall(d.Year(), d.Month(), d.Day(), h, mi, s, loc)
			if t.Before(r.Start) {
				continue
			}
			if (!r.Until.IsZero() && t.After(r.Until)) || !t.Before(to) {
				return out, true
			}
			n++
			if !t.Before(from) {
				out = append(out, t)
			}
			if r.Count > 0 && n >= r.Count {
				return out, true
			}
		}
	}
	return out, false
}

// monthDays returns the dates of the month starting at first that byDay
// selects, or the day-of-month dom when byDay is empty (none when the
// month is shorter).
func monthDays(first time.Time, byDay []Day, dom int) []time.Time {
	next := first.AddDate(0, 1, 0)
	length := int(next.Sub(first).Hours() / 24)
	if len(byDay) == 0 {
		if dom > length {
			return nil
		}
		return []time.Time{first.AddDate(0, 0, dom-1)}
	}
	var out []time.Time
	for _, bd := range byDay {
		var all []time.Time
		for d := first; d.Before(next); d = d.AddDate(0, 0, 1) {
			if d.Weekday() == bd.Weekday {
				all = append(all, d)
			}
		}
		switch {
		case bd.N == 0:
			out = append(out, all...)
		case bd.N > 0 && bd.N <= len(all):
			out = append(out, all[bd.N-1])
		case bd.N < 0 && -bd.N <= len(all):
			out = append(out, all[len(all)+bd.N])
		}
	}
	return out
}

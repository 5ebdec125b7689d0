package slo

import (
	"fmt"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/internal/names"
	"github.com/journeyslo/journeyslo/window"
)

// A Calendar makes an objective's period a calendar one: a week, a month or
// a quarter that starts at a wall-clock time in a time zone, as teams that
// report monthly write it (OpenSLO's timeWindow with isRolling false and a
// calendar). The budget resets at every boundary in that zone: the periods
// follow its daylight-saving changes (a month of Europe/Paris that spans
// the end of October lasts one hour more than 31 days) and the months'
// lengths.
//
// A month that starts on a day some months lack starts, in those months, on
// their last day, and goes back to its day where it exists: a month starting
// January 31 runs to February 28 (29 in a leap year), then to March 31, then
// to April 30. A quarter is three such months. A wall-clock start that a
// daylight-saving change skips (02:30 on the night clocks go forward) falls
// where [time.Date] puts it.
//
// With a Calendar, the registry counts the period's figures (Good, Bad,
// SLI, budget left, time to exhaustion) from the start of the current
// calendar period, and resets them at the next boundary. The burn-rate
// policy keeps its rolling windows: an alert on the burn of the last hour
// means the same on the first day of a month as on the last. Objective's
// Period is then the length the policy is scaled to (its default rules
// spend shares of a budget of that length); zero means the unit's nominal
// length, 7, 30 or 90 days.
//
// A Calendar is a plain value; its zero value is no calendar unit and is
// refused by [Calendar.Validate].
type Calendar struct {
	// Unit is the period's length: CalendarWeek, CalendarMonth or
	// CalendarQuarter.
	Unit CalendarUnit
	// Start is a boundary of the periods, in the zone they follow: its
	// Location is the zone, its wall-clock date and time in that zone the
	// boundary. Periods before it follow the same rule backwards.
	Start time.Time
}

// CalendarUnit is the length of a calendar period.
type CalendarUnit uint8

// Calendar units; the zero value is none, and is refused.
const (
	// CalendarWeek is seven days, boundary to boundary in the zone.
	CalendarWeek CalendarUnit = iota + 1
	// CalendarMonth is one month, boundary to boundary in the zone.
	CalendarMonth
	// CalendarQuarter is three months.
	CalendarQuarter
)

var unitNames = []string{CalendarWeek: "week", CalendarMonth: "month", CalendarQuarter: "quarter"}

// String returns "week", "month" or "quarter".
func (u CalendarUnit) String() string { return names.Of(unitNames, "CalendarUnit", u) }

// MarshalText encodes the unit as its String.
func (u CalendarUnit) MarshalText() ([]byte, error) {
	if u == 0 || !names.Known(unitNames, u) {
		return nil, fmt.Errorf("%w calendar unit: %d; use CalendarWeek, CalendarMonth or CalendarQuarter", ErrInvalid, uint8(u))
	}
	return []byte(u.String()), nil
}

// UnmarshalText decodes "week", "month" or "quarter".
func (u *CalendarUnit) UnmarshalText(text []byte) error {
	v, ok := names.Value[CalendarUnit](unitNames, string(text))
	if !ok || v == 0 {
		return fmt.Errorf("%w calendar unit: %q; use \"week\", \"month\" or \"quarter\"", ErrInvalid, text)
	}
	*u = v
	return nil
}

// nominal returns the unit's length in round days, the default Period of
// an objective with a calendar of this unit.
func (u CalendarUnit) nominal() time.Duration {
	switch u {
	case CalendarWeek:
		return 7 * 24 * time.Hour
	case CalendarQuarter:
		return 90 * 24 * time.Hour
	}
	return DefaultPeriod
}

// maxLength returns the longest a period of the unit can last: its longest
// run of days and two hours of daylight-saving change (the most any zone
// has moved its clocks at once).
func (u CalendarUnit) maxLength() time.Duration {
	days := 31
	switch u {
	case CalendarWeek:
		days = 7
	case CalendarQuarter:
		days = 92
	}
	return time.Duration(days)*24*time.Hour + 2*time.Hour
}

// CalendarLayout is the layout of a calendar's start in files, OpenSLO's:
// a wall-clock date and time, read in the calendar's zone.
const CalendarLayout = "2006-01-02 15:04:05"

// ParseCalendar returns the calendar of the given unit whose boundary is
// start, a wall-clock time as [CalendarLayout] writes it ("2022-01-01
// 00:00:00"; a date alone means its midnight), in the IANA zone named zone,
// such as "Europe/Paris" or "UTC". It reports an unknown zone, a start that
// is not a wall-clock time and a unit that is none, in one error wrapping
// [ErrInvalid]. Zones are read from the system's zone database, or from the
// one embedded by importing time/tzdata.
func ParseCalendar(unit CalendarUnit, start, zone string) (Calendar, error) {
	var errs []string
	if unit == 0 || !names.Known(unitNames, unit) {
		errs = append(errs, fmt.Sprintf("unit %d is none; use CalendarWeek, CalendarMonth or CalendarQuarter", uint8(unit)))
	}
	var loc *time.Location
	switch {
	case zone == "":
		errs = append(errs, "time zone is empty; name an IANA zone, such as Europe/Paris or UTC")
	case zone == "Local":
		errs = append(errs, "time zone Local is whatever zone the machine runs in; name an IANA zone, such as Europe/Paris or UTC")
	default:
		l, err := time.LoadLocation(zone)
		if err != nil {
			errs = append(errs, fmt.Sprintf("time zone %q is unknown (%v); name an IANA zone, such as Europe/Paris or UTC", cut(zone), err))
		}
		loc = l
	}
	var t time.Time
	if loc != nil {
		var err error
		layout := CalendarLayout
		if len(start) == len("2006-01-02") {
			layout = time.DateOnly
		}
		if t, err = time.ParseInLocation(layout, start, loc); err != nil {
			errs = append(errs, fmt.Sprintf("start time %q is not a wall-clock time; write it as %q", cut(start), CalendarLayout))
		}
	}
	if len(errs) > 0 {
		return Calendar{}, fmt.Errorf("%w: calendar: %s", ErrInvalid, strings.Join(errs, "; "))
	}
	return Calendar{Unit: unit, Start: t}, nil
}

// Validate reports why the calendar cannot work: a unit that is none, or a
// zero start.
func (c Calendar) Validate() error {
	var errs []string
	if c.Unit == 0 || !names.Known(unitNames, c.Unit) {
		errs = append(errs, fmt.Sprintf("Unit %d is none; use CalendarWeek, CalendarMonth or CalendarQuarter", uint8(c.Unit)))
	}
	if c.Start.IsZero() {
		errs = append(errs, "Start is the zero time; give a boundary in its zone, such as time.Date(2026, 1, 1, 0, 0, 0, 0, paris)")
	} else if y := c.Start.Year(); y < 1900 || y > 9999 {
		errs = append(errs, fmt.Sprintf("Start %v is outside the years 1900 to 9999", c.Start))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: Calendar: %s", ErrInvalid, strings.Join(errs, "; "))
	}
	return nil
}

// Zone returns the name of the calendar's zone, such as "Europe/Paris".
func (c Calendar) Zone() string { return c.Start.Location().String() }

// String describes the calendar: "month from 2022-01-01 00:00:00
// (Europe/Paris)".
func (c Calendar) String() string {
	return fmt.Sprintf("%v from %s (%s)", c.Unit, c.Start.Format(CalendarLayout), c.Zone())
}

// Boundary returns the n-th boundary after Start (n = 0 is Start, negative
// n the boundaries before it), in the calendar's zone.
func (c Calendar) Boundary(n int) time.Time {
	s := c.Start
	y, m, d := s.Date()
	h, mi, sec := s.Clock()
	loc := s.Location()
	if c.Unit == CalendarWeek {
		return time.Date(y, m, d+7*n, h, mi, sec, s.Nanosecond(), loc)
	}
	months := n
	if c.Unit == CalendarQuarter {
		months = 3 * n
	}
	// The first of the target month, in UTC: no zone moves a date.
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), h, mi, sec, s.Nanosecond(), loc)
}

// Bounds returns the calendar period that holds t: its start, at or before
// t, and its end, after t, both boundaries in the calendar's zone.
func (c Calendar) Bounds(t time.Time) (start, end time.Time) {
	// An estimate from the nominal length, then the boundaries around it:
	// a period is within a few days of nominal, so a step or two corrects.
	n := int(t.Sub(c.Start) / c.Unit.nominal())
	for c.Boundary(n).After(t) {
		n--
	}
	for !c.Boundary(n + 1).After(t) {
		n++
	}
	return c.Boundary(n), c.Boundary(n + 1)
}

// Label names the calendar period that starts at start, as a person reads
// it: "December 2026", "Q4 2026", or "week of 2026-12-07".
func (c Calendar) Label(start time.Time) string {
	start = start.In(c.Start.Location())
	switch c.Unit {
	case CalendarMonth:
		if start.Day() == 1 {
			return start.Format("January 2006")
		}
		return start.Format("January 2 2006") + " month"
	case CalendarQuarter:
		if start.Day() == 1 && (start.Month()-1)%3 == 0 {
			return fmt.Sprintf("Q%d %d", (start.Month()-1)/3+1, start.Year())
		}
		return start.Format("January 2 2006") + " quarter"
	}
	return "week of " + start.Format(time.DateOnly)
}

// calendarState is where a registry's objective with a calendar counts its
// current period from. Guarded by Registry.mu.
type calendarState struct {
	start, end time.Time
	// baseGood and baseBad are the series' totals that precede the period:
	// its figures are the totals less these. Fractional when a snapshot
	// restored part of the period (its first bucket counted pro rata).
	baseGood, baseBad float64
}

// calendarSums returns the events of o's current calendar period at now,
// moving to the period that holds now first. It requires Registry.mu held
// for writing, and the series advanced to now.
func (o *objective) calendarSums(now time.Time) (good, bad float64) {
	c := &o.cal
	tg, tb := o.series.Total()
	g, b := float64(tg)/o.unit, float64(tb)/o.unit
	switch {
	case c.end.IsZero() || now.Before(c.start):
		// The first evaluation, or the clock went back before the period:
		// what the windows hold of the period (a restored snapshot's part)
		// is the period's.
		c.start, c.end = o.Calendar.Bounds(now)
		sg, sb := o.series.SumSince(o.Calendar.Unit.maxLength(), c.start)
		c.baseGood, c.baseBad = g-sg/o.unit, b-sb/o.unit
	case !now.Before(c.end):
		// A boundary passed: every event counted so far was recorded
		// before this advance, in the period that ended.
		c.start, c.end = o.Calendar.Bounds(now)
		c.baseGood, c.baseBad = g, b
	}
	return max(g-c.baseGood, 0), max(b-c.baseBad, 0)
}

// cloneCalendar gives o its own copy of its calendar.
func (o Objective) cloneCalendar() Objective {
	if o.Calendar != nil {
		c := *o.Calendar
		o.Calendar = &c
	}
	return o
}

// calendarShape is a calendar in files: its unit, its start as
// CalendarLayout writes it, and its zone's name.
type calendarShape struct {
	Unit     CalendarUnit `json:"unit" yaml:"unit"`
	Start    string       `json:"start" yaml:"start"`
	TimeZone string       `json:"timeZone" yaml:"timeZone"`
}

func (o Objective) calendarShape() *calendarShape {
	if o.Calendar == nil {
		return nil
	}
	c := o.Calendar
	return &calendarShape{Unit: c.Unit, Start: c.Start.Format(CalendarLayout), TimeZone: c.Zone()}
}

func (s calendarShape) calendar() (Calendar, error) {
	return ParseCalendar(s.Unit, s.Start, s.TimeZone)
}

// periodBuckets returns the buckets of o's period as Series.Buckets does:
// its rolling Period's, or, with a calendar, those of the longest window
// from the one the current period's start falls in, that bucket counted
// by its share after the start (as a window's oldest bucket is). The
// period's Status counts the start exactly; its burn-down, drawn by
// bucket, counts that first bucket pro rata.
func (o *objective) periodBuckets() (width time.Duration, first time.Time, share float64, counts []window.Counts) {
	if o.Calendar == nil {
		return o.budgetSeries().Buckets(o.Period)
	}
	width, first, share, counts = o.series.Buckets(o.Calendar.Unit.maxLength())
	start := o.cal.start
	if len(counts) == 0 || !start.After(first) {
		return width, first, share, counts
	}
	skip := min(int(start.Sub(first)/width), len(counts)-1)
	first = first.Add(time.Duration(skip) * width)
	share = float64(first.Add(width).Sub(start)) / float64(width)
	return width, first, min(max(share, 0), 1), counts[skip:]
}

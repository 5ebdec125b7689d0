package slostatus

import (
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// periodName names the period a status counts over, as the page writes
// it: "30d" for a rolling period, or the calendar period's name and zone,
// "December 2026 (Europe/Paris)".
func periodName(st slo.Status) string {
	if st.PeriodStart.IsZero() || !st.PeriodEnd.After(st.PeriodStart) {
		return burnrate.FormatWindow(st.Period)
	}
	start, end := st.PeriodStart, st.PeriodEnd.In(st.PeriodStart.Location())
	unit := slo.CalendarWeek
	switch months := (end.Year()-start.Year())*12 + int(end.Month()) - int(start.Month()); {
	case end.Sub(start) < 8*24*time.Hour:
	case months == 3:
		unit = slo.CalendarQuarter
	default:
		unit = slo.CalendarMonth
	}
	return slo.Calendar{Unit: unit, Start: start}.Label(start) + " (" + start.Location().String() + ")"
}

// resets says when a calendar period's budget resets, "resets in 24d 3h",
// or "" for a rolling period.
func resets(st slo.Status) string {
	if st.PeriodEnd.IsZero() {
		return ""
	}
	return "resets in " + formatSpan(st.PeriodEnd.Sub(st.Time))
}

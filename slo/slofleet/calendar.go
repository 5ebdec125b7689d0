package slofleet

import (
	"strconv"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// calendarEvents names, in the client's answer, the events of an
// objective's calendar period that the query computes.
const calendarEvents = "journeyslo:calendar_events"

// queryAt returns the query at instant at: the series of the rules, and
// for every objective with a calendar period the increase of its counters
// since the period's start (slorules.CalendarEvents), named
// calendarEvents. A rule cannot record the latter, whose range grows with
// every evaluation until the boundary; computed at the query's own
// instant, it is exact. Both parts are read at one instant, in one query.
func (c *Client) queryAt(at time.Time) string {
	q := c.query
	for _, o := range c.objs {
		if o.Calendar == nil {
			continue
		}
		expr, err := slorules.CalendarEvents(o, at, c.sel)
		if err != nil {
			continue // unreachable: New checked the objective and the selector
		}
		// Named, and labelled as the objective's series are: a
		// composite's sum keeps only the outcome.
		for _, l := range [][2]string{{"__name__", calendarEvents}, {"journey", o.Journey}, {"objective", o.Name}} {
			expr = "label_replace(" + expr + ", " + strconv.Quote(l[0]) + ", " + strconv.Quote(l[1]) + `, "", "")`
		}
		q += " or " + expr
	}
	return q
}

// buildCalendar computes the Status of o, an objective with a calendar, at
// at: its burn rates and state from the rules' windows, as build does,
// and its period's figures from cal, the events since the period's start.
// The fleet's data covers the period from its boundary (its counters
// outlive any one replica), so a period that began hours ago is young
// data, as it is in a registry.
func buildCalendar(o slo.Objective, at time.Time, events sums, cal [2]float64, firing []bool) slo.Status {
	start, _ := o.Calendar.Bounds(at)
	return o.StatusCovering(at, at.Sub(start), cal[0], cal[1], judge(o, events, firing))
}

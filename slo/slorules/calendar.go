package slorules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/internal/invalid"
	"github.com/journeyslo/journeyslo/slo"
)

// CalendarEvents returns the query that counts o's events by outcome over
// its calendar period (slo.Objective.Calendar) up to instant at: the
// increase of its counters over a range of exactly the time since the
// period's start, in milliseconds, as
//
//	sum by (journey, objective, outcome) (increase(journeyslo_sli_events_total{journey="checkout",objective="availability"}[544800000ms]))
//
// selector scopes the counters as [WithSelector] does ("" for none). A
// composite's are the weighted sum of its components', as its rules'
// windows are, with the composite's journey and objective left to the
// reader (the sum keeps the outcome alone).
//
// The generated rules cannot record this: a rule's range is written once,
// and a calendar period's grows with every evaluation until the boundary.
// So the rules keep the burn-rate windows and the rolling Period (which
// alerts and the recorded SLI read), and the calendar figures are read at
// query time, as package slofleet does: exact to the counters' samples,
// at the cost of reading the period's raw samples at each query.
//
// It reports an objective without a calendar, or with a Source (whose
// counters are the team's own), and a selector WithSelector would refuse,
// in an error wrapping slo.ErrInvalid.
func CalendarEvents(o slo.Objective, at time.Time, selector string) (string, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: CalendarEvents: %s", invalid.Prefix("slorules"), fmt.Sprintf(format, args...))
	}
	if o.Calendar == nil {
		return "", bad("objective %s has no calendar; its period's events are the rules' %s%s", slo.ObjectiveKey(o.Journey, o.Name), EventsPrefix, window(o.WithDefaults().Period))
	}
	if o.Source != nil && !o.Source.IsZero() {
		return "", bad("objective %s reads a Source; the calendar period of a Source's counters is not read: count it with journeyslo's own counters, or use a rolling period", slo.ObjectiveKey(o.Journey, o.Name))
	}
	ms, err := parseSelector(selector)
	if err != nil {
		return "", bad("%v", err)
	}
	start, _ := o.Calendar.Bounds(at)
	d := at.Sub(start).Round(time.Millisecond)
	if d < time.Millisecond {
		d = time.Millisecond
	}
	sel := make([]string, len(ms))
	for i, m := range ms {
		sel[i] = m.String()
	}
	r := &objectiveRules{
		counter: "{" + strings.Join(slices.Concat([]string{matcher{labelJourney, "=", o.Journey}.String(), matcher{labelObjective, "=", o.Name}.String()}, sel), ",") + "}",
		parts:   (&config{}).parts(o, sel),
	}
	return r.eventsExpr(strconv.FormatInt(d.Milliseconds(), 10) + "ms"), nil
}

// CheckSelector reports whether [WithSelector] accepts selector, in an
// error wrapping slo.ErrInvalid.
func CheckSelector(selector string) error {
	if _, err := parseSelector(selector); err != nil {
		return fmt.Errorf("%w: %v", invalid.Prefix("slorules"), err)
	}
	return nil
}

package slorisk

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/invalid"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// A Premortem is one failure imagined at a given time of a recorded month,
// such as "every invoice fails for 30 minutes, mid-month": from At after
// the traffic's start, for Duration, a share Impact of the journey's
// requests fail. It is a plain value; the zero value has no name, duration
// nor impact, which [Premortem.Validate] refuses.
type Premortem struct {
	// Name says what fails. Required, and unique within a catalog.
	Name string
	// Journey is the journey that fails; empty means every journey of the
	// traffic, judged as one.
	Journey string
	// At is when the failure starts, after the recorded traffic's start
	// (see [Premortem.Spend]: for a recording in minutes from midnight,
	// that midnight); not negative.
	At time.Duration
	// Duration is how long it lasts. Positive.
	Duration time.Duration
	// Impact is the share of the journey's requests that fail meanwhile,
	// above 0 and at most 1.
	Impact float64
}

// Validate reports every reason p cannot be judged, each naming the field
// and what would be right. The errors match slo.ErrInvalid.
func (p Premortem) Validate() error {
	ps := entry("premortem", p.Name, `"invoices fail mid-month"`)
	ps.span("at", p.At, true, "write the time after the traffic's start, such as 15d, or 0")
	ps.span("duration", p.Duration, false, "write how long the failure lasts, such as 30m")
	ps.impact(p.Impact)
	return ps.err()
}

// A Spend is what a premortem's failure would cost at the profile of a
// recorded month. It is a plain value.
type Spend struct {
	Premortem
	// Start and End are the failure's span in the recorded traffic.
	Start, End time.Time
	// Events is the journey's events in the span (see [Premortem.Spend]).
	Events float64
	// Bad is the events the failure fails: Events x Impact.
	Bad float64
	// Budget is the error budget of one of the objective's periods at the
	// journey's mean event rate over the recorded traffic, in events:
	// (1 - target) x the journey's events x period / the traffic's
	// length. For a recording of exactly one period, that is all its
	// events x (1 - target); a shorter or longer one is judged against a
	// period's budget all the same, as package backtest's replay judges
	// it.
	Budget float64
	// Share is Bad over Budget: the share of the month's budget the
	// failure would spend.
	Share float64
	// Exceeds is true when the failure alone spends more than the budget.
	Exceeds bool
}

// Spend returns the share of an error budget of objective o (its Target
// and Period; zero means slo.DefaultPeriod) that p's failure would spend
// at the profile of the recorded traffic: the journey's events in the
// failure's span x Impact, over [Spend].Budget.
//
// A sample holds its journey's events in the interval that ends at its
// Time, from the journey's previous sample; they are spread evenly over it
// and counted pro rata where the span cuts it. Samples of one journey at
// one instant add up. A journey's first interval, whose start no sample
// gives, is taken to be as long as its second, as a recording at a
// regular step has it (a journey with samples at one instant only counts
// them at that instant). The traffic starts where the earliest of those
// first intervals starts, so that the first day of a recording in minutes
// starts at its first midnight, and At counts from there; it ends at its
// last sample. The span holds the instants after Start up to End, as an
// interval holds those after its start up to its end.
//
// The error, matching slo.ErrInvalid, says when the traffic is empty or too
// short, lacks the journey, or ends before the failure does.
func (p Premortem) Spend(traffic []slobacktest.Sample, o slo.Objective) (Spend, error) {
	fail := func(format string, args ...any) (Spend, error) {
		return Spend{}, invalid.Errorf("slorisk: premortem %q: %s", p.Name, fmt.Sprintf(format, args...))
	}
	if err := p.Validate(); err != nil {
		return Spend{}, err
	}
	if err := burnrate.ValidateTarget(o.Target); err != nil {
		return Spend{}, invalid.Errorf("slorisk: premortem %q: %w", p.Name, err)
	}
	period := o.Period
	if period == 0 {
		period = slo.DefaultPeriod
	}
	if period < 0 {
		return fail("the objective's period %v is negative; use such as 30d", period)
	}
	if len(traffic) == 0 {
		return fail("the recorded traffic is empty; give a month of samples")
	}
	samples := slices.Clone(traffic)
	slices.SortStableFunc(samples, func(a, b slobacktest.Sample) int { return a.Time.Compare(b.Time) })

	// Each journey's first instant, and the length of its second interval.
	type bounds struct {
		first time.Time
		gap   time.Duration
	}
	journeys := map[string]*bounds{}
	for _, x := range samples {
		b := journeys[x.Journey]
		switch {
		case b == nil:
			journeys[x.Journey] = &bounds{first: x.Time}
		case b.gap == 0 && x.Time.After(b.first):
			b.gap = x.Time.Sub(b.first)
		}
	}
	start, last := samples[0].Time, samples[len(samples)-1].Time
	for _, b := range journeys {
		start = minTime(start, b.first.Add(-b.gap))
	}
	if !start.Before(last) {
		return fail("the recorded traffic is one instant, %s, with no length to judge a budget over; give a month of samples", last.UTC().Format(time.RFC3339))
	}
	s := Spend{Premortem: p, Start: start.Add(p.At)}
	s.End = s.Start.Add(p.Duration)
	if s.End.After(last) {
		return fail("the failure ends at %s, after the recorded traffic, which runs from %s to %s (%s); start it earlier, or record longer",
			s.End.UTC().Format(time.RFC3339), start.UTC().Format(time.RFC3339), last.UTC().Format(time.RFC3339), burnrate.FormatWindow(last.Sub(start)))
	}
	if p.Journey != "" && journeys[p.Journey] == nil {
		names := make([]string, 0, len(journeys))
		for j := range journeys {
			names = append(names, j)
		}
		slices.SortFunc(names, cmp.Compare)
		return fail("journey %q is not in the recorded traffic, which has %s", p.Journey, strings.Join(names, ", "))
	}

	// from is where the interval of each journey's latest instant starts,
	// and at that instant.
	type interval struct{ from, to time.Time }
	current := map[string]interval{}
	var total float64
	for _, x := range samples {
		if p.Journey != "" && x.Journey != p.Journey {
			continue
		}
		iv, ok := current[x.Journey]
		switch {
		case !ok:
			b := journeys[x.Journey]
			iv = interval{b.first.Add(-b.gap), x.Time}
		case x.Time.After(iv.to):
			iv = interval{iv.to, x.Time}
		}
		current[x.Journey] = iv
		n := float64(x.Good) + float64(x.Bad)
		total += n
		if iv.from.Equal(iv.to) {
			if s.Start.Before(x.Time) && !x.Time.After(s.End) {
				s.Events += n
			}
			continue
		}
		from, to := maxTime(iv.from, s.Start), minTime(iv.to, s.End)
		switch {
		case !from.Before(to):
		case from.Equal(iv.from) && to.Equal(iv.to):
			s.Events += n // whole: exact, with no division
		default:
			s.Events += n * float64(to.Sub(from)) / float64(iv.to.Sub(iv.from))
		}
	}
	if total == 0 {
		return fail("the recorded traffic has no events for it, so no budget to spend")
	}
	s.Bad = s.Events * p.Impact
	s.Budget = (1 - o.Target) * total * float64(period) / float64(last.Sub(start))
	s.Share = s.Bad / s.Budget
	s.Exceeds = exceeds(s.Bad, s.Budget)
	return s, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

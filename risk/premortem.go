package risk

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/backtest"
	"github.com/journeyslo/journeyslo/burnrate"
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
	// (its earliest sample); not negative.
	At time.Duration
	// Duration is how long it lasts. Positive.
	Duration time.Duration
	// Impact is the share of the journey's requests that fail meanwhile,
	// above 0 and at most 1.
	Impact float64
}

// Validate reports every reason p cannot be judged, each naming the field
// and what would be right. The errors wrap [ErrInvalid].
func (p Premortem) Validate() error {
	var errs []error
	bad := func(field, why string) {
		errs = append(errs, fmt.Errorf("%w premortem %q: %s: %s", ErrInvalid, p.Name, field, why))
	}
	if strings.TrimSpace(p.Name) == "" {
		bad("name", "empty; name what fails, such as \"invoices fail mid-month\"")
	}
	if p.At < 0 {
		bad("at", fmt.Sprintf("%v is negative; write the time after the traffic's start, such as 15d, or 0", p.At))
	}
	if p.Duration <= 0 {
		bad("duration", fmt.Sprintf("%v is not positive; write how long the failure lasts, such as 30m", p.Duration))
	}
	if why := impactProblem(p.Impact); why != "" {
		bad("impact", why)
	}
	return errors.Join(errs...)
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
	// Budget is the recorded traffic's error budget, in events: all the
	// journey's events x (1 - target).
	Budget float64
	// Share is Bad over Budget: the share of the month's budget the
	// failure would spend.
	Share float64
	// Exceeds is true when the failure alone spends more than the budget.
	Exceeds bool
}

// Spend returns the share of the recorded traffic's error budget, at
// target, that p's failure would spend: the journey's events in the
// failure's span x Impact, over all the journey's events x (1 - target).
// The traffic starts at its earliest sample; a sample's events are spread
// evenly over its interval, from its journey's previous sample, and
// counted pro rata where the span cuts it. A journey's first sample, whose
// interval's start is not known, counts as an instant at its Time. The span
// holds the instants after Start up to End, as a sample holds those after
// its predecessor up to its Time. The error, wrapping [ErrInvalid], says
// when the traffic is empty, lacks the journey, or ends before the failure
// does.
func (p Premortem) Spend(traffic []backtest.Sample, target float64) (Spend, error) {
	fail := func(format string, args ...any) (Spend, error) {
		return Spend{}, fmt.Errorf("%w premortem %q: %s", ErrInvalid, p.Name, fmt.Sprintf(format, args...))
	}
	if err := p.Validate(); err != nil {
		return Spend{}, err
	}
	if err := burnrate.ValidateTarget(target); err != nil {
		return Spend{}, fmt.Errorf("%w premortem %q: %w", ErrInvalid, p.Name, err)
	}
	if len(traffic) == 0 {
		return fail("the recorded traffic is empty; give a month of samples")
	}
	samples := slices.Clone(traffic)
	slices.SortStableFunc(samples, func(a, b backtest.Sample) int { return a.Time.Compare(b.Time) })
	first, last := samples[0].Time, samples[len(samples)-1].Time
	s := Spend{Premortem: p, Start: first.Add(p.At)}
	s.End = s.Start.Add(p.Duration)
	if s.End.After(last) {
		return fail("the failure ends at %s, after the recorded traffic, which runs from %s to %s (%s); start it earlier, or record longer",
			s.End.UTC().Format(time.RFC3339), first.UTC().Format(time.RFC3339), last.UTC().Format(time.RFC3339), burnrate.FormatWindow(last.Sub(first)))
	}
	prev := map[string]time.Time{}
	var total float64
	for _, x := range samples {
		before, seen := prev[x.Journey]
		prev[x.Journey] = x.Time
		if p.Journey != "" && x.Journey != p.Journey {
			continue
		}
		n := float64(x.Good) + float64(x.Bad)
		total += n
		if !seen || !before.Before(x.Time) {
			if s.Start.Before(x.Time) && !x.Time.After(s.End) {
				s.Events += n
			}
			continue
		}
		from, to := maxTime(before, s.Start), minTime(x.Time, s.End)
		switch {
		case !from.Before(to):
		case from.Equal(before) && to.Equal(x.Time):
			s.Events += n // whole: exact, with no division
		default:
			s.Events += n * float64(to.Sub(from)) / float64(x.Time.Sub(before))
		}
	}
	if total == 0 {
		if _, ok := prev[p.Journey]; !ok && p.Journey != "" {
			journeys := make([]string, 0, len(prev))
			for j := range prev {
				journeys = append(journeys, j)
			}
			slices.SortFunc(journeys, cmp.Compare)
			return fail("journey %q is not in the recorded traffic, which has %s", p.Journey, strings.Join(journeys, ", "))
		}
		return fail("the recorded traffic has no events for it, so no budget to spend")
	}
	s.Bad = s.Events * p.Impact
	s.Budget = total * (1 - target)
	s.Share = s.Bad / s.Budget
	s.Exceeds = s.Bad > s.Budget
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

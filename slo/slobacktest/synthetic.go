package slobacktest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/journeyslo/journeyslo/slo"
)

// DefaultStep is the step of a [Scenario] that sets none.
const DefaultStep = time.Minute

// MaxSteps is the most samples a [Scenario] makes: 4,194,304, eight years
// at one-minute steps or 48 days at one-second steps. It bounds the memory
// a mistyped Length or Step can ask for.
const MaxSteps = 1 << 22

// diurnalPeak is the time of day (UTC) at which diurnal traffic is busiest.
const diurnalPeak = 12 * time.Hour

// A Scenario describes synthetic traffic of one journey: steady or diurnal,
// with a background error ratio and share of slow events, and with
// incidents that raise (or lower) them for a while. [Scenario.Samples]
// turns it into samples and [Scenario.Feed] records it into a registry's
// journey, the same every time: it is the one traffic generator of the
// library's backtests, tests and examples. It is a plain value: its methods change nothing and
// may be called from several goroutines at once. The zero value is not a
// valid scenario (it has no journey, start, length or rate).
type Scenario struct {
	// Journey is the journey whose traffic this is, such as checkout.
	Journey string
	// Start is when the traffic starts; the first sample ends one Step
	// after it.
	Start time.Time
	// Length is how long the traffic runs: a whole number of Steps.
	Length time.Duration
	// Step is the interval each sample covers; 0 means [DefaultStep].
	Step time.Duration
	// Rate is the mean number of events a second, more than 0.
	Rate float64
	// Diurnal is 0 for steady traffic, or from 0 to 1 the amplitude of a
	// daily swing: at instant t the rate is
	// Rate × (1 + Diurnal × cos(2π (t − 12:00 UTC) / 24h)), busiest at
	// 12:00 UTC, quietest at 00:00 UTC, and Rate on average over any whole
	// day. At 1 the traffic stops for an instant at midnight and peaks at
	// twice Rate at noon.
	Diurnal float64
	// ErrorRatio is the share of events that fail outside incidents, from
	// 0 to 1.
	ErrorRatio float64
	// Slow is the share of the events that succeed which are slow outside
	// incidents, from 0 to 1: a [Feed] records each of them as taking
	// SlowLatency, for latency objectives to judge. Samples count them
	// good, as a backtest's events are judged already.
	Slow float64
	// SlowLatency is how long a slow event takes, such as 800ms; positive
	// when Slow, or an incident's Slow, is.
	SlowLatency time.Duration
	// Incidents are spells whose ErrorRatio and Slow replace the
	// background's from their Start for their Duration. Each lies within the traffic
	// (from Start to Start+Length), overlaps no other, and has the
	// scenario's Journey or none.
	Incidents []Incident
}

// step returns the scenario's step, with the default applied.
func (s Scenario) step() time.Duration {
	if s.Step == 0 {
		return DefaultStep
	}
	return s.Step
}

// End returns when the traffic ends: Start + Length.
func (s Scenario) End() time.Time { return s.Start.Add(s.Length) }

// Validate reports every problem of the scenario, each wrapping
// slo.ErrInvalid and saying what would be right; nil when it has none.
func (s Scenario) Validate() error {
	var errs []error
	// field names the problem's field as a scenario file writes it, for
	// ParseScenario to place the problem.
	bad := func(field, format string, args ...any) {
		errs = append(errs, &fieldError{"Scenario", field, fmt.Sprintf(format, args...)})
	}
	if s.Journey == "" {
		bad("journey", "Journey is empty; name the journey whose traffic it is, such as checkout")
	}
	if s.Start.IsZero() {
		bad("start", "Start is the zero time; set when the traffic starts, such as 2026-03-01T00:00:00Z")
	}
	step := s.step()
	switch {
	case s.Step < 0:
		bad("step", "Step %v is negative; use the interval each sample covers, such as 1m (0 means 1m)", s.Step)
	case s.Length <= 0:
		bad("length", "Length %v is not positive; use how long the traffic runs, such as 24h", s.Length)
	case s.Length%step != 0:
		bad("length", "Length %v is not a whole number of Steps of %v; use %v or %v", s.Length, step, s.Length/step*step, (s.Length/step+1)*step)
	case s.Length/step > MaxSteps:
		bad("length", "Length %v at Step %v makes %d samples, more than %d; use a longer Step or a shorter Length", s.Length, step, s.Length/step, MaxSteps)
	}
	switch {
	case math.IsNaN(s.Rate) || math.IsInf(s.Rate, 0) || s.Rate <= 0:
		bad("rate", "Rate %v is not a positive number; use the mean events a second, such as 16.667 for 1000 a minute", s.Rate)
	case s.Length > 0 && s.Rate*(1+max(0, s.Diurnal))*s.Length.Seconds() > maxExact:
		bad("rate", "Rate %v over Length %v makes more than 2^53 events, too many to count exactly; lower the Rate or shorten the Length", s.Rate, s.Length)
	}
	if !(s.Diurnal >= 0 && s.Diurnal <= 1) {
		bad("diurnal", "Diurnal %v is outside 0 to 1; use 0 for steady traffic, or the amplitude of the daily swing, such as 0.5", s.Diurnal)
	}
	if !(s.ErrorRatio >= 0 && s.ErrorRatio <= 1) {
		bad("errorRatio", "ErrorRatio %v is outside 0 to 1; use the share of events that fail outside incidents, such as 0.0005", s.ErrorRatio)
	}
	if !(s.Slow >= 0 && s.Slow <= 1) {
		bad("slow", "Slow %v is outside 0 to 1; use the share of the events that succeed which are slow, such as 0.01", s.Slow)
	}
	slow := s.Slow > 0
	for _, in := range s.Incidents {
		slow = slow || in.Slow > 0
	}
	switch {
	case s.SlowLatency < 0:
		bad("slowLatency", "SlowLatency %v is negative; use how long a slow event takes, such as 800ms", s.SlowLatency)
	case slow && s.SlowLatency == 0:
		bad("slowLatency", "SlowLatency is missing; the scenario has slow events, so say how long one takes, such as 800ms")
	}
	for i, in := range s.Incidents {
		field := fmt.Sprintf("incidents[%d]", i)
		if in.Journey != "" && in.Journey != s.Journey {
			bad(field+".journey", "Incidents[%d] is of journey %q, not the scenario's %q; leave its Journey empty or make it %q", i, in.Journey, s.Journey, s.Journey)
		}
		if !(in.ErrorRatio >= 0 && in.ErrorRatio <= 1) {
			bad(field+".errorRatio", "Incidents[%d]: ErrorRatio %v is outside 0 to 1; use the share of events that fail during it, such as 1 for a full outage", i, in.ErrorRatio)
		}
		if !(in.Slow >= 0 && in.Slow <= 1) {
			bad(field+".slow", "Incidents[%d]: Slow %v is outside 0 to 1; use the share of the events that succeed which are slow during it, such as 0.8", i, in.Slow)
		}
		if in.Duration <= 0 {
			bad(field+".duration", "Incidents[%d]: Duration %v is not positive; use how long it lasts, such as 12m", i, in.Duration)
			continue
		}
		if s.Start.IsZero() || s.Length <= 0 {
			continue // nothing to place it in
		}
		if in.Start.Before(s.Start) || in.End().After(s.End()) {
			bad(field, "Incidents[%d] runs from %s to %s, outside the traffic's %s to %s; move or shorten it, or lengthen the traffic",
				i, stamp(in.Start), stamp(in.End()), stamp(s.Start), stamp(s.End()))
		}
		for j, other := range s.Incidents[:i] {
			if other.Duration > 0 && in.Start.Before(other.End()) && other.Start.Before(in.End()) {
				bad(field, "Incidents[%d] (%s to %s) overlaps Incidents[%d] (%s to %s); an incident's ErrorRatio replaces the background, so give each spell one incident",
					i, stamp(in.Start), stamp(in.End()), j, stamp(other.Start), stamp(other.End()))
			}
		}
	}
	return errors.Join(errs...)
}

// A fieldError is one problem of a value's field, which matches slo.ErrInvalid
// and which file readers place at the field.
type fieldError struct {
	what  string // the value's type, such as Scenario
	field string // the field's path in a file, such as incidents[0].duration
	msg   string
}

func (e *fieldError) Error() string { return errInvalid.Error() + ": " + e.what + ": " + e.msg }
func (e *fieldError) Unwrap() error { return errInvalid }

// stamp formats an instant for errors.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Injected returns the scenario's incidents with the scenario's journey,
// in order of start: the incidents a replay of its samples should find.
func (s Scenario) Injected() []Incident {
	out := make([]Incident, len(s.Incidents))
	for i, in := range s.Incidents {
		in.Journey = s.Journey
		out[i] = in
	}
	slices.SortStableFunc(out, func(a, b Incident) int { return a.Start.Compare(b.Start) })
	return out
}

// Samples returns the scenario's traffic: one sample every Step from
// Start+Step to Start+Length (in UTC), each the events of the Step that
// ends at its time. It returns the error of [Scenario.Validate] when the scenario has a
// problem. The result is the same on every call.
//
// The events of a span are the integral of the rate over it; the bad ones
// are the integral of the rate times the error ratio in force, so a Step
// that an incident starts or ends in splits pro rata: at 1000 events a
// minute, an outage that starts 30 s into a Step makes that Step 500 good
// and 500 bad. Counts are whole numbers: each sample's good (and bad)
// events are the rounded cumulative good (bad) events at its end less
// those at its start, so fractions carry from sample to sample and the
// good (bad) events of any run of samples differ from the integral by less
// than one.
func (s Scenario) Samples() ([]Sample, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	step := s.step()
	n := int(s.Length / step)
	incidents := s.Injected()
	samples := make([]Sample, n)
	var last counts // cumulative whole counts at the previous sample's end
	for i := range samples {
		at := s.Start.UTC().Add(time.Duration(i+1) * step) // in UTC, as the readers' samples are
		c := s.cumulative(at, incidents).atLeast(last)
		samples[i] = Sample{Time: at, Journey: s.Journey, Good: c.fast + c.slow - last.fast - last.slow, Bad: c.bad - last.bad}
		last = c
	}
	return samples, nil
}

// counts are a scenario's whole events from its Start to an instant.
type counts struct{ fast, slow, bad uint64 }

// atLeast returns c with no count below last's: a count never falls, even
// when float rounding makes an integral dip by a hair where the rate is
// all bad or all good.
func (c counts) atLeast(last counts) counts {
	return counts{max(c.fast, last.fast), max(c.slow, last.slow), max(c.bad, last.bad)}
}

// cumulative returns the fast good, slow good and bad events from Start to
// t, each rounded to a whole number.
func (s Scenario) cumulative(t time.Time, incidents []Incident) counts {
	events := s.events(t)
	b, slow := s.ErrorRatio*events, s.Slow*(1-s.ErrorRatio)*events
	for _, in := range incidents {
		if !t.After(in.Start) {
			break // sorted by start
		}
		// During the incident its ratios replace the background's.
		during := s.events(minTime(t, in.End())) - s.events(in.Start)
		b += (in.ErrorRatio - s.ErrorRatio) * during
		slow += (in.Slow*(1-in.ErrorRatio) - s.Slow*(1-s.ErrorRatio)) * during
	}
	return counts{fast: whole(events - b - slow), slow: whole(slow), bad: whole(b)}
}

// A Feed records a [Scenario]'s events into a journey of a registry, as the
// service would have recorded the requests it served: bad ones with
// [slo.Journey.Record], slow ones with [slo.Journey.Observe] at the
// scenario's SlowLatency, one call each, the others good and fast with
// [slo.Journey.Add]. Make one with [Scenario.Feed] and move it with
// [Feed.To] as the registry advances. A Feed belongs to one goroutine.
type Feed struct {
	s         Scenario
	incidents []Incident
	j         *slo.Journey
	done      counts // recorded so far, from Start
}

// Feed returns a Feed of the scenario into j, or the error of
// [Scenario.Validate]. j should be the handle of the scenario's journey.
func (s Scenario) Feed(j *slo.Journey) (*Feed, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &Feed{s: s, incidents: s.Injected(), j: j}, nil
}

// To records the scenario's events from the instant the Feed was last
// moved to (its Start, at first) up to t, or up to the scenario's end if
// t is after it: the whole events by t, as [Scenario.Samples] counts them,
// less those recorded already, so that no step's rounding drifts the
// totals. An instant before the last one records nothing.
func (f *Feed) To(t time.Time) {
	if t.After(f.s.End()) {
		t = f.s.End()
	}
	if !t.After(f.s.Start) {
		return
	}
	c := f.s.cumulative(t, f.incidents).atLeast(f.done)
	fast, slow, bad := c.fast-f.done.fast, c.slow-f.done.slow, c.bad-f.done.bad
	f.done = c
	for range slow {
		f.j.Observe(f.s.SlowLatency, false)
	}
	f.j.Add(fast, bad)
}

// events returns the integral of the rate from Start to t.
func (s Scenario) events(t time.Time) float64 {
	e := t.Sub(s.Start).Seconds()
	if s.Diurnal != 0 {
		// ∫ cos(ω(u − noon)) du = sin(ω(u − noon)) / ω
		const omega = 2 * math.Pi / (24 * 60 * 60)
		e += s.Diurnal / omega * (math.Sin(phase(t)) - math.Sin(phase(s.Start)))
	}
	return s.Rate * e
}

// phase returns ω(t − noon) reduced to one day: the angle of t's time of
// day from the diurnal diurnalPeak, computed from whole nanoseconds so that it
// keeps its precision at any date.
func phase(t time.Time) float64 {
	day := time.Duration(24 * time.Hour)
	ofDay := t.Sub(t.Truncate(day)) // Truncate counts days from the zero time, which are UTC days
	return 2 * math.Pi * float64(ofDay-diurnalPeak) / float64(day)
}

// whole rounds a count of events that is 0 or more to the nearest whole
// number, a negative one (float rounding around 0) to 0.
func whole(x float64) uint64 {
	if x <= 0 {
		return 0
	}
	return uint64(math.Round(x))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

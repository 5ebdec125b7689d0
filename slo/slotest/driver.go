package slotest

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// Traffic is steady fake traffic on one journey, recorded by a [Driver].
// The zero value records nothing (a rate of zero) and names no journey, so
// a Driver refuses it.
type Traffic struct {
	// Journey is a journey the registry declares, or [slo.Unmatched]. Any
	// other name fails the test: [slo.Registry.Journey] would count it as
	// unmatched, silently.
	Journey string
	// Rate is events per second, zero or more; 0.5 is one event every two
	// seconds.
	Rate float64
	// ErrorRatio is the share of the events recorded bad, from 0 to 1.
	ErrorRatio float64
	// Latency, when positive, is how long every good event took: the
	// journey's latency objectives judge it ([slo.Journey.Observe], one
	// call per event). Zero records with [slo.Journey.Add], which every
	// objective takes as fast enough.
	Latency time.Duration
}

// A Driver moves a registry through simulated time, recording [Traffic] on
// the way. It calls [slo.Registry.Advance] after the events of each step,
// so the registry must be built with [slo.WithManualAdvance] and advanced
// by nothing else.
//
// When the registry's clock is a *clock.Mock, the Driver sets it to its
// own instant at the end of every run, so that [slo.Registry.Staleness] and the
// health handler read the time the windows are at.
//
// A Driver belongs to one test goroutine; it is not safe for concurrent
// use. The zero value is not usable; create one with [NewDriver].
type Driver struct {
	tb   testing.TB
	reg  *slo.Registry
	now  time.Time
	step time.Duration
	// flows are the traffic of the last runs, each fed from a scenario of
	// slobacktest, the library's one traffic generator, so that the next
	// run of the same traffic goes on from where the last one stopped.
	flows map[flowKey]*flow
}

// flowKey tells traffic apart across runs: its journey and latency, and
// its rank among the run's traffic of the same journey and latency.
type flowKey struct {
	journey string
	latency time.Duration
	rank    int
}

// A flow is traffic being recorded: the Traffic, and the feed of the
// scenario it is, from the start of its first run.
type flow struct {
	traffic Traffic
	feed    *slobacktest.Feed
	end     time.Time // the scenario's end
}

// NewDriver returns a Driver that starts at start, advancing reg there, with
// a step of one second (or reg's tick, when finer). It fails tb when reg is
// nil or refuses to advance: it runs its own rotator, or it is closed.
func NewDriver(tb testing.TB, reg *slo.Registry, start time.Time) *Driver {
	tb.Helper()
	if reg == nil {
		tb.Fatalf("slotest: NewDriver(nil registry); pass the *slo.Registry that slo.New returned")
		return nil
	}
	// A start before the registry's own instant would be ignored by its
	// windows (time going back holds them still), and every event of the
	// run would pile into the bucket of New's instant.
	if st := reg.Status(); len(st) > 0 && start.Before(st[0].Time) {
		tb.Fatalf("slotest: NewDriver: start %v is before the registry's instant %v; build the registry on a clock.NewMock() set to start (slo.WithClock), or start at or after it",
			start.UTC().Format(time.RFC3339), st[0].Time.UTC().Format(time.RFC3339))
		return nil
	}
	d := &Driver{tb: tb, reg: reg, now: start, step: min(time.Second, reg.Tick()), flows: map[flowKey]*flow{}}
	if err := reg.Advance(start); err != nil {
		tb.Fatalf("slotest: NewDriver: %v; a Driver moves a registry built with slo.WithManualAdvance(), and only while it is open", err)
		return nil
	}
	d.syncMock()
	return d
}

// SetStep sets how much simulated time each advance covers: the instants at
// which the registry is evaluated, and so how precisely [Driver.RunUntil]
// times a transition. A step longer than the registry's tick is allowed
// (the registry catches up) and makes long quiet spans cheap to replay, at
// the cost of evaluations in between. It fails the test when step is not
// positive.
func (d *Driver) SetStep(step time.Duration) {
	d.tb.Helper()
	if step <= 0 {
		d.tb.Fatalf("slotest: SetStep(%v): the step must be positive, such as time.Second", step)
		return
	}
	d.step = step
}

// Now returns the instant the Driver, and so the registry, is at.
func (d *Driver) Now() time.Time { return d.now }

// Run records traffic for span of simulated time, all of it at once (one
// Traffic per journey, or several on one journey, which add up), advancing
// the registry at every step and to the end of the span. It returns the
// instant it ends at. Invalid traffic or a negative span fail the test.
//
// The traffic is a steady slobacktest.Scenario, recorded through its
// Feed: the events recorded by any instant are the rounded integral of the
// rate, and the bad ones of the rate times the error ratio, so that no
// step's rounding drifts the totals. The next run of the same traffic (the
// same journey, rate, error ratio and latency) goes on from where the last
// one stopped, what it left over included: ten runs of a second at 0.5
// events a second record five events, as one run of ten seconds does.
func (d *Driver) Run(span time.Duration, traffic ...Traffic) time.Time {
	d.tb.Helper()
	r := d.start(span, traffic)
	for r.next() {
	}
	d.syncMock()
	return d.now
}

// RunUntil records traffic as Run does until the journey's named objective
// is in state want at an advance, and returns how much simulated time that
// took: 0 when the objective is already in that state. The time is a
// whole number of steps. It fails the test when the registry has no such
// objective, or the state is not reached within.
func (d *Driver) RunUntil(within time.Duration, journey, objective string, want burnrate.Severity, traffic ...Traffic) time.Duration {
	d.tb.Helper()
	t := tracker(d.tb, d.reg, journey, objective)
	from := d.now
	defer d.syncMock()
	if t.Status().State == want {
		return 0
	}
	r := d.start(within, traffic)
	for r.next() {
		if t.Status().State == want {
			return d.now.Sub(from)
		}
	}
	st := t.Status()
	d.tb.Fatalf("slotest: %s not %v within %v of %v: %s", slo.ObjectiveKey(journey, objective), want, within,
		from.UTC().Format(time.RFC3339), describe(st))
	return within
}

// run is one Run or RunUntil in progress.
type run struct {
	d     *Driver
	end   time.Time
	feeds []*slobacktest.Feed
}

// start checks span and traffic and returns a run over them.
func (d *Driver) start(span time.Duration, traffic []Traffic) *run {
	d.tb.Helper()
	if span < 0 {
		d.tb.Fatalf("slotest: a span of %v is negative; give how long the traffic lasts", span)
	}
	declared := d.reg.Journeys()
	r := &run{d: d, end: d.now.Add(span)}
	ranks := map[flowKey]int{}
	for i, t := range traffic {
		switch {
		case t.Journey != slo.Unmatched && !slices.Contains(declared, t.Journey):
			d.tb.Fatalf("slotest: traffic %d: journey %q is not declared; the registry declares %s (or use slo.Unmatched)",
				i, t.Journey, strings.Join(declared, ", "))
		case math.IsNaN(t.Rate) || t.Rate < 0 || math.IsInf(t.Rate, 0):
			d.tb.Fatalf("slotest: traffic %d (%s): rate %v; give events per second, zero or more", i, t.Journey, t.Rate)
		case !(t.ErrorRatio >= 0 && t.ErrorRatio <= 1):
			d.tb.Fatalf("slotest: traffic %d (%s): error ratio %v; give the share of bad events, from 0 to 1 (0.01 for 1%%)", i, t.Journey, t.ErrorRatio)
		case t.Latency < 0:
			d.tb.Fatalf("slotest: traffic %d (%s): latency %v is negative; give how long each event took, or 0", i, t.Journey, t.Latency)
		case t.Rate*span.Seconds() >= 1<<52:
			d.tb.Fatalf("slotest: traffic %d (%s): %v events a second for %v is more events than can be counted exactly", i, t.Journey, t.Rate, span)
		}
		key := flowKey{journey: t.Journey, latency: t.Latency}
		key.rank = ranks[key]
		ranks[key]++
		if t.Rate == 0 {
			delete(d.flows, key) // nothing to record, nothing left over
			continue
		}
		f := d.flows[key]
		if f == nil || f.traffic != t || !r.end.Before(f.end) {
			f = d.flow(i, t, span)
			d.flows[key] = f
		}
		r.feeds = append(r.feeds, f.feed)
	}
	return r
}

// flow returns a flow of traffic t from the Driver's instant, for as long
// as its events can be counted exactly, and at least span.
func (d *Driver) flow(i int, t Traffic, span time.Duration) *flow {
	d.tb.Helper()
	length := slobacktest.MaxSpan
	if exact := float64(1<<52) / t.Rate; exact < length.Seconds() { // in seconds, not to overflow a Duration
		length = time.Duration(exact * float64(time.Second))
	}
	length = max(length, span+time.Minute).Truncate(time.Minute)
	sc := slobacktest.Scenario{Journey: t.Journey, Start: d.now, Length: length, Rate: t.Rate, ErrorRatio: t.ErrorRatio}
	if t.Latency > 0 { // every event took it: the latency objectives judge each
		sc.Slow, sc.SlowLatency = 1, t.Latency
	}
	j, _ := d.reg.Journey(t.Journey) // checked by start
	feed, err := sc.Feed(j)
	if err != nil {
		d.tb.Fatalf("slotest: traffic %d (%s): %v", i, t.Journey, err)
	}
	return &flow{traffic: t, feed: feed, end: sc.End()}
}

// next records the events of the next step and advances the registry to
// its end. It returns false, having done nothing, when the run is over.
func (r *run) next() bool {
	d := r.d
	d.tb.Helper()
	if !d.now.Before(r.end) {
		return false
	}
	to := d.now.Add(d.step)
	if to.After(r.end) {
		to = r.end
	}
	for _, f := range r.feeds {
		f.To(to)
	}
	d.now = to
	if err := d.reg.Advance(to); err != nil {
		d.tb.Fatalf("slotest: %v; a Driver moves a registry built with slo.WithManualAdvance(), and only while it is open", err)
	}
	return true
}

// syncMock sets the registry's mock clock, if it has one, to the Driver's
// instant.
func (d *Driver) syncMock() {
	if m, ok := d.reg.Clock().(*clock.Mock); ok && m.Now().Before(d.now) {
		m.Set(d.now)
	}
}

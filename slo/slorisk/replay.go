package slorisk

import (
	"fmt"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// replayStart is when the replays of detection start: a midnight, so that
// the failure, a whole number of minutes later, starts on a bucket edge of
// every window.
var replayStart = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// replayStep is the step of the replays' samples.
const replayStep = time.Minute

// replayDetector measures detection for objective o by replay: the default
// of [Analyze]. For an error ratio e it replays, through [slobacktest.Run] and
// so through the registry code that runs in production, steady traffic of
// o's journey in 1-minute samples: good for the policy's longest window,
// so that every window is full of good events when the failure starts,
// then failing at ratio e for that window and one step more, after which
// every window holds the failure alone and a rule that has not fired never
// will. The detection is the first evaluation at which the objective
// policy's state leaves ok (a ticket or a page: a ticket is how a slow burn
// is meant to be found), less the failure's start. The rate, at least 1000
// events a second, puts ten times the low-traffic guard in the policy's
// shortest long window, so that the guard never delays a detection.
type replayDetector struct {
	o                 slo.Objective
	longest, shortest time.Duration
	rate              float64
}

// newReplayDetector returns the replay detector of o, or why o cannot be
// replayed. Its errors, and detect's, say what is wrong without wrapping
// slo.ErrInvalid, which Analyze adds with the risk's name.
func newReplayDetector(o slo.Objective) (*replayDetector, error) {
	o.Latency = 0 // the replay's events are judged already
	o = o.WithDefaults()
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("the objective: %w", err)
	}
	d := &replayDetector{o: o, rate: 1000}
	for _, r := range o.Policy.Rules {
		d.longest = max(d.longest, r.Long)
		if d.shortest == 0 || r.Long < d.shortest {
			d.shortest = r.Long
		}
	}
	if d.shortest > 0 {
		d.rate = max(d.rate, 10*float64(o.Policy.MinEvents)/d.shortest.Seconds())
	}
	// Whole steps: the scenario's length is a whole number of them.
	d.longest = (d.longest + replayStep - 1) / replayStep * replayStep
	return d, nil
}

// detect replays a failure at error ratio e.
func (d *replayDetector) detect(e float64) (time.Duration, bool, error) {
	at := replayStart.Add(d.longest)
	failure := slobacktest.Incident{Journey: d.o.Journey, Start: at, Duration: d.longest + replayStep, ErrorRatio: e}
	sc := slobacktest.Scenario{Journey: d.o.Journey, Start: replayStart, Length: d.longest + failure.Duration, Step: replayStep,
		Rate: d.rate, Incidents: []slobacktest.Incident{failure}}
	samples, err := sc.Samples()
	if err != nil {
		return 0, false, fmt.Errorf("the replay of an impact of %v: %w", e, err)
	}
	res, err := slobacktest.Run(samples, []slobacktest.Config{{Objective: d.o, Incidents: sc.Injected()}})
	if err != nil {
		return 0, false, fmt.Errorf("the replay of an impact of %v: %w", e, err)
	}
	for _, p := range res.Objectives[0].Policies {
		if p.Name != slobacktest.ObjectivePolicy {
			continue
		}
		for _, s := range p.Spans {
			if s.State != burnrate.SeverityOK && !s.Start.Before(at) {
				return s.Start.Sub(at), true, nil
			}
		}
	}
	return 0, false, nil
}

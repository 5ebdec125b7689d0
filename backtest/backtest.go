// Package backtest replays recorded or synthetic traffic through the same
// registry code that runs in production ([slo.WithManualAdvance]), under
// several candidate alert policies at once, and reports what each would
// have done: pages and tickets, flaky pages, detection and reset times per
// incident, precision and recall, and time spent paging. A team can so try
// a policy on its own traffic before it pages anyone.
package backtest

import (
	"errors"
	"time"
)

// ErrInvalid is wrapped by every error that reports invalid traffic, an
// invalid scenario or query, or an invalid replay setting.
var ErrInvalid = errors.New("backtest: invalid")

// A Sample is the events of one journey in the interval that ends at Time,
// since that journey's previous sample (or since the traffic's start, for
// its first). It is a plain value.
type Sample struct {
	Time      time.Time
	Journey   string
	Good, Bad uint64
}

// An Incident is a spell of errors known to have happened, such as one a
// synthetic scenario injects: from Start, for Duration, a share ErrorRatio
// of the journey's events fail. It is a plain value.
type Incident struct {
	Journey    string
	Start      time.Time
	Duration   time.Duration
	ErrorRatio float64
}

// End returns when the incident stops.
func (i Incident) End() time.Time { return i.Start.Add(i.Duration) }

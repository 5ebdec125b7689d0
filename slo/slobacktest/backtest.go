// Package slobacktest replays recorded or synthetic traffic through the same
// registry code that runs in production ([slo.WithManualAdvance]), under
// several candidate alert policies at once, and reports what each would
// have done: pages and tickets, flaky pages, detection and reset times per
// incident, precision and recall, and time spent paging. A team can so try
// a policy on its own traffic before it pages anyone.
//
// # The replay
//
// [Run] takes samples (from [ReadFile], a [PrometheusQuery] or a
// [Scenario]) and one [Config] per objective. Every objective is tried
// under the baselines teams come from, [Threshold] (error ratio at or
// above 1 - target over 10 minutes) and [BurnRate1h] (14.4x over an hour),
// under its own policy, [ObjectivePolicy], and under the config's
// candidates, all in one registry evaluated at every tick of simulated
// time:
//
//	traffic, err := slobacktest.ReadFile("checkout.csv")
//	...
//	res, err := slobacktest.Run(traffic, []slobacktest.Config{{
//		Objective:  slo.Objective{Journey: "checkout", Target: 0.999},
//		Candidates: []slobacktest.Candidate{{Name: "fast-only", Policy: fast}},
//	}})
//	...
//	res.WriteText(os.Stdout)
//
// # Measures
//
// Pages, tickets and flaky pages are the registry's own episodes
// (slo.Episode), counted as slo.Registry.Review counts them, so that a
// backtest and a monthly review of production agree. Per incident, given
// or derived from the traffic, each policy's [Detection] says when it
// paged, at what cost to the budget, and when the page reset; precision
// and recall are the SRE Workbook's, over the incidents that are
// significant ([Significance]).
//
// # Reports
//
// [Result.WriteText] writes a table, [Result.WriteJSON] the whole result
// for scripts, and [Result.WriteHTML] a self-contained page with a
// timeline of every policy's states over the traffic.
package slobacktest

import (
	"time"

	"github.com/journeyslo/journeyslo/internal/invalid"
)

// errInvalid is wrapped by every error that reports invalid traffic, an
// invalid scenario or query, or an invalid replay setting: it reads
// "slobacktest" and matches slo.ErrInvalid, the one sentinel of a
// misconfiguration.
var errInvalid = invalid.Prefix("slobacktest")

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
// of the journey's events fail (and, in a scenario, a share Slow of the
// others are slow). It is a plain value.
type Incident struct {
	Journey    string
	Start      time.Time
	Duration   time.Duration
	ErrorRatio float64
	// Slow is the share of the events that succeed which are slow during
	// the incident, in a [Scenario]; a backtest's measures ignore it.
	Slow float64
}

// End returns when the incident stops.
func (i Incident) End() time.Time { return i.Start.Add(i.Duration) }

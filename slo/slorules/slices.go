package slorules

import (
	"math/big"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// The series of an objective of time slices ([slo.Slices]).
const (
	// SliceEventsPrefix + the slice window ("1m"): the increase of the
	// counters over the slice that ends at the evaluation, by outcome,
	// summed across instances.
	SliceEventsPrefix = "journey_objective_outcome:journeyslo_slice_events:increase"
	// SliceError is one sample per slice that holds events, none for an
	// empty one: for Timeslices 1 when the slice is bad (its share of bad
	// events above 1 - its target) and 0 when good; for RatioTimeslices
	// the slice's share of bad events. Its mean over a window is the
	// window's error ratio.
	SliceError = "journey_objective:journeyslo_slice_error:ratio"
)

// What the rules of an objective of slices compute, and how exactly.
//
// The objective's first group is evaluated once per slice (its interval is
// the slice window, whatever WithInterval says), and records first the
// events of the slice that ends at the evaluation (the counters' increase
// over the slice window), then SliceError from them, then every window of
// the policy from the SliceError samples of that window: its bad slices
// (or the sum of the slices' shares of bad events) as outcome "bad", its
// other slices as outcome "good", under the names events' windows have
// (EventsPrefix + window). The error ratios, the low-traffic guard (which
// then counts slices), the alerts, the SLI and the budget are computed
// from those as for events, so every reader of the rules reads slices
// unchanged. A window of length w reads the samples of the last w of
// slices: its range is w less a millisecond, which holds exactly w / slice
// samples of a group evaluated every slice in both Prometheus 2 (ranges
// closed at both ends) and 3 (open at the start). The period's group,
// evaluated at its own interval and phase, reads them the same way.
//
// Where PromQL is not exact: a slice's events are the counters' increase
// over the slice window as Prometheus extrapolates it from the scrapes
// inside the slice, not the events the registry attributed to it, and
// its slices end at the group's evaluations, whose phase Prometheus
// chooses, not at multiples of the slice window since the Unix epoch. A
// slice whose share lies within a scrape's worth of events of the target
// may therefore be judged otherwise in the fleet's rules than in a
// registry. The Timeslices comparison is a float comparison of the share
// of bad events with 1 - target, the decimal the target is written as.

// recordSlice records the slice's events and its verdict, SliceError,
// from the counters or the objective's source, as a window's events are.
func (r *objectiveRules) recordSlice() {
	s := r.o.Slices
	w := window(s.Window)
	events := SliceEventsPrefix + w
	share := "sum without (outcome) (" + events + r.ownWith(labelOutcome, "bad") + ")\n/\n" +
		"(sum without (outcome) (" + events + r.own + ") > 0)"
	if r.source.ratio != "" {
		// A source of ratios: the ratio over the slice is its share.
		share = "max" + strings.TrimPrefix(r.by, "sum") + "(\n  (" + expand(r.source.ratio, w) + ") >= 0\n)"
	} else {
		// The slice's events by outcome: a window's, under another name.
		for _, rule := range r.events(s.Window) {
			rule.Record = events
			rule.Expr = strings.ReplaceAll(rule.Expr, EventsPrefix+w+"{", events+"{")
			r.rules = append(r.rules, rule)
		}
	}
	if s.Method == slo.Timeslices {
		// 1 for a bad slice, 0 for a good one; no sample for an empty one.
		share = "(\n" + share + "\n) > bool " + decimal(burnrate.ErrorBudget(s.Target))
	}
	r.rules = append(r.rules, Rule{Record: SliceError, Expr: share, Labels: r.labels(labelWindow, w)})
}

// recordSliceWindow records the slices of the window of length d by
// outcome, under the name of a window's events, and its error ratio.
func (r *objectiveRules) recordSliceWindow(d time.Duration) {
	w := window(d)
	rng := "[" + window(d-time.Millisecond) + "]"
	slices := SliceError + r.ownWith(labelWindow, window(r.o.Slices.Window))
	events := EventsPrefix + w
	r.rules = append(r.rules,
		Rule{
			Record: events,
			Expr:   "sum without (window) (sum_over_time(" + slices + rng + "))",
			Labels: r.labels(labelWindow, w, labelOutcome, "bad"),
		},
		Rule{
			Record: events,
			Expr:   "sum without (window) (count_over_time(" + slices + rng + ") - sum_over_time(" + slices + rng + "))",
			Labels: r.labels(labelWindow, w, labelOutcome, "good"),
		},
		Rule{
			Record: ErrorRatioPrefix + w,
			Expr: "sum without (outcome) (" + events + r.ownWith(labelOutcome, "bad") + ")\n/\n" +
				"(sum without (outcome) (" + events + r.own + ") > 0)",
			Labels: r.labels(labelWindow, w),
		},
	)
}

// sliceInfo adds the slices' settings to the info series' labels.
func (r *objectiveRules) sliceInfo(info map[string]string) {
	if s := r.o.Slices; s != nil {
		info["slice_method"] = s.Method.String()
		info["slice_window"] = window(s.Window)
		if s.Method == slo.Timeslices {
			info["slice_target"] = decimal(s.Target)
		}
	}
}

// units says what the target counts, for an alert's description:
// "checkout events must be good", "checkout's 1m slices must be good (95%
// of their events good)", or "checkout events must be good, averaged over
// 1m slices".
func (r *objectiveRules) units(good string) string {
	o := r.o
	s := o.Slices
	switch {
	case s == nil:
		return o.Journey + " events must be " + good
	case s.Method == slo.Timeslices:
		pct, _ := new(big.Rat).SetString(decimal(s.Target))
		v, _ := pct.Mul(pct, big.NewRat(100, 1)).Float64()
		return o.Journey + "'s " + window(s.Window) + " slices must be good (" + decimal(v) + "% of their events " + good + ")"
	}
	return o.Journey + " events must be " + good + ", averaged over " + window(s.Window) + " slices"
}

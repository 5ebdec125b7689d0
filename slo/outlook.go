package slo

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/figure"
	"github.com/journeyslo/journeyslo/window"
)

// An Outlook is what an objective's own windows and rules say about the
// time ahead, at a given traffic: when each firing rule clears, when the
// state is below page and back to ok, and when a spent budget is above
// zero again. It is what a release gate's Retry-After and a page's
// "resets at ..." state, derived rather than guessed: a page-6h-30m page
// holds until the outage has left its 30m window, not five minutes after
// the errors stop.
//
// Its instants are those of the registry's evaluations, exactly: every
// window is read bucket by bucket as package window counts it, its oldest
// bucket pro rata, and moved forward one [Registry.Tick] at a time, its
// oldest events ageing out as new ones come at Rate with ErrorRatio bad.
// So a registry that sees that traffic makes each transition at the
// instant its outlook gave (at the first evaluation at or after it), no
// sooner and no later. At other traffic the instants are estimates.
//
// An instant that does not come within the objective's period at this
// traffic is zero: a rule whose windows burn at ErrorRatio above its
// factor never clears, and a budget spent by an error ratio above the
// objective's allowance never comes back.
//
// An Outlook is a value; its zero value is an outlook of nothing.
type Outlook struct {
	Journey, Objective string
	// Time is the evaluation the outlook starts from: the registry's last
	// advance.
	Time time.Time
	// Rate is the events per second assumed from Time on (slices per
	// second for an objective of [Slices], and ErrorRatio their share of
	// bad slices, or of shortfall for RatioTimeslices): the rate over
	// the objective's ExhaustionWindow (see [Status]), 1h by default, or
	// over the time since the first of its events when they are younger
	// than the window, as in a process started minutes ago (to the
	// window's bucket: 15 s for 1h).
	Rate float64
	// ErrorRatio is the share of those events assumed bad, in [0, 1].
	ErrorRatio float64
	// Rules holds one outlook per rule firing at Time, in policy order.
	Rules []RuleOutlook
	// PageReset is when the state is first below page (no page rule
	// fires); Time itself when none fires now.
	PageReset time.Time
	// Reset is when the state is first ok (no rule fires); Time itself
	// when none fires now.
	Reset time.Time
	// BudgetBack is when the budget remaining over the period is first
	// above zero; Time itself when it is now. It is the budget's
	// arithmetic: whether the period holds enough events for a claim is
	// [Status.Budget]'s to say.
	BudgetBack time.Time
}

// A RuleOutlook is when one firing rule clears.
type RuleOutlook struct {
	// Name and Severity are the rule's.
	Name     string
	Severity burnrate.Severity
	// Clears is the first evaluation at which the rule no longer fires;
	// zero when that does not come within the period.
	Clears time.Time
	// Window is the window that makes it clear: the first of the rule's
	// windows whose burn rate falls under the factor (the short one when
	// both do at once), or the long window when it holds too few events.
	// Zero when Clears is.
	Window time.Duration
	// TooFewEvents is true when the rule clears because its long window
	// holds fewer than the policy's MinEvents events, not because a burn
	// rate fell under the factor.
	TooFewEvents bool
}

// Holding returns the rule that holds the state at or above severity
// longest: among the firing rules of that severity or more, the one that
// clears last (one that does not clear within the period, first), the
// first in policy order among those that clear together. With
// SeverityPage it is the rule that PageReset waits for; with
// SeverityTicket, the one Reset waits for. It returns false when no such
// rule fires.
func (o Outlook) Holding(severity burnrate.Severity) (RuleOutlook, bool) {
	var hold RuleOutlook
	found := false
	later := func(a, b time.Time) bool { // a after b, zero meaning never
		return !b.IsZero() && (a.IsZero() || a.After(b))
	}
	for _, r := range o.Rules {
		if r.Severity >= severity && (!found || later(r.Clears, hold.Clears)) {
			hold, found = r, true
		}
	}
	return hold, found
}

// Outlook returns the objective's outlook from its last evaluation,
// assuming the rate of events over its ExhaustionWindow goes on and that a
// share errorRatio of them is bad: 0 asks when things settle if every
// request succeeds from now on, the current 5m error ratio asks when they
// settle as things are. An errorRatio below 0, or NaN, is 0; one above 1
// is 1.
//
// It reads the windows at the step of the last evaluation and holds no
// lock while it computes. It projects them forward ([window.Projection]),
// summed as the registry sums them, and judges the projection with the
// policy's own [burnrate.Policy.Evaluate], tick after tick, until what it
// looks for is found: at most the period's ticks for the budget and the
// longest window's for the rules. A stretch of ticks over which every
// window changes steadily and every verdict holds from one end to the
// other ([burnrate.Policy.Holds]), or the budget is spent at both ends, is
// judged at its ends only: nothing in it can change. For the default
// 30-day policy at 3 s ticks that is about a millisecond of one core
// whether nothing ever clears or an outage's rules clear within six hours
// and the budget is back in eight days (BenchmarkOutlook). At an error
// ratio whose burn is within float rounding of a rule's threshold (its
// factor less one part in a billion), no stretch is clearly on one side
// and it evaluates every tick of the longest window: about 10 ms. A
// caller that asks at every request, such as a release gate's
// Retry-After, can keep the answer until the next tick. It allocates for
// the call only.
func (t *Tracker) Outlook(errorRatio float64) Outlook { return t.reg.outlook(t.o, errorRatio) }

func (r *Registry) outlook(o *objective, q float64) Outlook {
	switch {
	case !(q > 0): // NaN too
		q = 0
	case q > 1:
		q = 1
	}
	tick := int64(r.Tick())
	// Every window is read at the step of the last evaluation: an advance
	// holds mu from the rotation of the windows to their evaluation.
	r.mu.RLock()
	at := r.advanced
	t0 := r.group.Time().UnixNano()
	series := o.budgetSeries() // slices for an objective of slices
	width, first, _, counts := series.Buckets(o.exhaust)
	g, b := series.Sum(o.exhaust)
	// The rate over the exhaustion window, per tick: its events over the
	// ticks it spans, so that 60000 events in an hour of 3 s ticks are 50
	// a tick exactly, as a registry that records them would count. When
	// its events are younger than the window (a process started minutes
	// ago), over the time since the bucket of the first of them: an
	// hour's rate would count minutes of traffic as an hour's.
	span := float64(o.exhaust)
	if i := slices.IndexFunc(counts, func(c window.Counts) bool { return c != window.Counts{} }); i > 0 {
		span = float64(t0 - first.UnixNano() - int64(i)*int64(width))
	}
	// Events in the bucket that starts at the group's instant came within
	// the tick being filled, drained by an advance before its end: over
	// one tick, not over no time, which would make the rate infinite.
	span = max(span, float64(tick))
	perTick := (g + b) / (span / float64(tick))
	p := series.Project(perTick*(1-q), perTick*q)
	r.mu.RUnlock()
	src := o.outlookSource(p)

	out := Outlook{Journey: o.Journey, Objective: o.Name, Time: at, ErrorRatio: q,
		Rate: perTick / o.sliceUnit() / (float64(tick) / float64(time.Second))}
	when := func() time.Time { return p.Time().In(at.Location()) }

	var ev, ahead burnrate.Evaluation
	o.Policy.Evaluate(src, o.Target, &ev)         // at step 0: as the last evaluation saw it
	firing := make([]int, 0, len(o.Policy.Rules)) // policy indices of the rules firing now
	for i, rule := range o.Policy.Rules {
		if ev.Rules[i].Firing {
			firing = append(firing, i)
			out.Rules = append(out.Rules, RuleOutlook{Name: rule.Name, Severity: rule.Severity})
		}
	}
	if ev.State < burnrate.SeverityPage {
		out.PageReset = at
	}
	if ev.State == burnrate.SeverityOK {
		out.Reset = at
	}
	// After its longest window and one of that window's buckets, a window
	// holds the assumed traffic alone and its burn no longer changes: the
	// rules are settled then.
	windows := o.Policy.Windows()
	var longest time.Duration
	for _, d := range windows {
		longest = max(longest, d+window.Resolution(d))
	}
	limit := int64(o.Period) / tick
	last := min(limit, int64(longest)/tick+1)
	open := len(out.Rules) // rules not cleared yet
	stepUntil := int64(0)  // the end of a stretch found to hold a change
	for k := int64(0); k < last && (open > 0 || out.PageReset.IsZero() || out.Reset.IsZero()); {
		// Over a stretch in which every window changes steadily, each burn
		// rate and count lies between its values at the two ends: when
		// the policy's verdicts hold from one end to the other, nothing
		// changes in between, and the stretch is skipped; else it is
		// stepped through.
		if k >= stepUntil {
			p.SetStep(k)
			end := last
			for _, d := range windows {
				end = min(end, p.Steady(d))
			}
			if end > k+1 {
				p.SetStep(end)
				o.Policy.Evaluate(src, o.Target, &ahead)
				if o.Policy.Holds(&ev, &ahead) {
					k, ev, ahead = end, ahead, ev
					continue
				}
				stepUntil = end
			}
		}
		k++
		p.SetStep(k)
		o.Policy.Evaluate(src, o.Target, &ev)
		for n, i := range firing {
			ro := &out.Rules[n]
			if !ro.Clears.IsZero() || ev.Rules[i].Firing {
				continue
			}
			ro.Clears, open = when(), open-1
			ro.Window, ro.TooFewEvents = clearedBy(o.Policy.Rules[i], &ev, i)
		}
		if out.PageReset.IsZero() && ev.State < burnrate.SeverityPage {
			out.PageReset = when()
		}
		if out.Reset.IsZero() && ev.State == burnrate.SeverityOK {
			out.Reset = when()
		}
	}

	// The budget, over as much as the period: remaining as Status has it.
	// Over a stretch in which the period changes steadily its error ratio
	// lies between its values at the two ends, so a stretch spent at both
	// ends by more than float rounding is skipped.
	budget := burnrate.Budget(o.budget)
	for k := int64(0); k <= limit; k++ {
		p.SetStep(k)
		g, b := p.Sum(o.Period)
		if budget.Remaining(g, b) > 0 {
			out.BudgetBack = when()
			if k == 0 {
				out.BudgetBack = at
			}
			break
		}
		if end := min(limit, p.Steady(o.Period)); end > k+1 && spent(budget, g, b) {
			p.SetStep(end)
			if g, b := p.Sum(o.Period); spent(budget, g, b) {
				k = end // spent there too: the next step to look at is the one after
			}
		}
	}
	return out
}

// spent reports whether good and bad events spend budget by more than
// float rounding could hide: a burn rate above 1 by one part in 10^12.
func spent(budget burnrate.Budget, good, bad float64) bool {
	return budget.Rate(good, bad) > 1+1e-12 && good+bad < 1e300
}

// clearedBy returns the window that makes rule i, which fired at the step
// before, no longer fire in evaluation ev, and whether it is for too few
// events.
func clearedBy(rule burnrate.Rule, ev *burnrate.Evaluation, i int) (time.Duration, bool) {
	rs := ev.Rules[i]
	switch {
	case rs.Burning: // both burn: the guard stopped it
		return rule.Long, true
	case !rule.Burns(ev.Windows[rs.Short]):
		return rule.Short, false
	}
	return rule.Long, false
}

// The JSON shape of an Outlook: instants as a Status writes them, null
// when zero (not within the period); figures to 12 significant digits.
type (
	outlookShape struct {
		Journey    string             `json:"journey" yaml:"journey"`
		Objective  string             `json:"objective" yaml:"objective"`
		Time       string             `json:"time" yaml:"time"`
		Rate       *float64           `json:"rate" yaml:"rate"`
		ErrorRatio *float64           `json:"errorRatio" yaml:"errorRatio"`
		Rules      []ruleOutlookShape `json:"rules" yaml:"rules"`
		PageReset  *string            `json:"pageReset" yaml:"pageReset"`
		Reset      *string            `json:"reset" yaml:"reset"`
		BudgetBack *string            `json:"budgetBack" yaml:"budgetBack"`
	}
	ruleOutlookShape struct {
		Name         string            `json:"name" yaml:"name"`
		Severity     burnrate.Severity `json:"severity" yaml:"severity"`
		Clears       *string           `json:"clears" yaml:"clears"`
		Window       string            `json:"window,omitempty" yaml:"window,omitempty"`
		TooFewEvents bool              `json:"tooFewEvents" yaml:"tooFewEvents"`
	}
)

func (o Outlook) shape() outlookShape {
	out := outlookShape{
		Journey: o.Journey, Objective: o.Objective, Time: instant(o.Time),
		Rate: finiteOrNull(figure.Tidy(o.Rate)), ErrorRatio: finiteOrNull(figure.Tidy(o.ErrorRatio)),
		Rules:     make([]ruleOutlookShape, len(o.Rules)),
		PageReset: instantOrNull(o.PageReset), Reset: instantOrNull(o.Reset), BudgetBack: instantOrNull(o.BudgetBack),
	}
	for i, r := range o.Rules {
		out.Rules[i] = ruleOutlookShape{Name: r.Name, Severity: r.Severity, Clears: instantOrNull(r.Clears),
			Window: duration(r.Window), TooFewEvents: r.TooFewEvents}
	}
	return out
}

func (in outlookShape) outlook() (Outlook, error) {
	o := Outlook{Journey: in.Journey, Objective: in.Objective, Rate: deref(in.Rate, 0), ErrorRatio: deref(in.ErrorRatio, 0)}
	var f fields
	o.Time = f.instant("time", in.Time)
	o.PageReset, o.Reset, o.BudgetBack = f.instantOrNull("pageReset", in.PageReset), f.instantOrNull("reset", in.Reset), f.instantOrNull("budgetBack", in.BudgetBack)
	if len(in.Rules) > 0 {
		o.Rules = make([]RuleOutlook, len(in.Rules))
	}
	for i, r := range in.Rules {
		o.Rules[i] = RuleOutlook{Name: r.Name, Severity: r.Severity, TooFewEvents: r.TooFewEvents,
			Clears: f.instantOrNull("clears", r.Clears), Window: f.duration("window", r.Window)}
	}
	if f.err != nil {
		return Outlook{}, f.err
	}
	return o, nil
}

// MarshalJSON encodes the outlook as
//
//	{"journey": "checkout", "objective": "availability", "time": "2026-03-02T09:12:00Z",
//	 "rate": 16.6666666667, "errorRatio": 0,
//	 "rules": [{"name": "page-6h-30m", "severity": "page", "clears": "2026-03-02T09:41:51Z",
//	   "window": "30m", "tooFewEvents": false}, ...],
//	 "pageReset": "2026-03-02T09:41:51Z", "reset": "2026-03-02T15:11:39Z", "budgetBack": null}
//
// with an instant that does not come within the period null, and a rule's
// window left out then.
func (o Outlook) MarshalJSON() ([]byte, error) { return json.Marshal(o.shape()) }

// UnmarshalJSON decodes what MarshalJSON encodes, ignoring unknown fields.
func (o *Outlook) UnmarshalJSON(b []byte) error { return decode(b, "outlook", outlookShape.outlook, o) }

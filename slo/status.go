package slo

import (
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
)

// Status is the state of one objective at an instant: the error budget, the
// burn rate of every window, and the alert state of its policy. It is a
// copy; holding it holds no lock.
type Status struct {
	Journey   string
	Objective string
	Target    float64
	Period    time.Duration
	// Latency is the objective's threshold; 0 for availability.
	Latency time.Duration
	// Time is the instant of the evaluation.
	Time time.Time

	// Good and Bad count the events over the period.
	Good, Bad uint64
	// TotalGood and TotalBad count every event since the registry started:
	// monotonic counters, for exporters.
	TotalGood, TotalBad uint64
	// SLI is Good / (Good + Bad); 1 when NoData.
	SLI float64
	// NoData is true when the period holds no events.
	NoData bool
	// BudgetRemaining is the share of the period's error budget left: 1
	// untouched, 0 spent, negative overspent.
	BudgetRemaining float64
	// TimeToExhaustion is how long the remaining budget lasts at the burn
	// rate over ExhaustionWindow: 0 when spent, burnrate.Never when not
	// burning.
	TimeToExhaustion time.Duration
	// ExhaustionWindow is the window whose burn rate TimeToExhaustion
	// uses: the policy's shortest long window (1h by default).
	ExhaustionWindow time.Duration

	// State is the most severe state among the policy's firing rules.
	State burnrate.Severity
	// Rule names the rule that set State; empty when State is ok.
	Rule string
	// Since is when the objective entered State.
	Since time.Time
	// Windows holds the burn rate over every window the policy reads,
	// ascending.
	Windows []burnrate.Burn
	// Rules holds how each rule of the policy stands, in policy order.
	Rules []RuleStatus
}

// RuleStatus is how one alert rule stands.
type RuleStatus struct {
	burnrate.Rule
	// LongRate and ShortRate are the burn rates over the rule's windows.
	LongRate, ShortRate float64
	// Burning is true when both rates are at or above the factor; Firing
	// when the long window also holds the policy's MinEvents.
	Burning, Firing bool
}

// A Transition is a change of an objective's state, delivered to the
// OnTransition callbacks.
type Transition struct {
	From, To burnrate.Severity
	// Status is the objective's status at the transition: its Time is
	// when it happened and its Rule the rule that caused it.
	Status Status
}

// status builds the objective's Status as evaluated at at. It requires
// Registry.mu held.
func (o *objective) status(at time.Time) Status {
	s := Status{
		Journey:   o.Journey,
		Objective: o.Name,
		Target:    o.Target,
		Period:    o.Period,
		Latency:   o.Latency,
		Time:      at,
		Good:      o.good,
		Bad:       o.bad,
		TotalGood: o.totG,
		TotalBad:  o.totB,
		SLI:       1,
		NoData:    o.good+o.bad == 0,
		State:     o.state,
		Since:     o.since,
		Windows:   append([]burnrate.Burn(nil), o.eval.Windows...),
		Rules:     make([]RuleStatus, len(o.Policy.Rules)),
	}
	if !s.NoData {
		s.SLI = float64(o.good) / (float64(o.good) + float64(o.bad))
	}
	s.BudgetRemaining = burnrate.BudgetRemaining(o.good, o.bad, o.Target)
	rate := 0.0
	for _, b := range o.eval.Windows {
		if b.Window == o.exhaust {
			rate = b.Rate
		}
	}
	s.TimeToExhaustion = burnrate.TimeToExhaustion(s.BudgetRemaining, rate, o.Period)
	s.ExhaustionWindow = o.exhaust
	if o.eval.Rule >= 0 {
		s.Rule = o.Policy.Rules[o.eval.Rule].Name
	}
	for i, rs := range o.eval.Rules {
		s.Rules[i] = RuleStatus{
			Rule:      o.Policy.Rules[i],
			LongRate:  o.eval.Windows[rs.Long].Rate,
			ShortRate: o.eval.Windows[rs.Short].Rate,
			Burning:   rs.Burning,
			Firing:    rs.Firing,
		}
	}
	return s
}

// BudgetPoint is the error budget remaining at the end of one bucket of an
// objective's period.
type BudgetPoint struct {
	End       time.Time
	Remaining float64
}

// BurnDown returns how the error budget of the journey's named objective
// was spent over its period, bucket by bucket (6 hours for 30 days): the
// budget allowed by all the period's events, less the bad events up to the
// end of each bucket. The last point, at the last evaluation, is the budget
// remaining then, counting events recorded since (Status counts them at the
// next evaluation). It returns false for an unknown journey or objective.
func (r *Registry) BurnDown(journey, objective string) ([]BudgetPoint, bool) {
	j, ok := r.journeys[journey]
	if !ok {
		return nil, false
	}
	for i, o := range j.objs {
		if o.Name != objective {
			continue
		}
		r.mu.RLock()
		at := r.advanced
		r.mu.RUnlock()
		r.drainMu.Lock()
		width, first, counts := o.series.Buckets(o.Period)
		// The events recorded since the last advance are in the journey's
		// pattern counters yet; they belong to the current bucket.
		g, b := j.pending(&j.targets[i])
		r.drainMu.Unlock()
		counts[len(counts)-1].Good += g
		counts[len(counts)-1].Bad += b
		var total uint64
		for _, c := range counts {
			total += c.Total()
		}
		allowed := float64(total) * burnrate.ErrorBudget(o.Target)
		points := make([]BudgetPoint, len(counts))
		var bad uint64
		for i, c := range counts {
			bad += c.Bad
			points[i] = BudgetPoint{End: first.Add(time.Duration(i+1) * width), Remaining: 1}
			if points[i].End.After(at) && !at.Before(first.Add(time.Duration(i)*width)) {
				points[i].End = at // the current bucket ends now, not in the future
			}
			if allowed > 0 {
				points[i].Remaining = 1 - float64(bad)/allowed
			}
		}
		return points, true
	}
	return nil, false
}

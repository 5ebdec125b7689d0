package slo_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

// windowSums is a burnrate.Source of the window sums a Status reports,
// and the period's.
type windowSums struct {
	st slo.Status
}

func (w windowSums) Sum(d time.Duration) (good, bad float64) {
	if d == w.st.Period {
		return float64(w.st.Good), float64(w.st.Bad)
	}
	for _, b := range w.st.Windows {
		if b.Window == d {
			return b.Good, b.Bad
		}
	}
	return 0, 0
}

// Objective.Status over the counts the registry evaluated makes the
// registry's Status, to the bit, but for what only the registry knows:
// this process's totals and when the state began. An outage that pages,
// then its end, then quiet, so that every state and the guard show.
func TestObjectiveStatusIsTheRegistrys(t *testing.T) {
	obj := slo.Objective{Journey: "checkout", Target: 0.999}
	fx := fixture.New(t, obj)
	f := &feeder{t: t, reg: fx.Reg, j: fixture.Journey(fx.Reg, "checkout"), now: start}
	defaulted := obj.WithDefaults()
	seen := map[burnrate.Severity]bool{}
	check := func() {
		t.Helper()
		st := fx.Reg.Status()[0]
		seen[st.State] = true
		var ev burnrate.Evaluation
		defaulted.Policy.Evaluate(windowSums{st}, defaulted.Target, &ev)
		got := defaulted.StatusCovering(st.Time, st.Time.Sub(start), float64(st.Good), float64(st.Bad), ev)
		want := st
		want.TotalGood, want.TotalBad, want.Since = 0, 0, time.Time{}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("at %v: Objective.Status differs from the registry's (-registry +objective):\n%s", st.Time.Sub(start), diff)
		}
	}
	// Whole minutes of traffic, so that the period's count is whole (the
	// status rounds it) and the windows' are what the registry summed.
	for _, phase := range []struct {
		until     time.Duration
		good, bad uint64
	}{{2 * time.Hour, 1000, 0}, {2*time.Hour + 20*time.Minute, 0, 1000}, {3 * time.Hour, 1000, 0}, {5 * time.Hour, 1000, 1}} {
		for f.now.Before(start.Add(phase.until)) {
			f.run(f.now.Add(time.Minute), time.Minute, phase.good, phase.bad)
			check()
		}
	}
	if !seen[burnrate.SeverityOK] || !seen[burnrate.SeverityTicket] || !seen[burnrate.SeverityPage] {
		t.Errorf("states seen %v, want ok, ticket and page", seen)
	}
}

// An evaluation that is not of the objective's policy, or none, makes a
// Status without a panic: the rules it lacks neither burn nor fire.
func TestObjectiveStatusOfAnotherEvaluation(t *testing.T) {
	o := slo.Objective{Journey: "checkout", Target: 0.999}.WithDefaults()
	at := start.Add(time.Hour)
	st := o.Status(at, 99000, 1000, burnrate.Evaluation{})
	if st.State != burnrate.SeverityOK || st.Rule != "" || len(st.Rules) != 4 || st.Rules[0].Name != "page-1h-5m" ||
		st.Rules[0].Burning || st.Rules[0].LongRate != 0 || len(st.Windows) != 0 {
		t.Errorf("of no evaluation: %+v", st)
	}
	// The budget comes from the counts whatever the evaluation: 1% bad
	// at 99.9% is the budget ten times over.
	if st.BudgetRemaining != -9 || st.Budget != slo.BudgetSpent || st.SLI != 0.99 || st.Good != 99000 || st.Bad != 1000 ||
		st.TimeToExhaustion != 0 || st.ExhaustionWindow != time.Hour || !st.Time.Equal(at) {
		t.Errorf("the counts' figures: %+v", st)
	}
	// An evaluation laid out for fewer rules and windows than the policy,
	// with indices beyond them: what is not there is not read.
	ev := burnrate.Evaluation{State: burnrate.SeverityPage, Rule: 5, Windows: []burnrate.Burn{{Window: time.Hour, Good: 98000, Bad: 2000, Rate: 20}},
		Rules: []burnrate.RuleState{{Long: 0, Short: 0, Burning: true, Firing: true}, {Long: 7, Short: -1, Burning: true}}}
	st = o.Status(at, 99000, 1000, ev)
	want := []slo.RuleStatus{
		{Rule: o.Policy.Rules[0], LongRate: 20, ShortRate: 20, Burning: true, Firing: true},
		{Rule: o.Policy.Rules[1], Burning: true},
		{Rule: o.Policy.Rules[2]},
		{Rule: o.Policy.Rules[3]},
	}
	if diff := cmp.Diff(want, st.Rules); diff != "" || st.State != burnrate.SeverityPage || st.Rule != "" || st.TimeToExhaustion != 0 {
		t.Errorf("of a shorter evaluation: state %v by %q, exhaustion %v; rules (-want +got):\n%s", st.State, st.Rule, st.TimeToExhaustion, diff)
	}
}

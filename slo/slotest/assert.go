package slotest

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// Status returns the status of the journey's named objective at the
// registry's last evaluation. It fails the test (Fatal) when the registry
// declares no such objective, naming those it does.
func Status(tb testing.TB, reg *slo.Registry, journey, objective string) slo.Status {
	tb.Helper()
	return tracker(tb, reg, journey, objective).Status()
}

// AssertState reports whether the journey's named objective was in state
// want at the registry's last evaluation. When it was not, it fails the
// test (Error, so the test goes on) with what the objective's rules saw:
// each rule's burn rates against its factor, and the budget.
func AssertState(tb testing.TB, reg *slo.Registry, journey, objective string, want burnrate.Severity) bool {
	tb.Helper()
	st := Status(tb, reg, journey, objective)
	if st.State == want {
		return true
	}
	tb.Errorf("slotest: %s is %v, want %v: %s", slo.ObjectiveKey(journey, objective), st.State, want, describe(st))
	return false
}

// AssertBudget reports whether the share of the period's error budget that
// the journey's named objective had left at the registry's last evaluation
// ([slo.Status.BudgetRemaining]: 1 untouched, 0 spent, negative overspent)
// is want, give or take tolerance. When it was not, it fails the test
// (Error) with the events behind the figure. A negative or non-finite
// tolerance, or a non-finite want, fails the test (Fatal).
func AssertBudget(tb testing.TB, reg *slo.Registry, journey, objective string, want, tolerance float64) bool {
	tb.Helper()
	if math.IsNaN(want) || math.IsInf(want, 0) || !(tolerance >= 0) || math.IsInf(tolerance, 0) {
		tb.Fatalf("slotest: AssertBudget(%s, %v, tolerance %v): give a finite budget share (1 untouched, 0 spent) and a finite tolerance of 0 or more",
			slo.ObjectiveKey(journey, objective), want, tolerance)
		return false
	}
	st := Status(tb, reg, journey, objective)
	if math.Abs(st.BudgetRemaining-want) <= tolerance {
		return true
	}
	tb.Errorf("slotest: %s has %v of its budget left, want %v ± %v: %s", slo.ObjectiveKey(journey, objective), st.BudgetRemaining, want, tolerance, describe(st))
	return false
}

// tracker returns the registry's handle of the journey's named objective,
// or fails tb naming those it declares.
func tracker(tb testing.TB, reg *slo.Registry, journey, objective string) *slo.Tracker {
	tb.Helper()
	if t, ok := reg.Tracker(journey, objective); ok {
		return t
	}
	var declared []string
	for _, o := range reg.Objectives() {
		declared = append(declared, slo.ObjectiveKey(o.Journey, o.Name))
	}
	tb.Fatalf("slotest: the registry declares no objective %s; it declares %s", slo.ObjectiveKey(journey, objective), strings.Join(declared, ", "))
	return nil
}

// describe tells what an objective's status rests on, for failure messages.
func describe(st slo.Status) string {
	var b strings.Builder
	fmt.Fprintf(&b, "at %s", st.Time.UTC().Format(time.RFC3339))
	if st.Rule != "" {
		fmt.Fprintf(&b, " %v by %s since %s", st.State, st.Rule, st.Since.UTC().Format(time.RFC3339))
	} else {
		fmt.Fprintf(&b, " %v since %s", st.State, st.Since.UTC().Format(time.RFC3339))
	}
	for _, r := range st.Rules {
		fmt.Fprintf(&b, "; %s burns %.4g over %s and %.4g over %s against %v", r.Rule,
			r.LongRate, burnrate.FormatWindow(r.Long), r.ShortRate, burnrate.FormatWindow(r.Short), r.Factor)
		switch {
		case r.Firing:
			b.WriteString(" (firing)")
		case r.Burning:
			b.WriteString(" (burning, below the minimum events)")
		}
	}
	fmt.Fprintf(&b, "; budget left %.4g with %d bad of %d events over %s", st.BudgetRemaining, st.Bad, st.Good+st.Bad, burnrate.FormatWindow(st.Period))
	return b.String()
}

package slo_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

// A period too small to afford one bad event makes no budget claim: 9 good
// and 1 bad at 99.9% is a budget overspent 99 times by arithmetic (1 -
// 0.1/0.001), which says nothing about the service.
func TestBudgetNeedsEvents(t *testing.T) {
	month := 30 * 24 * time.Hour
	for _, tc := range []struct {
		name      string
		good, bad uint64
		budget    slo.BudgetState
		evidence  string
		remaining float64
		exhaust   time.Duration
	}{
		{"none", 0, 0, slo.BudgetTooFewEvents, "not enough events: 0 of 1000", 1, burnrate.Never},
		{"9 good, 1 bad", 9, 1, slo.BudgetTooFewEvents, "not enough events: 10 of 1000", -99, burnrate.Never},
		{"999 good", 999, 0, slo.BudgetTooFewEvents, "not enough events: 999 of 1000", 1, burnrate.Never},
		// One bad event in 1000 spends the budget exactly: 0 left, 0 to
		// exhaustion.
		{"999 good, 1 bad", 999, 1, slo.BudgetSpent, "", 0, 0},
		{"1000 good", 1000, 0, slo.BudgetLeft, "", 1, burnrate.Never},
		// 5 bad in 10000: half the budget left, burning at 0.5 over the
		// hour, so it lasts 0.5 x 30 days / 0.5 = 30 days.
		{"9995 good, 5 bad", 9995, 5, slo.BudgetLeft, "", 0.5, month},
	} {
		f := fixture.Aged(t, slo.Objective{Journey: "checkout", Target: 0.999})
		f.Add("checkout", tc.good, tc.bad)
		f.Advance(time.Second)
		st := f.Reg.Status()[0]
		if st.MinEvents != 1000 || st.Budget != tc.budget || st.Evidence() != tc.evidence ||
			st.BudgetRemaining != tc.remaining || st.TimeToExhaustion != tc.exhaust {
			t.Errorf("%s: minEvents %d, budget %v, evidence %q, remaining %v, exhaustion %v\nwant 1000, %v, %q, %v, %v",
				tc.name, st.MinEvents, st.Budget, st.Evidence(), st.BudgetRemaining, st.TimeToExhaustion,
				tc.budget, tc.evidence, tc.remaining, tc.exhaust)
		}
	}
}

// The period's count is exact, its oldest bucket pro rata, and compared
// as the alerts' guard compares: 999.5 events are not 1000.
func TestBudgetCountsThePeriodExactly(t *testing.T) {
	for _, tc := range []struct {
		name     string
		good     uint64
		budget   slo.BudgetState
		evidence string
	}{
		// Half of the bucket [start, start+6h) is inside the period
		// [start+3h, start+30d+3h): 1999 x 0.5 = 999.5, rounded to 1000
		// in Good, but not 1000.
		{"999.5", 1999, slo.BudgetTooFewEvents, "not enough events: 999 of 1000"},
		{"1000", 2000, slo.BudgetLeft, ""},
	} {
		f := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.999})
		f.Add("checkout", tc.good, 0)
		f.Advance(30*24*time.Hour + 3*time.Hour)
		st := f.Reg.Status()[0]
		if st.Good != 1000 || st.Budget != tc.budget || st.Evidence() != tc.evidence {
			t.Errorf("%s: good %d, budget %v, evidence %q; want 1000, %v, %q", tc.name, st.Good, st.Budget, st.Evidence(), tc.budget, tc.evidence)
		}
	}
}

// MinEvents is the policy's guard, or burnrate.MinEvents(Target) when the
// guard is off: a policy written without one still needs evidence for
// budget claims.
func TestBudgetMinEvents(t *testing.T) {
	rules := []burnrate.Rule{{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: burnrate.SeverityPage}}
	for _, tc := range []struct {
		name string
		o    slo.Objective
		want uint64
	}{
		{"default at 99.9%", slo.Objective{Journey: "checkout", Target: 0.999}, 1000},
		{"default at 99%", slo.Objective{Journey: "checkout", Target: 0.99}, 100},
		{"a guard of 50", slo.Objective{Journey: "checkout", Target: 0.999, Policy: burnrate.Policy{MinEvents: 50}}, 50},
		{"rules, guard off", slo.Objective{Journey: "checkout", Target: 0.999, Policy: burnrate.Policy{Rules: rules}}, 1000},
		{"rules, a guard of 20", slo.Objective{Journey: "checkout", Target: 0.999, Policy: burnrate.Policy{Rules: rules, MinEvents: 20}}, 20},
	} {
		f := fixture.Aged(t, tc.o)
		f.Add("checkout", 19, 1)
		f.Advance(time.Second)
		st := f.Reg.Status()[0]
		wantBudget := slo.BudgetTooFewEvents
		if tc.want <= 20 {
			wantBudget = slo.BudgetSpent // 1 bad in 20 at 99.9%
		}
		if st.MinEvents != tc.want || st.Budget != wantBudget {
			t.Errorf("%s: minEvents %d, budget %v; want %d, %v", tc.name, st.MinEvents, st.Budget, tc.want, wantBudget)
		}
	}
}

func TestBudgetStateText(t *testing.T) {
	for b, want := range map[slo.BudgetState]string{slo.BudgetTooFewEvents: "too few events", slo.BudgetLeft: "left", slo.BudgetSpent: "spent", slo.BudgetYoungData: "young data", 7: "BudgetState(7)"} {
		if got := b.String(); got != want {
			t.Errorf("BudgetState(%d).String() = %q, want %q", uint8(b), got, want)
		}
	}
	var b slo.BudgetState
	if err := b.UnmarshalText([]byte("spent")); err != nil || b != slo.BudgetSpent {
		t.Errorf(`UnmarshalText("spent") = %v, %v; want spent`, b, err)
	}
	if err := b.UnmarshalText([]byte("gone")); !errors.Is(err, slo.ErrInvalid) ||
		err.Error() != `slo: invalid budget state: "gone"; use "too few events", "left", "spent" or "young data"` {
		t.Errorf(`UnmarshalText("gone") = %v`, err)
	}
	if _, err := slo.BudgetState(7).MarshalText(); !errors.Is(err, slo.ErrInvalid) {
		t.Errorf("MarshalText(7) = %v, want ErrInvalid", err)
	}
}

// A report from a writer before budget states holds no "budget": it made
// its claims whatever the count, and reads back as its counts and guard
// support them.
func TestStatusDecodingWithoutBudget(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want slo.BudgetState
	}{
		{`{"time":"2026-03-02T09:00:00Z","since":"2026-03-02T09:00:00Z","good":9,"bad":1,"budgetRemaining":-99}`, slo.BudgetSpent},
		{`{"time":"2026-03-02T09:00:00Z","since":"2026-03-02T09:00:00Z","good":9,"bad":1,"minEvents":1000,"budgetRemaining":-99}`, slo.BudgetTooFewEvents},
		{`{"time":"2026-03-02T09:00:00Z","since":"2026-03-02T09:00:00Z","good":1000,"bad":0,"minEvents":1000,"budgetRemaining":1}`, slo.BudgetLeft},
	} {
		var st slo.Status
		if err := json.Unmarshal([]byte(tc.doc), &st); err != nil || st.Budget != tc.want {
			t.Errorf("%s: budget %v, %v; want %v", tc.doc, st.Budget, err, tc.want)
		}
	}
}

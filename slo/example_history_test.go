package slo_test

import (
	"fmt"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// A fleet's review, from the Status and episodes read from Prometheus
// (slo/slofleet.Client.History): a day of 100,000 events, 50 of them
// bad, half of those in a 20-minute page.
func ExampleReviewHistory() {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	h := slo.History{
		Status: slo.Status{Journey: "checkout", Objective: "availability", Target: 0.999, Period: 24 * time.Hour,
			MinEvents: 1000, Good: 99_950, Bad: 50},
		Episodes: []slo.Episode{{Journey: "checkout", Objective: "availability", Severity: burnrate.SeverityPage,
			Rule: "page-1h-5m", Start: at.Add(-3 * time.Hour), End: at.Add(-3*time.Hour + 20*time.Minute),
			Paging: 20 * time.Minute, Bad: 25}},
	}
	rv, err := slo.ReviewHistory([]slo.History{h}, at)
	if err != nil {
		panic(err)
	}
	r := rv.Objectives[0]
	fmt.Printf("%d page, %v paging; the budget spent %.0f%% in episodes and %.0f%% in the background, %.0f%% left\n",
		r.Pages, r.Paging, 100*r.EpisodeBudget, 100*r.BackgroundBudget, 100*r.BudgetRemaining)
	// Output:
	// 1 page, 20m0s paging; the budget spent 25% in episodes and 25% in the background, 50% left
}

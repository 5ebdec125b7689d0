package slo_test

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

// A 12-minute outage of checkout, at 1000 requests a minute after a quiet
// day: the episode log tells when it paged, when the errors stopped
// (mitigated: the 5m window back under a burn of 1) and when the
// objective was met again (ended: the last rule, ticket-3d-6h, reset once
// its 6h window had let the outage go), and what it cost.
func ExampleRegistry_Episodes() {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	mock := clock.NewMock()
	mock.Set(start)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	checkout, _ := reg.Journey("checkout")
	now := start
	// minutes records n minutes of traffic, evaluating after each.
	minutes := func(n int, good, bad uint64) {
		for range n {
			checkout.Add(good, bad)
			now = now.Add(time.Minute)
			reg.Advance(now)
		}
	}
	minutes(24*60, 1000, 0) // a quiet day
	minutes(12, 0, 1000)    // every request fails
	minutes(7*60, 1000, 0)  // recovered

	for _, e := range reg.Episodes() {
		fmt.Printf("%s: %v by %s from %s\n", slo.ObjectiveKey(e.Journey, e.Objective), e.Severity, e.Rule, e.Start.Format("15:04"))
		fmt.Printf("paged %s for %v, peak burn %.0f\n", e.Paged.Format("15:04"), e.Paging, e.PeakBurn)
		fmt.Printf("mitigated %s, ended %s\n", e.Mitigated.Format("15:04"), e.End.Format("15:04"))
		fmt.Printf("%.0f bad events of %.0f, %.0f%% of the budget\n", e.Bad, e.Good+e.Bad, 100*e.BudgetSpent)
	}
	// Output:
	// checkout:availability: page by page-1h-5m from 00:01
	// paged 00:01 for 41m0s, peak burn 200
	// mitigated 00:17, ended 06:12
	// 12000 bad events of 372000, 662% of the budget
}

// A month of checkout with one real incident and one page that resolved
// itself, reviewed: two pages, one of them flaky, and how much of the
// budget the incidents spent against the background's steady burn.
func ExampleRegistry_Review() {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	mock := clock.NewMock()
	mock.Set(start)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	checkout, _ := reg.Journey("checkout")
	now := start
	// minutes records n minutes of 1000 requests, bad of them failing,
	// evaluating after each.
	minutes := func(n int, bad uint64) {
		for range n {
			checkout.Add(1000-bad, bad)
			now = now.Add(time.Minute)
			reg.Advance(now)
		}
	}
	// quiet lasts until the given day and time of the month: 0.05% of
	// requests fail, a burn of 0.5.
	quiet := func(until time.Duration) {
		for now.Before(start.Add(until)) {
			minutes(1, 0)
			minutes(1, 1)
		}
	}
	day := 24 * time.Hour
	quiet(10*day + 12*time.Hour)
	minutes(12, 1000) // an outage
	quiet(20*day + 7*time.Hour + 10*time.Minute)
	// A slow leak under the page's burn of 14.4, tipped over by a minute
	// at 30%: it pages, and resets 5 minutes later, having spent 1% of
	// the budget.
	minutes(50, 12)
	minutes(1, 300)
	minutes(1, 0)
	quiet(30 * day)

	rv, err := reg.Review()
	if err != nil {
		panic(err)
	}
	for _, o := range rv.Objectives {
		fmt.Printf("%s, %s to %s\n", slo.ObjectiveKey(o.Journey, o.Objective), o.From.Format("Jan 2"), o.To.Format("Jan 2"))
		fmt.Printf("%d pages (%d flaky), %d tickets, %v paging\n", o.Pages, o.FlakyPages, o.Tickets, o.Paging)
		fmt.Printf("budget: %.1f%% on incidents, %.1f%% background, %.1f%% left\n",
			100*o.EpisodeBudget, 100*o.BackgroundBudget, 100*o.BudgetRemaining)
		for _, e := range o.Episodes {
			fmt.Printf("  %s %v for %v, %.1f%% of the budget\n", e.Start.Format("Jan 2 15:04"), e.Severity,
				e.End.Sub(e.Start), 100*e.BudgetSpent)
		}
	}
	// The flaky page as JSON, for a page or a report.
	b, _ := json.MarshalIndent(rv.Objectives[0].Episodes[1], "", "  ")
	os.Stdout.Write(append(b, '\n'))
	// Output:
	// checkout:availability, Mar 2 to Apr 1
	// 2 pages (1 flaky), 1 tickets, 46m0s paging
	// budget: 28.9% on incidents, 50.9% background, 20.2% left
	//   Mar 12 12:01 page for 6h11m0s, 78.6% of the budget
	//   Mar 22 08:01 page for 5m0s, 1.0% of the budget
	// {
	//   "journey": "checkout",
	//   "objective": "availability",
	//   "start": "2026-03-22T08:01:00Z",
	//   "rule": "page-1h-5m",
	//   "severity": "page",
	//   "paged": "2026-03-22T08:01:00Z",
	//   "paging": "5m",
	//   "peakBurn": 15.0833333333,
	//   "mitigated": "2026-03-22T08:06:00Z",
	//   "end": "2026-03-22T08:06:00Z",
	//   "open": false,
	//   "good": 5698,
	//   "bad": 302,
	//   "budgetSpent": 0.0103120945162
	// }
}

package backtest_test

import (
	"fmt"
	"time"

	"github.com/journeyslo/journeyslo/backtest"
	"github.com/journeyslo/journeyslo/slo"
)

// A day of checkout's traffic, 1000 events a minute, with a 12-minute full
// outage at noon, replayed under the baselines and the objective's own
// policy. The incident is derived from the traffic.
func ExampleRun() {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	outage := start.Add(12 * time.Hour)
	var traffic []backtest.Sample
	for t := start.Add(time.Minute); !t.After(start.Add(24 * time.Hour)); t = t.Add(time.Minute) {
		s := backtest.Sample{Time: t, Journey: "checkout", Good: 1000}
		if t.After(outage) && !t.After(outage.Add(12*time.Minute)) {
			s.Good, s.Bad = 0, 1000
		}
		traffic = append(traffic, s)
	}
	res, err := backtest.Run(traffic, backtest.Config{Objective: slo.Objective{Journey: "checkout", Target: 0.999}})
	if err != nil {
		fmt.Println(err)
		return
	}
	o := res.Objectives[0]
	inc := o.Incidents[0]
	fmt.Printf("incident at %s for %v: %.1f%% of the budget, significant: %v\n", inc.Start.Format("15:04"), inc.Duration, inc.Budget*100, inc.Significant)
	for _, p := range o.Policies {
		d := p.Detections[0]
		fmt.Printf("%-11s %d page, detected after %v (%.1f%% of the budget spent), reset %v after the end\n",
			p.Name, p.Pages, d.Detection, d.BudgetBeforeDetection*100, d.Reset)
	}
	// Output:
	// incident at 12:00 for 12m0s: 27.8% of the budget, significant: true
	// threshold   1 page, detected after 3s (0.1% of the budget spent), reset 10m0s after the end
	// burnrate-1h 1 page, detected after 54s (2.1% of the budget spent), reset 59m9s after the end
	// objective   1 page, detected after 54s (2.1% of the budget spent), reset 29m51s after the end
}

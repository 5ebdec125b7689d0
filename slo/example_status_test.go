package slo_test

import (
	"fmt"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// counted holds the good and bad events of each window, as another system
// counted them; it is the burnrate.Source a policy is evaluated over.
type counted map[time.Duration][2]float64

func (c counted) Sum(d time.Duration) (good, bad float64) { return c[d][0], c[d][1] }

// The Status of an objective whose events were counted elsewhere (here by
// hand; package slofleet reads them from Prometheus): the last hour had 3%
// of its events bad, the last five minutes 2%, the month 0.05%. Both
// windows of the 1h page burn above its 14.4, so it pages, with half the
// month's budget left.
func ExampleObjective_Status() {
	o := slo.Objective{Journey: "checkout", Target: 0.999}.WithDefaults()
	events := counted{
		5 * time.Minute: {4900, 100}, 30 * time.Minute: {29400, 600}, time.Hour: {58200, 1800},
		2 * time.Hour: {118200, 1800}, 6 * time.Hour: {358200, 1800}, 24 * time.Hour: {1438200, 1800},
		72 * time.Hour: {4318200, 1800}, o.Period: {3598200, 1800},
	}
	var ev burnrate.Evaluation
	o.Policy.Evaluate(events, o.Target, &ev)
	good, bad := events.Sum(o.Period)
	st := o.Status(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), good, bad, ev)
	fmt.Printf("%v by %s; budget %v, %.0f%% remaining, exhausted in %v\n", st.State, st.Rule, st.Budget, 100*st.BudgetRemaining, st.TimeToExhaustion)
	// Output:
	// page by page-1h-5m; budget left, 50% remaining, exhausted in 12h0m0s
}

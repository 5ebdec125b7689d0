package slorules_test

import (
	"fmt"
	"log"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// An objective over the shop's own http_requests_total: its 5xx and all
// its requests. The rules record the 5-minute window's events by outcome,
// as they would from journeyslo's counters, and the ratio from them.
func ExampleGenerate_source() {
	f, err := slorules.Generate([]slo.Objective{{
		Journey: "checkout", Target: 0.999,
		Source: &slo.Source{
			Bad:   `http_requests_total{handler="/checkout",code=~"5.."}`,
			Total: `http_requests_total{handler="/checkout"}`,
		},
	}})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range f.Groups[0].Rules[:3] {
		fmt.Printf("# %s {outcome=%q}\n%s\n", r.Record, r.Labels["outcome"], r.Expr)
	}
	// Output:
	// # journey_objective_outcome:journeyslo_sli_events:increase5m {outcome="bad"}
	// sum (increase(http_requests_total{handler="/checkout",code=~"5.."}[5m]))
	// or on ()
	// 0 * sum (increase(http_requests_total{handler="/checkout"}[5m]))
	// # journey_objective_outcome:journeyslo_sli_events:increase5m {outcome="good"}
	// clamp_min(
	//   sum (increase(http_requests_total{handler="/checkout"}[5m]))
	//   - on ()
	//   journey_objective_outcome:journeyslo_sli_events:increase5m{journey="checkout",objective="availability",outcome="bad"},
	//   0
	// )
	// # journey_objective:journeyslo_sli_error:ratio_increase5m {outcome=""}
	// sum without (outcome) (journey_objective_outcome:journeyslo_sli_events:increase5m{journey="checkout",objective="availability",outcome="bad"})
	// /
	// (sum without (outcome) (journey_objective_outcome:journeyslo_sli_events:increase5m{journey="checkout",objective="availability"}) > 0)
}

// One objective judged per cluster, from Sloth's queries over {{.window}},
// its alerts named and labelled as Sloth's were, and a ticket when a
// cluster's counters vanish for 10 minutes. The period's events are the
// query over 30d, times its seconds: every event of the month weighs the
// same.
func ExampleGenerate_grouped() {
	f, err := slorules.Generate([]slo.Objective{{
		Journey: "checkout", Target: 0.999,
		GroupBy: []string{"cluster"},
		Source: &slo.Source{
			Bad:   `sum by (cluster) (rate(http_requests_total{handler="/checkout",code=~"5.."}[{{.window}}]))`,
			Total: `sum by (cluster) (rate(http_requests_total{handler="/checkout"}[{{.window}}]))`,
		},
		NoData: slo.NoData{After: 10 * time.Minute},
		Alerting: &slo.Alerting{
			Name: "CheckoutAvailability",
			Page: slo.AlertSeverity{Labels: map[string]string{"severity": "critical"}},
		},
	}})
	if err != nil {
		log.Fatal(err)
	}
	period := f.Groups[1].Rules[0]
	fmt.Printf("# %s {outcome=%q}\n%s\n", period.Record, period.Labels["outcome"], period.Expr)
	for _, r := range f.Groups[0].Rules {
		if r.Alert != "" {
			fmt.Printf("# alert %s {severity=%q,rule=%q}\n%s\n", r.Alert, r.Labels["severity"], r.Labels["rule"], r.Expr)
		}
	}
	// Output:
	// # journey_objective_outcome:journeyslo_sli_events:increase30d {outcome="bad"}
	// sum by (cluster) (sum by (cluster) (rate(http_requests_total{handler="/checkout",code=~"5.."}[30d]))) * 2592000
	// or on (cluster)
	// 0 * sum by (cluster) (sum by (cluster) (rate(http_requests_total{handler="/checkout"}[30d]))) * 2592000
	// # alert CheckoutAvailability {severity="critical",rule=""}
	// journey_objective_rule:journeyslo_burn_rate:firing{journey="checkout",objective="availability",rule="page-1h-5m"}
	// or on (journey, objective, cluster)
	// journey_objective_rule:journeyslo_burn_rate:firing{journey="checkout",objective="availability",rule="page-6h-30m"}
	// # alert CheckoutAvailability {severity="ticket",rule=""}
	// journey_objective_rule:journeyslo_burn_rate:firing{journey="checkout",objective="availability",rule="ticket-1d-2h"}
	// or on (journey, objective, cluster)
	// journey_objective_rule:journeyslo_burn_rate:firing{journey="checkout",objective="availability",rule="ticket-3d-6h"}
	// # alert CheckoutAvailability {severity="ticket",rule="no-data"}
	// group by (cluster) ((sum by (cluster) (rate(http_requests_total{handler="/checkout"}[1d]))))
	// unless on (cluster)
	// group by (cluster) ((sum by (cluster) (rate(http_requests_total{handler="/checkout"}[10m]))))
}

package openslo_test

import (
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/openslo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

const checkoutSLO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout
spec:
  service: shop
  indicator:
    metadata: {name: checkout-errors}
    spec:
      ratioMetric:
        counter: true
        bad: {metricSource: {type: Prometheus, spec: {query: 'sum(http_requests_total{code=~"5.."})'}}}
        total: {metricSource: {type: Prometheus, spec: {query: sum(http_requests_total)}}}
  timeWindow: [{duration: 4w, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{targetPercent: 99.9}]
  alertPolicies: [{alertPolicyRef: fast-burn}]
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata: {name: fast-burn}
spec:
  alertWhenBreaching: true
  conditions:
    - kind: AlertCondition
      metadata: {name: fast-burn}
      spec:
        severity: page
        condition: {kind: burnrate, op: gte, threshold: 13.44, lookbackWindow: 1h, alertAfter: 5m}
  notificationTargets: [{targetRef: oncall}]
`

func ExampleImport() {
	imp, err := openslo.Import(openslo.File{Name: "checkout.yaml", Data: []byte(checkoutSLO)})
	if err != nil {
		log.Fatal(err)
	}
	reg, err := slo.New(imp.Config.Objectives(), slo.WithManualAdvance())
	if err != nil {
		log.Fatal(err)
	}
	defer reg.Close()
	for _, o := range reg.Objectives() {
		fmt.Printf("%s: %v over %s, guard %d events\n", slo.ObjectiveKey(o.Journey, o.Name), o.Target, burnrate.FormatWindow(o.Period), o.Policy.MinEvents)
		for _, r := range o.Policy.Rules {
			fmt.Printf("  %s: %v when %s and %s burn at %v\n", r.Name, r.Severity, burnrate.FormatWindow(r.Long), burnrate.FormatWindow(r.Short), r.Factor)
		}
	}
	fmt.Println("kept query:", imp.Indicators["checkout:availability"].Bad)
	// Output:
	// checkout:availability: 0.999 over 28d, guard 1000 events
	//   page-1h-5m: page when 1h and 5m burn at 13.44
	// kept query: sum(http_requests_total{code=~"5.."})
}

func ExampleImport_refused() {
	calendar := strings.Replace(checkoutSLO, "{duration: 4w, isRolling: true}", "{duration: 1M, calendar: {startTime: '2026-01-01 00:00:00', timeZone: UTC}}", 1)
	calendar = strings.Replace(calendar, "Occurrences", "Timeslices", 1)
	_, err := openslo.Import(openslo.File{Name: "checkout.yaml", Data: []byte(calendar)})
	fmt.Println(err)
	// Output:
	// checkout.yaml:14:41: SLO checkout: spec.timeWindow[0].calendar: calendar windows cannot be honoured: journeyslo's periods roll (the last 30 days, at every instant) and never reset on a date; remove calendar and write isRolling: true
	// checkout.yaml:15:20: SLO checkout: spec.objectives[0].timeSliceTarget: is missing, and Timeslices judges each slice by it; write the share of a slice's events that must be good, such as 0.95
	// checkout.yaml:15:20: SLO checkout: spec.objectives[0].timeSliceWindow: is missing, and Timeslices cuts the period into slices of it; write one, such as 1m
}

func ExampleExport() {
	cfg := &sloconfig.Config{
		Service: "shop",
		Journeys: []sloconfig.Journey{{
			Name: "checkout",
			Objectives: []sloconfig.Objective{{
				Target: 0.999,
				Period: 28 * 24 * time.Hour,
				Rules:  []burnrate.Rule{{Long: time.Hour, Short: 5 * time.Minute, Factor: 13.44, Severity: burnrate.SeverityPage}},
			}},
		}},
	}
	out, err := openslo.Export(cfg, nil)
	if err != nil {
		log.Fatal(err)
	}
	// One rule, one AlertPolicy: its burnrate condition is the long window
	// (lookbackWindow) and the short one (alertAfter).
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "kind:") || strings.Contains(line, "Window:") || strings.Contains(line, "alertAfter:") || strings.Contains(line, "threshold:") {
			fmt.Println(strings.TrimSpace(line))
		}
	}
	// Output:
	// kind: Service
	// kind: AlertNotificationTarget
	// kind: SLO
	// timeWindow:
	// kind: AlertPolicy
	// threshold: 13.44
	// lookbackWindow: 1h
	// alertAfter: 5m
}

func ExampleDetect() {
	fmt.Println(openslo.Detect([]byte(checkoutSLO)))
	fmt.Println(openslo.Detect([]byte("service: shop\njourneys: []\n")))
	// Output:
	// true
	// false
}

func ExampleImportFiles() {
	imp, err := openslo.ImportFiles("../../examples/config/shop.openslo.yaml")
	if err != nil {
		log.Fatal(err)
	}
	for _, j := range imp.Config.Journeys {
		fmt.Println(j.Name, len(j.Objectives), j.Patterns)
	}
	// Output:
	// checkout 1 [POST /checkout]
	// login 1 [POST /login]
	// search 2 [GET /search]
}

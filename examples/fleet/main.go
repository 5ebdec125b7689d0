// Command fleet writes the Prometheus, Thanos and Mimir rule files, the
// prometheus-operator's PrometheusRule objects, and the Alertmanager
// configuration, for the quickstart's objectives: the rules a
// fleet's engine evaluates over the replicas' journeyslo_sli_events_total
// counters, so that the budget of record covers every replica.
//
// The files beside this one are its output, committed; a test regenerates
// them and fails on any difference. Rewrite them with
//
//	go generate ./examples/fleet
//
// or write them elsewhere with
//
//	go run ./examples/fleet -dir /etc/prometheus/rules
package main

//go:generate go run .

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

func main() {
	dir := flag.String("dir", ".", "the directory to write the files into")
	flag.Parse()
	files, err := generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(*dir, f.name), f.data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

type file struct {
	name string
	data []byte
}

// generate returns every file, in a fixed order.
func generate() ([]file, error) {
	// The quickstart's objectives (examples/quickstart/main.go); a test
	// keeps the two lists the same.
	objectives := []slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "login", Target: 0.995},
		{Journey: "search", Target: 0.995},
		{Journey: "search", Target: 0.95, Latency: 300 * time.Millisecond},
	}
	// The checkout pages say where to look: set beside the literal, which
	// stays the quickstart's.
	for i := range objectives {
		if objectives[i].Journey == "checkout" {
			objectives[i].Runbook = "https://runbooks.example.com/shop/checkout"
		}
	}
	rules, err := slorules.Generate(objectives,
		slorules.WithLabels(map[string]string{"team": "shop"}),
		slorules.WithNamespace("shop"),
		slorules.WithObjectMeta(slorules.ObjectMeta{Name: "shop", Namespace: "monitoring",
			Labels: map[string]string{"release": "kube-prometheus-stack"}}),
	)
	if err != nil {
		return nil, err
	}
	var files []file
	for _, flavor := range slorules.Flavors {
		b, err := rules.Marshal(flavor)
		if err != nil {
			return nil, err
		}
		files = append(files, file{flavor.String() + ".rules.yml", b})
	}
	inhibit, err := rules.InhibitRules()
	if err != nil {
		return nil, err
	}
	files = append(files, file{"alertmanager.yml", []byte(slorules.Header + route + strings.TrimPrefix(string(inhibit), slorules.Header))})
	return files, nil
}

// route sends pages to a pager and tickets to a queue, one notification
// per objective: grouped by journey and objective, a change of the firing
// rule updates the notification rather than sending another. Fill in the
// receivers' integrations.
const route = `# Pages go to the pager, tickets to the team's queue; while an objective
# pages, its ticket is silenced (inhibit_rules, generated from the rules).
route:
  receiver: shop-tickets
  group_by: [alertname, journey, objective]
  routes:
    - matchers: ['alertname="JourneyErrorBudgetBurn"', 'severity="page"']
      receiver: shop-pager
      group_wait: 0s
receivers:
  - name: shop-pager
  - name: shop-tickets
`

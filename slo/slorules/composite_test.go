package slorules_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// compositeObjectives are checkout at 99.9%, search at 50% (it never pages on
// its own), and the shop, a composite of both at 99%: two events per
// checkout event, half an event per search event.
func compositeObjectives() []slo.Objective {
	return []slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "search", Target: 0.5},
		{Journey: "shop", Target: 0.99, Composite: &slo.Composite{Components: []slo.Component{
			{Journey: "checkout", Weight: 2},
			{Journey: "search", Weight: 0.5},
		}}},
	}
}

// The composite's rules, run by promtool: its events over a window are the
// weighted sums of its components' counters, to the event, and it pages on
// a search outage that pages neither component.
//
// Counters are sampled every minute: checkout serves 600 good events a
// minute; search 1000 good events a minute, then from minute 180 on 1000
// bad ones. At minute 200 the shop's 5m window holds 2*3000 + 0.5*0 good
// and 0.5*5000 bad events: 6000 and 2500, a burn of 2500/8500/0.01 =
// 29.4; its 1h window 2*36000 + 0.5*40000 = 92000 good and 0.5*20000 =
// 10000 bad, 9.8, under the page's 14.4, so the shop only tickets (its
// longest windows hold the three hours there are); at minute 215 the hour
// holds 0.5*35000 = 17500 bad of 72000 + 12500 + 17500: a burn of 17.2,
// and the shop pages by page-1h-5m, while search, at 50%, burns at 2 at
// most and checkout not at all: neither alerts.
func TestCompositePromtool(t *testing.T) {
	promtest.Promtool(t)
	file, err := slorules.Generate(compositeObjectives())
	if err != nil {
		t.Fatal(err)
	}
	rules := promtest.WriteRules(t, file)
	const minutes = 216
	counter := func(perMinute func(m int) float64) string {
		var b strings.Builder
		v := 0.0
		for m := 0; m <= minutes; m++ {
			if m > 0 {
				v += perMinute(m)
			}
			if m > 0 {
				b.WriteString(" ")
			}
			b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
		}
		return b.String()
	}
	outage := func(m int) bool { return m > 180 }
	searchGood := counter(func(m int) float64 {
		if outage(m) {
			return 0
		}
		return 1000
	})
	searchBad := counter(func(m int) float64 {
		if outage(m) {
			return 1000
		}
		return 0
	})
	test := `rule_files: [` + filepath.Base(rules) + `]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'journeyslo_sli_events_total{journey="checkout",objective="availability",outcome="good"}'
        values: '` + counter(func(int) float64 { return 600 }) + `'
      - series: 'journeyslo_sli_events_total{journey="checkout",objective="availability",outcome="bad"}'
        values: '0x` + strconv.Itoa(minutes) + `'
      - series: 'journeyslo_sli_events_total{journey="search",objective="availability",outcome="good"}'
        values: '` + searchGood + `'
      - series: 'journeyslo_sli_events_total{journey="search",objective="availability",outcome="bad"}'
        values: '` + searchBad + `'
    promql_expr_test:
      - expr: journey_objective_outcome:journeyslo_sli_events:increase5m{journey="shop"}
        eval_time: 200m
        exp_samples:
          - labels: 'journey_objective_outcome:journeyslo_sli_events:increase5m{journey="shop",objective="availability",outcome="good",window="5m"}'
            value: 6000
          - labels: 'journey_objective_outcome:journeyslo_sli_events:increase5m{journey="shop",objective="availability",outcome="bad",window="5m"}'
            value: 2500
      - expr: journey_objective_outcome:journeyslo_sli_events:increase1h{journey="shop"}
        eval_time: 200m
        exp_samples:
          - labels: 'journey_objective_outcome:journeyslo_sli_events:increase1h{journey="shop",objective="availability",outcome="good",window="1h"}'
            value: 92000
          - labels: 'journey_objective_outcome:journeyslo_sli_events:increase1h{journey="shop",objective="availability",outcome="bad",window="1h"}'
            value: 10000
      - expr: count by (journey, rule) (ALERTS{alertstate="firing"})
        eval_time: 200m
        exp_samples:
          - labels: '{journey="shop",rule="ticket-3d-6h"}'
            value: 1
      - expr: count by (journey, rule) (ALERTS{alertstate="firing"})
        eval_time: 215m
        exp_samples:
          - labels: '{journey="shop",rule="page-1h-5m"}'
            value: 1
          - labels: '{journey="shop",rule="ticket-1d-2h"}'
            value: 1
`
	path := filepath.Join(filepath.Dir(rules), "composite_test.yaml")
	if err := os.WriteFile(path, []byte(test), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := promtest.RunPromtool(t, "test", "rules", path); err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}

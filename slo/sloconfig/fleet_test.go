package sloconfig_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// fleetFile writes every field the fleet's rules read.
const fleetFile = `service: shop
journeys:
  - name: checkout
    objectives:
      - target: 99.9%
        source:
          bad: http_requests_total{handler="/checkout",code=~"5.."}
          total: http_requests_total{handler="/checkout"}
        groupBy: [cluster, region]
        noData: {after: 10m, severity: page}
        alerting:
          name: CheckoutHighErrorRate
          labels: {category: availability}
          annotations: {summary: Checkout fails}
          page:
            labels: {severity: critical, routing_key: payments}
          ticket: {disable: true}
      - name: sloth-raw
        target: 95%
        source:
          errorRatio: sum(rate(http_requests_total{code=~"5.."}[{{.window}}])) / sum(rate(http_requests_total[{{.window}}]))
        noData: {after: 5m}
`

// The fleet's fields are read into the objectives as slo.Objective has
// them, and Marshal writes a file that reads back to the same objectives
// and is written again byte for byte.
func TestFleetFields(t *testing.T) {
	c, err := sloconfig.Parse("f.yaml", []byte(fleetFile))
	if err != nil {
		t.Fatal(err)
	}
	want := []slo.Objective{
		{
			Journey: "checkout", Target: 0.999,
			Source: &slo.Source{
				Bad:   `http_requests_total{handler="/checkout",code=~"5.."}`,
				Total: `http_requests_total{handler="/checkout"}`,
			},
			GroupBy: []string{"cluster", "region"},
			NoData:  slo.NoData{After: 10 * time.Minute, Severity: burnrate.SeverityPage},
			Alerting: &slo.Alerting{
				Name:        "CheckoutHighErrorRate",
				Labels:      map[string]string{"category": "availability"},
				Annotations: map[string]string{"summary": "Checkout fails"},
				Page:        slo.AlertSeverity{Labels: map[string]string{"severity": "critical", "routing_key": "payments"}},
				Ticket:      slo.AlertSeverity{Disable: true},
			},
		},
		{
			Journey: "checkout", Name: "sloth-raw", Target: 0.95,
			Source: &slo.Source{ErrorRatio: `sum(rate(http_requests_total{code=~"5.."}[{{.window}}])) / sum(rate(http_requests_total[{{.window}}]))`},
			NoData: slo.NoData{After: 5 * time.Minute},
		},
	}
	if diff := cmp.Diff(want, c.Objectives()); diff != "" {
		t.Errorf("Objectives (-want +got):\n%s", diff)
	}
	registry(t, c.Objectives())

	out, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := sloconfig.Parse("back.yaml", out)
	if err != nil {
		t.Fatalf("Marshal's file does not read back: %v\n%s", err, out)
	}
	if diff := cmp.Diff(c.Objectives(), back.Objectives()); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
	again, err := back.Marshal()
	if err != nil || string(again) != string(out) {
		t.Errorf("written twice: %v\n%s\nthen\n%s", err, out, again)
	}
	wantOut := `      - name: sloth-raw
        target: 0.95
        source:
          errorRatio: sum(rate(http_requests_total{code=~"5.."}[{{.window}}])) / sum(rate(http_requests_total[{{.window}}]))
        noData:
          after: 5m
`
	if !strings.HasSuffix(string(out), wantOut) {
		t.Errorf("Marshal wrote:\n%s\nwant it to end with:\n%s", out, wantOut)
	}

	// FromObjectives keeps the fields, sharing nothing with its argument.
	objs := c.Objectives()
	from := sloconfig.FromObjectives("shop", objs, nil, nil)
	objs[0].Source.Bad, objs[0].GroupBy[0], objs[0].Alerting.Page.Labels["severity"] = "x", "x", "x"
	if diff := cmp.Diff(want, from.Objectives()); diff != "" {
		t.Errorf("FromObjectives (-want +got):\n%s", diff)
	}
}

// Each problem of the fleet's fields is reported where it is written, in
// slo's words when slo finds it.
func TestFleetProblems(t *testing.T) {
	const in = `service: shop
journeys:
  - name: checkout
    objectives:
      - target: 99.9%
        labels: {region: eu}
        source: {bad: errors_total}
        groupBy: [cluster, job, region, "2x", cluster]
        noData: {after: -5m, severity: ok}
        alerting:
          name: 9Lives
          labels: {"a-b": x, objective: y}
          page: {labels: {window: x}, disable: maybe}
          ticket: {silence: true}
      - name: ratio
        target: 99%
        source: {good: a_total, errorRatio: "rate(x_total[{{.window}}])"}
        noData: {}
      - name: shapes
        target: 99%
        source:
          bad: sum(rate(http_requests_total{code=~"5.."}[5m]))
          total: queue_depth
`
	_, err := sloconfig.Parse("f.yaml", []byte(in))
	want := []string{
		`f.yaml:7:17: checkout:availability: slo: invalid: Source: give two of Good, Bad and Total (such as Bad and Total), or ErrorRatio alone`,
		`f.yaml:8:33: checkout:availability: slo: invalid: GroupBy: "region" is also one of Labels, which gives it one value; group by it or label it, not both`,
		`f.yaml:8:41: checkout:availability: slo: invalid: GroupBy: "2x" is not a label name: use letters, digits and '_', not starting with a digit or "__"`,
		`f.yaml:8:47: checkout:availability: slo: invalid: GroupBy: "cluster" is listed twice`,
		`f.yaml:9:25: journeys[0].objectives[0].noData.after: "-5m" is negative; write how long the counters may be missing as a positive duration, such as 10m`,
		`f.yaml:9:40: journeys[0].objectives[0].noData.severity: severity "ok" is not one an alert raises; write page or ticket`,
		`f.yaml:11:17: checkout:availability: slo: invalid: Alerting.Name "9Lives" is not an alert name: use letters, digits and '_', not starting with a digit`,
		`f.yaml:12:20: checkout:availability: slo: invalid: Alerting.Labels: "a-b" is not a label name: use letters, digits and '_', not starting with a digit or "__"`,
		`f.yaml:12:30: checkout:availability: slo: invalid: Alerting.Labels: "objective" is a label the rules set themselves; choose another name`,
		`f.yaml:13:27: checkout:availability: slo: invalid: Alerting.Page.Labels: "window" is a label the rules set themselves; choose another name`,
		`f.yaml:13:48: journeys[0].objectives[0].alerting.page.disable: "maybe" is not true or false; write true or false`,
		`f.yaml:14:20: journeys[0].objectives[0].alerting.ticket: unknown field "silence"; a severity's alert has the fields labels, annotations, disable`,
		`f.yaml:17:45: checkout:ratio: slo: invalid: Source: ErrorRatio is used alone; remove Good, Bad and Total, or remove ErrorRatio`,
		`f.yaml:18:17: journeys[0].objectives[1].noData: field "after" is missing; a no-data alert needs it`,
		`f.yaml:22:16: checkout:shapes: slo: invalid: Source.Bad: column 42: the fixed range [5m] cannot be made event-weighted over the policy's other windows and the period (their ratio would be a mean of short ratios); write [{{.window}}], which the rules set to each window`,
		`f.yaml:23:18: checkout:shapes: slo: invalid: Source.Total: column 1: queue_depth does not look like a counter (its name ends in neither _total, _count nor _bucket): the rules count events by a counter's increase, which means nothing for a gauge; select a counter, such as http_requests_total, or write an expression over [{{.window}}]`,
	}
	if diff := cmp.Diff(want, problems(t, err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

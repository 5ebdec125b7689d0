package openslo

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// Documents as another OpenSLO tool writes them: separate SLI, policy and
// condition documents, a DataSource, targetPercent, no journeyslo
// annotations, and references across two files.
const foreignSLOs = `apiVersion: openslo/v1
kind: Service
metadata:
  name: shop
  displayName: The shop
spec:
  description: Sells things
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout
  labels:
    team: payments
spec:
  service: shop
  indicatorRef: checkout-errors
  timeWindow:
    - duration: 4w
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Checkout succeeds
      targetPercent: 99.9
  alertPolicies:
    - alertPolicyRef: fast-burn
    - alertPolicyRef: slow-burn
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search
spec:
  service: shop
  indicator:
    metadata:
      name: search-errors
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            metricSourceRef: prom
            spec:
              query: sum(search_requests_total{code!~"5.."})
        total:
          metricSource:
            metricSourceRef: prom
            spec:
              query: sum(search_requests_total)
  budgetingMethod: Occurrences
  objectives:
    - target: 0.995
---
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: prom
spec:
  type: Prometheus
  connectionDetails:
    url: http://prometheus:9090
`

const foreignAlerts = `apiVersion: openslo/v1
kind: SLI
metadata:
  name: checkout-errors
spec:
  ratioMetric:
    counter: true
    bad:
      metricSource:
        type: Prometheus
        spec:
          query: sum(http_requests_total{handler="/checkout",code=~"5.."})
    total:
      metricSource:
        type: Prometheus
        spec:
          query: sum(http_requests_total{handler="/checkout"})
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: fast-burn
spec:
  alertWhenBreaching: true
  alertWhenResolved: true
  conditions:
    - conditionRef: fast
  notificationTargets:
    - targetRef: oncall
---
apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: fast
spec:
  severity: page
  condition:
    kind: burnrate
    op: gte
    threshold: 13.44
    lookbackWindow: 1h
    alertAfter: 5m
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: slow-burn
spec:
  alertWhenBreaching: true
  conditions:
    - kind: AlertCondition
      metadata:
        name: slow
      spec:
        severity: ticket
        condition:
          kind: burnrate
          op: gte
          threshold: 1
          lookbackWindow: 3d
  notificationTargets:
    - kind: AlertNotificationTarget
      metadata:
        name: oncall
      spec:
        target: email
`

func TestImportForeign(t *testing.T) {
	imp, err := Import(File{"slos.yaml", []byte(foreignSLOs)}, File{"alerts.yaml", []byte(foreignAlerts)})
	if err != nil {
		t.Fatal(err)
	}
	want := &sloconfig.Config{
		Service: "shop",
		Journeys: []sloconfig.Journey{
			{Name: "checkout", Objectives: []sloconfig.Objective{{
				Target: 0.999, // targetPercent 99.9, exactly
				Period: 28 * day,
				Labels: map[string]string{"team": "payments"},
				// The SLI's Prometheus queries, whose sum( ) the rules do
				// themselves.
				Source: &slo.Source{
					Bad:   `http_requests_total{handler="/checkout",code=~"5.."}`,
					Total: `http_requests_total{handler="/checkout"}`,
				},
				Rules: []burnrate.Rule{
					{Long: time.Hour, Short: 5 * time.Minute, Factor: 13.44, Severity: burnrate.SeverityPage},
					// No alertAfter: the Workbook's short window, a twelfth.
					{Long: 3 * day, Short: 6 * time.Hour, Factor: 1, Severity: burnrate.SeverityTicket},
				},
			}}},
			{Name: "search", Objectives: []sloconfig.Objective{{Target: 0.995, Source: &slo.Source{Good: `search_requests_total{code!~"5.."}`, Total: "search_requests_total"}}}},
		},
	}
	if d := cmp.Diff(want, imp.Config, ignoreFile); d != "" {
		t.Errorf("config (-want +got):\n%s", d)
	}
	wantInd := map[string]Indicator{
		"checkout:availability": {Source: "Prometheus", Bad: `sum(http_requests_total{handler="/checkout",code=~"5.."})`, Total: `sum(http_requests_total{handler="/checkout"})`},
		"search:availability":   {Source: "Prometheus", Good: `sum(search_requests_total{code!~"5.."})`, Total: `sum(search_requests_total)`},
	}
	if d := cmp.Diff(wantInd, imp.Indicators); d != "" {
		t.Errorf("indicators (-want +got):\n%s", d)
	}
	objs := imp.Config.Objectives()
	if _, err := slo.New(objs, slo.WithManualAdvance()); err != nil {
		t.Errorf("the objectives make no registry: %v", err)
	}
	// And back: the foreign queries survive an export.
	roundTrip(t, imp.Config, imp.Indicators)
}

// TestImportRefuses gives a file with a problem in nearly every document
// and checks that every one is reported, in file order, at its line and
// column, naming the document, the field and what would be right.
func TestImportRefuses(t *testing.T) {
	const file = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout
spec:
  service: shop
  indicatorRef: missing-sli
  timeWindow:
    - duration: 1M
      calendar:
        startTime: "2026-01-01 00:00:00"
        timeZone: Europe/Paris
  budgetingMethod: Timeslices
  objectives:
    - target: 0.999
      timeSliceTarget: 0.95
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: composite
spec:
  service: shop
  indicator:
    metadata:
      name: latency
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: histogram_quantile(0.99, rate(x[5m]))
  timeWindow:
    - duration: 1Q
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.99
      indicatorRef: other
      compositeWeight: 2
  alertPolicies:
    - alertPolicyRef: noisy
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: noisy
  annotations:
    journeyslo/polcy: typo
spec:
  alertWhenNoData: true
  conditions:
    - kind: AlertCondition
      metadata:
        name: noisy
      spec:
        severity: critical
        condition:
          kind: burnrate
          op: lt
          threshold: 2
          lookbackWindow: 1Y
  notificationTargets:
    - targetRef: oncall
---
apiVersion: openslo/v2
kind: Budget
metadata:
  name: Not_A_Name
spec:
  targets: 99.9
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search
spec:
  service: shop
  indicatorRef: missing-sli
  budgetingMethod: Occurrences
  objectives:
    - target: 99.9
  unknown: field
`
	_, err := Import(File{"bad.yaml", []byte(file)})
	if err == nil {
		t.Fatal("Import accepted the documents")
	}
	want := []string{
		`bad.yaml:7:17: SLO checkout: spec.indicatorRef: "missing-sli" names no SLI; define one (kind: SLI, metadata.name: missing-sli) or inline it as spec.indicator`,
		`bad.yaml:11:9: SLO checkout: spec.timeWindow[0].calendar: calendar windows cannot be honoured: journeyslo's periods roll (the last 30 days, at every instant) and never reset on a date; remove calendar and write isRolling: true`,
		`bad.yaml:13:20: SLO checkout: spec.objectives[0].timeSliceWindow: is missing, and Timeslices cuts the period into slices of it; write one, such as 1m`,
		`bad.yaml:29:9: SLO composite: spec.indicator.spec.thresholdMetric: cannot be honoured: journeyslo judges each event good or bad and counts them, and compares no metric's value with a threshold; use a ratioMetric of bad (or good) and total events`,
		`bad.yaml:34:17: SLO composite: spec.timeWindow[0].duration: "1Q" counts quarters, which have no fixed length, and journeyslo's windows are fixed durations: write days or weeks, such as 30d, 4w, 90d or 365d`,
		`bad.yaml:39:21: SLO composite: spec.objectives[0].indicatorRef: composite objectives cannot be honoured: journeyslo keeps one budget per objective and weighs none into another; write one SLO per objective, each with its own indicator`,
		`bad.yaml:40:24: SLO composite: spec.objectives[0].compositeWeight: composite objectives cannot be honoured: journeyslo keeps one budget per objective and weighs none into another; write one SLO per objective, each with its own indicator`,
		`bad.yaml:49:23: AlertPolicy noisy: metadata.annotations.journeyslo/polcy: is not an annotation journeyslo reads on kind AlertPolicy; it reads journeyslo/policy, journeyslo/rule, journeyslo/rules, journeyslo/min-events`,
		`bad.yaml:57:19: AlertPolicy noisy: spec.conditions[0].spec.severity: "critical" is not a severity journeyslo raises; write page or ticket`,
		`bad.yaml:60:15: AlertPolicy noisy: spec.conditions[0].spec.condition.op: "lt" cannot be honoured: journeyslo fires when the burn rate is at or above the threshold; write gte`,
		`bad.yaml:62:27: AlertPolicy noisy: spec.conditions[0].spec.condition.lookbackWindow: "1Y" counts years, which have no fixed length, and journeyslo's windows are fixed durations: write days or weeks, such as 30d, 4w, 90d or 365d`,
		`bad.yaml:66:13: apiVersion: "openslo/v2" is not read here; want openslo/v1`,
		`bad.yaml:67:7: kind: "Budget" is not an OpenSLO v1 kind; want one of SLO, SLI, AlertPolicy, AlertCondition, AlertNotificationTarget, Service, DataSource`,
		`bad.yaml:79:17: SLO search: spec.indicatorRef: "missing-sli" names no SLI; define one (kind: SLI, metadata.name: missing-sli) or inline it as spec.indicator`,
		`bad.yaml:82:15: SLO search: spec.objectives[0].target: 99.9 is not strictly between 0 and 1; write target: 0.999, or targetPercent: 99.9`,
		`bad.yaml:83:3: SLO search: spec.unknown: is not a field of OpenSLO v1 here; use one of description, service, indicator, indicatorRef, timeWindow, budgetingMethod, objectives, alertPolicies`,
	}
	if d := cmp.Diff(want, strings.Split(err.Error(), "\n")); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}
	if !errors.Is(err, slo.ErrInvalid) {
		t.Errorf("the error does not match slo.ErrInvalid")
	}
	var ce *sloconfig.Error
	if !errors.As(err, &ce) || ce.File != "bad.yaml" || ce.Line == 0 || ce.Column == 0 {
		t.Errorf("errors.As(*sloconfig.Error) gives %+v; want a place in bad.yaml", ce)
	}
}

// sloDoc writes an SLO document of service shop for the table below.
func sloYAML(name, extra string) string {
	return `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ` + name + `
spec:
  service: shop
  indicatorRef: errors
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
` + extra
}

const sliYAML = `apiVersion: openslo/v1
kind: SLI
metadata:
  name: errors
spec:
  ratioMetric:
    counter: true
    bad: {metricSource: {type: Prometheus, spec: {query: bad_total}}}
    total: {metricSource: {type: Prometheus, spec: {query: all_total}}}
`

func policyYAML(name, annotations, condition string) string {
	return `apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: ` + name + `
  annotations: {` + annotations + `}
spec:
  alertWhenBreaching: true
  conditions:
    - kind: AlertCondition
      metadata: {name: ` + name + `}
      spec:
        severity: page
        condition: {kind: burnrate, op: gte, ` + condition + `}
  notificationTargets: [{targetRef: oncall}]
`
}

func TestImportProblems(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []File
		want  []string
	}{
		{"empty", []File{{"a.yaml", nil}}, []string{
			`no OpenSLO documents in a.yaml; want at least one SLO`,
		}},
		{"no SLO", []File{{"a.yaml", []byte(sliYAML)}}, []string{
			`no SLO among the documents of a.yaml; journeyslo imports objectives, one per SLO`,
		}},
		{"syntax", []File{{"a.yaml", []byte(sliYAML + "---\nkind: [SLO\n")}}, []string{
			`a.yaml:10:1: not valid YAML: did not find expected ',' or ']'`,
		}},
		{"twice across files", []File{{"a.yaml", []byte(sliYAML)}, {"b.yaml", []byte(sliYAML + "---\n" + sloYAML("c", ""))}}, []string{
			`b.yaml:4:9: SLI errors: metadata.name: SLI errors is also defined at a.yaml:1:1; give each SLI its own name`,
		}},
		{"two services", []File{{"a.yaml", []byte(sliYAML + "---\n" + sloYAML("a", "") + "---\n" + strings.Replace(sloYAML("b", ""), "service: shop", "service: bank", 1))}}, []string{
			`a.yaml:27:12: SLO b: spec.service: "bank" is another service than "shop" (SLO at a.yaml:11:1); a journeyslo config describes one service: import each service's documents on their own`,
		}},
		{"aliases", []File{{"a.yaml", []byte(sliYAML + "---\n" + sloYAML("a", "  description: &d x\n  alertPolicies: *d\n"))}}, []string{
			`a.yaml:21:16: spec.description: YAML anchors and aliases are not supported; write the value out, or refer to another document by name`,
			`a.yaml:22:18: spec.alertPolicies: YAML anchors and aliases are not supported; write the value out, or refer to another document by name`,
		}},
		{"a pattern two journeys claim", []File{{"a.yaml", []byte(sliYAML + "---\n" + strings.Replace(sloYAML("a", ""), "name: a\n", "name: a\n  annotations: {journeyslo/patterns: GET /x}\n", 1) + "---\n" + strings.Replace(sloYAML("b", ""), "name: b\n", "name: b\n  annotations: {journeyslo/patterns: GET /x}\n", 1))}}, []string{
			`a.yaml:23:1: SLO b: pattern "GET /x" is also journeys[0] (a)'s; a request serves one journey, so give each pattern once`,
		}},
		{"sources", []File{{"a.yaml", []byte(strings.Replace(strings.Replace(sliYAML, "{type: Prometheus, spec: {query: bad_total}}", "{metricSourceRef: gone, spec: {query: bad_total}}", 1), "spec: {query: all_total}", "spec: {query: all_total, region: eu}", 1) + "---\n" + sloYAML("a", "") + "---\n" + sloYAML("b", ""))}}, []string{
			`a.yaml:8:25: SLI errors: spec.ratioMetric.bad.metricSource.metricSourceRef: "gone" names no DataSource, and the source has no type; define the DataSource or write type: Prometheus`,
			`a.yaml:9:27: SLI errors: spec.ratioMetric.total.metricSource.spec.region: is not kept: journeyslo keeps a source's query alone, for the rules it generates; remove it`,
		}},
		{"rolling months, ratio time slices", []File{{"a.yaml", []byte(sliYAML + "---\n" + strings.Replace(sloYAML("a", "  timeWindow: [{duration: 1M, isRolling: true}]\n"), "Occurrences", "RatioTimeslices", 1))}}, []string{
			`a.yaml:18:20: SLO a: spec.objectives[0].timeSliceWindow: is missing, and RatioTimeslices cuts the period into slices of it; write one, such as 1m`,
			`a.yaml:21:27: SLO a: spec.timeWindow[0].duration: "1M" counts months, which have no fixed length, and journeyslo's windows are fixed durations: write days or weeks, such as 30d, 4w, 90d or 365d`,
		}},
		{"raw ratio", []File{{"a.yaml", []byte(strings.Replace(sliYAML, "    bad: {metricSource: {type: Prometheus, spec: {query: bad_total}}}\n    total: {metricSource: {type: Prometheus, spec: {query: all_total}}}\n", "    rawType: success\n    raw: {metricSource: {type: Prometheus, spec: {query: ratio}}}\n", 1) + "---\n" + sloYAML("a", ""))}}, []string{
			`a.yaml:9:10: SLI errors: spec.ratioMetric.raw: precomputed ratios cannot be honoured: journeyslo counts good and bad events, and an average of ratios is not a ratio of events; use bad (or good) with total`,
		}},
		{"several objectives", []File{{"a.yaml", []byte(sliYAML + "---\n" + sloYAML("a", "    - target: 0.99\n"))}}, []string{
			`a.yaml:21:7: SLO a: spec.objectives: holds 2 objectives; journeyslo reads one objective per SLO, with its own alert state and budget: write one SLO per target`,
		}},
		{"missing policy", []File{{"a.yaml", []byte(sliYAML + "---\n" + sloYAML("a", "  alertPolicies: [{alertPolicyRef: gone}]\n"))}}, []string{
			`a.yaml:21:36: SLO a: spec.alertPolicies[0].alertPolicyRef: "gone" names no AlertPolicy; define one (kind: AlertPolicy, metadata.name: gone) or inline it`,
		}},
		{"alertAfter not shorter", []File{{"a.yaml", []byte(sliYAML + "---\n" + sloYAML("a", "  alertPolicies: [{alertPolicyRef: p}]\n") + "---\n" + policyYAML("p", "", "threshold: 2, lookbackWindow: 1h, alertAfter: 1h"))}}, []string{
			`a.yaml:35:92: AlertPolicy p: spec.conditions[0].spec.condition.alertAfter: 1h is not shorter than lookbackWindow 1h; journeyslo reads alertAfter as the rule's short window, which must be shorter than the long one (the Workbook uses a twelfth, 5m)`,
		}},
		{"factor that never fires", []File{{"a.yaml", []byte(sliYAML + "---\n" + sloYAML("a", "  alertPolicies: [{alertPolicyRef: p}]\n") + "---\n" + policyYAML("p", "", "threshold: 2000, lookbackWindow: 1h"))}}, []string{
			`a.yaml:11:1: SLO a: burnrate: invalid rule 0 (page-1h-5m): Factor 2000 can never fire at target 0.999: when every event fails the burn rate is 1/(1-0.999) = 1000; use a factor of at most 1000 or a higher target`,
		}},
		{"edited default", []File{{"a.yaml", []byte(sliYAML + "---\n" + sloYAML("a", "  alertPolicies: [{alertPolicyRef: p}]\n") + "---\n" + policyYAML("p", "journeyslo/rules: default", "threshold: 10, lookbackWindow: 1h, alertAfter: 5m"))}}, []string{
			`a.yaml:21:18: SLO a: spec.alertPolicies: are marked journeyslo/rules: default, but are not the default policy for target 0.999 over 30d (page 1h/5m at 14.4, page 6h/30m at 6, ticket 1d/2h at 3, ticket 3d/6h at 1); remove the annotation to use them as written`,
		}},
		{"a reference beside an inline object", []File{{"a.yaml", []byte(sliYAML + "---\n" + sloYAML("a", "  alertPolicies: [{alertPolicyRef: p, kind: AlertPolicy}]\n") + "---\n" +
			strings.Replace(strings.Replace(policyYAML("p", "", "threshold: 2, lookbackWindow: 1h"), "- kind: AlertCondition", "- conditionRef: c\n      kind: AlertCondition", 1), "{targetRef: oncall}", "{targetRef: [oncall], kind: AlertNotificationTarget}", 1))}}, []string{
			`a.yaml:21:19: SLO a: spec.alertPolicies[0]: holds alertPolicyRef and an inline policy; keep one of them`,
			`a.yaml:31:7: AlertPolicy p: spec.conditions[0]: holds conditionRef and an inline condition; keep one of them`,
			`a.yaml:37:25: AlertPolicy p: spec.notificationTargets[0]: holds targetRef and an inline target; keep one of them`,
		}},
		{"guard on an unnamed policy", []File{{"a.yaml", []byte(sliYAML + "---\n" + sloYAML("a", "  alertPolicies: [{alertPolicyRef: p}]\n") + "---\n" + policyYAML("p", `journeyslo/min-events: "10"`, "threshold: 10, lookbackWindow: 1h"))}}, []string{
			`a.yaml:27:40: AlertPolicy p: metadata.annotations.journeyslo/min-events: is the guard of a named policy, and this AlertPolicy has no journeyslo/policy annotation; put the guard on the SLO`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imp, err := Import(tc.files...)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Import: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Import gave %+v, want errors", imp.Config)
			}
			if d := cmp.Diff(tc.want, strings.Split(err.Error(), "\n")); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		data string
		want bool
	}{
		{foreignSLOs, true},
		{"# a comment\n---\n" + sliYAML, true},
		{"apiVersion: openslo/v2alpha\nkind: SLO\n", true},
		{"service: shop\njourneys: []\n", false},
		{"apiVersion: v1\nkind: ConfigMap\n", false},
		{"apiVersion: 1\n", false},
		{"service: [\n", false},
		{"", false},
	} {
		if got := Detect([]byte(tc.data)); got != tc.want {
			t.Errorf("Detect(%.30q) = %v, want %v", tc.data, got, tc.want)
		}
	}
	for file, want := range map[string]bool{shopYAML: false, shopOpenSLO: true} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if got := Detect(data); got != want {
			t.Errorf("Detect(%s) = %v, want %v", file, got, want)
		}
	}
}

// TestImportList reads a document that is a list of objects, as OpenSLO's
// Go SDK writes them, with a DataSource whose connectionDetails is a list.
func TestImportList(t *testing.T) {
	const list = `- apiVersion: openslo/v1
  kind: DataSource
  metadata: {name: prom}
  spec:
    type: Prometheus
    connectionDetails:
      - url: http://prometheus:9090
- apiVersion: openslo/v1
  kind: SLO
  metadata: {name: search}
  spec:
    service: shop
    indicator:
      metadata: {name: search}
      spec:
        ratioMetric:
          counter: true
          bad: {metricSource: {metricSourceRef: prom, spec: {query: bad_total}}}
          total: {metricSource: {metricSourceRef: prom, spec: {query: all_total}}}
    timeWindow: [{duration: 7d, isRolling: true}]
    budgetingMethod: Occurrences
    objectives: [{target: 0.99}]
`
	imp, err := Import(File{"list.yaml", []byte(list)})
	if err != nil {
		t.Fatal(err)
	}
	want := &sloconfig.Config{Service: "shop", Journeys: []sloconfig.Journey{{Name: "search", Objectives: []sloconfig.Objective{{Target: 0.99, Period: 7 * day, Source: &slo.Source{Bad: "bad_total", Total: "all_total"}}}}}}
	if d := cmp.Diff(want, imp.Config, ignoreFile); d != "" {
		t.Errorf("config (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]Indicator{"search:availability": {Source: "Prometheus", Bad: "bad_total", Total: "all_total"}}, imp.Indicators); d != "" {
		t.Errorf("indicators (-want +got):\n%s", d)
	}
	// The same as JSON, which OpenSLO's SDK also writes.
	const asJSON = `[{"apiVersion": "openslo/v1", "kind": "SLO", "metadata": {"name": "search"}, "spec": {"service": "shop",
  "indicator": {"metadata": {"name": "search"}, "spec": {"ratioMetric": {"counter": true,
    "bad": {"metricSource": {"type": "Prometheus", "spec": {"query": "bad_total"}}},
    "total": {"metricSource": {"type": "Prometheus", "spec": {"query": "all_total"}}}}}},
  "timeWindow": [{"duration": "7d", "isRolling": true}], "budgetingMethod": "Occurrences", "objectives": [{"target": 0.99}]}}]`
	imp, err = Import(File{"list.json", []byte(asJSON)})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, imp.Config, ignoreFile); d != "" {
		t.Errorf("config from JSON (-want +got):\n%s", d)
	}
}

// TestImportInlinePolicy reads an alert policy written inside its SLO, its
// condition referred to by name.
func TestImportInlinePolicy(t *testing.T) {
	doc := sliYAML + "---\n" + sloYAML("a", `  alertPolicies:
    - kind: AlertPolicy
      metadata: {name: fast}
      spec:
        alertWhenBreaching: true
        alertWhenNoData: false
        conditions: [{conditionRef: fast}]
        notificationTargets: [{targetRef: oncall}]
`) + `---
apiVersion: openslo/v1
kind: AlertCondition
metadata: {name: fast}
spec:
  severity: ticket
  condition: {kind: burnrate, op: gte, threshold: 6, lookbackWindow: 6h, alertAfter: 30m}
`
	imp, err := Import(File{"a.yaml", []byte(doc)})
	if err != nil {
		t.Fatal(err)
	}
	want := []burnrate.Rule{{Long: 6 * time.Hour, Short: 30 * time.Minute, Factor: 6, Severity: burnrate.SeverityTicket}}
	if d := cmp.Diff(want, imp.Config.Journeys[0].Objectives[0].Rules); d != "" {
		t.Errorf("rules (-want +got):\n%s", d)
	}
}

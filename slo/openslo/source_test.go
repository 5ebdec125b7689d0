package openslo

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// sliDoc writes an SLO with its SLI inline, bad (or good) and total.
func sloWithSLI(name, num, numQuery, totalQuery, extra string) string {
	return `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ` + name + `
spec:
  service: shop
  indicator:
    metadata: {name: ` + name + `}
    spec:
      ratioMetric:
        counter: true
        ` + num + `: {metricSource: {type: Prometheus, spec: {query: '` + numQuery + `'}}}
        total: {metricSource: {type: Prometheus, spec: {query: '` + totalQuery + `'}}}
  budgetingMethod: Occurrences
  objectives: [{targetPercent: 99.9}]
` + extra
}

// An SLI over journeyslo's own counters is the journey and objective its
// labels name: two SLOs of one journey are one journey with two
// objectives, and no source, since the rules read those counters anyway.
// An SLI over a histogram's bucket keeps the bucket's bound as the
// objective's latency.
func TestImportOwnCountersAndBuckets(t *testing.T) {
	docs := sloWithSLI("checkout-availability", "bad",
		`sum(journeyslo_sli_events_total{journey="checkout",objective="availability",outcome="bad"})`,
		`sum(journeyslo_sli_events_total{journey="checkout",objective="availability"})`, "") + "---\n" +
		sloWithSLI("checkout-fast", "good",
			`journeyslo_sli_events_total{objective="fast", journey="checkout", outcome="good"}`,
			`journeyslo_sli_events_total{journey="checkout",objective="fast"}`, "") + "---\n" +
		sloWithSLI("search-latency", "good",
			`sum(http_request_duration_seconds_bucket{handler="/search",le="0.3"})`,
			`sum(http_request_duration_seconds_count{handler="/search"})`, "") + "---\n" +
		// Another metric than journeyslo's, or another matcher: a source.
		sloWithSLI("login", "bad",
			`journeyslo_sli_events_total{journey="login",objective="availability",outcome="bad",job="shop"}`,
			`journeyslo_sli_events_total{journey="login",objective="availability",job="shop"}`, "")
	imp, err := Import(File{"slos.yaml", []byte(docs)})
	if err != nil {
		t.Fatal(err)
	}
	want := &sloconfig.Config{Service: "shop", Journeys: []sloconfig.Journey{
		{Name: "checkout", Objectives: []sloconfig.Objective{{Target: 0.999}, {Name: "fast", Target: 0.999}}},
		{Name: "search-latency", Objectives: []sloconfig.Objective{{Target: 0.999, Latency: 300 * time.Millisecond, Source: &slo.Source{
			Good:  `http_request_duration_seconds_bucket{handler="/search",le="0.3"}`,
			Total: `http_request_duration_seconds_count{handler="/search"}`,
		}}}},
		{Name: "login", Objectives: []sloconfig.Objective{{Target: 0.999, Source: &slo.Source{
			Bad:   `journeyslo_sli_events_total{journey="login",objective="availability",outcome="bad",job="shop"}`,
			Total: `journeyslo_sli_events_total{journey="login",objective="availability",job="shop"}`,
		}}}},
	}}
	if d := cmp.Diff(want, imp.Config, ignoreFile); d != "" {
		t.Errorf("config (-want +got):\n%s", d)
	}
	if _, ok := imp.Indicators["checkout:availability"]; ok || len(imp.Indicators) != 2 {
		t.Errorf("Indicators = %v; want search-latency's and login's alone", imp.Indicators)
	}

	// An annotation that names another journey than the counters is an
	// error, at the annotation.
	bad := strings.Replace(sloWithSLI("checkout-availability", "bad",
		`journeyslo_sli_events_total{journey="checkout",objective="availability",outcome="bad"}`,
		`journeyslo_sli_events_total{journey="checkout",objective="availability"}`, ""),
		"  name: checkout-availability\n", "  name: checkout-availability\n  annotations: {journeyslo/journey: basket}\n", 1)
	_, err = Import(File{"bad.yaml", []byte(bad)})
	wantErr := `bad.yaml:5:37: SLO checkout-availability: metadata.annotations.journeyslo/journey: "basket" is another journey than the "checkout" its SLI's counters name; remove the annotation or make them agree`
	if err == nil || err.Error() != wantErr {
		t.Errorf("Import = %v\nwant %s", err, wantErr)
	}
}

// alertWhenNoData: true raises the no-data alert, a ticket after ten
// minutes (a page when its policy pages); the journeyslo/no-data
// annotation says how long and which severity, and wins.
func TestImportNoData(t *testing.T) {
	policy := func(name, sev, cond string, noData bool) string {
		return `---
apiVersion: openslo/v1
kind: AlertPolicy
metadata: {name: ` + name + `}
spec:
  alertWhenNoData: ` + map[bool]string{true: "true", false: "false"}[noData] + `
  conditions:
    - kind: AlertCondition
      metadata: {name: ` + name + `}
      spec:
        severity: ` + sev + `
        condition: {kind: burnrate, op: gte, ` + cond + `}
`
	}
	refs := "  alertPolicies: [{alertPolicyRef: fast}, {alertPolicyRef: slow}]\n"
	for _, tc := range []struct {
		name, ann, fast string
		want            slo.NoData
	}{
		{"ticket", "", "ticket", slo.NoData{After: 10 * time.Minute}},
		{"page", "", "page", slo.NoData{After: 10 * time.Minute, Severity: burnrate.SeverityPage}},
		{"annotation", "  annotations: {journeyslo/no-data: 30m page}\n", "ticket", slo.NoData{After: 30 * time.Minute, Severity: burnrate.SeverityPage}},
	} {
		doc := strings.Replace(sloWithSLI("checkout", "bad", `errors_total`, `requests_total`, refs), "  name: checkout\n", "  name: checkout\n"+tc.ann, 1) +
			policy("fast", tc.fast, "threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m", true) +
			policy("slow", "ticket", "threshold: 1, lookbackWindow: 3d, alertAfter: 6h", false)
		imp, err := Import(File{"slos.yaml", []byte(doc)})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := imp.Config.Journeys[0].Objectives[0].NoData; got != tc.want {
			t.Errorf("%s: NoData = %+v; want %+v", tc.name, got, tc.want)
		}
	}
}

// What slo says of a source is placed at the query it is about.
func TestImportSourceProblemAtQuery(t *testing.T) {
	long := "errors_total{path=\"" + strings.Repeat("x", 5000) + "\"}"
	_, err := Import(File{"slos.yaml", []byte(sloWithSLI("checkout", "bad", long, "requests_total", ""))})
	want := `slos.yaml:12:62: SLO checkout: spec.indicator.spec.ratioMetric.bad.metricSource.spec.query: slo: invalid: Source: Bad is 5021 bytes long; write a query under 4096 bytes`
	if err == nil || err.Error() != want {
		t.Errorf("Import = %.300v\nwant %s", err, want)
	}
}

// An objective's source and no-data alert are exported as the SLI's
// queries and an annotation, with alertWhenNoData on the policies of the
// alert's severity; a source OpenSLO cannot write is refused.
func TestExportSource(t *testing.T) {
	cfg := &sloconfig.Config{Service: "shop", Journeys: []sloconfig.Journey{{Name: "checkout", Objectives: []sloconfig.Objective{{
		Target: 0.999,
		Source: &slo.Source{Bad: `http_requests_total{code=~"5.."}`, Total: "http_requests_total"},
		NoData: slo.NoData{After: 15 * time.Minute},
	}}}}}
	out, err := Export(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"    journeyslo/no-data: 15m\n",
		"          query: http_requests_total{code=~\"5..\"}\n",
		"          query: http_requests_total\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("Export wrote no %q:\n%s", want, out)
		}
	}
	if n, m := strings.Count(string(out), "alertWhenNoData: true"), strings.Count(string(out), "severity: ticket"); n != m || n == 0 {
		t.Errorf("alertWhenNoData: true on %d policies, and %d are tickets; want one a ticket policy:\n%s", n, m, out)
	}
	roundTrip(t, cfg, nil)

	cfg.Journeys[0].Objectives[0].Source = &slo.Source{ErrorRatio: "sum(rate(errors_total[{{.window}}])) / sum(rate(requests_total[{{.window}}]))"}
	_, err = Export(cfg, nil)
	want := "openslo: journeys[0].objectives[0].source: an error ratio over {{.window}} has no place in OpenSLO v1, whose ratioMetric counts good or bad events and all events; write the source as bad and total counters"
	if err == nil || err.Error() != want {
		t.Errorf("Export = %v\nwant %s", err, want)
	}
}

// A query the rules cannot count events with, a rate over a fixed range or
// a gauge, is refused at the query, where slo finds it.
func TestImportQueryShapes(t *testing.T) {
	doc := sloWithSLI("checkout", "bad", `sum(rate(http_requests_total{code=~"5.."}[5m]))`, `queue_depth`, "")
	_, err := Import(File{"slos.yaml", []byte(doc)})
	want := []string{
		`slos.yaml:12:62: SLO checkout: spec.indicator.spec.ratioMetric.bad.metricSource.spec.query: slo: invalid: Source.Bad: column 42: the fixed range [5m] cannot be made event-weighted over the policy's other windows and the period (their ratio would be a mean of short ratios); write [{{.window}}], which the rules set to each window`,
		`slos.yaml:13:64: SLO checkout: spec.indicator.spec.ratioMetric.total.metricSource.spec.query: slo: invalid: Source.Total: column 1: queue_depth does not look like a counter (its name ends in neither _total, _count nor _bucket): the rules count events by a counter's increase, which means nothing for a gauge; select a counter, such as http_requests_total, or write an expression over [{{.window}}]`,
	}
	if err == nil {
		t.Fatal("Import accepted a fixed range and a gauge")
	}
	if d := cmp.Diff(want, strings.Split(err.Error(), "\n")); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}
}

package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/journeyslo/journeyslo/slo/slorules"
)

// slothSpec is a Sloth prometheus/v1 spec of two SLOs over the shop's own
// http_requests_total.
const slothSpec = `version: "prometheus/v1"
service: "shop"
labels:
  owner: "payments"
slos:
  - name: "checkout-availability"
    objective: 99.9
    description: "Checkout answers without a server error."
    sli:
      events:
        error_query: sum(rate(http_requests_total{handler="/checkout",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{handler="/checkout"}[{{.window}}]))
    alerting:
      name: CheckoutHighErrorRate
      labels:
        category: "availability"
      page_alert:
        labels:
          severity: pageteam
      ticket_alert:
        disable: true
  - name: "search-availability"
    objective: 99.5
    sli:
      events:
        error_query: sum(rate(http_requests_total{handler="/search",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{handler="/search"}[{{.window}}]))
`

// slothConfig is slothSpec as a journeyslo config.
const slothConfig = `service: shop
journeys:
  - name: shop
    objectives:
      - name: checkout-availability
        target: 0.999
        labels:
          owner: payments
        source:
          bad: sum(rate(http_requests_total{handler="/checkout",code=~"5.."}[{{.window}}]))
          total: sum(rate(http_requests_total{handler="/checkout"}[{{.window}}]))
        alerting:
          name: CheckoutHighErrorRate
          labels:
            category: availability
          page:
            labels:
              severity: pageteam
          ticket:
            disable: true
      - name: search-availability
        target: 0.995
        labels:
          owner: payments
        source:
          bad: sum(rate(http_requests_total{handler="/search",code=~"5.."}[{{.window}}]))
          total: sum(rate(http_requests_total{handler="/search"}[{{.window}}]))
`

// slothK8s is slothSpec's first SLO as Sloth's Kubernetes resource.
const slothK8s = `apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata: {name: shop, namespace: monitoring}
spec:
  service: shop
  slos:
    - name: checkout-availability
      objective: 99.9
      sli:
        events:
          errorQuery: sum(rate(http_requests_total{handler="/checkout",code=~"5.."}[{{.window}}]))
          totalQuery: sum(rate(http_requests_total{handler="/checkout"}[{{.window}}]))
`

// TestSlothVerbs runs every verb that reads objectives on a Sloth spec,
// and converts it both ways: the rules are those of the objectives
// sloconfig reads from it, and the same from the converted files.
func TestSlothVerbs(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "sloth.yaml", slothSpec)
	k8s := writeFile(t, dir, "sloth-k8s.yaml", slothK8s)

	v := runCmd(t, "validate", spec, k8s)
	v.wantStatus(t, exitOK)
	if want := spec + ": valid Sloth spec: service shop, 2 objectives in 1 journey\n" + k8s + ": valid Sloth spec: service shop, 1 objective in 1 journey\n"; v.stdout != want || v.stderr != "" {
		t.Errorf("journeyslo validate: stdout %q, stderr %q; want %q", v.stdout, v.stderr, want)
	}
	r := runCmd(t, "rules", spec)
	r.wantStatus(t, exitOK)
	rules := wantRules(t, spec, slorules.Prometheus)
	if r.stdout != rules {
		t.Errorf("journeyslo rules %s: the rules differ from slorules' for the spec's objectives", spec)
	}
	// They read the spec's queries, and page under the spec's alert name
	// with its labels, which promtool accepts.
	for _, want := range []string{
		"          sum (sum(rate(http_requests_total{handler=\"/checkout\",code=~\"5..\"}[5m]))) * 300\n",
		"      - alert: CheckoutHighErrorRate\n",
		"          category: availability\n          journey: shop\n          objective: checkout-availability\n          owner: payments\n          severity: pageteam\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("journeyslo rules %s wrote no %q", spec, want)
		}
	}
	checkRules(t, writeFile(t, dir, "shop.rules.yml", r.stdout))

	// To a journeyslo config: the file above, whose rules are the same.
	c := runCmd(t, "convert", spec)
	c.wantStatus(t, exitOK)
	if want := "# Converted by journeyslo convert from " + spec + " (Sloth spec).\n" + slothConfig; c.stdout != want || c.stderr != "" {
		t.Errorf("journeyslo convert %s:\n%s\nstderr %q\nwant\n%s", spec, c.stdout, c.stderr, want)
	}
	config := filepath.Join(dir, "shop.yaml")
	runCmd(t, "convert", "-o", config, spec).wantStatus(t, exitOK)
	if r := runCmd(t, "rules", config); r.status != exitOK || r.stdout != rules {
		t.Errorf("journeyslo rules on the converted config: status %d, rules that differ from the spec's:\n%s", r.status, r.stderr)
	}

	// To OpenSLO: documents whose rules are the same again, and which
	// convert back to the same config.
	openslo := filepath.Join(dir, "shop.openslo.yaml")
	runCmd(t, "convert", "-to", "openslo", "-o", openslo, spec).wantStatus(t, exitOK)
	runCmd(t, "validate", openslo).wantStatus(t, exitOK)
	if r := runCmd(t, "rules", openslo); r.status != exitOK || r.stdout != rules {
		t.Errorf("journeyslo rules on the converted OpenSLO: status %d, rules that differ from the spec's:\n%s", r.status, r.stderr)
	}
	back := runCmd(t, "convert", openslo)
	back.wantStatus(t, exitOK)
	if want := "# Converted by journeyslo convert from " + openslo + " (OpenSLO v1).\n" + slothConfig; back.stdout != want {
		t.Errorf("journeyslo convert %s:\n%s\nwant\n%s", openslo, back.stdout, want)
	}

	// A raw SLI has no OpenSLO form; two services convert one at a time.
	raw := writeFile(t, dir, "raw.yaml", `version: prometheus/v1
service: wifi
slos:
  - name: satisfaction
    objective: 95
    sli: {raw: {error_ratio_query: "sum(rate(wifi_failed_total[{{.window}}])) / sum(rate(wifi_connections_total[{{.window}}]))"}}
`)
	for _, tc := range []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"convert", "-to", "openslo", raw}, exitInvalid, raw + ": openslo: journeys[0].objectives[0].source: an error ratio over {{.window}} has no place in OpenSLO v1, " +
			"whose ratioMetric counts good or bad events and all events; write the source as bad and total counters\n"},
		{[]string{"convert", spec, raw}, exitUsage, "journeyslo convert: 2 services given (" + spec + "; " + raw + "); convert them one at a time\n"},
		{[]string{"convert", "-to", "yaml", spec}, exitUsage, `journeyslo convert: -to "yaml" is neither config nor openslo` + "\n"},
		{[]string{"convert"}, exitUsage, "journeyslo convert: no FILE given; name the Sloth spec or the OpenSLO files to convert\n"},
	} {
		res := runCmd(t, tc.args...)
		res.wantStatus(t, tc.status)
		if !strings.HasPrefix(res.stderr, tc.stderr) || res.stdout != "" {
			t.Errorf("journeyslo %s: stdout %q, stderr\n%s\nwant nothing and a stderr starting with\n%s", strings.Join(tc.args, " "), res.stdout, res.stderr, tc.stderr)
		}
	}
	runCmd(t, "convert", raw).wantStatus(t, exitOK)
}

// TestValidateAgreesWithRules checks, on files that rules accepts and on
// files it refuses, that validate says the same: the same status, and the
// same problems.
func TestValidateAgreesWithRules(t *testing.T) {
	slo := func(name, sli string) string {
		return `apiVersion: openslo/v1
kind: SLO
metadata: {name: ` + name + `}
spec:
  service: shop
  indicator:
    metadata: {name: ` + name + `}
    spec:
` + sli + `
  budgetingMethod: Occurrences
  objectives: [{targetPercent: 99.9}]
`
	}
	ratio := func(typ, bad, total string) string {
		return `      ratioMetric:
        counter: true
        bad: {metricSource: {type: ` + typ + `, spec: {query: '` + bad + `'}}}
        total: {metricSource: {type: ` + typ + `, spec: {query: '` + total + `'}}}`
	}
	files := writeFiles(t, map[string]string{
		"sloth.yaml":     slothSpec,
		"sloth-k8s.yaml": slothK8s,
		"sloth-plugin.yaml": `version: prometheus/v1
service: shop
slos:
  - name: api
    objective: 99.9
    sli: {plugin: {id: sloth-common/kubernetes/apiserver/availability}}
`,
		// A raw SLI over a gauge, which no rule can weigh by events.
		"sloth-gauge.yaml": `version: prometheus/v1
service: wifi
slos:
  - name: satisfaction
    objective: 95
    sli: {raw: {error_ratio_query: "1 - avg(avg_over_time(wifi_satisfaction_ratio[{{.window}}]))"}}
`,
		// The cases the rules refused though validate accepted them.
		"http.openslo.yaml": slo("checkout", ratio("Prometheus", `sum(http_requests_total{handler="/checkout",code=~"5.."})`, `sum(http_requests_total{handler="/checkout"})`)),
		"own.openslo.yaml": slo("checkout-availability", ratio("Prometheus",
			`sum(journeyslo_sli_events_total{journey="checkout",objective="availability",outcome="bad"})`,
			`sum(journeyslo_sli_events_total{journey="checkout",objective="availability"})`)) + "---\n" +
			slo("checkout-latency", ratio("Prometheus",
				`sum(journeyslo_sli_events_total{journey="checkout",objective="latency",outcome="bad"})`,
				`sum(journeyslo_sli_events_total{journey="checkout",objective="latency"})`)),
		"datadog.openslo.yaml":   slo("checkout", ratio("Datadog", "sum:errors{*}.as_count()", "sum:all{*}.as_count()")),
		"threshold.openslo.yaml": slo("checkout", "      thresholdMetric: {metricSource: {type: Prometheus, spec: {query: up}}}"),
		"source.yaml": `service: shop
journeys:
  - name: checkout
    objectives:
      - {target: 99.9%, source: {bad: errors_total}}
`,
	})
	for name, wantOK := range map[string]bool{
		"sloth.yaml": true, "sloth-k8s.yaml": true, "sloth-plugin.yaml": false, "sloth-gauge.yaml": false,
		"http.openslo.yaml": true, "own.openslo.yaml": true,
		"datadog.openslo.yaml": false, "threshold.openslo.yaml": false, "source.yaml": false,
	} {
		path := files[name]
		v, r := runCmd(t, "validate", path), runCmd(t, "rules", path)
		if (v.status == exitOK) != wantOK || (r.status == exitOK) != wantOK {
			t.Errorf("%s: validate exits %d, rules %d; want both %v\nvalidate: %s\nrules: %s", name, v.status, r.status, wantOK, v.stderr, r.stderr)
		}
		if v.stderr != r.stderr {
			t.Errorf("%s: validate and rules disagree:\n%s\nand\n%s", name, v.stderr, r.stderr)
		}
	}
	// Two SLOs of journeyslo's own counters of one journey are that
	// journey's two objectives.
	if v := runCmd(t, "validate", files["own.openslo.yaml"]); v.stdout != files["own.openslo.yaml"]+": valid OpenSLO v1: service shop, 2 objectives in 1 journey\n" {
		t.Errorf("journeyslo validate own.openslo.yaml: %q", v.stdout)
	}
}

// TestSlothBinary runs the binary on a Sloth spec as a user would: what it
// writes is what the in-process runs write.
func TestSlothBinary(t *testing.T) {
	exe := builtCommand(t)
	dir := t.TempDir()
	spec := writeFile(t, dir, "sloth.yaml", slothSpec)
	for _, args := range [][]string{
		{"help", "convert"},
		{"validate", spec},
		{"rules", spec},
		{"convert", spec},
		{"convert", "-to", "openslo", spec},
	} {
		got, want := exe(args...), runCmd(t, args...)
		got.wantStatus(t, exitOK)
		if got.stdout != want.stdout || got.stderr != want.stderr {
			t.Errorf("journeyslo %s: the binary wrote\nstdout:\n%s\nstderr:\n%s\nwhere run wrote\nstdout:\n%s\nstderr:\n%s",
				strings.Join(args, " "), got.stdout, got.stderr, want.stdout, want.stderr)
		}
	}
}

// A file of several Sloth specs is several services, as Sloth reads it:
// each validates on its own line, and rules writes each its own file.
func TestSlothSeveralSpecs(t *testing.T) {
	dir := t.TempDir()
	two := writeFile(t, dir, "services.yaml", slothSpec+"---\n"+strings.Replace(slothSpec, `service: "shop"`, `service: "search"`, 1))
	v := runCmd(t, "validate", two)
	v.wantStatus(t, exitOK)
	if want := two + ": valid Sloth spec: service shop, 2 objectives in 1 journey\n" + two + ": valid Sloth spec: service search, 2 objectives in 1 journey\n"; v.stdout != want {
		t.Errorf("journeyslo validate %s: %q, want %q", two, v.stdout, want)
	}
	r := runCmd(t, "rules", two)
	r.wantStatus(t, exitUsage)
	if want := "journeyslo rules: 2 services given without -o: each gives its own rule file; write them into a directory with -o DIR\n"; !strings.HasPrefix(r.stderr, want) {
		t.Errorf("journeyslo rules %s: stderr %q, want %q", two, r.stderr, want)
	}
	out := filepath.Join(dir, "rules")
	runCmd(t, "rules", "-o", out, two).wantStatus(t, exitOK)
	for _, svc := range []string{"shop", "search"} {
		checkRules(t, filepath.Join(out, svc+".rules.yml"))
	}
}

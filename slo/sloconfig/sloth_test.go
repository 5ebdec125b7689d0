package sloconfig_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// slothShop is what both forms of testdata/sloth/shop give: one journey
// named after the service, one objective per SLO, Sloth's labels on each
// (the SLO's winning over the service's), its queries as the source, and
// its alerts' name and labels kept for the routes that match them.
var slothShop = []slo.Objective{
	{
		Journey: "shop", Name: "checkout-availability", Target: 0.999,
		Labels: map[string]string{"owner": "payments", "tier": "0"},
		Source: &slo.Source{
			Bad:   `sum(rate(http_requests_total{handler="/checkout",code=~"5.."}[{{.window}}]))`,
			Total: `sum(rate(http_requests_total{handler="/checkout"}[{{.window}}]))`,
		},
		Alerting: &slo.Alerting{
			Name:        "CheckoutHighErrorRate",
			Labels:      map[string]string{"category": "availability"},
			Annotations: map[string]string{"summary": "Checkout fails"},
			Page:        slo.AlertSeverity{Labels: map[string]string{"severity": "pageteam", "routing_key": "payments"}},
			Ticket:      slo.AlertSeverity{Labels: map[string]string{"severity": "slack", "slack_channel": "#alerts-payments"}},
		},
	},
	{
		Journey: "shop", Name: "search-latency", Target: 0.995,
		Labels: map[string]string{"owner": "payments", "tier": "1"},
		Source: &slo.Source{ErrorRatio: "1 - (\n" +
			"  sum(rate(http_request_duration_seconds_bucket{handler=\"/search\",le=\"0.3\"}[{{.window}}]))\n" +
			"  /\n" +
			"  sum(rate(http_request_duration_seconds_count{handler=\"/search\"}[{{.window}}]))\n" +
			")\n"},
		Alerting: &slo.Alerting{Page: slo.AlertSeverity{Disable: true}},
	},
}

func TestSlothSpec(t *testing.T) {
	for _, file := range []string{"testdata/sloth/shop.yaml", "testdata/sloth/shop-k8s.yaml"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !sloconfig.IsSloth(data) {
			t.Errorf("IsSloth(%s) = false", file)
		}
		c, err := sloconfig.Load(file)
		if err != nil {
			t.Fatalf("Load(%s): %v", file, err)
		}
		if c.Service != "shop" || len(c.Journeys) != 1 || c.Journeys[0].Name != "shop" {
			t.Errorf("%s: service %q, journeys %+v; want one journey named after service shop", file, c.Service, c.Journeys)
		}
		if diff := cmp.Diff(slothShop, c.Objectives()); diff != "" {
			t.Errorf("%s: Objectives (-want +got):\n%s", file, diff)
		}
		registry(t, c.Objectives())
		// Written as a journeyslo file, it reads back the same.
		out, err := c.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		back, err := sloconfig.Parse("back.yaml", out)
		if err != nil {
			t.Fatalf("%s written as a journeyslo file: %v\n%s", file, err, out)
		}
		if diff := cmp.Diff(slothShop, back.Objectives()); diff != "" {
			t.Errorf("%s read back (-want +got):\n%s", file, diff)
		}
	}
	for _, s := range []string{"service: shop\njourneys: []\n", "apiVersion: openslo/v1\n", "version: prometheus/v2\n", "- a\n", ""} {
		if sloconfig.IsSloth([]byte(s)) {
			t.Errorf("IsSloth(%q) = true", s)
		}
	}
}

// Every problem of a Sloth spec is placed at the node that writes it,
// slo's reasons included; plugins are refused, since Sloth runs them as
// code.
func TestSlothProblems(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"file", `version: "prometheus/v1"
service: shop
labels: {journey: x}
slo_plugins: {chain: [{id: sloth.dev/core/debug/v1}]}
slos:
  - name: checkout
    objective: 100
    sli: {events: {error_query: "a[{{.window}}]"}}
  - name: search
    objective: "99.9%"
    sli:
      plugin: {id: sloth-common/kubernetes/apiserver/availability}
  - name: login
    objective: 99
    sli:
      events: {error_query: "a[{{.window}}]", total_query: "b[{{.window}}]"}
      raw: {error_ratio_query: "c[{{.window}}]"}
  - name: login
    objective: 99
    plugins: {chain: []}
    sli: {raw: {error_ratio_query: "c[{{.window}}]"}}
    alerting:
      name: Login-Alert
      labels: {severity: x, "bad label": y}
      page_alert: {disable: yes}
      ticket_alert: {silence: true}
  - name: pay
    objective: 99.9
    sli: {raw: {error_ratio_query: "1 - avg_over_time(payment_success_ratio[{{.window}}])"}}
`, []string{
			`f.yaml:3:10: shop:pay: slo: invalid: Labels: "journey" is a label the generated rules set themselves; choose another name, such as team or cluster`,
			`f.yaml:4:14: slo_plugins: Sloth runs plugins as code, which journeyslo cannot; write the plugin's queries as events (error_query and total_query)`,
			`f.yaml:7:16: slos[0].objective: "100" leaves no error budget; write a percent below 100, such as 99.9`,
			`f.yaml:8:19: slos[0].sli.events: field "total_query" is missing; an events SLI needs it`,
			`f.yaml:10:16: slos[1].objective: "99.9%" is not a number; write a percent below 100, such as 99.9`,
			`f.yaml:12:15: slos[1].sli.plugin: Sloth runs plugins as code, which journeyslo cannot; write the plugin's queries as events (error_query and total_query)`,
			`f.yaml:16:7: slos[2].sli: gives 2 kinds of SLI; give one of events, raw and plugin`,
			`f.yaml:18:5: slos[3]: SLO "login" is also slos[2]; give each SLO of a service its own name`,
			`f.yaml:20:14: slos[3].plugins: Sloth runs plugins as code, which journeyslo cannot; write the plugin's queries as events (error_query and total_query)`,
			`f.yaml:25:29: slos[3].alerting.page_alert.disable: "yes" is not true or false; write true or false`,
			`f.yaml:26:22: slos[3].alerting.ticket_alert: unknown field "silence"; an alert has the fields disable, labels, annotations`,
			`f.yaml:29:36: shop:pay: slo: invalid: Source.ErrorRatio: column 40: avg_over_time over [{{.window}}]: it aggregates samples over time, not a counter's events; only rate and increase count events over a window, as in sum(rate(http_requests_total[{{.window}}]))`,
		}},
		{"kubernetes", `apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata: {name: shop}
spec:
  service: shop
  slos:
    - name: checkout
      objective: 99.9
      sli: {events: {errorQuery: "rate(a_total[{{.window}}])", totalQuery: "rate(b_total[{{.window}}])"}}
      alerting:
        name: 9Lives
        labels: {"bad label": y}
    - name: search
      objective: 99.9
      sli: {raw: {error_ratio_query: "c[{{.window}}]"}}
`, []string{
			`f.yaml:11:15: shop:checkout: slo: invalid: Alerting.Name "9Lives" is not an alert name: use letters, digits and '_', not starting with a digit`,
			`f.yaml:12:18: shop:checkout: slo: invalid: Alerting.Labels: "bad label" is not a label name: use letters, digits and '_', not starting with a digit or "__"`,
			`f.yaml:15:18: spec.slos[1].sli.raw: field "errorRatioQuery" is missing; a raw SLI needs it`,
			`f.yaml:15:19: spec.slos[1].sli.raw: unknown field "error_ratio_query"; a raw SLI has the fields errorRatioQuery`,
		}},
		{"second document", "version: prometheus/v1\nservice: a\nslos: [{name: x, objective: 99, sli: {raw: {error_ratio_query: q}}}]\n---\nversion: prometheus/v1\n", []string{
			`f.yaml:5:1: Parse reads one Sloth spec, one service, and this is a second one: read the file with ParseSloth, which gives a config per spec, or put each spec in a file of its own`,
		}},
		{"wrong kind", "apiVersion: sloth.slok.dev/v1\nkind: AlertWindows\nspec: {sloPeriod: 7d}\n", []string{
			`f.yaml:2:7: kind: "AlertWindows" is not read here; write PrometheusServiceLevel (a Sloth SLO spec)`,
			`f.yaml:3:7: spec: field "service" is missing; a PrometheusServiceLevel's spec needs it`,
			`f.yaml:3:7: spec: field "slos" is missing; a PrometheusServiceLevel's spec needs it`,
			`f.yaml:3:8: spec: unknown field "sloPeriod"; a PrometheusServiceLevel's spec has the fields service, labels, sloPlugins, slos`,
		}},
	} {
		c, err := sloconfig.Parse("f.yaml", []byte(tc.in))
		if c != nil || !errors.Is(err, slo.ErrInvalid) {
			t.Errorf("%s: Parse = %v, %v; want no config and slo.ErrInvalid", tc.name, c, err)
		}
		got := problems(t, err)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: problems (-want +got):\n%s\ngot:\n%s", tc.name, diff, strings.Join(got, "\n"))
		}
	}
}

// FuzzParseSloth feeds the Sloth reader anything that starts as a spec:
// it must never panic, every problem must be an *Error at a line and
// column, and every spec it accepts must make a registry and write a
// journeyslo file that reads back to the same objectives.
func FuzzParseSloth(f *testing.F) {
	for _, file := range []string{"testdata/sloth/shop.yaml", "testdata/sloth/shop-k8s.yaml"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("version: prometheus/v1\nservice: a\nslos: [{name: x, objective: 99, sli: {raw: {error_ratio_query: q}}, alerting: {page_alert: {disable: true}}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := sloconfig.Parse("fuzz.yaml", data)
		if err != nil {
			if c != nil {
				t.Fatal("Parse returned a config with its error")
			}
			errs := []error{err}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs = j.Unwrap()
			}
			for _, e := range errs {
				var fe *sloconfig.Error
				if !errors.As(e, &fe) || !errors.Is(e, slo.ErrInvalid) || fe.Line < 1 || fe.Column < 1 || fe.Err.Error() == "" {
					t.Fatalf("problem %q: want an *sloconfig.Error at a line and column, matching slo.ErrInvalid", e)
				}
			}
			return
		}
		checkRegistry(t, "fuzz", c)
		b, err := c.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a config that loads: %v", err)
		}
		back, err := sloconfig.Parse("fuzz.yaml", b)
		if err != nil {
			t.Fatalf("Parse(Marshal(c)) = %v\n%s", err, b)
		}
		if diff := cmp.Diff(c.Objectives(), back.Objectives()); diff != "" {
			t.Fatalf("Parse(Marshal(c)) (-c +back):\n%s", diff)
		}
	})
}

// ParseSloth reads a file of several specs, one config per service, and
// every problem of every spec.
func TestParseSloth(t *testing.T) {
	const two = `version: prometheus/v1
service: shop
slos: [{name: checkout, objective: 99.9, sli: {events: {error_query: "rate(errors_total[{{.window}}])", total_query: "rate(requests_total[{{.window}}])"}}}]
---
version: prometheus/v1
service: search
slos: [{name: query, objective: 99, sli: {events: {error_query: "rate(search_errors_total[{{.window}}])", total_query: "rate(search_total[{{.window}}])"}}}]
`
	cs, err := sloconfig.ParseSloth("two.yaml", []byte(two))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs {
		for _, o := range c.Objectives() {
			got = append(got, c.Service+" "+slo.ObjectiveKey(o.Journey, o.Name)+" "+o.Source.Bad)
		}
	}
	want := []string{"shop shop:checkout rate(errors_total[{{.window}}])", "search search:query rate(search_errors_total[{{.window}}])"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseSloth (-want +got):\n%s", diff)
	}
	_, err = sloconfig.ParseSloth("bad.yaml", []byte(strings.Replace(strings.Replace(two, "objective: 99.9", "objective: 100", 1), "service: search", "service: [search]", 1)))
	wantErr := []string{
		`bad.yaml:3:36: slos[0].objective: "100" leaves no error budget; write a percent below 100, such as 99.9`,
		`bad.yaml:6:10: service is a list; write the service's name, such as myservice`,
	}
	if diff := cmp.Diff(wantErr, problems(t, err)); diff != "" {
		t.Errorf("ParseSloth's problems (-want +got):\n%s", diff)
	}
	if _, err := sloconfig.ParseSloth("empty.yaml", nil); err == nil || err.Error() != "empty.yaml:1:1: the file is empty; a Sloth spec has a version, a service and its slos" {
		t.Errorf("ParseSloth of an empty file: %v", err)
	}
}

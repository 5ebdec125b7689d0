package slo_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// fleetObjective carries every field the fleet's rules read.
func fleetObjective() slo.Objective {
	return slo.Objective{
		Journey: "checkout", Target: 0.999,
		Source: &slo.Source{
			Bad:   `sum by (cluster) (rate(http_requests_total{handler="/checkout",code=~"5.."}[{{.window}}]))`,
			Total: `http_requests_total{handler="/checkout"}`,
		},
		GroupBy: []string{"cluster", "tier"},
		NoData:  slo.NoData{After: 15 * time.Minute, Severity: burnrate.SeverityPage},
		Alerting: &slo.Alerting{
			Name:        "SLOBurn",
			Labels:      map[string]string{"team": "shop"},
			Annotations: map[string]string{"dashboard": "https://grafana.example.com/d/checkout"},
			Page:        slo.AlertSeverity{Labels: map[string]string{"severity": "critical"}, Annotations: map[string]string{"oncall": "now"}},
			Ticket:      slo.AlertSeverity{Disable: true},
		},
	}
}

// TestFleetFieldsEncode: the fields read back as written, in JSON and in
// YAML, under the names the files use.
func TestFleetFieldsEncode(t *testing.T) {
	o := fleetObjective()
	j, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"groupBy":["cluster","tier"]`, `"noData":{"after":"15m","severity":"page"}`, `"name":"SLOBurn"`, `"disable":true`} {
		if !strings.Contains(string(j), want) {
			t.Errorf("JSON %s does not hold %s", j, want)
		}
	}
	if strings.Contains(string(j), "errorRatio") {
		t.Errorf("JSON %s holds the empty errorRatio", j)
	}
	var fromJSON slo.Objective
	if err := json.Unmarshal(j, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(o, fromJSON); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
	y, err := yaml.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var fromYAML slo.Objective
	if err := yaml.Unmarshal(y, &fromYAML); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(o, fromYAML); diff != "" {
		t.Errorf("YAML round trip (-want +got):\n%s", diff)
	}
	if err := o.Validate(); err != nil {
		t.Errorf("Validate() = %v; want nil", err)
	}
}

// TestFleetFieldsCloned: WithDefaults gives the objective its own copies,
// so that a reader may change them without changing the caller's.
func TestFleetFieldsCloned(t *testing.T) {
	o := fleetObjective()
	d := o.WithDefaults()
	d.Source.Bad = "x_total"
	d.GroupBy[0] = "zone"
	d.Alerting.Labels["team"] = "other"
	d.Alerting.Page.Labels["severity"] = "info"
	if diff := cmp.Diff(fleetObjective(), o); diff != "" {
		t.Errorf("changing the defaulted copy changed the caller's objective (-want +got):\n%s", diff)
	}
}

// TestFleetFieldsValidate: each structural mistake is one reason, naming
// the field and what would be right.
func TestFleetFieldsValidate(t *testing.T) {
	base := slo.Objective{Journey: "checkout", Target: 0.999}
	with := func(f func(*slo.Objective)) slo.Objective { o := base; f(&o); return o }
	for _, tc := range []struct {
		o    slo.Objective
		want string
	}{
		{with(func(o *slo.Objective) { o.Source = &slo.Source{Bad: "e_total"} }),
			"slo: invalid: Source: give two of Good, Bad and Total (such as Bad and Total), or ErrorRatio alone"},
		{with(func(o *slo.Objective) {
			o.Source = &slo.Source{Bad: "e_total", Total: "r_total", ErrorRatio: "sum(rate(e_total[{{.window}}]))"}
		}), "slo: invalid: Source: ErrorRatio is used alone; remove Good, Bad and Total, or remove ErrorRatio"},
		{with(func(o *slo.Objective) { o.GroupBy = []string{"journey"} }),
			`slo: invalid: GroupBy: "journey" is a label the rules set themselves; group by a label of the counters, such as cluster`},
		{with(func(o *slo.Objective) { o.GroupBy = []string{"cluster", "cluster"} }), `slo: invalid: GroupBy: "cluster" is listed twice`},
		{with(func(o *slo.Objective) { o.GroupBy = []string{"team"}; o.Labels = map[string]string{"team": "shop"} }),
			`slo: invalid: GroupBy: "team" is also one of Labels, which gives it one value; group by it or label it, not both`},
		{with(func(o *slo.Objective) { o.NoData.After = 1500 * time.Millisecond }),
			"slo: invalid: NoData.After 1.5s: use a positive whole number of seconds, such as 10m, or 0 for no alert"},
		{with(func(o *slo.Objective) { o.Alerting = &slo.Alerting{Name: "1bad"} }),
			`slo: invalid: Alerting.Name "1bad" is not an alert name: use letters, digits and '_', not starting with a digit`},
		{with(func(o *slo.Objective) {
			o.Alerting = &slo.Alerting{Ticket: slo.AlertSeverity{Labels: map[string]string{"window": "1h"}}}
		}), `slo: invalid: Alerting.Ticket.Labels: "window" is a label the rules set themselves; choose another name`},
	} {
		err := tc.o.Validate()
		if err == nil || err.Error() != tc.want {
			t.Errorf("Validate() = %v;\nwant %s", err, tc.want)
		}
	}
}

package slo_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

func TestShapeOf(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want slo.QueryShape
	}{
		{`http_requests_total{handler="/checkout",code=~"5.."}`, slo.QueryShape{Metric: "http_requests_total"}},
		{`http_requests_total`, slo.QueryShape{Metric: "http_requests_total"}},
		{`{__name__="rpc_server_handled_total", code!="OK"}`, slo.QueryShape{Metric: "rpc_server_handled_total"}},
		{`http_request_duration_seconds_bucket{le="0.3"}`, slo.QueryShape{Metric: "http_request_duration_seconds_bucket"}},
		{`sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))`, slo.QueryShape{Window: true, PerSecond: true}},
		{`sum by (cluster) (increase(http_requests_total{code=~"(5..|429)"}[{{ .window }}]))`, slo.QueryShape{Window: true}},
		{`sum(rate(a_total[{{.window}}])) / sum(rate(b_total[{{.window}}]))`, slo.QueryShape{Window: true, PerSecond: true}},
		{"sum(rate(a_count[{{.window}}])) # the calls\n - sum(rate(b_bucket{le=\"1\"}[{{.window}}]))", slo.QueryShape{Window: true, PerSecond: true}},
	} {
		got, err := slo.ShapeOf(tc.q)
		if err != nil || got != tc.want {
			t.Errorf("ShapeOf(%q) = %+v, %v; want %+v", tc.q, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ q, want string }{
		{`http_requests_in_flight{job="shop"}`, `column 1: http_requests_in_flight does not look like a counter (its name ends in neither _total, _count nor _bucket): the rules count events by a counter's increase, which means nothing for a gauge; select a counter, such as http_requests_total, or write an expression over [{{.window}}]`},
		{`{job="shop"}`, `column 1: the selector names no metric; name the counter, such as http_requests_total{code=~"5.."}`},
		{`sum(rate(http_requests_total{code=~"5.."}[5m]))`, `column 42: the fixed range [5m] cannot be made event-weighted over the policy's other windows and the period (their ratio would be a mean of short ratios); write [{{.window}}], which the rules set to each window`},
		{`http_requests_total[5m]`, `column 20: the fixed range [5m] cannot be made event-weighted`},
		{`sum(irate(x_total[{{.window}}]))`, `column 18: irate over [{{.window}}]: it reads only the last two samples of the range; only rate and increase count events over a window`},
		{`sum(delta(queue_depth[{{.window}}]))`, `column 22: delta over [{{.window}}]: it is the change of a gauge`},
		{`avg_over_time(up[{{.window}}])`, `column 17: avg_over_time over [{{.window}}]: it aggregates samples over time, not a counter's events`},
		{`sum(rate(x_total[{{.window}}] offset {{.window}}))`, `column 38: {{.window}} outside a range`},
		{`rate(sum(x_total)[{{.window}}:1m])`, `column 18: a subquery`},
		{`sum(rate(x_total[{{.window}}])) / sum(increase(y_total[{{.window}}]))`, `column 1: both rate and increase`},
		{`sum(rate(x_total[{{.range}}]))`, `column 18: a template action other than {{.window}}`},
		{`sum(x_total{code="5`, `column 18: a string that is not closed`},
		{`sum(x_total) > {{.window}}`, `column 16: {{.window}} outside a range`},
		{"sum(rate(a_total[{{.window}}]))\n/\n  sum(irate(b_total[{{.window}}]))", `line 3, column 20: irate over [{{.window}}]`},
	} {
		_, err := slo.ShapeOf(tc.q)
		var se *slo.SourceError
		if !errors.As(err, &se) || !strings.HasPrefix(strings.TrimPrefix(err.Error(), "Source.: "), tc.want) {
			t.Errorf("ShapeOf(%q) = %v; want a SourceError starting %q", tc.q, err, tc.want)
		}
	}
}

// TestValidateSource: Validate reports a query's problem with its field
// and column, as a SourceError a file reader can place.
func TestValidateSource(t *testing.T) {
	o := slo.Objective{Journey: "checkout", Target: 0.999, Source: &slo.Source{
		Bad:   `http_requests_total{code=~"5.."}`,
		Total: `sum(rate(http_requests_total[5m]))`,
	}}
	err := o.Validate()
	var se *slo.SourceError
	if !errors.Is(err, slo.ErrInvalid) || !errors.As(err, &se) || se.Field != "Total" || se.Offset != 28 {
		t.Fatalf("Validate() = %v (%+v); want Source.Total at offset 28", err, se)
	}
	if want := "slo: invalid: Source.Total: column 29: the fixed range [5m] cannot"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Validate() = %q; want it to start %q", err, want)
	}

	for _, tc := range []struct {
		name string
		o    slo.Objective
		want string
	}{
		{"ratio as a selector", slo.Objective{Journey: "a", Target: 0.99, Source: &slo.Source{ErrorRatio: `errors_total`}},
			"slo: invalid: Source.ErrorRatio: column 1: a selector is not a ratio"},
		{"severity for both", slo.Objective{Journey: "a", Target: 0.99, Alerting: &slo.Alerting{Labels: map[string]string{"severity": "critical"}}},
			"slo: invalid: Alerting.Labels: severity tells the page from the ticket"},
		{"same severity", slo.Objective{Journey: "a", Target: 0.99, Alerting: &slo.Alerting{
			Page: slo.AlertSeverity{Labels: map[string]string{"severity": "critical"}}, Ticket: slo.AlertSeverity{Labels: map[string]string{"severity": "critical"}}}},
			`slo: invalid: Alerting: the page and the ticket both have severity "critical"`},
	} {
		if err := tc.o.Validate(); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: Validate() = %v; want it to start %q", tc.name, err, tc.want)
		}
	}

	// What is valid: a ratio (with a guard the registry holds, the fleet's
	// rules cannot), a disabled ticket
	// sharing the page's severity, a grouped selector pair.
	for _, o := range []slo.Objective{
		{Journey: "a", Target: 0.99, Policy: burnrate.Policy{MinEvents: 500},
			Source: &slo.Source{ErrorRatio: `sum(rate(e_total[{{.window}}])) / sum(rate(r_total[{{.window}}]))`}},
		{Journey: "a", Target: 0.99, Alerting: &slo.Alerting{Name: "SLOBurn",
			Page: slo.AlertSeverity{Labels: map[string]string{"severity": "critical"}}, Ticket: slo.AlertSeverity{Labels: map[string]string{"severity": "critical"}, Disable: true}}},
		{Journey: "a", Target: 0.99, GroupBy: []string{"cluster"}, NoData: slo.NoData{After: 10 * time.Minute},
			Source: &slo.Source{Good: `http_requests_total{code!~"5.."}`, Total: `http_requests_total`}},
	} {
		if err := o.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v; want nil", o, err)
		}
	}
}

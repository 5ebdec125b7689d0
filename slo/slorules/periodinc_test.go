package slorules_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// periodGroupOf returns the rules of the period group of the objective
// (journey, name) in f.
func periodGroupOf(t *testing.T, f slorules.RuleFile, journey, name string) slorules.Group {
	t.Helper()
	for _, g := range f.Groups {
		if g.Name == "journeyslo:"+journey+":"+name+":period" {
			return g
		}
	}
	t.Fatalf("no period group for %s/%s", journey, name)
	return slorules.Group{}
}

// TestPeriodIncrementsExpressions pins the rules WithPeriodIncrements
// writes: the increments by outcome at each step of the period group, the
// period's events as their sum over the period less a millisecond, and
// the default increase() where the option does not apply.
func TestPeriodIncrementsExpressions(t *testing.T) {
	f, err := slorules.Generate([]slo.Objective{
		{Journey: "checkout", Target: 0.999, Period: 28 * 24 * time.Hour, GroupBy: []string{"region"}},
		{Journey: "search", Target: 0.99, Source: &slo.Source{
			Bad:   `http_requests_total{code=~"5.."}`,
			Total: `http_requests_total`,
		}},
		{Journey: "login", Target: 0.99, Source: &slo.Source{
			Bad:   `sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))`,
			Total: `sum(rate(http_requests_total[{{.window}}]))`,
		}},
	}, slorules.WithPeriodIncrements(), slorules.WithPeriodInterval(2*time.Minute), slorules.WithSelector(`job="shop"`))
	if err != nil {
		t.Fatal(err)
	}
	c := `journeyslo_sli_events_total{journey="checkout",objective="availability",job="shop"}`
	g := periodGroupOf(t, f, "checkout", "availability")
	if g.Interval != 2*time.Minute {
		t.Errorf("period group interval %v, want 2m", g.Interval)
	}
	want := []struct{ record, expr, window string }{
		{slorules.EventsIncrements,
			`sum by (journey, objective, outcome, region) ((` + c + ` - last_over_time(` + c + `[1h] offset 2m)) >= 0 or ` + c + `)`, "2m"},
		{slorules.EventsPrefix + "28d",
			`sum_over_time(` + slorules.EventsIncrements + `{journey="checkout",objective="availability"}[27d23h59m59s999ms])`, "28d"},
	}
	if len(g.Rules) < len(want)+1 {
		t.Fatalf("period group has %d rules, want at least %d", len(g.Rules), len(want)+1)
	}
	for i, w := range want {
		r := g.Rules[i]
		if r.Record != w.record || r.Expr != w.expr || r.Labels["window"] != w.window {
			t.Errorf("rule %d: %s = %q (window %q)\nwant %s = %q (window %q)", i, r.Record, r.Expr, r.Labels["window"], w.record, w.expr, w.window)
		}
	}
	if r := g.Rules[2]; r.Record != slorules.ErrorRatioPrefix+"28d" {
		t.Errorf("rule 2 records %s, want the period's ratio %s28d, unchanged", r.Record, slorules.ErrorRatioPrefix)
	}

	bad, total := `http_requests_total{code=~"5.."}`, `http_requests_total`
	inc := func(q string) string {
		return `sum ((` + q + ` - last_over_time(` + q + `[1h] offset 2m)) >= 0 or ` + q + `)`
	}
	g = periodGroupOf(t, f, "search", "availability")
	if got, want := g.Rules[0].Expr, inc(bad)+"\nor on ()\n0 * "+inc(total); got != want {
		t.Errorf("search's bad increments:\n%s\nwant\n%s", got, want)
	}
	if got, want := g.Rules[1].Expr, "clamp_min(\n  "+inc(total)+"\n  - on ()\n  "+slorules.EventsIncrements+`{journey="search",objective="availability",outcome="bad"}`+",\n  0\n)"; got != want {
		t.Errorf("search's good increments:\n%s\nwant\n%s", got, want)
	}
	if r := g.Rules[2]; r.Record != slorules.EventsPrefix+"30d" || !strings.HasPrefix(r.Expr, "sum_over_time("+slorules.EventsIncrements) {
		t.Errorf("search's period events: %s = %q, want the sum of the increments", r.Record, r.Expr)
	}

	// An expression over {{.window}} keeps increase(): its rate.
	g = periodGroupOf(t, f, "login", "availability")
	for _, r := range g.Rules {
		if r.Record == slorules.EventsIncrements || strings.Contains(r.Expr, "sum_over_time") {
			t.Errorf("login's period group sums increments (%s = %q); want its {{.window}} expression over 30d", r.Record, r.Expr)
		}
	}
	if r := g.Rules[0]; !strings.Contains(r.Expr, `[30d]`) {
		t.Errorf("login's period events %q, want the expression over 30d", r.Expr)
	}
}

// TestPromtoolPeriodIncrements runs an objective over a 1-hour period,
// evaluated every minute with its counters scraped every minute, through
// promtool with WithPeriodIncrements, and checks the recorded period
// events against the exact counts written, before and across a reset of
// the good counter: equal, and equal to increase() over the period, which
// has a sample at both ends of its range and so extrapolates nothing.
func TestPromtoolPeriodIncrements(t *testing.T) {
	promtest.Promtool(t)
	const minutes = 150
	policy := burnrate.Policy{Rules: []burnrate.Rule{{Severity: burnrate.SeverityPage, Long: 10 * time.Minute, Short: 2 * time.Minute, Factor: 5}}}
	f, err := slorules.Generate([]slo.Objective{{Journey: checkout, Target: 0.9, Period: time.Hour, Policy: policy}},
		slorules.WithPeriodIncrements(), slorules.WithPeriodInterval(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	// Events of minute m, between the samples at m-1 and m; the good
	// counter restarts at minute 100 (it holds that minute's events only).
	good := func(m int) float64 { return float64(m%7 + 3) }
	bad := func(m int) float64 {
		if m%5 == 0 {
			return 2
		}
		return 0
	}
	series := func(events func(int) float64, reset int) string {
		var v float64
		out := make([]string, minutes+1)
		for m := 0; m <= minutes; m++ {
			if m == reset {
				v = 0
			}
			if m > 0 {
				v += events(m)
			}
			out[m] = strconv.FormatFloat(v, 'f', -1, 64)
		}
		return strings.Join(out, " ")
	}
	counter := func(outcome string) string {
		return fmt.Sprintf(`journeyslo_sli_events_total{journey="checkout",objective="availability",outcome=%q,instance="a"}`, outcome)
	}
	exact := func(events func(int) float64, at int) float64 {
		var n float64
		for m := at - 59; m <= at; m++ {
			n += events(m)
		}
		return n
	}
	var tests []map[string]any
	for _, at := range []int{60, 90, 100, 130, 150} {
		g, b := exact(good, at), exact(bad, at)
		var samples []map[string]any
		for _, s := range []struct {
			outcome string
			v       float64
		}{{"bad", b}, {"good", g}} {
			samples = append(samples, map[string]any{
				"labels": fmt.Sprintf(`%s1h{journey="checkout",objective="availability",outcome=%q,window="1h"}`, slorules.EventsPrefix, s.outcome),
				"value":  s.v,
			})
		}
		increase := make([]map[string]any, len(samples))
		for i, s := range samples {
			increase[i] = map[string]any{"labels": strings.NewReplacer(slorules.EventsPrefix+"1h", "", `,window="1h"`, "").Replace(s["labels"].(string)), "value": s["value"]}
		}
		tests = append(tests, map[string]any{
			"name":     fmt.Sprintf("period events at minute %d", at),
			"interval": "1m",
			"input_series": []map[string]string{
				{"series": counter("good"), "values": series(good, 100)},
				{"series": counter("bad"), "values": series(bad, -1)},
			},
			"promql_expr_test": []map[string]any{
				exprAt(time.Duration(at)*time.Minute, slorules.EventsPrefix+"1h", samples...),
				exprAt(time.Duration(at)*time.Minute, `sum by (journey, objective, outcome) (increase(journeyslo_sli_events_total[1h]))`, increase...),
				withinOf(time.Duration(at)*time.Minute, slorules.SLI, `,window="1h"`, g/(g+b)),
			},
		})
	}
	runUnits(t, f, []string{"journeyslo:checkout:availability:period", "journeyslo:checkout:availability"},
		map[time.Duration][]map[string]any{time.Minute: tests})
}

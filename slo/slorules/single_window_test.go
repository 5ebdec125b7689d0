package slorules_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// singleWindowPolicy has a single-window rule (Short == Long) and a
// two-window one of each severity: the page's first rule is the single
// one, the ticket's the two-window one, so that each alert's description
// takes the other branch of its template.
func singleWindowPolicy() burnrate.Policy {
	return burnrate.Policy{Rules: []burnrate.Rule{
		{Severity: burnrate.SeverityPage, Long: 10 * time.Minute, Short: 10 * time.Minute, Factor: 14.4},
		{Severity: burnrate.SeverityPage, Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4},
		{Severity: burnrate.SeverityTicket, Long: time.Hour, Short: 5 * time.Minute, Factor: 3},
		{Severity: burnrate.SeverityTicket, Long: 30 * time.Minute, Short: 30 * time.Minute, Factor: 3},
	}}
}

// TestSingleWindowRuleText checks what a single-window rule generates: its
// firing series holds the one window to the threshold, with no second
// clause over the same window, and an alert raised only by single-window
// rules says "over 10m", not "over both 10m and 10m".
func TestSingleWindowRuleText(t *testing.T) {
	f, err := slorules.Generate([]slo.Objective{{Journey: checkout, Target: 0.999, Policy: burnrate.Policy{Rules: []burnrate.Rule{
		{Severity: burnrate.SeverityPage, Long: 10 * time.Minute, Short: 10 * time.Minute, Factor: 14.4},
	}}}})
	if err != nil {
		t.Fatal(err)
	}
	var firing, alert *slorules.Rule
	for i, r := range f.Groups[0].Rules {
		switch {
		case r.Record == slorules.Firing:
			firing = &f.Groups[0].Rules[i]
		case r.Alert == slorules.AlertName:
			alert = &f.Groups[0].Rules[i]
		}
	}
	if firing == nil || alert == nil {
		t.Fatalf("no firing series or no alert among %+v", f.Groups[0].Rules)
	}
	wantExpr := `(` + slorules.ErrorRatioPrefix + `10m{journey="checkout",objective="availability"} >= 0.0144) / 0.001`
	if firing.Expr != wantExpr {
		t.Errorf("the firing series is\n%s\nwant\n%s", firing.Expr, wantExpr)
	}
	wantDesc := "99.9% of checkout events must be good over 30d. Rule {{ $labels.rule }} fires at a burn rate of {{ $labels.factor }} or more over {{ $labels.long_window }}; a page: someone should look now."
	if got := alert.Annotations["description"]; got != wantDesc {
		t.Errorf("the alert's description is\n%s\nwant\n%s", got, wantDesc)
	}
}

// TestPromtoolSingleWindowRule runs single-window rules, beside two-window
// ones, through promtool: `check rules --lint=all --lint-fatal`, then a
// unit test in which three minutes of errors after an hour of good traffic
// make every rule fire; the page, raised by page-10m-10m, says "over 10m",
// the ticket, raised by ticket-1h-5m, "over both 1h and 5m".
func TestPromtoolSingleWindowRule(t *testing.T) {
	promtest.Promtool(t)
	f, err := slorules.Generate([]slo.Objective{{Journey: checkout, Target: 0.999, Policy: singleWindowPolicy()}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rules, err := f.Marshal(slorules.Prometheus)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "rules.yml"), rules)
	if strings.Contains(string(rules), "over both 10m and 10m") || strings.Contains(string(rules), "over both 30m and 30m") {
		t.Errorf("the rules name a single window twice:\n%s", rules)
	}
	out, err := promtest.RunPromtool(t, "check", "rules", "--lint=all", "--lint-fatal", filepath.Join(dir, "rules.yml"))
	// Events and ratio over 5m, 10m, 30m, 1h and 30d (10), four firing
	// series and two alerts in the objective's group; SLI, budget and
	// info in the period's.
	if err != nil || !strings.Contains(out, "SUCCESS: 19 rules found") {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}

	sc := scenario{steps: hour, dense: denseFrom(0), in: func(k int) (float64, float64) {
		if k > hour-12 {
			return 0, 4.5
		}
		return 4.5, 0
	}}
	page := sc.alert(time.Hour, "page-10m-10m", "page", "10m", "10m", "14.4", 10*time.Minute)
	page["exp_annotations"].(map[string]string)["description"] = "99.9% of checkout events must be good over 30d. Rule page-10m-10m fires at a burn rate of 14.4 or more over 10m; a page: someone should look now."
	ticket := sc.alert(time.Hour, "ticket-1h-5m", "ticket", "1h", "5m", "3", time.Hour)
	unit, err := yaml.Marshal(map[string]any{
		"rule_files":          []string{"rules.yml"},
		"evaluation_interval": seconds(time.Minute),
		"group_eval_order":    []string{"journeyslo:checkout:availability:period", "journeyslo:checkout:availability"},
		"tests": []map[string]any{sc.test("single-window rules fire and say so", []map[string]any{
			alertsAt(time.Hour, page, ticket),
		}, []map[string]any{
			exprAt(time.Hour, `count by (rule) (`+slorules.Firing+`)`,
				map[string]any{"labels": `{rule="page-10m-10m"}`, "value": 1},
				map[string]any{"labels": `{rule="page-1h-5m"}`, "value": 1},
				map[string]any{"labels": `{rule="ticket-1h-5m"}`, "value": 1},
				map[string]any{"labels": `{rule="ticket-30m-30m"}`, "value": 1}),
			// The single-window rule's series is its window's burn rate.
			exprAt(time.Hour, `abs(`+slorules.Firing+`{rule="page-10m-10m"} - `+strconv.FormatFloat(sc.ratio(time.Hour, 10*time.Minute)/0.001, 'g', -1, 64)+`) < bool 1e-12`,
				map[string]any{"labels": `{factor="14.4",journey="checkout",long_window="10m",objective="availability",rule="page-10m-10m",severity="page",short_window="10m"}`, "value": 1}),
		})},
	})
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "unit.yml"), unit)
	out, err = promtest.RunPromtool(t, "test", "rules", filepath.Join(dir, "unit.yml"))
	if err != nil || !strings.Contains(out, "SUCCESS") {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}

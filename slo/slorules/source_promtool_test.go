package slorules_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// httpRequests exposes a replica's events as a shop's own
// http_requests_total, labelled handler and code: its good events as code
// 200 and its bad ones as code 503 of handler /checkout, beside a handler
// /search failing at every request, which the objective must not read.
func httpRequests(i, steps int, good, bad []sample) []map[string]string {
	series := func(handler, code string) string {
		return fmt.Sprintf(`http_requests_total{handler=%q,code=%q,instance="%c"}`, handler, code, 'a'+i)
	}
	return []map[string]string{
		{"series": series("/checkout", "200"), "values": values(good, steps)},
		{"series": series("/checkout", "503"), "values": values(bad, steps)},
		{"series": series("/search", "500"), "values": values(good, steps)},
	}
}

// runUnits writes f and the promtool unit files of tests, each evaluated
// at its interval, and runs `promtool test rules` over them.
func runUnits(t *testing.T, f slorules.RuleFile, order []string, units map[time.Duration][]map[string]any) {
	t.Helper()
	promtest.Promtool(t)
	dir := t.TempDir()
	rules, err := f.Marshal(slorules.Prometheus)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "rules.yml"), rules)
	out, err := promtest.RunPromtool(t, "check", "rules", filepath.Join(dir, "rules.yml"))
	if err != nil || !strings.Contains(out, "SUCCESS") {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
	var files []string
	for interval, tests := range units {
		unit, err := yaml.Marshal(map[string]any{
			"rule_files":          []string{"rules.yml"},
			"evaluation_interval": seconds(interval),
			"group_eval_order":    order,
			"tests":               tests,
		})
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, "unit"+seconds(interval)+".yml")
		write(t, name, unit)
		files = append(files, name)
	}
	out, err = promtest.RunPromtool(t, append([]string{"test", "rules"}, files...)...)
	if err != nil || !strings.Contains(out, "SUCCESS") {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}

// TestPromtoolWorkbookOverSource runs the Workbook's scenarios through the
// rules of an objective over the shop's own http_requests_total: as
// selectors of its bad and all requests, of its good and all, and as
// Sloth's expressions over {{.window}}. The alerts, their annotations and
// the recorded series are those of journeyslo's own counters, to 1e-12:
// a full outage pages within 52 s, 0.05% errors never fire, no traffic
// gives no sample and no alert, the guard holds below 1000 events.
func TestPromtoolWorkbookOverSource(t *testing.T) {
	// Every scenario for two kinds of source; the full outage alone (the
	// scenario evaluated every 15 s) for the other kinds, which differ
	// only in how the good events are found.
	for _, tc := range []struct {
		name   string
		all    bool
		source slo.Source
	}{
		{"bad and total selectors", true, slo.Source{
			Bad:   `http_requests_total{handler="/checkout",code=~"5.."}`,
			Total: `http_requests_total{handler="/checkout"}`,
		}},
		{"good and total selectors", false, slo.Source{
			Good:  `http_requests_total{handler="/checkout",code!~"5.."}`,
			Total: `http_requests_total{handler="/checkout"}`,
		}},
		{"good and bad selectors", false, slo.Source{
			Good: `http_requests_total{handler="/checkout",code!~"5.."}`,
			Bad:  `http_requests_total{handler="/checkout",code=~"5.."}`,
		}},
		{"Sloth's rate expressions", true, slo.Source{
			Bad:   `sum(rate(http_requests_total{handler="/checkout",code=~"5.."}[{{.window}}]))`,
			Total: `sum(rate(http_requests_total{handler="/checkout"}[{{.window}}]))`,
		}},
		{"increase expressions by instance", false, slo.Source{
			Bad:   `sum by (instance) (increase(http_requests_total{handler="/checkout",code=~"5.."}[{{ .window }}]))`,
			Total: `sum by (instance) (increase(http_requests_total{handler="/checkout"}[{{ .window }}]))`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			source := tc.source
			f, err := slorules.Generate([]slo.Objective{{Journey: checkout, Target: 0.999, Source: &source}})
			if err != nil {
				t.Fatal(err)
			}
			fine, coarse := workbookTests(httpRequests)
			units := map[time.Duration][]map[string]any{step: fine}
			if tc.all {
				units[time.Minute] = coarse
			}
			runUnits(t, f, []string{"journeyslo:checkout:availability:period", "journeyslo:checkout:availability"}, units)
		})
	}
}

package slorules_test

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// sliceTraffic is the events of one journey in minute m (1-based), spread
// evenly over its four 15 s scrapes.
type sliceTraffic func(m int) (good, bad float64)

// TestPromtoolSlices runs objectives of slices through the generated
// rules in promtool and through a registry, minute by minute on the same
// traffic, and checks that the fleet's rules record what the registry
// counts: every window's good and bad slices, the period's SLI, and which
// rules fire at which burn rate. The counters are scraped every 15 s, so
// that a slice's increase is exact (its range holds a scrape at both
// ends), and promtool evaluates every minute, at the slices' ends, as a
// registry advanced at every minute does.
func TestPromtoolSlices(t *testing.T) {
	promtest.Promtool(t)
	policy := burnrate.Policy{MinEvents: 3, Rules: []burnrate.Rule{{Severity: burnrate.SeverityPage, Long: 10 * time.Minute, Short: 2 * time.Minute, Factor: 5}}}
	objs := []slo.Objective{
		{Journey: "checkout", Target: 0.9, Period: 2 * time.Hour, Policy: policy,
			Slices: &slo.Slices{Method: slo.Timeslices, Window: time.Minute, Target: 0.95}},
		{Journey: "search", Target: 0.9, Period: 2 * time.Hour, Policy: policy,
			Slices: &slo.Slices{Method: slo.RatioTimeslices, Window: time.Minute}},
	}
	const minutes = 100
	traffic := map[string]sliceTraffic{
		"checkout": func(m int) (float64, float64) {
			switch {
			case m%17 == 0:
				return 0, 0 // empty: left out
			case m >= 60 && m < 72:
				return 60, 40 // an incident
			case m%7 == 0:
				return 92, 8 // 8% bad: a bad slice
			case m%5 == 0:
				return 96, 4 // 4% bad: a good slice
			}
			return 100, 0
		},
		"search": func(m int) (float64, float64) {
			switch {
			case m%13 == 0:
				return 0, 0
			case m >= 50 && m < 58:
				return 4, 36 // 90% bad in a quiet minute
			case m%3 == 0:
				return 300, 100 // 25% bad at ten times the traffic
			}
			return 45, 5 // 10% bad: shares in whole millionths, which the registry keeps exactly
		},
	}

	// The registry, advanced at every minute.
	mock := clock.NewMock()
	mock.Set(fixture.Start)
	reg, err := slo.New(objs, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	checks := map[int]bool{20: true, 55: true, 62: true, 66: true, 75: true, 100: true}
	var exprs []map[string]any
	fired := map[string]int{}
	for m := 1; m <= minutes; m++ {
		for _, j := range []string{"checkout", "search"} {
			g, b := traffic[j](m)
			fixture.Journey(reg, j).Add(uint64(g), uint64(b))
		}
		if err := reg.Advance(fixture.Start.Add(time.Duration(m) * time.Minute)); err != nil {
			t.Fatal(err)
		}
		if !checks[m] {
			continue
		}
		at := time.Duration(m) * time.Minute
		for _, st := range reg.Status() {
			own := fmt.Sprintf(`journey=%q,objective="availability"`, st.Journey)
			for _, w := range st.Windows {
				win := burnrate.FormatWindow(w.Window)
				for _, o := range []struct {
					outcome string
					want    float64
				}{{"good", w.Good}, {"bad", w.Bad}} {
					exprs = append(exprs, exprAt(at, fmt.Sprintf(`abs(%s%s{%s,outcome=%q} - %s) < bool 1e-9`, slorules.EventsPrefix, win, own, o.outcome, strconv.FormatFloat(o.want, 'g', -1, 64)),
						map[string]any{"labels": fmt.Sprintf(`{%s,outcome=%q,window=%q}`, own, o.outcome, win), "value": 1}))
				}
			}
			exprs = append(exprs, exprAt(at, fmt.Sprintf(`abs(%s{%s} - %s) < bool 1e-9`, slorules.SLI, own, strconv.FormatFloat(st.SLI, 'g', -1, 64)),
				map[string]any{"labels": fmt.Sprintf(`{%s,window="2h"}`, own), "value": 1}))
			firing := false
			for _, r := range st.Rules {
				if r.Firing {
					firing = true
					exprs = append(exprs, exprAt(at, fmt.Sprintf(`abs(%s{%s} - %s) < bool 1e-9`, slorules.Firing, own, strconv.FormatFloat(r.LongRate, 'g', -1, 64)),
						map[string]any{"labels": fmt.Sprintf(`{%s,factor="5",long_window="10m",rule=%q,severity="page",short_window="2m"}`, own, r.Name), "value": 1}))
				}
			}
			if !firing {
				exprs = append(exprs, exprAt(at, slorules.Firing+"{"+own+"}"))
			} else {
				fired[st.Journey]++
			}
		}
	}
	// The scenario must show both states, or it shows nothing.
	if fired["checkout"] == 0 || fired["search"] == 0 || fired["checkout"] == len(checks) {
		t.Fatalf("checks while firing: %v of %d; want some of each journey's, not all", fired, len(checks))
	}

	// The counters, scraped every 15 s.
	var input []map[string]string
	for _, j := range []string{"checkout", "search"} {
		var good, bad []sample
		var g, b float64
		for k := 0; k <= 4*minutes; k++ {
			if k > 0 {
				dg, db := traffic[j]((k + 3) / 4)
				g, b = g+dg/4, b+db/4
			}
			ms := int64(k) * step.Milliseconds()
			good, bad = append(good, sample{ms, g}), append(bad, sample{ms, b})
		}
		series := func(outcome string) string {
			return fmt.Sprintf(`journeyslo_sli_events_total{journey=%q,objective="availability",outcome=%q,instance="a"}`, j, outcome)
		}
		input = append(input,
			map[string]string{"series": series("good"), "values": values(good, 4*minutes)},
			map[string]string{"series": series("bad"), "values": values(bad, 4*minutes)})
	}

	f, err := slorules.Generate(objs)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rules, err := f.Marshal(slorules.Prometheus)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "rules.yml"), rules)
	out, err := promtest.RunPromtool(t, "check", "rules", "--lint=all", "--lint-fatal", filepath.Join(dir, "rules.yml"))
	if err != nil || !strings.Contains(out, "SUCCESS") {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
	unit, err := yaml.Marshal(map[string]any{
		"rule_files":          []string{"rules.yml"},
		"evaluation_interval": "1m",
		"group_eval_order": []string{"journeyslo:checkout:availability", "journeyslo:checkout:availability:period",
			"journeyslo:search:availability", "journeyslo:search:availability:period"},
		"tests": []map[string]any{{
			"name":             "objectives of slices",
			"interval":         seconds(step),
			"input_series":     input,
			"promql_expr_test": exprs,
		}},
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

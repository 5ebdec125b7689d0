package slorules_test

import (
	"errors"
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
	// One unit file, and one run of promtool, per test: each stays well
	// within RunPromtool's timeout on a busy machine.
	for interval, tests := range units {
		for i, test := range tests {
			unit, err := yaml.Marshal(map[string]any{
				"rule_files":          []string{"rules.yml"},
				"evaluation_interval": seconds(interval),
				"group_eval_order":    order,
				"tests":               []map[string]any{test},
			})
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(dir, fmt.Sprintf("unit%s-%d.yml", seconds(interval), i))
			write(t, name, unit)
			out, err = promtest.RunPromtool(t, "test", "rules", name)
			if err != nil || !strings.Contains(out, "SUCCESS") {
				t.Fatalf("promtool test rules (%s): %v\n%s", test["name"], err, out)
			}
		}
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

// alertsNamed is an alert_rule_test entry for alerts of another name.
func alertsNamed(name string, at time.Duration, alerts ...map[string]any) map[string]any {
	a := alertsAt(at, alerts...)
	a["alertname"] = name
	return a
}

// inCluster exposes replica 0 as cluster eu and replica 1 as cluster us,
// through in.
func inCluster(in inputFunc) inputFunc {
	return func(i, steps int, good, bad []sample) []map[string]string {
		out := in(0, steps, good, bad)
		for _, s := range out {
			s["series"] = strings.Replace(s["series"], `instance="a"`, `instance="a",cluster="`+[]string{"eu", "us"}[i]+`"`, 1)
		}
		return out
	}
}

// TestPromtoolGrouped: an objective grouped by cluster, over journeyslo's
// counters and over http_requests_total, with alerts named and labelled
// as another tool's. An hour of 1080 events in each cluster, the last 48
// of eu's failed: eu pages and tickets (critical and warning), us does
// not, and each cluster's series are its own.
func TestPromtoolGrouped(t *testing.T) {
	eu := scenario{steps: hour, dense: denseFrom(0), in: func(k int) (float64, float64) {
		if k > hour-12 {
			return 0, 4.5
		}
		return 4.5, 0
	}}
	us := scenario{steps: hour, dense: denseFrom(0), in: func(int) (float64, float64) { return 4.5, 0 }}
	fleet := eu
	fleet.others = []scenario{us}
	alerting := &slo.Alerting{
		Name:        "SLOBurn",
		Labels:      map[string]string{"team": "shop"},
		Annotations: map[string]string{"dashboard": "https://grafana.example.com/d/checkout"},
		Page:        slo.AlertSeverity{Labels: map[string]string{"severity": "critical"}},
		Ticket:      slo.AlertSeverity{Labels: map[string]string{"severity": "warning"}},
	}
	inEU := func(alert map[string]any, severity string) map[string]any {
		labels := alert["exp_labels"].(map[string]string)
		labels["cluster"], labels["team"], labels["severity"] = "eu", "shop", severity
		alert["exp_annotations"].(map[string]string)["dashboard"] = "https://grafana.example.com/d/checkout"
		return alert
	}
	own := func(cluster string) string {
		return `journey="checkout",objective="availability",cluster="` + cluster + `"`
	}
	for _, tc := range []struct {
		name   string
		in     inputFunc
		source *slo.Source
	}{
		{"journeyslo's counters", ownCounters, nil},
		{"http_requests_total", httpRequests, &slo.Source{
			Bad:   `http_requests_total{handler="/checkout",code=~"5.."}`,
			Total: `http_requests_total{handler="/checkout"}`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := slorules.Generate([]slo.Objective{{Journey: checkout, Target: 0.999, GroupBy: []string{"cluster"},
				Source: tc.source, Alerting: alerting}})
			if err != nil {
				t.Fatal(err)
			}
			test := fleet.testIn(inCluster(tc.in), "an outage in eu pages for eu only", []map[string]any{
				alertsNamed("SLOBurn", time.Hour, inEU(eu.page1h(time.Hour), "critical"), inEU(eu.ticket1d(time.Hour), "warning")),
			}, []map[string]any{
				exprAt(time.Hour, `count by (cluster, rule) (`+slorules.Firing+`)`,
					map[string]any{"labels": `{cluster="eu",rule="page-1h-5m"}`, "value": 1},
					map[string]any{"labels": `{cluster="eu",rule="page-6h-30m"}`, "value": 1},
					map[string]any{"labels": `{cluster="eu",rule="ticket-1d-2h"}`, "value": 1},
					map[string]any{"labels": `{cluster="eu",rule="ticket-3d-6h"}`, "value": 1}),
				exprAt(time.Hour, "sum without (outcome) ("+slorules.EventsPrefix+"1h)",
					map[string]any{"labels": `{` + own("eu") + `,window="1h"}`, "value": 1080},
					map[string]any{"labels": `{` + own("us") + `,window="1h"}`, "value": 1080}),
				exprAt(time.Hour, slorules.BudgetRemaining+`{cluster="us"}`,
					map[string]any{"labels": `{__name__="` + slorules.BudgetRemaining + `",` + own("us") + `,window="30d"}`, "value": 1}),
				exprAt(time.Hour, `abs(`+slorules.SLI+`{cluster="eu"} - `+fmt.Sprint(1-eu.ratio(time.Hour, 30*24*time.Hour))+`) < bool 1e-12`,
					map[string]any{"labels": `{` + own("eu") + `,window="30d"}`, "value": 1}),
			})
			runUnits(t, f, []string{"journeyslo:checkout:availability:period", "journeyslo:checkout:availability"},
				map[time.Duration][]map[string]any{time.Minute: {test}})
		})
	}
}

// TestPromtoolNoData: counters that vanish raise the no-data ticket once
// they have had no sample for 10 minutes (11 minutes after the last
// sample, which the 10-minute range still holds at 10); counters that
// stay, without increasing, raise none. Grouped, only the cluster that
// vanished is named.
func TestPromtoolNoData(t *testing.T) {
	const (
		steps = 240 // an hour of 15 s scrapes
		last  = 120 // the last sample of the counters that vanish, at 30 minutes
	)
	// The 200 counter serves 10 requests a second, the 503 counter none,
	// until both vanish; or both stay without increasing.
	vanish := [2]string{fmt.Sprintf("0+150x%d _x%d", last, steps-last), fmt.Sprintf("5+0x%d _x%d", last, steps-last)}
	idle := [2]string{fmt.Sprintf("5+0x%d", steps), fmt.Sprintf("5+0x%d", steps)}
	busy := [2]string{fmt.Sprintf("0+150x%d", steps), fmt.Sprintf("5+0x%d", steps)}
	series := func(cluster string, values [2]string) []map[string]string {
		return []map[string]string{
			{"series": `http_requests_total{handler="/checkout",code="200",cluster="` + cluster + `"}`, "values": values[0]},
			{"series": `http_requests_total{handler="/checkout",code="503",cluster="` + cluster + `"}`, "values": values[1]},
		}
	}
	noData := func(labels map[string]string) map[string]any {
		l := map[string]string{"journey": "checkout", "objective": "availability", "rule": "no-data", "severity": "ticket"}
		for k, v := range labels {
			l[k] = v
		}
		return map[string]any{"exp_labels": l, "exp_annotations": map[string]string{
			"summary":     "checkout:availability has had no counters for 10m",
			"description": "The counters of checkout events have had no sample for 10m: the service stopped exporting them, or their scrape fails. Without them the objective is not judged. No traffic raises no such alert.",
		}}
	}
	unit := func(name string, input []map[string]string, alerts ...map[string]any) map[string]any {
		return map[string]any{"name": name, "interval": seconds(step), "input_series": input, "alert_rule_test": alerts}
	}
	min := time.Minute
	for _, tc := range []struct {
		name    string
		groupBy []string
		source  slo.Source
		// fires is when the vanished counters first raise the alert.
		fires time.Duration
		tests func(fires time.Duration) []map[string]any
	}{
		{"selectors", nil, slo.Source{
			Bad:   `http_requests_total{handler="/checkout",code=~"5.."}`,
			Total: `http_requests_total{handler="/checkout",cluster="eu"}`,
		}, 41 * min, nil},
		// rate needs two samples: the range that holds only the last one
		// has no rate already.
		{"Sloth's expressions", nil, slo.Source{
			Bad:   `sum(rate(http_requests_total{handler="/checkout",code=~"5.."}[{{.window}}]))`,
			Total: `sum(rate(http_requests_total{handler="/checkout",cluster="eu"}[{{.window}}]))`,
		}, 40 * min, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := slorules.Generate([]slo.Objective{{Journey: checkout, Target: 0.999, GroupBy: tc.groupBy,
				NoData: slo.NoData{After: 10 * time.Minute}, Source: &tc.source}})
			if err != nil {
				t.Fatal(err)
			}
			tests := []map[string]any{
				unit("counters that vanish", series("eu", vanish),
					alertsAt(30*min), alertsAt(tc.fires-min), alertsAt(tc.fires, noData(nil)), alertsAt(60*min, noData(nil))),
				unit("counters without traffic", series("eu", idle), alertsAt(30*min), alertsAt(60*min)),
			}
			runUnits(t, f, []string{"journeyslo:checkout:availability:period", "journeyslo:checkout:availability"},
				map[time.Duration][]map[string]any{time.Minute: tests})
		})
	}
	t.Run("grouped", func(t *testing.T) {
		t.Parallel()
		f, err := slorules.Generate([]slo.Objective{{Journey: checkout, Target: 0.999, GroupBy: []string{"cluster"},
			NoData: slo.NoData{After: 10 * time.Minute}, Source: &slo.Source{
				Bad:   `http_requests_total{handler="/checkout",code=~"5.."}`,
				Total: `http_requests_total{handler="/checkout"}`,
			}}})
		if err != nil {
			t.Fatal(err)
		}
		input := append(series("eu", busy), series("us", vanish)...)
		tests := []map[string]any{unit("one cluster's counters vanish", input,
			alertsAt(40*min), alertsAt(41*min, noData(map[string]string{"cluster": "us"})), alertsAt(60*min, noData(map[string]string{"cluster": "us"})))}
		runUnits(t, f, []string{"journeyslo:checkout:availability:period", "journeyslo:checkout:availability"},
			map[time.Duration][]map[string]any{time.Minute: tests})
	})
}

// TestPromtoolErrorRatio: Sloth's raw SLI, the error ratio itself over
// {{.window}}, through promtool. Its ratios are those of the counters to
// 1e-12; a full outage pages; it has no counts, so no guard holds: the
// hour of 960 events that journeyslo's counters keep quiet pages here; no
// traffic is no sample (0/0 is dropped, never NaN) and no alert.
func TestPromtoolErrorRatio(t *testing.T) {
	f, err := slorules.Generate([]slo.Objective{{Journey: checkout, Target: 0.999, Source: &slo.Source{
		ErrorRatio: `sum(rate(http_requests_total{handler="/checkout",code=~"5.."}[{{.window}}]))
/
sum(rate(http_requests_total{handler="/checkout"}[{{.window}}]))`,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	low := scenario{steps: hour, dense: denseFrom(0), in: func(k int) (float64, float64) {
		if k > hour-12 {
			return 0, 4
		}
		return 4, 0
	}}
	none := scenario{steps: hour, dense: denseFrom(0), in: func(int) (float64, float64) { return 0, 0 }}
	var noSample []map[string]any
	for _, name := range []string{slorules.ErrorRatioPrefix + "5m", slorules.ErrorRatioPrefix + "30d", slorules.SLI, slorules.BudgetRemaining, slorules.Firing} {
		noSample = append(noSample, exprAt(time.Hour, name))
	}
	tests := []map[string]any{
		low.testIn(httpRequests, "no guard: 960 events page", []map[string]any{
			alertsAt(time.Hour, low.page1h(time.Hour), low.ticket1d(time.Hour)),
		}, []map[string]any{
			withinOf(time.Hour, slorules.ErrorRatioPrefix+"1h", `,window="1h"`, low.ratio(time.Hour, time.Hour)),
			withinOf(time.Hour, slorules.SLI, `,window="30d"`, 1-low.ratio(time.Hour, 30*24*time.Hour)),
			exprAt(time.Hour, slorules.EventsPrefix+"1h"),
			exprAt(time.Hour, `count(`+slorules.Info+`{min_events="0"})`, map[string]any{"labels": `{}`, "value": 1}),
		}),
		none.testIn(httpRequests, "no traffic: no sample, no alert", []map[string]any{alertsAt(time.Hour)}, noSample),
	}
	runUnits(t, f, []string{"journeyslo:checkout:availability:period", "journeyslo:checkout:availability"},
		map[time.Duration][]map[string]any{time.Minute: tests})
}

// TestPromtoolLintsEveryKind: the rules of every kind of objective (a
// grouped pair of selectors, rate expressions, an ErrorRatio, journeyslo's
// counters grouped, each with a no-data alert) pass promtool's strictest
// check.
func TestPromtoolLintsEveryKind(t *testing.T) {
	promtest.Promtool(t)
	nd := slo.NoData{After: 10 * time.Minute}
	f, err := slorules.Generate([]slo.Objective{
		{Journey: "a", Target: 0.999, GroupBy: []string{"cluster"}, NoData: nd, Source: &slo.Source{Bad: `x_total{code="5"}`, Total: `x_total`}},
		{Journey: "b", Target: 0.999, NoData: nd, Source: &slo.Source{Good: `sum(rate(x_total[{{.window}}]))`, Total: `sum(rate(y_total[{{.window}}]))`}},
		{Journey: "c", Target: 0.999, NoData: nd, Source: &slo.Source{ErrorRatio: `sum(rate(x_total[{{.window}}]))/sum(rate(y_total[{{.window}}]))`}},
		{Journey: "d", Target: 0.999, GroupBy: []string{"cluster"}, NoData: nd},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Marshal(slorules.Prometheus)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rules.yml")
	write(t, path, b)
	// Per objective: 8 windows (the policy's 7 and the period) of 3 rules
	// (events by outcome, ratio) over a Source, 1 (the ratio) over an
	// ErrorRatio, 2 over journeyslo's counters (events, ratio); then 4
	// firing series, 2 alerts, the no-data alert, SLI, budget and info:
	// 34 + 34 + 18 + 26.
	out, err := promtest.RunPromtool(t, "check", "rules", "--lint=all", "--lint-fatal", path)
	if err != nil || !strings.Contains(out, "SUCCESS: 112 rules found") {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
}

// TestGenerateSourceError: a query Generate cannot count events with is
// reported with the objective, the field and the column.
func TestGenerateSourceError(t *testing.T) {
	_, err := slorules.Generate([]slo.Objective{{Journey: checkout, Target: 0.999, Source: &slo.Source{
		Bad:   `http_requests_total{code=~"5.."}`,
		Total: `sum(rate(http_requests_total[5m]))`,
	}}})
	var se *slo.SourceError
	const want = "slorules: objective 0 (checkout:availability): slo: invalid: Source.Total: column 29: the fixed range [5m] cannot be made event-weighted"
	if !errors.Is(err, slo.ErrInvalid) || !errors.As(err, &se) || se.Offset != 28 || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Generate() = %v; want a SourceError at offset 28 starting %q", err, want)
	}
}

package slorules_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// The SRE Workbook's scenarios replayed through the counters in
// Prometheus's own engine: `promtool test rules` evaluates the generated
// rules over input series the test computes, and compares the alerts and
// recorded samples with what the test expects.
//
// Counters are sampled every 15 s, as a scrape would. The detection time
// is checked with the rules evaluated every 15 s, the rest every minute:
// promtool evaluates every rule at every interval from the first sample
// on, and 18 hours of history before an incident (enough for a 1-minute
// outage to stay below both tickets' long windows) is thousands of
// evaluations. History is sampled every 10 minutes only, the hour before
// an incident every 15 s; increase over sparse and dense samples agrees
// for steady traffic.

const (
	step      = 15 * time.Second // scrape and evaluation interval
	sparse    = 40               // steps between samples of the history
	perStep   = 150.0            // events per step: 10 a second
	checkout  = "checkout"
	objective = "availability"
)

// A scenario is the traffic of one objective: events per step, cumulated
// into good and bad counters, with samples where dense says so (and every
// sparse steps).
type scenario struct {
	steps   int                             // the last step
	dense   func(k int) bool                // whether step k is sampled
	in      func(k int) (good, bad float64) // events in (k-1, k]
	restart int                             // the step at which the process restarts, its counters from 0; 0 for none
	// others are more replicas of the service, instances b, c..., with
	// the same steps; the rules sum them all.
	others []scenario
}

// A sample is one scraped value of a counter.
type sample struct {
	ms int64
	v  float64
}

// counters returns the samples of the good and bad counters.
func (sc scenario) counters() (good, bad []sample) {
	var g, b float64
	for k := 0; k <= sc.steps; k++ {
		if sc.restart > 0 && k == sc.restart {
			g, b = 0, 0
		}
		if k > 0 {
			dg, db := sc.in(k)
			g, b = g+dg, b+db
		}
		if k%sparse == 0 || sc.dense(k) {
			ms := int64(k) * step.Milliseconds()
			good, bad = append(good, sample{ms, g}), append(bad, sample{ms, b})
		}
	}
	return good, bad
}

// values writes samples in promtool's notation: one value per step, "_"
// for a step without a sample, runs of them as "_xN".
func values(samples []sample, steps int) string {
	var out []string
	gap := 0
	flush := func() {
		switch {
		case gap == 1:
			out = append(out, "_")
		case gap > 1:
			out = append(out, "_x"+strconv.Itoa(gap))
		}
		gap = 0
	}
	i := 0
	for k := 0; k <= steps; k++ {
		if i < len(samples) && samples[i].ms == int64(k)*step.Milliseconds() {
			flush()
			out = append(out, strconv.FormatFloat(samples[i].v, 'g', -1, 64))
			i++
			continue
		}
		gap++
	}
	flush()
	return strings.Join(out, " ")
}

// extrapolated is Prometheus 2.42's rate (isRate) and increase over the
// samples in [at-window, at], the way promql/functions.go computes them:
// the increase between the first and last sample, extrapolated towards the
// window's edges, at most to where the counter would have been zero. The
// test uses it to know the exact floats the engine will print.
func extrapolated(samples []sample, at, window time.Duration, isRate bool) (float64, bool) {
	start, end := (at - window).Milliseconds(), at.Milliseconds()
	var in []sample
	for _, s := range samples {
		if s.ms >= start && s.ms <= end {
			in = append(in, s)
		}
	}
	if len(in) < 2 {
		return 0, false
	}
	first, last := in[0], in[len(in)-1]
	result := last.v - first.v
	prev := 0.0
	for _, s := range in {
		if s.v < prev {
			result += prev
		}
		prev = s.v
	}
	toStart := float64(first.ms-start) / 1000
	toEnd := float64(end-last.ms) / 1000
	sampled := float64(last.ms-first.ms) / 1000
	avg := sampled / float64(len(in)-1)
	if result > 0 && first.v >= 0 {
		if toZero := sampled * (first.v / result); toZero < toStart {
			toStart = toZero
		}
	}
	threshold := avg * 1.1
	interval := sampled
	if toStart < threshold {
		interval += toStart
	} else {
		interval += avg / 2
	}
	if toEnd < threshold {
		interval += toEnd
	} else {
		interval += avg / 2
	}
	result = result * (interval / sampled)
	if isRate {
		result = result / window.Seconds()
	}
	return result, true
}

// ratio is the error ratio the rules record over window at: the bad
// counters' increase over the sum of all counters', across replicas.
func (sc scenario) ratio(at, window time.Duration) float64 {
	var g, b float64
	for i, r := range append([]scenario{sc}, sc.others...) {
		good, bad := r.counters()
		gi, ok1 := extrapolated(good, at, window, false)
		bi, ok2 := extrapolated(bad, at, window, false)
		if !ok1 || !ok2 {
			panic(fmt.Sprintf("replica %d has no samples over %v at %v", i, window, at))
		}
		g, b = g+gi, b+bi
	}
	if !(g+b > 0) {
		panic(fmt.Sprintf("no events over %v at %v", window, at))
	}
	return b / (g + b)
}

// Prometheus's humanizePercentage template function.
func humanizePercentage(v float64) string { return fmt.Sprintf("%.4g%%", v*100) }

// alert is an alert the test expects, with its annotations as the engine
// expands them from the scenario's counters.
func (sc scenario) alert(at time.Duration, rule, severity, long, short, factor string, longWindow time.Duration) map[string]any {
	burn := sc.ratio(at, longWindow) / 0.001
	remaining := 1 - sc.ratio(at, 30*24*time.Hour)/0.001
	urgency := "a page: someone should look now"
	if severity == "ticket" {
		urgency = "a ticket: someone should look within a day"
	}
	return map[string]any{
		"exp_labels": map[string]string{
			"journey": checkout, "objective": objective, "severity": severity,
			"rule": rule, "long_window": long, "short_window": short, "factor": factor,
		},
		"exp_annotations": map[string]string{
			"summary":          fmt.Sprintf("checkout:availability burns its error budget at %.1fx over %s", burn, long),
			"description":      fmt.Sprintf("99.9%% of checkout events must be good over 30d. Rule %s fires at a burn rate of %s or more over both %s and %s; %s.", rule, factor, long, short, urgency),
			"budget_remaining": humanizePercentage(remaining),
		},
	}
}

func (sc scenario) page1h(at time.Duration) map[string]any {
	return sc.alert(at, "page-1h-5m", "page", "1h", "5m", "14.4", time.Hour)
}

func (sc scenario) ticket1d(at time.Duration) map[string]any {
	return sc.alert(at, "ticket-1d-2h", "ticket", "1d", "2h", "3", 24*time.Hour)
}

// alertsAt is an alert_rule_test entry: exactly these alerts at eval time.
func alertsAt(at time.Duration, alerts ...map[string]any) map[string]any {
	if alerts == nil {
		alerts = []map[string]any{}
	}
	return map[string]any{"eval_time": seconds(at), "alertname": slorules.AlertName, "exp_alerts": alerts}
}

// exprAt is a promql_expr_test entry; an empty want means no sample.
func exprAt(at time.Duration, expr string, want ...map[string]any) map[string]any {
	if want == nil {
		want = []map[string]any{}
	}
	return map[string]any{"expr": expr, "eval_time": seconds(at), "exp_samples": want}
}

func seconds(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) + "s" }

// withinOf checks a recorded series with exact floats, as promtool 2.42
// compares them: 1 when the series is within 1e-12 of want.
func withinOf(at time.Duration, series, window string, want float64) map[string]any {
	labels := fmt.Sprintf(`{journey="checkout",objective="availability"%s}`, window)
	return exprAt(at, fmt.Sprintf("abs(%s - %s) < bool 1e-12", series, strconv.FormatFloat(want, 'g', -1, 64)),
		map[string]any{"labels": labels, "value": 1})
}

// An inputFunc writes the input series of replica i (instance "a", "b"...)
// of a scenario from its good and bad counters' samples.
type inputFunc func(i, steps int, good, bad []sample) []map[string]string

// ownCounters exposes a replica's events as journeyslo's counters.
func ownCounters(i, steps int, good, bad []sample) []map[string]string {
	series := func(outcome string) string {
		return fmt.Sprintf(`journeyslo_sli_events_total{journey="checkout",objective="availability",outcome=%q,instance="%c"}`, outcome, 'a'+i)
	}
	return []map[string]string{
		{"series": series("good"), "values": values(good, steps)},
		{"series": series("bad"), "values": values(bad, steps)},
	}
}

func (sc scenario) test(name string, alerts, exprs []map[string]any) map[string]any {
	return sc.testIn(ownCounters, name, alerts, exprs)
}

// testIn is a promtool test of the scenario, its counters exposed by in.
func (sc scenario) testIn(in inputFunc, name string, alerts, exprs []map[string]any) map[string]any {
	var input []map[string]string
	for i, r := range append([]scenario{sc}, sc.others...) {
		good, bad := r.counters()
		input = append(input, in(i, sc.steps, good, bad)...)
	}
	t := map[string]any{
		"name":            name,
		"interval":        seconds(step),
		"input_series":    input,
		"alert_rule_test": alerts,
	}
	if exprs != nil {
		t["promql_expr_test"] = exprs
	}
	return t
}

// Steps of the scenarios: 18 hours of history, then the incident.
const (
	t0   = 18 * time.Hour
	k0   = int(t0 / step)
	hour = int(time.Hour / step)
	min  = int(time.Minute / step)
)

func denseFrom(first int) func(int) bool { return func(k int) bool { return k >= first } }

// outage fails every event in the steps (k0, k0+n].
func outage(n int) func(int) (float64, float64) {
	return func(k int) (float64, float64) {
		if k > k0 && k <= k0+n {
			return 0, perStep
		}
		return perStep, 0
	}
}

// The Workbook's scenarios for 99.9% over 30 days with the default policy:
// those evaluated every 15 s (fine) and every minute (coarse).
func workbookTests(in inputFunc) (fine, coarse []map[string]any) {
	s := time.Second

	// 100% errors: the 1h/5m page needs 51.84 s of them (2% of the budget
	// in an hour at a burn of 1000). Not at 45 s (1.25% of the hour's
	// events failed), at 60 s, the first scrape after 52 s. This one runs
	// at 15 s evaluations, so its history is short: two busy hours (100
	// events a second) keep the longer windows' ratios below the other
	// rules' thresholds, as 18 quiet hours would, in a sixth of the
	// evaluations.
	t1 := 3*time.Hour + 5*time.Minute
	k1 := int(t1 / step)
	detect := scenario{steps: k1 + 2*min, dense: denseFrom(k1 - hour - 5*min), in: func(k int) (float64, float64) {
		switch {
		case k <= k1-hour-5*min:
			return 10 * perStep, 0
		case k > k1:
			return 0, perStep
		}
		return perStep, 0
	}}
	fine = append(fine, detect.testIn(in, "full outage pages within 52 s", []map[string]any{
		alertsAt(t1),
		alertsAt(t1 + 45*s),
		alertsAt(t1+60*s, detect.page1h(t1+60*s)),
	}, []map[string]any{
		withinOf(t1+45*s, slorules.ErrorRatioPrefix+"1h", `,window="1h"`, 0.0125),
		withinOf(t1+60*s, slorules.ErrorRatioPrefix+"1h", `,window="1h"`, detect.ratio(t1+60*s, time.Hour)),
	}))

	// The same over 18 quiet hours: the page at 60 s, and a few minutes on
	// the 6h/30m page burns too (from 2.2 min), suppressed by the first
	// page rule, and both tickets fire (3000 errors are 0.46% of the 18
	// hours' events).
	full := scenario{steps: k0 + 5*min, dense: denseFrom(k0 - hour - 5*min), in: outage(10 * min)}
	coarse = append(coarse, full.testIn(in, "full outage: one page, then the tickets", []map[string]any{
		alertsAt(t0),
		alertsAt(t0+60*s, full.page1h(t0+60*s)),
		alertsAt(t0+5*time.Minute, full.page1h(t0+5*time.Minute), full.ticket1d(t0+5*time.Minute)),
	}, []map[string]any{
		// The rule that would be first burns, the next one burns too, and
		// only the first reaches the alert.
		exprAt(t0+5*time.Minute, `count by (rule) (`+slorules.Firing+`)`,
			map[string]any{"labels": `{rule="page-1h-5m"}`, "value": 1},
			map[string]any{"labels": `{rule="page-6h-30m"}`, "value": 1},
			map[string]any{"labels": `{rule="ticket-1d-2h"}`, "value": 1},
			map[string]any{"labels": `{rule="ticket-3d-6h"}`, "value": 1}),
		withinOf(t0+60*s, slorules.ErrorRatioPrefix+"1h", `,window="1h"`, full.ratio(t0+60*s, time.Hour)),
		withinOf(t0+60*s, slorules.BudgetRemaining, `,window="30d"`, 1-full.ratio(t0+60*s, 30*24*time.Hour)/0.001),
		withinOf(t0+60*s, slorules.SLI, `,window="30d"`, 1-full.ratio(t0+60*s, 30*24*time.Hour)),
	}))

	// A 1-minute full outage pages at 60 s and resolves when its last
	// error leaves the 5m window, 5 minutes after recovery, where the 1h
	// window alone would hold the page for an hour. It spends too little
	// of the day's budget for a ticket.
	brief := scenario{steps: k0 + 15*min, dense: denseFrom(k0 - hour - 5*min), in: outage(min)}
	coarse = append(coarse, brief.testIn(in, "a 1-minute outage pages and resolves 5 minutes after recovery", []map[string]any{
		alertsAt(t0+60*s, brief.page1h(t0+60*s)),
		alertsAt(t0+5*time.Minute, brief.page1h(t0+5*time.Minute)),
		alertsAt(t0 + 6*time.Minute),
		alertsAt(t0 + 15*time.Minute),
	}, []map[string]any{
		// Still burning over the hour, no longer over 5 minutes.
		exprAt(t0+6*time.Minute, slorules.ErrorRatioPrefix+`1h > bool 0.0144`,
			map[string]any{"labels": `{journey="checkout",objective="availability",window="1h"}`, "value": 1}),
		exprAt(t0+6*time.Minute, slorules.ErrorRatioPrefix+`5m`,
			map[string]any{"labels": `{__name__="` + slorules.ErrorRatioPrefix + `5m",journey="checkout",objective="availability",window="5m"}`, "value": 0}),
	}))

	// 0.05% errors (a burn of 0.5) spends half the budget over the period
	// and never fires.
	slow := scenario{steps: k0 + hour, dense: denseFrom(k0 - 5*min), in: func(int) (float64, float64) {
		return perStep * 0.9995, perStep * 0.0005
	}}
	coarse = append(coarse, slow.testIn(in, "0.05% errors never fire", []map[string]any{
		alertsAt(t0), alertsAt(t0 + 30*time.Minute), alertsAt(t0 + time.Hour),
	}, []map[string]any{
		withinOf(t0, slorules.ErrorRatioPrefix+"5m", `,window="5m"`, slow.ratio(t0, 5*time.Minute)),
		withinOf(t0, slorules.BudgetRemaining, `,window="30d"`, 1-slow.ratio(t0, 30*24*time.Hour)/0.001),
		exprAt(t0, `abs(`+slorules.BudgetRemaining+` - 0.5) < bool 1e-9`,
			map[string]any{"labels": `{journey="checkout",objective="availability",window="30d"}`, "value": 1}),
	}))

	// No traffic at all: no alert and no sample, never NaN. Traffic that
	// stops: the windows it left have no sample, the others still have.
	none := scenario{steps: 2 * hour, dense: denseFrom(0), in: func(int) (float64, float64) { return 0, 0 }}
	noSample := func(at time.Duration) []map[string]any {
		var out []map[string]any
		for _, name := range []string{slorules.ErrorRatioPrefix + "5m", slorules.ErrorRatioPrefix + "3d",
			slorules.ErrorRatioPrefix + "30d", slorules.SLI, slorules.BudgetRemaining, slorules.Firing} {
			out = append(out, exprAt(at, name))
		}
		return out
	}
	coarse = append(coarse, none.testIn(in, "no traffic: no alert, no sample", []map[string]any{
		alertsAt(time.Hour), alertsAt(2 * time.Hour),
	}, append(noSample(2*time.Hour),
		exprAt(2*time.Hour, slorules.EventsPrefix+"1h",
			map[string]any{"labels": `{__name__="` + slorules.EventsPrefix + `1h",journey="checkout",objective="availability",outcome="bad",window="1h"}`, "value": 0},
			map[string]any{"labels": `{__name__="` + slorules.EventsPrefix + `1h",journey="checkout",objective="availability",outcome="good",window="1h"}`, "value": 0}))))
	stops := scenario{steps: 2 * hour, dense: denseFrom(0), in: func(k int) (float64, float64) {
		if k <= hour {
			return perStep - 0.1, 0.1
		}
		return 0, 0
	}}
	coarse = append(coarse, stops.testIn(in, "traffic that stops leaves no NaN", []map[string]any{
		alertsAt(time.Hour), alertsAt(time.Hour + 10*time.Minute),
	}, []map[string]any{
		exprAt(time.Hour+10*time.Minute, slorules.ErrorRatioPrefix+"5m"),
		withinOf(time.Hour+10*time.Minute, slorules.ErrorRatioPrefix+"1h", `,window="1h"`, stops.ratio(time.Hour+10*time.Minute, time.Hour)),
	}))

	// Two replicas, the rules sum them: b fails every event from t0 on
	// while a serves its half well, a fleet-wide burn of 500, which needs
	// 104 s for the page (the 7th scrape, at 105 s): not at the 1-minute
	// evaluation, at the 2-minute one. b restarted 10 minutes
	// before, its counters from zero again: increase() counts across the
	// reset, so the restart is neither lost events nor a burst of them.
	half := func(failing bool) func(int) (float64, float64) {
		return func(k int) (float64, float64) {
			if failing && k > k0 {
				return 0, perStep / 2
			}
			return perStep / 2, 0
		}
	}
	dense := denseFrom(k0 - hour - 5*min)
	replicas := scenario{steps: k0 + 3*min, dense: dense, in: half(false), others: []scenario{
		{steps: k0 + 3*min, dense: dense, in: half(true), restart: k0 - 10*min},
	}}
	coarse = append(coarse, replicas.testIn(in, "two replicas, one failing after a restart", []map[string]any{
		alertsAt(t0 + time.Minute),
		alertsAt(t0+2*time.Minute, replicas.page1h(t0+2*time.Minute)),
	}, []map[string]any{
		withinOf(t0+time.Minute, slorules.ErrorRatioPrefix+"1h", `,window="1h"`, replicas.ratio(t0+time.Minute, time.Hour)),
		// Every event of the hour counted once: 36000, the restart
		// notwithstanding.
		// (To 1e-9: a rate times 3600, summed over the replicas in the
		// engine's order, may round its last bit.)
		exprAt(t0+time.Minute, "abs(sum without (outcome) ("+slorules.EventsPrefix+"1h) - 36000) < bool 1e-9",
			map[string]any{"labels": `{journey="checkout",objective="availability",window="1h"}`, "value": 1}),
	}))

	// The low-traffic guard: an hour of 960 events, the last 48 of them
	// failed, burns at 50 over every window, yet no window holds the 1000
	// events a rule needs at 99.9%. With 1080 events, it pages.
	low := func(events float64) scenario {
		return scenario{steps: hour, dense: denseFrom(0), in: func(k int) (float64, float64) {
			if k > hour-12 {
				return 0, events
			}
			return events, 0
		}}
	}
	below, above := low(4), low(4.5)
	coarse = append(coarse, below.testIn(in, "the guard holds below 1000 events", []map[string]any{
		alertsAt(time.Hour),
	}, []map[string]any{
		exprAt(time.Hour, "abs(sum without (outcome) ("+slorules.EventsPrefix+"1h) - 960) < bool 1e-9",
			map[string]any{"labels": `{journey="checkout",objective="availability",window="1h"}`, "value": 1}),
		exprAt(time.Hour, slorules.ErrorRatioPrefix+"1h > bool 0.0144",
			map[string]any{"labels": `{journey="checkout",objective="availability",window="1h"}`, "value": 1}),
		exprAt(time.Hour, slorules.Firing),
	}))
	coarse = append(coarse, above.testIn(in, "above 1000 events it pages", []map[string]any{
		alertsAt(time.Hour, above.page1h(time.Hour), above.ticket1d(time.Hour)),
	}, nil))
	return fine, coarse
}

// TestPromtoolWorkbook runs the Workbook's scenarios through the
// generated rules in promtool.
func TestPromtoolWorkbook(t *testing.T) {
	promtest.Promtool(t)
	f, err := slorules.Generate([]slo.Objective{{Journey: checkout, Target: 0.999}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rules, err := f.Marshal(slorules.Prometheus)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "rules.yml"), rules)
	fine, coarse := workbookTests(ownCounters)
	for _, u := range []struct {
		name     string
		interval time.Duration
		tests    []map[string]any
	}{{"fine.yml", step, fine}, {"coarse.yml", time.Minute, coarse}} {
		unit, err := yaml.Marshal(map[string]any{
			"rule_files":          []string{"rules.yml"},
			"evaluation_interval": seconds(u.interval),
			// promtool evaluates every group at every interval, in an
			// arbitrary order unless told: the period's first, so that
			// the alerts' budget annotation reads this evaluation's.
			"group_eval_order": []string{"journeyslo:checkout:availability:period", "journeyslo:checkout:availability"},
			"tests":            u.tests,
		})
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, u.name), unit)
	}
	out, err := promtest.RunPromtool(t, "test", "rules", filepath.Join(dir, "fine.yml"), filepath.Join(dir, "coarse.yml"))
	if err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
	if !strings.Contains(out, "SUCCESS") {
		t.Fatalf("promtool test rules did not succeed:\n%s", out)
	}
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestPromtoolObjectiveLabels runs the rules of an objective with its own
// labels and runbook, beside file-wide labels, through promtool: `check
// rules --lint=all --lint-fatal`, then a page and a ticket whose labels
// are the objective's and whose runbook_url is its runbook, with the
// recorded series carrying the labels too. Its traffic is the guard's
// scenario above 1000 events, an hour long, so that it runs in little
// time.
func TestPromtoolObjectiveLabels(t *testing.T) {
	promtest.Promtool(t)
	const runbook = "https://runbooks.example.com/checkout"
	labels := map[string]string{"team": "payments", "tier": "1"}
	f, err := slorules.Generate([]slo.Objective{{Journey: checkout, Target: 0.999, Runbook: runbook, Labels: labels}},
		slorules.WithLabels(map[string]string{"cluster": "eu-1"}))
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
	if err != nil || !strings.Contains(out, "SUCCESS: 25 rules found") {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}

	extra := map[string]string{"cluster": "eu-1", "team": "payments", "tier": "1"}
	labelled := func(alert map[string]any) map[string]any {
		for k, v := range extra {
			alert["exp_labels"].(map[string]string)[k] = v
		}
		alert["exp_annotations"].(map[string]string)["runbook_url"] = runbook
		return alert
	}
	sc := scenario{steps: hour, dense: denseFrom(0), in: func(k int) (float64, float64) {
		if k > hour-12 {
			return 0, 4.5
		}
		return 4.5, 0
	}}
	own := `journey="checkout",objective="availability",cluster="eu-1",team="payments",tier="1"`
	unit, err := yaml.Marshal(map[string]any{
		"rule_files":          []string{"rules.yml"},
		"evaluation_interval": seconds(time.Minute),
		"group_eval_order":    []string{"journeyslo:checkout:availability:period", "journeyslo:checkout:availability"},
		"tests": []map[string]any{sc.test("an objective's labels and runbook reach its alerts", []map[string]any{
			alertsAt(time.Hour, labelled(sc.page1h(time.Hour)), labelled(sc.ticket1d(time.Hour))),
		}, []map[string]any{
			exprAt(time.Hour, "sum without (outcome) ("+slorules.EventsPrefix+"1h)",
				map[string]any{"labels": `{` + own + `,window="1h"}`, "value": 1080}),
			exprAt(time.Hour, `count by (rule, cluster, team, tier) (`+slorules.Firing+`)`,
				map[string]any{"labels": `{cluster="eu-1",rule="page-1h-5m",team="payments",tier="1"}`, "value": 1},
				map[string]any{"labels": `{cluster="eu-1",rule="page-6h-30m",team="payments",tier="1"}`, "value": 1},
				map[string]any{"labels": `{cluster="eu-1",rule="ticket-1d-2h",team="payments",tier="1"}`, "value": 1},
				map[string]any{"labels": `{cluster="eu-1",rule="ticket-3d-6h",team="payments",tier="1"}`, "value": 1}),
			exprAt(time.Hour, `abs(`+slorules.BudgetRemaining+` - `+strconv.FormatFloat(1-sc.ratio(time.Hour, 30*24*time.Hour)/0.001, 'g', -1, 64)+`) < bool 1e-12`,
				map[string]any{"labels": `{` + own + `,window="30d"}`, "value": 1}),
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

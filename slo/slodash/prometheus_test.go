package slodash_test

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slodash"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// shop's objectives: one with the default policy, one grouped by
// cluster, one reading other counters (Source) with a policy of its own.
func shop() []slo.Objective {
	return []slo.Objective{
		{Journey: "checkout", Target: 0.999, Labels: map[string]string{"tier": "1"}},
		{Journey: "search", Target: 0.99, Latency: 300 * time.Millisecond, GroupBy: []string{"cluster"}},
		{Journey: "login", Name: "guarded", Target: 0.98, Period: 7 * 24 * time.Hour,
			Source: &slo.Source{Bad: `journeyslo_sli_events_total{journey="login",outcome="bad"}`, Total: `journeyslo_sli_events_total{journey="login"}`},
			Policy: burnrate.Policy{MinEvents: 20, Rules: []burnrate.Rule{
				{Long: 90 * time.Minute, Short: 7*time.Minute + 30*time.Second, Factor: 1.5, Severity: burnrate.SeverityTicket},
			}}},
	}
}

var labels = map[string]string{"team": "shop"}

// errorShare is each objective's share of bad events over the backfilled
// hour: checkout burns at 100 (it pages), search at 0.5, login at 2 (a
// ticket).
var errorShare = map[string]float64{"checkout": 0.1, "search": 0.005, "login": 0.04}

// serve backfills an hour of the objectives' counters ending now, 100
// events a second each, and serves them with the generated rules, which
// Prometheus evaluates every second; it returns once every objective's
// budget is recorded and the alerts fire.
func serve(t *testing.T) (*promtest.Server, time.Time) {
	t.Helper()
	promtest.Promtool(t)
	objs := shop()
	f, err := slorules.Generate(objs, slorules.WithLabels(labels),
		slorules.WithInterval(time.Second), slorules.WithPeriodInterval(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	var s promtest.Samples
	for _, o := range objs {
		o = o.WithDefaults()
		share := errorShare[o.Journey]
		for at := now.Add(-time.Hour); at.Before(now); at = at.Add(15 * time.Second) {
			n := at.Sub(now.Add(-time.Hour)).Seconds() * 100
			for _, cluster := range []string{"eu-1", "us-1"} {
				l := map[string]string{"journey": o.Journey, "objective": o.Name, "cluster": cluster}
				s.Add("counter", slorules.Counter, with(l, "outcome", "bad"), at, n*share/2)
				s.Add("counter", slorules.Counter, with(l, "outcome", "good"), at, n*(1-share)/2)
			}
		}
	}
	srv := promtest.Start(t, promtest.Backfill(t, s.Bytes()), promtest.Config{
		RuleFiles: []string{promtest.WriteRules(t, f)}, EvaluationInterval: time.Second,
	})
	deadline := time.Now().Add(time.Minute)
	for {
		at := time.Now()
		budgets := srv.Query(t, slorules.BudgetRemaining, at)
		alerting := map[model.LabelValue]bool{}
		for _, s := range srv.Query(t, `ALERTS{alertstate="firing"}`, at) {
			alerting[s.Metric["journey"]] = true
		}
		if len(budgets) >= len(objs) && alerting["checkout"] && alerting["login"] {
			return srv, at
		}
		if at.After(deadline) {
			t.Fatalf("after a minute, %d budgets recorded and alerts of %v; want %d, and alerts of checkout and login", len(budgets), alerting, len(objs))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func with(l map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for name, value := range l {
		out[name] = value
	}
	return out
}

// expand gives the dashboards' variables the values Grafana gives them
// when "All" is picked.
func expand(expr string) string { return strings.ReplaceAll(expr, `"$cluster"`, `".*"`) }

// span is a panel's time range: its own, or the dashboard's default.
func span(t *testing.T, d slodash.Dashboard, p slodash.Panel) time.Duration {
	t.Helper()
	from := p.TimeFrom
	if from == "" {
		from = strings.TrimPrefix(d.Time.From, "now-")
	}
	dur, err := model.ParseDuration(from)
	if err != nil || d.Time.To != "now" {
		t.Fatalf("%s: panel %q: time range %q to %q: %v", d.Title, p.Title, from, d.Time.To, err)
	}
	return time.Duration(dur)
}

// TestQueriesEvaluate evaluates every query of every panel, and the alerts'
// annotations, in Prometheus loaded with the generated rules and an hour
// of counters: each evaluates without error and returns series, and the
// overview's figures are the objectives'.
func TestQueriesEvaluate(t *testing.T) {
	srv, now := serve(t)
	ds, err := slodash.Generate(shop(), slodash.WithLabels(labels), slodash.WithService("shop"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		for _, p := range d.Panels {
			for _, q := range p.Targets {
				expr := expand(q.Expr)
				var n int
				switch {
				case q.Instant:
					n = len(srv.Query(t, expr, now))
				case q.Range:
					// Grafana's step for MaxDataPoints points; the last
					// point falls at now, where the rules have run.
					r := span(t, d, p)
					step := r / time.Duration(p.MaxDataPoints)
					n = len(srv.QueryRange(t, expr, now.Add(-r), now, step))
				default:
					t.Fatalf("%s: panel %q: query %s is neither instant nor range", d.Title, p.Title, q.RefID)
				}
				if n == 0 {
					t.Errorf("%s: panel %q: query %s returns no series:\n%s", d.Title, p.Title, q.RefID, expr)
				}
			}
		}
		for _, a := range d.Annotations.List[1:] {
			got := srv.QueryRange(t, expand(a.Expr), now.Add(-time.Hour), now, time.Minute)
			want := !strings.Contains(d.Title, "search") // search burns at 0.5: no alert
			if (len(got) > 0) != want {
				t.Errorf("%s: annotation %q: %d series of alerts, want some: %v", d.Title, a.Name, len(got), want)
			}
		}
	}

	// The overview's rows: the state, the budget left, the SLI, the time to
	// exhaustion, and the order.
	table := ds[0].Panels[0]
	type row struct{ state, budget, sli, exhaustion, rank float64 }
	rows := map[string]*row{}
	for i, q := range table.Targets {
		for _, s := range srv.Query(t, expand(q.Expr), now) {
			key := string(s.Metric["journey"]) + ":" + string(s.Metric["objective"])
			if c := s.Metric["cluster"]; c != "" {
				key += " " + string(c) // a row per group
			}
			if rows[key] == nil {
				rows[key] = &row{exhaustion: math.NaN()}
			}
			v := float64(s.Value)
			switch i {
			case 0:
				rows[key].state = v
			case 1:
				rows[key].budget = v
			case 2:
				rows[key].sli = v
			case 3:
				rows[key].exhaustion = v
			case 4:
				rows[key].rank = v
			}
		}
	}
	want := map[string]row{
		// 10% bad at 99.9%: spent a hundred times over; a page.
		"checkout:availability": {state: 2, budget: 1 - 0.1/0.001, sli: 0.9, exhaustion: 0, rank: 2000 + 99},
		// 0.5% bad at 99% in each cluster, judged apart: half the budget
		// left, spent in 30 days at 0.5.
		"search:latency eu-1": {state: 0, budget: 0.5, sli: 0.995, exhaustion: 0.5 * 30 * 86400 * 0.01 / 0.005, rank: -0.5},
		"search:latency us-1": {state: 0, budget: 0.5, sli: 0.995, exhaustion: 0.5 * 30 * 86400 * 0.01 / 0.005, rank: -0.5},
		// 4% bad at 98%: overspent, burning at 2 over 90m; a ticket.
		"login:guarded": {state: 1, budget: -1, sli: 0.96, exhaustion: 0, rank: 1000 + 1},
	}
	if len(rows) != len(want) {
		t.Errorf("the overview has rows %v, want one per objective and group", slices.Sorted(mapsKeys(rows)))
	}
	for key, w := range want {
		g := rows[key]
		if g == nil {
			t.Errorf("no row of %s", key)
			continue
		}
		for _, f := range []struct {
			name      string
			got, want float64
		}{{"state", g.state, w.state}, {"budget", g.budget, w.budget}, {"SLI", g.sli, w.sli}, {"time to exhaustion", g.exhaustion, w.exhaustion}, {"rank", g.rank, w.rank}} {
			if math.Abs(f.got-f.want) > 1e-9*math.Max(1, math.Abs(f.want)) {
				t.Errorf("%s: %s = %v, want %v", key, f.name, f.got, f.want)
			}
		}
	}
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

var metricName = regexp.MustCompile(`([a-zA-Z_:][a-zA-Z0-9_:]*)\{`)

// TestQueryLimits checks every query against the limits the dashboards
// keep: no range selector or subquery (the only PromQL with '['), only
// the recorded series and ALERTS, no time range longer than the
// objective's period or Mimir's max_total_query_length (768h), and at
// most 1000 points per series (Prometheus and Mimir allow 11,000).
func TestQueryLimits(t *testing.T) {
	objs := append(shop(), slo.Objective{Journey: "billing", Target: 0.999, Period: 90 * 24 * time.Hour},
		slo.Objective{Journey: "ping", Target: 0.9, Period: 6 * time.Hour})
	ds, err := slodash.Generate(objs, slodash.WithLabels(labels))
	if err != nil {
		t.Fatal(err)
	}
	allowed := []string{slorules.BudgetRemaining, slorules.SLI, slorules.Info, slorules.Firing, "ALERTS"}
	var periods []time.Duration
	for _, o := range objs {
		o = o.WithDefaults()
		periods = append(periods, o.Period)
		for _, d := range o.Policy.Windows() {
			allowed = append(allowed, slorules.ErrorRatioPrefix+burnrate.FormatWindow(d))
		}
	}
	check := func(d slodash.Dashboard, where, expr string) {
		if strings.Contains(expr, "[") {
			t.Errorf("%s: %s reads a range: %s", d.Title, where, expr)
		}
		names := metricName.FindAllStringSubmatch(expr, -1)
		if len(names) == 0 {
			t.Errorf("%s: %s reads no series: %s", d.Title, where, expr)
		}
		for _, m := range names {
			if !slices.Contains(allowed, m[1]) {
				t.Errorf("%s: %s reads %s, which the rules do not record", d.Title, where, m[1])
			}
		}
	}
	for i, d := range ds {
		// The overview's period is the shortest of all; a page's, its
		// objective's.
		period := slices.Min(periods)
		if i > 0 {
			period = periods[i-1]
		}
		for _, p := range d.Panels {
			r := span(t, d, p)
			if r > period || r > 768*time.Hour {
				t.Errorf("%s: panel %q spans %v: longer than the period %v or 768h", d.Title, p.Title, r, period)
			}
			if p.MaxDataPoints > 11000 {
				t.Errorf("%s: panel %q asks for %d points per series", d.Title, p.Title, p.MaxDataPoints)
			}
			for _, q := range p.Targets {
				if q.Range && p.MaxDataPoints == 0 {
					t.Errorf("%s: panel %q: a range query without MaxDataPoints", d.Title, p.Title)
				}
				check(d, "panel "+p.Title+" query "+q.RefID, q.Expr)
			}
		}
		for _, a := range d.Annotations.List[1:] {
			check(d, "annotation "+a.Name, a.Expr)
		}
	}
	// The 90-day objective's burn-down spans 768h (32d), the others their
	// period.
	for i, d := range ds[1:] {
		want := burnrate.FormatWindow(min(periods[i], 768*time.Hour))
		if periods[i] == 90*24*time.Hour && want != "32d" {
			t.Fatalf("768h is written %s", want)
		}
		for _, p := range d.Panels {
			if p.TimeFrom != "" && p.TimeFrom != want {
				t.Errorf("%s: panel %q spans %s, want %s", d.Title, p.Title, p.TimeFrom, want)
			}
		}
		if !slices.ContainsFunc(d.Panels, func(p slodash.Panel) bool { return p.TimeFrom == want }) {
			t.Errorf("%s: no panel spans the period, %s", d.Title, want)
		}
	}
}

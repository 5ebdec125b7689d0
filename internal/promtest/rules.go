package promtest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/slo/slorules"

	"github.com/prometheus/common/model"
)

// A Rule is one recording or alerting rule, as slorules generates it;
// the harness reads its Record or Alert, Expr, For and Labels.
type Rule = slorules.Rule

// maxSteps is the most points the HTTP API returns per series of one
// range query; longer spans are asked for in chunks.
const maxSteps = 11000

// QueryRangeAll is [Server.QueryRange] over a span of any length: it asks
// for it in chunks the server accepts and joins each series' points.
func (s *Server) QueryRangeAll(t testing.TB, expr string, start, end time.Time, step time.Duration) model.Matrix {
	t.Helper()
	bySeries := map[model.Fingerprint]*model.SampleStream{}
	var order []model.Fingerprint
	for from := start; !from.After(end); from = from.Add(maxSteps * step) {
		to := from.Add((maxSteps - 1) * step)
		if to.After(end) {
			to = end
		}
		for _, ss := range s.QueryRange(t, expr, from, to, step) {
			fp := ss.Metric.Fingerprint()
			if have, ok := bySeries[fp]; ok {
				have.Values = append(have.Values, ss.Values...)
				continue
			}
			bySeries[fp] = ss
			order = append(order, fp)
		}
	}
	out := make(model.Matrix, 0, len(order))
	for _, fp := range order {
		out = append(out, bySeries[fp])
	}
	sort.Sort(out)
	return out
}

// RecordRange evaluates the recording rule r at every step from start to
// end, as the server's rule manager would at those instants, and adds its
// output to out as gauge samples named r.Record with r.Labels applied. The
// server's lookback delta should be shorter than step (see [Config.Flags]),
// so that a rule that reads a recorded series does not see an old sample
// where the rule manager would have written a stale marker.
//
// promtool tsdb create-blocks-from rules does the same, but writes a block
// per rule per two hours (7,200 blocks for 20 rules over a month, in four
// minutes here): unusable for a month of many objectives.
func (s *Server) RecordRange(t testing.TB, r Rule, start, end time.Time, step time.Duration, out *Samples) {
	t.Helper()
	for _, ss := range s.QueryRangeAll(t, r.Expr, start, end, step) {
		labels := map[string]string{}
		for k, v := range ss.Metric {
			if k != model.MetricNameLabel {
				labels[string(k)] = string(v)
			}
		}
		for k, v := range r.Labels {
			labels[k] = v
			if v == "" {
				delete(labels, k) // as in a rule file: an empty value removes the label
			}
		}
		for _, p := range ss.Values {
			out.Add("gauge", r.Record, labels, p.Timestamp.Time(), float64(p.Value))
		}
	}
}

// An Alert is one alert an alerting rule raised over a span.
type Alert struct {
	// Labels are the alert's: the expression's, with the rule's labels
	// and alertname.
	Labels model.LabelSet
	// Firing holds the instants at which it fired, ascending.
	Firing []time.Time
}

// AlertRange evaluates the alerting rule r at every step from start to end
// and returns, per alert (the expression's labels with r.Labels and
// alertname), the instants at which it fires: where the expression has held
// at every step for at least r.For. Alerts that never fire are left out. It is how cloudflare/pint counts alerts
// over history; the rule manager evaluates the same expression at the same
// instants.
func (s *Server) AlertRange(t testing.TB, r Rule, start, end time.Time, step time.Duration) []Alert {
	t.Helper()
	var out []Alert
	for _, ss := range s.QueryRangeAll(t, r.Expr, start, end, step) {
		m := ss.Metric.Clone()
		delete(m, model.MetricNameLabel)
		for k, v := range r.Labels {
			m[model.LabelName(k)] = model.LabelValue(v)
			if v == "" {
				delete(m, model.LabelName(k))
			}
		}
		m[model.AlertNameLabel] = model.LabelValue(r.Alert)
		a := Alert{Labels: model.LabelSet(m)}
		var active time.Time // when the current run of steps began
		var prev time.Time
		for _, p := range ss.Values {
			at := p.Timestamp.Time()
			if active.IsZero() || at.Sub(prev) != step {
				active = at
			}
			prev = at
			if at.Sub(active) >= r.For {
				a.Firing = append(a.Firing, at)
			}
		}
		if len(a.Firing) > 0 {
			out = append(out, a)
		}
	}
	return out
}

// recordRef matches a use of a metric name in an expression.
func recordRef(name string) *regexp.Regexp {
	return regexp.MustCompile(`(^|[^a-zA-Z0-9_:])` + regexp.QuoteMeta(name) + `($|[^a-zA-Z0-9_:])`)
}

var eqMatcher = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)

// reads reports whether expr, which uses the name re matches, may read
// the output of a rule that records it with labels: whether some use's
// equality matchers agree with every label of the rule they name. A rule
// that records one outcome of a window from another reads that one only,
// not the other objectives' series of the same name.
func reads(expr string, re *regexp.Regexp, labels map[string]string) bool {
	for _, loc := range re.FindAllStringIndex(expr, -1) {
		rest := expr[loc[1]:]
		if loc[1] > 0 && expr[loc[1]-1] == '{' {
			rest = expr[loc[1]-1:]
		}
		if !strings.HasPrefix(rest, "{") {
			return true // no matchers: reads every series of the name
		}
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return true
		}
		agree := true
		for _, m := range eqMatcher.FindAllStringSubmatch(rest[:end], -1) {
			v, err := strconv.Unquote(`"` + m[2] + `"`)
			if want, ok := labels[m[1]]; ok && err == nil && want != v {
				agree = false
			}
		}
		if agree {
			return true
		}
	}
	return false
}

// Evaluation is what [EvaluateRules] leaves: a server over the samples and
// every recording rule's output, and each alerting rule's firing instants.
type Evaluation struct {
	Server *Server
	// Alerts are the alerts that fired, in the order of their labels.
	Alerts []Alert
	// Servers is how many servers were started: one per level of recording
	// rules that read other recording rules, and the last.
	Servers int
	// Samples are what Server serves: base's and every recording rule's,
	// for a test that serves them with more (the ALERTS series of Alerts,
	// say).
	Samples *Samples
}

// EvaluateRules evaluates rules over the samples of base at every step from
// start to end, as a server evaluating them every step would have. A
// recording rule is evaluated by [Server.RecordRange] once every recording
// rule it reads has been backfilled and served, so rules are taken in
// levels: those over base alone, then those reading only the first level,
// and so on, with a new server for each level. Then every alerting rule is
// evaluated by [Server.AlertRange]. flags are passed to every server
// started; the lookback delta is half the step unless flags set it.
func EvaluateRules(t testing.TB, base *Samples, rules []Rule, start, end time.Time, step time.Duration, flags ...string) Evaluation {
	t.Helper()
	if !slices.ContainsFunc(flags, func(f string) bool { return regexpLookback.MatchString(f) }) {
		flags = append(flags, "--query.lookback-delta="+model.Duration(step/2).String())
	}
	refs := map[string]*regexp.Regexp{}
	for _, r := range rules {
		if r.Record != "" && refs[r.Record] == nil {
			refs[r.Record] = recordRef(r.Record)
		}
	}
	// level[i] is 1 + the highest level among the recorded series rule i
	// reads (0 when it reads none); a recorded name's level is the highest
	// of the other rules recording it: a rule may read what another rule
	// records under its own name with other labels (one outcome of a
	// window's events computed from the other), never its own output.
	level := make([]int, len(rules))
	recorders := map[string][]int{}
	for j, r := range rules {
		if r.Record != "" {
			recorders[r.Record] = append(recorders[r.Record], j)
		}
	}
	for changed := true; changed; {
		changed = false
		for i, r := range rules {
			l := 0
			for name, re := range refs {
				if !re.MatchString(r.Expr) {
					continue
				}
				for _, j := range recorders[name] {
					if j != i && reads(r.Expr, re, rules[j].Labels) {
						l = max(l, level[j]+1)
					}
				}
			}
			if l > len(rules) {
				t.Fatalf("recording rules read each other in a cycle: %s", r.Expr)
			}
			if l != level[i] {
				level[i], changed = l, true
			}
		}
	}
	var recorded Samples
	var ev Evaluation
	serve := func() *Server {
		var all Samples
		all.merge(base)
		all.merge(&recorded)
		ev.Servers++
		return Start(t, Backfill(t, all.Bytes()), Config{Flags: flags})
	}
	top := -1 // no recording rule: no level to backfill
	for i, r := range rules {
		if r.Record != "" {
			top = max(top, level[i])
		}
	}
	for l := 0; l <= top; l++ {
		srv := serve()
		for i, r := range rules {
			if r.Record != "" && level[i] == l {
				srv.RecordRange(t, r, start, end, step, &recorded)
			}
		}
	}
	ev.Server = serve()
	ev.Samples = &Samples{}
	ev.Samples.merge(base)
	ev.Samples.merge(&recorded)
	for _, r := range rules {
		if r.Alert == "" {
			continue
		}
		ev.Alerts = append(ev.Alerts, ev.Server.AlertRange(t, r, start, end, step)...)
	}
	slices.SortFunc(ev.Alerts, func(a, b Alert) int { return strings.Compare(a.Labels.String(), b.Labels.String()) })
	return ev
}

var regexpLookback = regexp.MustCompile(`^--query\.lookback-delta=`)

// MergeBlocks returns a new directory holding the TSDB blocks of every dir
// (from [Backfill]), hard-linked, for [Start]: a month of raw samples
// backfilled once can be served with different recorded histories.
func MergeBlocks(t testing.TB, dirs ...string) string {
	t.Helper()
	out := t.TempDir()
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !e.IsDir() || len(e.Name()) != 26 { // a block is named by its ULID
				continue
			}
			if err := linkTree(filepath.Join(dir, e.Name()), filepath.Join(out, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}

func linkTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		return os.Link(path, target)
	})
}

// merge adds every sample of o to s.
func (s *Samples) merge(o *Samples) {
	if s.families == nil {
		s.families = map[string]*family{}
	}
	for name, of := range o.families {
		f := s.families[name]
		if f == nil {
			f = &family{typ: of.typ, series: map[string]*series{}}
			s.families[name] = f
		}
		for ls, osr := range of.series {
			sr := f.series[ls]
			if sr == nil {
				sr = &series{name: osr.name, labels: ls}
				f.series[ls] = sr
			}
			sr.points = append(sr.points, osr.points...)
		}
	}
}

// WriteRules writes f as a Prometheus rule file in a directory of the
// test's and returns its path, for Config.RuleFiles.
func WriteRules(t testing.TB, f slorules.RuleFile) string {
	t.Helper()
	yml, err := f.Marshal(slorules.Prometheus)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rules.yml")
	if err := os.WriteFile(path, yml, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

package period

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"

	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// The 12-week period benchmark: how long Prometheus (Debian's 2.42) takes
// to evaluate the rules of one objective's 84-day period over N counter
// series, N = 200, 400, 800 by default, sampled every minute over the whole
// period. This is the case that made Pyrra add a performance mode: 8,800
// series over 12 weeks took 95 s per evaluation against a 120 s timeout.
//
// Two shapes of the period's rules are measured, each in its own server
// over the same blocks:
//
//   - direct: the rules slorules generates today, whose first rule is
//     sum by (journey, objective, outcome) (increase(counter[84d])): every
//     evaluation reads every sample of every series over 84 days;
//   - delta: the period's increase summed from a recorded series of
//     one-minute increments per outcome,
//     sum_over_time(...:delta1m[84d]), where the increments are recorded
//     every minute by sum by (...) ((c - last_over_time(c[1h] offset 1m)) >= 0 or c).
//     The increments telescope: each step's c(t) - c(t-1m) per series
//     cancels the previous step's, so their sum over the period is the
//     last sample's value minus the value one step before the period, per
//     series: the exact count of events between those two scrapes, which
//     increase() only approaches by extrapolating to the range's edges. A
//     reset (the counter goes down) counts the counter's new value, as
//     increase() does; last_over_time over an hour keeps the sum exact
//     across an hour without samples or evaluations (a restart).
//
// The counters are written straight into a TSDB block with Prometheus's
// own block writer (OpenMetrics text of 800 series over 84 days is 10 GB),
// and so is the month of one-minute increments the delta rule would have
// recorded: exact sums of the counts. Each N's rules select its share of
// the series with an extra matcher, shard=~"0|1|..." on the counters and
// n="N" on the increments.
//
// It reports, per N and shape: the group's evaluation time (the server's
// prometheus_rule_group_last_duration_seconds, median), the server's CPU
// seconds per evaluation, the samples one evaluation of the expensive rule
// reads (the engine's stats), and how far the recorded 84-day SLI is from
// the exact one computed from the written counts. The one-minute increment
// rule is measured as instant queries at the last sample's time (the
// block has no live samples to record from).
//
//	cd bench/period && JOURNEYSLO_PERIOD_BENCH=1 go test -run TestPeriod12Weeks -v -timeout 60m .
//
// JOURNEYSLO_PERIOD_SERIES=200,400,800,1600 sets the series counts.
const periodEnv = "JOURNEYSLO_PERIOD_BENCH"

const (
	period        = 84 * 24 * time.Hour
	scrape        = time.Minute
	shardSeries   = 200 // series per shard: 100 pods, good and bad
	evalEvery     = 30 * time.Second
	warm, cycles  = 1, 2
	deltaRecord   = "journey_objective_outcome:journeyslo_sli_events:delta1m"
	counterMetric = "journeyslo_sli_events_total"
)

// traffic is every minute's good and bad events, per shard: minute m holds
// the events between the samples at m-1 and m.
type traffic struct {
	start   time.Time
	minutes int
	counts  [][][2]uint64 // [shard][minute]{good, bad}
}

// load is the pods' traffic over the day: busiest at 15:00, quietest at
// 03:00, a ratio of 9 between them.
func load(at time.Time) float64 {
	mod := float64(at.Hour()*60 + at.Minute())
	return 1 + 0.8*math.Cos(2*math.Pi*(mod-900)/1440)
}

// writeBlock writes shards*shardSeries counters sampled every minute from
// start over minutes, into a block in dir, and returns their counts.
func writeBlock(t *testing.T, dir string, shards int, start time.Time, minutes int) *traffic {
	w, err := tsdb.NewBlockWriter(slog.New(slog.NewTextHandler(io.Discard, nil)), dir, 400*24*time.Hour.Milliseconds())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tr := &traffic{start: start, minutes: minutes, counts: make([][][2]uint64, shards)}
	incident := start.Add(50 * 24 * time.Hour).Truncate(24 * time.Hour).Add(3 * time.Hour) // 03:00, the quietest hour, on day 50
	for s := range shards {
		tr.counts[s] = make([][2]uint64, minutes)
		for p := range shardSeries / 2 {
			pod := s*shardSeries/2 + p
			base := 20 + float64(pod%13) // events a minute at the day's mean
			app := w.Appender(context.Background())
			lb := func(outcome string) labels.Labels {
				return labels.FromStrings("__name__", counterMetric, "instance", fmt.Sprintf("p%04d:9090", pod), "job", "shop",
					"journey", "j00", "objective", "availability", "outcome", outcome, "shard", strconv.Itoa(s))
			}
			good, bad := lb("good"), lb("bad")
			var gref, bref storage.SeriesRef
			var cg, cb uint64
			var owedGood, owedBad float64
			for m := range minutes {
				at := start.Add(time.Duration(m) * scrape)
				if m > 0 {
					l := load(at)
					ratio := 0.0004 * (2 - l) // worse when quiet
					if !at.Before(incident) && at.Before(incident.Add(30*time.Minute)) {
						ratio = 0.5
					}
					n := base * l
					owedGood += n * (1 - ratio)
					owedBad += n * ratio
					g, b := math.Floor(owedGood), math.Floor(owedBad)
					owedGood -= g
					owedBad -= b
					cg += uint64(g)
					cb += uint64(b)
					tr.counts[s][m][0] += uint64(g)
					tr.counts[s][m][1] += uint64(b)
				}
				if gref, err = app.Append(gref, good, at.UnixMilli(), float64(cg)); err != nil {
					t.Fatal(err)
				}
				if bref, err = app.Append(bref, bad, at.UnixMilli(), float64(cb)); err != nil {
					t.Fatal(err)
				}
			}
			if err := app.Commit(); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The increments the delta rule records every minute, for each N: the
	// exact sums of the counts, as c - c offset 1m gives at each sample.
	for k := 1; k <= shards; k++ {
		if !slices.Contains(sizes(t), k*shardSeries) {
			continue
		}
		app := w.Appender(context.Background())
		for o, outcome := range []string{"good", "bad"} {
			l := labels.FromStrings("__name__", deltaRecord, "journey", "j00", "n", strconv.Itoa(k*shardSeries),
				"objective", "availability", "outcome", outcome, "window", "1m")
			var ref storage.SeriesRef
			for m := 1; m < minutes; m++ {
				var sum uint64
				for s := range k {
					sum += tr.counts[s][m][o]
				}
				if ref, err = app.Append(ref, l, start.Add(time.Duration(m)*scrape).UnixMilli(), float64(sum)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := app.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return tr
}

// exact returns the good and bad events of the first k shards whose
// minutes' samples fall in [t-period, t], as a range selector of
// Prometheus 2 selects them (closed at both ends).
func (tr *traffic) exact(k int, at time.Time) (good, bad uint64) {
	from := at.Add(-period)
	for m := 1; m < tr.minutes; m++ {
		ts := tr.start.Add(time.Duration(m) * scrape)
		if ts.Before(from) || ts.After(at) {
			continue
		}
		for s := range k {
			good += tr.counts[s][m][0]
			bad += tr.counts[s][m][1]
		}
	}
	return good, bad
}

func sizes(t *testing.T) []int {
	spec := os.Getenv("JOURNEYSLO_PERIOD_SERIES")
	if spec == "" {
		spec = "200,400,800"
	}
	var out []int
	for f := range strings.SplitSeq(spec, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 || n%shardSeries != 0 {
			t.Fatalf("JOURNEYSLO_PERIOD_SERIES: %q is not a positive multiple of %d", f, shardSeries)
		}
		out = append(out, n)
	}
	return out
}

// periodGroup returns the period group slorules generates for the
// objective, its counters narrowed to the first k shards; with delta, its
// increase is summed from the recorded increments instead.
func periodGroup(t *testing.T, k int, delta bool) slorules.Group {
	o := slo.Objective{Journey: "j00", Target: 0.999, Period: period}.WithDefaults()
	f, err := slorules.Generate([]slo.Objective{o}, slorules.WithPeriodInterval(evalEvery))
	if err != nil {
		t.Fatal(err)
	}
	var g slorules.Group
	for _, gr := range f.Groups {
		if strings.HasSuffix(gr.Name, ":period") {
			g = gr
		}
	}
	if g.Name == "" {
		t.Fatal("no period group generated")
	}
	g.Rules = slices.Clone(g.Rules)
	sel := `{journey="j00",objective="availability"}`
	first := &g.Rules[0]
	if !strings.Contains(first.Expr, "increase("+counterMetric+sel+"[84d])") {
		t.Fatalf("the period group's first rule is %q; want the 84-day increase of the counters", first.Expr)
	}
	if delta {
		first.Expr = fmt.Sprintf(`sum_over_time(%s{journey="j00",objective="availability",n="%d"}[84d])`, deltaRecord, k*shardSeries)
	} else {
		first.Expr = strings.Replace(first.Expr, sel, fmt.Sprintf(`{journey="j00",objective="availability",shard=~"%s"}`, shardRegexp(k)), 1)
	}
	return g
}

func shardRegexp(k int) string {
	s := make([]string, k)
	for i := range s {
		s[i] = strconv.Itoa(i)
	}
	return strings.Join(s, "|")
}

// deltaExpr is the rule that records the one-minute increments.
func deltaExpr(k int) string {
	c := fmt.Sprintf(`%s{journey="j00",objective="availability",shard=~"%s"}`, counterMetric, shardRegexp(k))
	return fmt.Sprintf(`sum by (journey, objective, outcome) ((%s - last_over_time(%s[1h] offset 1m)) >= 0 or %s)`, c, c, c)
}

var groupDuration = regexp.MustCompile(`^prometheus_rule_group_(last_duration_seconds|iterations_total)\{rule_group="[^"]*"\} (\S+)$`)

// serverState reads the server's CPU seconds, and its one group's
// iterations and last duration.
func serverState(t *testing.T, srv *promtest.Server) (cpu, iterations, last float64) {
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "process_cpu_seconds_total "); ok {
			cpu, _ = strconv.ParseFloat(v, 64)
		}
		if m := groupDuration.FindStringSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			if m[1] == "iterations_total" {
				iterations = v
			} else {
				last = v
			}
		}
	}
	return cpu, iterations, last
}

// stats evaluates expr at instant at and returns the engine's evaluation
// time and the samples it read.
func stats(t *testing.T, srv *promtest.Server, expr string, at time.Time) (seconds float64, samples int64) {
	form := url.Values{"query": {expr}, "time": {strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', 3, 64)}, "stats": {"all"}}
	resp, err := http.PostForm(srv.URL+"/api/v1/query", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Status string
		Error  string
		Data   struct {
			Stats struct {
				Timings struct {
					EvalTotalTime float64
				}
				Samples struct {
					TotalQueryableSamples int64
				}
			}
		}
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&r); err != nil {
		t.Fatal(err)
	}
	if r.Status != "success" {
		t.Fatalf("%s: %s", expr, r.Error)
	}
	return r.Data.Stats.Timings.EvalTotalTime, r.Data.Stats.Samples.TotalQueryableSamples
}

type result struct {
	series                  int
	shape                   string
	lastDurations           []float64
	cpu                     float64 // server CPU seconds per evaluation
	samples                 int64   // read by one evaluation of the expensive rule
	sliErr, goodErr, badErr float64
}

func TestPeriod12Weeks(t *testing.T) {
	if os.Getenv(periodEnv) != "1" {
		t.Skipf("the 12-week period benchmark takes many minutes; run it with %s=1", periodEnv)
	}
	promtest.Promtool(t)
	ns := sizes(t)
	shards := slices.Max(ns) / shardSeries
	end := time.Now().UTC().Truncate(time.Minute)
	start := end.Add(-period - 2*time.Hour)
	minutes := int(end.Sub(start)/scrape) + 1
	dir := t.TempDir()
	began := time.Now()
	tr := writeBlock(t, dir, shards, start, minutes)
	t.Logf("%d counters over %v sampled every %v written in %v", shards*shardSeries, end.Sub(start), scrape, time.Since(began).Round(time.Second))

	var results []result
	for _, n := range ns {
		k := n / shardSeries
		for _, shape := range []string{"direct", "delta"} {
			g := periodGroup(t, k, shape == "delta")
			file := promtest.WriteRules(t, slorules.RuleFile{Groups: []slorules.Group{g}})
			srv := promtest.Start(t, promtest.MergeBlocks(t, dir), promtest.Config{
				RuleFiles: []string{file}, EvaluationInterval: evalEvery,
				// The default of 2 minutes is what the direct shape
				// runs into over 800 series on a busy machine.
				Flags: []string{"--query.timeout=30m"},
			})
			r := result{series: n, shape: shape}
			_, r.samples = stats(t, srv, g.Rules[0].Expr, end)
			var cpu0, it0 float64
			deadline := time.Now().Add(30 * time.Minute)
			for {
				if time.Now().After(deadline) {
					t.Fatalf("%d series, %s: %d evaluations measured in 30 minutes", n, shape, len(r.lastDurations))
				}
				time.Sleep(time.Second)
				cpu, it, last := serverState(t, srv)
				switch {
				case it < warm:
				case it0 == 0:
					cpu0, it0 = cpu, it
				case it > it0+float64(len(r.lastDurations)):
					r.lastDurations = append(r.lastDurations, last)
					r.cpu = (cpu - cpu0) / (it - it0)
				}
				if len(r.lastDurations) >= cycles {
					break
				}
			}
			// The recorded 84-day counts and SLI, against the exact ones.
			inc := srv.Query(t, `journey_objective_outcome:journeyslo_sli_events:increase84d`, time.Now())
			at := srv.Query(t, `timestamp(journey_objective:journeyslo_sli:ratio)`, time.Now())
			sli := srv.Query(t, `journey_objective:journeyslo_sli:ratio`, time.Now())
			if len(inc) != 2 || len(at) != 1 || len(sli) != 1 {
				t.Fatalf("%d series, %s: recorded %v, %v, %v", n, shape, inc, at, sli)
			}
			when := time.UnixMilli(int64(math.Round(float64(at[0].Value) * 1000)))
			good, bad := tr.exact(k, when)
			for _, s := range inc {
				// The series recorded at the SLI's instant: the group
				// writes both in one evaluation.
				v := float64(s.Value)
				if s.Metric["outcome"] == "good" {
					r.goodErr = v/float64(good) - 1
				} else {
					r.badErr = v/float64(bad) - 1
				}
			}
			exactSLI := float64(good) / float64(good+bad)
			r.sliErr = float64(sli[0].Value) - exactSLI
			t.Logf("%4d series, %-6s: last durations %v s, CPU %.3f s per evaluation, %d samples read; SLI %.9f, exact %.9f (%d good, %d bad): off by %.3g; good off by %.3g, bad by %.3g (relative)",
				n, shape, r.lastDurations, r.cpu, r.samples, float64(sli[0].Value), exactSLI, good, bad, r.sliErr, r.goodErr, r.badErr)
			if shape == "delta" {
				// The one-minute increments' own rule, evaluated where
				// the counters end.
				var secs []float64
				var samples int64
				cpu0, _, _ := serverState(t, srv)
				for range 5 {
					s, n := stats(t, srv, deltaExpr(k), end)
					secs = append(secs, s)
					samples = n
				}
				cpu1, _, _ := serverState(t, srv)
				slices.Sort(secs)
				t.Logf("%4d series, delta1m rule: engine %.4f s (median of 5), CPU %.4f s per evaluation, %d samples read", n, secs[2], (cpu1-cpu0)/5, samples)
				// It records what the block holds for the last minute.
				got := srv.Query(t, deltaExpr(k), end)
				for _, s := range got {
					o := 0
					if s.Metric["outcome"] == "bad" {
						o = 1
					}
					var want uint64
					for sh := range k {
						want += tr.counts[sh][minutes-1][o]
					}
					if float64(s.Value) != float64(want) {
						t.Errorf("%d series: the delta1m rule records %v %s events at the last minute, want %d", n, s.Value, s.Metric["outcome"], want)
					}
				}
			}
			results = append(results, r)
			if shape == "delta" && (r.sliErr != 0 && math.Abs(r.sliErr) > 1e-12 || r.goodErr != 0 || r.badErr != 0) {
				t.Errorf("%d series: the delta shape's 84-day counts are off the exact ones (good %.3g, bad %.3g, SLI %.3g); want them exact", n, r.goodErr, r.badErr, r.sliErr)
			}
		}
	}
	for _, r := range results {
		slices.Sort(r.lastDurations)
		t.Logf("%4d series %-6s: evaluation %.3f s (median last duration), CPU %.3f s, %d samples; SLI off the exact by %.3g",
			r.series, r.shape, r.lastDurations[len(r.lastDurations)/2], r.cpu, r.samples, r.sliErr)
	}
}

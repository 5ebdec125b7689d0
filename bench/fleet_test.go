package bench

import (
	"bufio"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/model"

	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// The fleet benchmark: 100 objectives over a backfilled month, evaluated
// in real time by Prometheus (Debian's 2.42) with the rules slorules
// generates and, in a second server over the same month, with Sloth-shaped
// rules (sloth_test.go). It reports rule evaluation time per cycle, the
// series the rules record, and how far each side's 30-day SLI is from the
// exact event-weighted one, computed from the traffic itself.
//
// Rule evaluation time is read three ways, per cycle of every group: the
// groups' prometheus_rule_group_last_duration_seconds summed, which counts
// the time a group's queries wait for one of the engine's 20 slots and for
// the CPU (on a loaded machine it varies by orders of magnitude between
// runs); the query engine's own preparing and evaluating time; and the
// server's CPU seconds, the steadiest. Every group runs every 20 s while
// measured; the generated periods' groups run every 2m30s in production,
// where the rest run every minute, so a third server runs the generated
// rules without them, and the periods' share is weighted by 1m / 2m30s.
//
// It takes about ten minutes and a gigabyte of temporary disk, so it runs
// only when asked:
//
//	cd bench && JOURNEYSLO_FLEET_BENCH=1 go test -run TestFleetRules -v -timeout 30m .
const fleetEnv = "JOURNEYSLO_FLEET_BENCH"

const (
	fleetObjectives = 100
	fleetScrape     = time.Minute      // Prometheus's default scrape interval, for the month and live
	fleetEval       = 20 * time.Second // every group's interval while measuring: the work of one evaluation does not depend on it
	fleetProdEval   = time.Minute      // Prometheus's default evaluation interval, for the amortized figure
	fleetWarmCycles = 3                // cycles skipped: the first reads no recorded ratios, and caches fill
	fleetCycles     = 5                // cycles measured
)

// fleetTraffic is the synthetic traffic of every objective, minute by
// minute: deterministic, varying over the day, with more errors when
// traffic is low (a nightly batch failing, say), so that a mean of 5-minute
// ratios weighs the quiet minutes' ratios as much as the busy ones' and
// differs from the event-weighted ratio.
type fleetTraffic struct {
	objs  []slo.Objective
	start time.Time // the start of minute 0
	// cum[i][m] are objective i's good and bad events before minute m.
	cum [][][2]uint64
}

func newFleetTraffic(objs []slo.Objective, start time.Time, minutes int) *fleetTraffic {
	tr := &fleetTraffic{objs: objs, start: start, cum: make([][][2]uint64, len(objs))}
	for i, o := range objs {
		budget := 1 - o.Target
		perMinute := 60 * 0.5 * math.Pow(100, float64(i)/float64(len(objs)-1)) // 0.5 to 50 a second
		phase := 2 * math.Pi * float64(i%7) / 7
		var owedGood, owedBad float64
		cum := make([][2]uint64, minutes+1)
		for m := 0; m < minutes; m++ {
			at := start.Add(time.Duration(m) * time.Minute)
			dayMinute := float64(at.Hour()*60 + at.Minute())
			load := 1 + 0.8*math.Sin(2*math.Pi*dayMinute/1440+phase)
			ratio := 0.5 * budget * (2 - load) // 0.1 to 0.9 of the budget: worst at night
			day := int(at.Sub(start).Hours() / 24)
			switch {
			case i%10 == 0 && day == 3+i/10 && at.Hour() == 3 && at.Minute() < 30:
				ratio = 1 // a 30-minute outage at 3 a.m.
			case i%10 == 5 && day == 10+i/10 && at.Hour() >= 1 && at.Hour() < 7:
				ratio = 20 * budget // a burn of 20 for six hours
			}
			n := perMinute * load
			owedBad += n * ratio
			owedGood += n * (1 - ratio)
			good, bad := math.Floor(owedGood), math.Floor(owedBad)
			owedGood -= good
			owedBad -= bad
			cum[m+1] = [2]uint64{cum[m][0] + uint64(good), cum[m][1] + uint64(bad)}
		}
		tr.cum[i] = cum
	}
	return tr
}

// at returns objective i's good and bad counters at instant t: the events
// before t's minute and that minute's pro rata, as a scrape at t would see
// if the events came evenly.
func (tr *fleetTraffic) at(i int, t time.Time) (good, bad float64) {
	d := t.Sub(tr.start)
	m := int(d / time.Minute)
	if m < 0 || m+1 >= len(tr.cum[i]) {
		panic(fmt.Sprintf("fleet traffic: %v is outside the traffic's minutes", t))
	}
	frac := float64(d%time.Minute) / float64(time.Minute)
	c, n := tr.cum[i][m], tr.cum[i][m+1]
	return float64(c[0]) + frac*float64(n[0]-c[0]), float64(c[1]) + frac*float64(n[1]-c[1])
}

// sli returns objective i's exact event-weighted SLI over (t-period, t].
func (tr *fleetTraffic) sli(i int, t time.Time, period time.Duration) float64 {
	g1, b1 := tr.at(i, t)
	g0, b0 := tr.at(i, t.Add(-period))
	return (g1 - g0) / ((g1 - g0) + (b1 - b0))
}

// writeHistory writes every counter sampled every fleetScrape from the
// start to end as OpenMetrics text, with the labels a scrape of instance
// by job "test" adds.
func (tr *fleetTraffic) writeHistory(t *testing.T, path, instance string, end time.Time) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("# TYPE journeyslo_sli_events counter\n")
	for i, o := range tr.objs {
		for _, outcome := range []string{"bad", "good"} {
			prefix := fmt.Sprintf("journeyslo_sli_events_total{instance=%q,job=\"test\",journey=%q,objective=%q,outcome=%q} ", instance, o.Journey, o.Name, outcome)
			for at := tr.start; !at.After(end); at = at.Add(fleetScrape) {
				good, bad := tr.at(i, at)
				v := good
				if outcome == "bad" {
					v = bad
				}
				w.WriteString(prefix)
				w.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
				w.WriteByte(' ')
				w.WriteString(strconv.FormatInt(at.Unix(), 10))
				w.WriteByte('\n')
			}
		}
	}
	w.WriteString("# EOF\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// backfillFile backfills OpenMetrics text from a file, as promtest.Backfill
// does from memory: a month of 100 objectives is a gigabyte of text.
func backfillFile(t testing.TB, path string) string {
	dir := filepath.Join(t.TempDir(), "tsdb")
	out, err := promtest.RunPromtool(t, "tsdb", "create-blocks-from", "openmetrics", "--quiet", "--max-block-duration=744h", path, dir)
	if err != nil {
		t.Fatalf("promtool tsdb create-blocks-from openmetrics: %v\n%s", err, out)
	}
	return dir
}

// liveCounters serves the counters in real time, continuing the month.
type liveCounters struct {
	tr   *fleetTraffic
	desc *prometheus.Desc
}

func (l liveCounters) Describe(ch chan<- *prometheus.Desc) { ch <- l.desc }

func (l liveCounters) Collect(ch chan<- prometheus.Metric) {
	now := time.Now()
	for i, o := range l.tr.objs {
		good, bad := l.tr.at(i, now)
		ch <- prometheus.MustNewConstMetric(l.desc, prometheus.CounterValue, good, o.Journey, o.Name, "good")
		ch <- prometheus.MustNewConstMetric(l.desc, prometheus.CounterValue, bad, o.Journey, o.Name, "bad")
	}
}

func fleetObjectivesList() []slo.Objective {
	targets := []float64{0.999, 0.995, 0.99}
	objs := make([]slo.Objective, fleetObjectives)
	for i := range objs {
		objs[i] = slo.Objective{Journey: fmt.Sprintf("j%02d", i), Target: targets[i%len(targets)]}.WithDefaults()
	}
	return objs
}

// ruleMetrics reads the server's own rule group metrics.
type ruleMetrics struct {
	iterations map[string]float64 // by rule_group
	durations  map[string]float64 // every group's last duration, seconds
	failures   float64
	cpu        float64 // the server's CPU seconds
	engine     float64 // seconds the query engine spent preparing and evaluating, all queries
	queued     float64 // seconds queries waited for one of the engine's slots
}

var groupLine = regexp.MustCompile(`^(prometheus_rule_group_iterations_total|prometheus_rule_group_last_duration_seconds|prometheus_rule_evaluation_failures_total)\{rule_group="([^"]*)"\} (\S+)$`)

func readRuleMetrics(t *testing.T, srv *promtest.Server) ruleMetrics {
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rm := ruleMetrics{iterations: map[string]float64{}, durations: map[string]float64{}}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_cpu_seconds_total "); ok {
			if rm.cpu, err = strconv.ParseFloat(v, 64); err != nil {
				t.Fatalf("process_cpu_seconds_total %s: %v", v, err)
			}
		}
		if v, ok := strings.CutPrefix(sc.Text(), `prometheus_engine_query_duration_seconds_sum{slice="`); ok {
			slice, num, _ := strings.Cut(v, `"} `)
			f, err := strconv.ParseFloat(num, 64)
			if err != nil {
				t.Fatalf("prometheus_engine_query_duration_seconds_sum %s: %v", v, err)
			}
			switch slice {
			case "prepare_time", "inner_eval", "result_sort":
				rm.engine += f
			case "queue_time":
				rm.queued += f
			}
		}
		m := groupLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("%s: %v", sc.Text(), err)
		}
		switch m[1] {
		case "prometheus_rule_group_iterations_total":
			rm.iterations[m[2]] = v
		case "prometheus_rule_group_last_duration_seconds":
			rm.durations[m[2]] = v
		default:
			rm.failures += v
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rm
}

// fleetSide is what one rule set measured.
type fleetSide struct {
	name            string
	groups          int
	cycles          []float64 // seconds per cycle: every group's last duration, summed
	amortized       []float64 // the same, each group's weighted by how often it runs in production per fleetProdEval
	cpu             float64   // the server's CPU seconds per cycle over the measured cycles
	engine, queued  float64   // the query engine's seconds per cycle: preparing and evaluating, and waiting for a slot
	recorded        int
	maxErr, meanErr float64 // |SLI - exact|
	maxRel          float64 // the largest |error ratio - exact| / exact error ratio
}

func median(x []float64) float64 {
	c := slices.Clone(x)
	sort.Float64s(c)
	return c[len(c)/2]
}

// measure runs a server over dir with the rule file, scraping the live
// counters, and measures it. Every group runs every fleetEval; weight
// gives, by group name, the share of production cycles (one every
// fleetProdEval) in which the group runs (1 when absent).
func measure(t *testing.T, side *fleetSide, dir, rules, target string, weight map[string]float64, records []string, sliExpr string, tr *fleetTraffic) {
	file := filepath.Join(t.TempDir(), side.name+".yml")
	if err := os.WriteFile(file, []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := promtest.RunPromtool(t, "check", "rules", file); err != nil {
		t.Fatalf("promtool check rules on the %s rules: %v\n%.2000s", side.name, err, out)
	}
	srv := promtest.Start(t, dir, promtest.Config{
		RuleFiles: []string{file}, EvaluationInterval: fleetEval,
		Scrape: []string{target}, ScrapeInterval: fleetScrape,
	})
	// A server that has run for a month has the month's chunks in memory;
	// read them all once, so that the first cycles do not measure the disk.
	srv.Query(t, `count(count_over_time({__name__=~"journeyslo_.+|slo:.+"}[32d]))`, time.Now())
	// A cycle is done when every group has run once more.
	deadline := time.Now().Add(time.Duration(fleetWarmCycles+fleetCycles+3) * fleetEval * 6)
	done := -1.0
	var cpu0, engine0, queued0, cycle0 float64
	for len(side.cycles) < fleetCycles {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d cycles measured before the deadline, want %d", side.name, len(side.cycles), fleetCycles)
		}
		time.Sleep(fleetEval / 10)
		rm := readRuleMetrics(t, srv)
		if rm.failures > 0 {
			t.Fatalf("%s: %v rule evaluations failed", side.name, rm.failures)
		}
		if len(rm.iterations) == 0 {
			continue
		}
		side.groups = len(rm.iterations)
		least := math.Inf(1)
		for _, n := range rm.iterations {
			least = min(least, n)
		}
		if least > done {
			done = least
			switch {
			case cycle0 == 0 && least >= fleetWarmCycles:
				cpu0, engine0, queued0, cycle0 = rm.cpu, rm.engine, rm.queued, least
			case cycle0 > 0:
				var sum, amortized float64
				for g, d := range rm.durations {
					w, ok := weight[g[strings.LastIndexByte(g, ';')+1:]]
					if !ok {
						w = 1
					}
					sum += d
					amortized += w * d
				}
				side.cycles = append(side.cycles, sum)
				side.amortized = append(side.amortized, amortized)
				side.cpu = (rm.cpu - cpu0) / (least - cycle0)
				side.engine = (rm.engine - engine0) / (least - cycle0)
				side.queued = (rm.queued - queued0) / (least - cycle0)
				t.Logf("%s: cycle %v: %.3f s, amortized %.3f s", side.name, least, sum, amortized)
			}
		}
	}
	now := time.Now()
	recorded := srv.Query(t, `count({__name__=~"`+strings.Join(records, "|")+`"})`, now)
	if len(recorded) != 1 {
		t.Fatalf("%s: count of recorded series: %v", side.name, recorded)
	}
	side.recorded = int(recorded[0].Value)
	if sliExpr == "" {
		return
	}

	values := srv.Query(t, sliExpr, now)
	stamps := srv.Query(t, "timestamp("+sliExpr+")", now)
	if len(values) != len(tr.objs) || len(stamps) != len(tr.objs) {
		t.Fatalf("%s: %d SLIs and %d timestamps, want %d", side.name, len(values), len(stamps), len(tr.objs))
	}
	at := map[string]float64{}
	for _, s := range stamps {
		at[journeyOf(s.Metric)] = float64(s.Value)
	}
	var sum float64
	for _, v := range values {
		j := journeyOf(v.Metric)
		i := slices.IndexFunc(tr.objs, func(o slo.Objective) bool { return o.Journey == j })
		if i < 0 {
			t.Fatalf("%s: SLI %v is about no objective", side.name, v.Metric)
		}
		when := time.UnixMilli(int64(math.Round(at[j] * 1000)))
		exact := tr.sli(i, when, tr.objs[i].Period)
		e := math.Abs(float64(v.Value) - exact)
		sum += e
		side.maxErr = max(side.maxErr, e)
		side.maxRel = max(side.maxRel, e/(1-exact))
	}
	side.meanErr = sum / float64(len(values))
}

func journeyOf(m model.Metric) string {
	if j, ok := m["journey"]; ok {
		return string(j)
	}
	return string(m["sloth_service"])
}

func TestFleetRules(t *testing.T) {
	if os.Getenv(fleetEnv) != "1" {
		t.Skipf("the fleet benchmark takes minutes; run it with %s=1", fleetEnv)
	}
	promtest.Promtool(t)
	objs := fleetObjectivesList()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	target := ln.Addr().String()
	end := time.Now().UTC().Truncate(time.Minute)
	start := end.Add(-31 * 24 * time.Hour)
	began := time.Now()
	tr := newFleetTraffic(objs, start, int(end.Sub(start)/time.Minute)+3*60) // and three hours to run live
	history := filepath.Join(t.TempDir(), "history.om")
	tr.writeHistory(t, history, target, end)
	raw := backfillFile(t, history)
	t.Logf("a month of %d counters backfilled in %v", 2*len(objs), time.Since(began).Round(time.Second))

	live := prometheus.NewRegistry()
	live.MustRegister(liveCounters{tr, prometheus.NewDesc("journeyslo_sli_events_total", "Events by outcome.",
		[]string{"journey", "objective", "outcome"}, nil)})
	hs := &http.Server{Handler: promhttp.HandlerFor(live, promhttp.HandlerOpts{})}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = hs.Serve(ln) }()
	t.Cleanup(func() { hs.Close(); wg.Wait() })

	// Sloth's period rule reads a month of its 5-minute ratios. The engine
	// computes them over the month at every evaluation step, as a server
	// would have recorded them (one range query for all objectives: each
	// series is what that objective's rule records), and they are
	// backfilled with Sloth's labels.
	began = time.Now()
	ratios := filepath.Join(t.TempDir(), "ratio5m.om")
	t.Run("sloth-history", func(t *testing.T) {
		srv := promtest.Start(t, promtest.MergeBlocks(t, raw), promtest.Config{})
		expr := `sum by (journey, objective) (rate(journeyslo_sli_events_total{outcome="bad"}[5m]))
			/ sum by (journey, objective) (rate(journeyslo_sli_events_total[5m]))`
		m := srv.QueryRangeAll(t, expr, start.Add(5*time.Minute), end, time.Minute)
		if len(m) != len(objs) {
			t.Fatalf("5-minute ratios of %d objectives, want %d", len(m), len(objs))
		}
		f, err := os.Create(ratios)
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		// The month's counters first, then the ratios, in one file: one
		// backfill writes blocks that both servers read alike, where
		// blocks of the ratios alone would overlap the counters' in time
		// and have the server compact them while it is measured.
		h, err := os.Open(history)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(h)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			if line := sc.Text(); line != "# EOF" {
				w.WriteString(line)
				w.WriteByte('\n')
			}
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		h.Close()
		w.WriteString("# TYPE slo:sli_error:ratio_rate5m gauge\n")
		for _, ss := range m {
			j, o := string(ss.Metric["journey"]), string(ss.Metric["objective"])
			prefix := fmt.Sprintf("slo:sli_error:ratio_rate5m{sloth_id=%q,sloth_service=%q,sloth_slo=%q,sloth_window=\"5m\"} ", j+"-"+o, j, o)
			for _, p := range ss.Values {
				fmt.Fprintf(w, "%s%s %d\n", prefix, strconv.FormatFloat(float64(p.Value), 'g', -1, 64), p.Timestamp.Unix())
			}
		}
		w.WriteString("# EOF\n")
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	})
	if t.Failed() {
		return
	}
	os.Remove(history)
	month := backfillFile(t, ratios)
	os.Remove(ratios)
	t.Logf("Sloth's 5-minute ratios over the month recorded, and backfilled with the counters, in %v", time.Since(began).Round(time.Second))

	// The bench runs every group every fleetEval; in production the
	// periods' groups run less often than the others.
	file, err := slorules.Generate(objs, slorules.WithPeriodInterval(fleetEval))
	if err != nil {
		t.Fatal(err)
	}
	prod, err := slorules.Generate(objs)
	if err != nil {
		t.Fatal(err)
	}
	weight := map[string]float64{}
	for _, g := range prod.Groups {
		weight[g.Name] = float64(fleetProdEval) / float64(max(g.Interval, fleetProdEval))
	}
	ours, err := file.Marshal(slorules.Prometheus)
	if err != nil {
		t.Fatal(err)
	}
	var ourRecords []string
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			if r.Record != "" && !slices.Contains(ourRecords, regexp.QuoteMeta(r.Record)) {
				ourRecords = append(ourRecords, regexp.QuoteMeta(r.Record))
			}
		}
	}
	// The same rules without the periods' groups, to split the engine's
	// time between the windows and the periods, which run every 2m30s in
	// production where the windows run every minute.
	windows := slorules.RuleFile{Namespace: file.Namespace, Labels: file.Labels}
	for _, g := range file.Groups {
		if g.Interval == 0 {
			windows.Groups = append(windows.Groups, g)
		}
	}
	if len(windows.Groups) != len(objs) {
		t.Fatalf("%d groups at the default interval, want one per objective", len(windows.Groups))
	}
	windowsOnly, err := windows.Marshal(slorules.Prometheus)
	if err != nil {
		t.Fatal(err)
	}
	sides := []*fleetSide{{name: "journeyslo"}, {name: "sloth"}, {name: "journeyslo-windows"}}
	t.Run("journeyslo", func(t *testing.T) {
		measure(t, sides[0], promtest.MergeBlocks(t, month), string(ours), target, weight, ourRecords, slorules.SLI, tr)
	})
	t.Run("sloth", func(t *testing.T) {
		measure(t, sides[1], promtest.MergeBlocks(t, month), slothRules(objs), target, nil,
			[]string{"slo:.+", "sloth_slo_info"}, "1 - slo:sli_error:ratio_rate30d", tr)
	})
	t.Run("journeyslo-windows", func(t *testing.T) {
		measure(t, sides[2], promtest.MergeBlocks(t, month), string(windowsOnly), target, nil, ourRecords, "", tr)
	})
	if t.Failed() {
		return
	}
	// The periods' share of the engine's time, run every 2m30s instead of
	// every minute.
	j, w := sides[0], sides[2]
	var prodPeriod float64
	for _, g := range file.Groups {
		if g.Interval != 0 {
			prodPeriod = weight[g.Name]
		}
	}
	t.Logf("journeyslo per minute at production intervals: engine %.3f s (windows %.3f s + periods %.3f s x %.2f), server CPU %.3f s (%.3f s + %.3f s x %.2f)",
		w.engine+(j.engine-w.engine)*prodPeriod, w.engine, j.engine-w.engine, prodPeriod,
		w.cpu+(j.cpu-w.cpu)*prodPeriod, w.cpu, j.cpu-w.cpu, prodPeriod)
	for _, s := range sides {
		t.Logf("%-17s %3d groups; per cycle: groups' last durations summed, median %.3f s of %.3f, amortized at production intervals %.3f s; engine %.3f s (and %.3f s queued); server CPU %.3f s; %d series recorded",
			s.name, s.groups, median(s.cycles), s.cycles, median(s.amortized), s.engine, s.queued, s.cpu, s.recorded)
		if s.name != "journeyslo-windows" {
			t.Logf("%-17s 30-day SLI off the exact by at most %.3g (mean %.3g), error ratio off by at most %.3g%%", s.name, s.maxErr, s.meanErr, 100*s.maxRel)
		}
	}
	if s, j := sides[1], sides[0]; j.maxRel > 1e-3 {
		t.Errorf("journeyslo's 30-day error ratio is off the exact by up to %.3g%% (sloth's %.3g%%); want exact within 0.1%%", 100*j.maxRel, 100*s.maxRel)
	}
}

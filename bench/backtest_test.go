package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/promapi"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// The backtest benchmark: 30 days of traffic of 100 objectives at 1-minute
// steps, judged two ways. impl=prometheus evaluates the alerts slorules
// generates over the month as range queries at a 1-minute step, the way
// cloudflare/pint backtests an alert (alerts/count), with the recording
// rules they read inlined (inline_test.go says why that is exact).
// impl=journeyslo replays the same events through slobacktest.Run. Both see
// the events of one generator: Prometheus as counters scraped every
// minute, the replay as one slobacktest.Sample per journey per minute.
//
// The month's counters take a gigabyte of OpenMetrics text and half a
// minute to backfill, and each side takes minutes (a quarter of an hour in
// all, on two cores), so it runs only when asked, once:
//
//	cd bench && JOURNEYSLO_FLEET_BENCH=1 go test -run '^$' -bench BenchmarkBacktest30d -benchtime 1x -timeout 60m .

const (
	backtestDays = 30          // fleetObjectivesList's 100 objectives, over 30 days
	backtestStep = time.Minute // the scrape interval, the evaluation step and a sample's span
)

// backtestStart is the start of the month's first minute: a fixed instant,
// so that the traffic, which varies with the time of day, is the same in
// every run. A Monday at midnight UTC.
var backtestStart = time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)

// backtestTraffic is the events of one journey per objective, minute by
// minute: deterministic, varying over the day, with incidents. Minute m
// is [start + m, start + m + 1min).
type backtestTraffic struct {
	objs      []slo.Objective
	start     time.Time
	minutes   int
	incidents []slobacktest.Incident
	// good[i][m] and bad[i][m] are objective i's events in minute m.
	good, bad [][]uint32
}

// newBacktestTraffic generates the traffic of objs (one journey each) over
// the given minutes from start, with incidents. Objective i gets 0.5 to 50
// events a second, rising with i, times a daily load of 0.2 to 1.8 with a
// phase of its own; its background error ratio is 0.1 to 0.9 of its budget,
// worst when load is low; during an incident of its journey the error
// ratio is the incident's. Fractions of events carry over to the next
// minute, so that no event is lost to rounding.
func newBacktestTraffic(objs []slo.Objective, start time.Time, minutes int, incidents []slobacktest.Incident) *backtestTraffic {
	tr := &backtestTraffic{objs: objs, start: start, minutes: minutes, incidents: incidents,
		good: make([][]uint32, len(objs)), bad: make([][]uint32, len(objs))}
	for i, o := range objs {
		budget := burnrate.ErrorBudget(o.Target)
		perMinute := 60 * 0.5 * math.Pow(100, float64(i)/float64(max(len(objs)-1, 1)))
		phase := 2 * math.Pi * float64(i%7) / 7
		// The incidents of this journey, as minute spans.
		type span struct {
			from, to int
			ratio    float64
		}
		var spans []span
		for _, in := range incidents {
			if in.Journey == o.Journey {
				from := int(in.Start.Sub(start) / time.Minute)
				spans = append(spans, span{from, from + int(in.Duration/time.Minute), in.ErrorRatio})
			}
		}
		good, bad := make([]uint32, minutes), make([]uint32, minutes)
		var owedGood, owedBad float64
		for m := range minutes {
			at := start.Add(time.Duration(m) * time.Minute)
			dayMinute := float64(at.Hour()*60 + at.Minute())
			load := 1 + 0.8*math.Sin(2*math.Pi*dayMinute/1440+phase)
			ratio := 0.5 * budget * (2 - load)
			for _, s := range spans {
				if m >= s.from && m < s.to {
					ratio = s.ratio
				}
			}
			n := perMinute * load
			owedBad += n * ratio
			owedGood += n * (1 - ratio)
			g, b := math.Floor(owedGood), math.Floor(owedBad)
			owedGood -= g
			owedBad -= b
			good[m], bad[m] = uint32(g), uint32(b)
		}
		tr.good[i], tr.bad[i] = good, bad
	}
	return tr
}

// monthIncidents lays out the incidents of traffic that lasts the given
// days (at least 8): objective i by i%5 has a 30-minute full outage (a
// page), a burn of 20 for six hours (a page), a burn of 4 for a day (a
// ticket), a 5-minute full outage (a short page at 99.9% and 99.5%, none
// at 99%) or none, starting on a day from the fifth to the last but
// three, when every window of the policy holds days of traffic before it,
// at an hour of its own; every incident ends a day before the traffic.
func monthIncidents(objs []slo.Objective, start time.Time, days int) []slobacktest.Incident {
	var out []slobacktest.Incident
	for i, o := range objs {
		budget := burnrate.ErrorBudget(o.Target)
		at := start.Add(time.Duration(4+(i*7)%(days-7))*24*time.Hour + time.Duration((i*5)%24)*time.Hour)
		in := slobacktest.Incident{Journey: o.Journey, Start: at}
		switch i % 5 {
		case 0:
			in.Duration, in.ErrorRatio = 30*time.Minute, 1
		case 1:
			in.Duration, in.ErrorRatio = 6*time.Hour, 20*budget
		case 2:
			in.Duration, in.ErrorRatio = 24*time.Hour, 4*budget
		case 3:
			in.Duration, in.ErrorRatio = 5*time.Minute, 1
		default:
			continue
		}
		out = append(out, in)
	}
	return out
}

// writeOpenMetrics writes objective i's counters for every minute boundary
// from start to start + minutes (the events before it), as a scrape every
// minute would have seen them, labelled as sloprom's collector labels them.
// The counters start at 0 at start, so that Prometheus's increase() over a
// window reaching before the traffic extrapolates nothing (it never
// extrapolates a counter below zero) and, with samples on the evaluation
// grid, is exactly the events of the window.
func (tr *backtestTraffic) writeOpenMetrics(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("# TYPE journeyslo_sli_events counter\n")
	var line []byte
	for i, o := range tr.objs {
		for _, outcome := range []string{"bad", "good"} {
			counts := tr.good[i]
			if outcome == "bad" {
				counts = tr.bad[i]
			}
			prefix := fmt.Sprintf("%s{journey=%q,objective=%q,outcome=%q} ", slorules.Counter, o.Journey, o.Name, outcome)
			var cum uint64
			for m := 0; m <= tr.minutes; m++ {
				if m > 0 {
					cum += uint64(counts[m-1])
				}
				line = append(line[:0], prefix...)
				line = strconv.AppendUint(line, cum, 10)
				line = append(line, ' ')
				line = strconv.AppendInt(line, tr.start.Add(time.Duration(m)*time.Minute).Unix(), 10)
				line = append(line, '\n')
				bw.Write(line)
			}
		}
	}
	bw.WriteString("# EOF\n")
	return bw.Flush()
}

// samples returns the traffic as the replay reads it: one sample per
// journey per minute, at the minute's end, in time order and, within a
// minute, in the objectives' order.
func (tr *backtestTraffic) samples() []slobacktest.Sample {
	out := make([]slobacktest.Sample, 0, tr.minutes*len(tr.objs))
	for m := range tr.minutes {
		at := tr.start.Add(time.Duration(m+1) * time.Minute)
		for i, o := range tr.objs {
			out = append(out, slobacktest.Sample{Time: at, Journey: o.Journey, Good: uint64(tr.good[i][m]), Bad: uint64(tr.bad[i][m])})
		}
	}
	return out
}

// A promAlert is one generated alerting rule with the recordings it reads
// inlined: the expression a range query evaluates.
type promAlert struct {
	name                         string // for errors: "j00:availability page"
	journey, objective, severity string
	expr                         string
	forDur                       time.Duration
}

// recordedNames matches any series name a rule file records.
func recordedNames(file slorules.RuleFile) *regexp.Regexp {
	var names []string
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			if r.Record != "" && !slices.Contains(names, regexp.QuoteMeta(r.Record)) {
				names = append(names, regexp.QuoteMeta(r.Record))
			}
		}
	}
	return regexp.MustCompile(`(^|[^a-zA-Z0-9_:])(` + strings.Join(names, "|") + `)($|[^a-zA-Z0-9_:])`)
}

// inlinedAlerts generates the rules of objs and returns every alerting
// rule with the recordings of its own group inlined, checking that it then
// reads no recorded series at all.
func inlinedAlerts(objs []slo.Objective, opts ...slorules.Option) ([]promAlert, slorules.RuleFile, error) {
	file, err := slorules.Generate(objs, opts...)
	if err != nil {
		return nil, file, err
	}
	recorded := recordedNames(file)
	var out []promAlert
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			expr, err := inline(r.Expr, g.Rules)
			if err != nil {
				return nil, file, fmt.Errorf("group %s, alert %s: %w", g.Name, r.Alert, err)
			}
			if m := recorded.FindString(expr); m != "" {
				return nil, file, fmt.Errorf("group %s, alert %s: still reads %q, recorded in another group, after inlining its own", g.Name, r.Alert, m)
			}
			j, o, sev := r.Labels["journey"], r.Labels["objective"], r.Labels["severity"]
			out = append(out, promAlert{name: slo.ObjectiveKey(j, o) + " " + sev + " alert", journey: j, objective: o, severity: sev, expr: expr, forDur: r.For})
		}
	}
	return out, file, nil
}

// maxRangeSteps is the most points Prometheus's HTTP API returns per
// series of one range query (11,000); a month of minutes is asked for in
// chunks.
const maxRangeSteps = 11000

// evalAlerts evaluates every alert's expression at every step from first
// to last, in range queries of at most maxRangeSteps steps, by workers
// queries at a time, and returns for each alert the steps (0 for first) at
// which it fires: where the expression has a sample at every step for at
// least the alert's for duration. Samples of all the series of one alert
// are one alert's, as the registry reports one state per objective and
// severity.
func evalAlerts(ctx context.Context, api *promapi.Client, alerts []promAlert, first, last time.Time, step time.Duration, workers int) ([][]int32, error) {
	out := make([][]int32, len(alerts))
	jobs := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range jobs {
				steps, err := evalAlert(ctx, api, alerts[a], first, last, step)
				if err != nil {
					errs <- err
					for range jobs {
					}
					return
				}
				out[a] = steps
			}
		}()
	}
	for a := range alerts {
		jobs <- a
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	return out, nil
}

func evalAlert(ctx context.Context, api *promapi.Client, a promAlert, first, last time.Time, step time.Duration) ([]int32, error) {
	var present []int32
	for from := first; !from.After(last); from = from.Add(maxRangeSteps * step) {
		to := from.Add((maxRangeSteps - 1) * step)
		if to.After(last) {
			to = last
		}
		v, err := api.QueryRange(ctx, a.expr, from, to, step)
		if err != nil {
			return nil, fmt.Errorf("%s from %v to %v: %w", a.name, from.Format(time.RFC3339), to.Format(time.RFC3339), err)
		}
		if v.Type != "matrix" {
			return nil, fmt.Errorf("%s: got a %s, want a matrix", a.name, v.Type)
		}
		for _, ss := range v.Matrix {
			for _, p := range ss.Points {
				present = append(present, int32(p.Time.Sub(first)/step))
			}
		}
	}
	slices.Sort(present)
	present = slices.Compact(present)
	// Where the expression holds, the alert fires once it has held for
	// forDur (at once when zero), as the rule manager's pending state.
	firing := present[:0]
	var run int32
	for i, s := range present {
		if i == 0 || s != present[i-1]+1 {
			run = s
		}
		if time.Duration(s-run)*step >= a.forDur {
			firing = append(firing, s)
		}
	}
	return firing, nil
}

// episodes counts the runs of consecutive steps in firing.
func episodes(firing []int32) int {
	n := 0
	for i, s := range firing {
		if i == 0 || s != firing[i-1]+1 {
			n++
		}
	}
	return n
}

// promSide is the Prometheus side of the month, set up once.
type promSide struct {
	srv    *promtest.Server
	alerts []promAlert
}

// setUpProm writes the month's counters, backfills them into a TSDB under
// tb's temporary directory, starts Prometheus over it and reads every
// chunk once, so that the timed queries do not measure the disk.
func setUpProm(tb testing.TB, tr *backtestTraffic) promSide {
	tb.Helper()
	promtest.Promtool(tb)
	began := time.Now()
	path := filepath.Join(tb.TempDir(), "month.om")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := tr.writeOpenMetrics(f); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	dir := backfillFile(tb, path)
	os.Remove(path)
	srv := promtest.Start(tb, dir, promtest.Config{})
	end := tr.start.Add(time.Duration(tr.minutes) * time.Minute)
	got := srv.Query(tb, `count(count_over_time(`+slorules.Counter+`[32d]))`, end)
	if len(got) != 1 || int(got[0].Value) != 2*len(tr.objs) {
		tb.Fatalf("the backfilled month holds %v counters, want %d", got, 2*len(tr.objs))
	}
	alerts, _, err := inlinedAlerts(tr.objs)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("%d minutes of %d objectives backfilled and served in %v; %d alerts to evaluate",
		tr.minutes, len(tr.objs), time.Since(began).Round(time.Second), len(alerts))
	return promSide{srv, alerts}
}

// evaluationSpan returns the first and last instants of the month's
// evaluations: the end of every minute, as the replay's samples.
func (tr *backtestTraffic) evaluationSpan() (first, last time.Time) {
	return tr.start.Add(backtestStep), tr.start.Add(time.Duration(tr.minutes) * backtestStep)
}

func BenchmarkBacktest30d(b *testing.B) {
	if os.Getenv(fleetEnv) != "1" {
		b.Skipf("the backtest benchmark takes minutes and a gigabyte of disk; run it with %s=1", fleetEnv)
	}
	objs := fleetObjectivesList()
	tr := newBacktestTraffic(objs, backtestStart, backtestDays*24*60, monthIncidents(objs, backtestStart, backtestDays))
	first, last := tr.evaluationSpan()
	// What the replay found, for the comparison once Prometheus has run.
	var replayed *slobacktest.Result

	b.Run("impl=journeyslo", func(b *testing.B) {
		samples := tr.samples()
		cfgs := backtestConfigs(tr)
		var res *slobacktest.Result
		cpu0 := processCPU(b)
		b.ResetTimer()
		for range b.N {
			var err error
			if res, err = slobacktest.Run(samples, cfgs, slobacktest.WithEvery(backtestStep)); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		b.ReportMetric((processCPU(b)-cpu0)/float64(b.N), "cpu-s/op")
		replayed = res
		// Every policy's pages over the month, summed over the objectives.
		const policies = 4
		var sum [policies]slobacktest.PolicyResult
		for _, or := range res.Objectives {
			if len(or.Policies) != policies {
				b.Fatalf("%s:%s has %d policies, want %d", or.Objective.Journey, or.Objective.Name, len(or.Policies), policies)
			}
			for k, pr := range or.Policies {
				s := &sum[k]
				s.Name = pr.Name
				s.Pages += pr.Pages
				s.FlakyPages += pr.FlakyPages
				s.Tickets += pr.Tickets
				s.Paging += pr.Paging
				s.PagesOnIncidents += pr.PagesOnIncidents
				s.Significant += pr.Significant
				s.Detected += pr.Detected
			}
		}
		b.ReportMetric(policies, "policies")
		for _, s := range sum {
			b.Logf("%-11s %4d pages (%d flaky, %d on significant incidents) for %v, %d tickets; %d of %d significant incidents detected",
				s.Name, s.Pages, s.FlakyPages, s.PagesOnIncidents, s.Paging, s.Tickets, s.Detected, s.Significant)
		}
		b.Logf("%d objectives, evaluated every %v (the registry ticks every %v)", len(res.Objectives), res.Every, res.Tick)
	})

	b.Run("impl=prometheus", func(b *testing.B) {
		side := setUpProm(b, tr)
		// Prometheus runs each query on one goroutine; as many at once as
		// there are cores use them all, as pint's workers would.
		workers := runtime.GOMAXPROCS(0)
		var firing [][]int32
		cpu0 := side.srv.Metric(b, "process_cpu_seconds_total")
		b.ResetTimer()
		for range b.N {
			var err error
			firing, err = evalAlerts(context.Background(), side.srv.API, side.alerts, first, last, backtestStep, workers)
			if err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		b.ReportMetric((side.srv.Metric(b, "process_cpu_seconds_total")-cpu0)/float64(b.N), "cpu-s/op")
		var minutes, eps [2]int
		for a, f := range firing {
			sev := 0
			if side.alerts[a].severity == burnrate.SeverityTicket.String() {
				sev = 1
			}
			minutes[sev] += len(f)
			eps[sev] += episodes(f)
		}
		b.ReportMetric(float64(len(side.alerts)), "alerts")
		b.Logf("%d alerts over %d minutes, %d queries at a time: %d pages for %d minutes, %d tickets for %d minutes",
			len(side.alerts), tr.minutes, workers, eps[0], minutes[0], eps[1], minutes[1])
		if replayed != nil {
			compareSides(b, tr, side.alerts, firing, first, replayed)
		}
	})

	// The floor of any evaluation of these rules by Prometheus: each
	// window's increase of every counter computed once per step, which is
	// what the recording rules compute and what dominates the alerts'
	// cost. Inlined, the alerts compute some windows' increases several
	// times over (a ratio's bad events, its total, the guard's total), as
	// no PromQL expression can name a subexpression; this row shows how
	// much of impl=prometheus that is.
	b.Run("impl=prometheus-windows", func(b *testing.B) {
		side := setUpProm(b, tr)
		var windows []promAlert
		for _, d := range objs[0].Policy.Windows() {
			w := burnrate.FormatWindow(d)
			// count() keeps the response to one series: the work is the
			// increases, not encoding 200 series of them.
			windows = append(windows, promAlert{name: "every counter's increase over " + w,
				expr: "count(sum by (journey, objective, outcome) (increase(" + slorules.Counter + "[" + w + "])))"})
		}
		for _, o := range objs {
			if !slices.Equal(o.Policy.Windows(), objs[0].Policy.Windows()) {
				b.Fatalf("%s:%s has windows %v, not %v: one query per window would not cover it", o.Journey, o.Name, o.Policy.Windows(), objs[0].Policy.Windows())
			}
		}
		workers := runtime.GOMAXPROCS(0)
		var got [][]int32
		cpu0 := side.srv.Metric(b, "process_cpu_seconds_total")
		b.ResetTimer()
		for range b.N {
			var err error
			got, err = evalAlerts(context.Background(), side.srv.API, windows, first, last, backtestStep, workers)
			if err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		b.ReportMetric((side.srv.Metric(b, "process_cpu_seconds_total")-cpu0)/float64(b.N), "cpu-s/op")
		for i, g := range got {
			if len(g) != tr.minutes {
				b.Errorf("%s: %d steps with a result, want every one of %d", windows[i].name, len(g), tr.minutes)
			}
		}
		b.ReportMetric(float64(len(windows)), "windows")
	})
}

// compareSides logs how far apart the two sides of the month are, by
// agreement.check's tolerance (TestBacktestAgreesWithPrometheus holds a
// shorter span to it).
func compareSides(b *testing.B, tr *backtestTraffic, alerts []promAlert, firing [][]int32, first time.Time, res *slobacktest.Result) {
	ags, err := agreements(tr, alerts, firing, first, res)
	if err != nil {
		b.Fatal(err)
	}
	var off, differ, steps int
	var worst time.Duration
	for _, a := range ags {
		msgs := a.check()
		off += len(msgs)
		for _, m := range msgs {
			b.Log(m)
		}
		differ += a.differ
		steps += a.steps
		worst = max(worst, (a.jsloPage - a.promPage).Abs(), (a.jsloTicket - a.promTicket).Abs())
	}
	b.Logf("%d objectives compared under their own policy: states differ at %d of %d objective-minutes; %d differences beyond the tolerance; page and ticket times at most %v apart",
		len(ags), differ, steps, off, worst)
}

// processCPU returns the CPU seconds, user and system, this process has
// used: on a machine shared with other work, a steadier measure of the
// work done than the time it took. Prometheus's side reads the server's
// own, process_cpu_seconds_total.
func processCPU(tb testing.TB) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatalf("getrusage: %v", err)
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

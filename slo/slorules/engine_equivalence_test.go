package slorules_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/model"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloprom"
	"github.com/journeyslo/journeyslo/slo/slorules"
	"github.com/journeyslo/journeyslo/window"
)

// The same synthetic traffic drives a registry in process and, through the
// counters its sloprom collector exports, scraped every 15 s, the generated
// rules in Prometheus's engine. Their page/ticket/ok states must agree at
// every minute, except near a transition.
//
// A prometheus server evaluates rules only in real time, not over
// backfilled history, so the rules are evaluated as range queries at a
// 1-minute step (promtest.EvaluateRules): each recording rule's output is
// backfilled before the rules that read it, then the alert expressions are
// queried the way cloudflare/pint counts alerts. promtool's own
// create-blocks-from rules would do the first half, but writes a block per
// rule per two hours and cannot feed one rule's output to the next.

const (
	equivScrape = 15 * time.Second // the scrape interval
	equivEval   = time.Minute      // the rules' evaluation interval, and the step states are compared at
	equivSpan   = 84 * time.Hour   // three and a half simulated days
)

// An equivTraffic is one objective's traffic: events a second (varying
// over the day by ±half), and the error ratio at each instant.
type equivTraffic struct {
	objective slo.Objective
	perSecond float64
	errors    func(since time.Duration) float64
}

// equivPhase returns an error ratio function made of phases: ratio r from
// offset at on (until the next phase).
func equivPhase(background float64, phases ...equivStep) func(time.Duration) float64 {
	return func(d time.Duration) float64 {
		r := background
		for _, p := range phases {
			if d >= p.at && d < p.at+p.length {
				r = p.ratio
			}
		}
		return r
	}
}

type equivStep struct {
	at, length time.Duration
	ratio      float64
}

func equivTraffics() []equivTraffic {
	h := time.Hour
	return []equivTraffic{
		{
			// 99.9%: a 5-minute full outage pages on 1h/5m; 1% for six hours
			// pages on 6h/30m and leaves tickets; 0.2% for a day and more
			// opens the 3d/6h ticket.
			objective: slo.Objective{Journey: "checkout", Target: 0.999},
			perSecond: 10,
			errors: equivPhase(0.0002,
				equivStep{6 * h, 5 * time.Minute, 1},
				equivStep{12 * h, 6 * h, 0.01},
				equivStep{44 * h, 40 * h, 0.002}),
		},
		{
			// 99%: a 15-minute full outage pages on 1h/5m; 3% for ten hours
			// tickets.
			objective: slo.Objective{Journey: "search", Target: 0.99},
			perSecond: 20,
			errors: equivPhase(0.001,
				equivStep{30 * h, 15 * time.Minute, 1},
				equivStep{50 * h, 10 * h, 0.03}),
		},
		{
			// 99.9% at 0.1 events a second: an hour holds 360 events, below
			// the guard of 1000, so a 20-minute full outage pages only on
			// 6h/30m, whose long window holds enough.
			objective: slo.Objective{Journey: "admin", Target: 0.999},
			perSecond: 0.1,
			errors: equivPhase(0,
				equivStep{60 * h, 20 * time.Minute, 1}),
		},
	}
}

// eventsOnly gathers only the event counters from g: all the rules read.
type eventsOnly struct{ g prometheus.Gatherer }

func (e eventsOnly) Gather() ([]*dto.MetricFamily, error) {
	mfs, err := e.g.Gather()
	return slices.DeleteFunc(mfs, func(mf *dto.MetricFamily) bool { return mf.GetName() != slorules.Counter }), err
}

// asHTTPRequests exposes the event counters of g as a shop's own
// http_requests_total would count the same requests: labelled handler (the
// journey) and code, 200 for good events and 500 for bad ones.
type asHTTPRequests struct{ g prometheus.Gatherer }

func (h asHTTPRequests) Gather() ([]*dto.MetricFamily, error) {
	mfs, err := h.g.Gather()
	var out []*dto.MetricFamily
	for _, mf := range mfs {
		if mf.GetName() != slorules.Counter {
			continue
		}
		name, counter := "http_requests_total", dto.MetricType_COUNTER
		fam := &dto.MetricFamily{Name: &name, Type: &counter}
		for _, m := range mf.GetMetric() {
			var handler, code string
			for _, lp := range m.GetLabel() {
				switch lp.GetName() {
				case "journey":
					handler = lp.GetValue()
				case "outcome":
					code = map[string]string{"good": "200", "bad": "500"}[lp.GetValue()]
				}
			}
			hl, cl := "handler", "code"
			fam.Metric = append(fam.Metric, &dto.Metric{
				Label:   []*dto.LabelPair{{Name: &hl, Value: &handler}, {Name: &cl, Value: &code}},
				Counter: m.GetCounter(),
			})
		}
		out = append(out, fam)
	}
	return out, err
}

// overHTTPRequests returns the objectives with a Source over
// asHTTPRequests' series: their bad and all requests.
func overHTTPRequests(objs []slo.Objective) []slo.Objective {
	out := slices.Clone(objs)
	for i, o := range out {
		out[i].Source = &slo.Source{
			Bad:   `http_requests_total{handler="` + o.Journey + `",code=~"5.."}`,
			Total: `http_requests_total{handler="` + o.Journey + `"}`,
		}
	}
	return out
}

// equivRun is what the registry did, minute by minute, and the samples
// scraped from it.
type equivRun struct {
	start   time.Time
	minutes int
	state   [][]burnrate.Severity // [objective][minute]
	rule    [][]string
	samples promtest.Samples
	objs    []slo.Objective // with defaults, as the registry runs them
}

// runRegistry drives a registry with the traffic, advancing it every tick
// and scraping it every equivScrape.
func runRegistry(t *testing.T, traffics []equivTraffic) *equivRun {
	t.Helper()
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	mock := clock.NewMock()
	mock.Set(start)
	objs := make([]slo.Objective, len(traffics))
	for i, tr := range traffics {
		objs[i] = tr.objective
	}
	reg, err := slo.New(objs, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	preg := prometheus.NewRegistry()
	preg.MustRegister(sloprom.NewCollector(reg))
	gatherer := eventsOnly{preg}

	run := &equivRun{start: start, minutes: int(equivSpan / equivEval), objs: reg.Objectives()}
	run.state = make([][]burnrate.Severity, len(objs))
	run.rule = make([][]string, len(objs))
	journeys := make([]*slo.Journey, len(traffics))
	for i, tr := range traffics {
		journeys[i] = fixture.Journey(reg, tr.objective.Journey)
	}
	tick := reg.Tick()
	if equivScrape%tick != 0 || equivEval%equivScrape != 0 {
		t.Fatalf("tick %v does not divide the scrape interval %v", tick, equivScrape)
	}
	// Fractions of an event carry over from tick to tick, so that the
	// counts are exact integers whose sums follow the rates.
	owed := make([][2]float64, len(traffics))
	for k := 1; k <= int(equivSpan/tick); k++ {
		now := start.Add(time.Duration(k) * tick)
		mid := time.Duration(k)*tick - tick/2
		for i, tr := range traffics {
			n := tr.perSecond * tick.Seconds() * (1 + 0.5*math.Sin(2*math.Pi*mid.Hours()/24))
			owed[i][1] += n * tr.errors(mid)
			owed[i][0] += n * (1 - tr.errors(mid))
			good, bad := math.Floor(owed[i][0]), math.Floor(owed[i][1])
			owed[i][0] -= good
			owed[i][1] -= bad
			journeys[i].Add(uint64(good), uint64(bad))
		}
		// Advance takes the instant; setting the mock clock too would cost a
		// millisecond of sleep per tick.
		reg.Advance(now)
		elapsed := now.Sub(start)
		if elapsed%equivScrape == 0 {
			if err := run.samples.Gather(gatherer, now); err != nil {
				t.Fatal(err)
			}
			if err := run.samples.Gather(asHTTPRequests{preg}, now); err != nil {
				t.Fatal(err)
			}
		}
		if elapsed%equivEval == 0 {
			for i, st := range reg.Status() {
				run.state[i] = append(run.state[i], st.State)
				run.rule[i] = append(run.rule[i], st.Rule)
			}
		}
	}
	return run
}

// engineStates evaluates the generated rules over the run's samples and
// returns each objective's state and firing rule at every minute.
func engineStates(t *testing.T, run *equivRun, file slorules.RuleFile) (state [][]burnrate.Severity, rule [][]string, servers int) {
	t.Helper()
	// The groups of the policies' windows are evaluated every minute, as
	// the engine's default evaluation interval; the periods' groups, which
	// no alert reads, at their own intervals, are left to the period test.
	var rules []promtest.Rule
	alerts := 0
	for _, g := range file.Groups {
		if g.Interval != 0 && g.Interval != equivEval {
			continue
		}
		for _, r := range g.Rules {
			rules = append(rules, r)
			if r.Alert != "" {
				alerts++
			}
		}
	}
	if alerts == 0 {
		t.Fatalf("no alerting rule in a group evaluated every %v (or at the default interval)", equivEval)
	}
	first := run.start.Add(equivEval)
	end := run.start.Add(time.Duration(run.minutes) * equivEval)
	ev := promtest.EvaluateRules(t, &run.samples, rules, first, end, equivEval)
	state = make([][]burnrate.Severity, len(run.objs))
	rule = make([][]string, len(run.objs))
	for i := range run.objs {
		state[i] = make([]burnrate.Severity, run.minutes)
		rule[i] = make([]string, run.minutes)
	}
	for _, a := range ev.Alerts {
		i := slices.IndexFunc(run.objs, func(o slo.Objective) bool {
			return string(a.Labels["journey"]) == o.Journey && string(a.Labels["objective"]) == o.Name
		})
		if i < 0 || a.Labels[model.AlertNameLabel] != slorules.AlertName {
			t.Fatalf("alert %v is about no objective", a.Labels)
		}
		var sev burnrate.Severity
		if err := sev.UnmarshalText([]byte(a.Labels["severity"])); err != nil {
			t.Fatalf("alert %v: %v", a.Labels, err)
		}
		for _, at := range a.Firing {
			m := int(at.Sub(first) / equivEval)
			if sev > state[i][m] {
				state[i][m], rule[i][m] = sev, string(a.Labels["rule"])
			}
		}
	}
	return state, rule, ev.Servers
}

// A transition is a change of state at a minute.
type transition struct {
	minute   int
	from, to burnrate.Severity
	rule     string // the rule of the more severe of from and to
}

func transitions(state []burnrate.Severity, rule []string) []transition {
	var out []transition
	for m := 1; m < len(state); m++ {
		if state[m] == state[m-1] {
			continue
		}
		r := rule[m]
		if state[m-1] > state[m] {
			r = rule[m-1]
		}
		out = append(out, transition{m, state[m-1], state[m], r})
	}
	return out
}

// tolerance is how many minutes apart the registry and the engine may see
// a transition of rule: one evaluation interval, plus the registry's bucket
// width for the rule's long window (its oldest bucket counts pro rata, so
// the events at the window's far edge are placed within one bucket).
func tolerance(policy burnrate.Policy, rule string) int {
	for _, r := range policy.Rules {
		if r.Name == rule {
			return 1 + int((window.Resolution(r.Long)+equivEval-1)/equivEval)
		}
	}
	return 1
}

func TestEngineAgreesWithRegistry(t *testing.T) {
	promtest.Promtool(t) // skip before the minutes of simulation when the engine is missing
	began := time.Now()
	traffics := equivTraffics()
	run := runRegistry(t, traffics)
	simulated := time.Since(began)
	file, err := slorules.Generate(run.objs)
	if err != nil {
		t.Fatal(err)
	}
	state, rule, servers := engineStates(t, run, file)
	t.Logf("registry replay %v, engine (%d servers, %d samples) %v", simulated.Round(time.Millisecond),
		servers, run.samples.Len(), (time.Since(began) - simulated).Round(time.Millisecond))

	var agree, total int
	for i, o := range run.objs {
		// Both start at the first minute after the start.
		reg, regRule, eng := run.state[i], run.rule[i], state[i]
		if len(reg) != len(eng) {
			t.Fatalf("%s: %d registry minutes, %d engine minutes", o.Journey, len(reg), len(eng))
		}
		rt, et := transitions(reg, regRule), transitions(eng, rule[i])
		t.Logf("%s/%s: registry transitions %s", o.Journey, o.Name, describe(run.start.Add(equivEval), rt))
		t.Logf("%s/%s: engine transitions   %s", o.Journey, o.Name, describe(run.start.Add(equivEval), et))
		if len(rt) == 0 {
			t.Errorf("%s/%s: the traffic raised no alert in the registry; the test proves nothing", o.Journey, o.Name)
		}
		for m := range reg {
			total++
			if reg[m] == eng[m] {
				agree++
				continue
			}
			near := false
			for _, tr := range slices.Concat(rt, et) {
				if abs(tr.minute-m) <= tolerance(o.Policy, tr.rule) {
					near = true
				}
			}
			if !near {
				t.Errorf("%s/%s at %s: registry %v (%s), engine %v (%s), and no transition within tolerance",
					o.Journey, o.Name, run.start.Add(time.Duration(m+1)*equivEval).Format("Jan 2 15:04"),
					reg[m], regRule[m], eng[m], rule[i][m])
			}
		}
		// Pair each registry transition with the engine's nearest of the
		// same kind, and report how far apart they are.
		worst := 0
		for _, r := range rt {
			best := -1
			for _, e := range et {
				if e.from == r.from && e.to == r.to && (best < 0 || abs(e.minute-r.minute) < best) {
					best = abs(e.minute - r.minute)
				}
			}
			if best < 0 || best > tolerance(o.Policy, r.rule) {
				t.Errorf("%s/%s: registry %v->%v (%s) at minute %d: engine's nearest such transition is %d minutes away, want at most %d",
					o.Journey, o.Name, r.from, r.to, r.rule, r.minute+1, best, tolerance(o.Policy, r.rule))
			}
			worst = max(worst, best)
		}
		if len(rt) != len(et) {
			t.Errorf("%s/%s: %d transitions in the registry, %d in the engine", o.Journey, o.Name, len(rt), len(et))
		}
		t.Logf("%s/%s: largest offset at a transition %d min", o.Journey, o.Name, worst)
	}
	t.Logf("states agree at %d of %d objective-minutes (%.3f%%)", agree, total, 100*float64(agree)/float64(total))

	// The same traffic, read from http_requests_total through the rules
	// of a Source: the same state and firing rule at every minute.
	file, err = slorules.Generate(overHTTPRequests(run.objs))
	if err != nil {
		t.Fatal(err)
	}
	srcState, srcRule, _ := engineStates(t, run, file)
	for i, o := range run.objs {
		differ := 0
		for m := range state[i] {
			if srcState[i][m] != state[i][m] || srcRule[i][m] != rule[i][m] {
				if differ++; differ <= 5 {
					t.Errorf("%s/%s at %s: over http_requests_total %v (%s), over journeyslo's counters %v (%s)",
						o.Journey, o.Name, run.start.Add(time.Duration(m+1)*equivEval).Format("Jan 2 15:04"),
						srcState[i][m], srcRule[i][m], state[i][m], rule[i][m])
				}
			}
		}
		if differ > 0 {
			t.Errorf("%s/%s: %d minutes differ between the two kinds of rules", o.Journey, o.Name, differ)
		}
		t.Logf("%s/%s: over http_requests_total, transitions %s", o.Journey, o.Name, describe(run.start.Add(equivEval), transitions(srcState[i], srcRule[i])))
	}
}

func describe(first time.Time, ts []transition) string {
	var b strings.Builder
	for _, tr := range ts {
		fmt.Fprintf(&b, " %s %v->%v(%s)", first.Add(time.Duration(tr.minute)*equivEval).Format("2T15:04"), tr.from, tr.to, tr.rule)
	}
	return b.String()
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// The period's SLI and budget remaining, over 33 days of coarser traffic:
// a policy whose shortest window is 2h lets the registry tick every minute,
// and the counters are scraped every minute. An outage on day 3 leaves the
// 30-day window on day 33, so the budget recovers during the comparison.
// Both sides are checked against the exact event-weighted values computed
// from the traffic itself: the engine's over (T-30d, T], the registry's
// within those of windows one bucket (6 hours) shorter or longer.
func TestEnginePeriodAgreesWithRegistry(t *testing.T) {
	promtest.Promtool(t)
	const (
		tick  = time.Minute
		days  = 33
		every = time.Hour // comparison step, over the last four days
	)
	policy := burnrate.Policy{Rules: []burnrate.Rule{
		{Long: 24 * time.Hour, Short: 2 * time.Hour, Factor: 3, Severity: burnrate.SeverityTicket},
		{Long: 72 * time.Hour, Short: 6 * time.Hour, Factor: 1, Severity: burnrate.SeverityTicket},
	}}
	h := time.Hour
	traffics := []equivTraffic{
		{objective: slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy}, perSecond: 5,
			errors: equivPhase(0.0003, equivStep{2*24*h + 14*h, 30 * time.Minute, 1}, equivStep{19 * 24 * h, 4 * h, 0.01})},
		{objective: slo.Objective{Journey: "search", Target: 0.99, Policy: policy}, perSecond: 2,
			errors: equivPhase(0.002, equivStep{2*24*h + 20*h, 2 * h, 0.5})},
	}
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	mock := clock.NewMock()
	mock.Set(start)
	objs := make([]slo.Objective, len(traffics))
	for i, tr := range traffics {
		objs[i] = tr.objective
	}
	reg, err := slo.New(objs, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if reg.Tick() != tick {
		t.Fatalf("registry ticks every %v, want %v", reg.Tick(), tick)
	}
	preg := prometheus.NewRegistry()
	preg.MustRegister(sloprom.NewCollector(reg))
	var samples promtest.Samples
	minutes := days * 24 * 60
	// counts[i][m] are the good and bad events of minute m (ending at
	// start + (m+1) minutes).
	counts := make([][][2]uint64, len(traffics))
	type point struct{ sli, budget float64 }
	regAt := make([]map[int64]point, len(traffics)) // by Unix second
	owed := make([][2]float64, len(traffics))
	compareFrom := start.Add((days - 4) * 24 * h)
	for i := range traffics {
		regAt[i] = map[int64]point{}
	}
	for m := 0; m < minutes; m++ {
		now := start.Add(time.Duration(m+1) * tick)
		mid := time.Duration(m)*tick + tick/2
		for i, tr := range traffics {
			n := tr.perSecond * tick.Seconds() * (1 + 0.8*math.Sin(2*math.Pi*mid.Hours()/24))
			owed[i][1] += n * tr.errors(mid)
			owed[i][0] += n * (1 - tr.errors(mid))
			good, bad := math.Floor(owed[i][0]), math.Floor(owed[i][1])
			owed[i][0] -= good
			owed[i][1] -= bad
			counts[i] = append(counts[i], [2]uint64{uint64(good), uint64(bad)})
			fixture.Journey(reg, tr.objective.Journey).Add(uint64(good), uint64(bad))
		}
		reg.Advance(now)
		if err := samples.Gather(eventsOnly{preg}, now); err != nil {
			t.Fatal(err)
		}
		if !now.Before(compareFrom) && now.Sub(start)%every == 0 {
			for i, st := range reg.Status() {
				regAt[i][now.Unix()] = point{st.SLI, st.BudgetRemaining}
			}
		}
	}
	file, err := slorules.Generate(reg.Objectives())
	if err != nil {
		t.Fatal(err)
	}
	// Every recording rule, evaluated hourly: the period's read only the
	// counters and each other.
	var rules []promtest.Rule
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				rules = append(rules, r)
			}
		}
	}
	end := start.Add(time.Duration(minutes) * tick)
	ev := promtest.EvaluateRules(t, &samples, rules, compareFrom, end, every)

	// cum[i][m] are the good and bad events of minutes before m.
	cum := make([][][2]float64, len(traffics))
	for i := range counts {
		cum[i] = make([][2]float64, len(counts[i])+1)
		for m, c := range counts[i] {
			cum[i][m+1] = [2]float64{cum[i][m][0] + float64(c[0]), cum[i][m][1] + float64(c[1])}
		}
	}
	// exact returns the SLI over the minutes ending at now within window.
	exact := func(i int, now time.Time, window time.Duration) float64 {
		last := int(now.Sub(start) / tick)
		first := max(0, last-int(window/tick))
		good, bad := cum[i][last][0]-cum[i][first][0], cum[i][last][1]-cum[i][first][1]
		return good / (good + bad)
	}
	// between returns the least and greatest exact SLI over windows from
	// lo to hi long.
	between := func(i int, now time.Time, lo, hi time.Duration) (float64, float64) {
		least, most := math.Inf(1), math.Inf(-1)
		for w := lo; w <= hi; w += tick {
			v := exact(i, now, w)
			least, most = math.Min(least, v), math.Max(most, v) // min is a constant of this package's tests
		}
		return least, most
	}
	period := 30 * 24 * h
	bucket := window.Resolution(period)
	var worstEngine, worstRegistry, worstBudget float64
	for i, o := range reg.Objectives() {
		sel := fmt.Sprintf(`{journey=%q,objective=%q}`, o.Journey, o.Name)
		sli := ev.Server.QueryRangeAll(t, slorules.SLI+sel, compareFrom, end, every)
		budget := ev.Server.QueryRangeAll(t, slorules.BudgetRemaining+sel, compareFrom, end, every)
		if len(sli) != 1 || len(budget) != 1 || len(sli[0].Values) != len(regAt[i]) || len(budget[0].Values) != len(regAt[i]) {
			t.Fatalf("%s: engine SLI %v and budget %v, want one series of %d points each", o.Journey, sli, budget, len(regAt[i]))
		}
		var recovered bool
		for k, p := range sli[0].Values {
			at := p.Timestamp.Time()
			want := exact(i, at, period)
			// The engine extrapolates the counters' increase to the window's
			// edges: within one scrape interval of the period, 1 part in 43,200.
			if got := float64(p.Value); math.Abs((1-got)-(1-want)) > (1-want)*1e-3 {
				t.Errorf("%s at %s: engine SLI %.9f, exact %.9f", o.Journey, at.Format("Jan 2 15:04"), got, want)
			}
			if got, want := float64(budget[0].Values[k].Value), 1-(1-want)/burnrate.ErrorBudget(o.Target); math.Abs(got-want) > 1e-3*math.Max(1, math.Abs(want)) {
				t.Errorf("%s at %s: engine budget remaining %.6f, exact %.6f", o.Journey, at.Format("Jan 2 15:04"), got, want)
			}
			worstEngine = max(worstEngine, math.Abs(float64(p.Value)-want))
			r := regAt[i][at.Unix()]
			// The registry's window may be up to one bucket (6h) shorter than
			// 30 days, or count its oldest bucket in part.
			lo, hi := between(i, at, period-bucket, period+bucket)
			if r.sli < lo-1e-12 || r.sli > hi+1e-12 {
				t.Errorf("%s at %s: registry SLI %.9f outside [%.9f, %.9f], the exact SLIs over 30d less or more one bucket",
					o.Journey, at.Format("Jan 2 15:04"), r.sli, lo, hi)
			}
			worstRegistry = max(worstRegistry, math.Abs(r.sli-float64(p.Value)))
			worstBudget = max(worstBudget, math.Abs(r.budget-float64(budget[0].Values[k].Value)))
			if k > 0 && r.budget > regAt[i][at.Add(-every).Unix()].budget+0.01 {
				recovered = true
			}
		}
		if !recovered {
			t.Errorf("%s: the budget did not recover during the comparison; the outage of day 3 should leave the window", o.Journey)
		}
	}
	t.Logf("30-day SLI: engine within %.3g of the exact event-weighted value; registry within %.3g of the engine's (budget remaining within %.3g)",
		worstEngine, worstRegistry, worstBudget)
}

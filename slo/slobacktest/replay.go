package slobacktest

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/invalid"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/window"
)

// The names of the baseline candidates that every replay includes, in the
// order results list them, before the configured candidates.
const (
	// Threshold is the plain error-rate alert that teams have before
	// burn-rate alerts: page while the error ratio over the last 10 minutes
	// is at or above 1 - target, that is one rule whose two windows are
	// both 10m, at factor 1. See [ThresholdPolicy].
	Threshold = "threshold"
	// BurnRate1h is the single-window burn-rate alert of the SRE
	// Workbook's fourth approach: page while the burn rate over the last
	// hour is at or above 14.4 for a 30-day period (2% of the budget in an
	// hour). See [BurnRate1hPolicy].
	BurnRate1h = "burnrate-1h"
	// ObjectivePolicy names the objective's own policy (its Policy, or the
	// multiwindow, multi-burn-rate default when it has no rules), as the
	// registry evaluates it in production.
	ObjectivePolicy = "objective"
)

// ThresholdPolicy returns the [Threshold] baseline: one page rule named
// "threshold" over a single 10-minute window at factor 1. It has no
// low-traffic guard (MinEvents 0), since the threshold alerts it stands for
// have none: at low traffic a single error pages, which is part of what a
// backtest should show.
func ThresholdPolicy() burnrate.Policy {
	return burnrate.Policy{Rules: []burnrate.Rule{{Name: Threshold, Long: 10 * time.Minute, Short: 10 * time.Minute, Factor: 1, Severity: burnrate.SeverityPage}}}
}

// BurnRate1hPolicy returns the [BurnRate1h] baseline for an objective with
// target over period: one page rule named "burnrate-1h" over a single
// 1-hour window, at the factor that spends 2% of the period's budget in the
// hour (burnrate.Factor: 14.4 for 30 days, 13.44 for 28). At a target so
// low that a full outage burns slower, 1/(1 - target) below that factor
// (under 93.1% for 30 days), the factor is 1/(1 - target), so that the rule
// still fires on a full outage. Like [ThresholdPolicy] it has no
// low-traffic guard, as the single-window alerts it stands for usually have
// none.
func BurnRate1hPolicy(target float64, period time.Duration) burnrate.Policy {
	f := burnrate.Factor(0.02, period, time.Hour)
	if m := burnrate.MaxRate(target); m > 0 && f > m {
		f = m
	}
	return burnrate.Policy{Rules: []burnrate.Rule{{Name: BurnRate1h, Long: time.Hour, Short: time.Hour, Factor: f, Severity: burnrate.SeverityPage}}}
}

// A Candidate is an alert policy to try, under a name that results report.
// It is a plain value.
type Candidate struct {
	// Name identifies the candidate: letters, digits, '.', '_' and '-', not
	// one of the baselines' names.
	Name string
	// Policy is evaluated as written (a policy with no rules is refused),
	// with its own MinEvents guard.
	Policy burnrate.Policy
}

// A Significance is one test of whether an incident matters: it does when
// its bad events spend at least Share of the error budget within some
// interval of length Window. It is a plain value.
type Significance struct {
	Share  float64
	Window time.Duration
}

// DefaultSignificance returns the tests of the SRE Workbook's notion of a
// significant event: 2% of the budget within an hour, or 5% within six
// hours. It returns a new slice at every call.
func DefaultSignificance() []Significance {
	return []Significance{{0.02, time.Hour}, {0.05, 6 * time.Hour}}
}

// A Config is one objective to replay and the policies to try on it. It is a
// plain value; its zero fields take the defaults their docs give.
type Config struct {
	// Objective is the journey, target and period replayed; its Policy (or
	// the default one) is the [ObjectivePolicy] candidate. Its Latency
	// names it ("latency" by default) and is validated, but judges
	// nothing: the traffic's events are already judged good or bad.
	Objective slo.Objective
	// Candidates are tried beside the three baselines ([Threshold],
	// [BurnRate1h], [ObjectivePolicy]).
	Candidates []Candidate
	// Flaky is how soon after it starts a page's episode must end for the
	// page to be flaky; 0 means slo.DefaultFlaky, 10 minutes, as a monthly
	// review of production's pages has it. See slo.Episode.Flaky.
	Flaky time.Duration
	// FlakyBudget is the share of the budget a flaky page's episode spends
	// less than (its slo.Episode.BudgetSpent); 0 means
	// slo.DefaultFlakyBudget, 2%. See slo.Episode.Flaky.
	FlakyBudget float64
	// Significance holds the tests an incident must pass one of to be
	// significant (see [Significance]); nil means [DefaultSignificance].
	Significance []Significance
	// Incidents are the incidents known to have happened to the
	// objective's journey, such as a synthetic scenario's
	// ([Scenario.Injected]); an empty Journey means the objective's. Nil
	// means they are derived from the traffic: every maximal run of
	// consecutive samples of the journey whose error ratio is above
	// 1 - target is one incident, from the end of the sample before the
	// run to the end of the run's last sample, with the run's error ratio.
	Incidents []Incident
}

// An Option changes how [Run] replays.
type Option func(*runOptions)

type runOptions struct {
	every time.Duration
}

// WithEvery makes the replay evaluate its registry every d, a multiple of
// the registry's tick (Result.Tick), on multiples of d from the Unix
// epoch, and at the last sample. A coarser step than the tick, such as 1m
// for samples a minute apart, evaluates as a rule engine at that
// evaluation interval does: as many times fewer evaluations, times to the
// step, and a step's events counted in the buckets where the step begins,
// so that a window's oldest edge is exact to one step. The default is
// every tick, which times every detection and reset to the tick.
func WithEvery(d time.Duration) Option {
	return func(o *runOptions) { o.every = d }
}

// A Result is what a replay found: one [ObjectiveResult] per Config, in
// order. It is a plain value, safe to read from any goroutine.
type Result struct {
	// Start is the evaluation before the traffic's first events, one
	// tick before the first sample's time, and End the last, at the last
	// sample's time (or the first tick after it): the replay evaluates
	// every Tick in between.
	Start, End time.Time
	// Tick is the registry's rotation step, the granularity of every time
	// the result gives (detections, resets, spans).
	Tick time.Duration
	// Every is how often the replay evaluated: WithEvery's step, or Tick.
	Every      time.Duration
	Objectives []ObjectiveResult
}

// An ObjectiveResult is how every policy tried on one objective did. It is
// a plain value, part of a [Result].
type ObjectiveResult struct {
	// Objective is the config's, with its defaults filled in.
	Objective slo.Objective
	// Budget is the error budget that the shares of the budget in this
	// result are of, in events: what one period at the journey's mean
	// event rate allows, (1 - target) x rate x period, the rate being the
	// events after the journey's first sample over the time from it to the
	// last (the first sample's own interval is not known). A replay
	// shorter than the period would otherwise measure against a period
	// that holds only part of the traffic.
	Budget float64
	// Good and Bad count the journey's events in the replay.
	Good, Bad uint64
	// Incidents are the config's incidents, or those derived from the
	// traffic, in order of start, with what they spent.
	Incidents []IncidentResult
	// Traffic is the journey's events over the replay in bins of equal
	// width (1m, 5m, 15m, 1h... the narrowest that needs at most 1000),
	// their edges multiples of it in Unix time, the first and last cut
	// short by the replay's start and end: for drawing its error ratio.
	Traffic []Bin
	// Policies holds one result per candidate: the baselines first
	// ([Threshold], [BurnRate1h], [ObjectivePolicy]), then the config's
	// candidates in order.
	Policies []PolicyResult
}

// A Bin is a journey's events from the previous bin's End (or the replay's
// Start) to End. It is a plain value.
type Bin struct {
	End       time.Time
	Good, Bad uint64
}

// An IncidentResult is one incident and what it cost. It is a plain value.
type IncidentResult struct {
	Incident
	// Good and Bad count the journey's events during the incident.
	Good, Bad uint64
	// Budget is the share of [ObjectiveResult].Budget that the bad events
	// during the incident spent.
	Budget float64
	// Significant is true when the incident passed one of the config's
	// significance tests.
	Significant bool
}

// A Span is a spell of one state, from Start to End (the evaluations at
// which it began and the next one began, or the replay's end). It is a
// plain value.
type Span struct {
	Start, End time.Time
	State      burnrate.Severity
	// Rule names the rule that set State when the span began (a span lasts
	// while the state does, whichever rule holds it); empty for ok.
	Rule string
}

// episodeLog is how many episodes the replay's registry logs per objective:
// the most slo.WithEpisodeLog accepts. The log grows as episodes come, so
// a quiet replay costs nothing for it.
const episodeLog = 1 << 16

// replay is the state of one Run: its registry and the schedule of every
// journey's events over its ticks.
type replay struct {
	tick     time.Duration
	journeys map[string]*journeyTraffic
	// objs holds, in the registry's declaration order, which config and
	// candidate each registry objective is.
	objs  []regObjective
	index map[string]int // by ObjectiveKey of the registry objective
}

// regObjective is one (config, candidate) pair in the registry.
type regObjective struct {
	config, candidate int
	spans             []Span
}

// journeyTraffic is one journey's samples laid out over ticks: sample i's
// events are spread evenly over the ticks lo[i]+1 through hi[i].
type journeyTraffic struct {
	name    string
	samples []Sample
	lo, hi  []int64
	// cumGood and cumBad are the events of samples before i: prefix sums.
	cumGood, cumBad []uint64
	handle          *slo.Journey
	next            int // the first sample not yet wholly added
	// rate is the journey's mean events per nanosecond (see budget),
	// history when the history prime adds ends (where the first sample's
	// interval begins, at that rate), and primed the events it has added.
	rate    float64
	history time.Time
	primed  uint64
}

// tickOf returns the index of the first tick at or after t.
func tickOf(t time.Time, tick time.Duration) int64 {
	n, d := t.UnixNano(), int64(tick)
	q := n / d
	if n%d > 0 {
		q++
	}
	return q
}

// share returns floor(n x k / d) without overflow, for k <= d: the events
// of n spread evenly over d ticks that fall in the first k.
func share(n uint64, k, d int64) uint64 {
	if k >= d {
		return n
	}
	hi, lo := bits.Mul64(n, uint64(k))
	q, _ := bits.Div64(hi, lo, uint64(d))
	return q
}

// upTo returns the journey's events added at the ticks up to and including
// tick k.
func (jt *journeyTraffic) upTo(k int64) (good, bad uint64) {
	// The samples wholly added by k: hi ascends.
	i, _ := slices.BinarySearchFunc(jt.hi, k+1, cmp.Compare[int64])
	good, bad = jt.cumGood[i], jt.cumBad[i]
	if i < len(jt.samples) && jt.lo[i] < k {
		s, n := jt.samples[i], jt.hi[i]-jt.lo[i]
		good += share(s.Good, k-jt.lo[i], n)
		bad += share(s.Bad, k-jt.lo[i], n)
	}
	return good, bad
}

// between returns the journey's events added at the ticks after a and up to
// and including b.
func (jt *journeyTraffic) between(a, b int64) (good, bad uint64) {
	if b <= a {
		return 0, 0
	}
	g0, b0 := jt.upTo(a)
	g1, b1 := jt.upTo(b)
	return g1 - g0, b1 - b0
}

// add records on the journey the events of tick k: every sample whose
// ticks include k adds its share.
func (jt *journeyTraffic) add(k int64) {
	for i := jt.next; i < len(jt.samples) && jt.lo[i] < k; i++ {
		s, lo, n := jt.samples[i], jt.lo[i], jt.hi[i]-jt.lo[i]
		g := share(s.Good, k-lo, n) - share(s.Good, k-lo-1, n)
		b := share(s.Bad, k-lo, n) - share(s.Bad, k-lo-1, n)
		jt.handle.Add(g, b)
		if jt.hi[i] == k {
			jt.next = i + 1
		}
	}
}

// Run replays traffic through one registry built with
// slo.WithManualAdvance, the code that runs in production, holding for
// each config one objective per candidate policy: the baselines
// ([Threshold], [BurnRate1h], [ObjectivePolicy]) and the config's
// candidates. It evaluates the registry at every tick of simulated time
// from the traffic's start to its last sample, and returns what each
// policy did to each objective.
//
// The registry starts a period before the traffic and is primed with that
// period's worth of error-free history at each journey's mean rate (see
// [ObjectiveResult].Budget), as a service that has run for a while would
// have: without it every episode early in a replay would spend a large
// share of the small budget of a young registry, and never be flaky.
//
// Each sample's events are spread evenly over the registry's ticks in the
// interval it covers (the ticks after its journey's previous sample, or
// after the traffic's start, up to and including its own time), with
// integer counts that add up exactly; a sample whose interval holds no
// tick instant counts at the first tick at or after its time. The
// traffic's start is its earliest sample's time. Samples may come in any
// order; those of one journey at one instant add up. Every sample's
// journey must be a config's, and every config's journey must have
// traffic.
//
// The work is one evaluation of every objective at every tick: a month at
// the 3s tick that the default policy's 5m window needs is 864,000
// evaluations. The registry logs at most 65,536 episodes per objective; a
// replay in which a policy has more is refused rather than miscounted.
//
// Run changes neither traffic nor cfgs, and replays run from several
// goroutines at once do not share anything. The errors match slo.ErrInvalid
// and say which config, candidate, incident, option or sample is wrong.
func Run(traffic []Sample, cfgs []Config, opts ...Option) (*Result, error) {
	var o runOptions
	for _, opt := range opts {
		opt(&o)
	}
	res, _, err := run(traffic, cfgs, o)
	return res, err
}

// run is Run, returning the replay's registry too, closed, for tests to
// compare the result with what the registry reports itself.
func run(traffic []Sample, cfgs []Config, o runOptions) (*Result, *slo.Registry, error) {
	cfgs, objectives, err := prepare(cfgs)
	if err != nil {
		return nil, nil, err
	}
	if len(traffic) == 0 {
		return nil, nil, invalid.Errorf("slobacktest: no traffic; give at least one sample per config's journey")
	}
	rp := &replay{journeys: map[string]*journeyTraffic{}, index: map[string]int{}}
	for i, c := range cfgs {
		for j := range candidates(c) {
			o := c.Objective
			rp.index[slo.ObjectiveKey(o.Journey, regName(o.Name, candidateName(c, j)))] = len(rp.objs)
			rp.objs = append(rp.objs, regObjective{config: i, candidate: j})
		}
		if rp.journeys[c.Objective.Journey] == nil {
			rp.journeys[c.Objective.Journey] = &journeyTraffic{name: c.Objective.Journey}
		}
	}
	for i, s := range traffic {
		jt := rp.journeys[s.Journey]
		switch {
		case jt == nil:
			return nil, nil, invalid.Errorf("slobacktest: sample %d: journey %q has no config; replay it with a Config whose Objective.Journey is %q, or leave its samples out", i, s.Journey, s.Journey)
		case s.Time.IsZero():
			return nil, nil, invalid.Errorf("slobacktest: sample %d (%s): no time; give the end of the interval its events fell in", i, s.Journey)
		case s.Time.Year() < firstYear || s.Time.Year() > lastYear:
			return nil, nil, invalid.Errorf("slobacktest: sample %d (%s): time %v is outside the years %d to %d that recorded traffic may fall in", i, s.Journey, s.Time.UTC().Format(time.RFC3339), firstYear, lastYear)
		}
		jt.samples = append(jt.samples, s)
	}
	first, last := 0, 0
	for i, s := range traffic {
		if s.Time.Before(traffic[first].Time) {
			first = i
		}
		if s.Time.After(traffic[last].Time) {
			last = i
		}
	}
	if span := traffic[last].Time.Sub(traffic[first].Time); span > MaxSpan {
		return nil, nil, invalid.Errorf("slobacktest: samples %d (%s) and %d (%s) are %s apart, longer than the %s a replay steps through; replay at most %s of traffic at once",
			first, stamp(traffic[first].Time), last, stamp(traffic[last].Time), burnrate.FormatWindow(span.Truncate(time.Hour)), burnrate.FormatWindow(MaxSpan), burnrate.FormatWindow(MaxSpan))
	}
	for _, c := range cfgs {
		if len(rp.journeys[c.Objective.Journey].samples) == 0 {
			return nil, nil, invalid.Errorf("slobacktest: config %s: journey %q has no samples; give its traffic or leave the config out", c.Objective.Journey+":"+c.Objective.Name, c.Objective.Journey)
		}
	}

	// The registry rotates at the finest bucket width its windows need;
	// the replay's ticks are its instants, from the traffic's start.
	var windows []time.Duration
	for _, o := range objectives {
		windows = append(windows, o.Period)
		windows = append(windows, o.Policy.Windows()...)
	}
	rp.tick = window.Tick(windows...)
	start := slices.MinFunc(traffic, func(a, b Sample) int { return a.Time.Compare(b.Time) }).Time
	k0 := tickOf(start, rp.tick)
	end := k0
	for _, jt := range rp.journeys {
		jt.layout(k0, rp.tick)
		end = max(end, jt.hi[len(jt.hi)-1])
	}

	// The replay starts one tick before the first events, whose step ends
	// at tick k0; the registry a period earlier (or up to an hour more), to
	// be primed.
	at := func(k int64) time.Time { return time.Unix(0, k*int64(rp.tick)).UTC() }
	var period time.Duration
	for _, o := range objectives {
		period = max(period, o.Period)
	}
	// On an hour's edge, so that the history's first hours are whole, as
	// the period's widest buckets see them.
	primed := at(k0 - 1).Add(-period).Truncate(time.Hour)
	mock := clock.NewMock()
	mock.Set(primed)
	reg, err := slo.New(objectives, slo.WithClock(mock), slo.WithManualAdvance(), slo.OnTransition(rp.transition), slo.WithEpisodeLog(episodeLog))
	if err != nil {
		return nil, nil, invalid.Errorf("slobacktest: %w", err)
	}
	defer reg.Close()
	if reg.Tick() != rp.tick {
		// The replay's instants must be the registry's own.
		return nil, nil, fmt.Errorf("backtest: the registry rotates every %v, not every %v as the replay computed", reg.Tick(), rp.tick)
	}
	for i := range rp.objs {
		rp.objs[i].spans = []Span{{Start: at(k0 - 1), State: burnrate.SeverityOK}}
	}
	js := make([]*journeyTraffic, 0, len(rp.journeys))
	for _, c := range cfgs {
		jt := rp.journeys[c.Objective.Journey]
		if jt.handle == nil {
			jt.handle, _ = reg.Journey(jt.name)
			jt.rate = jt.meanRate()
			// The first sample's events count at the tick its time falls
			// on; at the mean rate they took the time before it.
			jt.history = at(k0 - 1)
			if first := jt.samples[0]; jt.rate > 0 {
				jt.history = at(jt.hi[0]).Add(-time.Duration((float64(first.Good) + float64(first.Bad)) / jt.rate))
			}
			js = append(js, jt)
		}
	}
	every, err := evaluationStep(o.every, rp.tick)
	if err != nil {
		return nil, nil, err
	}
	rp.prime(reg, js, primed, at(k0-1))
	n := int64(every / rp.tick)
	for k := k0; k <= end; k++ {
		for _, jt := range js {
			jt.add(k)
		}
		if k%n != 0 && k != end {
			continue // the events wait in the journeys' counters for the step's end
		}
		if err := reg.Advance(at(k)); err != nil {
			return nil, nil, err // unreachable: the registry is manual and open
		}
	}
	res := &Result{Start: at(k0 - 1), End: at(end), Tick: rp.tick, Every: every}
	for _, o := range rp.objs {
		o.spans[len(o.spans)-1].End = res.End
		started := 0
		for k := 1; k < len(o.spans); k++ {
			if o.spans[k-1].State == burnrate.SeverityOK {
				started++ // a span out of ok after ok: an episode
			}
		}
		if started > episodeLog {
			// The registry would have dropped the oldest: the counts would
			// be short.
			c := cfgs[o.config]
			return nil, nil, invalid.Errorf("slobacktest: config %d (%s), candidate %s: %d episodes, more than the %d a registry logs per objective; replay a shorter stretch of traffic",
				o.config, slo.ObjectiveKey(c.Objective.Journey, c.Objective.Name), candidateName(c, o.candidate), started, episodeLog)
		}
	}
	res.Objectives = rp.measure(cfgs, objectives, reg, res)
	return res, reg, nil
}

// evaluationStep returns how often a replay evaluates: every (WithEvery's),
// a positive multiple of tick, or tick when zero.
func evaluationStep(every, tick time.Duration) (time.Duration, error) {
	switch {
	case every == 0:
		return tick, nil
	case every < 0 || every%tick != 0:
		return 0, invalid.Errorf("slobacktest: evaluating every %v: not a positive multiple of the registry's tick %v; use a multiple such as %v, or evaluate every tick",
			every, tick, max(tick, time.Minute/tick*tick))
	}
	return every, nil
}

// prime advances the registry from its start, from, to the replay's, to,
// adding each journey's mean rate of events as good ones: a period of
// error-free history, so that the replay starts where a service that has
// run for a while would be, rather than with a young registry whose
// period holds only what the replay has added so far (which would make
// every early episode spend a large share of a small budget).
//
// It advances in steps as wide as the buckets of the windows that reach
// back to the step (an hour at most, a tick at least), on their edges, so
// that every bucket of every window holds the history evenly, as the
// traffic's own ticks would: a few thousand advances for a 30-day period.
func (rp *replay) prime(reg *slo.Registry, js []*journeyTraffic, from, to time.Time) {
	for t := from; t.Before(to); {
		step := min(max(window.Resolution(to.Sub(t)), rp.tick), time.Hour)
		// Every width divides a day, so edges from year 1 are edges from
		// the Unix epoch too.
		next := t.Truncate(step).Add(step)
		if next.After(to) {
			next = to
		}
		for _, jt := range js {
			// Whole events, the fractions carried: the history adds up to
			// the rate over the whole period. It stops where the journey's
			// first sample begins, at the mean rate: that sample's events
			// are the traffic's own.
			until := next
			if until.After(jt.history) {
				until = jt.history
			}
			if n := uint64(jt.rate * float64(max(until.Sub(from), 0))); n > jt.primed {
				jt.handle.Add(n-jt.primed, 0)
				jt.primed = n
			}
		}
		_ = reg.Advance(next) // no error: the registry is manual and open
		t = next
	}
}

// transition records a change of state as the end of one span and the start
// of the next.
func (rp *replay) transition(t slo.Transition) {
	o := &rp.objs[rp.index[slo.ObjectiveKey(t.Status.Journey, t.Status.Objective)]]
	o.spans[len(o.spans)-1].End = t.Status.Time
	o.spans = append(o.spans, Span{Start: t.Status.Time, State: t.To, Rule: t.Status.Rule})
}

// layout sorts the journey's samples by time, merges those at one instant,
// and lays them out over ticks from the traffic's start, tick k0.
func (jt *journeyTraffic) layout(k0 int64, tick time.Duration) {
	slices.SortStableFunc(jt.samples, func(a, b Sample) int { return a.Time.Compare(b.Time) })
	merged := jt.samples[:0]
	for _, s := range jt.samples {
		if n := len(merged); n > 0 && merged[n-1].Time.Equal(s.Time) {
			merged[n-1].Good = saturatingAdd(merged[n-1].Good, s.Good)
			merged[n-1].Bad = saturatingAdd(merged[n-1].Bad, s.Bad)
			continue
		}
		merged = append(merged, s)
	}
	jt.samples = merged
	n := len(merged)
	jt.lo, jt.hi = make([]int64, n), make([]int64, n)
	jt.cumGood, jt.cumBad = make([]uint64, n+1), make([]uint64, n+1)
	prev := k0
	for i, s := range merged {
		hi := tickOf(s.Time, tick)
		lo := prev
		if hi <= lo {
			// No tick instant in the interval: the events count at the
			// first tick at or after its end.
			lo = hi - 1
		}
		jt.lo[i], jt.hi[i] = lo, hi
		prev = max(prev, hi)
		jt.cumGood[i+1] = saturatingAdd(jt.cumGood[i], s.Good)
		jt.cumBad[i+1] = saturatingAdd(jt.cumBad[i], s.Bad)
	}
}

func saturatingAdd(a, b uint64) uint64 {
	if s, carry := bits.Add64(a, b, 0); carry == 0 {
		return s
	}
	return math.MaxUint64
}

// candidates returns the config's candidates, the baselines first.
func candidates(c Config) []Candidate {
	out := []Candidate{
		{Threshold, ThresholdPolicy()},
		{BurnRate1h, BurnRate1hPolicy(c.Objective.Target, c.Objective.Period)},
		{ObjectivePolicy, c.Objective.Policy},
	}
	return append(out, c.Candidates...)
}

// candidateName returns the name of the config's candidate j.
func candidateName(c Config, j int) string {
	switch j {
	case 0:
		return Threshold
	case 1:
		return BurnRate1h
	case 2:
		return ObjectivePolicy
	}
	return c.Candidates[j-3].Name
}

// regName is the name of a candidate's objective in the registry, unique
// within the journey.
func regName(objective, candidate string) string { return objective + "." + candidate }

// prepare returns the configs with their defaults filled in and the
// registry's objectives, one per config and candidate in order, or every
// reason the configs cannot be replayed.
func prepare(cfgs []Config) ([]Config, []slo.Objective, error) {
	if len(cfgs) == 0 {
		return nil, nil, invalid.Errorf("slobacktest: no config; give at least one, such as {Objective: slo.Objective{Journey: \"checkout\", Target: 0.999}}")
	}
	var errs []error
	out := make([]Config, len(cfgs))
	var objectives []slo.Objective
	seen := map[string]int{}
	for i, c := range cfgs {
		o := c.Objective.WithDefaults()
		label := fmt.Sprintf("config %d (%s)", i, slo.ObjectiveKey(o.Journey, o.Name))
		bad := func(format string, args ...any) {
			errs = append(errs, invalid.Errorf("slobacktest: %s: %s", label, fmt.Sprintf(format, args...)))
		}
		if err := o.Validate(); err != nil {
			errs = append(errs, invalid.Errorf("slobacktest: %s: %w", label, err))
			continue
		}
		if j, ok := seen[slo.ObjectiveKey(o.Journey, o.Name)]; ok {
			bad("config %d replays the same objective; give each config its own journey or objective Name", j)
		}
		seen[slo.ObjectiveKey(o.Journey, o.Name)] = i
		c.Objective = o
		if c.Flaky == 0 {
			c.Flaky = slo.DefaultFlaky
		}
		if c.FlakyBudget == 0 {
			c.FlakyBudget = slo.DefaultFlakyBudget
		}
		if c.Flaky < 0 {
			bad("Flaky %v is negative; use how soon a flaky page ends, such as 10m, or 0 for %v", c.Flaky, slo.DefaultFlaky)
		}
		if !(c.FlakyBudget >= 0) || math.IsInf(c.FlakyBudget, 0) {
			bad("FlakyBudget %v is not a share of the budget; use one such as 0.02 for 2%%, or 0 for the default", c.FlakyBudget)
		}
		if c.Significance == nil {
			c.Significance = DefaultSignificance()
		} else {
			c.Significance = slices.Clone(c.Significance)
		}
		for k, s := range c.Significance {
			if !(s.Share > 0 && s.Share <= 1) {
				bad("Significance[%d]: Share %v is not a share of the budget in (0, 1]; use such as 0.02 for 2%%", k, s.Share)
			}
			if s.Window <= 0 {
				bad("Significance[%d]: Window %v is not positive; use such as 1h", k, s.Window)
			}
		}
		c.Incidents = slices.Clone(c.Incidents)
		for k, inc := range c.Incidents {
			if inc.Journey == "" {
				inc.Journey = o.Journey
				c.Incidents[k] = inc
			}
			switch {
			case inc.Journey != o.Journey:
				bad("Incidents[%d]: journey %q is not the objective's %q; give each config its own journey's incidents", k, inc.Journey, o.Journey)
			case inc.Start.IsZero():
				bad("Incidents[%d]: no Start; give when the incident began", k)
			case inc.Duration <= 0:
				bad("Incidents[%d]: Duration %v is not positive; give how long the incident lasted", k, inc.Duration)
			case !(inc.ErrorRatio >= 0 && inc.ErrorRatio <= 1):
				bad("Incidents[%d]: ErrorRatio %v is not a ratio in [0, 1]; use such as 0.05 for 5%% of events failing", k, inc.ErrorRatio)
			}
		}
		slices.SortStableFunc(c.Incidents, func(a, b Incident) int { return a.Start.Compare(b.Start) })
		names := map[string]bool{}
		c.Candidates = slices.Clone(c.Candidates)
		for k, cand := range candidates(c) {
			if k >= 3 {
				switch cand.Name {
				case Threshold, BurnRate1h, ObjectivePolicy:
					bad("candidate %q: the name is a baseline's; every replay has %s, %s and %s, so give another name", cand.Name, Threshold, BurnRate1h, ObjectivePolicy)
					continue
				case "":
					bad("candidate %d has no Name; name it, such as fast-burn", k-3)
					continue
				}
				if names[cand.Name] {
					bad("candidate %q: the name is also another candidate's; give each its own", cand.Name)
					continue
				}
				if len(cand.Policy.Rules) == 0 {
					bad("candidate %q: the policy has no rules; give its rules, or leave it out to try only the baselines", cand.Name)
					continue
				}
			}
			names[cand.Name] = true
			ro := o
			ro.Name = regName(o.Name, cand.Name)
			// The samples say which events were bad, latency included: the
			// registry judges no latency of its own.
			ro.Latency = 0
			ro.Policy = cand.Policy
			ro.Policy.Rules = slices.Clone(cand.Policy.Rules)
			ro.Runbook, ro.Labels = "", nil
			if err := ro.Validate(); err != nil {
				for _, e := range split(err) {
					bad("candidate %q: %v", cand.Name, e)
				}
				continue
			}
			objectives = append(objectives, ro.WithDefaults())
		}
		out[i] = c
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	return out, objectives, nil
}

// split returns the errors that err joins, or err alone.
func split(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

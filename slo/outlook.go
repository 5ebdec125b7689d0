package slo

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/figure"
	"github.com/journeyslo/journeyslo/window"
)

// An Outlook is what an objective's own windows and rules say about the
// time ahead, at a given traffic: when each firing rule clears, when the
// state is below page and back to ok, and when a spent budget is above
// zero again. It is what a release gate's Retry-After and a page's
// "resets at ..." state, derived rather than guessed: a page-6h-30m page
// holds until the outage has left its 30m window, not five minutes after
// the errors stop.
//
// Its instants are those of the registry's evaluations, exactly: every
// window is read bucket by bucket as package window counts it, its oldest
// bucket pro rata, and moved forward one [Registry.Tick] at a time, its
// oldest events ageing out as new ones come at Rate with ErrorRatio bad.
// So a registry that sees that traffic makes each transition at the
// instant its outlook gave (at the first evaluation at or after it), no
// sooner and no later. At other traffic the instants are estimates.
//
// An instant that does not come within the objective's period at this
// traffic is zero: a rule whose windows burn at ErrorRatio above its
// factor never clears, and a budget spent by an error ratio above the
// objective's allowance never comes back.
//
// An Outlook is a value; its zero value is an outlook of nothing.
type Outlook struct {
	Journey, Objective string
	// Time is the evaluation the outlook starts from: the registry's last
	// advance.
	Time time.Time
	// Rate is the events per second assumed from Time on: the rate over
	// the objective's ExhaustionWindow (see [Status]), 1h by default, or
	// over the time since the first of its events when they are younger
	// than the window, as in a process started minutes ago (to the
	// window's bucket: 15 s for 1h).
	Rate float64
	// ErrorRatio is the share of those events assumed bad, in [0, 1].
	ErrorRatio float64
	// Rules holds one outlook per rule firing at Time, in policy order.
	Rules []RuleOutlook
	// PageReset is when the state is first below page (no page rule
	// fires); Time itself when none fires now.
	PageReset time.Time
	// Reset is when the state is first ok (no rule fires); Time itself
	// when none fires now.
	Reset time.Time
	// BudgetBack is when the budget remaining over the period is first
	// above zero; Time itself when it is now. It is the budget's
	// arithmetic: whether the period holds enough events for a claim is
	// [Status.Budget]'s to say.
	BudgetBack time.Time
}

// A RuleOutlook is when one firing rule clears.
type RuleOutlook struct {
	// Name and Severity are the rule's.
	Name     string
	Severity burnrate.Severity
	// Clears is the first evaluation at which the rule no longer fires;
	// zero when that does not come within the period.
	Clears time.Time
	// Window is the window that makes it clear: the first of the rule's
	// windows whose burn rate falls under the factor (the short one when
	// both do at once), or the long window when it holds too few events.
	// Zero when Clears is.
	Window time.Duration
	// TooFewEvents is true when the rule clears because its long window
	// holds fewer than the policy's MinEvents events, not because a burn
	// rate fell under the factor.
	TooFewEvents bool
}

// Holding returns the rule that holds the state at or above severity
// longest: among the firing rules of that severity or more, the one that
// clears last (one that does not clear within the period, first), the
// first in policy order among those that clear together. With
// SeverityPage it is the rule that PageReset waits for; with
// SeverityTicket, the one Reset waits for. It returns false when no such
// rule fires.
func (o Outlook) Holding(severity burnrate.Severity) (RuleOutlook, bool) {
	var hold RuleOutlook
	found := false
	later := func(a, b time.Time) bool { // a after b, zero meaning never
		return !b.IsZero() && (a.IsZero() || a.After(b))
	}
	for _, r := range o.Rules {
		if r.Severity >= severity && (!found || later(r.Clears, hold.Clears)) {
			hold, found = r, true
		}
	}
	return hold, found
}

// tolerance is burnrate's, for the comparisons it makes: within one part
// in a billion, so that float rounding neither loses an event nor makes a
// burn of exactly the factor miss it.
const tolerance = 1e-9

// Outlook returns the objective's outlook from its last evaluation,
// assuming the rate of events over its ExhaustionWindow goes on and that a
// share errorRatio of them is bad: 0 asks when things settle if every
// request succeeds from now on, the current 5m error ratio asks when they
// settle as things are. An errorRatio below 0, or NaN, is 0; one above 1
// is 1.
//
// It reads the windows at the step of the last evaluation and holds no
// lock while it computes. Its work is a step per tick until what it looks for
// is found: at most the period's ticks for the budget and the longest
// window's for the rules. For the default 30-day policy at 3 s ticks that
// is about 12 ms of one core when nothing ever clears, and 3 ms when an
// outage's rules clear within six hours and the budget is back in eight
// days (BenchmarkOutlook); a caller that asks at every request, such as a
// release gate's Retry-After, can keep the answer until the next tick. It
// allocates for the call only.
func (t *Tracker) Outlook(errorRatio float64) Outlook { return t.reg.outlook(t.o, errorRatio) }

func (r *Registry) outlook(o *objective, q float64) Outlook {
	switch {
	case !(q > 0): // NaN too
		q = 0
	case q > 1:
		q = 1
	}
	tick := int64(r.Tick())
	windows := o.windows()
	var (
		sim outlookSource
		at  time.Time
	)
	// Every window is read at the step of the last evaluation: an advance
	// holds mu from the rotation of the windows to their evaluation.
	r.mu.RLock()
	at = r.advanced
	sim = outlookSource{t0: r.group.Time().UnixNano(), tick: tick, wins: make([]outlookWindow, len(windows))}
	for i, d := range windows {
		sim.wins[i] = readWindow(o.series, d)
	}
	r.mu.RUnlock()

	out := Outlook{Journey: o.Journey, Objective: o.Name, Time: at, ErrorRatio: q}
	// The rate over the exhaustion window, per tick: its events over the
	// ticks it spans, so that 60000 events in an hour of 3 s ticks are 50
	// a tick exactly, as a registry that records them would count. When
	// its events are younger than the window (a process started minutes
	// ago), over the time since the bucket of the first of them: an
	// hour's rate would count minutes of traffic as an hour's.
	ex := sim.window(o.exhaust)
	g, b := sim.sum(ex)
	span := float64(o.exhaust)
	if i := slices.IndexFunc(ex.counts, func(c window.Counts) bool { return c != window.Counts{} }); i > 0 {
		span = float64(sim.t0 - (ex.first+int64(i))*ex.width)
	}
	// Events in the bucket that starts at the group's instant came within
	// the tick being filled, drained by an advance before its end: over
	// one tick, not over no time, which would make the rate infinite.
	span = max(span, float64(tick))
	perTick := events(g+b) / (span / float64(tick))
	out.Rate = perTick / (float64(tick) / float64(time.Second))
	sim.good, sim.bad = perTick*(1-q), perTick*q

	budget := o.budget
	j := newJudge(o.Policy, &sim)
	state := j.judge(&sim, budget)                // at k = 0: as the last evaluation saw it
	firing := make([]int, 0, len(o.Policy.Rules)) // policy indices of the rules firing now
	for i, rule := range o.Policy.Rules {
		if j.firing[i] {
			firing = append(firing, i)
			out.Rules = append(out.Rules, RuleOutlook{Name: rule.Name, Severity: rule.Severity})
		}
	}
	if state < burnrate.SeverityPage {
		out.PageReset = at
	}
	if state == burnrate.SeverityOK {
		out.Reset = at
	}
	// After its longest window and one of that window's buckets, a window
	// holds the assumed traffic alone and its burn no longer changes: the
	// rules are settled then.
	var longest time.Duration
	for _, d := range o.Policy.Windows() {
		longest = max(longest, d+window.Resolution(d))
	}
	limit := int64(o.Period) / tick
	open := len(out.Rules) // rules not cleared yet
	for k := int64(1); k <= min(limit, int64(longest)/tick+1); k++ {
		if open == 0 && !out.PageReset.IsZero() && !out.Reset.IsZero() {
			break
		}
		sim.k = k
		state = j.judge(&sim, budget)
		when := sim.when(at)
		for n, i := range firing {
			ro := &out.Rules[n]
			if !ro.Clears.IsZero() || j.firing[i] {
				continue
			}
			ro.Clears, open = when, open-1
			ro.Window, ro.TooFewEvents = j.clearedBy(i)
		}
		if out.PageReset.IsZero() && state < burnrate.SeverityPage {
			out.PageReset = when
		}
		if out.Reset.IsZero() && state == burnrate.SeverityOK {
			out.Reset = when
		}
	}

	// The budget, over as much as the period.
	if k := sim.budgetBack(sim.window(o.Period), limit, budget); k == 0 {
		out.BudgetBack = at
	} else if k > 0 {
		sim.k = k
		out.BudgetBack = sim.when(at)
	}
	return out
}

// budgetBack returns the first step up to limit at which window w leaves
// a budget above zero, or -1. It may take every tick of the period
// (864000 for 30 days at 3 s), so while the bucket the window's start
// falls in is older than t0 (no tick since adds to it), it steps with sum's
// arithmetic reduced to what changes: the same float64 operations on the
// same values, so the same bits.
func (s *outlookSource) budgetBack(w *outlookWindow, limit int64, budget float64) int64 {
	for k := int64(0); k <= limit; {
		start := s.t0 + k*s.tick - w.d
		o := floorDiv(start, w.width)
		num := (o+1)*w.width - start // the window's part of bucket o, in nanoseconds
		end := min(limit, k+(num+s.tick-1)/s.tick-1)
		if (o+1)*w.width > s.t0 {
			// Bucket o gains ticks since t0: sum as it is.
			for ; k <= end; k++ {
				s.k = k
				if g, b := s.sum(w); 1-burn(g, b, budget) > 0 {
					return k
				}
			}
			continue
		}
		// In sum's terms: after is k, inPart 0, and part and whole are
		// bucket o's and those after it, fixed over the stretch.
		var part, whole window.Counts
		if i := o - w.first; i >= 0 && i < int64(len(w.counts)) {
			part = w.counts[i]
		}
		if i := max(o+1-w.first, 0); i < int64(len(w.suffix)) {
			whole = w.suffix[i]
		}
		pg, pb, wg, wb, width := float64(part.Good), float64(part.Bad), float64(whole.Good), float64(whole.Bad), float64(w.width)
		for ; k <= end; k, num = k+1, num-s.tick {
			share := float64(num) / width
			g := wg + s.good*float64(k) + pg*share
			b := wb + s.bad*float64(k) + pb*share
			if 1-burn(g, b, budget) > 0 {
				return k
			}
		}
	}
	return -1
}

// burn is burnrate.Rate with the error budget computed once: the same
// arithmetic, so that 1 - burn is the budget remaining that Status
// reports, to the bit.
func burn(good, bad, budget float64) float64 {
	good, bad = events(good), events(bad)
	total := good + bad
	if total == 0 {
		return 0
	}
	if math.IsInf(total, 1) { // two counts near the float64 limit
		good, bad = good/2, bad/2
		total = good + bad
	}
	return bad / total / budget
}

// judge evaluates a policy over an outlookSource step after step as
// burnrate.Policy.Evaluate does, to the bit, but with the error budget
// computed once and the windows found once: Evaluate's own set-up, done
// at every one of up to 86400 steps, would cost ten times the arithmetic.
type judge struct {
	p          burnrate.Policy
	long, shrt []int // per rule, its windows' indices in the source's
	rate, n    []float64
	// settled is, per window, the step from which it holds the assumed
	// traffic alone: its burn no longer changes (but in the last bits of
	// its float arithmetic, far inside the comparisons' tolerance), so it
	// is not summed again. The 5m window settles in 101 steps at 3 s,
	// the 3d one in 86701: the rules' work drops fivefold.
	settled []int64
	firing  []bool // per rule, at the last step judged
	burning []bool
}

func newJudge(p burnrate.Policy, s *outlookSource) *judge {
	index := func(d time.Duration) int {
		for i := range s.wins {
			if s.wins[i].d == int64(d) {
				return i // the first: the policy's windows come first
			}
		}
		return -1 // unreachable: the series keeps every window of the policy
	}
	j := &judge{p: p, long: make([]int, len(p.Rules)), shrt: make([]int, len(p.Rules)),
		rate: make([]float64, len(p.Windows())), n: make([]float64, len(p.Windows())), settled: make([]int64, len(p.Windows())),
		firing: make([]bool, len(p.Rules)), burning: make([]bool, len(p.Rules))}
	for i, r := range p.Rules {
		j.long[i], j.shrt[i] = index(r.Long), index(r.Short)
	}
	for i := range j.settled {
		w := &s.wins[i]
		j.settled[i] = (w.d+w.width)/s.tick + 1
	}
	return j
}

// judge evaluates the policy at the source's step and returns the state.
func (j *judge) judge(s *outlookSource, budget float64) burnrate.Severity {
	for i := range j.rate { // the policy's windows, not the period after them
		if s.k > j.settled[i] {
			continue
		}
		g, b := s.sum(&s.wins[i])
		j.rate[i], j.n[i] = burn(g, b, budget), events(g)+events(b)
	}
	state := burnrate.SeverityOK
	for i, r := range j.p.Rules {
		l, sh := j.long[i], j.shrt[i]
		threshold := r.Factor * (1 - tolerance)
		// A window with no events has no data and does not burn.
		j.burning[i] = j.n[l] > 0 && j.n[sh] > 0 && j.rate[l] >= threshold && j.rate[sh] >= threshold
		j.firing[i] = j.burning[i] && j.n[l] >= float64(j.p.MinEvents)*(1-tolerance)
		if j.firing[i] && r.Severity > state {
			state = r.Severity
		}
	}
	return state
}

// clearedBy returns the window that makes rule i no longer fire at the
// last step judged, and whether it is for too few events.
func (j *judge) clearedBy(i int) (time.Duration, bool) {
	r, sh := j.p.Rules[i], j.shrt[i]
	switch {
	case j.burning[i]: // both burn: the guard stopped it
		return r.Long, true
	case !(j.n[sh] > 0 && j.rate[sh] >= r.Factor*(1-tolerance)):
		return r.Short, false
	}
	return r.Long, false
}

// events returns n as a count as burnrate counts it: 0 when it is
// negative or NaN, the largest float64 when it is infinite.
func events(n float64) float64 {
	switch {
	case !(n > 0):
		return 0
	case n > math.MaxFloat64:
		return math.MaxFloat64
	}
	return n
}

// outlookSource is an objective's windows k ticks after t0, the step
// they were read at, with good and bad events added at every tick since.
type outlookSource struct {
	t0, tick  int64 // nanoseconds
	k         int64
	good, bad float64 // events added a tick
	wins      []outlookWindow
}

// outlookWindow is one window as read at t0: its buckets from the one its
// start falls in to the current one, and their sums from each to the
// current one.
type outlookWindow struct {
	d      int64 // nanoseconds
	width  int64
	first  int64           // index of the oldest bucket read, in widths since the Unix epoch
	counts []window.Counts // buckets first, first+1, ... up to the current one at t0
	suffix []window.Counts // suffix[i] sums counts[i:]; one longer, ending in zero
}

func readWindow(s *window.Series, d time.Duration) outlookWindow {
	width, first, _, counts := s.Buckets(d)
	w := outlookWindow{d: int64(d), width: int64(width), first: first.UnixNano() / int64(width), counts: counts,
		suffix: make([]window.Counts, len(counts)+1)}
	for i := len(counts) - 1; i >= 0; i-- {
		w.suffix[i] = window.Counts{Good: w.suffix[i+1].Good + counts[i].Good, Bad: w.suffix[i+1].Bad + counts[i].Bad}
	}
	return w
}

// window returns the window of length d; nil when there is none.
func (s *outlookSource) window(d time.Duration) *outlookWindow {
	for i := range s.wins {
		if s.wins[i].d == int64(d) {
			return &s.wins[i]
		}
	}
	return nil
}

// when returns the instant of step k, in at's location.
func (s *outlookSource) when(at time.Time) time.Time {
	return time.Unix(0, s.t0+s.k*s.tick).In(at.Location())
}

// sum returns window w at step k as window.Series.Sum would
// count it: [T-d, T) with T = t0 + k ticks, the bucket its start falls in
// counted by the share of it inside the window. Each bucket holds what it
// held at t0 and the events added at each tick that starts inside it
// since. The arithmetic is Series.Sum's, in the same order, so that whole
// numbers of events a tick give the same float64 a registry computes.
func (s *outlookSource) sum(w *outlookWindow) (good, bad float64) {
	start := s.t0 + s.k*s.tick - w.d
	o := floorDiv(start, w.width)
	share := float64((o+1)*w.width-start) / float64(w.width)
	var part, whole window.Counts // the buckets as read at t0
	if i := o - w.first; i >= 0 && i < int64(len(w.counts)) {
		part = w.counts[i]
	}
	if i := max(o+1-w.first, 0); i < int64(len(w.suffix)) {
		whole = w.suffix[i]
	}
	// The ticks added since t0 that start inside the partial bucket,
	// and after it.
	inPart := s.ticks((o+1)*w.width) - s.ticks(o*w.width)
	after := s.k - s.ticks((o+1)*w.width)
	good = float64(whole.Good) + s.good*float64(after) + (float64(part.Good)+s.good*float64(inPart))*share
	bad = float64(whole.Bad) + s.bad*float64(after) + (float64(part.Bad)+s.bad*float64(inPart))*share
	return good, bad
}

// ticks returns how many of the k ticks added since t0 start before
// instant t (nanoseconds): those i in [0, k) with t0 + i*tick < t.
func (s *outlookSource) ticks(t int64) int64 {
	n := t - s.t0
	if n <= 0 {
		return 0
	}
	return min(s.k, (n+s.tick-1)/s.tick)
}

// floorDiv is a / b rounded down, for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// The JSON shape of an Outlook: instants as a Status writes them, null
// when zero (not within the period); figures to 12 significant digits.
type (
	outlookShape struct {
		Journey    string             `json:"journey" yaml:"journey"`
		Objective  string             `json:"objective" yaml:"objective"`
		Time       string             `json:"time" yaml:"time"`
		Rate       *float64           `json:"rate" yaml:"rate"`
		ErrorRatio *float64           `json:"errorRatio" yaml:"errorRatio"`
		Rules      []ruleOutlookShape `json:"rules" yaml:"rules"`
		PageReset  *string            `json:"pageReset" yaml:"pageReset"`
		Reset      *string            `json:"reset" yaml:"reset"`
		BudgetBack *string            `json:"budgetBack" yaml:"budgetBack"`
	}
	ruleOutlookShape struct {
		Name         string            `json:"name" yaml:"name"`
		Severity     burnrate.Severity `json:"severity" yaml:"severity"`
		Clears       *string           `json:"clears" yaml:"clears"`
		Window       string            `json:"window,omitempty" yaml:"window,omitempty"`
		TooFewEvents bool              `json:"tooFewEvents" yaml:"tooFewEvents"`
	}
)

func (o Outlook) shape() outlookShape {
	out := outlookShape{
		Journey: o.Journey, Objective: o.Objective, Time: instant(o.Time),
		Rate: finiteOrNull(figure.Tidy(o.Rate)), ErrorRatio: finiteOrNull(figure.Tidy(o.ErrorRatio)),
		Rules:     make([]ruleOutlookShape, len(o.Rules)),
		PageReset: instantOrNull(o.PageReset), Reset: instantOrNull(o.Reset), BudgetBack: instantOrNull(o.BudgetBack),
	}
	for i, r := range o.Rules {
		out.Rules[i] = ruleOutlookShape{Name: r.Name, Severity: r.Severity, Clears: instantOrNull(r.Clears),
			Window: duration(r.Window), TooFewEvents: r.TooFewEvents}
	}
	return out
}

func (in outlookShape) outlook() (Outlook, error) {
	o := Outlook{Journey: in.Journey, Objective: in.Objective, Rate: deref(in.Rate, 0), ErrorRatio: deref(in.ErrorRatio, 0)}
	var err error
	if o.Time, err = parseInstant("time", in.Time); err != nil {
		return Outlook{}, err
	}
	for _, f := range []struct {
		name string
		text *string
		to   *time.Time
	}{{"pageReset", in.PageReset, &o.PageReset}, {"reset", in.Reset, &o.Reset}, {"budgetBack", in.BudgetBack, &o.BudgetBack}} {
		if *f.to, err = parseInstantOrNull(f.name, f.text); err != nil {
			return Outlook{}, err
		}
	}
	if len(in.Rules) > 0 {
		o.Rules = make([]RuleOutlook, len(in.Rules))
	}
	for i, r := range in.Rules {
		ro := RuleOutlook{Name: r.Name, Severity: r.Severity, TooFewEvents: r.TooFewEvents}
		if ro.Clears, err = parseInstantOrNull("clears", r.Clears); err != nil {
			return Outlook{}, err
		}
		if ro.Window, err = parseDuration("window", r.Window); err != nil {
			return Outlook{}, err
		}
		o.Rules[i] = ro
	}
	return o, nil
}

// MarshalJSON encodes the outlook as
//
//	{"journey": "checkout", "objective": "availability", "time": "2026-03-02T09:12:00Z",
//	 "rate": 16.6666666667, "errorRatio": 0,
//	 "rules": [{"name": "page-6h-30m", "severity": "page", "clears": "2026-03-02T09:41:51Z",
//	   "window": "30m", "tooFewEvents": false}, ...],
//	 "pageReset": "2026-03-02T09:41:51Z", "reset": "2026-03-02T15:11:39Z", "budgetBack": null}
//
// with an instant that does not come within the period null, and a rule's
// window left out then.
func (o Outlook) MarshalJSON() ([]byte, error) { return json.Marshal(o.shape()) }

// UnmarshalJSON decodes what MarshalJSON encodes, ignoring unknown fields.
func (o *Outlook) UnmarshalJSON(b []byte) error {
	var in outlookShape
	if err := json.Unmarshal(b, &in); err != nil {
		return fmt.Errorf("%w: outlook: %v", ErrInvalid, err)
	}
	v, err := in.outlook()
	if err == nil {
		*o = v
	}
	return err
}

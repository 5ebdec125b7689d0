package slo

import (
	"fmt"
	"math"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/names"
	"github.com/journeyslo/journeyslo/window"
)

// Status is the state of one objective at an instant: the error budget, the
// burn rate of every window, and the alert state of its policy. It is a
// copy; holding it holds no lock.
type Status struct {
	Journey   string
	Objective string
	Target    float64
	Period    time.Duration
	// Latency is the objective's threshold; 0 for availability.
	Latency time.Duration
	// Slices, when set, says the objective counts time slices: Good and
	// Bad, MinEvents and every window's counts are then slices, not
	// events ("12 of 20160 slices bad"); for RatioTimeslices Good is the
	// sum of the slices' shares of good events and Bad the rest, so that
	// Good + Bad is the number of slices. TotalGood and TotalBad stay
	// events. Nil for an objective of events.
	Slices *Slices
	// Time is the instant of the evaluation.
	Time time.Time
	// PeriodStart and PeriodEnd bound the calendar period that holds Time,
	// for an objective with a [Calendar]: Good, Bad, SLI and the budget
	// count from PeriodStart, and reset at PeriodEnd. Both are zero for a
	// rolling period, which ends at Time and started Period before it.
	PeriodStart, PeriodEnd time.Time

	// Good and Bad count the events over the period, including those
	// restored from a snapshot ([WithSnapshot]): the replica's memory. They
	// are rounded to the nearest event: the period is exactly its length,
	// so it counts the share of its oldest bucket that lies inside it (see
	// package window), a fractional count. SLI, NoData and BudgetRemaining
	// use the exact figures; so do the Good and Bad of each of Windows.
	Good, Bad uint64
	// TotalGood and TotalBad count the events recorded since [New], zero at
	// start even when a snapshot restored the windows: monotonic counters
	// of this process's events, which exporters publish. So after a
	// restore, Good+Bad may exceed TotalGood+TotalBad.
	TotalGood, TotalBad uint64
	// TotalExcluded counts the events of the objective's journey that a
	// planned exclusion kept out of every window since [New] (see
	// [Exclusion]): counted neither good nor bad, and exported apart.
	TotalExcluded uint64
	// SLI is good / (good + bad) over the period, from the exact counts;
	// 1 when NoData.
	SLI float64
	// NoData is true when the period holds no events, not even part of
	// one.
	NoData bool
	// MinEvents is how many events the period must hold before the status
	// makes claims about the budget (see Budget): the policy's MinEvents
	// guard, or burnrate.MinEvents(Target) when the guard is off (1000 at
	// 99.9%). The budget of a period with fewer events is too small to
	// afford one bad event: 1 bad in 10 at 99.9% would read as a budget
	// overspent 99 times, which says nothing about the service.
	MinEvents uint64
	// Covered is how much of the period the data covers: from the
	// oldest instant the objective's windows hold data for (when the
	// registry started, or the oldest restored bucket with events) to
	// Time, at most Period. MinCovered is how much a claim about the
	// budget needs: a tenth of the period (3 days of 30). See
	// [BudgetYoungData].
	Covered, MinCovered time.Duration
	// Budget is the state of the budget as a claim: BudgetTooFewEvents
	// while the period holds fewer than MinEvents events,
	// BudgetYoungData while the data covers less than MinCovered of the
	// period, else BudgetLeft or BudgetSpent. Whatever states, gates or
	// shows the budget (spent, left, running out in...) checks it first
	// ([BudgetState.Claims]); see [Status.Evidence].
	Budget BudgetState
	// BudgetRemaining is the share of the period's error budget left: 1
	// untouched, 0 spent, negative overspent. It is the arithmetic of the
	// period's counts whatever their number, for code that wants it; a
	// claim about the budget must check Budget first.
	BudgetRemaining float64
	// TimeToExhaustion is how long the remaining budget lasts at the burn
	// rate over ExhaustionWindow: 0 when spent, burnrate.Never when not
	// burning, and burnrate.Never when Budget is BudgetTooFewEvents (no
	// claim is made).
	TimeToExhaustion time.Duration
	// ExhaustionWindow is the window whose burn rate TimeToExhaustion
	// uses: the policy's shortest long window (1h by default).
	ExhaustionWindow time.Duration

	// State is the most severe state among the policy's firing rules.
	State burnrate.Severity
	// Rule names the rule that set State; empty when State is ok.
	Rule string
	// Since is when the objective entered State.
	Since time.Time
	// Windows holds the burn rate over every window the policy reads,
	// ascending.
	Windows []burnrate.Burn
	// Rules holds how each rule of the policy stands, in policy order.
	Rules []RuleStatus
}

// BudgetState is the state of an objective's error budget as a claim: a
// budget is said to be left or spent only when the period holds enough
// events for a bad one to be a share of it rather than a multiple. The
// zero value is BudgetTooFewEvents, which claims nothing.
type BudgetState uint8

// Budget states.
const (
	// BudgetTooFewEvents: the period holds fewer than the status's
	// MinEvents events, so no claim is made about the budget.
	BudgetTooFewEvents BudgetState = iota
	// BudgetLeft: enough events, and budget remains (BudgetRemaining > 0).
	BudgetLeft
	// BudgetSpent: enough events, and the budget is spent or overspent
	// (BudgetRemaining <= 0).
	BudgetSpent
	// BudgetYoungData: enough events, but the data covers less than the
	// status's MinCovered of the period (a replica minutes old, a
	// calendar month hours old), so no claim is made about the budget.
	//
	// The budget of a period is a share of all its events, and young
	// data holds few of them: at 18.7 requests a second, 3 minutes at
	// 13% errors are 438 bad events, 78 times the 5.6 that the first 5
	// minutes' 5,610 events allow at 99.9%, but under 1% of the 48,470
	// that the month allows at that traffic. Two answers were open. One
	// projects the period's events from the traffic so far and states
	// the budget against that; it is an estimate that every hour of
	// traffic revises, a burn-down drawn with it climbs back without a
	// bad event leaving, and the budgets of several objectives cannot
	// be added up from it (Elastic's SLOs projected so, then went back
	// to the arithmetic of the events so far). The other, taken here,
	// keeps the arithmetic of the events so far (BudgetRemaining) and
	// claims it only once the data covers a tenth of the period, as
	// long as the default policy's slowest rule reads (3 days of 30).
	// Until then the SLI and the bad events so far are facts, and the
	// burn-rate alerts judge their own windows, which young data can
	// cover: a gate closes on a page, never on a young budget.
	BudgetYoungData
)

var budgetNames = []string{BudgetTooFewEvents: "too few events", BudgetLeft: "left", BudgetSpent: "spent", BudgetYoungData: "young data"}

// Claims reports whether the state claims something about the budget:
// BudgetLeft or BudgetSpent.
func (b BudgetState) Claims() bool { return b == BudgetLeft || b == BudgetSpent }

// String returns "too few events", "left", "spent" or "young data".
func (b BudgetState) String() string { return names.Of(budgetNames, "BudgetState", b) }

// MarshalText encodes the state as its String.
func (b BudgetState) MarshalText() ([]byte, error) {
	if !names.Known(budgetNames, b) {
		return nil, fmt.Errorf("%w budget state: %d; use BudgetTooFewEvents, BudgetLeft, BudgetSpent or BudgetYoungData", ErrInvalid, uint8(b))
	}
	return []byte(b.String()), nil
}

// UnmarshalText decodes "too few events", "left", "spent" or "young data".
func (b *BudgetState) UnmarshalText(text []byte) error {
	v, ok := names.Value[BudgetState](budgetNames, string(text))
	if !ok {
		return fmt.Errorf("%w budget state: %q; use \"too few events\", \"left\", \"spent\" or \"young data\"", ErrInvalid, text)
	}
	*b = v
	return nil
}

// Evidence returns why the status makes no claim about the budget, such as
// "not enough events: 10 of 1000" or "young data: 5m of 30d", or "" when
// Budget makes one. The count is the period's rounded to the nearest
// event, and below MinEvents: 999.5 events are 999 of 1000, since they do
// not make 1000.
func (s Status) Evidence() string {
	switch s.Budget {
	case BudgetYoungData:
		return "young data: " + formatCovered(s.Covered) + " of " + burnrate.FormatWindow(s.Period)
	case BudgetTooFewEvents:
	default:
		return ""
	}
	n := s.Good + s.Bad
	if n < s.Good { // wrapped: no uint64 holds the sum
		n = math.MaxUint64
	}
	if s.MinEvents > 0 && n >= s.MinEvents {
		n = s.MinEvents - 1 // rounding made up the fraction missing
	}
	return fmt.Sprintf("not enough %s: %d of %d", s.Unit(), n, s.MinEvents)
}

// formatCovered writes a coverage to the second, as a window is written:
// "5m", "2h30m".
func formatCovered(d time.Duration) string {
	return burnrate.FormatWindow(max(time.Second, d.Round(time.Second)))
}

// enough reports whether events, a period's exact and possibly fractional
// count, make min: within one part in a billion, as the policy's MinEvents
// guard compares (see burnrate.Policy), so that float rounding cannot lose
// an event and 999.5 events do not make 1000.
func enough(events float64, min uint64) bool {
	return events >= float64(min)*(1-1e-9)
}

// minEvents returns how many events o's period must hold for budget claims.
func (o Objective) minEvents() uint64 {
	if o.Policy.MinEvents != 0 {
		return o.Policy.MinEvents
	}
	return burnrate.MinEvents(o.Target)
}

// minCovered returns how much of o's period its data must cover for
// budget claims: a tenth of it.
func (o Objective) minCovered() time.Duration { return o.Period / 10 }

// exhaustionWindow returns the window whose burn rate estimates time to
// exhaustion: the shortest long window of o's policy, or its period when
// the policy has no rules.
func (o Objective) exhaustionWindow() time.Duration {
	d := o.Period
	for _, r := range o.Policy.Rules {
		d = min(d, r.Long)
	}
	return d
}

// RuleStatus is how one alert rule stands.
type RuleStatus struct {
	burnrate.Rule
	// LongRate and ShortRate are the burn rates over the rule's windows.
	LongRate, ShortRate float64
	// Burning is true when both rates are at or above the factor; Firing
	// when the long window also holds the policy's MinEvents.
	Burning, Firing bool
}

// A Transition is a change of an objective's state, delivered to the
// OnTransition callbacks.
type Transition struct {
	From, To burnrate.Severity
	// Status is the objective's status at the transition: its Time is
	// when it happened and its Rule the rule that caused it.
	Status Status
}

// Status returns the objective's Status at instant at, computed from its
// counts: good and bad, the events over its Period (fractional where its
// oldest bucket counts pro rata, see package window), and e, the
// evaluation of its Policy at its Target over its windows
// ([burnrate.Policy.Evaluate]). The budget, the SLI, the budget's state
// and its time to exhaustion come from the counts; the state, the rule
// that set it and every rule's standing come from e.
//
// The registry builds every Status with it from its own windows; package
// slofleet builds the fleet's from the series an alerting engine recorded
// over every replica, with the engine's verdict of which rules fire. It is
// public so that a second source of the same counts makes the same
// figures, by the same arithmetic, to the bit.
//
// o is the objective with its defaults ([Objective.WithDefaults]), and e
// an evaluation of its policy: a rule of the policy that e does not hold
// is reported neither burning nor firing, at rate 0. TotalGood, TotalBad
// and Since are the registry's to know (this process's counters, and when
// it entered State) and are left zero.
//
// It claims the data covers the whole period: [Objective.StatusCovering]
// is the same for data that covers less.
func (o Objective) Status(at time.Time, good, bad float64, e burnrate.Evaluation) Status {
	return o.StatusCovering(at, o.Period, good, bad, e)
}

// StatusCovering is [Objective.Status] for data that covers only covered
// of the period (clamped to 0 and the period, truncated to the second):
// the registry's, from when
// it started or the oldest bucket it restored. While covered is less than
// a tenth of the period, Budget is BudgetYoungData and no time to
// exhaustion is given; every figure is the same as Status's.
func (o Objective) StatusCovering(at time.Time, covered time.Duration, good, bad float64, e burnrate.Evaluation) Status {
	s := Status{
		Journey:   o.Journey,
		Objective: o.Name,
		Target:    o.Target,
		Period:    o.Period,
		Latency:   o.Latency,
		Slices:    cloneSlices(o.Slices),
		Time:      at,
		Good:      roundCount(good),
		Bad:       roundCount(bad),
		SLI:       1,
		NoData:    good == 0 && bad == 0, // not even part of an event
		State:     e.State,
		Windows:   append([]burnrate.Burn(nil), e.Windows...),
		Rules:     make([]RuleStatus, len(o.Policy.Rules)),
	}
	if !s.NoData {
		s.SLI = good / (good + bad)
	}
	s.BudgetRemaining = burnrate.BudgetRemaining(good, bad, o.Target)
	s.MinEvents = o.minEvents()
	s.Covered, s.MinCovered = min(max(covered, 0), o.Period).Truncate(time.Second), o.minCovered()
	s.Budget = budgetState(good+bad, s.MinEvents, s.BudgetRemaining)
	if s.Budget.Claims() && s.Covered < s.MinCovered {
		s.Budget = BudgetYoungData
	}
	s.ExhaustionWindow = o.exhaustionWindow()
	rate := 0.0
	for _, b := range e.Windows {
		if b.Window == s.ExhaustionWindow {
			rate = b.Rate
		}
	}
	s.TimeToExhaustion = burnrate.Never // no claim on too few events or young data
	if o.Calendar != nil {
		s.PeriodStart, s.PeriodEnd = o.Calendar.Bounds(at)
	}
	if s.Budget.Claims() {
		s.TimeToExhaustion = o.timeToExhaustion(s.BudgetRemaining, rate, at.Sub(s.PeriodStart))
	}
	if e.State != burnrate.SeverityOK && e.Rule >= 0 && e.Rule < len(o.Policy.Rules) {
		s.Rule = o.Policy.Rules[e.Rule].String()
	}
	burn := func(i int) float64 {
		if i >= 0 && i < len(e.Windows) {
			return e.Windows[i].Rate
		}
		return 0
	}
	for i, r := range o.Policy.Rules {
		s.Rules[i] = RuleStatus{Rule: r}
		if i < len(e.Rules) {
			rs := e.Rules[i]
			s.Rules[i].LongRate, s.Rules[i].ShortRate = burn(rs.Long), burn(rs.Short)
			s.Rules[i].Burning, s.Rules[i].Firing = rs.Burning, rs.Firing
		}
	}
	return s
}

// status builds the objective's Status as evaluated at at. It requires
// Registry.mu held.
func (o *objective) status(at time.Time) Status {
	from := o.from
	if o.Calendar != nil {
		// A calendar period's data covers it from its boundary: a month
		// two hours old is as young as a replica two hours old.
		if start, _ := o.Calendar.Bounds(at); start.After(from) {
			from = start
		}
	}
	s := o.Objective.StatusCovering(at, at.Sub(from), o.good, o.bad, o.eval)
	s.TotalGood, s.TotalBad, s.Since = o.totG, o.totB, o.since
	s.TotalExcluded = o.totX
	return s
}

// timeToExhaustion returns how long the remaining share of the budget
// lasts at a burn rate. A rolling period's budget is its Period's: the
// events that burn it replace events that leave the period, so the
// remaining share lasts remaining * Period / rate. A calendar period keeps
// its events to its end, and its budget grows with every event: at the
// traffic so far, elapsed since its start, every unit of time adds one
// unit of budget and rate units of spending, so the remaining share lasts
// remaining * elapsed / (rate - 1), and for ever at a rate of 1 or less.
// Either may outlast the calendar period, which then resets first.
func (o Objective) timeToExhaustion(remaining, rate float64, elapsed time.Duration) time.Duration {
	if o.Calendar == nil {
		return burnrate.TimeToExhaustion(remaining, rate, o.Period)
	}
	return burnrate.TimeToExhaustion(remaining, rate-1, elapsed)
}

// budgetState is the claim that a period of events (its exact count)
// with remaining budget supports.
func budgetState(events float64, min uint64, remaining float64) BudgetState {
	switch {
	case !enough(events, min):
		return BudgetTooFewEvents
	case remaining > 0:
		return BudgetLeft
	}
	return BudgetSpent
}

// roundCount rounds a fractional event count to the nearest event,
// saturating at the largest uint64.
func roundCount(n float64) uint64 {
	switch {
	case !(n > 0):
		return 0
	case n >= math.MaxUint64: // 2^64 as a float64
		return math.MaxUint64
	}
	return uint64(math.Round(n))
}

// BudgetPoint is the error budget remaining at the end of one bucket of an
// objective's period.
type BudgetPoint struct {
	End       time.Time
	Remaining float64
}

// BurnDown returns how the objective's error budget was spent over its
// period, bucket by bucket (6 hours for 30 days): the budget allowed by all
// the period's events, less the bad events up to the end of each bucket.
// The oldest bucket counts by the share of it that lies inside the period,
// as the period's sums do. The last point, at the last evaluation, is the
// budget remaining then, counting events recorded since (Status counts
// them at the next evaluation); after Close, the points at Close. Every
// point is of one instant: no advance moves the windows while it reads.
func (t *Tracker) BurnDown() []BudgetPoint {
	r, o := t.reg, t.o
	if f := r.frozen.Load(); f != nil {
		return append([]BudgetPoint(nil), f.burnDown[o]...)
	}
	// The events recorded since the last advance are in the journey's
	// pattern counters yet; they belong to the current bucket. drainMu
	// keeps a drain from moving them into the series in between, and mu
	// an advance from moving the windows.
	r.drainMu.Lock()
	defer r.drainMu.Unlock()
	r.mu.RLock()
	defer r.mu.RUnlock()
	var g, b uint64
	if t.j != nil && o.slices == nil {
		// Events the windows have not taken yet; a composite's come at the
		// drain, and an objective of slices counts none until its slice
		// ends.
		g, b = t.j.pending(t.target)
	}
	return r.burnDown(o, r.advanced, window.Counts{Good: g, Bad: b})
}

// burnDown computes o's burn-down, with the current bucket ending at at
// and holding pending events besides its own.
func (r *Registry) burnDown(o *objective, at time.Time, pending window.Counts) []BudgetPoint {
	width, first, share, counts := o.periodBuckets()
	counts[len(counts)-1].Good += pending.Good
	counts[len(counts)-1].Bad += pending.Bad
	weight := func(i int) float64 {
		if i == 0 {
			return share // the oldest bucket is partly before the period
		}
		return 1
	}
	// In float64: a sum of bucket totals can pass 2^64 where no bucket does.
	var total float64
	for i, c := range counts {
		total += (float64(c.Good) + float64(c.Bad)) * weight(i)
	}
	allowed := total * o.budget
	points := make([]BudgetPoint, len(counts))
	var bad float64
	for i, c := range counts {
		bad += float64(c.Bad) * weight(i)
		points[i] = BudgetPoint{End: first.Add(time.Duration(i+1) * width), Remaining: 1}
		if points[i].End.After(at) && !at.Before(first.Add(time.Duration(i)*width)) {
			points[i].End = at // the current bucket ends now, not in the future
		}
		if allowed > 0 {
			points[i].Remaining = 1 - bad/allowed
		}
	}
	return points
}

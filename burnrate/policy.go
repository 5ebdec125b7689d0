package burnrate

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// Severity is the state of an objective, and the state a rule raises when it
// fires. Higher is more severe.
type Severity uint8

// Severities, from least to most severe.
const (
	SeverityOK     Severity = iota // no rule fires
	SeverityTicket                 // a slow burn: someone should look within a day
	SeverityPage                   // a fast burn: someone should look now
)

var severityNames = [...]string{SeverityOK: "ok", SeverityTicket: "ticket", SeverityPage: "page"}

// String returns "ok", "ticket" or "page".
func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("Severity(%d)", uint8(s))
}

// MarshalText encodes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) {
	if int(s) >= len(severityNames) {
		return nil, fmt.Errorf("%w severity: %d; use ok, ticket or page", ErrInvalid, uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes "ok", "ticket" or "page".
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if string(b) == n {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("%w severity: %q; use ok, ticket or page", ErrInvalid, b)
}

// A Rule raises its severity when the burn rate over both its long and its
// short window is at or above its factor, and the long window holds at least
// the policy's MinEvents events. The long window makes the alert significant
// (a share of the budget is gone); the short window makes it reset soon
// after the errors stop. A rule is a plain value, usually written as a
// literal or loaded from configuration, and checked by [Policy.Validate].
type Rule struct {
	// Name identifies the rule in states and transitions. Empty means
	// "<severity>-<long>-<short>", such as "page-1h-5m".
	Name string
	// Long is the window that measures how much budget is spent.
	Long time.Duration
	// Short is the window that lets the alert reset; the Workbook uses
	// Long/12. It may not be longer than Long. Equal to Long, the rule
	// reads one window: a single-window rule, such as a plain error-rate
	// threshold (error ratio at or above 1 - target over 10 minutes is
	// Long = Short = 10m at factor 1), which resets only once the errors
	// have left that whole window.
	Short time.Duration
	// Factor is the burn rate at or above which the rule fires, within one
	// part in a billion (so a burn of exactly the factor fires despite float
	// rounding). See [Factor].
	Factor float64
	// Severity is what the rule raises: [SeverityTicket] or [SeverityPage].
	Severity Severity
}

// Burns reports whether the burn over one of the rule's windows is at or
// above its factor, within one part in a billion (see Factor): the test
// each of the rule's two windows must pass for it to burn. A window with
// no events has no data and does not burn.
func (r Rule) Burns(b Burn) bool {
	return !b.NoData && b.Rate >= r.Factor*(1-tolerance)
}

// String returns the rule's name, or "<severity>-<long>-<short>" when Name
// is empty.
func (r Rule) String() string {
	if r.Name != "" {
		return r.Name
	}
	return r.Severity.String() + "-" + FormatWindow(r.Long) + "-" + FormatWindow(r.Short)
}

// A Policy is a set of rules evaluated together to one state: the most
// severe among the rules that fire. The zero value has no rules and is
// refused by Validate; use [DefaultPolicy].
type Policy struct {
	// Rules are the alert rules. When several fire, the state is the most
	// severe, reported with the first such rule in this order.
	Rules []Rule
	// MinEvents is the number of events a rule's long window must hold for
	// the rule to fire: at low traffic, a handful of errors is a huge burn
	// rate. The window's count may be fractional (its oldest bucket counts
	// pro rata) and is compared as it is, within one part in a billion for
	// float rounding: 999.5 events do not meet a guard of 1000. Zero turns
	// the guard off. See [MinEvents] for a value that
	// scales with the target; package slo uses it by default.
	MinEvents uint64
}

// MinEvents returns the smallest number of events whose error budget at
// target is one whole event: ceil(1 / (1 - target)), so 1000 at 99.9% and
// 100 at 99%. As a policy's guard it means that a window too small to
// afford one error cannot raise an alert, and that at 99.9% the 14.4x page
// takes at least 15 errors in the hour. Low-traffic journeys then alert
// through the longer windows only, as the SRE Workbook advises. It is 0
// for a target outside (0, 1).
func MinEvents(target float64) uint64 {
	b := ErrorBudget(target)
	if !(b > 0 && b < 1) {
		return 0
	}
	// 1/0.001 is 1000 within rounding; do not let rounding add an event.
	return uint64(math.Ceil(1/b - 1e-9))
}

// A Share is one row of the default policy: the share of a period's error
// budget that, spent within the long window, raises the severity. It is a
// plain value; its zero value spends nothing and raises nothing.
type Share struct {
	// Budget is the fraction of the period's error budget, such as 0.02
	// for 2%.
	Budget float64
	// Long is the window the budget is spent in; Short, Long/12, lets the
	// alert reset.
	Long, Short time.Duration
	// Severity is what the row's rule raises.
	Severity Severity
}

// defaultShares is an array, not a slice, so that no caller can reach it:
// DefaultShares hands out copies.
var defaultShares = [...]Share{
	{0.02, time.Hour, 5 * time.Minute, SeverityPage},
	{0.05, 6 * time.Hour, 30 * time.Minute, SeverityPage},
	{0.10, 24 * time.Hour, 2 * time.Hour, SeverityTicket},
	{0.10, 72 * time.Hour, 6 * time.Hour, SeverityTicket},
}

// DefaultShares returns the rows of [DefaultPolicy], from the SRE Workbook
// and its example rules: 2% of the budget in 1h (5m) pages, 5% in 6h (30m)
// pages, 10% in 1d (2h) opens a ticket, 10% in 3d (6h) opens a ticket. It
// returns a new slice at every call: changing it changes no policy.
func DefaultShares() []Share { return slices.Clone(defaultShares[:]) }

// stretchStep is the unit a row's long window is lengthened by: twelve
// minutes, so that its short window, long/12, is whole minutes.
const stretchStep = 12 * time.Minute

// DefaultPolicy returns the Workbook's multi-window, multi-burn-rate policy
// for an objective with target over period: one rule per row of
// [DefaultShares] whose long window fits in the period, each with factor
// share * period / long, and MinEvents set to [MinEvents](target). For 30
// days the factors are 14.4, 6, 3 and 1; for 28 days 13.44, 5.6, 2.8 and
// 0.933.
//
// A rule whose factor exceeds the highest burn rate the target allows,
// 1/(1-target), could never fire: at 90% a full outage burns at 10, below
// the 30-day page's 14.4. Such a row keeps its share of the budget and its
// long/short ratio of 12, and its windows are lengthened to the shortest
// whole multiple of 12 minutes at which the factor is at most 1/(1-target)
// (within the one part in a billion that [Rule.Factor] allows): at 90% over
// 30 days, 2% of the budget in 1h36m (8m) at 9 instead of 1h (5m) at 14.4.
// The windows only grow, so each short window stays at least 5 minutes;
// a long window ends near share * (1-target) of the period, well within
// it. Every rule of the policy can then fire: under a full outage each
// fires once its share of the budget is spent, so the policy pages after
// 2% whatever the target (given the MinEvents guard's events). When two
// rows become the same rule, the policy keeps one.
//
// For a target outside (0, 1), which [Policy.Validate] refuses, the rows
// are not lengthened.
func DefaultPolicy(target float64, period time.Duration) Policy {
	p := Policy{MinEvents: MinEvents(target)}
	// Only a valid target has a budget to lengthen windows by (at 1e-300
	// it rounds to 1, which still works).
	valid := ValidateTarget(target) == nil
	budget := ErrorBudget(target)
	limit := MaxRate(target) * (1 + tolerance)
	for _, s := range defaultShares {
		if s.Long > period {
			continue
		}
		long, short := s.Long, s.Short
		if valid && Factor(s.Budget, period, long) > limit {
			// The factor is at most the limit from long = share*period*budget
			// on; start one step below the rounded quotient, in case float
			// rounding put it above a whole number, and walk up.
			n := max(1, time.Duration(math.Ceil(s.Budget*budget*float64(period)/float64(stretchStep)))-1)
			for Factor(s.Budget, period, n*stretchStep) > limit {
				n++
			}
			long, short = n*stretchStep, n*stretchStep/12
		}
		r := Rule{Long: long, Short: short, Factor: Factor(s.Budget, period, long), Severity: s.Severity}
		r.Name = r.String()
		if slices.ContainsFunc(p.Rules, func(q Rule) bool { return q.Name == r.Name }) {
			// Both ticket rows spend 10%: lengthened to the same
			// windows, they are the same rule.
			continue
		}
		p.Rules = append(p.Rules, r)
	}
	return p
}

// Windows returns the distinct windows the policy's rules read, ascending.
func (p Policy) Windows() []time.Duration {
	var out []time.Duration
	for _, r := range p.Rules {
		for _, d := range [2]time.Duration{r.Long, r.Short} {
			if i, found := slices.BinarySearch(out, d); !found {
				out = slices.Insert(out, i, d)
			}
		}
	}
	return out
}

// Validate reports every reason the policy cannot work for an objective
// with target over period, each naming the rule, the field, the value and
// what would be right. The errors wrap [ErrInvalid].
func (p Policy) Validate(target float64, period time.Duration) error {
	if err := ValidateTarget(target); err != nil {
		return err
	}
	if len(p.Rules) == 0 {
		return fmt.Errorf("%w policy: no rules; use burnrate.DefaultPolicy(%v, %v) or add rules", ErrInvalid, target, FormatWindow(period))
	}
	var errs []error
	bad := func(i int, r Rule, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w rule %d (%s): %s", ErrInvalid, i, r, fmt.Sprintf(format, args...)))
	}
	seen := map[string]int{}
	for i, r := range p.Rules {
		if j, ok := seen[r.String()]; ok {
			bad(i, r, "the name is also rule %d's; give each rule its own Name", j)
		}
		seen[r.String()] = i
		if r.Severity != SeverityTicket && r.Severity != SeverityPage {
			bad(i, r, "Severity %v is not one a rule raises; use SeverityTicket or SeverityPage", r.Severity)
		}
		switch {
		case r.Long <= 0:
			bad(i, r, "Long window %v is not positive", r.Long)
		case r.Long > period:
			bad(i, r, "Long window %v is longer than the period %v; use a window of at most the period", FormatWindow(r.Long), FormatWindow(period))
		}
		switch {
		case r.Short <= 0:
			bad(i, r, "Short window %v is not positive; the Workbook uses Long/12 (%v)", r.Short, FormatWindow(r.Long/12))
		case r.Short > r.Long:
			// Equal windows are a single-window rule, which teams coming
			// from threshold alerts have and backtests compare against; a
			// longer short window would only delay the reset.
			bad(i, r, "Short window %v is longer than Long window %v; the Workbook uses Long/12 (%v), and Short = Long makes a single-window rule", FormatWindow(r.Short), FormatWindow(r.Long), FormatWindow(r.Long/12))
		}
		max := MaxRate(target)
		switch {
		case math.IsNaN(r.Factor) || math.IsInf(r.Factor, 0) || r.Factor <= 0:
			bad(i, r, "Factor %v is not a positive number; see burnrate.Factor", r.Factor)
		case r.Factor > max*(1+tolerance):
			bad(i, r, "Factor %v can never fire at target %v: when every event fails the burn rate is 1/(1-%v) = %.4g; use a factor of at most %.4g or a higher target", r.Factor, target, target, max, max)
		}
	}
	return errors.Join(errs...)
}

// A Source returns the good and bad events in the window of a given length
// ending now. The counts may be fractional: window.Series, one Source,
// counts the share of its oldest bucket that lies inside the window.
type Source interface {
	Sum(window time.Duration) (good, bad float64)
}

// Burn is the burn rate over one window.
type Burn struct {
	Window time.Duration
	// Good and Bad are the window's events as the Source counts them:
	// fractional when it counts part of a bucket.
	Good, Bad float64
	// Rate is the burn rate (see [Rate]); 0 when NoData.
	Rate float64
	// NoData is true when the window holds no events.
	NoData bool
}

// RuleState is how one rule stands in an evaluation.
type RuleState struct {
	// Long and Short index the rule's windows in Evaluation.Windows.
	Long, Short int
	// Burning is true when both windows burn at or above the factor.
	Burning bool
	// Firing is true when the rule is Burning and its long window holds at
	// least the policy's MinEvents events.
	Firing bool
}

// Evaluation is the state of one objective under a policy. Its zero value
// is ready for [Policy.Evaluate], which reuses it; one Evaluation is for
// one goroutine at a time.
type Evaluation struct {
	// State is the most severe of the firing rules' severities, or
	// SeverityOK.
	State Severity
	// Rule indexes the policy rule that set State: the first firing rule of
	// that severity. It is -1 when State is SeverityOK.
	Rule int
	// Windows holds the burn over every window the policy reads, ascending.
	Windows []Burn
	// Rules holds how each rule stands, in policy order.
	Rules []RuleState

	// What the last Evaluate laid out, so that the next one with the same
	// rules' windows and target skips laying out Windows and reading the
	// budget's decimal (which formats the target): a replay evaluates
	// every objective at every tick. windows holds each rule's long and
	// short window in policy order, index where each is in Windows, and
	// laid the windows Windows held after the layout, checked in case a
	// caller changed Windows since.
	windows   []time.Duration
	index     []int
	laid      []time.Duration
	target    float64
	budget    Budget
	budgetSet bool // budget is ErrorBudget(target)
}

// Evaluate reads the windows of the policy's rules from src and writes the
// state of an objective with target into e. It reuses e's slices, so an
// Evaluation kept between calls makes evaluation allocation-free.
func (p *Policy) Evaluate(src Source, target float64, e *Evaluation) {
	e.State, e.Rule = SeverityOK, -1
	if !e.laidFor(p) {
		e.layout(p)
	}
	if !e.budgetSet || e.target != target {
		e.target, e.budget, e.budgetSet = target, Budget(ErrorBudget(target)), true
	}
	budget := e.budget
	for i := range e.Windows {
		b := &e.Windows[i]
		b.Good, b.Bad = src.Sum(b.Window)
		b.Rate = budget.Rate(b.Good, b.Bad)
		b.NoData = !(events(b.Good)+events(b.Bad) > 0)
	}
	e.Rules = e.Rules[:0]
	for i, r := range p.Rules {
		rs := RuleState{Long: e.index[2*i], Short: e.index[2*i+1]}
		long := &e.Windows[rs.Long]
		rs.Burning = r.Burns(*long) && r.Burns(e.Windows[rs.Short])
		rs.Firing = rs.Burning && events(long.Good)+events(long.Bad) >= float64(p.MinEvents)*(1-tolerance)
		if rs.Firing && r.Severity > e.State {
			e.State, e.Rule = r.Severity, i
		}
		e.Rules = append(e.Rules, rs)
	}
}

// Holds reports whether the verdicts of evaluation a hold all the way to
// evaluation b: whether every evaluation whose windows each burn at a rate
// between a's and b's, over a number of events between a's and b's, makes
// a's verdicts (its rules' Burning and Firing, its State and Rule). It
// does when each comparison the policy makes (a window's burn rate against
// a rule's factor, a long window's events against MinEvents) came out the
// same in a and b, clear of its threshold by more than one part in 10^12,
// far beyond float64 rounding, and each window held events in both or in
// neither. It is false when either was not evaluated with p.
//
// Counts that are affine functions of time, as a steady flow of events
// makes them between two instants (see package window's Projection), burn
// at rates between their rates at the two instants: a search for the
// first instant at which a verdict changes need not evaluate between two
// instants over which they hold.
func (p *Policy) Holds(a, b *Evaluation) bool {
	if !a.laidFor(p) || !b.laidFor(p) || len(a.Rules) != len(p.Rules) || len(b.Rules) != len(p.Rules) {
		return false
	}
	guard := float64(p.MinEvents) * (1 - tolerance)
	for i, r := range p.Rules {
		threshold := r.Factor * (1 - tolerance)
		for _, w := range [2]int{a.index[2*i], a.index[2*i+1]} {
			x, y := a.Windows[w], b.Windows[w]
			if x.NoData != y.NoData || !x.NoData && (r.Burns(x) != r.Burns(y) || !apart(x.Rate, threshold) || !apart(y.Rate, threshold)) {
				return false
			}
		}
		if p.MinEvents == 0 {
			continue
		}
		x, y := a.Windows[a.index[2*i]], b.Windows[a.index[2*i]]
		nx, ny := events(x.Good)+events(x.Bad), events(y.Good)+events(y.Bad)
		if (nx >= guard) != (ny >= guard) || !apart(nx, guard) || !apart(ny, guard) {
			return false
		}
	}
	return true
}

// apart reports whether x is clear of threshold by more than one part in
// 10^12 of the larger, and both are far from the float64 limit, where
// counts are halved to stay finite.
func apart(x, threshold float64) bool {
	return math.Abs(x-threshold) > 1e-12*max(x, threshold) && x < 1e300 && threshold < 1e300
}

// laidFor reports whether e's windows are laid out for p's rules: the same
// windows in the same order, and Windows as the layout left it.
func (e *Evaluation) laidFor(p *Policy) bool {
	if len(e.windows) != 2*len(p.Rules) || len(e.Windows) != len(e.laid) {
		return false
	}
	for i, r := range p.Rules {
		if e.windows[2*i] != r.Long || e.windows[2*i+1] != r.Short {
			return false
		}
	}
	for i, d := range e.laid {
		if e.Windows[i].Window != d {
			return false
		}
	}
	return true
}

// layout lays out Windows for p's rules, ascending, and where each rule's
// windows are in it.
func (e *Evaluation) layout(p *Policy) {
	e.Windows = e.Windows[:0]
	e.windows = e.windows[:0]
	for _, r := range p.Rules {
		for _, d := range [2]time.Duration{r.Long, r.Short} {
			e.windows = append(e.windows, d)
			if i, found := burnIndex(e.Windows, d); !found {
				e.Windows = slices.Insert(e.Windows, i, Burn{Window: d})
			}
		}
	}
	e.index = e.index[:0]
	for _, d := range e.windows {
		i, _ := burnIndex(e.Windows, d)
		e.index = append(e.index, i)
	}
	e.laid = e.laid[:0]
	for _, b := range e.Windows {
		e.laid = append(e.laid, b.Window)
	}
}

// burnIndex finds the window of length d in the ascending list ws, or where
// it belongs.
func burnIndex(ws []Burn, d time.Duration) (int, bool) {
	return slices.BinarySearchFunc(ws, d, func(b Burn, d time.Duration) int { return cmp.Compare(b.Window, d) })
}

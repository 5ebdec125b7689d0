// Package burnrate holds the arithmetic of error budgets: burn rates, budget
// remaining, time to exhaustion, and multi-window, multi-burn-rate alert
// policies evaluated to one state per objective.
//
// The definitions follow the Google SRE Workbook, chapter "Alerting on SLOs":
// the error budget is 1 - target; the burn rate over a window is the error
// ratio in that window divided by the budget, so a burn rate of 1 spends
// exactly the budget over the period; a rule that should fire when a share x
// of the budget is spent within a long window w of a period P uses the factor
// x * P / w.
//
// Every function is pure: it takes counts of good and bad events (from any
// [Source]; float64, since a window of exact length counts a share of its
// oldest bucket) and returns numbers, never NaN or Inf. The package uses only the
// standard library and never reads the clock.
package burnrate

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ErrInvalid is wrapped by every error that reports an invalid target,
// rule or policy.
var ErrInvalid = errors.New("burnrate: invalid")

// Never is the time to exhaustion of a budget that is not burning.
const Never = time.Duration(math.MaxInt64)

// tolerance absorbs float rounding in threshold comparisons: 1 - 0.999 is
// 0.0010000000000000009 in float64, and a burn of exactly the factor must
// fire.
const tolerance = 1e-9

// ErrorBudget returns 1 - target as the decimal the target was written in:
// 0.001 for 0.999, where float arithmetic gives 0.0010000000000000009 (the
// float 0.999 is a hair below 0.999). Burn rates then come out as the round
// numbers they are: 1% errors at 99.9% burn at 10, not 9.999999999999991.
func ErrorBudget(target float64) float64 {
	// The shortest decimal that reads back as target is what was written.
	s := strconv.FormatFloat(target, 'f', -1, 64)
	if frac, ok := strings.CutPrefix(s, "0."); ok && len(frac) <= 18 {
		digits, err := strconv.ParseUint(frac, 10, 64)
		if err == nil {
			scale := uint64(1)
			for range frac {
				scale *= 10
			}
			// One rounding: both integers are exact in float64 up to 2^53.
			if scale <= 1<<53 {
				return float64(scale-digits) / float64(scale)
			}
		}
	}
	return 1 - target
}

// Rate returns the burn rate of good and bad events against target: the
// error ratio divided by the error budget (see [ErrorBudget]). It is 0 when
// there are no events. Counts are float64 because a window of exact length
// counts part of a bucket (see package window); a count that is negative
// or not a number counts as none, an infinite one as the largest float64.
func Rate(good, bad, target float64) float64 {
	return Budget(ErrorBudget(target)).Rate(good, bad)
}

// A Budget is a target's error budget, [ErrorBudget](target), kept as a
// value by code that computes many rates at one target: an evaluation at
// every tick, a projection at every step ahead. ErrorBudget formats the
// target to find its decimal, which costs more than the rate itself;
// Budget(ErrorBudget(target)).Rate(good, bad) is Rate(good, bad, target),
// to the bit.
type Budget float64

// Rate returns the burn rate of good and bad events against the budget, as
// [Rate] does against the target: the error ratio divided by the budget, 0
// when there are no events.
func (b Budget) Rate(good, bad float64) float64 { return rate(good, bad, float64(b)) }

// Remaining returns the share of the budget that good and bad events over
// a period leave, as [BudgetRemaining] does: 1 - b.Rate(good, bad).
func (b Budget) Remaining(good, bad float64) float64 { return 1 - b.Rate(good, bad) }

func rate(good, bad, budget float64) float64 {
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

// events returns n as a count: 0 when n is negative or not a number, the
// largest float64 when it is infinite, so that ratios stay finite.
func events(n float64) float64 {
	switch {
	case !(n > 0):
		return 0
	case n > math.MaxFloat64:
		return math.MaxFloat64
	}
	return n
}

// BudgetRemaining returns the share of the error budget that good and bad
// events over a period leave: 1 - error ratio / (1 - target). It is 1 when
// there are no events, 0 when the budget is exactly spent and negative when
// it is overspent (-0.5: half a budget too much).
func BudgetRemaining(good, bad, target float64) float64 {
	return Budget(ErrorBudget(target)).Remaining(good, bad)
}

// TimeToExhaustion returns how long the remaining share of a period's budget
// lasts at a burn rate: remaining * period / rate. It is 0 when nothing
// remains and [Never] when the rate is not positive.
func TimeToExhaustion(remaining, rate float64, period time.Duration) time.Duration {
	switch {
	case !(remaining > 0):
		return 0
	case !(rate > 0):
		return Never
	}
	d := remaining * float64(period) / rate
	if d >= float64(Never) || math.IsNaN(d) {
		return Never
	}
	return time.Duration(d)
}

// Factor returns the burn rate at which a share of a period's budget is spent
// within a long window: share * period / long. Factor(0.02, 30 days, 1h) is
// 14.4.
func Factor(share float64, period, long time.Duration) float64 {
	return share * float64(period) / float64(long)
}

// MaxRate returns the highest burn rate a target allows, reached when every
// event is bad: 1 / (1 - target). A rule with a higher factor never fires.
func MaxRate(target float64) float64 { return 1 / ErrorBudget(target) }

// ValidateTarget reports whether target is a usable objective: a finite
// fraction strictly between 0 and 1.
func ValidateTarget(target float64) error {
	switch {
	case math.IsNaN(target) || math.IsInf(target, 0):
		return fmt.Errorf("%w target: %v is not a number; write the target as a fraction such as 0.999", ErrInvalid, target)
	case target > 1 && target < 100:
		return fmt.Errorf("%w target: %v is not below 1; write %.12g for %v%%", ErrInvalid, target, target/100, target)
	case target >= 1:
		return fmt.Errorf("%w target: %v leaves no error budget; use a fraction below 1 such as 0.999", ErrInvalid, target)
	case target <= 0:
		return fmt.Errorf("%w target: %v is not above 0; use a fraction such as 0.999", ErrInvalid, target)
	}
	return nil
}

// FormatWindow writes a window the way alert rules name them: whole days,
// hours, minutes and seconds, largest first ("5m", "1h30m", "3d").
func FormatWindow(d time.Duration) string {
	if d <= 0 || d%time.Second != 0 {
		return d.String()
	}
	var b strings.Builder
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.d; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.name)
			d -= n * u.d
		}
	}
	return b.String()
}

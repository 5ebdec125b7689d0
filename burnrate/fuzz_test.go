package burnrate

import (
	"errors"
	"math"
	"testing"
	"time"
)

// constant is a Source whose every window holds the same counts.
type constant struct{ good, bad float64 }

func (c constant) Sum(time.Duration) (good, bad float64) { return c.good, c.bad }

// FuzzPolicy checks that validation never panics, that its errors wrap
// ErrInvalid, and that a policy it accepts evaluates to a valid state with
// finite, non-negative numbers whatever the counts.
func FuzzPolicy(f *testing.F) {
	h, m := int64(time.Hour), int64(time.Minute)
	f.Add(0.999, 720*h, h, 5*m, 14.4, uint8(2), uint64(1000), uint64(99000), uint64(1000))
	f.Add(99.9, 720*h, h, 5*m, 14.4, uint8(2), uint64(0), uint64(1), uint64(1))
	f.Add(0.9, 720*h, h, 5*m, 14.4, uint8(2), uint64(0), uint64(0), uint64(0))
	f.Add(0.9999999999999999, 24*h, 6*h, 30*m, 1e15, uint8(1), uint64(math.MaxUint64), uint64(math.MaxUint64), uint64(math.MaxUint64))
	f.Add(math.NaN(), -1*h, 0*h, -5*m, math.Inf(1), uint8(0), uint64(7), uint64(0), uint64(3))
	f.Add(1e-300, int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt64-1), 1.0, uint8(1), uint64(1), uint64(1<<63), uint64(1<<63))
	f.Fuzz(func(t *testing.T, target float64, period, long, short int64, factor float64, sev uint8, minEvents, good, bad uint64) {
		p := Policy{Rules: []Rule{
			{Long: time.Duration(long), Short: time.Duration(short), Factor: factor, Severity: Severity(sev)},
			{Long: time.Duration(long), Short: time.Duration(short) / 2, Factor: factor / 2, Severity: SeverityTicket},
		}, MinEvents: minEvents}
		_ = FormatWindow(time.Duration(long))
		_ = p.Rules[0].String()
		_ = MinEvents(target)
		if b := ErrorBudget(target); ValidateTarget(target) == nil && !(b > 0 && b <= 1) {
			t.Fatalf("ErrorBudget(%v) = %v for a valid target", target, b)
		}
		err := p.Validate(target, time.Duration(period))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate error %v does not wrap ErrInvalid", err)
			}
			return
		}
		var e Evaluation
		// A third of the counts stands for the share of a window's oldest
		// bucket, so fractional counts are fuzzed too.
		g, b := float64(good), float64(bad)/3
		p.Evaluate(constant{g, b}, target, &e)
		if e.State > SeverityPage || (e.State == SeverityOK) != (e.Rule == -1) {
			t.Fatalf("state %v by rule %d", e.State, e.Rule)
		}
		for _, w := range e.Windows {
			if math.IsNaN(w.Rate) || math.IsInf(w.Rate, 0) || w.Rate < 0 || w.NoData != (good == 0 && bad == 0) {
				t.Fatalf("window %v: %+v", w.Window, w)
			}
		}
		remaining := BudgetRemaining(g, b, target)
		if math.IsNaN(remaining) || math.IsInf(remaining, 0) || remaining > 1 {
			t.Fatalf("BudgetRemaining(%d, %d, %v) = %v", good, bad, target, remaining)
		}
		if d := TimeToExhaustion(remaining, e.Windows[0].Rate, time.Duration(period)); d < 0 {
			t.Fatalf("TimeToExhaustion = %v", d)
		}
	})
}

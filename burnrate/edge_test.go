package burnrate

import (
	"math"
	"testing"
	"time"
)

// edgeSource returns the same counts for every window.
type edgeSource struct{ good, bad uint64 }

func (s edgeSource) Sum(time.Duration) (good, bad uint64) { return s.good, s.bad }

// Counts whose sum passes 2^64 are computed in float64, never as a sum
// that wraps: 2^63 good and 2^63 bad is half bad, a burn of 500 at 99.9%.
func TestCountsAtTheEdgeOfUint64(t *testing.T) {
	const half = 1 << 63
	for _, tc := range []struct {
		good, bad  uint64
		rate, left float64
	}{
		{half, half, 500, -499},
		{math.MaxUint64, math.MaxUint64, 500, -499},
		{math.MaxUint64, 0, 0, 1},
		{0, math.MaxUint64, 1000, -999},
		{math.MaxUint64, 1, 1000 / float64(math.MaxUint64), 1},
	} {
		if got := Rate(tc.good, tc.bad, 0.999); got != tc.rate {
			t.Errorf("Rate(%d, %d, 0.999) = %v, want %v", tc.good, tc.bad, got, tc.rate)
		}
		if got := BudgetRemaining(tc.good, tc.bad, 0.999); got != tc.left {
			t.Errorf("BudgetRemaining(%d, %d, 0.999) = %v, want %v", tc.good, tc.bad, got, tc.left)
		}
	}
	p := DefaultPolicy(0.999, month)
	p.MinEvents = math.MaxUint64 // a wrapped sum of the long window must still pass the guard
	var e Evaluation
	p.Evaluate(edgeSource{half, half}, 0.999, &e)
	if e.State != SeverityPage || e.Rule != 0 {
		t.Errorf("state %v by rule %d, want page by rule 0", e.State, e.Rule)
	}
	for _, w := range e.Windows {
		if w.NoData || w.Rate != 500 {
			t.Errorf("window %v: NoData %v, rate %v; want false, 500", w.Window, w.NoData, w.Rate)
		}
	}
}

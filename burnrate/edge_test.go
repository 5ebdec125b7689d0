package burnrate

import (
	"math"
	"testing"
	"time"
)

// edgeSource returns the same counts for every window.
type edgeSource struct{ good, bad float64 }

func (s edgeSource) Sum(time.Duration) (good, bad float64) { return s.good, s.bad }

// Counts whose sum passes 2^64 are float64, never a sum that wraps: 2^63
// good and 2^63 bad (uint64 counts, as a series records them) is half bad,
// a burn of 500 at 99.9%.
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
		if got := Rate(float64(tc.good), float64(tc.bad), 0.999); got != tc.rate {
			t.Errorf("Rate(%d, %d, 0.999) = %v, want %v", tc.good, tc.bad, got, tc.rate)
		}
		if got := BudgetRemaining(float64(tc.good), float64(tc.bad), 0.999); got != tc.left {
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

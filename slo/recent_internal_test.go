package slo

import (
	"math"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
)

// A burn's code keeps its error ratio to 1 part in 2048 over the whole
// range a ratio can take, keeps the order of rates, and tells no data, no
// bad event and every event bad apart exactly.
func TestBurnCode(t *testing.T) {
	for _, budget := range []float64{0.5, 0.001, 1e-5, 1e-12} {
		burn := func(rate float64) burnrate.Burn { return burnrate.Burn{Window: time.Hour, Rate: rate} }
		for _, tc := range []struct {
			b    burnrate.Burn
			want burnrate.Burn
		}{
			{burnrate.Burn{Window: time.Hour, NoData: true}, burnrate.Burn{Window: time.Hour, NoData: true}},
			{burn(0), burn(0)},
			{burn(1 / budget), burn(significant3(1 / budget))}, // every event bad
		} {
			if got := burnOf(burnCode(tc.b, budget), time.Hour, budget); got != tc.want {
				t.Errorf("budget %v: %+v reads back as %+v, want %+v", budget, tc.b, got, tc.want)
			}
		}
		var prev uint16
		// Error ratios from 1e-18 to 1, 200 a decade.
		for i := -18 * 200; i <= 0; i++ {
			ratio := math.Pow(10, float64(i)/200)
			c := burnCode(burn(ratio/budget), budget)
			if c < prev || c < codeFirst || c > codeOne {
				t.Fatalf("budget %v, ratio %g: code %d after %d; want ascending codes from %d to %d", budget, ratio, c, prev, codeFirst, codeOne)
			}
			prev = c
			back := math.Float64frombits(uint64(c)<<codeShift + codeExpBias)
			if rel := math.Abs(back-ratio) / ratio; rel > 1.0/2048 {
				t.Fatalf("budget %v: ratio %g codes to %g, %.2g off; want within 1 part in 2048", budget, ratio, back, rel)
			}
			if got := burnOf(c, time.Hour, budget).Rate; got != significant3(back/budget) {
				t.Fatalf("budget %v: rate %g reads back as %v, want %v", budget, ratio/budget, got, significant3(back/budget))
			}
		}
	}
	// Below one bad event in 2^63, a burn reads as none.
	if c := burnCode(burnrate.Burn{Rate: 1e-20 / 0.001}, 0.001); c != codeZero {
		t.Errorf("a ratio of 1e-20 codes as %d, want %d (zero)", c, codeZero)
	}
}

func TestSignificant3(t *testing.T) {
	for _, tc := range []struct{ x, want float64 }{
		{14.40625, 14.4}, {0.0144004, 0.0144}, {99.96, 100}, {123456, 123000}, {1e-9 * 4.567, 4.57e-9}, {0, 0}, {1, 1},
		{math.Inf(1), math.Inf(1)},
	} {
		if got := significant3(tc.x); got != tc.want {
			t.Errorf("significant3(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}
}

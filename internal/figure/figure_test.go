package figure

import (
	"math"
	"testing"
)

// Tidy removes the noise float arithmetic leaves, and nothing else.
func TestTidy(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{
		// What 1 - 0.54, 0.0144 / 0.001 and 0.1 + 0.2 give at run time
		// (constant expressions would be folded exactly).
		{0.45999999999999996, 0.46},
		{14.399999999999999, 14.4},
		{0.30000000000000004, 0.3},
		{0.123456789012345, 0.123456789012},        // past 12 digits
		{-91.543212345678, -91.5432123457},         // negative: rounded away from zero, as 78 in the 13th and 14th digits asks
		{1234567890123456789, 1234567890123456789}, // a whole count is exact, however long
		{52.6, 52.6},
		{0, 0},
		{1e-300 / 3, 3.33333333333e-301},
	} {
		if got := Tidy(tc.in); got != tc.want {
			t.Errorf("Tidy(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := Tidy(x); !(got == x || math.IsNaN(x) && math.IsNaN(got)) {
			t.Errorf("Tidy(%v) = %v, want it kept for the writer's null", x, got)
		}
	}
}

package slobacktest

import "testing"

// A budget of events is written to the nearest event: the example's three
// days of checkout at 99.9% allow 216024.995786 bad events a period at
// their mean rate, which a reader takes as 216025.
func TestWholeEvents(t *testing.T) {
	for n, want := range map[float64]string{216024.995786: "216025", 43200: "43200", 0.4: "0", 1e12 + 0.5: "1000000000001"} {
		if got := wholeEvents(n); got != want {
			t.Errorf("wholeEvents(%v) = %q, want %q", n, got, want)
		}
	}
}

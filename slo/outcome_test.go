package slo

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPutUntimed(t *testing.T) {
	reg := manual(t, []Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
	})
	j := journeyOf(reg, "checkout")
	j.Put(Untimed, 0)
	j.Put(Untimed, 0)
	j.Record(true)
	reg.Advance(t0.Add(time.Minute))
	type counts struct{ Good, Bad uint64 }
	var got []counts
	for _, st := range j.Status() {
		got = append(got, counts{st.TotalGood, st.TotalBad})
	}
	// Availability counts all three; latency counts only the bad one.
	want := []counts{{2, 1}, {0, 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("totals after 2 good and 1 bad untimed events (-want +got):\n%s", diff)
	}

	journeyOf(reg, "nope").Record(true)
	if g, b := reg.Unmatched(); g != 0 || b != 1 {
		t.Errorf("Unmatched() = %d, %d after one bad untimed event; want 0, 1", g, b)
	}
}

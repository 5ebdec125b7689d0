package slo_test

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

// An objective of minutes: 99% of the minutes of the week must be good,
// a minute being good when 95% of its requests are. A burst of 30 bad
// requests in one busy minute costs one minute; a quiet minute with no
// request costs nothing and counts for nothing.
func ExampleSlices() {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	mock := clock.NewMock()
	mock.Set(start)
	reg, err := slo.New([]slo.Objective{{
		Journey: "checkout", Target: 0.99, Period: 7 * 24 * time.Hour,
		Slices: &slo.Slices{Method: slo.Timeslices, Window: time.Minute, Target: 0.95},
	}}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	checkout, _ := reg.Journey("checkout") // declared above

	for minute := range 200 {
		switch {
		case minute == 100:
			checkout.Add(970, 30) // a burst: 3% bad, still a good minute
		case minute == 150:
			checkout.Add(50, 50) // half the requests fail
		case minute%10 == 9:
			// a quiet minute
		default:
			checkout.Add(60, 1)
		}
		if err := reg.Advance(start.Add(time.Duration(minute+1) * time.Minute)); err != nil {
			panic(err)
		}
	}
	st := checkout.Status()[0]
	bad, all, _ := st.SliceCounts()
	fmt.Printf("%d of %d %s bad, SLI %.4f, budget left %.1f%%\n", bad, all, st.Unit(), st.SLI, 100*st.BudgetRemaining)
	// Output:
	// 1 of 180 slices bad, SLI 0.9944, budget left 44.4%
}

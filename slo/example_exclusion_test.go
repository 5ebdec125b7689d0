package slo_test

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

// A weekly maintenance window, Sundays at 03:00 in Paris for an hour:
// the events of checkout during it count neither good nor bad.
func ExampleWithExclusions() {
	paris, _ := time.LoadLocation("Europe/Paris")
	// The night the clocks spring forward: 01:30 CET, then 45 minutes
	// later 03:15 CEST, inside the window, then 04:15 CEST.
	start := time.Date(2026, 3, 29, 1, 30, 0, 0, paris)
	mock := clock.NewMock()
	mock.Set(start)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithClock(mock), slo.WithManualAdvance(),
		slo.WithExclusions(slo.Exclusion{
			Reason:   "database vacuum",
			Start:    time.Date(2026, 3, 22, 3, 0, 0, 0, paris),
			Duration: time.Hour,
			Rule:     "FREQ=WEEKLY;BYDAY=SU",
		}))
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	checkout, _ := reg.Journey("checkout")

	for _, step := range []time.Duration{0, 45 * time.Minute, time.Hour} {
		mock.Add(step)
		reg.Advance(mock.Now())
		checkout.Add(100, 2)
	}
	mock.Add(time.Minute)
	reg.Advance(mock.Now())

	st := reg.Status()[0]
	fmt.Printf("good %d, bad %d, excluded %d\n", st.TotalGood, st.TotalBad, checkout.Excluded())
	for _, s := range reg.ExclusionLog() {
		fmt.Printf("%s: %s to %s, removed %d\n", s.Reason, s.Start.Format("Jan 2 15:04 MST"), s.End.Format("15:04 MST"), s.Total())
	}
	// Output:
	// good 200, bad 4, excluded 102
	// database vacuum: Mar 29 03:00 CEST to 04:00 CEST, removed 102
}

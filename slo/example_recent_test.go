package slo_test

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

// The recent history shows an incident start and stop: a minute of 10%
// errors, which is 2% of the 5m window, burns at 20 (above page-1h-5m's
// 14.4) for the five minutes it stays in that window.
func ExampleTracker_Recent() {
	mock := clock.NewMock()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	mock.Set(start)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
		slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	checkout, _ := reg.Journey("checkout") // declared above
	for now := start; now.Before(start.Add(15 * time.Minute)); {
		bad := uint64(0)
		if now.Sub(start) >= 5*time.Minute && now.Sub(start) < 6*time.Minute {
			bad = 5 // of 50: 10%
		}
		checkout.Add(50-bad, bad)
		now = now.Add(3 * time.Second)
		reg.Advance(now)
	}
	availability, _ := reg.Tracker("checkout", "availability") // declared above
	points := availability.Recent()
	for _, p := range points[4:12] {
		w := p.Windows[0] // the shortest, 5m
		fmt.Printf("%s %v burn %4.1f\n", p.Time.Format("15:04"), w.Window, w.Rate)
	}
	// Output:
	// 09:04 5m0s burn  0.0
	// 09:05 5m0s burn  0.0
	// 09:06 5m0s burn 20.0
	// 09:07 5m0s burn 20.0
	// 09:08 5m0s burn 20.0
	// 09:09 5m0s burn 20.0
	// 09:10 5m0s burn 20.0
	// 09:11 5m0s burn  0.0
}

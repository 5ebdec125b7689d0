package slo_test

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

// A process a second old has served 9 good requests and 1 bad one: by
// arithmetic its 99.9% budget is overspent 99 times, but 10 events cannot
// afford a single error, so the status claims nothing and says why. At
// 20,000 events its data still covers 2 seconds of a 30-day period, too
// little of it for a claim on the month's budget; once it covers 3 days
// (a tenth), it claims.
func ExampleStatus_Evidence() {
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
		slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	checkout, _ := reg.Journey("checkout") // declared above

	report := func() {
		st := checkout.Status()[0]
		if !st.Budget.Claims() {
			fmt.Printf("budget: %s (arithmetic %.0f%%)\n", st.Evidence(), 100*st.BudgetRemaining)
			return
		}
		fmt.Printf("budget: %v, %.0f%% remaining\n", st.Budget, 100*st.BudgetRemaining)
	}
	checkout.Add(9, 1)
	mock.Add(time.Second)
	reg.Advance(mock.Now())
	report()

	checkout.Add(19990, 0)
	mock.Add(time.Second)
	reg.Advance(mock.Now())
	report()

	mock.Add(3 * 24 * time.Hour)
	reg.Advance(mock.Now())
	report()
	// Output:
	// budget: not enough events: 10 of 1000 (arithmetic -9900%)
	// budget: young data: 2s of 30d (arithmetic 95%)
	// budget: left, 95% remaining
}

package slo_test

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

// A team that reports monthly, in Paris: the budget counts from midnight on
// the first of the month in Paris and resets at the next, whatever the
// month's length or its change of clocks; the burn-rate alerts keep their
// rolling windows.
func ExampleCalendar() {
	month, err := slo.ParseCalendar(slo.CalendarMonth, "2026-01-01 00:00:00", "Europe/Paris")
	if err != nil {
		panic(err)
	}
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 11, 30, 21, 0, 0, 0, time.UTC)) // 22:00 in Paris
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999, Calendar: &month}},
		slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	checkout, _ := reg.Journey("checkout")
	report := func() {
		st := checkout.Status()[0]
		fmt.Printf("%s: %d good, %d bad, budget %.0f%% left, resets %s\n",
			month.Label(st.PeriodStart), st.Good, st.Bad, 100*st.BudgetRemaining, st.PeriodEnd.In(month.Start.Location()).Format("Jan 2 15:04 MST"))
	}

	checkout.Add(9990, 5)
	mock.Add(time.Hour) // 23:00 in Paris
	reg.Advance(mock.Now())
	report()

	checkout.Add(3000, 1)
	mock.Add(time.Hour) // past midnight in Paris: December
	reg.Advance(mock.Now())
	checkout.Add(4000, 1)
	mock.Add(time.Hour)
	reg.Advance(mock.Now())
	report()
	// Output:
	// November 2026: 9990 good, 5 bad, budget 50% left, resets Dec 1 00:00 CET
	// December 2026: 4000 good, 1 bad, budget 75% left, resets Jan 1 00:00 CET
}

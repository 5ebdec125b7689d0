package rrule_test

import (
	"fmt"
	"time"

	"github.com/journeyslo/journeyslo/internal/rrule"
)

// A maintenance window every Sunday at 02:30 in Paris: on the Sunday the
// clocks spring forward, 02:30 does not exist and the window opens at
// 03:30 instead.
func ExampleRule_Between() {
	r, err := rrule.Parse("DTSTART;TZID=Europe/Paris:20260322T023000\nRRULE:FREQ=WEEKLY;BYDAY=SU;COUNT=3")
	if err != nil {
		panic(err)
	}
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	got, _ := r.Between(from, from.AddDate(0, 2, 0))
	for _, t := range got {
		fmt.Println(t.Format("Mon Jan 2 15:04 MST"))
	}
	// Output:
	// Sun Mar 22 02:30 CET
	// Sun Mar 29 03:30 CEST
	// Sun Apr 5 02:30 CEST
}

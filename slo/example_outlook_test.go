package slo_test

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// Checkout has served 1000 requests a minute for seven hours when
// everything fails for 12 minutes. Once it recovers, the outlook says when
// each rule will have cleared if every request succeeds from now on: the
// page holds until the 30m window of page-6h-30m no longer holds the
// outage, not five minutes after it.
func ExampleTracker_Outlook() {
	mock := clock.NewMock()
	start := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	mock.Set(start)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
		slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	checkout, _ := reg.Journey("checkout") // declared above

	now := start
	traffic := func(d time.Duration, good, bad uint64) { // 50 events a 3 s tick
		for end := now.Add(d); now.Before(end); {
			checkout.Add(good, bad)
			now = now.Add(3 * time.Second)
			reg.Advance(now)
		}
	}
	traffic(7*time.Hour, 50, 0)
	traffic(12*time.Minute, 0, 50)

	availability, _ := reg.Tracker("checkout", "availability") // declared above
	o := availability.Outlook(0)
	fmt.Printf("%s, %.0f requests a minute\n", o.Time.Format("15:04:05"), 60*o.Rate)
	for _, r := range o.Rules {
		fmt.Printf("%s clears at %s (in %v), when its %s window no longer holds the outage\n",
			r.Name, r.Clears.Format("15:04:05"), r.Clears.Sub(o.Time), burnrate.FormatWindow(r.Window))
	}
	fmt.Printf("the page resets at %s, the state is ok at %s, the budget is back in %s\n",
		o.PageReset.Format("15:04:05"), o.Reset.Format("15:04:05"), burnrate.FormatWindow(o.BudgetBack.Sub(o.Time)))
	// Output:
	// 09:12:00, 1000 requests a minute
	// page-1h-5m clears at 09:16:57 (in 4m57s), when its 5m window no longer holds the outage
	// page-6h-30m clears at 09:41:51 (in 29m51s), when its 30m window no longer holds the outage
	// ticket-1d-2h clears at 11:11:39 (in 1h59m39s), when its 2h window no longer holds the outage
	// ticket-3d-6h clears at 15:11:39 (in 5h59m39s), when its 6h window no longer holds the outage
	// the page resets at 09:41:51, the state is ok at 15:11:39, the budget is back in 8d48m3s
}

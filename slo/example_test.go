package slo_test

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

// A two-minute outage of checkout after three quiet days, replayed on a
// mock clock: the page comes within a minute and resets five minutes after
// recovery.
func Example() {
	mock := clock.NewMock()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	mock.Set(start)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
		slo.WithClock(mock), slo.WithManualAdvance(),
		slo.OnTransition(func(t slo.Transition) {
			fmt.Printf("%s %s %v -> %v", t.Status.Time.Format("15:04:05"),
				slo.ObjectiveKey(t.Status.Journey, t.Status.Objective), t.From, t.To)
			if t.Status.Rule != "" {
				fmt.Printf(" by %s", t.Status.Rule)
			}
			fmt.Println()
		}))
	if err != nil {
		panic(err)
	}
	defer reg.Close()

	checkout, _ := reg.Journey("checkout") // declared above
	now := start
	// traffic replays d of requests, 50 a second, a given share failing.
	traffic := func(d, step time.Duration, failing float64) {
		n := uint64(50 * step / time.Second)
		bad := uint64(failing * float64(n))
		for end := now.Add(d); now.Before(end); now = now.Add(step) {
			reg.Advance(now)
			checkout.Add(n-bad, bad)
		}
	}
	traffic(72*time.Hour, time.Minute, 0)   // three quiet days
	traffic(2*time.Minute, time.Second, 1)  // everything fails
	traffic(10*time.Minute, time.Second, 0) // recovered

	st := checkout.Status()[0]
	fmt.Printf("SLI %.5f, state %v, 1h burn %.1f\n", st.SLI, st.State, st.Rules[0].LongRate)
	// Output:
	// 09:00:52 checkout:availability ok -> page by page-1h-5m
	// 09:06:57 checkout:availability page -> ok
	// SLI 0.99954, state ok, 1h burn 33.3
}

// Code reads the budget to decide, for example, whether to shed optional
// work.
func ExampleJourney_Status() {
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	reg, err := slo.New([]slo.Objective{
		{Journey: "search", Target: 0.99},
		{Journey: "search", Target: 0.95, Latency: 300 * time.Millisecond},
	}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()

	search, _ := reg.Journey("search") // declared above
	for i := 0; i < 1000; i++ {
		latency := 100 * time.Millisecond
		if i%25 == 0 {
			latency = 800 * time.Millisecond // 4% are slow
		}
		search.Observe(latency, i%200 == 1) // 0.5% fail, none of them slow
	}
	reg.Advance(mock.Now().Add(time.Second))
	for _, st := range search.Status() {
		fmt.Printf("%s: SLI %.3f, budget remaining %.0f%%\n", st.Objective, st.SLI, st.BudgetRemaining*100)
	}
	// Output:
	// availability: SLI 0.995, budget remaining 50%
	// latency: SLI 0.955, budget remaining 10%
}

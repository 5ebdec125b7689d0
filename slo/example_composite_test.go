package slo_test

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

// The shop as a whole, made of its journeys: a checkout counts twice, a
// search half. The shop has its own target and pages on its own, from its
// components' events.
func ExampleComposite() {
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	reg, err := slo.New([]slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "search", Target: 0.99},
		{Journey: "shop", Target: 0.99, Composite: &slo.Composite{Components: []slo.Component{
			{Journey: "checkout", Weight: 2},
			{Journey: "search", Weight: 0.5},
		}}},
	}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	checkout, _ := reg.Journey("checkout")
	search, _ := reg.Journey("search")
	checkout.Add(1000, 0)
	search.Add(1000, 40)
	mock.Add(time.Minute)
	reg.Advance(mock.Now())

	for _, st := range reg.Status() {
		fmt.Printf("%s: %d good, %d bad, SLI %.4f, budget %.0f%% left\n",
			slo.ObjectiveKey(st.Journey, st.Objective), st.Good, st.Bad, st.SLI, 100*st.BudgetRemaining)
	}
	// Output:
	// checkout:availability: 1000 good, 0 bad, SLI 1.0000, budget 100% left
	// search:availability: 1000 good, 40 bad, SLI 0.9615, budget -285% left
	// shop:availability: 2500 good, 20 bad, SLI 0.9921, budget 21% left
}

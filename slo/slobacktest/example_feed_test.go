package slobacktest_test

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// A scenario fed into a registry as it advances: a day of search traffic,
// 2% of it slow, with an index rebuild that makes 80% of searches slow for
// an hour. The latency objective counts the slow ones bad.
func ExampleScenario_Feed() {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	mock := clock.NewMock()
	mock.Set(start)
	reg, err := slo.New([]slo.Objective{{Journey: "search", Target: 0.95, Latency: 300 * time.Millisecond}},
		slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	search, _ := reg.Journey("search") // declared above
	sc := slobacktest.Scenario{Journey: "search", Start: start, Length: 24 * time.Hour, Rate: 10,
		Slow: 0.02, SlowLatency: 800 * time.Millisecond,
		Incidents: []slobacktest.Incident{{Start: start.Add(12 * time.Hour), Duration: time.Hour, Slow: 0.8}}}
	feed, err := sc.Feed(search)
	if err != nil {
		panic(err)
	}
	for at := start; !at.After(sc.End()); at = at.Add(time.Minute) {
		feed.To(at) // the minute's searches, counted at this advance
		reg.Advance(at)
	}
	st := reg.Status()[0]
	fmt.Printf("%d searches, %d slow: SLI %.4f\n", st.TotalGood+st.TotalBad, st.TotalBad, st.SLI)
	// Output:
	// 864000 searches, 45360 slow: SLI 0.9475
}

package situation

import (
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

// Maintenance returns a registry of checkout (99.9%) and search (99%)
// whose search journey was under a planned exclusion ("index rebuild") for
// one of the three minutes that each journey took 10 good and 1 bad
// events a minute (search twice as many): the exporters' tests read 30
// good and 3 bad for checkout, 40 good and 4 bad for search, and 22 events
// excluded from search.
func Maintenance(tb testing.TB) *slo.Registry {
	tb.Helper()
	at := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	mock := clock.NewMock()
	mock.Set(at)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}, {Journey: "search", Target: 0.99}},
		slo.WithClock(mock), slo.WithManualAdvance(),
		slo.WithExclusions(slo.Exclusion{Reason: "index rebuild", Start: at.Add(time.Minute), Duration: time.Minute, Journeys: []string{"search"}}))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { reg.Close() })
	checkout, _ := reg.Journey("checkout")
	search, _ := reg.Journey("search")
	for _, step := range []time.Duration{0, time.Minute, time.Minute} { // before, during, after
		mock.Add(step)
		reg.Advance(mock.Now())
		checkout.Add(10, 1)
		search.Add(20, 2)
	}
	mock.Add(time.Second)
	reg.Advance(mock.Now())
	return reg
}

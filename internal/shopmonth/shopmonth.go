// Package shopmonth replays the month of a shop that the tests of slo and
// slo/slostatus share: slo's checks the states it ends in, slostatus's draws
// them on the status page and in its screenshots. Its traffic is the
// library's one generator, slobacktest's scenarios: the same counts, to the
// event, on every run.
package shopmonth

import (
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// End is the end of the replayed month: the status page's "now".
var End = time.Date(2026, 3, 31, 14, 30, 0, 0, time.UTC)

// From is when the replay starts: the 31 days before End.
var From = End.Add(-31 * 24 * time.Hour)

// Objectives returns a shop's objectives: two for checkout, one for login,
// two for search, and one for refunds, which see no traffic.
func Objectives() []slo.Objective {
	return []slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
		{Journey: "login", Target: 0.995},
		{Journey: "search", Target: 0.995},
		{Journey: "search", Target: 0.95, Latency: 300 * time.Millisecond},
		{Journey: "refund", Target: 0.999},
	}
}

// Scenarios returns the month's traffic, one scenario a journey: requests a
// second at the daily mean, busiest at noon, and the shares that fail and
// that are slow (800 ms) on a normal day. Its incidents end in the state
// the page shows at End:
//   - checkout: its payment provider fails 80% of checkouts for 15 minutes
//     on March 10, and 20% of them in the last 8 minutes: paging;
//   - login: a release fails 2% of logins for the last 30 hours: a ticket;
//   - search: a bad index fails 45% of searches for 6 hours on March 23,
//     which spends its whole budget; ok since.
func Scenarios() []slobacktest.Scenario {
	scenario := func(journey string, rate, failing, slow float64, incidents ...slobacktest.Incident) slobacktest.Scenario {
		for i := range incidents {
			incidents[i].Slow = slow // an outage fails requests; it does not slow the others
		}
		return slobacktest.Scenario{Journey: journey, Start: From, Length: End.Sub(From), Rate: rate, Diurnal: 0.5,
			ErrorRatio: failing, Slow: slow, SlowLatency: 800 * time.Millisecond, Incidents: incidents}
	}
	spell := func(from, to time.Time, failing float64) slobacktest.Incident {
		return slobacktest.Incident{Start: from, Duration: to.Sub(from), ErrorRatio: failing}
	}
	return []slobacktest.Scenario{
		scenario("checkout", 20, 0.0002, 0.004,
			spell(time.Date(2026, 3, 10, 2, 15, 0, 0, time.UTC), time.Date(2026, 3, 10, 2, 30, 0, 0, time.UTC), 0.8),
			spell(End.Add(-8*time.Minute), End, 0.2)),
		scenario("login", 10, 0.001, 0,
			spell(End.Add(-30*time.Hour), End, 0.02)),
		scenario("search", 50, 0.0005, 0.02,
			spell(time.Date(2026, 3, 23, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 23, 15, 0, 0, 0, time.UTC), 0.45)),
	}
}

// New returns a registry of Objectives, advanced by hand on a mock clock,
// that has lived through the month: in 15-minute steps and then, for the
// last 3 days (the longest alert window), in 1-minute steps, up to End,
// where it leaves the registry and the clock.
func New(tb testing.TB) *fixture.Manual {
	tb.Helper()
	f := fixture.NewAt(tb, From, Objectives()...)
	var feeds []*slobacktest.Feed
	for _, sc := range Scenarios() {
		feed, err := sc.Feed(fixture.Journey(f.Reg, sc.Journey))
		if err != nil {
			tb.Fatal(err)
		}
		feeds = append(feeds, feed)
	}
	step := 15 * time.Minute
	for now := From; now.Before(End); now = now.Add(step) {
		if End.Sub(now) <= 72*time.Hour {
			step = time.Minute
		}
		f.Reg.Advance(now)
		for _, feed := range feeds {
			feed.To(now.Add(step))
		}
	}
	f.Reg.Advance(End)
	f.Mock.Set(End)
	return f
}

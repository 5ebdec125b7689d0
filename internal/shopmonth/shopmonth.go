// Package shopmonth replays the month of a shop that the tests of slo and
// slo/slostatus share: slo's checks the states it ends in, slostatus's draws
// them on the status page and in its screenshots. It is deterministic: the
// same counts, to the event, on every run.
package shopmonth

import (
	"math"
	"time"

	"github.com/journeyslo/journeyslo/internal/fixture"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
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

// A flow is a journey's traffic: requests a second at the daily mean, and
// the shares that fail and that are slow on a normal day.
type flow struct {
	journey       string
	perSecond     float64
	failing, slow float64
	// carries hold the fractions of events not yet recorded, so that
	// small shares add up exactly without randomness.
	badCarry, slowCarry, allCarry float64
}

// An outage raises a journey's failing share over [from, to).
type outage struct {
	journey  string
	from, to time.Time
	failing  float64
}

// outages end in the state the page shows at End:
//   - checkout: its payment provider fails 80% of checkouts for 15 minutes
//     on March 10, and 20% of them in the last 8 minutes: paging;
//   - login: a release fails 2% of logins for the last 30 hours: a ticket;
//   - search: a bad index fails 45% of searches for 6 hours on March 23,
//     which spends its whole budget; ok since.
var outages = []outage{
	{"checkout", time.Date(2026, 3, 10, 2, 15, 0, 0, time.UTC), time.Date(2026, 3, 10, 2, 30, 0, 0, time.UTC), 0.8},
	{"checkout", End.Add(-8 * time.Minute), End, 0.2},
	{"login", End.Add(-30 * time.Hour), End, 0.02},
	{"search", time.Date(2026, 3, 23, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 23, 15, 0, 0, 0, time.UTC), 0.45},
}

// Replay drives reg, built over Objectives at From with manual advance on
// mock, through the month: in 15-minute steps and then, for the last 3
// days (the longest alert window), in 1-minute steps, up to End, where it
// leaves the registry and the clock.
func Replay(reg *slo.Registry, mock *clock.Mock) {
	flows := []*flow{
		{journey: "checkout", perSecond: 20, failing: 0.0002, slow: 0.004},
		{journey: "login", perSecond: 10, failing: 0.001},
		{journey: "search", perSecond: 50, failing: 0.0005, slow: 0.02},
	}
	step := 15 * time.Minute
	for now := From; now.Before(End); now = now.Add(step) {
		if End.Sub(now) <= 72*time.Hour {
			step = time.Minute
		}
		reg.Advance(now)
		for _, fl := range flows {
			fl.record(fixture.Journey(reg, fl.journey), now, step)
		}
	}
	reg.Advance(End)
	mock.Set(End)
}

// record adds one step of the flow's traffic at now: busiest at 16:00,
// quietest at 04:00.
func (fl *flow) record(j *slo.Journey, now time.Time, step time.Duration) {
	failing := fl.failing
	for _, o := range outages {
		if o.journey == fl.journey && !now.Before(o.from) && now.Before(o.to) {
			failing = o.failing
		}
	}
	h := float64(now.Hour()) + float64(now.Minute())/60
	n := take(&fl.allCarry, fl.perSecond*step.Seconds()*(1+0.5*math.Sin(2*math.Pi*(h-10)/24)))
	bad := take(&fl.badCarry, float64(n)*failing)
	slow := take(&fl.slowCarry, float64(n-bad)*fl.slow)
	for range slow {
		j.Observe(800*time.Millisecond, false)
	}
	j.Add(n-bad-slow, bad)
}

// take returns the whole part of x plus what carry held, keeping the rest.
func take(carry *float64, x float64) uint64 {
	*carry += x
	n := math.Floor(*carry)
	*carry -= n
	return uint64(n)
}

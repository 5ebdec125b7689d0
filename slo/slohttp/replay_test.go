package slohttp_test

import (
	"math"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/slo"
)

// The month that the status page shows in its tests and screenshots: the
// same replay as slo's own TestReplayMonth, which checks its states.

// monthEnd is the end of the replayed month: the status page's "now".
var monthEnd = time.Date(2026, 3, 31, 14, 30, 0, 0, time.UTC)

// monthObjectives are a shop's: two objectives for checkout, one for
// login, two for search, and one for refunds, which see no traffic.
var monthObjectives = []slo.Objective{
	{Journey: "checkout", Target: 0.999},
	{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
	{Journey: "login", Target: 0.995},
	{Journey: "search", Target: 0.995},
	{Journey: "search", Target: 0.95, Latency: 300 * time.Millisecond},
	{Journey: "refund", Target: 0.999},
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

// monthOutages end in the state the page shows at monthEnd:
//   - checkout: its payment provider fails 80% of checkouts for 15 minutes
//     on March 10, and 20% of them in the last 8 minutes: paging;
//   - login: a release fails 2% of logins for the last 30 hours: a ticket;
//   - search: a bad index fails 45% of searches for 6 hours on March 23,
//     which spends its whole budget; ok since.
var monthOutages = []outage{
	{"checkout", time.Date(2026, 3, 10, 2, 15, 0, 0, time.UTC), time.Date(2026, 3, 10, 2, 30, 0, 0, time.UTC), 0.8},
	{"checkout", monthEnd.Add(-8 * time.Minute), monthEnd, 0.2},
	{"login", monthEnd.Add(-30 * time.Hour), monthEnd, 0.02},
	{"search", time.Date(2026, 3, 23, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 23, 15, 0, 0, 0, time.UTC), 0.45},
}

// replayMonth returns a registry that has lived through the 31 days before
// monthEnd, in 15-minute steps and then, for the last 3 days (the longest
// alert window), in 1-minute steps. It is deterministic: the same counts,
// to the event, on every run.
func replayMonth(t testing.TB) *fixture {
	t.Helper()
	from := monthEnd.Add(-31 * 24 * time.Hour)
	f := newFixtureAt(t, from, monthObjectives...)
	flows := []*flow{
		{journey: "checkout", perSecond: 20, failing: 0.0002, slow: 0.004},
		{journey: "login", perSecond: 10, failing: 0.001},
		{journey: "search", perSecond: 50, failing: 0.0005, slow: 0.02},
	}
	step := 15 * time.Minute
	for now := from; now.Before(monthEnd); now = now.Add(step) {
		if monthEnd.Sub(now) <= 72*time.Hour {
			step = time.Minute
		}
		f.reg.Advance(now)
		for _, fl := range flows {
			fl.record(f.reg.Journey(fl.journey), now, step)
		}
	}
	f.reg.Advance(monthEnd)
	f.mock.Set(monthEnd)
	return f
}

// record adds one step of the flow's traffic at now: busiest at 16:00,
// quietest at 04:00.
func (fl *flow) record(j *slo.Journey, now time.Time, step time.Duration) {
	failing := fl.failing
	for _, o := range monthOutages {
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

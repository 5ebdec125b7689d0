//go:build go1.25

package slotest_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slotest"
)

// A service's tests can also leave the registry as production runs it: the
// real clock and its own rotator, inside a testing/synctest bubble (Go
// 1.25), where time.Sleep moves a fake clock once every goroutine waits.
// Here a day of good traffic and then a full outage page after the
// Workbook's 52 seconds, as on the mock clock with a Driver in
// TestRunUntilWorkbookDetectionTimes; a day of fake time takes a fraction
// of a second.
func TestSynctestDrivesTheRealRotator(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		transitions := make(chan slo.Transition, 8)
		// No WithClock: the real clock, which the bubble fakes, and the
		// registry's own rotator ticking every 3 seconds.
		reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
			slo.OnTransition(func(tr slo.Transition) { transitions <- tr }))
		if err != nil {
			t.Fatal(err)
		}
		defer reg.Close()
		checkout := fixture.Journey(reg, "checkout")

		// Events land half-way between ticks, so which of a tick and a
		// request comes first at an instant never matters.
		time.Sleep(500 * time.Millisecond)
		second := func(good, bad uint64) {
			checkout.Add(good, bad)
			time.Sleep(time.Second)
		}
		// A day of 10 good requests a second, so that the slower rules
		// have history enough not to fire first: 22 hours of them a
		// minute at a time, then two hours and two seconds one second at
		// a time, so that the hour the page reads is even. The outage then
		// starts 52 s before a tick, where the rotator evaluates.
		for range 22 * 60 {
			checkout.Add(600, 0)
			time.Sleep(time.Minute)
		}
		for range 2*3600 + 2 {
			second(10, 0)
		}
		outage := time.Now().Add(-500 * time.Millisecond)
		for range 60 {
			second(0, 10)
		}
		synctest.Wait() // the rotator has evaluated the last tick
		close(transitions)

		var got []string
		for tr := range transitions {
			got = append(got, tr.To.String()+" after "+tr.Status.Time.Sub(outage).String()+" by "+tr.Status.Rule)
		}
		// 520 bad in the hour's 36000 events burn 14.44 times the budget,
		// just over the page's 14.4; at the tick before, 490 burn 13.6.
		if len(got) != 1 || got[0] != "page after 52s by page-1h-5m" {
			t.Errorf("transitions %q, want one: page after 52s by page-1h-5m", got)
		}
		slotest.AssertState(t, reg, "checkout", "availability", burnrate.SeverityPage)
		if lag, _ := reg.Staleness(); lag != 2500*time.Millisecond {
			// The last tick was at the outage's 58th second.
			t.Errorf("lag %v, want 2.5s since the last tick", lag)
		}
	})
}

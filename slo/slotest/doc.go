// Package slotest helps a service's own tests check what its objectives do:
// it replays fake traffic through a registry in simulated time and asserts
// on an objective's state and budget at an instant, with failures that say
// what the registry saw. It is to journeyslo what prometheus/testutil is to
// client_golang.
//
//	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
//		slo.WithClock(clock.NewMock()), slo.WithManualAdvance())
//	...
//	d := slotest.NewDriver(t, reg, start)
//	d.SetStep(time.Minute)
//	d.Run(72*time.Hour, slotest.Traffic{Journey: "checkout", Rate: 10}) // three quiet days
//	d.SetStep(time.Second)
//	took := d.RunUntil(5*time.Minute, "checkout", "availability", burnrate.SeverityPage,
//		slotest.Traffic{Journey: "checkout", Rate: 10, ErrorRatio: 1}) // a full outage
//	if took != 52*time.Second { // the Workbook's detection time at 99.9%
//		t.Errorf("paged after %v, want 52s", took)
//	}
//	slotest.AssertBudget(t, reg, "checkout", "availability", 0.799, 0.001) // 520 bad of 2,592,520
//
// # What it does
//
// A [Driver] moves a registry built with [slo.WithManualAdvance] through
// time with [slo.Registry.Advance], one step at a time (a second by
// default), recording before each step the events of steady [Traffic]: a
// rate per second and a share of bad events. The traffic is a steady
// slobacktest.Scenario, the library's one traffic generator, recorded
// through its Feed: by any instant, the integral of the rate good and bad,
// each rounded to its nearest whole event, so that no step's rounding
// drifts the totals, and the next run of the same traffic goes on from
// where the last stopped. Nothing runs in the background and nothing
// depends on the machine's speed, so the same test gives the same instants
// every time. [Status], [AssertState] and [AssertBudget] read the registry's
// last evaluation.
//
// # When not to use it
//
//   - It is not a load generator. It records through [slo.Journey.Add] and
//     [slo.Journey.Observe] on one goroutine: it measures nothing about the
//     record path's speed or concurrency (see the bench module for that),
//     and it never goes through the middleware. To test that your handlers
//     classify requests as you mean, send them requests with net/http/httptest
//     and read [slo.Registry.Status].
//   - Production code never imports it: it imports package testing, and its
//     helpers stop the calling test on misuse.
//   - It needs a registry that nobody else advances: one built with
//     [slo.WithManualAdvance]. A registry whose rotator follows the real
//     clock can be tested as it runs in production inside a
//     testing/synctest bubble (Go 1.25), where time.Sleep moves a fake
//     clock: TestSynctestDrivesTheRealRotator, in this package's
//     synctest_test.go, pages after 52 s of outage that way.
//   - It is not the fleet's view: a registry sees one replica's events. To
//     test alerting rules, run them in Prometheus over exported counters.
package slotest

package slorisk_test

import (
	"math"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorisk"
)

// outageAt is a midnight, so that errors starting at it start on a bucket
// edge of every window (as in package slo's tests of detection).
var outageAt = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// eventsPerSecond is the steady traffic of registryDetector: enough that
// every long window holds the low-traffic guard's events, and that an
// impact of 0.05% is a whole bad event a second.
const eventsPerSecond = 10000

// registryDetector is a Detector built directly on a registry of o with
// manual advance: good traffic from 79 hours before outageAt (so that the
// 3-day window is full of it), in the steps of package slo's tests of
// detection (15 minutes, then 1 minute over the last 7 hours, then 3
// seconds over the last 2), then errors at the given ratio from outageAt,
// advancing every second for 4 hours and every minute after that, up to the
// policy's longest window and an hour more, when every window holds errors
// alone and a rule that has not fired never will. Detection is the first
// transition out of ok.
func registryDetector(t testing.TB, o slo.Objective) slorisk.Detector {
	return func(e float64) (time.Duration, bool) {
		t.Helper()
		bad := e * eventsPerSecond
		if bad != math.Trunc(bad) {
			t.Fatalf("impact %v is not a whole number of bad events a second at %d a second", e, eventsPerSecond)
		}
		mock := clock.NewMock()
		now := outageAt.Add(-79 * time.Hour)
		mock.Set(now)
		var first time.Time
		reg, err := slo.New([]slo.Objective{o}, slo.WithClock(mock), slo.WithManualAdvance(),
			slo.OnTransition(func(tr slo.Transition) {
				if first.IsZero() && tr.From == burnrate.SeverityOK {
					first = tr.Status.Time
				}
			}))
		if err != nil {
			t.Fatal(err)
		}
		defer reg.Close()
		j := fixture.Journey(reg, o.Journey)
		run := func(step, d time.Duration, bad uint64) {
			seconds := uint64(step / time.Second)
			for end := now.Add(d); now.Before(end) && first.IsZero(); now = now.Add(step) {
				if err := reg.Advance(now); err != nil {
					t.Fatal(err)
				}
				j.Add(seconds*(eventsPerSecond-bad), seconds*bad)
			}
		}
		run(time.Minute, 77*time.Hour, 0)
		run(3*time.Second, 2*time.Hour, 0)
		if !first.IsZero() {
			t.Fatalf("the policy left ok on good traffic, at %v", first)
		}
		var longest time.Duration
		for _, r := range reg.Objectives()[0].Policy.Rules {
			longest = max(longest, r.Long)
		}
		run(time.Second, 4*time.Hour, uint64(bad))
		run(time.Minute, longest+time.Hour-4*time.Hour, uint64(bad))
		if first.IsZero() {
			return 0, false
		}
		return first.Sub(outageAt), true
	}
}

func TestRegistryDetector(t *testing.T) {
	detect := registryDetector(t, slo.Objective{Journey: "checkout", Target: 0.999})
	// The Workbook's detection times at 99.9% over 30 days with the
	// default policy (w x f x (1 - target) / e), as package slo's tests of
	// targets find them at the tick: a window of w read at T holds the
	// span [3floor(T/3) - w, T), so the first rule fires at the first whole
	// second x of errors with x*e >= f*0.001*(w + x mod 3).
	for _, tc := range []struct {
		e    float64
		want time.Duration
		ok   bool
	}{
		// Full outage, page 1h/5m at 14.4: x >= 0.0144*(3600 + x mod 3)
		// first at x = 52 (51.85 at x mod 3 = 1; 51 < 51.84): the
		// Workbook's 51.84 s, and package slo's 52 s.
		{1, 52 * time.Second, true},
		// 10%: x >= 0.144*(3600 + x mod 3) first at x = 519 (518.4 at 519
		// mod 3 = 0; 518 < 518.69 at 518 mod 3 = 2): 8m39s, the Workbook's
		// 8.64 min to the second.
		{0.1, 8*time.Minute + 39*time.Second, true},
		// 1%, a burn of 10, below the 1h page's 14.4: page 6h/30m at 6,
		// x*0.01 >= 0.006*(21600 + x mod 3) first at x = 12960 (mod 3 =
		// 0): 3h36m exactly, the Workbook's 6h x 6 / 10.
		{0.01, 3*time.Hour + 36*time.Minute, true},
		// 0.5%, a burn of 5: ticket 1d/2h at 3 and 3d/6h at 1 both at
		// x*0.005 >= 0.003*86400 = 0.001*259200 = 259.2, x = 51840: 14h24m,
		// the Workbook's 14.4 h (a whole minute, so the 1-minute steps
		// after 4 hours find it exactly).
		{0.005, 14*time.Hour + 24*time.Minute, true},
		// 0.2%, a burn of 2: ticket 3d/6h at 1, x*0.002 >= 259.2 at x =
		// 129600: 36h, the Workbook's.
		{0.002, 36 * time.Hour, true},
		// 0.05%, a burn of 0.5: below the lowest factor (the 3-day
		// ticket's 1), never detected; the budget lasts the period.
		{0.0005, 0, false},
	} {
		got, ok := detect(tc.e)
		if got != tc.want || ok != tc.ok {
			t.Errorf("detect(%v) = %v, %v; want %v, %v", tc.e, got, ok, tc.want, tc.ok)
		}
	}
}

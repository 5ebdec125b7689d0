package slo_test

import (
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

// start is a midnight, so that every bucket width divides the time since
// the Unix epoch and windows hold exactly the events a test expects.
var start = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// fixture is a registry advanced by hand on a mock clock that it keeps in
// step, so that it is stalled only when a test moves the clock alone.
type fixture struct {
	reg  *slo.Registry
	mock *clock.Mock
}

func newFixture(t testing.TB, objectives ...slo.Objective) *fixture {
	t.Helper()
	return newFixtureAt(t, start, objectives...)
}

func newFixtureAt(t testing.TB, at time.Time, objectives ...slo.Objective) *fixture {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(at)
	reg, err := slo.New(objectives, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return &fixture{reg: reg, mock: mock}
}

// advance moves the clock and the registry d ahead.
func (f *fixture) advance(d time.Duration) {
	f.mock.Add(d)
	f.reg.Advance(f.mock.Now())
}

// add records good and bad events on a journey.
func (f *fixture) add(journey string, good, bad uint64) {
	f.reg.Journey(journey).Add(good, bad)
}

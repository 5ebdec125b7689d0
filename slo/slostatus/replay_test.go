package slostatus_test

import (
	"testing"

	"github.com/journeyslo/journeyslo/internal/fixture"

	"github.com/journeyslo/journeyslo/internal/shopmonth"
)

// replayMonth returns a registry that has lived through the shop's month
// (package internal/shopmonth), which the status page shows in its tests
// and screenshots; slo's own TestReplayMonth checks its states.
func replayMonth(t testing.TB) *fixture.Manual {
	t.Helper()
	f := fixture.NewAt(t, shopmonth.From, shopmonth.Objectives()...)
	shopmonth.Replay(f.Reg, f.Mock)
	return f
}

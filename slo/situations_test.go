package slo_test

import (
	"testing"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/situation"
)

// twoJourneys are situation.TwoJourneys: 99% objectives for checkout and
// search.
var twoJourneys = situation.TwoJourneys()

// reach brings a new two-journey fixture into a situation (package
// internal/situation), then advances a second so that the last events
// are evaluated.
func reach(t *testing.T, name string) *fixture.Manual {
	t.Helper()
	f := fixture.New(t, twoJourneys...)
	situation.Reach(f.Reg, f.Mock, name)
	return f
}

// Package situation brings a registry into the states the tests of slo
// and slo/slostatus judge: a checkout journey that is ok, has no data, pages,
// has a ticket or has spent its budget, beside a search journey with good
// traffic.
package situation

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

// TwoJourneys returns 99% objectives for checkout and search: the default
// policy's factors are 14.4, 6, 3 and 1, and its guard is 100 events.
func TwoJourneys() []slo.Objective {
	return []slo.Objective{
		{Journey: "checkout", Target: 0.99},
		{Journey: "search", Target: 0.99},
	}
}

// moves records events on the registry and moves its clock, as a test's
// fixture does.
type moves struct {
	reg  *slo.Registry
	mock *clock.Mock
}

func (f *moves) add(journey string, good, bad uint64) { fixture.Journey(f.reg, journey).Add(good, bad) }

func (f *moves) advance(d time.Duration) {
	f.mock.Add(d)
	f.reg.Advance(f.mock.Now())
}

// Situations of the checkout journey, each reached from the registry's
// start. search sees 1000 good events in each.
var situations = map[string]func(f *moves){
	// Good traffic only.
	"ok": func(f *moves) {
		f.add("checkout", 1000, 0)
	},
	// Nothing at all for checkout.
	"no data": func(f *moves) {},
	// 10% errors in the last minute after 7 quiet hours: a burn of 10 over
	// every window up to 6h pages by page-6h-30m (the 1h/5m page needs
	// 14.4); over the period, 100 bad events in 100000 leave 90%.
	"page": func(f *moves) {
		f.add("checkout", 99000, 0)
		f.advance(7 * time.Hour)
		f.add("checkout", 900, 100)
	},
	// 4% errors after two quiet days: a burn of 4 over 2h and 1d opens
	// ticket-1d-2h and pages nothing (6h/30m needs 6).
	"ticket": func(f *moves) {
		f.add("checkout", 99000, 0)
		f.advance(48 * time.Hour)
		f.add("checkout", 960, 40)
	},
	// 1% errors four days ago: no window but the period's holds them, and
	// they spent the whole budget: ok, and nothing left.
	"spent": func(f *moves) {
		f.add("checkout", 990, 10)
		f.advance(96 * time.Hour)
	},
}

// Reach brings reg, built over TwoJourneys WithManualAdvance on mock and
// not yet advanced, into the named situation, then advances a second so
// that the last events are evaluated. It panics for a name it does not
// know, a test's own mistake.
func Reach(reg *slo.Registry, mock *clock.Mock, name string) {
	s, ok := situations[name]
	if !ok {
		panic(fmt.Sprintf("situation: no situation %q", name))
	}
	f := &moves{reg: reg, mock: mock}
	f.add("search", 1000, 0)
	s(f)
	f.advance(time.Second)
}

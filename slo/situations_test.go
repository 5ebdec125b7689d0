package slo_test

import (
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/slo"
)

// twoJourneys are 99% objectives: the default policy's factors are 14.4,
// 6, 3 and 1, and its guard is 100 events.
var twoJourneys = []slo.Objective{
	{Journey: "checkout", Target: 0.99},
	{Journey: "search", Target: 0.99},
}

// Situations of the checkout journey, each reached from start. search sees
// 1000 good events in each.
var situations = map[string]func(f *fixture){
	// Good traffic only.
	"ok": func(f *fixture) {
		f.add("checkout", 1000, 0)
	},
	// Nothing at all for checkout.
	"no data": func(f *fixture) {},
	// 10% errors in the last minute after 7 quiet hours: a burn of 10 over
	// every window up to 6h pages by page-6h-30m (the 1h/5m page needs
	// 14.4); over the period, 100 bad events in 100000 leave 90%.
	"page": func(f *fixture) {
		f.add("checkout", 99000, 0)
		f.advance(7 * time.Hour)
		f.add("checkout", 900, 100)
	},
	// 4% errors after two quiet days: a burn of 4 over 2h and 1d opens
	// ticket-1d-2h and pages nothing (6h/30m needs 6).
	"ticket": func(f *fixture) {
		f.add("checkout", 99000, 0)
		f.advance(48 * time.Hour)
		f.add("checkout", 960, 40)
	},
	// 1% errors four days ago: no window but the period's holds them, and
	// they spent the whole budget: ok, and nothing left.
	"spent": func(f *fixture) {
		f.add("checkout", 990, 10)
		f.advance(96 * time.Hour)
	},
}

// reach brings a new two-journey fixture into a situation, then advances a
// second so that the last events are evaluated.
func reach(t *testing.T, situation string) *fixture {
	t.Helper()
	f := newFixture(t, twoJourneys...)
	f.add("search", 1000, 0)
	situations[situation](f)
	f.advance(time.Second)
	return f
}

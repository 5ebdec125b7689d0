package slobacktest

import (
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/slo"
)

// The replay counts pages, tickets, flaky pages and time at page as the
// registry's own review does: one definition for production and backtest.
// Over a replay shorter than the period, the review sees every episode.
func TestCountsAsReview(t *testing.T) {
	t0 := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	// A day of 1000 events a minute with a burst of errors every 90
	// minutes, alternately 3 minutes at 5% and 1 minute at 1.5%, and a
	// 20-minute outage at 40% at 10h.
	var traffic []Sample
	for i := 1; i <= 24*60; i++ {
		t := t0.Add(time.Duration(i) * time.Minute)
		bad := uint64(0)
		switch m := i % 90; {
		case i >= 10*60 && i < 10*60+20:
			bad = 400
		case i/90%2 == 0 && m >= 1 && m <= 3:
			bad = 50
		case i/90%2 == 1 && m == 1:
			bad = 15
		}
		traffic = append(traffic, Sample{Time: t, Journey: "checkout", Good: 1000 - bad, Bad: bad})
	}
	// One replay, two configs: the default flaky pages, and those within
	// 15m that spent under 0.1% of the budget.
	cfgs := []Config{
		{Objective: slo.Objective{Journey: "checkout", Target: 0.999}},
		{Objective: slo.Objective{Journey: "checkout", Name: "other", Target: 0.999}, Flaky: 15 * time.Minute, FlakyBudget: 0.001},
	}
	res, reg, err := run(traffic, cfgs, runOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0 // the registry's objectives: every config's candidates in order
	for k, cfg := range cfgs {
		rv, err := reg.Review(slo.WithFlaky(cfg.Flaky, cfg.FlakyBudget))
		if err != nil {
			t.Fatal(err)
		}
		flaky := 0
		for _, p := range res.Objectives[k].Policies {
			or := rv.Objectives[n]
			n++
			if p.Pages != or.Pages || p.Tickets != or.Tickets || p.FlakyPages != or.FlakyPages || p.Paging != or.Paging || len(p.Episodes) != len(or.Episodes) {
				t.Errorf("config %d, %s: pages %d, tickets %d, flaky %d, paging %v, %d episodes; the review has %d, %d, %d, %v, %d",
					k, p.Name, p.Pages, p.Tickets, p.FlakyPages, p.Paging, len(p.Episodes),
					or.Pages, or.Tickets, or.FlakyPages, or.Paging, len(or.Episodes))
			}
			flaky += p.FlakyPages
		}
		if flaky == 0 || res.Objectives[k].Policies[0].Pages < 10 {
			t.Errorf("config %d: %d flaky pages, the threshold's pages %d; want some flaky, the threshold paging on every burst",
				k, flaky, res.Objectives[k].Policies[0].Pages)
		}
	}
}

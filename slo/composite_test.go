package slo_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

func shopObjectives() []slo.Objective {
	return []slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "search", Target: 0.99},
		{Journey: "shop", Target: 0.99, Composite: &slo.Composite{Components: []slo.Component{
			{Journey: "checkout", Weight: 2},
			{Journey: "search", Weight: 0.5},
		}}},
	}
}

// The composite's events are its components' weighted: 2 per checkout
// event and a half per search event, over every window and the period.
func TestCompositeWeights(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	reg, err := slo.New(shopObjectives(), slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if _, ok := reg.Journey("shop"); ok {
		t.Error("the composite's journey records events")
	}
	if got := reg.Journeys(); strings.Join(got, ",") != "checkout,search" {
		t.Errorf("Journeys() = %v", got)
	}
	checkout, _ := reg.Journey("checkout")
	search, _ := reg.Journey("search")
	checkout.Add(1000, 4)
	search.Add(601, 11)
	mock.Add(time.Minute)
	reg.Advance(mock.Now())
	shop, ok := reg.Tracker("shop", "availability")
	if !ok {
		t.Fatal("no tracker of the composite")
	}
	st := shop.Status()
	// 2*1000 + 0.5*601 good, 2*4 + 0.5*11 bad.
	const good, bad = 2300.5, 13.5
	if st.Good != 2301 || st.Bad != 14 || st.SLI != good/(good+bad) || st.BudgetRemaining != burnrate.BudgetRemaining(good, bad, 0.99) {
		t.Errorf("composite: %d good %d bad, SLI %v, budget %v; want 2300.5, 13.5, %v, %v", st.Good, st.Bad, st.SLI, st.BudgetRemaining,
			good/(good+bad), burnrate.BudgetRemaining(good, bad, 0.99))
	}
	if st.TotalGood != 2301 || st.TotalBad != 14 {
		t.Errorf("composite totals %d, %d", st.TotalGood, st.TotalBad)
	}
	for _, w := range st.Windows {
		if w.Good != good || w.Bad != bad || w.Rate != (bad/(good+bad))/0.01 {
			t.Errorf("window %v: %v good %v bad, rate %v; want %v, %v, %v", w.Window, w.Good, w.Bad, w.Rate, good, bad, (bad/(good+bad))/0.01)
		}
	}
	// A page of its own: search fails while checkout holds, and the
	// composite of both burns past its page factors.
	for range 5 {
		checkout.Add(1000, 0)
		search.Add(0, 700)
		mock.Add(time.Minute)
		reg.Advance(mock.Now())
	}
	st = shop.Status()
	if st.State != burnrate.SeverityPage {
		t.Errorf("composite: %v by %q, want page", st.State, st.Rule)
	}
	if ck, _ := reg.Tracker("checkout", "availability"); ck.Status().State != burnrate.SeverityOK {
		t.Errorf("checkout %v, want ok", ck.Status().State)
	}
	// Its burn-down and outlook read the same windows, in events.
	if bd := shop.BurnDown(); len(bd) == 0 || bd[len(bd)-1].Remaining != st.BudgetRemaining {
		t.Errorf("burn-down ends at %v, status %v", bd[len(bd)-1].Remaining, st.BudgetRemaining)
	}
}

func TestCompositeRefused(t *testing.T) {
	objs := shopObjectives()
	objs[2].Composite.Components = append(objs[2].Composite.Components,
		slo.Component{Journey: "cart", Weight: 1},
		slo.Component{Journey: "search", Weight: -1},
		slo.Component{Journey: "checkout", Objective: "latency", Weight: 0.1234567})
	objs = append(objs, slo.Objective{Journey: "all", Target: 0.99, Composite: &slo.Composite{Components: []slo.Component{{Journey: "shop"}}}},
		slo.Objective{Journey: "search", Name: "overall", Target: 0.99, Composite: &slo.Composite{Components: []slo.Component{{Journey: "checkout"}}}},
		slo.Objective{Journey: "none", Target: 0.99, Composite: &slo.Composite{}})
	_, err := slo.New(objs)
	if !errors.Is(err, slo.ErrInvalid) {
		t.Fatalf("New = %v", err)
	}
	for _, want := range []string{
		"slo: invalid: Composite component 3 (search:availability) is component 1 again; list each objective once, with its weight",
		"Composite component 3 (search:availability): Weight -1 is not a positive number",
		"Composite component 4 (checkout:latency): Weight 0.1234567 has more than 6 decimals; round it, such as 0.123457",
		"objective 5 (none:availability): slo: invalid: Composite has no components",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	objs = shopObjectives()
	objs[2].Composite.Components = append(objs[2].Composite.Components, slo.Component{Journey: "cart", Weight: 1})
	objs = append(objs, slo.Objective{Journey: "all", Target: 0.99, Composite: &slo.Composite{Components: []slo.Component{{Journey: "shop"}}}},
		slo.Objective{Journey: "search", Name: "overall", Target: 0.99, Composite: &slo.Composite{Components: []slo.Component{{Journey: "checkout"}}}})
	_, err = slo.New(objs)
	for _, want := range []string{
		"objective 2 (shop:availability): slo: invalid: Composite component 2 names cart:availability, which is not declared",
		"objective 3 (all:availability): slo: invalid: Composite component 0 (shop:availability) is a composite itself",
		`objective 4 (search:overall): slo: invalid: a composite's Journey names the whole it judges, and "search" is a journey that records events`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

package slofleet_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slofleet"
	"github.com/journeyslo/journeyslo/slo/sloprom"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// The fleet reads a calendar month exactly: the increase of the counters
// since the boundary in Paris, computed at the query's instant, is the
// registry's count of the month, event for event, on both sides of the
// boundary; the rules keep their rolling windows.
func TestCalendarIsTheRegistrys(t *testing.T) {
	promtest.Promtool(t)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	cal := slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2026, 1, 1, 0, 0, 0, 0, paris)}
	objs := []slo.Objective{{Journey: "checkout", Target: 0.99, Period: 24 * time.Hour, Calendar: &cal}}
	begin := time.Date(2026, 11, 30, 21, 0, 0, 0, time.UTC) // 22:00 in Paris
	mock := clock.NewMock()
	mock.Set(begin)
	reg, err := slo.New(objs, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	preg := prometheus.NewRegistry()
	preg.MustRegister(sloprom.NewCollector(reg))
	j := fixture.Journey(reg, "checkout")
	var samples promtest.Samples
	// Until 01:00 UTC: 6 good and 1 bad event every tick before midnight
	// in Paris (23:00 UTC), 9 good and 2 bad after.
	compared := []time.Time{begin.Add(90 * time.Minute), begin.Add(2*time.Hour + 5*time.Minute), begin.Add(4 * time.Hour)}
	var want []slo.Status
	tick := reg.Tick()
	for now := begin.Add(tick); !now.After(compared[len(compared)-1]); now = now.Add(tick) {
		if now.Before(time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC).Add(tick)) {
			j.Add(6, 1)
		} else {
			j.Add(9, 2)
		}
		if err := reg.Advance(now); err != nil {
			t.Fatal(err)
		}
		if now.Sub(begin)%scrape == 0 {
			if err := samples.Gather(eventsOnly{preg}, now); err != nil {
				t.Fatal(err)
			}
		}
		for _, at := range compared {
			if now.Equal(at) {
				want = append(want, reg.Status()[0])
			}
		}
	}
	file, err := slorules.Generate(reg.Objectives())
	if err != nil {
		t.Fatal(err)
	}
	var rules []promtest.Rule
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				rules = append(rules, r)
			}
		}
	}
	ev := promtest.EvaluateRules(t, &samples, rules, compared[0], compared[len(compared)-1], step)
	client, err := slofleet.New(objs, ev.Server.URL)
	if err != nil {
		t.Fatal(err)
	}
	for k, at := range compared {
		sts, err := client.StatusAt(context.Background(), at)
		if err != nil {
			t.Fatal(err)
		}
		got, w := sts[0], want[k]
		if k == 0 {
			// November is 29 days old at 22:30: the fleet's counters cover
			// it from its boundary and claim its budget, where the
			// registry, 90 minutes old, has young data. In December both
			// cover the month from its boundary, and agree.
			if got.Budget != slo.BudgetSpent || w.Budget != slo.BudgetYoungData {
				t.Errorf("at %v: fleet %v, registry %v; want spent and young data", at, got.Budget, w.Budget)
			}
			w.Budget = got.Budget
		}
		if got.Good != w.Good || got.Bad != w.Bad || got.SLI != w.SLI || got.BudgetRemaining != w.BudgetRemaining ||
			!got.PeriodStart.Equal(w.PeriodStart) || !got.PeriodEnd.Equal(w.PeriodEnd) || got.Budget != w.Budget {
			t.Errorf("at %v: fleet %d good %d bad, SLI %v, budget %v %v, [%v, %v); registry %d good %d bad, SLI %v, budget %v %v, [%v, %v)",
				at, got.Good, got.Bad, got.SLI, got.Budget, got.BudgetRemaining, got.PeriodStart, got.PeriodEnd,
				w.Good, w.Bad, w.SLI, w.Budget, w.BudgetRemaining, w.PeriodStart, w.PeriodEnd)
		}
	}
	// The figures themselves: November's last two hours at 90 minutes,
	// then December's.
	perTick := uint64(time.Hour / tick)
	wantCounts := [][2]uint64{{6 * perTick * 3 / 2, perTick * 3 / 2}, {9 * perTick / 12, 2 * perTick / 12}, {9 * perTick * 2, 2 * perTick * 2}}
	for k, w := range want {
		if w.Good != wantCounts[k][0] || w.Bad != wantCounts[k][1] {
			t.Errorf("registry at %v: %d good %d bad, want %d and %d", compared[k], w.Good, w.Bad, wantCounts[k][0], wantCounts[k][1])
		}
	}
}

func TestCalendarQuery(t *testing.T) {
	cal := slo.Calendar{Unit: slo.CalendarWeek, Start: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}
	o := slo.Objective{Journey: "checkout", Target: 0.99, Calendar: &cal}.WithDefaults()
	got, err := slorules.CalendarEvents(o, time.Date(2026, 12, 8, 1, 30, 0, 250e6, time.UTC), `job="shop"`)
	want := `sum by (journey, objective, outcome) (increase(journeyslo_sli_events_total{journey="checkout",objective="availability",job="shop"}[91800250ms]))`
	if err != nil || got != want {
		t.Errorf("CalendarEvents = %s, %v; want %s", got, err, want)
	}
	o.Source = &slo.Source{Good: "good_total", Total: "all_total"}
	if _, err := slofleet.New([]slo.Objective{o}, "http://localhost:9090"); err == nil || !strings.Contains(err.Error(), "reads a Source; the calendar period of a Source's counters is not read") {
		t.Errorf("New with a calendar over a Source: %v", err)
	}
	if _, err := slofleet.New([]slo.Objective{{Journey: "checkout", Target: 0.99}}, "http://localhost:9090", slofleet.WithSelector(`__name__="x"`)); err == nil {
		t.Error("New took a selector of the metric name")
	}
}

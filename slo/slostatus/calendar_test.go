package slostatus_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// calendarRegistry is a registry of checkout over the calendar month of
// Paris, on December 7 2026 at 21:00 in Paris: 10000 good and 5 bad
// events since the month began, 24 days and 3 hours before it resets.
func calendarRegistry(t *testing.T) *slo.Registry {
	t.Helper()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	mock := clock.NewMock()
	// The replica has served since the month began, quietly: its data
	// covers the month so far, so the page claims the month's budget.
	mock.Set(time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC))
	cal := slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2022, 1, 1, 0, 0, 0, 0, paris)}
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999, Calendar: &cal}}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	mock.Set(time.Date(2026, 12, 7, 19, 0, 0, 0, time.UTC))
	if err := reg.Advance(mock.Now()); err != nil {
		t.Fatal(err)
	}
	j, _ := reg.Journey("checkout")
	j.Add(10000, 5)
	mock.Add(time.Hour)
	if err := reg.Advance(mock.Now()); err != nil {
		t.Fatal(err)
	}
	return reg
}

func TestStatusPageCalendar(t *testing.T) {
	srv := serve(t, slostatus.StatusPage(calendarRegistry(t)))
	_, body := fetch(t, srv, http.MethodGet, "/slo")
	for _, want := range []string{
		`<p class="goal">99.9% good over December 2026 (Europe/Paris), resets in 24d 3h</p>`,
		`<dt>Budget left</dt><dd><span class="value">50.0%</span><span class="note" title="5 bad events of 10 allowed over December 2026 (Europe/Paris)">5 of 10 spent</span>`,
		`<desc id="o0-cd">Budget remaining over the last 6d 21h, from 100% to 50.0%`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	_, js := fetch(t, srv, http.MethodGet, "/slo?format=json")
	if !strings.Contains(js, `"periodStart": "2026-11-30T23:00:00Z",`) || !strings.Contains(js, `"periodEnd": "2026-12-31T23:00:00Z",`) {
		t.Errorf("JSON lacks the period's bounds:\n%s", js)
	}
	if t.Failed() {
		t.Log(body)
	}
}

// A composite shows as an objective of its own: the shop, from checkout
// (twice) and search (half).
func TestStatusPageComposite(t *testing.T) {
	mock := clock.NewMock()
	// Started three days before, quietly: its data covers a tenth of the
	// 30-day period, so the page claims budgets.
	mock.Set(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	reg, err := slo.New([]slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "search", Target: 0.99},
		{Journey: "shop", Target: 0.99, Composite: &slo.Composite{Components: []slo.Component{
			{Journey: "checkout", Weight: 2}, {Journey: "search", Weight: 0.5}}}},
	}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	mock.Set(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	reg.Advance(mock.Now())
	checkout, _ := reg.Journey("checkout")
	search, _ := reg.Journey("search")
	checkout.Add(1000, 0)
	search.Add(1000, 40)
	mock.Add(time.Minute)
	reg.Advance(mock.Now())
	srv := serve(t, slostatus.StatusPage(reg))
	_, body := fetch(t, srv, http.MethodGet, "/slo")
	for _, want := range []string{
		`<h3 id="o1-h">shop <span class="objective">availability</span></h3>`,
		`title="20 bad events of 25 allowed over 30d">20 of 25 spent</span>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if t.Failed() {
		t.Log(body)
	}
}

package slostatus_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// A process a minute old that served 9 good requests and 1 bad one at
// 99.9% has a budget of a hundredth of an event: its arithmetic says
// -9900%, which says nothing about the service. The page shows the fact
// instead, in the budget's place, in a badge and in the chart; the health
// check raises no "spent" warning. No percentage below -100% appears
// anywhere on the page.
func TestTooFewEventsShowTheFact(t *testing.T) {
	f := fixture.Aged(t, slo.Objective{Journey: "checkout", Target: 0.999})
	f.Add("checkout", 9, 1)
	f.Advance(time.Minute)
	if st := f.Reg.Status()[0]; st.Budget != slo.BudgetTooFewEvents || st.BudgetRemaining != -99 {
		t.Fatalf("status: budget %v, %v remaining; want too few events, -99", st.Budget, st.BudgetRemaining)
	}

	_, page := fetch(t, serve(t, slostatus.StatusPage(f.Reg)), http.MethodGet, "/")
	for _, want := range []string{
		`<span class="badge evidence" title="not enough events: 10 of 1000">TOO FEW EVENTS</span>`,
		`<div class="budget evidence"><dt>Budget</dt><dd><span class="value">not enough events: 10 of 1000</span>` +
			`<span class="note">a budget needs 1000 events over 30d</span></dd></div>`,
		`<text class="empty" x="237" y="61" text-anchor="middle">Not enough events for a budget</text>`,
		`<li class="pill evidence">1 too few events</li>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	for _, absent := range []string{"Budget left", "Runs out in", "BUDGET SPENT", `class="endlabel"`, `class="line"`} {
		if strings.Contains(page, absent) {
			t.Errorf("the page shows %q", absent)
		}
	}
	if m := regexp.MustCompile(`-\d{3,}(\.\d)?%`).FindString(page); m != "" {
		t.Errorf("the page shows %s", m)
	}

	_, body := fetch(t, serve(t, slostatus.Health(f.Reg)), http.MethodGet, "/")
	h := decodeHealth(t, body)
	if h.Status != "pass" || h.Checks["checkout:availability"][0].Status != "pass" || h.Output != "" {
		t.Errorf("health: %s, checkout %s, output %q; want pass, pass, none", h.Status, h.Checks["checkout:availability"][0].Status, h.Output)
	}

	// With enough events the same share of bad ones is a claim: 1000
	// events, 100 bad, overspend a budget of 1 event 99 times.
	f.Add("checkout", 891, 99)
	f.Advance(time.Minute)
	_, page = fetch(t, serve(t, slostatus.StatusPage(f.Reg)), http.MethodGet, "/")
	for _, want := range []string{`<span class="badge spent">BUDGET SPENT</span>`, `<span class="value">-9900.0%</span>`} {
		if !strings.Contains(page, want) {
			t.Errorf("with 1000 events the page lacks %s", want)
		}
	}
	_, body = fetch(t, serve(t, slostatus.Health(f.Reg)), http.MethodGet, "/")
	if h := decodeHealth(t, body); !strings.Contains(h.Output, "error budget overspent by 9900.0%") {
		t.Errorf("with 1000 events health's output is %q, want the overspent budget", h.Output)
	}
}

// Objectives with too few events for a budget come after those that have
// one, in their state: their figure claims nothing to act on.
func TestTooFewEventsSortLast(t *testing.T) {
	f := fixture.Aged(t,
		slo.Objective{Journey: "fresh", Target: 0.999},
		slo.Objective{Journey: "busy", Target: 0.999})
	f.Add("fresh", 9, 1)      // -9900%, but no claim
	f.Add("busy", 100000, 50) // 50% left
	f.Advance(7 * time.Hour)  // the busy errors are old: ok
	_, page := fetch(t, serve(t, slostatus.StatusPage(f.Reg)), http.MethodGet, "/")
	fresh, busy := strings.Index(page, `<h3 id="o1-h">fresh`), strings.Index(page, `<h3 id="o0-h">busy`)
	if fresh < 0 || busy < 0 {
		t.Errorf("want busy first (o0) and fresh second (o1):\n%s", page)
	}
}

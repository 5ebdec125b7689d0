package slostatus_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// youngBurst is a replica started at start that serves 18.7 requests a
// second for two minutes, then three minutes at 13% errors, then without
// errors for an hour, at 99.9% over 30 days. It returns the registry at
// the end of the burst, and a function that runs the traffic and the
// registry on, a second at a time, to an instant.
func youngBurst(t *testing.T) (*fixture.Manual, func(time.Time)) {
	t.Helper()
	f := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.999})
	sc := slobacktest.Scenario{Journey: "checkout", Start: start, Length: time.Hour + 5*time.Minute, Step: time.Second, Rate: 18.7,
		Incidents: []slobacktest.Incident{{Start: start.Add(2 * time.Minute), Duration: 3 * time.Minute, ErrorRatio: 0.13}}}
	feed, err := sc.Feed(fixture.Journey(f.Reg, "checkout"))
	if err != nil {
		t.Fatal(err)
	}
	to := func(end time.Time) {
		for at := f.Mock.Now().Add(time.Second); !at.After(end); at = at.Add(time.Second) {
			feed.To(at)
			f.Mock.Set(at)
			f.Reg.Advance(at)
		}
	}
	to(start.Add(5 * time.Minute))
	return f, to
}

// A replica five minutes old served a three-minute burst at 13% errors:
// 438 bad events of 5610, 78 times the 5.6 that those events allow at
// 99.9%, but under 1% of the 48,470 that the month allows at 18.7
// requests a second. Its data covers 5 minutes of 30 days: the status
// claims nothing about the budget (young data), the page says so in the
// budget's place, the health check warns for the page alone and the gate
// closes for the page alone: it reopens when the page clears, never in
// the twelve hours a budget "overspent 7707%" would take to come back.
func TestYoungDataClaimsNoBudget(t *testing.T) {
	f, runTo := youngBurst(t)
	st := f.Reg.Status()[0]
	if st.Good != 5172 || st.Bad != 438 || st.Budget != slo.BudgetYoungData || st.Covered != 5*time.Minute ||
		st.MinCovered != 72*time.Hour || st.TimeToExhaustion != burnrate.Never || st.State != burnrate.SeverityPage ||
		st.Evidence() != "young data: 5m of 30d" {
		t.Fatalf("status: %d good, %d bad, budget %v, covered %v of %v, exhaustion %v, state %v, evidence %q\n"+
			"want 5172, 438, young data, 5m of 72h, never, page, \"young data: 5m of 30d\"",
			st.Good, st.Bad, st.Budget, st.Covered, st.MinCovered, st.TimeToExhaustion, st.State, st.Evidence())
	}

	_, page := fetch(t, serve(t, slostatus.StatusPage(f.Reg)), http.MethodGet, "/")
	for _, want := range []string{
		`<span class="badge evidence" title="young data: 5m of 30d">YOUNG DATA</span>`,
		`<div class="budget evidence"><dt>Budget</dt><dd><span class="value">young data: 5m of 30d</span>` +
			`<span class="note">438 bad events so far; a budget needs data over 3d of 30d</span></dd></div>`,
		`<span class="value">92.193%</span><span class="note">target 99.9%</span>`,
		`Too little of the period for a budget</text>`,
		`<li class="pill evidence">1 young data</li>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	for _, absent := range []string{"-7707.5%", "438 of 6 spent", "BUDGET SPENT", "Budget left", "Runs out in"} {
		if strings.Contains(page, absent) {
			t.Errorf("the page shows %q", absent)
		}
	}
	if m := regexp.MustCompile(`-\d{3,}(\.\d)?%`).FindString(page); m != "" {
		t.Errorf("the page shows %s", m)
	}

	_, body := fetch(t, serve(t, slostatus.Health(f.Reg)), http.MethodGet, "/")
	h := decodeHealth(t, body)
	const paging = "page: page-1h-5m fires, burning 78.1x over 1h and 78.1x over 5m, at or above 14.4x"
	if c := h.Checks["checkout:availability"][0]; h.Status != "warn" || c.Status != "warn" || c.Output != paging {
		t.Errorf("health: %s, checkout %s %q; want warn, warn %q", h.Status, c.Status, c.Output, paging)
	}
	for _, want := range []string{`"covered": "5m"`, `"minCovered": "3d"`, `"budget": "young data"`, `"timeToExhaustion": null`} {
		if !strings.Contains(body, want) {
			t.Errorf("health lacks %s", want)
		}
	}

	gate, err := slostatus.ReleaseGate(f.Reg)
	if err != nil {
		t.Fatal(err)
	}
	resp, g := ask(t, gate)
	const young = "young data: 5m of 30d, too little of the period for a claim on the budget (a claim needs 3d)"
	want := "release freeze: checkout:availability: " + paging + "; " + young +
		"; would not reopen within checkout:availability's period (30d) if its traffic goes on at 18.7 req/s with 7.81% errors: its page-1h-5m would not clear; ask again in 5m (Retry-After)"
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "300" || g.Output != want || g.ReopensAt != "" {
		t.Errorf("gate: %d, Retry-After %s, reopensAt %q, output\n%s\nwant 503, 300, none, output\n%s",
			resp.StatusCode, resp.Header.Get("Retry-After"), g.ReopensAt, g.Output, want)
	}

	// Six minutes of clean traffic later the 5m window no longer burns,
	// the 30m one still does: the gate reopens when page-6h-30m clears,
	// at that instant to the second.
	runTo(start.Add(11 * time.Minute))
	resp, g = ask(t, gate)
	want = "release freeze: checkout:availability: page: page-6h-30m fires, burning 35.5x over 6h and 35.5x over 30m, at or above 6x; " +
		"young data: 11m of 30d, too little of the period for a claim on the budget (a claim needs 3d); " +
		"reopens at 00:33:39Z (in 22m39s), when checkout:availability's page-6h-30m clears, its 30m window no longer holding the burn, if its traffic goes on at 18.7 req/s with 0% errors"
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "1359" || g.ReopensAt != "2026-03-02T00:33:39Z" || g.Output != want {
		t.Errorf("gate at 00:11: %d, Retry-After %s, reopensAt %q, output\n%s\nwant 503, 1359, 2026-03-02T00:33:39Z, output\n%s",
			resp.StatusCode, resp.Header.Get("Retry-After"), g.ReopensAt, g.Output, want)
	}
	runTo(start.Add(33*time.Minute + 38*time.Second))
	if resp, _ := ask(t, gate); resp.StatusCode != 503 {
		t.Errorf("gate at 00:33:38: %d, want 503", resp.StatusCode)
	}
	runTo(start.Add(33*time.Minute + 39*time.Second))
	// Open, with the ticket the burst still raises over the day: 438 bad
	// in the 37,755 events so far burn at 11.6.
	ticket := "checkout:availability: ticket: ticket-1d-2h fires, burning 11.6x over 1d and 11.6x over 2h, at or above 3x; " +
		"young data: 33m39s of 30d, too little of the period for a claim on the budget (a claim needs 3d)"
	if resp, g := ask(t, gate); resp.StatusCode != 200 || g.Status != "warn" || g.Output != ticket {
		t.Errorf("gate at 00:33:39: %d %s %q, want 200 warn %q", resp.StatusCode, g.Status, g.Output, ticket)
	}
}

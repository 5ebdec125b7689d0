package slostatus_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// An objective of slices says so on the page: its goal, its budget in
// slices ("12 of 120 slices bad") and its evidence in slices.
func TestStatusPageSlices(t *testing.T) {
	f := fixture.New(t,
		slo.Objective{Journey: "checkout", Target: 0.9, Period: 7 * 24 * time.Hour,
			Slices: &slo.Slices{Method: slo.Timeslices, Window: time.Minute, Target: 0.95}},
		slo.Objective{Journey: "search", Target: 0.9, Period: 7 * 24 * time.Hour,
			Slices: &slo.Slices{Method: slo.RatioTimeslices, Window: time.Minute}},
		slo.Objective{Journey: "admin", Target: 0.99, Period: 7 * 24 * time.Hour,
			Slices: &slo.Slices{Method: slo.Timeslices, Window: 5 * time.Minute, Target: 0.9}})
	for i := range 120 {
		if i%10 == 0 {
			f.Add("checkout", 90, 10)
			f.Add("search", 0, 100)
		} else {
			f.Add("checkout", 100, 0)
			f.Add("search", 100, 0)
		}
		f.Add("admin", 1, 0)
		f.Advance(time.Minute)
	}
	srv := serve(t, slostatus.StatusPage(f.Reg))
	_, body := fetch(t, srv, http.MethodGet, "/slo")
	for _, want := range []string{
		`<p class="goal">90% of 1m slices good over 7d (a slice is good at 95%)</p>`,
		`<span class="note" title="12 bad slices of 12 allowed over 7d">12 of 120 slices bad</span>`,
		`<p class="goal">90% good over 7d, the mean of 1m slices</p>`,
		`<span class="note" title="the 120 slices of 7d average 90.00% good: 12 slices&#39; worth of bad events, of 12 allowed">12 of 120 slices&#39; worth bad</span>`,
		`<span class="value">not enough slices: 24 of 100</span><span class="note">a budget needs 100 slices over 7d</span>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if t.Failed() {
		t.Log(body)
	}
}

// The release gate states its outlook of an objective of slices in
// slices, not in requests a second.
func TestReleaseGateSlices(t *testing.T) {
	f := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.9, Period: 7 * 24 * time.Hour,
		Slices: &slo.Slices{Method: slo.Timeslices, Window: time.Minute, Target: 0.95},
		Policy: burnrate.Policy{MinEvents: 3, Rules: []burnrate.Rule{{Severity: burnrate.SeverityPage, Long: 10 * time.Minute, Short: 2 * time.Minute, Factor: 5}}}})
	for i := range 36 {
		switch {
		case i >= 30 && i < 35:
			f.Add("checkout", 0, 10)
		default:
			f.Add("checkout", 10, 0)
		}
		f.Advance(time.Minute)
	}
	if st := f.Reg.Status()[0]; st.State != burnrate.SeverityPage {
		t.Fatalf("state %v, want page", st.State)
	}
	gate, err := slostatus.ReleaseGate(f.Reg)
	if err != nil {
		t.Fatal(err)
	}
	_, body := fetch(t, serve(t, gate), http.MethodGet, "/")
	const want = "would not reopen within checkout:availability's period (7d) if 50% of its 1m slices go on bad: its budget would not be back above zero"
	if !strings.Contains(body, want) {
		t.Errorf("the gate says\n%s\nwant it to say %q", body, want)
	}
}

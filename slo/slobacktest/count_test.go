package slobacktest_test

import (
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// A realistic day: diurnal traffic of 20 requests a second on average,
// 0.05% of them failing all day (half the rate 99.9% allows, so that
// quiet minutes at night hold a bad request in a few hundred), and one
// real incident, 40 minutes at 25% errors from 14:00. A person counts one
// incident, and it is significant: the night's lone bad requests are
// noise, not 196 more incidents. The objective's policy pages on it, then
// comes down to a ticket before ok: one page and one ticket, and the page
// is not flaky.
func TestBacktestCountsWhatAPersonCounts(t *testing.T) {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	sc := slobacktest.Scenario{Journey: "checkout", Start: start, Length: 24 * time.Hour, Rate: 20, Diurnal: 0.6, ErrorRatio: 0.0005,
		Incidents: []slobacktest.Incident{{Start: start.Add(14 * time.Hour), Duration: 40 * time.Minute, ErrorRatio: 0.25}}}
	samples, err := sc.Samples()
	if err != nil {
		t.Fatal(err)
	}
	res, err := slobacktest.Run(samples, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.999}}})
	if err != nil {
		t.Fatal(err)
	}
	o := res.Objectives[0]
	if len(o.Incidents) != 1 || !o.Incidents[0].Significant || !o.Incidents[0].Start.Equal(start.Add(14*time.Hour)) ||
		o.Incidents[0].Duration != 40*time.Minute {
		t.Fatalf("incidents %+v, want one significant, 14:00 for 40m", o.Incidents)
	}
	want := map[string][3]int{"threshold": {1, 0, 0}, "burnrate-1h": {1, 0, 0}, "objective": {1, 1, 0}}
	for _, p := range o.Policies {
		got := [3]int{p.Pages, p.Tickets, p.FlakyPages}
		if got != want[p.Name] || p.Significant != 1 || p.Detected != 1 {
			t.Errorf("%s: pages, tickets, flaky %v, significant %d, detected %d; want %v, 1, 1", p.Name, got, p.Significant, p.Detected, want[p.Name])
		}
	}
}

// An episode that reached ticket and page counts under each, as a person
// on call counts the page and the ticket they got: up from ticket to page,
// down from page to ticket, or both.
func TestEpisodeTicketed(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	open := t0.Add(time.Hour)
	for _, tc := range []struct {
		name string
		e    slo.Episode
		want bool
	}{
		{"a ticket", slo.Episode{Start: t0, Severity: burnrate.SeverityTicket, End: t0.Add(time.Hour)}, true},
		{"a page, ok after", slo.Episode{Start: t0, Severity: burnrate.SeverityPage, Paged: t0, Paging: 20 * time.Minute, End: t0.Add(20 * time.Minute)}, false},
		{"up from a ticket", slo.Episode{Start: t0, Severity: burnrate.SeverityPage, Paged: t0.Add(5 * time.Minute), Paging: 15 * time.Minute, End: t0.Add(20 * time.Minute)}, true},
		{"down to a ticket", slo.Episode{Start: t0, Severity: burnrate.SeverityPage, Paged: t0, Paging: 20 * time.Minute, End: t0.Add(50 * time.Minute)}, true},
		{"paging still, open", slo.Episode{Start: t0, Severity: burnrate.SeverityPage, Paged: t0, Paging: time.Hour}, false},
		{"down to a ticket, open", slo.Episode{Start: t0, Severity: burnrate.SeverityPage, Paged: t0, Paging: 40 * time.Minute}, true},
	} {
		if got := tc.e.Ticketed(open); got != tc.want {
			t.Errorf("%s: Ticketed = %v, want %v", tc.name, got, tc.want)
		}
	}
}

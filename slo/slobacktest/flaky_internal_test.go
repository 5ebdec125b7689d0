package slobacktest

import (
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// A real 40-minute incident at 25% errors, paged late (34m48s in) for
// 7m24s: the episode's own events spent little of a month's budget, and it
// ended within 10 minutes, but it answered a significant incident and is
// no flaky page. The same page with no incident under it is.
func TestPageOnAnIncidentIsNotFlaky(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	paged := t0.Add(34*time.Minute + 48*time.Second)
	page := slo.Episode{Start: paged, Severity: burnrate.SeverityPage, Rule: "page-1h-5m", Paged: paged,
		Paging: 7*time.Minute + 24*time.Second, End: paged.Add(7*time.Minute + 24*time.Second), BudgetSpent: 0.005}
	c := Config{Objective: slo.Objective{Journey: "checkout", Target: 0.999}.WithDefaults(), Flaky: slo.DefaultFlaky, FlakyBudget: slo.DefaultFlakyBudget}
	incident := IncidentResult{Incident: Incident{Journey: "checkout", Start: t0, Duration: 40 * time.Minute, ErrorRatio: 0.25}, Significant: true}
	for _, tc := range []struct {
		name      string
		incidents []IncidentResult
		flaky     int
		on        int
	}{
		{"on the incident", []IncidentResult{incident}, 0, 1},
		{"on nothing", nil, 1, 0},
	} {
		pr := PolicyResult{Policy: c.Objective.Policy, Detections: make([]Detection, len(tc.incidents))}
		pr.count(c, []slo.Episode{page}, tc.incidents, t0.Add(24*time.Hour))
		if pr.Pages != 1 || pr.FlakyPages != tc.flaky || pr.PagesOnIncidents != tc.on || pr.Tickets != 0 {
			t.Errorf("%s: pages %d, flaky %d, on incidents %d, tickets %d; want 1, %d, %d, 0", tc.name, pr.Pages, pr.FlakyPages, pr.PagesOnIncidents, pr.Tickets, tc.flaky, tc.on)
		}
	}
}

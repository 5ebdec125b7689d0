package slostatus

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// A card lists the newest episodes, newest first, and says how many the
// log holds; with too few events for a budget it states no share of one.
func TestEpisodeViews(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	var eps []slo.Episode
	for i := range 5 {
		start := at.Add(time.Duration(i-5) * time.Hour)
		eps = append(eps, slo.Episode{Start: start, End: start.Add(20 * time.Minute), Rule: "ticket-1d-2h",
			Severity: burnrate.SeverityTicket, PeakBurn: float64(i + 3), BudgetSpent: 0.01 * float64(i+1)})
	}
	eps[4].End = time.Time{} // open
	st := slo.Status{Time: at, Budget: slo.BudgetLeft}
	got, count := episodeViews(eps, st, time.UTC)
	want := []episodeView{
		{Severity: "ticket", Badge: "TICKET", Rule: "ticket-1d-2h", Start: "Mar 2 11:00 UTC", Lasted: "1h so far", Open: true, Details: "peak 7× · 5.0% of the budget"},
		{Severity: "ticket", Badge: "TICKET", Rule: "ticket-1d-2h", Start: "Mar 2 10:00 UTC", Lasted: "20m", Details: "peak 6× · 4.0% of the budget"},
		{Severity: "ticket", Badge: "TICKET", Rule: "ticket-1d-2h", Start: "Mar 2 09:00 UTC", Lasted: "20m", Details: "peak 5× · 3.0% of the budget"},
	}
	if diff := cmp.Diff(want, got); diff != "" || count != "5 in the log, the last 3 shown" {
		t.Errorf("views (-want +got):\n%s\ncount %q", diff, count)
	}

	st.Budget = slo.BudgetTooFewEvents
	got, count = episodeViews(eps[:1], st, time.UTC)
	if len(got) != 1 || got[0].Details != "peak 3×" || count != "1 in the log" {
		t.Errorf("with too few events: %+v, %q", got, count)
	}
	if got, count := episodeViews(nil, st, time.UTC); got != nil || count != "none in the log" {
		t.Errorf("no episodes: %+v, %q", got, count)
	}
}

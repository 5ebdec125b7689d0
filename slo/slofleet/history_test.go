package slofleet_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slofleet"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// matrix writes a range query's answer of one series per metric, each
// with the points of its instants and values.
func matrix(series ...string) string {
	return `{"status":"success","data":{"resultType":"matrix","result":[` + strings.Join(series, ",") + `]}}`
}

func matrixSeries(metric string, points map[time.Time]float64) string {
	var vs []string
	for at, v := range points {
		vs = append(vs, fmt.Sprintf(`[%d,"%v"]`, at.Unix(), v))
	}
	return `{"metric":` + metric + `,"values":[` + strings.Join(vs, ",") + `]}`
}

// The history of a day's objective, from answers written by hand: the
// burn-down of its 288 five-minute buckets (one bad event each, the whole
// budget over the day), the recent burn of its windows, and two episodes
// from ALERTS: a ticket that ended and a page still firing. Ten callers at
// once share one reading of four queries.
func TestHistoryAt(t *testing.T) {
	objs := []slo.Objective{{Journey: "checkout", Target: 0.999, Period: 24 * time.Hour}}
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	o := objs[0].WithDefaults()
	page, ticket := o.Policy.Rules[0], o.Policy.Rules[len(o.Policy.Rules)-1]
	if page.Severity != burnrate.SeverityPage || ticket.Severity != burnrate.SeverityTicket {
		t.Fatalf("the default policy's rules: %v", o.Policy.Rules)
	}
	own := `"journey":"checkout","objective":"availability"`
	down := map[time.Time]float64{}
	for k := range 288 {
		down[at.Add(-time.Duration(k)*5*time.Minute)] = 1
	}
	recent := map[time.Time]float64{at: 0.002, at.Add(-5 * time.Minute): 0.0005}
	ticketAt := map[time.Time]float64{}
	for m := range 5 { // 10:00 to 10:04
		ticketAt[at.Add(-2*time.Hour+time.Duration(m)*time.Minute)] = 1
	}
	pageAt := map[time.Time]float64{}
	for m := range 11 { // 11:50 to 12:00, open
		pageAt[at.Add(-10*time.Minute+time.Duration(m)*time.Minute)] = 1
	}
	var mu sync.Mutex
	var queries []string
	release := make(chan struct{})
	prom := newStand(t, func(w http.ResponseWriter, r *http.Request) {
		<-release
		q := r.FormValue("query")
		mu.Lock()
		queries = append(queries, q)
		mu.Unlock()
		switch {
		case r.URL.Path == "/api/v1/query":
			io.WriteString(w, fleetAnswer(objs, 287712, 288, at))
		case strings.Contains(q, "ALERTS"):
			io.WriteString(w, matrix(
				matrixSeries(`{"alertname":"JourneyErrorBudgetBurn",`+own+`,"rule":"`+ticket.String()+`","severity":"ticket"}`, ticketAt),
				matrixSeries(`{"alertname":"JourneyErrorBudgetBurn",`+own+`,"rule":"`+page.String()+`","severity":"page"}`, pageAt),
				matrixSeries(`{"alertname":"JourneyNoData",`+own+`,"severity":"ticket"}`, ticketAt)))
		case strings.Contains(q, slorules.ErrorRatioPrefix):
			io.WriteString(w, matrix(matrixSeries(`{"__name__":"`+slorules.ErrorRatioPrefix+`5m",`+own+`,"window":"5m"}`, recent)))
		default:
			io.WriteString(w, matrix(matrixSeries(`{"__name__":"`+slorules.EventsPrefix+`5m",`+own+`,"outcome":"bad","window":"5m"}`, down)))
		}
	})
	mock := clock.NewMock()
	mock.Set(at)
	client, err := slofleet.New(objs, prom.URL, slofleet.WithClock(mock), slofleet.WithRoundTripper(transport(t)))
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]slo.History, 10)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			var err error
			if got[i], err = client.History(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	for prom.queries.Load() < 4 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if n := prom.queries.Load(); n != 4 {
		t.Errorf("ten callers made %d queries, want 4: %q", n, queries)
	}
	for i := 1; i < len(got); i++ {
		if diff := cmp.Diff(got[0], got[i]); diff != "" {
			t.Fatalf("caller %d's history differs from the first's:\n%s", i, diff)
		}
	}
	if len(got[0]) != 1 {
		t.Fatalf("%d histories, want 1", len(got[0]))
	}
	h := got[0][0]
	if h.Status.Good != 287712 || h.Status.Bad != 288 || !h.Status.Time.Equal(at) {
		t.Errorf("Status %+v, want 287712 good and 288 bad at %v", h.Status, at)
	}

	allowed := 288000 * burnrate.ErrorBudget(0.999)
	if len(h.BurnDown) != 288 {
		t.Fatalf("a burn-down of %d points, want 288", len(h.BurnDown))
	}
	for k, p := range h.BurnDown {
		want := slo.BudgetPoint{End: at.Add(-time.Duration(287-k) * 5 * time.Minute), Remaining: 1 - float64(k+1)/allowed}
		if k == 287 {
			want.Remaining = h.Status.BudgetRemaining
		}
		if p != want {
			t.Errorf("burn-down point %d: %+v, want %+v", k, p, want)
		}
	}

	if len(h.Recent) != 73 {
		t.Fatalf("%d recent points, want 73", len(h.Recent))
	}
	last, before := h.Recent[72], h.Recent[71]
	five := func(p slo.RecentPoint) burnrate.Burn { return p.Windows[0] }
	if !last.Time.Equal(at) || five(last) != (burnrate.Burn{Window: 5 * time.Minute, Rate: 2}) ||
		five(before) != (burnrate.Burn{Window: 5 * time.Minute, Rate: 0.5}) || !h.Recent[0].Windows[0].NoData || !last.Windows[1].NoData {
		t.Errorf("recent: last %+v, before %+v, first %+v; want 5m burning at 2 then 0.5, and no data elsewhere", last, before, h.Recent[0])
	}

	wantEpisodes := []slo.Episode{
		{Journey: "checkout", Objective: "availability", Start: at.Add(-2 * time.Hour), End: at.Add(-2*time.Hour + 5*time.Minute),
			Rule: ticket.String(), Severity: burnrate.SeverityTicket},
		{Journey: "checkout", Objective: "availability", Start: at.Add(-10 * time.Minute), Rule: page.String(), Severity: burnrate.SeverityPage,
			Paged: at.Add(-10 * time.Minute), Paging: 11 * time.Minute},
	}
	if diff := cmp.Diff(wantEpisodes, h.Episodes); diff != "" {
		t.Errorf("episodes (-want +got):\n%s", diff)
	}
	// The reading is reused for the poll interval: no query more.
	if _, err := client.History(context.Background()); err != nil || prom.queries.Load() != 4 {
		t.Errorf("a reading within the poll interval: error %v, %d queries in all, want 4", err, prom.queries.Load())
	}
}

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

// The history of an objective grouped by cluster, from answers written by
// hand: eu1 pages (its 288 five-minute buckets hold a bad event each, its
// 5m window burns at 2) while us1 is fine (twenty bad events in its last
// ten buckets, its 5m window at 0.1, a ticket that ended). Its Status is
// eu1's, and so is its History, named by its Group: eu1's burn-down,
// recent burn and page, none of us1's, though every answer lists us1's
// series after eu1's. The reading is four queries, as without groups.
func TestHistoryAtGrouped(t *testing.T) {
	objs := []slo.Objective{{Journey: "checkout", Target: 0.999, Period: 24 * time.Hour, GroupBy: []string{"cluster"}}}
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	o := objs[0].WithDefaults()
	page, ticket := o.Policy.Rules[0], o.Policy.Rules[len(o.Policy.Rules)-1]
	own := func(cluster string) string {
		return `"journey":"checkout","objective":"availability","cluster":"` + cluster + `"`
	}
	ts := fmt.Sprintf("%d", at.Unix())
	sample := func(metric, value string) string {
		return `{"metric":` + metric + `,"value":[` + ts + `,"` + value + `"]}`
	}
	// us1 first: the worst group is chosen by its figures, not its place.
	instant := `{"status":"success","data":{"resultType":"vector","result":[` + strings.Join([]string{
		sample(fmt.Sprintf(`{"__name__":%q,"journey":"checkout","objective":"availability","target":"0.999","period":"1d","min_events":"%d"}`, slorules.Info, o.Policy.MinEvents), "1"),
		sample(`{"__name__":"`+slorules.EventsPrefix+`1d",`+own("us1")+`,"outcome":"good"}`, "287980"),
		sample(`{"__name__":"`+slorules.EventsPrefix+`1d",`+own("us1")+`,"outcome":"bad"}`, "20"),
		sample(`{"__name__":"`+slorules.EventsPrefix+`1d",`+own("eu1")+`,"outcome":"good"}`, "287712"),
		sample(`{"__name__":"`+slorules.EventsPrefix+`1d",`+own("eu1")+`,"outcome":"bad"}`, "288"),
		sample(`{"__name__":"`+slorules.Firing+`",`+own("eu1")+`,"rule":"`+page.String()+`"}`, "1"),
	}, ",") + `]}}`
	euDown, usDown := map[time.Time]float64{}, map[time.Time]float64{}
	for k := range 288 {
		euDown[at.Add(-time.Duration(k)*5*time.Minute)] = 1
	}
	for k := range 10 {
		usDown[at.Add(-time.Duration(k)*5*time.Minute)] = 2
	}
	euRecent := map[time.Time]float64{at: 0.002, at.Add(-5 * time.Minute): 0.0005}
	usRecent := map[time.Time]float64{at: 0.0001, at.Add(-5 * time.Minute): 0.0001}
	ticketAt := map[time.Time]float64{}
	for m := range 5 { // 10:00 to 10:04
		ticketAt[at.Add(-2*time.Hour+time.Duration(m)*time.Minute)] = 1
	}
	pageAt := map[time.Time]float64{}
	for m := range 11 { // 11:50 to 12:00, open
		pageAt[at.Add(-10*time.Minute+time.Duration(m)*time.Minute)] = 1
	}
	prom := newStand(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.FormValue("query")
		switch {
		case r.URL.Path == "/api/v1/query":
			io.WriteString(w, instant)
		case strings.Contains(q, "ALERTS"):
			io.WriteString(w, matrix(
				matrixSeries(`{"alertname":"JourneyErrorBudgetBurn",`+own("eu1")+`,"rule":"`+page.String()+`","severity":"page"}`, pageAt),
				matrixSeries(`{"alertname":"JourneyErrorBudgetBurn",`+own("us1")+`,"rule":"`+ticket.String()+`","severity":"ticket"}`, ticketAt)))
		case strings.Contains(q, slorules.ErrorRatioPrefix):
			io.WriteString(w, matrix(
				matrixSeries(`{"__name__":"`+slorules.ErrorRatioPrefix+`5m",`+own("eu1")+`,"window":"5m"}`, euRecent),
				matrixSeries(`{"__name__":"`+slorules.ErrorRatioPrefix+`5m",`+own("us1")+`,"window":"5m"}`, usRecent)))
		default:
			io.WriteString(w, matrix(
				matrixSeries(`{"__name__":"`+slorules.EventsPrefix+`5m",`+own("eu1")+`,"outcome":"bad","window":"5m"}`, euDown),
				matrixSeries(`{"__name__":"`+slorules.EventsPrefix+`5m",`+own("us1")+`,"outcome":"bad","window":"5m"}`, usDown)))
		}
	})
	client, err := slofleet.New(objs, prom.URL, slofleet.WithRoundTripper(transport(t)))
	if err != nil {
		t.Fatal(err)
	}
	hs, err := client.HistoryAt(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	if n := prom.queries.Load(); n != 4 {
		t.Errorf("the reading made %d queries, want 4", n)
	}
	if len(hs) != 1 {
		t.Fatalf("%d histories, want 1", len(hs))
	}
	h := hs[0]
	sts, err := client.StatusAt(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sts[0], h.Status); diff != "" {
		t.Errorf("the History's Status differs from StatusAt's (-StatusAt +History):\n%s", diff)
	}
	if h.Status.Good != 287712 || h.Status.Bad != 288 || h.Status.State != burnrate.SeverityPage || h.Status.Rule != page.String() {
		t.Errorf("Status %d good, %d bad, %v on %q; want eu1's 287712 good and 288 bad, paging on %s",
			h.Status.Good, h.Status.Bad, h.Status.State, h.Status.Rule, page)
	}
	if diff := cmp.Diff(map[string]string{"cluster": "eu1"}, h.Group); diff != "" {
		t.Errorf("Group (-want +got):\n%s", diff)
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
			t.Errorf("burn-down point %d: %+v, want eu1's %+v", k, p, want)
		}
	}

	if len(h.Recent) != 73 {
		t.Fatalf("%d recent points, want 73", len(h.Recent))
	}
	last, before := h.Recent[72].Windows[0], h.Recent[71].Windows[0]
	if last != (burnrate.Burn{Window: 5 * time.Minute, Rate: 2}) || before != (burnrate.Burn{Window: 5 * time.Minute, Rate: 0.5}) {
		t.Errorf("recent 5m: last %+v, before %+v; want eu1's 2 then 0.5", last, before)
	}

	wantEpisodes := []slo.Episode{{Journey: "checkout", Objective: "availability", Start: at.Add(-10 * time.Minute),
		Rule: page.String(), Severity: burnrate.SeverityPage, Paged: at.Add(-10 * time.Minute), Paging: 11 * time.Minute}}
	if diff := cmp.Diff(wantEpisodes, h.Episodes); diff != "" {
		t.Errorf("episodes (-want eu1's page +got):\n%s", diff)
	}
}

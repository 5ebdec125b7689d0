package slostatus_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// The page of the "page" situation: checkout (99%) pages by page-6h-30m
// with 90% of its budget left; search is untouched.
func TestStatusPageHTML(t *testing.T) {
	f := reach(t, "page")
	srv := serve(t, slostatus.StatusPage(f.Reg))
	resp, body := fetch(t, srv, http.MethodGet, "/slo")
	for header, want := range map[string]string{
		"Content-Type":            "text/html; charset=utf-8",
		"Cache-Control":           "no-cache",
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'",
	} {
		if got := resp.Header.Get(header); got != want {
			t.Errorf("%s: %q, want %q", header, got, want)
		}
	}
	if resp.StatusCode != 200 {
		t.Errorf("status %d, want 200", resp.StatusCode)
	}
	for _, want := range []string{
		"<title>PAGE · Error budgets</title>",
		`<meta http-equiv="refresh" content="30">`,
		"As of Mar 2, 2026 07:00:01 UTC · refreshes every 30s",
		`<li class="pill page">1 paging</li>`,
		`<li class="pill ok">1 ok</li>`,
		// checkout
		`<article class="card page" aria-labelledby="o0-h">`,
		`<h3 id="o0-h">checkout <span class="objective">availability</span></h3>`,
		`<p class="goal">99% good over 30d</p>`,
		`PAGE</span>`,
		`<p class="since">Paging since Mar 2 07:00 UTC (0s) by page-6h-30m</p>`,
		`<dt>SLI</dt><dd><span class="value">99.90%</span><span class="note">target 99%</span>`,
		`<dt>Budget left</dt><dd><span class="value">90.0%</span><span class="note" title="100 bad events of 1000 allowed over 30d">100 of 1.0k spent</span>`,
		`<dt>Runs out in</dt><dd><span class="value">2d 16h</span><span class="note">at the 1h burn rate</span>`,
		`<desc id="o0-cd">Budget remaining over the last 30d, from 100% to 90.0%; lowest 90.0%.</desc>`,
		`<tr title="page-1h-5m">`,
		`<tr class="firing" title="page-6h-30m: firing">`,
		`<td><span class="sev page firing">page</span><span class="hidden"> (firing)</span> 6h / 30m</td>`,
		`<td class="num">10× / 10×</td>`,
		`<td class="num">≥ 6×</td>`,
		`<td class="num">0.1× / 10×</td>`,
		// search
		`<article class="card ok" aria-labelledby="o1-h">`,
		`<dt>SLI</dt><dd><span class="value">100.00%</span>`,
		`<dt>Runs out in</dt><dd><span class="value">never</span><span class="note">not burning over 1h</span>`,
		`<a href="?format=json">This page as JSON</a> · journeyslo`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// Nothing is fetched from anywhere, nothing runs.
	for _, banned := range []string{"<script", "http://", "https://", "src=", "@import", "url(", "NaN", "Inf"} {
		if strings.Contains(body, banned) {
			t.Errorf("page contains %q", banned)
		}
	}
	if t.Failed() {
		t.Log(body)
	}
}

func TestStatusPageOptions(t *testing.T) {
	f := reach(t, "ok")
	for _, tc := range []struct {
		name    string
		opts    []slostatus.PageOption
		want    []string
		wantNot []string
	}{
		{"defaults", nil,
			[]string{"<title>Error budgets</title>", `<meta http-equiv="refresh" content="30">`, "refreshes every 30s"}, nil},
		{"a title is escaped", []slostatus.PageOption{slostatus.WithTitle(`<b>Shop</b> & "co"`)},
			[]string{"<title>&lt;b&gt;Shop&lt;/b&gt; &amp; &#34;co&#34;</title>", "<h1>&lt;b&gt;Shop&lt;/b&gt; &amp; &#34;co&#34;</h1>"},
			[]string{"<b>Shop"}},
		{"refresh rounds up to whole seconds", []slostatus.PageOption{slostatus.WithRefresh(1500 * time.Millisecond)},
			[]string{`<meta http-equiv="refresh" content="2">`, "refreshes every 2s"}, nil},
		{"no refresh", []slostatus.PageOption{slostatus.WithRefresh(0)}, nil,
			[]string{`http-equiv="refresh"`, "refreshes every"}},
		{"the last option wins", []slostatus.PageOption{slostatus.WithRefresh(0), slostatus.WithRefresh(time.Minute)},
			[]string{`<meta http-equiv="refresh" content="60">`}, nil},
	} {
		srv := serve(t, slostatus.StatusPage(f.Reg, tc.opts...))
		_, body := fetch(t, srv, http.MethodGet, "/")
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: page lacks %s", tc.name, w)
			}
		}
		for _, w := range tc.wantNot {
			if strings.Contains(body, w) {
				t.Errorf("%s: page contains %s", tc.name, w)
			}
		}
	}
}

// jsonPage mirrors the JSON form as StatusPage documents it; decoding
// refuses any field it does not name.
type jsonPage struct {
	Title      string  `json:"title"`
	Time       string  `json:"time"`
	Stalled    bool    `json:"stalled"`
	LagSeconds float64 `json:"lagSeconds"`
	Unmatched  struct {
		Good uint64 `json:"good"`
		Bad  uint64 `json:"bad"`
	} `json:"unmatched"`
	Objectives []jsonObjective `json:"objectives"`
	Review     slo.Review      `json:"review"` // its shape is slo's, tested there
}

type jsonObjective struct {
	Journey          string        `json:"journey"`
	Objective        string        `json:"objective"`
	Target           float64       `json:"target"`
	Period           string        `json:"period"`
	Latency          string        `json:"latency"`
	Time             string        `json:"time"`
	Good             uint64        `json:"good"`
	Bad              uint64        `json:"bad"`
	TotalGood        uint64        `json:"totalGood"`
	TotalBad         uint64        `json:"totalBad"`
	SLI              *float64      `json:"sli"`
	NoData           bool          `json:"noData"`
	MinEvents        uint64        `json:"minEvents"`
	Covered          string        `json:"covered"`
	MinCovered       string        `json:"minCovered"`
	Budget           string        `json:"budget"`
	BudgetRemaining  float64       `json:"budgetRemaining"`
	TimeToExhaustion *string       `json:"timeToExhaustion"`
	ExhaustionWindow string        `json:"exhaustionWindow"`
	State            string        `json:"state"`
	Rule             string        `json:"rule"`
	Since            string        `json:"since"`
	Windows          []jsonWindow  `json:"windows"`
	Rules            []jsonRule    `json:"rules"`
	BurnDown         []jsonPoint   `json:"burnDown"`
	Episodes         []slo.Episode `json:"episodes"` // their shape is slo's, tested there
}

type jsonWindow struct {
	Window   string  `json:"window"`
	Good     uint64  `json:"good"`
	Bad      uint64  `json:"bad"`
	BurnRate float64 `json:"burnRate"`
	NoData   bool    `json:"noData"`
}

type jsonRule struct {
	Name          string  `json:"name"`
	Severity      string  `json:"severity"`
	Long          string  `json:"long"`
	Short         string  `json:"short"`
	Factor        float64 `json:"factor"`
	LongBurnRate  float64 `json:"longBurnRate"`
	ShortBurnRate float64 `json:"shortBurnRate"`
	Burning       bool    `json:"burning"`
	Firing        bool    `json:"firing"`
}

type jsonPoint struct {
	End       string  `json:"end"`
	Remaining float64 `json:"remaining"`
}

func decodePage(t *testing.T, body string) jsonPage {
	t.Helper()
	var p jsonPage
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("decoding the JSON form: %v\n%s", err, body)
	}
	return p
}

func ptr[T any](v T) *T { return &v }

func TestStatusPageJSON(t *testing.T) {
	f := reach(t, "page")
	f.Add("admin", 3, 1) // an undeclared journey
	f.Advance(time.Second)
	srv := serve(t, slostatus.StatusPage(f.Reg, slostatus.WithTitle("Shop")))
	resp, body := fetch(t, srv, http.MethodGet, "/slo?format=json")
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "application/json" {
		t.Fatalf("%d %s, want 200 application/json", resp.StatusCode, ct)
	}
	got := decodePage(t, body)

	// The burn-down has one point per 6-hour bucket the period touches:
	// the period [Jan 31 07:00, Mar 2 07:00) starts inside the bucket of
	// Jan 31 06:00 and ends in the current one, 121 buckets. The one
	// before the current ends at 06:00, before the errors.
	for i, o := range got.Objectives {
		if len(o.BurnDown) != 121 {
			t.Fatalf("objective %d: %d burn-down points, want 121", i, len(o.BurnDown))
		}
	}
	wantPoints := map[int]jsonPoint{
		0:   {"2026-01-31T12:00:00Z", 1},
		119: {"2026-03-02T06:00:00Z", 1},
		120: {"2026-03-02T07:00:02Z", 0.9}, // the current bucket ends at the last evaluation
	}
	for i, p := range wantPoints {
		if got.Objectives[0].BurnDown[i] != p {
			t.Errorf("checkout burn-down point %d: %+v, want %+v", i, got.Objectives[0].BurnDown[i], p)
		}
	}
	for i := range got.Objectives {
		got.Objectives[i].BurnDown = nil
	}

	// checkout's episode is open: it left ok and paged at the evaluation
	// of 07:00:01, which counted the 900 good and 100 bad events, burning
	// at 10 over page-6h-30m's 6h window; at the last evaluation it has
	// paged for a second and spent 100 of the 1000 events the period
	// allows. search has none.
	at := time.Date(2026, 3, 2, 7, 0, 1, 0, time.UTC)
	wantEpisodes := [][]slo.Episode{{{Journey: "checkout", Objective: "availability", Start: at, Rule: "page-6h-30m",
		Severity: burnrate.SeverityPage, Paged: at, Paging: time.Second, PeakBurn: 10, Good: 900, Bad: 100, BudgetSpent: 0.1}}, {}}
	for i, o := range got.Objectives {
		if diff := cmp.Diff(wantEpisodes[i], o.Episodes); diff != "" {
			t.Errorf("objective %d's episodes (-want +got):\n%s", i, diff)
		}
		got.Objectives[i].Episodes = nil
	}
	// The review: each objective's period up to the last evaluation, the
	// same episode counted as a page, nothing flaky (it is still open).
	rv := got.Review
	if len(rv.Objectives) != 2 || !rv.Time.Equal(at.Add(time.Second)) || rv.Options.Flaky != slo.DefaultFlaky {
		t.Fatalf("review: %+v", rv)
	}
	if c := rv.Objectives[0]; c.Pages != 1 || c.Tickets != 0 || c.FlakyPages != 0 || c.Paging != time.Second || len(c.Episodes) != 1 {
		t.Errorf("checkout's review: %+v", c)
	}
	if s := rv.Objectives[1]; s.Pages+s.Tickets != 0 || len(s.Episodes) != 0 {
		t.Errorf("search's review: %+v", s)
	}
	got.Review = slo.Review{}

	rules := func(long, short []float64, firing int) []jsonRule {
		out := []jsonRule{
			{Name: "page-1h-5m", Severity: "page", Long: "1h", Short: "5m", Factor: 14.4},
			{Name: "page-6h-30m", Severity: "page", Long: "6h", Short: "30m", Factor: 6},
			{Name: "ticket-1d-2h", Severity: "ticket", Long: "1d", Short: "2h", Factor: 3},
			{Name: "ticket-3d-6h", Severity: "ticket", Long: "3d", Short: "6h", Factor: 1},
		}
		for i := range out {
			out[i].LongBurnRate, out[i].ShortBurnRate = long[i], short[i]
			out[i].Burning = i == firing
			out[i].Firing = i == firing
		}
		return out
	}
	want := jsonPage{
		Title:      "Shop",
		Time:       "2026-03-02T07:00:02Z",
		LagSeconds: 0,
		Objectives: []jsonObjective{{
			Journey: "checkout", Objective: "availability", Target: 0.99, Period: "30d",
			Time: "2026-03-02T07:00:02Z", Good: 99900, Bad: 100, TotalGood: 99900, TotalBad: 100,
			SLI: ptr(0.999), MinEvents: 100, Covered: "3d7h2s", MinCovered: "3d", Budget: "left", BudgetRemaining: 0.9, TimeToExhaustion: ptr("2d16h48m"), ExhaustionWindow: "1h",
			State: "page", Rule: "page-6h-30m", Since: "2026-03-02T07:00:01Z",
			// The last 7 hours hold 900 good and 100 bad; the day and
			// three days, everything.
			Windows: []jsonWindow{
				{"5m", 900, 100, 10, false}, {"30m", 900, 100, 10, false}, {"1h", 900, 100, 10, false},
				{"2h", 900, 100, 10, false}, {"6h", 900, 100, 10, false},
				{"1d", 99900, 100, 0.1, false}, {"3d", 99900, 100, 0.1, false},
			},
			Rules: rules([]float64{10, 10, 0.1, 0.1}, []float64{10, 10, 10, 10}, 1),
		}, {
			Journey: "search", Objective: "availability", Target: 0.99, Period: "30d",
			Time: "2026-03-02T07:00:02Z", Good: 1000, Bad: 0, TotalGood: 1000,
			SLI: ptr(1.0), MinEvents: 100, Covered: "3d7h2s", MinCovered: "3d", Budget: "left", BudgetRemaining: 1, TimeToExhaustion: nil, ExhaustionWindow: "1h",
			State: "ok", Since: "2026-02-27T00:00:00Z", // when the registry started, three quiet days before the traffic
			// The 1000 events are 7 hours old: only the day and three days
			// hold them.
			Windows: []jsonWindow{
				{"5m", 0, 0, 0, true}, {"30m", 0, 0, 0, true}, {"1h", 0, 0, 0, true},
				{"2h", 0, 0, 0, true}, {"6h", 0, 0, 0, true},
				{"1d", 1000, 0, 0, false}, {"3d", 1000, 0, 0, false},
			},
			Rules: rules([]float64{0, 0, 0, 0}, []float64{0, 0, 0, 0}, -1),
		}},
	}
	want.Unmatched.Good, want.Unmatched.Bad = 3, 1
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON form (-want +got):\n%s", diff)
	}
}

// Latency objectives name their threshold; an objective with no events has
// no SLI and nothing burning: null for both, never NaN.
func TestStatusPageJSONNoData(t *testing.T) {
	f := fixture.Aged(t, slo.Objective{Journey: "search", Target: 0.95, Latency: 300 * time.Millisecond})
	f.Advance(time.Second)
	srv := serve(t, slostatus.StatusPage(f.Reg))
	_, body := fetch(t, srv, http.MethodGet, "/?format=json")
	o := decodePage(t, body).Objectives[0]
	if o.Latency != "300ms" || o.Objective != "latency" || o.SLI != nil || !o.NoData || o.TimeToExhaustion != nil || o.BudgetRemaining != 1 {
		t.Errorf("latency %q, objective %q, sli %v, noData %v, timeToExhaustion %v, budgetRemaining %v; want 300ms, latency, null, true, null, 1",
			o.Latency, o.Objective, o.SLI, o.NoData, o.TimeToExhaustion, o.BudgetRemaining)
	}
	for _, w := range []string{`"sli": null`, `"timeToExhaustion": null`} {
		if !strings.Contains(body, w) {
			t.Errorf("JSON form lacks %s", w)
		}
	}
	_, html := fetch(t, srv, http.MethodGet, "/")
	for _, w := range []string{
		`<p class="goal">95% within 300ms over 30d</p>`,
		`<span class="value">no data</span><span class="note">no events in 30d</span>`,
		`<desc id="o0-cd">No events in the period; no budget is drawn for the last 30d.</desc>`,
		"No events in the period",
	} {
		if !strings.Contains(html, w) {
			t.Errorf("page lacks %s", w)
		}
	}
}

func TestStatusPageStale(t *testing.T) {
	f := reach(t, "ok")
	f.Mock.Add(31 * time.Second)
	srv := serve(t, slostatus.StatusPage(f.Reg))
	_, html := fetch(t, srv, http.MethodGet, "/")
	const banner = `<p class="stale" role="alert">Stale: the registry has not advanced for 31s; the states and budgets below are from Mar 2 00:00:01 UTC.</p>`
	if !strings.Contains(html, banner) {
		t.Errorf("page lacks %s", banner)
	}
	_, body := fetch(t, srv, http.MethodGet, "/?format=json")
	if p := decodePage(t, body); !p.Stalled || p.LagSeconds != 31 || p.Time != "2026-03-02T00:00:32Z" {
		t.Errorf("stalled %v, lagSeconds %v, time %s; want true, 31, 2026-03-02T00:00:32Z", p.Stalled, p.LagSeconds, p.Time)
	}
}

func TestStatusPageRequests(t *testing.T) {
	f := reach(t, "ok")
	srv := serve(t, slostatus.StatusPage(f.Reg))
	for _, tc := range []struct {
		method, path string
		code         int
		ctype        string
		empty        bool
	}{
		{http.MethodGet, "/", 200, "text/html; charset=utf-8", false},
		{http.MethodGet, "/?format=html", 200, "text/html; charset=utf-8", false},
		{http.MethodGet, "/?format=json", 200, "application/json", false},
		{http.MethodHead, "/", 200, "text/html; charset=utf-8", true},
		{http.MethodGet, "/?format=xml", 400, "text/plain; charset=utf-8", false},
		{http.MethodPost, "/", 405, "text/plain; charset=utf-8", false},
	} {
		resp, body := fetch(t, srv, tc.method, tc.path)
		if resp.StatusCode != tc.code || resp.Header.Get("Content-Type") != tc.ctype || (body == "") != tc.empty {
			t.Errorf("%s %s: %d %s, %d bytes; want %d %s, empty %v",
				tc.method, tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body), tc.code, tc.ctype, tc.empty)
		}
	}
	if _, body := fetch(t, srv, http.MethodGet, "/?format=xml"); body != "unknown format \"xml\": use json, or none for HTML\n" {
		t.Errorf("unknown format: %q", body)
	}
}

// The handlers read the registry while it advances and records: the race
// detector watches.
func TestHandlersWhileAdvancing(t *testing.T) {
	f := fixture.Aged(t, twoJourneys...)
	page := slostatus.StatusPage(f.Reg)
	health := slostatus.Health(f.Reg)
	gate, err := slostatus.ReleaseGate(f.Reg, slostatus.WithObjectives("checkout"))
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slo":
			page.ServeHTTP(w, r)
		case "/health":
			health.ServeHTTP(w, r)
		default:
			gate.ServeHTTP(w, r)
		}
	}))
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		now := start
		for {
			select {
			case <-done:
				return
			default:
			}
			now = now.Add(3 * time.Second)
			fixture.Journey(f.Reg, "checkout").Add(99, 1)
			f.Reg.Advance(now)
		}
	}()
	for i := 0; i < 20; i++ {
		for _, path := range []string{"/slo", "/slo?format=json", "/health", "/gate"} {
			resp, body := fetch(t, srv, http.MethodGet, path)
			if resp.StatusCode != 200 && resp.StatusCode != 503 || !bytes.Contains([]byte(body), []byte("checkout")) {
				t.Errorf("GET %s: %d, body of %d bytes without checkout", path, resp.StatusCode, len(body))
			}
		}
	}
	close(done)
	wg.Wait()
}

// At low traffic a rule can burn without firing (the policy's MinEvents
// guard): its row says so in words, and its label is outlined, not filled.
func TestStatusPageBurningRule(t *testing.T) {
	f := fixture.Aged(t, slo.Objective{Journey: "admin", Target: 0.99}) // fires from 100 events
	f.Add("admin", 10, 10)
	f.Advance(time.Second)
	srv := serve(t, slostatus.StatusPage(f.Reg))
	_, html := fetch(t, srv, http.MethodGet, "/")
	for _, w := range []string{
		`<tr title="page-1h-5m: burning, too few events to fire">`,
		`<td><span class="sev page burning">page</span><span class="hidden"> (burning, too few events to fire)</span> 1h / 5m</td>`,
		`<td class="num">50× / 50×</td>`,
		// 20 events of the 100 a budget needs: no budget claimed.
		`<article class="card ok" aria-labelledby="o0-h">`,
		`<span class="badge evidence" title="not enough events: 20 of 100">TOO FEW EVENTS</span>`,
		`<div class="budget evidence"><dt>Budget</dt><dd><span class="value">not enough events: 20 of 100</span><span class="note">a budget needs 100 events over 30d</span></dd></div>`,
	} {
		if !strings.Contains(html, w) {
			t.Errorf("page lacks %s", w)
		}
	}
	if strings.Contains(html, `class="firing"`) {
		t.Error("a rule under the guard is shown firing")
	}
}

package slostatus_test

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// gateBody is the part of a gate's response the tests compare.
type gateBody struct {
	Status    string
	Output    string
	ReopensAt string
	Override  *struct{ Until, Reason string }
	Checks    map[string][]struct {
		Status string
		Output string
	}
}

// ask sends one GET to the gate and decodes its answer.
func ask(t *testing.T, gate http.Handler) (*http.Response, gateBody) {
	t.Helper()
	srv := serve(t, gate)
	resp, body := fetch(t, srv, http.MethodGet, "/")
	if ct := resp.Header.Get("Content-Type"); ct != "application/health+json" {
		t.Errorf("Content-Type %q, want application/health+json", ct)
	}
	var b gateBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, body)
	}
	return resp, b
}

func TestReleaseGateRefusesUndeclaredNames(t *testing.T) {
	reg := fixture.Aged(t, twoJourneys...).Reg
	for _, tc := range []struct {
		names []string
		want  string
	}{
		{[]string{"chekout"}, `slostatus: ReleaseGate: journey "chekout" is not declared; declared journeys: checkout, search`},
		{[]string{"checkout:latency"}, `slostatus: ReleaseGate: journey "checkout" has no objective "latency"; its objectives: availability`},
		{[]string{"search", "login", "checkout:"}, `slostatus: ReleaseGate: journey "login" is not declared; declared journeys: checkout, search` + "\n" +
			`slostatus: ReleaseGate: journey "checkout" has no objective ""; its objectives: availability`},
	} {
		g, err := slostatus.ReleaseGate(reg, slostatus.WithObjectives(tc.names...))
		if g != nil || !errors.Is(err, slo.ErrInvalid) || err.Error() != tc.want {
			t.Errorf("ReleaseGate(%q) = %v, %v\nwant nil and %s", tc.names, g, err, tc.want)
		}
	}
}

func TestReleaseGate(t *testing.T) {
	const stale = "lag: the registry has not advanced for 31s, more than ten ticks of 3s: its states and budgets are stale, so the gate cannot judge them; a gate that cannot judge stays shut"
	const poll = "; ask again in 5m (Retry-After)"
	for _, tc := range []struct {
		situation string
		names     []string
		stall     bool
		code      int
		status    string
		checks    []string // keys of the checks, lag aside
		output    string
	}{
		{"ok", nil, false, 200, "pass", []string{"checkout:availability", "search:availability"}, ""},
		{"ok", []string{"checkout"}, false, 200, "pass", []string{"checkout:availability"}, ""},
		// The page's events came within one tick, at 10% errors: at that
		// rate and ratio, its page-6h-30m never clears.
		{"page", []string{"checkout"}, false, 503, "fail", []string{"checkout:availability"},
			"release freeze: checkout:availability: page: page-6h-30m fires, burning 10x over 6h and 10x over 30m, at or above 6x; would not reopen within checkout:availability's period (30d) if its traffic goes on at 333 req/s with 10% errors: its page-6h-30m would not clear" + poll},
		{"page", nil, false, 503, "fail", []string{"checkout:availability", "search:availability"},
			"release freeze: checkout:availability: page: page-6h-30m fires, burning 10x over 6h and 10x over 30m, at or above 6x; would not reopen within checkout:availability's period (30d) if its traffic goes on at 333 req/s with 10% errors: its page-6h-30m would not clear" + poll},
		// Only the chosen journeys count.
		{"page", []string{"search"}, false, 200, "pass", []string{"search:availability"}, ""},
		// 1% errors four days ago spent a 99% budget exactly; with no
		// traffic since, it is back when they leave the 30 days.
		{"spent", []string{"checkout"}, false, 503, "fail", []string{"checkout:availability"},
			"release freeze: checkout:availability: error budget spent; reopens at 2026-04-01T00:00:03Z (in 26d2s), when checkout:availability's budget is back above zero, if its traffic goes on at 0 req/s with 0% errors"},
		// A slow burn freezes nothing, but says so.
		{"ticket", []string{"checkout"}, false, 200, "warn", []string{"checkout:availability"},
			"checkout:availability: ticket: ticket-1d-2h fires, burning 4x over 1d and 4x over 2h, at or above 3x"},
		// No events: no claim on the budget, and the gate says so.
		{"no data", []string{"checkout"}, false, 200, "warn", []string{"checkout:availability"},
			"checkout:availability: not enough events: 0 of 100, too few for a claim on the budget"},
		// A gate that cannot judge stays shut.
		{"ok", []string{"checkout"}, true, 503, "fail", []string{"checkout:availability"}, "release freeze: " + stale + poll},
	} {
		name := tc.situation + " gated on " + strings.Join(tc.names, ",")
		f := reach(t, tc.situation)
		if tc.stall {
			f.Mock.Add(31 * time.Second)
			name += ", stalled"
		}
		gate, err := slostatus.ReleaseGate(f.Reg, slostatus.WithObjectives(tc.names...))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		resp, b := ask(t, gate)
		if resp.StatusCode != tc.code || b.Status != tc.status || b.Output != tc.output {
			t.Errorf("%s: %d, status %q, output %q\nwant %d, %q, %q", name, resp.StatusCode, b.Status, b.Output, tc.code, tc.status, tc.output)
		}
		if ra := resp.Header.Get("Retry-After"); (tc.code == 503) != (ra != "") || (tc.code == 503 && tc.stall && ra != "300") {
			t.Errorf("%s: Retry-After %q", name, ra)
		}
		var keys []string
		for k := range b.Checks {
			if k != "lag" {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		if diff := cmp.Diff(tc.checks, keys); diff != "" {
			t.Errorf("%s: checks (-want +got):\n%s", name, diff)
		}
	}
}

// A fresh process that served 9 good requests and 1 bad one has spent no
// budget a team should act on: at 99.9% a claim needs 1000 events. The
// gate stays open and says why; with 1000 events and the same share of
// errors, it closes.
func TestReleaseGateNeedsEvidence(t *testing.T) {
	obj := slo.Objective{Journey: "checkout", Target: 0.999}
	f := fixture.Aged(t, obj)
	f.Add("checkout", 9, 1)
	f.Advance(time.Second)
	gate, err := slostatus.ReleaseGate(f.Reg)
	if err != nil {
		t.Fatal(err)
	}
	resp, b := ask(t, gate)
	want := "checkout:availability: not enough events: 10 of 1000, too few for a claim on the budget"
	if resp.StatusCode != 200 || b.Status != "warn" || b.Output != want || resp.Header.Get("Retry-After") != "" {
		t.Errorf("9 good and 1 bad: %d, %q, %q, Retry-After %q\nwant 200, warn, %q and none", resp.StatusCode, b.Status, b.Output, resp.Header.Get("Retry-After"), want)
	}
	if c := b.Checks["checkout:availability"][0]; c.Status != "warn" || c.Output != "not enough events: 10 of 1000, too few for a claim on the budget" {
		t.Errorf("the objective's check: %q, %q", c.Status, c.Output)
	}

	// 900 good and 100 bad, 10% errors over 1000 events: the budget is
	// overspent 99 times, and every page rule fires.
	f = fixture.Aged(t, obj)
	f.Add("checkout", 900, 100)
	f.Advance(time.Second)
	if gate, err = slostatus.ReleaseGate(f.Reg); err != nil {
		t.Fatal(err)
	}
	resp, b = ask(t, gate)
	if resp.StatusCode != 503 || b.Status != "fail" ||
		!strings.HasPrefix(b.Output, "release freeze: checkout:availability: page: page-1h-5m fires, burning 100x over 1h and 100x over 5m, at or above 14.4x; error budget overspent by 9900.0%; ") {
		t.Errorf("900 good and 100 bad: %d, %q, %q", resp.StatusCode, b.Status, b.Output)
	}
}

// The override opens a closed gate for a while, from code only, and ends
// by the registry's clock.
func TestReleaseGateOverride(t *testing.T) {
	f := reach(t, "page")
	gate, err := slostatus.ReleaseGate(f.Reg, slostatus.WithObjectives("checkout"))
	if err != nil {
		t.Fatal(err)
	}
	now := f.Mock.Now() // 07:00:01
	for _, tc := range []struct {
		until  time.Time
		reason string
		want   string
	}{
		{time.Time{}, "hotfix", "slostatus: Override: until is the zero time; give the instant the override ends, at most 24h0m0s from now"},
		{now, "hotfix", "slostatus: Override: until 2026-03-02T07:00:01Z is not after now (2026-03-02T07:00:01Z); give an instant in the next 24h0m0s"},
		{now.Add(25 * time.Hour), "hotfix", "slostatus: Override: until 2026-03-03T08:00:01Z is 25h0m0s from now, more than MaxOverride (24h0m0s); an override lets a fix through, it does not end a freeze"},
		{now.Add(time.Hour), " \n", `slostatus: Override: the reason is empty; say what goes through and who decided, such as "hotfix INC-42 for the payment outage, approved by the on-call lead"`},
	} {
		if err := gate.Override(tc.until, tc.reason); !errors.Is(err, slo.ErrInvalid) || err.Error() != tc.want {
			t.Errorf("Override(%v, %q) = %v\nwant %s", tc.until, tc.reason, err, tc.want)
		}
	}
	closed := func(when string) {
		t.Helper()
		resp, b := ask(t, gate)
		if resp.StatusCode != 503 || b.Override != nil || !strings.HasPrefix(b.Output, "release freeze: ") {
			t.Errorf("%s: %d, override %v, output %q; want 503 and no override", when, resp.StatusCode, b.Override, b.Output)
		}
	}
	closed("refused overrides")

	// No request can set an override: not a query, a header, a body or a
	// method.
	srv := serve(t, gate)
	for _, req := range []*http.Request{
		mustRequest(t, http.MethodGet, srv.URL+"/?override=1&until=2026-03-03T00:00:00Z&reason=hotfix", ""),
		mustRequest(t, http.MethodGet, srv.URL+"/", "", "X-Override", "2026-03-03T00:00:00Z hotfix", "Authorization", "Bearer admin"),
		mustRequest(t, http.MethodPost, srv.URL+"/", `{"override":{"until":"2026-03-03T00:00:00Z","reason":"hotfix"}}`),
		mustRequest(t, http.MethodPut, srv.URL+"/override", `until=2026-03-03T00:00:00Z&reason=hotfix`),
	} {
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := map[string]int{"GET": 503, "POST": 405, "PUT": 405}[req.Method]; resp.StatusCode != want {
			t.Errorf("%s %s: %d, want %d", req.Method, req.URL, resp.StatusCode, want)
		}
	}
	closed("requests asking for an override")

	until := now.Add(30 * time.Minute)
	if err := gate.Override(until, "  hotfix INC-42 for the payment outage, approved by Ana "); err != nil {
		t.Fatal(err)
	}
	resp, b := ask(t, gate)
	wantHead := "override until 2026-03-02T07:30:01Z: hotfix INC-42 for the payment outage, approved by Ana; without it: release freeze: checkout:availability: page: page-6h-30m fires"
	if resp.StatusCode != 200 || b.Status != "warn" || !strings.HasPrefix(b.Output, wantHead) || b.ReopensAt != "" || resp.Header.Get("Retry-After") != "" ||
		b.Override == nil || b.Override.Until != "2026-03-02T07:30:01Z" || b.Override.Reason != "hotfix INC-42 for the payment outage, approved by Ana" {
		t.Errorf("overridden: %d, %q, %q, reopens %q, override %+v\nwant 200, warn, an output starting %q", resp.StatusCode, b.Status, b.Output, b.ReopensAt, b.Override, wantHead)
	}
	if c := b.Checks["checkout:availability"][0]; c.Status != "fail" {
		t.Errorf("overridden, the objective's check is %q: the override opens the gate, it does not change the judgement", c.Status)
	}

	// A second before the end it holds; at the end, by the registry's
	// clock, it is gone.
	f.Advance(30*time.Minute - time.Second)
	if resp, _ := ask(t, gate); resp.StatusCode != 200 {
		t.Errorf("a second before the override ends: %d, want 200", resp.StatusCode)
	}
	f.Advance(time.Second)
	closed("at the override's end")

	// EndOverride ends one early.
	if err := gate.Override(f.Mock.Now().Add(time.Hour), "hotfix INC-43"); err != nil {
		t.Fatal(err)
	}
	if resp, _ := ask(t, gate); resp.StatusCode != 200 {
		t.Errorf("overridden again: %d, want 200", resp.StatusCode)
	}
	gate.EndOverride()
	closed("after EndOverride")
}

// mustRequest builds a request with a body and header pairs.
func mustRequest(t *testing.T, method, url, body string, header ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

// Overrides are set and ended while requests are judged: the race
// detector watches.
func TestReleaseGateOverrideWhileServing(t *testing.T) {
	f := reach(t, "page")
	gate, err := slostatus.ReleaseGate(f.Reg, slostatus.WithObjectives("checkout"))
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, gate)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			if err := gate.Override(f.Mock.Now().Add(time.Duration(i+1)*time.Minute), "hotfix"); err != nil {
				t.Error(err)
				return
			}
			gate.EndOverride()
		}
	}()
	for range 50 {
		resp, _ := fetch(t, srv, http.MethodGet, "/")
		if resp.StatusCode != 200 && resp.StatusCode != 503 {
			t.Fatalf("%d, want 200 or 503", resp.StatusCode)
		}
	}
	<-done
	if resp, _ := fetch(t, srv, http.MethodGet, "/"); resp.StatusCode != 503 {
		t.Errorf("after the last EndOverride: %d, want 503", resp.StatusCode)
	}
}

// The gate says when it reopens if the traffic goes on as now, and it
// does reopen then: an hour of steady traffic, a five-minute full outage,
// five good minutes. page-1h-5m has cleared (its 5m window is clean);
// page-6h-30m holds until the outage leaves its 30m window. The budget,
// over 50 million earlier events, is far from spent.
func TestReleaseGateRetryAfter(t *testing.T) {
	f := fixture.Aged(t, slo.Objective{Journey: "checkout", Target: 0.999})
	f.Add("checkout", 50_000_000, 0)
	f.Advance(12 * time.Hour)
	tick := f.Reg.Tick()
	perTick := uint64(1000 * tick / time.Minute) // 1000 events a minute
	run := func(d time.Duration, good, bad uint64) {
		for range int(d / tick) {
			f.Add("checkout", good, bad)
			f.Advance(tick)
		}
	}
	run(time.Hour, perTick, 0)
	run(5*time.Minute, 0, perTick)
	run(5*time.Minute, perTick, 0)

	gate, err := slostatus.ReleaseGate(f.Reg)
	if err != nil {
		t.Fatal(err)
	}
	st := f.Reg.Status()[0]
	if st.State != burnrate.SeverityPage || st.Rule != "page-6h-30m" || st.Budget != slo.BudgetLeft {
		t.Fatalf("the scenario is %v by %s with its budget %v, want a page by page-6h-30m with budget left", st.State, st.Rule, st.Budget)
	}
	// The oracle: the registry's own outlook at the 5m window's error
	// ratio (0: the last five minutes were good).
	out := fixture.Tracker(f.Reg, "checkout", "availability").Outlook(0)
	now := f.Mock.Now()
	wait := out.PageReset.Sub(now)
	if wait < 20*time.Minute || wait > 30*time.Minute {
		t.Fatalf("the outlook's page reset is %v from now, want within the 30m window's reach", wait)
	}
	resp, b := ask(t, gate)
	wantRetry := strconv.Itoa(int(math.Ceil(wait.Seconds())))
	wantTail := "; reopens at " + out.PageReset.UTC().Format("15:04:05Z") + " (in " + burnrate.FormatWindow(wait.Round(time.Second)) +
		"), when checkout:availability's page-6h-30m clears, its 30m window no longer holding the burn, if its traffic goes on at 16.7 req/s with 0% errors"
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != wantRetry || b.ReopensAt != out.PageReset.UTC().Format(time.RFC3339Nano) || !strings.HasSuffix(b.Output, wantTail) {
		t.Errorf("%d, Retry-After %q, reopensAt %q, output %q\nwant 503, %s, %s and an output ending %q",
			resp.StatusCode, resp.Header.Get("Retry-After"), b.ReopensAt, b.Output, wantRetry, out.PageReset.UTC().Format(time.RFC3339Nano), wantTail)
	}
	if !strings.HasPrefix(b.Output, "release freeze: checkout:availability: page: page-6h-30m fires, burning ") {
		t.Errorf("output %q does not give the reason first", b.Output)
	}

	// The same traffic goes on: closed until the instant given, open from
	// it.
	run(wait-tick, perTick, 0)
	if resp, _ := ask(t, gate); resp.StatusCode != 503 {
		t.Errorf("a tick before the reopening given: %d, want 503", resp.StatusCode)
	}
	run(tick, perTick, 0)
	if resp, b := ask(t, gate); resp.StatusCode != 200 || resp.Header.Get("Retry-After") != "" {
		t.Errorf("at the reopening given (%v): %d %q %q, want 200 and no Retry-After", f.Mock.Now(), resp.StatusCode, b.Status, b.Output)
	}
}

// While the outage goes on, the gate does not promise to reopen: at 100%
// errors no page clears within the period.
func TestReleaseGateWillNotReopen(t *testing.T) {
	f := fixture.Aged(t, slo.Objective{Journey: "checkout", Target: 0.999})
	tick := f.Reg.Tick()
	perTick := uint64(1000 * tick / time.Minute)
	for range int(time.Hour / tick) {
		f.Add("checkout", perTick, 0)
		f.Advance(tick)
	}
	for range int(5 * time.Minute / tick) {
		f.Add("checkout", 0, perTick)
		f.Advance(tick)
	}
	gate, err := slostatus.ReleaseGate(f.Reg)
	if err != nil {
		t.Fatal(err)
	}
	resp, b := ask(t, gate)
	wantTail := "; would not reopen within checkout:availability's period (30d) if its traffic goes on at 16.7 req/s with 100% errors: its page-1h-5m would not clear; ask again in 5m (Retry-After)"
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "300" || b.ReopensAt != "" || !strings.HasSuffix(b.Output, wantTail) {
		t.Errorf("%d, Retry-After %q, reopensAt %q, output %q\nwant 503, 300, none and an output ending %q", resp.StatusCode, resp.Header.Get("Retry-After"), b.ReopensAt, b.Output, wantTail)
	}
}

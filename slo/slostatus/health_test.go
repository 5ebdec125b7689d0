package slostatus_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/situation"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// twoJourneys are situation.TwoJourneys: 99% objectives for checkout and
// search.
var twoJourneys = situation.TwoJourneys()

// reach brings a new two-journey fixture into a situation (package
// internal/situation), then advances a second so that the last events
// are evaluated.
func reach(t *testing.T, name string) *fixture.Manual {
	t.Helper()
	f := fixture.Aged(t, twoJourneys...)
	situation.Reach(f.Reg, f.Mock, name)
	return f
}

// health is the part of a health response the tests compare.
type health struct {
	Status string
	Output string
	Checks map[string][]struct {
		Status string
		Output string
	}
}

func decodeHealth(t *testing.T, body string) health {
	t.Helper()
	var h health
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, body)
	}
	return h
}

// statuses returns every check's status, by key.
func (h health) statuses() map[string]string {
	out := map[string]string{}
	for k, c := range h.Checks {
		out[k] = c[0].Status
	}
	return out
}

func TestHealth(t *testing.T) {
	for _, tc := range []struct {
		situation string
		stall     bool // move the clock 31 s without advancing
		code      int
		status    string
		checkout  string // the check's status
		output    string
	}{
		{"ok", false, 200, "pass", "pass", ""},
		{"no data", false, 200, "pass", "pass", ""},
		{"page", false, 200, "warn", "warn",
			"checkout:availability: page: page-6h-30m fires, burning 10x over 6h and 10x over 30m, at or above 6x"},
		{"ticket", false, 200, "warn", "warn",
			"checkout:availability: ticket: ticket-1d-2h fires, burning 4x over 1d and 4x over 2h, at or above 3x"},
		{"spent", false, 200, "warn", "warn",
			"checkout:availability: error budget spent"},
		// A stalled registry fails whatever the budgets; the objectives'
		// own checks still say what they last saw.
		{"ok", true, 503, "fail", "pass",
			"lag: the registry has not advanced for 31s, more than ten ticks of 3s: its states and budgets are stale"},
		{"page", true, 503, "fail", "warn",
			"lag: the registry has not advanced for 31s, more than ten ticks of 3s: its states and budgets are stale; " +
				"checkout:availability: page: page-6h-30m fires, burning 10x over 6h and 10x over 30m, at or above 6x"},
	} {
		f := reach(t, tc.situation)
		lag := "pass"
		if tc.stall {
			f.Mock.Add(31 * time.Second)
			lag = "fail"
		}
		srv := serve(t, slostatus.Health(f.Reg))
		resp, body := fetch(t, srv, http.MethodGet, "/")
		name := tc.situation
		if tc.stall {
			name += ", stalled"
		}
		if resp.StatusCode != tc.code {
			t.Errorf("%s: status code %d, want %d", name, resp.StatusCode, tc.code)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/health+json" {
			t.Errorf("%s: Content-Type %q, want application/health+json", name, ct)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("%s: Cache-Control %q, want no-cache", name, cc)
		}
		h := decodeHealth(t, body)
		if h.Status != tc.status || h.Output != tc.output {
			t.Errorf("%s: status %q, output %q\nwant %q, %q", name, h.Status, h.Output, tc.status, tc.output)
		}
		want := map[string]string{"checkout:availability": tc.checkout, "search:availability": "pass", "lag": lag}
		if diff := cmp.Diff(want, h.statuses()); diff != "" {
			t.Errorf("%s: check statuses (-want +got):\n%s", name, diff)
		}
	}
}

// The whole document, for a paging objective next to a healthy one: the
// draft's fields, then each objective's Status in its one JSON shape, in
// the order they come in (testdata/health_body.json). The paging objective
// has 90% of its budget left, burning at 10 over its 1h window: 0.9 x 30
// days / 10 = 2.7 days, 2d16h48m, to exhaustion.
func TestHealthBody(t *testing.T) {
	f := reach(t, "page")
	srv := serve(t, slostatus.Health(f.Reg))
	_, body := fetch(t, srv, http.MethodGet, "/")
	wantBytes, err := os.ReadFile("testdata/health_body.json")
	if err != nil {
		t.Fatal(err)
	}
	want := string(wantBytes)
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
}

// With no events, there is no SLI (null, not the 1 that Status holds) and
// nothing burns: no time to exhaustion (null). A spent budget has none
// left: "0s".
func TestHealthNullsAndZeros(t *testing.T) {
	for _, tc := range []struct {
		situation string
		sli       string
		exhaust   string
	}{
		{"no data", "null", "null"},
		{"spent", "0.99", `"0s"`},
		// 96% of 30 days' budget at the 1h window's burn of 4: 7.2 days.
		{"ticket", "0.9996", `"7d4h48m"`},
	} {
		f := reach(t, tc.situation)
		srv := serve(t, slostatus.Health(f.Reg))
		_, body := fetch(t, srv, http.MethodGet, "/")
		var doc struct {
			Checks map[string][]map[string]json.RawMessage
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatal(err)
		}
		c := doc.Checks["checkout:availability"][0]
		if got := string(c["sli"]); got != tc.sli {
			t.Errorf("%s: sli %s, want %s", tc.situation, got, tc.sli)
		}
		if got := string(c["timeToExhaustion"]); got != tc.exhaust {
			t.Errorf("%s: timeToExhaustion %s, want %s", tc.situation, got, tc.exhaust)
		}
	}
}

func TestHealthMethods(t *testing.T) {
	f := reach(t, "ok")
	srv := serve(t, slostatus.Health(f.Reg))
	for _, tc := range []struct {
		method string
		code   int
		allow  string
		empty  bool
	}{
		{http.MethodGet, 200, "", false},
		{http.MethodHead, 200, "", true},
		{http.MethodPost, 405, "GET, HEAD", false},
		{http.MethodDelete, 405, "GET, HEAD", false},
	} {
		resp, body := fetch(t, srv, tc.method, "/")
		if resp.StatusCode != tc.code || resp.Header.Get("Allow") != tc.allow || (body == "") != tc.empty {
			t.Errorf("%s: %d, Allow %q, body %d bytes; want %d, %q, empty %v",
				tc.method, resp.StatusCode, resp.Header.Get("Allow"), len(body), tc.code, tc.allow, tc.empty)
		}
	}
}

// A health entry is the page's objective object without its history: every
// member the page writes but burnDown and episodes, with the same value,
// and the draft's check fields besides. The paging objective has an open
// episode and a 121-point burn-down on the page, neither in the check.
func TestHealthIsThePageObjectWithoutHistory(t *testing.T) {
	f := reach(t, "page")
	_, hb := fetch(t, serve(t, slostatus.Health(f.Reg)), http.MethodGet, "/")
	_, pb := fetch(t, serve(t, slostatus.StatusPage(f.Reg)), http.MethodGet, "/?format=json")
	var hdoc struct {
		Checks map[string][]map[string]json.RawMessage
	}
	var pdoc struct {
		Objectives []map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(hb), &hdoc); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(pb), &pdoc); err != nil {
		t.Fatal(err)
	}
	if len(pdoc.Objectives) != 2 {
		t.Fatalf("%d objectives on the page, want 2", len(pdoc.Objectives))
	}
	checkFields := []string{"componentId", "componentType", "observedUnit", "observedValue", "output", "status"}
	for _, po := range pdoc.Objectives {
		var journey, objective string
		json.Unmarshal(po["journey"], &journey)
		json.Unmarshal(po["objective"], &objective)
		key := slo.ObjectiveKey(journey, objective)
		hc := hdoc.Checks[key]
		if len(hc) != 1 {
			t.Fatalf("%s: %d health entries, want 1", key, len(hc))
		}
		var history struct {
			BurnDown []json.RawMessage `json:"burnDown"`
			Episodes []json.RawMessage `json:"episodes"`
		}
		history.BurnDown = decodeList(t, po["burnDown"])
		history.Episodes = decodeList(t, po["episodes"])
		wantEpisodes := 0
		if key == "checkout:availability" {
			wantEpisodes = 1
		}
		if len(history.BurnDown) != 121 || len(history.Episodes) != wantEpisodes {
			t.Errorf("%s: the page's history holds %d points and %d episodes, want 121 and %d",
				key, len(history.BurnDown), len(history.Episodes), wantEpisodes)
		}
		for _, k := range []string{"burnDown", "episodes"} {
			if v, ok := hc[0][k]; ok {
				t.Errorf("%s: the health check writes the page's %s: %.60s", key, k, v)
			}
		}
		var extra []string
		for k, v := range hc[0] {
			pv, ok := po[k]
			switch {
			case !ok:
				extra = append(extra, k)
			case compact(t, pv) != compact(t, v):
				t.Errorf("%s: %s is %s in the health check, %s on the page", key, k, compact(t, v), compact(t, pv))
			}
		}
		for k := range po {
			if _, ok := hc[0][k]; !ok && k != "burnDown" && k != "episodes" {
				t.Errorf("%s: the health check leaves out %s", key, k)
			}
		}
		if _, ok := hc[0]["output"]; !ok {
			extra = append(extra, "output") // left out while it passes
		}
		slices.Sort(extra)
		if diff := cmp.Diff(checkFields, extra); diff != "" {
			t.Errorf("%s: members only the health check has (-want +got):\n%s", key, diff)
		}
	}
}

// compact drops the indentation, which differs with the depth at which
// each response nests its objects.
func compact(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func decodeList(t *testing.T, raw json.RawMessage) []json.RawMessage {
	t.Helper()
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil || list == nil {
		t.Fatalf("%s is not a list: %v", raw, err)
	}
	return list
}

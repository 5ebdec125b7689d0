package slostatus_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/internal/shopmonth"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slofleet"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// *slofleet.Client is a FleetHistory.
var _ slostatus.FleetHistory = (*slofleet.Client)(nil)

// histories is a FleetHistory that answers a registry's own histories, or
// err: the page of a fleet whose series are a registry's.
type histories struct {
	reg   *slo.Registry
	err   error
	some  bool // answer the first history only, with err
	calls atomic.Int32
}

func (h *histories) Objectives() []slo.Objective { return h.reg.Objectives() }
func (h *histories) Clock() clock.Clock          { return h.reg.Clock() }

func (h *histories) Status(ctx context.Context) ([]slo.Status, error) {
	hs, err := h.History(ctx)
	var sts []slo.Status
	for _, x := range hs {
		sts = append(sts, x.Status)
	}
	return sts, err
}

func (h *histories) History(context.Context) ([]slo.History, error) {
	h.calls.Add(1)
	if h.err != nil && !h.some {
		return nil, h.err
	}
	var out []slo.History
	for _, t := range h.reg.Trackers() {
		out = append(out, slo.History{Status: t.Status(), BurnDown: t.BurnDown(), Recent: t.Recent(), Episodes: t.Episodes()})
	}
	if h.some {
		out = out[:1]
	}
	return out, h.err
}

// pageObjectives decodes the objectives of a page's JSON, as raw members.
func pageObjectives(t *testing.T, body string) (objs []json.RawMessage, stalled bool, errText string) {
	t.Helper()
	var r struct {
		Stalled    bool              `json:"stalled"`
		Objectives []json.RawMessage `json:"objectives"`
		Error      string            `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	return r.Objectives, r.Stalled, r.Error
}

// The page of a fleet whose histories are a registry's is the registry's
// page: the same objectives, figure for figure, in the same order, with
// their burn-down and episodes.
func TestFleetStatusPageIsTheRegistrys(t *testing.T) {
	f := shopmonth.New(t)
	fleet := &histories{reg: f.Reg}
	replica := serve(t, slostatus.StatusPage(f.Reg))
	page := serve(t, slostatus.FleetStatusPage(fleet))
	_, want := fetch(t, replica, http.MethodGet, "/?format=json")
	resp, got := fetch(t, page, http.MethodGet, "/?format=json")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the fleet's JSON: %d", resp.StatusCode)
	}
	wantObjs, _, _ := pageObjectives(t, want)
	gotObjs, stalled, errText := pageObjectives(t, got)
	if stalled || errText != "" {
		t.Errorf("stalled %v, error %q; want neither", stalled, errText)
	}
	if diff := cmp.Diff(wantObjs, gotObjs, cmp.Transformer("text", func(r json.RawMessage) string { return string(r) })); diff != "" {
		t.Errorf("the fleet's objectives differ from the registry's (-registry +fleet):\n%s", diff)
	}
	resp, html := fetch(t, page, http.MethodGet, "/")
	if resp.StatusCode != http.StatusOK || strings.Count(html, `<article class="card`) != len(f.Reg.Objectives()) ||
		!strings.Contains(html, "Review of the period") || strings.Contains(html, `class="stale"`) {
		t.Errorf("the fleet's page: %d, %d cards, review %v, banner %v; want 200, %d cards, the review and no banner",
			resp.StatusCode, strings.Count(html, `<article class="card`), strings.Contains(html, "Review of the period"),
			strings.Contains(html, `class="stale"`), len(f.Reg.Objectives()))
	}
}

// A fleet that cannot be read shows no figure: 503, the banner or the
// JSON's error saying why; one that reads some objectives shows them,
// and says which it cannot read. The health check fails and warns alike.
func TestFleetStatusPageUnavailable(t *testing.T) {
	f := shopmonth.New(t)
	down := errors.New("slofleet: Prometheus did not answer: Prometheus at http://prom:9090 did not answer within 10s")
	fleet := &histories{reg: f.Reg, err: down}
	page := serve(t, slostatus.FleetStatusPage(fleet))
	resp, html := fetch(t, page, http.MethodGet, "/")
	want := `<p class="stale" role="alert">The fleet cannot be read, so no figure is shown: ` + down.Error() + `</p>`
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(html, want) || strings.Contains(html, `<article class="card`) {
		t.Errorf("the page while the fleet cannot be read: %d\n%s\nwant 503, %q and no card", resp.StatusCode, html, want)
	}
	resp, body := fetch(t, page, http.MethodGet, "/?format=json")
	objs, stalled, errText := pageObjectives(t, body)
	if resp.StatusCode != http.StatusServiceUnavailable || len(objs) != 0 || !stalled || errText != down.Error() {
		t.Errorf("the JSON while the fleet cannot be read: %d, %d objectives, stalled %v, error %q; want 503, none, stalled and %q",
			resp.StatusCode, len(objs), stalled, errText, down)
	}
	health := serve(t, slostatus.FleetHealth(fleet))
	if resp, body := fetch(t, health, http.MethodGet, "/"); resp.StatusCode != http.StatusServiceUnavailable ||
		!strings.Contains(body, `"status": "fail"`) || !strings.Contains(body, `"output": "fleet: `+down.Error()+`"`) {
		t.Errorf("the health check while the fleet cannot be read: %d\n%s\nwant 503, fail and why", resp.StatusCode, body)
	}

	missing := errors.New("slofleet: series missing: search:availability: no series")
	fleet = &histories{reg: f.Reg, err: missing, some: true}
	page = serve(t, slostatus.FleetStatusPage(fleet))
	resp, html = fetch(t, page, http.MethodGet, "/")
	want = `<p class="stale" role="alert">Some objectives cannot be read and are not shown: ` + missing.Error() + `</p>`
	if resp.StatusCode != http.StatusOK || !strings.Contains(html, want) || strings.Count(html, `<article class="card`) != 1 {
		t.Errorf("the page while some objectives cannot be read: %d\nwant 200, %q and one card", resp.StatusCode, want)
	}
	health = serve(t, slostatus.FleetHealth(fleet))
	if resp, body := fetch(t, health, http.MethodGet, "/"); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"componentId": "fleet"`) ||
		!strings.Contains(body, `"status": "warn"`) {
		t.Errorf("the health check while some objectives cannot be read: %d\n%s\nwant 200 and warn", resp.StatusCode, body)
	}
}

package slostatus

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

// A FleetHistory is a [Fleet] that also reads what a status page draws
// beside each Status: its burn-down, recent burn and episodes, as
// [slo.History] values. *slofleet.Client is one, reading them from
// Prometheus; slostatus does not import it (see [Fleet]).
type FleetHistory interface {
	Fleet
	// History returns the History of every objective it can read, at
	// one instant (each Status's Time), and an error when it cannot read
	// some or all; it honours ctx and bounds itself with a timeout. A
	// History it returns is current: a reading it cannot make is an error,
	// never an older answer.
	History(ctx context.Context) ([]slo.History, error)
}

// FleetStatusPage returns a handler that serves the fleet's error budgets
// as [StatusPage] serves a registry's: the same page for people and, with
// ?format=json, the same JSON, for every objective fleet reads, with the
// burn-down, the recent burn and the episodes it reads beside each Status
// and the review of the period made from them ([slo.ReviewHistory]). The
// options are StatusPage's.
//
// Each request asks fleet for its History, bounded by the fleet's own
// timeout and by the request's context; *slofleet.Client shares one
// reading among the requests that ask at once and reuses it for its poll
// interval, and the handler renders each reading once per format,
// whatever the number of viewers. The page is "as of" the reading's
// instant; the JSON's time and lagSeconds are the request's instant and
// the reading's age.
//
// When fleet cannot read (Prometheus unreachable, too slow, or answering
// an error), the handler answers 503 Service Unavailable with the page's
// frame and no objective, its banner (and the JSON's "error" and
// "stalled": true) saying why: a page that cannot read the fleet shows no
// figure at all rather than an older one as current. When it reads some
// objectives only (the others' series missing or contradicting them), it
// answers 200 with those and the banner says what is missing.
//
// It answers GET and HEAD, and is safe for concurrent use. It panics if
// fleet is nil.
func FleetStatusPage(fleet FleetHistory, opts ...PageOption) http.Handler {
	if fleet == nil {
		panic("slostatus: FleetStatusPage(nil): pass the fleet's client, such as the *slofleet.Client that slofleet.New returned")
	}
	cfg := pageConfig{title: "Error budgets", refresh: 30 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	clk := fleet.Clock()
	if clk == nil {
		clk = clock.New()
	}
	h := &fleetPage{fleet: fleet, clock: clk}
	h.page = pageHandler{defs: fleetDefinitions(fleet), cfg: cfg, tmpl: pageTemplate()}
	return h
}

// fleetPage serves FleetStatusPage.
type fleetPage struct {
	fleet FleetHistory
	clock clock.Clock
	// page renders: its view and report, without a registry.
	page       pageHandler
	html, json answers[fleetKey]
}

// fleetKey is what an answer of a fleet's page depends on: the reading's
// instant and error.
type fleetKey struct {
	at  int64
	err string
}

func fleetDefinitions(f Fleet) map[[2]string]slo.Objective {
	defs := map[[2]string]slo.Objective{}
	for _, o := range f.Objectives() {
		defs[[2]string{o.Journey, o.Name}] = o
	}
	return defs
}

func (h *fleetPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !allowed(w, r) {
		return
	}
	jsonFormat := false
	switch format := r.URL.Query().Get("format"); format {
	case "json":
		jsonFormat = true
	case "", "html":
	default:
		http.Error(w, "unknown format "+strconv.Quote(format)+": use json, or none for HTML", http.StatusBadRequest)
		return
	}
	hs, err := h.fleet.History(r.Context())
	if r.Context().Err() != nil {
		return // the viewer left: nobody reads an answer
	}
	now := h.clock.Now()
	at := now
	if len(hs) > 0 {
		at = hs[0].Status.Time
	}
	why := ""
	if err != nil {
		// One line: a joined error holds one per objective.
		why = strings.ReplaceAll(err.Error(), "\n", "; ")
	}
	cache := &h.html
	if jsonFormat {
		cache = &h.json
	}
	key := fleetKey{at.UnixNano(), why}
	a := cache.get(key, func() (fleetKey, *answer) {
		return key, h.compute(hs, at, why, jsonFormat)
	})
	if a == nil {
		http.Error(w, "slostatus: the answer could not be computed", http.StatusInternalServerError)
		return
	}
	lag := max(now.Sub(at), 0)
	a.serve(w, r, moment{now: now, lag: lag})
}

// compute renders the reading hs at at, or its failure why.
func (h *fleetPage) compute(hs []slo.History, at time.Time, why string, jsonFormat bool) *answer {
	s := reading{at: at, whole: true}
	for _, hist := range hs {
		o := newObjectiveJSON(h.page.defs, hist.Status)
		o.History = true
		o.BurnDown, o.Episodes, o.recent, o.Group = hist.BurnDown, hist.Episodes, hist.Recent, hist.Group
		s.objectives = append(s.objectives, o)
	}
	// Without options, the defaults, the review never refuses.
	s.review, _ = slo.ReviewHistory(hs, at)
	sortObjectives(s.objectives)
	code := http.StatusOK
	if len(hs) == 0 && why != "" {
		code = http.StatusServiceUnavailable
	}
	var banner string
	switch {
	case code != http.StatusOK:
		banner = "The fleet cannot be read, so no figure is shown: " + why
	case why != "":
		banner = "Some objectives cannot be read and are not shown: " + why
	}
	var body []byte
	var err error
	ctype := "application/json"
	header := [][2]string{}
	if jsonFormat {
		rep := h.page.report(s, code != http.StatusOK)
		rep.Error = why
		body, err = json.MarshalIndent(rep, "", "  ")
		body = append(body, '\n')
	} else {
		v := h.page.view(s, false)
		v.Stale = banner
		var buf bytes.Buffer
		err = h.page.tmpl.Execute(&buf, v)
		body, ctype = buf.Bytes(), "text/html; charset=utf-8"
		header = append(header, [2]string{"Content-Security-Policy", pageCSP})
	}
	a := h.page.answer(s, body, err, ctype, header...)
	a.code = code
	if err != nil {
		a.code = http.StatusInternalServerError
	}
	return a
}

// FleetHealth returns a handler that reports the fleet's error budgets as
// [Health] reports a registry's, in the same format: one entry per
// objective fleet reads, in the order of its Status, then one keyed
// "fleet" (in place of the registry's "lag") that says whether Prometheus
// answered. Its status is "warn" while an objective alerts or has spent
// its budget, or while some objectives cannot be read; "fail" (503) only
// when the fleet cannot be read at all, since its figures would then be
// stale.
//
// Each request asks fleet for its Status, bounded by the fleet's own
// timeout and by the request's context (see [FleetGate]). It answers GET
// and HEAD, and is safe for concurrent use. It panics if fleet is nil.
func FleetHealth(fleet Fleet) http.Handler {
	if fleet == nil {
		panic("slostatus: FleetHealth(nil): pass the fleet's client, such as the *slofleet.Client that slofleet.New returned")
	}
	clk := fleet.Clock()
	if clk == nil {
		clk = clock.New()
	}
	return &fleetHealth{fleet: fleet, clock: clk, defs: fleetDefinitions(fleet)}
}

// fleetHealth serves FleetHealth.
type fleetHealth struct {
	fleet Fleet
	clock clock.Clock
	defs  map[[2]string]slo.Objective
}

func (h *fleetHealth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !allowed(w, r) {
		return
	}
	sts, err := h.fleet.Status(r.Context())
	if r.Context().Err() != nil {
		return
	}
	now := h.clock.Now()
	body := healthBody{Status: healthPass, Description: "error budgets of the fleet's user journeys, read from Prometheus (journeyslo)"}
	why := body.check(h.defs, sts)
	fc := fleetCheck{ComponentID: "fleet", ComponentType: "datastore", Status: healthPass, Time: instant(now)}
	if err != nil {
		fc.Output = strings.ReplaceAll(err.Error(), "\n", "; ")
		fc.Status = healthWarn
		if len(sts) == 0 {
			fc.Status = healthFail
		}
		body.Status = worse(body.Status, fc.Status)
		why = append([]string{"fleet: " + fc.Output}, why...)
	}
	body.Checks = append(body.Checks, member{"fleet", []fleetCheck{fc}})
	body.Output = strings.Join(why, "; ")
	code := http.StatusOK
	if body.Status == healthFail {
		code = http.StatusServiceUnavailable
	}
	encodeAnswer(0, now, code, body, "encoding the fleet's health response", healthContentType).serve(w, r, moment{now: now})
}

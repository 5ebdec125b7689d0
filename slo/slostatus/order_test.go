package slostatus_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/shopmonth"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// The month's objectives on the page and in its JSON, in the order a
// person needs them: checkout pages, login has a ticket, then the ok ones
// by budget left, least first (search -0.8%, search latency 50.1%,
// checkout latency 55.9%, refund untouched), whatever their declaration
// order.
func TestStatusPageOrder(t *testing.T) {
	f := shopmonth.New(t)
	srv := serve(t, slostatus.StatusPage(f.Reg))
	want := []string{"checkout:availability", "login:availability", "search:availability",
		"search:latency", "checkout:latency", "refund:availability"}

	_, body := fetch(t, srv, http.MethodGet, "/?format=json")
	var doc struct {
		Objectives []struct{ Journey, Objective string }
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range doc.Objectives {
		got = append(got, slo.ObjectiveKey(o.Journey, o.Objective))
	}
	if !slices.Equal(got, want) {
		t.Errorf("JSON order %v, want %v", got, want)
	}

	_, page := fetch(t, srv, http.MethodGet, "/")
	got = nil
	for _, m := range regexp.MustCompile(`<h3 id="o\d+-h">(\S+) <span class="objective">(\S+)</span></h3>`).FindAllStringSubmatch(page, -1) {
		got = append(got, slo.ObjectiveKey(m[1], m[2]))
	}
	if !slices.Equal(got, want) {
		t.Errorf("HTML order %v, want %v", got, want)
	}
}

// Among equals the order is the declaration's: three untouched objectives
// stay as declared.
func TestStatusPageOrderIsStable(t *testing.T) {
	f := fixture.Aged(t,
		slo.Objective{Journey: "search", Target: 0.99},
		slo.Objective{Journey: "checkout", Target: 0.99},
		slo.Objective{Journey: "admin", Target: 0.99})
	f.Advance(time.Second)
	_, body := fetch(t, serve(t, slostatus.StatusPage(f.Reg)), http.MethodGet, "/?format=json")
	var doc struct{ Objectives []struct{ Journey string } }
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range doc.Objectives {
		got = append(got, o.Journey)
	}
	if want := []string{"search", "checkout", "admin"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

// Each objective links its runbook and dashboard from its definition, on
// the page and in the JSON; an objective without them shows no link.
func TestStatusPageLinks(t *testing.T) {
	f := fixture.Aged(t,
		slo.Objective{Journey: "checkout", Target: 0.99, Runbook: "https://runbooks.example.com/checkout?a=1&b=2",
			Dashboard: "https://grafana.example.com/d/checkout"},
		slo.Objective{Journey: "search", Target: 0.99, Dashboard: "https://grafana.example.com/d/search"},
		slo.Objective{Journey: "admin", Target: 0.99})
	f.Advance(time.Second)
	srv := serve(t, slostatus.StatusPage(f.Reg))
	_, page := fetch(t, srv, http.MethodGet, "/")
	want := []string{
		`<a href="https://runbooks.example.com/checkout?a=1&amp;b=2">Runbook</a><a href="https://grafana.example.com/d/checkout">Dashboard</a>`,
		`<p class="links"><a href="https://grafana.example.com/d/search">Dashboard</a>`,
	}
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("the page lacks %s", w)
		}
	}
	if n := strings.Count(page, `<p class="links">`); n != 2 {
		t.Errorf("%d link lines, want 2 (admin has none)", n)
	}

	_, body := fetch(t, srv, http.MethodGet, "/?format=json")
	var doc struct {
		Objectives []map[string]any
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	for i, w := range []struct{ runbook, dashboard any }{
		{"https://runbooks.example.com/checkout?a=1&b=2", "https://grafana.example.com/d/checkout"},
		{nil, "https://grafana.example.com/d/search"},
		{nil, nil},
	} {
		o := doc.Objectives[i]
		if o["runbook"] != w.runbook || o["dashboard"] != w.dashboard {
			t.Errorf("objective %d (%v): runbook %v, dashboard %v; want %v, %v", i, o["journey"], o["runbook"], o["dashboard"], w.runbook, w.dashboard)
		}
	}
}

// One budget figure per objective: the header's "budget left" and the
// chart's last point are the same number, even with events recorded since
// the last evaluation (which the burn-down alone would count). 10 bad
// events in 2000 at 99.9% overspend a budget of 2 events 4 times over:
// -400.0% in both places (the burn-down alone, with the 5 bad events
// since, would end at -648.1%).
func TestStatusPageOneBudgetFigure(t *testing.T) {
	f := fixture.Aged(t, slo.Objective{Journey: "checkout", Target: 0.999})
	f.Add("checkout", 1990, 10)
	f.Advance(time.Second)
	f.Add("checkout", 0, 5) // after the evaluation
	srv := serve(t, slostatus.StatusPage(f.Reg))
	_, page := fetch(t, srv, http.MethodGet, "/")
	header := regexp.MustCompile(`<dt>Budget left</dt><dd><span class="value">([^<]+)</span>`).FindStringSubmatch(page)
	chart := regexp.MustCompile(`<text class="endlabel"[^>]*>([^<]+)</text>`).FindStringSubmatch(page)
	if header == nil || chart == nil {
		t.Fatalf("the page lacks a budget figure or the chart's end label:\n%s", page)
	}
	if header[1] != "-400.0%" || chart[1] != header[1] {
		t.Errorf("budget left %s, chart's end %s; want -400.0%% in both", header[1], chart[1])
	}

	_, body := fetch(t, srv, http.MethodGet, "/?format=json")
	var doc struct {
		Objectives []struct {
			BudgetRemaining float64
			BurnDown        []struct{ Remaining float64 }
		}
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	o := doc.Objectives[0]
	if last := o.BurnDown[len(o.BurnDown)-1].Remaining; o.BudgetRemaining != -4 || last != o.BudgetRemaining {
		t.Errorf("JSON: budgetRemaining %v, burn-down's last %v; want -4 in both", o.BudgetRemaining, last)
	}
}

// A process ten minutes old draws its recent burn from its start, near
// the chart's right end, not as a cliff from the left: its first sample
// is at x = 70 + 360 x (350 / 360), 420, and an outage in its last five
// minutes lifts the short window's line over the factor.
func TestStatusPageRecentOfAYoungProcess(t *testing.T) {
	f := fixture.Aged(t, slo.Objective{Journey: "checkout", Target: 0.99})
	for i := range 10 {
		bad := uint64(0)
		if i >= 5 {
			bad = 50
		}
		f.Add("checkout", 100, bad)
		f.Advance(time.Minute)
	}
	_, page := fetch(t, serve(t, slostatus.StatusPage(f.Reg)), http.MethodGet, "/")
	m := regexp.MustCompile(`<g class="panel page over"><title>page-1h-5m: [^<]*</title>(?s:.*?)<polyline class="short" points="([^"]+)"/>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no burning page-1h-5m panel with a short window's line:\n%s", page)
	}
	// One sample at New and one a minute, a minute being 1 unit of x.
	points := strings.Fields(m[1])
	if len(points) != 11 || !strings.HasPrefix(points[0], "420,") || !strings.HasPrefix(points[10], "430,") {
		t.Errorf("short window's line %q: want 11 points from x 420 to 430", m[1])
	}
	// Over the factor (y 18 of a panel from 6 to 30) at the end, at zero
	// (y 30) before the outage.
	if !strings.HasSuffix(points[10], ",6") || !strings.HasSuffix(points[4], ",30") {
		t.Errorf("short window's line %q: want y 30 before the outage and 6 (twice the factor or more) at the end", m[1])
	}
}

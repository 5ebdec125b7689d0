package slohttp_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slohttp"
)

// The month's objectives on the page and in its JSON, in the order a
// person needs them: checkout pages, login has a ticket, then the ok ones
// by budget left, least first (search -0.8%, search latency 50.1%,
// checkout latency 55.9%, refund untouched), whatever their declaration
// order.
func TestStatusPageOrder(t *testing.T) {
	f := replayMonth(t)
	srv := serve(t, slohttp.StatusPage(f.reg))
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
	f := newFixture(t,
		slo.Objective{Journey: "search", Target: 0.99},
		slo.Objective{Journey: "checkout", Target: 0.99},
		slo.Objective{Journey: "admin", Target: 0.99})
	f.advance(time.Second)
	_, body := fetch(t, serve(t, slohttp.StatusPage(f.reg)), http.MethodGet, "/?format=json")
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
	f := newFixture(t,
		slo.Objective{Journey: "checkout", Target: 0.99, Runbook: "https://runbooks.example.com/checkout?a=1&b=2",
			Dashboard: "https://grafana.example.com/d/checkout"},
		slo.Objective{Journey: "search", Target: 0.99, Dashboard: "https://grafana.example.com/d/search"},
		slo.Objective{Journey: "admin", Target: 0.99})
	f.advance(time.Second)
	srv := serve(t, slohttp.StatusPage(f.reg))
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
// the last evaluation (which the burn-down alone would count). A fresh
// process that served 9 good and 1 bad events at 99.9% has a budget of a
// hundredth of an event and overspent it 99 times: -9900.0% in both
// places (the burn-down alone, with the 5 bad events since, would end at
// -39900.0%).
func TestStatusPageOneBudgetFigure(t *testing.T) {
	f := newFixture(t, slo.Objective{Journey: "checkout", Target: 0.999})
	f.add("checkout", 9, 1)
	f.advance(time.Second)
	f.add("checkout", 0, 5) // after the evaluation
	srv := serve(t, slohttp.StatusPage(f.reg))
	_, page := fetch(t, srv, http.MethodGet, "/")
	header := regexp.MustCompile(`<dt>Budget left</dt><dd><span class="value">([^<]+)</span>`).FindStringSubmatch(page)
	chart := regexp.MustCompile(`<text class="endlabel"[^>]*>([^<]+)</text>`).FindStringSubmatch(page)
	if header == nil || chart == nil {
		t.Fatalf("the page lacks a budget figure or the chart's end label:\n%s", page)
	}
	if header[1] != "-9900.0%" || chart[1] != header[1] {
		t.Errorf("budget left %s, chart's end %s; want -9900.0%% in both", header[1], chart[1])
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
	if last := o.BurnDown[len(o.BurnDown)-1].Remaining; o.BudgetRemaining != -99 || last != o.BudgetRemaining {
		t.Errorf("JSON: budgetRemaining %v, burn-down's last %v; want -99 in both", o.BudgetRemaining, last)
	}
}

package slobacktest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// bursty is four days of 1200 events a minute in one-minute samples (60 a
// tick): 3-minute bursts of 5% errors (3 bad a tick, 180 a burst) every 4
// hours, 23 of them (starting at 4h, 8h, ..., 92h), and one real incident,
// 30 minutes at 10% (6 bad a tick, 3600 in all) from 50h, between two
// bursts. Every tick of a minute gets the same events, so the windows
// count them exactly.
func bursty() ([]slobacktest.Sample, time.Time) {
	incident := t0.Add(50 * time.Hour)
	return minutely("checkout", t0, t0.Add(96*time.Hour), 1200, func(t time.Time) float64 {
		if d := t.Sub(incident); d > 0 && d <= 30*time.Minute {
			return 0.1
		}
		if d := t.Sub(t0) - time.Minute; d >= 4*time.Hour && d%(4*time.Hour) < 3*time.Minute {
			return 0.05
		}
		return 0
	}), incident
}

type counts struct {
	pages, tickets, flaky, onIncidents, significant, detected, cleared int
	paging, detection, reset                                           time.Duration
	precision, recall                                                  float64
}

func countsOf(p slobacktest.PolicyResult) counts {
	return counts{p.Pages, p.Tickets, p.FlakyPages, p.PagesOnIncidents, p.Significant, p.Detected, p.Cleared,
		p.Paging, p.MeanDetection, p.MeanReset, p.Precision, p.Recall}
}

// A threshold alert pages on every burst of a bursty service and most of
// its pages are flaky; the objective's policy pages once, on the incident.
func TestBurstyThreshold(t *testing.T) {
	traffic, incident := bursty()
	// One replay, two configs: pages within 15m are flaky, and the
	// default, within 10m.
	res, err := slobacktest.Run(traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.999}, Flaky: 15 * time.Minute}, slobacktest.Config{Objective: slo.Objective{Journey: "checkout", Name: "default-flaky", Target: 0.999}}})
	if err != nil {
		t.Fatal(err)
	}
	o := res.Objectives[0]
	// The budget: 0.001 x 1200 x 43,200 minutes = 51,840 events.
	if o.Budget != 51840 {
		t.Errorf("budget %v, want 51840", o.Budget)
	}
	// Derived from the traffic: every run of samples above 0.1% errors,
	// the 23 bursts and the incident. A burst's 180 bad spend 0.35% of the
	// budget, under the 2% in an hour that makes an incident significant;
	// the incident's 3600, 6.9%, are over it.
	if len(o.Incidents) != 24 {
		t.Fatalf("%d incidents, want 24", len(o.Incidents))
	}
	for i, ir := range o.Incidents {
		want := slobacktest.IncidentResult{Incident: slobacktest.Incident{Journey: "checkout", Start: t0.Add(time.Duration(i+1) * 4 * time.Hour), Duration: 3 * time.Minute, ErrorRatio: 0.05},
			Good: 3420, Bad: 180, Budget: 180.0 / 51840}
		switch {
		case i == 12:
			want = slobacktest.IncidentResult{Incident: slobacktest.Incident{Journey: "checkout", Start: incident, Duration: 30 * time.Minute, ErrorRatio: 0.1},
				Good: 32400, Bad: 3600, Budget: 3600.0 / 51840, Significant: true}
		case i > 12:
			want.Start = want.Start.Add(-4 * time.Hour)
		}
		if diff := cmp.Diff(want, ir, cmp.Comparer(near)); diff != "" {
			t.Errorf("incident %d (-want +got):\n%s", i, diff)
		}
	}

	want := map[string]counts{
		// Each burst: 12 bad of the 10m window's 12,000 (burn 1) at its 4th
		// tick, 12s in; the window holds 3 (260 - k) bad at the k-th tick
		// after the burst began, under 12 from k = 257: a page of 253 ticks,
		// 12m39s, a flaky one (within 15m, 171 bad, 0.33% of the budget).
		// The incident: 12 bad at its 2nd tick, 6s in, and 6 (800 - k)
		// under 12 from k = 799, 9m57s after its end: a page of 39m51s,
		// not flaky. 23 x 12m39s + 39m51s = 5h30m48s paging; one page of
		// 24 on a significant incident.
		"threshold": {24, 0, 23, 1, 1, 1, 1, 5*time.Hour + 30*time.Minute + 48*time.Second, 6 * time.Second, 9*time.Minute + 57*time.Second, 1.0 / 24, 1},
		// The bursts burn 2.5 over an hour, under 14.4. The incident: 6k
		// bad of 72,000 reach 14.4 x 72 = 1036.8 at k = 173, 8m39s in;
		// after its end the hour holds 6 (1200 - k), under 1036.8 from
		// k = 1028, 51m24s: 1h12m45s paging.
		"burnrate-1h": {1, 0, 0, 1, 1, 1, 1, time.Hour + 12*time.Minute + 45*time.Second, 8*time.Minute + 39*time.Second, 51*time.Minute + 24*time.Second, 1, 1},
		// page-1h-5m fires as burnrate-1h does, 8m39s in; page-6h-30m from
		// 21m36s in (6 x 432 bad) holds the page until the 30m window's 6
		// (600 - k) fall under 216 at k = 565, 28m15s after the end:
		// 49m36s paging. The episode then goes on as a ticket (the 3d
		// window holds 12 bursts and the incident, 5760 bad of 5,184,000,
		// a burn of 1.1): one episode, a page and a ticket both.
		"objective": {1, 1, 0, 1, 1, 1, 1, 49*time.Minute + 36*time.Second, 8*time.Minute + 39*time.Second, 28*time.Minute + 15*time.Second, 1, 1},
	}
	for _, p := range o.Policies {
		if diff := cmp.Diff(want[p.Name], countsOf(p), cmp.AllowUnexported(counts{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", p.Name, diff)
		}
		// One definition of time at page: the episodes' and the spans'.
		var spans time.Duration
		for _, s := range p.Spans {
			if s.State == burnrate.SeverityPage {
				spans += s.End.Sub(s.Start)
			}
		}
		if spans != p.Paging {
			t.Errorf("%s: %v at page in the spans, %v in the episodes", p.Name, spans, p.Paging)
		}
	}
	obj := policy(t, o, "objective")
	if e := obj.Episodes[0]; len(obj.Episodes) != 1 || e.Severity != burnrate.SeverityPage || e.Rule != "page-1h-5m" ||
		!e.Start.Equal(incident.Add(8*time.Minute+39*time.Second)) || e.Open() || e.Objective != "availability" || e.Journey != "checkout" {
		t.Errorf("objective's episodes %+v, want one page by page-1h-5m from 8m39s into the incident, ended, of checkout:availability", obj.Episodes)
	}
	if spans := obj.Spans; len(spans) != 4 || spans[2].State != burnrate.SeverityTicket || !spans[2].Start.Equal(incident.Add(58*time.Minute+15*time.Second)) {
		t.Errorf("objective's spans %+v, want ok, page, then a ticket from 28m15s after the incident, then ok", spans)
	}

	// Within the default 10m, none of the threshold's pages is flaky: a
	// 10-minute window holds a page for about 10 minutes after the errors
	// begin.
	if got := policy(t, res.Objectives[1], "threshold"); got.Pages != 24 || got.FlakyPages != 0 {
		t.Errorf("threshold: %d pages, %d flaky within 10m; want 24, 0", got.Pages, got.FlakyPages)
	}
}

// An incident is significant when its worst interval of a test's window
// spends the test's share: the window slides over the incident.
func TestSignificance(t *testing.T) {
	// Three hours from 2h: 0.5%, then 3%, then 0.5% errors, at 1000 events
	// a minute: 300, 1800 and 300 bad. The worst hour is the middle one,
	// 1800 bad, 4.17% of the 43,200 budget; any other hour holds less.
	start := t0.Add(2 * time.Hour)
	traffic := minutely("checkout", t0, t0.Add(6*time.Hour), 1000, func(t time.Time) float64 {
		switch d := t.Sub(start); {
		case d > 0 && d <= time.Hour, d > 2*time.Hour && d <= 3*time.Hour:
			return 0.005
		case d > time.Hour && d <= 2*time.Hour:
			return 0.03
		}
		return 0
	})
	inc := slobacktest.Incident{Journey: "checkout", Start: start, Duration: 3 * time.Hour, ErrorRatio: 2400.0 / 180000}
	cases := []struct {
		tests []slobacktest.Significance
		want  bool
	}{
		{[]slobacktest.Significance{{Share: 0.04, Window: time.Hour}}, true},
		{[]slobacktest.Significance{{Share: 0.042, Window: time.Hour}}, false},
		// 2400 bad in 3 hours, 5.56%: within any 6 hours.
		{[]slobacktest.Significance{{Share: 0.042, Window: time.Hour}, {Share: 0.055, Window: 6 * time.Hour}}, true},
		{nil, true}, // the default: 2% in 1h, and the worst hour spends 4.17%
	}
	// One replay: a config per case, each its own objective of the journey.
	var cfgs []slobacktest.Config
	for i, tc := range cases {
		cfgs = append(cfgs, slobacktest.Config{Objective: slo.Objective{Journey: "checkout", Name: fmt.Sprint("case", i), Target: 0.999},
			Incidents: []slobacktest.Incident{inc}, Significance: tc.tests})
	}
	res, err := slobacktest.Run(traffic, cfgs)
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range cases {
		ir := res.Objectives[i].Incidents[0]
		if ir.Significant != tc.want || ir.Bad != 2400 || !near(ir.Budget, 2400.0/43200) {
			t.Errorf("%v: significant %v, %d bad, budget %v; want %v, 2400, %v", tc.tests, ir.Significant, ir.Bad, ir.Budget, tc.want, 2400.0/43200)
		}
	}
}

// A config's candidates are replayed after the baselines, under their own
// names and with their own guard.
func TestCandidates(t *testing.T) {
	// A 12-minute full outage after a day.
	start := t0.Add(24 * time.Hour)
	traffic := minutely("checkout", t0, start.Add(2*time.Hour), 1000, during(start, 12*time.Minute, 1))
	fast := burnrate.Policy{Rules: []burnrate.Rule{{Name: "fast", Long: 5 * time.Minute, Short: 5 * time.Minute, Factor: 100, Severity: burnrate.SeverityPage}}}
	res, err := slobacktest.Run(traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.999},
		Candidates: []slobacktest.Candidate{{Name: "five-minutes", Policy: fast}}}})
	if err != nil {
		t.Fatal(err)
	}
	o := res.Objectives[0]
	if len(o.Policies) != 4 || o.Policies[3].Name != "five-minutes" {
		t.Fatalf("policies %d, the last %q; want 4, five-minutes last", len(o.Policies), o.Policies[len(o.Policies)-1].Name)
	}
	p := o.Policies[3]
	// 100 x 0.001 x 5m = 30s: 1000 bad a minute spread over the minute's
	// 20 ticks, 50 a tick, reach the 500 of 5000 events at tick 10, 30s;
	// after the end the window holds 50 (100 - k) bad, under 500 from k =
	// 91, 4m33s.
	d := p.Detections[0]
	if !d.Detected || d.Detection != 30*time.Second || !d.Cleared || d.Reset != 4*time.Minute+33*time.Second || p.Pages != 1 {
		t.Errorf("five-minutes: %+v, %d pages; want detection 30s, reset 4m33s, one page", d, p.Pages)
	}
	if p.Policy.MinEvents != 0 || p.Policy.Rules[0].Name != "fast" {
		t.Errorf("five-minutes policy %+v, want the candidate's as written", p.Policy)
	}
	if obj := policy(t, o, "objective"); obj.Policy.MinEvents != 1000 || len(obj.Policy.Rules) != 4 {
		t.Errorf("objective policy %+v, want the default policy with its guard of 1000", obj.Policy)
	}
}

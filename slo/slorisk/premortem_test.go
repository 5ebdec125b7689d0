package slorisk_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
	"github.com/journeyslo/journeyslo/slo/slorisk"
)

// monthStart is when the recorded month of month() starts.
var monthStart = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// month is 30 days of traffic in 1-minute samples, from the one that ends
// a minute after monthStart (so that the recording starts at monthStart):
// invoices at 1000 events a minute (one of them bad) and search at 5000. So
// the month holds 43,200 minutes of each: 43,200,000 invoices and
// 216,000,000 searches.
func month() []slobacktest.Sample {
	var out []slobacktest.Sample
	for k := 1; k <= 30*24*60; k++ {
		at := monthStart.Add(time.Duration(k) * time.Minute)
		out = append(out, slobacktest.Sample{Time: at, Journey: "search", Good: 5000}, slobacktest.Sample{Time: at, Journey: "invoices", Good: 999, Bad: 1})
	}
	return out
}

// at999 is the objective the premortems are judged by: 99.9% over the
// default 30 days.
var at999 = slo.Objective{Journey: "invoices", Target: 0.999}

func TestPremortemSpend(t *testing.T) {
	traffic := month()
	type figures struct {
		Start, End                 time.Time
		Events, Bad, Budget, Share float64
		Exceeds                    bool
	}
	for _, tc := range []struct {
		name string
		p    slorisk.Premortem
		want figures
	}{
		// Every invoice fails for 30 minutes mid-month: the span (15d,
		// 15d30m] holds the samples ending at 15d1m ... 15d30m, 30 x 1000
		// events, all failing: 30,000 of a budget of 43,200,000 x (1 -
		// 0.999) = 43,200, 69.4% (as a 10-minute full outage spends 23%).
		{"mid-month", slorisk.Premortem{Name: "invoices", Journey: "invoices", At: 15 * 24 * time.Hour, Duration: 30 * time.Minute, Impact: 1},
			figures{monthStart.Add(15 * 24 * time.Hour), monthStart.Add(15*24*time.Hour + 30*time.Minute), 30000, 30000, 43200, 0.694444444444, false}},
		// Half a minute later, the span cuts the first and last samples in
		// half: 500 + 29 x 1000 + 500 = 30,000 events, half failing:
		// 15,000 of 43,200, 34.7%.
		{"cut samples", slorisk.Premortem{Name: "half", Journey: "invoices", At: 15*24*time.Hour + 30*time.Second, Duration: 30 * time.Minute, Impact: 0.5},
			figures{monthStart.Add(15*24*time.Hour + 30*time.Second), monthStart.Add(15*24*time.Hour + 30*time.Minute + 30*time.Second), 30000, 15000, 43200, 0.347222222222, false}},
		// The whole service for the first hour at 12.5%: 60 x 6000 =
		// 360,000 events, 45,000 failing, of (43.2M + 216M) x 0.001 =
		// 259,200: 17.4%.
		{"whole service", slorisk.Premortem{Name: "all", Duration: time.Hour, Impact: 0.125},
			figures{monthStart, monthStart.Add(time.Hour), 360000, 45000, 259200, 0.173611111111, false}},
		// Two days of invoices down: 2880 x 1000 = 2,880,000 of 43,200,
		// 66.7 budgets.
		{"two days", slorisk.Premortem{Name: "long", Journey: "invoices", At: time.Hour, Duration: 48 * time.Hour, Impact: 1},
			figures{monthStart.Add(time.Hour), monthStart.Add(49 * time.Hour), 2880000, 2880000, 43200, 66.6666666667, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := tc.p.Spend(traffic, at999)
			if err != nil {
				t.Fatal(err)
			}
			got := figures{s.Start, s.End, round(s.Events), round(s.Bad), round(s.Budget), round(s.Share), s.Exceeds}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("spend (-want +got):\n%s", diff)
			}
			if s.Premortem != tc.p {
				t.Errorf("spend of %+v, want %+v", s.Premortem, tc.p)
			}
		})
	}
}

func TestPremortemSpendJudgesAPeriodsBudget(t *testing.T) {
	// Three days of the month are judged against a budget of 30 days at
	// their mean rate: 3 x 1440 x 1000 invoices x 30d / 3d x 0.001 =
	// 43,200, as the whole month's. So 30 minutes of invoices failing
	// spend 69.4% of it, on whichever day, as in TestPremortemSpend.
	three := month()[:2*3*24*60]
	s, err := slorisk.Premortem{Name: "p", Journey: "invoices", At: 24 * time.Hour, Duration: 30 * time.Minute, Impact: 1}.Spend(three, at999)
	if err != nil {
		t.Fatal(err)
	}
	if round(s.Budget) != 43200 || round(s.Share) != 0.694444444444 {
		t.Errorf("budget %v, share %v; want 43200, 0.694444444444", s.Budget, s.Share)
	}
	// Over a 28-day period, 28/30 of that: 40,320, and 74.4%.
	o := at999
	o.Period = 28 * 24 * time.Hour
	if s, err = s.Premortem.Spend(three, o); err != nil || round(s.Budget) != 40320 || round(s.Share) != 0.744047619048 {
		t.Errorf("over 28 days: budget %v, share %v, %v; want 40320, 0.744047619048", s.Budget, s.Share, err)
	}
}

func TestPremortemSpendEdges(t *testing.T) {
	t0 := monthStart
	// Samples out of order are sorted first. The first interval is taken
	// to be as long as the second, a minute: the sample at t0 holds the
	// events of (t0-1m, t0], and the traffic starts at t0-1m. The two
	// samples at t0+1m add up, as one of (t0, t0+1m]. A span of (t0-1m,
	// t0] then holds the first sample's 10 events, and one of (t0-30s,
	// t0+30s] half of the first and half of the next 65: 37.5.
	traffic := []slobacktest.Sample{
		{Time: t0.Add(time.Minute), Journey: "a", Good: 60},
		{Time: t0, Journey: "a", Good: 10},
		{Time: t0.Add(time.Minute), Journey: "a", Good: 5},
		{Time: t0.Add(2 * time.Minute), Journey: "a", Good: 25},
	}
	// At 90% over 3 minutes, the traffic's own length: a budget of all
	// its 100 events x 0.1 = 10.
	o := slo.Objective{Journey: "a", Target: 0.9, Period: 3 * time.Minute}
	for _, tc := range []struct {
		at     time.Duration
		events float64
	}{{0, 10}, {30 * time.Second, 37.5}} {
		s, err := slorisk.Premortem{Name: "p", Journey: "a", At: tc.at, Duration: time.Minute, Impact: 1}.Spend(traffic, o)
		if err != nil {
			t.Fatal(err)
		}
		if !s.Start.Equal(t0.Add(-time.Minute+tc.at)) || s.Events != tc.events || round(s.Budget) != 10 || round(s.Share) != tc.events/10 || s.Exceeds != (tc.events > 10) {
			t.Errorf("at %v: start %v, events %v, budget %v, share %v, exceeds %v; want %v, %v, 10, %v, %v",
				tc.at, s.Start, s.Events, s.Budget, s.Share, s.Exceeds, t0.Add(-time.Minute+tc.at), tc.events, tc.events/10, tc.events > 10)
		}
	}
	// A journey with one instant counts its events at it.
	s, err := slorisk.Premortem{Name: "p", Journey: "b", At: time.Minute, Duration: time.Minute, Impact: 1}.Spend(
		append(traffic, slobacktest.Sample{Time: t0.Add(time.Minute), Journey: "b", Good: 7}), o)
	if err != nil {
		t.Fatal(err)
	}
	// The span (t0, t0+1m] holds the instant; the budget is 7 x 0.1 x 3m
	// over the traffic's 3m.
	if s.Events != 7 || round(s.Budget) != 0.7 {
		t.Errorf("one instant: events %v, budget %v; want 7, 0.7", s.Events, s.Budget)
	}

	for _, tc := range []struct {
		name    string
		p       slorisk.Premortem
		traffic []slobacktest.Sample
		want    string
	}{
		{"no traffic", slorisk.Premortem{Name: "p", Duration: time.Minute, Impact: 1}, nil,
			`slorisk: premortem "p": the recorded traffic is empty; give a month of samples`},
		{"missing journey", slorisk.Premortem{Name: "p", Journey: "billing", Duration: time.Minute, Impact: 1}, month(),
			`slorisk: premortem "p": journey "billing" is not in the recorded traffic, which has invoices, search`},
		{"after the traffic", slorisk.Premortem{Name: "p", At: 30 * 24 * time.Hour, Duration: time.Minute, Impact: 1}, month(),
			`slorisk: premortem "p": the failure ends at 2026-03-31T00:01:00Z, after the recorded traffic, which runs from 2026-03-01T00:00:00Z to 2026-03-31T00:00:00Z (30d); start it earlier, or record longer`},
		{"no events", slorisk.Premortem{Name: "p", Duration: time.Minute, Impact: 1},
			[]slobacktest.Sample{{Time: t0, Journey: "a"}, {Time: t0.Add(time.Hour), Journey: "a"}},
			`slorisk: premortem "p": the recorded traffic has no events for it, so no budget to spend`},
		{"one instant", slorisk.Premortem{Name: "p", Duration: time.Minute, Impact: 1},
			[]slobacktest.Sample{{Time: t0, Journey: "a", Good: 1}, {Time: t0, Journey: "b", Good: 1}},
			`slorisk: premortem "p": the recorded traffic is one instant, 2026-03-01T00:00:00Z, with no length to judge a budget over; give a month of samples`},
		{"invalid", slorisk.Premortem{At: -time.Hour, Impact: 2}, month(),
			"slorisk: premortem \"\": name: empty; name what fails, such as \"invoices fail mid-month\"\n" +
				"slorisk: premortem \"\": at: -1h0m0s is negative; write the time after the traffic's start, such as 15d, or 0\n" +
				"slorisk: premortem \"\": duration: 0s is not positive; write how long the failure lasts, such as 30m\n" +
				"slorisk: premortem \"\": impact: 2 is above 1; write 0.02 or 2% for 2% of requests"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.p.Spend(tc.traffic, at999)
			if err == nil || !errors.Is(err, slo.ErrInvalid) {
				t.Fatalf("Spend = %v, want an error matching ErrInvalid", err)
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAnalyzeWithPremortems(t *testing.T) {
	a := analyze(t, `target: 99.9%
risks:
  - {name: cert expires, ettd: 10m, ettr: 50m, impact: 100%, ettf: 365d}
premortems:
  - {name: invoices fail mid-month, journey: invoices, at: 15d, duration: 30m, impact: 100%}
  - {name: two days of invoices down, journey: invoices, at: 1h, duration: 2d, impact: 100%}
`, slorisk.WithTraffic(month()))
	// cert: 60 x 365.25 / 365 = 60.04...; the premortems as in
	// TestPremortemSpend.
	want := `Risks against 99.9%: a budget of 526.0 bad minutes a year.

risk          ettd  ettr  impact  ettf  bad min/yr  of budget  note
cert expires  10m   50m   100%    365d  60.0        11.4%
total                                   60.0        11.4%      fits the budget

Premortems on the recorded traffic, at 99.9%:

premortem                  journey   start                 duration  impact  bad events  of budget  note
invoices fail mid-month    invoices  2026-03-16T00:00:00Z  30m       100%    30000       69.4%
two days of invoices down  invoices  2026-03-01T01:00:00Z  2d        100%    2880000     6666.7%    EXCEEDS THE BUDGET ALONE
`
	if diff := cmp.Diff(want, textOf(t, a)); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
	js := jsonOf(t, a)
	part := `"premortems": [
    {
      "name": "invoices fail mid-month",
      "journey": "invoices",
      "start": "2026-03-16T00:00:00Z",
      "end": "2026-03-16T00:30:00Z",
      "duration": "30m",
      "impact": 1,
      "events": 30000,
      "badEvents": 30000,
      "budgetEvents": 43200,
      "budgetShare": 0.694444444444,
      "exceedsBudget": false
    },`
	if !strings.Contains(js, part) {
		t.Errorf("JSON lacks\n%s\nin\n%s", part, js)
	}
	// A premortem the traffic cannot judge fails the analysis, naming it.
	c, err := slorisk.Parse("r.yaml", []byte("target: 0.999\nrisks: [{name: a, ettd: 1m, ettr: 1m, impact: 1, ettf: 1d}]\npremortems: [{name: p, journey: billing, at: 0, duration: 1m, impact: 1}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	o, _ := c.Resolve(nil)
	if _, err := slorisk.Analyze(c, o, slorisk.WithTraffic(month())); err == nil || !strings.Contains(err.Error(), `premortem "p": journey "billing" is not in the recorded traffic`) {
		t.Errorf("Analyze = %v, want the premortem's error", err)
	}
}

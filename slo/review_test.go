package slo_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// reviewMonth is a month of checkout traffic at 99.9%, 1000 events a
// minute, evaluated every minute from start, minute i counted at
// start+(i+1)m:
//   - background: one bad event in every odd minute, a burn of 0.5 that
//     no rule fires on (the 6h and 3d windows of ticket-3d-6h need 1);
//   - a real incident: a full outage in the 12 minutes from
//     T = start+10d12h (minute 15120), which pages by page-1h-5m from T+1m
//     and by page-6h-30m to T+42m, and tickets by ticket-3d-6h until its
//     6h window lets the last bad minute go, at T+6h12m (as in
//     outageEpisode, the background adding 0.5 to burns well above the
//     factors and keeping the ones that fall under them under);
//   - a flaky page: at B = start+20d8h (minute 29280), after 50 minutes
//     of 12 bad events a minute (a burn of 12, under page-1h-5m's 14.4,
//     which lift the 1h window to 600 bad), one minute of 300 bad: at
//     B+1m the 5m window burns (48+300)/5000/0.001 = 69.6 and the 1h
//     window (600+300+5)/60000/0.001 = 15.08, and page-1h-5m fires; at
//     B+6m the 5m window holds minutes B+1..B+5, 3 background bad: 0.6,
//     and it stops. No other rule fires: 6h burns (900+180)/360000/0.001
//     = 3 < 6, 1d 1.1 < 3, 3d 0.72 < 1.
type reviewMonth struct {
	*minutely
	good, bad uint64 // every event recorded
}

const (
	minuteT = 15120 // start+10d12h
	minuteB = 29280 // start+20d8h
)

func (m *reviewMonth) minute(i int) (good, bad uint64) {
	switch {
	case i >= minuteT && i < minuteT+12:
		return 0, 1000
	case i >= minuteB-50 && i < minuteB:
		return 988, 12
	case i == minuteB:
		return 700, 300
	case i%2 == 1:
		return 999, 1
	}
	return 1000, 0
}

// runTo records and evaluates the minutes up to minute n.
func (m *reviewMonth) runTo(n int) {
	for i := int(m.now.Sub(start) / time.Minute); i < n; i++ {
		g, b := m.minute(i)
		m.good, m.bad = m.good+g, m.bad+b
		m.run(1, g, b)
	}
}

// The real incident's episode: 372 evaluations from T+1m to T+6h12m
// count 372000 events, 12000 in the outage and 180 in the odd minutes of
// the 360 after it.
func realEpisode() slo.Episode {
	at := start.Add(minuteT * time.Minute)
	return slo.Episode{Journey: "checkout", Objective: "availability", Start: at.Add(time.Minute), Rule: "page-1h-5m",
		Severity: burnrate.SeverityPage, Paged: at.Add(time.Minute), Paging: 41 * time.Minute,
		Mitigated: at.Add(17 * time.Minute), End: at.Add(6*time.Hour + 12*time.Minute),
		Good: 372000 - 12180, Bad: 12180,
		// The period at End holds minutes 0..T+6h11m: T+372 minutes.
		BudgetSpent: 12180 / (float64(minuteT+372) * 1000 * 0.001)}
}

// The flaky page's episode: the evaluations B+1m..B+6m count minutes
// B..B+5, the 300 bad and 3 odd minutes'.
func flakyEpisode() slo.Episode {
	at := start.Add(minuteB * time.Minute)
	return slo.Episode{Journey: "checkout", Objective: "availability", Start: at.Add(time.Minute), Rule: "page-1h-5m",
		Severity: burnrate.SeverityPage, Paged: at.Add(time.Minute), Paging: 5 * time.Minute,
		Mitigated: at.Add(6 * time.Minute), End: at.Add(6 * time.Minute),
		Good: 6000 - 303, Bad: 303, BudgetSpent: 303 / (float64(minuteB+6) * 1000 * 0.001)}
}

func TestReviewOfAMonth(t *testing.T) {
	m := &reviewMonth{minutely: newMinutely(t, start)}
	m.runTo(30 * 24 * 60)
	eps := m.reg.Episodes()
	if len(eps) != 2 {
		t.Fatalf("episodes %+v, want the incident and the flaky page", eps)
	}
	// PeakBurn depends on the background minutes in the 1h window: the
	// incident's 12000 bad with the 24 odd minutes among the 48 after
	// them; the flaky page's as derived above, the 1h window trading an
	// odd minute for an odd one, an even for an even, to B+6m.
	real, flaky := realEpisode(), flakyEpisode()
	real.PeakBurn, flaky.PeakBurn = 12024.0/60, 905.0/60
	compareEpisode(t, "incident", eps[0], real)
	compareEpisode(t, "flaky page", eps[1], flaky)

	rv, err := m.reg.Review()
	if err != nil {
		t.Fatal(err)
	}
	if len(rv.Objectives) != 1 || !rv.Time.Equal(m.now) || rv.Options != (slo.ReviewSettings{Flaky: 10 * time.Minute, FlakyBudget: 0.02}) {
		t.Fatalf("review %+v", rv)
	}
	or := rv.Objectives[0]
	// The period is the month exactly: 43,200,000 events, a budget of
	// 43200. The flaky page lasted 5 minutes and spent 303/29286 = 1.03%
	// of the budget it had; the incident spent 12180/15492 = 79%. The
	// incident paged for 41 of its 6h11m and spent the rest at ticket:
	// it is a page and a ticket.
	allowed := 43200.0
	if !or.From.Equal(start) || !or.To.Equal(m.now) || or.Pages != 2 || or.Tickets != 1 || or.FlakyPages != 1 ||
		or.Paging != 46*time.Minute || len(or.Episodes) != 2 {
		t.Errorf("review: %+v", or)
	}
	st := m.reg.Status()[0]
	if st.Good+st.Bad != m.good+m.bad || st.Bad != m.bad {
		t.Fatalf("status counts %d of %d bad, recorded %d of %d", st.Bad, st.Good+st.Bad, m.bad, m.good+m.bad)
	}
	// Background: every bad event but the episodes' 12180 + 303: the
	// trickle's 600 and the odd minutes outside the episodes.
	if wantEp, wantBg := (12180+303)/allowed, float64(m.bad-12180-303)/allowed; !closeTo(or.EpisodeBudget, wantEp) || !closeTo(or.BackgroundBudget, wantBg) {
		t.Errorf("EpisodeBudget, BackgroundBudget = %v, %v; want %v, %v", or.EpisodeBudget, or.BackgroundBudget, wantEp, wantBg)
	}
	if or.Budget != slo.BudgetLeft || or.Budget != st.Budget {
		t.Errorf("Budget %v, the status's %v; want left", or.Budget, st.Budget)
	}
	if or.BudgetRemaining != st.BudgetRemaining || math.Abs(or.EpisodeBudget+or.BackgroundBudget-(1-st.BudgetRemaining)) > 1e-9 {
		t.Errorf("BudgetRemaining %v, episodes + background %v; the status has %v", or.BudgetRemaining, or.EpisodeBudget+or.BackgroundBudget, st.BudgetRemaining)
	}

	// A stricter review: 1% of the budget is too much for a flaky page.
	rv, _ = m.reg.Review(slo.WithFlaky(0, 0.01))
	if n := rv.Objectives[0].FlakyPages; n != 0 {
		t.Errorf("FlakyBudget 0.01: %d flaky pages, want 0", n)
	}
	rv, _ = m.reg.Review(slo.WithFlaky(4*time.Minute, 0))
	if n := rv.Objectives[0].FlakyPages; n != 0 {
		t.Errorf("Flaky 4m: %d flaky pages, want 0", n)
	}
}

// Three hours past the month after the incident's start, the period
// starts in the middle of the incident's episode: it counts in full as a
// page, and by the share of its duration inside the period in Paging and
// EpisodeBudget.
func TestReviewOfAPeriodStartingInAnEpisode(t *testing.T) {
	m := &reviewMonth{minutely: newMinutely(t, start)}
	end := minuteT + 30*24*60 + 3*60 // From = T+3h
	m.runTo(end)
	rv, err := m.reg.Review()
	if err != nil {
		t.Fatal(err)
	}
	or := rv.Objectives[0]
	// The episode ran from T+1m to T+6h12m: 371 minutes, 192 of them
	// after From. Its paging all came before From.
	share := 192.0 / 371
	if !or.From.Equal(start.Add((minuteT+180)*time.Minute)) || or.Pages != 2 || or.FlakyPages != 1 || len(or.Episodes) != 2 {
		t.Errorf("review: %+v", or)
	}
	if want := time.Duration(math.Round(float64(41*time.Minute)*share)) + 5*time.Minute; or.Paging != want {
		t.Errorf("Paging = %v, want %v", or.Paging, want)
	}
	st := m.reg.Status()[0]
	allowed := float64(st.Good+st.Bad) * 0.001
	if want := (12180*share + 303) / allowed; math.Abs(or.EpisodeBudget-want) > 1e-9 {
		t.Errorf("EpisodeBudget = %v, want %v", or.EpisodeBudget, want)
	}
	if math.Abs(or.EpisodeBudget+or.BackgroundBudget-(1-st.BudgetRemaining)) > 1e-9 || or.BackgroundBudget < 0 {
		t.Errorf("episodes %v + background %v, want the period's spent %v", or.EpisodeBudget, or.BackgroundBudget, 1-st.BudgetRemaining)
	}
}

func TestReviewRefusesBadOptions(t *testing.T) {
	m := newMinutely(t, start)
	for _, tc := range []struct {
		opt  slo.ReviewOption
		want []string
	}{
		{slo.WithFlaky(-time.Minute, 0), []string{"WithFlaky: duration -1m0s is negative; use how soon a flaky page ends, such as 10m, or 0 for the default 10m"}},
		{slo.WithFlaky(0, -0.1), []string{"WithFlaky: budget -0.1 is not a share; use one such as 0.02 for 2%, or 0 for the default 0.02"}},
		{slo.WithFlaky(0, math.NaN()), []string{"budget NaN is not a share"}},
		{slo.WithFlaky(0, math.Inf(1)), []string{"budget +Inf is not a share"}},
		// Every problem at once.
		{slo.WithFlaky(-time.Second, math.Inf(-1)), []string{"duration -1s is negative", "budget -Inf is not a share"}},
	} {
		rv, err := m.reg.Review(tc.opt)
		if !errors.Is(err, slo.ErrInvalid) || len(rv.Objectives) != 0 {
			t.Errorf("Review: %v and %d objectives, want an ErrInvalid and no review", err, len(rv.Objectives))
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Review error %q does not say %q", err, w)
			}
		}
	}
	// The last option wins; a nil one is none.
	rv, err := m.reg.Review(slo.WithFlaky(-time.Minute, 0), nil, slo.WithFlaky(time.Minute, 0.5))
	if err != nil || rv.Options != (slo.ReviewSettings{Flaky: time.Minute, FlakyBudget: 0.5}) {
		t.Errorf("Review with a bad option overridden: %+v, %v; want 1m and 0.5", rv.Options, err)
	}
}

// Flaky is a page over within the duration having spent less than the
// budget: an open episode, or one that never paged, is not.
func TestEpisodeFlaky(t *testing.T) {
	page := slo.Episode{Severity: burnrate.SeverityPage, Start: start, End: start.Add(10 * time.Minute), BudgetSpent: 0.019}
	for _, tc := range []struct {
		name   string
		change func(*slo.Episode)
		want   bool
	}{
		{"a page over in 10m spending 1.9%", func(*slo.Episode) {}, true},
		{"over in 10m and a nanosecond", func(e *slo.Episode) { e.End = e.End.Add(1) }, false},
		{"spending 2%", func(e *slo.Episode) { e.BudgetSpent = 0.02 }, false},
		{"still open", func(e *slo.Episode) { e.End = time.Time{} }, false},
		{"a ticket", func(e *slo.Episode) { e.Severity = burnrate.SeverityTicket }, false},
	} {
		e := page
		tc.change(&e)
		if got := e.Flaky(10*time.Minute, 0.02); got != tc.want {
			t.Errorf("%s: Flaky = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestReviewWithoutEvents(t *testing.T) {
	m := newMinutely(t, start)
	m.run(10, 0, 0)
	rv, err := m.reg.Review()
	if err != nil {
		t.Fatal(err)
	}
	or := rv.Objectives[0]
	if or.EpisodeBudget != 0 || or.BackgroundBudget != 0 || or.BudgetRemaining != 1 || or.Budget != slo.BudgetTooFewEvents ||
		or.Pages != 0 || or.Episodes != nil {
		t.Errorf("review of no events: %+v", or)
	}
	b, err := json.Marshal(rv)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"time":"2026-03-02T00:10:00Z","flaky":"10m","flakyBudget":0.02,"objectives":[{"journey":"checkout","objective":"availability",` +
		`"from":"2026-01-31T00:10:00Z","to":"2026-03-02T00:10:00Z","pages":0,"tickets":0,"flakyPages":0,"paging":"0s",` +
		`"episodeBudget":0,"backgroundBudget":0,"budgetRemaining":1,"budget":"too few events","episodes":[]}]}`
	if string(b) != want {
		t.Errorf("JSON\n%s\nwant\n%s", b, want)
	}
}

func TestReviewJSONRoundTrip(t *testing.T) {
	rv := slo.Review{Time: start.Add(30 * 24 * time.Hour), Options: slo.ReviewSettings{Flaky: 10 * time.Minute, FlakyBudget: 0.02},
		Objectives: []slo.ObjectiveReview{{Journey: "checkout", Objective: "availability", From: start, To: start.Add(30 * 24 * time.Hour),
			Pages: 2, FlakyPages: 1, Paging: 46 * time.Minute, EpisodeBudget: 0.1 + 0.2, BackgroundBudget: 1 - 0.54, BudgetRemaining: 0.24,
			Episodes: []slo.Episode{realEpisode()}}}}
	b, err := json.Marshal(rv)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"episodeBudget":0.3,`, `"backgroundBudget":0.46,`, `"paging":"46m"`, `"flaky":"10m"`, `"budgetSpent":0.786212238575`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("JSON %s lacks %s", b, s)
		}
	}
	var back slo.Review
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	rv.Objectives[0].EpisodeBudget, rv.Objectives[0].BackgroundBudget = 0.3, 0.46
	rv.Objectives[0].Episodes[0].BudgetSpent = 0.786212238575
	if b2, _ := json.Marshal(back); string(b2) != string(b) {
		t.Errorf("read back and written again:\n%s\nwant\n%s", b2, b)
	}
	if !back.Time.Equal(rv.Time) || back.Options != rv.Options || back.Objectives[0].Paging != rv.Objectives[0].Paging ||
		back.Objectives[0].EpisodeBudget != 0.3 || !back.Objectives[0].Episodes[0].End.Equal(rv.Objectives[0].Episodes[0].End) {
		t.Errorf("read back %+v", back)
	}
}

// A fresh process that served 9 good requests and 1 bad one: the figures
// are the arithmetic (a budget of 0.01 event, overspent 99 times, all of
// it background), and Budget says they are no claim.
func TestReviewOfTooFewEvents(t *testing.T) {
	m := newMinutely(t, start)
	m.run(1, 9, 1)
	rv, err := m.reg.Review()
	if err != nil {
		t.Fatal(err)
	}
	or := rv.Objectives[0]
	if or.Budget != slo.BudgetTooFewEvents || !closeTo(or.BackgroundBudget, 100) || or.EpisodeBudget != 0 ||
		!closeTo(or.BudgetRemaining, -99) || or.Pages+or.Tickets != 0 {
		t.Errorf("review of 10 events: %+v", or)
	}
}

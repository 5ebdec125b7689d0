// Command quickstart replays a month of traffic for three user journeys
// through a journeyslo registry on a mock clock, and prints the timeline of
// alert state transitions and each objective's final error budget.
//
// The month has three incidents: a full checkout outage, a slow burn of
// login errors, and a search latency regression. Run it with
//
//	go run ./examples/quickstart
package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// A journey's traffic: requests a second at the daily mean, and the share
// of them that fail or are slower than 300 ms on a normal day.
type traffic struct {
	journey   string
	perSecond float64
	failing   float64
	slow      float64
}

// An incident changes one journey's failing or slow share for a while.
type incident struct {
	journey    string
	start      time.Time
	length     time.Duration
	failing    float64
	slow       float64
	annotation string
}

var start = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func day(d, hour, minute int) time.Time {
	return start.AddDate(0, 0, d-1).Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

func main() {
	objectives := []slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "login", Target: 0.995},
		{Journey: "search", Target: 0.995},
		{Journey: "search", Target: 0.95, Latency: 300 * time.Millisecond},
	}
	journeys := []traffic{
		{journey: "checkout", perSecond: 20, failing: 0.0002, slow: 0.01},
		{journey: "login", perSecond: 10, failing: 0.001, slow: 0.01},
		{journey: "search", perSecond: 50, failing: 0.0005, slow: 0.02},
	}
	incidents := []incident{
		{journey: "checkout", start: day(6, 14, 0), length: 12 * time.Minute, failing: 1,
			annotation: "checkout: the payment provider is down for 12 minutes"},
		{journey: "login", start: day(12, 8, 0), length: 40 * time.Hour, failing: 0.015,
			annotation: "login: a bad release fails 1.5% of logins for 40 hours"},
		{journey: "search", start: day(20, 9, 0), length: 90 * time.Minute, slow: 0.8,
			annotation: "search: an index rebuild makes 80% of searches slow for 90 minutes"},
	}

	// The mock clock gives the registry its start; with manual advance the
	// replay moves it through time. A quiet February fills the 30-day
	// windows first, as a service that has been running would have them.
	warmUp := start.AddDate(0, -1, 0)
	mock := clock.NewMock()
	mock.Set(warmUp)
	var timeline []string
	reg, err := slo.New(objectives, slo.WithClock(mock), slo.WithManualAdvance(),
		slo.OnTransition(func(t slo.Transition) { timeline = append(timeline, describe(t)) }))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer reg.Close()

	handles := make([]*slo.Journey, len(journeys))
	for i, j := range journeys {
		var ok bool
		if handles[i], ok = reg.Journey(j.journey); !ok { // resolve once; record with no lookup
			fmt.Fprintf(os.Stderr, "journey %s is not declared; declared: %v\n", j.journey, reg.Journeys())
			os.Exit(1)
		}
	}

	fmt.Println("journeyslo quickstart: a month of traffic, replayed on a mock clock")
	fmt.Println()
	fmt.Println("Objectives (30-day rolling, the SRE Workbook's multi-window burn-rate policy):")
	for _, o := range reg.Objectives() {
		what := "requests succeed"
		if o.Latency > 0 {
			what = fmt.Sprintf("requests succeed within %v", o.Latency)
		}
		fmt.Printf("  %-8s %-13s %v%% of %s\n", o.Journey, o.Name, o.Target*100, what)
	}
	fmt.Println()
	fmt.Println("Incidents:")
	for _, in := range incidents {
		fmt.Printf("  %s  %s\n", in.start.Format("Jan 02 15:04"), in.annotation)
	}
	fmt.Println()

	rng := rand.New(rand.NewPCG(2026, 3))
	began := time.Now()
	replay := func(from, to time.Time, step time.Duration) {
		for now := from; now.Before(to); now = now.Add(step) {
			reg.Advance(now)
			for _, in := range incidents {
				if in.start.Add(in.length).Equal(now) {
					timeline = append(timeline, outlook(reg, in, journeys)...)
				}
			}
			for i, j := range journeys {
				failing, slow := j.failing, j.slow
				for _, in := range incidents {
					if in.journey == j.journey && !now.Before(in.start) && now.Before(in.start.Add(in.length)) {
						failing, slow = max(failing, in.failing), max(slow, in.slow)
					}
				}
				record(handles[i], rng, j.perSecond*diurnal(now)*step.Seconds(), failing, slow)
			}
		}
	}
	replay(warmUp, start, time.Minute)
	timeline = timeline[:0] // the timeline of March only
	end := start.AddDate(0, 1, 0)
	replay(start, end, reg.Tick()) // March, one tick at a time
	reg.Advance(end)
	took := time.Since(began)

	fmt.Println("Timeline of alert states:")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	for _, line := range timeline {
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	fmt.Println()

	fmt.Printf("Error budgets on %s:\n", end.Format("Jan 02"))
	tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  journey\tobjective\ttarget\tSLI\tevents\tbudget left\tstate")
	for _, st := range reg.Status() {
		fmt.Fprintf(tw, "  %s\t%s\t%v%%\t%.4f%%\t%d\t%s\t%v\n", st.Journey, st.Objective, st.Target*100,
			st.SLI*100, st.Good+st.Bad, bar(st.BudgetRemaining), st.State)
	}
	tw.Flush()
	fmt.Println()

	// The agenda of the monthly review of alerts and SLOs: what paged, what
	// paged for nothing, and what the budget went on while an alert was
	// open, against outside one: before an alert fired (search's slow
	// searches ran 53 minutes before the page) or below every threshold.
	review, err := reg.Review()
	if err != nil {
		panic(err) // unreachable: the defaults are valid
	}
	fmt.Printf("Monthly review (%v, flaky: a page over within %v having spent under %.0f%% of the budget):\n",
		burnrate.FormatWindow(review.Objectives[0].To.Sub(review.Objectives[0].From)),
		review.Options.Flaky, review.Options.FlakyBudget*100)
	tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  journey\tobjective\tpages\tflaky\ttickets\tpaging\tbudget spent while alerting\toutside alerts")
	for _, o := range review.Objectives {
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%d\t%d\t%v\t%.1f%%\t%.1f%%\n", o.Journey, o.Objective, o.Pages, o.FlakyPages,
			o.Tickets, o.Paging, o.EpisodeBudget*100, o.BackgroundBudget*100)
	}
	tw.Flush()
	fmt.Printf("\nReplayed February at 1-minute steps and March at %v steps in %v.\n", reg.Tick(), took.Round(time.Millisecond))
}

// diurnal scales traffic over the day: quietest at 04:00, busiest at 16:00.
func diurnal(t time.Time) float64 {
	h := float64(t.Hour()) + float64(t.Minute())/60
	return 1 + 0.6*math.Sin(2*math.Pi*(h-10)/24)
}

// record adds one step of traffic to a journey: about n requests, of which
// a share fail and a share of the rest are slow. Shares are rounded at
// random so that small rates still add up right.
func record(j *slo.Journey, rng *rand.Rand, n, failing, slow float64) {
	total := roundRandom(rng, n)
	bad := min(total, roundRandom(rng, float64(total)*failing))
	slowCount := min(total-bad, roundRandom(rng, float64(total-bad)*slow))
	for range slowCount {
		j.Observe(800*time.Millisecond, false)
	}
	j.Add(total-bad-slowCount, bad)
}

func roundRandom(rng *rand.Rand, x float64) uint64 {
	f := math.Floor(x)
	if rng.Float64() < x-f {
		f++
	}
	return uint64(f)
}

func describe(t slo.Transition) string {
	st := t.Status
	arrow := fmt.Sprintf("%v -> %v", t.From, t.To)
	why := "budget left " + fmt.Sprintf("%.1f%%", st.BudgetRemaining*100)
	if st.Rule != "" {
		for _, r := range st.Rules {
			if r.Name == st.Rule {
				why = fmt.Sprintf("%s: burn %.1f over %s and %.1f over %s, threshold %g",
					r.Name, r.LongRate, burnrate.FormatWindow(r.Long), r.ShortRate, burnrate.FormatWindow(r.Short), r.Factor)
			}
		}
	}
	return fmt.Sprintf("  %s\t%s\t%s\t%s", st.Time.Format("Jan 02 15:04:05"), slo.ObjectiveKey(st.Journey, st.Objective), arrow, why)
}

// outlook describes, as an incident ends, when each of its journey's
// objectives that is not ok will be again, and when its page ends, if the
// journey fails no more than on a normal day: the registry's outlook, from
// the rules that fire and the windows that hold the incident. It assumes
// the last hour's rate of requests: login's incident ends at midnight,
// and as its traffic falls toward 04:00, fewer good requests dilute the
// incident more slowly than that rate assumes, so its ticket ends later
// than expected. Checkout's and search's end at the instants expected.
func outlook(reg *slo.Registry, in incident, journeys []traffic) []string {
	var normal traffic
	for _, j := range journeys {
		if j.journey == in.journey {
			normal = j
		}
	}
	var lines []string
	for _, o := range reg.Objectives() {
		if o.Journey != in.journey {
			continue
		}
		ratio := normal.failing // bad for availability
		if o.Latency > 0 {
			ratio += (1 - normal.failing) * normal.slow // and slow for latency
		}
		t, _ := reg.Tracker(o.Journey, o.Name) // o is one of reg.Objectives()
		out := t.Outlook(ratio)
		if out.Reset.Equal(out.Time) {
			continue // ok already
		}
		// when says when the state falls below severity, and by which
		// rule's window.
		when := func(what string, severity burnrate.Severity, at time.Time) string {
			if at.IsZero() {
				return what + " not within the period at this traffic"
			}
			r, _ := out.Holding(severity)
			return fmt.Sprintf("%s at %s (in %v, when %s's %s window no longer holds it)",
				what, at.Format("15:04:05"), at.Sub(out.Time), r.Name, burnrate.FormatWindow(r.Window))
		}
		say := when("expect ok", burnrate.SeverityTicket, out.Reset)
		if out.PageReset.After(out.Time) && !out.PageReset.Equal(out.Reset) {
			say = when("expect the page to end", burnrate.SeverityPage, out.PageReset) + "; " + say
		}
		lines = append(lines, fmt.Sprintf("  %s\t%s\tincident over\t%s", out.Time.Format("Jan 02 15:04:05"), slo.ObjectiveKey(o.Journey, o.Name), say))
	}
	return lines
}

// bar draws the remaining budget as a 20-cell bar and a percentage.
func bar(remaining float64) string {
	cells := int(math.Round(math.Max(0, math.Min(1, remaining)) * 20))
	return fmt.Sprintf("[%s%s] %6.1f%%", strings.Repeat("#", cells), strings.Repeat(".", 20-cells), remaining*100)
}

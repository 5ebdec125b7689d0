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
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// An incident changes one journey's failing and slow shares for a while.
type incident struct {
	journey    string
	spell      slobacktest.Incident
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
	// Each journey's traffic is a synthetic scenario, the generator of
	// journeyslo's backtests: requests a second at the daily mean, busiest
	// at noon, and the shares that fail and that are slow (800 ms) on a
	// normal day. A quiet February fills the 30-day windows first, as a
	// service that has been running would have them.
	warmUp := start.AddDate(0, -1, 0)
	end := start.AddDate(0, 1, 0)
	normal := func(journey string, perSecond, failing, slow float64) slobacktest.Scenario {
		return slobacktest.Scenario{Journey: journey, Start: warmUp, Length: end.Sub(warmUp), Rate: perSecond, Diurnal: 0.6,
			ErrorRatio: failing, Slow: slow, SlowLatency: 800 * time.Millisecond}
	}
	scenarios := []slobacktest.Scenario{
		normal("checkout", 20, 0.0002, 0.01),
		normal("login", 10, 0.001, 0.01),
		normal("search", 50, 0.0005, 0.02),
	}
	incidents := []incident{
		{"checkout", slobacktest.Incident{Start: day(6, 14, 0), Duration: 12 * time.Minute, ErrorRatio: 1},
			"checkout: the payment provider is down for 12 minutes"},
		{"login", slobacktest.Incident{Start: day(12, 8, 0), Duration: 40 * time.Hour, ErrorRatio: 0.016, Slow: 0.01},
			"login: a bad release fails 1.6% of logins for 40 hours"},
		{"search", slobacktest.Incident{Start: day(20, 9, 0), Duration: 90 * time.Minute, ErrorRatio: 0.0005, Slow: 0.8},
			"search: an index rebuild makes 80% of searches slow for 90 minutes"},
	}
	for _, in := range incidents {
		for i := range scenarios {
			if scenarios[i].Journey == in.journey {
				scenarios[i].Incidents = append(scenarios[i].Incidents, in.spell)
			}
		}
	}

	// The mock clock gives the registry its start; with manual advance the
	// replay moves it through time.
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

	feeds := make([]*slobacktest.Feed, len(scenarios))
	for i, sc := range scenarios {
		j, ok := reg.Journey(sc.Journey) // resolve once; record with no lookup
		if !ok {
			fmt.Fprintf(os.Stderr, "journey %s is not declared; declared: %v\n", sc.Journey, reg.Journeys())
			os.Exit(1)
		}
		if feeds[i], err = sc.Feed(j); err != nil {
			fmt.Fprintln(os.Stderr, err)
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
		fmt.Printf("  %s  %s\n", in.spell.Start.Format("Jan 02 15:04"), in.annotation)
	}
	fmt.Println()

	began := time.Now()
	replay := func(from, to time.Time, step time.Duration) {
		for now := from; now.Before(to); now = now.Add(step) {
			reg.Advance(now)
			for _, in := range incidents {
				if in.spell.End().Equal(now) {
					timeline = append(timeline, outlook(reg, in, scenarios)...)
				}
			}
			for _, f := range feeds {
				f.To(now.Add(step)) // the step's requests, counted at the next advance
			}
		}
	}
	replay(warmUp, start, time.Minute)
	timeline = timeline[:0]        // the timeline of March only
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
// its quietest hour, and as its traffic grows after it, more good requests
// dilute the incident faster than that rate assumes, so its ticket ends
// sooner than expected; checkout's traffic falls from its noon peak, so
// its ticket ends a tick later. Search's page ends at the instant expected.
func outlook(reg *slo.Registry, in incident, scenarios []slobacktest.Scenario) []string {
	var normal slobacktest.Scenario
	for _, sc := range scenarios {
		if sc.Journey == in.journey {
			normal = sc
		}
	}
	var lines []string
	for _, o := range reg.Objectives() {
		if o.Journey != in.journey {
			continue
		}
		ratio := normal.ErrorRatio // bad for availability
		if o.Latency > 0 {
			ratio += (1 - normal.ErrorRatio) * normal.Slow // and slow for latency
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

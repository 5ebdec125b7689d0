package bench

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// The journeyslo side of the backtest benchmark, and how it is compared
// with the Prometheus side.

// shortX2 is the fourth policy the benchmark replays beside the three
// baselines: the objective's own with every short window doubled, a
// candidate that resets later and pages less often on short bursts. (The
// other obvious candidate, short windows halved, would put a 2m30s window
// in the registry, whose 1-second buckets would triple the replay's ticks
// over the default policy's 3 seconds.)
const shortX2 = "short-x2"

func shortX2Policy(p burnrate.Policy) burnrate.Policy {
	out := burnrate.Policy{MinEvents: p.MinEvents, Rules: slices.Clone(p.Rules)}
	for i := range out.Rules {
		out.Rules[i].Short *= 2
		out.Rules[i].Name = ""
	}
	return out
}

// backtestConfigs returns one replay config per objective of tr: its
// policy and the baselines, shortX2, and the incidents the generator
// injected into its journey (none for the journeys without, so that the
// background's noisy minutes are not taken for incidents). The replay
// evaluates at the traffic's one-minute step, the instants Prometheus
// evaluates the alerts at: the same work per objective on both sides.
func backtestConfigs(tr *backtestTraffic) []slobacktest.Config {
	cfgs := make([]slobacktest.Config, len(tr.objs))
	for i, o := range tr.objs {
		incidents := []slobacktest.Incident{}
		for _, in := range tr.incidents {
			if in.Journey == o.Journey {
				incidents = append(incidents, in)
			}
		}
		cfgs[i] = slobacktest.Config{
			Objective:  o,
			Candidates: []slobacktest.Candidate{{Name: shortX2, Policy: shortX2Policy(o.Policy)}},
			Incidents:  incidents,
		}
	}
	return cfgs
}

// policyResult returns the result of the named candidate.
func policyResult(or slobacktest.ObjectiveResult, name string) (slobacktest.PolicyResult, error) {
	for _, p := range or.Policies {
		if p.Name == name {
			return p, nil
		}
	}
	return slobacktest.PolicyResult{}, fmt.Errorf("%s:%s has no result for policy %q", or.Objective.Journey, or.Objective.Name, name)
}

// stateTime returns how long the spans are in state sev.
func stateTime(spans []slobacktest.Span, sev burnrate.Severity) time.Duration {
	var d time.Duration
	for _, s := range spans {
		if s.State == sev {
			d += s.End.Sub(s.Start)
		}
	}
	return d
}

// An agreement is how the two sides judged one objective under its own
// policy. Times at page and at ticket (ticket without page, as the
// registry reports one state) are Prometheus's firing steps times the
// step, and the replay's spans. The rest is on the evaluation grid, the
// end of every minute: where Prometheus evaluates, and where the replay
// has added every event of the minute, so that both judge the same
// events. The replay also evaluates the 19 ticks in between, and sees
// state changes of a few seconds there that no range query at a minute's
// step can; on the grid they are left out.
type agreement struct {
	journey                string
	promPage, jsloPage     time.Duration
	promTicket, jsloTicket time.Duration
	// steps counts the grid's instants, changes the changes of state on
	// Prometheus's side, differ the instants at which the two differ.
	steps, changes, differ int
	// Page episodes on the grid: runs of instants at page.
	promEpisodes, jsloEpisodes int
	// Per incident, the time from its start to the first instant at page
	// from its start up to its end plus the policy's longest page short
	// window (its reach, as the replay's Detection has it); -1 when none.
	promDetect, jsloDetect []time.Duration
}

// gridStates returns each side's state at every step from first: the most
// severe alert firing at the step on Prometheus's side (firing per alert,
// in steps), the span holding the step's instant on the replay's.
func gridStates(steps int, first time.Time, page, ticket []int32, spans []slobacktest.Span) (prom, jslo []burnrate.Severity) {
	prom = make([]burnrate.Severity, steps)
	for _, s := range ticket {
		prom[s] = burnrate.SeverityTicket
	}
	for _, s := range page {
		prom[s] = burnrate.SeverityPage
	}
	jslo = make([]burnrate.Severity, steps)
	j := 0
	for s := range jslo {
		at := first.Add(time.Duration(s) * backtestStep)
		// A span holds [Start, End); the last one holds the replay's end
		// too, the grid's last instant.
		for j+1 < len(spans) && !spans[j].End.After(at) {
			j++
		}
		jslo[s] = spans[j].State
	}
	return prom, jslo
}

// gridEpisodes counts the runs of steps at page.
func gridEpisodes(states []burnrate.Severity) int {
	n := 0
	for s, st := range states {
		if st == burnrate.SeverityPage && (s == 0 || states[s-1] != burnrate.SeverityPage) {
			n++
		}
	}
	return n
}

// gridDetect returns the time from start to the first step at page in
// [start, until], or -1.
func gridDetect(states []burnrate.Severity, first, start, until time.Time) time.Duration {
	for s, st := range states {
		at := first.Add(time.Duration(s) * backtestStep)
		if st == burnrate.SeverityPage && !at.Before(start) && !at.After(until) {
			return at.Sub(start)
		}
	}
	return -1
}

// agreements compares, objective by objective, what Prometheus's range
// queries of the generated alerts found (firing, per alert of alerts, in
// steps from first) with the replay's result for the objective's own
// policy.
func agreements(tr *backtestTraffic, alerts []promAlert, firing [][]int32, first time.Time, res *slobacktest.Result) ([]agreement, error) {
	out := make([]agreement, len(tr.objs))
	for i, o := range tr.objs {
		a := &out[i]
		a.journey = o.Journey
		var page, ticket []int32
		for k, al := range alerts {
			if al.journey != o.Journey || al.objective != o.Name {
				continue
			}
			switch al.severity {
			case burnrate.SeverityPage.String():
				page = firing[k]
			case burnrate.SeverityTicket.String():
				ticket = firing[k]
			}
		}
		or := res.Objectives[i]
		if or.Objective.Journey != o.Journey {
			return nil, fmt.Errorf("result %d is of journey %s, want %s", i, or.Objective.Journey, o.Journey)
		}
		pr, err := policyResult(or, slobacktest.ObjectivePolicy)
		if err != nil {
			return nil, err
		}
		a.steps = tr.minutes
		prom, jslo := gridStates(a.steps, first, page, ticket, pr.Spans)
		for s := range prom {
			switch prom[s] {
			case burnrate.SeverityPage:
				a.promPage += backtestStep
			case burnrate.SeverityTicket:
				a.promTicket += backtestStep
			}
			if s > 0 && prom[s] != prom[s-1] {
				a.changes++
			}
			if prom[s] != jslo[s] {
				a.differ++
			}
		}
		a.jsloPage = stateTime(pr.Spans, burnrate.SeverityPage)
		a.jsloTicket = stateTime(pr.Spans, burnrate.SeverityTicket)
		a.promEpisodes, a.jsloEpisodes = gridEpisodes(prom), gridEpisodes(jslo)
		var reach time.Duration
		for _, r := range o.Policy.Rules {
			if r.Severity == burnrate.SeverityPage {
				reach = max(reach, r.Short)
			}
		}
		for _, ir := range or.Incidents {
			until := ir.End().Add(reach)
			a.promDetect = append(a.promDetect, gridDetect(prom, first, ir.Start, until))
			a.jsloDetect = append(a.jsloDetect, gridDetect(jslo, first, ir.Start, until))
		}
	}
	return out, nil
}

// check reports how a disagrees beyond the tolerance. On the grid, both
// sides judge the same events with the same rules, and windows of up to
// six hours read the same events: the registry's buckets for them (15 s,
// 1 min) divide a minute's end exactly. The windows of a day and of three
// days read 5- and 15-minute buckets, the oldest counted pro rata where
// Prometheus's increase() counts the window's exact events (the samples
// fall on its ends, so nothing is extrapolated), and a rule over them can
// cross its threshold a few minutes apart on the two sides. So: the same
// page episodes and the same detections, and states that differ at no
// more than three instants per change of state (at least three).
func (a agreement) check() []string {
	var out []string
	if slack := 3 * max(a.changes, 1); a.differ > slack {
		out = append(out, fmt.Sprintf("%s: states differ at %d of %d minutes, more than %d (3 per change of state)", a.journey, a.differ, a.steps, slack))
	}
	if a.jsloEpisodes != a.promEpisodes {
		out = append(out, fmt.Sprintf("%s: %d page episodes, Prometheus %d", a.journey, a.jsloEpisodes, a.promEpisodes))
	}
	for k := range a.promDetect {
		if p, j := a.promDetect[k], a.jsloDetect[k]; p != j {
			out = append(out, fmt.Sprintf("%s: incident %d detected after %v, Prometheus after %v (negative: never)", a.journey, k, j, p))
		}
	}
	return out
}

// TestBacktestAgreesWithPrometheus replays eight days of ten objectives,
// each with one of the generator's incidents or none, and evaluates the
// generated alerts over the same events in Prometheus: under each
// objective's own policy both sides must page, ticket and detect alike,
// within agreement.check's tolerance.
func TestBacktestAgreesWithPrometheus(t *testing.T) {
	promtest.Promtool(t)
	objs := fleetObjectivesList()[:10]
	const days = 8
	tr := newBacktestTraffic(objs, backtestStart, days*24*60, monthIncidents(objs, backtestStart, days))
	first, last := tr.evaluationSpan()
	side := setUpProm(t, tr)
	firing, err := evalAlerts(context.Background(), side.srv.API, side.alerts, first, last, backtestStep, 2)
	if err != nil {
		t.Fatal(err)
	}
	res, err := slobacktest.Run(tr.samples(), backtestConfigs(tr), slobacktest.WithEvery(backtestStep))
	if err != nil {
		t.Fatal(err)
	}
	if res.Tick != 3*time.Second {
		t.Errorf("the replay ticks every %v, want 3s: a policy's window needs finer buckets than the default's", res.Tick)
	}
	ags, err := agreements(tr, side.alerts, firing, first, res)
	if err != nil {
		t.Fatal(err)
	}
	var pages, tickets, detected int
	for _, a := range ags {
		t.Logf("%s: page %v (Prometheus %v) in %d episodes (%d), ticket %v (%v), detections %v (%v); states differ at %d minutes, %d changes",
			a.journey, a.jsloPage, a.promPage, a.jsloEpisodes, a.promEpisodes, a.jsloTicket, a.promTicket, a.jsloDetect, a.promDetect, a.differ, a.changes)
		for _, msg := range a.check() {
			t.Error(msg)
		}
		pages += a.promEpisodes
		if a.promTicket > 0 {
			tickets++
		}
		for _, d := range a.promDetect {
			if d >= 0 {
				detected++
			}
		}
	}
	// Of the eight incidents, five page: not the two days' burns of 4,
	// which ticket, nor the 5-minute outage at 99%. Six objectives see the
	// ticket rules fire, the 30-minute outage at 99% being too short for
	// them. Not a comparison of silences.
	if pages != 5 || detected != 5 || tickets != 6 {
		t.Errorf("Prometheus paged %d times, detected %d incidents and ticketed %d objectives; want 5, 5 and 6", pages, detected, tickets)
	}
}

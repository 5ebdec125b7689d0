package slobacktest_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// The oracle tests replay steady traffic with an incident of constant error
// ratio e and compare every policy's detection and reset with the closed
// forms. At 99.9% the budget ratio b is 0.001. Under a constant e starting
// at t0, a window of length W burns e/b x t/W at t < W, so a rule of factor
// f over windows L and S fires at
//
//	t = f x b x W / e for each window, the later being the long one's,
//
// and after the errors stop its short window S burns e/b x (S - t)/S, so
// it resets at
//
//	t = S x (1 - f x b / e) after the end (a single-window rule: S = L).
//
// The registry evaluates every 3s tick (the 5m window's bucket), so each is
// the first evaluation at or after the closed form, and an evaluation at
// which a window burns exactly at the factor still fires: a reset is the
// first tick after its closed form when the form falls on a tick.
//
// The traffic is 1000 events a minute, as one sample of 50 events per tick,
// so that every window holds 50 events a tick exactly: a window of n ticks
// holding x bad events burns x/(50 n)/0.001 = 20x/n. The windows keep
// buckets of 3s (5m, 10m), 15s (30m, 1h), 1m (6h), 5m (1d) and 15m (3d); a
// window whose start falls inside a bucket counts that bucket's events pro
// rata, which matters when the bad events are not uniform over it.
//
// Two hours of good traffic come before the incident starts at w, on an
// edge of every bucket, and before them the registry's primed history: a
// period at the traffic's mean rate, 1000 events a minute, added in steps
// as wide as the buckets of the windows that reach back to them. So every
// window is full of steady traffic at w, which it counts as it would the
// same ticks of real traffic.
const perTick = 50

var w = t0.Add(2 * time.Hour)

// steady returns one sample a tick from t0 (exclusive) to until
// (inclusive), each of perTick events, bad(i) of them bad at the incident's
// i-th tick (1 for the first, whose step starts at w), none outside the
// incident of n ticks.
func steady(until time.Time, n int, bad func(i int) uint64) []slobacktest.Sample {
	var out []slobacktest.Sample
	for t := t0.Add(3 * time.Second); !t.After(until); t = t.Add(3 * time.Second) {
		s := slobacktest.Sample{Time: t, Journey: "checkout", Good: perTick}
		if i := int(t.Sub(w) / (3 * time.Second)); i >= 1 && i <= n {
			s.Bad = bad(i)
			s.Good -= s.Bad
		}
		out = append(out, s)
	}
	return out
}

type oracle struct {
	detected  bool
	detection time.Duration
	spentPPM  float64 // BudgetBeforeDetection in millionths, to keep the figures readable
	cleared   bool
	reset     time.Duration
	spans     []span
}

// span is a Span with times relative to w. The replay starts one tick
// before the first sample, at t0 = w - 2h.
type span struct {
	from, to time.Duration
	state    burnrate.Severity
	rule     string
}

func runOracle(t *testing.T, name string, traffic []slobacktest.Sample, inc slobacktest.Incident, wantIncident slobacktest.IncidentResult, want map[string]oracle) {
	t.Helper()
	res, err := slobacktest.Run(traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.999}, Incidents: []slobacktest.Incident{inc}}})
	if err != nil {
		t.Fatal(err)
	}
	o := res.Objectives[0]
	// One 30-day period at 1000 events a minute: 43,200,000 events, a
	// budget of 43,200.
	if o.Budget != 43200 {
		t.Errorf("%s: budget %v, want 43200", name, o.Budget)
	}
	if diff := cmp.Diff([]slobacktest.IncidentResult{wantIncident}, o.Incidents, cmp.Comparer(func(a, b float64) bool { return near(a, b) })); diff != "" {
		t.Errorf("%s: incidents (-want +got):\n%s", name, diff)
	}
	for _, p := range o.Policies {
		wp, ok := want[p.Name]
		if !ok {
			t.Errorf("%s: unexpected policy %s", name, p.Name)
			continue
		}
		d := p.Detections[0]
		got := oracle{d.Detected, d.Detection, d.BudgetBeforeDetection * 1e6, d.Cleared, d.Reset, nil}
		for _, s := range p.Spans {
			got.spans = append(got.spans, span{s.Start.Sub(w), s.End.Sub(w), s.State, s.Rule})
		}
		if diff := cmp.Diff(wp, got, cmp.AllowUnexported(oracle{}, span{}), cmp.Comparer(func(a, b float64) bool { return near(a, b) })); diff != "" {
			t.Errorf("%s, %s (-want +got):\n%s", name, p.Name, diff)
		}
	}
}

func near(a, b float64) bool { return a == b || (a-b < 1e-9*max(1, b) && b-a < 1e-9*max(1, b)) }

const (
	s = time.Second
	m = time.Minute
	h = time.Hour
)

func TestOracleFullOutage(t *testing.T) {
	// A 36-minute full outage: 720 ticks of 50 bad events, 36,000 in all,
	// 0.8333 of the budget. Every tick's bad events are the same, so every
	// window counts exactly 50 a tick of the outage it holds.
	const n = 720
	end := 36 * m
	traffic := steady(w.Add(end+7*h), n, func(int) uint64 { return perTick })
	runOracle(t, "full outage", traffic,
		slobacktest.Incident{Journey: "checkout", Start: w, Duration: end, ErrorRatio: 1},
		slobacktest.IncidentResult{Incident: slobacktest.Incident{Journey: "checkout", Start: w, Duration: end, ErrorRatio: 1},
			Bad: 36000, Budget: 36000.0 / 43200, Significant: true},
		map[string]oracle{
			// 10m x 0.001 / 1 = 0.6s: the first tick, 50 bad, burn 20 x
			// 50/200 = 5. Reset 10m x (1 - 0.001) = 9m59.4s: the window
			// holds 50 (200 - k) bad k ticks after the end, under 10 (burn
			// 1) from k = 200, 10m0s. 50 bad spent: 50/43200.
			"threshold": {true, 3 * s, 50 / 43200.0 * 1e6, true, 10 * m, []span{
				{-2 * h, 3 * s, burnrate.SeverityOK, ""},
				{3 * s, end + 10*m, burnrate.SeverityPage, "threshold"},
				{end + 10*m, end + 7*h, burnrate.SeverityOK, ""}}},
			// 14.4 x 0.001 x 1h / 1 = 51.84s: 50k bad of 60,000 burn 14.4 at
			// k = 17.28, so tick 18, 54s, having spent 900/43200 = 2.08%
			// (the 2% of the budget the rule is for). Reset 1h x (1 -
			// 0.0144) = 59m8.16s: 50 (1200 - k) bad fall under 864 at k =
			// 1183, 59m9s.
			"burnrate-1h": {true, 54 * s, 900 / 43200.0 * 1e6, true, 59*m + 9*s, []span{
				{-2 * h, 54 * s, burnrate.SeverityOK, ""},
				{54 * s, end + 59*m + 9*s, burnrate.SeverityPage, "burnrate-1h"},
				{end + 59*m + 9*s, end + 7*h, burnrate.SeverityOK, ""}}},
			// page-1h-5m fires with the 1h window as burnrate-1h does: 54s.
			// page-6h-30m fires at 6 x 0.001 x 6h = 2m9.6s (tick 44) and,
			// its 6h window holding all 36,000 bad, holds the page until its
			// 30m window resets at 30m x (1 - 0.006) = 29m49.2s: 50 (600 -
			// k) under 180 at k = 597, 29m51s. The tickets then hold: the 1d
			// and 3d windows burn 25 and 8.3, and ticket-3d-6h's 6h window
			// holds 50 (7200 - k) bad, at or over 360 (burn 1) until k =
			// 7193, 5h59m39s after the end.
			"objective": {true, 54 * s, 900 / 43200.0 * 1e6, true, 29*m + 51*s, []span{
				{-2 * h, 54 * s, burnrate.SeverityOK, ""},
				{54 * s, end + 29*m + 51*s, burnrate.SeverityPage, "page-1h-5m"},
				{end + 29*m + 51*s, end + 5*h + 59*m + 39*s, burnrate.SeverityTicket, "ticket-1d-2h"},
				{end + 5*h + 59*m + 39*s, end + 7*h, burnrate.SeverityOK, ""}}},
		})
}

func TestOracleTenTimes(t *testing.T) {
	// Four hours at 1% errors, a burn of 10: one bad event every second
	// tick (the even ones, the last tick of the incident among them). 2400
	// bad: 5.6% of the budget within 6 hours, so significant.
	const n = 4800
	end := 4 * h
	traffic := steady(w.Add(end+h), n, func(i int) uint64 { return uint64(1 - i%2) })
	runOracle(t, "10x", traffic,
		slobacktest.Incident{Journey: "checkout", Start: w, Duration: end, ErrorRatio: 0.01},
		slobacktest.IncidentResult{Incident: slobacktest.Incident{Journey: "checkout", Start: w, Duration: end, ErrorRatio: 0.01},
			Good: n*perTick - 2400, Bad: 2400, Budget: 2400 / 43200.0, Significant: true},
		map[string]oracle{
			// 10m x 0.001 / 0.01 = 1m: the 10th bad event comes at tick 20,
			// and 10 bad of 10,000 burn exactly 1. Reset 10m x (1 - 0.1) =
			// 9m, plus the 6s between errors: k ticks after the end, the
			// window (3s buckets, whole ticks) holds the last 200 - k ticks
			// of the incident and ceil((200 - k)/2) bad, 10 (burn 1, still
			// firing) up to k = 181, 9 at k = 182: 9m6s.
			"threshold": {true, m, 10 / 43200.0 * 1e6, true, 9*m + 6*s, []span{
				{-2 * h, m, burnrate.SeverityOK, ""},
				{m, end + 9*m + 6*s, burnrate.SeverityPage, "threshold"},
				{end + 9*m + 6*s, end + h, burnrate.SeverityOK, ""}}},
			// A burn of 10 never reaches 14.4.
			"burnrate-1h": {false, 0, 0, false, 0, []span{{-2 * h, end + h, burnrate.SeverityOK, ""}}},
			// page-1h-5m never fires either; page-6h-30m fires at 6 x 0.001
			// x 6h / 0.01 = 3h36m, 2160 bad of 360,000 (burn 6), having spent
			// 2160/43200 = 5% (its share). The tickets would fire at 7h12m
			// (3 x 0.001 x 1d / 0.01 and 1 x 0.001 x 3d / 0.01), after the
			// end. Reset 30m x (1 - 0.6) = 12m: at 12m the 30m window holds
			// the last 360 ticks, 180 bad (burn 6, firing); at 12m3s it
			// starts 3s into a 15s bucket holding 2 bad, counts 12/15 of
			// them and the 178 after: 179.6, under 6. The 3d window's 2400 bad
			// burn 0.56: no ticket after.
			"objective": {true, 3*h + 36*m, 0.05 * 1e6, true, 12*m + 3*s, []span{
				{-2 * h, 3*h + 36*m, burnrate.SeverityOK, ""},
				{3*h + 36*m, end + 12*m + 3*s, burnrate.SeverityPage, "page-6h-30m"},
				{end + 12*m + 3*s, end + h, burnrate.SeverityOK, ""}}},
		})
}

func TestOracleTwice(t *testing.T) {
	// 40 hours at 0.2% errors, a burn of 2: one bad event every tenth tick
	// (the last tick of each 30s), 4800 in all: 11% of the budget, but at
	// most 720 in 6 hours (1.7%) and 120 in an hour: not significant.
	const n = 48000
	end := 40 * h
	traffic := steady(w.Add(end+h), n, func(i int) uint64 {
		if i%10 == 0 {
			return 1
		}
		return 0
	})
	runOracle(t, "2x", traffic,
		slobacktest.Incident{Journey: "checkout", Start: w, Duration: end, ErrorRatio: 0.002},
		slobacktest.IncidentResult{Incident: slobacktest.Incident{Journey: "checkout", Start: w, Duration: end, ErrorRatio: 0.002},
			Good: n*perTick - 4800, Bad: 4800, Budget: 4800 / 43200.0},
		map[string]oracle{
			// 10m x 0.001 / 0.002 = 5m: the 10th bad event comes at tick
			// 100. Reset 10m x (1 - 0.5) = 5m, plus the 30s between errors:
			// k ticks after the end the window holds the last 200 - k ticks
			// and ceil((200 - k)/10) bad, 10 (burn 1) up to k = 109, 9 at
			// k = 110: 5m30s.
			"threshold": {true, 5 * m, 10 / 43200.0 * 1e6, true, 5*m + 30*s, []span{
				{-2 * h, 5 * m, burnrate.SeverityOK, ""},
				{5 * m, end + 5*m + 30*s, burnrate.SeverityPage, "threshold"},
				{end + 5*m + 30*s, end + h, burnrate.SeverityOK, ""}}},
			"burnrate-1h": {false, 0, 0, false, 0, []span{{-2 * h, end + h, burnrate.SeverityOK, ""}}},
			// No page rule reaches 6; ticket-3d-6h (factor 1) fires at 1 x
			// 0.001 x 3d / 0.002 = 36h, 4320 bad of 4,320,000, and holds
			// past the traffic's end (its 6h window burns 2). A ticket
			// detects nothing: only pages count.
			"objective": {false, 0, 0, false, 0, []span{
				{-2 * h, 36 * h, burnrate.SeverityOK, ""},
				{36 * h, end + h, burnrate.SeverityTicket, "ticket-3d-6h"}}},
		})
}

package slobacktest_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// t0 is a Monday at midnight UTC: a multiple of every bucket width the
// replays below use (3s, 6s, 18s, 36s, 216s...), so that minutes and
// incidents start on bucket edges.
var t0 = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// minutely returns one sample a minute of journey from from (exclusive) to
// to (inclusive), perMinute events each, of which the share ratio(t) of the
// minute ending at t are bad (rounded to the nearest event).
func minutely(journey string, from, to time.Time, perMinute uint64, ratio func(t time.Time) float64) []slobacktest.Sample {
	var out []slobacktest.Sample
	for t := from.Add(time.Minute); !t.After(to); t = t.Add(time.Minute) {
		bad := uint64(math.Round(float64(perMinute) * ratio(t)))
		out = append(out, slobacktest.Sample{Time: t, Journey: journey, Good: perMinute - bad, Bad: bad})
	}
	return out
}

// during returns a ratio function that is r in the minutes ending after
// start and up to start+d, and 0 elsewhere.
func during(start time.Time, d time.Duration, r float64) func(time.Time) float64 {
	return func(t time.Time) float64 {
		if t.After(start) && !t.After(start.Add(d)) {
			return r
		}
		return 0
	}
}

func policy(t *testing.T, o slobacktest.ObjectiveResult, name string) slobacktest.PolicyResult {
	t.Helper()
	for _, p := range o.Policies {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no policy %q in %s:%s", name, o.Objective.Journey, o.Objective.Name)
	return slobacktest.PolicyResult{}
}

func TestRunBaselines(t *testing.T) {
	traffic := minutely("checkout", t0, t0.Add(time.Hour), 1000, func(time.Time) float64 { return 0 })
	res, err := slobacktest.Run(traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.999}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Objectives) != 1 {
		t.Fatalf("%d objectives, want 1", len(res.Objectives))
	}
	o := res.Objectives[0]
	var names []string
	for _, p := range o.Policies {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, " "); got != "threshold burnrate-1h objective" {
		t.Errorf("policies %q, want threshold burnrate-1h objective", got)
	}
	// The default policy's 5m window needs 3s buckets.
	if res.Tick != 3*time.Second || !res.Start.Equal(t0.Add(time.Minute-3*time.Second)) || !res.End.Equal(t0.Add(time.Hour)) {
		t.Errorf("tick %v, start %v, end %v; want 3s, %v, %v", res.Tick, res.Start, res.End, t0.Add(time.Minute-3*time.Second), t0.Add(time.Hour))
	}
	if o.Good != 60000 || o.Bad != 0 {
		t.Errorf("good %d, bad %d; want 60000, 0", o.Good, o.Bad)
	}
	// One period at 1000 a minute: 0.001 x 43,200,000 events.
	if math.Abs(o.Budget-43200) > 1e-6 {
		t.Errorf("budget %v, want 43200", o.Budget)
	}
	// One-minute bins: the first from the replay's start to the first
	// sample's time, holding its events, then one per sample.
	if len(o.Traffic) != 60 {
		t.Fatalf("%d bins, want 60", len(o.Traffic))
	}
	for i, b := range o.Traffic {
		if want := t0.Add(time.Duration(i+1) * time.Minute); !b.End.Equal(want) || b.Good != 1000 || b.Bad != 0 {
			t.Errorf("bin %d: %+v, want 1000 good up to %v", i, b, want)
		}
	}
	for _, p := range o.Policies {
		if len(p.Spans) != 1 || p.Spans[0].State != burnrate.SeverityOK || !p.Spans[0].Start.Equal(res.Start) || !p.Spans[0].End.Equal(res.End) {
			t.Errorf("%s: spans %+v, want one ok span over the replay", p.Name, p.Spans)
		}
	}
}

func TestRunErrors(t *testing.T) {
	ok := slo.Objective{Journey: "checkout", Target: 0.999}
	traffic := minutely("checkout", t0, t0.Add(time.Hour), 1000, func(time.Time) float64 { return 0 })
	fast := burnrate.Policy{Rules: []burnrate.Rule{{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: burnrate.SeverityPage}}}
	for _, tc := range []struct {
		name    string
		traffic []slobacktest.Sample
		cfgs    []slobacktest.Config
		want    []string
	}{
		{"no config", traffic, nil, []string{"slobacktest: no config"}},
		{"no traffic", nil, []slobacktest.Config{{Objective: ok}}, []string{"slobacktest: no traffic"}},
		{"a journey without config", append([]slobacktest.Sample{{Time: t0, Journey: "search", Good: 1}}, traffic...), []slobacktest.Config{{Objective: ok}},
			[]string{`slobacktest: sample 0: journey "search" has no config; replay it with a Config whose Objective.Journey is "search", or leave its samples out`}},
		{"a config without traffic", traffic, []slobacktest.Config{{Objective: ok}, {Objective: slo.Objective{Journey: "search", Target: 0.99}}},
			[]string{`slobacktest: config search:availability: journey "search" has no samples`}},
		{"a sample without time", []slobacktest.Sample{{Journey: "checkout", Good: 1}}, []slobacktest.Config{{Objective: ok}},
			[]string{"slobacktest: sample 0 (checkout): no time"}},
		{"a bad objective", traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 99.9}}},
			[]string{"slobacktest: config 0 (checkout:availability): burnrate: invalid target: 99.9 is not below 1; write 0.999 for 99.9%"}},
		{"a negative latency", traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.999, Latency: -time.Second}}},
			[]string{"slobacktest: config 0 (checkout:availability): slo: invalid: Latency -1s is negative"}},
		{"the same objective twice", traffic, []slobacktest.Config{{Objective: ok}, {Objective: ok}},
			[]string{"config 1 (checkout:availability): config 0 replays the same objective"}},
		{"a candidate named as a baseline", traffic, []slobacktest.Config{{Objective: ok, Candidates: []slobacktest.Candidate{{Name: "threshold", Policy: fast}}}},
			[]string{`candidate "threshold": the name is a baseline's`}},
		{"two candidates of one name", traffic, []slobacktest.Config{{Objective: ok, Candidates: []slobacktest.Candidate{{Name: "fast", Policy: fast}, {Name: "fast", Policy: fast}}}},
			[]string{`candidate "fast": the name is also another candidate's`}},
		{"a candidate without rules", traffic, []slobacktest.Config{{Objective: ok, Candidates: []slobacktest.Candidate{{Name: "empty"}}}},
			[]string{`candidate "empty": the policy has no rules`}},
		{"a candidate without a name", traffic, []slobacktest.Config{{Objective: ok, Candidates: []slobacktest.Candidate{{Policy: fast}}}},
			[]string{"candidate 0 has no Name"}},
		{"a candidate that can never fire", traffic, []slobacktest.Config{{Objective: ok, Candidates: []slobacktest.Candidate{{Name: "never", Policy: burnrate.Policy{Rules: []burnrate.Rule{{Long: time.Hour, Short: 5 * time.Minute, Factor: 2000, Severity: burnrate.SeverityPage}}}}}}},
			[]string{`candidate "never": burnrate: invalid rule 0 (page-1h-5m): Factor 2000 can never fire at target 0.999`}},
		{"bad options", traffic, []slobacktest.Config{{Objective: ok, Flaky: -time.Minute, FlakyBudget: -2, Significance: []slobacktest.Significance{{Share: 0, Window: time.Hour}, {Share: 0.05, Window: 0}}}}, []string{
			"Flaky -1m0s is negative",
			"FlakyBudget -2 is not a share of the budget; use one such as 0.02 for 2%, or 0 for the default",
			"Significance[0]: Share 0 is not a share of the budget in (0, 1]",
			"Significance[1]: Window 0s is not positive"}},
		{"bad incidents", traffic, []slobacktest.Config{{Objective: ok, Incidents: []slobacktest.Incident{
			{Journey: "search", Start: t0, Duration: time.Minute, ErrorRatio: 1},
			{Journey: "checkout", Duration: time.Minute, ErrorRatio: 1},
			{Journey: "checkout", Start: t0, ErrorRatio: 1},
			{Journey: "checkout", Start: t0, Duration: time.Minute, ErrorRatio: 1.5}}}}, []string{
			`Incidents[0]: journey "search" is not the objective's "checkout"`,
			"Incidents[1]: no Start",
			"Incidents[2]: Duration 0s is not positive",
			"Incidents[3]: ErrorRatio 1.5 is not a ratio in [0, 1]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := slobacktest.Run(tc.traffic, tc.cfgs)
			if err == nil || !errors.Is(err, slo.ErrInvalid) {
				t.Fatalf("Run = %v, %v; want an error wrapping slo.ErrInvalid", res, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Run = %q\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

// Several objectives, of several journeys, replay in one run: each config
// gets its own result, its journey's traffic alone.
func TestRunSeveralObjectives(t *testing.T) {
	outage := t0.Add(6 * time.Hour)
	// checkout: 1000 events a minute, clean. search: 500 events every 5
	// minutes (5 a tick), failing wholly for 30 minutes from 6h.
	traffic := minutely("checkout", t0, t0.Add(8*time.Hour), 1000, func(time.Time) float64 { return 0 })
	for tm := t0.Add(5 * time.Minute); !tm.After(t0.Add(8 * time.Hour)); tm = tm.Add(5 * time.Minute) {
		s := slobacktest.Sample{Time: tm, Journey: "search", Good: 500}
		if tm.After(outage) && !tm.After(outage.Add(30*time.Minute)) {
			s.Good, s.Bad = 0, 500
		}
		traffic = append(traffic, s)
	}
	res, err := slobacktest.Run(traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.999}}, slobacktest.Config{Objective: slo.Objective{Journey: "search", Target: 0.99}}, slobacktest.Config{Objective: slo.Objective{Journey: "checkout", Name: "strict", Target: 0.9999}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Objectives) != 3 {
		t.Fatalf("%d objectives, want 3", len(res.Objectives))
	}
	for i, want := range []struct {
		key       string
		good, bad uint64
		pages     int
	}{
		{"checkout:availability", 480000, 0, 0},
		{"search:availability", 48000 - 3000, 3000, 1},
		{"checkout:strict", 480000, 0, 0},
	} {
		o := res.Objectives[i]
		if key := slo.ObjectiveKey(o.Objective.Journey, o.Objective.Name); key != want.key || o.Good != want.good || o.Bad != want.bad {
			t.Errorf("objective %d: %s with %d good, %d bad; want %s with %d, %d", i, key, o.Good, o.Bad, want.key, want.good, want.bad)
		}
		if p := policy(t, o, "objective"); p.Pages != want.pages {
			t.Errorf("%s: objective policy paged %d times, want %d", want.key, p.Pages, want.pages)
		}
	}
	// search's samples spread over 100 ticks each: 5 bad a tick during the
	// outage. The threshold's 10m window (1000 events) reaches 10 bad at
	// its 2nd tick, 6s; page-1h-5m's hour (6000 events) reaches 14.4 x
	// 0.01 x 6000 = 864 bad at tick 173, 8m39s.
	search := res.Objectives[1]
	for name, want := range map[string]time.Duration{"threshold": 6 * time.Second, "objective": 8*time.Minute + 39*time.Second} {
		if d := policy(t, search, name).Detections[0]; !d.Detected || d.Detection != want {
			t.Errorf("search, %s: %+v, want detected after %v", name, d, want)
		}
	}
}

// A synthetic scenario's samples and injected incidents replay as they
// are: the incident found where the scenario put it.
func TestRunScenario(t *testing.T) {
	start := t0
	sc := slobacktest.Scenario{Journey: "checkout", Start: start, Length: 6 * time.Hour, Rate: 1000.0 / 60,
		Incidents: []slobacktest.Incident{{Start: start.Add(3 * time.Hour), Duration: 12 * time.Minute, ErrorRatio: 1}}}
	traffic, err := sc.Samples()
	if err != nil {
		t.Fatal(err)
	}
	res, err := slobacktest.Run(traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.999}, Incidents: sc.Injected()}})
	if err != nil {
		t.Fatal(err)
	}
	o := res.Objectives[0]
	// 12 minutes of 1000 bad a minute: 12,000, 27.8% of the 43,200
	// budget. The objective's page-1h-5m fires at 54s (50 bad a tick reach
	// 864 of the hour's 60,000 at tick 18).
	if ir := o.Incidents[0]; ir.Bad != 12000 || ir.Good != 0 || !ir.Significant || !ir.Start.Equal(start.Add(3*time.Hour)) {
		t.Errorf("incident %+v, want 12000 bad from 3h, significant", ir)
	}
	if d := policy(t, o, "objective").Detections[0]; !d.Detected || d.Detection != 54*time.Second {
		t.Errorf("objective: %+v, want detected after 54s", d)
	}
}

// Samples in any order, several at one instant, and samples finer than a
// tick: every event counts once, at the tick its interval ends in.
func TestRunSampleLayout(t *testing.T) {
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	traffic := []slobacktest.Sample{
		{Time: at(time.Minute), Journey: "checkout", Good: 600},
		{Time: at(30 * time.Second), Journey: "checkout", Good: 300, Bad: 3},
		{Time: at(time.Minute), Journey: "checkout", Good: 100, Bad: 1}, // the same instant: they add up
		// One a second for a minute: three to each 3s tick.
		{Time: at(0), Journey: "checkout", Good: 7},
	}
	for i := 1; i <= 60; i++ {
		traffic = append(traffic, slobacktest.Sample{Time: at(time.Minute + time.Duration(i)*time.Second), Journey: "checkout", Good: 10})
	}
	res, err := slobacktest.Run(traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.999}}})
	if err != nil {
		t.Fatal(err)
	}
	o := res.Objectives[0]
	if o.Good != 7+300+700+600 || o.Bad != 4 {
		t.Errorf("good %d, bad %d; want 1607, 4", o.Good, o.Bad)
	}
	// The traffic starts at its earliest sample, t0: the replay one tick
	// before, and it ends at the last sample, t0+2m.
	if !res.Start.Equal(at(-3*time.Second)) || !res.End.Equal(at(2*time.Minute)) {
		t.Errorf("replay from %v to %v, want %v to %v", res.Start, res.End, at(-3*time.Second), at(2*time.Minute))
	}
	// One-minute bins: the first (t0-3s, t0] holds the first sample's 7,
	// the next the samples up to t0+1m, the last the one-second samples.
	want := []slobacktest.Bin{{End: at(0), Good: 7}, {End: at(time.Minute), Good: 1000, Bad: 4}, {End: at(2 * time.Minute), Good: 600}}
	if len(o.Traffic) != len(want) {
		t.Fatalf("bins %+v, want %+v", o.Traffic, want)
	}
	for i, b := range o.Traffic {
		if !b.End.Equal(want[i].End) || b.Good != want[i].Good || b.Bad != want[i].Bad {
			t.Errorf("bin %d: %+v, want %+v", i, b, want[i])
		}
	}
}

// Traffic outside the years 2000 to 2200, or spanning more than 400
// days, is refused: a replay steps through every tick from the first
// sample to the last, so one sample dated 1700 would take it half an hour.
func TestRunRefusesTimes(t *testing.T) {
	cfg := slobacktest.Config{Objective: slo.Objective{Journey: "checkout", Target: 0.999}}
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		traffic []slobacktest.Sample
		want    string
	}{
		{"1969", []slobacktest.Sample{{Time: time.Date(1969, 12, 31, 22, 0, 0, 0, time.UTC), Journey: "checkout", Good: 1}},
			"slobacktest: sample 0 (checkout): time 1969-12-31T22:00:00Z is outside the years 2000 to 2200 that recorded traffic may fall in"},
		{"2201", []slobacktest.Sample{{Time: start, Journey: "checkout", Good: 1}, {Time: time.Date(2201, 1, 1, 0, 0, 0, 0, time.UTC), Journey: "checkout", Good: 1}},
			"slobacktest: sample 1 (checkout): time 2201-01-01T00:00:00Z is outside the years 2000 to 2200 that recorded traffic may fall in"},
		{"401 days", []slobacktest.Sample{{Time: start.Add(401 * 24 * time.Hour), Journey: "checkout", Good: 1}, {Time: start, Journey: "checkout", Good: 1}},
			"slobacktest: samples 1 (2026-03-01T00:00:00Z) and 0 (2027-04-06T00:00:00Z) are 401d apart, longer than the 400d a replay steps through; replay at most 400d of traffic at once"},
	} {
		_, err := slobacktest.Run(tc.traffic, []slobacktest.Config{cfg})
		if err == nil || err.Error() != tc.want || !errors.Is(err, slo.ErrInvalid) {
			t.Errorf("%s: Run = %v; want %q, matching slo.ErrInvalid", tc.name, err, tc.want)
		}
	}
}

// A latency objective replays under its own name, its events judged by the
// samples: a sample's bad events are the slow and failed ones already.
func TestRunLatencyObjective(t *testing.T) {
	traffic := minutely("search", t0, t0.Add(time.Hour), 1000, during(t0.Add(30*time.Minute), 5*time.Minute, 0.5))
	res, err := slobacktest.Run(traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "search", Target: 0.99, Latency: 300 * time.Millisecond}}})
	if err != nil {
		t.Fatal(err)
	}
	o := res.Objectives[0]
	if o.Objective.Name != "latency" || o.Objective.Latency != 300*time.Millisecond || o.Bad != 2500 {
		t.Errorf("objective %s, latency %v, %d bad; want latency, 300ms, 2500", o.Objective.Name, o.Objective.Latency, o.Bad)
	}
}

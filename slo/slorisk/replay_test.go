//go:build !race

// The replays below run about 6 simulated days each through the registry,
// a few seconds in all, and ten times that under the race detector, which
// has nothing to find in them: a replay advances its registry by hand, on
// the test's goroutine. TestAnalyzeReplaysAFullOutage keeps one replay
// under -race.

package slorisk_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorisk"
	"github.com/journeyslo/journeyslo/window"
)

func TestAnalyzeDetectsByReplay(t *testing.T) {
	const src = `target: 99.9%
risks:
  - {name: full outage, ettr: 1h, impact: 100%, ettf: 30d}
  - {name: a tenth, ettr: 1h, impact: 10%, ettf: 30d}
  - {name: one in a hundred, ettr: 1h, impact: 1%, ettf: 30d}
  - {name: one in two hundred, ettr: 1h, impact: 0.5%, ettf: 30d}
  - {name: one in five hundred, ettr: 1h, impact: 0.2%, ettf: 30d}
  - {name: one in two thousand, ettr: 1h, impact: 0.05%, ettf: 30d}
`
	c, err := slorisk.Parse("risks.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := slorisk.Analyze(c, o) // no detector: the replay's
	if err != nil {
		t.Fatal(err)
	}
	// The replay evaluates the registry at every tick, 3 s for the default
	// policy's windows (the 5m window's resolution). At a tick, every
	// window spans exactly its length, so a rule of window w and factor f
	// fires at the first tick at or after the Workbook's w x f x (1 -
	// target) / e, for the first of its pair to reach it:
	want := []time.Duration{
		// 1h x 14.4 x 0.001 / 1 = 51.84 s: 54 s, the tick after (package
		// slo's tests and registryDetector, at 1-second steps, find 52 s).
		54 * time.Second,
		// 518.4 s: 519 s (a tick), 8m39s.
		8*time.Minute + 39*time.Second,
		// Page 6h at 6: 6h x 6 x 0.001 / 0.01 = 3h36m, a tick.
		3*time.Hour + 36*time.Minute,
		// Tickets 1d at 3 and 3d at 1: 14h24m, a tick.
		14*time.Hour + 24*time.Minute,
		// Ticket 3d at 1: 36h.
		36 * time.Hour,
		// A burn of 0.5, below every factor: never.
		0,
	}
	if tick := window.Tick(o.Policy.Windows()...); tick != 3*time.Second {
		t.Fatalf("the default policy's tick is %v, not the 3 s the figures assume", tick)
	}
	var got []time.Duration
	for _, r := range a.Risks {
		got = append(got, r.Detection)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("detections (-want +got):\n%s", diff)
	}
	for i, r := range a.Risks {
		if r.FromPolicy != (i < 5) || r.Undetected != (i == 5) {
			t.Errorf("%s: from policy %v, undetected %v", r.Name, r.FromPolicy, r.Undetected)
		}
	}
	// Apart from the full outage's rounding to the tick, the replay agrees
	// with a registry advanced by hand, second by second.
	reg := registryDetector(t, o)
	for i, r := range a.Risks[1:] {
		d, ok := reg(r.Impact)
		if d != got[i+1] || ok == r.Undetected {
			t.Errorf("%s: the registry detects after %v, %v; the replay after %v, %v", r.Name, d, ok, got[i+1], !r.Undetected)
		}
	}
}

func TestAnalyzeReplaysTheObjectivesOwnPolicy(t *testing.T) {
	// A policy of one page, 6h/30m at 6: a full outage pages when the 6h
	// window has burnt at 6, 6h x 6 x 0.001 = 2m9.6s, the tick after:
	// 2m12s (the 30m window, 1/12 of the events, reaches its 6 first).
	// 1% burns at 10 and pages after 3h36m, as with the default policy;
	// 0.5% burns at 5 and this policy, without the tickets, never sees it.
	// The policy has no guard: rules given without MinEvents have none.
	o := slo.Objective{Journey: "checkout", Target: 0.999, Policy: burnrate.Policy{Rules: []burnrate.Rule{
		{Severity: burnrate.SeverityPage, Long: 6 * time.Hour, Short: 30 * time.Minute, Factor: 6},
	}}}
	c := &slorisk.Catalog{Objective: "checkout:availability", Risks: []slorisk.Risk{
		{Name: "full", ETTR: time.Hour, Impact: 1, ETTF: 30 * 24 * time.Hour},
		{Name: "1%", ETTR: time.Hour, Impact: 0.01, ETTF: 30 * 24 * time.Hour},
		{Name: "0.5%", ETTR: time.Hour, Impact: 0.005, ETTF: 30 * 24 * time.Hour},
	}}
	o, err := c.Resolve([]slo.Objective{o})
	if err != nil {
		t.Fatal(err)
	}
	a, err := slorisk.Analyze(c, o)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Detection  time.Duration
		Undetected bool
	}
	var got []row
	for _, r := range a.Risks {
		got = append(got, row{r.Detection, r.Undetected})
	}
	want := []row{{2*time.Minute + 12*time.Second, false}, {3*time.Hour + 36*time.Minute, false}, {0, true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("detections (-want +got):\n%s", diff)
	}
}

package openslo

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

func TestExportRefuses(t *testing.T) {
	one := func(o sloconfig.Objective) *sloconfig.Config {
		return &sloconfig.Config{Service: "shop", Journeys: []sloconfig.Journey{{Name: "checkout", Objectives: []sloconfig.Objective{o}}}}
	}
	unused := one(sloconfig.Objective{Target: 0.999})
	unused.Policies = map[string]sloconfig.Policy{"workbook": {MinEvents: sloconfig.Events(10)}}
	for _, tc := range []struct {
		name       string
		cfg        *sloconfig.Config
		indicators map[string]Indicator
		want       []string
		sloErr     bool
	}{
		{"seconds in the period", one(sloconfig.Objective{Target: 0.999, Period: 30*day + 30*time.Second}), nil, []string{
			"openslo: journeys[0].objectives[0].period: 30d30s is not a whole number of minutes, which OpenSLO v1 cannot write; use minutes, hours, days or weeks",
		}, false},
		{"seconds in a rule", one(sloconfig.Objective{Target: 0.999, Rules: []burnrate.Rule{{Long: time.Hour, Short: 150 * time.Second, Factor: 10, Severity: burnrate.SeverityPage}}}), nil, []string{
			"openslo: journeys[0].objectives[0]: rule page-1h-2m30s: windows 1h and 2m30s must be whole numbers of minutes, which OpenSLO v1 writes; round them to minutes",
		}, false},
		{"label keys", one(sloconfig.Objective{Target: 0.999, Labels: map[string]string{"_team": "a", "tier_": "b", "ok": "c"}}), nil, []string{
			"openslo: journeys[0].objectives[0].labels._team: is not an OpenSLO label key (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit); rename the label",
			"openslo: journeys[0].objectives[0].labels.tier_: is not an OpenSLO label key (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit); rename the label",
		}, false},
		{"unused default policy", unused, nil, []string{
			"openslo: policies.workbook: has the default rules and no objective uses it, and OpenSLO v1 has no place for it: the default rules are written out per SLO, from its target and period; remove the policy or use it",
		}, false},
		{"good and bad", one(sloconfig.Objective{Target: 0.999}), map[string]Indicator{"checkout:availability": {Source: "Prometheus", Good: "g", Bad: "b", Total: "t"}}, []string{
			"openslo: journeys[0].objectives[0]: the indicator gives both Good and Bad; give exactly one of Good and Bad",
		}, false},
		{"an indicator of no objective", one(sloconfig.Objective{Target: 0.999}), map[string]Indicator{"checkout:latency": {Source: "Prometheus", Bad: "b", Total: "t"}}, []string{
			`openslo: indicators["checkout:latency"]: the config has no objective checkout:latency; key indicators by slo.ObjectiveKey(journey, objective name)`,
		}, false},
		{"invalid objective", one(sloconfig.Objective{Target: 99.9}), nil, []string{
			"openslo: checkout:availability: burnrate: invalid target: 99.9 is not below 1; write 0.999 for 99.9%",
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Export(tc.cfg, tc.indicators)
			if err == nil {
				t.Fatalf("Export wrote\n%s\nwant errors", out)
			}
			got := strings.Split(err.Error(), "\n")
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
			if !errors.Is(err, slo.ErrInvalid) {
				t.Errorf("the error does not match slo.ErrInvalid")
			}
			if tc.sloErr && !errors.Is(err, slo.ErrInvalid) {
				t.Errorf("the error does not match slo.ErrInvalid")
			}
		})
	}
}

// TestExportNames shows that document names are RFC 1123 names however
// the config names things, distinct within a kind, and that the names
// themselves come back through annotations.
func TestExportNames(t *testing.T) {
	long := strings.Repeat("Journey_", 8) // 64 characters
	cfg := &sloconfig.Config{
		Service: "Shop_Front",
		Journeys: []sloconfig.Journey{
			{Name: "Check.Out", Objectives: []sloconfig.Objective{{Target: 0.999}}},
			{Name: "check_out", Objectives: []sloconfig.Objective{{Target: 0.999}}},
			{Name: long[:63], Objectives: []sloconfig.Objective{{Target: 0.99}}},
			{Name: long, Objectives: []sloconfig.Objective{{Target: 0.99}}},
		},
	}
	out := roundTrip(t, cfg, nil)
	var names []string
	lines := strings.Split(string(out), "\n")
	for i, l := range lines {
		if l == "kind: SLO" {
			names = append(names, strings.TrimPrefix(lines[i+2], "  name: "))
		}
	}
	want := []string{
		"check-out-availability",
		"check-out-availability-2",
		"journey-journey-journey-journey-journey-journey-journey-journey",
		"journey-journey-journey-journey-journey-journey-journey-journ-2",
	}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("SLO names (-want +got):\n%s", d)
	}
}

// OpenSLO v1 has no exclusions: Export refuses a config with some rather
// than drop them, and exports the same config without them.
func TestExportRefusesExclusions(t *testing.T) {
	c, err := sloconfig.Parse("shop.yaml", []byte(`service: shop
journeys:
  - name: checkout
    objectives: [{target: 99.9%}]
exclusions:
  - reason: database upgrade
    start: 2026-04-01T10:00:00Z
    duration: 1h
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Export(c, nil)
	if !errors.Is(err, slo.ErrInvalid) || err.Error() != `openslo: the config has 1 planned exclusion(s), the first "database upgrade", which OpenSLO v1 cannot write: keep them in the journeyslo file and export a copy without them (Exclusions: nil)` {
		t.Errorf("Export: %v", err)
	}
	c.Exclusions = nil
	if _, err := Export(c, nil); err != nil {
		t.Errorf("Export without the exclusions: %v", err)
	}
}

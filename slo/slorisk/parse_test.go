package slorisk_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
	"github.com/journeyslo/journeyslo/slo/slorisk"
)

func TestParseEveryField(t *testing.T) {
	path := filepath.Join(t.TempDir(), "risks.yaml")
	src := `# The objective of a config file, whose policy detects.
objective: invoices:availability
risks:
  - name: bad release
    ettd: 5m
    ettr: 1h30m
    impact: 50%
    ettf: 4w
  - name: "cert expires"
    ettr: 2h
    impact: 1
    ettf: 365d
  - {name: partial, ettr: 30m, impact: 0.25, ettf: 90d}
premortems:
  - name: invoices fail mid-month
    journey: invoices
    at: 15d
    duration: 30m
    impact: 100%
  - {name: whole service at the start, at: 0, duration: 1h, impact: 12.5%}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := slorisk.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := &slorisk.Catalog{
		Objective: "invoices:availability",
		Risks: []slorisk.Risk{
			{Name: "bad release", ETTD: 5 * time.Minute, ETTR: 90 * time.Minute, Impact: 0.5, ETTF: 28 * 24 * time.Hour},
			{Name: "cert expires", ETTR: 2 * time.Hour, Impact: 1, ETTF: 365 * 24 * time.Hour},
			{Name: "partial", ETTR: 30 * time.Minute, Impact: 0.25, ETTF: 90 * 24 * time.Hour},
		},
		Premortems: []slorisk.Premortem{
			{Name: "invoices fail mid-month", Journey: "invoices", At: 15 * 24 * time.Hour, Duration: 30 * time.Minute, Impact: 1},
			{Name: "whole service at the start", Duration: time.Hour, Impact: 0.125},
		},
	}
	if diff := cmp.Diff(want, c, cmpopts.IgnoreUnexported(slorisk.Catalog{})); diff != "" {
		t.Errorf("catalog (-want +got):\n%s", diff)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	// A percent is rounded once, as its decimal: 99.9% is the float 0.999.
	c, err = slorisk.Parse("t.yaml", []byte("target: 99.9%\nrisks: [{name: a, ettd: 1m, ettr: 1m, impact: 0.1%, ettf: 1d}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Target != 0.999 || c.Risks[0].Impact != 0.001 {
		t.Errorf("target %v, impact %v; want 0.999, 0.001", c.Target, c.Risks[0].Impact)
	}
	if _, err := slorisk.Load(filepath.Join(t.TempDir(), "none.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file = %v, want ErrNotExist", err)
	}
}

func TestParseErrors(t *testing.T) {
	const ok = "  - {name: a, ettd: 1m, ettr: 1h, impact: 1, ettf: 30d}\n"
	for _, tc := range []struct {
		name, src, want string
	}{
		{"empty", "", "r.yaml:1:1: the file is empty; a risk catalog has a target (or an objective) and its risks"},
		{"not YAML", "target: [\n", "r.yaml:1:1: not valid YAML: did not find expected node content"},
		{"two documents", "target: 0.999\nrisks:\n" + ok + "---\ntarget: 0.99\n",
			"r.yaml:5:1: a risk catalog holds one YAML document; this is a second one"},
		{"not a mapping", "- a\n", "r.yaml:1:1: the file is a list; a risk catalog is a mapping with the fields target, objective, risks, premortems"},
		{"neither target nor objective", "risks:\n" + ok,
			"r.yaml:1:1: the file has neither target nor objective; give a target such as 99.9%, or an objective of a config such as checkout:availability"},
		{"both", "target: 0.999\nobjective: checkout:availability\nrisks:\n" + ok,
			"r.yaml:2:12: the file gives a target (line 1) and an objective; give one: the objective carries its target"},
		{"no risks", "target: 0.999\n", `r.yaml:1:1: the file: field "risks" is missing; a risk catalog needs it`},
		{"empty risks", "target: 0.999\nrisks: []\n",
			"r.yaml:2:8: risks is empty; write a list of risks, each with name, ettr, impact and ettf (and ettd)"},
		{"unknown field", "target: 0.999\nrisk:\n" + ok,
			`r.yaml:1:1: the file: field "risks" is missing; a risk catalog needs it` + "\n" +
				`r.yaml:2:1: the file: unknown field "risk"; a risk catalog has the fields target, objective, risks, premortems`},
		{"unknown risk field", "target: 0.999\nrisks:\n  - {name: a, ettd: 1m, ettr: 1h, impact: 1, ettf: 30d, mttr: 1h}\n",
			`r.yaml:3:57: risks[0]: unknown field "mttr"; a risk has the fields name, ettd, ettr, impact, ettf`},
		{"missing risk fields", "target: 0.999\nrisks:\n  - {name: a, ettd: 1m}\n",
			`r.yaml:3:5: risks[0]: field "ettr" is missing; a risk needs it` + "\n" +
				`r.yaml:3:5: risks[0]: field "impact" is missing; a risk needs it` + "\n" +
				`r.yaml:3:5: risks[0]: field "ettf" is missing; a risk needs it`},
		{"field twice", "target: 0.999\nrisks:\n  - {name: a, ettd: 1m, ettr: 1h, impact: 1, ettf: 30d, ettr: 2h}\n",
			`r.yaml:3:57: risks[0]: field "ettr" is given twice; give it once`},
		{"duplicate names", "target: 0.999\nrisks:\n" + ok + ok,
			`r.yaml:4:12: risks[1].name: risk "a" is given twice; give each risk its own name`},
		{"empty name", "target: 0.999\nrisks:\n  - {name: '', ettd: 1m, ettr: 1h, impact: 1, ettf: 30d}\n",
			"r.yaml:3:12: risks[0].name is empty; name what fails"},
		{"impact 0", "target: 0.999\nrisks:\n  - {name: a, ettd: 1m, ettr: 1h, impact: 0, ettf: 30d}\n",
			"r.yaml:3:43: risks[0].impact: 0 affects no request; write a share above 0, such as 0.2 or 20%"},
		{"impact 0%", "target: 0.999\nrisks:\n  - {name: a, ettd: 1m, ettr: 1h, impact: 0%, ettf: 30d}\n",
			`r.yaml:3:43: risks[0].impact: "0%" affects no request; write a percent above 0%, such as 20%`},
		{"impact 20 without %", "target: 0.999\nrisks:\n  - {name: a, ettd: 1m, ettr: 1h, impact: 20, ettf: 30d}\n",
			"r.yaml:3:43: risks[0].impact: 20 is above 1; write 0.2 or 20% for 20% of requests"},
		{"impact above 1", "target: 0.999\nrisks:\n  - {name: a, ettd: 1m, ettr: 1h, impact: 1.5, ettf: 30d}\n",
			"r.yaml:3:43: risks[0].impact: 1.5 is above 1; write 0.015 or 1.5% for 1.5% of requests"},
		{"impact above 100%", "target: 0.999\nrisks:\n  - {name: a, ettd: 1m, ettr: 1h, impact: 120%, ettf: 30d}\n",
			`r.yaml:3:43: risks[0].impact: "120%" is above 100%; at most every request fails: write 100% or less`},
		{"impact negative", "target: 0.999\nrisks:\n  - {name: a, ettd: 1m, ettr: 1h, impact: -0.2, ettf: 30d}\n",
			"r.yaml:3:43: risks[0].impact: -0.2 affects no request; write a share above 0, such as 0.2 or 20%"},
		{"impact not a number", "target: 0.999\nrisks:\n  - {name: a, ettd: 1m, ettr: 1h, impact: half, ettf: 30d}\n",
			`r.yaml:3:43: risks[0].impact: "half" is not a number; write a share such as 0.2, or a percent such as 20%`},
		{"negative duration", "target: 0.999\nrisks:\n  - {name: a, ettd: 1m, ettr: -2h, impact: 1, ettf: 30d}\n",
			`r.yaml:3:31: risks[0].ettr: "-2h" is negative; write the time to recover as a positive duration, such as 2h`},
		{"duration without unit", "target: 0.999\nrisks:\n  - {name: a, ettd: 1m, ettr: 1h, impact: 1, ettf: 120}\n",
			`r.yaml:3:52: risks[0].ettf: "120" has no unit; write the time between occurrences with one, such as 120d (m minutes, h hours, d days)`},
		{"zero duration", "target: 0.999\nrisks:\n  - {name: a, ettd: 0m, ettr: 1h, impact: 1, ettf: 30d}\n",
			`r.yaml:3:21: risks[0].ettd: burnrate: invalid window "0m": a window is positive; leave the field out instead of writing zero`},
		{"calendar month", "target: 0.999\nrisks:\n  - {name: a, ettd: 1m, ettr: 1h, impact: 1, ettf: 1M}\n",
			`r.yaml:3:52: risks[0].ettf: burnrate: invalid window "1M": M is a calendar month, which has no fixed length; journeyslo windows are rolling: write 30d or 4w`},
		{"empty duration", "target: 0.999\nrisks:\n  - {name: a, ettd: 1m, ettr: , impact: 1, ettf: 30d}\n",
			"r.yaml:3:31: risks[0].ettr is empty; write the time to recover, such as 2h"},
		{"recurs before it ends", "target: 0.999\nrisks:\n  - {name: a, ettd: 1h, ettr: 1d, impact: 1, ettf: 1d}\n",
			"r.yaml:3:52: risks[0].ettf: 1d is shorter than ettd + ettr (1d1h): the failure would recur before it ends; write a longer ettf, or shorter times"},
		{"target 99.9", "target: 99.9\nrisks:\n" + ok,
			"r.yaml:1:9: target: burnrate: invalid target: 99.9 is not below 1; write 0.999 for 99.9%"},
		{"target 100%", "target: 100%\nrisks:\n" + ok,
			`r.yaml:1:9: target: "100%" leaves no error budget; use a percent below 100%, such as 99.9%`},
		{"objective without colon", "objective: checkout\nrisks:\n" + ok,
			`r.yaml:1:12: objective: "checkout": write the objective as journey:objective, such as checkout:availability`},
		{"alias", "target: 0.999\nrisks:\n  - &r {name: a, ettd: 1m, ettr: 1h, impact: 1, ettf: 30d}\n  - *r\n",
			"r.yaml:3:5: risks[0]: YAML anchors and aliases are not supported; write the value out\n" +
				"r.yaml:4:5: risks[1]: YAML anchors and aliases are not supported; write the value out"},
		{"premortem fields", "target: 0.999\nrisks:\n" + ok + "premortems:\n  - {name: p, at: -1d, duration: 0s, impact: 200%, when: 1d}\n",
			`r.yaml:5:19: premortems[0].at: "-1d" is negative; write when the failure starts after the traffic's start as a positive duration, such as 15d` + "\n" +
				`r.yaml:5:34: premortems[0].duration: burnrate: invalid window "0s": a window is positive; leave the field out instead of writing zero` + "\n" +
				`r.yaml:5:46: premortems[0].impact: "200%" is above 100%; at most every request fails: write 100% or less` + "\n" +
				`r.yaml:5:52: premortems[0]: unknown field "when"; a premortem has the fields name, journey, at, duration, impact`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := slorisk.Parse("r.yaml", []byte(tc.src))
			if err == nil {
				t.Fatalf("parsed %+v, want an error", c)
			}
			if !errors.Is(err, slo.ErrInvalid) {
				t.Errorf("%v does not match ErrInvalid", err)
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
	// What package burnrate found stays reachable.
	_, err := slorisk.Parse("r.yaml", []byte("target: 0.999\nrisks:\n  - {name: a, ettd: 1m, ettr: 1h, impact: 1, ettf: 1M}\n"))
	var e *sloconfig.Error
	if !errors.As(err, &e) || !errors.Is(err, burnrate.ErrInvalid) || e.Path != "risks[0].ettf" || e.Line != 3 || e.Column != 52 {
		t.Errorf("error %#v: want a *slorisk.Error at risks[0].ettf, 3:52, matching burnrate.ErrInvalid", e)
	}
}

func TestParseTimesTooLongToAdd(t *testing.T) {
	// 200 years to detect and 200 to recover overflow a time.Duration when
	// added; the check must not wrap around to accept them.
	_, err := slorisk.Parse("r.yaml", []byte("target: 0.999\nrisks:\n  - {name: a, ettd: 73000d, ettr: 73000d, impact: 1, ettf: 100000d}\n"))
	want := "r.yaml:3:60: risks[0].ettf: 100000d is shorter than ettd + ettr (over 292 years): the failure would recur before it ends; write a longer ettf, or shorter times"
	if err == nil || err.Error() != want {
		t.Errorf("Parse = %v, want %s", err, want)
	}
	r := slorisk.Risk{Name: "a", ETTD: 73000 * 24 * time.Hour, ETTR: 73000 * 24 * time.Hour, Impact: 1, ETTF: 100000 * 24 * time.Hour}
	if err := r.Validate(); err == nil {
		t.Errorf("Validate accepted %+v", r)
	}
}

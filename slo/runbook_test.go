package slo_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/promlabel"
	"github.com/journeyslo/journeyslo/slo"
)

func TestRunbookAndLabels(t *testing.T) {
	o := func(runbook string, labels map[string]string) slo.Objective {
		return slo.Objective{Journey: "checkout", Target: 0.999, Runbook: runbook, Labels: labels}
	}
	for _, tc := range []struct {
		name string
		o    slo.Objective
		want []string
	}{
		{"none", o("", nil), nil},
		{"both", o("https://runbooks.example.com/checkout#page", map[string]string{"team": "payments", "_tier": "1"}), nil},
		{"a relative runbook", o("/runbooks/checkout", nil), []string{
			`slo: invalid: Runbook "/runbooks/checkout" is not an absolute http or https URL; write it in full, such as https://runbooks.example.com/checkout`}},
		{"another scheme", o("ftp://runbooks.example.com/checkout", nil), []string{
			`slo: invalid: Runbook "ftp://runbooks.example.com/checkout" is not an absolute http or https URL; write it in full, such as https://runbooks.example.com/checkout`}},
		{"no host", o("https:///checkout", nil), []string{
			`slo: invalid: Runbook "https:///checkout" is not an absolute http or https URL; write it in full, such as https://runbooks.example.com/checkout`}},
		{"not a URL", o("http://[::1", nil), []string{
			`slo: invalid: Runbook "http://[::1" is not an absolute http or https URL; write it in full, such as https://runbooks.example.com/checkout`}},
		{"bad labels, sorted by name", o("", map[string]string{
			"severity": "high", "team": "", "2fa": "x", "__name__": "x", "team-name": "x", "ok": "\xff", "window": "x",
		}), []string{
			`slo: invalid: Labels: "2fa" is not a label name; use letters, digits and '_', not starting with a digit or "__"`,
			`slo: invalid: Labels: "__name__" is not a label name; use letters, digits and '_', not starting with a digit or "__"`,
			`slo: invalid: Labels: label "ok" has a value "\xff" that is not UTF-8; Prometheus label values are UTF-8 text`,
			`slo: invalid: Labels: "severity" is a label the generated rules set themselves; choose another name, such as team or cluster`,
			`slo: invalid: Labels: label "team" has an empty value, which Prometheus would drop; give it a value or leave it out`,
			`slo: invalid: Labels: "team-name" is not a label name; use letters, digits and '_', not starting with a digit or "__"`,
			`slo: invalid: Labels: "window" is a label the generated rules set themselves; choose another name, such as team or cluster`,
		}},
	} {
		var got []string
		for _, e := range reasons(tc.o.Validate()) {
			if e == nil {
				continue
			}
			if !errors.Is(e, slo.ErrInvalid) {
				t.Errorf("%s: %v does not wrap ErrInvalid", tc.name, e)
			}
			got = append(got, e.Error())
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: reasons (-want +got):\n%s", tc.name, diff)
		}
	}
	for _, name := range promlabel.Reserved() {
		if err := o("", map[string]string{name: "x"}).Validate(); err == nil {
			t.Errorf("label %q is reserved, but Validate accepts it", name)
		}
	}
}

// The registry carries the runbook and labels for its readers, in copies of
// its own: changing the caller's map, or what Objectives returned, changes
// nothing in the registry.
func TestRegistryCarriesRunbookAndLabels(t *testing.T) {
	labels := map[string]string{"team": "payments"}
	f := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.999, Runbook: "https://runbooks.example.com/checkout", Labels: labels})
	labels["team"] = "changed by the caller"
	got := f.Reg.Objectives()[0]
	if got.Runbook != "https://runbooks.example.com/checkout" || got.Labels["team"] != "payments" {
		t.Fatalf("Objectives()[0]: runbook %q, labels %v; want the runbook and team=payments", got.Runbook, got.Labels)
	}
	got.Labels["team"] = "changed by a reader"
	got.Policy.Rules[0].Factor = 1
	again := f.Reg.Objectives()[0]
	if again.Labels["team"] != "payments" || again.Policy.Rules[0].Factor != 14.4 {
		t.Errorf("after a reader changed its copy: labels %v, first factor %v; want team=payments, 14.4", again.Labels, again.Policy.Rules[0].Factor)
	}
}

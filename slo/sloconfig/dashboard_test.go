package sloconfig_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// An objective's dashboard is read, carried to slo.Objective, written back
// by Marshal, and refused where it is written when it is not an absolute
// http or https URL.
func TestDashboard(t *testing.T) {
	const file = `service: shop
journeys:
  - name: checkout
    objectives:
      - target: 99.9%
        runbook: https://runbooks.example.com/checkout
        dashboard: https://grafana.example.com/d/checkout
`
	c, err := sloconfig.Parse("f.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Objectives()[0].Dashboard; got != "https://grafana.example.com/d/checkout" {
		t.Errorf("Objectives()[0].Dashboard = %q", got)
	}
	out, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if want := "        dashboard: https://grafana.example.com/d/checkout\n"; !strings.Contains(string(out), want) {
		t.Errorf("Marshal wrote no %q:\n%s", want, out)
	}
	back, err := sloconfig.Parse("back.yaml", out)
	if err != nil || back.Objectives()[0].Dashboard != c.Objectives()[0].Dashboard {
		t.Errorf("Marshal's file read back: %v, %v", back, err)
	}

	_, err = sloconfig.Parse("f.yaml", []byte(strings.Replace(file, "https://grafana.example.com/d/checkout", "grafana/d/checkout", 1)))
	want := []string{`f.yaml:7:20: checkout:availability: slo: invalid: Dashboard "grafana/d/checkout" is not an absolute http or https URL; write it in full, such as https://grafana.example.com/d/checkout`}
	if diff := cmp.Diff(want, problems(t, err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

package slo_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

// A dashboard link is checked as a runbook is: absolute http or https,
// with a host, so that a page can offer it wherever it is served.
func TestDashboard(t *testing.T) {
	for _, tc := range []struct {
		dashboard string
		want      string // the error, or empty
	}{
		{"", ""},
		{"https://grafana.example.com/d/checkout?orgId=1", ""},
		{"http://grafana:3000/d/checkout", ""},
		{"/d/checkout", `slo: invalid: Dashboard "/d/checkout" is not an absolute http or https URL; write it in full, such as https://grafana.example.com/d/checkout`},
		{"javascript:alert(1)", `slo: invalid: Dashboard "javascript:alert(1)" is not an absolute http or https URL; write it in full, such as https://grafana.example.com/d/checkout`},
		{"https:///d/checkout", `slo: invalid: Dashboard "https:///d/checkout" is not an absolute http or https URL; write it in full, such as https://grafana.example.com/d/checkout`},
	} {
		err := slo.Objective{Journey: "checkout", Target: 0.999, Dashboard: tc.dashboard}.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("Dashboard %q: %v, want no error", tc.dashboard, err)
		case tc.want != "" && (err == nil || err.Error() != tc.want || !errors.Is(err, slo.ErrInvalid)):
			t.Errorf("Dashboard %q: %v, want %s, wrapping ErrInvalid", tc.dashboard, err, tc.want)
		}
	}
}

// The dashboard goes through the objective's JSON and the registry as the
// runbook does.
func TestDashboardCarried(t *testing.T) {
	o := slo.Objective{Journey: "checkout", Target: 0.999, Runbook: "https://runbooks.example.com/checkout",
		Dashboard: "https://grafana.example.com/d/checkout"}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"journey":"checkout","target":0.999,"runbook":"https://runbooks.example.com/checkout","dashboard":"https://grafana.example.com/d/checkout"}`
	if string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back slo.Objective
	if err := json.Unmarshal(b, &back); err != nil || back.Dashboard != o.Dashboard {
		t.Errorf("read back: %q, %v; want %q", back.Dashboard, err, o.Dashboard)
	}
	f := fixture.New(t, o)
	if got := f.Reg.Objectives()[0].Dashboard; got != o.Dashboard {
		t.Errorf("Objectives()[0].Dashboard = %q, want %q", got, o.Dashboard)
	}
}

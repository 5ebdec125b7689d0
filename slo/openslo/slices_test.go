package openslo

import (
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

func slicesConfig() *sloconfig.Config {
	return &sloconfig.Config{
		Service: "shop",
		Journeys: []sloconfig.Journey{{
			Name: "checkout",
			Objectives: []sloconfig.Objective{
				{Target: 0.99, Period: 28 * day, Slices: &slo.Slices{Method: slo.Timeslices, Window: time.Minute, Target: 0.95}},
				{Name: "mean", Target: 0.995, Period: 14 * day, Slices: &slo.Slices{Method: slo.RatioTimeslices, Window: 5 * time.Minute}},
			},
		}},
	}
}

// An objective of slices exports as a Timeslices or RatioTimeslices SLO
// with its timeSliceTarget and timeSliceWindow, and imports back equal.
func TestRoundTripSlices(t *testing.T) {
	out := roundTrip(t, slicesConfig(), nil)
	for _, want := range []string{
		"budgetingMethod: Timeslices\n  objectives:\n    - displayName: availability\n      target: 0.99\n      timeSliceTarget: 0.95\n      timeSliceWindow: 1m\n",
		"budgetingMethod: RatioTimeslices\n  objectives:\n    - displayName: mean\n      target: 0.995\n      timeSliceWindow: 5m\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the export lacks\n%s\n%s", want, out)
		}
	}
}

func TestImportSlicesErrors(t *testing.T) {
	const doc = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout
spec:
  service: shop
  indicator:
    metadata:
      name: checkout-availability
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(http_requests_total{code!~"5.."})
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(http_requests_total)
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: METHOD
  objectives:
    - target: 0.99
FIELDS`
	for _, tc := range []struct{ method, fields, want string }{
		{"Timeslices", "", "spec.objectives[0].timeSliceTarget: is missing, and Timeslices judges each slice by it"},
		{"Timeslices", "      timeSliceTarget: 0.95\n", "spec.objectives[0].timeSliceWindow: is missing, and Timeslices cuts the period"},
		{"RatioTimeslices", "      timeSliceTarget: 0.95\n      timeSliceWindow: 1m\n", "spec.objectives[0].timeSliceTarget: is read only by Timeslices"},
		{"Occurrences", "      timeSliceWindow: 1m\n", "spec.objectives[0].timeSliceWindow: belongs to Timeslices or RatioTimeslices budgeting"},
		{"Timeslices", "      timeSliceTarget: 95\n      timeSliceWindow: 1m\n", "timeSliceTarget: 95 is not a share in (0, 1]"},
		{"Timeslices", "      timeSliceTarget: 0.95\n      timeSliceWindow: 11m\n", "Slices: Window 11m0s does not divide the Period 28d"},
		{"Timeslices", "      timeSliceTarget: 0.95\n      timeSliceWindow: 1M\n", `"1M" counts months`},
	} {
		data := strings.NewReplacer("METHOD", tc.method, "FIELDS", tc.fields).Replace(doc)
		_, err := Import(File{Name: "slo.yaml", Data: []byte(data)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s with %q: %v; want %q", tc.method, tc.fields, err, tc.want)
		}
	}
	data := strings.NewReplacer("METHOD", "Timeslices", "FIELDS", "      timeSliceTarget: 0.95\n      timeSliceWindow: 1m\n").Replace(doc)
	imp, err := Import(File{Name: "slo.yaml", Data: []byte(data)})
	if err != nil {
		t.Fatal(err)
	}
	if s := imp.Config.Objectives()[0].Slices; s == nil || *s != (slo.Slices{Method: slo.Timeslices, Window: time.Minute, Target: 0.95}) {
		t.Errorf("imported slices %+v", s)
	}
}

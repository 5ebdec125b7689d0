package sloconfig_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

func TestSlices(t *testing.T) {
	file := []byte(`service: shop
journeys:
  - name: checkout
    objectives:
      - target: 0.99
        period: 14d
        slices:
          method: Timeslices
          window: 1m
          target: 0.95
      - name: mean
        target: 0.99
        period: 14d
        slices: {method: RatioTimeslices, window: 5m}
      - name: percent
        target: 99%
        period: 14d
        slices: {method: Timeslices, window: 1m, target: 95%}
`)
	c, err := sloconfig.Parse("shop.yaml", file)
	if err != nil {
		t.Fatal(err)
	}
	objs := c.Objectives()
	// A slice's target is written as an objective's is: a share, or a
	// percent.
	want := []slo.Slices{{Method: slo.Timeslices, Window: time.Minute, Target: 0.95}, {Method: slo.RatioTimeslices, Window: 5 * time.Minute},
		{Method: slo.Timeslices, Window: time.Minute, Target: 0.95}}
	for i, o := range objs {
		if o.Slices == nil || *o.Slices != want[i] {
			t.Errorf("objective %d: slices %+v, want %+v", i, o.Slices, want[i])
		}
	}
	if _, err := slo.New(objs, slo.WithManualAdvance()); err != nil {
		t.Fatal(err)
	}
	out, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "slices:\n          method: Timeslices\n          window: 1m\n          target: 0.95\n") {
		t.Errorf("written:\n%s", out)
	}
	back, err := sloconfig.Parse("again.yaml", out)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Objectives(); *got[1].Slices != want[1] || *got[0].Slices != want[0] {
		t.Errorf("read back %+v, %+v", got[0].Slices, got[1].Slices)
	}
	if fc := sloconfig.FromObjectives("shop", objs, nil, nil); *fc.Journeys[0].Objectives[0].Slices != want[0] {
		t.Errorf("FromObjectives: %+v", fc.Journeys[0].Objectives[0].Slices)
	}
}

func TestSlicesErrors(t *testing.T) {
	for _, tc := range []struct{ slices, want string }{
		{"{method: Occurrences, window: 1m}", `shop.yaml:6:26: journeys[0].objectives[0].slices.method is "Occurrences"; write Timeslices or RatioTimeslices`},
		{"{method: Timeslices, window: 90s, target: 0.9}", "shop.yaml:6:17: checkout:availability: slo: invalid: Slices: Window 1m30s is not a whole number of minutes"},
		{"{method: Timeslices}", "window"},
	} {
		file := "service: shop\njourneys:\n  - name: checkout\n    objectives:\n      - target: 0.99\n        slices: " + tc.slices + "\n"
		_, err := sloconfig.Parse("shop.yaml", []byte(file))
		if err == nil || !errors.Is(err, slo.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want %q", tc.slices, err, tc.want)
		}
	}
}

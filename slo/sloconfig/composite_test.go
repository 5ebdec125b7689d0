package sloconfig_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

func TestCompositeConfig(t *testing.T) {
	src := `service: shop
journeys:
  - name: checkout
    objectives:
      - target: 99.9%
  - name: search
    objectives:
      - target: 99%
  - name: shop
    objectives:
      - target: 99%
        composite:
          components:
            - {journey: checkout, weight: 2}
            - {journey: search, weight: 0.5}
`
	c, err := sloconfig.Parse("shop.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	objs := c.Objectives()
	want := &slo.Composite{Components: []slo.Component{{Journey: "checkout", Weight: 2}, {Journey: "search", Weight: 0.5}}}
	if diff := cmp.Diff(want, objs[2].Composite); diff != "" {
		t.Fatalf("composite (-want +got):\n%s", diff)
	}
	reg, err := slo.New(objs)
	if err != nil {
		t.Fatal(err)
	}
	reg.Close()
	out, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := sloconfig.Parse("back.yaml", out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(objs, back.Objectives()); diff != "" {
		t.Errorf("read back (-want +got):\n%s\n%s", diff, out)
	}
	bad := strings.Replace(src, "weight: 0.5", "weight: -1", 1)
	if _, err := sloconfig.Parse("shop.yaml", []byte(bad)); err == nil || !strings.Contains(err.Error(), "shop.yaml:13:11: shop:availability: slo: invalid: Composite component 1 (search:availability): Weight -1 is not a positive number") {
		t.Errorf("Parse with a negative weight: %v", err)
	}
}

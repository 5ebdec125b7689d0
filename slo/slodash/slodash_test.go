package slodash_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slodash"
)

func TestGenerateRefuses(t *testing.T) {
	_, err := slodash.Generate([]slo.Objective{
		{Journey: "checkout", Target: 1.5},
		{Journey: "search", Target: 0.99},
		{Journey: "search", Target: 0.999},
		{Journey: "login", Target: 0.99, Labels: map[string]string{"team": "identity"}},
	}, slodash.WithService("shop/eu"), slodash.WithLabels(map[string]string{"team": "shop", "__name__": "x"}))
	if !errors.Is(err, slo.ErrInvalid) {
		t.Fatalf("Generate = %v, want slo.ErrInvalid", err)
	}
	for _, want := range []string{
		`slodash: WithService("shop/eu"): use up to 64 letters`,
		`slodash: WithLabels: `,
		`slodash: objective 0 ("checkout":"availability"): `,
		`slodash: objective 2 (search:availability): objective 1 has the same journey and name`,
		`slodash: objective 3 (login:availability): its label team="identity" and WithLabels' team="shop" have the same name`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Generate's error lacks %q:\n%v", want, err)
		}
	}
	if _, err := slodash.Generate(nil); !errors.Is(err, slo.ErrInvalid) || !strings.Contains(err.Error(), "no objectives") {
		t.Errorf("Generate(nil) = %v", err)
	}
}

// The JSON depends on nothing but the input, so that generated dashboards
// can be committed and compared; the UIDs tell services apart.
func TestDeterministic(t *testing.T) {
	gen := func(service string) [][]byte {
		ds, err := slodash.Generate(shop(), slodash.WithLabels(labels), slodash.WithService(service))
		if err != nil {
			t.Fatal(err)
		}
		var out [][]byte
		for _, d := range ds {
			b, err := d.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return out
	}
	first := gen("shop")
	for range 20 {
		for i, b := range gen("shop") {
			if !bytes.Equal(b, first[i]) {
				t.Fatalf("dashboard %d differs between two runs", i)
			}
		}
	}
	other := gen("shop-eu")
	for i := range first {
		if bytes.Contains(other[i], []byte(uidOf(t, first[i]))) {
			t.Errorf("dashboard %d has the same UID for two services", i)
		}
	}
}

func uidOf(t *testing.T, b []byte) string {
	t.Helper()
	_, rest, ok := bytes.Cut(b, []byte(`"uid": "journeyslo-`))
	if !ok {
		t.Fatalf("no uid in %.200s", b)
	}
	return "journeyslo-" + string(rest[:16])
}

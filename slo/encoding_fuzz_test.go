package slo_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/journeyslo/journeyslo/slo"
)

// FuzzObjectiveJSON checks that whatever JSON decodes into an Objective or
// a Status encodes to JSON that decodes to the same value (empty and
// missing maps and lists alike), and never fails to encode.
func FuzzObjectiveJSON(f *testing.F) {
	f.Add([]byte(`{"journey":"checkout","target":0.999,"period":"4w","latency":"300ms","policy":{"rules":[{"severity":"page","long":"1h","short":"5m","factor":14.4}],"minEvents":7},"runbook":"https://x","labels":{"team":"a"}}`))
	f.Add([]byte(`{"journey":"checkout","objective":"availability","target":0.999,"period":"30d","time":"2026-03-02T09:00:01.5+01:00","sli":null,"noData":true,"timeToExhaustion":null,"exhaustionWindow":"1h","state":"ticket","since":"2026-03-02T09:00:00Z","windows":[{"window":"5m","burnRate":2}],"rules":[{"name":"x","severity":"page","long":"1h","short":"5m","factor":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(name string, v, back any) {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("%s: Marshal of a decoded value: %v", name, err)
			}
			if err := json.Unmarshal(b, back); err != nil {
				t.Fatalf("%s: Unmarshal(Marshal(v) = %s): %v", name, b, err)
			}
		}
		var o slo.Objective
		if json.Unmarshal(data, &o) == nil {
			var back slo.Objective
			check("objective", o, &back)
			if diff := cmp.Diff(o, back, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("objective round trip (-v +back):\n%s", diff)
			}
		}
		var st slo.Status
		if json.Unmarshal(data, &st) == nil {
			var back slo.Status
			check("status", st, &back)
			if diff := cmp.Diff(st, back, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("status round trip (-v +back):\n%s", diff)
			}
		}
	})
}

//go:build !race

// The committed example replays three impacts, a few seconds in all and
// ten times that under the race detector, which has nothing to find in a
// replay advanced by hand on the test's goroutine; TestRiskBinary checks
// the same figures from the built command under -race too.

package main

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRiskExample(t *testing.T) {
	res := runCmd(t, "risk", "-config", shopConfig, riskExample)
	res.wantStatus(t, exitOK)
	if diff := cmp.Diff(riskExampleText, res.stdout); diff != "" || res.stderr != "" {
		t.Errorf("journeyslo risk -config %s %s (-want +got):\n%s\nstderr:\n%s", shopConfig, riskExample, diff, res.stderr)
	}
	js := runCmd(t, "risk", "-config", shopConfig, "-format", "json", riskExample)
	js.wantStatus(t, exitOK)
	var got struct {
		Objective string `json:"objective"`
		Risks     []struct {
			Name     string  `json:"name"`
			ETTD     *string `json:"ettd"`
			ETTDFrom string  `json:"ettdFrom"`
		} `json:"risks"`
		BadMinutes float64 `json:"badMinutes"`
		Undetected int     `json:"undetected"`
	}
	if err := json.Unmarshal([]byte(js.stdout), &got); err != nil {
		t.Fatalf("journeyslo risk -format json: %v\n%s", err, js.stdout)
	}
	// The figures of riskExampleText, to 12 significant digits.
	if got.Objective != "checkout:availability" || len(got.Risks) != 7 || *got.Risks[4].ETTD != "54s" || got.Risks[4].ETTDFrom != "policy" ||
		*got.Risks[5].ETTD != "43m12s" || got.Risks[6].ETTD != nil || got.Risks[6].ETTDFrom != "never" ||
		got.BadMinutes != 950.195818037 || got.Undetected != 1 {
		t.Errorf("journeyslo risk -format json:\n%s", js.stdout)
	}
}

//go:build !race

// The committed example replays three impacts, a few seconds in all and
// ten times that under the race detector, which has nothing to find in a
// replay advanced by hand on the test's goroutine; TestRiskBinary checks
// the same figures from the built command under -race too.

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRiskExample(t *testing.T) {
	res := runCmd(t, riskExampleArgs...)
	res.wantStatus(t, exitOK)
	if diff := cmp.Diff(riskExampleText, res.stdout); diff != "" || res.stderr != "" {
		t.Errorf("journeyslo %s (-want +got):\n%s\nstderr:\n%s", strings.Join(riskExampleArgs, " "), diff, res.stderr)
	}
	js := runCmd(t, append([]string{"risk", "-format", "json"}, riskExampleArgs[1:]...)...)
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
		Premortems []struct {
			Bad    float64 `json:"badEvents"`
			Budget float64 `json:"budgetEvents"`
			Share  float64 `json:"budgetShare"`
		} `json:"premortems"`
	}
	if err := json.Unmarshal([]byte(js.stdout), &got); err != nil {
		t.Fatalf("journeyslo risk -format json: %v\n%s", err, js.stdout)
	}
	// The figures of riskExampleText, to 12 significant digits.
	if got.Objective != "checkout:availability" || len(got.Risks) != 7 || *got.Risks[4].ETTD != "54s" || got.Risks[4].ETTDFrom != "policy" ||
		*got.Risks[5].ETTD != "43m12s" || got.Risks[6].ETTD != nil || got.Risks[6].ETTDFrom != "never" ||
		got.BadMinutes != 950.195818037 || got.Undetected != 1 || len(got.Premortems) != 2 ||
		got.Premortems[0].Bad != 224786 || got.Premortems[0].Budget != 216000 || got.Premortems[0].Share != 1.04067592593 ||
		got.Premortems[1].Bad != 75214 || got.Premortems[1].Share != 0.348212962963 {
		t.Errorf("journeyslo risk -format json:\n%s", js.stdout)
	}
}

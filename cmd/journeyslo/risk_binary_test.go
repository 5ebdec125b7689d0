package main

import (
	"strings"
	"testing"
)

// riskExample is the committed risk catalog, from this package's
// directory.
const riskExample = "../../examples/backtest/risks.yaml"

// riskExampleArgs run the risk verb on the committed catalog, with the
// committed traffic for its premortems.
var riskExampleArgs = []string{"risk", "-config", shopConfig, "-traffic", "../../examples/backtest/traffic.csv", riskExample}

// TestRiskBinary builds the command and runs the risk verb as a user
// would: the exit statuses reach the shell, and the output is what the
// in-process runs give.
func TestRiskBinary(t *testing.T) {
	exe := builtCommand(t)
	broken := writeFile(t, t.TempDir(), "broken.yaml", "target: 99.9%\nrisks: []\n")
	// The committed example, against the figures TestRiskExample derives
	// (in-process, its replays would take long under the race detector).
	ex := exe(riskExampleArgs...)
	ex.wantStatus(t, exitOK)
	if ex.stdout != riskExampleText || ex.stderr != "" {
		t.Errorf("journeyslo %s:\n%s\nstderr:\n%s\nwant\n%s", strings.Join(riskExampleArgs, " "), ex.stdout, ex.stderr, riskExampleText)
	}
	for _, tc := range []struct {
		args   []string
		status int
	}{
		{[]string{"risk", broken}, exitInvalid},
		{[]string{"risk", riskExample}, exitUsage},
		{[]string{"help", "risk"}, exitOK},
	} {
		got, want := exe(tc.args...), runCmd(t, tc.args...)
		if got.status != tc.status || want.status != tc.status {
			t.Errorf("journeyslo %s: the binary exits %d and run returns %d; want %d\nstderr:\n%s", strings.Join(tc.args, " "), got.status, want.status, tc.status, got.stderr)
		}
		if got.stdout != want.stdout || got.stderr != want.stderr {
			t.Errorf("journeyslo %s: the binary wrote\nstdout:\n%s\nstderr:\n%s\nwhere run wrote\nstdout:\n%s\nstderr:\n%s",
				strings.Join(tc.args, " "), got.stdout, got.stderr, want.stdout, want.stderr)
		}
	}
}

package main

import (
	"bytes"
	"strings"
	"testing"
)

// result is what one in-process run of the command gave.
type result struct {
	args           []string
	status         int
	stdout, stderr string
}

// runCmd runs the command in-process with args.
func runCmd(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	status := run(args, &stdout, &stderr)
	return result{args: args, status: status, stdout: stdout.String(), stderr: stderr.String()}
}

func (r result) wantStatus(t *testing.T, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("journeyslo %s: exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.args, " "), r.status, want, r.stdout, r.stderr)
	}
}

// The committed examples, from this package's directory.
const (
	shopConfig  = "../../examples/config/shop.yaml"
	shopOpenSLO = "../../examples/config/shop.openslo.yaml"
)

package slofleet_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The packages that query Prometheus link no Prometheus library: a minor
// release of one changed the results of its API client and broke the
// build, and the client read answers of any size. They query the HTTP API
// through internal/promapi, with the standard library.
func TestNoPrometheusLibrary(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to list the packages' dependencies")
	}
	for _, pkg := range []string{"slo/slofleet", "slo/slobacktest", "internal/promapi"} {
		out, err := exec.Command(goBin, "list", "-deps", "github.com/journeyslo/journeyslo/"+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list -deps %s listed %d packages: %q", pkg, len(deps), out)
		}
		for _, dep := range deps {
			if strings.HasPrefix(dep, "github.com/prometheus/") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}

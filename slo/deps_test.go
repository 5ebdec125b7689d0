package slo_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The model knows nothing of HTTP: a program that records events and reads
// budgets, but serves no page, links neither net/http nor html/template
// (package slo/slostatus holds those handlers).
func TestNoHTTPInTheModel(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to list the package's dependencies")
	}
	out, err := exec.Command(goBin, "list", "-deps", "github.com/journeyslo/journeyslo/slo").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 || !slices.Contains(deps, "github.com/journeyslo/journeyslo/window") {
		t.Fatalf("go list -deps listed %d packages, without package window: %q", len(deps), out)
	}
	for _, banned := range []string{"net/http", "html/template"} {
		if slices.Contains(deps, banned) {
			t.Errorf("package slo depends on %s", banned)
		}
	}
}

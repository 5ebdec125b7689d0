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

// The layout of docs/design.md holds: the foundations import nothing of
// ours, slo nothing under slo/, every public package built on slo lives
// under slo/ with slo in its name, and the presentation and
// instrumentation packages import no sibling.
func TestLayout(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to list the packages")
	}
	const mod = "github.com/journeyslo/journeyslo/"
	out, err := exec.Command(goBin, "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", mod+"...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	ours := func(imports []string, prefix string) []string {
		var got []string
		for _, i := range imports {
			if strings.HasPrefix(i, mod+prefix) {
				got = append(got, strings.TrimPrefix(i, mod))
			}
		}
		return got
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, imports, _ := strings.Cut(line, ":")
		pkg, deps := strings.TrimPrefix(path, mod), strings.Fields(imports)
		switch {
		case pkg == "window" || pkg == "burnrate":
			if got := ours(deps, ""); len(got) > 0 {
				t.Errorf("%s, a foundation, imports %v", pkg, got)
			}
		case pkg == "slo":
			if got := ours(deps, "slo/"); len(got) > 0 {
				t.Errorf("slo imports %v, built on it", got)
			}
		case strings.HasPrefix(pkg, "slo/"):
			seen++
			if name := pkg[strings.LastIndex(pkg, "/")+1:]; strings.Count(pkg, "/") != 1 || !strings.Contains(name, "slo") {
				t.Errorf("%s is not slo/<a name with slo in it>", pkg)
			}
			if pkg == "slo/slostatus" || pkg == "slo/slohttp" || pkg == "slo/slogrpc" {
				if got := ours(deps, "slo/"); len(got) > 0 {
					t.Errorf("%s imports its siblings %v", pkg, got)
				}
			}
		case strings.HasPrefix(pkg, "internal/"), strings.HasPrefix(pkg, "cmd/"), strings.HasPrefix(pkg, "examples/"):
		default:
			t.Errorf("%s is outside the layout: a public package built on slo belongs under slo/", pkg)
		}
	}
	if seen < 10 {
		t.Fatalf("go list found %d packages under slo/:\n%s", seen, out)
	}
}

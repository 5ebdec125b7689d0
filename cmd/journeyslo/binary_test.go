package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/journeyslo/journeyslo/slo/slorules"
)

// regenerateLine is the comment of examples/config/shop.openslo.yaml that
// says how to regenerate it.
var regenerateLine = regexp.MustCompile(`(?m)^# The objectives of shop.yaml as OpenSLO v1 documents: .*\n`)

// TestBinary builds the command and runs it as a user would, on the
// committed example files: the exit statuses reach the shell, and the
// output is what the in-process runs give.
func TestBinary(t *testing.T) {
	exe := builtCommand(t)

	v := exe("version")
	v.wantStatus(t, exitOK)
	if want := "journeyslo (devel) " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"; v.stdout != want {
		t.Errorf("journeyslo version: %q, want %q", v.stdout, want)
	}
	exe("no-such-verb").wantStatus(t, exitUsage)
	exe().wantStatus(t, exitUsage)

	broken := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(broken, []byte("service: shop\njourneys: []\nextra: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	val := exe("validate", shopConfig)
	val.wantStatus(t, exitOK)
	if want := shopConfig + ": valid journeyslo config: service shop, 4 objectives in 3 journeys\n"; val.stdout != want || val.stderr != "" {
		t.Errorf("journeyslo validate %s: stdout %q, stderr %q; want %q", shopConfig, val.stdout, val.stderr, want)
	}
	both := exe("validate", shopOpenSLO, shopConfig)
	both.wantStatus(t, exitOK)
	if want := shopOpenSLO + ": valid OpenSLO v1: service shop, 4 objectives in 3 journeys\n" + val.stdout; both.stdout != want || both.stderr != "" {
		t.Errorf("journeyslo validate %s %s: stdout %q, stderr %q; want %q", shopOpenSLO, shopConfig, both.stdout, both.stderr, want)
	}
	bad := exe("validate", shopConfig, broken)
	bad.wantStatus(t, exitInvalid)
	want := broken + ":2:11: journeys is empty; declare at least one journey, with a name and objectives\n" +
		broken + `:3:1: the file: unknown field "extra"; a journeyslo file has the fields service, policies, journeys, exclusions` + "\n"
	if bad.stdout != val.stdout || bad.stderr != want {
		t.Errorf("journeyslo validate %s %s: stdout\n%s\nstderr\n%s\nwant\n%s\nand\n%s", shopConfig, broken, bad.stdout, bad.stderr, val.stdout, want)
	}

	rules := exe("rules", "-selector", `{job="shop"}`, shopConfig)
	rules.wantStatus(t, exitOK)
	if want := wantRules(t, shopConfig, slorules.Prometheus, slorules.WithSelector(`{job="shop"}`)); rules.stdout != want {
		t.Errorf("journeyslo rules %s: the rules differ from slorules'", shopConfig)
	}
	checkRules(t, writeFile(t, t.TempDir(), "shop.rules.yml", rules.stdout))
	// The two example files hold the same objectives: the same rules, and
	// the same config once imported.
	if fromOpenSLO := exe("rules", "-selector", `{job="shop"}`, shopOpenSLO); fromOpenSLO.status != exitOK || fromOpenSLO.stdout != rules.stdout {
		t.Errorf("journeyslo rules %s: status %d, and rules that differ from those of %s:\n%s", shopOpenSLO, fromOpenSLO.status, shopConfig, fromOpenSLO.stderr)
	}
	imported, same := exe("openslo", "import", shopOpenSLO), exe("openslo", "import", shopConfig)
	imported.wantStatus(t, exitOK)
	if !strings.HasPrefix(imported.stdout, generatedHeader+"service: shop\n") || imported.stdout != same.stdout {
		t.Errorf("journeyslo openslo import %s:\n%s\nwant the config of %s:\n%s", shopOpenSLO, imported.stdout, shopConfig, same.stdout)
	}
	// The committed OpenSLO file is the export of the config, with a line
	// saying how to regenerate it.
	committed, err := os.ReadFile(shopOpenSLO)
	if err != nil {
		t.Fatal(err)
	}
	exported := exe("openslo", "export", shopConfig)
	exported.wantStatus(t, exitOK)
	if got, want := exported.stdout, regenerateLine.ReplaceAllString(string(committed), ""); got != want {
		t.Errorf("journeyslo openslo export %s differs from %s (without its regeneration comment):\n%s", shopConfig, shopOpenSLO, got)
	}

	for _, args := range [][]string{
		{"help", "rules"},
		{"validate", shopConfig, broken},
		{"rules", "-flavor", "mimir", "-selector", `{job="shop"}`, shopConfig},
		{"openslo", "export", shopConfig},
		{"openslo", "import", shopConfig},
		{"validate", shopOpenSLO},
		{"rules", "-flavor", "thanos", shopOpenSLO},
		{"openslo", "import", shopOpenSLO},
	} {
		got, want := exe(args...), runCmd(t, args...)
		got.wantStatus(t, want.status)
		if got.stdout != want.stdout || got.stderr != want.stderr {
			t.Errorf("journeyslo %s: the binary wrote\nstdout:\n%s\nstderr:\n%s\nwhere run wrote\nstdout:\n%s\nstderr:\n%s",
				strings.Join(args, " "), got.stdout, got.stderr, want.stdout, want.stderr)
		}
	}
}

// builtCommand builds the command once for every test of the package that
// runs it as a user would, and returns a function that runs the binary
// with args, as the shell would. Without version control stamping, the
// build reports "(devel)", whatever the checkout's state. It skips with
// -short.
func builtCommand(t *testing.T) func(args ...string) result {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the command; skipped with -short")
	}
	buildOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		dir, err := os.MkdirTemp("", "journeyslo-test-")
		if err != nil {
			buildErr = err
			return
		}
		built = filepath.Join(dir, "journeyslo")
		if out, err := exec.Command(goTool, "build", "-buildvcs=false", "-o", built, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return func(args ...string) result {
		t.Helper()
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(built, args...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		status := 0
		if err := cmd.Run(); err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("journeyslo %s: %v", strings.Join(args, " "), err)
			}
			status = ee.ExitCode()
		}
		return result{args: args, status: status, stdout: stdout.String(), stderr: stderr.String()}
	}
}

// The binary builtCommand built, shared by the package's tests, in a
// directory TestMain removes.
var (
	buildOnce sync.Once
	built     string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if built != "" {
		os.RemoveAll(filepath.Dir(built))
	}
	os.Exit(code)
}

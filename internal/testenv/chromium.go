//go:build unix

package testenv

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BrowserEnv names the environment variable that makes a missing Chromium
// a failure rather than a skip: JOURNEYSLO_BROWSER=required (CI sets it).
const BrowserEnv = "JOURNEYSLO_BROWSER"

// Chromium returns the path of a Chromium (or Chrome) on PATH. Without one
// it skips the test, or fails it when BrowserEnv is "required".
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv(BrowserEnv) == "required" {
		t.Fatalf("%s=required, but no chromium on PATH; install it (apt-get install -y chromium)", BrowserEnv)
	}
	t.Skipf("no chromium on PATH; set %s=required to make this a failure", BrowserEnv)
	return ""
}

// RunChromium runs a headless Chromium at path with a fresh profile and
// the given arguments (such as --dump-dom URL), and returns what it wrote
// to stdout, failing the test if it fails or takes over 90 seconds.
// Chromium starts helper processes in its own process group, which is
// ended when it returns.
func RunChromium(t testing.TB, path string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args = append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-crash-reporter", "--hide-scrollbars", "--force-device-scale-factor=1",
		"--user-data-dir=" + t.TempDir(),
	}, args...)
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // helpers left behind, if any
	}
	if err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

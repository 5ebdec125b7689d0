package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestSmoke runs the example as -smoke does: 20 rounds of an order, two
// searches, a tracking stream and a health check.
func TestSmoke(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), "127.0.0.1:0", false, true, &out, ""); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`shop serving gRPC on 127\.0\.0\.1:\d+`).MatchString(out.String()) {
		t.Errorf("the output does not say where the server listens:\n%s", out.String())
	}
	for _, row := range []struct {
		name      string
		events    int
		exactGood int // -1 when random failures make it vary
	}{
		{"checkout availability", 20, -1},
		{"checkout latency", 20, -1},
		{"search availability", 40, 40},
		{"tracking availability", 20, -1},
		{"unmatched", 20, 20},
	} {
		m := regexp.MustCompile(`(?m)^` + strings.ReplaceAll(row.name, " ", `\s+`) + `\s+(\d+)\s+(\d+)`).FindStringSubmatch(out.String())
		if m == nil {
			t.Errorf("no row %q in the output:\n%s", row.name, out.String())
			continue
		}
		good, _ := strconv.Atoi(m[1])
		bad, _ := strconv.Atoi(m[2])
		if good+bad != row.events || (row.exactGood >= 0 && good != row.exactGood) {
			t.Errorf("%s: %d good, %d bad; want %d events (good: %d, -1 for any)", row.name, good, bad, row.events, row.exactGood)
		}
	}
}

// TestSnapshotSurvivesARestart runs the smoke test twice with -snapshot on
// one file: the second run restores the first's counts and adds its own,
// so every row counts both runs' events.
func TestSnapshotSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.snapshot")
	var first, second strings.Builder
	if err := run(context.Background(), "127.0.0.1:0", false, true, &first, path); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(first.String(), "snapshot "+path+": restored 0 objectives") {
		t.Errorf("first run, on no file, does not say it restored nothing:\n%s", first.String())
	}
	if err := run(context.Background(), "127.0.0.1:0", false, true, &second, path); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(second.String(), "snapshot "+path+": restored 4 objectives") {
		t.Errorf("second run does not say it restored the 4 objectives:\n%s", second.String())
	}
	for _, row := range []struct {
		name   string
		events int
	}{
		{"checkout availability", 40},
		{"checkout latency", 40},
		{"search availability", 80},
		{"tracking availability", 40},
		{"unmatched", 20}, // this run's: no windows, so nothing to restore
	} {
		m := regexp.MustCompile(`(?m)^` + strings.ReplaceAll(row.name, " ", `\s+`) + `\s+(\d+)\s+(\d+)`).FindStringSubmatch(second.String())
		if m == nil {
			t.Errorf("no row %q in the output:\n%s", row.name, second.String())
			continue
		}
		good, _ := strconv.Atoi(m[1])
		bad, _ := strconv.Atoi(m[2])
		if good+bad != row.events {
			t.Errorf("after a restart, %s: %d good, %d bad; want %d events, both runs'", row.name, good, bad, row.events)
		}
	}
}

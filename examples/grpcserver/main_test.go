package main

import (
	"context"
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
	if err := run(context.Background(), "127.0.0.1:0", false, true, &out); err != nil {
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

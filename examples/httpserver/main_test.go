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

// TestSmoke runs the example as -smoke does: 20 rounds of a checkout, two
// searches, a GraphQL call and a request to no route.
func TestSmoke(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), "127.0.0.1:0", true, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`shop listening on http://127\.0\.0\.1:\d+`,
		`curl http://127\.0\.0\.1:\d+/debug/slo`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("the output has no match for %s:\n%s", want, out.String())
		}
	}
	for _, row := range []struct {
		name      string
		events    int
		exactGood int // -1 when random checkout or GraphQL failures make it vary
	}{
		{"checkout availability", 20, -1},
		{"checkout latency", 20, -1},
		{"search availability", 40, 40},
		{"account availability", 20, -1},
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

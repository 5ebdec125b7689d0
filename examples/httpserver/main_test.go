package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestSmoke runs the example as -smoke does: 20 rounds of a checkout, two
// searches, a GraphQL call and a request to no route, then a GET of every
// endpoint beside the shop, which are no events.
func TestSmoke(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), "127.0.0.1:0", mode{smoke: true}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`shop listening on http://127\.0\.0\.1:\d+`,
		`status page:  http://127\.0\.0\.1:\d+/slo\n`,
		`health:       http://127\.0\.0\.1:\d+/healthz/slo\n`,
		`metrics:      http://127\.0\.0\.1:\d+/metrics\n`,
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

// TestTraffic runs the example with -traffic for a second: the shop serves
// requests of its own, about 100 a second, until the context ends.
func TestTraffic(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var out strings.Builder
	if err := run(ctx, "127.0.0.1:0", mode{traffic: true}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "sending the shop about 100 requests a second") {
		t.Fatalf("output:\n%s", out.String())
	}
	// Every request is an event of one row: the availability objectives
	// and the unmatched journey (checkout's latency row repeats checkout).
	events := 0
	for _, m := range regexp.MustCompile(`(?m)^(\w+)\s+(availability\s+)?(\d+)\s+(\d+)`).FindAllStringSubmatch(out.String(), -1) {
		good, _ := strconv.Atoi(m[3])
		bad, _ := strconv.Atoi(m[4])
		events += good + bad
	}
	if events < 5 {
		t.Errorf("a second of traffic made %d events, want at least 5:\n%s", events, out.String())
	}
}

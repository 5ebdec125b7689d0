package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"go.uber.org/goleak"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
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
	// A few dozen events make no budget claim: the budget column says so.
	for _, want := range []string{
		`(?m)^checkout\s+availability\s+\d+\s+\d+\s+[\d.]+\s+not enough events: 20 of 1000\s`,
		`(?m)^checkout\s+latency\s+\d+\s+\d+\s+[\d.]+\s+not enough events: 20 of 100\s`,
		`(?m)^search\s+availability\s+40\s+0\s+1\.0000\s+not enough events: 40 of 200\s`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("the output has no match for %s:\n%s", want, out.String())
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

// syncBuffer is an io.Writer that the test reads while run writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestFailOnRequest serves the shop as a person trying it would, and sends
// it requests that ask to fail or to be slow: each is one event of its
// journey, judged as any other answer is.
func TestFailOnRequest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := new(syncBuffer)
	ran := make(chan error, 1)
	go func() { ran <- run(ctx, "127.0.0.1:0", mode{}, out) }()
	var base string
	listening := regexp.MustCompile(`shop listening on (http://127\.0\.0\.1:\d+)\n`)
	for deadline := time.Now().Add(10 * time.Second); base == ""; time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("the shop did not say where it listens within 10s:\n%s", out.String())
		}
	}
	for _, want := range []string{"/checkout?fail=1'", "/checkout?delay=400ms'"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output shows no command with %s:\n%s", want, out.String())
		}
	}
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	send := func(method, path string) (int, time.Duration) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, time.Since(start)
	}
	var checkoutGood, checkoutBad int
	for i := 0; i < 3; i++ {
		if code, _ := send("POST", "/checkout?fail=1"); code != http.StatusInternalServerError {
			t.Errorf("POST /checkout?fail=1: %d, want 500", code)
		}
		checkoutBad++
	}
	for i := 0; i < 2; i++ {
		code, took := send("POST", "/checkout?delay=400ms")
		if took < 400*time.Millisecond {
			t.Errorf("POST /checkout?delay=400ms answered in %v", took)
		}
		// checkout fails one request in 2000 at random: count what came.
		switch {
		case code == http.StatusOK:
			checkoutGood++
		case code >= 500:
			checkoutBad++
		default:
			t.Errorf("POST /checkout?delay=400ms: %d, want 200 or a 5xx", code)
		}
	}
	for _, c := range []struct {
		path string
		want int
	}{
		{"/search?q=shoes&fail=1", http.StatusInternalServerError},
		{"/search?q=shoes&fail=0", http.StatusOK},
		{"/search?q=shoes&fail=maybe", http.StatusBadRequest}, // the client's mistake: good
		{"/search?q=shoes&delay=forever", http.StatusBadRequest},
		{"/search?q=shoes&delay=11s", http.StatusBadRequest},
	} {
		if code, _ := send("GET", c.path); code != c.want {
			t.Errorf("GET %s: %d, want %d", c.path, code, c.want)
		}
	}
	cancel()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	for _, row := range []struct {
		name      string
		good, bad int
	}{
		{"checkout availability", checkoutGood, checkoutBad},
		{"checkout latency", 0, 5}, // 400 ms is slower than 300 ms, and a failure is bad
		{"search availability", 4, 1},
		{"account availability", 0, 0},
		{"unmatched", 0, 0},
	} {
		m := regexp.MustCompile(`(?m)^` + strings.ReplaceAll(row.name, " ", `\s+`) + `\s+(\d+)\s+(\d+)`).FindStringSubmatch(out.String())
		if m == nil {
			t.Errorf("no row %q in the output:\n%s", row.name, out.String())
			continue
		}
		if m[1] != strconv.Itoa(row.good) || m[2] != strconv.Itoa(row.bad) {
			t.Errorf("%s: %s good, %s bad; want %d, %d", row.name, m[1], m[2], row.good, row.bad)
		}
	}
}

// TestSnapshotSurvivesARestart runs the smoke test twice with -snapshot on
// one file: the second run restores the first's counts and adds its own,
// so every row counts both runs' events.
func TestSnapshotSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.snapshot")
	var first, second strings.Builder
	if err := run(context.Background(), "127.0.0.1:0", mode{smoke: true, snapshot: path}, &first); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(first.String(), "snapshot "+path+": restored 0 objectives") {
		t.Errorf("first run, on no file, does not say it restored nothing:\n%s", first.String())
	}
	if err := run(context.Background(), "127.0.0.1:0", mode{smoke: true, snapshot: path}, &second); err != nil {
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
		{"account availability", 40},
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

// What the example says when the payment provider is back is the
// registry's outlook. Checkout has served 10 requests a second for two
// minutes, the last 81 s failing one in five: 162 bad of 1200, a burn of
// 135 that pages by both page rules. If every request succeeds from then
// on, page-1h-5m clears within five minutes, but page-6h-30m holds until
// its 30m window (15 s buckets) holds fewer than 108 of its 18000 events
// bad: the outage's three last buckets hold 30 each, and the bucket
// [60 s, 75 s) of it 30 counted pro rata; under 108 once the window's
// start passes 66 s into the run, 3 s ticks to 69 s: 29m9s after the
// end (102 bad, a burn of 5.67; at 66 s, 108 bad, a burn of 6).
func TestPageReset(t *testing.T) {
	mock := clock.NewMock()
	start := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	mock.Set(start)
	reg, err := slo.New(objectives, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	checkout := fixture.Journey(reg, "checkout")
	now := start
	for i := 0; i < 40; i++ { // 3 s ticks, the last 27 failing one in five
		bad := uint64(0)
		if i >= 13 {
			bad = 6
		}
		checkout.Add(30-bad, bad)
		now = now.Add(3 * time.Second)
		reg.Advance(now)
	}
	if got := pageReset(reg, "search", "availability"); got != "search is not paging" {
		t.Errorf("search: %q", got)
	}
	want := "the page resets at 14:31:09 (in 29m9s), when page-6h-30m's 30m window no longer holds the outage"
	if got := pageReset(reg, "checkout", "availability"); got != want {
		t.Errorf("checkout:\n%s\nwant\n%s", got, want)
	}
	// And so it does, at that traffic.
	for reg.Status()[0].State == burnrate.SeverityPage {
		checkout.Add(30, 0)
		now = now.Add(3 * time.Second)
		reg.Advance(now)
	}
	if want := start.Add(2*time.Minute + 29*time.Minute + 9*time.Second); !now.Equal(want) {
		t.Errorf("the page reset at %v, want %v", now.Format("15:04:05"), want.Format("15:04:05"))
	}
}

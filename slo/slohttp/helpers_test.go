package slohttp_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"go.uber.org/goleak"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slohttp"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// objectives are those of most tests: checkout with availability and
// latency, login and search with availability.
var objectives = []slo.Objective{
	{Journey: "checkout", Target: 0.999},
	{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
	{Journey: "login", Target: 0.995},
	{Journey: "search", Target: 0.995},
}

// patterns map the routes of newMux to journeys.
var patterns = map[string]string{
	"POST /checkout":    "checkout",
	"POST /login":       "login",
	"GET /search/{q}":   "search",
	"GET /status/{n}":   "search",
	"/stream":           "checkout",
	"GET /login/{$}":    "login",
	"GET /checkout/{$}": "checkout",
}

// newRegistry returns a registry of objs on a mock clock at t0, advanced
// by hand.
func newRegistry(t *testing.T, objs []slo.Objective) (*slo.Registry, *clock.Mock) {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(t0)
	reg, err := slo.New(objs, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return reg, mock
}

// newMiddleware returns New(reg, opts...) or fails the test.
func newMiddleware(t *testing.T, reg *slo.Registry, opts ...slohttp.Option) func(http.Handler) http.Handler {
	t.Helper()
	mw, err := slohttp.New(reg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return mw
}

// counts is one objective's events, or the unmatched ones.
type counts struct{ Good, Bad uint64 }

// totals returns every objective's events since the start, keyed
// "journey/objective", and the unmatched ones keyed "unmatched"; objectives
// and unmatched with no events are left out, so that tests list only what
// they expect to change.
func totals(reg *slo.Registry, mock *clock.Mock) map[string]counts {
	reg.Advance(mock.Now())
	out := map[string]counts{}
	for _, st := range reg.Status() {
		if st.TotalGood+st.TotalBad > 0 {
			out[st.Journey+"/"+st.Objective] = counts{st.TotalGood, st.TotalBad}
		}
	}
	if g, b := reg.Unmatched(); g+b > 0 {
		out[slo.Unmatched] = counts{g, b}
	}
	return out
}

// diffTotals describes the difference between two totals maps, or "".
func diffTotals(got, want map[string]counts) string {
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	var sorted []string
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var b strings.Builder
	for _, k := range sorted {
		if got[k] != want[k] {
			fmt.Fprintf(&b, "\n\t%s: got good %d bad %d, want good %d bad %d", k, got[k].Good, got[k].Bad, want[k].Good, want[k].Bad)
		}
	}
	return b.String()
}

// server is an httptest server whose handler is outer(mw(inner)), where
// outer reports on done when the middleware has returned, with the value
// it panicked with, if any, so that tests know the event is recorded.
type server struct {
	*httptest.Server
	done chan any
}

// quietLog drops the server's own log lines (panics it recovers from,
// superfluous WriteHeader calls), which tests provoke on purpose.
var quietLog = log.New(io.Discard, "", 0)

func startServer(t *testing.T, h http.Handler, http2 bool) *server {
	t.Helper()
	s := &server{done: make(chan any, 1)}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { s.done <- recover() }()
		h.ServeHTTP(w, r)
	}))
	s.Config.ErrorLog = quietLog
	if http2 {
		s.EnableHTTP2 = true
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// wait returns what the request's handler panicked with, once the
// middleware returned.
func (s *server) wait(t *testing.T) any {
	t.Helper()
	select {
	case v := <-s.done:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("the handler did not return within 10s")
		return nil
	}
}

// do sends a request to the server and returns its status, or 0 when the
// request failed, then waits for the handler.
func (s *server) do(t *testing.T, method, path string) (status int, panicked any) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.Client().Do(req)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
	}
	return status, s.wait(t)
}

func timeNowPlusMinute() time.Time { return time.Now().Add(time.Minute) }

package slohttp_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/internal/testenv"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slohttp"
)

// randomRequest returns a request with a random method and path, some of
// them on the mux's routes.
func randomRequest(rng *rand.Rand) *http.Request {
	methods := []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "PROPFIND", fmt.Sprintf("X%d", rng.IntN(1000))}
	paths := []string{"/search/", "/login", "/checkout", "/", "/static/", "/api/v1/"}
	method := methods[rng.IntN(len(methods))]
	path := fmt.Sprintf("%s%x", paths[rng.IntN(len(paths))], rng.Uint64())
	if rng.IntN(4) == 0 {
		path = paths[rng.IntN(3)] // a route, maybe with the wrong method
	}
	return newRequest(method, path)
}

// TestRandomRequestsCreateNothing serves 100,000 requests with random
// methods and paths: the journeys and objectives stay as declared, every
// request counts once, and the heap does not grow.
func TestRandomRequestsCreateNothing(t *testing.T) {
	reg, mock := newRegistry(t, objectives)
	mux := http.NewServeMux()
	ok := func(w http.ResponseWriter, r *http.Request) {}
	for p := range patterns {
		mux.HandleFunc(p, ok)
	}
	h := newMiddleware(t, reg, slohttp.WithPatterns(patterns),
		slohttp.WithJourneyFunc(func(r *http.Request) string { return r.URL.Path })) // request data as journey names
	handler := h(mux)
	journeys, series := reg.Journeys(), len(reg.Status())
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 100_000
	serve := func(k int) {
		for i := 0; i < k; i++ {
			handler.ServeHTTP(nopWriter{}, randomRequest(rng))
		}
	}
	serve(1000) // fill the pools and caches
	heapBefore := heapInUse()
	serve(n - 1000)
	heapAfter := heapInUse()

	if got := reg.Journeys(); fmt.Sprint(got) != fmt.Sprint(journeys) {
		t.Errorf("Journeys() = %v after random requests; want %v", got, journeys)
	}
	if got := len(reg.Status()); got != series {
		t.Errorf("%d objectives after random requests; want %d", got, series)
	}
	var events uint64
	for k, c := range totals(reg, mock) {
		if k != "checkout/latency" {
			events += c.Good + c.Bad
		}
	}
	if events != n {
		t.Errorf("%d events counted for %d requests", events, n)
	}
	const bound = 256 << 10
	if grew := int64(heapAfter) - int64(heapBefore); grew > bound {
		t.Errorf("the heap grew by %d bytes over %d requests; want at most %d", grew, n-1000, bound)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// countingClock counts the readings of a mock clock.
type countingClock struct {
	*clock.Mock
	reads atomic.Int64
}

func (c *countingClock) Now() time.Time {
	c.reads.Add(1)
	return c.Mock.Now()
}

func (c *countingClock) Since(t time.Time) time.Duration {
	c.reads.Add(1)
	return c.Mock.Since(t)
}

func TestClockReads(t *testing.T) {
	for _, tc := range []struct {
		name string
		objs []slo.Objective
		path string
		want int64
	}{
		{"no latency objective", objectives[2:], "/login", 0},
		{"latency objective on another journey", objectives, "/login", 1},
		{"latency objective", objectives, "/checkout", 2},
	} {
		c := &countingClock{Mock: clock.NewMock()}
		reg, err := slo.New(tc.objs, slo.WithClock(c), slo.WithManualAdvance())
		if err != nil {
			t.Fatal(err)
		}
		defer reg.Close()
		mux := http.NewServeMux()
		mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {})
		mux.HandleFunc("POST /checkout", func(w http.ResponseWriter, r *http.Request) {})
		routes := map[string]string{}
		for _, j := range reg.Journeys() {
			routes["POST /"+j] = j
		}
		h := newMiddleware(t, reg, slohttp.WithPatterns(routes))(mux)
		c.reads.Store(0)
		h.ServeHTTP(nopWriter{}, newRequest("POST", tc.path))
		if got := c.reads.Load(); got != tc.want {
			t.Errorf("%s: %d clock readings for POST %s; want %d", tc.name, got, tc.path, tc.want)
		}
	}
}

// TestAllocs checks that the middleware allocates nothing beyond what the
// handler does, for every way of naming the journey.
func TestAllocs(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("the race detector makes values escape")
	}
	reg, _ := newRegistry(t, objectives)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /search/{q}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	mux.HandleFunc("POST /checkout", func(w http.ResponseWriter, r *http.Request) {
		slohttp.SetJourney(w, "login")
		slohttp.MarkBad(w)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) { w.(http.Flusher).Flush() })
	for _, tc := range []struct {
		name string
		opts []slohttp.Option
		req  *http.Request
	}{
		{"pattern", []slohttp.Option{withPatterns()}, newRequest("GET", "/search/shoes")},
		{"latency", []slohttp.Option{withPatterns()}, newRequest("POST", "/checkout")},
		{"no route", []slohttp.Option{withPatterns()}, newRequest("GET", "/nowhere")},
		{"function", []slohttp.Option{slohttp.WithJourneyFunc(func(*http.Request) string { return "search" })}, newRequest("GET", "/search/shoes")},
		{"streamed", []slohttp.Option{withPatterns()}, newRequest("POST", "/login")},
	} {
		w := &fake{}
		bare := testing.AllocsPerRun(100, func() { mux.ServeHTTP(w, tc.req) })
		h := newMiddleware(t, reg, tc.opts...)(mux)
		got := testing.AllocsPerRun(100, func() { h.ServeHTTP(w, tc.req) })
		if got != bare {
			t.Errorf("%s: %v allocations a request with the middleware, %v without", tc.name, got, bare)
		}
	}
}

func TestDefaultClassify(t *testing.T) {
	for _, tc := range []struct {
		r    slohttp.Response
		want slo.Outcome
	}{
		{slohttp.Response{Status: 200}, slo.Good},
		{slohttp.Response{Status: 200, Written: true}, slo.Good},
		{slohttp.Response{Status: 101, Written: true}, slo.Good},
		{slohttp.Response{Status: 404, Written: true}, slo.Good},
		{slohttp.Response{Status: 499, Written: true}, slo.Good},
		{slohttp.Response{Status: 500, Written: true}, slo.Bad},
		{slohttp.Response{Status: 599, Written: true}, slo.Bad},
		{slohttp.Response{Status: 600, Written: true}, slo.Bad},
		{slohttp.Response{Status: 0, Written: true}, slo.Bad},
		{slohttp.Response{Status: 99, Written: true}, slo.Bad},
		{slohttp.Response{Status: 200, Mark: slo.Bad}, slo.Bad},
		{slohttp.Response{Status: 500, Written: true, Mark: slo.Excluded}, slo.Excluded},
		{slohttp.Response{Status: 200, ContextErr: context.Canceled}, slo.Excluded},
		{slohttp.Response{Status: 200, ContextErr: fmt.Errorf("wrapped: %w", context.Canceled)}, slo.Excluded},
		{slohttp.Response{Status: 500, Written: true, ContextErr: context.Canceled}, slo.Excluded},
		{slohttp.Response{Status: 200, ContextErr: context.DeadlineExceeded}, slo.Bad},
		{slohttp.Response{Status: 200, Written: true, ContextErr: context.DeadlineExceeded}, slo.Good},
		{slohttp.Response{Status: 503, Written: true, ContextErr: context.DeadlineExceeded}, slo.Bad},
		{slohttp.Response{Panicked: true, Panic: "boom"}, slo.Bad},
		{slohttp.Response{Panicked: true, Panic: "boom", ContextErr: context.Canceled}, slo.Bad},
		{slohttp.Response{Panicked: true, Panic: http.ErrAbortHandler}, slo.Bad},
		{slohttp.Response{Panicked: true, Panic: http.ErrAbortHandler, ContextErr: context.Canceled}, slo.Excluded},
		{slohttp.Response{Panicked: true, Panic: errors.New("x"), Mark: slo.Excluded}, slo.Bad},
		{slohttp.Response{Status: 200, Written: true, Streamed: true}, slo.Untimed},
		{slohttp.Response{Status: 500, Written: true, Streamed: true}, slo.Bad},
		{slohttp.Response{Hijacked: true}, slo.Untimed},
		{slohttp.Response{Hijacked: true, Mark: slo.Bad}, slo.Bad},
	} {
		if got := slohttp.DefaultClassify(tc.r); got != tc.want {
			t.Errorf("DefaultClassify(%+v) = %v, want %v", tc.r, got, tc.want)
		}
	}
}

func TestOutcomeString(t *testing.T) {
	for o, want := range map[slo.Outcome]string{
		slo.Good: "good", slo.Bad: "bad", slo.Excluded: "excluded", slo.Untimed: "untimed", 9: "Outcome(9)",
	} {
		if got := o.String(); got != want {
			t.Errorf("Outcome(%d).String() = %q, want %q", o, got, want)
		}
	}
}

// TestNamesResolveExactly sets journeys by names that are equal but not the
// same string, and by different strings: the cache by address must never
// confuse them.
func TestNamesResolveExactly(t *testing.T) {
	reg, mock := newRegistry(t, objectives)
	names := []string{"login", "search", "checkout", "nope"}
	var want = map[string]counts{}
	h := newMiddleware(t, reg)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slohttp.SetJourney(w, r.Header.Get("J"))
	}))
	for i := 0; i < 400; i++ {
		name := names[i%len(names)]
		req := newRequest("GET", "/")
		req.Header.Set("J", string([]byte(name))) // a new string each time
		h.ServeHTTP(nopWriter{}, req)
		switch name {
		case "nope":
			want[slo.Unmatched] = counts{want[slo.Unmatched].Good + 1, 0}
		case "checkout":
			want["checkout/latency"] = counts{want["checkout/latency"].Good + 1, 0}
			fallthrough
		default:
			want[name+"/availability"] = counts{want[name+"/availability"].Good + 1, 0}
		}
	}
	if d := diffTotals(totals(reg, mock), want); d != "" {
		t.Errorf("events:%s", d)
	}
}

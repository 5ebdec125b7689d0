package slohttp_test

import (
	"context"
	"errors"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slohttp"
)

// statusHandler writes the status its {n} path segment names, on the
// route "GET /status/{n}" of the search journey.
func statusMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		w.WriteHeader(n)
	})
	return mux
}

func TestStatus(t *testing.T) {
	reg, mock := newRegistry(t, objectives)
	s := startServer(t, newMiddleware(t, reg, slohttp.WithPatterns(patterns))(statusMux()), false)
	s.Client().Transport.(*http.Transport).DisableKeepAlives = true
	for _, tc := range []struct {
		code      int
		bad       bool
		panicking bool // net/http refuses the code: the handler panics
	}{
		{code: 0, bad: true, panicking: true},
		{code: 99, bad: true, panicking: true},
		{code: 100}, // informational: the server then sends 200
		{code: 101},
		{code: 103},
		{code: 200},
		{code: 204},
		{code: 301},
		{code: 304},
		{code: 400},
		{code: 404},
		{code: 429},
		{code: 499},
		{code: 500, bad: true},
		{code: 502, bad: true},
		{code: 503, bad: true},
		{code: 599, bad: true},
		{code: 600, bad: true}, // net/http sends it; no client can read it as an answer
		{code: 999, bad: true},
	} {
		before := totals(reg, mock)["search/availability"]
		_, panicked := s.do(t, "GET", "/status/"+strconv.Itoa(tc.code))
		if (panicked != nil) != tc.panicking {
			t.Errorf("status %d: the middleware re-panicked with %v; want a panic: %v", tc.code, panicked, tc.panicking)
		}
		after := totals(reg, mock)["search/availability"]
		want := counts{before.Good + 1, before.Bad}
		if tc.bad {
			want = counts{before.Good, before.Bad + 1}
		}
		if after != want {
			t.Errorf("status %d: search/availability went from %+v to %+v, want %+v", tc.code, before, after, want)
		}
	}
	if g, b := reg.Unmatched(); g+b != 0 {
		t.Errorf("Unmatched() = %d, %d; want none", g, b)
	}
}

// run serves one request with h wrapped in New(reg, opts...) on a real
// HTTP/1.1 server, and returns once its event is recorded.
func run(t *testing.T, reg *slo.Registry, opts []slohttp.Option, h http.Handler, method, path string) {
	t.Helper()
	s := startServer(t, newMiddleware(t, reg, opts...)(h), false)
	if _, panicked := s.do(t, method, path); panicked != nil {
		t.Fatalf("%s %s: handler panicked: %v", method, path, panicked)
	}
}

func TestOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		want    map[string]counts
	}{
		{"no write is a 200", func(w http.ResponseWriter, r *http.Request) {},
			map[string]counts{"checkout/availability": {1, 0}, "checkout/latency": {1, 0}}},
		{"first WriteHeader wins: 200 then 500", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			w.WriteHeader(500)
		}, map[string]counts{"checkout/availability": {1, 0}, "checkout/latency": {1, 0}}},
		{"first WriteHeader wins: 503 then 200", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(503)
			w.WriteHeader(200)
		}, map[string]counts{"checkout/availability": {0, 1}, "checkout/latency": {0, 1}}},
		{"Write then WriteHeader is a 200", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("ok"))
			w.WriteHeader(500)
		}, map[string]counts{"checkout/availability": {1, 0}, "checkout/latency": {1, 0}}},
		{"103 then 500 is a 500", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(103)
			w.WriteHeader(500)
		}, map[string]counts{"checkout/availability": {0, 1}, "checkout/latency": {0, 1}}},
		{"MarkBad on a 200", func(w http.ResponseWriter, r *http.Request) {
			if !slohttp.MarkBad(w) {
				t.Error("MarkBad(w) = false")
			}
			w.Write([]byte(`{"errors":[{"message":"payment declined"}]}`))
		}, map[string]counts{"checkout/availability": {0, 1}, "checkout/latency": {0, 1}}},
		{"Exclude a probe", func(w http.ResponseWriter, r *http.Request) {
			if !slohttp.Exclude(w) {
				t.Error("Exclude(w) = false")
			}
		}, map[string]counts{}},
		{"Exclude then MarkBad: the last wins", func(w http.ResponseWriter, r *http.Request) {
			slohttp.Exclude(w)
			slohttp.MarkBad(w)
		}, map[string]counts{"checkout/availability": {0, 1}, "checkout/latency": {0, 1}}},
		{"MarkBad then Exclude: the last wins", func(w http.ResponseWriter, r *http.Request) {
			slohttp.MarkBad(w)
			slohttp.Exclude(w)
			w.WriteHeader(500)
		}, map[string]counts{}},
		{"SetJourney overrides the pattern", func(w http.ResponseWriter, r *http.Request) {
			if !slohttp.SetJourney(w, "login") {
				t.Error("SetJourney(w) = false")
			}
			w.WriteHeader(502)
		}, map[string]counts{"login/availability": {0, 1}}},
		{"SetJourney to an undeclared journey", func(w http.ResponseWriter, r *http.Request) {
			if slohttp.SetJourney(w, "no-such-journey") {
				t.Error("SetJourney(w, undeclared) = true, want false")
			}
		}, map[string]counts{slo.Unmatched: {1, 0}}},
		{"SetJourney to slo.Unmatched", func(w http.ResponseWriter, r *http.Request) {
			if slohttp.SetJourney(w, slo.Unmatched) {
				t.Error("SetJourney(w, slo.Unmatched) = true, want false: no objective declares it")
			}
		}, map[string]counts{slo.Unmatched: {1, 0}}},
		{"SetJourney through a wrapping writer", func(w http.ResponseWriter, r *http.Request) {
			slohttp.SetJourney(unwrapper{w}, "search")
		}, map[string]counts{"search/availability": {1, 0}}},
		{"flushed: good, untimed", func(w http.ResponseWriter, r *http.Request) {
			w.(http.Flusher).Flush()
		}, map[string]counts{"checkout/availability": {1, 0}}},
		{"flushed 500: bad everywhere", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			w.(http.Flusher).Flush()
		}, map[string]counts{"checkout/availability": {0, 1}, "checkout/latency": {0, 1}}},
		{"flushed through ResponseController", func(w http.ResponseWriter, r *http.Request) {
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("ResponseController.Flush: %v", err)
			}
		}, map[string]counts{"checkout/availability": {1, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg, mock := newRegistry(t, objectives)
			mux := http.NewServeMux()
			mux.Handle("POST /checkout", tc.handler)
			run(t, reg, []slohttp.Option{slohttp.WithPatterns(patterns)}, mux, "POST", "/checkout")
			if d := diffTotals(totals(reg, mock), tc.want); d != "" {
				t.Errorf("events:%s", d)
			}
		})
	}
}

// unwrapper is a ResponseWriter of some other middleware, which unwraps.
type unwrapper struct{ http.ResponseWriter }

func (u unwrapper) Unwrap() http.ResponseWriter { return u.ResponseWriter }

func TestTagOutsideMiddleware(t *testing.T) {
	w := unwrapper{nil}
	if slohttp.SetJourney(w, "checkout") || slohttp.MarkBad(w) || slohttp.Exclude(w) {
		t.Error("SetJourney, MarkBad or Exclude reported a middleware writer where there is none")
	}
	ctx := context.Background()
	if slohttp.SetJourneyContext(ctx, "checkout") || slohttp.MarkBadContext(ctx) || slohttp.ExcludeContext(ctx) {
		t.Error("SetJourneyContext, MarkBadContext or ExcludeContext reported a holder where there is none")
	}
}

func TestPanic(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		want    any
	}{
		{"before writing", func(w http.ResponseWriter, r *http.Request) { panic(boom) }, boom},
		{"after a 200", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			panic(boom)
		}, boom},
		{"after Exclude", func(w http.ResponseWriter, r *http.Request) {
			slohttp.Exclude(w)
			panic(boom)
		}, boom},
		{"ErrAbortHandler, client still there", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("half a body"))
			panic(http.ErrAbortHandler)
		}, http.ErrAbortHandler},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg, mock := newRegistry(t, objectives)
			mux := http.NewServeMux()
			mux.Handle("POST /checkout", tc.handler)
			s := startServer(t, newMiddleware(t, reg, slohttp.WithPatterns(patterns))(mux), false)
			_, panicked := s.do(t, "POST", "/checkout")
			if panicked != tc.want {
				t.Errorf("re-panicked with %v, want %v", panicked, tc.want)
			}
			want := map[string]counts{"checkout/availability": {0, 1}, "checkout/latency": {0, 1}}
			if d := diffTotals(totals(reg, mock), want); d != "" {
				t.Errorf("events:%s", d)
			}
		})
	}
}

func TestPanicStackKept(t *testing.T) {
	reg, _ := newRegistry(t, objectives)
	var stack string
	h := newMiddleware(t, reg)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panicHere() }))
	func() {
		defer func() {
			recover()
			stack = string(debug.Stack())
		}()
		h.ServeHTTP(unwrapper{nopWriter{}}, newRequest("GET", "/"))
	}()
	if !strings.Contains(stack, "panicHere") {
		t.Errorf("the stack seen by an outer recover does not show where the handler panicked:\n%s", stack)
	}
}

func panicHere() { panic("here") }

// TestClientCancel cancels requests on the client while the handler waits,
// over HTTP/1.1 and HTTP/2.
func TestClientCancel(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after func(w http.ResponseWriter) // what the handler does once the client is gone
		want  map[string]counts
		panic any
	}{
		{"nothing written", func(w http.ResponseWriter) {}, map[string]counts{}, nil},
		{"500 written after the cancel", func(w http.ResponseWriter) { w.WriteHeader(500) }, map[string]counts{}, nil},
		{"ErrAbortHandler", func(w http.ResponseWriter) { panic(http.ErrAbortHandler) }, map[string]counts{}, http.ErrAbortHandler},
		{"another panic", func(w http.ResponseWriter) { panic("db: connection reset") },
			map[string]counts{"checkout/availability": {0, 1}, "checkout/latency": {0, 1}}, "db: connection reset"},
	} {
		for _, h2 := range []bool{false, true} {
			t.Run(tc.name+map[bool]string{false: " http1", true: " http2"}[h2], func(t *testing.T) {
				reg, mock := newRegistry(t, objectives)
				started := make(chan struct{})
				mux := http.NewServeMux()
				mux.HandleFunc("POST /checkout", func(w http.ResponseWriter, r *http.Request) {
					close(started)
					<-r.Context().Done()
					tc.after(w)
				})
				s := startServer(t, newMiddleware(t, reg, slohttp.WithPatterns(patterns))(mux), h2)
				ctx, cancel := context.WithCancel(context.Background())
				req, _ := http.NewRequestWithContext(ctx, "POST", s.URL+"/checkout", nil)
				go func() {
					<-started
					cancel()
				}()
				if resp, err := s.Client().Do(req); err == nil {
					resp.Body.Close()
					t.Error("the request succeeded; want it cancelled")
				}
				if got := s.wait(t); got != tc.panic {
					t.Errorf("re-panicked with %v, want %v", got, tc.panic)
				}
				if d := diffTotals(totals(reg, mock), tc.want); d != "" {
					t.Errorf("events:%s", d)
				}
			})
		}
	}
}

func TestDeadlineBeforeStatus(t *testing.T) {
	reg, mock := newRegistry(t, objectives)
	// An outer handler gives the request a deadline that passes before the
	// handler answers: the client gets a timeout, which is bad.
	h := newMiddleware(t, reg, slohttp.WithPatterns(patterns))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	withDeadline := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), time.Millisecond)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
	s := startServer(t, withDeadline, false)
	s.do(t, "GET", "/")
	if d := diffTotals(totals(reg, mock), map[string]counts{slo.Unmatched: {0, 1}}); d != "" {
		t.Errorf("events:%s", d)
	}
}

func TestLatency(t *testing.T) {
	for _, tc := range []struct {
		took   time.Duration
		status int
		want   map[string]counts
	}{
		{299 * time.Millisecond, 200, map[string]counts{"checkout/availability": {1, 0}, "checkout/latency": {1, 0}}},
		{300 * time.Millisecond, 200, map[string]counts{"checkout/availability": {1, 0}, "checkout/latency": {1, 0}}},
		{301 * time.Millisecond, 200, map[string]counts{"checkout/availability": {1, 0}, "checkout/latency": {0, 1}}},
		{5 * time.Second, 404, map[string]counts{"checkout/availability": {1, 0}, "checkout/latency": {0, 1}}},
		{time.Millisecond, 500, map[string]counts{"checkout/availability": {0, 1}, "checkout/latency": {0, 1}}},
	} {
		reg, mock := newRegistry(t, objectives)
		mux := http.NewServeMux()
		mux.HandleFunc("POST /checkout", func(w http.ResponseWriter, r *http.Request) {
			mock.Add(tc.took)
			w.WriteHeader(tc.status)
		})
		run(t, reg, []slohttp.Option{slohttp.WithPatterns(patterns)}, mux, "POST", "/checkout")
		if d := diffTotals(totals(reg, mock), tc.want); d != "" {
			t.Errorf("%d after %v: events:%s", tc.status, tc.took, d)
		}
	}
}

func TestResolutionOrder(t *testing.T) {
	fn := slohttp.WithJourneyFunc(func(r *http.Request) string { return r.Header.Get("Journey") })
	for _, tc := range []struct {
		name   string
		opts   []slohttp.Option
		set    string // the journey the handler sets, if any
		header string // the journey the function reads
		path   string
		want   string
	}{
		{"pattern", []slohttp.Option{slohttp.WithPatterns(patterns)}, "", "", "/search/shoes", "search"},
		{"no pattern map", nil, "", "", "/search/shoes", slo.Unmatched},
		{"pattern not in the map", []slohttp.Option{slohttp.WithPatterns(patterns)}, "", "", "/other", slo.Unmatched},
		{"no route", []slohttp.Option{slohttp.WithPatterns(patterns)}, "", "", "/nowhere", slo.Unmatched},
		{"function over pattern", []slohttp.Option{slohttp.WithPatterns(patterns), fn}, "", "login", "/search/shoes", "login"},
		{"empty function result falls back", []slohttp.Option{slohttp.WithPatterns(patterns), fn}, "", "", "/search/shoes", "search"},
		{"function names an undeclared journey", []slohttp.Option{fn}, "", "cart", "/search/shoes", slo.Unmatched},
		{"handler over function", []slohttp.Option{slohttp.WithPatterns(patterns), fn}, "checkout", "login", "/search/shoes", "checkout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg, mock := newRegistry(t, objectives)
			mux := http.NewServeMux()
			h := func(w http.ResponseWriter, r *http.Request) {
				if tc.set != "" {
					slohttp.SetJourney(w, tc.set)
				}
			}
			mux.HandleFunc("GET /search/{q}", h)
			mux.HandleFunc("GET /other", h)
			s := startServer(t, newMiddleware(t, reg, tc.opts...)(mux), false)
			req, _ := http.NewRequest("GET", s.URL+tc.path, nil)
			req.Header.Set("Journey", tc.header)
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			s.wait(t)
			want := map[string]counts{tc.want + "/availability": {1, 0}}
			switch tc.want {
			case slo.Unmatched:
				want = map[string]counts{slo.Unmatched: {1, 0}}
			case "checkout":
				want["checkout/latency"] = counts{1, 0}
			}
			if d := diffTotals(totals(reg, mock), want); d != "" {
				t.Errorf("events:%s", d)
			}
		})
	}
}

// copying is a middleware that passes on a copy of the request, as any
// that adds to the context does.
func copying(next http.Handler) http.Handler {
	type key struct{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), key{}, "user-42")))
	})
}

func TestCopiedRequest(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /search/{q}", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	for _, tc := range []struct {
		name  string
		inner http.Handler
		path  string
		want  map[string]counts
	}{
		{"copy hides the pattern", copying(mux), "/search/shoes", map[string]counts{slo.Unmatched: {1, 0}}},
		{"CapturePattern finds it", copying(slohttp.CapturePattern(mux)), "/search/shoes", map[string]counts{"search/availability": {1, 0}}},
		{"CapturePattern through a writer that unwraps", wrapWriter(copying(slohttp.CapturePattern(mux))), "/search/shoes",
			map[string]counts{"search/availability": {1, 0}}},
		{"CapturePattern under StripPrefix", http.StripPrefix("/api", slohttp.CapturePattern(mux)), "/api/search/shoes",
			map[string]counts{"search/availability": {1, 0}}},
		{"CapturePattern when the handler panics", copying(slohttp.CapturePattern(mux)), "/boom",
			map[string]counts{"checkout/availability": {0, 1}, "checkout/latency": {0, 1}}},
		{"CapturePattern with no route", copying(slohttp.CapturePattern(mux)), "/nowhere", map[string]counts{slo.Unmatched: {1, 0}}},
		{"CapturePattern without a copy", slohttp.CapturePattern(mux), "/search/shoes", map[string]counts{"search/availability": {1, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg, mock := newRegistry(t, objectives)
			p := map[string]string{"GET /search/{q}": "search", "GET /boom": "checkout"}
			s := startServer(t, newMiddleware(t, reg, slohttp.WithPatterns(p))(tc.inner), false)
			s.do(t, "GET", tc.path)
			if d := diffTotals(totals(reg, mock), tc.want); d != "" {
				t.Errorf("events:%s", d)
			}
		})
	}
}

// wrapWriter is a middleware that wraps the ResponseWriter in one of its
// own that unwraps.
func wrapWriter(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { next.ServeHTTP(unwrapper{w}, r) })
}

func TestContextHolder(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request)
		want    map[string]counts
	}{
		{"SetJourneyContext", func(w http.ResponseWriter, r *http.Request) {
			if !slohttp.SetJourneyContext(r.Context(), "login") {
				t.Error("SetJourneyContext = false")
			}
		}, map[string]counts{"login/availability": {1, 0}}},
		{"SetJourneyContext to an undeclared journey", func(w http.ResponseWriter, r *http.Request) {
			if slohttp.SetJourneyContext(r.Context(), "logni") {
				t.Error("SetJourneyContext(undeclared) = true, want false")
			}
		}, map[string]counts{slo.Unmatched: {1, 0}}},
		{"MarkBadContext", func(w http.ResponseWriter, r *http.Request) {
			if !slohttp.MarkBadContext(r.Context()) {
				t.Error("MarkBadContext = false")
			}
		}, map[string]counts{"search/availability": {0, 1}}},
		{"ExcludeContext", func(w http.ResponseWriter, r *http.Request) {
			if !slohttp.ExcludeContext(r.Context()) {
				t.Error("ExcludeContext = false")
			}
		}, map[string]counts{}},
		{"the ResponseWriter wins", func(w http.ResponseWriter, r *http.Request) {
			slohttp.SetJourneyContext(r.Context(), "login")
			slohttp.SetJourney(w, "checkout")
			slohttp.ExcludeContext(r.Context())
			slohttp.MarkBad(w)
		}, map[string]counts{"checkout/availability": {0, 1}, "checkout/latency": {0, 1}}},
		{"the pattern is read from the copy the holder made", func(w http.ResponseWriter, r *http.Request) {},
			map[string]counts{"search/availability": {1, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg, mock := newRegistry(t, objectives)
			mux := http.NewServeMux()
			mux.HandleFunc("GET /search/{q}", tc.handler)
			run(t, reg, []slohttp.Option{slohttp.WithPatterns(patterns), slohttp.WithContextHolder()}, mux, "GET", "/search/x")
			if d := diffTotals(totals(reg, mock), tc.want); d != "" {
				t.Errorf("events:%s", d)
			}
		})
	}
	t.Run("off by default", func(t *testing.T) {
		reg, _ := newRegistry(t, objectives)
		mux := http.NewServeMux()
		mux.HandleFunc("GET /search/{q}", func(w http.ResponseWriter, r *http.Request) {
			if slohttp.SetJourneyContext(r.Context(), "login") {
				t.Error("SetJourneyContext = true without WithContextHolder")
			}
		})
		run(t, reg, []slohttp.Option{slohttp.WithPatterns(patterns)}, mux, "GET", "/search/x")
	})
}

func TestWithClassify(t *testing.T) {
	reg, mock := newRegistry(t, objectives)
	var seen slohttp.Response
	classify := slohttp.WithClassify(func(r slohttp.Response) slo.Outcome {
		seen = r
		if r.Status == http.StatusTooManyRequests {
			return slo.Bad
		}
		return slohttp.DefaultClassify(r)
	})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /search/{q}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(429) })
	run(t, reg, []slohttp.Option{slohttp.WithPatterns(patterns), classify}, mux, "GET", "/search/x")
	if d := diffTotals(totals(reg, mock), map[string]counts{"search/availability": {0, 1}}); d != "" {
		t.Errorf("events:%s", d)
	}
	if seen.Journey != "search" || seen.Status != 429 || !seen.Written || seen.Request == nil || seen.Request.Pattern != "GET /search/{q}" {
		t.Errorf("the classifier saw journey %q, status %d, written %v, request %v; want search, 429, true and the routed request",
			seen.Journey, seen.Status, seen.Written, seen.Request)
	}
}

func TestNewErrors(t *testing.T) {
	reg, _ := newRegistry(t, objectives)
	for _, tc := range []struct {
		name string
		reg  *slo.Registry
		opts []slohttp.Option
		want []string
	}{
		{"nil registry", nil, nil, []string{"slohttp: New: nil registry"}},
		{"undeclared journey", reg, []slohttp.Option{slohttp.WithPatterns(map[string]string{"GET /cart": "cart"})},
			[]string{`WithPatterns: "GET /cart" maps to journey "cart", which no objective declares; declare it, or use one of ["checkout" "login" "search"]`}},
		{"bad patterns", reg, []slohttp.Option{slohttp.WithPatterns(map[string]string{"POST /a/{x}/{x}": "checkout", "GET /a/{x": "login"})},
			[]string{`WithPatterns: "GET /a/{x" is not a ServeMux pattern`, `WithPatterns: "POST /a/{x}/{x}" is not a ServeMux pattern`}},
		{"nil functions", reg, []slohttp.Option{slohttp.WithJourneyFunc(nil), slohttp.WithClassify(nil)},
			[]string{"WithJourneyFunc(nil)", "WithClassify(nil)"}},
	} {
		mw, err := slohttp.New(tc.reg, tc.opts...)
		if err == nil || mw != nil {
			t.Errorf("%s: New() = %v, %v; want an error", tc.name, mw != nil, err)
			continue
		}
		if !errors.Is(err, slo.ErrInvalid) {
			t.Errorf("%s: New() = %v; does not wrap ErrInvalid", tc.name, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: New() = %q; want it to contain %q", tc.name, err, w)
			}
		}
	}
}

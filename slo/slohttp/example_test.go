package slohttp_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slohttp"
)

// printTotals prints every objective's events, and the unmatched ones.
func printTotals(reg *slo.Registry) {
	reg.Advance(reg.Clock().Now())
	for _, st := range reg.Status() {
		fmt.Printf("%s/%s: %d good, %d bad\n", st.Journey, st.Objective, st.TotalGood, st.TotalBad)
	}
	g, b := reg.Unmatched()
	fmt.Printf("unmatched: %d good, %d bad\n", g, b)
}

// A service's ServeMux, wrapped once: every request becomes an event of
// the journey its route maps to. The mock clock stands in for the handlers'
// durations.
func Example() {
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	reg, err := slo.New([]slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
		{Journey: "search", Target: 0.995},
	}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("POST /checkout", func(w http.ResponseWriter, r *http.Request) {
		mock.Add(450 * time.Millisecond) // a slow payment provider
		io.WriteString(w, "paid")
	})
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("q") == "" {
			http.Error(w, "missing q", http.StatusBadRequest) // the client's fault
			return
		}
		http.Error(w, "index unavailable", http.StatusServiceUnavailable)
	})
	slomw, err := slohttp.New(reg, slohttp.WithPatterns(map[string]string{
		"POST /checkout": "checkout",
		"GET /search":    "search",
	}))
	if err != nil {
		panic(err)
	}
	handler := slomw(mux)

	for _, r := range []*http.Request{
		httptest.NewRequest("POST", "/checkout", nil),
		httptest.NewRequest("GET", "/search?q=shoes", nil),
		httptest.NewRequest("GET", "/search", nil),
		httptest.NewRequest("GET", "/wp-login.php", nil),
	} {
		handler.ServeHTTP(httptest.NewRecorder(), r)
	}
	printTotals(reg)
	// Output:
	// checkout/availability: 1 good, 0 bad
	// checkout/latency: 0 good, 1 bad
	// search/availability: 1 good, 1 bad
	// unmatched: 1 good, 0 bad
}

// A GraphQL endpoint answers 200 whatever happens; MarkBad counts the
// answers that carry errors as bad.
func ExampleMarkBad() {
	reg, _ := slo.New([]slo.Objective{{Journey: "account", Target: 0.995}}, slo.WithManualAdvance())
	defer reg.Close()
	graphql := func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("fail") != "" {
			slohttp.MarkBad(w)
			io.WriteString(w, `{"data":null,"errors":[{"message":"upstream timed out"}]}`)
			return
		}
		io.WriteString(w, `{"data":{"me":{"name":"Ada"}}}`)
	}
	slomw, _ := slohttp.New(reg, slohttp.WithJourneyFunc(func(*http.Request) string { return "account" }))
	h := slomw(http.HandlerFunc(graphql))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/graphql", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/graphql?fail=1", nil))
	printTotals(reg)
	// Output:
	// account/availability: 1 good, 1 bad
	// unmatched: 0 good, 0 bad
}

// A middleware between slomw and the mux passes on a copy of the request,
// on which the mux sets the pattern; CapturePattern around the mux finds
// it again.
func ExampleCapturePattern() {
	reg, _ := slo.New([]slo.Objective{{Journey: "search", Target: 0.995}}, slo.WithManualAdvance())
	defer reg.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {})
	type userKey struct{}
	auth := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, "ada")))
		})
	}
	slomw, _ := slohttp.New(reg, slohttp.WithPatterns(map[string]string{"GET /search": "search"}))

	slomw(auth(mux)).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/search", nil))
	slomw(auth(slohttp.CapturePattern(mux))).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/search", nil))
	printTotals(reg)
	// Output:
	// search/availability: 1 good, 0 bad
	// unmatched: 1 good, 0 bad
}

// 429s from the service's own rate limiter are its failure, not the
// client's: count them bad, and judge the rest as by default.
func ExampleWithClassify() {
	reg, _ := slo.New([]slo.Objective{{Journey: "search", Target: 0.995}}, slo.WithManualAdvance())
	defer reg.Close()
	slomw, _ := slohttp.New(reg,
		slohttp.WithJourneyFunc(func(*http.Request) string { return "search" }),
		slohttp.WithClassify(func(r slohttp.Response) slo.Outcome {
			if r.Status == http.StatusTooManyRequests {
				return slo.Bad
			}
			return slohttp.DefaultClassify(r)
		}))
	for _, code := range []int{200, 404, 429} {
		slomw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(code)
		})).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/search", nil))
	}
	printTotals(reg)
	// Output:
	// search/availability: 2 good, 1 bad
	// unmatched: 0 good, 0 bad
}

package bench

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloprom"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// statusRegistry returns a registry of n objectives (n/2 journeys, each
// with an availability and a latency objective) on a mock clock, after two
// hours of traffic evaluated every minute: each journey sees 600 events a
// minute, and one in ten has two outages of 20% errors, a 10-minute one
// that ended an hour and a half ago and an 8-minute one that has not, so
// that the page draws burn-downs, recent burns and episodes, and some
// objectives page. It returns the clock and the recording of one minute of
// traffic, for benchmarks that move the registry on.
func statusRegistry(tb testing.TB, n int) (*slo.Registry, *clock.Mock, func()) {
	tb.Helper()
	mock := clock.NewMock()
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	mock.Set(start)
	var objs []slo.Objective
	for i := range n {
		j := fmt.Sprintf("journey-%04d", i/2)
		if i%2 == 0 {
			objs = append(objs, slo.Objective{Journey: j, Target: 0.999,
				Runbook: "https://runbooks.example.com/" + j, Dashboard: "https://grafana.example.com/d/" + j})
		} else {
			objs = append(objs, slo.Objective{Journey: j, Target: 0.99, Latency: 300 * time.Millisecond})
		}
	}
	reg, err := slo.New(objs, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { reg.Close() })
	var handles []*slo.Journey
	for _, name := range reg.Journeys() {
		j, _ := reg.Journey(name)
		handles = append(handles, j)
	}
	minute := 0
	step := func() {
		for i, j := range handles {
			bad := uint64(0)
			if i%10 == 0 && (minute >= 30 && minute < 40 || minute >= 112 && minute < 120) {
				bad = 120 // 20% of 600
			}
			j.Add(600-bad, bad)
		}
		mock.Add(time.Minute)
		reg.Advance(mock.Now())
		minute++
	}
	for range 120 {
		step()
	}
	return reg, mock, step
}

// sinkWriter is a ResponseWriter that keeps the status and headers and
// counts the body, as a connection would take it.
type sinkWriter struct {
	h     http.Header
	code  int
	bytes int
}

func (w *sinkWriter) Header() http.Header         { return w.h }
func (w *sinkWriter) WriteHeader(code int)        { w.code = code }
func (w *sinkWriter) Write(b []byte) (int, error) { w.bytes += len(b); return len(b), nil }

// serveOnce answers r with h on a fresh header map and returns the status
// and the body's size.
func serveOnce(h http.Handler, w *sinkWriter, r *http.Request) (int, int) {
	clear(w.h)
	w.code, w.bytes = http.StatusOK, 0
	h.ServeHTTP(w, r)
	return w.code, w.bytes
}

// metricsHandler is what a Prometheus scrape of the same objectives
// costs: promhttp's handler over sloprom's collector of reg, with its
// series count.
func metricsHandler(b *testing.B, reg *slo.Registry) (http.Handler, int) {
	b.Helper()
	pr := prometheus.NewRegistry()
	pr.MustRegister(sloprom.NewCollector(reg))
	mfs, err := pr.Gather()
	if err != nil {
		b.Fatal(err)
	}
	series := 0
	for _, mf := range mfs {
		series += len(mf.GetMetric())
	}
	return promhttp.HandlerFor(pr, promhttp.HandlerOpts{}), series
}

// benchServe measures h answering r, the registry standing still: what
// every request after the first of an evaluation costs, as a monitor, a
// pipeline or a wall screen polling it sees. It reports the body's bytes.
func benchServe(b *testing.B, h http.Handler, r *http.Request, want int) {
	b.Helper()
	w := &sinkWriter{h: http.Header{}}
	if code, _ := serveOnce(h, w, r); code != want {
		b.Fatalf("status %d, want %d", code, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var size int
	for i := 0; i < b.N; i++ {
		_, size = serveOnce(h, w, r)
	}
	b.ReportMetric(float64(size), "bytes/answer")
}

// objectiveCounts are the registries' sizes the page and health are
// measured at.
var objectiveCounts = []int{10, 100, 1000}

// BenchmarkPage serves the status page's HTML, and its JSON, for n
// objectives with two hours of history, beside promhttp serving the same
// objectives' series (sloprom), the registry standing still between
// requests.
func BenchmarkPage(b *testing.B) {
	for _, n := range objectiveCounts {
		reg, _, _ := statusRegistry(b, n)
		page := slostatus.StatusPage(reg)
		metrics, series := metricsHandler(b, reg)
		b.Run(fmt.Sprintf("objectives=%d/impl=journeyslo", n), func(b *testing.B) {
			benchServe(b, page, httptest.NewRequest("GET", "/slo", nil), 200)
		})
		b.Run(fmt.Sprintf("objectives=%d/impl=journeyslo-json", n), func(b *testing.B) {
			benchServe(b, page, httptest.NewRequest("GET", "/slo?format=json", nil), 200)
		})
		b.Run(fmt.Sprintf("objectives=%d/impl=journeyslo-gzip", n), func(b *testing.B) {
			r := httptest.NewRequest("GET", "/slo", nil)
			r.Header.Set("Accept-Encoding", "gzip")
			benchServe(b, page, r, 200)
		})
		b.Run(fmt.Sprintf("objectives=%d/impl=promhttp", n), func(b *testing.B) {
			benchServe(b, metrics, httptest.NewRequest("GET", "/metrics", nil), 200)
			b.ReportMetric(float64(series), "series")
		})
	}
}

// BenchmarkHealth serves the health check for n objectives, beside
// promhttp serving the same objectives' series (sloprom), the registry
// standing still between requests.
func BenchmarkHealth(b *testing.B) {
	for _, n := range objectiveCounts {
		reg, _, _ := statusRegistry(b, n)
		health := slostatus.Health(reg)
		metrics, series := metricsHandler(b, reg)
		b.Run(fmt.Sprintf("objectives=%d/impl=journeyslo", n), func(b *testing.B) {
			benchServe(b, health, httptest.NewRequest("GET", "/healthz/slo", nil), 200)
		})
		b.Run(fmt.Sprintf("objectives=%d/impl=promhttp", n), func(b *testing.B) {
			benchServe(b, metrics, httptest.NewRequest("GET", "/metrics", nil), 200)
			b.ReportMetric(float64(series), "series")
		})
	}
}

// BenchmarkStatusEvaluation measures the first request after each
// evaluation: every iteration records a minute of traffic, advances the
// registry and serves one request, for 100 objectives. impl=bare is the
// advance alone; the others' overhead over it is what answering a new
// evaluation costs.
func BenchmarkStatusEvaluation(b *testing.B) {
	const n = 100
	for _, impl := range []struct {
		name, path string
		handler    func(reg *slo.Registry) http.Handler
	}{
		{"bare", "", nil},
		{"journeyslo-page", "/slo", func(reg *slo.Registry) http.Handler { return slostatus.StatusPage(reg) }},
		{"journeyslo-json", "/slo?format=json", func(reg *slo.Registry) http.Handler { return slostatus.StatusPage(reg) }},
		{"journeyslo-health", "/healthz/slo", func(reg *slo.Registry) http.Handler { return slostatus.Health(reg) }},
		{"promhttp", "/metrics", nil},
	} {
		b.Run(fmt.Sprintf("objectives=%d/impl=%s", n, impl.name), func(b *testing.B) {
			reg, _, step := statusRegistry(b, n)
			var h http.Handler
			switch {
			case impl.handler != nil:
				h = impl.handler(reg)
			case impl.name == "promhttp":
				h, _ = metricsHandler(b, reg)
			}
			var r *http.Request
			if h != nil {
				r = httptest.NewRequest("GET", impl.path, nil)
			}
			w := &sinkWriter{h: http.Header{}}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				step()
				if h != nil {
					serveOnce(h, w, r)
				}
			}
		})
	}
}

// BenchmarkGate serves a release gate over one journey of a 10-objective
// registry, open (a healthy journey) and closed (a journey whose outage
// spent its budget: the gate says when it reopens, from the registry's
// outlook), the registry standing still between requests, as a deploy
// pipeline polling a frozen gate sees it; beside promhttp serving the same
// objectives' series (sloprom).
func BenchmarkGate(b *testing.B) {
	reg, mock, _ := statusRegistry(b, 10)
	// journey-0000 pages; 50000 more bad events spend its budget.
	j, _ := reg.Journey("journey-0000")
	j.Add(0, 50000)
	mock.Add(time.Minute)
	reg.Advance(mock.Now())
	for _, tc := range []struct {
		state, journey string
		code           int
	}{
		{"open", "journey-0001", 200},
		{"closed", "journey-0000", 503},
	} {
		gate, err := slostatus.ReleaseGate(reg, slostatus.WithObjectives(tc.journey))
		if err != nil {
			b.Fatal(err)
		}
		b.Run("impl=journeyslo-"+tc.state, func(b *testing.B) {
			benchServe(b, gate, httptest.NewRequest("GET", "/slo/release-gate", nil), tc.code)
		})
	}
	metrics, series := metricsHandler(b, reg)
	b.Run("impl=promhttp", func(b *testing.B) {
		benchServe(b, metrics, httptest.NewRequest("GET", "/metrics", nil), 200)
		b.ReportMetric(float64(series), "series")
	})
}

// TestStatusRegistry checks the benchmarks' registry: a tenth of the
// journeys page after their outage, and the page says so.
func TestStatusRegistry(t *testing.T) {
	reg, _, _ := statusRegistry(t, 20)
	var paging []string
	for _, st := range reg.Status() {
		if st.State.String() == "page" {
			paging = append(paging, slo.ObjectiveKey(st.Journey, st.Objective))
		}
	}
	if want := "journey-0000:availability"; strings.Join(paging, ",") != want {
		t.Errorf("paging: %q, want %q", paging, want)
	}
	w := httptest.NewRecorder()
	slostatus.StatusPage(reg).ServeHTTP(w, httptest.NewRequest("GET", "/slo", nil))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "1 paging") {
		t.Errorf("page: %d, %.300s", w.Code, w.Body.String())
	}
}

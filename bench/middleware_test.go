package bench

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/trace/noop"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slogrpc"
	"github.com/journeyslo/journeyslo/slo/slohttp"
)

// realClockRegistry is newRegistry on the real clock: the latency
// middleware's clock readings are part of what is measured.
func realClockRegistry(b *testing.B, latency bool) *slo.Registry {
	b.Helper()
	var objs []slo.Objective
	for _, j := range journeys {
		objs = append(objs, slo.Objective{Journey: j, Target: 0.999})
		if latency {
			objs = append(objs, slo.Objective{Journey: j, Target: 0.99, Latency: 300 * time.Millisecond})
		}
	}
	reg, err := slo.New(objs, slo.WithClock(clock.New()), slo.WithManualAdvance())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { reg.Close() })
	return reg
}

// benchWriter is a reusable ResponseWriter with the optional interfaces of
// net/http's HTTP/1.1 writer (Flusher, Hijacker, ReaderFrom), which every
// middleware checks for, and nothing behind them.
type benchWriter struct{ h http.Header }

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *benchWriter) WriteHeader(int)             {}
func (w *benchWriter) Flush()                      {}
func (w *benchWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, errors.New("not a connection")
}
func (w *benchWriter) ReadFrom(r io.Reader) (int64, error) { return io.Copy(io.Discard, r) }

var body = []byte(`{"ok":true}`)

// routes are the benchmark service's ServeMux patterns and journeys.
var routes = map[string]string{
	"POST /checkout":  "checkout",
	"POST /login":     "login",
	"GET /search/{q}": "search",
}

func benchMux() *http.ServeMux {
	mux := http.NewServeMux()
	for p := range routes {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
		})
	}
	return mux
}

func journeyslo(b *testing.B, latency bool, opts ...slohttp.Option) http.Handler {
	b.Helper()
	mw, err := slohttp.New(realClockRegistry(b, latency), append(opts, slohttp.WithPatterns(routes))...)
	if err != nil {
		b.Fatal(err)
	}
	return mw(benchMux())
}

func promCounterVec() *prometheus.CounterVec {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "http_requests_total", Help: "Requests."}, []string{"code", "method"})
	prometheus.NewRegistry().MustRegister(v)
	return v
}

func promDurationVec() *prometheus.HistogramVec {
	v := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "http_request_duration_seconds", Help: "Latency.",
		Buckets: prometheus.DefBuckets}, []string{"code", "method"})
	prometheus.NewRegistry().MustRegister(v)
	return v
}

func sdkMeterProvider(b *testing.B) *sdkmetric.MeterProvider {
	b.Helper()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { mp.Shutdown(context.Background()) })
	return mp
}

// BenchmarkMiddleware serves one request through a ServeMux, which routes
// it to a handler writing a short JSON body, called directly with a
// reusable ResponseWriter and Request (no network), bare and under each
// middleware.
func BenchmarkMiddleware(b *testing.B) {
	impls := []struct {
		name string
		h    func(b *testing.B) http.Handler
	}{
		{"bare", func(b *testing.B) http.Handler { return benchMux() }},
		{"journeyslo", func(b *testing.B) http.Handler { return journeyslo(b, false) }},
		{"journeyslo-latency", func(b *testing.B) http.Handler { return journeyslo(b, true) }},
		{"journeyslo-context", func(b *testing.B) http.Handler {
			return journeyslo(b, false, slohttp.WithContextHolder())
		}},
		{"promhttp", func(b *testing.B) http.Handler {
			return promhttp.InstrumentHandlerCounter(promCounterVec(), benchMux())
		}},
		{"promhttp-duration", func(b *testing.B) http.Handler {
			return promhttp.InstrumentHandlerDuration(promDurationVec(),
				promhttp.InstrumentHandlerCounter(promCounterVec(), benchMux()))
		}},
		{"otelhttp", func(b *testing.B) http.Handler {
			return otelhttp.NewHandler(benchMux(), "server",
				otelhttp.WithMeterProvider(sdkMeterProvider(b)), otelhttp.WithTracerProvider(noop.NewTracerProvider()))
		}},
	}
	for _, impl := range impls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			h := impl.h(b)
			w := &benchWriter{h: http.Header{}}
			r := httptest.NewRequest("POST", "/checkout", nil)
			h.ServeHTTP(w, r) // warm pools and caches
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				h.ServeHTTP(w, r)
			}
		})
	}
}

// BenchmarkGRPCUnary runs one unary call's server side through each
// interceptor with a handler that returns at once, without a network:
// interceptors are called as grpc calls them; the stats handlers (ours as
// journeyslo-stats, and otelgrpc, a stats.Handler only) are driven through
// the events grpc emits for a unary call, built per call as grpc builds
// them for any stats handler.
func BenchmarkGRPCUnary(b *testing.B) {
	const method = "/shop.v1.Checkout/PlaceOrder"
	info := &grpc.UnaryServerInfo{FullMethod: method}
	reply := &struct{ ok bool }{true}
	handler := func(ctx context.Context, req any) (any, error) { return reply, nil }
	ctx := metadata.NewIncomingContext(context.Background(), metadata.MD{})
	newInterceptor := func(b *testing.B, latency bool) *slogrpc.Interceptor {
		ic, err := slogrpc.New(realClockRegistry(b, latency), slogrpc.WithMethods(map[string]string{method: "checkout"}))
		if err != nil {
			b.Fatal(err)
		}
		return ic
	}
	interceptor := func(b *testing.B, latency bool) grpc.UnaryServerInterceptor {
		return newInterceptor(b, latency).Unary
	}
	impls := []struct {
		name string
		call func(b *testing.B) func()
	}{
		{"bare", func(b *testing.B) func() {
			return func() { handler(ctx, nil) }
		}},
		{"journeyslo", func(b *testing.B) func() {
			u := interceptor(b, false)
			return func() { u(ctx, nil, info, handler) }
		}},
		{"journeyslo-latency", func(b *testing.B) func() {
			u := interceptor(b, true)
			return func() { u(ctx, nil, info, handler) }
		}},
		{"stats-noop", func(b *testing.B) func() {
			// what grpc's events cost any stats handler, before it does anything
			return func() { otelUnary(noopStats{}, ctx, method, handler) }
		}},
		{"journeyslo-stats", func(b *testing.B) func() {
			sh := newInterceptor(b, false).StatsHandler()
			return func() { otelUnary(sh, ctx, method, handler) }
		}},
		{"journeyslo-stats-latency", func(b *testing.B) func() {
			sh := newInterceptor(b, true).StatsHandler()
			return func() { otelUnary(sh, ctx, method, handler) }
		}},
		{"grpcprom", func(b *testing.B) func() {
			m := grpcprom.NewServerMetrics()
			prometheus.NewRegistry().MustRegister(m)
			u := m.UnaryServerInterceptor()
			return func() { u(ctx, nil, info, handler) }
		}},
		{"otelgrpc", func(b *testing.B) func() {
			sh := otelgrpc.NewServerHandler(otelgrpc.WithMeterProvider(sdkMeterProvider(b)),
				otelgrpc.WithTracerProvider(noop.NewTracerProvider()))
			return func() { otelUnary(sh, ctx, method, handler) }
		}},
	}
	for _, impl := range impls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			call := impl.call(b)
			call()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				call()
			}
		})
	}
}

// noopStats is a stats.Handler that does nothing.
type noopStats struct{}

func (noopStats) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context   { return ctx }
func (noopStats) HandleRPC(context.Context, stats.RPCStats)                         {}
func (noopStats) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (noopStats) HandleConn(context.Context, stats.ConnStats)                       {}

// otelUnary serves a unary call with a stats.Handler the way grpc's server
// does: TagRPC, then Begin, InHeader, InPayload, the handler, OutHeader,
// OutPayload, OutTrailer and End, each event built per call as grpc builds
// it.
func otelUnary(sh stats.Handler, ctx context.Context, method string, handler grpc.UnaryHandler) {
	now := time.Now()
	ctx = sh.TagRPC(ctx, &stats.RPCTagInfo{FullMethodName: method})
	sh.HandleRPC(ctx, &stats.Begin{BeginTime: now, IsClientStream: false, IsServerStream: false})
	sh.HandleRPC(ctx, &stats.InHeader{FullMethod: method, Header: metadata.MD{}})
	sh.HandleRPC(ctx, &stats.InPayload{RecvTime: now, Length: 16, CompressedLength: 16, WireLength: 21})
	_, err := handler(ctx, nil)
	sh.HandleRPC(ctx, &stats.OutHeader{})
	sh.HandleRPC(ctx, &stats.OutPayload{SentTime: now, Length: 11, CompressedLength: 11, WireLength: 16})
	sh.HandleRPC(ctx, &stats.OutTrailer{})
	sh.HandleRPC(ctx, &stats.End{BeginTime: now, EndTime: time.Now(), Error: err})
}

package slogrpc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/journeyslo/journeyslo/internal/testenv"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slogrpc"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

var objectives = []slo.Objective{
	{Journey: "health", Target: 0.999},
	{Journey: "health", Target: 0.99, Latency: 300 * time.Millisecond},
	{Journey: "watch", Target: 0.995},
	{Journey: "watch", Target: 0.99, Latency: 300 * time.Millisecond},
	{Journey: "login", Target: 0.995},
}

const (
	check = "/grpc.health.v1.Health/Check"
	watch = "/grpc.health.v1.Health/Watch"
	list  = "/grpc.health.v1.Health/List"
)

var methods = map[string]string{check: "health", watch: "watch"}

// health is a Health service driven by the requested service name, of the
// form "code=N", "sleep=D" (on the mock), "realsleep=D", "panic", "journey=J", "bad", "exclude",
// "wait" (until the client cancels), "deadline" (until the call's deadline,
// then DeadlineExceeded), joined by ','.
type health struct {
	healthpb.UnimplementedHealthServer
	mock *clock.Mock
	t    *testing.T
	// waiting, when set, receives when a "wait" call starts waiting.
	waiting chan struct{}
}

func (h *health) serve(ctx context.Context, spec string) error {
	var err error
	for _, part := range strings.Split(spec, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "code":
			n, _ := strconv.Atoi(v)
			if n != 0 {
				err = status.Error(codes.Code(n), "as asked")
			}
		case "plain":
			err = errors.New("a plain error")
		case "sleep":
			d, _ := time.ParseDuration(v)
			h.mock.Add(d)
		case "realsleep":
			d, _ := time.ParseDuration(v)
			time.Sleep(d)
		case "panic":
			panic("as asked")
		case "journey":
			if !slogrpc.SetJourney(ctx, v) {
				h.t.Error("SetJourney = false")
			}
		case "bad":
			slogrpc.MarkBad(ctx)
		case "exclude":
			slogrpc.Exclude(ctx)
		case "deadline": // a handler whose own work ran out of the call's time
			<-ctx.Done()
			err = status.Error(codes.DeadlineExceeded, "out of time")
		case "wait":
			if h.waiting != nil {
				h.waiting <- struct{}{}
			}
			<-ctx.Done()
			err = ctx.Err()
		}
	}
	return err
}

func (h *health) Check(ctx context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	if err := h.serve(ctx, req.Service); err != nil {
		return nil, err
	}
	return &healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}, nil
}

func (h *health) Watch(req *healthpb.HealthCheckRequest, ss healthpb.Health_WatchServer) error {
	for i := 0; i < 3; i++ {
		if err := ss.Send(&healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}); err != nil {
			return err
		}
	}
	return h.serve(ss.Context(), req.Service)
}

// A mode is how the server under test counts its calls.
type mode int

const (
	viaInterceptors mode = iota // ic.Unary and ic.Stream
	viaStats                    // ic.StatsHandler()
	viaBoth                     // all three: each call must still count once
	viaStatsUnary               // the stats handler and ic.Unary, not ic.Stream
)

var modes = []mode{viaInterceptors, viaStats, viaBoth}

func (m mode) String() string {
	return [...]string{"interceptors", "stats", "both", "stats+unary"}[m]
}

// env is a real gRPC server on an in-memory listener, counting its calls
// in one of the modes, behind interceptors that recover panics, and a
// client.
type env struct {
	reg    *slo.Registry
	mock   *clock.Mock
	client healthpb.HealthClient
	conn   *grpc.ClientConn
	// panics receives what the recovery interceptor recovered.
	panics chan any
	// waiting receives when a "wait" call starts waiting.
	waiting chan struct{}
	// addr is the listener's address: host:port on loopback.
	addr string
	// done receives once grpc is through with a call (its stats.End, or
	// the trailer of a method the server does not have), so that the
	// event, which both the interceptors and the stats handler record
	// before then, is in.
	done chan struct{}
}

func newEnv(t *testing.T, objs []slo.Objective, opts ...slogrpc.Option) *env {
	t.Helper()
	return newEnvMode(t, viaInterceptors, objs, nil, opts...)
}

// newEnvMode is newEnv counting in mode m, with more server options.
func newEnvMode(t *testing.T, m mode, objs []slo.Objective, srvOpts []grpc.ServerOption, opts ...slogrpc.Option) *env {
	t.Helper()
	return newEnvOn(t, bufconn.Listen(1<<20), m, objs, srvOpts, opts...)
}

// newEnvOn is newEnvMode serving on lis: an in-memory listener, or a
// loopback one for clients that speak HTTP/2 themselves.
func newEnvOn(t *testing.T, lis net.Listener, m mode, objs []slo.Objective, srvOpts []grpc.ServerOption, opts ...slogrpc.Option) *env {
	t.Helper()
	e := &env{mock: clock.NewMock(), panics: make(chan any, 1), waiting: make(chan struct{}, 1), done: make(chan struct{}, 64)}
	e.mock.Set(t0)
	var err error
	e.reg, err = slo.New(objs, slo.WithClock(e.mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.reg.Close() })
	ic, err := slogrpc.New(e.reg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	recoverUnary := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
		defer func() {
			if v := recover(); v != nil {
				e.panics <- v
				err = status.Error(codes.Internal, "panic")
			}
		}()
		return handler(ctx, req)
	}
	recoverStream := func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
		defer func() {
			if v := recover(); v != nil {
				e.panics <- v
				err = status.Error(codes.Internal, "panic")
			}
		}()
		return handler(srv, ss)
	}
	unary := []grpc.UnaryServerInterceptor{recoverUnary}
	stream := []grpc.StreamServerInterceptor{recoverStream}
	sig := &signal{done: e.done}
	switch m {
	case viaInterceptors, viaBoth:
		unary, stream = append(unary, ic.Unary), append(stream, ic.Stream)
	case viaStatsUnary:
		unary = append(unary, ic.Unary)
	}
	if m != viaInterceptors {
		sig.inner = ic.StatsHandler()
	}
	srv := grpc.NewServer(append([]grpc.ServerOption{
		grpc.ChainUnaryInterceptor(unary...),
		grpc.ChainStreamInterceptor(stream...),
		grpc.StatsHandler(sig),
	}, srvOpts...)...)
	healthpb.RegisterHealthServer(srv, &health{mock: e.mock, t: t, waiting: e.waiting})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		srv.Serve(lis)
	}()
	e.addr = lis.Addr().String()
	dial := func(ctx context.Context) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp", e.addr)
	}
	if bl, ok := lis.(*bufconn.Listener); ok {
		dial = bl.DialContext
	}
	e.conn, err = grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return dial(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.conn.Close()
		srv.Stop()
		wg.Wait()
	})
	e.client = healthpb.NewHealthClient(e.conn)
	return e
}

// signal is a stats.Handler that passes every event to inner (when set),
// then tells done when grpc is through with a call. It keeps, beneath
// inner's context, whether grpc began the call, since a call to a method
// the server does not have ends with a trailer and no stats.End.
type signal struct {
	inner stats.Handler
	done  chan<- struct{}
}

type begunKey struct{}

func (s *signal) TagRPC(ctx context.Context, info *stats.RPCTagInfo) context.Context {
	ctx = context.WithValue(ctx, begunKey{}, new(atomic.Bool))
	if s.inner != nil {
		ctx = s.inner.TagRPC(ctx, info)
	}
	return ctx
}

func (s *signal) HandleRPC(ctx context.Context, rs stats.RPCStats) {
	if s.inner != nil {
		s.inner.HandleRPC(ctx, rs)
	}
	begun := ctx.Value(begunKey{}).(*atomic.Bool)
	switch rs.(type) {
	case *stats.Begin:
		begun.Store(true)
	case *stats.OutTrailer:
		if !begun.Load() {
			s.done <- struct{}{}
		}
	case *stats.End:
		s.done <- struct{}{}
	}
}

func (s *signal) TagConn(ctx context.Context, info *stats.ConnTagInfo) context.Context {
	if s.inner != nil {
		return s.inner.TagConn(ctx, info)
	}
	return ctx
}

func (s *signal) HandleConn(ctx context.Context, cs stats.ConnStats) {
	if s.inner != nil {
		s.inner.HandleConn(ctx, cs)
	}
}

// wait waits for grpc to be through with a call.
func (e *env) wait(t *testing.T) {
	t.Helper()
	select {
	case <-e.done:
	case <-time.After(10 * time.Second):
		t.Fatal("grpc was not through with the call within 10s")
	}
}

func (e *env) check(t *testing.T, spec string) codes.Code {
	t.Helper()
	_, err := e.client.Check(context.Background(), &healthpb.HealthCheckRequest{Service: spec})
	e.wait(t)
	return status.Code(err)
}

// watch runs a Watch stream to its end and returns its final code.
func (e *env) watch(t *testing.T, ctx context.Context, spec string) codes.Code {
	t.Helper()
	st, err := e.client.Watch(ctx, &healthpb.HealthCheckRequest{Service: spec})
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err = st.Recv(); err != nil {
			break
		}
	}
	e.wait(t)
	if err == io.EOF {
		return codes.OK
	}
	return status.Code(err)
}

// forModes runs f once in every mode.
func forModes(t *testing.T, f func(*testing.T, mode)) {
	for _, m := range modes {
		t.Run("mode="+m.String(), func(t *testing.T) { f(t, m) })
	}
}

type counts struct{ Good, Bad uint64 }

// totals returns the events since the start of every objective that has
// some, keyed "journey/objective", and the unmatched ones.
func (e *env) totals() map[string]counts {
	e.reg.Advance(e.mock.Now())
	out := map[string]counts{}
	for _, st := range e.reg.Status() {
		if st.TotalGood+st.TotalBad > 0 {
			out[st.Journey+"/"+st.Objective] = counts{st.TotalGood, st.TotalBad}
		}
	}
	if g, b := e.reg.Unmatched(); g+b > 0 {
		out[slo.Unmatched] = counts{g, b}
	}
	return out
}

func diff(got, want map[string]counts) string {
	var b strings.Builder
	for k, w := range want {
		if got[k] != w {
			fmt.Fprintf(&b, "\n\t%s: got %+v, want %+v", k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			fmt.Fprintf(&b, "\n\t%s: got %+v, want none", k, g)
		}
	}
	return b.String()
}

// outcomes of the 17 codes by default.
var outcomes = map[codes.Code]slo.Outcome{
	codes.OK:                 slo.Good,
	codes.Canceled:           slo.Excluded,
	codes.Unknown:            slo.Bad,
	codes.InvalidArgument:    slo.Good,
	codes.DeadlineExceeded:   slo.Bad,
	codes.NotFound:           slo.Good,
	codes.AlreadyExists:      slo.Good,
	codes.PermissionDenied:   slo.Good,
	codes.ResourceExhausted:  slo.Good,
	codes.FailedPrecondition: slo.Good,
	codes.Aborted:            slo.Good,
	codes.OutOfRange:         slo.Good,
	codes.Unimplemented:      slo.Bad,
	codes.Internal:           slo.Bad,
	codes.Unavailable:        slo.Bad,
	codes.DataLoss:           slo.Bad,
	codes.Unauthenticated:    slo.Good,
}

func TestUnaryCodes(t *testing.T) { forModes(t, testUnaryCodes) }

func testUnaryCodes(t *testing.T, m mode) {
	e := newEnvMode(t, m, objectives, nil, slogrpc.WithMethods(methods))
	if len(outcomes) != 17 {
		t.Fatalf("the table has %d codes, want 17", len(outcomes))
	}
	for c := codes.Code(0); c < 17; c++ {
		before := e.totals()
		if got := e.check(t, "code="+strconv.Itoa(int(c))); got != c {
			t.Errorf("Check returned %v, want %v", got, c)
		}
		after := e.totals()
		want := map[string]counts{}
		for k, v := range before {
			want[k] = v
		}
		for _, k := range []string{"health/availability", "health/latency"} {
			switch outcomes[c] {
			case slo.Good:
				want[k] = counts{want[k].Good + 1, want[k].Bad}
			case slo.Bad:
				want[k] = counts{want[k].Good, want[k].Bad + 1}
			}
		}
		if d := diff(after, want); d != "" {
			t.Errorf("code %v: events:%s", c, d)
		}
	}
}

func TestStreamCodes(t *testing.T) { forModes(t, testStreamCodes) }

func testStreamCodes(t *testing.T, m mode) {
	e := newEnvMode(t, m, objectives, nil, slogrpc.WithMethods(methods))
	for c := codes.Code(0); c < 17; c++ {
		before := e.totals()
		if got := e.watch(t, context.Background(), "code="+strconv.Itoa(int(c))); got != c {
			t.Errorf("Watch ended with %v, want %v", got, c)
		}
		after := e.totals()
		want := map[string]counts{}
		for k, v := range before {
			want[k] = v
		}
		switch outcomes[c] {
		case slo.Good: // untimed: the latency objective does not count it
			want["watch/availability"] = counts{want["watch/availability"].Good + 1, want["watch/availability"].Bad}
		case slo.Bad:
			for _, k := range []string{"watch/availability", "watch/latency"} {
				want[k] = counts{want[k].Good, want[k].Bad + 1}
			}
		}
		if d := diff(after, want); d != "" {
			t.Errorf("code %v: events (one per stream):%s", c, d)
		}
	}
}

func TestCalls(t *testing.T) {
	fn := slogrpc.WithJourneyFunc(func(ctx context.Context, method string) string {
		if method == check {
			return ""
		}
		return "login"
	})
	for _, tc := range []struct {
		name   string
		opts   []slogrpc.Option
		spec   string
		stream bool
		code   codes.Code
		want   map[string]counts
		panic  any
	}{
		{"fast enough", nil, "sleep=300ms", false, codes.OK, map[string]counts{"health/availability": {1, 0}, "health/latency": {1, 0}}, nil},
		{"too slow", nil, "sleep=301ms", false, codes.OK, map[string]counts{"health/availability": {1, 0}, "health/latency": {0, 1}}, nil},
		{"too slow, client's error", nil, "sleep=1s,code=5", false, codes.NotFound, map[string]counts{"health/availability": {1, 0}, "health/latency": {0, 1}}, nil},
		{"plain error is Unknown", nil, "plain", false, codes.Unknown, map[string]counts{"health/availability": {0, 1}, "health/latency": {0, 1}}, nil},
		{"panic", nil, "panic", false, codes.Internal, map[string]counts{"health/availability": {0, 1}, "health/latency": {0, 1}}, "as asked"},
		{"panic in a stream", nil, "panic", true, codes.Internal, map[string]counts{"watch/availability": {0, 1}, "watch/latency": {0, 1}}, "as asked"},
		{"unmapped method", nil, "", false, codes.OK, map[string]counts{slo.Unmatched: {1, 0}}, nil},
		{"function", []slogrpc.Option{fn}, "", true, codes.OK, map[string]counts{"login/availability": {1, 0}}, nil},
		{"empty function result falls back", []slogrpc.Option{fn}, "", false, codes.OK, map[string]counts{"health/availability": {1, 0}, "health/latency": {1, 0}}, nil},
		{"holder: journey", []slogrpc.Option{slogrpc.WithContextHolder(), fn}, "journey=watch", false, codes.OK,
			map[string]counts{"watch/availability": {1, 0}, "watch/latency": {1, 0}}, nil},
		{"holder: journey in a stream", []slogrpc.Option{slogrpc.WithContextHolder()}, "journey=login", true, codes.OK,
			map[string]counts{"login/availability": {1, 0}}, nil},
		{"holder: bad", []slogrpc.Option{slogrpc.WithContextHolder()}, "bad", false, codes.OK,
			map[string]counts{"health/availability": {0, 1}, "health/latency": {0, 1}}, nil},
		{"holder: exclude", []slogrpc.Option{slogrpc.WithContextHolder()}, "exclude,code=14", true, codes.Unavailable, map[string]counts{}, nil},
		{"classifier", []slogrpc.Option{slogrpc.WithClassify(func(c slogrpc.Call) slo.Outcome {
			if c.Code == codes.ResourceExhausted && c.Journey == "health" && c.FullMethod == check && !c.Streaming {
				return slo.Bad
			}
			return slogrpc.DefaultClassify(c)
		})}, "code=8", false, codes.ResourceExhausted, map[string]counts{"health/availability": {0, 1}, "health/latency": {0, 1}}, nil},
	} {
		for _, md := range modes {
			t.Run(tc.name+"/mode="+md.String(), func(t *testing.T) {
				m := methods
				if tc.name == "unmapped method" {
					m = nil
				}
				e := newEnvMode(t, md, objectives, nil, append([]slogrpc.Option{slogrpc.WithMethods(m)}, tc.opts...)...)
				var code codes.Code
				if tc.stream {
					code = e.watch(t, context.Background(), tc.spec)
				} else {
					code = e.check(t, tc.spec)
				}
				if code != tc.code {
					t.Errorf("the call ended with %v, want %v", code, tc.code)
				}
				var panicked any
				select {
				case panicked = <-e.panics:
				default:
				}
				if panicked != tc.panic {
					t.Errorf("the interceptor re-panicked with %v, want %v", panicked, tc.panic)
				}
				if d := diff(e.totals(), tc.want); d != "" {
					t.Errorf("events:%s", d)
				}
			})
		}
	}
}

// TestHolderOffByDefault: without WithContextHolder the handler's tags
// report false and change nothing.
func TestHolderOffByDefault(t *testing.T) {
	ctx := context.Background()
	if slogrpc.SetJourney(ctx, "login") || slogrpc.MarkBad(ctx) || slogrpc.Exclude(ctx) {
		t.Error("a tag reported a holder in a context without one")
	}
}

func TestClientCancel(t *testing.T) { forModes(t, testClientCancel) }

func testClientCancel(t *testing.T, m mode) {
	e := newEnvMode(t, m, objectives, nil, slogrpc.WithMethods(methods))
	ctx, cancel := context.WithCancel(context.Background())
	st, err := e.client.Watch(ctx, &healthpb.HealthCheckRequest{Service: "wait"})
	if err != nil {
		t.Fatal(err)
	}
	<-e.waiting // the stream is being served
	cancel()
	for err == nil {
		_, err = st.Recv()
	}
	e.wait(t)
	if d := diff(e.totals(), map[string]counts{}); d != "" {
		t.Errorf("a stream the client cancelled: events:%s", d)
	}

	ctx, cancel = context.WithCancel(context.Background())
	go func() {
		<-e.waiting // the call is being served
		cancel()
	}()
	_, err = e.client.Check(ctx, &healthpb.HealthCheckRequest{Service: "wait"})
	if status.Code(err) != codes.Canceled {
		t.Errorf("a cancelled Check ended with %v, want Canceled", err)
	}
	e.wait(t)
	if d := diff(e.totals(), map[string]counts{}); d != "" {
		t.Errorf("a unary call the client cancelled: events:%s", d)
	}
}

// TestUnknownMethods calls methods the server does not have: grpc answers
// Unimplemented itself. No interceptor runs, so the interceptors count
// nothing; the stats handler counts each call once, bad, for the unmatched
// journey; neither creates a series.
func TestUnknownMethods(t *testing.T) { forModes(t, testUnknownMethods) }

func testUnknownMethods(t *testing.T, m mode) {
	e := newEnvMode(t, m, objectives, nil, slogrpc.WithMethods(methods))
	series := len(e.reg.Status())
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 50
	for i := 0; i < n; i++ {
		method := fmt.Sprintf("/svc%d.S/M%x", rng.IntN(10), rng.Uint64())
		err := e.conn.Invoke(context.Background(), method, &healthpb.HealthCheckRequest{}, &healthpb.HealthCheckResponse{})
		if status.Code(err) != codes.Unimplemented {
			t.Fatalf("%s: %v, want Unimplemented", method, err)
		}
		e.wait(t)
	}
	want := map[string]counts{slo.Unmatched: {0, n}}
	if m == viaInterceptors {
		want = map[string]counts{}
	}
	if d := diff(e.totals(), want); d != "" || len(e.reg.Status()) != series {
		t.Errorf("calls to unknown methods: %d objectives (want %d), events:%s", len(e.reg.Status()), series, d)
	}
}

func newInterceptor(t *testing.T, opts ...slogrpc.Option) (*slogrpc.Interceptor, *slo.Registry, *clock.Mock) {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(t0)
	reg, err := slo.New(objectives, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	ic, err := slogrpc.New(reg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return ic, reg, mock
}

// TestRandomMethodsCreateNothing calls the interceptors directly, as grpc
// does, with 100,000 random method names and codes: the objectives stay
// as declared, every call counts once, the heap does not grow.
func TestRandomMethodsCreateNothing(t *testing.T) {
	ic, reg, mock := newInterceptor(t, slogrpc.WithMethods(methods))
	series := len(reg.Status())
	rng := rand.New(rand.NewPCG(5, 6))
	names := []string{check, watch, list}
	errs := make([]error, 17)
	for c := range errs {
		if c != 0 {
			errs[c] = status.Error(codes.Code(c), "x")
		}
	}
	excluded := 0
	call := func(k int) {
		for i := 0; i < k; i++ {
			method := names[rng.IntN(len(names))]
			if rng.IntN(2) == 0 {
				method = fmt.Sprintf("/pkg%d.Svc/M%x", rng.IntN(100), rng.Uint64())
			}
			code := rng.IntN(17)
			if code == int(codes.Canceled) {
				excluded++
			}
			err := errs[code]
			if rng.IntN(2) == 0 {
				ic.Unary(context.Background(), nil, &grpc.UnaryServerInfo{FullMethod: method},
					func(context.Context, any) (any, error) { return nil, err })
			} else {
				ic.Stream(nil, fakeStream{}, &grpc.StreamServerInfo{FullMethod: method},
					func(any, grpc.ServerStream) error { return err })
			}
		}
	}
	const n = 100_000
	call(1000)
	before := heapInUse()
	call(n - 1000)
	after := heapInUse()
	if got := len(reg.Status()); got != series {
		t.Errorf("%d objectives after random calls; want %d", got, series)
	}
	var events int
	for k, c := range (&env{reg: reg, mock: mock}).totals() {
		if !strings.HasSuffix(k, "/latency") {
			events += int(c.Good + c.Bad)
		}
	}
	if events+excluded != n {
		t.Errorf("%d events and %d excluded for %d calls", events, excluded, n)
	}
	const bound = 256 << 10
	if grew := int64(after) - int64(before); grew > bound {
		t.Errorf("the heap grew by %d bytes over %d calls; want at most %d", grew, n-1000, bound)
	}
}

type fakeStream struct{ grpc.ServerStream }

func (fakeStream) Context() context.Context { return context.Background() }

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func TestAllocs(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("the race detector makes values escape")
	}
	ic, _, _ := newInterceptor(t, slogrpc.WithMethods(methods))
	info := &grpc.UnaryServerInfo{FullMethod: check}
	handler := func(context.Context, any) (any, error) { return nil, nil }
	ctx := context.Background()
	if got := testing.AllocsPerRun(100, func() { ic.Unary(ctx, nil, info, handler) }); got != 0 {
		t.Errorf("Unary allocates %v times a call, want 0", got)
	}
	sinfo := &grpc.StreamServerInfo{FullMethod: watch}
	shandler := func(any, grpc.ServerStream) error { return nil }
	if got := testing.AllocsPerRun(100, func() { ic.Stream(nil, fakeStream{}, sinfo, shandler) }); got != 0 {
		t.Errorf("Stream allocates %v times a call, want 0", got)
	}

	// WithMinDeadline reads the deadline and the clock, and allocates
	// nothing more.
	ic, _, _ = newInterceptor(t, slogrpc.WithMethods(methods), slogrpc.WithMinDeadline(time.Second))
	dctx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	failing := func(context.Context, any) (any, error) { return nil, errDeadline }
	if got := testing.AllocsPerRun(100, func() { ic.Unary(dctx, nil, info, failing) }); got != 0 {
		t.Errorf("Unary with WithMinDeadline allocates %v times a call, want 0", got)
	}

	// The holder costs one allocation a unary call, and a stream one more
	// for the stream that carries it, which also notes failed receives.
	ic, _, _ = newInterceptor(t, slogrpc.WithMethods(methods), slogrpc.WithContextHolder())
	if got := testing.AllocsPerRun(100, func() { ic.Unary(ctx, nil, info, handler) }); got != 1 {
		t.Errorf("Unary with the holder allocates %v times a call, want 1", got)
	}
	if got := testing.AllocsPerRun(100, func() { ic.Stream(nil, fakeStream{}, sinfo, shandler) }); got != 2 {
		t.Errorf("Stream with the holder allocates %v times a call, want 2", got)
	}
}

var errDeadline = status.Error(codes.DeadlineExceeded, "x")

func TestNewErrors(t *testing.T) {
	ic, reg, _ := newInterceptor(t)
	_ = ic
	for _, tc := range []struct {
		name string
		reg  *slo.Registry
		opts []slogrpc.Option
		want []string
	}{
		{"nil registry", nil, nil, []string{"slogrpc: nil registry"}},
		{"bad method names", reg, []slogrpc.Option{slogrpc.WithMethods(map[string]string{
			"grpc.health.v1.Health/Check": "health", "/grpc.health.v1.Health": "health", "/a/b/c": "health"})},
			[]string{`"grpc.health.v1.Health/Check" is not a full method name`, `"/grpc.health.v1.Health" is not a full method name`, `"/a/b/c" is not`}},
		{"undeclared journey", reg, []slogrpc.Option{slogrpc.WithMethods(map[string]string{check: "cart"})},
			[]string{`WithMethods: "/grpc.health.v1.Health/Check" maps to journey "cart", which no objective declares; declare it, or use one of ["health" "watch" "login"]`}},
		{"nil functions", reg, []slogrpc.Option{slogrpc.WithJourneyFunc(nil), slogrpc.WithClassify(nil)},
			[]string{"WithJourneyFunc(nil)", "WithClassify(nil)"}},
		{"minimum deadlines", reg, []slogrpc.Option{slogrpc.WithMinDeadline(0), slogrpc.WithMinDeadline(-time.Second)},
			[]string{"slogrpc: WithMinDeadline(0s); pass a positive duration, such as 50*time.Millisecond, or leave the option out",
				"WithMinDeadline(-1s)"}},
	} {
		got, err := slogrpc.New(tc.reg, tc.opts...)
		if err == nil || got != nil {
			t.Errorf("%s: New() = %v, %v; want an error", tc.name, got, err)
			continue
		}
		if !errors.Is(err, slo.ErrInvalid) {
			t.Errorf("%s: New() = %v; does not wrap slo.ErrInvalid", tc.name, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: New() = %q; want it to contain %q", tc.name, err, w)
			}
		}
	}
}

func TestDefaultClassify(t *testing.T) {
	for _, tc := range []struct {
		c    slogrpc.Call
		want slo.Outcome
	}{
		{slogrpc.Call{Code: codes.OK, Streaming: true}, slo.Untimed},
		{slogrpc.Call{Code: codes.Internal, Streaming: true}, slo.Bad},
		{slogrpc.Call{Code: codes.Canceled, Streaming: true}, slo.Excluded},
		{slogrpc.Call{Code: codes.OK, Mark: slo.Bad}, slo.Bad},
		{slogrpc.Call{Code: codes.Internal, Mark: slo.Excluded}, slo.Excluded},
		{slogrpc.Call{Code: codes.Unknown, Panicked: true, Mark: slo.Excluded}, slo.Bad},
		// A request grpc could not receive is the client's, whatever code
		// grpc answered, unless the handler marked the call.
		{slogrpc.Call{Code: codes.Internal, RecvFailed: true}, slo.Excluded},
		{slogrpc.Call{Code: codes.Unknown, RecvFailed: true}, slo.Excluded},
		{slogrpc.Call{Code: codes.Unimplemented, RecvFailed: true, Streaming: true}, slo.Excluded},
		{slogrpc.Call{Code: codes.DeadlineExceeded, RecvFailed: true}, slo.Excluded},
		{slogrpc.Call{Code: codes.Internal, RecvFailed: true, Mark: slo.Bad}, slo.Bad},
		// A deadline shorter than the minimum excuses DeadlineExceeded
		// only.
		{slogrpc.Call{Code: codes.DeadlineExceeded, ShortDeadline: true}, slo.Excluded},
		{slogrpc.Call{Code: codes.DeadlineExceeded, ShortDeadline: true, Streaming: true}, slo.Excluded},
		{slogrpc.Call{Code: codes.Internal, ShortDeadline: true}, slo.Bad},
		{slogrpc.Call{Code: codes.OK, ShortDeadline: true}, slo.Good},
		{slogrpc.Call{Code: codes.DeadlineExceeded, ShortDeadline: true, Mark: slo.Bad}, slo.Bad},
	} {
		if got := slogrpc.DefaultClassify(tc.c); got != tc.want {
			t.Errorf("DefaultClassify(%+v) = %v, want %v", tc.c, got, tc.want)
		}
	}
	for c, want := range outcomes {
		if got := slogrpc.DefaultClassify(slogrpc.Call{Code: c}); got != want {
			t.Errorf("DefaultClassify(%v) = %v, want %v", c, got, want)
		}
	}
}

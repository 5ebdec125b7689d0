package slogrpc_test

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/testenv"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slogrpc"
)

// rawCodec sends the bytes it is given as a request, under the name of the
// proto codec, so that the server decodes them as a protobuf message: a
// client that sends a malformed request.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return v.([]byte), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*v.(*[]byte) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// malformed is a HealthCheckRequest whose field 1 claims 5 bytes and has
// one: the server's proto codec cannot decode it.
var malformed = []byte{0x0a, 0x05, 'a'}

const gone = "/shop.v1.Shop/Gone" // a method no server here registers

// TestWhatEachCounts shows which calls the interceptors miss and why, and
// that the stats handler counts every call the server answers, once, also
// when installed with the interceptors.
func TestWhatEachCounts(t *testing.T) {
	mapped := map[string]string{check: "health", watch: "watch", gone: "login"}
	type call struct {
		name string
		do   func(*env) error
		code codes.Code
		// want is what the stats handler counts; missed reports whether
		// the interceptors count nothing of it; both, when not nil, is
		// what the stats handler counts beside the interceptors.
		want   map[string]counts
		missed bool
		both   map[string]counts
	}
	calls := []call{
		{"unary", func(e *env) error {
			_, err := e.client.Check(context.Background(), &healthpb.HealthCheckRequest{})
			return err
		}, codes.OK, map[string]counts{"health/availability": {1, 0}, "health/latency": {1, 0}}, false, nil},
		// grpc decodes a unary request before it calls the interceptors,
		// and answers Internal when it cannot: the client's bytes, which
		// the stats handler sees and excludes.
		{"unary, malformed request", func(e *env) error {
			var out []byte
			return e.conn.Invoke(context.Background(), check, malformed, &out, grpc.ForceCodec(rawCodec{}))
		}, codes.Internal, map[string]counts{}, true, nil},
		// A stream's handler decodes its messages, inside the interceptor,
		// and returns grpc's Internal as its own: only interceptors that
		// wrap the stream, as they do beside the stats handler, tell.
		{"stream, malformed request", func(e *env) error {
			st, err := e.conn.NewStream(context.Background(), &healthpb.Health_ServiceDesc.Streams[0], watch, grpc.ForceCodec(rawCodec{}))
			if err != nil {
				return err
			}
			if err := st.SendMsg(malformed); err != nil {
				return err
			}
			st.CloseSend()
			var out []byte
			for err == nil {
				err = st.RecvMsg(&out)
			}
			return err
		}, codes.Internal, map[string]counts{"watch/availability": {0, 1}, "watch/latency": {0, 1}}, false, map[string]counts{}},
		// grpc answers a method it does not have without an interceptor;
		// the method map still names the journey.
		{"unregistered method, mapped", func(e *env) error {
			return e.conn.Invoke(context.Background(), gone, &healthpb.HealthCheckRequest{}, &healthpb.HealthCheckResponse{})
		}, codes.Unimplemented, map[string]counts{"login/availability": {0, 1}}, true, nil},
		{"unregistered method of a registered service", func(e *env) error {
			return e.conn.Invoke(context.Background(), "/grpc.health.v1.Health/Nope", &healthpb.HealthCheckRequest{}, &healthpb.HealthCheckResponse{})
		}, codes.Unimplemented, map[string]counts{slo.Unmatched: {0, 1}}, true, nil},
	}
	for _, m := range modes {
		t.Run("mode="+m.String(), func(t *testing.T) {
			e := newEnvMode(t, m, objectives, nil, slogrpc.WithMethods(mapped))
			for _, c := range calls {
				before := e.totals()
				if got := status.Code(c.do(e)); got != c.code {
					t.Errorf("%s: the call ended with %v, want %v", c.name, got, c.code)
				}
				e.wait(t)
				want := add(before, c.want)
				switch {
				case m == viaInterceptors && c.missed:
					want = before
				case m == viaBoth && c.both != nil:
					want = add(before, c.both)
				}
				if d := diff(e.totals(), want); d != "" {
					t.Errorf("%s: events:%s", c.name, d)
				}
			}
		})
	}
}

// add returns a with b's counts added.
func add(a, b map[string]counts) map[string]counts {
	out := map[string]counts{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = counts{out[k].Good + v.Good, out[k].Bad + v.Bad}
	}
	return out
}

// TestUnknownServiceHandler: with grpc.UnknownServiceHandler, grpc serves
// unknown methods as streams, through the stream interceptors too: every
// mode counts them, once.
func TestUnknownServiceHandler(t *testing.T) {
	unknown := grpc.UnknownServiceHandler(func(any, grpc.ServerStream) error {
		return status.Error(codes.NotFound, "no such method here")
	})
	for _, m := range modes {
		t.Run("mode="+m.String(), func(t *testing.T) {
			e := newEnvMode(t, m, objectives, []grpc.ServerOption{unknown},
				slogrpc.WithMethods(map[string]string{gone: "login"}))
			for _, method := range []string{gone, "/x.Y/Z"} {
				err := e.conn.Invoke(context.Background(), method, &healthpb.HealthCheckRequest{}, &healthpb.HealthCheckResponse{})
				if status.Code(err) != codes.NotFound {
					t.Errorf("%s: %v, want NotFound", method, err)
				}
				e.wait(t)
			}
			// NotFound is good; a good stream is untimed, and login has no
			// latency objective anyway.
			want := map[string]counts{"login/availability": {1, 0}, slo.Unmatched: {1, 0}}
			if d := diff(e.totals(), want); d != "" {
				t.Errorf("events:%s", d)
			}
		})
	}
}

// TestStatsClassify: the classifier sees the status the server sent and
// which calls had no method, and can exclude those (a scanner's probes).
func TestStatsClassify(t *testing.T) {
	var seen []slogrpc.Call
	var mu sync.Mutex
	e := newEnvMode(t, viaStats, objectives, nil, slogrpc.WithMethods(methods),
		slogrpc.WithClassify(func(c slogrpc.Call) slo.Outcome {
			mu.Lock()
			seen = append(seen, c)
			mu.Unlock()
			if c.UnknownMethod {
				return slo.Excluded
			}
			return slogrpc.DefaultClassify(c)
		}))
	if got := e.check(t, "code=5"); got != codes.NotFound {
		t.Errorf("Check ended with %v, want NotFound", got)
	}
	e.conn.Invoke(context.Background(), gone, &healthpb.HealthCheckRequest{}, &healthpb.HealthCheckResponse{})
	e.wait(t)
	if got := e.watch(t, context.Background(), ""); got != codes.OK {
		t.Errorf("Watch ended with %v, want OK", got)
	}
	want := map[string]counts{"health/availability": {1, 0}, "health/latency": {1, 0}, "watch/availability": {1, 0}}
	if d := diff(e.totals(), want); d != "" {
		t.Errorf("events:%s", d)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 3 {
		t.Fatalf("the classifier saw %d calls, want 3: %+v", len(seen), seen)
	}
	type brief struct {
		method, journey    string
		code               codes.Code
		streaming, unknown bool
		errCode            codes.Code
	}
	for i, w := range []brief{
		{check, "health", codes.NotFound, false, false, codes.NotFound},
		{gone, slo.Unmatched, codes.Unimplemented, false, true, codes.Unimplemented},
		{watch, "watch", codes.OK, true, false, codes.OK},
	} {
		c := seen[i]
		got := brief{c.FullMethod, c.Journey, c.Code, c.Streaming, c.UnknownMethod, status.Code(c.Err)}
		if got != w {
			t.Errorf("call %d: the classifier saw %+v, want %+v", i, got, w)
		}
	}
}

// TestStatsRealClock: on the real clock, the stats handler takes a call's
// latency from grpc's own Begin and End times.
func TestStatsRealClock(t *testing.T) {
	reg, err := slo.New([]slo.Objective{
		{Journey: "health", Target: 0.999},
		{Journey: "health", Target: 0.99, Latency: 200 * time.Millisecond},
	}, slo.WithClock(clock.New()), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	ic, err := slogrpc.New(reg, slogrpc.WithMethods(map[string]string{check: "health"}))
	if err != nil {
		t.Fatal(err)
	}
	conn, stop := serve(t, grpc.StatsHandler(ic.StatsHandler()))
	client := healthpb.NewHealthClient(conn)
	for _, spec := range []string{"", "realsleep=250ms"} {
		if _, err := client.Check(context.Background(), &healthpb.HealthCheckRequest{Service: spec}); err != nil {
			t.Fatalf("Check(%q): %v", spec, err)
		}
	}
	stop() // waits for the server's calls to end, so their events are in
	reg.Advance(reg.Clock().Now())
	var got []counts
	for _, st := range fixture.Journey(reg, "health").Status() {
		got = append(got, counts{st.TotalGood, st.TotalBad})
	}
	if want := []counts{{2, 0}, {1, 1}}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("health availability, latency = %+v; want %+v (the 250 ms call too slow)", got, want)
	}
}

// serve runs a grpc server with a health service and opts on an in-memory
// listener, and returns a client connection and a function that closes it
// and stops the server gracefully, so that every call's event is in.
func serve(t *testing.T, opts ...grpc.ServerOption) (*grpc.ClientConn, func()) {
	t.Helper()
	srv := grpc.NewServer(opts...)
	healthpb.RegisterHealthServer(srv, &health{t: t})
	lis := bufconn.Listen(1 << 20)
	served := make(chan struct{})
	go func() {
		defer close(served)
		srv.Serve(lis)
	}()
	conn, err := grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			conn.Close()
			srv.GracefulStop()
			<-served
		})
	}
	t.Cleanup(stop)
	return conn, stop
}

// TestStatsOnClient: a client given the stats handler counts nothing, so
// a program that is a client and a server of the same registry counts
// each call once, at the server.
func TestStatsOnClient(t *testing.T) {
	ic, reg, mock := newInterceptor(t, slogrpc.WithMethods(methods))
	srv := grpc.NewServer()
	healthpb.RegisterHealthServer(srv, &health{mock: mock, t: t})
	lis := bufconn.Listen(1 << 20)
	served := make(chan struct{})
	go func() {
		defer close(served)
		srv.Serve(lis)
	}()
	conn, err := grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(ic.StatsHandler()))
	if err != nil {
		t.Fatal(err)
	}
	client := healthpb.NewHealthClient(conn)
	if _, err := client.Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatal(err)
	}
	st, err := client.Watch(context.Background(), &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for err == nil {
		_, err = st.Recv()
	}
	if err != io.EOF {
		t.Fatal(err)
	}
	conn.Close()
	srv.GracefulStop()
	<-served
	if d := diff((&env{reg: reg, mock: mock}).totals(), map[string]counts{}); d != "" {
		t.Errorf("a client's calls: events:%s", d)
	}
}

// TestStatsAllocs: the stats handler allocates its per-call state and
// nothing else, whichever events grpc sends.
func TestStatsAllocs(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("the race detector makes values escape")
	}
	ic, _, _ := newInterceptor(t, slogrpc.WithMethods(methods))
	sh := ic.StatsHandler()
	tag := &stats.RPCTagInfo{FullMethodName: check}
	begin, in, out, trailer := &stats.Begin{}, &stats.InPayload{}, &stats.OutPayload{}, &stats.OutTrailer{}
	end := &stats.End{}
	ctx := context.Background()
	if got := testing.AllocsPerRun(100, func() {
		c := sh.TagRPC(ctx, tag)
		for _, s := range []stats.RPCStats{begin, in, out, trailer, end} {
			sh.HandleRPC(c, s)
		}
	}); got != 1 {
		t.Errorf("a unary call through the stats handler allocates %v times, want 1", got)
	}
	unknown := &stats.RPCTagInfo{FullMethodName: "/x.Y/Z"}
	if got := testing.AllocsPerRun(100, func() { sh.HandleRPC(sh.TagRPC(ctx, unknown), trailer) }); got != 1 {
		t.Errorf("a call to an unknown method allocates %v times, want 1", got)
	}

	// Beside the interceptors, which pass the call on, and wrap a stream
	// in the call's own state to note failed receives: still one.
	info := &grpc.UnaryServerInfo{FullMethod: check}
	handler := func(context.Context, any) (any, error) { return nil, nil }
	if got := testing.AllocsPerRun(100, func() {
		c := sh.TagRPC(ctx, tag)
		sh.HandleRPC(c, begin)
		sh.HandleRPC(c, in)
		ic.Unary(c, nil, info, handler)
		sh.HandleRPC(c, end)
	}); got != 1 {
		t.Errorf("a unary call through the stats handler and the interceptors allocates %v times, want 1", got)
	}
	sinfo := &grpc.StreamServerInfo{FullMethod: watch, IsServerStream: true}
	sbegin := &stats.Begin{IsServerStream: true}
	ss := &ctxStream{}
	shandler := func(_ any, s grpc.ServerStream) error { return s.RecvMsg(nil) }
	if got := testing.AllocsPerRun(100, func() {
		c := sh.TagRPC(ctx, &stats.RPCTagInfo{FullMethodName: watch})
		sh.HandleRPC(c, sbegin)
		ss.ctx = c
		ic.Stream(nil, ss, sinfo, shandler)
		sh.HandleRPC(c, end)
	}); got != 1 {
		t.Errorf("a stream through the stats handler and the interceptors allocates %v times, want 1", got)
	}
}

// ctxStream is a stream whose context is ctx and whose RecvMsg fails as
// grpc's does on a message it cannot decode.
type ctxStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *ctxStream) Context() context.Context { return s.ctx }
func (s *ctxStream) RecvMsg(any) error        { return errUndecodable }

var errUndecodable = status.Error(codes.Internal, "grpc: failed to unmarshal the received message")

// TestStatsDirect drives the stats handler with the events grpc sends,
// as the benchmark does: exact counts for every code of a unary call whose
// request decoded, and a unary call and a stream whose End carries a
// context wrapping the handler's; then, for every code, a unary call that
// ended before its request decoded, which counts for nothing.
func TestStatsDirect(t *testing.T) {
	ic, reg, mock := newInterceptor(t, slogrpc.WithMethods(methods))
	sh := ic.StatsHandler()
	want := map[string]counts{}
	for c := codes.Code(0); c < 17; c++ {
		ctx := sh.TagRPC(context.Background(), &stats.RPCTagInfo{FullMethodName: check})
		sh.HandleRPC(ctx, &stats.Begin{})
		sh.HandleRPC(ctx, &stats.InPayload{})
		sh.HandleRPC(ctx, &stats.OutTrailer{})
		var err error
		if c != codes.OK {
			err = status.Error(c, "x")
		}
		sh.HandleRPC(context.WithValue(ctx, struct{}{}, 1), &stats.End{Error: err})
		sh.HandleRPC(ctx, &stats.End{Error: err}) // a second End counts nothing
		switch outcomes[c] {
		case slo.Good:
			want = add(want, map[string]counts{"health/availability": {1, 0}, "health/latency": {1, 0}})
		case slo.Bad:
			want = add(want, map[string]counts{"health/availability": {0, 1}, "health/latency": {0, 1}})
		}
	}
	if d := diff((&env{reg: reg, mock: mock}).totals(), want); d != "" {
		t.Errorf("events:%s", d)
	}
	for c := codes.Code(1); c < 17; c++ {
		ctx := sh.TagRPC(context.Background(), &stats.RPCTagInfo{FullMethodName: check})
		sh.HandleRPC(ctx, &stats.Begin{})
		sh.HandleRPC(ctx, &stats.OutTrailer{})
		sh.HandleRPC(ctx, &stats.End{Error: status.Error(c, "x")})
	}
	if d := diff((&env{reg: reg, mock: mock}).totals(), want); d != "" {
		t.Errorf("after calls that ended before their request decoded: events:%s", d)
	}
}

// TestStatsAndInterceptorsOfTwo: the interceptors of one Interceptor pass
// through a call that another's stats handler counts on the same registry,
// and count it when the stats handler records into another registry.
func TestStatsAndInterceptorsOfTwo(t *testing.T) {
	for _, same := range []bool{true, false} {
		statsIC, statsReg, statsMock := newInterceptor(t, slogrpc.WithMethods(methods))
		ic, reg, mock := statsIC, statsReg, statsMock
		if same {
			var err error
			if ic, err = slogrpc.New(statsReg, slogrpc.WithMethods(methods)); err != nil {
				t.Fatal(err)
			}
		} else {
			ic, reg, mock = newInterceptor(t, slogrpc.WithMethods(methods))
		}
		conn, stop := serve(t, grpc.StatsHandler(statsIC.StatsHandler()),
			grpc.ChainUnaryInterceptor(ic.Unary), grpc.ChainStreamInterceptor(ic.Stream))
		client := healthpb.NewHealthClient(conn)
		for i := 0; i < 3; i++ {
			if _, err := client.Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
				t.Fatal(err)
			}
		}
		stop()
		// Three calls, three events in each registry: not six in one.
		want := map[string]counts{"health/availability": {3, 0}, "health/latency": {3, 0}}
		if d := diff((&env{reg: statsReg, mock: statsMock}).totals(), want); d != "" {
			t.Errorf("same registry %v: the stats handler's registry: events:%s", same, d)
		}
		if !same {
			if d := diff((&env{reg: reg, mock: mock}).totals(), want); d != "" {
				t.Errorf("the interceptors' registry: events:%s", d)
			}
		}
	}
}

// BenchmarkStatsHandler is the stats handler's own share of a unary call:
// the events are built once, where grpc builds them per call for any
// stats handler (bench/ measures that too, beside grpcprom). The
// interceptor's row is the same call through Unary.
func BenchmarkStatsHandler(b *testing.B) {
	ic := newInterceptorB(b)
	b.Run("impl=stats", func(b *testing.B) {
		sh := ic.StatsHandler()
		tag := &stats.RPCTagInfo{FullMethodName: check}
		events := []stats.RPCStats{&stats.InHeader{}, &stats.Begin{}, &stats.InPayload{}, &stats.OutHeader{},
			&stats.OutPayload{}, &stats.OutTrailer{}}
		end := &stats.End{}
		ctx := context.Background()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			c := sh.TagRPC(ctx, tag)
			for _, s := range events {
				sh.HandleRPC(c, s)
			}
			sh.HandleRPC(context.WithValue(c, tag, nil), end) // grpc wraps the context End gets
		}
	})
	b.Run("impl=interceptor", func(b *testing.B) {
		info := &grpc.UnaryServerInfo{FullMethod: check}
		handler := func(context.Context, any) (any, error) { return nil, nil }
		ctx := context.Background()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ic.Unary(ctx, nil, info, handler)
		}
	})
}

// newInterceptorB is an Interceptor of check on the real clock, with one
// availability objective: the interceptors' common case.
func newInterceptorB(b *testing.B) *slogrpc.Interceptor {
	b.Helper()
	reg, err := slo.New([]slo.Objective{{Journey: "health", Target: 0.999}}, slo.WithClock(clock.New()), slo.WithManualAdvance())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { reg.Close() })
	ic, err := slogrpc.New(reg, slogrpc.WithMethods(map[string]string{check: "health"}))
	if err != nil {
		b.Fatal(err)
	}
	return ic
}

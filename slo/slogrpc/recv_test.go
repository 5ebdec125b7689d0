package slogrpc_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/proto"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slogrpc"
)

// h2 is a client that writes HTTP/2 frames to a grpc server one by one, to
// send what no grpc client sends: requests grpc cannot read.
type h2 struct {
	t    *testing.T
	conn net.Conn
	fr   *http2.Framer
	hbuf bytes.Buffer
	enc  *hpack.Encoder
	next uint32 // the next stream's id
}

func dialH2(t *testing.T, addr string) *h2 {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	c := &h2{t: t, conn: conn, fr: http2.NewFramer(conn, conn), next: 1}
	c.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	c.enc = hpack.NewEncoder(&c.hbuf)
	if err := c.fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	return c
}

// A request is what a client sends on one stream.
type request struct {
	method string
	// header holds fields beyond those of every grpc request.
	header []hpack.HeaderField
	// frames are the payloads of the DATA frames, in order.
	frames [][]byte
	// end sets END_STREAM on the last frame, or on the headers when there
	// is no frame.
	end bool
	// reset sends RST_STREAM (CANCEL) after the frames.
	reset bool
}

// message returns a gRPC message: its compressed flag, the length its
// prefix claims, and body, which may be shorter or longer.
func message(compressed byte, length int, body []byte) []byte {
	b := make([]byte, 5, 5+len(body))
	b[0] = compressed
	binary.BigEndian.PutUint32(b[1:], uint32(length))
	return append(b, body...)
}

// valid returns the message of a HealthCheckRequest for service.
func valid(t *testing.T, service string) []byte {
	t.Helper()
	b, err := proto.Marshal(&healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		t.Fatal(err)
	}
	return message(0, len(b), b)
}

// do sends r on a new stream and returns the grpc-status the server
// answered; for a request it resets, it returns at once, with ok false.
func (c *h2) do(r request) (code codes.Code, ok bool) {
	c.t.Helper()
	id := c.next
	c.next += 2
	c.hbuf.Reset()
	for _, f := range append([]hpack.HeaderField{
		{Name: ":method", Value: "POST"},
		{Name: ":scheme", Value: "http"},
		{Name: ":path", Value: r.method},
		{Name: ":authority", Value: "slogrpc.test"},
		{Name: "content-type", Value: "application/grpc"},
		{Name: "te", Value: "trailers"},
	}, r.header...) {
		if err := c.enc.WriteField(f); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: c.hbuf.Bytes(),
		EndHeaders: true, EndStream: r.end && len(r.frames) == 0}); err != nil {
		c.t.Fatal(err)
	}
	for i, f := range r.frames {
		if err := c.fr.WriteData(id, r.end && i == len(r.frames)-1, f); err != nil {
			c.t.Fatal(err)
		}
	}
	if r.reset {
		if err := c.fr.WriteRSTStream(id, http2.ErrCodeCancel); err != nil {
			c.t.Fatal(err)
		}
		return 0, false
	}
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			c.t.Fatalf("%s: reading the answer: %v", r.method, err)
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				c.fr.WriteSettingsAck()
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				c.fr.WritePing(true, f.Data)
			}
		case *http2.GoAwayFrame:
			c.t.Fatalf("%s: the server went away: %v", r.method, f.ErrCode)
		case *http2.RSTStreamFrame:
			if f.StreamID == id {
				c.t.Logf("%s: the server reset the stream (%v) without a status", r.method, f.ErrCode)
				return 0, false
			}
		case *http2.MetaHeadersFrame:
			if f.StreamID != id || !f.StreamEnded() {
				continue
			}
			for _, h := range f.Fields {
				if h.Name == "grpc-status" {
					n, err := strconv.Atoi(h.Value)
					if err != nil {
						c.t.Fatalf("%s: grpc-status %q", r.method, h.Value)
					}
					return codes.Code(n), true
				}
			}
			c.t.Fatalf("%s: trailers without a grpc-status: %v", r.method, f.Fields)
		}
	}
}

// A countMode is how the server under test counts, for the tests of
// requests grpc cannot read.
type countMode struct {
	name   string
	m      mode
	holder bool // WithContextHolder
}

var countModes = []countMode{
	{"interceptors", viaInterceptors, false},
	{"interceptors+holder", viaInterceptors, true},
	{"stats", viaStats, false},
	{"both", viaBoth, false},
}

// none stands for a call a mode never sees, so counts nothing.
const none slo.Outcome = 255

// tally counts the outcomes DefaultClassify gives, so that the tests can
// count the excluded calls, which the registry does not keep.
type tally struct {
	mu    sync.Mutex
	n     map[slo.Outcome]int
	calls []slogrpc.Call
}

func (ty *tally) option() slogrpc.Option {
	ty.n = map[slo.Outcome]int{}
	return slogrpc.WithClassify(func(c slogrpc.Call) slo.Outcome {
		out := slogrpc.DefaultClassify(c)
		ty.mu.Lock()
		defer ty.mu.Unlock()
		ty.n[out]++
		ty.calls = append(ty.calls, c)
		return out
	})
}

func (ty *tally) excluded() int {
	ty.mu.Lock()
	defer ty.mu.Unlock()
	return ty.n[slo.Excluded]
}

// expect adds to want the events of one call to Check or Watch with
// outcome out.
func expect(want map[string]counts, method string, out slo.Outcome) {
	j := "health"
	if method == watch {
		j = "watch"
	}
	switch out {
	case slo.Good:
		addTo(want, j+"/availability", 1, 0)
		addTo(want, j+"/latency", 1, 0)
	case slo.Untimed:
		addTo(want, j+"/availability", 1, 0)
	case slo.Bad:
		addTo(want, j+"/availability", 0, 1)
		addTo(want, j+"/latency", 0, 1)
	}
}

func addTo(m map[string]counts, k string, good, bad uint64) {
	m[k] = counts{m[k].Good + good, m[k].Bad + bad}
}

// TestUnreadableRequests sends a real grpc server on loopback, frame by
// frame, the requests an attacker would: bytes that do not decode, a
// compressed flag with no grpc-encoding, an encoding the server lacks, a
// length prefix longer than the body, a message over the server's limit,
// no message or two, a body that never comes before the deadline, a reset.
// grpc answers them itself with Internal, Unknown, Unimplemented,
// ResourceExhausted..., the codes of a failing handler. None may count
// bad: each mode counts them excluded, or does not see them at all, except
// where the package documentation says a mode cannot tell them from a
// handler's failure (streams under the stats handler alone or the plain
// interceptors; a unary request followed by a second message under the
// stats handler alone). A handler's own Internal still counts bad.
func TestUnreadableRequests(t *testing.T) {
	type outcomes [4]slo.Outcome // by countModes: interceptors, +holder, stats, both
	var (
		ignored  = outcomes{none, none, slo.Excluded, slo.Excluded}
		readable = func(o slo.Outcome) outcomes { return outcomes{o, o, o, o} }
		// A stream's handler receives its request: the interceptors see
		// the failure, and tell it only when they wrap the stream.
		streamed = func(byCode slo.Outcome) outcomes { return outcomes{byCode, slo.Excluded, byCode, slo.Excluded} }
	)
	const msgLimit = 1024
	garbage := []byte{0x0a, 0x05, 'a'} // field 1 claims 5 bytes and has 1
	empty := message(0, 0, nil)        // a HealthCheckRequest{}, valid
	calls := []struct {
		name string
		req  request
		code codes.Code // what the client is told
		want outcomes
	}{
		// First a readable call, so that the interceptors beside the stats
		// handler have shown themselves (see "both" in the package doc).
		{"unary: a readable request", request{method: check, frames: [][]byte{empty}, end: true}, codes.OK, readable(slo.Good)},
		{"unary: the handler's own Internal", request{method: check, frames: [][]byte{valid(t, "code=13")}, end: true}, codes.Internal, readable(slo.Bad)},

		{"unary: bytes that do not decode", request{method: check, frames: [][]byte{message(0, len(garbage), garbage)}, end: true}, codes.Internal, ignored},
		{"unary: compressed flag, no grpc-encoding", request{method: check, frames: [][]byte{message(1, 2, []byte{0x0a, 0})}, end: true}, codes.Internal, ignored},
		{"unary: an encoding the server lacks", request{method: check, header: []hpack.HeaderField{{Name: "grpc-encoding", Value: "x-none"}},
			frames: [][]byte{message(1, 2, []byte{0x0a, 0})}, end: true}, codes.Unimplemented, ignored},
		{"unary: length prefix longer than the body", request{method: check, frames: [][]byte{message(0, 100, []byte{0x0a, 0})}, end: true}, codes.Internal, ignored},
		{"unary: over the server's limit", request{method: check, frames: [][]byte{message(0, 2*msgLimit, make([]byte, 2*msgLimit))}, end: true}, codes.ResourceExhausted, ignored},
		{"unary: no message", request{method: check, end: true}, codes.Internal, ignored},
		// At the deadline grpc's transport resets the stream, racing the
		// status DeadlineExceeded: the client gets one or the other, and
		// grpc's stats.End Canceled or DeadlineExceeded. (Over a stream,
		// that race makes the plain modes count it bad or excluded, which
		// is why no stream case here waits for a deadline.)
		{"unary: no body before the deadline", request{method: check, header: []hpack.HeaderField{{Name: "grpc-timeout", Value: "20m"}}}, codes.DeadlineExceeded, ignored},
		{"unary: reset by the client", request{method: check, frames: [][]byte{message(0, 10, []byte{0x0a})}, reset: true}, 0, ignored},
		// grpc refuses these after it decoded the request, which the stats
		// handler alone cannot tell from a handler's failure.
		{"unary: two messages", request{method: check, frames: [][]byte{empty, empty}, end: true}, codes.Internal,
			outcomes{none, none, slo.Bad, slo.Excluded}},
		{"unary: a message, then one cut short", request{method: check, frames: [][]byte{empty, message(0, 10, nil)}, end: true}, codes.Internal,
			outcomes{none, none, slo.Bad, slo.Excluded}},

		{"stream: a readable request", request{method: watch, frames: [][]byte{empty}, end: true}, codes.OK, readable(slo.Untimed)},
		{"stream: the handler's own Internal", request{method: watch, frames: [][]byte{valid(t, "code=13")}, end: true}, codes.Internal, readable(slo.Bad)},
		{"stream: bytes that do not decode", request{method: watch, frames: [][]byte{message(0, len(garbage), garbage)}, end: true}, codes.Internal, streamed(slo.Bad)},
		{"stream: compressed flag, no grpc-encoding", request{method: watch, frames: [][]byte{message(1, 2, []byte{0x0a, 0})}, end: true}, codes.Internal, streamed(slo.Bad)},
		{"stream: length prefix longer than the body", request{method: watch, frames: [][]byte{message(0, 100, []byte{0x0a, 0})}, end: true}, codes.Internal, streamed(slo.Bad)},
		{"stream: over the server's limit", request{method: watch, frames: [][]byte{message(0, 2*msgLimit, make([]byte, 2*msgLimit))}, end: true}, codes.ResourceExhausted, streamed(slo.Untimed)},
		{"stream: no message", request{method: watch, end: true}, codes.Internal, streamed(slo.Bad)},
		{"stream: two messages", request{method: watch, frames: [][]byte{empty, empty}, end: true}, codes.Internal, streamed(slo.Bad)},
		// grpc refuses an encoding it lacks before any interceptor runs.
		{"stream: an encoding the server lacks", request{method: watch, header: []hpack.HeaderField{{Name: "grpc-encoding", Value: "x-none"}},
			frames: [][]byte{message(1, 2, []byte{0x0a, 0})}, end: true}, codes.Unimplemented, outcomes{none, none, slo.Bad, slo.Excluded}},
	}
	for i, cm := range countModes {
		t.Run("mode="+cm.name, func(t *testing.T) {
			var ty tally
			opts := []slogrpc.Option{slogrpc.WithMethods(methods), ty.option()}
			if cm.holder {
				opts = append(opts, slogrpc.WithContextHolder())
			}
			lis, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			e := newEnvOn(t, lis, cm.m, objectives, []grpc.ServerOption{grpc.MaxRecvMsgSize(msgLimit)}, opts...)
			c := dialH2(t, e.addr)
			want := map[string]counts{}
			excluded := 0
			for _, call := range calls {
				code, answered := c.do(call.req)
				if !answered && !call.req.reset {
					t.Logf("%s: reset", call.name)
				}
				if answered && code != call.code {
					t.Errorf("%s: the server answered %v, want %v", call.name, code, call.code)
				}
				e.wait(t)
				out := call.want[i]
				expect(want, call.req.method, out)
				if out == slo.Excluded {
					excluded++
				}
				if d := diff(e.totals(), want); d != "" {
					t.Errorf("%s: events:%s", call.name, d)
					want = e.totals() // report each call's own difference
				}
			}
			if got := ty.excluded(); got != excluded {
				t.Errorf("%d calls excluded, want %d", got, excluded)
			}
		})
	}
}

// TestUnaryInterceptorOnly: beside the stats handler, the unary
// interceptor alone tells the stats handler about unary calls only; its
// streams are judged as by the stats handler alone, so a stream's own
// failure still counts bad rather than passing for one grpc refused.
func TestUnaryInterceptorOnly(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var ty tally
	e := newEnvOn(t, lis, viaStatsUnary, objectives, nil, slogrpc.WithMethods(methods), ty.option())
	c := dialH2(t, e.addr)
	empty := message(0, 0, nil)
	for _, call := range []struct {
		req  request
		code codes.Code
	}{
		{request{method: check, frames: [][]byte{empty}, end: true}, codes.OK},                     // good
		{request{method: check, frames: [][]byte{empty, empty}, end: true}, codes.Internal},        // excluded: never reached ic.Unary
		{request{method: watch, frames: [][]byte{valid(t, "code=13")}, end: true}, codes.Internal}, // bad: the handler's
		{request{method: watch, frames: [][]byte{empty}, end: true}, codes.OK},                     // untimed
	} {
		if code, _ := c.do(call.req); code != call.code {
			t.Errorf("%s: the server answered %v, want %v", call.req.method, code, call.code)
		}
		e.wait(t)
	}
	want := map[string]counts{"health/availability": {1, 0}, "health/latency": {1, 0}, "watch/availability": {1, 1}, "watch/latency": {0, 1}}
	if d := diff(e.totals(), want); d != "" {
		t.Errorf("events:%s", d)
	}
	if got := ty.excluded(); got != 1 {
		t.Errorf("%d calls excluded, want 1", got)
	}
}

// TestGarbageFlood: a thousand unreadable calls, as anyone can send
// without credentials, leave the checkout journey's budget untouched under
// the stats handler, where they used to burn it at hundreds of times the
// sustainable rate; a handler's failures among them still count.
func TestGarbageFlood(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvOn(t, lis, viaStats, objectives, nil, slogrpc.WithMethods(methods))
	c := dialH2(t, e.addr)
	garbage := [][]byte{
		message(0, 3, []byte{0x0a, 0x05, 'a'}),
		message(1, 2, []byte{0x0a, 0}),
		message(0, 100, []byte{0x0a, 0}),
	}
	const n = 1000
	for i := 0; i < n; i++ {
		c.do(request{method: check, frames: [][]byte{garbage[i%len(garbage)]}, end: true})
		e.wait(t)
	}
	for i := 0; i < 10; i++ {
		c.do(request{method: check, frames: [][]byte{message(0, 0, nil)}, end: true})
		e.wait(t)
	}
	c.do(request{method: check, frames: [][]byte{valid(t, "code=13")}, end: true})
	e.wait(t)
	want := map[string]counts{"health/availability": {10, 1}, "health/latency": {10, 1}}
	if d := diff(e.totals(), want); d != "" {
		t.Errorf("after %d unreadable calls, 10 good and 1 failing: events:%s", n, d)
	}
}

// TestMinDeadline: a call that ends DeadlineExceeded counts bad by
// default, and with WithMinDeadline is excluded when its client gave it
// less than the minimum, whether the deadline came from a grpc client or a
// raw grpc-timeout header. Its other outcomes count as usual, and a call
// with a deadline at least the minimum, or none, counts bad.
func TestMinDeadline(t *testing.T) {
	type result struct {
		out   slo.Outcome
		short bool // Call.ShortDeadline as the classifier saw it
	}
	// raw sends a Check with spec and grpc-timeout timeout; client calls
	// Check with spec on a grpc client, with a deadline d unless 0.
	raw := func(timeout, spec string) func(*testing.T, *env, *h2) {
		return func(t *testing.T, e *env, c *h2) {
			c.do(request{method: check, header: []hpack.HeaderField{{Name: "grpc-timeout", Value: timeout}},
				frames: [][]byte{valid(t, spec)}, end: true})
		}
	}
	client := func(d time.Duration, spec string) func(*testing.T, *env, *h2) {
		return func(t *testing.T, e *env, _ *h2) {
			ctx := context.Background()
			if d > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, d)
				defer cancel()
			}
			e.client.Check(ctx, &healthpb.HealthCheckRequest{Service: spec})
		}
	}
	for _, cm := range countModes {
		if cm.holder {
			continue
		}
		for _, tc := range []struct {
			name string
			min  time.Duration // WithMinDeadline, unless 0
			do   func(*testing.T, *env, *h2)
			want result
		}{
			{"no minimum: 20 ms, out of time", 0, raw("20m", "deadline"), result{slo.Bad, false}},
			{"no minimum: client's 100 ms, out of time", 0, client(100*time.Millisecond, "deadline"), result{slo.Bad, false}},
			{"1s minimum: 20 ms, out of time", time.Second, raw("20m", "deadline"), result{slo.Excluded, true}},
			{"1s minimum: client's 100 ms, out of time", time.Second, client(100*time.Millisecond, "deadline"), result{slo.Excluded, true}},
			{"1s minimum: client's 500 ms, DeadlineExceeded at once", time.Second, client(500*time.Millisecond, "code=4"), result{slo.Excluded, true}},
			{"1s minimum: 500 ms, answered", time.Second, raw("500m", ""), result{slo.Good, true}},
			{"1s minimum: 500 ms, Internal", time.Second, raw("500m", "code=13"), result{slo.Bad, true}},
			{"1s minimum: client's 10 s, DeadlineExceeded", time.Second, client(10*time.Second, "code=4"), result{slo.Bad, false}},
			{"1s minimum: no deadline, DeadlineExceeded", time.Second, client(0, "code=4"), result{slo.Bad, false}},
		} {
			t.Run("mode="+cm.name+"/"+tc.name, func(t *testing.T) {
				var ty tally
				opts := []slogrpc.Option{slogrpc.WithMethods(methods), ty.option()}
				if tc.min > 0 {
					opts = append(opts, slogrpc.WithMinDeadline(tc.min))
				}
				lis, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				e := newEnvOn(t, lis, cm.m, objectives, nil, opts...)
				tc.do(t, e, dialH2(t, e.addr))
				e.wait(t)
				want := map[string]counts{}
				expect(want, check, tc.want.out)
				if d := diff(e.totals(), want); d != "" {
					t.Errorf("events:%s", d)
				}
				ty.mu.Lock()
				defer ty.mu.Unlock()
				if len(ty.calls) != 1 {
					t.Fatalf("the classifier saw %d calls, want 1", len(ty.calls))
				}
				if c := ty.calls[0]; c.ShortDeadline != tc.want.short || ty.n[tc.want.out] != 1 {
					t.Errorf("the classifier saw ShortDeadline %v and returned %v; want %v and %v", c.ShortDeadline, ty.n, tc.want.short, tc.want.out)
				}
			})
		}
	}
}

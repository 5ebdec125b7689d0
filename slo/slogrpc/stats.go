package slogrpc

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"

	"github.com/journeyslo/journeyslo/internal/holder"
	"github.com/journeyslo/journeyslo/slo"
)

// statsInUse is set once any Interceptor has handed out its stats handler.
// Until then the interceptors skip looking for a stats handler's call in
// the context, so that a server with interceptors only pays nothing for
// the check that prevents double counting.
var statsInUse atomic.Bool

// StatsHandler returns a grpc stats.Handler, for grpc.StatsHandler, that
// records one event for every call the server answers:
//
//	srv := grpc.NewServer(grpc.StatsHandler(ic.StatsHandler()))
//
// It sees what the interceptors cannot: a unary call whose request fails
// to decode (grpc answers Internal before any interceptor runs), which it
// marks [Call.RecvFailed] and [DefaultClassify] excludes, and a call to a
// method the server does not register (grpc answers Unimplemented
// itself). Such a call counts for the journey [WithMethods] maps its full
// method name to, else for slo.Unmatched; Call.UnknownMethod tells a
// classifier which calls had no method.
//
// The event's status is the one the server sent, taken from stats.End, and
// its latency runs from grpc's stats.Begin to its stats.End (on a clock
// other than the real one, from TagRPC to End): decoding, interceptors,
// handler and the final status. The code serving a call can use
// [SetJourney], [MarkBad] and [Exclude] without [WithContextHolder]: the
// stats handler's per-call state is the holder. A call whose handler
// panics reaches stats.End only through a recovery interceptor, and the
// status that interceptor answers is the event's (Internal is bad).
//
// A server uses the stats handler, the interceptors or both. Installed
// together, with the same registry, the interceptors find the stats
// handler's call in the context and pass the call through uncounted, so
// each call is still one event, and they tell the stats handler what it
// cannot see alone: which calls reached them, and whether a stream's
// receives failed. Put them first in their chains then (see "Requests grpc
// cannot read" in the package documentation), and call StatsHandler once
// per server: the handler learns whether its server has the interceptors.
// The stats handler is for servers only: on a client it counts nothing.
//
// Its cost is one allocation per call (the per-call state, which is also
// the context the handler gets) and one map lookup of the method name, as
// for the interceptors; grpc itself builds seven events per unary call for
// any stats handler, which is why the interceptors remain the cheaper
// choice for a server that can do without these calls. It is safe for
// concurrent use.
func (ic *Interceptor) StatsHandler() stats.Handler {
	statsInUse.Store(true)
	return &statsHandler{ic: ic}
}

// statsHandler is the stats.Handler of one server.
type statsHandler struct {
	ic *Interceptor
	// unaryPaired and streamPaired are set once a unary or stream
	// interceptor of the registry has passed on a call this handler
	// counts: from then on, a call of that kind that they never saw is one
	// grpc refused before them. They are the handler's, not the
	// Interceptor's, so that a server with the stats handler alone judges
	// its calls alone, whatever another server of the program installs,
	// and one per kind, so that a server with the unary interceptor alone
	// judges its streams as the stats handler does alone.
	unaryPaired, streamPaired atomic.Bool
}

// Stages of a call, in its stage field.
const (
	tagged   uint32 = iota // TagRPC ran
	begun                  // grpc found the method and began serving it
	recorded               // its event is in
)

// call is the stats handler's state of one RPC. It is the context grpc
// passes on to every later event and to the handler, so that one
// allocation carries the state, the holder and the context.
type call struct {
	holder.Holder
	h       *statsHandler
	method  string
	journey *slo.Journey  // from WithMethods, else slo.Unmatched
	start   time.Duration // on a clock other than the real one
	stage   atomic.Uint32
	flags   atomic.Uint32 // what grpc and the interceptors saw of the call
	// stream is the stream the stream interceptors were handed, which
	// they pass on as a callStream.
	stream grpc.ServerStream
	// streaming and clientStream are written by Begin and read later on
	// the goroutine that serves the call or ones it starts.
	streaming, clientStream bool
}

// Flags of a call.
const (
	decoded    uint32 = 1 << iota // grpc decoded a request message (stats.InPayload)
	served                        // interceptors of the registry passed the call on
	recvFailed                    // a RecvMsg of the stream failed on what the client sent
)

type callKey struct{}

// Value returns c for the call's key, and otherwise what its holder
// returns: itself for the holder's key, the parent's value for any other.
func (c *call) Value(k any) any {
	if k == (callKey{}) {
		return c
	}
	return c.Holder.Value(k)
}

// callOf returns the stats handler's call in ctx, or nil. grpc passes the
// context TagRPC returned to most events, so the type assertion answers
// without walking the context; stats.End and the handler get it wrapped.
func callOf(ctx context.Context) *call {
	if c, ok := ctx.(*call); ok {
		return c
	}
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

// counted returns the stats handler's call of the call being served with
// ctx when the stats handler of a registry's Interceptor counts it, so
// that the interceptors must not count it again; nil otherwise.
func (ic *Interceptor) counted(ctx context.Context) *call {
	if !statsInUse.Load() {
		return nil
	}
	if c := callOf(ctx); c != nil && c.h.ic.reg == ic.reg {
		return c
	}
	return nil
}

// pass notes that the interceptors saw the call: grpc did receive its
// request, and the stats handler has interceptors of the call's kind
// beside it.
func (c *call) pass() {
	c.flags.Or(served)
	if p := c.paired(); !p.Load() { // read first: one write per server, not per call
		p.Store(true)
	}
}

// paired returns the flag that says whether interceptors of the call's
// kind run beside the stats handler.
func (c *call) paired() *atomic.Bool {
	if c.streaming {
		return &c.h.streamPaired
	}
	return &c.h.unaryPaired
}

// watch notes that the interceptors saw the stream and returns ss as the
// call's callStream, which notes whether receiving the client's messages
// fails. A second interceptor of the registry in the same chain gets ss
// as it is.
func (c *call) watch(ss grpc.ServerStream) grpc.ServerStream {
	if c.flags.Load()&served != 0 {
		return ss
	}
	c.pass()
	c.stream = ss
	return (*callStream)(c)
}

// callStream is a call seen as the stream the stream interceptors pass on:
// the stream they were handed, with its failed receives noted in the
// call's flags. Being the call, it costs no allocation.
type callStream call

func (s *callStream) Context() context.Context        { return s.stream.Context() }
func (s *callStream) SetHeader(md metadata.MD) error  { return s.stream.SetHeader(md) }
func (s *callStream) SendHeader(md metadata.MD) error { return s.stream.SendHeader(md) }
func (s *callStream) SetTrailer(md metadata.MD)       { s.stream.SetTrailer(md) }
func (s *callStream) SendMsg(m any) error             { return s.stream.SendMsg(m) }

// RecvMsg receives a message and notes a failure that is the client's.
func (s *callStream) RecvMsg(m any) error {
	err := s.stream.RecvMsg(m)
	if err != nil && err != io.EOF && recvFailure(err, s.clientStream) {
		s.flags.Or(recvFailed)
	}
	return err
}

// errUnknownMethod stands for the status grpc sends for a method the
// server does not have, which no stats event carries.
var errUnknownMethod = status.Error(codes.Unimplemented, "slogrpc: the server registers no such method")

// TagRPC starts the call's state and resolves its journey from the method
// map.
func (h *statsHandler) TagRPC(ctx context.Context, info *stats.RPCTagInfo) context.Context {
	ic := h.ic
	j, ok := ic.methods[info.FullMethodName]
	if !ok {
		j = ic.unmatched
	}
	c := &call{h: h, method: info.FullMethodName, journey: j}
	holder.Init(&c.Holder, ctx, ic.reg)
	if ic.timed && !ic.watch.Real() {
		c.start = ic.watch.Elapsed()
	}
	return c
}

// HandleRPC records the call's event at its end: at stats.End, or, for a
// method the server does not have, at the trailer that carries grpc's
// Unimplemented, since no stats.End follows.
func (h *statsHandler) HandleRPC(ctx context.Context, s stats.RPCStats) {
	switch s := s.(type) {
	case *stats.Begin:
		if c := callOf(ctx); c != nil && !s.Client {
			c.streaming, c.clientStream = s.IsClientStream || s.IsServerStream, s.IsClientStream
			c.stage.Store(begun)
		}
	case *stats.InPayload:
		if c := callOf(ctx); c != nil && !s.Client && c.flags.Load()&decoded == 0 {
			c.flags.Or(decoded)
		}
	case *stats.OutTrailer:
		// Every call the server answers sends a trailer; one that grpc
		// did not begin serving is a method it does not have.
		if c := callOf(ctx); c != nil && c.stage.CompareAndSwap(tagged, recorded) {
			c.record(ctx, Call{Err: errUnknownMethod, Code: codes.Unimplemented, UnknownMethod: true}, 0)
		}
	case *stats.End:
		if s.Client {
			return
		}
		c := callOf(ctx)
		if c == nil || c.stage.Swap(recorded) == recorded {
			return
		}
		var d time.Duration
		if c.h.ic.timed {
			if c.h.ic.watch.Real() {
				d = s.EndTime.Sub(s.BeginTime) // grpc read the clock already
			} else {
				d = c.h.ic.watch.Elapsed() - c.start
			}
		}
		cl := Call{Err: s.Error, Code: codeOf(s.Error), Streaming: c.streaming, RecvFailed: c.recvFailed(s.Error)}
		if least := c.h.ic.minDeadline; least > 0 {
			if dl, ok := ctx.Deadline(); ok {
				cl.ShortDeadline = dl.Sub(s.BeginTime) < least // grpc read the clock at Begin
			}
		}
		c.record(ctx, cl, d)
	}
}

// recvFailed reports whether grpc could not receive the call's request,
// the call ending with err. A unary call's request is decoded before any
// interceptor or handler runs: one that ends in an error with no request
// decoded ended on what the client sent. With the registry's interceptors
// beside the stats handler, a call they never saw was refused by grpc
// before them (this also catches a unary request followed by a second
// message, which grpc refuses after decoding the first), and a stream
// they saw tells whether receiving failed.
func (c *call) recvFailed(err error) bool {
	f := c.flags.Load()
	switch {
	case f&recvFailed != 0:
		return true
	case err == nil:
		return false
	case f&served == 0 && c.paired().Load():
		return true
	}
	return !c.streaming && f&decoded == 0
}

// record resolves the call's journey, classifies it and records it, as the
// interceptors do.
func (c *call) record(ctx context.Context, cl Call, d time.Duration) {
	cl.FullMethod = c.method
	j, out := c.h.ic.settle(ctx, cl, &c.Holder, c.journey)
	j.Put(out, d) // grpc measured d; a journey without latency objectives ignores it
}

// TagConn returns ctx: the stats handler keeps nothing per connection.
func (h *statsHandler) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}

// HandleConn does nothing: connections are no events.
func (h *statsHandler) HandleConn(context.Context, stats.ConnStats) {}

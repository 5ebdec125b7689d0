package slogrpc

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/journeyslo/journeyslo/internal/holder"
	"github.com/journeyslo/journeyslo/internal/stopwatch"
	"github.com/journeyslo/journeyslo/slo"
)

// An Option configures the [Interceptor] built by [New].
type Option func(*options)

type options struct {
	methods   map[string]string
	journeyFn func(ctx context.Context, fullMethod string) string
	classify  func(Call) slo.Outcome
	holder    bool
	errs      []error
}

// WithMethods maps full method names, such as
// "/shop.v1.Checkout/PlaceOrder", to journeys. Every journey must be
// declared by the registry's objectives, and every key must be a full
// method name, or [New] fails. Several WithMethods add up; a method given
// twice keeps the last journey. The default is no map: every call is
// unmatched unless the handler or [WithJourneyFunc] names its journey.
func WithMethods(methods map[string]string) Option {
	return func(o *options) {
		if o.methods == nil {
			o.methods = map[string]string{}
		}
		maps.Copy(o.methods, methods)
	}
}

// WithJourneyFunc names the journey of a call from its context (metadata,
// say) and full method name. The interceptor calls f after the handler
// returned, unless the handler set the journey itself; an empty name falls
// back to [WithMethods], and a name no objective declares counts for
// slo.Unmatched. f must be safe for concurrent use. The default is no
// function.
func WithJourneyFunc(f func(ctx context.Context, fullMethod string) string) Option {
	return func(o *options) {
		if f == nil {
			o.errs = append(o.errs, fmt.Errorf("%w: slogrpc: WithJourneyFunc(nil); pass a function or leave the option out", slo.ErrInvalid))
		}
		o.journeyFn = f
	}
}

// WithClassify replaces [DefaultClassify]. To change one rule, call
// DefaultClassify for the others:
//
//	slogrpc.WithClassify(func(c slogrpc.Call) slo.Outcome {
//		if c.Code == codes.ResourceExhausted { // our own rate limiter
//			return slo.Bad
//		}
//		return slogrpc.DefaultClassify(c)
//	})
//
// f must be safe for concurrent use. The default is DefaultClassify.
func WithClassify(f func(Call) slo.Outcome) Option {
	return func(o *options) {
		if f == nil {
			o.errs = append(o.errs, fmt.Errorf("%w: slogrpc: WithClassify(nil); pass a function or leave the option out", slo.ErrInvalid))
		}
		o.classify = f
	}
}

// WithContextHolder puts a holder in each call's context, so that the
// handler can call [SetJourney], [MarkBad] and [Exclude] (or their
// slohttp.SetJourneyContext forms: the holder is the same). It costs
// one allocation per unary call and two per stream, which is why it is off
// by default. Under [Interceptor.StatsHandler] it is not needed: the stats
// handler's per-call state is a holder already.
func WithContextHolder() Option {
	return func(o *options) { o.holder = true }
}

// A Call is what the interceptor saw of one RPC, for a classifier (see
// [WithClassify]) to judge.
type Call struct {
	// FullMethod is the method called, as "/package.Service/Method".
	FullMethod string
	// Journey is the name of the journey the call was resolved to.
	Journey string
	// Streaming reports whether the RPC is a stream (client, server or
	// bidirectional); its one event comes from its final status.
	Streaming bool
	// Code is the status code the server sends for the handler's error, as
	// grpc derives it: the error's own status, Canceled or DeadlineExceeded
	// for context errors, Unknown for any other error, OK for none. Under
	// the stats handler it is the code of the status the server sent.
	Code codes.Code
	// Err is the error the handler returned; under the stats handler, the
	// status error the server sent (stats.End's), nil for OK.
	Err error
	// UnknownMethod reports a call to a method the server does not
	// register, which grpc answers Unimplemented without running any
	// handler or interceptor. Only the stats handler sees such calls.
	UnknownMethod bool
	// Panicked reports whether the handler panicked; Panic is the value.
	// The interceptor panics again with it after recording the event.
	Panicked bool
	Panic    any
	// Mark is slo.Bad or slo.Excluded when the handler called
	// [MarkBad] or [Exclude], the last call winning, and slo.Good
	// when it called neither.
	Mark slo.Outcome
}

// DefaultClassify is the classifier the interceptor uses unless
// [WithClassify] replaces it. It follows OpenTelemetry's server-error set:
//
//   - A panic is Bad.
//   - The handler's mark, Bad or Excluded, comes next.
//   - Canceled is Excluded: the client gave up.
//   - Unknown, DeadlineExceeded, Unimplemented, Internal, Unavailable and
//     DataLoss are Bad: the server failed.
//   - Every other code is good, OK and the errors that are the client's
//     (InvalidArgument, NotFound, PermissionDenied, ...). A good stream is
//     Untimed: how long it lasted is how long the conversation was open.
func DefaultClassify(c Call) slo.Outcome {
	switch {
	case c.Panicked:
		return slo.Bad
	case c.Mark != slo.Good:
		return c.Mark
	}
	switch c.Code {
	case codes.Canceled:
		return slo.Excluded
	case codes.Unknown, codes.DeadlineExceeded, codes.Unimplemented, codes.Internal, codes.Unavailable, codes.DataLoss:
		return slo.Bad
	}
	if c.Streaming {
		return slo.Untimed
	}
	return slo.Good
}

// An Interceptor turns every RPC a gRPC server serves into one event of a
// journeyslo registry, through its [Interceptor.Unary] and
// [Interceptor.Stream] methods:
//
//	srv := grpc.NewServer(
//		grpc.ChainUnaryInterceptor(ic.Unary),
//		grpc.ChainStreamInterceptor(ic.Stream),
//	)
//
// The journey of a call is the first of: the one its handler set with
// [SetJourney]; the one a [WithJourneyFunc] function names; the one
// [WithMethods] maps its full method name to; else slo.Unmatched, which
// counts the call once and creates no series. Calls to methods the server
// does not register, and unary calls whose request fails to decode, never
// reach interceptors and are not counted by them; [Interceptor.StatsHandler]
// counts them.
//
// Place it after any interceptor that recovers panics, so that it sees
// them and counts them bad. An Interceptor is safe for concurrent use.
// The zero value is not usable; create one with [New].
type Interceptor struct {
	reg       *slo.Registry
	watch     stopwatch.Stopwatch
	timed     bool
	methods   map[string]*slo.Journey
	unmatched *slo.Journey
	journeyFn func(context.Context, string) string
	classify  func(Call) slo.Outcome
	holder    bool
}

// New returns an Interceptor that records into reg. It reports every
// misconfiguration, wrapping slo.ErrInvalid: a nil registry, a method map
// naming a journey no objective declares or a key that is not a full
// method name, a nil function. The interceptor never fails a call.
func New(reg *slo.Registry, opts ...Option) (*Interceptor, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if reg == nil {
		o.errs = append(o.errs, fmt.Errorf("%w: slogrpc: nil registry; pass the *slo.Registry from slo.New", slo.ErrInvalid))
		return nil, errors.Join(o.errs...)
	}
	methods := map[string]*slo.Journey{}
	keys := make([]string, 0, len(o.methods))
	for k := range o.methods {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, m := range keys {
		name := o.methods[m]
		if svc, method, ok := strings.Cut(strings.TrimPrefix(m, "/"), "/"); !strings.HasPrefix(m, "/") || !ok || svc == "" || method == "" || strings.Contains(method, "/") {
			o.errs = append(o.errs, fmt.Errorf("%w: slogrpc: WithMethods: %q is not a full method name; write \"/package.Service/Method\"", slo.ErrInvalid, m))
			continue
		}
		j := reg.Journey(name)
		if j.Name() == slo.Unmatched {
			o.errs = append(o.errs, fmt.Errorf("%w: slogrpc: WithMethods: %q maps to journey %q, which no objective declares; declare it, or use one of %q",
				slo.ErrInvalid, m, name, reg.Journeys()))
			continue
		}
		methods[m] = j
	}
	if len(o.errs) > 0 {
		return nil, errors.Join(o.errs...)
	}
	return &Interceptor{
		reg:       reg,
		watch:     stopwatch.New(reg.Clock()),
		timed:     reg.NeedsLatency(),
		methods:   methods,
		unmatched: reg.Journey(slo.Unmatched),
		journeyFn: o.journeyFn,
		classify:  o.classify,
		holder:    o.holder,
	}, nil
}

// Unary is a grpc.UnaryServerInterceptor: it serves the call with handler
// and records its event, unless the stats handler of an Interceptor on the
// same registry counts the call (see [Interceptor.StatsHandler]).
func (ic *Interceptor) Unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	if ic.counted(ctx) {
		return handler(ctx, req)
	}
	var start time.Duration
	if ic.timed {
		start = ic.watch.Elapsed()
	}
	var hold *holder.Holder
	if ic.holder {
		hold = holder.New(ctx, ic.reg)
		ctx = hold
	}
	done := false
	defer func() {
		if !done {
			ic.abort(ctx, info.FullMethod, false, start, hold, recover())
		}
	}()
	resp, err = handler(ctx, req)
	done = true
	ic.record(ctx, Call{FullMethod: info.FullMethod, Err: err}, start, hold)
	return resp, err
}

// Stream is a grpc.StreamServerInterceptor: it serves the stream with
// handler and records one event, from its final status, unless the stats
// handler of an Interceptor on the same registry counts the stream.
func (ic *Interceptor) Stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx := ss.Context()
	if ic.counted(ctx) {
		return handler(srv, ss)
	}
	var start time.Duration
	if ic.timed {
		start = ic.watch.Elapsed()
	}
	var hold *holder.Holder
	if ic.holder {
		hold = holder.New(ctx, ic.reg)
		ctx = hold
		ss = &holderStream{ServerStream: ss, ctx: hold}
	}
	done := false
	defer func() {
		if !done {
			ic.abort(ctx, info.FullMethod, true, start, hold, recover())
		}
	}()
	err := handler(srv, ss)
	done = true
	ic.record(ctx, Call{FullMethod: info.FullMethod, Streaming: true, Err: err}, start, hold)
	return err
}

// holderStream gives the stream's handler the context with the holder.
type holderStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *holderStream) Context() context.Context { return s.ctx }

// abort records the event of a handler that panicked with v, then panics
// again with v from inside the deferred call, so that the stack trace still
// shows where. A nil v is runtime.Goexit: nothing is recorded.
func (ic *Interceptor) abort(ctx context.Context, method string, streaming bool, start time.Duration, hold *holder.Holder, v any) {
	if v == nil {
		return
	}
	ic.record(ctx, Call{FullMethod: method, Streaming: streaming, Code: codes.Unknown, Panicked: true, Panic: v}, start, hold)
	panic(v)
}

// record resolves the call's journey, classifies it and records it.
func (ic *Interceptor) record(ctx context.Context, c Call, start time.Duration, hold *holder.Holder) {
	if !c.Panicked {
		c.Code = codeOf(c.Err)
	}
	j, out := ic.settle(ctx, c, hold, nil)
	var latency time.Duration
	if out == slo.Good && ic.timed && j.NeedsLatency() {
		latency = ic.watch.Elapsed() - start // read only when a latency objective judges it
	}
	ic.put(j, out, latency)
}

// settle resolves a call's journey and classifies the call, for the
// interceptors and the stats handler alike. The journey is the holder's
// (hold may be nil), else the WithJourneyFunc function's, else fallback, or
// when fallback is nil the WithMethods journey of the call's method, else
// unmatched.
func (ic *Interceptor) settle(ctx context.Context, c Call, hold *holder.Holder, fallback *slo.Journey) (*slo.Journey, slo.Outcome) {
	var j *slo.Journey
	if hold != nil {
		j = hold.Journey()
		switch hold.Marked() {
		case holder.Bad:
			c.Mark = slo.Bad
		case holder.Excluded:
			c.Mark = slo.Excluded
		}
	}
	if j == nil && ic.journeyFn != nil {
		if name := ic.journeyFn(ctx, c.FullMethod); name != "" {
			j = ic.reg.Journey(name)
		}
	}
	if j == nil {
		j = fallback
	}
	if j == nil {
		var ok bool
		if j, ok = ic.methods[c.FullMethod]; !ok {
			j = ic.unmatched
		}
	}
	if ic.classify != nil {
		c.Journey = j.Name()
		return j, ic.classify(c)
	}
	return j, DefaultClassify(c)
}

// put records one event of outcome out on j; latency counts only for a
// good event on a journey that judges it.
func (ic *Interceptor) put(j *slo.Journey, out slo.Outcome, latency time.Duration) {
	if !ic.timed || !j.NeedsLatency() {
		latency = 0
	}
	j.Put(out, latency)
}

// codeOf returns the code the server sends for a handler's error, derived
// as grpc's server derives it.
func codeOf(err error) codes.Code {
	if err == nil {
		return codes.OK
	}
	if s, ok := status.FromError(err); ok {
		return s.Code()
	}
	return status.FromContextError(err).Code()
}

// SetJourney makes the call being served with ctx count for the named
// journey, overriding [WithJourneyFunc] and [WithMethods]. It needs
// [WithContextHolder] or [Interceptor.StatsHandler], and reports whether
// the call now counts for the named journey: false, doing nothing, when
// ctx holds no holder, and false when no objective declares the name, the
// call then counting for slo.Unmatched. It is safe for concurrent use.
func SetJourney(ctx context.Context, journey string) bool {
	return holder.SetJourneyOf(ctx, journey)
}

// MarkBad makes the call being served with ctx count as bad whatever its
// status. See [SetJourney].
func MarkBad(ctx context.Context) bool { return holder.MarkOf(ctx, holder.Bad) }

// Exclude makes the call being served with ctx count for nothing: a
// synthetic probe. See [SetJourney].
func Exclude(ctx context.Context) bool { return holder.MarkOf(ctx, holder.Excluded) }

package slogrpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/journeyslo/journeyslo/internal/holder"
	"github.com/journeyslo/journeyslo/internal/invalid"
	"github.com/journeyslo/journeyslo/internal/stopwatch"
	"github.com/journeyslo/journeyslo/slo"
)

// An Option configures the [Interceptor] built by [New].
type Option func(*options)

type options struct {
	methods     map[string]string
	journeyFn   func(ctx context.Context, fullMethod string) string
	classify    func(Call) slo.Outcome
	holder      bool
	minDeadline time.Duration
	errs        []error
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
	return func(o *options) { o.journeyFn = f; o.refuse(f == nil, "WithJourneyFunc(nil)") }
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
	return func(o *options) { o.classify = f; o.refuse(f == nil, "WithClassify(nil)") }
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

// WithMinDeadline sets the shortest deadline a client may give a call for
// the call's DeadlineExceeded to count against the server: a call that
// arrives with less than d left before the deadline its client set (the
// grpc-timeout it sent) has [Call.ShortDeadline] set, and
// [DefaultClassify] excludes it when it ends DeadlineExceeded. Its other
// outcomes count as usual: a fast answer is good, an Internal is bad.
//
// The default is no minimum: every DeadlineExceeded is bad, since the
// library cannot know which deadline is reasonable for a method, and a
// server too slow for a reasonable deadline has failed. A deadline the
// client set too short is the client's choice, not the server's failure;
// d says where "too short" ends, typically the latency the journey's
// objective promises or a little less. d must be positive, or [New] fails.
//
// The deadline left is read when the call arrives: under the stats
// handler from grpc's own reading at stats.Begin, at no cost; under the
// interceptors, one reading of the real clock per call that carries a
// deadline (grpc's deadlines are on the real clock, whatever the
// registry's).
func WithMinDeadline(d time.Duration) Option {
	return func(o *options) {
		if d <= 0 {
			o.errs = append(o.errs, fmt.Errorf("%w: WithMinDeadline(%v); pass a positive duration, such as 50*time.Millisecond, or leave the option out", errInvalid, d))
		}
		o.minDeadline = d
	}
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
	// RecvFailed reports that grpc could not receive the call's request
	// from the client: bytes that do not decode, a message flagged
	// compressed without an encoding or in an encoding the server does
	// not have, a message over the server's receive limit, a body cut
	// short, no request message or more than one for a method that takes
	// one; for a method that takes one request, also a request that had
	// not arrived when the call ended (its deadline passed, the client
	// cancelled or went away), since grpc receives it before the handler
	// runs.
	// grpc answers such a call itself, with the codes a failing handler
	// returns (Internal, Unknown, Unimplemented, ResourceExhausted...);
	// RecvFailed tells them apart. When it is known depends on what
	// counts the call: see "Requests grpc cannot read" in the package
	// documentation.
	RecvFailed bool
	// ShortDeadline reports that the call arrived with less time left
	// before its client's deadline than [WithMinDeadline] asks; always
	// false without that option.
	ShortDeadline bool
}

// DefaultClassify is the classifier the interceptor uses unless
// [WithClassify] replaces it. It follows OpenTelemetry's server-error set,
// after setting aside the calls that measure the client rather than the
// server:
//
//   - A panic is Bad.
//   - The handler's mark, Bad or Excluded, comes next.
//   - A request grpc could not receive ([Call.RecvFailed]) is Excluded,
//     whatever code grpc answered: the client's bytes failed before the
//     service saw them, so the call says nothing of the service. Counting
//     it good, as a 4xx is over HTTP, would let a flood of garbage dilute
//     the server's real failures; counting it bad would let anyone burn
//     the budget without credentials.
//   - DeadlineExceeded of a call that arrived with less than
//     [WithMinDeadline] left is Excluded: the client chose a deadline the
//     server was never asked to meet.
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
	case c.RecvFailed:
		return slo.Excluded
	case c.ShortDeadline && c.Code == codes.DeadlineExceeded:
		return slo.Excluded
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
// counts the former and sets the latter aside (see "Requests grpc cannot
// read" in the package documentation).
//
// Place it after any interceptor that recovers panics, so that it sees
// them and counts them bad, and before any that refuses calls (an
// authenticator, a load shedder), so that it counts their refusals; beside
// the stats handler this matters more (see "Requests grpc cannot read" in
// the package documentation). An Interceptor is safe for concurrent use.
// The zero value is not usable; create one with [New].
type Interceptor struct {
	reg         *slo.Registry
	watch       stopwatch.Stopwatch
	timed       bool
	methods     map[string]*slo.Journey
	unmatched   *slo.Journey
	journeyFn   func(context.Context, string) string
	classify    func(Call) slo.Outcome
	holder      bool
	minDeadline time.Duration
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
		o.errs = append(o.errs, fmt.Errorf("%w: nil registry; pass the *slo.Registry from slo.New", errInvalid))
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
			o.errs = append(o.errs, fmt.Errorf("%w: WithMethods: %q is not a full method name; write \"/package.Service/Method\"", errInvalid, m))
			continue
		}
		j, ok := reg.Journey(name)
		if !ok {
			o.errs = append(o.errs, fmt.Errorf("%w: WithMethods: %q maps to journey %q, which no objective declares; declare it, or use one of %q",
				errInvalid, m, name, reg.Journeys()))
			continue
		}
		methods[m] = j
	}
	if len(o.errs) > 0 {
		return nil, errors.Join(o.errs...)
	}
	return &Interceptor{
		reg:         reg,
		watch:       stopwatch.New(reg.Clock()),
		timed:       stopwatch.Needed(reg),
		methods:     methods,
		unmatched:   fallback(reg),
		journeyFn:   o.journeyFn,
		classify:    o.classify,
		holder:      o.holder,
		minDeadline: o.minDeadline,
	}, nil
}

// Unary is a grpc.UnaryServerInterceptor: it serves the call with handler
// and records its event, unless the stats handler of an Interceptor on the
// same registry counts the call (see [Interceptor.StatsHandler]).
func (ic *Interceptor) Unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	if c := ic.counted(ctx); c != nil {
		c.pass()
		return handler(ctx, req)
	}
	var start time.Duration
	if ic.timed {
		start = ic.watch.Elapsed()
	}
	short := ic.shortDeadline(ctx)
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
	ic.record(ctx, Call{FullMethod: info.FullMethod, Err: err, ShortDeadline: short}, start, hold)
	return resp, err
}

// Stream is a grpc.StreamServerInterceptor: it serves the stream with
// handler and records one event, from its final status, unless the stats
// handler of an Interceptor on the same registry counts the stream.
func (ic *Interceptor) Stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx := ss.Context()
	if c := ic.counted(ctx); c != nil {
		return handler(srv, c.watch(ss))
	}
	var start time.Duration
	if ic.timed {
		start = ic.watch.Elapsed()
	}
	short := ic.shortDeadline(ctx)
	var hold *holder.Holder
	var ws *watchedStream
	if ic.holder {
		hold = holder.New(ctx, ic.reg)
		ctx = hold
		ws = &watchedStream{ServerStream: ss, ctx: hold, clientStream: info.IsClientStream}
		ss = ws
	}
	done := false
	defer func() {
		if !done {
			ic.abort(ctx, info.FullMethod, true, start, hold, recover())
		}
	}()
	err := handler(srv, ss)
	done = true
	ic.record(ctx, Call{FullMethod: info.FullMethod, Streaming: true, Err: err, ShortDeadline: short, RecvFailed: ws != nil && ws.failed.Load()}, start, hold)
	return err
}

// shortDeadline reports whether ctx, a call's context as it arrives, has
// less time left before its deadline than WithMinDeadline asks: one
// reading of the real clock, on which grpc sets deadlines, and only with
// the option.
func (ic *Interceptor) shortDeadline(ctx context.Context) bool {
	if ic.minDeadline <= 0 {
		return false
	}
	dl, ok := ctx.Deadline()
	return ok && time.Until(dl) < ic.minDeadline
}

// watchedStream gives the stream's handler the context with the holder,
// and notes whether receiving the client's messages failed, which grpc
// answers itself. (Beside the stats handler, the call's callStream does
// this at no cost.)
type watchedStream struct {
	grpc.ServerStream
	ctx context.Context
	// clientStream is set for a method that takes a stream of messages.
	clientStream bool
	failed       atomic.Bool
}

func (s *watchedStream) Context() context.Context { return s.ctx }

// RecvMsg receives a message and notes a failure that is the client's.
// grpc has then already sent the client its status, whatever the handler
// returns next.
func (s *watchedStream) RecvMsg(m any) error {
	err := s.ServerStream.RecvMsg(m)
	if err != nil && err != io.EOF && recvFailure(err, s.clientStream) {
		s.failed.Store(true)
	}
	return err
}

// recvFailure reports whether err, from a stream's RecvMsg, is grpc
// failing to receive what the client sent. For a method that takes one
// request, which grpc's generated code receives before the handler runs,
// every failure is: the request was unreadable or never came. For a
// client stream, the call's context ending (Canceled, DeadlineExceeded)
// is not, since the handler may have called RecvMsg late; those codes
// are judged as they are.
func recvFailure(err error, clientStream bool) bool {
	if !clientStream {
		return true
	}
	switch status.Code(err) {
	case codes.Canceled, codes.DeadlineExceeded:
		return false
	}
	return true
}

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
	j.Put(out, latency)
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
			j, _ = ic.reg.Journey(name)
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

// fallback returns the handle of the Unmatched journey, which calls no
// journey claims count for.
func fallback(reg *slo.Registry) *slo.Journey {
	j, _ := reg.Journey(slo.Unmatched)
	return j
}

// errInvalid begins every misconfiguration error of the package: it reads
// "slogrpc" and matches slo.ErrInvalid.
var errInvalid = invalid.Prefix("slogrpc")

// refuse records, when bad, that the option named by what was given
// nothing to use, for New to report with every other problem.
func (o *options) refuse(bad bool, what string) {
	if bad {
		o.errs = append(o.errs, fmt.Errorf("%w: %s; pass a function or leave the option out", errInvalid, what))
	}
}

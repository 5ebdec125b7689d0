// Package slogrpc turns every RPC a gRPC server serves into one event of a
// journeyslo registry: tagged with the user journey it served (from its
// full method name), judged by its status code the way OpenTelemetry
// judges server errors, and timed when one of the journey's objectives
// judges latency.
//
//	ic, err := slogrpc.New(reg, slogrpc.WithMethods(map[string]string{
//		"/shop.v1.Checkout/PlaceOrder": "checkout",
//		"/shop.v1.Catalog/Search":      "search",
//	}))
//	if err != nil {
//		log.Fatal(err) // every misconfiguration is reported here
//	}
//	srv := grpc.NewServer(
//		grpc.ChainUnaryInterceptor(ic.Unary),
//		grpc.ChainStreamInterceptor(ic.Stream),
//	)
//
// It lives apart from package slohttp so that net/http services do not
// link gRPC. The two share slo.Outcome and the context holder: code
// called from both transports can tag its event with either package's
// functions.
//
// # Outcomes
//
// By default (see [DefaultClassify]) Unknown, DeadlineExceeded,
// Unimplemented, Internal, Unavailable and DataLoss are bad, Canceled is
// excluded and every other code is good; a panic is bad, and the
// interceptor panics again with the same value after recording it. A
// stream is one event, from its final status; a good stream is left out of
// latency objectives, since its duration is that of the conversation.
// Two kinds of call are the client's doing whatever their code, and are
// excluded: requests grpc cannot read, and, with [WithMinDeadline],
// DeadlineExceeded under a deadline shorter than the server was asked to
// meet. [WithClassify] replaces any of these rules.
//
// # Requests grpc cannot read
//
// A client can send what grpc cannot read: bytes that are no message of
// the method's type, a message flagged compressed with no grpc-encoding or
// in an encoding the server does not have, a length prefix longer than the
// body, a message over the server's grpc.MaxRecvMsgSize, no request or two
// for a method that takes one, or no body before the call's deadline. grpc
// answers these calls itself with Internal, Unknown, Unimplemented or
// ResourceExhausted, the codes a failing handler returns. Counted by their
// code, they let anyone burn a journey's budget without credentials: a
// thousand of them would page the journey's owner. [Call.RecvFailed] marks
// them and DefaultClassify excludes them: the service never saw the
// request, so the call measures neither its success nor its failure. (Over
// HTTP a 4xx counts good, because the service answered it; counting these
// good instead would let a flood of garbage dilute real failures.) A client
// that resets the stream ends Canceled, which is excluded anyway.
//
// What marks them is what grpc shows each way of counting; the package
// reads no error's text, which is no contract:
//
//   - grpc decodes a unary request before any interceptor runs. The
//     interceptors never see a call whose request fails to decode, and
//     count nothing of it. The stats handler sees it end in an error with
//     no request decoded (no stats.InPayload), and marks it.
//   - grpc also refuses a unary request after decoding it, when a second
//     message or one cut short follows it. The stats handler alone cannot
//     tell that from a failure of the handler, and counts it by its code.
//     Beside the interceptors it can: a call that ends in an error without
//     reaching them was refused by grpc.
//   - A stream's handler receives the client's messages itself, inside the
//     interceptors, and usually returns grpc's error as its own.
//     Interceptors that wrap the stream note a failed receive: beside the
//     stats handler they wrap it in the call's own state, at no cost, and
//     with [WithContextHolder] in the holder's. Plain interceptors and the
//     stats handler alone count such a stream by its code.
//
// The configuration that tells every such call is therefore the stats
// handler with the interceptors beside it, first in their chains:
//
//	srv := grpc.NewServer(
//		grpc.StatsHandler(ic.StatsHandler()),
//		grpc.ChainUnaryInterceptor(ic.Unary, auth),
//		grpc.ChainStreamInterceptor(ic.Stream, authStream),
//	)
//
// First, because beside the stats handler a call that ends in an error
// without reaching them counts as refused by grpc: an interceptor before
// them that refuses calls (an authenticator, a load shedder) would have
// its refusals excluded. One that recovers panics may come before them,
// since it refuses nothing. Until the first call has reached them, the
// stats handler judges as it does alone.
//
// # Deadlines
//
// A call ends DeadlineExceeded when it outlives the deadline its client
// set (the grpc-timeout it sent). By default that counts bad: the library
// cannot know which deadline is reasonable for a method, and a server too
// slow for a reasonable deadline has failed. But a client that gives its
// calls 5 ms asks for what no server promised, and would burn the budget
// with its own choice. [WithMinDeadline] draws the line: a call that
// arrives with less time left than the minimum has [Call.ShortDeadline],
// and DefaultClassify excludes it if it ends DeadlineExceeded. Its other
// outcomes count as usual: an Internal answered within a short deadline
// is still the server's failure. The latency the journey's objective
// promises is a natural minimum:
//
//	ic, err := slogrpc.New(reg, slogrpc.WithMethods(methods),
//		slogrpc.WithMinDeadline(100*time.Millisecond))
//
// # Interceptors or the stats handler
//
// The interceptors miss two kinds of call, which grpc answers before any
// interceptor runs: a unary call whose request fails to decode, and a call
// to a method the server does not register (Unimplemented).
// [Interceptor.StatsHandler] sees those too, so that every call the server
// answers is one event or, for a request grpc could not read, an excluded
// one:
//
//	srv := grpc.NewServer(grpc.StatsHandler(ic.StatsHandler()))
//
// It takes the status the server sent from grpc's stats.End, the latency
// from grpc's Begin and End, and the journey from the same [WithMethods]
// map (a method the server does not have counts for the journey the map
// names, else for slo.Unmatched). The code serving the calls it counts can
// tag their events without [WithContextHolder].
//
// A server uses either, or both. The stats handler costs more: grpc
// builds an event for every message and header of every call once any
// stats handler is installed, and ours allocates its per-call state (see
// the benchmarks). Installed together, with the same registry, the
// interceptors see that the stats handler counts the call and pass it
// through, so no call counts twice, and tell it which calls reached them
// and which receives failed (see "Requests grpc cannot read").
//
// # Cost
//
// Per call: one map lookup of the method name, no lock, no allocation
// (unless [WithContextHolder]), and clock readings only when an objective
// of the registry judges latency, and, under the interceptors with
// [WithMinDeadline], one for a call that carries a deadline. The stats
// handler adds one allocation per call, which the interceptors beside it
// share, and reads no clock of its own on the real clock.
package slogrpc

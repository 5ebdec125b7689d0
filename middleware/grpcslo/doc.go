// Package grpcslo turns every RPC a gRPC server serves into one event of a
// journeyslo registry: tagged with the user journey it served (from its
// full method name), judged by its status code the way OpenTelemetry
// judges server errors, and timed when one of the journey's objectives
// judges latency.
//
//	ic, err := grpcslo.New(reg, grpcslo.WithMethods(map[string]string{
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
// It lives apart from package middleware so that net/http services do not
// link gRPC. The two share the outcome type and the context holder: code
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
// [WithClassify] replaces any of these rules.
//
// # Interceptors rather than a stats.Handler
//
// The interceptors see the handler's error, which is the status the server
// sends, and pass on the context the handler gets, where the holder lives.
// A stats.Handler would also see calls to unregistered methods, but
// installing one makes grpc build an event for every message and header of
// every call, a cost far above the event this package records.
//
// # Cost
//
// Per call: one map lookup of the method name, no lock, no allocation
// (unless [WithContextHolder]), and clock readings only when an objective
// of the registry judges latency.
package grpcslo

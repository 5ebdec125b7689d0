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
// [WithClassify] replaces any of these rules.
//
// # Interceptors or the stats handler
//
// The interceptors miss two kinds of call, which grpc answers before any
// interceptor runs: a unary call whose request fails to decode (Internal),
// and a call to a method the server does not register (Unimplemented).
// [Interceptor.StatsHandler] counts those too, so that every call the
// server answers is one event:
//
//	srv := grpc.NewServer(grpc.StatsHandler(ic.StatsHandler()))
//
// It takes the status the server sent from grpc's stats.End, the latency
// from grpc's Begin and End, and the journey from the same [WithMethods]
// map (a method the server does not have counts for the journey the map
// names, else for slo.Unmatched). The code serving the calls it counts can
// tag their events without [WithContextHolder].
//
// A server uses one or the other. The stats handler costs more: grpc
// builds an event for every message and header of every call once any
// stats handler is installed, and ours allocates its per-call state (see
// the benchmarks). Installed together, with the same registry, the
// interceptors see that the stats handler counts the call and pass it
// through, so no call counts twice.
//
// # Cost
//
// Per call: one map lookup of the method name, no lock, no allocation
// (unless [WithContextHolder]), and clock readings only when an objective
// of the registry judges latency. The stats handler adds one allocation
// per call and reads no clock of its own on the real clock.
package slogrpc

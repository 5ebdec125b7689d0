// Package slohttp turns every request a net/http server serves into one
// event of a journeyslo registry: tagged with the user journey it served,
// judged good, bad or excluded the way an SRE would, and timed when one of
// the journey's objectives judges latency. gRPC servers use the
// interceptors of the subpackage slogrpc, which shares the holder
// described below.
//
//	reg, err := slo.New([]slo.Objective{
//		{Journey: "checkout", Target: 0.999},
//		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
//		{Journey: "search", Target: 0.995},
//	})
//	...
//	mux := http.NewServeMux()
//	mux.HandleFunc("POST /checkout", checkout)
//	mux.HandleFunc("GET /search", search)
//	slomw, err := slohttp.New(reg, slohttp.WithPatterns(map[string]string{
//		"POST /checkout": "checkout",
//		"GET /search":    "search",
//	}))
//	if err != nil {
//		log.Fatal(err) // every misconfiguration is reported here
//	}
//	log.Fatal(http.ListenAndServe(addr, slomw(mux)))
//
// # Journeys
//
// The journey of a request is the first of: the one its handler set with
// [SetJourney]; the one a [WithJourneyFunc] function names; the one
// [WithPatterns] maps its ServeMux pattern to (Request.Pattern, read after
// the mux routed the request); else slo.Unmatched, which counts the request
// once and never creates a series, whatever its path, method or headers.
//
// Wrap a handler once: two of these middlewares around one request count
// it twice.
//
// A middleware between this one and the mux that passes on a copy of the
// request (anything calling r.WithContext, http.StripPrefix) hides the
// pattern, which the mux sets on the copy: wrap the mux in [CapturePattern]
// to see it again.
//
// # Outcomes
//
// By default (see [DefaultClassify]) a 5xx is bad and any other status is
// good, a 4xx being the client's fault; a request the client cancelled
// before a status was written is excluded; a panic is bad, and the
// middleware re-panics with the same value after recording it, except
// [http.ErrAbortHandler] after the client went away, which is excluded. A
// handler that writes nothing sent a 200; the first status written wins.
// Latency objectives count a request good when it is not bad and took no
// longer than their threshold; streamed (flushed) responses and hijacked
// connections are left out of latency objectives, since their duration is
// that of the stream. [WithClassify] replaces any of these rules.
//
// # The holder
//
// The code serving a request can say what the status does not: that a 200
// carrying an error is bad ([MarkBad]), that a probe does not count
// ([Exclude]), which journey the request served ([SetJourney]). These
// reach the middleware through the ResponseWriter, which unwraps to the
// middleware's own writer, at no cost; code that has only the request's
// context uses [MarkBadContext], [ExcludeContext] and [SetJourneyContext]
// with [WithContextHolder], which costs two allocations per request.
//
// # The ResponseWriter
//
// The handler gets a ResponseWriter with exactly the optional interfaces
// of the one the server gave: http.Flusher, http.Hijacker, http.Pusher and
// io.ReaderFrom, no more and no fewer, and an Unwrap method, so that
// http.ResponseController reaches the server's writer for deadlines and
// full duplex. (It always has WriteString, which adds no capability.)
// These writers are pooled: as net/http already requires, a handler must
// not use its ResponseWriter after it returned, which here could write
// into another request's state. A hijacked connection's writer is never
// reused.
//
// # Cost
//
// Per request, the middleware takes no lock, hashes no string, allocates
// nothing and reads the clock only when an objective of the registry
// judges latency. Route patterns and journey names are resolved through a
// small cache that compares strings by address before bytes (ServeMux
// hands out the same pattern string for every request of a route), so
// even the map lookup is skipped. See BENCHMARKS.md at the root of the
// module for the measured overhead against promhttp and otelhttp.
package slohttp

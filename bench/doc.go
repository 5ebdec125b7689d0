// Package bench holds side-by-side benchmarks of journeyslo and the tools it
// is measured against: Prometheus client_golang, the OpenTelemetry SDK, and
// (for the middleware) promhttp, otelhttp, go-grpc-middleware's Prometheus
// provider and otelgrpc.
//
// It is a module of its own so that the library's go.mod does not carry
// the anchors. Every benchmark is named Benchmark<Thing>/impl=<name>, so
// that one run shows the ratios:
//
//	cd bench && go test -run '^$' -bench . -benchmem -count 1 | go run ./ratios
package bench

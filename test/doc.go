// Package test is a nested module of tests that load what journeyslo
// writes into the types of the tools that read it: prometheus-operator's
// PrometheusRule (test/operator) and Grafana's dashboard schema
// (test/grafana). Those types come with large dependency trees, which
// the library must not impose on its users, so they live here, as the
// benchmarks' live in bench/. Nothing here is imported by the library.
package test

// Package sloconfig reads and writes journeyslo config files: one
// service's user journeys, their objectives and alert policies, and the
// requests that serve each journey, so that the registry (slo.New), the
// HTTP middleware (slohttp.WithPatterns) and the gRPC interceptors
// (slogrpc.WithMethods) are configured from one reviewed file.
//
// # The format
//
// A file is YAML (and so may be written as JSON), read strictly: an
// unknown field is an error, not a silent default.
//
//	service: shop
//	policies:                       # optional: alert policies objectives share
//	  fast-only:
//	    minEvents: 500              # the low-traffic guard
//	    rules:
//	      - {severity: page, long: 1h, short: 5m, factor: 14.4}
//	journeys:
//	  - name: checkout
//	    patterns: ["POST /cart/checkout"]       # net/http ServeMux patterns
//	    methods: ["/shop.v1.Checkout/Pay"]      # gRPC full method names
//	    objectives:
//	      - target: 99.9%                        # or 0.999
//	        period: 30d                          # or 4w, 28d; default 30d
//	        runbook: https://runbooks.example.com/checkout
//	        dashboard: https://grafana.example.com/d/checkout
//	        labels: {team: payments}
//	      - name: latency
//	        latency: 300ms                       # good when faster than this
//	        target: 0.95
//	        policy: fast-only                    # or inline rules:, or neither
//
// An objective with neither policy nor rules uses the SRE Workbook's
// default policy for its target and period (burnrate.DefaultPolicy).
// Durations are written as burnrate.ParseWindow reads them: whole weeks
// (w), days (d), hours (h), minutes (m), seconds (s) and ms, us, ns.
// Anchors and aliases are refused: named policies share rules instead.
//
// # Errors
//
// [Parse] and [Load] report every problem of a file at once, each as an
// [*Error] that reads "FILE:LINE:COLUMN: message" and matches
// slo.ErrInvalid; problems with an objective are worded as slo.New words
// them. A config that loads makes a registry: slo.New accepts its
// Objectives.
package sloconfig

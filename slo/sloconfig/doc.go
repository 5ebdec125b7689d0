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
//	  - name: search                             # events counted by the service's own metrics
//	    objectives:
//	      - target: 99.5%
//	        source:                              # two of good, bad, total; or errorRatio alone
//	          bad: http_requests_total{handler="/search",code=~"5.."}
//	          total: http_requests_total{handler="/search"}
//	        groupBy: [cluster]                   # judged, and paged, per cluster
//	        noData: {after: 10m, severity: ticket}
//	        alerting:                            # the alerts' name and labels, for existing routes
//	          name: SearchHighErrorRate
//	          labels: {category: availability}
//	          annotations: {summary: Search fails}
//	          page: {labels: {severity: critical}}
//	          ticket: {disable: true}
//
// The fields source, groupBy, noData and alerting are read by the fleet's
// rules (slo/slorules) and carried by the registry; see slo.Source,
// slo.Objective.GroupBy, slo.NoData and slo.Alerting. A source's queries
// are counter selectors, whose increase the rules take over every window,
// or expressions with {{.window}} in every range, as Sloth writes them.
//
// An objective with neither policy nor rules uses the SRE Workbook's
// default policy for its target and period (burnrate.DefaultPolicy).
// Durations are written as burnrate.ParseWindow reads them: whole weeks
// (w), days (d), hours (h), minutes (m), seconds (s) and ms, us, ns.
// Anchors and aliases are refused: named policies share rules instead.
//
// # Planned exclusions
//
// A file may list its planned exclusions (maintenance windows, see
// slo.Exclusion), read into Config.Exclusions:
//
//	exclusions:
//	  - reason: weekly database vacuum
//	    start: 2026-03-22T03:00:00 Europe/Paris   # wall-clock time and IANA zone, or 2026-03-22T02:00:00Z
//	    duration: 1h
//	    rule: FREQ=WEEKLY;BYDAY=SU;COUNT=10       # optional: an RFC 5545 RRULE, in start's zone
//	    journeys: [checkout]                      # optional: every journey
//
// A start with an offset rather than a zone (+02:00) is kept as its UTC
// instant: an offset follows no daylight saving change. Each problem is
// reported at its place in the file, as every other; a journey the file
// does not declare is one. Give them to the registry with
// slo.WithExclusions(cfg.Exclusions...). OpenSLO has none (see
// slo/openslo).
//
// # Sloth specs
//
// [Parse] and [Load] read a Sloth spec too, told apart by its first lines
// ([IsSloth]): a prometheus/v1 file (version: "prometheus/v1", service,
// labels, slos) or the Kubernetes resource Sloth's controller reads
// (apiVersion: sloth.slok.dev/v1, kind: PrometheusServiceLevel, the same
// spec with camelCase keys). The service becomes the service and its one
// journey; each SLO an objective of that journey, named as the SLO, with
// its objective in percent as the target (99.9 is exactly 0.999), the
// service's and the SLO's labels (the
// SLO's win), an events SLI's error_query and total_query as the source's
// Bad and Total, a raw SLI's error_ratio_query as its ErrorRatio, and the
// alerting's name, labels and annotations, and those of page_alert and
// ticket_alert (with their disable), as its Alerting: the alerts keep
// the names and labels that existing Alertmanager routes match. A
// description is for people and is not kept. Plugins (sli.plugin,
// slo_plugins, an SLO's plugins) are refused: Sloth runs them as code,
// which journeyslo cannot; write their queries as events instead. Sloth
// has no period in its spec (its command line's default is 30 days), so
// the objectives take journeyslo's default, also 30 days. Parse reads one
// spec; [ParseSloth] reads a file of several, "---" between them, a
// config per service. Problems are placed in the spec, as
// FILE:LINE:COLUMN, and a spec that loads writes itself as a journeyslo
// file with [Config.Marshal].
//
// # Errors
//
// [Parse] and [Load] report every problem of a file at once, each as an
// [*Error] that reads "FILE:LINE:COLUMN: message" and matches
// slo.ErrInvalid; problems with an objective are worded as slo.New words
// them. A config that loads makes a registry: slo.New accepts its
// Objectives.
package sloconfig

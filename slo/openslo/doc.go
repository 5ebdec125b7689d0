// Package openslo reads OpenSLO v1 documents into a journeyslo config
// (slo/sloconfig) and writes a config back as OpenSLO v1 documents, so
// that objectives kept for OpenSLO tools drive the in-process registry,
// and objectives kept in journeyslo files reach those tools.
//
//	imp, err := openslo.ImportFiles("slos.yaml", "alerts.yaml")
//	if err != nil {
//		log.Fatal(err) // every problem of every file, FILE:LINE:COLUMN first
//	}
//	reg, err := slo.New(imp.Config.Objectives())
//
//	out, err := openslo.Export(cfg, nil) // multi-document YAML
//
// # What is read
//
// Documents of apiVersion openslo/v1, several to a file ("---" between
// them, or a YAML list of objects as OpenSLO's SDK writes): SLO, SLI,
// AlertPolicy, AlertCondition, AlertNotificationTarget, Service and
// DataSource, with references (indicatorRef, alertPolicyRef,
// conditionRef, metricSourceRef) into any of the files imported together,
// or inline objects. Unknown fields are errors, and so are YAML anchors
// and aliases (documents share objects by name). One config describes one
// service, so the SLOs must share spec.service. [Detect] tells OpenSLO
// documents from a journeyslo file.
//
// Each SLO is one objective: journey and objective name from the
// annotations below (else the journey is the SLO's name and the objective
// the default, availability or latency), target from target or
// targetPercent (99.9 reads as exactly 0.999), period from a rolling
// timeWindow (none means journeyslo's default, 30 days), metadata.labels
// as the objective's labels. Each alert policy of the SLO holds one
// burnrate condition, which is one rule: severity page or ticket,
// threshold the factor, lookbackWindow the long window, alertAfter the
// short window (see below), op gte. An SLO without alert policies uses the
// default policy (burnrate.DefaultPolicy).
//
// budgetingMethod Occurrences counts events; Timeslices and
// RatioTimeslices make an objective of time slices ([slo.Slices]), with
// the objective's timeSliceWindow (a whole number of minutes dividing the
// period) and, for Timeslices alone, its timeSliceTarget. Export writes
// them back the same way.
//
// The SLI's ratioMetric (counter: true, good or bad with total) says
// where the fleet's rules read the events. When its queries select
// journeyslo's own counters of one objective,
// journeyslo_sli_events_total{journey="checkout",objective="availability"}
// with outcome="bad" (or "good") for the numerator, as Export writes them,
// the SLO is that journey's objective: two SLOs of one journey are one
// journey with two objectives, and the rules read those counters. Any
// other Prometheus queries are the objective's source (slo.Source, a
// sum( ) around a selector dropped, since the rules sum every series'
// increase themselves), and are also kept in [Imported.Indicators]; a good
// query over a histogram's bucket in seconds, such as
// http_request_duration_seconds_bucket{le="0.3"}, makes it a latency
// objective of that threshold (300ms). Queries of another source type
// (Datadog...) are kept in Imported.Indicators only: the registry counts
// the journey's events itself, and the fleet's rules, which read
// Prometheus, cannot use them. A source named by metricSourceRef takes its
// type from the DataSource. What slo.Objective.Validate says of a query
// is placed at the query.
//
// An AlertPolicy with alertWhenNoData: true gives the objective a no-data
// alert (slo.NoData): a ticket when the objective's counters have been
// missing for 10 minutes, a page when the policy's condition pages. The
// SLO's journeyslo/no-data annotation ("30m", or "30m page") says how long
// and which severity, and wins; Export writes it, and alertWhenNoData: true
// on the SLO's own policies of that severity.
//
// Notification targets route alerts, which journeyslo leaves to
// Alertmanager: they are checked and not carried.
//
// # What is refused
//
// What journeyslo cannot honour is an error naming the file, line and
// column, the document (kind and name), the field, the value and what to
// write instead; nothing is silently dropped: calendar windows other than
// a week, a month or a quarter (1w, 1M, 1Q), thresholdMetric and raw
// ratios, counter: false, composite SLOs (indicator, indicatorRef or
// compositeWeight in an objective: OpenSLO v1 gives the whole no target;
// declare composites in the journeyslo config, and Export refuses them)
// and SLOs of several objectives (write one SLO per objective), durations
// in months, quarters or years (M, Q, Y have no fixed length: write 30d,
// 90d or 365d), op other than gte, severities other than page and ticket,
// and alertWhenBreaching: false. The objectives must then pass slo.New's
// checks, reported at their SLO (or at the query they are about). Export
// refuses a source that a ratioMetric cannot write: an error ratio
// (Sloth's raw SLI), or good and bad without total.
//
// # Planned exclusions
//
// OpenSLO v1 has no planned exclusions (maintenance windows, Nobl9's and
// Datadog's corrections): a file imports with none, and Export refuses a
// config that has some rather than drop them, saying to export a copy
// without them. They stay in the journeyslo file (sloconfig's
// exclusions), which the registry reads.
//
// # The mapping of a rule
//
// A journeyslo rule fires when the burn rate over both a long and a short
// window is at or above its factor (the SRE Workbook's multiwindow alert),
// and an OpenSLO v1 burnrate condition has one lookbackWindow, while an
// AlertPolicy holds at most one condition. So every rule is one
// AlertPolicy with its condition inline: lookbackWindow is the long
// window, threshold the factor, and alertAfter the short window. A tool
// that knows only OpenSLO then alerts once the long window has burnt for
// the short window's length: it detects later than the pair and resets as
// slowly as the long window alone, but pages on the same budget spend.
// Reading a foreign condition, an alertAfter of 0m or none means the
// Workbook's short window, a twelfth of the long one.
//
// # Annotations
//
// What OpenSLO v1 has no field for is written in annotations under the
// journeyslo/ prefix, and read back; another journeyslo/ annotation is
// refused as a typo:
//
//	Service      journeyslo/service     the service's name, when it is not an RFC 1123 name
//	SLO          journeyslo/journey     the journey (document names are RFC 1123 names, journeys need not be)
//	SLO          journeyslo/objective   the objective's name, when it is not the default
//	SLO          journeyslo/latency     a latency objective's threshold, such as 300ms
//	SLO          journeyslo/period      "default": the default period, 30d, written out
//	SLO          journeyslo/runbook     the runbook URL
//	SLO          journeyslo/min-events  the objective's low-traffic guard
//	SLO          journeyslo/patterns    the journey's ServeMux patterns, one a line
//	SLO          journeyslo/methods     the journey's gRPC methods, one a line
//	SLO          journeyslo/no-data     the no-data alert: how long, and page when it pages ("10m page")
//	SLO          journeyslo/group-by    the labels the objective is judged by, one a line
//	SLO          journeyslo/alerting    the alerts' name, labels and annotations, as JSON (slo.Alerting)
//	AlertPolicy  journeyslo/policy      the named policy the rule belongs to
//	AlertPolicy  journeyslo/min-events  that named policy's guard
//	AlertPolicy  journeyslo/rule        the rule's name, when it has one
//	AlertPolicy  journeyslo/rules       "default": a rule of the default policy, written out
//
// A named policy's rules are AlertPolicies that the SLOs using it refer
// to. The default policy depends on each objective's target and period,
// so it is written out per SLO for other tools, marked journeyslo/rules:
// default, and must read back as the default policy of its SLO: edited,
// it is an error until the annotation is removed.
//
// # Validity of what is written
//
// OpenSLO's own validator (github.com/OpenSLO/go-sdk) is not a dependency
// of this module. The tests instead check every exported document against
// rules taken from the OpenSLO v1 specification (its README and JSON
// schemas): RFC 1123 names of at most 63 characters, the duration
// shorthand, the required fields and allowed values of each kind, label
// and annotation keys, exactly one condition per alert policy, and
// references that resolve.
package openslo

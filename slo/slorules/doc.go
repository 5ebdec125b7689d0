// Package slorules writes the Prometheus rules that evaluate journeyslo
// objectives over a whole fleet: recording rules for the error ratio of
// every window, the period's SLI and budget, and one alert per severity,
// for Prometheus, Thanos Ruler, the Mimir ruler or the prometheus-operator.
//
// Each replica's registry sees only the events it served. For the fleet,
// an existing engine sums the replicas' journeyslo_sli_events_total counters
// (exported by slo/sloprom) and evaluates the rules this package generates
// from the very objectives, policies and low-traffic guards the registries
// evaluate in process:
//
//	f, err := slorules.Generate(objectives,
//		slorules.WithSelector(`{job="shop"}`),
//		slorules.WithLabels(map[string]string{"team": "shop"}),
//	)
//	if err != nil {
//		log.Fatal(err) // every invalid objective or option, at once
//	}
//	yml, err := f.Marshal(slorules.Prometheus) // or Thanos, Mimir, PrometheusOperator
//
// A RuleFile holds every objective's rules, some 30 KB each. [Write] writes
// the same file to an io.Writer one objective at a time, in memory that
// does not grow with the objectives, for configs of thousands of them (it
// is what the journeyslo command does).
//
// It is not part of slo/sloprom because the two do different jobs in
// different places: sloprom runs in every process and exports its counters;
// slorules runs once, in a build or a command, and writes what the fleet's
// engine evaluates over them. A service links no YAML encoder, and the
// generator links no Prometheus client. The package never runs PromQL; its
// tests run the rules in Prometheus's own engine (promtool).
//
// # What the rules record
//
// Two groups per objective: journeyslo:<journey>:<objective> with its
// windows and alerts, and journeyslo:<journey>:<objective>:period with its
// period's SLI and budget, evaluated every 2m30s ([WithPeriodInterval]):
// those read every sample of 30 days and move slowly. Every series is
// labelled journey and objective, and with the objective's own
// [slo.Objective.Labels] and the file's [WithLabels] labels, which the
// rules also match on when they read what they recorded:
//
//	journey_objective_outcome:journeyslo_sli_events:increase<w>  events over each window w, by outcome
//	journey_objective:journeyslo_sli_error:ratio_increase<w>     bad / all events over w
//	journey_objective:journeyslo_sli:ratio                       1 - that over the period: the SLI
//	journey_objective:journeyslo_error_budget_remaining:ratio    1 - that / (1 - target): 1 untouched, 0 spent
//	journey_objective:journeyslo_objective:info                  1, labelled target, error_budget, period, min_events, latency
//	journey_objective_rule:journeyslo_burn_rate:firing           the long window's burn rate, while a rule fires
//
// The windows are those of the policy and the period. Each window's
// counters are read once per evaluation, by outcome, and the ratio and the
// low-traffic guard are computed from what was recorded. Ratios sum the
// numerator and the denominator across instances before dividing, so every
// event weighs the same, however traffic varies; the period's ratio is the
// increase of bad events over the increase of all, not a mean of short
// ratios. A denominator is kept only when positive: a window without
// events has no sample, never NaN.
//
// # Objectives of time slices
//
// An objective with [slo.Slices] judges slices in the rules as the
// registry does: its first group runs once per slice and records the
// slice's events ([SliceEventsPrefix]) and its verdict ([SliceError]: 1 or
// 0 for Timeslices, the share of bad events for RatioTimeslices, nothing
// for a slice without events), then counts each window's slices by
// outcome under the names of a window's events, so that the ratios, the
// guard (in slices), the alerts, the SLI and the budget read slices with
// the rules above. A window holds exactly its slices; a slice's events
// are the counters' increase as Prometheus extrapolates it, over slices
// that end at the group's evaluations rather than at the epoch's minutes,
// so a slice within a scrape of its target may be judged otherwise than
// in a registry (see SliceError).
//
// # Calendar periods
//
// An objective with a calendar period (slo.Objective.Calendar) gets the
// same rules: its alerts stay on their rolling windows, as Nobl9's and
// Datadog's do, and its recorded SLI and budget are over its rolling
// Period (the calendar unit's nominal length unless set). A rule cannot
// record the calendar period's own figures, whose range grows at every
// evaluation until the boundary; [CalendarEvents] writes the query that
// counts them at a given instant, exactly, which package slofleet sends.
//
// # Alerts
//
// A rule of the policy fires when the error ratio over both its windows is
// at or above factor * (1 - target), written as one exact decimal (0.0144
// for 14.4 at 99.9%), and its long window holds at least the policy's
// MinEvents events (1000 at 99.9% by default, as the registry computes it).
// Each objective raises at most two alerts, both named JourneyErrorBudgetBurn:
// severity page and severity ticket, each the first firing rule of that
// severity in policy order, with labels that name it: rule, long_window,
// short_window and factor. Two burning page rules make one page, not two;
// a page and a ticket together make one page once Alertmanager inhibits
// the ticket ([RuleFile.InhibitRules]). Annotations give a summary with
// the burn rate, a description of the objective, the budget remaining
// (queried when the alert fires) and the objective's [slo.Objective.Runbook]
// as runbook_url, when it has one.
//
// # Counters the services already have
//
// An objective with a [slo.Source] is judged over the services' own
// counters, such as http_requests_total, instead of journeyslo's. Its
// rules record the same events series by outcome, under the same names
// and labels, so every rule after them, slo/slofleet and the dashboards
// read them unchanged:
//
//   - a selector is read as sum(increase(selector[w])) for each window w;
//   - an expression over {{.window}} is written with w in its place, and
//     when it reads rate, multiplied by w's seconds: Prometheus's rate
//     over w is the increase over w divided by w's seconds, so the product
//     is the increase, the events;
//   - of two queries given, the third outcome is the rest: good = total -
//     bad, clamped at zero, since two counters scraped a moment apart can
//     put the part above the whole; a query of errors without a series
//     yet counts zero wherever the other has one.
//
// The period is a window like the others: its events are the increase of
// the counters (or the expression with {{.window}} set to the period, 30d)
// over the whole period, so its ratio weighs every event the same, where a
// mean of 5-minute ratios would weigh a quiet night's errors as much as a
// busy day's. A query that cannot be read this way (a gauge, a fixed range,
// irate) is refused by [slo.Objective.Validate].
//
// Over a long period and many series that increase reads every sample of
// the period at every evaluation. [WithPeriodIncrements] records instead
// the counters' increments at each evaluation of the period group and sums
// them over the period: exact, and one sample per step whatever the number
// of series, with the limits its documentation gives. The default stays
// increase().
//
// An ErrorRatio source, Sloth's raw SLI, records the ratio of each window
// directly (its maximum per group, never NaN: no traffic is no sample). It
// has no counts, so its rules hold no low-traffic guard and its info series
// says min_events 0.
//
// # Groups
//
// An objective with [slo.Objective.GroupBy], such as ["cluster"], is
// judged once per cluster: every sum is by the grouping labels, every
// `and on` and `or on` matches on them, so each cluster's ratios, firing
// series and alerts are its own. One definition pages once per cluster in
// trouble, and its budget_remaining annotation reads that cluster's
// budget. This works over journeyslo's counters as over a Source.
//
// # No data
//
// [slo.NoData] adds an alert (ticket by default) when the objective's
// counters have had no sample for NoData.After: absent_over_time over the
// total's counters (Total, else Good, else journeyslo's counter), or, with
// groups, each group seen over the last day but not over After. No traffic
// raises none: the counters are there and do not increase. It is named as
// the objective's other alerts and labelled rule="no-data".
//
// # Alert names and labels
//
// [slo.Alerting] names an objective's alerts (the default is AlertName)
// and adds labels and annotations, per severity too: severity: critical
// instead of page keeps the routes written for another tool. Disable
// drops one severity's alert. [RuleFile.InhibitRules] writes one inhibit
// rule per alert name and pair of severity labels, matching on the
// grouping labels as well.
//
// # Flavours
//
// [Prometheus] writes a plain rule file. [Thanos] adds
// partial_response_strategy: abort to every group, so that an alert never
// evaluates over a partial answer. [Mimir] writes a top-level namespace
// ([WithNamespace]), as `mimirtool rules sync` expects. [PrometheusOperator]
// writes prometheus-operator's PrometheusRule objects (monitoring.coreos.com/v1)
// for `kubectl apply -f`, one per objective, named
// NAME.JOURNEY.OBJECTIVE, in a namespace and with labels of
// [WithObjectMeta], each holding the objective's groups as the Prometheus
// file has them. The operator loads an object into a Prometheus whose
// ruleSelector matches its labels and whose ruleNamespaceSelector matches
// its namespace.
package slorules

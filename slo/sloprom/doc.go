// Package sloprom exposes a journeyslo registry to Prometheus: the
// cumulative event counters that fleet-wide SLO rules sum, the objectives'
// targets and periods, and this instance's own view of its error budgets.
//
//	reg, err := slo.New(objectives)
//	...
//	prometheus.MustRegister(sloprom.NewCollector(reg))
//	http.Handle("/metrics", promhttp.Handler())
//
// # Metrics
//
// Every series exists from the first scrape (but the budget's two, below):
// each objective with both
// outcomes, every window and every state, and the unmatched counts. The
// labels are journey and objective (as declared), outcome ("good", "bad"),
// window ("5m", "1h", "3d": the policy's windows, named as in rule names)
// and state ("ok", "ticket", "page"). The journeys are a closed set, so the
// number of series is fixed at startup.
//
// For the fleet, counters and the objective's settings, the same on every
// instance:
//
//	journeyslo_sli_events_total{journey,objective,outcome}   counter: events judged since the process started
//	journeyslo_sli_excluded_events_total{journey,objective}  counter: events a planned exclusion kept out
//	journeyslo_unmatched_events_total{outcome}               counter: events on undeclared journey names
//	journeyslo_objective_target_ratio{journey,objective}     gauge: 0.999 for 99.9%
//	journeyslo_objective_period_seconds{journey,objective}   gauge: 2592000 for 30 days
//
// For this instance alone, what its registry evaluated:
//
//	journeyslo_instance_budget_remaining_ratio{journey,objective}      1 untouched, 0 spent, negative overspent
//	journeyslo_instance_burn_rate{journey,objective,window}            error ratio / (1 - target); 0 with no events
//	journeyslo_instance_state{journey,objective,state}                 1 for the current state, 0 for the other two
//	journeyslo_instance_time_to_exhaustion_seconds{journey,objective}  0 when spent, +Inf when not burning
//	journeyslo_last_evaluation_timestamp_seconds                       advances every few seconds unless stalled
//
// # Planned exclusions
//
// The events a planned exclusion (slo.Exclusion) kept out of an objective
// are exported by journeyslo_sli_excluded_events_total, a counter of its
// own rather than a third outcome of journeyslo_sli_events_total: the
// fleet's rules (package slorules) and any rule written from the
// documented pattern sum every outcome of that counter for the total, so a
// third outcome there would count excluded events as good. Leaving them
// out of it keeps the fleet's figures equal to the registry's, with no
// change to the rules. The series exists from the first scrape, at 0.
//
// # A budget needs evidence
//
// The budget and the time to exhaustion are claims about the period, and
// a period of a few events supports none: a process a minute old that
// served 9 good requests and 1 bad one at 99.9% has spent "-9900%" of a
// budget it has barely begun to measure. So while an objective's period
// holds fewer than its minimum number of events (slo.Status.Budget is
// slo.BudgetTooFewEvents; slo.Status.MinEvents is the policy's guard, 1000
// at 99.9% by default), or while its data covers less than a tenth of the
// period (slo.BudgetYoungData: a replica's first 3 days of 30 without a
// restored snapshot), a scrape leaves out that objective's
// journeyslo_instance_budget_remaining_ratio and
// journeyslo_instance_time_to_exhaustion_seconds samples, and sends them
// again from the scrape at which the period holds enough events. An
// absent series reads as "no data" in PromQL: a query or an alert on the
// budget returns nothing for that replica rather than a figure, and
// absent(journeyslo_instance_budget_remaining_ratio{journey="checkout"})
// is 1 while it makes no claim. Its target, period, counters, burn rates
// and state are sent as always: the alert rules have their own guard.
//
// # Per instance, by name
//
// A replica's budget, burn rates and state come from the events that
// replica served. Averaging them across replicas gives a number that means
// nothing: a replica that served ten requests weighs as much as one that
// served ten million, and a replica that just restarted has empty windows.
// So these gauges carry "instance" in their name, which every query,
// dashboard and alert that uses them shows, where a label would be dropped
// by the first aggregation and a constant label would be a lie told to
// every series. Use them for one replica (a single-instance service, a
// canary, a replica misbehaving alone), as in
//
//	# replicas that page on checkout right now
//	sum by (journey, objective) (journeyslo_instance_state{state="page"})
//
// State is an enum, one 0/1 series per state, all present from the start:
// journeyslo_instance_state{state="page"} == 1 selects paging objectives
// without knowing an encoding, a state timeline panel plots it as is, and
// max by (journey, objective) of it says whether any replica is in that
// state. A numeric gauge (0, 1, 2) would need its encoding in every query.
//
// # Fleet-wide SLOs
//
// For the fleet, sum the numerators and the denominators across instances,
// then divide; never average ratios. The counters reset when a process
// restarts, which rate and increase handle; they start from zero even when
// slo.WithSnapshot restores the windows, so that a restart never counts an
// event twice. The error ratio over a window:
//
//	sum by (journey, objective) (rate(journeyslo_sli_events_total{outcome="bad"}[1h]))
//	/
//	(sum by (journey, objective) (rate(journeyslo_sli_events_total[1h])) > 0)
//
// (the "> 0" leaves a window without events with no sample instead of NaN).
// The burn rate divides it by the error budget, 1 - target.
//
// Do not write the alerting rules by hand: package slo/slorules generates
// them from the same objectives the registries evaluate, with their
// policies, low-traffic guards and exact thresholds, for Prometheus, Thanos
// Ruler or the Mimir ruler, with one alert per severity whose labels name
// the rule that fired and the Alertmanager inhibit rule that goes with it:
//
//	f, err := slorules.Generate(objectives)
//	...
//	yml, err := f.Marshal(slorules.Prometheus)
//
// examples/fleet holds the files generated for the quickstart's objectives.
package sloprom

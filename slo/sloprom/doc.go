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
// Every series exists from the first scrape: each objective with both
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
//	sum by (journey, objective) (rate(journeyslo_sli_events_total[1h]))
//
// The burn rate divides it by the error budget, 1 - target; every instance
// exports the same target, so any one of them will do:
//
//	... / (1 - max by (journey, objective) (journeyslo_objective_target_ratio))
//
// The budget left over a 30-day period:
//
//	1 - (
//	    sum by (journey, objective) (increase(journeyslo_sli_events_total{outcome="bad"}[30d]))
//	  /
//	    sum by (journey, objective) (increase(journeyslo_sli_events_total[30d]))
//	) / (1 - max by (journey, objective) (journeyslo_objective_target_ratio))
//
// The default policy's first rule (page when 2% of a 30-day budget goes in
// an hour, and still within the last 5 minutes: a burn rate of 14.4 over
// both), as Prometheus rules; the other rules add the windows 30m, 6h, 2h,
// 1d and 3d the same way, with the factors 6, 3 and 1:
//
//	groups:
//	  - name: journeyslo
//	    rules:
//	      - record: journey_objective:journeyslo_sli_error_ratio:rate5m
//	        expr: |
//	          sum by (journey, objective) (rate(journeyslo_sli_events_total{outcome="bad"}[5m]))
//	          /
//	          sum by (journey, objective) (rate(journeyslo_sli_events_total[5m]))
//	      - record: journey_objective:journeyslo_sli_error_ratio:rate1h
//	        expr: |
//	          sum by (journey, objective) (rate(journeyslo_sli_events_total{outcome="bad"}[1h]))
//	          /
//	          sum by (journey, objective) (rate(journeyslo_sli_events_total[1h]))
//	      - record: journey_objective:journeyslo_error_budget:ratio
//	        expr: 1 - max by (journey, objective) (journeyslo_objective_target_ratio)
//	      - alert: JourneyErrorBudgetBurn
//	        expr: |
//	          journey_objective:journeyslo_sli_error_ratio:rate1h >= 14.4 * journey_objective:journeyslo_error_budget:ratio
//	          and
//	          journey_objective:journeyslo_sli_error_ratio:rate5m >= 14.4 * journey_objective:journeyslo_error_budget:ratio
//	        labels:
//	          severity: page
//	          rule: page-1h-5m
//	        annotations:
//	          summary: "{{ $labels.journey }} {{ $labels.objective }}: 2% of the 30-day error budget spent within an hour"
//
// Unlike the registry's own evaluation, these rules have no minimum number
// of events. For journeys with little traffic, add the guard the registry
// uses, 1 / (1 - target) events in the long window (1000 at 99.9%):
//
//	and sum by (journey, objective) (increase(journeyslo_sli_events_total[1h])) >= 1000
package sloprom

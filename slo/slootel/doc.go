// Package slootel exposes a journeyslo registry through OpenTelemetry
// metrics, on a MeterProvider the caller passes in. It imports the
// OpenTelemetry metric API only; the SDK, its readers and exporters are the
// application's choice.
//
//	reg, err := slo.New(objectives)
//	...
//	otelReg, err := slootel.Register(reg, provider) // an sdkmetric.MeterProvider, say
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer otelReg.Unregister()
//
// # Instruments
//
// Names are dot-separated under journeyslo., units are UCUM, and
// attributes are journey and objective (as declared), outcome ("good",
// "bad"), window ("5m", "1h", "3d", as in rule names) and state ("ok",
// "ticket", "page"). Every attribute set is observed at every collection,
// from the first, but for the budget of an objective with too few events
// (see "A budget needs evidence").
//
//	journeyslo.sli.events              Int64ObservableCounter {event}  journey, objective, outcome
//	journeyslo.sli.excluded_events     Int64ObservableCounter {event}  journey, objective
//	journeyslo.unmatched.events        Int64ObservableCounter {event}  outcome
//	journeyslo.objective.target        Float64ObservableGauge 1        journey, objective
//	journeyslo.objective.period        Float64ObservableGauge s        journey, objective
//	journeyslo.instance.budget.remaining Float64ObservableGauge 1      journey, objective
//	journeyslo.instance.burn_rate      Float64ObservableGauge 1        journey, objective, window
//	journeyslo.instance.state          Int64ObservableGauge   1        journey, objective, state (1 for the current state, 0 for the others)
//	journeyslo.registry.lag            Float64ObservableGauge s        (none)
//
// The event counter is observable: at each collection it reports the
// registry's cumulative totals (slo.Status.TotalGood and TotalBad), which
// the registry keeps anyway. They count this process's events since
// slo.New, from zero, also after a restart that restores a snapshot: the
// snapshot brings back the windows (budget, burn rates, state), never
// events already reported. Nothing is added to the record path, where a
// synchronous counter's Add would cost about a hundred times the
// registry's one atomic add; the SDK turns cumulative observations into
// deltas for exporters that want them. Its name translates to
// journeyslo_sli_events_total in Prometheus, the same as package sloprom's
// counter, so fleet-wide rules read either.
//
// The events a planned exclusion (slo.Exclusion) kept out of an objective
// are journeyslo.sli.excluded_events (slo.Status.TotalExcluded), an
// instrument of its own rather than a third outcome of
// journeyslo.sli.events: the fleet's rules sum every outcome of that
// counter for the total, and would count a third as good. In Prometheus it
// is journeyslo_sli_excluded_events_total, as sloprom's.
//
// The journeyslo.instance gauges are one process's evaluation of its own
// events: never average them across instances (see package sloprom for the
// fleet-wide arithmetic, which applies unchanged). The time to exhaustion
// that sloprom exposes is left out here: "not burning" is infinite, which
// OTLP backends treat inconsistently; it is budget remaining x period /
// burn rate of the policy's shortest long window.
//
// # A budget needs evidence
//
// A period of a few events supports no claim about its budget: a process
// a minute old that served 9 good requests and 1 bad one at 99.9% would
// report -9900%. So while an objective's period holds fewer than its
// minimum number of events (slo.Status.Budget is slo.BudgetTooFewEvents;
// slo.Status.MinEvents, 1000 at 99.9% by default), or its data covers less
// than a tenth of the period (slo.BudgetYoungData), a collection observes no
// journeyslo.instance.budget.remaining for that objective, and observes it
// again from the collection at which the period holds enough events. Its
// other instruments are observed as always. Exported to Prometheus, an
// absent point reads as "no data" in PromQL: a query or an alert on the
// budget returns nothing for that replica rather than a figure.
package slootel

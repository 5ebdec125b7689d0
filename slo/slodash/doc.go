// Package slodash writes Grafana dashboards for journeyslo objectives, read
// from the series of the rules that slo/slorules generates for the same
// objectives: an overview of every objective, and a page per objective.
//
//	ds, err := slodash.Generate(objectives,
//		slodash.WithService("shop"),
//		slodash.WithLabels(map[string]string{"team": "shop"}), // the rules' WithLabels
//	)
//	for _, d := range ds {
//		b, err := d.Marshal() // Grafana's JSON model, for import or provisioning
//		...
//	}
//
// The overview is one table, a row per objective (and per value of its
// grouping labels, [slo.Objective.GroupBy]), worst first: its state (page
// while a page rule fires, ticket while only a ticket rule does, ok), the
// share of its period's error budget left, its SLI over the period, and the
// time until the budget is spent at the burn rate of its policy's first
// long window. An objective's page shows the same four figures, its
// budget's burn-down over its period, the burn rate over the windows of
// every rule of its policy against the rule's factor, and the episodes of
// its alerts, from ALERTS, as annotations.
//
// # What the queries read
//
// Only the series the rules record (slorules.BudgetRemaining, SLI,
// ErrorRatioPrefix + window, Info, Firing) and ALERTS, at instants: no
// query has a range selector or a subquery, so each reads one sample per
// series per step, and an objective whose events come from a
// [slo.Objective.Source] is shown as any other, since its rules record the
// same series. A grouped objective has a variable per grouping label; a
// query keeps its grouping labels, one row or one line per group.
//
// The dashboards stay within the default limits of Mimir and Prometheus:
// no query spans more than [MaxQueryRange] (Mimir's
// max_total_query_length, 768h), and none longer than the objective's
// period (a budget's burn-down spans its period, the default range is a day
// or the period when shorter); a range query asks for at most
// [MaxDataPoints] points per series, under the 11,000 both engines allow.
//
// The dashboards are written with this package's own types of Grafana's
// JSON model rather than with the Grafana Foundation SDK, whose module
// would become a dependency of every program that links the library; the
// test module under test/grafana loads every dashboard into the SDK's
// types, strictly.
package slodash

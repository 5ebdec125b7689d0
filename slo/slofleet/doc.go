// Package slofleet reads the state of a fleet's objectives from a
// Prometheus HTTP API, as []slo.Status: the same value a registry reports
// for one replica, computed from the series that the rules of
// slo/slorules record over every replica's counters. Whatever judges a
// replica's Status (a release gate, a script, a dashboard) judges the
// fleet the same way.
//
//	objectives := cfg.Objectives() // the objectives the rules were generated from
//	fleet, err := slofleet.New(objectives, "http://prometheus.monitoring:9090",
//		slofleet.WithLabels(map[string]string{"team": "shop"})) // as given to slorules.WithLabels
//	if err != nil {
//		log.Fatal(err) // an invalid objective, address or option: errors.Is(err, slo.ErrInvalid)
//	}
//	statuses, err := fleet.Status(ctx) // one instant query, shared by concurrent callers
//	if err != nil {
//		// Prometheus did not answer (errors.Is(err, slofleet.ErrUnavailable)),
//		// or lacks or contradicts the rules' series (ErrMissing, ErrMismatch)
//	}
//
// # What it reads
//
// One instant query, at the instant of the Status, returns per objective
// the series the rules record (the names are slorules' constants):
//
//   - [slorules.Info]: the target, period, guard and latency the rules were
//     generated with. They must be the objective's, or the fleet would be
//     judged by other rules: a difference is an [ErrMismatch].
//   - [slorules.EventsPrefix] + window: the good and bad events of every
//     window of the policy and of the period, summed across replicas. The
//     burn rates, the budget, the SLI and the time to exhaustion are
//     computed from them by the functions of package burnrate the registry
//     uses, so that the fleet's figures and a replica's are the same
//     arithmetic over different events.
//   - [slorules.Firing]: the rules that fire, as the engine judged them at
//     its last evaluation: the fleet's alerts and its Status agree on the
//     state, which is the most severe firing rule, the first in policy order
//     among those of that severity.
//
// The budget's evidence is the registry's too: MinEvents is the policy's
// guard, and Budget is slo.BudgetTooFewEvents (with no time to
// exhaustion) while the fleet's period holds fewer events, so that a
// gate judging the fleet makes the same claims as one judging a replica.
// The fleet's series are read as covering the whole period
// (slo.Objective.Status): the fleet outlives its replicas, and its
// budget is never young data.
//
// The series of an objective carry its journey and name, the labels of
// [WithLabels] and the objective's own [slo.Objective.Labels]: the
// query matches the first two, and the objective's labels are checked on
// the answer. Two sets of series for one objective (two rule files that
// differ in a label [WithLabels] does not give) are an [ErrMismatch]
// that names the label, never a sum.
//
// An objective over the services' own counters ([slo.Source] with two of
// Good, Bad and Total) is read as any other: its rules record the same
// series. One with a [slo.Objective.GroupBy] is judged once per group,
// and its Status is its worst group's: the most severe state, then the
// least budget remaining (the Status does not name the group; its alerts
// do). An ErrorRatio source records no event counts, which a Status is
// made of, and is refused by [New].
//
// # What a fleet's Status cannot say
//
// Since is zero: an instant query does not tell when the state began.
// TotalGood and TotalBad are zero: they count one process's events since
// it started, which no fleet has. A window of the policy without its
// events series (its counters not scraped twice within it) has no data, as
// a registry's window without events. An objective whose info series or
// period events are missing is an [ErrMissing] naming the series and what
// to check: no Status is made up for it, while the other objectives' are
// returned beside the error.
//
// # The fleet's page
//
// [Client.History] reads, beside each Status, what a status page draws:
// the budget's burn-down over the period, the recent burn of the
// policy's windows and the episodes of its alerts, as [slo.History]
// values, so that slo/slostatus.FleetStatusPage serves the fleet's page
// as StatusPage serves a replica's. A reading is four queries whatever the
// number of objectives (the instant query of Status, a range query of the
// burn-down per distinct period, one of the recent burn, one of ALERTS),
// made at once and shared as Status is. [Discover] finds the objectives
// from the rules' info series, for a page served without the objective
// files (journeyslo serve).
//
// # Time, sharing and failures
//
// [Client.Status] queries at the instant of the client's clock
// ([WithClock]; the real clock unless set), and shares its query: while
// one is in flight, every other caller waits for its answer, and that
// answer (or its error) is returned to every caller for the poll interval
// ([WithPollInterval], 15 s unless set), so that a release gate polled by
// fifty pipelines at once costs Prometheus one query per poll interval,
// and when Prometheus hangs every caller has the error of that one query
// at its timeout. A caller that stops waiting (its context ends) does not
// end the query for the others. [Client.StatusAt] queries any instant and
// shares nothing.
//
// Each query is bounded by the client's timeout ([WithTimeout], 10 s
// unless set), which is also passed to Prometheus so that it stops
// evaluating when the client stops waiting, and its answer is read to a
// size cap ([WithMaxAnswer], 16 MiB unless set) and refused as soon as it
// passes it. An unreachable server, a timeout, an error answer, an answer
// with warnings (perhaps partial) or one over the cap is an
// [ErrUnavailable] naming the address; the timeout's also matches
// [context.DeadlineExceeded].
package slofleet

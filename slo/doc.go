// Package slo keeps service level objectives per user journey inside a Go
// service: it counts each journey's good and bad events in lock-free time
// windows, evaluates multi-window, multi-burn-rate alert policies in
// process, and answers "how is this journey's error budget?" from code.
//
// # Objectives and journeys
//
// An [Objective] names a journey ("checkout"), a target (0.999), a rolling
// period (30 days by default), optionally a latency threshold, and a
// [burnrate.Policy] (the SRE Workbook's four rules by default). [New] takes
// every objective up front: the journeys they name are the closed set the
// registry counts, so request data can never create a series.
//
//	reg, err := slo.New([]slo.Objective{
//		{Journey: "checkout", Target: 0.999},
//		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
//		{Journey: "search", Target: 0.995},
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer reg.Close()
//
//	checkout := reg.Journey("checkout") // resolve once, at setup
//	// on each request:
//	checkout.Observe(elapsed, failed)
//
// # Evaluation
//
// The registry's rotator advances its windows at every tick of the clock (3
// seconds for the default policy) and evaluates every objective: burn rate
// per window, the state (ok, ticket or page) with the rule that set it,
// the budget remaining over the period and the time to its exhaustion.
// Every window, the period included, is exactly its length, its oldest
// bucket counted pro rata (see package window): on steady traffic its
// burn rate is what increase() over the same range of the exported
// counters shows at a scrape, and a budget recovers tick by tick as an
// incident leaves the period.
// [Registry.Status] and [Journey.Status] return the latest evaluation;
// [OnTransition] calls back when a state changes. A [Tracker], from
// [Registry.Tracker] or [Registry.Trackers], is the handle on one
// objective: its Status, the burn-down of its budget, its recent burn, its
// episodes and its outlook, each read at one evaluation; [Registry.Generation]
// tells a reader combining several answers whether an advance came between
// them. [Tracker.Recent] keeps
// each window's burn at every minute of the last six hours, so that a
// reader sees an incident start and stop.
//
// # Calendar periods
//
// An objective's period rolls by default (the last 30 days, at every
// instant). With a [Calendar] it is a calendar week, month or quarter
// starting at a wall-clock time in an IANA zone, as teams that report
// monthly write it (OpenSLO's calendar time windows): Good, Bad, the SLI,
// the budget and its time to exhaustion count from the current boundary
// in that zone, and reset at the next one, daylight-saving changes and
// month lengths included (a month from January 31 ends on the last day of
// February). The burn-rate policy keeps its rolling windows, as Nobl9's and
// Datadog's do, and Period is the length it is scaled to (the unit's
// nominal 7, 30 or 90 days unless set). The event path does not change:
// the registry notes its series' totals at the boundary, to the tick, and
// a snapshot restores the part of the period it holds. [Status.PeriodStart]
// and [Status.PeriodEnd] say where the period lies.
//
// # Composite objectives
//
// An objective with a [Composite] judges a whole, such as the service
// "shop", from objectives of its journeys, each weighted (OpenSLO's
// compositeWeight): its good and bad events are the weighted sums of its
// components' events, over every window and its period, so it has its own
// target, budget, burn rates, alerts and episodes, and a team pages on
// the shop as well as on checkout. The registry moves each component's
// events into the composite's windows at every advance, with its own: no
// more work when recording. In the fleet's rules (slo/slorules) a
// composite's windows are the weighted sums of its components' counters.
//
// # Budget claims and the outlook
//
// A budget is a claim only when the period holds enough events to afford
// a bad one: below [Status.MinEvents] (1000 at 99.9%), [Status.Budget] is
// [BudgetTooFewEvents], no time to exhaustion is given, and
// [Status.Evidence] says why ("not enough events: 10 of 1000"). What
// gates, warns or shows a budget checks Budget first
// ([BudgetState.Claims]).
//
// Nor is a budget a claim while the data covers little of the period: a
// replica five minutes old, or a calendar month two hours old, whose
// three-minute burst at 13% errors spent 438 bad events where its 5,610
// events allow 5.6 at 99.9%, has spent "-7707%" by arithmetic, and under
// 1% of the 48,470 bad events that the month allows at its 18.7 requests
// a second. Until [Status.Covered] reaches [Status.MinCovered], a tenth of
// the period (3 days of 30, the window of the default policy's slowest
// rule), Budget is [BudgetYoungData] and Evidence says "young data: 5m of
// 30d". The registry's data covers from [New], or from the oldest restored
// bucket that holds events ([WithStore]): a snapshot of quiet days covers
// less than the process that wrote it saw, never more. The figures stay
// the arithmetic of the events so far; the period's events are not
// projected from the traffic so far, since such an estimate is revised by
// every hour of traffic, draws a burn-down that climbs back without a bad
// event leaving, and cannot be added up across objectives. The SLI so far,
// the bad events so far and the burn-rate alerts, which judge windows that
// young data covers, are claims from the first minutes: a release gate
// closes on a young replica's page, never on its budget.
//
// [Tracker.Outlook] says when, at the current traffic and a given error
// ratio, each firing rule clears, the page ends, the state is ok and a
// spent budget is back above zero: the objective's own windows stepped
// forward tick by tick, so that a registry that sees that traffic makes
// each transition at the outlook's instant. A release gate's Retry-After
// and a "resets at" are stated from it, never guessed: a page that
// page-6h-30m holds lasts until the errors have left its 30m window.
//
// # Incidents and the review
//
// Every spell of an objective out of ok is an [Episode] in the registry's
// bounded log ([WithEpisodeLog]): when it started, the rule that paged or
// ticketed, its peak burn, when the errors stopped (mitigated) and when
// the objective was met again (ended), the time spent paging and the
// budget it spent, all at evaluation instants. [Registry.Episodes] and
// [Journey.Episodes] return the log; snapshots carry it across restarts.
// [Registry.Review] is the agenda of a monthly review of alerts and
// objectives: per objective over its period, the pages, tickets and flaky
// pages, the time spent paging, and the budget spent by incidents against
// background burn. A replay registry ([WithManualAdvance]) answers the
// same questions of a candidate policy.
//
// # Time slices
//
// An objective with [Slices] counts minutes (or any whole number of
// minutes) instead of events, as OpenSLO's Timeslices and RatioTimeslices
// do: "99% of the minutes are good, a minute being good when 95% of its
// requests are", or "the mean of the minutes' shares of good requests is
// 99%". The registry judges each slice when the advance leaves it and
// counts the verdicts in windows of their own; the budget, the burn rates
// (a window's share of bad slices over the error budget), the MinEvents
// guard and the outlook then read slices, and [Status.Slices] and
// [Status.SliceCounts] say so ("12 of 20160 slices bad"). A slice with no
// events is left out, neither good nor bad. Recording is unchanged.
//
// # Restarts
//
// [WithSnapshot] keeps the counts in a file: New restores it, the registry
// writes it every period and on Close, atomically. An unusable snapshot is
// reported ([Registry.Restored], [OnError]) and never stops New: a corrupt
// or foreign file, one whose checksum matches but whose content no
// registry writes (a negative ring width, say), a named pipe or a device
// at the path (refused at once, never waited on). A process killed without
// Close loses the events since the last save, about one period; the
// temporary file of a save it interrupted is removed by the next. A
// snapshot restores the windows (budgets, burn rates, states), not the
// totals: [Status.TotalGood] and [Registry.Unmatched] count this process's
// events since New, so that the counters exported from them never go down.
//
// The file is one [Store]; [WithStore] takes any other. A Store loads and
// saves bytes with a context, and the bytes are the format of
// [Snapshot.WriteTo] and [ReadSnapshot], which carries its own version and
// checksum, so a Store is a few lines over whatever holds them.
//
// A store never stalls the registry: saves run on a goroutine of the
// registry's, one at a time, each bounded by a timeout, and the advance
// that finds one due only copies the counts for it. A volume that hangs
// costs the saves, reported through [OnError], not the evaluations, the
// burn rates or the health check, which keeps passing. Close waits for the
// save in flight and the last one for at most that timeout each.
//
// In a Kubernetes Deployment each rollout starts pods on empty file
// systems, so a snapshot on the container's own disk resets the budget at
// every deploy. Keep it where it outlives the pod:
//
//   - A volume. A PersistentVolumeClaim per replica (a StatefulSet's
//     volumeClaimTemplates gives each pod its own, under a stable name), or
//     a hostPath or local volume when pods keep their nodes. Point
//     WithSnapshot at a file on the mount. Two replicas must never share one
//     file: each snapshot is one replica's counts, and they would overwrite
//     each other.
//   - A custom Store keyed by the replica's stable identity (the
//     StatefulSet's pod name, or an ordinal the pod is given): an object in
//     S3, GCS or MinIO, whose PUT replaces the object whole; a ConfigMap or
//     Secret (at most 1 MiB; a busy objective's default windows take about
//     8 KiB, so one holds a hundred), updated with its resourceVersion so that a stale writer
//     fails rather than overwrites; or a row of a database. Load returns an
//     error wrapping fs.ErrNotExist when the key is absent, so that a first
//     start is not reported as a failure.
//
// A Deployment's pods have no stable identity: a new pod cannot know which
// snapshot was its predecessor's. Give replicas stable names (a
// StatefulSet) or accept that each rollout starts this replica's windows
// empty; the fleet-wide budget of record is computed by Prometheus from the
// exported counters either way, and a snapshot is the replica's own memory.
//
// After [Registry.Close] the registry is frozen: its last snapshot holds
// the counts at Close, and no reader moves after it.
//
// # Health, status page and release gate
//
// Package slo/slostatus serves the registry over HTTP, as promhttp stands
// beside prometheus: a health check (application/health+json), an opt-in
// release gate for deploy pipelines, and a status page for people. This
// package holds the model alone, so that a program that never serves HTTP
// links neither net/http nor html/template.
//
// Packages slo/sloprom and slo/slootel export the same state to Prometheus
// and OpenTelemetry, with cumulative counters for fleet-wide rules.
//
// # Planned exclusions
//
// A maintenance window or a planned event, known ahead, is an [Exclusion]:
// a reason, a start in a zone, a duration, an optional RFC 5545 RRULE
// ("FREQ=WEEKLY;BYDAY=SU;COUNT=10") and the journeys it covers. Declare
// them with [WithExclusions] or at run time with [Registry.Exclude]. While
// one is in force, the events of its journeys count neither good nor bad
// in any window of any objective: [Journey.Record], Observe, Add and Put
// add them to [Journey.Excluded] instead, at the cost of one atomic load
// (the advance sets a flag per journey, so the event path still reads no
// clock and takes no lock). Its edges are those of the advances, exact to
// one tick. [Registry.ExclusionLog] lists each occurrence applied with the
// events it removed per journey, and [Registry.NextExclusions] those in
// force or to come.
//
// An exclusion covers the events recorded while it is in force, never
// past ones: the windows hold counts per bucket, not events with their
// instants, and the exported counters only grow, so neither can honestly
// take back what they counted (a correction of a counter would show as a
// reset to Prometheus, which rate() reads as new events). Exclude refuses
// an exclusion that has already ended. Declare an exclusion before the
// maintenance or as it starts; for an incident already counted, say so in
// the review rather than rewrite the budget, or, for a budget the team
// agrees to restore, wait for the bad events to age out of the period.
//
// # Time
//
// Time comes from a github.com/benbjohnson/clock Clock, the real one unless
// [WithClock] says otherwise. With [WithManualAdvance] there is no rotator:
// the caller moves the registry through time with [Registry.Advance], which
// replays a month of traffic in well under a second. A registry that runs
// its rotator refuses Advance; a test drives it by moving its mock clock.
//
// A clock that goes back holds the windows until it catches up; one that
// jumps forward clears them in time proportional to the rings. A registry
// that stops advancing reports as stalled ([Registry.Staleness]).
package slo

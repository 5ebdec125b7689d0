// Package slostatus serves an [slo.Registry] over HTTP, as promhttp stands
// beside prometheus: a health check for monitors, a release gate for deploy
// pipelines, and a status page for people. Package slo holds the model
// and knows nothing of HTTP; a program links net/http and html/template
// for these handlers only when it imports this package.
//
// Mount them beside the service's routes, not behind its instrumentation
// middleware: a mux of their own that routes everything else to the
// instrumented application, or a listener of their own.
//
//	status := http.NewServeMux()
//	status.Handle("GET /slo", slostatus.StatusPage(reg))     // HTML for people; ?format=json for scripts
//	status.Handle("GET /healthz/slo", slostatus.Health(reg)) // application/health+json
//
//	gate, err := slostatus.ReleaseGate(reg, slostatus.WithObjectives("checkout")) // opt-in, for deploy pipelines
//	if err != nil {
//		log.Fatal(err) // a journey the registry does not declare
//	}
//	status.Handle("GET /slo/release-gate", gate)
//	status.Handle("/", slomw(app)) // the service's own routes, each request an event
//	log.Fatal(http.ListenAndServe(addr, status))
//
// [Health] warns while an objective alerts or has spent its budget and
// fails (503) only when the library itself is stalled: a spent budget is
// no reason to take replicas out. [ReleaseGate] is the error-budget
// policy's release freeze: 503 while a chosen journey pages or has spent
// its budget. A budget spent is a claim only with enough events over
// enough of the period (slo.BudgetState.Claims): a replica minutes old
// whose burst pages closes the gate until the page clears, never for the
// hours a budget of its five minutes would take to come back. [StatusPage] draws every objective's budget burn-down and
// burn rates, for a phone as for a wall screen, with no script and
// nothing fetched from elsewhere.
//
// The fleet's, read from Prometheus through slo/slofleet rather than from
// one replica's registry, are served the same way: [FleetStatusPage],
// [FleetHealth] and [FleetGate] take a [Fleet] (or a [FleetHistory]),
// an interface *slofleet.Client satisfies, so that this package imports
// no Prometheus client:
//
//	fleet, err := slofleet.New(objectives, "http://prometheus:9090")
//	...
//	status.Handle("GET /slo", slostatus.FleetStatusPage(fleet))
//	status.Handle("GET /healthz/slo", slostatus.FleetHealth(fleet))
//
// The command journeyslo serve does this for objective files.
//
// Every handler is safe for concurrent use and answers GET and HEAD.
//
// # Planned exclusions
//
// [StatusPage] announces the registry's planned exclusions (see
// slo.Exclusion) in force at its evaluation, with when each ends, and
// those starting within a week, with their reason and journeys, above the
// objectives; its JSON lists them under "exclusions". One added with
// slo.Registry.Exclude shows from the next evaluation, a tick later. The
// fleet's page shows none: Prometheus holds only the excluded events'
// counter, not the plan.
//
// # Serving inside a host
//
// A handler computes each answer at most once per evaluation of the
// registry ([slo.Registry.Generation], which moves at every advance, every
// few seconds) and serves every request until the next from it, so that
// a client polling it costs the host the same whatever its budgets say:
// a closed gate's outlook, the page's charts and every JSON document are
// computed by the first request after an evaluation, while the others
// asking at the same time wait for that one. What depends on the instant
// of a request (the registry's lag and the time it is measured at, how
// long until a closed gate reopens, its Retry-After) is written into the
// answer per request. The page shows the evaluation it reads, whose
// figures all come from that one evaluation, "as of" its instant.
//
// Every successful answer carries a strong ETag, and a request whose
// If-None-Match holds it is answered 304 with no body; a 503 always comes
// whole. Answers are sent in gzip to clients that accept it (Vary:
// Accept-Encoding), compressed once per answer, not per request; their
// Cache-Control is no-cache, so that a browser revalidates at every load.
//
// Serve the handlers outside the instrumentation middleware, as above:
// their requests are not the service's. A handler mounted inside
// slohttp's middleware by mistake (or behind slogrpc's context holder)
// marks its request excluded, so that it counts for no objective.
//
// # The objective object
//
// The health check's entries, the release gate's, and the objectives of
// the status page's ?format=json are one JSON object per objective,
// written by one encoder:
//
//	{
//	  // The draft's check fields, in the health check and the gate only:
//	  "componentId": "checkout", "componentType": "component",
//	  "observedValue": 0.479, "observedUnit": "ratio", // the budget remaining
//	  "status": "warn", "output": "page: page-1h-5m fires, ...", // output unless it passes
//
//	  // The objective's slo.Status, as slo.Status.MarshalJSON writes it:
//	  "journey": "checkout", "objective": "availability",
//	  "target": 0.999, "period": "30d", "latency": "300ms" (latency objectives only),
//	  "time": "2026-03-31T14:30:00Z",     // of the evaluation; the draft's time
//	  "good": 51830000, "bad": 27000,     // over the period
//	  "totalGood": 51830000, "totalBad": 27000, // since slo.New
//	  "sli": 0.99948,                     // null when the period holds no event
//	  "noData": false,
//	  "budgetRemaining": 0.479,           // 1 untouched, 0 spent, negative overspent
//	  "timeToExhaustion": "2h24m",        // "0s" when spent, null when not burning
//	  "exhaustionWindow": "1h",
//	  "state": "page", "rule": "page-1h-5m", "since": "2026-03-31T14:02:10Z",
//	  "windows": [{"window": "5m", "good": 5700, "bad": 300, "burnRate": 50, "noData": false}, ...],
//	  "rules": [{"name": "page-1h-5m", "severity": "page", "long": "1h", "short": "5m",
//	    "factor": 14.4, "longBurnRate": 16.7, "shortBurnRate": 50, "burning": true, "firing": true}, ...],
//
//	  // What the presentation adds:
//	  "runbook": "https://runbooks.example.com/checkout",  // slo.Objective.Runbook; left out when empty
//	  "dashboard": "https://grafana.example.com/d/checkout", // slo.Objective.Dashboard; left out when empty
//
//	  // The history, on the status page only:
//	  "group": {"cluster": "eu1"},  // a grouped fleet objective's group (slo.History.Group); left out otherwise
//	  "burnDown": [{"end": "2026-03-01T18:00:00Z", "remaining": 1}, ...],
//	  "episodes": [...]  // the objective's, as slo.Episode.MarshalJSON writes them; [] when none
//	}
//
// The health check and the gate write the same object; the page adds its
// history. Monitors poll a health check every few seconds, and a month's
// burn-down (121 points for 30 days) and the episode log would make each
// answer several times larger for figures no check judges: a reader that
// wants them reads the page's ?format=json.
//
// The members in the middle are exactly the Status's JSON, so a reader
// that decodes one [slo.Status] from any of them gets the same value
// (unknown fields are ignored). burnDown is [slo.Tracker.BurnDown]: the
// budget remaining at the end of each bucket of the period, oldest first;
// its last point is the Status's budgetRemaining, so that every figure of
// a response agrees. episodes are the objective's episodes in the
// registry's log ([slo.Registry.Episodes]), oldest first, an open one
// last with its figures at the last evaluation. A grouped objective read
// from a fleet (FleetStatusPage) is shown as its worst group, whose
// labels group holds and its card names ("cluster=eu1"): its Status,
// burnDown and episodes are that group's. Numbers that this package writes (observedValue,
// burnDown's remaining, the page's lagSeconds) are written as slo writes
// a Status's: fractions to 12 significant digits, so that 0.46 is not
// written 0.45999999999999996, whole numbers as they are. No number is
// ever NaN or infinite: such a value would be null.
package slostatus

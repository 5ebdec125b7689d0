// Package slorisk weighs the failures a service can expect against its error
// budget, the way Google's Customer Reliability Engineering team does: each
// risk is a kind of failure with a time to detect (ETTD), a time to recover
// (ETTR), an impact (the share of requests that fail while it lasts) and a
// time between occurrences (ETTF), and it costs
//
//	(ETTD + ETTR) x impact x 365.25 / ETTF
//
// bad minutes a year (ETTD and ETTR in minutes, ETTF in days), against a
// yearly budget of (1 - target) x 525,960 minutes: 525.96 at 99.9%. The
// risks that alone spend more than the budget are the ones to work on
// first; the total says whether the service can meet its target at all.
//
// # Detection from the policy
//
// A risk may leave its time to detect out. It is then the time the
// objective's own alert policy takes to leave ok (a ticket or a page) under
// steady traffic whose error ratio is the risk's impact: by default as a
// replay through package backtest shows it, on the registry code that runs
// in production (see [Analyze]), or as a [Detector] given measures it. A
// risk whose impact burns slower than every rule's factor is never
// detected by the policy: it is flagged Undetected rather than given
// a made-up time to detect, its bad minutes count its time to recover alone
// (a lower bound: how long it goes unnoticed is not known), and its Ceiling
// says what it would cost if it never stopped. Writing an ettd (how the
// failure is noticed otherwise: a customer's call, a dashboard) replaces
// both.
//
// # Premortems
//
// A [Premortem] is one failure imagined at a given time of a recorded month
// ("every invoice fails for 30 minutes, mid-month"); [Premortem.Spend]
// gives the share of that month's error budget it would spend, at the
// month's own traffic.
//
// # The format
//
// A file is YAML, read strictly (an unknown field is an error):
//
//	target: 99.9%                   # or 0.999; or instead:
//	# objective: checkout:availability   (one of a config file's objectives)
//	risks:
//	  - name: config error shrinks the node pool
//	    ettd: 30m                    # optional: from the policy when left out
//	    ettr: 2h
//	    impact: 20%                  # or 0.2
//	    ettf: 120d
//	premortems:                      # optional
//	  - name: invoices fail mid-month
//	    journey: invoices            # optional: every journey when left out
//	    at: 15d                      # after the recorded traffic's start
//	    duration: 30m
//	    impact: 100%
//
// Durations are written as burnrate.ParseWindow reads them ("30m", "2h",
// "120d", "1h30m"). [Parse] and [Load] report every problem of a file at
// once, each a [sloconfig.Error] that reads "FILE:LINE:COLUMN: message"
// and matches slo.ErrInvalid, as every other misconfiguration the package
// reports does.
package slorisk

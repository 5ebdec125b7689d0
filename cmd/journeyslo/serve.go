package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slofleet"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

var serveVerb = &verb{
	synopsis: "serve -prometheus URL [-addr ADDR] [-label k=v]... [-from TIME] [FILE...]",
	summary:  "serve the fleet's status page, health and release gate from Prometheus",
	help: `Serve serves the status page, health check and release gate of the whole fleet,
read from the series that the rules of 'journeyslo rules' record in Prometheus
(package slo/slofleet), as a replica serves its own registry's (package
slo/slostatus):

  /slo                 the status page; /slo?format=json for scripts
  /healthz/slo         the health check (application/health+json)
  /slo/release-gate    the release gate of every objective: 503 while one pages
                       or has spent its budget, or while the fleet cannot be read

The objectives are those of the FILEs (journeyslo config or OpenSLO v1 files,
as the other verbs read them), or, with no FILE, every objective whose rules
Prometheus holds, found from their info series, with the default policy of
their target and period (give the FILEs for objectives with policies of their
own). -label gives the labels the rules were generated with (rules -label).

Every page view, health check and gate request shares one reading of Prometheus
per poll interval, whatever the number of viewers; each reading is a few
queries whatever the number of objectives, bounded by -timeout. When Prometheus
does not answer, the page says so with no figure, the health check fails and
the gate stays shut. SIGTERM or SIGINT stops the server: it finishes the
requests in flight (for at most 10 seconds) and exits 0.
`,
	flags: flagsOf[serveOptions],
	run:   runServe,
}

// serveOptions are the serve verb's flags.
type serveOptions struct {
	prometheus string
	addr       string
	labels     labelsFlag
	title      string
	timeout    time.Duration
	poll       time.Duration
	from       time.Time
}

func (o *serveOptions) flagSet(stderr io.Writer) *flag.FlagSet {
	fs := newFlags("serve", stderr)
	fs.StringVar(&o.prometheus, "prometheus", "", "the base `URL` of the Prometheus API to read, such as http://prometheus:9090 (required)")
	fs.StringVar(&o.addr, "addr", ":8080", "the `address` to listen on, such as 127.0.0.1:8080")
	fs.Var(&o.labels, "label", "a label `name=value` the rules were generated with, such as team=shop;\nrepeat it for more labels")
	fs.StringVar(&o.title, "title", "Error budgets of the fleet", "the status page's title")
	fs.DurationVar(&o.timeout, "timeout", slofleet.DefaultTimeout, "how long a reading of Prometheus may take")
	fs.DurationVar(&o.poll, "poll", slofleet.DefaultPollInterval, "how long a reading is shared by every viewer before the next")
	fs.Func("from", "an RFC 3339 `instant`, such as 2026-03-02T01:05:00Z, to read the fleet from as if the clock\nhad been set back to it, moving on from there: to go over an incident as the page showed it (default now)", func(s string) error {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return fmt.Errorf("%q is not an RFC 3339 instant, such as 2026-03-02T01:05:00Z", s)
		}
		o.from = t
		return nil
	})
	return fs
}

// shutdownGrace bounds how long a stopping server waits for the requests
// in flight.
const shutdownGrace = 10 * time.Second

func runServe(args []string, stdout, stderr io.Writer) int {
	o, fs, status, ok := parseVerb[serveOptions]("serve", args, stdout, stderr)
	if !ok {
		return status
	}
	if o.prometheus == "" {
		return usageErr(stderr, "serve", "no -prometheus given; name the Prometheus to read, such as -prometheus http://prometheus:9090")
	}
	opts := []slofleet.Option{
		slofleet.WithLabels(o.labels), slofleet.WithTimeout(o.timeout), slofleet.WithPollInterval(o.poll),
	}
	if !o.from.IsZero() {
		real := clock.New()
		opts = append(opts, slofleet.WithClock(shifted{real, o.from.Sub(real.Now())}))
	}
	// Stop on SIGTERM from the first moment: a discovery that hangs on
	// an unreachable Prometheus must not outlive it.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	var objs []slo.Objective
	if files := fs.Args(); len(files) > 0 {
		srcs, errs := loadSources(files)
		if len(errs) > 0 {
			for _, err := range errs {
				printErr(stderr, err)
			}
			return exitInvalid
		}
		for _, src := range srcs {
			objs = append(objs, src.objectives...)
		}
	} else {
		found, err := slofleet.Discover(ctx, o.prometheus, opts...)
		switch {
		case errors.Is(err, slo.ErrInvalid):
			return usageErr(stderr, "serve", "%s", strings.ReplaceAll(err.Error(), "slofleet: ", ""))
		case err != nil && len(found) == 0:
			fmt.Fprintf(stderr, "journeyslo serve: %v\n", err)
			return exitInvalid
		case err != nil:
			// Serve the objectives that read; the others are named.
			fmt.Fprintf(stderr, "journeyslo serve: left out: %v\n", err)
		}
		objs = found
	}
	fleet, err := slofleet.New(objs, o.prometheus, opts...)
	if err != nil {
		if errors.Is(err, slo.ErrInvalid) && len(fs.Args()) == 0 {
			return usageErr(stderr, "serve", "%s", strings.ReplaceAll(err.Error(), "slofleet: ", ""))
		}
		fmt.Fprintf(stderr, "journeyslo serve: %v\n", err)
		return exitInvalid
	}
	gate, err := slostatus.FleetGate(fleet)
	if err != nil {
		fmt.Fprintf(stderr, "journeyslo serve: %v\n", err)
		return exitInvalid
	}
	mux := http.NewServeMux()
	page := slostatus.FleetStatusPage(fleet, slostatus.WithTitle(o.title))
	mux.Handle("GET /slo", page)
	mux.Handle("GET /healthz/slo", slostatus.FleetHealth(fleet))
	mux.Handle("GET /slo/release-gate", gate)
	mux.Handle("GET /{$}", http.RedirectHandler("/slo", http.StatusFound))

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		fmt.Fprintf(stderr, "journeyslo serve: %v\n", err)
		return exitInvalid
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		// A request waits for a reading at most the fleet's timeout.
		WriteTimeout: o.timeout + 10*time.Second,
		IdleTimeout:  2 * time.Minute,
	}
	fmt.Fprintf(stderr, "journeyslo serve: %d objectives of Prometheus at %s, on http://%s/slo\n", len(objs), o.prometheus, ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "journeyslo serve: %v\n", err)
		return exitInvalid
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "journeyslo serve: stopping: %v\n", err)
		return exitInvalid
	}
	<-served
	fmt.Fprintln(stderr, "journeyslo serve: stopped")
	return exitOK
}

// shifted is a clock set back (or on) by a fixed offset, moving at the
// real clock's pace: the fleet's reading instants and the answers'
// expiry alike.
type shifted struct {
	clock.Clock
	offset time.Duration
}

func (s shifted) Now() time.Time                  { return s.Clock.Now().Add(s.offset) }
func (s shifted) Since(t time.Time) time.Duration { return s.Now().Sub(t) }
func (s shifted) Until(t time.Time) time.Duration { return t.Sub(s.Now()) }

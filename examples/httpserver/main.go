// Command httpserver is a small shop whose requests are journeyslo events:
// three journeys on ServeMux patterns, checkout with a latency objective,
// and a GraphQL-style account endpoint that reports its errors in a 200
// body. Beside the shop it serves the status page (/slo, and its JSON at
// /slo?format=json), the health endpoint (/healthz/slo), the release gate
// (/slo/release-gate) and Prometheus metrics (/metrics). Run it with
//
//	go run ./examples/httpserver -traffic
//
// and open the status page: -traffic sends the shop a steady trickle of
// requests of its own, so the page moves within a minute. Without it, send
// requests yourself (it prints curl commands): any shop route answers 500
// with ?fail=1 and waits first with ?delay=400ms, so that curl or hey can
// page checkout on purpose. With -smoke it sends itself a few dozen
// requests, checks every endpoint, prints the state and exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slohttp"
	"github.com/journeyslo/journeyslo/slo/sloprom"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// objectives declare the shop's journeys.
var objectives = []slo.Objective{
	{Journey: "checkout", Target: 0.999},
	{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
	{Journey: "search", Target: 0.995},
	{Journey: "account", Target: 0.995},
}

// journeys map the mux's patterns to journeys.
var journeys = map[string]string{
	"POST /checkout": "checkout",
	"GET /search":    "search",
	"POST /graphql":  "account",
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	smoke := flag.Bool("smoke", false, "send a few requests to itself, check every endpoint, print the state of every objective and exit")
	traffic := flag.Bool("traffic", false, "send the shop a steady trickle of requests of its own while it serves")
	snapshot := flag.String("snapshot", "", "keep the budgets in this file across restarts: restored at start, written every 10 s and at exit")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, mode{smoke: *smoke, traffic: *traffic, snapshot: *snapshot}, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// mode says what run does besides serving.
type mode struct {
	smoke   bool // send a few requests, check every endpoint, exit
	traffic bool // drive synthetic traffic until ctx ends
	// snapshot is the file that keeps the counts across restarts; empty
	// for none.
	snapshot string
}

// run serves the shop on addr until ctx ends, or, with smoke, until it has
// served a few requests of its own.
func run(ctx context.Context, addr string, m mode, out io.Writer) error {
	var opts []slo.Option
	if m.snapshot != "" {
		opts = append(opts, slo.WithSnapshot(m.snapshot, 10*time.Second))
	}
	reg, err := slo.New(objectives, opts...)
	if err != nil {
		return err
	}
	defer reg.Close()
	if r := reg.Restored(); r.Store != nil {
		fmt.Fprintf(out, "snapshot %s: restored %d objectives written at %v\n", m.snapshot, len(r.Objectives), r.Written.Format(time.RFC3339))
	}

	// The shop's routes, each request an event of its journey.
	app := http.NewServeMux()
	s := new(shop)
	app.HandleFunc("POST /checkout", onRequest(s.checkout))
	app.HandleFunc("GET /search", onRequest(s.search))
	app.HandleFunc("POST /graphql", onRequest(s.graphql))
	slomw, err := slohttp.New(reg, slohttp.WithPatterns(journeys))
	if err != nil {
		return err
	}

	// Beside them, what people and machines read, on a mux of its own in
	// front of the instrumented one: outside the middleware, so that the
	// page's refreshes, a pipeline polling the gate and the scrapes are no
	// events of the shop. (A listener of its own, an admin port, does as
	// well.) The handlers answer each evaluation of the registry once,
	// however often they are asked.
	gate, err := slostatus.ReleaseGate(reg, slostatus.WithObjectives("checkout"))
	if err != nil {
		return err
	}
	metrics := prometheus.NewRegistry()
	metrics.MustRegister(sloprom.NewCollector(reg))
	mux := http.NewServeMux()
	mux.Handle("GET /slo", slostatus.StatusPage(reg, slostatus.WithTitle("Shop")))
	mux.Handle("GET /healthz/slo", slostatus.Health(reg))
	mux.Handle("GET /slo/release-gate", gate)
	mux.Handle("GET /metrics", promhttp.HandlerFor(metrics, promhttp.HandlerOpts{}))
	mux.Handle("/", slomw(app))

	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(out, "shop listening on %s\n", base)
	fmt.Fprintf(out, "  curl -X POST %s/checkout\n", base)
	fmt.Fprintf(out, "  curl '%s/search?q=shoes'\n", base)
	fmt.Fprintf(out, "  curl -X POST -d '{\"query\":\"{ me { name } }\"}' %s/graphql\n", base)
	fmt.Fprintf(out, "any shop route fails or slows on request:\n")
	fmt.Fprintf(out, "  curl -X POST '%s/checkout?fail=1'       # answers 500: a bad event\n", base)
	fmt.Fprintf(out, "  curl -X POST '%s/checkout?delay=400ms'  # slower than checkout's 300 ms objective\n", base)
	fmt.Fprintf(out, "  hey -n 2000 -m POST '%s/checkout?fail=1'  # spend checkout's budget in seconds\n", base)
	fmt.Fprintf(out, "status page:  %s/slo\n", base)
	fmt.Fprintf(out, "as JSON:      %s/slo?format=json\n", base)
	fmt.Fprintf(out, "health:       %s/healthz/slo\n", base)
	fmt.Fprintf(out, "release gate: %s/slo/release-gate\n", base)
	fmt.Fprintf(out, "metrics:      %s/metrics\n", base)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	switch {
	case m.smoke:
		err = selfDrive(ctx, base)
		if err == nil {
			err = checkEndpoints(ctx, base)
		}
	case m.traffic:
		fmt.Fprintln(out, "sending the shop about 100 requests a second; stop with Ctrl-C")
		go incident(ctx, reg, s, out, 40*time.Second, 80*time.Second)
		err = drive(ctx, base, 4, 40*time.Millisecond)
	default:
		<-ctx.Done()
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if e := srv.Shutdown(shutdown); e != nil && err == nil {
		err = e
	}
	if e := <-served; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	// Close evaluates what was served since the last tick and writes the
	// snapshot a last time.
	if e := reg.Close(); e != nil && err == nil {
		err = e
	}
	printStatus(out, reg)
	if m.smoke && err == nil {
		err = checkEvents(reg)
	}
	return err
}

// maxDelay bounds ?delay=, so that a typo cannot hold a connection for
// hours.
const maxDelay = 10 * time.Second

// onRequest lets a person trying the shop with curl or hey make any of its
// requests fail or slow: ?fail=1 answers 500, a bad event, and
// ?delay=400ms waits that long before serving (at most maxDelay). The
// middleware judges the answer as it judges any other: this is how an
// outage or a latency regression looks from outside.
func onRequest(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		fail := false
		if v := q.Get("fail"); v != "" {
			var err error
			if fail, err = strconv.ParseBool(v); err != nil {
				http.Error(w, fmt.Sprintf("fail=%q: want 1 to fail the request or 0 not to", v), http.StatusBadRequest)
				return
			}
		}
		if v := q.Get("delay"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 || d > maxDelay {
				http.Error(w, fmt.Sprintf("delay=%q: want a duration from 0 to %v, such as 400ms", v, maxDelay), http.StatusBadRequest)
				return
			}
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done(): // the client gave up: an excluded event
				t.Stop()
				return
			}
		}
		if fail {
			http.Error(w, "failed on request (?fail=1)", http.StatusInternalServerError)
			return
		}
		next(w, r)
	}
}

// checkEndpoints fetches every endpoint beside the shop, a few times
// at once as monitors and pipelines do, and fails on an unexpected status,
// content type or, for journeyslo's, an answer not in gzip (which Go's
// client asks for).
func checkEndpoints(ctx context.Context, base string) error {
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	for _, e := range []struct {
		path, contentType string
		status            int
		gzip              bool
	}{
		{"/slo", "text/html; charset=utf-8", http.StatusOK, true},
		{"/slo?format=json", "application/json", http.StatusOK, true},
		{"/healthz/slo", "application/health+json", http.StatusOK, true},
		{"/slo/release-gate", "application/health+json", 0, true}, // 200 or 503: checkout may have failed too often
		{"/metrics", "text/plain; version=0.0.4; charset=utf-8; escaping=underscores", http.StatusOK, false},
	} {
		const together = 4
		errs := make(chan error, together)
		for range together {
			go func() { errs <- checkEndpoint(ctx, client, base+e.path, e.contentType, e.status, e.gzip) }()
		}
		for range together {
			if err := <-errs; err != nil {
				return err
			}
		}
	}
	return nil
}

func checkEndpoint(ctx context.Context, client *http.Client, url, contentType string, status int, gzip bool) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if status != 0 && resp.StatusCode != status {
		return fmt.Errorf("GET %s: status %d, want %d", url, resp.StatusCode, status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, contentType) {
		return fmt.Errorf("GET %s: Content-Type %q, want %q", url, ct, contentType)
	}
	if gzip && !resp.Uncompressed {
		return fmt.Errorf("GET %s: not in gzip, which the client accepts", url)
	}
	return nil
}

// incident takes the payment provider down after `after` for `lasting`,
// so that the status page shows checkout paging and, minutes later,
// recovering.
func incident(ctx context.Context, reg *slo.Registry, s *shop, out io.Writer, after, lasting time.Duration) {
	for _, step := range []struct {
		wait time.Duration
		down bool
		say  func() string
	}{
		{after, true, func() string { return "the payment provider is down: checkout fails one request in five" }},
		{lasting, false, func() string {
			return "the payment provider is back; " + pageReset(reg, "checkout", "availability")
		}},
	} {
		select {
		case <-ctx.Done():
			return
		case <-time.After(step.wait):
		}
		s.outage.Store(step.down)
		fmt.Fprintf(out, "%s  %s\n", time.Now().Format("15:04:05"), step.say())
	}
}

// pageReset says when the objective's page resets if every request
// succeeds from now on, and why then. It is the registry's outlook, from
// the rules that fire and the windows that hold the errors, not a guess:
// a page that page-6h-30m holds lasts until the outage has left its 30m
// window, half an hour after the errors stopped.
func pageReset(reg *slo.Registry, journey, objective string) string {
	t, ok := reg.Tracker(journey, objective)
	if !ok {
		return "no objective " + slo.ObjectiveKey(journey, objective)
	}
	o := t.Outlook(0)
	switch {
	case o.PageReset.Equal(o.Time):
		return journey + " is not paging"
	case o.PageReset.IsZero():
		return "the page does not reset within the objective's period at this traffic"
	}
	say := fmt.Sprintf("the page resets at %s (in %s)", o.PageReset.Format("15:04:05"),
		burnrate.FormatWindow(o.PageReset.Sub(o.Time).Round(time.Second)))
	r, _ := o.Holding(burnrate.SeverityPage) // it fires: the page resets later than now
	if r.TooFewEvents {
		return fmt.Sprintf("%s, when %s's %s window holds too few events", say, r.Name, burnrate.FormatWindow(r.Window))
	}
	return fmt.Sprintf("%s, when %s's %s window no longer holds the outage", say, r.Name, burnrate.FormatWindow(r.Window))
}

// drive sends the shop requests of random journeys from `clients`
// goroutines, each one request every interval, until ctx ends.
func drive(ctx context.Context, base string, clients int, interval time.Duration) error {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	defer client.CloseIdleConnections()
	errs := make(chan error, clients)
	for range clients {
		go func() {
			tick := time.NewTicker(interval)
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					errs <- nil
					return
				case <-tick.C:
				}
				rq := requests[rand.IntN(len(requests))]
				req, err := http.NewRequestWithContext(ctx, rq.method, base+rq.path, strings.NewReader(rq.body))
				if err == nil {
					var resp *http.Response
					if resp, err = client.Do(req); err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}
				if err != nil && ctx.Err() == nil {
					errs <- err
					return
				}
			}
		}()
	}
	var first error
	for range clients {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// checkEvents reports an objective that counted no event, which after
// -smoke's requests means the middleware is not wired as it should be.
func checkEvents(reg *slo.Registry) error {
	for _, st := range reg.Status() {
		if st.TotalGood+st.TotalBad == 0 {
			return fmt.Errorf("%s counted no event", slo.ObjectiveKey(st.Journey, st.Objective))
		}
	}
	return nil
}

// shop is the application: handlers that know nothing of objectives but
// what their errors mean.
type shop struct {
	// outage, when set, is the payment provider being down: checkout
	// fails one request in five.
	outage atomic.Bool
}

// checkout fails now and then, as a payment provider does (one request in
// two thousand, and one in five during an outage), and takes a variable
// time.
func (s *shop) checkout(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
	if rand.IntN(2000) == 0 || s.outage.Load() && rand.IntN(5) == 0 {
		http.Error(w, "payment provider unavailable", http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, `{"order":"A-1042","status":"paid"}`+"\n")
}

// search answers 400 (the client's fault, a good event) without a query.
func (s *shop) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if q == "" {
		http.Error(w, "missing q", http.StatusBadRequest)
		return
	}
	fmt.Fprintf(w, `{"query":%q,"results":[]}`+"\n", q)
}

// graphql answers 200 whatever happens, as GraphQL servers do, with
// errors in the body (one request in four hundred): MarkBad tells the
// middleware.
func (s *shop) graphql(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if rand.IntN(400) == 0 {
		slohttp.MarkBad(w)
		io.WriteString(w, `{"data":null,"errors":[{"message":"account service timed out"}]}`+"\n")
		return
	}
	io.WriteString(w, `{"data":{"me":{"name":"Ada"}}}`+"\n")
}

// requests are what a client of the shop sends: every journey, a search
// without a query (a 400, the client's fault) and a route of no journey.
var requests = []struct{ method, path, body string }{
	{"POST", "/checkout", ""},
	{"GET", "/search?q=shoes", ""},
	{"GET", "/search", ""},
	{"POST", "/graphql", `{"query":"{ me { name } }"}`},
	{"GET", "/no-such-page", ""},
}

// selfDrive sends the shop a few dozen requests of every journey, and a
// few to routes of none.
func selfDrive(ctx context.Context, base string) error {
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	for i := 0; i < 20; i++ {
		for _, rq := range requests {
			req, err := http.NewRequestWithContext(ctx, rq.method, base+rq.path, strings.NewReader(rq.body))
			if err != nil {
				return err
			}
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	return nil
}

func printStatus(out io.Writer, reg *slo.Registry) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "journey\tobjective\tgood\tbad\tSLI\tbudget left\tstate")
	for _, st := range reg.Status() {
		// The period's counts, which the SLI and budget come from; a
		// restored snapshot's events are among them. A budget is a claim
		// only over enough events: 1 bad in 20 is not a budget
		// overspent 49 times.
		budget := st.Evidence()
		if st.Budget.Claims() {
			budget = fmt.Sprintf("%.0f%%", st.BudgetRemaining*100)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.4f\t%s\t%v\n", st.Journey, st.Objective,
			st.Good, st.Bad, st.SLI, budget, st.State)
	}
	g, b := reg.Unmatched() // this run's: unmatched events have no windows to restore
	fmt.Fprintf(tw, "%s\t\t%d\t%d\t\t\t\n", slo.Unmatched, g, b)
	tw.Flush()
}

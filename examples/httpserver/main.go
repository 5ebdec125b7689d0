// Command httpserver is a small shop whose requests are journeyslo events:
// three journeys on ServeMux patterns, checkout with a latency objective,
// and a GraphQL-style account endpoint that reports its errors in a 200
// body. Run it with
//
//	go run ./examples/httpserver
//
// and send it requests (it prints curl commands), then read every
// objective's state at /debug/slo. With -smoke it sends itself a few dozen
// requests, prints the state and exits.
package main

import (
	"context"
	"encoding/json"
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
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/journeyslo/journeyslo/middleware"
	"github.com/journeyslo/journeyslo/slo"
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
	smoke := flag.Bool("smoke", false, "send a few requests to itself, print the state of every objective and exit")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *smoke, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run serves the shop on addr until ctx ends, or, with smoke, until it has
// served a few requests of its own.
func run(ctx context.Context, addr string, smoke bool, out io.Writer) error {
	reg, err := slo.New(objectives)
	if err != nil {
		return err
	}
	defer reg.Close()

	mux := http.NewServeMux()
	s := &shop{}
	mux.HandleFunc("POST /checkout", s.checkout)
	mux.HandleFunc("GET /search", s.search)
	mux.HandleFunc("POST /graphql", s.graphql)
	mux.Handle("GET /debug/slo", statusHandler(reg))

	slomw, err := middleware.New(reg, middleware.WithPatterns(journeys))
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: slomw(mux), ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(out, "shop listening on %s\n", base)
	fmt.Fprintf(out, "  curl -X POST %s/checkout\n", base)
	fmt.Fprintf(out, "  curl '%s/search?q=shoes'\n", base)
	fmt.Fprintf(out, "  curl -X POST -d '{\"query\":\"{ me { name } }\"}' %s/graphql\n", base)
	fmt.Fprintf(out, "state of every objective: curl %s/debug/slo\n", base)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if smoke {
		err = selfDrive(ctx, base)
	} else {
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
	reg.Advance(reg.Clock().Now()) // evaluate what was served since the last tick
	printStatus(out, reg)
	if smoke && err == nil {
		err = checkEvents(reg)
	}
	return err
}

// checkEvents reports an objective that counted no event, which after
// -smoke's requests means the middleware is not wired as it should be.
func checkEvents(reg *slo.Registry) error {
	for _, st := range reg.Status() {
		if st.TotalGood+st.TotalBad == 0 {
			return fmt.Errorf("%s/%s counted no event", st.Journey, st.Objective)
		}
	}
	return nil
}

// shop is the application: handlers that know nothing of objectives but
// what their errors mean.
type shop struct{}

// checkout fails now and then, as a payment provider does, and takes a
// variable time.
func (s *shop) checkout(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
	if rand.IntN(20) == 0 {
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
// errors in the body: MarkBad tells the middleware.
func (s *shop) graphql(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if rand.IntN(10) == 0 {
		middleware.MarkBad(w)
		io.WriteString(w, `{"data":null,"errors":[{"message":"account service timed out"}]}`+"\n")
		return
	}
	io.WriteString(w, `{"data":{"me":{"name":"Ada"}}}`+"\n")
}

// statusHandler serves the state of every objective as JSON.
func statusHandler(reg *slo.Registry) http.Handler {
	type objective struct {
		Journey, Objective string
		Target             float64
		Latency            string `json:",omitempty"`
		Good, Bad          uint64
		SLI                float64
		BudgetRemaining    float64
		State, Rule        string
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var out []objective
		for _, st := range reg.Status() {
			o := objective{Journey: st.Journey, Objective: st.Objective, Target: st.Target,
				Good: st.TotalGood, Bad: st.TotalBad, SLI: st.SLI, BudgetRemaining: st.BudgetRemaining,
				State: st.State.String(), Rule: st.Rule}
			if st.Latency > 0 {
				o.Latency = st.Latency.String()
			}
			out = append(out, o)
		}
		g, b := reg.Unmatched()
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(map[string]any{"objectives": out, "unmatched": map[string]uint64{"good": g, "bad": b}})
	})
}

// selfDrive sends the shop a few dozen requests of every journey, and a
// few to routes of none.
func selfDrive(ctx context.Context, base string) error {
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	requests := []struct{ method, path, body string }{
		{"POST", "/checkout", ""},
		{"GET", "/search?q=shoes", ""},
		{"GET", "/search", ""},
		{"POST", "/graphql", `{"query":"{ me { name } }"}`},
		{"GET", "/no-such-page", ""},
	}
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
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.4f\t%.0f%%\t%v\n", st.Journey, st.Objective,
			st.TotalGood, st.TotalBad, st.SLI, st.BudgetRemaining*100, st.State)
	}
	g, b := reg.Unmatched()
	fmt.Fprintf(tw, "%s\t\t%d\t%d\t\t\t\n", slo.Unmatched, g, b)
	tw.Flush()
}

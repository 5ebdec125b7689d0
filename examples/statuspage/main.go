// Command statuspage serves journeyslo's status page, health endpoint,
// release gate and Prometheus metrics for a shop whose month of traffic it
// replays at start, then keeps live: checkout is in the middle of an
// outage that ends a minute after the page comes up (the demo then prints
// when the page will reset, from the registry's outlook: when the errors
// have left page-1h-5m's 5m window), login burns slowly, and search spent
// its budget in an incident last week.
//
//	go run ./examples/statuspage            # then open http://localhost:8080/slo
//	go run ./examples/statuspage -addr :9000
//	go run ./examples/statuspage -snapshot /tmp/shop.snapshot
//
// The registry runs on a mock clock so that the month replays in a
// second; after that the clock follows real time. With -snapshot, the
// counts are written to the file every minute and at exit, and a later
// run restores them instead of replaying the month.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
	"github.com/journeyslo/journeyslo/slo/sloprom"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "address to serve on")
	snapshot := flag.String("snapshot", "", "keep the budgets in this file: restored at start instead of the replay, written every minute and at exit")
	flag.Parse()

	d, err := newDemo(time.Now().UTC().Truncate(time.Second), *snapshot)
	if err != nil {
		log.Fatal(err)
	}
	defer d.reg.Close()
	d.out = os.Stdout

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go d.live(ctx, time.Second)

	srv := &http.Server{Addr: *addr, Handler: d.mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.Background())
	}()
	fmt.Printf("status page:  http://%s/slo\nas JSON:       http://%s/slo?format=json\nhealth:       http://%s/healthz/slo\n"+
		"release gate: http://%s/slo/release-gate\nmetrics:      http://%s/metrics\n", *addr, *addr, *addr, *addr, *addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

type demo struct {
	out   io.Writer  // where step tells of an outage's end; nil for nowhere
	store *liveStore // nil without a snapshot file
	reg   *slo.Registry
	mock  *clock.Mock
	mux   *http.ServeMux
	// scenarios are the journeys' traffic, the generator of journeyslo's
	// backtests, and feeds record it into the registry.
	scenarios []slobacktest.Scenario
	feeds     []*slobacktest.Feed
}

// newDemo builds the registry, replays the 30 days before now into it and
// mounts the handlers. With a snapshot file that exists, it restores the
// file instead of replaying.
func newDemo(now time.Time, snapshot string) (*demo, error) {
	mock := clock.NewMock()
	from := now.Add(-30 * 24 * time.Hour).Truncate(15 * time.Minute)
	opts := []slo.Option{slo.WithClock(mock), slo.WithManualAdvance()}
	var store *liveStore
	if snapshot != "" {
		store = &liveStore{FileStore: slo.FileStore{Path: snapshot}}
		opts = append(opts, slo.WithStore(store, time.Minute))
		if _, err := os.Stat(snapshot); err == nil {
			// The snapshot holds the month up to the last run: start
			// now, which a snapshot from a month ahead would refuse.
			from = now
		}
	}
	mock.Set(from)
	reg, err := slo.New([]slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
		{Journey: "login", Target: 0.995},
		{Journey: "search", Target: 0.995},
		{Journey: "search", Target: 0.95, Latency: 300 * time.Millisecond},
	}, opts...)
	if err != nil {
		return nil, err
	}
	if r := reg.Restored(); r.Err != nil {
		reg.Close()
		return nil, r.Err
	}
	d := &demo{store: store, reg: reg, mock: mock, mux: http.NewServeMux()}
	// Each journey's traffic: requests a second at the daily mean, busiest
	// at noon, and the shares that fail and that are slow (800 ms) on a
	// normal day, for a year from the replay's start, with its outages.
	journey := func(name string, perSecond, failing, slow float64, outages ...slobacktest.Incident) slobacktest.Scenario {
		for i := range outages {
			outages[i].Slow = slow // an outage fails requests; it does not slow the others
		}
		return slobacktest.Scenario{Journey: name, Start: from, Length: 365 * 24 * time.Hour, Rate: perSecond, Diurnal: 0.5,
			ErrorRatio: failing, Slow: slow, SlowLatency: 800 * time.Millisecond, Incidents: outages}
	}
	outage := func(from, to time.Time, failing float64) slobacktest.Incident {
		return slobacktest.Incident{Start: from, Duration: to.Sub(from), ErrorRatio: failing}
	}
	d.scenarios = []slobacktest.Scenario{
		journey("checkout", 20, 0.0002, 0.004,
			outage(now.Add(-20*24*time.Hour), now.Add(-20*24*time.Hour+15*time.Minute), 0.8),
			// A quarter of checkouts fail for 5 minutes, 4 of them before
			// start: the 1h/5m rule pages (a burn of about 17 over the
			// hour), the 6h/30m one stays under its 6, and the page clears
			// once the 5m window no longer holds the errors (step says
			// when).
			outage(now.Add(-4*time.Minute), now.Add(time.Minute), 0.25)),
		journey("login", 10, 0.001, 0,
			outage(now.Add(-30*time.Hour), now.Add(24*time.Hour), 0.02)), // a slow burn: a ticket
		journey("search", 50, 0.0005, 0.02,
			outage(now.Add(-8*24*time.Hour), now.Add(-8*24*time.Hour+6*time.Hour), 0.45)),
	}
	// Restored from a snapshot, the traffic starts now: the month's past
	// outages are in the snapshot, and those going on go on from now.
	for i := range d.scenarios {
		var kept []slobacktest.Incident
		for _, o := range d.scenarios[i].Incidents {
			if o.End().After(from) {
				if o.Start.Before(from) {
					o.Duration, o.Start = o.End().Sub(from), from
				}
				kept = append(kept, o)
			}
		}
		d.scenarios[i].Incidents = kept
	}
	for _, sc := range d.scenarios {
		j, _ := reg.Journey(sc.Journey) // declared above
		feed, err := sc.Feed(j)
		if err != nil {
			reg.Close()
			return nil, err
		}
		d.feeds = append(d.feeds, feed)
	}

	// Coarse steps for most of the month, then 1-minute steps for the last
	// three days, which the alert windows look at closely.
	step := 15 * time.Minute
	for t := from; t.Before(now); t = t.Add(step) {
		if now.Sub(t) <= 72*time.Hour {
			step = time.Minute
		}
		reg.Advance(t)
		d.record(t, step)
	}
	reg.Advance(now)
	mock.Set(now)
	if store != nil {
		store.live.Store(true)
	}

	gate, err := slostatus.ReleaseGate(reg, slostatus.WithObjectives("checkout", "search"))
	if err != nil {
		return nil, err
	}
	metrics := prometheus.NewRegistry()
	metrics.MustRegister(sloprom.NewCollector(reg))
	d.mux.Handle("/slo", slostatus.StatusPage(reg, slostatus.WithTitle("Shop error budgets (demo)"), slostatus.WithRefresh(10*time.Second)))
	d.mux.Handle("/healthz/slo", slostatus.Health(reg))
	d.mux.Handle("/slo/release-gate", gate)
	d.mux.Handle("/metrics", promhttp.HandlerFor(metrics, promhttp.HandlerOpts{}))
	d.mux.Handle("/{$}", http.RedirectHandler("/slo", http.StatusFound))
	return d, nil
}

// live keeps the mock clock in step with real time, recording each
// second's traffic, until ctx is done.
func (d *demo) live(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			d.step(every)
		}
	}
}

// step records d of traffic and moves the clock and the registry past it.
// When an outage ends in it, it says when the journey's page resets if
// the journey fails no more than on a normal day: the registry's outlook,
// from the rules that fire and the windows that hold the errors.
func (d *demo) step(every time.Duration) {
	from := d.mock.Now()
	d.record(from, every)
	d.mock.Add(every)
	now := d.mock.Now()
	d.reg.Advance(now)
	for _, sc := range d.scenarios {
		for _, o := range sc.Incidents {
			if d.out == nil || !o.End().After(from) || o.End().After(now) { // not in (from, now]
				continue
			}
			fmt.Fprintf(d.out, "%s  %s's outage is over; %s\n", now.Format("15:04:05"), sc.Journey, pageReset(d.reg, sc.Journey, "availability", sc.ErrorRatio))
		}
	}
}

// pageReset says when the objective's page resets at errorRatio, and why
// then.
func pageReset(reg *slo.Registry, journey, objective string, errorRatio float64) string {
	t, ok := reg.Tracker(journey, objective)
	if !ok {
		return "no objective " + slo.ObjectiveKey(journey, objective)
	}
	o := t.Outlook(errorRatio)
	switch {
	case o.PageReset.Equal(o.Time):
		return journey + " is not paging"
	case o.PageReset.IsZero():
		return "its page does not reset within the objective's period at this traffic"
	}
	say := fmt.Sprintf("its page resets at %s (in %s)", o.PageReset.Format("15:04:05"),
		burnrate.FormatWindow(o.PageReset.Sub(o.Time).Round(time.Second)))
	r, _ := o.Holding(burnrate.SeverityPage) // it fires: the page resets later than now
	return fmt.Sprintf("%s, when %s's %s window no longer holds the errors", say, r.Name, burnrate.FormatWindow(r.Window))
}

// record records the traffic of [t, t+step) into the registry, which
// counts it at its next advance.
func (d *demo) record(t time.Time, step time.Duration) {
	for _, f := range d.feeds {
		f.To(t.Add(step))
	}
}

// liveStore is a FileStore that saves nothing until the replay is over:
// the replay's periodic saves, a month of them in a second, would each be
// overwritten by the next. Close and the live minutes save.
type liveStore struct {
	slo.FileStore
	live atomic.Bool
}

func (s *liveStore) Save(ctx context.Context, data []byte) error {
	if !s.live.Load() {
		return nil
	}
	return s.FileStore.Save(ctx, data)
}

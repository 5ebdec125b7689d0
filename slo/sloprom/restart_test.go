package sloprom_test

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloprom"
	"github.com/journeyslo/journeyslo/slo/slotest"
)

// A process that crashes and restarts from its snapshot, scraped every 15
// s before and after, as Prometheus would: in the real engine,
// increase(journeyslo_sli_events_total) over the whole span equals the
// events the two processes served, to the event. The new process's counters
// start at zero, which Prometheus reads as the reset of any restart; had
// they restarted from the snapshot's totals, below the last scrape (the
// snapshot lacks the events after its last write), Prometheus would have
// added every restored event a second time.
func TestRestartFromASnapshotCountsEveryEventOnce(t *testing.T) {
	promtest.Promtool(t) // skip early, before the replay, when not installed
	const scrape = 15 * time.Second
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	store := fixture.NewSavedStore(path)
	objectives := []slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "search", Target: 0.99, Latency: 300 * time.Millisecond},
	}
	var samples promtest.Samples
	// served tallies what the traffic sent, independently of the registry:
	// journey/objective/outcome, and unmatched/outcome.
	served := map[string]uint64{}

	// process runs one process's life: a registry restored from the
	// snapshot, scraped at its start and every 15 s, for span.
	process := func(start time.Time, span time.Duration, traffic func(i int) []slotest.Traffic) *slo.Registry {
		mock := clock.NewMock()
		mock.Set(start)
		reg, err := slo.New(objectives, slo.WithClock(mock), slo.WithManualAdvance(), slo.WithStore(store, time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		// Never closed: the process dies without Close, as in a crash.
		if r := reg.Restored(); r.Err != nil || len(r.Skipped) != 0 {
			t.Fatalf("restore at %v: %+v", start, r)
		}
		pr := prometheus.NewPedanticRegistry()
		pr.MustRegister(sloprom.NewCollector(reg))
		d := slotest.NewDriver(t, reg, start)
		d.SetStep(reg.Tick())
		for i := 0; ; i++ {
			if err := samples.Gather(pr, d.Now()); err != nil {
				t.Fatal(err)
			}
			if !d.Now().Before(start.Add(span)) {
				return reg
			}
			tr := traffic(i)
			d.Run(scrape, tr...)
			for _, x := range tr {
				// Whole events each scrape interval: rate x 15 s and
				// ratio x events are integers here, up to float rounding.
				n := uint64(math.Round(x.Rate * scrape.Seconds()))
				bad := uint64(math.Round(x.ErrorRatio * float64(n)))
				slowBad := bad
				if x.Latency > 300*time.Millisecond {
					slowBad = n
				}
				switch x.Journey {
				case "checkout":
					served["checkout/availability/good"] += n - bad
					served["checkout/availability/bad"] += bad
				case "search":
					served["search/latency/good"] += n - slowBad
					served["search/latency/bad"] += slowBad
				default:
					served["unmatched/good"] += n - bad
					served["unmatched/bad"] += bad
				}
			}
		}
	}
	steady := func(int) []slotest.Traffic {
		return []slotest.Traffic{
			{Journey: "checkout", Rate: 20, ErrorRatio: 0.01},
			{Journey: "search", Rate: 4, ErrorRatio: 0.05},
			{Journey: "search", Rate: 2, Latency: 500 * time.Millisecond}, // slow, good
			{Journey: slo.Unmatched, Rate: 2, ErrorRatio: 0.5},
		}
	}

	// The first process serves two hours and 45 seconds: its last snapshot
	// is written at 2h, its last scrape at the instant it crashes, so that
	// Prometheus saw every event it served and the snapshot lacks 45 s of
	// them.
	t0 := start
	crash := t0.Add(2*time.Hour + 45*time.Second)
	first := process(t0, crash.Sub(t0), func(i int) []slotest.Traffic {
		tr := steady(i)
		if i >= 200 && i < 204 { // a minute of checkout failing at 30%
			tr[0].ErrorRatio = 0.3
		}
		return tr
	})
	lost := first.Status()[0].TotalGood + first.Status()[0].TotalBad
	// The registry saves on a goroutine of its own: the crash comes after
	// the save of 2h returned.
	store.WaitSaved(t, t0.Add(2*time.Hour))

	// Thirty seconds later, the second one restores the snapshot and serves
	// an hour.
	restart := crash.Add(30 * time.Second)
	second := process(restart, time.Hour, steady)
	if r := second.Restored(); !r.Written.Equal(t0.Add(2 * time.Hour)) {
		t.Fatalf("the second process restored the snapshot written at %v, want %v", r.Written, t0.Add(2*time.Hour))
	}
	st := second.Status()[0]
	lost -= st.Good + st.Bad - (st.TotalGood + st.TotalBad) // the restored events
	end := restart.Add(time.Hour)

	srv := promtest.Start(t, promtest.Backfill(t, samples.Bytes()), promtest.Config{})
	// Prometheus 2's range selectors include both ends: a range of exactly
	// end - t0, evaluated at end, holds the samples at t0 and at end, so
	// increase spans exactly its samples and does not extrapolate.
	span := fmt.Sprintf("%ds", int(end.Sub(t0).Seconds()))
	check := func(expr, key string) {
		t.Helper()
		vec := srv.Query(t, expr, end)
		if len(vec) != 1 {
			t.Fatalf("%s: %v, want one sample", expr, vec)
		}
		if got, want := float64(vec[0].Value), float64(served[key]); got != want {
			t.Errorf("%s = %v, want the %v events served (%s)", expr, got, want, key)
		}
	}
	for _, k := range []struct{ sel, key string }{
		{`journey="checkout",objective="availability",outcome="good"`, "checkout/availability/good"},
		{`journey="checkout",objective="availability",outcome="bad"`, "checkout/availability/bad"},
		{`journey="search",objective="latency",outcome="good"`, "search/latency/good"},
		{`journey="search",objective="latency",outcome="bad"`, "search/latency/bad"},
	} {
		check(`increase(journeyslo_sli_events_total{`+k.sel+`}[`+span+`])`, k.key)
	}
	check(`increase(journeyslo_unmatched_events_total{outcome="good"}[`+span+`])`, "unmatched/good")
	check(`increase(journeyslo_unmatched_events_total{outcome="bad"}[`+span+`])`, "unmatched/bad")

	// The second process's counters started at zero: its first scrape
	// reads 0 although it restored the windows.
	for _, v := range srv.Query(t, `journeyslo_sli_events_total`, restart) {
		if v.Value != 0 {
			t.Errorf("%v = %v at the restart, want 0", v.Metric, v.Value)
		}
	}
	t.Logf("served %d checkout events over %v across a crash; the snapshot lacked %d of them, Prometheus counted each once",
		served["checkout/availability/good"]+served["checkout/availability/bad"], end.Sub(t0), lost)
}

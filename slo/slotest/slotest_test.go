package slotest_test

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slotest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// registry returns a manually advanced registry on a mock clock at t0.
func registry(t *testing.T, objectives ...slo.Objective) (*slo.Registry, *clock.Mock) {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(t0)
	reg, err := slo.New(objectives, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return reg, mock
}

// recorder is a testing.TB that keeps the failures of the helper under
// test instead of failing the test; Fatalf ends its goroutine as
// testing.T's does. Only the methods the helpers call are implemented.
type recorder struct {
	testing.TB
	errors, fatals []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// record runs f with a recorder on a goroutine of its own, so that a
// Fatalf ends f and not the test.
func record(f func(tb testing.TB)) *recorder {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

func TestRunRecordsExactCounts(t *testing.T) {
	reg, _ := registry(t,
		slo.Objective{Journey: "checkout", Target: 0.999},
		slo.Objective{Journey: "search", Target: 0.99},
		slo.Objective{Journey: "search", Target: 0.95, Latency: 300 * time.Millisecond},
	)
	d := slotest.NewDriver(t, reg, t0)
	end := d.Run(100*time.Second,
		slotest.Traffic{Journey: "checkout", Rate: 10, ErrorRatio: 0.001},    // 1000 events: 0.001 x 1000 is one bad, not none
		slotest.Traffic{Journey: "search", Rate: 0.7, ErrorRatio: 1.0 / 3},   // 70 events: 23.33 bad, 46.67 good, each to its nearest whole
		slotest.Traffic{Journey: "search", Rate: 0.5, Latency: time.Second},  // 50 slow events, good for availability
		slotest.Traffic{Journey: slo.Unmatched, Rate: 0.25, ErrorRatio: 0.5}, // 25 events: 12.5 bad and 12.5 good, each rounded up
	)
	if want := t0.Add(100 * time.Second); !end.Equal(want) || !d.Now().Equal(want) {
		t.Fatalf("Run ended at %v (Now %v), want %v", end, d.Now(), want)
	}
	for _, c := range []struct {
		journey, objective string
		good, bad          uint64
	}{
		{"checkout", "availability", 999, 1},
		{"search", "availability", 47 + 50, 23},
		{"search", "latency", 47, 23 + 50},
	} {
		st := slotest.Status(t, reg, c.journey, c.objective)
		if st.TotalGood != c.good || st.TotalBad != c.bad || !st.Time.Equal(end) {
			t.Errorf("%s/%s: (%d good, %d bad) at %v, want (%d, %d) at %v", c.journey, c.objective,
				st.TotalGood, st.TotalBad, st.Time, c.good, c.bad, end)
		}
	}
	if g, b := reg.Unmatched(); g != 13 || b != 13 {
		t.Errorf("Unmatched() = (%d, %d), want (13, 13)", g, b)
	}
}

// Counts are cumulative over a run: whatever the step, the same run
// records the same events by the same instants.
func TestRunStepsDoNotDrift(t *testing.T) {
	for _, step := range []time.Duration{time.Second, 3 * time.Second, 7 * time.Second, time.Minute} {
		reg, _ := registry(t, slo.Objective{Journey: "checkout", Target: 0.99})
		d := slotest.NewDriver(t, reg, t0)
		d.SetStep(step)
		// 2.5 minutes and a half second, so that the last step is partial.
		d.Run(150*time.Second+500*time.Millisecond, slotest.Traffic{Journey: "checkout", Rate: 1.3, ErrorRatio: 0.1})
		st := slotest.Status(t, reg, "checkout", "availability")
		// 1.3 x 150.5 = 195.65 events: 19.565 bad, to the nearest 20,
		// and 176.085 good, to 176.
		if st.TotalGood != 176 || st.TotalBad != 20 || !st.Time.Equal(t0.Add(150500*time.Millisecond)) {
			t.Errorf("step %v: (%d good, %d bad) at %v, want (176, 20) at %v", step, st.TotalGood, st.TotalBad,
				st.Time, t0.Add(150500*time.Millisecond))
		}
	}
}

// Fractions of an event carry from one run to the next on the same
// traffic: short runs add up to what one long run records.
func TestRunCarriesFractions(t *testing.T) {
	reg, _ := registry(t,
		slo.Objective{Journey: "checkout", Target: 0.999},
		slo.Objective{Journey: "search", Target: 0.99},
	)
	d := slotest.NewDriver(t, reg, t0)
	for range 20 {
		d.Run(15*time.Second,
			slotest.Traffic{Journey: "checkout", Rate: 20, ErrorRatio: 0.001}, // 0.3 bad a run
			slotest.Traffic{Journey: "search", Rate: 0.05},                    // 0.75 events a run
			slotest.Traffic{Journey: "search", Rate: 0.05, ErrorRatio: 1},     // the same, bad: a carry of its own
		)
	}
	for _, c := range []struct {
		journey   string
		good, bad uint64
	}{
		{"checkout", 5994, 6}, // 6000 events, 0.1% bad
		{"search", 15, 15},    // 15 events each
	} {
		if st := slotest.Status(t, reg, c.journey, "availability"); st.TotalGood != c.good || st.TotalBad != c.bad {
			t.Errorf("%s: (%d good, %d bad) after 20 runs of 15 s, want (%d, %d)", c.journey, st.TotalGood, st.TotalBad, c.good, c.bad)
		}
	}
}

// The driver keeps the registry's mock clock with its windows, so that Lag
// and the handlers see no skew.
func TestDriverMovesTheMockClock(t *testing.T) {
	reg, mock := registry(t, slo.Objective{Journey: "checkout", Target: 0.99})
	d := slotest.NewDriver(t, reg, t0.Add(time.Hour))
	if lag, _ := reg.Staleness(); !mock.Now().Equal(t0.Add(time.Hour)) || lag != 0 {
		t.Fatalf("after NewDriver: mock at %v, lag %v; want %v, 0", mock.Now(), lag, t0.Add(time.Hour))
	}
	d.Run(10*time.Minute, slotest.Traffic{Journey: "checkout", Rate: 1})
	if lag, stalled := reg.Staleness(); !mock.Now().Equal(t0.Add(70*time.Minute)) || lag != 0 || stalled {
		t.Errorf("after Run: mock at %v, lag %v, stalled %v; want %v, 0, false", mock.Now(), lag, stalled, t0.Add(70*time.Minute))
	}
}

// The Workbook's worked detection times (99.9%, 30 days, steady traffic):
// 100% errors page after 51.84 s, which one-second steps see at 52 s, and
// 1% raises the 6h/30m page after 3.6 h, on a one-minute step.
//
// 10% errors (8.64 min) is left out: the registry's windows are up to a
// bucket short of their length, which makes it page a few seconds early.
func TestRunUntilWorkbookDetectionTimes(t *testing.T) {
	for _, c := range []struct {
		errors float64
		step   time.Duration
		want   time.Duration
		rule   string
	}{
		{1, time.Second, 52 * time.Second, "page-1h-5m"},
		{0.01, time.Minute, 3*time.Hour + 36*time.Minute, "page-6h-30m"},
	} {
		reg, _ := registry(t, slo.Objective{Journey: "checkout", Target: 0.999})
		d := slotest.NewDriver(t, reg, t0)
		d.SetStep(time.Minute)
		d.Run(72*time.Hour, slotest.Traffic{Journey: "checkout", Rate: 10})
		d.SetStep(c.step)
		got := d.RunUntil(6*time.Hour, "checkout", "availability", burnrate.SeverityPage,
			slotest.Traffic{Journey: "checkout", Rate: 10, ErrorRatio: c.errors})
		st := slotest.Status(t, reg, "checkout", "availability")
		if got != c.want || st.Rule != c.rule {
			t.Errorf("%v%% errors: paged after %v by %s, want %v by %s", c.errors*100, got, st.Rule, c.want, c.rule)
		}
	}
}

func TestRunUntilAlreadyThere(t *testing.T) {
	reg, _ := registry(t, slo.Objective{Journey: "checkout", Target: 0.999})
	d := slotest.NewDriver(t, reg, t0)
	if got := d.RunUntil(time.Hour, "checkout", "availability", burnrate.SeverityOK, slotest.Traffic{Journey: "checkout", Rate: 1}); got != 0 || !d.Now().Equal(t0) {
		t.Errorf("RunUntil(ok) on an ok objective: %v, now %v; want 0 at %v", got, d.Now(), t0)
	}
}

func TestAssertions(t *testing.T) {
	reg, _ := registry(t, slo.Objective{Journey: "checkout", Target: 0.99})
	d := slotest.NewDriver(t, reg, t0)
	// 2% errors at 99%, one bad in every second's 50 events: a burn of 2
	// in every window, the budget overspent by as much again;
	// ticket-3d-6h fires (factor 1) and nothing pages.
	d.Run(time.Hour, slotest.Traffic{Journey: "checkout", Rate: 50, ErrorRatio: 0.02})
	if !slotest.AssertState(t, reg, "checkout", "availability", burnrate.SeverityTicket) ||
		!slotest.AssertBudget(t, reg, "checkout", "availability", -1, 1e-12) {
		t.Fatal("the assertions above failed on a registry in the state they describe")
	}

	r := record(func(tb testing.TB) {
		if slotest.AssertState(tb, reg, "checkout", "availability", burnrate.SeverityPage) {
			t.Error("AssertState(page) held on a ticket")
		}
		if slotest.AssertBudget(tb, reg, "checkout", "availability", 0.5, 0.1) {
			t.Error("AssertBudget(0.5 ± 0.1) held at -1")
		}
	})
	want := []string{
		"slotest: checkout:availability is ticket, want page: at 2026-03-02T10:00:00Z ticket by ticket-3d-6h since 2026-03-02T09:00:02Z; " +
			"page-1h-5m burns 2 over 1h and 2 over 5m against 14.4; page-6h-30m burns 2 over 6h and 2 over 30m against 6; " +
			"ticket-1d-2h burns 2 over 1d and 2 over 2h against 3; ticket-3d-6h burns 2 over 3d and 2 over 6h against 1 (firing); " +
			"budget left -1 with 3600 bad of 180000 events over 30d",
		"slotest: checkout:availability has -1 of its budget left, want 0.5 ± 0.1: at 2026-03-02T10:00:00Z",
	}
	if len(r.errors) != 2 || r.errors[0] != want[0] || !strings.HasPrefix(r.errors[1], want[1]) || len(r.fatals) != 0 {
		t.Errorf("failures:\n%q\nwant:\n%q", r.errors, want)
	}
}

// A registry that runs its own rotator, or is closed, refuses the Driver's
// Advance; the Driver stops the test saying why.
func TestDriverNeedsAnOpenManualRegistry(t *testing.T) {
	rotating, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}})
	if err != nil {
		t.Fatal(err)
	}
	defer rotating.Close()
	closing, _ := registry(t, slo.Objective{Journey: "checkout", Target: 0.999})
	for _, c := range []struct {
		name string
		f    func(tb testing.TB)
		want string
	}{
		{"rotator", func(tb testing.TB) { slotest.NewDriver(tb, rotating, time.Now().Add(time.Hour)) }, "slotest: NewDriver: slo: invalid"},
		{"closed", func(tb testing.TB) {
			d := slotest.NewDriver(tb, closing, t0)
			closing.Close()
			d.Run(time.Minute)
		}, "slotest: slo: registry closed: Advance(2026-03-02T09:00:01Z) after Close"},
	} {
		r := record(c.f)
		suffix := "; a Driver moves a registry built with slo.WithManualAdvance(), and only while it is open"
		if len(r.fatals) != 1 || !strings.HasPrefix(r.fatals[0], c.want) || !strings.HasSuffix(r.fatals[0], suffix) {
			t.Errorf("%s: fatals %q; want one starting %q and ending %q", c.name, r.fatals, c.want, suffix)
		}
	}
}

// Misuse stops the test with a message that says what would be right.
func TestMisuse(t *testing.T) {
	reg, _ := registry(t,
		slo.Objective{Journey: "checkout", Target: 0.999},
		slo.Objective{Journey: "search", Target: 0.99},
	)
	for _, c := range []struct {
		name string
		f    func(tb testing.TB)
		want string
	}{
		{"start before the registry", func(tb testing.TB) { slotest.NewDriver(tb, reg, t0.Add(-time.Hour)) },
			"slotest: NewDriver: start 2026-03-02T08:00:00Z is before the registry's instant 2026-03-02T09:00:00Z; build the registry on a clock.NewMock() set to start (slo.WithClock), or start at or after it"},
		{"nil registry", func(tb testing.TB) { slotest.NewDriver(tb, nil, t0) },
			"slotest: NewDriver(nil registry); pass the *slo.Registry that slo.New returned"},
		{"typo", func(tb testing.TB) {
			slotest.NewDriver(tb, reg, t0).Run(time.Minute, slotest.Traffic{Journey: "chekout", Rate: 1})
		}, `slotest: traffic 0: journey "chekout" is not declared; the registry declares checkout, search (or use slo.Unmatched)`},
		{"ratio", func(tb testing.TB) {
			slotest.NewDriver(tb, reg, t0).Run(time.Minute, slotest.Traffic{Journey: "search", Rate: 1, ErrorRatio: 5})
		}, "slotest: traffic 0 (search): error ratio 5; give the share of bad events, from 0 to 1 (0.01 for 1%)"},
		{"NaN ratio", func(tb testing.TB) {
			slotest.NewDriver(tb, reg, t0).Run(time.Minute, slotest.Traffic{Journey: "search", Rate: 1, ErrorRatio: math.NaN()})
		}, "slotest: traffic 0 (search): error ratio NaN; give the share of bad events, from 0 to 1 (0.01 for 1%)"},
		{"rate", func(tb testing.TB) {
			slotest.NewDriver(tb, reg, t0).Run(time.Minute, slotest.Traffic{Journey: "search", Rate: -1})
		}, "slotest: traffic 0 (search): rate -1; give events per second, zero or more"},
		{"too many", func(tb testing.TB) {
			slotest.NewDriver(tb, reg, t0).Run(time.Hour, slotest.Traffic{Journey: "search", Rate: 1e20})
		}, "slotest: traffic 0 (search): 1e+20 events a second for 1h0m0s is more events than can be counted exactly"},
		{"latency", func(tb testing.TB) {
			slotest.NewDriver(tb, reg, t0).Run(time.Minute, slotest.Traffic{Journey: "search", Rate: 1, Latency: -time.Second})
		}, "slotest: traffic 0 (search): latency -1s is negative; give how long each event took, or 0"},
		{"span", func(tb testing.TB) { slotest.NewDriver(tb, reg, t0).Run(-time.Minute) },
			"slotest: a span of -1m0s is negative; give how long the traffic lasts"},
		{"step", func(tb testing.TB) { slotest.NewDriver(tb, reg, t0).SetStep(0) },
			"slotest: SetStep(0s): the step must be positive, such as time.Second"},
		{"objective", func(tb testing.TB) { slotest.Status(tb, reg, "search", "latency") },
			"slotest: the registry declares no objective search:latency; it declares checkout:availability, search:availability"},
		{"tolerance", func(tb testing.TB) { slotest.AssertBudget(tb, reg, "search", "availability", 1, -0.1) },
			"slotest: AssertBudget(search:availability, 1, tolerance -0.1): give a finite budget share (1 untouched, 0 spent) and a finite tolerance of 0 or more"},
		{"never", func(tb testing.TB) {
			slotest.NewDriver(tb, reg, t0).RunUntil(time.Minute, "search", "availability", burnrate.SeverityPage,
				slotest.Traffic{Journey: "search", Rate: 1})
		}, "slotest: search:availability not page within 1m0s of 2026-03-02T09:00:00Z: at 2026-03-02T09:01:00Z ok since "},
	} {
		r := record(c.f)
		if len(r.fatals) != 1 || !strings.HasPrefix(r.fatals[0], c.want) || len(r.errors) != 0 {
			t.Errorf("%s: fatals %q, errors %q; want one fatal starting %q", c.name, r.fatals, r.errors, c.want)
		}
	}
}

package slo

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/testenv"
)

// recordEveryPattern records, on j, one event of every kind the record
// path tells apart: 16 events, 15 of them timed or bad.
func recordEveryPattern(j *Journey) {
	j.Record(false)
	j.Record(true)
	j.Observe(50*time.Millisecond, false)
	j.Observe(100*time.Millisecond, false) // at a threshold: within it
	j.Observe(300*time.Millisecond, false)
	j.Observe(301*time.Millisecond, false)
	j.Observe(time.Second, false)
	j.Observe(2*time.Second, false)
	j.Observe(10*time.Millisecond, true) // fast but bad
	j.Put(Untimed, 0)                    // availability only
	j.Record(true)
	j.Add(3, 2)
}

// totals returns each objective's (TotalGood, TotalBad) by name.
func totals(sts []Status) map[string][2]uint64 {
	out := map[string][2]uint64{}
	for _, st := range sts {
		out[st.Objective] = [2]uint64{st.TotalGood, st.TotalBad}
	}
	return out
}

func TestEveryPatternReachesEveryObjective(t *testing.T) {
	lat := func(name string, d time.Duration) Objective {
		return Objective{Journey: "checkout", Name: name, Target: 0.99, Latency: d}
	}
	avail := Objective{Journey: "checkout", Target: 0.999}
	for _, tc := range []struct {
		name string
		objs []Objective
		want map[string][2]uint64
	}{
		{"availability only", []Objective{avail},
			map[string][2]uint64{"availability": {11, 5}}},
		{"one threshold", []Objective{avail, lat("latency", 300*time.Millisecond)},
			map[string][2]uint64{"availability": {11, 5}, "latency": {7, 8}}},
		{"latency only", []Objective{lat("latency", 300*time.Millisecond)},
			map[string][2]uint64{"latency": {7, 8}}},
		{"two thresholds", []Objective{avail, lat("latency", 300*time.Millisecond), lat("latency-1s", time.Second)},
			map[string][2]uint64{"availability": {11, 5}, "latency": {7, 8}, "latency-1s": {9, 6}}},
		{"three thresholds, declared out of order", []Objective{lat("latency-1s", time.Second), avail,
			lat("latency-100ms", 100*time.Millisecond), lat("latency", 300*time.Millisecond)},
			map[string][2]uint64{"availability": {11, 5}, "latency-100ms": {6, 9}, "latency": {7, 8}, "latency-1s": {9, 6}}},
		{"three latency objectives, two equal thresholds", []Objective{avail, lat("latency", 300*time.Millisecond),
			lat("latency-again", 300*time.Millisecond), lat("latency-1s", time.Second)},
			map[string][2]uint64{"availability": {11, 5}, "latency": {7, 8}, "latency-again": {7, 8}, "latency-1s": {9, 6}}},
		{"seven thresholds, more patterns than one cache line holds", []Objective{avail,
			lat("t10ms", 10*time.Millisecond), lat("t50ms", 50*time.Millisecond), lat("t100ms", 100*time.Millisecond),
			lat("t200ms", 200*time.Millisecond), lat("t300ms", 300*time.Millisecond), lat("t1s", time.Second), lat("t5s", 5*time.Second)},
			map[string][2]uint64{"availability": {11, 5}, "t10ms": {4, 11}, "t50ms": {5, 10}, "t100ms": {6, 9},
				"t200ms": {6, 9}, "t300ms": {7, 8}, "t1s": {9, 6}, "t5s": {10, 5}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := manual(t, tc.objs)
			j := journeyOf(reg, "checkout")
			recordEveryPattern(j)
			recordEveryPattern(journeyOf(reg, "undeclared"))
			// Status counts the events at the next advance, not before.
			for name, got := range totals(j.Status()) {
				if got != [2]uint64{} {
					t.Errorf("%s before the advance: totals %v, want none yet", name, got)
				}
			}
			// Unmatched counts them at once.
			if g, b := reg.Unmatched(); g != 11 || b != 5 {
				t.Errorf("Unmatched() = (%d, %d), want (11, 5)", g, b)
			}
			reg.Advance(t0.Add(3 * time.Second))
			if diff := cmp.Diff(tc.want, totals(j.Status())); diff != "" {
				t.Errorf("(good, bad) per objective after one of each pattern (-want +got):\n%s", diff)
			}
			for _, st := range j.Status() {
				if st.Good != st.TotalGood || st.Bad != st.TotalBad {
					t.Errorf("%s: period (%d, %d), want the totals (%d, %d)", st.Objective, st.Good, st.Bad, st.TotalGood, st.TotalBad)
				}
			}
			if g, b := reg.Unmatched(); g != 11 || b != 5 {
				t.Errorf("Unmatched() after the advance = (%d, %d), want (11, 5)", g, b)
			}
			// A second advance moves nothing twice.
			reg.Advance(t0.Add(6 * time.Second))
			if diff := cmp.Diff(tc.want, totals(j.Status())); diff != "" {
				t.Errorf("after a second advance (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBurnDownCountsEventsSinceTheAdvance(t *testing.T) {
	// Target 0.5 makes the budget half the events, so that every expected
	// value is exact in binary.
	p := burnrate.Policy{Rules: []burnrate.Rule{{Long: time.Hour, Short: 5 * time.Minute, Factor: 2, Severity: burnrate.SeverityPage}}}
	objs := []Objective{{Journey: "checkout", Target: 0.5, Policy: p}}
	for _, d := range []time.Duration{10, 50, 100, 200, 300, 1000, 5000} {
		objs = append(objs, Objective{Journey: "checkout", Name: fmt.Sprintf("t%dms", d), Target: 0.5, Latency: d * time.Millisecond, Policy: p})
	}
	reg := manual(t, objs)
	j := journeyOf(reg, "checkout")
	j.Add(3, 0)
	reg.Advance(t0.Add(3 * time.Second))
	j.Observe(250*time.Millisecond, false) // not yet advanced
	// 4 events, a budget of 2: one slow event spends half of it.
	want := map[string]float64{"availability": 1, "t10ms": 0.5, "t50ms": 0.5, "t100ms": 0.5, "t200ms": 0.5,
		"t300ms": 1, "t1000ms": 1, "t5000ms": 1}
	got := map[string]float64{}
	for name := range want {
		points := trackerOf(reg, "checkout", name).BurnDown()
		got[name] = points[len(points)-1].Remaining
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("last BurnDown point before the advance (-want +got):\n%s", diff)
	}
	reg.Advance(t0.Add(6 * time.Second))
	got = map[string]float64{}
	for _, st := range j.Status() {
		got[st.Objective] = st.BudgetRemaining
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Status().BudgetRemaining after the advance (-want +got):\n%s", diff)
	}
}

func TestRecordingWhileAdvancingIsExact(t *testing.T) {
	reg := manual(t, []Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
		{Journey: "checkout", Name: "latency-again", Target: 0.95, Latency: 300 * time.Millisecond},
		{Journey: "checkout", Name: "latency-1s", Target: 0.95, Latency: time.Second},
	})
	const writers, cycles = 4, 1000
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j := journeyOf(reg, "checkout")
			for range cycles {
				j.Record(false)
				j.Observe(100*time.Millisecond, false)
				j.Observe(500*time.Millisecond, false)
				j.Observe(2*time.Second, false)
				j.Observe(0, true)
				j.Add(2, 1)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		nope := journeyOf(reg, "nope")
		for i := range writers * cycles {
			nope.Record(i%4 == 0)
		}
	}()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	// Advance as fast as possible meanwhile, and read what readers read.
	// Every objective of the journey receives the same events at each
	// drain, so their totals agree at every advance.
	now, steps := t0, 0
	var lastTotal, lastUnmatched uint64
	for running := true; running; steps++ {
		select {
		case <-done:
			running = false
		default:
		}
		now = now.Add(3 * time.Second)
		reg.Advance(now)
		sts := journeyOf(reg, "checkout").Status()
		total := sts[0].TotalGood + sts[0].TotalBad
		for _, st := range sts[1:] {
			if n := st.TotalGood + st.TotalBad; n != total {
				t.Fatalf("advance %d: %s counts %d events, availability %d; want the same", steps, st.Objective, n, total)
			}
		}
		if total < lastTotal {
			t.Fatalf("advance %d: total went back from %d to %d", steps, lastTotal, total)
		}
		g, b := reg.Unmatched()
		if g+b < lastUnmatched {
			t.Fatalf("advance %d: Unmatched went back from %d to %d", steps, lastUnmatched, g+b)
		}
		lastTotal, lastUnmatched = total, g+b
		if points := trackerOf(reg, "checkout", "latency").BurnDown(); len(points) == 0 {
			t.Fatal("BurnDown(checkout, latency) is empty")
		}
	}
	reg.Advance(now.Add(3 * time.Second))
	// Per cycle: availability 6 good, 2 bad; 300 ms 4 and 4; 1 s 5 and 3.
	want := map[string][2]uint64{"availability": {24000, 8000}, "latency": {16000, 16000},
		"latency-again": {16000, 16000}, "latency-1s": {20000, 12000}}
	if diff := cmp.Diff(want, totals(journeyOf(reg, "checkout").Status())); diff != "" {
		t.Errorf("totals after %d advances (-want +got):\n%s", steps, diff)
	}
	if g, b := reg.Unmatched(); g != 3000 || b != 1000 {
		t.Errorf("Unmatched() = (%d, %d), want (3000, 1000)", g, b)
	}
	t.Logf("%d advances during the recording", steps)
}

func TestCloseSnapshotsEventsSinceTheAdvance(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	first, _ := snapRegistry(t, snapObjectives, t0, path)
	first.Advance(t0.Add(3 * time.Second))
	journeyOf(first, "checkout").Add(5, 2)
	journeyOf(first, "search").Observe(time.Second, false) // slow: bad
	journeyOf(first, "search").Observe(time.Millisecond, false)
	journeyOf(first, "nope").Record(true)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second, errs := snapRegistry(t, snapObjectives, t0.Add(time.Minute), path)
	second.Advance(t0.Add(time.Minute))
	// The period's counts come back with the windows; the totals and the
	// unmatched counts are this process's, since New.
	want := map[string][2]uint64{"checkout:availability": {5, 2}, "search:latency": {1, 1}}
	got := map[string][2]uint64{}
	for _, st := range second.Status() {
		got[ObjectiveKey(st.Journey, st.Objective)] = [2]uint64{st.Good, st.Bad}
		if st.TotalGood != 0 || st.TotalBad != 0 {
			t.Errorf("%s: totals (%d, %d) after a restore, want (0, 0)", ObjectiveKey(st.Journey, st.Objective), st.TotalGood, st.TotalBad)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("restored period counts (-want +got):\n%s", diff)
	}
	if g, b := second.Unmatched(); g != 0 || b != 0 {
		t.Errorf("restored Unmatched() = (%d, %d), want (0, 0)", g, b)
	}
	if len(*errs) != 0 {
		t.Errorf("OnError called: %v", *errs)
	}
}

func TestEveryRecordAndTheDrainDoNotAllocate(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	reg := manual(t, []Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
		{Journey: "checkout", Name: "latency-1s", Target: 0.95, Latency: time.Second},
		{Journey: "checkout", Name: "latency-3s", Target: 0.9, Latency: 3 * time.Second, Policy: burnrate.Policy{Rules: []burnrate.Rule{
			{Long: time.Hour, Short: 5 * time.Minute, Factor: 10, Severity: burnrate.SeverityPage}}}},
	})
	j, nope := journeyOf(reg, "checkout"), journeyOf(reg, "nope")
	if n := testing.AllocsPerRun(1000, func() {
		recordEveryPattern(j)
		recordEveryPattern(nope)
		reg.Unmatched()
	}); n != 0 {
		t.Fatalf("recording allocates %v times per run, want 0", n)
	}
	now := t0
	reg.Advance(now)
	if n := testing.AllocsPerRun(100, func() {
		recordEveryPattern(j)
		now = now.Add(3 * time.Second)
		reg.Advance(now) // drains every pattern
	}); n != 0 {
		t.Fatalf("recording and advancing allocates %v times per run, want 0", n)
	}
}

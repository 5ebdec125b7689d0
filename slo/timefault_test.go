package slo

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
)

// finite fails on any NaN or Inf in a status.
func finite(t *testing.T, where string, st Status) {
	t.Helper()
	nums := []float64{st.SLI, st.BudgetRemaining}
	for _, b := range st.Windows {
		nums = append(nums, b.Rate)
	}
	for _, r := range st.Rules {
		nums = append(nums, r.LongRate, r.ShortRate)
	}
	for _, x := range nums {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("%s: %s/%s has a non-finite number: %+v", where, st.Journey, st.Objective, st)
		}
	}
}

func TestClockJumps(t *testing.T) {
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}, {Journey: "search", Target: 0.99, Latency: time.Second}})
	checkout, search := journeyOf(reg, "checkout"), journeyOf(reg, "search")
	var good, bad uint64
	now := t0
	steps := []struct {
		name string
		jump time.Duration
	}{
		{"steady", 0}, {"back a few minutes", -7 * time.Minute}, {"forward an hour", time.Hour},
		{"back a day", -24 * time.Hour}, {"forward three days", 72 * time.Hour}, {"back an hour", -time.Hour},
		{"forward forty days", 40 * 24 * time.Hour}, {"back a year", -365 * 24 * time.Hour},
	}
	for _, st := range steps {
		now = now.Add(st.jump)
		// Ten minutes of traffic after each jump, 1% bad.
		for i := 0; i < 200; i++ {
			reg.Advance(now)
			checkout.Add(99, 1)
			search.Observe(2*time.Second, false) // slow: bad for the latency objective
			good, bad = good+99, bad+1
			now = now.Add(3 * time.Second)
		}
		reg.Advance(now)
		sts := reg.Status()
		for _, s := range sts {
			finite(t, st.name, s)
			if s.Good+s.Bad > s.TotalGood+s.TotalBad {
				t.Fatalf("%s: %s counts %d events over its period but %d in all", st.name, s.Journey, s.Good+s.Bad, s.TotalGood+s.TotalBad)
			}
		}
		// Nothing lost, nothing counted twice, whatever the clock did.
		if c := sts[0]; c.TotalGood != good || c.TotalBad != bad {
			t.Fatalf("%s: checkout totals (%d, %d), want (%d, %d)", st.name, c.TotalGood, c.TotalBad, good, bad)
		}
		if s := sts[1]; s.TotalGood != 0 || s.TotalBad != bad {
			t.Fatalf("%s: search totals (%d, %d), want (0, %d)", st.name, s.TotalGood, s.TotalBad, bad)
		}
	}
}

func TestSnapshotsContinueAfterTheClockGoesBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	reg, _ := snapRegistry(t, snapObjectives, t0, path)
	reg.Advance(t0.Add(time.Minute)) // written at t0+1m; next due at t0+2m
	reg.settleSaves()
	back := t0.Add(-24 * time.Hour)
	journeyOf(reg, "checkout").Add(7, 0)
	reg.Advance(back)
	reg.settleSaves()
	snap, err := decodeSnapshot(mustRead(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Written.Equal(back) || snap.Series[0].Total.Good != 7 {
		t.Fatalf("after the clock went back a day: snapshot written %v with %d good, want %v and 7", snap.Written, snap.Series[0].Total.Good, back)
	}
}

func TestUndeclaredJourneyFlood(t *testing.T) {
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}})
	series, statuses := reg.group.Len(), len(reg.Status())
	rng := rand.New(rand.NewPCG(7, 8))
	names := make([]string, 1000)
	for i := range names {
		b := make([]byte, 1+rng.IntN(40))
		for j := range b {
			b[j] = byte(rng.IntN(256))
		}
		names[i] = string(b)
	}
	flood := func(n int) {
		for i := 0; i < n; i++ {
			journeyOf(reg, names[i%len(names)]+strings.Repeat("/", i%3)).Record(i%2 == 0)
		}
	}
	flood(1000) // warm up
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	flood(100000)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if reg.group.Len() != series || len(reg.Status()) != statuses {
		t.Fatalf("after 101,000 undeclared journeys: %d series, %d statuses; want %d, %d", reg.group.Len(), len(reg.Status()), series, statuses)
	}
	if g, b := reg.Unmatched(); g+b != 101000 || b != 50500 {
		t.Fatalf("Unmatched() = (%d, %d), want (50500, 50500)", g, b)
	}
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 256<<10 {
		t.Fatalf("heap grew %d bytes over 100,000 undeclared journeys, want under 256 KiB", grew)
	}
}

func TestSnapshotHugeCounts(t *testing.T) {
	// Counts near 2^64 survive a snapshot: the windows exactly, and the
	// period's counts, fractional since the period counts part of its
	// oldest bucket, to float64 precision (2^64 - 10 rounds to 2^64, which
	// saturates, and 2^53 + 1 to 2^53). The totals count since New.
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	first, _ := snapRegistry(t, snapObjectives, t0, path)
	journeyOf(first, "checkout").Add(math.MaxUint64-10, 1<<53+1)
	first.Advance(t0.Add(time.Second))
	first.Close()
	reg, _ := snapRegistry(t, snapObjectives, t0.Add(time.Second), path)
	reg.Advance(t0.Add(2 * time.Second))
	st := reg.Status()[0]
	if st.TotalGood != 0 || st.TotalBad != 0 || st.Good != math.MaxUint64 || st.Bad != 1<<53 {
		t.Fatalf("restored (%d, %d) over the period, (%d, %d) since New; want (%d, %d), (0, 0)",
			st.Good, st.Bad, st.TotalGood, st.TotalBad, uint64(math.MaxUint64), uint64(1<<53))
	}
	finite(t, "huge counts", st)
	// 2^53 bad in about 2^64 events is a ratio of 2^-11: a burn of 0.488.
	want := float64(1<<53+1) / (float64(math.MaxUint64-10) + float64(1<<53+1)) / 0.001
	if r := st.Rules[0].LongRate; math.Abs(r-want) > 1e-12*want || st.State != burnrate.SeverityOK {
		t.Errorf("1h burn %v, state %v; want %v, ok", r, st.State, want)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

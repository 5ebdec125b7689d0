package slo_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

func TestRestoreSnapshotOfTheShorterLayout(t *testing.T) {
	// testdata/snapshot-before-exact-windows.bin was written by the
	// registry before windows were exactly their length, when each ring
	// kept one bucket fewer. Its registry had one objective, checkout at
	// 99.9%, and recorded from 00:00 to 02:00 on March 2, 2026, 1000
	// events every 15 s, 10 of them bad from 00:30 to 00:40, and was
	// closed at 02:00. A registry of today restores what it held.
	data, err := os.ReadFile(filepath.Join("testdata", "snapshot-before-exact-windows.bin"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	mock := clock.NewMock()
	mock.Set(at)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
		slo.WithClock(mock), slo.WithManualAdvance(), slo.WithSnapshot(path, time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if res := reg.Restored(); res.Err != nil || len(res.Objectives) != 1 || len(res.Skipped) != 0 {
		t.Fatalf("restore: %+v", res)
	}
	check := func(when string, want map[time.Duration][2]float64) {
		t.Helper()
		st := reg.Status()[0]
		for _, b := range st.Windows {
			if w := want[b.Window]; b.Good != w[0] || b.Bad != w[1] {
				t.Errorf("%s: %v window (%v, %v), want (%v, %v)", when, b.Window, b.Good, b.Bad, w[0], w[1])
			}
		}
		if p := want[30*24*time.Hour]; st.Good != uint64(p[0]) || st.Bad != uint64(p[1]) {
			t.Errorf("%s: period (%d, %d), want (%v, %v)", when, st.Good, st.Bad, p[0], p[1])
		}
	}
	// At 02:00 the 5m window [01:55, 02:00) needs the 3 s bucket of 01:55,
	// and the 1h window the 15 s bucket of 01:00: the older rings had let
	// them go, so those two hold what the older layout summed, 19 and 239
	// steps of 1000. Every other window's buckets were all kept: 30m holds
	// its 120 steps; 2h and longer, and the period, all 480 steps, 400 bad.
	reg.Advance(at)
	all := [2]float64{479600, 400}
	check("restored", map[time.Duration][2]float64{
		5 * time.Minute: {19000, 0}, 30 * time.Minute: {120000, 0}, time.Hour: {239000, 0},
		2 * time.Hour: all, 6 * time.Hour: all, 24 * time.Hour: all, 72 * time.Hour: all, 30 * 24 * time.Hour: all,
	})
	// Five minutes of the same good traffic later, the missing buckets
	// have left both windows: 5m holds its 20 new steps, 1h 240 steps.
	// The 2h window, [00:05, 02:05), has traded the 20 steps of 00:00 for
	// the 20 new ones.
	j := fixture.Journey(reg, "checkout")
	now := at
	for i := 0; i < 20; i++ {
		reg.Advance(now)
		j.Add(1000, 0)
		now = now.Add(15 * time.Second)
	}
	reg.Advance(now)
	all = [2]float64{499600, 400}
	check("5 minutes on", map[time.Duration][2]float64{
		5 * time.Minute: {20000, 0}, 30 * time.Minute: {120000, 0}, time.Hour: {240000, 0},
		2 * time.Hour: {479600, 400}, 6 * time.Hour: all, 24 * time.Hour: all, 72 * time.Hour: all, 30 * 24 * time.Hour: all,
	})
}

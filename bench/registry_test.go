package bench

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

// registrySizes are the registries the memory and advance benchmarks
// build: a service's objectives, and a fleet's on one registry.
var registrySizes = []int{1000, 5000}

// registryObjectives returns n objectives of the default 30-day policy, one
// journey each, half of them latency objectives, so that both kinds of
// series are counted.
func registryObjectives(n int) []slo.Objective {
	objs := make([]slo.Objective, n)
	for i := range objs {
		objs[i] = slo.Objective{Journey: fmt.Sprintf("journey-%05d", i), Target: 0.999}
		if i%2 == 1 {
			objs[i].Latency = 300 * time.Millisecond
		}
	}
	return objs
}

// heapInUse returns the bytes of live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkObjectiveHeap measures the heap a registry holds per objective:
// the live heap after building a registry of n objectives (default 30-day
// policy) and running it for 7 hours of ticks with traffic, so that every
// window, the recent burn history and the evaluation's scratch are
// allocated, less the live heap before. It reports B/objective, everything
// the registry holds included; the work of one operation is one such
// build.
//
// impl=journeyslo-episode-log-full is the same registry restored from a
// snapshot whose every objective has a full episode log, the default 100
// episodes: what an objective holds at most. The log grows with the
// episodes an objective has; it is not allocated ahead.
func BenchmarkObjectiveHeap(b *testing.B) {
	for _, impl := range []string{"journeyslo", "journeyslo-episode-log-full"} {
		for _, n := range registrySizes {
			b.Run(fmt.Sprintf("impl=%s/objectives=%d", impl, n), func(b *testing.B) {
				objs := registryObjectives(n)
				var opts []slo.Option
				if impl == "journeyslo-episode-log-full" {
					// No save falls due in the seven hours: a save in flight
					// holds a copy of the counts, which is not the registry's
					// own.
					opts = append(opts, slo.WithStore(&memStore{data: fullLogSnapshot(b, objs)}, 24*time.Hour))
				}
				var perObjective float64
				for i := 0; i < b.N; i++ {
					perObjective = heapPerObjective(b, objs, opts...)
				}
				b.ReportMetric(perObjective, "B/objective")
			})
		}
	}
}

// heapPerObjective builds a registry of objs, runs it for seven hours with
// traffic and returns the live heap it holds per objective.
func heapPerObjective(b *testing.B, objs []slo.Objective, opts ...slo.Option) float64 {
	before := heapInUse()
	mock := clock.NewMock()
	mock.Set(fixture.Start)
	reg, err := slo.New(objs, append([]slo.Option{slo.WithClock(mock), slo.WithManualAdvance()}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	if r := reg.Restored(); r.Err != nil {
		b.Fatal(r.Err)
	}
	handles := make([]*slo.Journey, len(objs))
	for k, o := range objs {
		handles[k] = fixture.Journey(reg, o.Journey)
	}
	// Seven hours at one advance a minute: more than the recent history's
	// six, each minute with events in every window.
	now := fixture.Start
	for m := 0; m < 7*60; m++ {
		for k, h := range handles {
			h.Add(1000, uint64(k%3))
		}
		now = now.Add(time.Minute)
		reg.Advance(now)
	}
	after := heapInUse()
	runtime.KeepAlive(handles)
	b.StopTimer()
	reg.Close()
	b.StartTimer()
	return float64(after-before) / float64(len(objs))
}

// fullLogSnapshot returns a snapshot of objs, taken at fixture.Start, in
// which every objective has ended 100 episodes, one an hour before.
func fullLogSnapshot(b *testing.B, objs []slo.Objective) []byte {
	mock := clock.NewMock()
	mock.Set(fixture.Start)
	reg, err := slo.New(objs, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		b.Fatal(err)
	}
	snap := reg.Snapshot()
	reg.Close()
	for i := range snap.Series {
		if snap.Series[i].Objective == "" {
			continue // the unmatched journey's
		}
		eps := make([]slo.Episode, slo.DefaultEpisodeLog)
		for k := range eps {
			begin := fixture.Start.Add(-time.Duration(len(eps)-k) * time.Hour)
			eps[k] = slo.Episode{Start: begin, Rule: "ticket-1d-2h", Severity: burnrate.SeverityTicket, PeakBurn: 3,
				End: begin.Add(10 * time.Minute), Good: 1000, Bad: 10, BudgetSpent: 0.01}
		}
		snap.Series[i].Episodes = eps
	}
	var buf bytes.Buffer
	if _, err := snap.WriteTo(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// memStore is a Store that loads the snapshot it was given and keeps
// nothing.
type memStore struct{ data []byte }

func (s *memStore) Load(context.Context) ([]byte, error) { return s.data, nil }
func (s *memStore) Save(context.Context, []byte) error   { return nil }

// BenchmarkAdvance measures one tick of a registry of n objectives (default
// 30-day policy) with traffic: events recorded on every journey since the
// last tick, then one Advance, which drains them, rotates every window,
// evaluates every objective and samples the recent history, as the rotator
// does every 3 seconds. It reports ns/objective and ms/advance; the goal is
// a tick of 5,000 objectives in under a tenth of the tick, 300 ms on one
// core (60 µs an objective).
//
// impl=journeyslo-snapshot-due is the same tick followed by
// Registry.Snapshot: the copy of every objective's windows that an advance
// takes when a snapshot is due, before it hands the copy to the saver,
// whose encoding and Save run on their own goroutine.
func BenchmarkAdvance(b *testing.B) {
	for _, impl := range []string{"journeyslo", "journeyslo-snapshot-due"} {
		for _, n := range registrySizes {
			b.Run(fmt.Sprintf("impl=%s/objectives=%d", impl, n), func(b *testing.B) {
				benchmarkAdvance(b, n, impl == "journeyslo-snapshot-due")
			})
		}
	}
}

func benchmarkAdvance(b *testing.B, n int, snapshots bool) {
	objs := registryObjectives(n)
	mock := clock.NewMock()
	mock.Set(fixture.Start)
	reg, err := slo.New(objs, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		b.Fatal(err)
	}
	defer func() { b.StopTimer(); reg.Close() }()
	handles := make([]*slo.Journey, n)
	for k, o := range objs {
		handles[k] = fixture.Journey(reg, o.Journey)
	}
	// An hour of traffic at one advance a minute, so that the windows
	// hold events and the history is allocated.
	now := fixture.Start
	for m := 0; m < 60; m++ {
		for k, h := range handles {
			h.Add(1000, uint64(k%3))
		}
		now = now.Add(time.Minute)
		reg.Advance(now)
	}
	var snap slo.Snapshot
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k, h := range handles {
			h.Add(50, uint64(k%2))
		}
		now = now.Add(reg.Tick())
		reg.Advance(now)
		if snapshots {
			snap = reg.Snapshot()
		}
	}
	per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(per/float64(n), "ns/objective")
	b.ReportMetric(per/1e6, "ms/advance")
	runtime.KeepAlive(snap)
}

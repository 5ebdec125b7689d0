package bench

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

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
func BenchmarkObjectiveHeap(b *testing.B) {
	for _, n := range registrySizes {
		b.Run(fmt.Sprintf("impl=journeyslo/objectives=%d", n), func(b *testing.B) {
			objs := registryObjectives(n)
			var perObjective float64
			for i := 0; i < b.N; i++ {
				before := heapInUse()
				mock := clock.NewMock()
				mock.Set(fixture.Start)
				reg, err := slo.New(objs, slo.WithClock(mock), slo.WithManualAdvance())
				if err != nil {
					b.Fatal(err)
				}
				handles := make([]*slo.Journey, n)
				for k, o := range objs {
					handles[k] = fixture.Journey(reg, o.Journey)
				}
				// Seven hours at one advance a minute: more than the recent
				// history's six, each minute with events in every window.
				now := fixture.Start
				for m := 0; m < 7*60; m++ {
					for k, h := range handles {
						h.Add(1000, uint64(k%3))
					}
					now = now.Add(time.Minute)
					reg.Advance(now)
				}
				after := heapInUse()
				perObjective = float64(after-before) / float64(n)
				runtime.KeepAlive(handles)
				b.StopTimer()
				reg.Close()
				b.StartTimer()
			}
			b.ReportMetric(perObjective, "B/objective")
		})
	}
}

// BenchmarkAdvance measures one tick of a registry of n objectives (default
// 30-day policy) with traffic: events recorded on every journey since the
// last tick, then one Advance, which drains them, rotates every window,
// evaluates every objective and samples the recent history, as the rotator
// does every 3 seconds. It reports ns/objective and ms/advance; the goal is
// a tick of 5,000 objectives in under a tenth of the tick, 300 ms on one
// core (60 µs an objective).
func BenchmarkAdvance(b *testing.B) {
	for _, n := range registrySizes {
		b.Run(fmt.Sprintf("impl=journeyslo/objectives=%d", n), func(b *testing.B) {
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
			// An hour of traffic at one advance a minute, so that the
			// windows hold events and the history is allocated.
			now := fixture.Start
			for m := 0; m < 60; m++ {
				for k, h := range handles {
					h.Add(1000, uint64(k%3))
				}
				now = now.Add(time.Minute)
				reg.Advance(now)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for k, h := range handles {
					h.Add(50, uint64(k%2))
				}
				now = now.Add(reg.Tick())
				reg.Advance(now)
			}
			per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(per/float64(n), "ns/objective")
			b.ReportMetric(per/1e6, "ms/advance")
		})
	}
}

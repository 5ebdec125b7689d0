package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

// journeys are the names recorded by name, round robin.
var journeys = []string{"checkout", "login", "search"}

func newRegistry(b *testing.B, latency bool) *slo.Registry {
	b.Helper()
	var objs []slo.Objective
	for _, j := range journeys {
		objs = append(objs, slo.Objective{Journey: j, Target: 0.999})
		if latency {
			objs = append(objs, slo.Objective{Journey: j, Target: 0.99, Latency: 300 * time.Millisecond})
		}
	}
	mock := clock.NewMock()
	reg, err := slo.New(objs, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { reg.Close() })
	return reg
}

func newPromCounter(b *testing.B) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "events_total", Help: "Events."})
	prometheus.NewRegistry().MustRegister(c)
	return c
}

func newPromVec(b *testing.B) *prometheus.CounterVec {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "events_total", Help: "Events."},
		[]string{"journey", "objective", "outcome"})
	prometheus.NewRegistry().MustRegister(v)
	return v
}

func newOtelCounter(b *testing.B) metric.Int64Counter {
	b.Helper()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { provider.Shutdown(context.Background()) })
	c, err := provider.Meter("bench").Int64Counter("events", metric.WithUnit("{event}"))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// recorders returns one event-recording function per implementation, each
// with its handle or attribute set resolved up front.
func recorders(b *testing.B) []struct {
	name   string
	record func()
} {
	ctx := context.Background()
	j := fixture.Journey(newRegistry(b, false), "checkout")
	j2 := fixture.Journey(newRegistry(b, true), "checkout")
	// A journey inside a planned exclusion: its events go to the
	// excluded count.
	mock := clock.NewMock()
	mock.Set(fixture.Start)
	off, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithClock(mock), slo.WithManualAdvance(),
		slo.WithExclusions(slo.Exclusion{Reason: "maintenance", Start: fixture.Start, Duration: time.Hour}))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { off.Close() })
	jx := fixture.Journey(off, "checkout")
	counter := newPromCounter(b)
	otelCounter := newOtelCounter(b)
	set := metric.WithAttributeSet(attribute.NewSet(
		attribute.String("journey", "checkout"), attribute.String("objective", "availability"), attribute.String("outcome", "good")))
	return []struct {
		name   string
		record func()
	}{
		{"journeyslo", func() { j.Record(false) }},
		{"journeyslo-2objectives", func() { j2.Observe(time.Millisecond, false) }},
		{"journeyslo-excluded", func() { jx.Record(false) }},
		{"prom-counter", counter.Inc},
		{"otel", func() { otelCounter.Add(ctx, 1, set) }},
	}
}

// BenchmarkRecord records one event through a handle resolved at setup:
// journeyslo's Journey (Record on one objective; Observe on a journey with
// an availability and a latency objective, the README's first example;
// Record on a journey inside a planned exclusion), a
// Prometheus Counter, an OpenTelemetry counter with a precomputed attribute
// set.
func BenchmarkRecord(b *testing.B) {
	for _, r := range recorders(b) {
		b.Run("impl="+r.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				r.record()
			}
		})
	}
}

// BenchmarkRecordParallel is BenchmarkRecord from every core at once.
func BenchmarkRecordParallel(b *testing.B) {
	for _, r := range recorders(b) {
		b.Run("impl="+r.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r.record()
				}
			})
		})
	}
}

// byName returns one function per implementation that records an event of
// a journey given by name, as a request path would.
func byName(b *testing.B) []struct {
	name   string
	record func(journey string)
} {
	ctx := context.Background()
	reg := newRegistry(b, false)
	vec := newPromVec(b)
	otelCounter := newOtelCounter(b)
	return []struct {
		name   string
		record func(journey string)
	}{
		{"journeyslo", func(journey string) { fixture.Journey(reg, journey).Record(false) }},
		{"prom-vec", func(journey string) { vec.WithLabelValues(journey, "availability", "good").Inc() }},
		{"otel", func(journey string) {
			otelCounter.Add(ctx, 1, metric.WithAttributes(
				attribute.String("journey", journey), attribute.String("objective", "availability"), attribute.String("outcome", "good")))
		}},
	}
}

// BenchmarkRecordByName records one event of a journey named per call:
// journeyslo's Registry.Journey lookup, Prometheus CounterVec.WithLabelValues
// with three labels, OpenTelemetry attributes built per call.
func BenchmarkRecordByName(b *testing.B) {
	for _, r := range byName(b) {
		b.Run("impl="+r.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				r.record(journeys[i%len(journeys)])
			}
		})
	}
}

// BenchmarkRecordByNameParallel is BenchmarkRecordByName from every core.
func BenchmarkRecordByNameParallel(b *testing.B) {
	for _, r := range byName(b) {
		b.Run("impl="+r.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					r.record(journeys[i%len(journeys)])
					i++
				}
			})
		})
	}
}

// BenchmarkEvaluate advances a registry of n objectives (default 30-day
// policy, 99.9%) by one tick per operation: rotation of every window and
// evaluation of every objective, as the rotator does every 3 seconds. It
// reports ns/objective.
func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("objectives=%d", n), func(b *testing.B) {
			objs := make([]slo.Objective, n)
			for i := range objs {
				objs[i] = slo.Objective{Journey: fmt.Sprintf("journey-%d", i), Target: 0.999}
			}
			mock := clock.NewMock()
			start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
			mock.Set(start)
			reg, err := slo.New(objs, slo.WithClock(mock), slo.WithManualAdvance())
			if err != nil {
				b.Fatal(err)
			}
			// Close takes a last snapshot and burn-down, once: not a tick's work.
			defer func() { b.StopTimer(); reg.Close() }()
			handles := make([]*slo.Journey, n)
			for i, o := range objs {
				handles[i] = fixture.Journey(reg, o.Journey)
			}
			// A day of traffic so that every window holds events.
			now := start
			for ; now.Before(start.Add(24 * time.Hour)); now = now.Add(time.Minute) {
				for _, h := range handles {
					h.Add(1000, 1)
				}
				reg.Advance(now)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				now = now.Add(reg.Tick())
				reg.Advance(now)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/objective")
		})
	}
}

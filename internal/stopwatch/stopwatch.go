// Package stopwatch measures how long requests take on a registry's clock
// with as few clock readings as time allows.
package stopwatch

import (
	"reflect"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

var realClock = reflect.TypeOf(clock.New())

// A Stopwatch reads durations since an instant fixed when it was made.
// Where time.Now reads the wall clock and the monotonic clock, a reading
// since an instant that holds a monotonic reading reads only the latter:
// a request's start and end cost one monotonic reading each. On any clock
// but the real one (a clock.Mock in tests), it asks that clock, so tests
// control latency exactly.
type Stopwatch struct {
	c    clock.Clock
	base time.Time
	real bool
}

// New returns a Stopwatch on c.
func New(c clock.Clock) Stopwatch {
	return Stopwatch{c: c, base: c.Now(), real: reflect.TypeOf(c) == realClock}
}

// Elapsed returns the time since the Stopwatch was made: one clock reading.
func (s *Stopwatch) Elapsed() time.Duration {
	if s.real {
		return time.Since(s.base)
	}
	return s.c.Since(s.base)
}

// Real reports whether the Stopwatch runs on the real clock, where a
// duration between two time.Time values that someone else read (grpc's
// stats events carry them) is as good as two readings of the Stopwatch,
// and costs none.
func (s *Stopwatch) Real() bool { return s.real }

// Needed reports whether any objective of reg judges latency: only then
// does instrumentation read the clock at the end of a request.
func Needed(reg *slo.Registry) bool {
	for _, name := range reg.Journeys() {
		if j, _ := reg.Journey(name); j.NeedsLatency() {
			return true
		}
	}
	return false
}

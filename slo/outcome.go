package slo

import (
	"time"

	"github.com/journeyslo/journeyslo/internal/names"
)

// An Outcome is how one event counts toward its journey's objectives, as
// instrumentation judges a request (see packages slohttp and slogrpc). The
// zero value is Good.
type Outcome uint8

const (
	// Good counts the event good for availability objectives, and for
	// latency objectives when it took no longer than their threshold.
	Good Outcome = iota
	// Bad counts the event bad for every objective of its journey.
	Bad
	// Excluded does not count the event at all: a client that went away,
	// a health probe, a request the client malformed.
	Excluded
	// Untimed counts the event good for availability objectives and not
	// at all for latency objectives: its duration is that of a stream or a
	// hijacked connection, not of an answer.
	Untimed
)

var outcomeNames = []string{Good: "good", Bad: "bad", Excluded: "excluded", Untimed: "untimed"}

// String returns "good", "bad", "excluded" or "untimed".
func (o Outcome) String() string { return names.Of(outcomeNames, "Outcome", o) }

// Put records one event of outcome o that took latency: [Journey.Observe]
// for Good and Bad, nothing for Excluded, and for Untimed an event whose
// latency means nothing (a streamed response, whose handler returns when
// the stream ends, or a connection taken over for a websocket): good for
// the availability objectives and not counted by the latency objectives,
// which have nothing to judge. Like Record, it costs one atomic add: no
// lock, no clock read, no allocation.
func (j *Journey) Put(o Outcome, latency time.Duration) {
	switch o {
	case Good:
		j.Observe(latency, false)
	case Bad:
		j.Record(true)
	case Untimed:
		j.count(patUntimed)
	}
}

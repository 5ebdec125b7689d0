package slohttp

import (
	"context"
	"errors"
	"net/http"
	"strconv"
)

// An Outcome is how one request counts toward its journey's objectives.
// The zero value is Good.
type Outcome uint8

const (
	// Good counts the request good for availability objectives, and for
	// latency objectives when it took no longer than their threshold.
	Good Outcome = iota
	// Bad counts the request bad for every objective of its journey.
	Bad
	// Excluded does not count the request at all: a client that went away,
	// a health probe.
	Excluded
	// Untimed counts the request good for availability objectives and not
	// at all for latency objectives: its duration is that of a stream or a
	// hijacked connection, not of an answer.
	Untimed
)

var outcomeNames = [...]string{"good", "bad", "excluded", "untimed"}

// String returns "good", "bad", "excluded" or "untimed".
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// A Response is what the middleware saw of one request, for a classifier
// (see [WithClassify]) to judge.
type Response struct {
	// Request is the request as the middleware received it.
	Request *http.Request
	// Journey is the name of the journey the request was resolved to.
	Journey string
	// Status is the status the handler sent: the code of its first
	// WriteHeader that is not informational (1xx other than 101), or 200
	// when it wrote, flushed or sent a body first, or 200 when it wrote
	// nothing at all, as net/http then sends. It is 0 when the handler
	// hijacked the connection, or panicked, without writing a status.
	Status int
	// Written reports whether the handler wrote a status (explicitly or by
	// writing the body), as opposed to the server's implicit 200.
	Written bool
	// ContextErr is the request context's error at the moment the status
	// was written, or when the handler returned if it wrote none and did
	// not hijack the connection, or when it panicked:
	// context.Canceled when the client had gone away,
	// context.DeadlineExceeded when a deadline set by an outer handler had
	// passed, nil otherwise.
	ContextErr error
	// Streamed reports whether the handler flushed the response.
	Streamed bool
	// Hijacked reports whether the handler took over the connection.
	Hijacked bool
	// Panicked reports whether the handler panicked; Panic is the value.
	// The middleware re-panics with it after recording the event.
	Panicked bool
	Panic    any
	// Mark is Bad or Excluded when the handler called [MarkBad] or
	// [Exclude] (or their Context forms), the last call winning, and Good
	// when it called neither.
	Mark Outcome
}

// DefaultClassify is the classifier the middleware uses unless
// [WithClassify] replaces it. It judges as an SRE would, in this order:
//
//   - A panic is Bad, except a panic with [http.ErrAbortHandler] after the
//     client went away (ContextErr is context.Canceled), which is Excluded:
//     the handler gave up on a client that was no longer there.
//   - The handler's mark, Bad or Excluded, comes next: a GraphQL error in a
//     200 body, a health probe.
//   - A request the client cancelled before a status was written is
//     Excluded, whatever status came after: no client saw it.
//   - A request whose outer deadline passed before any status was written
//     is Bad: the client got a timeout.
//   - A status of 500-599 is Bad, and so is one outside 100-599, which no
//     client can read as a valid answer. Every other status is good: 1xx,
//     2xx and 3xx, and 4xx, which is the client's fault.
//   - A good request that was streamed or hijacked is Untimed: how long it
//     lasted is how long the stream or the websocket was open.
func DefaultClassify(r Response) Outcome { return classify(&r) }

// plain reports whether r is the common case that classify judges Good
// whatever else: a status of 100-499 written with nothing else to say (no
// panic, mark, context error, stream or hijack).
func (r *Response) plain() bool {
	return r.Written && r.Status >= 100 && r.Status < 500 && r.Mark == Good && r.ContextErr == nil &&
		!r.Panicked && !r.Streamed && !r.Hijacked
}

func classify(r *Response) Outcome {
	switch {
	case r.Panicked:
		if r.Panic == http.ErrAbortHandler && errors.Is(r.ContextErr, context.Canceled) {
			return Excluded
		}
		return Bad
	case r.Mark != Good:
		return r.Mark
	case r.ContextErr != nil:
		if errors.Is(r.ContextErr, context.Canceled) {
			return Excluded
		}
		if !r.Written {
			return Bad
		}
	}
	if r.Written && (r.Status < 100 || r.Status >= 500) {
		return Bad
	}
	if r.Streamed || r.Hijacked {
		return Untimed
	}
	return Good
}

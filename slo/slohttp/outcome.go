package slohttp

import (
	"github.com/journeyslo/journeyslo/slo"

	"context"
	"errors"
	"net/http"
)

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
	// Mark is slo.Bad or slo.Excluded when the handler called [MarkBad] or
	// [Exclude] (or their Context forms), the last call winning, and slo.Good
	// when it called neither.
	Mark slo.Outcome
}

// DefaultClassify is the classifier the middleware uses unless
// [WithClassify] replaces it. It judges as an SRE would, in this order:
//
//   - A panic is slo.Bad, except a panic with [http.ErrAbortHandler] after the
//     client went away (ContextErr is context.Canceled), which is slo.Excluded:
//     the handler gave up on a client that was no longer there.
//   - The handler's mark, slo.Bad or slo.Excluded, comes next: a GraphQL error in a
//     200 body, a health probe.
//   - A request the client cancelled before a status was written is
//     slo.Excluded, whatever status came after: no client saw it.
//   - A request whose outer deadline passed before any status was written
//     is slo.Bad: the client got a timeout.
//   - A status of 500-599 is slo.Bad, and so is one outside 100-599, which no
//     client can read as a valid answer. Every other status is good: 1xx,
//     2xx and 3xx, and 4xx, which is the client's fault.
//   - A good request that was streamed or hijacked is slo.Untimed: how long it
//     lasted is how long the stream or the websocket was open.
func DefaultClassify(r Response) slo.Outcome { return classify(&r) }

// plain reports whether r is the common case that classify judges slo.Good
// whatever else: a status of 100-499 written with nothing else to say (no
// panic, mark, context error, stream or hijack).
func (r *Response) plain() bool {
	return r.Written && r.Status >= 100 && r.Status < 500 && r.Mark == slo.Good && r.ContextErr == nil &&
		!r.Panicked && !r.Streamed && !r.Hijacked
}

func classify(r *Response) slo.Outcome {
	switch {
	case r.Panicked:
		if r.Panic == http.ErrAbortHandler && errors.Is(r.ContextErr, context.Canceled) {
			return slo.Excluded
		}
		return slo.Bad
	case r.Mark != slo.Good:
		return r.Mark
	case r.ContextErr != nil:
		if errors.Is(r.ContextErr, context.Canceled) {
			return slo.Excluded
		}
		if !r.Written {
			return slo.Bad
		}
	}
	if r.Written && (r.Status < 100 || r.Status >= 500) {
		return slo.Bad
	}
	if r.Streamed || r.Hijacked {
		return slo.Untimed
	}
	return slo.Good
}

// Package holder carries, in a request's context, what the code serving the
// request says about its event: the journey it served and whether it was
// bad or excluded. The middleware and gRPC interceptor packages share it, so
// that code called from both transports tags events the same way.
package holder

import (
	"context"
	"net/http"
	"sync/atomic"

	"github.com/journeyslo/journeyslo/slo"
)

// Marks a handler can put on its event. None is the zero value.
const (
	None uint32 = iota
	Bad
	Excluded
)

type key struct{}

// A Holder is a context that carries one event's journey and mark on top of
// its parent. Being the context itself, not a value in a context.WithValue,
// saves an allocation per request. Its fields are atomic because code may
// keep the context after the request ends (a goroutine, a log line) and tag
// it concurrently with the middleware reading it.
//
// A Holder is not pooled: a context kept after the request must never see
// another request's state.
type Holder struct {
	context.Context
	reg     *slo.Registry
	journey atomic.Pointer[slo.Journey]
	mark    atomic.Uint32
}

// New returns a Holder whose parent is ctx and whose journey names resolve
// in reg.
func New(ctx context.Context, reg *slo.Registry) *Holder {
	return &Holder{Context: ctx, reg: reg}
}

// Value returns h for the holder's key and asks the parent for any other.
func (h *Holder) Value(k any) any {
	if k == (key{}) {
		return h
	}
	return h.Context.Value(k)
}

// From returns the innermost Holder of ctx, or nil.
func From(ctx context.Context) *Holder {
	h, _ := ctx.Value(key{}).(*Holder)
	return h
}

// SetJourney makes the event count for the named journey and reports
// whether the registry declares it; a name it does not declare counts for
// slo.Unmatched.
func (h *Holder) SetJourney(name string) bool {
	j, ok := h.reg.Journey(name)
	h.journey.Store(j)
	return ok
}

// Journey returns the journey set by SetJourney, or nil.
func (h *Holder) Journey() *slo.Journey { return h.journey.Load() }

// Mark records the handler's mark (Bad or Excluded); the last call wins.
func (h *Holder) Mark(m uint32) { h.mark.Store(m) }

// Marked returns the last mark, or None.
func (h *Holder) Marked() uint32 { return h.mark.Load() }

// Init makes h, a Holder inside a larger per-request value, a holder whose
// parent is ctx and whose journey names resolve in reg: the larger value
// and its holder then cost one allocation, not two.
func Init(h *Holder, ctx context.Context, reg *slo.Registry) { h.Context, h.reg = ctx, reg }

// SetJourneyOf sets the journey of the request whose context is ctx, as
// slohttp.SetJourneyContext and slogrpc.SetJourney promise; false when ctx
// carries no holder.
func SetJourneyOf(ctx context.Context, journey string) bool {
	h := From(ctx)
	return h != nil && h.SetJourney(journey)
}

// MarkOf marks the request whose context is ctx with m (Bad or Excluded);
// false when ctx carries no holder.
func MarkOf(ctx context.Context, m uint32) bool {
	h := From(ctx)
	if h == nil {
		return false
	}
	h.Mark(m)
	return true
}

// A Writer is a ResponseWriter of the instrumentation (slohttp's), which
// keeps the mark of the request it serves. Code that cannot import the
// instrumentation (slostatus) marks a request through it.
type Writer interface{ MarkSLO(m uint32) }

// Find returns the ResponseWriter of type T that w is or wraps, following
// Unwrap as http.ResponseController does, and whether there is one.
func Find[T any](w http.ResponseWriter) (T, bool) {
	for range 64 { // a bound, in case a writer unwraps to itself
		if v, ok := w.(T); ok {
			return v, true
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			break
		}
		w = u.Unwrap()
	}
	var zero T
	return zero, false
}

// Exclude makes the request that w and r serve count for nothing, however
// the instrumentation keeps its mark: in the context's holder
// (slohttp.WithContextHolder, slogrpc), or in the instrumentation's
// ResponseWriter that w is or wraps. Outside the instrumentation it does
// nothing.
func Exclude(w http.ResponseWriter, r *http.Request) {
	if MarkOf(r.Context(), Excluded) {
		return
	}
	if m, ok := Find[Writer](w); ok {
		m.MarkSLO(Excluded)
	}
}

package slohttp

import (
	"context"
	"net/http"

	"github.com/journeyslo/journeyslo/internal/holder"
	"github.com/journeyslo/journeyslo/slo"
)

// SetJourney makes the request being served through w count for the named
// journey, overriding [WithJourneyFunc] and [WithPatterns]: for a handler
// or an inner router that knows better than the route. It reports whether
// the request now counts for that journey. It returns false, and does
// nothing, when w is not a ResponseWriter of the middleware, nor wraps one
// through Unwrap methods; and false when no objective declares the name (a
// typo, a name from request data): the request then counts for
// slo.Unmatched, where undeclared names go. It costs no allocation and,
// for a name given as a constant, no hashing. Like any use of w, it must
// happen before the handler returns.
func SetJourney(w http.ResponseWriter, journey string) bool {
	s := stateOf(w)
	if s == nil {
		return false
	}
	j, declared := s.cfg.names.lookup(journey)
	s.journey = j
	return declared
}

// MarkBad makes the request being served through w count as bad whatever
// its status: a 200 whose body reports an error (GraphQL does), a fallback
// answer. It overrides an earlier [Exclude]. It reports whether w is, or
// wraps, a ResponseWriter of the middleware.
func MarkBad(w http.ResponseWriter) bool { return mark(w, slo.Bad) }

// Exclude makes the request being served through w count for nothing: a
// health probe, a synthetic check. It overrides an earlier [MarkBad]; a
// panic still counts as bad. It reports whether w is, or wraps, a
// ResponseWriter of the middleware.
func Exclude(w http.ResponseWriter) bool { return mark(w, slo.Excluded) }

// mark marks the request that w serves with out, if w is, or wraps, a
// ResponseWriter of the middleware, and reports whether it is.
func mark(w http.ResponseWriter, out slo.Outcome) bool {
	s := stateOf(w)
	if s != nil {
		s.resp.Mark = out
	}
	return s != nil
}

// SetJourneyContext is [SetJourney] for code that has the request's context
// and not its ResponseWriter. It needs [WithContextHolder] (or, under
// gRPC, slogrpc.WithContextHolder). Like SetJourney, it reports whether
// the request now counts for the named journey: false, doing nothing, when
// ctx holds no holder, and false when the name is undeclared, the request
// then counting for slo.Unmatched. It is safe for concurrent use.
func SetJourneyContext(ctx context.Context, journey string) bool {
	return holder.SetJourneyOf(ctx, journey)
}

// MarkBadContext is [MarkBad] through the request's context; see
// [SetJourneyContext].
func MarkBadContext(ctx context.Context) bool {
	return holder.MarkOf(ctx, holder.Bad)
}

// ExcludeContext is [Exclude] through the request's context; see
// [SetJourneyContext].
func ExcludeContext(ctx context.Context) bool {
	return holder.MarkOf(ctx, holder.Excluded)
}

// CapturePattern wraps a ServeMux (or any handler that sets
// Request.Pattern) so that the middleware finds the pattern the mux routed
// by even when a middleware between the two passed on a copy of the
// request, on which the mux set Pattern. Without such a middleware it is
// not needed, and harmless.
//
//	handler := slomw(auth(slohttp.CapturePattern(mux)))
//
// It records the pattern even when the handler panics, so that the panic
// counts for the right journey.
func CapturePattern(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if s := stateOf(w); s != nil {
				s.pattern, s.captured = r.Pattern, true
			}
		}()
		next.ServeHTTP(w, r)
	})
}

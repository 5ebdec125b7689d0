package slohttp

import (
	"github.com/journeyslo/journeyslo/internal/invalid"
	"github.com/journeyslo/journeyslo/slo"

	"fmt"
	"maps"
	"net/http"
	"sort"
)

// An Option configures the middleware built by [New].
type Option func(*options)

type options struct {
	patterns  map[string]string
	journeyFn func(*http.Request) string
	classify  func(Response) slo.Outcome
	holder    bool
	errs      []error
}

// WithPatterns maps ServeMux patterns to journeys: a request the mux routed
// by the pattern "POST /cart/checkout" counts for the journey that pattern
// maps to. Keys are written exactly as registered with the mux, since
// Request.Pattern is that string; every journey must be declared by the
// registry's objectives, and every key must be a valid pattern, or [New]
// fails. Several WithPatterns add up; a pattern given twice keeps the last
// journey. The default is no map: every request is unmatched unless a
// handler or [WithJourneyFunc] names its journey.
//
// The middleware reads Request.Pattern after the handler returns, where the
// mux set it. When a middleware between this one and the mux passes on a
// copy of the request (r.WithContext does), wrap the mux in
// [CapturePattern] so that the pattern is still found.
func WithPatterns(patterns map[string]string) Option {
	return func(o *options) {
		if o.patterns == nil {
			o.patterns = map[string]string{}
		}
		maps.Copy(o.patterns, patterns)
	}
}

// WithJourneyFunc names the journey of a request from the request itself,
// for routers other than ServeMux or journeys that depend on more than the
// route. The middleware calls f after the handler returned, with the
// request as it passed it on, unless the handler set the journey itself; an
// empty name falls back to [WithPatterns]. A name no objective declares
// counts for slo.Unmatched. f must be safe for concurrent use. The default
// is no function.
func WithJourneyFunc(f func(*http.Request) string) Option {
	return func(o *options) { o.journeyFn = f; o.refuse(f == nil, "WithJourneyFunc(nil)") }
}

// WithClassify replaces [DefaultClassify], which judges every request as
// good, bad, excluded or untimed. To change one rule, call DefaultClassify
// for the others:
//
//	slohttp.WithClassify(func(r slohttp.Response) slohttp.Outcome {
//		if r.Status == http.StatusTooManyRequests { // our own limiter shed it
//			return slohttp.Bad
//		}
//		return slohttp.DefaultClassify(r)
//	})
//
// f must be safe for concurrent use and must not keep the Response's
// Request. The default is DefaultClassify.
func WithClassify(f func(Response) slo.Outcome) Option {
	return func(o *options) { o.classify = f; o.refuse(f == nil, "WithClassify(nil)") }
}

// WithContextHolder puts a holder in each request's context, so that code
// that has the request but not the ResponseWriter can call
// [SetJourneyContext], [MarkBadContext] and [ExcludeContext]. It costs two
// allocations per request (the holder, and the request copy that carries
// it), which is why it is off by default: handlers reach the same holder
// for free through the ResponseWriter, with [SetJourney], [MarkBad] and
// [Exclude]. When both are used, the ResponseWriter's journey and mark
// win.
func WithContextHolder() Option {
	return func(o *options) { o.holder = true }
}

// sortedKeys returns m's keys in order, for errors that read the same on
// every run.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// errInvalid begins every misconfiguration error of the package: it reads
// "slohttp" and matches slo.ErrInvalid.
var errInvalid = invalid.Prefix("slohttp")

// refuse records, when bad, that the option named by what was given
// nothing to use, for New to report with every other problem.
func (o *options) refuse(bad bool, what string) {
	if bad {
		o.errs = append(o.errs, fmt.Errorf("%w: %s; pass a function or leave the option out", errInvalid, what))
	}
}

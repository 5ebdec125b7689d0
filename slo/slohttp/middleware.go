package slohttp

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/journeyslo/journeyslo/internal/holder"
	"github.com/journeyslo/journeyslo/internal/stopwatch"
	"github.com/journeyslo/journeyslo/slo"
)

// config is a middleware's settings, resolved against its registry once,
// at New.
type config struct {
	reg       *slo.Registry
	watch     stopwatch.Stopwatch
	timed     bool // some objective judges latency: read the clock
	patterns  *resolver
	names     *resolver
	journeyFn func(*http.Request) string
	classify  func(Response) slo.Outcome
	holder    bool
	caps      capsCache
}

// New returns middleware that turns every request served by the handler it
// wraps into one event of reg: of the journey the request served, judged
// good, bad, excluded or untimed (see [DefaultClassify]), with its latency
// when one of the journey's objectives judges latency.
//
// The journey of a request is, in order: the one the handler set with
// [SetJourney] or [SetJourneyContext]; else the one [WithJourneyFunc]
// names; else the one [WithPatterns] maps the request's ServeMux pattern
// to; else slo.Unmatched, which counts the request once and creates no
// series, whatever the request's path, method or headers.
//
// New reports every misconfiguration, wrapping slo.ErrInvalid: a nil
// registry, a pattern map naming a journey no objective declares or a key
// that is not a pattern, a nil function. The middleware never fails at
// request time.
//
// The middleware, and the handlers it returns, are safe for concurrent use
// (as far as the handlers they wrap are). The event path takes no lock,
// allocates nothing, hashes no ServeMux pattern or constant journey name
// (they resolve through a cache that compares strings by address first),
// and reads the clock only when some objective of reg judges latency:
// twice per request then, once before the handler and once after.
func New(reg *slo.Registry, opts ...Option) (func(http.Handler) http.Handler, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if reg == nil {
		o.errs = append(o.errs, fmt.Errorf("%w: New: nil registry; pass the *slo.Registry from slo.New", errInvalid))
	}
	if len(o.errs) > 0 {
		return nil, errors.Join(o.errs...)
	}
	patterns, err := journeyMap(reg, o.patterns, "WithPatterns", checkPattern)
	if err != nil {
		return nil, err
	}
	names := map[string]*slo.Journey{}
	for _, name := range reg.Journeys() {
		names[name], _ = reg.Journey(name)
	}
	unmatched, _ := reg.Journey(slo.Unmatched)
	c := &config{
		reg:       reg,
		watch:     stopwatch.New(reg.Clock()),
		timed:     stopwatch.Needed(reg),
		patterns:  newResolver(patterns, unmatched),
		names:     newResolver(names, unmatched),
		journeyFn: o.journeyFn,
		classify:  o.classify,
		holder:    o.holder,
	}
	return func(next http.Handler) http.Handler {
		return &handler{cfg: c, next: next}
	}, nil
}

// journeyMap resolves a map of keys to journey names against reg, and
// reports every key that check refuses and every journey not declared.
func journeyMap(reg *slo.Registry, m map[string]string, option string, check func(string) error) (map[string]*slo.Journey, error) {
	out := make(map[string]*slo.Journey, len(m))
	var errs []error
	for _, k := range sortedKeys(m) {
		name := m[k]
		if err := check(k); err != nil {
			errs = append(errs, fmt.Errorf("%w: %s: %v", errInvalid, option, err))
			continue
		}
		j, ok := reg.Journey(name)
		if !ok {
			errs = append(errs, fmt.Errorf("%w: %s: %q maps to journey %q, which no objective declares; declare it, or use one of %q",
				errInvalid, option, k, name, reg.Journeys()))
			continue
		}
		out[k] = j
	}
	return out, errors.Join(errs...)
}

// checkPattern reports whether p is a pattern ServeMux accepts, by
// registering it on a mux of its own: a pattern that cannot be registered
// can never match.
func checkPattern(p string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%q is not a ServeMux pattern: %v", p, r)
		}
	}()
	http.NewServeMux().Handle(p, http.NotFoundHandler())
	return nil
}

// handler is the middleware around one handler.
type handler struct {
	cfg  *config
	next http.Handler
}

// ServeHTTP serves r with the next handler, then records its event.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := h.cfg
	var start time.Duration
	if c.timed {
		start = c.watch.Elapsed()
	}
	p := writers.Get().(*writer)
	p.w, p.ctx, p.cfg = w, r.Context(), c
	var hold *holder.Holder
	if c.holder {
		hold = holder.New(p.ctx, c.reg)
		r = r.WithContext(hold)
	}
	done := false
	defer func() {
		if !done {
			c.abort(p, r, start, hold, recover())
		}
	}()
	h.next.ServeHTTP(p.view(c.caps.get(w)), r)
	done = true
	c.record(p, r, start, hold)
	if !p.resp.Hijacked {
		p.state = state{}
		writers.Put(p)
	}
}

// abort records the event of a handler that panicked with v, then panics
// again with v, from inside the deferred call, so that the stack trace
// still shows where the handler panicked. A nil v is runtime.Goexit, which
// is no outcome of the request: nothing is recorded. The state is not put
// back in the pool: whoever recovers may still hold the writer.
func (c *config) abort(p *writer, r *http.Request, start time.Duration, hold *holder.Holder, v any) {
	if v == nil {
		return
	}
	p.resp.Panicked, p.resp.Panic = true, v
	p.resp.ContextErr = p.ctx.Err()
	c.record(p, r, start, hold)
	panic(v)
}

// record resolves the request's journey, classifies it and records it.
func (c *config) record(p *writer, r *http.Request, start time.Duration, hold *holder.Holder) {
	resp := &p.resp
	if !resp.Written && !resp.Hijacked && !resp.Panicked {
		resp.Status = http.StatusOK
		resp.ContextErr = p.ctx.Err()
	}
	j := p.journey
	if hold != nil {
		if j == nil {
			j = hold.Journey()
		}
		if resp.Mark == slo.Good {
			resp.Mark = markOutcome(hold.Marked())
		}
	}
	if j == nil && c.journeyFn != nil {
		if name := c.journeyFn(r); name != "" {
			j = c.names.get(name)
		}
	}
	if j == nil {
		pattern := r.Pattern
		if p.captured {
			pattern = p.pattern
		}
		j = c.patterns.get(pattern)
	}
	var out slo.Outcome
	switch {
	case c.classify != nil:
		resp.Request, resp.Journey = r, j.Name()
		out = c.classify(*resp)
	case resp.plain():
		out = slo.Good // what classify answers, without the call
	default:
		out = classify(resp)
	}
	var latency time.Duration // read only when an objective judges it
	if out == slo.Good && c.timed && j.NeedsLatency() {
		latency = c.watch.Elapsed() - start
	}
	j.Put(out, latency)
}

func markOutcome(m uint32) slo.Outcome {
	switch m {
	case holder.Bad:
		return slo.Bad
	case holder.Excluded:
		return slo.Excluded
	}
	return slo.Good
}

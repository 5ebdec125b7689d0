package slofleet

import (
	"fmt"
	"net/http"
	"time"

	"github.com/journeyslo/journeyslo/internal/invalid"
	"github.com/journeyslo/journeyslo/internal/promlabel"
	"github.com/journeyslo/journeyslo/slo/slorules"

	"github.com/benbjohnson/clock"
)

// DefaultTimeout bounds a query unless [WithTimeout] says otherwise.
const DefaultTimeout = 10 * time.Second

// DefaultPollInterval is how long an answer of [Client.Status] is reused
// unless [WithPollInterval] says otherwise: the scrape interval Prometheus
// is most often run with, so that a fresher answer would seldom say more.
const DefaultPollInterval = 15 * time.Second

// DefaultMaxAnswer is the most bytes of an answer the client reads unless
// [WithMaxAnswer] says otherwise: 16 MiB, the series of some thousands of
// objectives (each has about a dozen, of some 300 bytes).
const DefaultMaxAnswer = 16 << 20

// An Option changes how a [Client] reads the fleet. An invalid option is
// reported by [New], with every other problem, in an error wrapping
// [slo.ErrInvalid]. An Option holds only its arguments and may be given
// to several calls of New.
type Option func(*config)

type config struct {
	timeout time.Duration
	poll    time.Duration
	max     int64
	labels  map[string]string
	sel     string
	rt      http.RoundTripper
	clock   clock.Clock
	errs    []error
}

func (c *config) bad(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%w: %s", errInvalid, fmt.Sprintf(format, args...)))
}

// set sets *field to v when ok is true, and records the problem of
// format and args otherwise, for New to report with every other.
func set[T any](c *config, field *T, v T, ok bool, format string, args ...any) {
	if !ok {
		c.bad(format, args...)
		return
	}
	*field = v
}

// WithTimeout bounds each query, from the request to the decoded answer,
// to d; the bound is also sent to Prometheus, so that it stops evaluating
// when the client stops waiting. The default is [DefaultTimeout], 10 s.
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		set(c, &c.timeout, d, d > 0, "WithTimeout(%v): use a positive duration, such as 5*time.Second; without the option it is %v", d, DefaultTimeout)
	}
}

// WithLabels gives the labels the rules were generated with
// (slorules.WithLabels), such as {"team": "shop"}: the query matches them,
// so that the series of other rule files with the same objectives are
// left out. Several calls add up. By default the query matches any.
func WithLabels(labels map[string]string) Option {
	return func(c *config) {
		c.labels = promlabel.Add(c.labels, labels, func(problem string) { c.bad("WithLabels: %s", problem) })
	}
}

// WithSelector gives the selector the rules were generated with
// (slorules.WithSelector), such as `job="shop"`: the query of an
// objective's calendar period reads the counters themselves, and scopes
// them as the rules do. By default it reads every journeyslo counter of
// the objective.
func WithSelector(selector string) Option {
	return func(c *config) {
		if err := slorules.CheckSelector(selector); err != nil {
			c.bad("WithSelector: %v", err)
			return
		}
		c.sel = selector
	}
}

// WithRoundTripper carries the queries through rt (for TLS,
// authentication or a proxy). The default is http.DefaultTransport.
func WithRoundTripper(rt http.RoundTripper) Option {
	return func(c *config) {
		set(c, &c.rt, rt, rt != nil, "WithRoundTripper(nil): pass an http.RoundTripper, such as an *http.Transport with your TLS settings, or leave the option out for http.DefaultTransport")
	}
}

// WithClock gives the clock whose instant [Client.Status] queries at and
// by which its answers expire. The default is the real clock, clock.New();
// tests pass the mock their registry uses.
func WithClock(clk clock.Clock) Option {
	return func(c *config) {
		set(c, &c.clock, clk, clk != nil, "WithClock(nil): pass clock.New() or a clock.NewMock(), or leave the option out for the real clock")
	}
}

// WithPollInterval sets how long an answer of [Client.Status] (or its
// error) is reused by every caller before the next caller queries again,
// by the client's clock. Zero reuses no answer: callers share only the
// query in flight. The default is [DefaultPollInterval], 15 s.
func WithPollInterval(d time.Duration) Option {
	return func(c *config) {
		set(c, &c.poll, d, d >= 0, "WithPollInterval(%v): use a duration of zero or more, such as 30*time.Second; without the option it is %v", d, DefaultPollInterval)
	}
}

// WithMaxAnswer sets the most bytes of an answer the client reads (after
// any compression is undone): a larger answer is refused, with an error
// wrapping [ErrUnavailable], as soon as it passes the cap. The default is
// [DefaultMaxAnswer], 16 MiB.
func WithMaxAnswer(n int64) Option {
	return func(c *config) {
		set(c, &c.max, n, n > 0, "WithMaxAnswer(%d): use a positive number of bytes, such as 64<<20; without the option it is %d", n, DefaultMaxAnswer)
	}
}

// errInvalid begins every misconfiguration error of the package: it reads
// "slofleet" and matches slo.ErrInvalid.
var errInvalid = invalid.Prefix("slofleet")

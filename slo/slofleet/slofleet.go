package slofleet

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/promapi"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// ErrUnavailable is wrapped by the errors of a query that Prometheus did
// not answer with data: unreachable, too slow, answering with an error or
// warnings, or with more than [WithMaxAnswer] bytes.
var ErrUnavailable = errors.New("slofleet: Prometheus did not answer")

// ErrMissing is wrapped by the error of a query whose answer lacks the
// series an objective needs: its rules are not loaded yet, or its counters
// not scraped.
var ErrMissing = errors.New("slofleet: series missing")

// ErrMismatch is wrapped by the error of a query whose answer holds series
// that contradict the objectives: rules generated from other objectives,
// or two sets of rules for one objective.
var ErrMismatch = errors.New("slofleet: series do not match the objectives")

// A Client reads the fleet's Status of a fixed set of objectives from one
// Prometheus API. It is safe for concurrent use: concurrent callers of
// [Client.Status] share one query, whose answer is reused for the poll
// interval ([WithPollInterval]). The zero value is not usable; make one
// with [New].
type Client struct {
	objs    []slo.Objective // with defaults, in the order given
	address string          // for messages, without a password
	timeout time.Duration
	poll    time.Duration
	clock   clock.Clock
	labels  map[string]string
	api     *promapi.Client
	query   string

	// mu guards last and lastHistory.
	mu sync.Mutex
	// last is the query of Status in flight, or the last one answered;
	// lastHistory History's.
	last        *flight[[]slo.Status]
	lastHistory *flight[[]slo.History]
}

// A flight is one reading of [Client.Status] (or [Client.History]),
// shared by every caller that asks while it is in flight or while its
// answer is fresh.
type flight[T any] struct {
	done chan struct{} // closed once val, err and expires are set
	val  T
	err  error
	// expires is when the answer is no longer reused, by the client's
	// clock.
	expires time.Time
}

// New returns a client that reads the Status of objectives (the
// objectives the rules were generated from, as given to slorules.Generate
// or slo.New) from the Prometheus HTTP API at address, its base URL (or
// that of anything that serves the API: Thanos Querier, Mimir's
// Prometheus path), such as http://prometheus:9090. It reports every
// invalid objective, every objective given twice, an invalid address and
// every invalid option in one error wrapping [slo.ErrInvalid]. It sends
// nothing: an unreachable server is reported by [Client.Status].
func New(objectives []slo.Objective, address string, opts ...Option) (*Client, error) {
	cfg := config{
		timeout: DefaultTimeout,
		poll:    DefaultPollInterval,
		max:     DefaultMaxAnswer,
		rt:      http.DefaultTransport,
		clock:   clock.New(),
	}
	for _, o := range opts {
		o(&cfg)
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: New: %s", errInvalid, fmt.Sprintf(format, args...)))
	}
	if len(objectives) == 0 {
		bad("no objectives; pass the objectives the fleet's rules were generated from")
	}
	objs := make([]slo.Objective, 0, len(objectives))
	seen := map[[2]string]int{}
	for i, o := range objectives {
		o = o.WithDefaults()
		if err := o.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%w: New: objective %d (%s): %w", errInvalid, i, slo.ObjectiveKey(o.Journey, o.Name), err))
			continue
		}
		if o.Source != nil && o.Source.ErrorRatio != "" {
			bad("objective %d (%s): its Source is an ErrorRatio, whose rules record no event counts, which the fleet's Status is made of; give the Source's Bad and Total instead, or leave the objective out",
				i, slo.ObjectiveKey(o.Journey, o.Name))
			continue
		}
		key := [2]string{o.Journey, o.Name}
		if j, ok := seen[key]; ok {
			bad("objective %d (%s): objective %d has the same journey and name; give each objective of a journey its own Name", i, slo.ObjectiveKey(o.Journey, o.Name), j)
			continue
		}
		seen[key] = i
		for _, name := range slices.Sorted(maps.Keys(o.Labels)) {
			if v, ok := cfg.labels[name]; ok && v != o.Labels[name] {
				bad("objective %d (%s): its label %s=%q and WithLabels' %s=%q differ, so no series can carry both; give the value the rules were generated with",
					i, slo.ObjectiveKey(o.Journey, o.Name), name, o.Labels[name], name, v)
			}
		}
		objs = append(objs, o)
	}
	if err := promapi.CheckAddress(address); err != nil {
		bad("%v", err)
	}
	errs = append(errs, cfg.errs...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	api, err := promapi.New(address, promapi.WithHTTPClient(&http.Client{Transport: cfg.rt}), promapi.WithMaxAnswer(cfg.max))
	if err != nil {
		return nil, fmt.Errorf("%w: New: %w", errInvalid, err)
	}
	return &Client{
		objs:    objs,
		address: api.Address(),
		timeout: cfg.timeout,
		poll:    cfg.poll,
		clock:   cfg.clock,
		labels:  maps.Clone(cfg.labels),
		api:     api,
		query:   selector(objs, cfg.labels),
	}, nil
}

// selector returns the query: every series the client reads, of every
// objective's journey, with the rules' extra labels. One selector is one
// instant of the engine's data for all objectives, so that no two are read
// at different evaluations.
func selector(objs []slo.Objective, labels map[string]string) string {
	names := regexp.QuoteMeta(slorules.EventsPrefix) + ".+|" + regexp.QuoteMeta(slorules.Firing) + "|" + regexp.QuoteMeta(slorules.Info)
	return matchers(objs, labels, "__name__=~"+strconv.Quote(names))
}

// matchers returns a selector of the series of objs's journeys with the
// rules' extra labels, and the matchers first.
func matchers(objs []slo.Objective, labels map[string]string, first ...string) string {
	var journeys []string
	for _, o := range objs {
		j := regexp.QuoteMeta(o.Journey)
		if !slices.Contains(journeys, j) {
			journeys = append(journeys, j)
		}
	}
	ms := slices.Clone(first)
	if len(journeys) > 0 {
		ms = append(ms, "journey=~"+strconv.Quote(strings.Join(journeys, "|")))
	}
	for _, name := range slices.Sorted(maps.Keys(labels)) {
		ms = append(ms, name+"="+strconv.Quote(labels[name]))
	}
	return "{" + strings.Join(ms, ",") + "}"
}

// Objectives returns the client's objectives with their defaults, in the
// order given to [New], as copies.
func (c *Client) Objectives() []slo.Objective {
	out := make([]slo.Objective, len(c.objs))
	for i, o := range c.objs {
		out[i] = o.WithDefaults() // its own copies of every slice and map
	}
	return out
}

// Clock returns the clock whose instant [Client.Status] queries at, and
// by which its answers expire: [WithClock]'s, or the real clock.
func (c *Client) Clock() clock.Clock { return c.clock }

// Status returns the fleet's Status of every objective, in the order given
// to [New], as Prometheus's series stood at an instant at most the poll
// interval ([WithPollInterval]) old: the Status' Time says which.
//
// The query is shared. While one is in flight, every caller waits for its
// answer rather than send its own; once answered, its Status (as copies)
// and its error are returned to every caller until the poll interval has
// passed by the client's clock, after which the next caller starts the
// next query at the clock's instant. However many requests a release
// gate over the client serves at once, Prometheus sees at most one query
// per client in flight, and when it hangs, every caller has the error of
// that one query at its timeout ([WithTimeout]).
//
// The query is bounded by the client's timeout and by no caller's
// context: a caller whose ctx ends stops waiting, with an error wrapping
// [ErrUnavailable] and ctx's error, while the query goes on for the
// others. The errors are those of [Client.StatusAt], and one wrapping
// [slo.ErrPanic] if the query panicked.
func (c *Client) Status(ctx context.Context) ([]slo.Status, error) {
	return share(c, ctx, &c.last, c.read, cloneStatus)
}

// share returns the answer of the reading in *last when it is in flight or
// fresh, and otherwise starts the next with read at the clock's instant:
// the sharing of Status and History. clone copies an answer for a caller.
func share[T any](c *Client, ctx context.Context, last **flight[T], read func(ctx, qctx context.Context, at time.Time) (T, error), clone func(T) T) (T, error) {
	var zero T
	c.mu.Lock()
	f := *last
	if f == nil || (answered(f.done) && !c.clock.Now().Before(f.expires)) {
		if err := ctx.Err(); err != nil {
			c.mu.Unlock()
			return zero, c.abandoned(err)
		}
		f = &flight[T]{done: make(chan struct{})}
		*last = f
		go fly(c, f, c.clock.Now(), read)
	}
	c.mu.Unlock()
	if !answered(f.done) {
		select {
		case <-f.done:
		case <-ctx.Done():
			return zero, c.abandoned(ctx.Err())
		}
	}
	return clone(f.val), f.err
}

// answered reports whether done is closed: a flight's answer is in.
func answered(done chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// fly makes f's reading at instant at with read, bounded by the client's
// timeout alone, and keeps its answer until the poll interval has passed.
// A panic (of a RoundTripper given to WithRoundTripper, say) is every
// waiting caller's error: on a goroutine of its own it would end the
// process.
func fly[T any](c *Client, f *flight[T], at time.Time, read func(ctx, qctx context.Context, at time.Time) (T, error)) {
	defer func() {
		if p := recover(); p != nil {
			var zero T
			f.val, f.err = zero, fmt.Errorf("%w: slofleet: the query to Prometheus at %s panicked: %v", slo.ErrPanic, c.address, p)
		}
		f.expires = c.clock.Now().Add(c.poll)
		close(f.done)
	}()
	qctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	f.val, f.err = read(context.Background(), qctx, at)
}

// abandoned is the error of a caller of Status who stopped waiting.
func (c *Client) abandoned(err error) error {
	return fmt.Errorf("%w: the wait for Prometheus at %s was abandoned: %w; the shared query goes on for the client's other callers", ErrUnavailable, c.address, err)
}

// cloneStatus copies sts, so that no caller sees another's changes.
func cloneStatus(sts []slo.Status) []slo.Status {
	if sts == nil {
		return nil
	}
	out := slices.Clone(sts)
	for i := range out {
		out[i].Windows = slices.Clone(out[i].Windows)
		out[i].Rules = slices.Clone(out[i].Rules)
	}
	return out
}

// StatusAt returns the fleet's Status of every objective, in the order
// given to [New], as Prometheus's series stand at instant at (the series
// the engine last recorded at or before it, within its lookback). It makes
// one query of its own, bounded by the client's timeout ([WithTimeout])
// and by ctx: unlike [Client.Status], it shares neither queries nor
// answers, since its callers (a script reading the fleet's past, a test)
// ask for instants of their own. A server answering requests calls
// Status.
//
// When Prometheus does not answer with data, it returns no Status and an
// error wrapping [ErrUnavailable]. When it answers, it returns the Status
// of every objective whose series it holds, in order, and for the others
// an error joining one per objective, wrapping [ErrMissing] when its
// series are missing and [ErrMismatch] when they contradict it, naming the
// objective, the series and what to check: a caller that judges some
// objectives judges them while others' rules are not loaded yet, and one
// that needs all of them checks the error first.
func (c *Client) StatusAt(ctx context.Context, at time.Time) ([]slo.Status, error) {
	qctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return c.read(ctx, qctx, at)
}

// read makes one query at instant at with qctx, a child of ctx bounded by
// the timeout, and builds the Status from its answer.
func (c *Client) read(ctx, qctx context.Context, at time.Time) ([]slo.Status, error) {
	r, err := c.api.Query(qctx, c.query, at)
	if err := c.answered(ctx, qctx, r, err, "vector"); err != nil {
		return nil, err
	}
	vec := r.Vector
	out := make([]slo.Status, 0, len(c.objs))
	var errs []error
	for _, o := range c.objs {
		s, err := c.status(o, vec, at)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, s)
	}
	return out, errors.Join(errs...)
}

// answered checks the answer r (or the error err) of a query made with
// qctx, a child of ctx bounded by the timeout, whose result must be of
// type want.
func (c *Client) answered(ctx, qctx context.Context, r *promapi.Result, err error, want string) error {
	if err != nil {
		return c.unavailable(ctx, qctx, err)
	}
	if len(r.Warnings) > 0 {
		// A partial answer (a Thanos store down) would judge the fleet by
		// some replicas: refuse it rather than judge.
		warnings := r.Warnings
		if len(warnings) > 5 {
			warnings = append(warnings[:5:5], fmt.Sprintf("and %d more", len(r.Warnings)-5))
		}
		return fmt.Errorf("%w: Prometheus at %s answered with warnings, perhaps a partial answer: %s", ErrUnavailable, c.address, strings.Join(warnings, "; "))
	}
	if r.Type != want {
		kind := map[string]string{"vector": "an instant query", "matrix": "a range query"}[want]
		return fmt.Errorf("%w: Prometheus at %s answered a %s to %s, not a %s; is the address a Prometheus API?", ErrUnavailable, c.address, r.Type, kind, want)
	}
	return nil
}

// unavailable explains err, the failure of a query made with qctx, a
// child of ctx bounded by the timeout.
func (c *Client) unavailable(ctx, qctx context.Context, err error) error {
	var apiErr *promapi.Error
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%w: the query to Prometheus at %s was abandoned: %w", ErrUnavailable, c.address, ctx.Err())
	case errors.Is(qctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%w: Prometheus at %s did not answer within %v (WithTimeout): %w; check that it runs and is reachable from here, or raise the timeout",
			ErrUnavailable, c.address, c.timeout, context.DeadlineExceeded)
	case errors.Is(err, promapi.ErrTooLarge):
		return fmt.Errorf("%w: the answer of Prometheus at %s is larger than %d bytes (WithMaxAnswer), which the client does not read; check that the objectives and WithLabels select only this fleet's series, or raise WithMaxAnswer",
			ErrUnavailable, c.address, c.api.MaxAnswer())
	case errors.As(err, &apiErr) && apiErr.Type == "":
		return fmt.Errorf("%w: Prometheus at %s refused the query (%v); is the address the base URL of a Prometheus API, without /api/v1?", ErrUnavailable, c.address, err)
	case errors.As(err, &apiErr) && apiErr.Type == "timeout":
		return fmt.Errorf("%w: Prometheus at %s gave up on the query within %v (WithTimeout): %v", ErrUnavailable, c.address, c.timeout, err)
	case errors.As(err, &apiErr):
		return fmt.Errorf("%w: Prometheus at %s answered the query with an error: %v", ErrUnavailable, c.address, err)
	}
	return fmt.Errorf("%w: could not reach Prometheus at %s: %w; check the address and that the server runs", ErrUnavailable, c.address, err)
}

// seriesKey identifies one of an objective's series: two samples with the
// same key belong to two sets of rules.
type seriesKey struct {
	name, window, outcome, rule string
	group                       string // the values of the objective's GroupBy labels
}

// judgement is what the series of one group of an objective say (the
// whole objective's when it has no GroupBy).
type judgement struct {
	events sums
	firing []bool
}

// sums holds the events of an objective's windows, by length; it is the
// burnrate.Source the policy is evaluated over.
type sums map[time.Duration][2]float64

func (s sums) Sum(d time.Duration) (good, bad float64) {
	c := s[d]
	return c[0], c[1]
}

// status builds o's Status from the query's answer.
func (c *Client) status(o slo.Objective, vec []promapi.Sample, at time.Time) (slo.Status, error) {
	name := slo.ObjectiveKey(o.Journey, o.Name)
	seen := map[seriesKey]promapi.Labels{}
	var info promapi.Labels
	groups := map[string]*judgement{}
	var order []string // the groups, in the order of the answer
	for _, smp := range vec {
		m := smp.Metric
		if m["journey"] != o.Journey || m["objective"] != o.Name || !hasLabels(m, o.Labels) {
			continue
		}
		var group strings.Builder
		for _, l := range o.GroupBy {
			group.WriteString(strconv.Quote(m[l]))
		}
		k := seriesKey{m[promapi.MetricName], m["window"], m["outcome"], m["rule"], group.String()}
		j := groups[k.group]
		if j == nil && k.name != slorules.Info {
			j = &judgement{events: sums{}, firing: make([]bool, len(o.Policy.Rules))}
			groups[k.group] = j
			order = append(order, k.group)
		}
		if other, dup := seen[k]; dup {
			return slo.Status{}, fmt.Errorf("%w: %s: Prometheus at %s holds two sets of its series, told apart by %s (%s and %s); set WithLabels to the labels its rules were generated with",
				ErrMismatch, name, c.address, strings.Join(differ(m, other), ", "), other, m)
		}
		seen[k] = m
		v := smp.Value
		if !(v > 0) { // no NaN, no negative count into the arithmetic
			v = 0
		}
		switch {
		case k.name == slorules.Info:
			info = m
		case k.name == slorules.Firing:
			i := slices.IndexFunc(o.Policy.Rules, func(r burnrate.Rule) bool { return r.String() == k.rule })
			if i < 0 {
				return slo.Status{}, fmt.Errorf("%w: %s: Prometheus records rule %q firing, which its policy (%s) does not have; the loaded rules were generated from another policy: regenerate them with slorules from these objectives",
					ErrMismatch, name, k.rule, ruleNames(o.Policy))
			}
			j.firing[i] = true
		case strings.HasPrefix(k.name, slorules.EventsPrefix):
			d, err := promapi.ParseDuration(strings.TrimPrefix(k.name, slorules.EventsPrefix))
			if err != nil {
				continue // not a series of the rules
			}
			w := j.events[d]
			switch k.outcome {
			case "good":
				w[0] = v
			case "bad":
				w[1] = v
			default:
				continue
			}
			j.events[d] = w
		}
	}
	if info == nil {
		return slo.Status{}, fmt.Errorf("%w: %s: Prometheus at %s has no series %s%s; check that the rule file slorules generated for it is loaded (rule_files in prometheus.yml), that its period group has been evaluated once (every 2m30s by default), and that WithLabels are the labels it was generated with",
			ErrMissing, name, c.address, slorules.Info, c.own(o))
	}
	if err := c.checkInfo(o, info); err != nil {
		return slo.Status{}, err
	}
	// A grouped objective is as well as its worst group: the most severe
	// state, then the least budget left. A group without the period's
	// events (no two scrapes yet) is not judged.
	var worst slo.Status
	judged := false
	for _, g := range order {
		j := groups[g]
		if _, ok := j.events[o.Period]; !ok {
			continue
		}
		st := build(o, at, j.events, j.firing)
		if !judged || st.State > worst.State || st.State == worst.State && st.BudgetRemaining < worst.BudgetRemaining {
			worst, judged = st, true
		}
	}
	if !judged {
		return slo.Status{}, fmt.Errorf("%w: %s: Prometheus at %s has no series %s%s%s; check that it scrapes the replicas' %s (slo/sloprom) and that the rules' selector matches them: the increase needs two scrapes",
			ErrMissing, name, c.address, slorules.EventsPrefix, burnrate.FormatWindow(o.Period), c.own(o), slorules.Counter)
	}
	return worst, nil
}

// build computes o's Status at at from its windows' events and its rules'
// firing flags, with the function the registry computes its own with.
func build(o slo.Objective, at time.Time, events sums, firing []bool) slo.Status {
	var ev burnrate.Evaluation
	o.Policy.Evaluate(events, o.Target, &ev)
	// The engine's verdict: a rule it records firing fires, and burns
	// whatever the last digit of the rates computed here; one it does not
	// record does not fire.
	ev.State, ev.Rule = burnrate.SeverityOK, -1
	for i, r := range o.Policy.Rules {
		ev.Rules[i].Burning = ev.Rules[i].Burning || firing[i]
		ev.Rules[i].Firing = firing[i]
		if firing[i] && r.Severity > ev.State {
			ev.State, ev.Rule = r.Severity, i
		}
	}
	good, bad := events.Sum(o.Period)
	return o.Status(at, good, bad, ev)
}

// checkInfo compares the settings the rules were generated with, on their
// info series, with o's.
func (c *Client) checkInfo(o slo.Objective, info promapi.Labels) error {
	var diffs []string
	differs := func(label, got, want string) {
		diffs = append(diffs, fmt.Sprintf("%s %s where the objective has %s", label, got, want))
	}
	if t, err := strconv.ParseFloat(info["target"], 64); err != nil || t != o.Target {
		differs("target", strconv.Quote(info["target"]), strconv.FormatFloat(o.Target, 'f', -1, 64))
	}
	if d, err := promapi.ParseDuration(info["period"]); err != nil || d != o.Period {
		differs("period", strconv.Quote(info["period"]), burnrate.FormatWindow(o.Period))
	}
	if n, err := strconv.ParseUint(info["min_events"], 10, 64); err != nil || n != o.Policy.MinEvents {
		differs("min_events", strconv.Quote(info["min_events"]), strconv.FormatUint(o.Policy.MinEvents, 10))
	}
	latency := time.Duration(0)
	if l, ok := info["latency"]; ok {
		d, err := time.ParseDuration(l)
		if err != nil {
			d = -1
		}
		latency = d
	}
	if latency != o.Latency {
		differs("latency", strconv.Quote(info["latency"]), o.Latency.String())
	}
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s: the rules loaded in Prometheus at %s were generated from another objective (%s); regenerate them with slorules from these objectives, or pass the objectives they were generated from",
		ErrMismatch, slo.ObjectiveKey(o.Journey, o.Name), c.address, strings.Join(diffs, "; "))
}

// own writes the matchers of o's series, for error messages.
func (c *Client) own(o slo.Objective) string {
	labels := maps.Clone(c.labels)
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, o.Labels)
	ms := []string{"journey=" + strconv.Quote(o.Journey), "objective=" + strconv.Quote(o.Name)}
	for _, name := range slices.Sorted(maps.Keys(labels)) {
		ms = append(ms, name+"="+strconv.Quote(labels[name]))
	}
	return "{" + strings.Join(ms, ",") + "}"
}

// hasLabels reports whether m carries every label of want.
func hasLabels(m promapi.Labels, want map[string]string) bool {
	for k, v := range want {
		if m[k] != v {
			return false
		}
	}
	return true
}

// differ names the labels whose values differ between a and b.
func differ(a, b promapi.Labels) []string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// ruleNames lists the names of p's rules.
func ruleNames(p burnrate.Policy) string {
	names := make([]string, len(p.Rules))
	for i, r := range p.Rules {
		names[i] = r.String()
	}
	return strings.Join(names, ", ")
}

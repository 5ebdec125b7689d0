package slofleet

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/internal/reserved"

	"github.com/benbjohnson/clock"
	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// ErrInvalid is wrapped by every error about the objectives or the Config
// given to [New].
var ErrInvalid = errors.New("slofleet: invalid")

// ErrUnavailable is wrapped by the errors of a query that Prometheus did
// not answer with data: unreachable, too slow, or answering with an error
// or warnings.
var ErrUnavailable = errors.New("slofleet: Prometheus did not answer")

// ErrMissing is wrapped by the error of a query whose answer lacks the
// series an objective needs: its rules are not loaded yet, or its counters
// not scraped.
var ErrMissing = errors.New("slofleet: series missing")

// ErrMismatch is wrapped by the error of a query whose answer holds series
// that contradict the objectives: rules generated from other objectives,
// or two sets of rules for one objective.
var ErrMismatch = errors.New("slofleet: series do not match the objectives")

// DefaultTimeout bounds a query when [Config.Timeout] is zero.
const DefaultTimeout = 10 * time.Second

// Config says where the fleet's series are and how to read them. The zero
// value has no Address, which [New] refuses.
type Config struct {
	// Address is the base URL of the Prometheus HTTP API (or of anything
	// that serves it: Thanos Querier, Mimir's Prometheus path), such as
	// http://prometheus:9090. Required.
	Address string
	// Timeout bounds each query, from the request to the decoded answer;
	// zero means [DefaultTimeout].
	Timeout time.Duration
	// Labels are the labels the rules were generated with
	// ([slorules.WithLabels]), such as {"team": "shop"}: the query matches
	// them, so that the series of other rule files with the same
	// objectives are left out. Nil matches any.
	Labels map[string]string
	// RoundTripper carries the requests (for TLS, authentication or a
	// proxy); nil means client_golang's api.DefaultRoundTripper.
	RoundTripper http.RoundTripper
	// Clock gives the instant [Client.Status] queries at; nil means the
	// real clock. Tests pass the mock their registry uses.
	Clock clock.Clock
}

// A Client reads the fleet's Status of a fixed set of objectives from one
// Prometheus API. It holds no state between queries and is safe for
// concurrent use. The zero value is not usable; make one with [New].
type Client struct {
	objs    []slo.Objective // with defaults, in the order given
	address string
	timeout time.Duration
	clock   clock.Clock
	labels  map[string]string
	api     v1.API
	query   string
}

// New returns a client that reads the Status of objectives (the
// objectives the rules were generated from, as given to slorules.Generate
// or slo.New) as cfg says. It reports every invalid objective, every
// objective given twice and every invalid field of cfg in one error
// wrapping [ErrInvalid]. It sends nothing: an unreachable server is
// reported by [Client.Status].
func New(objectives []slo.Objective, cfg Config) (*Client, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...)))
	}
	if len(objectives) == 0 {
		bad("no objectives; pass the objectives the fleet's rules were generated from")
	}
	objs := make([]slo.Objective, 0, len(objectives))
	seen := map[[2]string]int{}
	for i, o := range objectives {
		o = o.WithDefaults()
		if err := o.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%w: objective %d (%s): %w", ErrInvalid, i, slo.ObjectiveKey(o.Journey, o.Name), err))
			continue
		}
		key := [2]string{o.Journey, o.Name}
		if j, ok := seen[key]; ok {
			bad("objective %d (%s): objective %d has the same journey and name; give each objective of a journey its own Name", i, slo.ObjectiveKey(o.Journey, o.Name), j)
			continue
		}
		seen[key] = i
		for _, name := range slices.Sorted(maps.Keys(o.Labels)) {
			if v, ok := cfg.Labels[name]; ok && v != o.Labels[name] {
				bad("objective %d (%s): its label %s=%q and Config.Labels' %s=%q differ, so no series can carry both; give the value the rules were generated with",
					i, slo.ObjectiveKey(o.Journey, o.Name), name, o.Labels[name], name, v)
			}
		}
		objs = append(objs, o)
	}
	if u, err := url.Parse(cfg.Address); cfg.Address == "" {
		bad("Config.Address is empty; give the base URL of the Prometheus API, such as http://prometheus:9090")
	} else if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("Config.Address %q is not an absolute http or https URL; give the base URL of the Prometheus API, such as http://prometheus:9090", cfg.Address)
	}
	if cfg.Timeout < 0 {
		bad("Config.Timeout %v is negative; use a positive duration, such as 5*time.Second, or 0 for %v", cfg.Timeout, DefaultTimeout)
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.Labels)) {
		switch {
		case !labelName.MatchString(name) || strings.HasPrefix(name, "__"):
			bad("Config.Labels: %q is not a label name; use letters, digits and '_', not starting with a digit or \"__\"", name)
		case reserved.Label(name):
			bad("Config.Labels: %q is a label the rules set themselves; give only the labels of slorules.WithLabels, such as team", name)
		case cfg.Labels[name] == "":
			bad("Config.Labels: label %q has an empty value, which no series carries; give its value or leave it out", name)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	client, err := api.NewClient(api.Config{Address: cfg.Address, RoundTripper: cfg.RoundTripper})
	if err != nil {
		return nil, fmt.Errorf("%w: Config.Address %q: %w", ErrInvalid, cfg.Address, err)
	}
	c := &Client{
		objs:    objs,
		address: cfg.Address,
		timeout: cfg.Timeout,
		clock:   cfg.Clock,
		labels:  maps.Clone(cfg.Labels),
		api:     v1.NewAPI(client),
		query:   selector(objs, cfg.Labels),
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.clock == nil {
		c.clock = clock.New()
	}
	return c, nil
}

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// selector returns the query: every series the client reads, of every
// objective's journey, with the rules' extra labels. One selector is one
// instant of the engine's data for all objectives, so that no two are read
// at different evaluations.
func selector(objs []slo.Objective, labels map[string]string) string {
	names := regexp.QuoteMeta(slorules.EventsPrefix) + ".+|" + regexp.QuoteMeta(slorules.Firing) + "|" + regexp.QuoteMeta(slorules.Info)
	var journeys []string
	for _, o := range objs {
		j := regexp.QuoteMeta(o.Journey)
		if !slices.Contains(journeys, j) {
			journeys = append(journeys, j)
		}
	}
	matchers := []string{
		"__name__=~" + strconv.Quote(names),
		"journey=~" + strconv.Quote(strings.Join(journeys, "|")),
	}
	for _, name := range slices.Sorted(maps.Keys(labels)) {
		matchers = append(matchers, name+"="+strconv.Quote(labels[name]))
	}
	return "{" + strings.Join(matchers, ",") + "}"
}

// Objectives returns the client's objectives with their defaults, in the
// order given to [New], as copies.
func (c *Client) Objectives() []slo.Objective {
	out := make([]slo.Objective, len(c.objs))
	for i, o := range c.objs {
		o.Policy.Rules = slices.Clone(o.Policy.Rules)
		o.Labels = maps.Clone(o.Labels)
		out[i] = o
	}
	return out
}

// Clock returns the clock whose instant [Client.Status] queries at:
// [Config.Clock], or the real clock.
func (c *Client) Clock() clock.Clock { return c.clock }

// Status returns the fleet's Status of every objective, in the order given
// to [New], at the instant of [Config.Clock]. See [Client.StatusAt].
func (c *Client) Status(ctx context.Context) ([]slo.Status, error) {
	return c.StatusAt(ctx, c.clock.Now())
}

// StatusAt returns the fleet's Status of every objective, in the order
// given to [New], as Prometheus's series stand at instant at (the series
// the engine last recorded at or before it, within its lookback). It makes
// one query, bounded by [Config.Timeout] and by ctx.
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
	v, warnings, _, err := c.api.Query(qctx, c.query, at, v1.WithTimeout(c.timeout))
	if err != nil {
		return nil, c.unavailable(ctx, qctx, err)
	}
	if len(warnings) > 0 {
		// A partial answer (a Thanos store down) would judge the fleet by
		// some replicas: refuse it rather than judge.
		return nil, fmt.Errorf("%w: Prometheus at %s answered with warnings, perhaps a partial answer: %s", ErrUnavailable, c.address, strings.Join(warnings, "; "))
	}
	vec, ok := v.(model.Vector)
	if !ok {
		return nil, fmt.Errorf("%w: Prometheus at %s answered a %s to an instant query, not a vector; is Config.Address a Prometheus API?", ErrUnavailable, c.address, v.Type())
	}
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

// unavailable explains err, the failure of a query made with qctx, a
// child of ctx bounded by the timeout.
func (c *Client) unavailable(ctx, qctx context.Context, err error) error {
	var apiErr *v1.Error
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%w: the query to Prometheus at %s was abandoned: %w", ErrUnavailable, c.address, ctx.Err())
	case errors.Is(qctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%w: Prometheus at %s did not answer within %v (Config.Timeout): %w; check that it runs and is reachable from here, or raise the timeout",
			ErrUnavailable, c.address, c.timeout, context.DeadlineExceeded)
	case errors.As(err, &apiErr) && apiErr.Type == v1.ErrClient:
		return fmt.Errorf("%w: Prometheus at %s refused the query (%v); is Config.Address the base URL of a Prometheus API, without /api/v1?", ErrUnavailable, c.address, err)
	case errors.As(err, &apiErr) && apiErr.Type == v1.ErrTimeout:
		return fmt.Errorf("%w: Prometheus at %s gave up on the query within %v (Config.Timeout): %v", ErrUnavailable, c.address, c.timeout, err)
	case errors.As(err, &apiErr):
		return fmt.Errorf("%w: Prometheus at %s answered the query with an error: %v", ErrUnavailable, c.address, err)
	}
	return fmt.Errorf("%w: could not reach Prometheus at %s: %w; check Config.Address and that the server runs", ErrUnavailable, c.address, err)
}

// seriesKey identifies one of an objective's series: two samples with the
// same key belong to two sets of rules.
type seriesKey struct {
	name, window, outcome, rule string
}

// sums holds the events of an objective's windows, by length; it is the
// burnrate.Source the policy is evaluated over.
type sums map[time.Duration][2]float64

func (s sums) Sum(d time.Duration) (good, bad float64) {
	c := s[d]
	return c[0], c[1]
}

// status builds o's Status from the query's answer.
func (c *Client) status(o slo.Objective, vec model.Vector, at time.Time) (slo.Status, error) {
	name := slo.ObjectiveKey(o.Journey, o.Name)
	seen := map[seriesKey]model.Metric{}
	var info model.Metric
	events := sums{}
	firing := make([]bool, len(o.Policy.Rules))
	for _, smp := range vec {
		m := smp.Metric
		if string(m["journey"]) != o.Journey || string(m["objective"]) != o.Name || !hasLabels(m, o.Labels) {
			continue
		}
		k := seriesKey{string(m[model.MetricNameLabel]), string(m["window"]), string(m["outcome"]), string(m["rule"])}
		if other, dup := seen[k]; dup {
			return slo.Status{}, fmt.Errorf("%w: %s: Prometheus at %s holds two sets of its series, told apart by %s (%s and %s); set Config.Labels to the labels its rules were generated with",
				ErrMismatch, name, c.address, strings.Join(differ(m, other), ", "), other, m)
		}
		seen[k] = m
		v := float64(smp.Value)
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
			firing[i] = true
		case strings.HasPrefix(k.name, slorules.EventsPrefix):
			d, err := model.ParseDuration(strings.TrimPrefix(k.name, slorules.EventsPrefix))
			if err != nil {
				continue // not a series of the rules
			}
			w := events[time.Duration(d)]
			switch k.outcome {
			case "good":
				w[0] = v
			case "bad":
				w[1] = v
			default:
				continue
			}
			events[time.Duration(d)] = w
		}
	}
	if info == nil {
		return slo.Status{}, fmt.Errorf("%w: %s: Prometheus at %s has no series %s%s; check that the rule file slorules generated for it is loaded (rule_files in prometheus.yml), that its period group has been evaluated once (every 2m30s by default), and that Config.Labels are the labels it was generated with",
			ErrMissing, name, c.address, slorules.Info, c.own(o))
	}
	if err := c.checkInfo(o, info); err != nil {
		return slo.Status{}, err
	}
	if _, ok := events[o.Period]; !ok {
		return slo.Status{}, fmt.Errorf("%w: %s: Prometheus at %s has no series %s%s%s; check that it scrapes the replicas' %s (slo/sloprom) and that the rules' selector matches them: the increase needs two scrapes",
			ErrMissing, name, c.address, slorules.EventsPrefix, burnrate.FormatWindow(o.Period), c.own(o), slorules.Counter)
	}
	return build(o, at, events, firing), nil
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
func (c *Client) checkInfo(o slo.Objective, info model.Metric) error {
	var diffs []string
	differs := func(label, got, want string) {
		diffs = append(diffs, fmt.Sprintf("%s %s where the objective has %s", label, got, want))
	}
	if t, err := strconv.ParseFloat(string(info["target"]), 64); err != nil || t != o.Target {
		differs("target", strconv.Quote(string(info["target"])), strconv.FormatFloat(o.Target, 'f', -1, 64))
	}
	if d, err := model.ParseDuration(string(info["period"])); err != nil || time.Duration(d) != o.Period {
		differs("period", strconv.Quote(string(info["period"])), burnrate.FormatWindow(o.Period))
	}
	if n, err := strconv.ParseUint(string(info["min_events"]), 10, 64); err != nil || n != o.Policy.MinEvents {
		differs("min_events", strconv.Quote(string(info["min_events"])), strconv.FormatUint(o.Policy.MinEvents, 10))
	}
	latency := time.Duration(0)
	if l, ok := info["latency"]; ok {
		d, err := time.ParseDuration(string(l))
		if err != nil {
			d = -1
		}
		latency = d
	}
	if latency != o.Latency {
		differs("latency", strconv.Quote(string(info["latency"])), o.Latency.String())
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
func hasLabels(m model.Metric, want map[string]string) bool {
	for k, v := range want {
		if string(m[model.LabelName(k)]) != v {
			return false
		}
	}
	return true
}

// differ names the labels whose values differ between a and b.
func differ(a, b model.Metric) []string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, string(k))
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, string(k))
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

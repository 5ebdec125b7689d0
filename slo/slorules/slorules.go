package slorules

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/invalid"
	"github.com/journeyslo/journeyslo/internal/promlabel"
	"github.com/journeyslo/journeyslo/slo"
)

// Counter is the metric the rules read: the event counters that
// slo/sloprom's Collector exports, labelled journey, objective and outcome
// ("good" or "bad").
const Counter = "journeyslo_sli_events_total"

// AlertName is the name of every alert the rules raise: one per objective
// and severity, told apart by the labels journey, objective and severity.
const AlertName = "JourneyErrorBudgetBurn"

// Names of the series the rules record, after Prometheus's
// level:metric:operations convention: the level names the labels kept
// (journey and objective, and outcome or rule), the operations how the
// value was made. A window's length ends the name where the series exists
// once per window; such series are labelled window too.
const (
	// EventsPrefix + window ("1h"): the increase of the counters over the
	// window by outcome, "good" and "bad", summed across instances. Every
	// other series is computed from these, so that each window's samples
	// are read once per evaluation, for the ratio and the guard alike.
	EventsPrefix = "journey_objective_outcome:journeyslo_sli_events:increase"
	// ErrorRatioPrefix + window ("5m"): bad events / all events over the
	// window, for every window of the policy and the period ("30d").
	ErrorRatioPrefix = "journey_objective:journeyslo_sli_error:ratio_increase"
	// SLI is the share of good events over the period, 1 - its error
	// ratio; labelled window (the period).
	SLI = "journey_objective:journeyslo_sli:ratio"
	// BudgetRemaining is the share of the period's error budget left:
	// 1 - error ratio / (1 - target), 1 untouched, 0 spent, negative
	// overspent; labelled window (the period).
	BudgetRemaining = "journey_objective:journeyslo_error_budget_remaining:ratio"
	// Info is 1 for every objective, labelled with its settings: target,
	// error_budget, period, min_events, and latency for latency objectives.
	Info = "journey_objective:journeyslo_objective:info"
	// Firing is the burn rate over a rule's long window, present only while
	// the rule fires (both windows at or above its factor, the long window
	// holding at least the guard's events); labelled rule, severity,
	// long_window, short_window and factor.
	Firing = "journey_objective_rule:journeyslo_burn_rate:firing"
	// EventsIncrements is the counters' increment by outcome since the
	// previous evaluation of the period's group, recorded at each of its
	// evaluations under [WithPeriodIncrements]; labelled window (the
	// group's interval). The period's events are their sum.
	EventsIncrements = "journey_objective_outcome:journeyslo_sli_events:increments"
)

// DefaultPeriodInterval is how often the period's rules are evaluated
// unless [WithPeriodInterval] says otherwise.
const DefaultPeriodInterval = 150 * time.Second

// Label names the rules read and write.
const (
	labelJourney     = "journey"
	labelObjective   = "objective"
	labelOutcome     = "outcome"
	labelWindow      = "window"
	labelRule        = "rule"
	labelSeverity    = "severity"
	labelLongWindow  = "long_window"
	labelShortWindow = "short_window"
	labelFactor      = "factor"
)

// A RuleFile is a set of Prometheus rule groups, two per objective: one
// with the windows of its policy, recording rules first and alerts after
// (so that one evaluation of the group reads what it has just recorded),
// and one with its period's SLI and budget, evaluated less often. [Generate]
// writes it; [RuleFile.Marshal] encodes it for an engine. It is a plain
// value: the zero value has no groups and marshals to a file without any
// (except for Mimir, which needs a Namespace). It is safe for concurrent
// reads.
type RuleFile struct {
	// Groups are the rule groups, in the order of the objectives: the
	// alerting group, then the period group of each.
	Groups []Group
	// Namespace is the Mimir ruler namespace the groups belong to, written
	// at the top of the Mimir flavour; see [WithNamespace].
	Namespace string
	// Labels are the labels every rule adds to what it records and raises
	// (see [WithLabels]). The rules of an objective add its own
	// [slo.Objective.Labels] as well, which are not listed here. The
	// Alertmanager inhibit rule matches on both.
	Labels map[string]string
	// Object is the metadata of the PrometheusRule objects of the
	// PrometheusOperator flavour; see [WithObjectMeta].
	Object ObjectMeta
}

// A Group is one Prometheus rule group: rules evaluated in order, every
// Interval. It is a plain value; the zero value has no name, which engines
// refuse.
type Group struct {
	// Name is unique in the file: "journeyslo:" + journey + ":" + objective,
	// and the same + ":period" for the period's group (a colon, which names
	// never hold, so that journey "a-b" with objective "c" and journey "a"
	// with objective "b-c" stay apart).
	Name string
	// Interval is how often the engine evaluates the group; zero leaves it
	// to the engine's global evaluation interval.
	Interval time.Duration
	// Rules are the group's recording and alerting rules.
	Rules []Rule
	// GroupBy are the labels the group's series and alerts keep beside
	// journey and objective ([slo.Objective.GroupBy]), which
	// [RuleFile.InhibitRules] matches on. It is not written to the file.
	GroupBy []string
}

// A Rule is one recording rule (Record set) or alerting rule (Alert set).
// It is a plain value; the zero value is neither, and engines refuse it.
type Rule struct {
	// Record is the name of the series a recording rule writes.
	Record string
	// Alert is the name of the alert an alerting rule raises.
	Alert string
	// Expr is the PromQL expression.
	Expr string
	// For is how long an alert's expression must hold before it fires; zero
	// fires at the first evaluation.
	For time.Duration
	// Labels are added to (or replace) the labels of the result; an empty
	// value removes the label.
	Labels map[string]string
	// Annotations are an alert's templated descriptions.
	Annotations map[string]string
	// Severity is the severity an alerting rule raises, whatever its
	// labels call it (see slo.Alerting); [RuleFile.InhibitRules] reads it.
	// It is not written to the file; zero for a recording rule.
	Severity burnrate.Severity
}

// An Option changes what [Generate] writes. Options that are given wrong
// values make Generate return an error matching slo.ErrInvalid. An Option
// holds only its arguments and may be used by several calls to Generate,
// concurrently too.
type Option func(*config)

type config struct {
	labels    map[string]string
	selector  []matcher
	interval  time.Duration
	periodInt time.Duration
	periodInc bool
	forDur    map[burnrate.Severity]time.Duration
	namespace string
	object    ObjectMeta
	errs      []error
}

func (c *config) bad(format string, args ...any) {
	c.errs = append(c.errs, invalid.Errorf("slorules: %s", fmt.Sprintf(format, args...)))
}

// WithLabels adds labels to every recorded series and every alert, such as
// {"team": "shop", "cluster": "eu1"}, for routing and for telling apart the
// rules of several files in one engine (the rules match on them when they
// read what they recorded). Label names follow Prometheus's rules, and may
// not be one the rules set themselves (journey, objective, window, rule,
// severity...). Several calls add up. By default no label is added.
//
// Each objective's own [slo.Objective.Labels] are added to its rules
// beside these. An objective label with the name of one of these and
// another value is an error of [Generate], since one of the two would be
// lost without a word; with the same value it is the same label, written
// once.
func WithLabels(labels map[string]string) Option {
	return func(c *config) {
		c.labels = promlabel.Add(c.labels, labels, func(problem string) { c.bad("WithLabels: %s", problem) })
	}
}

// WithSelector scopes the counters the rules read with PromQL label
// matchers, with or without braces: `{job="checkout"}` or
// `namespace="shop", cluster=~"eu-.*"`. It may not match the metric name,
// journey, objective or outcome, which the rules set. By default the rules
// read every journeyslo_sli_events_total series of each objective. It
// scopes journeyslo's counters only: the queries of an objective's
// [slo.Source] are used as written.
func WithSelector(selector string) Option {
	return func(c *config) {
		ms, err := parseSelector(selector)
		if err != nil {
			c.bad("WithSelector: %v", err)
			return
		}
		c.selector = ms
	}
}

// WithInterval sets every group's evaluation interval, such as 30 *
// time.Second. By default the groups have none and the engine uses its
// global evaluation interval (1 minute unless configured). An alert can
// fire only at an evaluation, so the interval adds to the detection time.
// The groups of the periods have their own; see [WithPeriodInterval].
func WithInterval(d time.Duration) Option {
	return func(c *config) {
		if _, err := promDuration(d); err != nil || d <= 0 {
			c.bad("WithInterval(%v): use a positive whole number of seconds, such as 30*time.Second", d)
			return
		}
		c.interval = d
	}
}

// WithPeriodInterval sets how often the groups of the periods' SLI and
// budget are evaluated. Their rules read every sample of the period (30
// days of counters), by far the most of any rule, and move slowly, so by
// default they are evaluated every [DefaultPeriodInterval] (2m30s), or at
// the WithInterval interval when that is longer: under Prometheus's 5-minute
// lookback, so the recorded series never go missing between evaluations.
func WithPeriodInterval(d time.Duration) Option {
	return func(c *config) {
		if _, err := promDuration(d); err != nil || d <= 0 || d >= 5*time.Minute {
			c.bad("WithPeriodInterval(%v): use a positive whole number of seconds under 5 minutes (the lookback), such as 2*time.Minute", d)
			return
		}
		c.periodInt = d
	}
}

// WithPeriodIncrements makes the period's events a sum of increments
// recorded at each evaluation of the period's group, instead of the
// default increase(counter[period]), which reads every sample of every
// series of the period at every evaluation: over 12 weeks and thousands of
// series, tens of seconds of work. At each evaluation, every interval P of
// [WithPeriodInterval] ([DefaultPeriodInterval] unless set), the group
// records per outcome
//
//	EventsIncrements = sum by (journey, objective, outcome) ((C - last_over_time(C[1h] offset P)) >= 0 or C)
//
// the counters' increments since the previous evaluation, then the
// period's events as sum_over_time(EventsIncrements[period - 1ms]): the
// increments of the evaluations of the period, one per step, whatever the
// number of series. The rules after it (the period's ratio, SLI and
// budget) are the same. Per series the increments telescope, each
// cancelling the previous one's start, so their sum is exactly the events
// between the last sample a period and a step ago and the last sample
// now, where increase() extrapolates to the range's ends.
//
// Its limits, which the default does not have:
//   - an evaluation the engine misses (a restart, an overrun) loses up to
//     one step of events: the next increment starts one step back;
//   - the increments exist from the rules' deployment, so the first period
//     after it counts the events since then only;
//   - a counter going down (a reset) counts its new value, as increase()
//     does; so does a series without a sample for over an hour, whose
//     previous value last_over_time no longer finds.
//
// It applies to objectives over journeyslo's counters and to [slo.Source]
// queries that are plain selectors (good, bad, total; the third outcome is
// the rest of each step, clamped at zero). Queries over {{.window}},
// ErrorRatio sources, composites, Slices objectives and objectives whose
// period is also a window of their policy (recorded in the alerting group)
// keep increase().
func WithPeriodIncrements() Option {
	return func(c *config) { c.periodInc = true }
}

// WithFor sets the `for:` of the alert of one severity: how long it must
// hold before it fires, such as 2 minutes for pages. By default there is
// none, as the SRE Workbook's rules have none: the short window already
// keeps a blip from paging, and a `for:` delays every detection by as
// much. A change of the firing rule changes the alert's labels and starts
// its `for:` again.
func WithFor(severity burnrate.Severity, d time.Duration) Option {
	return func(c *config) {
		if severity != burnrate.SeverityPage && severity != burnrate.SeverityTicket {
			c.bad("WithFor(%v, %v): use burnrate.SeverityPage or burnrate.SeverityTicket", severity, d)
			return
		}
		if _, err := promDuration(d); err != nil || d < 0 {
			c.bad("WithFor(%v, %v): use a whole number of seconds, zero or more", severity, d)
			return
		}
		if c.forDur == nil {
			c.forDur = map[burnrate.Severity]time.Duration{}
		}
		c.forDur[severity] = d
	}
}

// WithNamespace names the Mimir ruler namespace written at the top of the
// Mimir flavour, which `mimirtool rules sync` loads the groups into. The
// default is "journeyslo".
func WithNamespace(namespace string) Option {
	return func(c *config) {
		if strings.TrimSpace(namespace) == "" || strings.ContainsAny(namespace, "/\n") {
			c.bad("WithNamespace(%q): use a non-empty name without '/' or a newline, such as shop", namespace)
			return
		}
		c.namespace = namespace
	}
}

// Generate writes the rules that evaluate objectives over the fleet's
// counters (journeyslo's, or those an objective's [slo.Source] names,
// judged per [slo.Objective.GroupBy] group, with its [slo.NoData] alert
// and its [slo.Alerting] names and labels: see the package doc), as the
// registry evaluates them in one process: per objective,
// the events by outcome and the error ratio over every window of its
// policy and over its period, one series per rule while it fires and one
// alert per severity; then, in the period's group, the SLI, the budget
// remaining and an info series. Every series and alert of an objective
// carries its [slo.Objective.Labels], and its alerts its
// [slo.Objective.Runbook] as their runbook_url annotation. The objectives
// take their defaults as [slo.New] gives them ([slo.Objective.WithDefaults]),
// so the policies and low-traffic guards are the registry's.
//
// It reports every invalid objective, objectives that share a journey and
// a name, and every invalid option, in one error matching [slo.ErrInvalid]
// (and [burnrate.ErrInvalid] too for a mistake of an objective's target or
// rules).
func Generate(objectives []slo.Objective, opts ...Option) (RuleFile, error) {
	cfg, err := prepare(objectives, opts)
	if err != nil {
		return RuleFile{}, err
	}
	f := cfg.file()
	for _, o := range objectives {
		f.Groups = append(f.Groups, cfg.groups(o.WithDefaults())...)
	}
	return f, nil
}

// Write writes to w the rule file that Generate and then [RuleFile.Marshal]
// would give, byte for byte, but generates and encodes the groups of one
// objective at a time: what it holds is one objective's rules (and, for
// the PrometheusOperator flavour, the names of the objects written),
// however many objectives there are, where a RuleFile holds them all. It refuses
// what Generate refuses, with the same errors, before it writes anything;
// an error of w stops it.
func Write(w io.Writer, flavor Flavor, objectives []slo.Objective, opts ...Option) error {
	cfg, err := prepare(objectives, opts)
	if err != nil {
		return err
	}
	enc, err := newFileEncoder(w, flavor, cfg.file())
	if err != nil {
		return err
	}
	for _, o := range objectives {
		for _, g := range cfg.groups(o.WithDefaults()) {
			if err := enc.group(g); err != nil {
				return err
			}
		}
	}
	return enc.close()
}

// prepare applies the options and checks them and the objectives, as
// Generate documents; it returns the config the groups are written with.
func prepare(objectives []slo.Objective, opts []Option) (*config, error) {
	cfg := &config{namespace: "journeyslo"}
	for _, o := range opts {
		o(cfg)
	}
	errs := cfg.errs
	if len(objectives) == 0 {
		errs = append(errs, invalid.Errorf("slorules: no objectives; pass the objectives the services' registries declare"))
	}
	seen := map[[2]string]int{}
	for i, o := range objectives {
		o = o.WithDefaults()
		if err := o.Validate(); err != nil {
			errs = append(errs, invalid.Errorf("slorules: objective %d (%s): %w", i, slo.ObjectiveKey(quoted(o.Journey), quoted(o.Name)), err))
			continue
		}
		if err := checkWindows(o); err != nil {
			errs = append(errs, invalid.Errorf("slorules: objective %d (%s): %v", i, slo.ObjectiveKey(o.Journey, o.Name), err))
			continue
		}
		key := [2]string{o.Journey, o.Name}
		if j, ok := seen[key]; ok {
			errs = append(errs, invalid.Errorf("slorules: objective %d (%s): objective %d has the same journey and name; give each objective of a journey its own Name", i, slo.ObjectiveKey(o.Journey, o.Name), j))
			continue
		}
		if err := cfg.checkLabels(o); err != nil {
			errs = append(errs, invalid.Errorf("slorules: objective %d (%s): %v", i, slo.ObjectiveKey(o.Journey, o.Name), err))
			continue
		}
		seen[key] = i
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if cfg.periodInt == 0 {
		cfg.periodInt = max(DefaultPeriodInterval, cfg.interval)
	}
	return cfg, nil
}

// file returns the rule file of the config, without its groups.
func (c *config) file() RuleFile {
	return RuleFile{Namespace: c.namespace, Labels: maps.Clone(c.labels), Object: c.object.clone()}
}

// checkLabels reports the labels of o that WithLabels gives another value:
// the rules could carry only one of the two.
func (c *config) checkLabels(o slo.Objective) error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(o.Labels)) {
		if v, ok := c.labels[name]; ok && v != o.Labels[name] {
			errs = append(errs, fmt.Errorf("its label %s=%q and WithLabels' %s=%q have the same name; give the label in one place, or the same value in both", name, o.Labels[name], name, v))
		}
	}
	return errors.Join(errs...)
}

// quoted quotes a journey or objective name in errors when it holds more
// than a name's characters (it may hold anything, newlines included).
func quoted(s string) string {
	if s != "" && labelValuePattern.MatchString(s) {
		return s
	}
	return strconv.Quote(s)
}

var labelValuePattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// checkWindows reports a window Prometheus cannot name: a duration that is
// not a whole number of milliseconds.
func checkWindows(o slo.Objective) error {
	for _, d := range append(o.Policy.Windows(), o.Period) {
		if _, err := promDuration(d); err != nil {
			return err
		}
	}
	return nil
}

// promDuration writes d in Prometheus's duration syntax: "5m", "1h30m",
// "3d", and "1s500ms" below the second.
func promDuration(d time.Duration) (string, error) {
	if d < 0 || d%time.Millisecond != 0 {
		return "", fmt.Errorf("duration %v is not a whole number of milliseconds, which Prometheus cannot read", d)
	}
	if d == 0 {
		return "0s", nil
	}
	ms := d % time.Second
	var s string
	if d >= time.Second {
		s = burnrate.FormatWindow(d - ms)
	}
	if ms > 0 {
		s += strconv.FormatInt(int64(ms/time.Millisecond), 10) + "ms"
	}
	return s, nil
}

// window names a window the way the rules and their labels do; the windows
// were checked by checkWindows.
func window(d time.Duration) string {
	s, _ := promDuration(d)
	return s
}

// decimal writes x as the shortest decimal that reads back as x, without
// an exponent (0.000056 reads better in a rule than 5.6e-05) unless it
// would take more than 20 zeros, as a target of 1e-300 would.
func decimal(x float64) string {
	if a := math.Abs(x); a != 0 && (a < 1e-20 || a >= 1e21) {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// threshold returns factor * budget as a decimal: the product of the two
// decimals they were written as, rounded once to the nearest float, so that
// 14.4 at 99.9% is 0.0144 and not 14.4 * 0.0010000000000000009. The
// strings of finite floats always parse.
func threshold(factor, budget float64) string {
	f, _ := new(big.Rat).SetString(decimal(factor))
	b, _ := new(big.Rat).SetString(decimal(budget))
	v, _ := f.Mul(f, b).Float64()
	return decimal(v)
}

// objectiveRules holds what the rules of one objective share.
type objectiveRules struct {
	cfg     *config
	o       slo.Objective
	counter string // the counter's matchers, in braces
	own     string // the matchers of what the objective's rules record: journey, objective, extra
	budget  string // 1 - target, as a decimal
	period  string
	extra   map[string]string // WithLabels' labels and the objective's
	parts   []part            // a composite's components; nil for an objective of its own events
	rules   []Rule
	on      string // "on (journey, objective, <groups>)": what matches one judgement's series
	by      string // "sum by (<groups>) ", or "sum " without groups
	source  sourceQueries
}

// sourceQueries are an objective's Source queries with their shapes.
type sourceQueries struct {
	good, bad, total, ratio string
	shape                   map[string]slo.QueryShape
}

func (c *config) groups(o slo.Objective) []Group {
	own := []string{
		matcher{labelJourney, "=", o.Journey}.String(),
		matcher{labelObjective, "=", o.Name}.String(),
	}
	sel := make([]string, len(c.selector))
	for i, m := range c.selector {
		sel[i] = m.String()
	}
	// The file's labels and the objective's, which checkLabels found to
	// agree where they share a name.
	labels := maps.Clone(c.labels)
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, o.Labels)
	recorded := slices.Clone(own)
	for _, name := range slices.Sorted(maps.Keys(labels)) {
		recorded = append(recorded, matcher{name, "=", labels[name]}.String())
	}
	r := &objectiveRules{
		cfg:     c,
		o:       o,
		extra:   labels,
		counter: "{" + strings.Join(slices.Concat(own, sel), ",") + "}",
		own:     "{" + strings.Join(recorded, ",") + "}",
		budget:  decimal(burnrate.ErrorBudget(o.Target)),
		period:  window(o.Period),
		on:      "on (" + strings.Join(slices.Concat([]string{labelJourney, labelObjective}, o.GroupBy), ", ") + ")",
		by:      "sum ",
	}
	if len(o.GroupBy) > 0 {
		r.by = "sum by (" + strings.Join(o.GroupBy, ", ") + ") "
	}
	if s := o.Source; s != nil && !s.IsZero() {
		r.source = sourceQueries{good: s.Good, bad: s.Bad, total: s.Total, ratio: s.ErrorRatio, shape: map[string]slo.QueryShape{}}
		for _, q := range []string{s.Good, s.Bad, s.Total, s.ErrorRatio} {
			if q != "" {
				r.source.shape[q], _ = slo.ShapeOf(q) // checked by Validate
			}
		}
	}
	interval := c.interval
	if o.Slices != nil {
		r.recordSlice()
		interval = o.Slices.Window // one evaluation per slice
	}
	r.parts = c.parts(o, sel)
	for _, d := range o.Policy.Windows() {
		r.recordWindow(d)
	}
	r.recordRules()
	r.alerts()
	r.noData()
	name := "journeyslo:" + o.Journey + ":" + o.Name
	alerting := Group{Name: name, Interval: interval, Rules: r.rules, GroupBy: slices.Clone(o.GroupBy)}
	r.rules = nil
	switch {
	case r.incrementsApply():
		r.recordPeriodIncrements()
	case !slices.Contains(o.Policy.Windows(), o.Period):
		r.recordWindow(o.Period)
	}
	r.recordPeriod()
	return []Group{alerting, {Name: name + ":period", Interval: c.periodInt, Rules: r.rules, GroupBy: slices.Clone(o.GroupBy)}}
}

// labels returns the rule's labels: the extra labels of WithLabels and of
// the objective, its journey and name, then kv pairs, which win. Every
// rule names its objective, although its result carries the labels
// already, so that the rules of two objectives never look alike to a
// linter.
func (r *objectiveRules) labels(kv ...string) map[string]string {
	out := maps.Clone(r.extra)
	out[labelJourney], out[labelObjective] = r.o.Journey, r.o.Name
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// recordWindow records the events of a window by outcome, from the
// counters, then its error ratio from them. The denominator is kept only
// when positive, so that a window without events has no sample rather
// than NaN, as the registry reports no data.
func (r *objectiveRules) recordWindow(d time.Duration) {
	if r.o.Slices != nil {
		r.recordSliceWindow(d)
		return
	}
	w := window(d)
	if r.source.ratio != "" {
		// Sloth's raw SLI: the ratio itself, over the window as over the
		// period. A NaN (no traffic) is no sample; the maximum per group
		// drops whatever other labels the expression leaves.
		r.rules = append(r.rules, Rule{
			Record: ErrorRatioPrefix + w,
			Expr:   "max" + strings.TrimPrefix(r.by, "sum") + "(\n  (" + expand(r.source.ratio, w) + ") >= 0\n)",
			Labels: r.labels(labelWindow, w),
		})
		return
	}
	r.rules = append(r.rules, r.events(d)...)
	r.rules = append(r.rules, r.ratio(w))
}

// ratio is the rule of window w's error ratio from its recorded events.
func (r *objectiveRules) ratio(w string) Rule {
	events := EventsPrefix + w
	return Rule{
		Record: ErrorRatioPrefix + w,
		Expr: "sum without (outcome) (" + events + r.ownWith(labelOutcome, "bad") + ")\n/\n" +
			"(sum without (outcome) (" + events + r.own + ") > 0)",
		Labels: r.labels(labelWindow, w),
	}
}

// recordPeriod records the SLI and the budget remaining from the period's
// error ratio (the increase of bad events over the increase of all across
// the whole period, so every event weighs the same, unlike a mean of short
// ratios), as the registry computes them: 1 - ratio, and
// 1 - ratio / (1 - target); and the info series.
func (r *objectiveRules) recordPeriod() {
	ratio := ErrorRatioPrefix + r.period + r.own
	r.rules = append(r.rules,
		Rule{Record: SLI, Expr: "1 - " + ratio, Labels: r.labels()},
		Rule{Record: BudgetRemaining, Expr: "1 - " + ratio + " / " + r.budget, Labels: r.labels()},
	)
	info := r.labels("target", decimal(r.o.Target), "error_budget", r.budget, "period", r.period,
		"min_events", strconv.FormatUint(r.minEvents(), 10))
	if r.o.Latency > 0 {
		info["latency"] = r.o.Latency.String()
	}
	r.sliceInfo(info)
	r.rules = append(r.rules, Rule{Record: Info, Expr: "vector(1)", Labels: info})
}

// recordRules records, for every rule of the policy, the burn rate over its
// long window while the rule fires: both windows' error ratios at or above
// factor * (1 - target), and the long window holding at least MinEvents
// events. The alerts pick among these series, so a rule's labels reach the
// alert it raises.
func (r *objectiveRules) recordRules() {
	for _, rule := range r.o.Policy.Rules {
		long, short, t := window(rule.Long), window(rule.Short), threshold(rule.Factor, burnrate.ErrorBudget(r.o.Target))
		expr := "(" + ErrorRatioPrefix + long + r.own + " >= " + t + ") / " + r.budget
		if rule.Short != rule.Long {
			// A single-window rule's short window is its long one, which
			// the first clause already holds to the threshold.
			expr += "\nand " + r.on + "\n" + ErrorRatioPrefix + short + r.own + " >= " + t
		}
		if min := r.minEvents(); min > 0 {
			expr += "\nand " + r.on + "\nsum without (outcome) (" + EventsPrefix + long + r.own + ") >= " + strconv.FormatUint(min, 10)
		}
		r.rules = append(r.rules, Rule{
			Record: Firing,
			Expr:   expr,
			Labels: r.labels(labelWindow, "", // the long window's, which long_window names
				labelRule, rule.String(), labelSeverity, rule.Severity.String(),
				labelLongWindow, long, labelShortWindow, short, labelFactor, decimal(rule.Factor)),
		})
	}
}

// alerts writes one alert per severity the policy raises: the first firing
// rule of that severity in policy order, as the registry reports it. The
// `or on (journey, objective)` keeps only the first branch that has a
// sample, so that two burning rules of one severity raise one alert, not
// two, and the alert's labels name the rule that fired.
func (r *objectiveRules) alerts() {
	for _, sev := range []burnrate.Severity{burnrate.SeverityPage, burnrate.SeverityTicket} {
		var branches []string
		for _, rule := range r.o.Policy.Rules {
			if rule.Severity == sev {
				branches = append(branches, Firing+r.ownWith(labelRule, rule.String()))
			}
		}
		if len(branches) == 0 {
			continue
		}
		if r.severityOf(sev).Disable {
			continue
		}
		r.rules = append(r.rules, Rule{
			Alert:       r.alertName(),
			Expr:        strings.Join(branches, "\nor "+r.on+"\n"),
			For:         r.cfg.forDur[sev],
			Labels:      r.alertLabels(sev),
			Annotations: r.alertAnnotations(sev, r.annotations(sev)),
			Severity:    sev,
		})
	}
}

// over says over which windows the rules of severity sev fire, in the
// words of an alert's description: "over both 1h and 5m" for two windows,
// "over 10m" for a single-window rule (Short == Long). An alert names the
// rule that fired in its labels, so when the severity has rules of both
// kinds the template picks the words from them.
func (r *objectiveRules) over(sev burnrate.Severity) string {
	const (
		both   = "over both {{ $labels.long_window }} and {{ $labels.short_window }}"
		single = "over {{ $labels.long_window }}"
	)
	var singles, pairs int
	for _, rule := range r.o.Policy.Rules {
		switch {
		case rule.Severity != sev:
		case rule.Short == rule.Long:
			singles++
		default:
			pairs++
		}
	}
	switch {
	case singles == 0:
		return both
	case pairs == 0:
		return single
	}
	return "{{ if eq $labels.long_window $labels.short_window }}" + single + "{{ else }}" + both + "{{ end }}"
}

// ownWith returns the objective's own matchers with one more.
func (r *objectiveRules) ownWith(name, value string) string {
	return r.own[:len(r.own)-1] + "," + matcher{name, "=", value}.String() + "}"
}

// annotations describes an alert: what burns and how fast, the objective,
// the budget left (queried when the alert fires) and the runbook.
func (r *objectiveRules) annotations(sev burnrate.Severity) map[string]string {
	o := r.o
	good := "good"
	if o.Latency > 0 {
		good = "good (not failed, within " + o.Latency.String() + ")"
	}
	pct := new(big.Rat)
	pct.SetString(decimal(o.Target))
	pct.Mul(pct, big.NewRat(100, 1))
	target, _ := pct.Float64()
	query := BudgetRemaining + r.own
	lit := "`" + query + "`"
	if strings.Contains(query, "`") {
		lit = strconv.Quote(query)
	}
	if len(o.GroupBy) > 0 {
		// The alert's own group's budget: its labels complete the query.
		format := strings.ReplaceAll(query[:len(query)-1], "%", "%%")
		args := ""
		for _, g := range o.GroupBy {
			format += "," + g + "=%q"
			args += " $labels." + g
		}
		format += "}"
		lit = "`" + format + "`"
		if strings.Contains(format, "`") {
			lit = strconv.Quote(format)
		}
		lit = "(printf " + lit + args + ")"
	}
	urgency := "a page: someone should look now"
	if sev == burnrate.SeverityTicket {
		urgency = "a ticket: someone should look within a day"
	}
	a := map[string]string{
		"summary": slo.ObjectiveKey(o.Journey, o.Name) + ` burns its error budget at {{ $value | printf "%.1f" }}x over {{ $labels.long_window }}`,
		"description": decimal(target) + "% of " + r.units(good) + " over " + r.period +
			`. Rule {{ $labels.rule }} fires at a burn rate of {{ $labels.factor }} or more ` + r.over(sev) + "; " + urgency + ".",
		"budget_remaining": "{{ with query " + lit + " }}{{ . | first | value | humanizePercentage }}{{ else }}unknown: no events over " + r.period + "{{ end }}",
	}
	if o.Runbook != "" {
		a["runbook_url"] = o.Runbook
	}
	return a
}

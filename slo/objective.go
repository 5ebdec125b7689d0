package slo

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/promlabel"
	"github.com/journeyslo/journeyslo/window"
)

// ErrInvalid is wrapped by every error about an objective or the registry's
// settings.
var ErrInvalid = errors.New("slo: invalid")

// DefaultPeriod is the rolling period of an objective whose Period is zero.
const DefaultPeriod = 30 * 24 * time.Hour

// Unmatched is the journey that every undeclared journey name resolves to.
// Its events are counted once, in [Registry.Unmatched], and create no series.
const Unmatched = "unmatched"

// An Objective is a service level objective for one user journey: the share
// of the journey's events that must be good over a rolling period, and the
// alert policy that judges how fast its error budget burns.
//
// An Objective is a plain value, written as a literal or loaded from
// configuration. Its zero fields take defaults (see each field); [New]
// checks it with [Objective.Validate].
type Objective struct {
	// Name tells the journey's objectives apart. Empty means "availability",
	// or "latency" when Latency is set. Letters, digits, '.', '_' and '-'.
	Name string
	// Journey is the critical user journey the objective is about, such as
	// "checkout". Letters, digits, '.', '_' and '-'.
	Journey string
	// Target is the share of events that must be good, a fraction strictly
	// between 0 and 1: 0.999 for 99.9%.
	Target float64
	// Period is the rolling window the target holds over. Zero means
	// [DefaultPeriod], 30 days.
	Period time.Duration
	// Latency, when positive, makes this a latency objective: an event is
	// good when it is not bad and took no longer than Latency. Zero makes it
	// an availability objective.
	Latency time.Duration
	// Policy decides when the objective's state is ticket or page. A policy
	// with no rules means burnrate.DefaultPolicy(Target, Period), which
	// fires at every valid target (at 90% its first page reads 1h36m and
	// 8m windows, since a full outage cannot burn at 14.4), with this
	// policy's MinEvents guard, or burnrate.MinEvents(Target) when that is
	// zero (1000 events at 99.9%). A policy with rules is used as written,
	// and refused when a rule could never fire; rules without a Name get
	// their default one.
	Policy burnrate.Policy
	// Runbook is where a person paged by this objective reads what to do:
	// an absolute http or https URL, such as
	// "https://runbooks.example.com/checkout". Empty means none. The
	// registry only carries it, for the readers that write alerts and
	// pages.
	Runbook string
	// Dashboard is where a person looks at this objective's graphs: an
	// absolute http or https URL, such as
	// "https://grafana.example.com/d/checkout". Empty means none. The
	// registry only carries it, for the pages that link it.
	Dashboard string
	// Labels are extra labels for the rules and alerts generated from this
	// objective, such as {"team": "payments"}, for routing. Names follow
	// Prometheus's rules (letters, digits and '_', not starting with a
	// digit or "__") and may not be one the generated rules set themselves
	// (journey, objective, window, severity, rule, outcome, target...);
	// values are not empty. Nil means none. The
	// registry keeps its own copy.
	Labels map[string]string
	// Slices, when set, makes the objective count time slices instead of
	// events: Target is then the share of good slices, or the mean of the
	// slices' shares of good events. See [Slices]. Nil counts events.
	Slices *Slices

	// The fields below are read only by the fleet's rules (slo/slorules) and
	// their readers; the registry carries them.

	// Source, when set, is where the fleet's rules read the objective's
	// events: counters the services already export, instead of
	// journeyslo's own. Nil means journeyslo's counters. See [Source].
	Source *Source
	// GroupBy judges the objective once per value of these labels of its
	// counters across the fleet, such as ["cluster"]: every recorded ratio
	// and alert keeps them, so one definition pages once per cluster. Nil
	// means one judgement for the whole fleet.
	GroupBy []string
	// NoData raises an alert when the objective's counters go missing. The
	// zero value raises none.
	NoData NoData
	// Alerting names and labels the objective's alerts. Nil keeps the
	// rules' own.
	Alerting *Alerting
}

// clone returns o with its own copies of its rules and labels, so that a
// reader may change what it is given.
func (o Objective) clone() Objective {
	o.Policy.Rules = slices.Clone(o.Policy.Rules)
	o.Labels = maps.Clone(o.Labels)
	o.Slices = cloneSlices(o.Slices)
	return o.cloneFleet()
}

// WithDefaults returns o with its zero fields filled in, as [New] and
// [Registry.Objectives] have it: the name, the period, the default policy
// and its low-traffic guard. It does not validate; see [Objective.Validate].
// Code that writes what the registry evaluates elsewhere (rule generators,
// configuration files) reads the defaulted objective, so that both sides
// read the same policy.
func (o Objective) WithDefaults() Objective { return o.withDefaults() }

// withDefaults returns o with its zero fields filled in.
func (o Objective) withDefaults() Objective {
	if o.Name == "" {
		o.Name = "availability"
		if o.Latency > 0 {
			o.Name = "latency"
		}
	}
	if o.Period == 0 {
		o.Period = DefaultPeriod
	}
	if len(o.Policy.Rules) == 0 {
		min := o.Policy.MinEvents
		o.Policy = burnrate.DefaultPolicy(o.Target, o.Period)
		switch {
		case min != 0:
			o.Policy.MinEvents = min
		case o.Source != nil && o.Source.ErrorRatio != "":
			// An error ratio carries no event counts: no guard by
			// default, so that the defaulted objective validates.
			o.Policy.MinEvents = 0
		}
	} else {
		// Name every rule, on a copy: the caller's slice is theirs.
		rules := make([]burnrate.Rule, len(o.Policy.Rules))
		for i, r := range o.Policy.Rules {
			r.Name = r.String()
			rules[i] = r
		}
		o.Policy.Rules = rules
	}
	// The caller's maps are theirs too.
	o.Labels = maps.Clone(o.Labels)
	o.Slices = cloneSlices(o.Slices)
	return o.cloneFleet()
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Validate reports every reason the objective cannot work, after filling in
// defaults, each naming the field, the value and what would be right. The
// errors wrap [ErrInvalid], and [burnrate.ErrInvalid] for the target and
// policy.
func (o Objective) Validate() error {
	o = o.withDefaults()
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...)))
	}
	switch {
	case o.Journey == "":
		bad("Journey is empty; name the user journey, such as checkout")
	case o.Journey == Unmatched:
		bad("Journey %q is where undeclared journeys go; choose another name", Unmatched)
	case !namePattern.MatchString(o.Journey):
		bad("Journey %q is not a name: use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", o.Journey)
	}
	if !namePattern.MatchString(o.Name) {
		bad("Name %q is not a name: use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", o.Name)
	}
	if o.Latency < 0 {
		bad("Latency %v is negative; use a positive threshold, or 0 for an availability objective", o.Latency)
	}
	if o.Runbook != "" {
		if u, err := url.Parse(o.Runbook); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("Runbook %q is not an absolute http or https URL; write it in full, such as https://runbooks.example.com/%s", o.Runbook, o.Journey)
		}
	}
	if o.Dashboard != "" && !absoluteHTTP(o.Dashboard) {
		bad("Dashboard %q is not an absolute http or https URL; write it in full, such as https://grafana.example.com/d/%s", o.Dashboard, o.Journey)
	}
	_, problems := promlabel.Check(o.Labels)
	for _, problem := range problems {
		bad("Labels: %s", problem)
	}
	o.validateFleet(bad, &errs)
	o.validateSlices(bad)
	if err := window.CheckWindow(o.Period); err != nil {
		bad("Period: %v", unwrapped(err, window.ErrInvalid))
	}
	if err := burnrate.ValidateTarget(o.Target); err != nil {
		errs = append(errs, invalid{err})
	} else if err := o.Policy.Validate(o.Target, o.Period); err != nil {
		// One reason per rule problem, each matching both sentinels, as
		// every other reason does.
		for _, e := range split(err) {
			errs = append(errs, invalid{e})
		}
	} else {
		for _, d := range o.Policy.Windows() {
			if err := window.CheckWindow(d); err != nil {
				bad("Policy: %v", unwrapped(err, window.ErrInvalid))
			}
		}
	}
	return errors.Join(errs...)
}

// invalid is an error of package burnrate that is also this package's
// ErrInvalid, with its text unchanged: errors.Is finds both sentinels.
type invalid struct{ err error }

func (e invalid) Error() string        { return e.err.Error() }
func (e invalid) Unwrap() error        { return e.err }
func (e invalid) Is(target error) bool { return target == ErrInvalid }

// split returns the errors that err joins, or err alone.
func split(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// unwrapped returns err's text without the prefix of the sentinel it wraps.
func unwrapped(err, sentinel error) string {
	s, _ := strings.CutPrefix(err.Error(), sentinel.Error()+": ")
	return s
}

// windows returns every window the objective reads: its policy's and its
// period.
func (o Objective) windows() []time.Duration {
	return append(o.Policy.Windows(), o.Period)
}

// label names the objective in errors by its ObjectiveKey, quoting the
// journey or the name when it is not a valid name (it may hold anything,
// newlines included).
func (o Objective) label() string {
	q := func(s string) string {
		if namePattern.MatchString(s) {
			return s
		}
		return strconv.Quote(s)
	}
	return ObjectiveKey(q(o.Journey), q(o.Name))
}

// absoluteHTTP reports whether s is an absolute http or https URL with a
// host: a link a page can offer wherever it is served.
func absoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

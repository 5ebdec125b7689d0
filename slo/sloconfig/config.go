package sloconfig

import (
	"maps"
	"slices"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// A Config is one service's objectives as a journeyslo file describes them:
// its journeys, each journey's objectives, the named policies objectives
// share, and the ServeMux patterns and gRPC methods that serve each
// journey. [Parse] and [Load] read it, [FromObjectives] builds it from a
// registry's objectives, and [Config.Marshal] writes it back.
//
// A Config is a plain value. The zero value has no journeys, so
// [Config.Validate] refuses it. Its methods only read it: they are safe for
// concurrent use as long as nobody changes the Config meanwhile.
type Config struct {
	// Service names the service the objectives are about, such as "shop".
	// Letters, digits, '.', '_' and '-'; required.
	Service string
	// Policies are the alert policies that objectives refer to by name,
	// such as "fast-burn". Nil means none.
	Policies map[string]Policy
	// Journeys are the service's critical user journeys, in the order the
	// registry declares them.
	Journeys []Journey
	// Exclusions are the service's planned exclusions, maintenance windows
	// during which the events of their journeys count neither good nor
	// bad (see slo.Exclusion). Give them to the registry with
	// slo.WithExclusions(c.Exclusions...). Nil means none.
	Exclusions []slo.Exclusion

	// file names the file the config was parsed from, and pos the place of
	// each of its nodes, keyed by path ("journeys[0].objectives[1].target"),
	// so that Validate reports where a problem is written. Both are empty
	// for a Config built in Go.
	file string
	pos  map[string]position
}

// A Journey is one critical user journey of the service: its objectives,
// and the requests that serve it. It is a plain value; the zero value has
// no name and no objectives, which Validate refuses.
type Journey struct {
	// Name is the journey's name, such as "checkout", as slo.Objective's
	// Journey. Required.
	Name string
	// Patterns are the net/http ServeMux patterns whose requests serve the
	// journey, written exactly as registered with the mux, such as
	// "POST /cart/checkout". See [Config.Patterns].
	Patterns []string
	// Methods are the gRPC full method names whose calls serve the
	// journey, such as "/shop.v1.Checkout/Pay". See [Config.Methods].
	Methods []string
	// Objectives are the journey's objectives; at least one.
	Objectives []Objective
}

// An Objective is one objective of a journey, as a file writes it. It
// becomes an [slo.Objective] (see [Config.Objectives]); each field says how.
// It is a plain value; the zero value has no target, which Validate
// refuses. Its shape differs from slo.Objective's JSON, which stands alone:
// here the journey is the enclosing [Journey], and a policy is named or
// its rules inline.
type Objective struct {
	// Name is slo.Objective's Name: empty means "availability", or
	// "latency" when Latency is set.
	Name string
	// Target is the share of events that must be good, a fraction between
	// 0 and 1 (0.999). A file may also write it as a percent string
	// ("99.9%").
	Target float64
	// Period is the rolling period; zero means slo.DefaultPeriod, 30 days.
	// A file writes it as "30d", "4w" or "28d" (see burnrate.ParseWindow).
	Period time.Duration
	// Latency, when positive, makes this a latency objective with this
	// threshold ("300ms" in a file); zero makes it an availability one.
	Latency time.Duration
	// Policy names an entry of Config.Policies whose rules the objective
	// uses. Empty means Rules, or the SRE Workbook's default policy for the
	// objective's target and period when Rules is empty too. An objective
	// gives Policy or Rules, not both.
	Policy string
	// Rules are the objective's own alert rules, written inline.
	Rules []burnrate.Rule
	// MinEvents is the low-traffic guard: the events a rule's long window
	// must hold for the rule to fire; 0 turns it off. Nil means the named
	// policy's MinEvents, or burnrate.MinEvents(Target) (1000 at 99.9%).
	MinEvents *uint64
	// Runbook is slo.Objective's Runbook: an absolute http or https URL, or
	// empty.
	Runbook string
	// Dashboard is slo.Objective's Dashboard: an absolute http or https
	// URL, or empty.
	Dashboard string
	// Labels are slo.Objective's Labels: extra labels for generated rules
	// and alerts. Nil means none.
	Labels map[string]string
	// Slices is slo.Objective's Slices: the objective counts time slices
	// (a file writes slices: {method: Timeslices, window: 1m, target:
	// 0.95}). Nil counts events.
	Slices *slo.Slices
	// Calendar is slo.Objective's Calendar: a calendar week, month or
	// quarter in a zone, written as
	//
	//	calendar: {unit: month, start: "2026-01-01 00:00:00", timeZone: Europe/Paris}
	//
	// Nil means a rolling Period.
	Calendar *slo.Calendar
	// Composite is slo.Objective's Composite: the objective of the whole
	// its journey names, made from other objectives of the config, each
	// weighted, written as
	//
	//	composite: {components: [{journey: checkout, weight: 2}, {journey: search, objective: latency}]}
	//
	// Nil means an objective of the journey's own events.
	Composite *slo.Composite

	// The fields below are read by the fleet's rules (slo/slorules); see
	// slo.Objective's fields of the same names.

	// Source is where the rules read the objective's events when the
	// services count them in metrics of their own (source: {bad, total}
	// in a file). Nil means journeyslo's own counters.
	Source *slo.Source
	// GroupBy judges the objective once per value of these labels (groupBy:
	// [cluster] in a file). Nil means one judgement for the fleet.
	GroupBy []string
	// NoData raises an alert when the objective's counters go missing
	// (noData: {after: 10m, severity: ticket} in a file). The zero value
	// raises none.
	NoData slo.NoData
	// Alerting names and labels the objective's alerts (alerting: {name,
	// labels, annotations, page, ticket} in a file). Nil keeps the rules'
	// own.
	Alerting *slo.Alerting
}

// A Policy is a named set of alert rules that objectives share. It is a
// plain value; the zero value is the default policy with the default
// guard.
type Policy struct {
	// Rules are the policy's rules. Empty means the SRE Workbook's default
	// policy for each objective's target and period
	// (burnrate.DefaultPolicy), with this policy's MinEvents.
	Rules []burnrate.Rule
	// MinEvents is the low-traffic guard for the objectives that use the
	// policy and give none of their own; 0 turns it off. Nil means
	// burnrate.MinEvents of each objective's target.
	MinEvents *uint64
}

// Events returns a pointer to n, for Objective.MinEvents and
// Policy.MinEvents in literals.
func Events(n uint64) *uint64 { return &n }

// Objectives returns the config's objectives as the registry takes them,
// journey by journey and in the order written, ready for slo.New. Fields
// the file leaves out stay zero, for slo.New's defaults, except the policy:
// a named policy's rules are copied in; rules with no guard written get
// burnrate.MinEvents(Target), as the default policy would; and a guard that
// is written, or inherited from the named policy, is kept (with the
// default rules written out when the guard is turned off, since slo reads a
// zero MinEvents with no rules as its default guard). An objective naming a
// policy the config lacks gets the default policy; [Config.Validate]
// reports it. The slices and maps returned are new.
func (c *Config) Objectives() []slo.Objective {
	var out []slo.Objective
	for _, j := range c.Journeys {
		for _, o := range j.Objectives {
			out = append(out, c.objective(j.Name, o))
		}
	}
	return out
}

// objective converts one objective of journey.
func (c *Config) objective(journey string, o Objective) slo.Objective {
	so := slo.Objective{
		Name:      o.Name,
		Journey:   journey,
		Target:    o.Target,
		Period:    o.Period,
		Latency:   o.Latency,
		Runbook:   o.Runbook,
		Dashboard: o.Dashboard,
		Labels:    maps.Clone(o.Labels),
		Slices:    cloneSlices(o.Slices),
		Calendar:  cloneCalendar(o.Calendar),
		Composite: cloneComposite(o.Composite),
	}
	so.Source, so.GroupBy, so.NoData, so.Alerting = cloneFleet(o.Source, o.GroupBy, o.NoData, o.Alerting)
	rules, min := o.Rules, o.MinEvents
	if o.Policy != "" {
		p := c.Policies[o.Policy]
		rules = p.Rules
		if min == nil {
			min = p.MinEvents
		}
	}
	so.Policy.Rules = slices.Clone(rules)
	switch {
	case min == nil && len(rules) > 0 && o.Source != nil && o.Source.ErrorRatio != "":
		// An error ratio carries no event counts to guard.
	case min == nil && len(rules) > 0:
		so.Policy.MinEvents = burnrate.MinEvents(o.Target)
	case min == nil:
		// slo's default guard.
	case *min == 0 && len(rules) == 0:
		so.Policy = burnrate.DefaultPolicy(o.Target, so.WithDefaults().Period)
		so.Policy.MinEvents = 0
	default:
		so.Policy.MinEvents = *min
	}
	return so
}

// Patterns returns the map from ServeMux pattern to journey that the
// config's journeys declare, for slohttp.WithPatterns. It is a new map;
// nil when no journey declares a pattern.
func (c *Config) Patterns() map[string]string {
	return c.routes(func(j Journey) []string { return j.Patterns })
}

// Methods returns the map from gRPC full method name to journey that the
// config's journeys declare, for slogrpc.WithMethods. It is a new map; nil
// when no journey declares a method.
func (c *Config) Methods() map[string]string {
	return c.routes(func(j Journey) []string { return j.Methods })
}

func (c *Config) routes(of func(Journey) []string) map[string]string {
	var m map[string]string
	for _, j := range c.Journeys {
		for _, k := range of(j) {
			if m == nil {
				m = map[string]string{}
			}
			m[k] = j.Name
		}
	}
	return m
}

// FromObjectives returns the config of a service with the given
// objectives, grouped by journey in the order each journey first appears;
// patterns and methods map requests to journeys as [Config.Patterns] and
// [Config.Methods] return them (nil for none). Every objective keeps its
// rules inline and its guard written out when it has rules, so that
// Objectives gives the same objectives back. Given the objectives as
// written for slo.New, the file leaves their defaults out; given a
// registry's Objectives(), whose defaults are filled in, it spells them
// out. The config shares no slice or map with its arguments.
func FromObjectives(service string, objs []slo.Objective, patterns, methods map[string]string) *Config {
	c := &Config{Service: service}
	index := map[string]int{}
	journey := func(name string) *Journey {
		i, ok := index[name]
		if !ok {
			i = len(c.Journeys)
			index[name] = i
			c.Journeys = append(c.Journeys, Journey{Name: name})
		}
		return &c.Journeys[i]
	}
	for _, o := range objs {
		j := journey(o.Journey)
		co := Objective{
			Name:      o.Name,
			Target:    o.Target,
			Period:    o.Period,
			Latency:   o.Latency,
			Rules:     slices.Clone(o.Policy.Rules),
			Runbook:   o.Runbook,
			Dashboard: o.Dashboard,
			Labels:    maps.Clone(o.Labels),
			Slices:    cloneSlices(o.Slices),
			Calendar:  cloneCalendar(o.Calendar),
			Composite: cloneComposite(o.Composite),
		}
		co.Source, co.GroupBy, co.NoData, co.Alerting = cloneFleet(o.Source, o.GroupBy, o.NoData, o.Alerting)
		if len(co.Rules) > 0 || o.Policy.MinEvents != 0 {
			co.MinEvents = Events(o.Policy.MinEvents)
		}
		j.Objectives = append(j.Objectives, co)
	}
	for _, route := range []struct {
		m   map[string]string
		add func(*Journey, string)
	}{
		{patterns, func(j *Journey, p string) { j.Patterns = append(j.Patterns, p) }},
		{methods, func(j *Journey, m string) { j.Methods = append(j.Methods, m) }},
	} {
		for _, k := range slices.Sorted(maps.Keys(route.m)) {
			route.add(journey(route.m[k]), k)
		}
	}
	return c
}

// cloneCalendar returns a copy of c, or nil.
func cloneCalendar(c *slo.Calendar) *slo.Calendar {
	if c == nil {
		return nil
	}
	v := *c
	return &v
}

// cloneComposite returns a copy of c, or nil.
func cloneComposite(c *slo.Composite) *slo.Composite {
	if c == nil {
		return nil
	}
	return &slo.Composite{Components: slices.Clone(c.Components)}
}

// cloneFleet returns copies of the fleet's fields of an objective, sharing
// no pointer, slice or map with them.
func cloneFleet(src *slo.Source, groupBy []string, noData slo.NoData, alerting *slo.Alerting) (*slo.Source, []string, slo.NoData, *slo.Alerting) {
	if src != nil {
		s := *src
		src = &s
	}
	if alerting != nil {
		a := *alerting
		a.Labels, a.Annotations = maps.Clone(a.Labels), maps.Clone(a.Annotations)
		a.Page.Labels, a.Page.Annotations = maps.Clone(a.Page.Labels), maps.Clone(a.Page.Annotations)
		a.Ticket.Labels, a.Ticket.Annotations = maps.Clone(a.Ticket.Labels), maps.Clone(a.Ticket.Annotations)
		alerting = &a
	}
	return src, slices.Clone(groupBy), noData, alerting
}

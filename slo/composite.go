package slo

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/window"
)

// A Composite makes an objective of a whole (a service, such as "shop")
// from objectives of its journeys, each weighted (OpenSLO's
// compositeWeight): the composite's good and bad events are the weighted
// sums of its components' events, over every window. It has its own
// target, period, policy, budget, burn rates and alerts, so that a team
// pages on the shop as well as on checkout.
//
// The composite's Journey names the whole; it records no events of its
// own ([Registry.Journey] does not resolve it) and its Latency is zero:
// each component judges its events by its own threshold, and the
// composite weighs the verdicts. The registry counts a composite from its
// components' events as it moves them into their windows at every
// advance, so that recording costs nothing more; a composite of
// composites is refused.
//
// Weights are positive numbers of up to six decimals (0.5, 2, 1.25); the
// windows count a composite's events in units of the largest power of ten
// that makes every weight whole, so that its sums are exact.
//
// A Composite is a plain value; one without components is refused.
type Composite struct {
	// Components are the objectives weighed into the composite, each
	// declared in the same registry.
	Components []Component
}

// A Component is one objective of a [Composite] and its weight.
type Component struct {
	// Journey and Objective name the component: its Journey and Name.
	// An empty Objective means "availability".
	Journey, Objective string
	// Weight is how many of the composite's events each of the
	// component's events makes: positive, up to six decimals. Zero means
	// 1.
	Weight float64
}

// weight returns c's weight, 1 when zero.
func (c Component) weight() float64 {
	if c.Weight == 0 {
		return 1
	}
	return c.Weight
}

// name returns c's objective name, "availability" when empty.
func (c Component) name() string {
	if c.Objective == "" {
		return "availability"
	}
	return c.Objective
}

// maxWeightDecimals is how many decimals a weight may have.
const maxWeightDecimals = 6

// decimals returns how many decimals w has as the shortest decimal that
// reads back as w.
func decimals(w float64) int {
	s := strconv.FormatFloat(w, 'f', -1, 64)
	_, frac, _ := strings.Cut(s, ".")
	return len(frac)
}

// scale returns the units per event of the composite's windows: the
// smallest power of ten that makes every weight whole.
func (c Composite) scale() float64 {
	d := 0
	for _, k := range c.Components {
		d = max(d, decimals(k.weight()))
	}
	return math.Pow10(min(d, maxWeightDecimals))
}

// validateComposite reports what makes o's composite invalid on its own;
// New checks its components against the registry's objectives.
func (o Objective) validateComposite(bad func(string, ...any)) {
	c := o.Composite
	if c == nil {
		return
	}
	if len(c.Components) == 0 {
		bad("Composite has no components; list the objectives it weighs, such as {Journey: \"checkout\", Weight: 2}")
	}
	if o.Latency != 0 {
		bad("Latency %v on a composite; leave it zero: each component judges latency by its own threshold", o.Latency)
	}
	if o.Source != nil && !o.Source.IsZero() {
		bad("Source on a composite; a composite counts its components' events, not counters of its own")
	}
	if len(o.GroupBy) > 0 {
		bad("GroupBy %v on a composite; a composite judges the whole of its components' events: group the components instead", o.GroupBy)
	}
	seen := map[string]int{}
	for i, k := range c.Components {
		w := k.weight()
		switch {
		case !(w > 0) || math.IsInf(w, 0):
			bad("Composite component %d (%s): Weight %v is not a positive number; use a weight such as 1 or 0.5", i, ObjectiveKey(k.Journey, k.name()), k.Weight)
		case decimals(w) > maxWeightDecimals:
			bad("Composite component %d (%s): Weight %v has more than %d decimals; round it, such as %s", i, ObjectiveKey(k.Journey, k.name()), k.Weight, maxWeightDecimals, strconv.FormatFloat(w, 'f', maxWeightDecimals, 64))
		case w*1e6 > 1e12:
			bad("Composite component %d (%s): Weight %v is above a million; weights are relative: divide them all by the same number", i, ObjectiveKey(k.Journey, k.name()), k.Weight)
		}
		key := ObjectiveKey(k.Journey, k.name())
		if j, dup := seen[key]; dup {
			bad("Composite component %d (%s) is component %d again; list each objective once, with its weight", i, key, j)
		}
		seen[key] = i
	}
}

// cloneComposite gives o its own copy of its composite.
func (o Objective) cloneComposite() Objective {
	if o.Composite != nil {
		c := Composite{Components: append([]Component(nil), o.Composite.Components...)}
		o.Composite = &c
	}
	return o
}

// checkComposites reports the composites whose components are not
// objectives of objs, or are composites themselves; objs have their
// defaults.
func checkComposites(objs []Objective) []error {
	index := map[string]int{}
	for i, o := range objs {
		index[ObjectiveKey(o.Journey, o.Name)] = i
	}
	journeys := map[string]bool{}
	for _, o := range objs {
		if o.Composite == nil {
			journeys[o.Journey] = true
		}
	}
	var errs []error
	for i, o := range objs {
		if o.Composite == nil {
			continue
		}
		if journeys[o.Journey] {
			errs = append(errs, fmt.Errorf("objective %d (%s): %w: a composite's Journey names the whole it judges, and %q is a journey that records events; name the whole, such as the service", i, o.label(), ErrInvalid, o.Journey))
		}
		for n, k := range o.Composite.Components {
			key := ObjectiveKey(k.Journey, k.name())
			j, ok := index[key]
			switch {
			case !ok:
				errs = append(errs, fmt.Errorf("objective %d (%s): %w: Composite component %d names %s, which is not declared; declare it, or name one of the registry's objectives", i, o.label(), ErrInvalid, n, key))
			case objs[j].Composite != nil:
				errs = append(errs, fmt.Errorf("objective %d (%s): %w: Composite component %d (%s) is a composite itself; list its components instead", i, o.label(), ErrInvalid, n, key))
			}
		}
	}
	return errs
}

// feed is a composite's share of a component's events: the drain adds
// the component's events, times units, to the composite's series.
type feed struct {
	series *window.Series
	units  uint64 // the weight in the composite's units
}

// scaled reads a series in what its objective counts: a composite's
// windows in events (its series counts weighted units), a RatioTimeslices
// series in slices (its sums are shares in millionths).
type scaled struct {
	src  burnrate.Source
	unit float64 // units per event
}

func (s scaled) Sum(d time.Duration) (good, bad float64) {
	g, b := s.src.Sum(d)
	return g / s.unit, b / s.unit
}

// source returns what o's policy is evaluated over: its judged slices, or
// its series in events.
func (o *objective) source() burnrate.Source {
	if o.slices != nil {
		return o.slices.src
	}
	if o.unit == 1 {
		return o.series
	}
	return scaled{o.series, o.unit}
}

// feedComposites points every component's target at the series of the
// composites that weigh it. New calls it once the targets move no more.
func (r *Registry) feedComposites() {
	for _, c := range r.objs {
		if c.Composite == nil {
			continue
		}
		for _, k := range c.Composite.Components {
			comp, _ := r.Tracker(k.Journey, k.name()) // checked by New
			units := uint64(math.Round(k.weight() * c.unit))
			comp.target.feeds = append(comp.target.feeds, feed{series: c.series, units: units})
		}
	}
}

// totals returns the events o's series has counted, in events.
func (o *objective) totals() (good, bad uint64) {
	g, b := o.series.Total()
	if o.unit == 1 {
		return g, b
	}
	return roundCount(float64(g) / o.unit), roundCount(float64(b) / o.unit)
}

// compositeShape is a composite in files:
//
//	composite: {components: [{journey: checkout, weight: 2}, {journey: search, objective: latency}]}
type compositeShape struct {
	Components []componentShape `json:"components" yaml:"components"`
}

type componentShape struct {
	Journey   string  `json:"journey" yaml:"journey"`
	Objective string  `json:"objective,omitempty" yaml:"objective,omitempty"`
	Weight    float64 `json:"weight,omitempty" yaml:"weight,omitempty"`
}

func (o Objective) compositeShape() *compositeShape {
	if o.Composite == nil {
		return nil
	}
	s := &compositeShape{Components: []componentShape{}}
	for _, k := range o.Composite.Components {
		s.Components = append(s.Components, componentShape{Journey: k.Journey, Objective: k.Objective, Weight: k.Weight})
	}
	return s
}

func (s compositeShape) composite() *Composite {
	c := &Composite{}
	for _, k := range s.Components {
		c.Components = append(c.Components, Component{Journey: k.Journey, Objective: k.Objective, Weight: k.Weight})
	}
	return c
}

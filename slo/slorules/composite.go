package slorules

import (
	"strconv"
	"strings"

	"github.com/journeyslo/journeyslo/slo"
)

// part is one component of a composite objective: the matchers of its
// counters and its weight, as the rules write them.
type part struct {
	counter string // in braces
	weight  string
}

// parts returns the components of o's composite, nil when o is none; sel
// are the selector's matchers.
func (c *config) parts(o slo.Objective, sel []string) []part {
	if o.Composite == nil {
		return nil
	}
	var out []part
	for _, k := range o.Composite.Components {
		name := k.Objective
		if name == "" {
			name = "availability"
		}
		w := k.Weight
		if w == 0 {
			w = 1
		}
		ms := append([]string{matcher{labelJourney, "=", k.Journey}.String(), matcher{labelObjective, "=", name}.String()}, sel...)
		out = append(out, part{counter: "{" + strings.Join(ms, ",") + "}", weight: strconv.FormatFloat(w, 'f', -1, 64)})
	}
	return out
}

// eventsExpr returns the expression of the objective's events over window
// w, by outcome: the increase of its counters, or for a composite the
// weighted sum of its components' increases, each summed apart (told
// apart by journey and objective, so that "or" keeps them all) and then
// together by outcome. The composite reads its components' counters rather
// than what their rules record: its windows need not be theirs.
func (r *objectiveRules) eventsExpr(w string) string {
	if r.parts == nil {
		return "sum by (journey, objective, outcome) (increase(" + Counter + r.counter + "[" + w + "]))"
	}
	terms := make([]string, len(r.parts))
	for i, p := range r.parts {
		terms[i] = "  " + p.weight + " * sum by (journey, objective, outcome) (increase(" + Counter + p.counter + "[" + w + "]))"
	}
	return "sum by (outcome) (\n" + strings.Join(terms, "\nor\n") + "\n)"
}

// Package promlabel holds what journeyslo accepts as extra Prometheus labels
// (an objective's Labels, slorules.WithLabels, slofleet.WithLabels): the
// syntax of a label, and the names that the generated rules, alerts and
// exported series set themselves.
package promlabel

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// reserved is an array so that no caller can change it; ascending.
var reserved = [...]string{
	"alertname", "error_budget", "factor", "journey", "latency", "long_window", "min_events", "objective",
	"outcome", "period", "rule", "severity", "short_window", "target", "window",
}

// Reserved returns the reserved label names, ascending, in a new slice.
func Reserved() []string { return slices.Clone(reserved[:]) }

// IsReserved reports whether name is a reserved label name.
func IsReserved(name string) bool {
	_, found := slices.BinarySearch(reserved[:], name)
	return found
}

// namePattern is Prometheus's label name syntax.
var namePattern = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// Valid reports whether name is a label name a user may write: Prometheus's
// syntax, without the "__" that Prometheus keeps for itself.
func Valid(name string) bool { return namePattern.MatchString(name) && !strings.HasPrefix(name, "__") }

// Check splits labels into those usable as extra labels and a message for
// each of the others, in the order of their names, saying what is wrong
// and what would be right. valid is nil when none is.
func Check(labels map[string]string) (valid map[string]string, problems []string) {
	for _, name := range slices.Sorted(maps.Keys(labels)) {
		value := labels[name]
		switch {
		case !Valid(name):
			problems = append(problems, fmt.Sprintf("%.40q is not a label name; use letters, digits and '_', not starting with a digit or \"__\"", name))
		case IsReserved(name):
			problems = append(problems, fmt.Sprintf("%q is a label the generated rules set themselves; choose another name, such as team or cluster", name))
		case value == "":
			problems = append(problems, fmt.Sprintf("label %q has an empty value, which Prometheus would drop; give it a value or leave it out", name))
		case !utf8.ValidString(value):
			problems = append(problems, fmt.Sprintf("label %q has a value %.40q that is not UTF-8; Prometheus label values are UTF-8 text", name, value))
		default:
			if valid == nil {
				valid = map[string]string{}
			}
			valid[name] = value
		}
	}
	return valid, problems
}

// Add adds the usable labels of labels to into (a new map when into is
// nil) and returns it, calling bad with a message for each of the others,
// as Check gives them.
func Add(into map[string]string, labels map[string]string, bad func(problem string)) map[string]string {
	valid, problems := Check(labels)
	for _, p := range problems {
		bad(p)
	}
	if len(valid) > 0 && into == nil {
		into = make(map[string]string, len(valid))
	}
	maps.Copy(into, valid)
	return into
}

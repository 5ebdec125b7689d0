// Package reserved holds the label names that journeyslo's generated rules,
// alerts and exported series set themselves, which an objective's own
// labels and a rule generator's extra labels may therefore not use.
package reserved

import "slices"

// labels is an array so that no caller can change it; ascending.
var labels = [...]string{
	"alertname", "error_budget", "factor", "journey", "latency", "long_window", "min_events", "objective",
	"outcome", "period", "rule", "severity", "short_window", "target", "window",
}

// Labels returns the reserved label names, ascending, in a new slice.
func Labels() []string { return slices.Clone(labels[:]) }

// Label reports whether name is a reserved label name.
func Label(name string) bool {
	_, found := slices.BinarySearch(labels[:], name)
	return found
}

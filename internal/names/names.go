// Package names writes the small enumerations of the packages built on slo
// (budget states, outcomes, rule-file flavours) as their names and reads
// them back, each from one table of names indexed by value.
package names

import "strconv"

// Of returns table[v], or "typ(v)" for a value beyond the table.
func Of[T ~uint8](table []string, typ string, v T) string {
	if int(v) < len(table) {
		return table[v]
	}
	return typ + "(" + strconv.Itoa(int(v)) + ")"
}

// Value returns the value whose name is name, and whether there is one.
func Value[T ~uint8](table []string, name string) (T, bool) {
	for i, n := range table {
		if n == name {
			return T(i), true
		}
	}
	return 0, false
}

// Known reports whether v has a name in table.
func Known[T ~uint8](table []string, v T) bool { return int(v) < len(table) }

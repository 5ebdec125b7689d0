package slostatus

import (
	"math"
	"strconv"
	"strings"
)

// formatRate writes a burn rate to three significant digits at most, and
// never in exponent form: 0.42, 6.5, 14.4, 250, 1000.
func formatRate(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	var s string
	switch a := max(x, -x); {
	case a >= 100:
		s = strconv.FormatFloat(x, 'f', 0, 64)
	case a >= 10:
		s = strconv.FormatFloat(x, 'f', 1, 64)
	default:
		s = strconv.FormatFloat(x, 'f', 2, 64)
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// formatFactor writes a rule's factor to four significant digits at most,
// and never in exponent form: 14.4, 6, 0.9333, 100000.
func formatFactor(x float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 4, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// percent writes a fraction as a percentage with the given decimals:
// "48.1%", "-21.0%".
func percent(x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	s := strconv.FormatFloat(x*100, 'f', decimals, 64)
	if strings.TrimLeft(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-") // no "-0.0%"
	}
	return s + "%"
}

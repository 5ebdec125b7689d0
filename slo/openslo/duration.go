package openslo

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// shorthandPattern is OpenSLO v1's duration shorthand: a positive integer
// and one case-sensitive unit (m minutes, M months).
var shorthandPattern = regexp.MustCompile(`^([1-9][0-9]*)([mhdwMQY])$`)

// shorthandUnits are the units with a fixed length, largest first: the ones
// a rolling window of journeyslo can be written in.
var shorthandUnits = []struct {
	unit string
	d    time.Duration
}{
	{"w", 7 * 24 * time.Hour},
	{"d", 24 * time.Hour},
	{"h", time.Hour},
	{"m", time.Minute},
}

// parseShorthand reads a duration shorthand. Months, quarters and years have
// no fixed length (a calendar month is 28 to 31 days), and journeyslo's
// windows are fixed durations, so M, Q and Y are refused with the fixed
// form to write instead.
func parseShorthand(s string) (time.Duration, error) {
	m := shorthandPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not an OpenSLO duration: write a positive whole number and one unit of m, h, d or w, such as 5m, 1h, 30d or 4w", s)
	}
	switch m[2] {
	case "M", "Q", "Y":
		names := map[string]string{"M": "months", "Q": "quarters", "Y": "years"}
		return 0, fmt.Errorf("%q counts %s, which have no fixed length, and journeyslo's windows are fixed durations: write days or weeks, such as 30d, 4w, 90d or 365d", s, names[m[2]])
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	for _, u := range shorthandUnits {
		if u.unit != m[2] {
			continue
		}
		if err != nil || n > int64(maxDuration/u.d) {
			return 0, fmt.Errorf("%q is longer than any window journeyslo keeps", s)
		}
		return time.Duration(n) * u.d, nil
	}
	panic("unreachable: the pattern admits only the units above")
}

const maxDuration = time.Duration(1<<63 - 1)

// formatShorthand writes d in the largest unit that divides it exactly; ok
// is false when d is not a positive whole number of minutes, which OpenSLO
// cannot write.
func formatShorthand(d time.Duration) (s string, ok bool) {
	if d <= 0 || d%time.Minute != 0 {
		return "", false
	}
	for _, u := range shorthandUnits {
		if d%u.d == 0 {
			return strconv.FormatInt(int64(d/u.d), 10) + u.unit, true
		}
	}
	panic("unreachable: a whole number of minutes divides by a minute")
}

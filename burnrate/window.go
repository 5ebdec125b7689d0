package burnrate

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseWindow reads a window or a threshold written the way [FormatWindow]
// writes it, and the way SLO files write periods: a sequence of whole or
// decimal numbers, each with a unit, largest first by custom ("30d", "4w",
// "1h30m", "5m", "300ms", "1.5s"). The units are w (7 days), d (24 hours),
// h, m, s, ms, us (or µs) and ns; weeks and days take whole numbers only.
// Units are case-sensitive: "1M" (a calendar month in OpenSLO) has no
// fixed length and is refused with a hint.
//
// For every positive d, ParseWindow(FormatWindow(d)) is d. Zero, negative
// and signed values are refused: a window is positive, and a field that may
// be zero is left out instead. Errors wrap [ErrInvalid] and name the text.
func ParseWindow(s string) (time.Duration, error) {
	bad := func(why string) (time.Duration, error) {
		return 0, fmt.Errorf("%w window %q: %s", ErrInvalid, s, why)
	}
	if s == "" {
		return bad("empty; write a number and a unit, such as 30d, 1h or 5m")
	}
	var total time.Duration
	for rest := s; rest != ""; {
		// A number: digits with at most one '.'.
		n := 0
		for n < len(rest) && (rest[n] >= '0' && rest[n] <= '9' || rest[n] == '.') {
			n++
		}
		if n == 0 {
			if rest[0] == '-' || rest[0] == '+' {
				return bad("a window is positive and unsigned; write it as 30d, 1h or 5m")
			}
			return bad(fmt.Sprintf("%q does not start with a number; write a number and a unit, such as 30d, 1h or 5m", rest))
		}
		number := rest[:n]
		u := n
		for u < len(rest) && !(rest[u] >= '0' && rest[u] <= '9' || rest[u] == '.') {
			u++
		}
		unit := rest[n:u]
		rest = rest[u:]
		var d time.Duration
		switch unit {
		case "w", "d":
			whole, err := strconv.ParseUint(number, 10, 63)
			if err != nil {
				if strings.Contains(number, ".") {
					return bad(fmt.Sprintf("%s%s: weeks and days take whole numbers; write hours for the fraction, such as 1d12h", number, unit))
				}
				return bad(fmt.Sprintf("%s%s is too long; the longest window is %v", number, unit, FormatWindow(longest)))
			}
			per := 24 * time.Hour
			if unit == "w" {
				per *= 7
			}
			if whole > uint64(math.MaxInt64/per) {
				return bad(fmt.Sprintf("%s%s is too long; the longest window is %v", number, unit, FormatWindow(longest)))
			}
			d = time.Duration(whole) * per
		case "h", "m", "s", "ms", "us", "µs", "μs", "ns":
			var err error
			if d, err = time.ParseDuration(number + unit); err != nil {
				if strings.Count(number, ".") > 1 || strings.HasPrefix(number, ".") || strings.HasSuffix(number, ".") {
					return bad(fmt.Sprintf("%q is not a number", number))
				}
				return bad(fmt.Sprintf("%s%s is too long; the longest window is %v", number, unit, FormatWindow(longest)))
			}
		case "":
			return bad(fmt.Sprintf("%s has no unit; write it with one of w, d, h, m, s, ms, us, ns, such as %sm", number, number))
		case "M":
			return bad("M is a calendar month, which has no fixed length; journeyslo windows are rolling: write 30d or 4w")
		case "Q", "Y":
			return bad(unit + " is a calendar quarter or year, which has no fixed length; journeyslo windows are rolling: write days, such as 90d")
		default:
			if l := strings.ToLower(unit); l != unit && strings.Contains("w d h m s ms us ns", l) {
				return bad(fmt.Sprintf("units are lowercase: write %s%s", number, l))
			}
			return bad(fmt.Sprintf("%q is not a unit; use w, d, h, m, s, ms, us or ns", unit))
		}
		if d > math.MaxInt64-total {
			return bad(fmt.Sprintf("the window is too long; the longest is %v", FormatWindow(longest)))
		}
		total += d
	}
	if total <= 0 {
		return bad("a window is positive; leave the field out instead of writing zero")
	}
	return total, nil
}

// longest is the longest window ParseWindow reads, to the second, for its
// messages: about 292 years.
const longest = math.MaxInt64 / time.Second * time.Second

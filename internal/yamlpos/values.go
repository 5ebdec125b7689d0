package yamlpos

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/burnrate"
)

// The values the files write, read once for every file: numbers, shares
// (0.2 or 20%), targets (0.999 or 99.9%) and windows (30m, 2h, 120d). Each
// reader says what is wrong and what would be right at the value's place,
// and returns false then.

// Number reads a finite number: no NaN, no infinity, no hexadecimal.
// want says what to write, such as "the mean events a second, such as
// 16.7".
func (w *Walker) Number(n *yaml.Node, path, want string) (float64, bool) {
	s, ok := w.Scalar(n, path, want, false)
	if !ok {
		return 0, false
	}
	return w.NumberText(n, path, s, want)
}

// NumberText reads s, the text of node n or a part of it (the 1000 of
// 1000/m), as Number reads a node.
func (w *Walker) NumberText(n *yaml.Node, path, s, want string) (float64, bool) {
	f, ok := number(s)
	if !ok {
		w.Badf(n, path, "%s: %s is not a number; write %s", Label(path), Quote(s), want)
	}
	return f, ok
}

// number reads s as a finite number in decimal.
func number(s string) (float64, bool) {
	t := strings.TrimSpace(s)
	f, err := strconv.ParseFloat(t, 64)
	return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) && !strings.ContainsAny(t, "xXpPnNiI_")
}

// Share reads a share written as a fraction (0.2) or a percent ("20%"),
// and returns it as a fraction and whether it was a percent. example and
// examplePct show one of each in messages. A percent is divided as the
// decimal it is written in: 0.05% is exactly the float of 0.0005.
func (w *Walker) Share(n *yaml.Node, path, example, examplePct string) (f float64, percent, ok bool) {
	return w.share(n, path, fmt.Sprintf("a share such as %s, or a percent such as %s", example, examplePct))
}

// share is Share saying want, what to write, in messages.
func (w *Walker) share(n *yaml.Node, path, want string) (f float64, percent, ok bool) {
	s, ok := w.Scalar(n, path, want, false)
	if !ok {
		return 0, false, false
	}
	pct, percent := strings.CutSuffix(strings.TrimSpace(s), "%")
	if f, ok = number(pct); !ok {
		w.Badf(n, path, "%s: %s is not a number; write %s", Label(path), Quote(s), want)
		return 0, false, false
	}
	if percent {
		f, _ = strconv.ParseFloat(strings.TrimSpace(pct)+"e-2", 64)
	}
	return f, percent, true
}

// Fraction reads a share from 0 to 1, or from 0% to 100%.
func (w *Walker) Fraction(n *yaml.Node, path, example, examplePct string) (float64, bool) {
	f, percent, ok := w.Share(n, path, example, examplePct)
	if ok && (f < 0 || f > 1) {
		hint := ""
		if !percent && f > 1 && f <= 100 {
			hint = fmt.Sprintf(" (for %v percent, write %v%%)", f, f)
		}
		w.Badf(n, path, "%s: %s is outside 0 to 1%s; write a share such as %s, or a percent such as %s", Label(path), Quote(n.Value), hint, example, examplePct)
		return 0, false
	}
	return f, ok
}

// Target reads an objective's target: a ratio (0.999) or a percent
// ("99.9%"), which burnrate.ValidateTarget accepts.
func (w *Walker) Target(n *yaml.Node, path string) (float64, bool) {
	f, percent, ok := w.share(n, path, "a ratio such as 0.999, or a percent such as 99.9%")
	switch {
	case !ok:
	case percent && f >= 1:
		w.Badf(n, path, "%s: %s leaves no error budget; use a percent below 100%%, such as 99.9%%", Label(path), Quote(n.Value))
	case percent && f <= 0:
		w.Badf(n, path, "%s: %s is not above 0%%; use a percent such as 99.9%%", Label(path), Quote(n.Value))
	default:
		if err := burnrate.ValidateTarget(f); err != nil {
			w.Bad(n, path, fmt.Errorf("%s: %w", Label(path), err))
			return 0, false
		}
		return f, true
	}
	return 0, false
}

// Window reads a duration as burnrate.ParseWindow reads it (30m, 2h,
// 120d): positive, or zero too when zero allows it. what and example say
// what it is, such as "the time to recover" and "2h".
func (w *Walker) Window(n *yaml.Node, path, what, example string, zero bool) (time.Duration, bool) {
	s, ok := w.Scalar(n, path, what+", such as "+example, false)
	if !ok {
		return 0, false
	}
	t := strings.TrimSpace(s)
	switch _, err := strconv.ParseFloat(t, 64); {
	case zero && t != "" && (strings.Trim(t, "0") == "" || t == "0s"):
		return 0, true
	case strings.HasPrefix(t, "-"):
		w.Badf(n, path, "%s: %s is negative; write %s as a positive duration, such as %s", Label(path), Quote(s), what, example)
		return 0, false
	case err == nil:
		w.Badf(n, path, "%s: %s has no unit; write %s with one, such as %s (m minutes, h hours, d days)", Label(path), Quote(s), what, example)
		return 0, false
	}
	d, err := burnrate.ParseWindow(t)
	if err != nil {
		w.Bad(n, path, fmt.Errorf("%s: %w", Label(path), err))
		return 0, false
	}
	return d, true
}

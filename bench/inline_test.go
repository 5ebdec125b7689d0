package bench

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/journeyslo/journeyslo/slo/slorules"
)

// Inlining recording rules into the expressions that read them.
//
// A backtest asks what an alert would have done over history. Its
// expression reads series that recording rules write, and those series do
// not exist for the past: the rules were not running then. pint's answer
// (alerts/count) is to run the alert's expression as a range query; for
// that to see the past, each recorded series it reads is replaced by the
// expression that records it, down to the raw counters.
//
// This is exact for the rules slorules generates, not an approximation:
// every series an alert reads is recorded in the alert's own group, before
// it, so at each evaluation the rule manager computes the recordings at
// instant t and the alert then reads them at the same t. A range query of
// the inlined expression computes the same values at the same instants.
// The one difference is the labels a recording rule sets on its output
// (window, rule, severity...): the inlined expression does not carry them.
// The generated alerts join on journey and objective only, which the
// inlined expressions keep, so which instants an alert fires at does not
// change; TestInlinedAlertsMatchRecordedRules checks it against the engine.
//
// The other way, backfilling the recordings with promtool tsdb
// create-blocks-from rules, computes the same values but cannot feed one
// recording to the next in one run (the generated rules are three levels
// deep), writes a block per rule per two hours, and would store over 90 million
// recorded samples for a month of 100 objectives before the first alert is
// evaluated.

// nameChar reports whether c may be part of a metric or label name.
func nameChar(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// A labelMatcher is one matcher of a selector, as name op "value".
type labelMatcher struct {
	name, op, value string
}

func (m labelMatcher) String() string { return m.name + m.op + strconv.Quote(m.value) }

// matches reports whether a label with value v (empty when absent)
// satisfies m, with PromQL's anchored regular expressions.
func (m labelMatcher) matches(v string) (bool, error) {
	switch m.op {
	case "=":
		return v == m.value, nil
	case "!=":
		return v != m.value, nil
	case "=~", "!~":
		re, err := regexp.Compile("^(?:" + m.value + ")$")
		if err != nil {
			return false, fmt.Errorf("matcher %s: %v", m, err)
		}
		return re.MatchString(v) == (m.op == "=~"), nil
	}
	return false, fmt.Errorf("matcher %s: unknown operator %q", m, m.op)
}

// eventsShape is the shape of a recording that sums a function of one
// counter's range by some labels, as slorules' events rules are:
// sum by (labels) (fn(counter{matchers}[window])).
var eventsShape = regexp.MustCompile(`^sum by \(([^)]*)\) \((\w+)\(([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^{}]*)\}(\[[^\]]+\])\)\)$`)

// inline returns expr with every selector of a series that one of rules
// records replaced by that rule's expression in parentheses, recursively,
// so that the result reads only series no rule records.
//
// A selector's matchers on labels the rule sets pick the rule: exactly one
// recording rule of the name must satisfy them. Matchers on other labels
// (outcome, which the events rules keep with sum by) are moved into the
// counter's selector inside the rule's expression, which filters the same
// series before the sum as after it; a rule of another shape cannot take
// them and inline says so. A recorded series read as a range (name[5m]) or
// with offset or @ would need a subquery, which changes the evaluation
// instants, and is refused.
func inline(expr string, rules []slorules.Rule) (string, error) {
	recorded := map[string][]slorules.Rule{}
	for _, r := range rules {
		if r.Record != "" {
			recorded[r.Record] = append(recorded[r.Record], r)
		}
	}
	return inlineDepth(expr, recorded, 0)
}

func inlineDepth(expr string, recorded map[string][]slorules.Rule, depth int) (string, error) {
	if depth > len(recorded) {
		return "", fmt.Errorf("recording rules read each other in a cycle: %s", expr)
	}
	var out strings.Builder
	for i := 0; i < len(expr); {
		c := expr[i]
		if c == '"' || c == '\'' || c == '`' {
			end, err := stringEnd(expr, i)
			if err != nil {
				return "", err
			}
			out.WriteString(expr[i:end])
			i = end
			continue
		}
		if !nameChar(c) || c >= '0' && c <= '9' {
			out.WriteByte(c)
			i++
			continue
		}
		j := i
		for j < len(expr) && nameChar(expr[j]) {
			j++
		}
		name := expr[i:j]
		candidates, ok := recorded[name]
		if !ok {
			out.WriteString(name)
			i = j
			continue
		}
		var matchers []labelMatcher
		k := j
		for k < len(expr) && (expr[k] == ' ' || expr[k] == '\t' || expr[k] == '\n') {
			k++
		}
		if k < len(expr) && expr[k] == '{' {
			ms, end, err := parseMatchers(expr, k)
			if err != nil {
				return "", fmt.Errorf("selector of %s: %v", name, err)
			}
			matchers, k = ms, end
		} else {
			k = j
		}
		rest := strings.TrimLeft(expr[k:], " \t\n")
		if strings.HasPrefix(rest, "[") || strings.HasPrefix(rest, "offset") || strings.HasPrefix(rest, "@") {
			return "", fmt.Errorf("%s is read as a range or at another instant (%.20q): inlining it would need a subquery, which evaluates at other instants; read it as an instant vector", name, rest)
		}
		body, err := pick(name, candidates, matchers)
		if err != nil {
			return "", err
		}
		body, err = inlineDepth(body, recorded, depth+1)
		if err != nil {
			return "", err
		}
		out.WriteString("(" + body + ")")
		i = k
	}
	return out.String(), nil
}

// pick returns the expression of the one rule recording name that the
// matchers select, with the matchers on labels the rule does not set moved
// into its counter selector.
func pick(name string, candidates []slorules.Rule, matchers []labelMatcher) (string, error) {
	var chosen []string
	for _, r := range candidates {
		ok := true
		var dynamic []labelMatcher
		for _, m := range matchers {
			v, set := r.Labels[m.name]
			if !set {
				dynamic = append(dynamic, m)
				continue
			}
			match, err := m.matches(v)
			if err != nil {
				return "", err
			}
			if !match {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		expr := r.Expr
		if len(dynamic) > 0 {
			var err error
			if expr, err = pushDown(expr, dynamic); err != nil {
				return "", fmt.Errorf("%s%s: %v", name, formatMatchers(matchers), err)
			}
		}
		chosen = append(chosen, expr)
	}
	switch len(chosen) {
	case 1:
		return chosen[0], nil
	case 0:
		return "", fmt.Errorf("%s%s: no recording rule of that name has labels that match; the selector would read nothing", name, formatMatchers(matchers))
	}
	return "", fmt.Errorf("%s%s: %d recording rules match, whose outputs differ only by the labels they set, which inlining drops; add a matcher on a label that tells them apart", name, formatMatchers(matchers), len(chosen))
}

// pushDown adds matchers to the counter selector of an expression of
// eventsShape, when every matcher's label is one the sum keeps.
func pushDown(expr string, ms []labelMatcher) (string, error) {
	m := eventsShape.FindStringSubmatchIndex(expr)
	if m == nil {
		return "", fmt.Errorf("matchers %s are on labels the rule does not set, and its expression is not sum by (...) (fn(counter{...}[w])), into which they could move: %s", formatMatchers(ms), expr)
	}
	by := strings.Split(expr[m[2]:m[3]], ",")
	for i := range by {
		by[i] = strings.TrimSpace(by[i])
	}
	sel := expr[m[8]:m[9]]
	for _, lm := range ms {
		if !slices.Contains(by, lm.name) {
			return "", fmt.Errorf("label %s is not among those the sum keeps (%s), so a matcher on it selects nothing of the rule's output", lm.name, strings.Join(by, ", "))
		}
		if sel != "" {
			sel += ","
		}
		sel += lm.String()
	}
	return expr[:m[8]] + sel + expr[m[9]:], nil
}

func formatMatchers(ms []labelMatcher) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.String()
	}
	return "{" + strings.Join(s, ",") + "}"
}

// stringEnd returns the index just past the PromQL string literal that
// starts at expr[i].
func stringEnd(expr string, i int) (int, error) {
	q := expr[i]
	for j := i + 1; j < len(expr); j++ {
		switch {
		case expr[j] == '\\' && q != '`':
			j++
		case expr[j] == q:
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("unterminated string at offset %d: %.20q", i, expr[i:])
}

// parseMatchers parses the matchers in braces that start at expr[i] and
// returns them and the index just past the closing brace.
func parseMatchers(expr string, i int) ([]labelMatcher, int, error) {
	var ms []labelMatcher
	j := i + 1
	skip := func() {
		for j < len(expr) && (expr[j] == ' ' || expr[j] == '\t' || expr[j] == '\n') {
			j++
		}
	}
	for {
		skip()
		if j < len(expr) && expr[j] == '}' {
			return ms, j + 1, nil
		}
		k := j
		for k < len(expr) && nameChar(expr[k]) {
			k++
		}
		if k == j {
			return nil, 0, fmt.Errorf("want a label name at offset %d: %.20q", j, expr[j:])
		}
		name := expr[j:k]
		j = k
		skip()
		var op string
		for _, o := range []string{"=~", "!~", "!=", "="} {
			if strings.HasPrefix(expr[j:], o) {
				op = o
				break
			}
		}
		if op == "" {
			return nil, 0, fmt.Errorf("want =, !=, =~ or !~ after %s: %.20q", name, expr[j:])
		}
		j += len(op)
		skip()
		if j >= len(expr) || (expr[j] != '"' && expr[j] != '\'' && expr[j] != '`') {
			return nil, 0, fmt.Errorf("want a quoted value for %s%s: %.20q", name, op, expr[j:])
		}
		end, err := stringEnd(expr, j)
		if err != nil {
			return nil, 0, err
		}
		lit := expr[j:end]
		if lit[0] == '\'' {
			// Go has no single-quoted strings; PromQL's escape the same.
			lit = `"` + strings.ReplaceAll(strings.ReplaceAll(lit[1:len(lit)-1], `\'`, `'`), `"`, `\"`) + `"`
		}
		value, err := strconv.Unquote(lit)
		if err != nil {
			return nil, 0, fmt.Errorf("value of %s%s: %v", name, op, err)
		}
		ms = append(ms, labelMatcher{name, op, value})
		j = end
		skip()
		if j < len(expr) && expr[j] == ',' {
			j++
		}
	}
}

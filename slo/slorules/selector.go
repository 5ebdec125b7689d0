package slorules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A matcher is one label matcher of a PromQL selector: name op "value".
type matcher struct {
	name, op, value string
}

// String writes the matcher as PromQL, with the value double-quoted in Go's
// escaping, which PromQL reads back unchanged.
func (m matcher) String() string { return m.name + m.op + strconv.Quote(m.value) }

var labelNamePattern = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// parseSelector reads the label matchers of a PromQL selector, with or
// without its braces: `{job="checkout", cluster=~"eu-.*"}`. Values may be
// double-quoted, single-quoted or raw (backquoted) strings, as in PromQL.
// It refuses what the generated rules could not use: a metric name, the
// labels the generator sets itself, and anything that is not a matcher.
func parseSelector(s string) ([]matcher, error) {
	rest := strings.TrimSpace(s)
	if strings.HasPrefix(rest, "{") {
		if !strings.HasSuffix(rest, "}") {
			return nil, fmt.Errorf("selector %q opens a brace it does not close; write it as {job=\"checkout\"}", s)
		}
		rest = strings.TrimSpace(rest[1 : len(rest)-1])
	}
	var out []matcher
	for rest != "" {
		i := 0
		for i < len(rest) && (rest[i] == '_' || rest[i] >= 'a' && rest[i] <= 'z' || rest[i] >= 'A' && rest[i] <= 'Z' || i > 0 && rest[i] >= '0' && rest[i] <= '9') {
			i++
		}
		name := rest[:i]
		if name == "" {
			return nil, fmt.Errorf("selector %q: %q does not start with a label name; write matchers such as job=\"checkout\"", s, rest)
		}
		rest = strings.TrimSpace(rest[i:])
		var op string
		for _, o := range []string{"=~", "!~", "!=", "="} {
			if strings.HasPrefix(rest, o) {
				op = o
				break
			}
		}
		if op == "" {
			return nil, fmt.Errorf("selector %q: label %s is not followed by =, !=, =~ or !~", s, name)
		}
		rest = strings.TrimSpace(rest[len(op):])
		value, n, err := unquote(rest)
		if err != nil {
			return nil, fmt.Errorf("selector %q: the value of %s: %v", s, name, err)
		}
		switch name {
		case "__name__":
			return nil, fmt.Errorf("selector %q matches the metric name; the rules read journeyslo_sli_events_total, so match other labels only", s)
		case labelJourney, labelObjective, labelOutcome:
			return nil, fmt.Errorf("selector %q matches %s, which the generator sets for each objective; scope the counters by other labels, such as job or namespace", s, name)
		}
		if op == "=~" || op == "!~" {
			// Prometheus anchors the pattern; check it as it would.
			if _, err := regexp.Compile("^(?:" + value + ")$"); err != nil {
				return nil, fmt.Errorf("selector %q: %s%s%q is not a valid regular expression: %v", s, name, op, value, err)
			}
		}
		out = append(out, matcher{name, op, value})
		rest = strings.TrimSpace(rest[n:])
		if rest == "" {
			break
		}
		if rest[0] != ',' {
			return nil, fmt.Errorf("selector %q: expected a comma after %s, found %q", s, out[len(out)-1], rest)
		}
		rest = strings.TrimSpace(rest[1:])
	}
	return out, nil
}

// unquote reads the PromQL string literal at the start of s and returns its
// value and the number of bytes it took.
func unquote(s string) (string, int, error) {
	if s == "" {
		return "", 0, fmt.Errorf("missing; quote it, as in \"checkout\"")
	}
	q := s[0]
	switch q {
	case '`':
		end := strings.IndexByte(s[1:], '`')
		if end < 0 {
			return "", 0, fmt.Errorf("%s: the raw string is not closed", s)
		}
		return s[1 : end+1], end + 2, nil
	case '"', '\'':
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case q:
				lit := s[:i+1]
				if q == '\'' {
					lit = doubleQuoted(s[1:i])
				}
				v, err := strconv.Unquote(lit)
				if err != nil {
					return "", 0, fmt.Errorf("%s: not a valid string literal", s[:i+1])
				}
				return v, i + 1, nil
			}
		}
		return "", 0, fmt.Errorf("%s: the string is not closed", s)
	}
	return "", 0, fmt.Errorf("%s is not quoted; write it as \"%s\"", s, s)
}

// doubleQuoted turns the body of a single-quoted PromQL string into a
// double-quoted Go literal with the same value: Go reads only double-quoted
// strings, so \' becomes ' and a bare " is escaped.
func doubleQuoted(body string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '\\' && i+1 < len(body) && body[i+1] == '\'':
			b.WriteByte('\'')
			i++
		case c == '\\' && i+1 < len(body):
			b.WriteString(body[i : i+2])
			i++
		case c == '"':
			b.WriteString(`\"`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

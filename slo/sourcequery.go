package slo

import (
	"fmt"
	"strings"
)

// A SourceError is a problem at a place in one of a [Source]'s queries: a
// query the fleet's rules could not turn into event counts. Its text is
// "Source.<Field>: column <Column>: <Reason>", or "line <Line>, column
// <Column>" in a query of several lines; a reader of a file that knows
// where the query starts adds these to its own position (a query on one
// line: the column of its first byte, plus Column - 1). [Objective.Validate]
// returns it wrapped with [ErrInvalid], so errors.As finds it.
type SourceError struct {
	// Field is the query's field: "Good", "Bad", "Total" or "ErrorRatio".
	Field string
	// Offset is the byte offset in the query where the problem is.
	Offset int
	// Line and Column are where Offset falls in the query, from 1: the
	// line (after as many newlines) and the byte in that line.
	Line, Column int
	// Reason says what is wrong and what would be right.
	Reason string
}

func (e *SourceError) Error() string {
	if e.Line > 1 {
		return fmt.Sprintf("Source.%s: line %d, column %d: %s", e.Field, e.Line, e.Column, e.Reason)
	}
	return fmt.Sprintf("Source.%s: column %d: %s", e.Field, e.Column, e.Reason)
}

// placed sets e's Line and Column in q from its Offset.
func (e *SourceError) placed(q string) *SourceError {
	before := q[:min(max(e.Offset, 0), len(q))]
	e.Line = 1 + strings.Count(before, "\n")
	e.Column = 1 + len(before) - (strings.LastIndexByte(before, '\n') + 1)
	return e
}

// A QueryShape is what [ShapeOf] found in one of a Source's queries.
type QueryShape struct {
	// Window is true for an expression over {{.window}}, false for a
	// selector of counters.
	Window bool
	// PerSecond is true when the expression reads its ranges with rate:
	// its value is events per second, and times the window's seconds the
	// events over the window (rate is the increase divided by the range,
	// so the product is the increase itself). False for increase, and for
	// a selector.
	PerSecond bool
	// Metric is a selector's metric name; empty for an expression.
	Metric string
}

// ShapeOf checks one of a Source's queries with a small lexical analysis
// (no PromQL parser): whether the rules can count events with it over any
// window, the period included, every event weighing the same.
//
//   - A query without {{.window}} is a selector of counters: a metric name
//     ending in _total, _count or _bucket, and label matchers. The rules
//     take its increase over each window.
//   - A query with {{.window}} is an expression: every range is
//     [{{.window}}], read by rate or increase, never both, and no
//     {{.window}} stands outside a range. A fixed range ([5m]) is refused:
//     its value cannot be summed into a longer window, so the period's
//     ratio would be a mean of short ratios. So are irate, delta, deriv,
//     the *_over_time functions and subqueries: none counts a counter's
//     events over the window.
//
// The error is a [*SourceError] without its Field, which Validate sets.
func ShapeOf(q string) (QueryShape, error) {
	shape, err := shapeOf(q)
	if se, ok := err.(*SourceError); ok {
		return shape, se.placed(q)
	}
	return shape, err
}

func shapeOf(q string) (QueryShape, error) {
	toks, err := lexQuery(q)
	if err != nil {
		return QueryShape{}, err
	}
	if name, ok := selectorName(toks); ok {
		if err := checkCounterName(q, toks, name); err != nil {
			return QueryShape{}, err
		}
		return QueryShape{Metric: name}, nil
	}
	return checkExpression(q, toks)
}

// Token kinds of a query.
const (
	tokIdent       = iota // a name: metric, label, function or keyword
	tokString             // a quoted string
	tokNumber             // a number or a duration
	tokPlaceholder        // {{.window}}
	tokPunct              // anything else, one or two bytes
)

type token struct {
	kind int
	text string
	at   int
}

// lexQuery splits a query into tokens. It refuses a template action other
// than {{.window}} and an unclosed string.
func lexQuery(q string) ([]token, error) {
	var toks []token
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#':
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case strings.HasPrefix(q[i:], "{{"):
			end := strings.Index(q[i:], "}}")
			if end < 0 || strings.TrimSpace(q[i+2:i+end]) != ".window" {
				return nil, &SourceError{Offset: i, Reason: "a template action other than {{.window}}; the rules substitute {{.window}} alone"}
			}
			toks = append(toks, token{tokPlaceholder, q[i : i+end+2], i})
			i += end + 2
		case c == '"' || c == '\'' || c == '`':
			j := i + 1
			for j < len(q) && q[j] != c {
				if q[j] == '\\' && c != '`' {
					j++
				}
				j++
			}
			if j >= len(q) {
				return nil, &SourceError{Offset: i, Reason: "a string that is not closed"}
			}
			toks = append(toks, token{tokString, q[i : j+1], i})
			i = j + 1
		case isIdentStart(c):
			j := i + 1
			for j < len(q) && (isIdentStart(q[j]) || q[j] >= '0' && q[j] <= '9') {
				j++
			}
			toks = append(toks, token{tokIdent, q[i:j], i})
			i = j
		case c >= '0' && c <= '9' || c == '.':
			j := i + 1
			for j < len(q) && (isIdentStart(q[j]) || q[j] >= '0' && q[j] <= '9' || q[j] == '.') {
				j++
			}
			toks = append(toks, token{tokNumber, q[i:j], i})
			i = j
		default:
			n := 1
			if i+1 < len(q) {
				switch q[i : i+2] {
				case "=~", "!~", "!=", "==", "<=", ">=":
					n = 2
				}
			}
			toks = append(toks, token{tokPunct, q[i : i+n], i})
			i += n
		}
	}
	return toks, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// selectorName reports whether toks are one selector alone, name{matchers}
// or {matchers}, and returns its metric name (from __name__="..." when it
// is written as a matcher).
func selectorName(toks []token) (string, bool) {
	i, name := 0, ""
	if i < len(toks) && toks[i].kind == tokIdent {
		name = toks[i].text
		i++
	}
	if i < len(toks) && toks[i].text == "{" {
		i++
		for i < len(toks) && toks[i].text != "}" {
			// name op "value" [,]
			if i+2 >= len(toks) || toks[i].kind != tokIdent || toks[i+1].kind != tokPunct || toks[i+2].kind != tokString {
				return "", false
			}
			if toks[i].text == "__name__" && toks[i+1].text == "=" && name == "" {
				name = strings.Trim(toks[i+2].text, "\"'`")
			}
			i += 3
			if i < len(toks) && toks[i].text == "," {
				i++
			}
		}
		if i >= len(toks) {
			return "", false
		}
		i++
	}
	return name, i == len(toks) && i > 0
}

// checkCounterName refuses a selector whose metric does not look like a
// counter.
func checkCounterName(q string, toks []token, name string) error {
	if name == "" {
		return &SourceError{Offset: toks[0].at, Reason: "the selector names no metric; name the counter, such as http_requests_total{code=~\"5..\"}"}
	}
	for _, suffix := range []string{"_total", "_count", "_bucket"} {
		if strings.HasSuffix(name, suffix) {
			return nil
		}
	}
	at := strings.Index(q, name)
	return &SourceError{Offset: max(at, 0), Reason: fmt.Sprintf(
		"%s does not look like a counter (its name ends in neither _total, _count nor _bucket): the rules count events by a counter's increase, which means nothing for a gauge; select a counter, such as http_requests_total, or write an expression over [{{.window}}]", cut(name))}
}

// overRange are functions that read a range yet count no events.
var overRange = map[string]string{
	"irate":          "reads only the last two samples of the range",
	"idelta":         "reads only the last two samples of the range",
	"delta":          "is the change of a gauge",
	"deriv":          "is the slope of a gauge",
	"resets":         "counts counter resets, not events",
	"changes":        "counts changes of value, not events",
	"predict_linear": "predicts a gauge",
	"holt_winters":   "smooths a gauge",
}

// checkExpression checks an expression over {{.window}}: every range is
// [{{.window}}] inside rate or increase, and no placeholder is elsewhere.
func checkExpression(q string, toks []token) (QueryShape, error) {
	shape := QueryShape{Window: true}
	var calls []string // the function of each open parenthesis, "" for a plain one
	ranges, rates, increases := 0, 0, 0
	for i, t := range toks {
		switch {
		case t.text == "(":
			fn := ""
			if i > 0 && toks[i-1].kind == tokIdent {
				fn = toks[i-1].text
			}
			calls = append(calls, fn)
		case t.text == ")":
			if len(calls) > 0 {
				calls = calls[:len(calls)-1]
			}
		case t.kind == tokPlaceholder:
			if i == 0 || toks[i-1].text != "[" || i+1 >= len(toks) || toks[i+1].text != "]" {
				return shape, &SourceError{Offset: t.at, Reason: "{{.window}} outside a range; it stands for a range's length, as in rate(http_requests_total[{{.window}}])"}
			}
		case t.text == "[":
			if i > 0 && toks[i-1].text == ")" {
				return shape, &SourceError{Offset: t.at, Reason: "a subquery; count events with rate or increase over a selector's range, as in rate(http_requests_total[{{.window}}])"}
			}
			if i+2 >= len(toks) || toks[i+1].kind != tokPlaceholder || toks[i+2].text != "]" {
				end := i + 1
				for end < len(toks) && toks[end].text != "]" {
					end++
				}
				what := q[t.at:]
				if end < len(toks) {
					what = q[t.at : toks[end].at+1]
				}
				return shape, &SourceError{Offset: t.at, Reason: fmt.Sprintf(
					"the fixed range %s cannot be made event-weighted over the policy's other windows and the period (their ratio would be a mean of short ratios); write [{{.window}}], which the rules set to each window", cut(what))}
			}
			fn := ""
			if len(calls) > 0 {
				fn = calls[len(calls)-1]
			}
			switch fn {
			case "rate":
				rates++
			case "increase":
				increases++
			default:
				why, known := overRange[fn]
				switch {
				case strings.HasSuffix(fn, "_over_time"):
					why = "aggregates samples over time, not a counter's events"
				case !known && fn == "":
					why = "leaves the range unread"
				case !known:
					why = "does not count a counter's events"
				}
				name := fn
				if name == "" {
					name = "an expression"
				}
				return shape, &SourceError{Offset: t.at, Reason: fmt.Sprintf(
					"%s over [{{.window}}]: it %s; only rate and increase count events over a window, as in sum(rate(http_requests_total[{{.window}}]))", name, why)}
			}
			ranges++
		}
	}
	switch {
	case ranges == 0:
		return shape, &SourceError{Offset: 0, Reason: "no range [{{.window}}]; count events with rate or increase over it, as in sum(rate(http_requests_total[{{.window}}]))"}
	case rates > 0 && increases > 0:
		return shape, &SourceError{Offset: 0, Reason: "both rate and increase: one is events per second, the other events; use one of them throughout"}
	}
	shape.PerSecond = rates > 0
	return shape, nil
}

// cut shortens what an error quotes to 40 bytes.
func cut(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// checkSource reports every query of s the rules cannot count events with.
func checkSource(s Source, errs *[]error) {
	for _, f := range []struct{ name, q string }{{"Good", s.Good}, {"Bad", s.Bad}, {"Total", s.Total}, {"ErrorRatio", s.ErrorRatio}} {
		if f.q == "" || len(f.q) > maxQuery {
			continue
		}
		shape, err := ShapeOf(f.q)
		if err != nil {
			se := err.(*SourceError)
			se.Field = f.name
			*errs = append(*errs, fmt.Errorf("%w: %w", ErrInvalid, se))
			continue
		}
		if f.name == "ErrorRatio" && !shape.Window {
			*errs = append(*errs, fmt.Errorf("%w: %w", ErrInvalid, &SourceError{Field: f.name, Line: 1, Column: 1, Reason: "a selector is not a ratio; write the error ratio over [{{.window}}], such as sum(rate(errors_total[{{.window}}])) / sum(rate(requests_total[{{.window}}]))"}))
			continue
		}
	}
}

package openslo

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// prometheus is the metric source type whose queries the fleet's rules
// read.
const prometheus = "Prometheus"

// ownCounter is journeyslo's counter of events, which slo/sloprom exports
// and slo/slorules reads.
const ownCounter = "journeyslo_sli_events_total"

// defaultNoData is how long an SLO's counters may be missing before the
// alert that alertWhenNoData asks for fires, when no journeyslo/no-data
// annotation says otherwise: long enough for a restart or a missed scrape.
const defaultNoData = 10 * time.Minute

// selectorPattern reads a PromQL vector selector: a metric name and label
// matchers, without a range.
var (
	selectorPattern = regexp.MustCompile(`^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s*$`)
	matcherPattern  = regexp.MustCompile(`^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!=|!~|=)\s*"((?:[^"\\]|\\.)*)"\s*$`)
	sumPattern      = regexp.MustCompile(`^\s*sum\s*\((.*)\)\s*$`)
)

// A matcher is one label matcher of a selector.
type matcher struct{ name, op, value string }

// selector reads q as a vector selector, optionally inside sum( ): its
// metric and matchers. ok is false for any other expression.
func selector(q string) (metric string, ms []matcher, ok bool) {
	if m := sumPattern.FindStringSubmatch(q); m != nil {
		q = m[1]
	}
	m := selectorPattern.FindStringSubmatch(q)
	if m == nil {
		return "", nil, false
	}
	if strings.TrimSpace(m[2]) == "" {
		return m[1], nil, true
	}
	for _, part := range splitMatchers(m[2]) {
		mm := matcherPattern.FindStringSubmatch(part)
		if mm == nil {
			return "", nil, false
		}
		v, err := strconv.Unquote(`"` + mm[3] + `"`)
		if err != nil {
			return "", nil, false
		}
		ms = append(ms, matcher{mm[1], mm[2], v})
	}
	return m[1], ms, true
}

// splitMatchers splits a selector's matchers at the commas outside quoted
// values; a trailing comma is allowed.
func splitMatchers(s string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if last := s[start:]; strings.TrimSpace(last) != "" {
		out = append(out, last)
	}
	return out
}

// sourceOf returns the objective's source from an SLI's Prometheus
// queries: a selector summed with sum( ) is the selector alone, since the
// rules sum the increase of every series; any other query is kept as
// written, for slo.Objective.Validate to judge.
func sourceOf(ind Indicator) *slo.Source {
	plain := func(q string) string {
		if q == "" {
			return ""
		}
		if m := sumPattern.FindStringSubmatch(q); m != nil {
			if _, _, ok := selector(m[1]); ok {
				return strings.TrimSpace(m[1])
			}
		}
		return q
	}
	return &slo.Source{Good: plain(ind.Good), Bad: plain(ind.Bad), Total: plain(ind.Total)}
}

// ownCounters reports whether an SLI's queries select journeyslo's own
// counters of one objective, as Export writes them: total with journey
// and objective, bad (or good) with the outcome too. It returns the
// journey and objective they name.
func ownCounters(ind Indicator) (journey, objective string, ok bool) {
	read := func(q string) (map[string]string, bool) {
		metric, ms, ok := selector(q)
		if !ok || metric != ownCounter {
			return nil, false
		}
		labels := map[string]string{}
		for _, m := range ms {
			if m.op != "=" || labels[m.name] != "" {
				return nil, false
			}
			labels[m.name] = m.value
		}
		return labels, true
	}
	total, ok := read(ind.Total)
	if !ok || len(total) != 2 || total["journey"] == "" || total["objective"] == "" {
		return "", "", false
	}
	num, outcome := ind.Bad, "bad"
	if ind.Good != "" {
		num, outcome = ind.Good, "good"
	}
	part, ok := read(num)
	if !ok || len(part) != 3 || part["outcome"] != outcome || part["journey"] != total["journey"] || part["objective"] != total["objective"] {
		return "", "", false
	}
	return total["journey"], total["objective"], true
}

// bucketThreshold returns the latency a histogram bucket's selector
// counts under, such as 300ms for http_request_duration_seconds_bucket{le="0.3"},
// or 0 when q selects no bucket of a histogram in seconds.
func bucketThreshold(q string) time.Duration {
	metric, ms, ok := selector(q)
	if !ok || !strings.HasSuffix(metric, "_seconds_bucket") {
		return 0
	}
	for _, m := range ms {
		if m.name == "le" && m.op == "=" {
			f, err := strconv.ParseFloat(m.value, 64)
			if err != nil || !(f > 0) || f > 1e6 {
				return 0
			}
			return time.Duration(f*1e9 + 0.5)
		}
	}
	return 0
}

// noDataOf returns the no-data alert of an SLO: its journeyslo/no-data
// annotation ("10m", or "10m page"), or alertWhenNoData: true on one of
// its alert policies, which raises a ticket after 10 minutes (a page when
// the policy's condition is a page's).
func noDataOf(s *sink, d *sloDoc, uses []ruleUse) slo.NoData {
	var nd slo.NoData
	for _, u := range uses {
		if u.doc.noData {
			nd.After = defaultNoData
			if u.rule.Severity == burnrate.SeverityPage {
				nd.Severity = burnrate.SeverityPage
			}
		}
	}
	v, ok := d.meta.annotations[annNoData]
	if !ok {
		return nd
	}
	after, sev, _ := strings.Cut(strings.TrimSpace(v), " ")
	dur, err := burnrate.ParseWindow(after)
	nd = slo.NoData{After: dur}
	switch sev = strings.TrimSpace(sev); {
	case err != nil || dur <= 0:
		s.errorf(d.meta.annNodes[annNoData], "metadata.annotations."+annNoData, "%q does not start with a duration; write how long the counters may be missing, such as \"10m\", and the severity if a page: \"10m page\"", v)
		return slo.NoData{}
	case sev == "page":
		nd.Severity = burnrate.SeverityPage
	case sev == "ticket":
		nd.Severity = burnrate.SeverityTicket
	case sev != "":
		s.errorf(d.meta.annNodes[annNoData], "metadata.annotations."+annNoData, "severity %q is not page or ticket; write such as \"10m page\"", sev)
		return slo.NoData{}
	}
	return nd
}

// queryNode returns the node and field of the query that one of slo's
// reasons is about ("Source.Bad: ...", "Source: Total is ..."), or nil
// and "" for a reason about the SLO as a whole.
func queryNode(rm *ratioMetric, err error) (*yaml.Node, string) {
	if rm == nil {
		return nil, ""
	}
	msg, _ := strings.CutPrefix(err.Error(), slo.ErrInvalid.Error()+": ")
	var field string
	switch {
	case strings.HasPrefix(msg, "Source."):
		field, _, _ = strings.Cut(strings.TrimPrefix(msg, "Source."), ":")
	case strings.HasPrefix(msg, "Source: "):
		field, _, _ = strings.Cut(strings.TrimPrefix(msg, "Source: "), " ")
	default:
		return nil, ""
	}
	var ms *metricSource
	switch field {
	case "Good":
		ms = rm.good
	case "Bad":
		ms = rm.bad
	case "Total":
		ms = rm.total
	}
	if ms == nil {
		return nil, ""
	}
	return ms.queryNode, ms.path + ".spec.query"
}

// formatAlerting writes an objective's alerting as the annotation's JSON.
func formatAlerting(a *slo.Alerting) string {
	b, _ := json.Marshal(a) // maps of strings always encode
	return string(b)
}

// parseAlerting reads the journeyslo/alerting annotation.
func parseAlerting(s *sink, n *yaml.Node, v string) *slo.Alerting {
	a := &slo.Alerting{}
	dec := json.NewDecoder(bytes.NewReader([]byte(v)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(a); err != nil {
		s.errorf(n, "metadata.annotations."+annAlerting, "is not the JSON of an alerting (%v); write such as {\"name\": \"CheckoutHighErrorRate\", \"labels\": {\"category\": \"availability\"}}", err)
		return nil
	}
	return a
}

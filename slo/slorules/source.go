package slorules

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// placeholder is {{.window}} as slo.ShapeOf accepts it, spaces included.
var placeholder = regexp.MustCompile(`\{\{\s*\.window\s*\}\}`)

// expand writes an expression over {{.window}} for window w.
func expand(q, w string) string { return placeholder.ReplaceAllLiteralString(q, w) }

// count returns the expression of the events query q counts over window
// d, summed per group: a selector's increase, or an expression over
// {{.window}} for d, times d's seconds when it reads rate (a rate over d
// is the increase over d divided by d's seconds, so the product is the
// increase: the events).
func (r *objectiveRules) count(q string, d time.Duration) string {
	w := window(d)
	shape := r.source.shape[q]
	if !shape.Window {
		return r.by + "(increase(" + q + "[" + w + "]))"
	}
	expr := r.by + "(" + expand(q, w) + ")"
	if shape.PerSecond {
		expr += " * " + decimal(d.Seconds())
	}
	return expr
}

// events returns the rules that record the events of window d by outcome,
// good and bad, under the same name and labels whatever the counters:
// every rule after them reads these alone.
func (r *objectiveRules) events(d time.Duration) []Rule {
	w := window(d)
	return r.outcomes(EventsPrefix+w, w, func(q string) string { return r.count(q, d) },
		"increase("+Counter+r.counter+"["+w+"])")
}

// outcomes returns the rules that record series name, labelled window w,
// by outcome: count gives a Source query's count per group, and counters
// is the expression of journeyslo's counters to sum by outcome.
func (r *objectiveRules) outcomes(name, w string, count func(q string) string, counters string) []Rule {
	outcome := func(o, expr string) Rule {
		return Rule{Record: name, Expr: expr, Labels: r.labels(labelWindow, w, labelOutcome, o)}
	}
	s := r.source
	// A selector of errors has no series until the first error; a group
	// whose other counter is there then counts zero of them, not nothing.
	or0 := func(a, b string) string { return a + "\nor " + r.onGroups() + "\n0 * " + b }
	// The recorded outcome, to subtract from the total: clamped at zero,
	// since two counters scraped apart can have the part above the whole.
	rest := func(total, part string) string {
		return "clamp_min(\n  " + total + "\n  - " + r.onGroups() + "\n  " + name + r.ownWith(labelOutcome, part) + ",\n  0\n)"
	}
	switch {
	case s.shape == nil && r.parts != nil:
		return []Rule{{Record: name, Expr: r.eventsExpr(w), Labels: r.labels(labelWindow, w)}}
	case s.shape == nil:
		return []Rule{{
			Record: name,
			Expr:   "sum by (" + strings.Join(append([]string{labelJourney, labelObjective, labelOutcome}, r.o.GroupBy...), ", ") + ") (" + counters + ")",
			Labels: r.labels(labelWindow, w),
		}}
	case s.good != "" && s.bad != "":
		g, b := count(s.good), count(s.bad)
		return []Rule{outcome("good", or0(g, b)), outcome("bad", or0(b, g))}
	case s.bad != "":
		b, t := count(s.bad), count(s.total)
		return []Rule{outcome("bad", or0(b, t)), outcome("good", rest(t, "bad"))}
	default:
		g, t := count(s.good), count(s.total)
		return []Rule{outcome("good", or0(g, t)), outcome("bad", rest(t, "good"))}
	}
}

// onGroups matches a count of the source with another, or with a recorded
// series: on the grouping labels alone, "on ()" without groups.
func (r *objectiveRules) onGroups() string {
	return "on (" + strings.Join(r.o.GroupBy, ", ") + ")"
}

// minEvents is the guard the rules hold: the policy's, or none for an
// ErrorRatio source, which counts no events (the info series says 0).
func (r *objectiveRules) minEvents() uint64 {
	if r.source.ratio != "" {
		return 0
	}
	return r.o.Policy.MinEvents
}

// alerting is the objective's Alerting, or its zero value.
func (r *objectiveRules) alerting() slo.Alerting {
	if r.o.Alerting == nil {
		return slo.Alerting{}
	}
	return *r.o.Alerting
}

// severityOf returns what the objective's Alerting says of the alerts of
// severity sev.
func (r *objectiveRules) severityOf(sev burnrate.Severity) slo.AlertSeverity {
	if sev == burnrate.SeverityPage {
		return r.alerting().Page
	}
	return r.alerting().Ticket
}

// alertName is the name of the objective's alerts.
func (r *objectiveRules) alertName() string {
	if n := r.alerting().Name; n != "" {
		return n
	}
	return AlertName
}

// alertLabels are the labels of an alert of severity sev: the rules'
// (the extra labels, journey, objective, severity), Alerting's labels,
// then the severity's, which win, so that severity: critical replaces
// severity: page for routes written for another tool.
func (r *objectiveRules) alertLabels(sev burnrate.Severity, kv ...string) map[string]string {
	out := r.labels(kv...)
	maps.Copy(out, r.alerting().Labels)
	out[labelSeverity] = sev.String()
	maps.Copy(out, r.severityOf(sev).Labels)
	return out
}

// alertAnnotations adds Alerting's annotations, then the severity's, to
// the rules' own.
func (r *objectiveRules) alertAnnotations(sev burnrate.Severity, own map[string]string) map[string]string {
	maps.Copy(own, r.alerting().Annotations)
	maps.Copy(own, r.severityOf(sev).Annotations)
	return own
}

// noData writes the alert of an objective whose counters have had no
// sample for NoData.After, at NoData.Severity (ticket by default), named
// as its other alerts and labelled rule="no-data". No traffic raises none:
// the counters are there and do not increase.
//
// Without groups it is absent_over_time of the total's counters (Total,
// or Good, or journeyslo's counter of the objective): it holds once no
// series has had a sample for After. With groups it is every group seen
// over the lookback (a day, or twice After when longer) but not over
// After: a group gone for longer than the lookback is forgotten and its
// alert resolves. An expression over {{.window}} is read over After and
// over the lookback as a whole: it has no sample when its counters have
// none (a rate needs two samples, so it fires up to a scrape earlier).
func (r *objectiveRules) noData() {
	nd := r.o.NoData
	if nd.After <= 0 {
		return
	}
	sev := nd.Severity
	if sev == burnrate.SeverityOK {
		sev = burnrate.SeverityTicket
	}
	q, shape := Counter+r.counter, slo.QueryShape{}
	if s := r.source; s.shape != nil {
		q = s.total
		if q == "" {
			q = s.good
		}
		if s.ratio != "" {
			q = s.ratio
		}
		shape = s.shape[q]
	}
	after := window(nd.After)
	lookback := max(24*time.Hour, 2*nd.After)
	over := func(w string) string {
		if shape.Window {
			return "(" + expand(q, w) + ")"
		}
		return "present_over_time(" + q + "[" + w + "])"
	}
	var expr string
	switch {
	case len(r.o.GroupBy) > 0:
		by := "group by (" + strings.Join(r.o.GroupBy, ", ") + ") "
		expr = by + "(" + over(window(lookback)) + ")\nunless " + r.onGroups() + "\n" + by + "(" + over(after) + ")"
	case shape.Window:
		expr = "absent(" + expand(q, after) + ")"
	default:
		expr = "group(absent_over_time(" + q + "[" + after + "]))"
	}
	o := r.o
	r.rules = append(r.rules, Rule{
		Alert:  r.alertName(),
		Expr:   expr,
		Labels: r.alertLabels(sev, labelRule, "no-data"),
		Annotations: r.alertAnnotations(sev, map[string]string{
			"summary": slo.ObjectiveKey(o.Journey, o.Name) + " has had no counters for " + after,
			"description": "The counters of " + o.Journey + " events have had no sample for " + after +
				": the service stopped exporting them, or their scrape fails. Without them the objective is not judged. No traffic raises no such alert.",
		}),
		Severity: sev,
	})
}

// incrementsApply says whether the period's events are summed from
// increments ([WithPeriodIncrements]): for journeyslo's counters and
// Source selectors, when the period group records the period's events.
func (r *objectiveRules) incrementsApply() bool {
	if !r.cfg.periodInc || r.o.Slices != nil || r.parts != nil || r.source.ratio != "" ||
		slices.Contains(r.o.Policy.Windows(), r.o.Period) {
		return false
	}
	for _, shape := range r.source.shape {
		if shape.Window {
			return false
		}
	}
	return true
}

// increment is the increment of the series of selector q since one step
// ago: the change from the last sample at or before one step ago (over an
// hour before it, so that a gap of evaluations or samples keeps the sum
// exact), or the whole value where the counter went down (a reset) or had
// no sample then.
func (r *objectiveRules) increment(q string) string {
	return "(" + q + " - last_over_time(" + q + "[1h] offset " + window(r.cfg.periodInt) + ")) >= 0 or " + q
}

// recordPeriodIncrements records the counters' increments by outcome since
// the previous evaluation of the period group, then the period's events as
// their sum over the period, less a millisecond so that the range holds
// the period's steps and not one more, then the period's ratio as
// recordWindow does.
func (r *objectiveRules) recordPeriodIncrements() {
	step := window(r.cfg.periodInt)
	count := func(q string) string { return r.by + "(" + r.increment(q) + ")" }
	r.rules = append(r.rules, r.outcomes(EventsIncrements, step, count, r.increment(Counter+r.counter))...)
	r.rules = append(r.rules, Rule{
		Record: EventsPrefix + r.period,
		Expr:   "sum_over_time(" + EventsIncrements + r.own + "[" + window(r.o.Period-time.Millisecond) + "])",
		Labels: r.labels(labelWindow, r.period),
	})
	r.rules = append(r.rules, r.ratio(r.period))
}

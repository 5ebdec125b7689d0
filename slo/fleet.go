package slo

import (
	"maps"
	"regexp"
	"slices"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/promlabel"
)

// A Source is where the fleet's rules read an objective's events when the
// services already count them in metrics of their own, such as
// http_requests_total, instead of journeyslo's counters. The registry
// counts its own events and only carries a Source, for the readers that
// write rules (slo/slorules) and read them back (slo/slofleet).
//
// Write two of Good, Bad and Total, or ErrorRatio alone:
//   - a selector of counters, such as
//     `http_requests_total{handler="/checkout",code=~"5.."}`: the rules take
//     its increase over every window, summed across series;
//   - or an expression over a window, with the placeholder {{.window}} in
//     every range, as Sloth writes its queries:
//     `sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))`.
//
// Validate checks each query's shape ([ShapeOf]): a selector must name a
// counter (a name ending in _total, _count or _bucket), an expression must
// read every range as [{{.window}}] with rate or increase. A gauge, a
// fixed range such as [5m], irate or an *_over_time function cannot be
// counted over the policy's windows and the period with every event
// weighing the same, and is refused as a [*SourceError] naming the field
// and the column.
//
// Where only two of the three are given, the third is computed per window:
// good = total - bad (or bad = total - good), clamped at zero so that two
// counters scraped apart never make it negative. A selector of errors
// that has no series yet (no error ever) counts zero errors wherever the
// other query has a series.
//
// ErrorRatio is Sloth's raw SLI: an expression of the error ratio itself
// over {{.window}}, such as
// `sum(rate(errors_total[{{.window}}])) / sum(rate(requests_total[{{.window}}]))`.
// It carries no event counts, so the fleet's rules hold no low-traffic
// guard for it, whatever Policy.MinEvents says (their info series says
// min_events 0; the registry in process still holds its guard over its own
// counts), and slo/slofleet, which builds a Status from counts, refuses
// it. It must give one series per group.
//
// The expressions are used as written, and their value taken as the
// events over the window (increase) or per second (rate), which the rules
// multiply by the window's seconds: a rate scaled to a minute would count
// sixty times the events. With GroupBy, each must keep the grouping
// labels (sum by (cluster) (...), not sum(...)). The fleet's
// rules do not add slorules.WithSelector's matchers to them.
//
// A Source is a plain value; the zero value is no source, and means
// journeyslo's own counters.
type Source struct {
	// Good selects the good events, or counts them over {{.window}}.
	Good string
	// Bad selects the bad events, or counts them over {{.window}}.
	Bad string
	// Total selects every event, or counts them over {{.window}}.
	Total string
	// ErrorRatio is the share of bad events over {{.window}}; used alone.
	ErrorRatio string
}

// IsZero reports whether s is no source: journeyslo's own counters.
func (s Source) IsZero() bool { return s == Source{} }

// An Alerting says how the fleet's rules name and label an objective's
// alerts, for teams whose Alertmanager routes already match the names and
// labels of another tool's alerts. The registry only carries it.
//
// Labels win over the objective's Labels on the alerts; a severity's
// labels win over both, and may replace the severity label itself (page
// and ticket by default) with the values existing routes expect, such as
// critical and warning: Validate refuses severity in Labels (shared by
// both alerts) and one value for both, which would keep Alertmanager from
// letting the page silence the ticket.
//
// It is a plain value; the zero value keeps the rules' own alert name and
// adds nothing. Its tags give its shape in JSON and YAML, the same in every
// file that writes it.
type Alerting struct {
	// Name is the alerts' name; empty means slorules.AlertName. Letters,
	// digits and '_', not starting with a digit.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Labels are added to every alert of the objective (not to the
	// recorded series); Annotations to every alert's annotations.
	Labels      map[string]string `json:"labels,omitempty" yaml:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty" yaml:"annotations,omitempty"`
	// Page and Ticket add to, or turn off, the alert of one severity.
	Page   AlertSeverity `json:"page,omitzero" yaml:"page,omitempty"`
	Ticket AlertSeverity `json:"ticket,omitzero" yaml:"ticket,omitempty"`
}

// An AlertSeverity adds labels and annotations to the alert of one
// severity, or turns it off. Its zero value adds nothing.
type AlertSeverity struct {
	// Labels and Annotations are added to the alert of this severity; they
	// win over Alerting's.
	Labels      map[string]string `json:"labels,omitempty" yaml:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty" yaml:"annotations,omitempty"`
	// Disable writes no alert of this severity. The registry still
	// evaluates the severity's rules in process.
	Disable bool `json:"disable,omitempty" yaml:"disable,omitempty"`
}

// IsZero reports whether s adds nothing and turns nothing off, so that
// encoders leave it out.
func (s AlertSeverity) IsZero() bool {
	return len(s.Labels) == 0 && len(s.Annotations) == 0 && !s.Disable
}

// NoData raises an alert when an objective's counters have had no sample
// for After: the service stopped exporting them (a broken scrape, a renamed
// metric), told apart from no traffic, where the counters are there and do
// not increase. The registry only carries it.
//
// The alert is named and labelled as the objective's others (see
// [Alerting]; its severity's labels apply, Disable does not), with the
// label rule="no-data". Without GroupBy it fires once no series of the
// counters has had a sample for After. With GroupBy it fires for each
// group seen over the last day (or twice After, when longer) and not over
// After; a group gone for longer than that is forgotten, and its alert
// resolves.
//
// It is a plain value; the zero value raises no such alert.
type NoData struct {
	// After is how long the counters must be missing before the alert
	// fires, such as 10 * time.Minute; zero means no alert.
	After time.Duration
	// Severity is what the alert raises: burnrate.SeverityTicket (the
	// default, when zero) or burnrate.SeverityPage.
	Severity burnrate.Severity
}

var alertNamePattern = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// maxQuery bounds a query's length: far above any query a person writes,
// low enough that a file cannot make the rules huge.
const maxQuery = 4096

// validateFleet reports what is wrong with the fields only the fleet's
// rules read.
func (o Objective) validateFleet(bad func(format string, args ...any), errs *[]error) {
	s := o.Source
	if s != nil && !s.IsZero() {
		n := 0
		for _, q := range []string{s.Good, s.Bad, s.Total} {
			if q != "" {
				n++
			}
		}
		switch {
		case s.ErrorRatio != "" && n > 0:
			bad("Source: ErrorRatio is used alone; remove Good, Bad and Total, or remove ErrorRatio")
		case s.ErrorRatio == "" && n != 2:
			bad("Source: give two of Good, Bad and Total (such as Bad and Total), or ErrorRatio alone")
		}
		for _, f := range []struct{ name, q string }{{"Good", s.Good}, {"Bad", s.Bad}, {"Total", s.Total}, {"ErrorRatio", s.ErrorRatio}} {
			if len(f.q) > maxQuery {
				bad("Source: %s is %d bytes long; write a query under %d bytes", f.name, len(f.q), maxQuery)
			}
		}
		checkSource(*s, errs)
	}
	seen := map[string]bool{}
	for _, l := range o.GroupBy {
		switch {
		case !promlabel.Valid(l):
			bad("GroupBy: %q is not a label name: use letters, digits and '_', not starting with a digit or \"__\"", l)
		case promlabel.IsReserved(l):
			bad("GroupBy: %q is a label the rules set themselves; group by a label of the counters, such as cluster", l)
		case o.Labels[l] != "":
			bad("GroupBy: %q is also one of Labels, which gives it one value; group by it or label it, not both", l)
		case seen[l]:
			bad("GroupBy: %q is listed twice", l)
		}
		seen[l] = true
	}
	if o.NoData.After < 0 || o.NoData.After%time.Second != 0 {
		bad("NoData.After %v: use a positive whole number of seconds, such as 10m, or 0 for no alert", o.NoData.After)
	}
	if sev := o.NoData.Severity; sev != burnrate.SeverityOK && sev != burnrate.SeverityTicket && sev != burnrate.SeverityPage {
		bad("NoData.Severity %v: use ticket or page", sev)
	}
	if a := o.Alerting; a != nil {
		if a.Name != "" && !alertNamePattern.MatchString(a.Name) {
			bad("Alerting.Name %q is not an alert name: use letters, digits and '_', not starting with a digit", a.Name)
		}
		for _, m := range []struct {
			field  string
			labels map[string]string
		}{{"Alerting.Labels", a.Labels}, {"Alerting.Page.Labels", a.Page.Labels}, {"Alerting.Ticket.Labels", a.Ticket.Labels}} {
			for _, name := range slices.Sorted(maps.Keys(m.labels)) {
				if !promlabel.Valid(name) {
					bad("%s: %q is not a label name: use letters, digits and '_', not starting with a digit or \"__\"", m.field, name)
				} else if promlabel.IsReserved(name) && name != "severity" {
					bad("%s: %q is a label the rules set themselves; choose another name", m.field, name)
				}
			}
		}
		if _, ok := a.Labels["severity"]; ok {
			bad("Alerting.Labels: severity tells the page from the ticket, so it differs per alert; set it in Page.Labels or Ticket.Labels")
		}
		if page, ticket := a.Page.severity("page"), a.Ticket.severity("ticket"); page == ticket && !a.Page.Disable && !a.Ticket.Disable {
			bad("Alerting: the page and the ticket both have severity %q, so Alertmanager could not let the page silence the ticket; give them different severity labels, such as critical and warning", page)
		}
	}
}

// severity returns the severity label of an alert of this severity: its
// Labels' severity, or def.
func (s AlertSeverity) severity(def string) string {
	if v, ok := s.Labels["severity"]; ok {
		return v
	}
	return def
}

// cloneFleet gives o its own copies of the fleet's fields.
func (o Objective) cloneFleet() Objective {
	if o.Source != nil {
		s := *o.Source
		o.Source = &s
	}
	o.GroupBy = slices.Clone(o.GroupBy)
	if o.Alerting != nil {
		a := *o.Alerting
		a.Labels, a.Annotations = maps.Clone(a.Labels), maps.Clone(a.Annotations)
		a.Page.Labels, a.Page.Annotations = maps.Clone(a.Page.Labels), maps.Clone(a.Page.Annotations)
		a.Ticket.Labels, a.Ticket.Annotations = maps.Clone(a.Ticket.Labels), maps.Clone(a.Ticket.Annotations)
		o.Alerting = &a
	}
	return o
}

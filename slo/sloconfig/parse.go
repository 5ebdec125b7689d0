package sloconfig

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/yamlpos"
	"github.com/journeyslo/journeyslo/slo"
)

// Load reads and parses the journeyslo file at path (see [Parse]). The
// file must be a regular file (a named pipe or a device is refused at
// once) of at most 16 MiB.
func Load(path string) (*Config, error) { return yamlpos.Load(path, Parse) }

// format is what a journeyslo file holds, for yamlpos's messages.
var format = yamlpos.Format{
	Empty:     "a journeyslo file has a service and its journeys",
	One:       "a journeyslo file holds one YAML document; this is a second one (an OpenSLO file holds several, but this is not one)",
	AliasHint: ", or share rules through a named policy",
}

// Parse reads a journeyslo file's contents, or a Sloth spec's (see
// [IsSloth] and the package's documentation); name is the file's name for
// messages. It returns every problem of the file, each an [*Error] at its
// line and column, joined with errors.Join; a config it returns is valid
// ([Config.Validate]) and its Objectives make a registry.
func Parse(name string, data []byte) (*Config, error) {
	sloth := IsSloth(data)
	f := format
	if sloth {
		f = slothFormat
	}
	root, err := yamlpos.Document(name, data, f)
	if err != nil {
		return nil, err
	}
	return parseRoot(name, root, sloth)
}

// parseRoot reads a document's root node, a journeyslo file's or a Sloth
// spec's, and validates the config it describes.
func parseRoot(name string, root *yaml.Node, sloth bool) (*Config, error) {
	p := &parser{c: &Config{file: name, pos: map[string]position{}}, broken: map[string]bool{}}
	p.w = &yamlpos.Walker{Bad: p.badErr, At: p.at}
	if sloth {
		p.sloth(root)
	} else {
		p.file(root)
	}
	if p.broken[""] {
		return nil, yamlpos.Sort(p.errs) // not a mapping: nothing to judge
	}
	if len(p.errs) > 0 {
		// Judge what did parse, except what a problem already spoiled.
		p.errs = append(p.errs, p.c.validate(p.broken)...)
		return nil, yamlpos.Sort(p.errs)
	}
	if errs := p.c.validate(nil); len(errs) > 0 {
		return nil, yamlpos.Sort(errs)
	}
	return p.c, nil
}

// parser walks a file's nodes into a Config, keeping every node's place.
type parser struct {
	c    *Config
	w    *yamlpos.Walker
	errs []error
	// broken holds the paths of the nodes that did not parse, whose
	// validation would only repeat the problem.
	broken map[string]bool
}

// bad records a problem at node n, which is at path. The problem spoils
// path: validation says nothing more about it.
func (p *parser) bad(n *yaml.Node, path, format string, args ...any) {
	p.badErr(n, path, errors.New(fmt.Sprintf(format, args...)))
}

// badErr records a problem at node n, which is at path, in the words of
// err (package burnrate's, when it found the problem), spoiling path.
func (p *parser) badErr(n *yaml.Node, path string, err error) {
	p.errs = append(p.errs, yamlpos.At(p.c.file, n, path, err))
	p.broken[path] = true
}

// at records where path is written.
func (p *parser) at(n *yaml.Node, path string) { p.c.pos[path] = position{n.Line, n.Column} }

// fields reads a mapping with the given keys, calling read for each key
// present, in file order (see [yamlpos.Walker.Fields]).
func (p *parser) fields(n *yaml.Node, path, what string, keys []string, read func(key string, v *yaml.Node, path string)) bool {
	_, ok := p.w.Fields(n, path, what, keys, read)
	return ok
}

// scalar returns a scalar's text; an empty value (null) is "".
func (p *parser) scalar(n *yaml.Node, path, what string) (string, bool) {
	return p.w.Scalar(n, path, what, true)
}

// list reads a sequence, calling read for each item; null is an empty
// list.
func (p *parser) list(n *yaml.Node, path, what string, read func(i int, v *yaml.Node, path string)) bool {
	return p.w.List(n, path, what, true, read)
}

// stringList reads a list of strings.
func (p *parser) stringList(n *yaml.Node, path, what string) ([]string, bool) {
	var out []string
	ok := p.list(n, path, what, func(i int, v *yaml.Node, path string) {
		if s, good := p.scalar(v, path, what); good {
			out = append(out, s)
		}
	})
	return out, ok && len(out) == len(n.Content)
}

// file reads the root mapping.
func (p *parser) file(n *yaml.Node) {
	p.fields(n, "", "a journeyslo file", []string{"service!", "policies", "journeys!", "exclusions"}, func(key string, v *yaml.Node, path string) {
		switch key {
		case "exclusions":
			p.list(v, path, "exclusions, each with a reason, start, duration and optional rule and journeys", func(i int, v *yaml.Node, path string) {
				p.c.Exclusions = append(p.c.Exclusions, p.exclusion(v, path))
			})
		case "service":
			p.c.Service, _ = p.scalar(v, path, "the service's name, such as shop")
		case "policies":
			p.policies(v, path)
		case "journeys":
			p.list(v, path, "journeys, each with a name and objectives", func(i int, v *yaml.Node, path string) {
				p.c.Journeys = append(p.c.Journeys, p.journey(v, path))
			})
		}
	})
}

// exclusion reads one planned exclusion:
//
//	reason: database upgrade
//	start: 2026-03-22T03:00:00 Europe/Paris   # or 2026-03-22T02:00:00Z
//	duration: 1h
//	rule: FREQ=WEEKLY;BYDAY=SU;COUNT=10       # optional
//	journeys: [checkout]                      # optional: every journey
func (p *parser) exclusion(n *yaml.Node, path string) slo.Exclusion {
	var e slo.Exclusion
	p.at(n, path)
	p.fields(n, path, "an exclusion", []string{"reason!", "start!", "duration!", "rule", "journeys"}, func(key string, v *yaml.Node, fpath string) {
		switch key {
		case "reason":
			e.Reason, _ = p.scalar(v, fpath, "why, such as database upgrade")
		case "start":
			if s, ok := p.scalar(v, fpath, "a start, such as 2026-03-22T03:00:00 Europe/Paris"); ok {
				t, err := parseStart(s)
				if err != nil {
					p.bad(v, fpath, "%s: %s %v", fpath, yamlpos.Quote(s), err)
				}
				e.Start = t
			}
		case "duration":
			e.Duration, _ = p.w.Window(v, fpath, "a duration", "2h or 30m", true) // zero: Validate says what would be right
		case "rule":
			e.Rule, _ = p.scalar(v, fpath, "an RRULE, such as FREQ=WEEKLY;BYDAY=SU")
		case "journeys":
			e.Journeys, _ = p.stringList(v, fpath, "journey names, such as [checkout]")
		}
	})
	return e
}

// parseStart reads "2026-03-22T03:00:00 Europe/Paris" (a wall-clock time
// in an IANA zone) or an RFC 3339 instant with its offset, kept in UTC:
// an offset is no zone, and a recurrence would not follow its daylight
// saving changes.
func parseStart(s string) (time.Time, error) {
	if wall, zone, ok := strings.Cut(s, " "); ok {
		loc, err := time.LoadLocation(zone)
		if err != nil || zone == "" || zone == "Local" {
			return time.Time{}, fmt.Errorf("names no IANA zone; write one such as 2026-03-22T03:00:00 Europe/Paris")
		}
		t, err := time.ParseInLocation("2006-01-02T15:04:05", wall, loc)
		if err != nil {
			return time.Time{}, fmt.Errorf("is not a wall-clock time and zone; write one such as 2026-03-22T03:00:00 Europe/Paris")
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("is neither a time in a zone nor an RFC 3339 instant; write 2026-03-22T03:00:00 Europe/Paris or 2026-03-22T02:00:00Z")
	}
	return t.UTC(), nil
}

func (p *parser) policies(n *yaml.Node, path string) {
	p.c.Policies = map[string]Policy{}
	p.w.Map(n, path, "a mapping from a policy's name to its rules and minEvents", func(name string, k, v *yaml.Node, ppath string) {
		p.at(k, ppath+"#name")
		var pol Policy
		p.fields(v, ppath, "a policy", []string{"rules", "minEvents"}, func(key string, v *yaml.Node, path string) {
			switch key {
			case "rules":
				pol.Rules = p.rules(v, path)
			case "minEvents":
				pol.MinEvents = p.events(v, path)
			}
		})
		p.c.Policies[name] = pol
	})
}

func (p *parser) rules(n *yaml.Node, path string) []burnrate.Rule {
	var out []burnrate.Rule
	p.list(n, path, "rules, each with severity, long, short and factor", func(i int, v *yaml.Node, path string) {
		var r burnrate.Rule
		p.fields(v, path, "a rule", []string{"name", "severity!", "long!", "short!", "factor!"}, func(key string, v *yaml.Node, path string) {
			switch key {
			case "name":
				r.Name, _ = p.scalar(v, path, "the rule's name, such as page-1h-5m")
			case "severity":
				if s, ok := p.scalar(v, path, "page or ticket"); ok {
					if err := r.Severity.UnmarshalText([]byte(s)); err != nil || r.Severity == burnrate.SeverityOK {
						p.bad(v, path, "%s: severity %s is not one a rule raises; write page or ticket", path, yamlpos.Quote(s))
					}
				}
			case "long":
				r.Long = p.window(v, path)
			case "short":
				r.Short = p.window(v, path)
			case "factor":
				r.Factor = p.number(v, path, "the burn rate at which the rule fires, such as 14.4")
			}
		})
		out = append(out, r)
	})
	return out
}

// window reads a duration such as 30d or 5m (see
// [yamlpos.Walker.Window]).
func (p *parser) window(n *yaml.Node, path string) time.Duration {
	d, _ := p.w.Window(n, path, "a duration", "30d, 1h or 5m", false)
	return d
}

// number reads a finite number.
func (p *parser) number(n *yaml.Node, path, what string) float64 {
	f, _ := p.w.Number(n, path, what)
	return f
}

// events reads a count of events.
func (p *parser) events(n *yaml.Node, path string) *uint64 {
	s, ok := p.scalar(n, path, "a whole number of events, such as 1000")
	if !ok {
		return nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		p.bad(n, path, "%s: %s is not a whole number of events; write one such as 1000, or 0 to turn the low-traffic guard off", path, yamlpos.Quote(s))
		return nil
	}
	return &v
}

// target reads a ratio (0.999) or a percent string ("99.9%").
func (p *parser) target(n *yaml.Node, path string) float64 {
	f, _ := p.w.Target(n, path)
	return f
}

func (p *parser) journey(n *yaml.Node, path string) Journey {
	var j Journey
	p.fields(n, path, "a journey", []string{"name!", "patterns", "methods", "objectives!"}, func(key string, v *yaml.Node, fpath string) {
		switch key {
		case "name":
			j.Name, _ = p.scalar(v, fpath, "the journey's name, such as checkout")
		case "patterns":
			j.Patterns, _ = p.stringList(v, fpath, `ServeMux patterns, such as "POST /cart/checkout"`)
		case "methods":
			j.Methods, _ = p.stringList(v, fpath, `gRPC full method names, such as "/shop.v1.Checkout/Pay"`)
		case "objectives":
			p.list(v, fpath, "objectives, each with a target", func(i int, v *yaml.Node, opath string) {
				j.Objectives = append(j.Objectives, p.objective(v, opath))
			})
		}
	})
	return j
}

func (p *parser) objective(n *yaml.Node, path string) Objective {
	var o Objective
	p.fields(n, path, "an objective", []string{"name", "target!", "period", "latency", "policy", "rules", "minEvents", "runbook", "dashboard", "labels", "source", "groupBy", "noData", "alerting", "slices", "calendar", "composite"},
		func(key string, v *yaml.Node, fpath string) {
			switch key {
			case "name":
				o.Name, _ = p.scalar(v, fpath, "the objective's name, such as availability")
			case "target":
				o.Target = p.target(v, fpath)
			case "period":
				o.Period = p.window(v, fpath)
			case "latency":
				o.Latency = p.window(v, fpath)
			case "policy":
				o.Policy, _ = p.scalar(v, fpath, "the name of a policy under policies")
			case "rules":
				o.Rules = p.rules(v, fpath)
			case "minEvents":
				o.MinEvents = p.events(v, fpath)
			case "runbook":
				o.Runbook, _ = p.scalar(v, fpath, "the runbook's URL, such as https://runbooks.example.com/checkout")
			case "dashboard":
				o.Dashboard, _ = p.scalar(v, fpath, "the dashboard's URL, such as https://grafana.example.com/d/checkout")
			case "labels":
				o.Labels = p.labels(v, fpath)
			case "source":
				o.Source = p.source(v, fpath)
			case "groupBy":
				o.GroupBy, _ = p.stringList(v, fpath, "label names, such as [cluster]")
			case "noData":
				o.NoData = p.noData(v, fpath)
			case "alerting":
				o.Alerting = p.alerting(v, fpath)
			case "slices":
				o.Slices = p.slices(v, fpath)
			case "calendar":
				o.Calendar = p.calendar(v, fpath)
			case "composite":
				o.Composite = p.composite(v, fpath)
			}
		})
	return o
}

// calendar reads {unit: month, start: "2026-01-01 00:00:00", timeZone:
// Europe/Paris}.
func (p *parser) calendar(n *yaml.Node, path string) *slo.Calendar {
	var unit, start, zone string
	var unitNode *yaml.Node
	ok := p.fields(n, path, "a calendar, such as {unit: month, start: \"2026-01-01 00:00:00\", timeZone: Europe/Paris}", []string{"unit!", "start!", "timeZone!"},
		func(key string, v *yaml.Node, fpath string) {
			switch key {
			case "unit":
				unit, _ = p.scalar(v, fpath, "week, month or quarter")
				unitNode = v
			case "start":
				start, _ = p.scalar(v, fpath, "a wall-clock time, such as \"2026-01-01 00:00:00\"")
			case "timeZone":
				zone, _ = p.scalar(v, fpath, "an IANA zone, such as Europe/Paris")
			}
		})
	if !ok || p.broken[path] {
		return nil
	}
	var u slo.CalendarUnit
	if err := u.UnmarshalText([]byte(unit)); err != nil {
		p.bad(unitNode, path+".unit", "calendar unit %s is none; write week, month or quarter", yamlpos.Quote(unit))
		return nil
	}
	c, err := slo.ParseCalendar(u, start, zone)
	if err != nil {
		p.badErr(n, path, err)
		return nil
	}
	return &c
}

func (p *parser) labels(n *yaml.Node, path string) map[string]string {
	out := map[string]string{}
	ok := p.w.Map(n, path, "a mapping from label name to value, such as {team: payments}", func(name string, k, v *yaml.Node, lpath string) {
		if value, ok := p.scalar(v, lpath, "a label value"); ok {
			p.at(k, lpath)
			out[name] = value
		}
	})
	if !ok {
		return nil
	}
	return out
}

// composite reads {components: [{journey: checkout, objective:
// availability, weight: 2}, ...]}.
func (p *parser) composite(n *yaml.Node, path string) *slo.Composite {
	c := &slo.Composite{}
	p.fields(n, path, "a composite, such as {components: [{journey: checkout, weight: 2}]}", []string{"components!"}, func(key string, v *yaml.Node, fpath string) {
		p.list(v, fpath, "the composite's components, each {journey, objective, weight}", func(i int, v *yaml.Node, cpath string) {
			var k slo.Component
			p.fields(v, cpath, "a component, such as {journey: checkout, weight: 2}", []string{"journey!", "objective", "weight"}, func(key string, v *yaml.Node, kpath string) {
				switch key {
				case "journey":
					k.Journey, _ = p.scalar(v, kpath, "the component's journey, such as checkout")
				case "objective":
					k.Objective, _ = p.scalar(v, kpath, "the component's objective name, such as availability")
				case "weight":
					k.Weight = p.number(v, kpath, "a positive weight, such as 2 or 0.5")
				}
			})
			c.Components = append(c.Components, k)
		})
	})
	return c
}

// source reads an objective's source: two of good, bad and total, or
// errorRatio alone (slo.Objective.Validate says which are missing).
func (p *parser) source(n *yaml.Node, path string) *slo.Source {
	var s slo.Source
	const what = "a PromQL selector of counters, or an expression over {{.window}}"
	p.fields(n, path, "a source", []string{"good", "bad", "total", "errorRatio"}, func(key string, v *yaml.Node, path string) {
		q, _ := p.scalar(v, path, what)
		switch key {
		case "good":
			s.Good = q
		case "bad":
			s.Bad = q
		case "total":
			s.Total = q
		case "errorRatio":
			s.ErrorRatio = q
		}
	})
	return &s
}

// noData reads an objective's noData: after and severity.
func (p *parser) noData(n *yaml.Node, path string) slo.NoData {
	var nd slo.NoData
	p.fields(n, path, "a no-data alert", []string{"after!", "severity"}, func(key string, v *yaml.Node, path string) {
		switch key {
		case "after":
			nd.After, _ = p.w.Window(v, path, "how long the counters may be missing", "10m", true)
		case "severity":
			nd.Severity = p.severity(v, path)
		}
	})
	return nd
}

// severity reads page or ticket.
func (p *parser) severity(n *yaml.Node, path string) burnrate.Severity {
	var sev burnrate.Severity
	if s, ok := p.scalar(n, path, "page or ticket"); ok {
		if err := sev.UnmarshalText([]byte(s)); err != nil || sev == burnrate.SeverityOK {
			p.bad(n, path, "%s: severity %s is not one an alert raises; write page or ticket", path, yamlpos.Quote(s))
		}
	}
	return sev
}

// alerting reads an objective's alerting: the alerts' name, labels and
// annotations, and those of each severity.
func (p *parser) alerting(n *yaml.Node, path string) *slo.Alerting {
	var a slo.Alerting
	p.fields(n, path, "an alerting", []string{"name", "labels", "annotations", "page", "ticket"}, func(key string, v *yaml.Node, path string) {
		switch key {
		case "name":
			a.Name, _ = p.scalar(v, path, "the alerts' name, such as CheckoutErrorBudgetBurn")
		case "labels":
			a.Labels = nilIfEmpty(p.labels(v, path))
		case "annotations":
			a.Annotations = p.annotations(v, path)
		case "page":
			a.Page = p.alertSeverity(v, path)
		case "ticket":
			a.Ticket = p.alertSeverity(v, path)
		}
	})
	return &a
}

// alertSeverity reads the labels, annotations and disable of the alert of
// one severity.
func (p *parser) alertSeverity(n *yaml.Node, path string) slo.AlertSeverity {
	var a slo.AlertSeverity
	p.fields(n, path, "a severity's alert", []string{"labels", "annotations", "disable"}, func(key string, v *yaml.Node, path string) {
		switch key {
		case "labels":
			a.Labels = nilIfEmpty(p.labels(v, path))
		case "annotations":
			a.Annotations = p.annotations(v, path)
		case "disable":
			a.Disable = p.boolean(v, path)
		}
	})
	return a
}

// annotations reads a mapping of annotations, whose values may be empty.
func (p *parser) annotations(n *yaml.Node, path string) map[string]string {
	out := map[string]string{}
	if !p.w.Map(n, path, "a mapping from annotation name to text, such as {summary: ...}", func(name string, k, v *yaml.Node, apath string) {
		if value, ok := p.scalar(v, apath, "an annotation's text"); ok {
			p.at(k, apath)
			out[name] = value
		}
	}) {
		return nil
	}
	return nilIfEmpty(out)
}

// nilIfEmpty returns m, or nil when it is empty, as Marshal leaves an
// empty mapping out and Parse reads it back.
func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// boolean reads true or false.
func (p *parser) boolean(n *yaml.Node, path string) bool {
	s, ok := p.w.Scalar(n, path, "true or false", false)
	if !ok {
		return false
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	}
	p.bad(n, path, "%s: %s is not true or false; write true or false", path, yamlpos.Quote(s))
	return false
}

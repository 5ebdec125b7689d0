package slobacktest

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/internal/yamlpos"
)

// ParseScenario reads a [Scenario] from YAML, such as
//
//	journey: checkout
//	start: 2026-03-01T00:00:00Z
//	length: 7d
//	step: 1m          # optional; 1m when left out
//	rate: 1000/m      # events a second as a number, or N/s, N/m or N/h
//	diurnal: 0.5      # optional; 0 (steady) when left out
//	errorRatio: 0.05% # optional; a share (0.0005) or a percent
//	slow: 1%          # optional; the share of the events that succeed which are slow
//	slowLatency: 800ms # how long a slow event takes; needed with slow events
//	incidents:        # optional
//	  - start: 2026-03-03T14:00:00Z
//	    duration: 30m
//	    errorRatio: 100%
//	    slow: 0         # optional; the share slow during it
//
// Durations are written as burnrate.ParseWindow reads them ("30m", "7d"),
// instants as RFC 3339. name is the file's name, for errors: each is a
// [sloconfig.Error] at the place of the problem, saying what would be
// right; several are joined, in file order.
func ParseScenario(name string, data []byte) (Scenario, error) {
	p := scenarioParser{file: name, pos: map[string]*yaml.Node{}}
	p.w = &yamlpos.Walker{Bad: p.badErr, At: func(n *yaml.Node, path string) { p.pos[path] = n }}
	root, err := yamlpos.Document(name, data, scenarioFormat)
	if err != nil {
		return Scenario{}, err
	}
	s := p.scenario(root)
	if len(p.errs) == 0 {
		// What needs several fields together: the step against the
		// length, incidents against the traffic and one another.
		for _, err := range errorsOf(s.Validate()) {
			var fe *fieldError
			if errors.As(err, &fe) {
				n := p.pos[fe.field]
				if n == nil {
					n = root
				}
				p.bad(n, fe.field, "%s", fe.msg)
			}
		}
	}
	if len(p.errs) > 0 {
		return Scenario{}, yamlpos.Sort(p.errs)
	}
	return s, nil
}

// scenarioFormat is what a scenario file holds, for yamlpos's messages.
var scenarioFormat = yamlpos.Format{
	Empty: "a scenario has a journey, start, length and rate",
	One:   "a scenario file holds one YAML document; this is a second one",
}

// errorsOf returns the errors that err joins, or err alone.
func errorsOf(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// scenarioParser reads a scenario's YAML nodes, gathering problems.
type scenarioParser struct {
	file string
	w    *yamlpos.Walker
	errs []error
	// pos holds the node of every field read, by path, to place the
	// problems that Scenario.Validate finds.
	pos map[string]*yaml.Node
}

// badErr records a problem at node n, which is at path, in the words of
// err; the message starts with the path, as yamlpos's do.
func (p *scenarioParser) badErr(n *yaml.Node, path string, err error) {
	p.errs = append(p.errs, yamlpos.At(p.file, n, path, err))
}

// bad records a problem at the field at path, whose node is n.
func (p *scenarioParser) bad(n *yaml.Node, path, format string, args ...any) {
	p.badErr(n, path, fmt.Errorf("%s: %s", yamlpos.Label(path), fmt.Sprintf(format, args...)))
}

// mapping calls read for each field of the mapping n (see
// yamlpos.Walker.Fields).
func (p *scenarioParser) mapping(n *yaml.Node, path, what string, keys []string, read func(key string, v *yaml.Node, path string)) {
	p.w.Fields(n, path, what, keys, read)
}

// scalar returns a scalar's text, or false after reporting that n is not
// one.
func (p *scenarioParser) scalar(n *yaml.Node, field, want string) (string, bool) {
	return p.w.Scalar(n, field, want, false)
}

func (p *scenarioParser) scenario(n *yaml.Node) Scenario {
	var s Scenario
	p.mapping(n, "", "a scenario", []string{"journey!", "start!", "length!", "step", "rate!", "diurnal", "errorRatio", "slow", "slowLatency", "incidents"}, func(key string, v *yaml.Node, field string) {
		switch key {
		case "journey":
			s.Journey, _ = p.scalar(v, field, "the journey's name, such as checkout")
		case "start":
			s.Start = p.instant(v, field)
		case "length":
			s.Length = p.duration(v, field, "how long the traffic runs", "7d")
		case "step":
			s.Step = p.duration(v, field, "the interval each sample covers", "1m")
		case "rate":
			s.Rate = p.rate(v, field)
		case "diurnal":
			s.Diurnal = p.share(v, field, "0.5", "50%")
		case "errorRatio":
			s.ErrorRatio = p.share(v, field, "0.0005", "0.05%")
		case "slow":
			s.Slow = p.share(v, field, "0.01", "1%")
		case "slowLatency":
			s.SlowLatency = p.latency(v, field)
		case "incidents":
			p.w.List(v, field, "incidents, each with a start, duration and errorRatio", false, func(i int, item *yaml.Node, path string) {
				p.pos[path] = item
				s.Incidents = append(s.Incidents, p.incident(item, path))
			})
		}
	})
	return s
}

func (p *scenarioParser) incident(n *yaml.Node, path string) Incident {
	var in Incident
	p.mapping(n, path, "an incident", []string{"journey", "start!", "duration!", "errorRatio!", "slow"}, func(key string, v *yaml.Node, field string) {
		switch key {
		case "journey":
			in.Journey, _ = p.scalar(v, field, "the scenario's journey, or nothing")
		case "start":
			in.Start = p.instant(v, field)
		case "duration":
			in.Duration = p.duration(v, field, "how long it lasts", "30m")
		case "errorRatio":
			in.ErrorRatio = p.share(v, field, "1", "100%")
		case "slow":
			in.Slow = p.share(v, field, "0.8", "80%")
		}
	})
	return in
}

func (p *scenarioParser) instant(n *yaml.Node, field string) time.Time {
	text, ok := p.scalar(n, field, "an RFC 3339 instant, such as 2026-03-01T00:00:00Z")
	if !ok {
		return time.Time{}
	}
	t, err := parseTime(text)
	if err != nil {
		p.bad(n, field, "%v", err)
	}
	return t
}

// duration reads a duration such as 30m (see [yamlpos.Walker.Window]).
func (p *scenarioParser) duration(n *yaml.Node, field, what, example string) time.Duration {
	d, _ := p.w.Window(n, field, what, example, false)
	return d
}

// latency reads how long an event takes, as time.ParseDuration reads it.
func (p *scenarioParser) latency(n *yaml.Node, field string) time.Duration {
	const want = "how long a slow event takes, such as 800ms"
	text, ok := p.scalar(n, field, want)
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(text)
	if err != nil {
		p.bad(n, field, "%s is not a duration; write %s", yamlpos.Quote(text), want)
	}
	return d
}

// share reads a share from 0 to 1, or a percent from 0% to 100% (see
// [yamlpos.Walker.Fraction]).
func (p *scenarioParser) share(n *yaml.Node, field, example, examplePct string) float64 {
	f, _ := p.w.Fraction(n, field, example, examplePct)
	return f
}

// rate reads events a second, or N/s, N/m or N/h.
func (p *scenarioParser) rate(n *yaml.Node, field string) float64 {
	const want = "the mean events a second, such as 16.7, or a number an interval, such as 1000/m"
	text, ok := p.scalar(n, field, want)
	if !ok {
		return 0
	}
	num, unit, per := strings.Cut(strings.ReplaceAll(text, " ", ""), "/")
	f, ok := p.w.NumberText(n, field, num, want)
	if !ok {
		return 0
	}
	if per {
		switch unit {
		case "s":
		case "m":
			f /= 60
		case "h":
			f /= 3600
		default:
			p.bad(n, field, "%s has the unit %s; write events a second (/s), a minute (/m) or an hour (/h), such as 1000/m", yamlpos.Quote(text), yamlpos.Quote(unit))
			return 0
		}
	}
	if f <= 0 {
		p.bad(n, field, "%s is not more than 0; write %s", text, want)
	}
	return f
}

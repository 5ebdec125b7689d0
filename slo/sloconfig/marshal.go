package sloconfig

import (
	"bytes"
	"fmt"
	"maps"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// The file's shapes, for writing: durations as burnrate.FormatWindow
// writes them, fields in the order a reviewer reads them.
type (
	fileOut struct {
		Service  string               `yaml:"service"`
		Policies map[string]policyOut `yaml:"policies,omitempty"`
		Journeys []journeyOut         `yaml:"journeys"`
		// Exclusions as parseStart reads them back.
		Exclusions []exclusionOut `yaml:"exclusions,omitempty"`
	}
	exclusionOut struct {
		Reason   string   `yaml:"reason"`
		Start    string   `yaml:"start"`
		Duration string   `yaml:"duration"`
		Rule     string   `yaml:"rule,omitempty"`
		Journeys []string `yaml:"journeys,omitempty"`
	}
	policyOut struct {
		MinEvents *uint64   `yaml:"minEvents,omitempty"`
		Rules     []ruleOut `yaml:"rules,omitempty"`
	}
	ruleOut struct {
		Name     string  `yaml:"name,omitempty"`
		Severity string  `yaml:"severity"`
		Long     string  `yaml:"long"`
		Short    string  `yaml:"short"`
		Factor   float64 `yaml:"factor"`
	}
	journeyOut struct {
		Name       string         `yaml:"name"`
		Patterns   []string       `yaml:"patterns,omitempty"`
		Methods    []string       `yaml:"methods,omitempty"`
		Objectives []objectiveOut `yaml:"objectives"`
	}
	objectiveOut struct {
		Name      string            `yaml:"name,omitempty"`
		Target    float64           `yaml:"target"`
		Period    string            `yaml:"period,omitempty"`
		Latency   string            `yaml:"latency,omitempty"`
		Policy    string            `yaml:"policy,omitempty"`
		MinEvents *uint64           `yaml:"minEvents,omitempty"`
		Rules     []ruleOut         `yaml:"rules,omitempty"`
		Runbook   string            `yaml:"runbook,omitempty"`
		Dashboard string            `yaml:"dashboard,omitempty"`
		Labels    map[string]string `yaml:"labels,omitempty"`
		Source    *sourceOut        `yaml:"source,omitempty"`
		GroupBy   []string          `yaml:"groupBy,omitempty"`
		NoData    *noDataOut        `yaml:"noData,omitempty"`
		Alerting  *slo.Alerting     `yaml:"alerting,omitempty"`
		Slices    *slicesOut        `yaml:"slices,omitempty"`
		Calendar  *calendarOut      `yaml:"calendar,omitempty"`
		Composite *compositeOut     `yaml:"composite,omitempty"`
	}
	compositeOut struct {
		Components []componentOut `yaml:"components"`
	}
	componentOut struct {
		Journey   string  `yaml:"journey"`
		Objective string  `yaml:"objective,omitempty"`
		Weight    float64 `yaml:"weight,omitempty"`
	}
	calendarOut struct {
		Unit     string `yaml:"unit"`
		Start    string `yaml:"start"`
		TimeZone string `yaml:"timeZone"`
	}
	sourceOut struct {
		Good       string `yaml:"good,omitempty"`
		Bad        string `yaml:"bad,omitempty"`
		Total      string `yaml:"total,omitempty"`
		ErrorRatio string `yaml:"errorRatio,omitempty"`
	}
	noDataOut struct {
		After    string `yaml:"after"`
		Severity string `yaml:"severity,omitempty"`
	}
)

// Marshal writes the config as a journeyslo file, which [Parse] reads back
// to an equal config: targets as ratios (0.999), durations as
// burnrate.FormatWindow writes them ("30d", "300ms"), zero fields left
// out. It refuses a config that [Config.Validate] refuses, so that every
// file it writes loads, and no NaN or infinity is ever written.
func (c *Config) Marshal() ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("sloconfig: Marshal: %w", err)
	}
	out := fileOut{Service: c.Service}
	if len(c.Policies) > 0 {
		out.Policies = make(map[string]policyOut, len(c.Policies))
		for name, p := range c.Policies {
			out.Policies[name] = policyOut{MinEvents: p.MinEvents, Rules: rulesOut(p.Rules)}
		}
	}
	for _, j := range c.Journeys {
		jo := journeyOut{Name: j.Name, Patterns: j.Patterns, Methods: j.Methods}
		for _, o := range j.Objectives {
			jo.Objectives = append(jo.Objectives, objectiveOut{
				Name:      o.Name,
				Target:    o.Target,
				Period:    window(o.Period),
				Latency:   window(o.Latency),
				Policy:    o.Policy,
				MinEvents: o.MinEvents,
				Rules:     rulesOut(o.Rules),
				Runbook:   o.Runbook,
				Dashboard: o.Dashboard,
				Labels:    maps.Clone(o.Labels),
				Calendar:  calendarOf(o.Calendar),
				Composite: compositeOf(o.Composite),
				Source:    sourceOf(o.Source),
				GroupBy:   o.GroupBy,
				NoData:    noDataOf(o.NoData),
				Alerting:  o.Alerting,
				Slices:    slicesOf(o.Slices),
			})
		}
		out.Journeys = append(out.Journeys, jo)
	}
	for _, e := range c.Exclusions {
		start := e.Start.UTC().Format(time.RFC3339)
		if loc := e.Start.Location(); loc != time.UTC && loc != time.Local {
			start = e.Start.Format("2006-01-02T15:04:05") + " " + loc.String()
		}
		out.Exclusions = append(out.Exclusions, exclusionOut{Reason: e.Reason, Start: start, Duration: window(e.Duration), Rule: e.Rule, Journeys: e.Journeys})
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("sloconfig: Marshal: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("sloconfig: Marshal: %w", err)
	}
	return b.Bytes(), nil
}

func rulesOut(rules []burnrate.Rule) []ruleOut {
	var out []ruleOut
	for _, r := range rules {
		out = append(out, ruleOut{Name: r.Name, Severity: r.Severity.String(), Long: window(r.Long), Short: window(r.Short), Factor: r.Factor})
	}
	return out
}

// window writes a duration for a file; zero is left out.
func window(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return burnrate.FormatWindow(d)
}

// calendarOf writes a calendar as the parser reads it.
func calendarOf(c *slo.Calendar) *calendarOut {
	if c == nil {
		return nil
	}
	return &calendarOut{Unit: c.Unit.String(), Start: c.Start.Format(slo.CalendarLayout), TimeZone: c.Zone()}
}

// compositeOf writes a composite as the parser reads it.
func compositeOf(c *slo.Composite) *compositeOut {
	if c == nil {
		return nil
	}
	out := &compositeOut{Components: []componentOut{}}
	for _, k := range c.Components {
		out.Components = append(out.Components, componentOut{Journey: k.Journey, Objective: k.Objective, Weight: k.Weight})
	}
	return out
}
func sourceOf(s *slo.Source) *sourceOut {
	if s == nil {
		return nil
	}
	return &sourceOut{Good: s.Good, Bad: s.Bad, Total: s.Total, ErrorRatio: s.ErrorRatio}
}

func noDataOf(nd slo.NoData) *noDataOut {
	if nd == (slo.NoData{}) {
		return nil
	}
	out := &noDataOut{After: window(nd.After)}
	if out.After == "" {
		out.After = "0s"
	}
	if nd.Severity != burnrate.SeverityOK {
		out.Severity = nd.Severity.String()
	}
	return out
}

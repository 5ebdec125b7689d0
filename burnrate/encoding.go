package burnrate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// The JSON and YAML shapes of the package's values. Durations are strings
// as FormatWindow writes them ("1h", "5m") and ParseWindow reads them; a
// zero duration is left out. Numbers that are NaN or infinite, which a
// valid rule never holds, are written as null, never as a value a reader
// would choke on, and null reads back as 0. Rules and policies are
// configuration: reading one refuses unknown fields, so that a misspelt
// field is an error rather than a default.
//
// Rules and policies, which users write in files, also read and write as
// YAML, through the methods of the YAML libraries' interfaces that need no
// import (MarshalYAML returning a value, and UnmarshalYAML taking an
// unmarshal function), so this package stays on the standard library. A
// Burn is a report: JSON only.
type (
	ruleShape struct {
		Name     string   `json:"name,omitempty" yaml:"name,omitempty"`
		Severity Severity `json:"severity" yaml:"severity"`
		Long     string   `json:"long,omitempty" yaml:"long,omitempty"`
		Short    string   `json:"short,omitempty" yaml:"short,omitempty"`
		Factor   *float64 `json:"factor" yaml:"factor"`
	}
	policyShape struct {
		Rules     []Rule `json:"rules,omitempty" yaml:"rules,omitempty"`
		MinEvents uint64 `json:"minEvents,omitempty" yaml:"minEvents,omitempty"`
	}
	burnShape struct {
		Window string   `json:"window" yaml:"window"`
		Good   *float64 `json:"good" yaml:"good"`
		Bad    *float64 `json:"bad" yaml:"bad"`
		Rate   *float64 `json:"burnRate" yaml:"burnRate"`
		NoData bool     `json:"noData" yaml:"noData"`
	}
)

// finite returns a pointer to x, or nil when x is NaN or infinite: the
// value to encode where JSON and YAML must never hold either.
func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// formatDuration writes a duration for JSON and YAML: "" for zero (left
// out), else as FormatWindow writes it.
func formatDuration(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return FormatWindow(d)
}

// parseDuration reads what formatDuration and FormatWindow write: "" and
// "0s" are zero.
func parseDuration(field, s string) (time.Duration, error) {
	if s == "" || s == "0s" {
		return 0, nil
	}
	d, err := ParseWindow(s)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", field, err)
	}
	return d, nil
}

// strict decodes JSON into v, refusing unknown fields.
func strict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

func (r Rule) shape() ruleShape {
	return ruleShape{Name: r.Name, Severity: r.Severity, Long: formatDuration(r.Long), Short: formatDuration(r.Short), Factor: finite(r.Factor)}
}

func (s ruleShape) rule() (Rule, error) {
	r := Rule{Name: s.Name, Severity: s.Severity, Factor: deref(s.Factor)}
	var err error
	if r.Long, err = parseDuration("long", s.Long); err != nil {
		return Rule{}, err
	}
	if r.Short, err = parseDuration("short", s.Short); err != nil {
		return Rule{}, err
	}
	return r, nil
}

// MarshalJSON encodes the rule as
// {"name": "page-1h-5m", "severity": "page", "long": "1h", "short": "5m", "factor": 14.4},
// leaving out an empty name and zero windows, and writing a NaN or infinite
// factor as null.
func (r Rule) MarshalJSON() ([]byte, error) { return json.Marshal(r.shape()) }

// UnmarshalJSON decodes what MarshalJSON encodes, refusing unknown fields.
func (r *Rule) UnmarshalJSON(b []byte) error {
	var s ruleShape
	if err := strict(b, &s); err != nil {
		return err
	}
	v, err := s.rule()
	if err == nil {
		*r = v
	}
	return err
}

// MarshalYAML encodes the rule with the fields of MarshalJSON.
func (r Rule) MarshalYAML() (any, error) { return r.shape(), nil }

// UnmarshalYAML decodes what MarshalYAML encodes.
func (r *Rule) UnmarshalYAML(unmarshal func(any) error) error {
	var s ruleShape
	if err := unmarshal(&s); err != nil {
		return err
	}
	v, err := s.rule()
	if err == nil {
		*r = v
	}
	return err
}

// MarshalJSON encodes the policy as {"rules": [...], "minEvents": 1000},
// leaving out no rules and a zero guard.
func (p Policy) MarshalJSON() ([]byte, error) { return json.Marshal(policyShape(p)) }

// UnmarshalJSON decodes what MarshalJSON encodes, refusing unknown fields.
func (p *Policy) UnmarshalJSON(b []byte) error {
	var s policyShape
	if err := strict(b, &s); err != nil {
		return err
	}
	*p = Policy(s)
	return nil
}

// MarshalYAML encodes the policy with the fields of MarshalJSON.
func (p Policy) MarshalYAML() (any, error) { return policyShape(p), nil }

// UnmarshalYAML decodes what MarshalYAML encodes.
func (p *Policy) UnmarshalYAML(unmarshal func(any) error) error {
	var s policyShape
	if err := unmarshal(&s); err != nil {
		return err
	}
	*p = Policy(s)
	return nil
}

func (b Burn) shape() burnShape {
	return burnShape{Window: FormatWindow(b.Window), Good: finite(b.Good), Bad: finite(b.Bad), Rate: finite(b.Rate), NoData: b.NoData}
}

func (s burnShape) burn() (Burn, error) {
	w, err := parseDuration("window", s.Window)
	return Burn{Window: w, Good: deref(s.Good), Bad: deref(s.Bad), Rate: deref(s.Rate), NoData: s.NoData}, err
}

// MarshalJSON encodes the burn as
// {"window": "5m", "good": 5700, "bad": 300, "burnRate": 52.6, "noData": false},
// with the counts as the Source gave them (fractional when it counts part
// of a bucket), so that they read back exactly.
func (b Burn) MarshalJSON() ([]byte, error) { return json.Marshal(b.shape()) }

// UnmarshalJSON decodes what MarshalJSON encodes. As a report, not
// configuration, a burn ignores fields it does not know.
func (b *Burn) UnmarshalJSON(data []byte) error {
	var s burnShape
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	v, err := s.burn()
	if err == nil {
		*b = v
	}
	return err
}

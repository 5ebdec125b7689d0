package slo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/figure"
)

// The JSON and YAML shapes of Objective, Status and RuleStatus: one shape
// for every output, the status page's JSON and the health check included.
//
//   - Durations are strings as burnrate.FormatWindow writes them ("30d",
//     "5m", "300ms") and burnrate.ParseWindow reads them; a zero duration
//     is left out, except a Status's timeToExhaustion, which is "0s" when
//     the budget is spent and null when it is not burning (burnrate.Never).
//   - Instants are RFC 3339 in UTC, to the nanosecond.
//   - A Status's figures (its own, its windows' and its rules') are
//     written to 12 significant digits, whole counts as they are, so that
//     float noise never shows: 0.46, not 0.45999999999999996. A status
//     read back therefore equals the one written to 12 digits, and writes
//     the same text again.
//   - A number that is NaN or infinite is written as null, and reads back
//     as 0; a Status never holds one. A Status's sli is null when the period
//     holds no event (NoData), and reads back as 1, its value then.
//   - An Objective is configuration: reading one refuses unknown fields. A
//     Status is a report: reading one ignores fields it does not know, so
//     that a newer writer's report still reads.
//
// An Objective, the one definition users write in files, also reads and
// writes as YAML, through the methods of the YAML libraries' interfaces
// that need no import (MarshalYAML returning a value, UnmarshalYAML taking
// an unmarshal function), so the package depends on no YAML library.
// Reports (Status, Episode, Review, Outlook) are JSON: one shape to read.
type (
	objectiveShape struct {
		Journey string            `json:"journey" yaml:"journey"`
		Name    string            `json:"name,omitempty" yaml:"name,omitempty"`
		Target  *float64          `json:"target" yaml:"target"`
		Period  string            `json:"period,omitempty" yaml:"period,omitempty"`
		Latency string            `json:"latency,omitempty" yaml:"latency,omitempty"`
		Policy  *burnrate.Policy  `json:"policy,omitempty" yaml:"policy,omitempty"`
		Runbook string            `json:"runbook,omitempty" yaml:"runbook,omitempty"`
		Labels  map[string]string `json:"labels,omitempty" yaml:"labels,omitempty"`

		Dashboard string `json:"dashboard,omitempty" yaml:"dashboard,omitempty"`

		Source   *sourceShape `json:"source,omitempty" yaml:"source,omitempty"`
		GroupBy  []string     `json:"groupBy,omitempty" yaml:"groupBy,omitempty"`
		NoData   *noDataShape `json:"noData,omitempty" yaml:"noData,omitempty"`
		Alerting *Alerting    `json:"alerting,omitempty" yaml:"alerting,omitempty"`

		Slices    *slicesShape    `json:"slices,omitempty" yaml:"slices,omitempty"`
		Calendar  *calendarShape  `json:"calendar,omitempty" yaml:"calendar,omitempty"`
		Composite *compositeShape `json:"composite,omitempty" yaml:"composite,omitempty"`
	}
	sourceShape struct {
		Good       string `json:"good,omitempty" yaml:"good,omitempty"`
		Bad        string `json:"bad,omitempty" yaml:"bad,omitempty"`
		Total      string `json:"total,omitempty" yaml:"total,omitempty"`
		ErrorRatio string `json:"errorRatio,omitempty" yaml:"errorRatio,omitempty"`
	}
	noDataShape struct {
		After    string            `json:"after" yaml:"after"`
		Severity burnrate.Severity `json:"severity,omitempty" yaml:"severity,omitempty"`
	}
	statusShape struct {
		Journey          string            `json:"journey" yaml:"journey"`
		Objective        string            `json:"objective" yaml:"objective"`
		Target           *float64          `json:"target" yaml:"target"`
		Period           string            `json:"period" yaml:"period"`
		Latency          string            `json:"latency,omitempty" yaml:"latency,omitempty"`
		Slices           *slicesShape      `json:"slices,omitempty" yaml:"slices,omitempty"`
		Time             string            `json:"time" yaml:"time"`
		PeriodStart      *string           `json:"periodStart,omitempty" yaml:"periodStart,omitempty"`
		PeriodEnd        *string           `json:"periodEnd,omitempty" yaml:"periodEnd,omitempty"`
		Good             uint64            `json:"good" yaml:"good"`
		Bad              uint64            `json:"bad" yaml:"bad"`
		TotalGood        uint64            `json:"totalGood" yaml:"totalGood"`
		TotalBad         uint64            `json:"totalBad" yaml:"totalBad"`
		TotalExcluded    uint64            `json:"totalExcluded,omitempty" yaml:"totalExcluded,omitempty"`
		SLI              *float64          `json:"sli" yaml:"sli"`
		NoData           bool              `json:"noData" yaml:"noData"`
		MinEvents        uint64            `json:"minEvents" yaml:"minEvents"`
		Covered          string            `json:"covered,omitempty" yaml:"covered,omitempty"`
		MinCovered       string            `json:"minCovered,omitempty" yaml:"minCovered,omitempty"`
		Budget           *BudgetState      `json:"budget" yaml:"budget"` // nil (absent) from writers before it
		BudgetRemaining  *float64          `json:"budgetRemaining" yaml:"budgetRemaining"`
		TimeToExhaustion *string           `json:"timeToExhaustion" yaml:"timeToExhaustion"`
		ExhaustionWindow string            `json:"exhaustionWindow" yaml:"exhaustionWindow"`
		State            burnrate.Severity `json:"state" yaml:"state"`
		Rule             string            `json:"rule,omitempty" yaml:"rule,omitempty"`
		Since            string            `json:"since" yaml:"since"`
		Windows          []burnrate.Burn   `json:"windows" yaml:"windows"`
		Rules            []RuleStatus      `json:"rules" yaml:"rules"`
	}
	ruleStatusShape struct {
		Name          string            `json:"name" yaml:"name"`
		Severity      burnrate.Severity `json:"severity" yaml:"severity"`
		Long          string            `json:"long" yaml:"long"`
		Short         string            `json:"short" yaml:"short"`
		Factor        *float64          `json:"factor" yaml:"factor"`
		LongBurnRate  *float64          `json:"longBurnRate" yaml:"longBurnRate"`
		ShortBurnRate *float64          `json:"shortBurnRate" yaml:"shortBurnRate"`
		Burning       bool              `json:"burning" yaml:"burning"`
		Firing        bool              `json:"firing" yaml:"firing"`
	}
)

// finiteOrNull returns a pointer to x, or nil (null) when x is NaN or infinite.
func finiteOrNull(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// tidyBurns returns a copy of bs with every figure tidied, for
// burnrate.Burn's own encoding to write. Nil stays nil, so that a status
// without windows writes null as before.
func tidyBurns(bs []burnrate.Burn) []burnrate.Burn {
	if bs == nil {
		return nil
	}
	out := make([]burnrate.Burn, len(bs))
	for i, b := range bs {
		b.Good, b.Bad, b.Rate = figure.Tidy(b.Good), figure.Tidy(b.Bad), figure.Tidy(b.Rate)
		out[i] = b
	}
	return out
}

func deref(p *float64, null float64) float64 {
	if p == nil {
		return null
	}
	return *p
}

// duration writes d; zero is "", left out.
func duration(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return burnrate.FormatWindow(d)
}

// parseDuration reads what duration writes, naming the field in errors.
func parseDuration(field, s string) (time.Duration, error) {
	if s == "" || s == "0s" {
		return 0, nil
	}
	d, err := burnrate.ParseWindow(s)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", field, err)
	}
	return d, nil
}

// instant writes t in RFC 3339, in UTC, to the nanosecond.
func instant(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// instantOrNull writes t as instant does, and the zero instant as null.
func instantOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := instant(t)
	return &s
}

func parseInstant(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not an RFC 3339 instant, such as 2026-03-01T00:00:00Z", field, s)
	}
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		// Written in UTC it would need a year RFC 3339 cannot hold.
		return time.Time{}, fmt.Errorf("%s %q is outside the years 0 to 9999 in UTC", field, s)
	}
	return t, nil
}

func (o Objective) shape() objectiveShape {
	s := objectiveShape{
		Journey: o.Journey, Name: o.Name, Target: finiteOrNull(o.Target),
		Period: duration(o.Period), Latency: duration(o.Latency),
		Runbook: o.Runbook, Dashboard: o.Dashboard, Labels: o.Labels,
		Slices: o.Slices.shape(),
	}
	if len(o.Policy.Rules) > 0 || o.Policy.MinEvents != 0 {
		p := o.Policy
		s.Policy = &p
	}
	if o.Source != nil && !o.Source.IsZero() {
		s.Source = &sourceShape{Good: o.Source.Good, Bad: o.Source.Bad, Total: o.Source.Total, ErrorRatio: o.Source.ErrorRatio}
	}
	s.GroupBy = o.GroupBy
	if o.NoData != (NoData{}) {
		s.NoData = &noDataShape{After: duration(o.NoData.After), Severity: o.NoData.Severity}
	}
	s.Alerting = o.Alerting
	s.Calendar = o.calendarShape()
	s.Composite = o.compositeShape()
	return s
}

func (s objectiveShape) objective() (Objective, error) {
	o := Objective{Journey: s.Journey, Name: s.Name, Target: deref(s.Target, 0), Runbook: s.Runbook, Dashboard: s.Dashboard, Labels: s.Labels}
	if s.Policy != nil {
		o.Policy = *s.Policy
	}
	var f fields
	o.Period, o.Latency = f.duration("period", s.Period), f.duration("latency", s.Latency)
	o.Slices = s.Slices.slices(&f)
	if s.Source != nil {
		o.Source = &Source{Good: s.Source.Good, Bad: s.Source.Bad, Total: s.Source.Total, ErrorRatio: s.Source.ErrorRatio}
	}
	o.GroupBy = s.GroupBy
	if s.NoData != nil {
		o.NoData = NoData{After: f.duration("noData.after", s.NoData.After), Severity: s.NoData.Severity}
	}
	o.Alerting = s.Alerting
	if s.Calendar != nil && f.err == nil {
		c, err := s.Calendar.calendar()
		if err != nil {
			return o, err
		}
		o.Calendar = &c
	}
	if s.Composite != nil {
		o.Composite = s.Composite.composite()
	}
	return o, f.err
}

// MarshalJSON encodes the objective as
//
//	{"journey": "checkout", "name": "latency", "target": 0.99, "period": "30d",
//	 "latency": "300ms", "policy": {"rules": [...], "minEvents": 1000},
//	 "runbook": "https://...", "dashboard": "https://...", "labels": {"team": "payments"}}
//
// leaving out zero fields, as they are written, defaults unfilled. A NaN or
// infinite target is written as null.
func (o Objective) MarshalJSON() ([]byte, error) { return json.Marshal(o.shape()) }

// UnmarshalJSON decodes what MarshalJSON encodes, refusing unknown fields.
// It does not validate: [New] and [Objective.Validate] do.
func (o *Objective) UnmarshalJSON(b []byte) error {
	var s objectiveShape
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&s); err != nil {
		return fmt.Errorf("%w: objective: %v", ErrInvalid, err)
	}
	v, err := s.objective()
	if err == nil {
		*o = v
	}
	return err
}

// MarshalYAML encodes the objective with the fields of MarshalJSON.
func (o Objective) MarshalYAML() (any, error) { return o.shape(), nil }

// UnmarshalYAML decodes what MarshalYAML encodes; the YAML decoder's own
// settings (such as refusing unknown fields) apply.
func (o *Objective) UnmarshalYAML(unmarshal func(any) error) error {
	var s objectiveShape
	if err := unmarshal(&s); err != nil {
		return err
	}
	v, err := s.objective()
	if err == nil {
		*o = v
	}
	return err
}

func (s Status) shape() statusShape {
	out := statusShape{
		Journey: s.Journey, Objective: s.Objective, Target: finiteOrNull(figure.Tidy(s.Target)),
		Period: duration(s.Period), Latency: duration(s.Latency), Slices: s.Slices.shape(), Time: instant(s.Time),
		Good: s.Good, Bad: s.Bad, TotalGood: s.TotalGood, TotalBad: s.TotalBad, TotalExcluded: s.TotalExcluded,
		NoData: s.NoData, MinEvents: s.MinEvents, Budget: &s.Budget,
		Covered: duration(s.Covered), MinCovered: duration(s.MinCovered),
		BudgetRemaining:  finiteOrNull(figure.Tidy(s.BudgetRemaining)),
		ExhaustionWindow: duration(s.ExhaustionWindow),
		State:            s.State, Rule: s.Rule, Since: instant(s.Since),
		Windows: tidyBurns(s.Windows), Rules: s.Rules, // each RuleStatus tidies its own
	}
	if !s.NoData {
		out.SLI = finiteOrNull(figure.Tidy(s.SLI))
	}
	out.PeriodStart, out.PeriodEnd = instantOrNull(s.PeriodStart), instantOrNull(s.PeriodEnd)
	if s.TimeToExhaustion != burnrate.Never {
		t := burnrate.FormatWindow(s.TimeToExhaustion)
		out.TimeToExhaustion = &t
	}
	return out
}

func (in statusShape) status() (Status, error) {
	s := Status{
		Journey: in.Journey, Objective: in.Objective, Target: deref(in.Target, 0),
		Good: in.Good, Bad: in.Bad, TotalGood: in.TotalGood, TotalBad: in.TotalBad, TotalExcluded: in.TotalExcluded,
		SLI: deref(in.SLI, 0), NoData: in.NoData, MinEvents: in.MinEvents, BudgetRemaining: deref(in.BudgetRemaining, 0),
		TimeToExhaustion: burnrate.Never,
		State:            in.State, Rule: in.Rule, Windows: in.Windows, Rules: in.Rules,
	}
	if in.NoData && in.SLI == nil {
		s.SLI = 1
	}
	if in.Budget != nil {
		s.Budget = *in.Budget
	} else {
		// A writer from before budget states made its claims whatever the
		// count: read them as its counts and guard (if any) support them.
		n := float64(in.Good) + float64(in.Bad)
		s.Budget = budgetState(n, in.MinEvents, s.BudgetRemaining)
	}
	var f fields
	s.Period, s.Latency = f.duration("period", in.Period), f.duration("latency", in.Latency)
	s.Slices = in.Slices.slices(&f)
	s.ExhaustionWindow = f.duration("exhaustionWindow", in.ExhaustionWindow)
	s.Covered, s.MinCovered = f.duration("covered", in.Covered), f.duration("minCovered", in.MinCovered)
	if in.TimeToExhaustion != nil {
		s.TimeToExhaustion = f.duration("timeToExhaustion", *in.TimeToExhaustion)
	}
	s.Time, s.Since = f.instant("time", in.Time), f.instant("since", in.Since)
	s.PeriodStart, s.PeriodEnd = f.instantOrNull("periodStart", in.PeriodStart), f.instantOrNull("periodEnd", in.PeriodEnd)
	return s, f.err
}

// MarshalJSON encodes the status in the shape the status page's JSON and
// the health check share:
//
//	{"journey": "checkout", "objective": "availability", "target": 0.999,
//	 "period": "30d", "time": "2026-03-31T14:30:00Z",
//	 "good": 51830000, "bad": 27000, "totalGood": 51830000, "totalBad": 27000,
//	 "sli": 0.99948, "noData": false, "minEvents": 1000, "budget": "left", "budgetRemaining": 0.479,
//	 "timeToExhaustion": "2h24m", "exhaustionWindow": "1h",
//	 "state": "page", "rule": "page-1h-5m", "since": "2026-03-31T14:02:10Z",
//	 "windows": [{"window": "5m", "good": 5700, "bad": 300, "burnRate": 52.6, "noData": false}, ...],
//	 "rules": [{"name": "page-1h-5m", "severity": "page", "long": "1h", "short": "5m",
//	   "factor": 14.4, "longBurnRate": 16.7, "shortBurnRate": 52.6, "burning": true, "firing": true}, ...]}
//
// with "latency" for a latency objective, sli null when NoData, "covered"
// and "minCovered" the data's coverage of the period and what a budget
// claim needs ("5m" and "3d", left out when zero), budget "too few
// events", "left", "spent" or "young data" (see [BudgetState]),
// timeToExhaustion null when the budget is not burning or budget makes no
// claim, and rule left out
// when the state is ok. No number is ever written as NaN or an infinity: a
// Status holds neither, and would such a value appear it is written as null
// (read back as 0), so that one bad value never costs a reader the whole
// document.
func (s Status) MarshalJSON() ([]byte, error) { return json.Marshal(s.shape()) }

// UnmarshalJSON decodes what MarshalJSON encodes, ignoring unknown fields.
func (s *Status) UnmarshalJSON(b []byte) error { return decode(b, "status", statusShape.status, s) }

func (r RuleStatus) shape() ruleStatusShape {
	return ruleStatusShape{
		Name: r.Name, Severity: r.Severity, Long: duration(r.Long), Short: duration(r.Short),
		Factor: finiteOrNull(figure.Tidy(r.Factor)), LongBurnRate: finiteOrNull(figure.Tidy(r.LongRate)), ShortBurnRate: finiteOrNull(figure.Tidy(r.ShortRate)),
		Burning: r.Burning, Firing: r.Firing,
	}
}

func (in ruleStatusShape) ruleStatus() (RuleStatus, error) {
	r := RuleStatus{
		Rule:     burnrate.Rule{Name: in.Name, Severity: in.Severity, Factor: deref(in.Factor, 0)},
		LongRate: deref(in.LongBurnRate, 0), ShortRate: deref(in.ShortBurnRate, 0),
		Burning: in.Burning, Firing: in.Firing,
	}
	var f fields
	r.Long, r.Short = f.duration("long", in.Long), f.duration("short", in.Short)
	return r, f.err
}

// MarshalJSON encodes the rule's status as its rule's fields (see
// burnrate.Rule.MarshalJSON, with the name always written) and
// "longBurnRate", "shortBurnRate", "burning" and "firing". Without it the
// embedded Rule's method would encode the rule alone.
func (r RuleStatus) MarshalJSON() ([]byte, error) { return json.Marshal(r.shape()) }

// UnmarshalJSON decodes what MarshalJSON encodes, ignoring unknown fields.
func (r *RuleStatus) UnmarshalJSON(b []byte) error {
	return decode(b, "rule status", ruleStatusShape.ruleStatus, r)
}

// decode reads b as the JSON of shape S, ignoring unknown fields (a report
// from a newer writer still reads), and converts it with read into *dst,
// which an error leaves as it was. An error names what was read and
// matches ErrInvalid (and what read's error wraps).
func decode[S, T any](b []byte, what string, read func(S) (T, error), dst *T) error {
	var in S
	if err := json.Unmarshal(b, &in); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrInvalid, what, err)
	}
	v, err := read(in)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalid, what, err)
	}
	*dst = v
	return nil
}

// fields reads the text fields of a shape, durations and instants, keeping
// the first error, so that a shape's conversion reads each field in a line
// and checks once; the values after an error are zero.
type fields struct{ err error }

func (f *fields) keep(err error) bool {
	if f.err == nil {
		f.err = err
	}
	return f.err == nil
}

func (f *fields) duration(field, s string) time.Duration {
	d, err := parseDuration(field, s)
	if !f.keep(err) {
		return 0
	}
	return d
}

func (f *fields) instant(field, s string) time.Time {
	t, err := parseInstant(field, s)
	if !f.keep(err) {
		return time.Time{}
	}
	return t
}

// instantOrNull reads what instantOrNull writes: null is the zero time.
func (f *fields) instantOrNull(field string, s *string) time.Time {
	if s == nil {
		return time.Time{}
	}
	return f.instant(field, *s)
}

package slodash

import (
	"bytes"
	"encoding/json"
)

// A Dashboard is one Grafana dashboard in Grafana's JSON model (schema
// version 39 and later), which Grafana imports as it is, by its UID: the
// fields this package writes, typed, and a panel's plugin-defined options
// and field config as plain values, as Grafana's schema has them. It is a
// plain value; [Generate] writes it and [Dashboard.Marshal] encodes it.
type Dashboard struct {
	// UID identifies the dashboard in Grafana: importing a dashboard of the
	// same UID replaces it. Generate derives it from the service, journey
	// and objective, so that a regenerated dashboard replaces its old self.
	UID string `json:"uid"`
	// Title is the dashboard's title.
	Title string `json:"title"`
	// Description says what the dashboard shows.
	Description string `json:"description,omitempty"`
	// Tags are "journeyslo" and the service's name, which the dashboards'
	// links list the others by.
	Tags []string `json:"tags"`
	// Timezone is "browser".
	Timezone string `json:"timezone"`
	// Editable lets a viewer change the dashboard in Grafana.
	Editable bool `json:"editable"`
	// GraphTooltip is 1: a shared crosshair across panels.
	GraphTooltip int `json:"graphTooltip"`
	// Time is the default time range, such as now-1d to now.
	Time TimeRange `json:"time"`
	// Refresh is how often Grafana refreshes the dashboard, such as "1m".
	Refresh string `json:"refresh"`
	// SchemaVersion is the version of Grafana's JSON model.
	SchemaVersion int `json:"schemaVersion"`
	// Templating holds the dashboard's variables.
	Templating Templating `json:"templating"`
	// Annotations holds the dashboard's annotation queries.
	Annotations Annotations `json:"annotations"`
	// Links are the links at the top of the dashboard.
	Links []Link `json:"links"`
	// Panels are the dashboard's panels.
	Panels []Panel `json:"panels"`
}

// A TimeRange is a relative time range, such as {"now-1d", "now"}.
type TimeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Templating holds a dashboard's variables.
type Templating struct {
	List []Variable `json:"list"`
}

// A Variable is a dashboard variable: the Prometheus data source
// (Type "datasource") or the values of a grouping label (Type "query").
type Variable struct {
	Type       string      `json:"type"`
	Name       string      `json:"name"`
	Label      string      `json:"label,omitempty"`
	Query      string      `json:"query"`
	Datasource *DataSource `json:"datasource,omitempty"`
	// Refresh is 2 for a query variable: on every change of the time range.
	Refresh    int    `json:"refresh,omitempty"`
	Multi      bool   `json:"multi"`
	IncludeAll bool   `json:"includeAll"`
	AllValue   string `json:"allValue,omitempty"`
	// Sort is 1 for a query variable: alphabetically.
	Sort int `json:"sort,omitempty"`
}

// A DataSource refers to a data source, here the variable that picks the
// Prometheus one: {Type: "prometheus", UID: "${datasource}"}.
type DataSource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// Annotations holds a dashboard's annotation queries.
type Annotations struct {
	List []Annotation `json:"list"`
}

// An Annotation is an annotation query: Grafana's own annotations
// (BuiltIn 1), or the episodes of an objective's alerts, from ALERTS.
type Annotation struct {
	Name       string      `json:"name"`
	Datasource *DataSource `json:"datasource,omitempty"`
	Enable     bool        `json:"enable"`
	Hide       bool        `json:"hide"`
	IconColor  string      `json:"iconColor"`
	Type       string      `json:"type,omitempty"`
	BuiltIn    int         `json:"builtIn,omitempty"`
	// Expr is the PromQL of a Prometheus annotation: every instant where it
	// has a sample is marked, and consecutive ones make a region.
	Expr        string `json:"expr,omitempty"`
	Step        string `json:"step,omitempty"`
	TitleFormat string `json:"titleFormat,omitempty"`
	TextFormat  string `json:"textFormat,omitempty"`
	TagKeys     string `json:"tagKeys,omitempty"`
}

// A Link is a link at the top of a dashboard: here, a menu of the
// service's other dashboards, found by their tags.
type Link struct {
	Title       string   `json:"title"`
	Type        string   `json:"type"`
	Icon        string   `json:"icon"`
	Tooltip     string   `json:"tooltip"`
	Tags        []string `json:"tags"`
	AsDropdown  bool     `json:"asDropdown"`
	TargetBlank bool     `json:"targetBlank"`
	IncludeVars bool     `json:"includeVars"`
	KeepTime    bool     `json:"keepTime"`
}

// A Panel is one panel of a dashboard.
type Panel struct {
	ID          int         `json:"id"`
	Type        string      `json:"type"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Datasource  *DataSource `json:"datasource,omitempty"`
	GridPos     GridPos     `json:"gridPos"`
	Targets     []Target    `json:"targets"`
	// TimeFrom, when set, is the panel's own time range, such as "30d": a
	// budget's burn-down spans its period whatever the dashboard's range.
	TimeFrom string `json:"timeFrom,omitempty"`
	// MaxDataPoints bounds the points of each series a range query asks
	// for: Grafana picks the step as the range over it.
	MaxDataPoints int `json:"maxDataPoints,omitempty"`
	// Transformations shape a table's results: merged into one row per
	// objective, sorted worst first, columns named.
	Transformations []Transformation `json:"transformations,omitempty"`
	// Options and FieldConfig are defined by the panel's plugin (stat,
	// table, timeseries).
	Options     map[string]any `json:"options"`
	FieldConfig FieldConfig    `json:"fieldConfig"`
}

// A GridPos places a panel on the dashboard's 24-column grid.
type GridPos struct {
	H int `json:"h"`
	W int `json:"w"`
	X int `json:"x"`
	Y int `json:"y"`
}

// A Target is one PromQL query of a panel.
type Target struct {
	RefID      string      `json:"refId"`
	Datasource *DataSource `json:"datasource,omitempty"`
	Expr       string      `json:"expr"`
	// Instant asks for the value at the end of the range only; Range for a
	// series over the range.
	Instant bool `json:"instant"`
	Range   bool `json:"range"`
	// Format is "table" for the rows of a table, "time_series" otherwise.
	Format       string `json:"format"`
	LegendFormat string `json:"legendFormat,omitempty"`
}

// A Transformation is one of a panel's data transformations, by its
// Grafana ID ("merge", "sortBy", "organize").
type Transformation struct {
	ID      string         `json:"id"`
	Options map[string]any `json:"options"`
}

// A FieldConfig is a panel's field configuration: defaults for every field
// and overrides for some.
type FieldConfig struct {
	Defaults  map[string]any `json:"defaults"`
	Overrides []Override     `json:"overrides"`
}

// An Override changes the configuration of the fields a matcher selects.
type Override struct {
	Matcher    Matcher    `json:"matcher"`
	Properties []Property `json:"properties"`
}

// A Matcher selects fields, such as {"byName", "Budget left"}.
type Matcher struct {
	ID      string `json:"id"`
	Options string `json:"options"`
}

// A Property is one field setting of an override, such as {"unit",
// "percentunit"}.
type Property struct {
	ID    string `json:"id"`
	Value any    `json:"value"`
}

// Marshal encodes the dashboard as indented JSON, ending with a newline,
// as Grafana's import and file provisioning read it. The output depends
// only on the dashboard.
func (d Dashboard) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // PromQL's "<" and "&&" stay readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

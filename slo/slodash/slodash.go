package slodash

import (
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/invalid"
	"github.com/journeyslo/journeyslo/internal/promlabel"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// MaxQueryRange is the longest time range of any query the dashboards ask
// for: Mimir's max_total_query_length of 768h (32 days), which its query
// frontend refuses a longer range query beyond. A budget's burn-down spans
// its period, or this when the period is longer.
const MaxQueryRange = 768 * time.Hour

// MaxDataPoints is the most points of one series a panel's range query
// asks for, far under the 11,000 that Prometheus and Mimir allow.
const MaxDataPoints = 1000

// An Option changes what [Generate] writes. Options that are given wrong
// values make Generate return an error matching slo.ErrInvalid.
type Option func(*config)

type config struct {
	labels  map[string]string
	service string
	errs    []error
}

// WithLabels gives the labels the rules were generated with
// (slorules.WithLabels), such as {"team": "shop", "cluster": "eu1"}: every
// query matches them, so that the dashboards read these rules' series and
// not those of another file's rules for objectives of the same names.
// Several calls add up. By default the queries match none.
func WithLabels(labels map[string]string) Option {
	return func(c *config) {
		c.labels = promlabel.Add(c.labels, labels, func(problem string) {
			c.errs = append(c.errs, invalid.Errorf("slodash: WithLabels: %s", problem))
		})
	}
}

// WithService names the service the objectives belong to, such as "shop":
// it starts the dashboards' titles, tags them, and makes their UIDs differ
// from those of another service's objectives of the same names. Letters,
// digits, '.', '_' and '-'. By default there is none.
func WithService(name string) Option {
	return func(c *config) {
		if !servicePattern.MatchString(name) {
			c.errs = append(c.errs, invalid.Errorf("slodash: WithService(%q): use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, such as shop", name))
			return
		}
		c.service = name
	}
}

var servicePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Generate returns the dashboards of objectives: first an overview of
// every objective, then one page per objective, in the order of the
// objectives. The objectives take their defaults as slo.New gives them,
// so their windows and factors are those of the rules.
//
// It reports every invalid objective, objectives that share a journey and
// a name, and every invalid option, in one error matching [slo.ErrInvalid].
func Generate(objectives []slo.Objective, opts ...Option) ([]Dashboard, error) {
	c := &config{}
	for _, o := range opts {
		o(c)
	}
	errs := c.errs
	if len(objectives) == 0 {
		errs = append(errs, invalid.Errorf("slodash: no objectives; pass the objectives the rules were generated from"))
	}
	seen := map[[2]string]int{}
	objs := make([]slo.Objective, 0, len(objectives))
	for i, o := range objectives {
		o = o.WithDefaults()
		if err := o.Validate(); err != nil {
			errs = append(errs, invalid.Errorf("slodash: objective %d (%s): %w", i, slo.ObjectiveKey(strconv.Quote(o.Journey), strconv.Quote(o.Name)), err))
			continue
		}
		key := [2]string{o.Journey, o.Name}
		if j, ok := seen[key]; ok {
			errs = append(errs, invalid.Errorf("slodash: objective %d (%s): objective %d has the same journey and name; give each objective of a journey its own Name", i, slo.ObjectiveKey(o.Journey, o.Name), j))
			continue
		}
		for _, name := range slices.Sorted(maps.Keys(o.Labels)) {
			if v, ok := c.labels[name]; ok && v != o.Labels[name] {
				errs = append(errs, invalid.Errorf("slodash: objective %d (%s): its label %s=%q and WithLabels' %s=%q have the same name; give the label in one place, or the same value in both", i, slo.ObjectiveKey(o.Journey, o.Name), name, o.Labels[name], name, c.labels[name]))
			}
		}
		seen[key] = i
		objs = append(objs, o)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	out := []Dashboard{c.overview(objs)}
	for _, o := range objs {
		out = append(out, c.objective(o))
	}
	return out, nil
}

// datasource is what every panel and query reads: the data source the
// dashboard's variable picks.
var datasource = &DataSource{Type: "prometheus", UID: "${datasource}"}

// uid returns a dashboard's UID: "journeyslo-" and a hash of what it shows,
// 27 characters, under Grafana's 40.
func (c *config) uid(parts ...string) string {
	h := fnv.New64a()
	h.Write([]byte(c.service))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return fmt.Sprintf("journeyslo-%016x", h.Sum64())
}

func (c *config) title(s string) string {
	if c.service == "" {
		return s
	}
	return c.service + ": " + s
}

func (c *config) tags() []string {
	if c.service == "" {
		return []string{"journeyslo"}
	}
	return []string{"journeyslo", c.service}
}

// dashboard returns a dashboard with what every one has: the data source
// variable, Grafana's own annotations and a menu of the others.
func (c *config) dashboard(uid, title, description string, from time.Duration) Dashboard {
	return Dashboard{
		UID: uid, Title: title, Description: description, Tags: c.tags(),
		Timezone: "browser", Editable: true, GraphTooltip: 1,
		Time: TimeRange{From: "now-" + duration(from), To: "now"}, Refresh: "1m", SchemaVersion: 39,
		Templating: Templating{List: []Variable{{Type: "datasource", Name: "datasource", Label: "Prometheus", Query: "prometheus"}}},
		Annotations: Annotations{List: []Annotation{{
			Name: "Annotations & Alerts", Datasource: &DataSource{Type: "grafana", UID: "-- Grafana --"},
			Enable: true, Hide: true, IconColor: "rgba(0, 211, 255, 1)", Type: "dashboard", BuiltIn: 1,
		}}},
		Links: []Link{{Title: "Objectives", Type: "dashboards", Icon: "external link", Tooltip: "the other dashboards of these objectives",
			Tags: c.tags(), AsDropdown: true, IncludeVars: true, KeepTime: true}},
	}
}

// groupVariables returns a variable per grouping label, listing the values
// the label takes in the series that selector matches.
func groupVariables(labels []string, selector string) []Variable {
	var vs []Variable
	for _, l := range labels {
		vs = append(vs, Variable{Type: "query", Name: l, Label: l, Datasource: datasource,
			Query:   "label_values(" + slorules.BudgetRemaining + selector + ", " + l + ")",
			Refresh: 2, Multi: true, IncludeAll: true, AllValue: ".*", Sort: 1})
	}
	return vs
}

// selector builds a PromQL selector from matchers, in braces.
func selector(ms ...string) string { return "{" + strings.Join(ms, ",") + "}" }

func eq(name, value string) string { return name + "=" + strconv.Quote(value) }
func re(name, value string) string { return name + "=~" + strconv.Quote(value) }

// labelMatchers returns an equality matcher per label, in name order.
func labelMatchers(labels map[string]string) []string {
	var ms []string
	for _, name := range slices.Sorted(maps.Keys(labels)) {
		ms = append(ms, eq(name, labels[name]))
	}
	return ms
}

// groupMatchers matches each grouping label to its variable.
func groupMatchers(labels []string) []string {
	var ms []string
	for _, l := range labels {
		ms = append(ms, re(l, "$"+l))
	}
	return ms
}

// alternatives returns a regular expression matching exactly the names.
func alternatives(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	return strings.Join(quoted, "|")
}

// duration writes d as Prometheus and Grafana read it: "30d", "1h30m".
func duration(d time.Duration) string { return burnrate.FormatWindow(d) }

// by is the "by (...)" clause of the labels that tell the rows apart.
func by(groups []string) string {
	return "by (" + strings.Join(append([]string{"journey", "objective"}, groups...), ", ") + ")"
}

// stateExpr is 2 while a page rule fires, 1 while only a ticket rule
// does, 0 otherwise, for every objective (and group) with a budget: the
// state of slo.Status, from the series of the firing rules.
func stateExpr(sel string, groups []string) string {
	b := by(groups)
	firing := slorules.Firing + sel[:len(sel)-1]
	return "2 * group " + b + " (" + firing + `,severity="page"})` +
		" or group " + b + " (" + firing + `,severity="ticket"})` +
		" or 0 * group " + b + " (" + slorules.BudgetRemaining + sel + ")"
}

// exhaustionWindow is the window whose burn rate projects when the budget
// runs out: the long window of the policy's first rule (1h for the default
// policy over 30 days), the fastest-moving projection the rules record.
func exhaustionWindow(o slo.Objective) time.Duration { return o.Policy.Rules[0].Long }

// exhaustionExpr is the seconds until the budget left is spent at the burn
// rate over window w: budget left × period ÷ burn rate, where the burn rate
// is the error ratio over w ÷ (1 - target); none while w has no bad events,
// 0 once the budget is spent. info selects the objectives of this period
// and budget by their info series, whose settings are its labels.
func exhaustionExpr(sel, info string, groups []string, period time.Duration, budget float64, w time.Duration) string {
	k := strconv.FormatFloat(period.Seconds()*budget, 'g', -1, 64)
	return "max " + by(groups) + " (clamp_min(" + slorules.BudgetRemaining + sel + ", 0) * " + k +
		" / ignoring (window) (" + slorules.ErrorRatioPrefix + duration(w) + sel + " > 0)" +
		" and on (journey, objective) " + slorules.Info + info + ")"
}

// decimal writes x as the shortest decimal that reads back as x.
func decimal(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// stateMappings shows the state's number as a word, in its colour.
var stateMappings = []any{map[string]any{"type": "value", "options": map[string]any{
	"0": map[string]any{"text": "ok", "color": "green", "index": 0},
	"1": map[string]any{"text": "ticket", "color": "orange", "index": 1},
	"2": map[string]any{"text": "page", "color": "red", "index": 2},
}}}

// thresholds returns Grafana's absolute thresholds: base colour, then each
// value and its colour.
func thresholds(base string, steps ...any) map[string]any {
	list := []any{map[string]any{"value": nil, "color": base}}
	for i := 0; i+1 < len(steps); i += 2 {
		list = append(list, map[string]any{"value": steps[i], "color": steps[i+1]})
	}
	return map[string]any{"mode": "absolute", "steps": list}
}

// budgetThresholds colour a budget left: red once spent, orange under a
// quarter.
func budgetThresholds() map[string]any { return thresholds("red", 0, "orange", 0.25, "green") }

func statPanel(id int, title, description string, pos GridPos, t Target, defaults map[string]any) Panel {
	t.RefID, t.Datasource, t.Instant, t.Format = "A", datasource, true, "time_series"
	return Panel{ID: id, Type: "stat", Title: title, Description: description, Datasource: datasource, GridPos: pos,
		Targets: []Target{t},
		Options: map[string]any{
			"graphMode": "none", "colorMode": "value", "justifyMode": "auto", "textMode": "auto",
			"wideLayout": true, "showPercentChange": false, "percentChangeColorMode": "standard", "orientation": "auto",
			"reduceOptions": map[string]any{"calcs": []any{"lastNotNull"}, "fields": "", "values": false},
		},
		FieldConfig: FieldConfig{Defaults: defaults, Overrides: []Override{}},
	}
}

func timeseriesPanel(id int, title, description string, pos GridPos, targets []Target, defaults map[string]any) Panel {
	for i := range targets {
		targets[i].RefID, targets[i].Datasource, targets[i].Range, targets[i].Format = string(rune('A'+i)), datasource, true, "time_series"
	}
	return Panel{ID: id, Type: "timeseries", Title: title, Description: description, Datasource: datasource, GridPos: pos,
		Targets: targets, MaxDataPoints: MaxDataPoints,
		Options: map[string]any{
			"legend":  map[string]any{"displayMode": "list", "placement": "bottom", "showLegend": true, "calcs": []any{}},
			"tooltip": map[string]any{"mode": "multi", "sort": "desc"},
		},
		FieldConfig: FieldConfig{Defaults: defaults, Overrides: []Override{}},
	}
}

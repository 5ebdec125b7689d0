package openslo

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/invalid"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// Export writes a config as OpenSLO v1 documents, "---" between them,
// which [Import] reads back to an equal config (and equal indicators):
// a Service, an AlertNotificationTarget, the AlertPolicies of the named
// policies, and for every objective an SLO with its SLI inline and the
// AlertPolicies of its own rules. indicators gives, by
// slo.ObjectiveKey(journey, objective name), the queries of an SLI that
// does not read journeyslo's own counter, as [Imported.Indicators] holds
// them; nil means every SLI reads journeyslo_sli_events_total.
//
// An objective without a period writes journeyslo's default, 30d, marked
// journeyslo/period: default (OpenSLO's validator wants a timeWindow,
// though its README calls it optional); one without rules writes the
// default policy's rules out for other tools, marked journeyslo/rules:
// default. Import reads both marks back as "the default".
//
// It refuses a config that slo.New would refuse, and what OpenSLO v1
// cannot write: a period or window that is not a whole number of
// minutes, a label whose name is not an OpenSLO label key, and a named
// policy with the default rules that no objective uses (OpenSLO has no
// place for it), and planned exclusions (sloconfig's exclusions), which
// OpenSLO v1 has no place for: export a copy of the config without them.
// Errors match slo.ErrInvalid.
func Export(cfg *sloconfig.Config, indicators map[string]Indicator) ([]byte, error) {
	if err := checkConfig(cfg); err != nil {
		return nil, err
	}
	w := &writer{cfg: cfg, names: map[string]map[string]bool{}}
	w.write(indicators)
	if len(w.errs) > 0 {
		return nil, errors.Join(w.errs...)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	for _, d := range w.docs {
		if err := enc.Encode(d); err != nil {
			return nil, fmt.Errorf("openslo: writing YAML: %w", err)
		}
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("openslo: writing YAML: %w", err)
	}
	return buf.Bytes(), nil
}

// errInvalid is wrapped by every error about a config Export cannot
// write: it reads "openslo" and matches slo.ErrInvalid.
var errInvalid = invalid.Prefix("openslo")

// checkConfig refuses a config that would not make a registry.
func checkConfig(cfg *sloconfig.Config) error {
	if cfg == nil {
		return fmt.Errorf("%w: no config to export", errInvalid)
	}
	if err := cfg.Validate(); err != nil {
		errs := split(err)
		for i, e := range errs {
			errs[i] = fmt.Errorf("%w: %w", errInvalid, e)
		}
		return errors.Join(errs...)
	}
	if n := len(cfg.Exclusions); n > 0 {
		// OpenSLO v1 has no place for them, and nothing is dropped
		// silently.
		return fmt.Errorf("%w: the config has %d planned exclusion(s), the first %q, which OpenSLO v1 cannot write: keep them in the journeyslo file and export a copy without them (Exclusions: nil)",
			errInvalid, n, cfg.Exclusions[0].Reason)
	}
	return nil
}

// A writer builds the documents of one config. It is used by one
// goroutine.
type writer struct {
	cfg  *sloconfig.Config
	docs []*yaml.Node
	errs []error
	// names holds the document names taken, by kind.
	names map[string]map[string]bool
	// service is the Service document's name, target the notification
	// target's.
	service, target string
	// policyDocs holds the AlertPolicy names of each named policy's rules.
	policyDocs map[string][]string
}

func (w *writer) errorf(format string, args ...any) {
	w.errs = append(w.errs, fmt.Errorf("%w: %s", errInvalid, fmt.Sprintf(format, args...)))
}

func (w *writer) write(indicators map[string]Indicator) {
	cfg := w.cfg
	w.service = w.name(kindService, cfg.Service)
	var ann [][2]string
	if w.service != cfg.Service {
		ann = append(ann, [2]string{annService, cfg.Service})
	}
	w.docs = append(w.docs, document(kindService, w.service, nil, ann, mapping()))
	w.target = w.name(kindAlertNotificationTarget, w.service+"-alertmanager")
	w.docs = append(w.docs, document(kindAlertNotificationTarget, w.target, nil, nil, mapping(
		"description", str("journeyslo labels every alert with its severity, page or ticket, for Alertmanager to route"),
		"target", str("alertmanager"),
	)))
	// The named policies with rules of their own, shared by reference.
	used := map[string]bool{}
	for _, j := range cfg.Journeys {
		for _, o := range j.Objectives {
			used[o.Policy] = true
		}
	}
	w.policyDocs = map[string][]string{}
	for _, name := range slices.Sorted(maps.Keys(cfg.Policies)) {
		p := cfg.Policies[name]
		if len(p.Rules) == 0 {
			if !used[name] {
				w.errorf("policies.%s: has the default rules and no objective uses it, and OpenSLO v1 has no place for it: the default rules are written out per SLO, from its target and period; remove the policy or use it", name)
			}
			continue
		}
		for _, r := range p.Rules {
			ann := [][2]string{{annPolicy, name}}
			if p.MinEvents != nil {
				ann = append(ann, [2]string{annMinEvents, strconv.FormatUint(*p.MinEvents, 10)})
			}
			doc := w.name(kindAlertPolicy, name+"-"+r.String())
			w.policyDocs[name] = append(w.policyDocs[name], doc)
			w.alertPolicy(doc, r, ann, "policies."+name, false)
		}
	}
	keys := map[string]bool{}
	for ji, j := range cfg.Journeys {
		for oi, o := range j.Objectives {
			w.objective(j, o, fmt.Sprintf("journeys[%d].objectives[%d]", ji, oi), indicators)
			keys[slo.ObjectiveKey(j.Name, objectiveName(o))] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(indicators)) {
		if !keys[k] {
			w.errorf("indicators[%q]: the config has no objective %s; key indicators by slo.ObjectiveKey(journey, objective name)", k, k)
		}
	}
}

// objective writes one objective's SLO and the AlertPolicies of its own
// rules.
func (w *writer) objective(j sloconfig.Journey, o sloconfig.Objective, path string, indicators map[string]Indicator) {
	if o.Composite != nil {
		w.errorf("%s.composite: a composite objective cannot be written in OpenSLO v1, whose composite SLO gives each component its own target and the whole none; keep it in the journeyslo config", path)
		return
	}
	name := objectiveName(o)
	sloName := w.name(kindSLO, j.Name+"-"+name)
	ann := [][2]string{{annJourney, j.Name}}
	if o.Name != "" {
		ann = append(ann, [2]string{annObjective, o.Name})
	}
	if o.Latency > 0 {
		ann = append(ann, [2]string{annLatency, o.Latency.String()})
	}
	if o.Runbook != "" {
		ann = append(ann, [2]string{annRunbook, o.Runbook})
	}
	if o.MinEvents != nil {
		ann = append(ann, [2]string{annMinEvents, strconv.FormatUint(*o.MinEvents, 10)})
	}
	if len(j.Patterns) > 0 {
		ann = append(ann, [2]string{annPatterns, strings.Join(j.Patterns, "\n")})
	}
	if len(j.Methods) > 0 {
		ann = append(ann, [2]string{annMethods, strings.Join(j.Methods, "\n")})
	}
	for _, k := range slices.Sorted(maps.Keys(o.Labels)) {
		if !labelKey.MatchString(k) {
			w.errorf("%s.labels.%s: is not an OpenSLO label key (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit); rename the label", path, k)
		}
	}
	// The SLI.
	ind, ok := indicators[slo.ObjectiveKey(j.Name, name)]
	switch src := o.Source; {
	case ok:
	case src != nil && src.ErrorRatio != "":
		w.errorf("%s.source: an error ratio over {{.window}} has no place in OpenSLO v1, whose ratioMetric counts good or bad events and all events; write the source as bad and total counters", path)
		return
	case src != nil && !src.IsZero() && src.Total == "":
		w.errorf("%s.source: gives good and bad without total, and an OpenSLO v1 ratioMetric needs the total; write the source as good or bad, and total", path)
		return
	case src != nil && !src.IsZero():
		ind = Indicator{Source: prometheus, Good: src.Good, Bad: src.Bad, Total: src.Total}
		if ind.Good != "" && ind.Bad != "" {
			ind.Good = ""
		}
	default:
		ind = defaultIndicator(j.Name, name)
	}
	if len(o.GroupBy) > 0 {
		ann = append(ann, [2]string{annGroupBy, strings.Join(o.GroupBy, "\n")})
	}
	if o.Alerting != nil {
		ann = append(ann, [2]string{annAlerting, formatAlerting(o.Alerting)})
	}
	if o.NoData.After != 0 {
		v := burnrate.FormatWindow(o.NoData.After)
		if o.NoData.Severity != burnrate.SeverityOK {
			v += " " + o.NoData.Severity.String()
		}
		ann = append(ann, [2]string{annNoData, v})
	}
	source := func(q string) *yaml.Node {
		return mapping("metricSource", mapping("type", str(ind.Source), "spec", mapping("query", str(q))))
	}
	ratio := []any{"counter", boolean(true)}
	switch {
	case ind.Good != "" && ind.Bad == "":
		ratio = append(ratio, "good", source(ind.Good))
	case ind.Bad != "" && ind.Good == "":
		ratio = append(ratio, "bad", source(ind.Bad))
	default:
		w.errorf("%s: the indicator gives %s; give exactly one of Good and Bad", path, describeQueries(ind))
	}
	if ind.Total == "" || ind.Source == "" {
		w.errorf("%s: the indicator lacks its Source or Total; give both", path)
	}
	ratio = append(ratio, "total", source(ind.Total))
	spec := []any{
		"service", str(w.service),
		"indicator", mapping(
			"metadata", mapping("name", str(w.name(kindSLI, sloName))),
			"spec", mapping("ratioMetric", mapping(ratio...)),
		),
	}
	// OpenSLO's validator wants a timeWindow, which the README calls
	// optional: the default period is written out, and marked.
	if c := o.Calendar; c != nil {
		// A calendar's period is the unit's nominal length: OpenSLO has no
		// place for another.
		if o.Period != 0 && o.Period != (slo.Objective{Calendar: c}).WithDefaults().Period {
			w.errorf("%s.period: %s beside a calendar %s cannot be written in OpenSLO v1, whose calendar window has no rolling length; leave period out", path, burnrate.FormatWindow(o.Period), c.Unit)
		}
		unit := map[slo.CalendarUnit]string{slo.CalendarWeek: "1w", slo.CalendarMonth: "1M", slo.CalendarQuarter: "1Q"}[c.Unit]
		spec = append(spec, "timeWindow", sequence(mapping("duration", str(unit), "isRolling", boolean(false),
			"calendar", mapping("startTime", str(c.Start.Format(slo.CalendarLayout)), "timeZone", str(c.Zone())))))
	} else {
		period := o.Period
		if period == 0 {
			period = slo.DefaultPeriod
			ann = append(ann, [2]string{annPeriod, "default"})
		}
		d, ok := formatShorthand(period)
		if !ok {
			w.errorf("%s.period: %s is not a whole number of minutes, which OpenSLO v1 cannot write; use minutes, hours, days or weeks", path, burnrate.FormatWindow(o.Period))
		}
		spec = append(spec, "timeWindow", sequence(mapping("duration", str(d), "isRolling", boolean(true))))
	}
	method, sliceFields := budgeting(o.Slices)
	spec = append(spec,
		"budgetingMethod", str(method),
		"objectives", sequence(mapping(append([]any{"displayName", str(name), "target", number(o.Target)}, sliceFields...)...)),
	)
	// The alert policies.
	var refs []string
	rules, polAnn := o.Rules, [][2]string(nil)
	isDefault := false
	if o.Policy != "" {
		p := w.cfg.Policies[o.Policy]
		refs = w.policyDocs[o.Policy]
		rules = nil
		if len(p.Rules) == 0 {
			isDefault = true
			polAnn = append(polAnn, [2]string{annPolicy, o.Policy})
			if p.MinEvents != nil {
				polAnn = append(polAnn, [2]string{annMinEvents, strconv.FormatUint(*p.MinEvents, 10)})
			}
		}
	} else if len(rules) == 0 {
		isDefault = true
	}
	if isDefault {
		period := slo.Objective{Period: o.Period, Calendar: o.Calendar}.WithDefaults().Period
		rules = burnrate.DefaultPolicy(o.Target, period).Rules
		polAnn = append(polAnn, [2]string{annRules, "default"})
	}
	type pending struct {
		name string
		r    burnrate.Rule
	}
	var own []pending
	for _, r := range rules {
		doc := w.name(kindAlertPolicy, sloName+"-"+r.String())
		refs = append(refs, doc)
		if isDefault {
			r.Name = "" // derived again on import
		}
		own = append(own, pending{doc, r})
	}
	if len(refs) > 0 {
		items := make([]*yaml.Node, len(refs))
		for i, ref := range refs {
			items[i] = mapping("alertPolicyRef", str(ref))
		}
		spec = append(spec, "alertPolicies", sequence(items...))
	}
	w.docs = append(w.docs, document(kindSLO, sloName, o.Labels, ann, mapping(spec...)))
	// OpenSLO's alertWhenNoData, on the policies of the no-data alert's
	// severity, for other tools; journeyslo reads the annotation.
	noData := burnrate.SeverityOK
	if o.NoData.After != 0 {
		noData = burnrate.SeverityTicket
		if o.NoData.Severity == burnrate.SeverityPage {
			noData = burnrate.SeverityPage
		}
	}
	for _, p := range own {
		w.alertPolicy(p.name, p.r, polAnn, path, p.r.Severity == noData)
	}
}

// alertPolicy writes one rule as an AlertPolicy with its one burnrate
// condition inline: lookbackWindow is the long window, alertAfter the
// short one, threshold the factor.
func (w *writer) alertPolicy(name string, r burnrate.Rule, ann [][2]string, path string, noData bool) {
	if r.Name != "" {
		ann = append(slices.Clone(ann), [2]string{annRule, r.Name})
	}
	long, ok1 := formatShorthand(r.Long)
	short, ok2 := formatShorthand(r.Short)
	if !ok1 || !ok2 {
		w.errorf("%s: rule %s: windows %s and %s must be whole numbers of minutes, which OpenSLO v1 writes; round them to minutes", path, r, burnrate.FormatWindow(r.Long), burnrate.FormatWindow(r.Short))
	}
	w.docs = append(w.docs, document(kindAlertPolicy, name, nil, ann, mapping(
		"alertWhenNoData", boolean(noData),
		"alertWhenResolved", boolean(false),
		"alertWhenBreaching", boolean(true),
		"conditions", sequence(mapping(
			"kind", str(kindAlertCondition),
			"metadata", mapping("name", str(name)),
			"spec", mapping(
				"severity", str(r.Severity.String()),
				"condition", mapping(
					"kind", str("burnrate"),
					"op", str("gte"),
					"threshold", number(r.Factor),
					"lookbackWindow", str(long),
					"alertAfter", str(short),
				),
			),
		)),
		"notificationTargets", sequence(mapping("targetRef", str(w.target))),
	)))
}

func describeQueries(ind Indicator) string {
	switch {
	case ind.Good != "" && ind.Bad != "":
		return "both Good and Bad"
	default:
		return "neither Good nor Bad"
	}
}

// labelKey is an OpenSLO v1 label key.
var labelKey = regexp.MustCompile(`^[a-zA-Z0-9]([-._a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$`)

// name returns an RFC 1123 name for a document of kind, from s, that no
// other document of that kind has: lowercase, with every other character
// a '-', at most 63 characters, and a number appended when taken.
func (w *writer) name(kind, s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		} else {
			b.WriteByte('-')
		}
	}
	base := strings.Trim(b.String(), "-")
	if base == "" {
		base = strings.ToLower(kind)
	}
	taken := w.names[kind]
	if taken == nil {
		taken = map[string]bool{}
		w.names[kind] = taken
	}
	for i := 1; ; i++ {
		suffix := ""
		if i > 1 {
			suffix = "-" + strconv.Itoa(i)
		}
		n := base
		if len(n)+len(suffix) > 63 {
			n = strings.TrimRight(n[:63-len(suffix)], "-")
		}
		n += suffix
		if !taken[n] {
			taken[n] = true
			return n
		}
	}
}

// document builds a top-level object.
func document(kind, name string, labels map[string]string, ann [][2]string, spec *yaml.Node) *yaml.Node {
	meta := []any{"name", str(name)}
	if len(labels) > 0 {
		var kv []any
		for _, k := range slices.Sorted(maps.Keys(labels)) {
			kv = append(kv, k, str(labels[k]))
		}
		meta = append(meta, "labels", mapping(kv...))
	}
	if len(ann) > 0 {
		var kv []any
		for _, a := range ann {
			kv = append(kv, a[0], str(a[1]))
		}
		meta = append(meta, "annotations", mapping(kv...))
	}
	return mapping(
		"apiVersion", str(apiVersion),
		"kind", str(kind),
		"metadata", mapping(meta...),
		"spec", spec,
	)
}

// mapping builds a mapping node from keys and value nodes, in order.
func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, str(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}

func sequence(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}

// str is a string scalar, quoted by the encoder when it would read as
// another type; one of several lines is written as a literal block.
func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

// number writes f in the fewest digits that read back as f.
func number(f float64) *yaml.Node {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	tag := "!!float"
	if !strings.ContainsAny(s, ".eE") {
		tag = "!!int"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s}
}

package openslo

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/yamlpos"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// A File is one file of OpenSLO v1 documents: its name, for messages, and
// its contents. It is a plain value; the zero value is an empty file with
// no name, which holds no documents.
type File struct {
	Name string
	Data []byte
}

// Imported is what a set of OpenSLO v1 documents says in journeyslo's
// terms: a config, and the SLIs' own queries. It is a plain value that
// [Import] returns and nothing changes afterwards, so it may be read from
// several goroutines; its zero value has no config and is of no use to
// [Export].
type Imported struct {
	// Config is the service's journeys, objectives and named policies.
	Config *sloconfig.Config
	// Indicators holds, by slo.ObjectiveKey(journey, objective name), the
	// queries of each SLI that reads something other than journeyslo's own
	// journeyslo_sli_events_total counter (which [Export] writes and
	// Import recognises): a team's own counters, kept for rule generation.
	// Nil when every SLI reads journeyslo's counter.
	Indicators map[string]Indicator
}

// An Indicator is an SLI's queries: bad (or good) events and all events,
// each a counter (OpenSLO's ratioMetric with counter: true). It is a plain,
// comparable value; the zero value has no queries, which Export refuses.
type Indicator struct {
	// Source is the metric source's type, such as "Prometheus".
	Source string
	// Good and Bad are the numerator's query: exactly one is set.
	Good, Bad string
	// Total is the denominator's query: every event.
	Total string
}

// Detect reports whether data holds OpenSLO documents: whether its first
// document that names an apiVersion names one of OpenSLO's
// ("openslo/v1", or another version, which Import then refuses by name).
// A journeyslo config file has no apiVersion. Detect reads only as far as
// that document.
func Detect(data []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var head struct {
			APIVersion any `yaml:"apiVersion"`
		}
		if err := dec.Decode(&head); err != nil {
			return false
		}
		if head.APIVersion != nil {
			s, ok := head.APIVersion.(string)
			return ok && strings.HasPrefix(s, "openslo/")
		}
	}
}

// ImportFiles reads the files at paths and imports their documents
// together (see [Import]). Each must be a regular file (a named pipe or a
// device is refused at once) of at most 16 MiB.
func ImportFiles(paths ...string) (*Imported, error) {
	files := make([]File, 0, len(paths))
	for _, p := range paths {
		data, err := yamlpos.ReadFile(p)
		if err != nil {
			return nil, err
		}
		files = append(files, File{Name: p, Data: data})
	}
	return Import(files...)
}

// Import reads OpenSLO v1 documents, several to a file ("---" between
// them), and returns the one service's config that they describe.
// References (indicatorRef, alertPolicyRef, conditionRef,
// metricSourceRef) may point into any of the files. It returns every
// problem of every file at once, joined with errors.Join, each a
// [*sloconfig.Error] reading "FILE:LINE:COLUMN: KIND NAME: FIELD: message"
// that matches slo.ErrInvalid; what journeyslo cannot
// honour is among them, never dropped. A config it returns makes a
// registry (slo.New accepts its Objectives).
func Import(files ...File) (*Imported, error) {
	ds := newDocuments()
	var errs []error
	named := map[string]place{}
	for _, f := range files {
		r := &reader{file: f.Name}
		ds.read(r, f.Data, named)
		errs = append(errs, r.errs...)
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	imp, more := ds.resolve(strings.Join(names, ", "), len(errs) > 0)
	errs = append(errs, more...)
	order := map[string]int{}
	for i, f := range files {
		if _, ok := order[f.Name]; !ok {
			order[f.Name] = i
		}
	}
	sortErrors(errs, order)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return imp, nil
}

// sortErrors orders errors by file, line and column, those without a
// place last, so that a file's problems read top to bottom.
func sortErrors(errs []error, order map[string]int) {
	key := func(err error) (int, int, int) {
		var pe *yamlpos.Error
		if !errors.As(err, &pe) || pe.File == "" {
			return len(order), 0, 0
		}
		return order[pe.File], pe.Line, pe.Column
	}
	slices.SortStableFunc(errs, func(a, b error) int {
		af, al, ac := key(a)
		bf, bl, bc := key(b)
		if af != bf {
			return af - bf
		}
		if al != bl {
			return al - bl
		}
		return ac - bc
	})
}

// Annotations that carry what OpenSLO v1 has no field for. Export writes
// them and Import reads them; any other annotation under the journeyslo/
// prefix is refused as a likely typo.
const (
	annPrefix    = "journeyslo/"
	annService   = annPrefix + "service"    // Service: the service's journeyslo name, when it is not an RFC 1123 name
	annJourney   = annPrefix + "journey"    // SLO: the journey
	annObjective = annPrefix + "objective"  // SLO: the objective's name, when it is not the default
	annLatency   = annPrefix + "latency"    // SLO: the latency threshold, "300ms"
	annRunbook   = annPrefix + "runbook"    // SLO: the runbook URL
	annPeriod    = annPrefix + "period"     // SLO: "default", the default period written out
	annMinEvents = annPrefix + "min-events" // SLO: the objective's guard; AlertPolicy: the named policy's
	annPatterns  = annPrefix + "patterns"   // SLO: the journey's ServeMux patterns, one a line
	annMethods   = annPrefix + "methods"    // SLO: the journey's gRPC methods, one a line
	annPolicy    = annPrefix + "policy"     // AlertPolicy: the named policy the rule belongs to
	annRule      = annPrefix + "rule"       // AlertPolicy: the rule's name, when it has one
	annRules     = annPrefix + "rules"      // AlertPolicy: "default", a rule of burnrate.DefaultPolicy written out
	annNoData    = annPrefix + "no-data"    // SLO: how long the counters may be missing, "10m", and the alert's severity: "10m page"
	annGroupBy   = annPrefix + "group-by"   // SLO: the labels the objective is judged by, one a line
	annAlerting  = annPrefix + "alerting"   // SLO: the alerts' name, labels and annotations, as JSON
)

var annotationsOf = map[string][]string{
	kindService:     {annService},
	kindSLO:         {annJourney, annObjective, annLatency, annPeriod, annRunbook, annMinEvents, annPatterns, annMethods, annNoData, annGroupBy, annAlerting},
	kindAlertPolicy: {annPolicy, annRule, annRules, annMinEvents},
}

// checkAnnotations refuses journeyslo/ annotations that kind does not take.
func checkAnnotations(s *sink, m metadata, kind, path string) {
	for k := range m.annotations {
		if strings.HasPrefix(k, annPrefix) && !slices.Contains(annotationsOf[kind], k) {
			want := "none"
			if len(annotationsOf[kind]) > 0 {
				want = strings.Join(annotationsOf[kind], ", ")
			}
			s.errorf(m.annNodes[k], yamlpos.Join(path, "annotations."+k), "is not an annotation journeyslo reads on kind %s; it reads %s", kind, want)
		}
	}
}

// ruleUse is one rule an SLO's alert policies give.
type ruleUse struct {
	policy    string // journeyslo/policy, or ""
	isDefault bool   // journeyslo/rules: default
	rule      burnrate.Rule
	min       *uint64 // journeyslo/min-events of the AlertPolicy
	doc       *policyDoc
}

// resolve follows the references and builds the config.
// When readFailed, some document could not be read: the objectives are
// not checked further, and an empty set is no news.
func (ds *documents) resolve(files string, readFailed bool) (*Imported, []error) {
	var errs []error
	if len(ds.slos) == 0 {
		if readFailed {
			return nil, nil
		}
		if len(ds.slis)+len(ds.policies)+len(ds.conditions)+len(ds.services)+len(ds.dataSources) == 0 {
			return nil, []error{&yamlpos.Error{Err: errors.New("no OpenSLO documents in " + files + "; want at least one SLO")}}
		}
		return nil, []error{&yamlpos.Error{Err: errors.New("no SLO among the documents of " + files + "; journeyslo imports objectives, one per SLO")}}
	}
	cfg := &sloconfig.Config{}
	imp := &Imported{Config: cfg}
	journeys := map[string]int{}
	var service string
	var serviceAt place
	objAt := map[string]place{}
	// queryAt holds each objective's queries, to place what slo says of
	// its source.
	queryAt := map[string]*ratioMetric{}
	// The rules of each named policy, from the AlertPolicy documents that
	// carry its name, in document order.
	named := ds.namedPolicies(&errs)
	for _, sv := range ds.services {
		checkAnnotations(&sink{p: sv.place, errs: &errs}, sv.meta, kindService, "metadata")
	}
	for _, sli := range ds.slis {
		checkAnnotations(&sink{p: sli.place, errs: &errs}, sli.meta, kindSLI, "metadata")
	}
	for _, c := range ds.conditions {
		checkAnnotations(&sink{p: c.place, errs: &errs}, c.meta, kindAlertCondition, "metadata")
	}
	for _, d := range ds.slos {
		s := &sink{p: d.place, errs: &errs}
		checkAnnotations(s, d.meta, kindSLO, "metadata")
		// The service.
		name := d.service
		if sv, ok := ds.services[d.service]; ok {
			if n, ok := sv.meta.annotations[annService]; ok {
				name = n
			}
		}
		switch {
		case name == "":
		case service == "":
			service, serviceAt = name, d.place
		case name != service:
			s.errorf(d.serviceNode, "spec.service", "%q is another service than %q (SLO at %s); a journeyslo config describes one service: import each service's documents on their own", name, service, serviceAt.where())
		}
		// The objective.
		o := sloconfig.Objective{Target: d.target, Slices: d.slices.objective()}
		journey := d.meta.name
		if j, ok := d.meta.annotations[annJourney]; ok {
			journey = j
		}
		o.Name = d.meta.annotations[annObjective]
		if v, ok := d.meta.annotations[annLatency]; ok {
			lat, err := time.ParseDuration(v)
			if err != nil || lat <= 0 {
				s.errorf(d.meta.annNodes[annLatency], "metadata.annotations."+annLatency, "%q is not a positive duration; write the threshold such as 300ms", v)
			}
			o.Latency = lat
		}
		o.Runbook = d.meta.annotations[annRunbook]
		o.GroupBy = lines(d.meta.annotations[annGroupBy])
		if v, ok := d.meta.annotations[annAlerting]; ok {
			o.Alerting = parseAlerting(s, d.meta.annNodes[annAlerting], v)
		}
		if v, ok := d.meta.annotations[annMinEvents]; ok {
			o.MinEvents = parseMin(s, d.meta.annNodes[annMinEvents], "metadata.annotations."+annMinEvents, v)
		}
		o.Period = d.period
		if v, ok := d.meta.annotations[annPeriod]; ok {
			switch {
			case v != "default":
				s.errorf(d.meta.annNodes[annPeriod], "metadata.annotations."+annPeriod, "%q is not a value journeyslo reads; write default, or leave the annotation out", v)
			case d.period != 0 && d.period != slo.DefaultPeriod:
				s.errorf(d.meta.annNodes[annPeriod], "metadata.annotations."+annPeriod, "is default, but the timeWindow is %s, not the default %s; remove the annotation to use %s", burnrate.FormatWindow(d.period), burnrate.FormatWindow(slo.DefaultPeriod), burnrate.FormatWindow(d.period))
			default:
				o.Period = 0
			}
		}
		for k, vs := range d.meta.labels {
			if len(vs) != 1 {
				s.errorf(d.meta.labelNodes[k], "metadata.labels."+k, "holds %d values; journeyslo's labels hold one value each", len(vs))
				continue
			}
			if o.Labels == nil {
				o.Labels = map[string]string{}
			}
			o.Labels[k] = vs[0]
		}
		// The SLI.
		sli := d.indicator
		if sli != nil {
			checkAnnotations(s, sli.meta, kindSLI, "spec.indicator.metadata")
		}
		if d.indicatorRef != "" {
			if sli = ds.slis[d.indicatorRef]; sli == nil {
				s.errorf(d.refNode, "spec.indicatorRef", "%q names no SLI; define one (kind: SLI, metadata.name: %s) or inline it as spec.indicator", d.indicatorRef, d.indicatorRef)
			}
		}
		// The SLI's queries: journeyslo's own counters name the journey
		// and objective; other Prometheus counters are the objective's
		// source, for the rules.
		var ind Indicator
		indOK, own := false, false
		if sli != nil && sli.ratio != nil {
			ind, indOK = ds.indicator(sli, &errs)
		}
		if indOK && ind.Source == prometheus {
			if j, obj, ok := ownCounters(ind); ok {
				own = true
				if a, has := d.meta.annotations[annJourney]; has && a != j {
					s.errorf(d.meta.annNodes[annJourney], "metadata.annotations."+annJourney, "%q is another journey than the %q its SLI's counters name; remove the annotation or make them agree", a, j)
				}
				journey = j
				if name := objectiveName(o); name != obj {
					if _, has := d.meta.annotations[annObjective]; has {
						s.errorf(d.meta.annNodes[annObjective], "metadata.annotations."+annObjective, "%q is another objective than the %q its SLI's counters name; remove the annotation or make them agree", name, obj)
					}
					o.Name = obj
				}
			} else {
				o.Source = sourceOf(ind)
				if o.Latency == 0 {
					o.Latency = bucketThreshold(o.Source.Good)
				}
			}
		}
		objName := objectiveName(o)
		key := slo.ObjectiveKey(journey, objName)
		if prev, dup := objAt[key]; dup {
			s.errorf(d.meta.nameNode, "metadata", "is objective %s again, as the SLO at %s; give one of them another %s annotation", key, prev.where(), annObjective)
		}
		objAt[key] = d.place
		if indOK && !own {
			if imp.Indicators == nil {
				imp.Indicators = map[string]Indicator{}
			}
			imp.Indicators[key] = ind
		}
		if sli != nil && sli.ratio != nil {
			queryAt[key] = sli.ratio
		}
		// The alert policies.
		var uses []ruleUse
		for i, pu := range d.policies {
			path := yamlpos.Index("spec.alertPolicies", i)
			pol := pu.inline
			if pol == nil {
				if pol = ds.policies[pu.ref]; pol == nil {
					s.errorf(pu.node, yamlpos.Join(path, "alertPolicyRef"), "%q names no AlertPolicy; define one (kind: AlertPolicy, metadata.name: %s) or inline it", pu.ref, pu.ref)
					continue
				}
			} else if _, ok := pol.meta.annotations[annPolicy]; ok {
				s.errorf(pol.meta.annNodes[annPolicy], yamlpos.Join(path, "metadata.annotations."+annPolicy), "is on an inline AlertPolicy; a named policy's rules are top-level AlertPolicy documents that SLOs refer to")
				continue
			}
			if u, ok := ds.rule(pol, &errs); ok {
				uses = append(uses, u)
			}
		}
		if len(uses) == len(d.policies) {
			ds.policyOf(s, d, &o, uses, named)
		}
		o.NoData = noDataOf(s, d, uses)
		// The journey.
		ji, ok := journeys[journey]
		if !ok {
			ji = len(cfg.Journeys)
			journeys[journey] = ji
			cfg.Journeys = append(cfg.Journeys, sloconfig.Journey{Name: journey})
		}
		j := &cfg.Journeys[ji]
		j.Patterns = union(j.Patterns, lines(d.meta.annotations[annPatterns]))
		j.Methods = union(j.Methods, lines(d.meta.annotations[annMethods]))
		j.Objectives = append(j.Objectives, o)
	}
	// Every named policy, used or not: one that no SLO uses is still the
	// config's.
	cfg.Policies = named
	cfg.Service = service
	if len(errs) > 0 || readFailed {
		return nil, errs
	}
	errs = append(errs, ds.validate(cfg, objAt, queryAt)...)
	if len(errs) > 0 {
		return nil, errs
	}
	return imp, nil
}

// parseMin reads a min-events annotation.
func parseMin(s *sink, n *yaml.Node, path, v string) *uint64 {
	m, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		s.errorf(n, path, "%q is not a whole number of events; write the low-traffic guard such as \"1000\", or \"0\" to turn it off", v)
		return nil
	}
	return &m
}

// lines splits an annotation of one value a line.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// union appends the values of add that list lacks, in order.
func union(list, add []string) []string {
	for _, v := range add {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

// indicator reads an SLI's queries, once however many SLOs refer to it.
func (ds *documents) indicator(sli *sliDoc, errs *[]error) (Indicator, bool) {
	return once(&ds.indicators, sli, func() (Indicator, bool) { return ds.readIndicator(sli, errs) })
}

// once returns what read gives for the document doc, kept in *cache, so
// that a document several SLOs refer to is read, and its problems
// reported, once.
func once[D comparable, V any](cache *map[D]result[V], doc D, read func() (V, bool)) (V, bool) {
	if r, ok := (*cache)[doc]; ok {
		return r.v, r.ok
	}
	v, ok := read()
	if *cache == nil {
		*cache = map[D]result[V]{}
	}
	(*cache)[doc] = result[V]{v, ok}
	return v, ok
}

// A result is what was read of a document, and whether it was valid.
type result[V any] struct {
	v  V
	ok bool
}

func (ds *documents) readIndicator(sli *sliDoc, errs *[]error) (Indicator, bool) {
	s := &sink{p: sli.place, errs: errs}
	var ind Indicator
	ok := true
	read := func(ms *metricSource, into *string) {
		if ms == nil {
			return
		}
		typ := ms.typ
		if ms.ref != "" {
			src, found := ds.dataSources[ms.ref]
			switch {
			case !found && typ == "":
				s.errorf(ms.node, yamlpos.Join(ms.path, "metricSourceRef"), "%q names no DataSource, and the source has no type; define the DataSource or write type: Prometheus", ms.ref)
				ok = false
				return
			case found && typ == "":
				typ = src.typ
			}
		}
		if typ == "" {
			s.errorf(ms.node, yamlpos.Join(ms.path, "type"), "is missing; write type: Prometheus, or name a DataSource in metricSourceRef")
			ok = false
			return
		}
		for k := range ms.spec {
			if k != "query" {
				s.errorf(ms.node, yamlpos.Join(ms.path, "spec."+k), "is not kept: journeyslo keeps a source's query alone, for the rules it generates; remove it")
				ok = false
			}
		}
		if ms.query == "" {
			s.errorf(ms.node, yamlpos.Join(ms.path, "spec.query"), "is missing; give the counter's query")
			ok = false
			return
		}
		switch {
		case ind.Source == "":
			ind.Source = typ
		case ind.Source != typ:
			s.errorf(ms.node, yamlpos.Join(ms.path, "type"), "%q differs from the other query's %q; journeyslo keeps one source per SLI", typ, ind.Source)
			ok = false
		}
		*into = ms.query
	}
	read(sli.ratio.good, &ind.Good)
	read(sli.ratio.bad, &ind.Bad)
	read(sli.ratio.total, &ind.Total)
	return ind, ok
}

// defaultIndicator is the SLI Export writes for an objective: journeyslo's
// own counter of its events.
func defaultIndicator(journey, objective string) Indicator {
	sel := `journey="` + journey + `",objective="` + objective + `"`
	return Indicator{
		Source: "Prometheus",
		Bad:    `sum(journeyslo_sli_events_total{` + sel + `,outcome="bad"})`,
		Total:  `sum(journeyslo_sli_events_total{` + sel + `})`,
	}
}

// rule reads the one burnrate condition of an AlertPolicy as a rule, once
// however many SLOs refer to it.
func (ds *documents) rule(pol *policyDoc, errs *[]error) (ruleUse, bool) {
	return once(&ds.rules, pol, func() (ruleUse, bool) { return ds.readRule(pol, errs) })
}

func (ds *documents) readRule(pol *policyDoc, errs *[]error) (ruleUse, bool) {
	s := &sink{p: pol.place, errs: errs}
	checkAnnotations(s, pol.meta, kindAlertPolicy, "metadata")
	u := ruleUse{doc: pol, policy: pol.meta.annotations[annPolicy]}
	if v, ok := pol.meta.annotations[annRules]; ok {
		if v != "default" {
			s.errorf(pol.meta.annNodes[annRules], "metadata.annotations."+annRules, "%q is not a value journeyslo reads; write default, or leave the annotation out", v)
			return u, false
		}
		u.isDefault = true
	}
	if v, ok := pol.meta.annotations[annMinEvents]; ok {
		if u.policy == "" {
			s.errorf(pol.meta.annNodes[annMinEvents], "metadata.annotations."+annMinEvents, "is the guard of a named policy, and this AlertPolicy has no %s annotation; put the guard on the SLO", annPolicy)
			return u, false
		}
		if u.min = parseMin(s, pol.meta.annNodes[annMinEvents], "metadata.annotations."+annMinEvents, v); u.min == nil {
			return u, false
		}
	}
	if len(pol.conditions) != 1 {
		return u, false // reported when the policy was read
	}
	c := pol.conditions[0].inline
	if c == nil {
		ref := pol.conditions[0].ref
		if c = ds.conditions[ref]; c == nil {
			s.errorf(pol.conditions[0].node, "spec.conditions[0].conditionRef", "%q names no AlertCondition; define one (kind: AlertCondition, metadata.name: %s) or inline it", ref, ref)
			return u, false
		}
	}
	cs := &sink{p: c.place, errs: errs}
	short := c.alertAfter
	if short == 0 {
		// The Workbook's short window, when the condition gives none.
		short = c.lookback / 12
	} else if short >= c.lookback {
		cs.errorf(c.afterNode, yamlpos.Join(c.path, "condition.alertAfter"), "%s is not shorter than lookbackWindow %s; journeyslo reads alertAfter as the rule's short window, which must be shorter than the long one (the Workbook uses a twelfth, %s)", burnrate.FormatWindow(short), burnrate.FormatWindow(c.lookback), burnrate.FormatWindow(c.lookback/12))
		return u, false
	}
	sev := burnrate.SeverityPage
	if c.severity == "ticket" {
		sev = burnrate.SeverityTicket
	}
	u.rule = burnrate.Rule{Name: pol.meta.annotations[annRule], Long: c.lookback, Short: short, Factor: c.threshold, Severity: sev}
	return u, true
}

// policyOf sets the objective's policy from the rules its SLO's alert
// policies give.
func (ds *documents) policyOf(s *sink, d *sloDoc, o *sloconfig.Objective, uses []ruleUse, named map[string]sloconfig.Policy) {
	if len(uses) == 0 {
		return // the default policy
	}
	first := uses[0]
	for _, u := range uses[1:] {
		if u.policy != first.policy {
			s.errorf(d.policiesNode, "spec.alertPolicies", "mixes AlertPolicies of named policies %q and %q; an objective uses one policy: refer to one policy's AlertPolicies", first.policy, u.policy)
			return
		}
		if u.isDefault != first.isDefault {
			s.errorf(d.policiesNode, "spec.alertPolicies", "mixes default rules (%s: default) and rules of its own; keep one kind", annRules)
			return
		}
	}
	if first.isDefault {
		// Written out for other tools; journeyslo derives them from the
		// target and period, so they must be what it would derive.
		period := d.period
		if period == 0 {
			period = slo.DefaultPeriod
		}
		want := burnrate.DefaultPolicy(d.target, period).Rules
		var got []burnrate.Rule
		for _, u := range uses {
			r := u.rule
			if r.Name == "" {
				r.Name = r.String()
			}
			got = append(got, r)
		}
		if !slices.Equal(got, want) {
			s.errorf(d.policiesNode, "spec.alertPolicies", "are marked %s: default, but are not the default policy for target %v over %s (%s); remove the annotation to use them as written", annRules, d.target, burnrate.FormatWindow(period), describeRules(want))
			return
		}
	}
	switch {
	case first.policy != "":
		o.Policy = first.policy
		if p := named[first.policy]; !first.isDefault && !slices.Equal(rulesOf(uses), p.Rules) {
			s.errorf(d.policiesNode, "spec.alertPolicies", "refer to part of named policy %q, whose AlertPolicies give %s; refer to all of them, in order", first.policy, describeRules(p.Rules))
		}
	case !first.isDefault:
		o.Rules = rulesOf(uses)
	}
}

func rulesOf(uses []ruleUse) []burnrate.Rule {
	out := make([]burnrate.Rule, len(uses))
	for i, u := range uses {
		out[i] = u.rule
	}
	return out
}

// namedPolicies gathers the named policies from the top-level AlertPolicy
// documents that carry a journeyslo/policy annotation: a policy's rules
// are its documents' conditions in document order (none when they are
// the default rules, written out per SLO), its guard their min-events.
func (ds *documents) namedPolicies(errs *[]error) map[string]sloconfig.Policy {
	var out map[string]sloconfig.Policy
	first := map[string]ruleUse{}
	for _, pol := range ds.policyOrder {
		name, ok := pol.meta.annotations[annPolicy]
		if !ok {
			continue
		}
		u, ok := ds.rule(pol, errs)
		if !ok {
			continue
		}
		s := &sink{p: pol.place, errs: errs}
		if out == nil {
			out = map[string]sloconfig.Policy{}
		}
		f, seen := first[name]
		if !seen {
			first[name] = u
			p := sloconfig.Policy{MinEvents: u.min}
			if !u.isDefault {
				p.Rules = []burnrate.Rule{u.rule}
			}
			out[name] = p
			continue
		}
		if !equalMin(u.min, f.min) {
			s.errorf(pol.meta.nameNode, "metadata.annotations."+annMinEvents, "differs from the guard of named policy %q's AlertPolicy %s; give the policy's AlertPolicies one guard", name, f.doc.meta.name)
		}
		if u.isDefault != f.isDefault {
			s.errorf(pol.meta.nameNode, "metadata.annotations."+annRules, "named policy %q has default rules in AlertPolicy %s and rules of its own here; keep one kind", name, f.doc.meta.name)
			continue
		}
		if !u.isDefault {
			p := out[name]
			p.Rules = append(p.Rules, u.rule)
			out[name] = p
		}
	}
	return out
}

func equalMin(a, b *uint64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// describeRules writes rules for messages: "page 1h/5m at 14.4, ...".
func describeRules(rules []burnrate.Rule) string {
	if len(rules) == 0 {
		return "no rules"
	}
	parts := make([]string, len(rules))
	for i, r := range rules {
		parts[i] = fmt.Sprintf("%v %s/%s at %v", r.Severity, burnrate.FormatWindow(r.Long), burnrate.FormatWindow(r.Short), r.Factor)
	}
	return strings.Join(parts, ", ")
}

// validate reports what slo.New would refuse in each objective, at its
// SLO, and then what the config as a whole gets wrong.
func (ds *documents) validate(cfg *sloconfig.Config, objAt map[string]place, queryAt map[string]*ratioMetric) []error {
	var errs []error
	for _, j := range cfg.Journeys {
		for _, o := range j.Objectives {
			one := sloconfig.Config{Service: cfg.Service, Policies: cfg.Policies, Journeys: []sloconfig.Journey{{Name: j.Name, Objectives: []sloconfig.Objective{o}}}}
			so := one.Objectives()[0]
			err := so.Validate()
			if err == nil {
				continue
			}
			key := slo.ObjectiveKey(j.Name, objectiveName(o))
			s := &sink{p: objAt[key], errs: &errs}
			for _, e := range split(err) {
				n, field := queryNode(queryAt[key], e)
				s.errorf(n, field, "%v", e)
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if err := cfg.Validate(); err != nil {
		// Place each problem at the SLO of its objective, or the first
		// SLO of its journey, or the first SLO.
		for _, e := range split(err) {
			p := ds.slos[0].place
			var ce *sloconfig.Error
			if errors.As(e, &ce) {
				var j, o int
				if n, _ := fmt.Sscanf(ce.Path, "journeys[%d].objectives[%d]", &j, &o); n >= 1 && j < len(cfg.Journeys) {
					p = objAt[slo.ObjectiveKey(cfg.Journeys[j].Name, objectiveName(cfg.Journeys[j].Objectives[0]))]
					if n == 2 && o < len(cfg.Journeys[j].Objectives) {
						p = objAt[slo.ObjectiveKey(cfg.Journeys[j].Name, objectiveName(cfg.Journeys[j].Objectives[o]))]
					}
				}
				e = ce.Err
			}
			(&sink{p: p, errs: &errs}).errorf(nil, "", "%v", e)
		}
	}
	return errs
}

// objectiveName is an objective's name with its default filled in.
func objectiveName(o sloconfig.Objective) string {
	switch {
	case o.Name != "":
		return o.Name
	case o.Latency > 0:
		return "latency"
	}
	return "availability"
}

// split returns the errors that err joins, or err alone.
func split(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

package openslo

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/internal/yamlpos"
)

// The OpenSLO v1 kinds.
const (
	kindSLO                     = "SLO"
	kindSLI                     = "SLI"
	kindAlertPolicy             = "AlertPolicy"
	kindAlertCondition          = "AlertCondition"
	kindAlertNotificationTarget = "AlertNotificationTarget"
	kindService                 = "Service"
	kindDataSource              = "DataSource"
)

// apiVersion is the only version this package reads and writes.
const apiVersion = "openslo/v1"

var kinds = []string{kindSLO, kindSLI, kindAlertPolicy, kindAlertCondition, kindAlertNotificationTarget, kindService, kindDataSource}

// metadata is an object's metadata.
type metadata struct {
	name        string
	nameNode    *yaml.Node
	labels      map[string][]string
	labelNodes  map[string]*yaml.Node
	annotations map[string]string
	annNodes    map[string]*yaml.Node
}

// place is where a document is, for errors raised after it was read.
type place struct {
	file string
	doc  string // "SLO checkout"
	node *yaml.Node
}

// A sink records errors against one document once every file is read.
type sink struct {
	p    place
	errs *[]error
}

func (s *sink) errorf(n *yaml.Node, field, format string, args ...any) {
	r := reader{file: s.p.file, doc: s.p.doc}
	if n == nil {
		n = s.p.node
	}
	r.errorf(n, field, format, args...)
	*s.errs = append(*s.errs, r.errs...)
}

type sloDoc struct {
	place
	meta         metadata
	service      string
	serviceNode  *yaml.Node
	indicator    *sliDoc // inline
	indicatorRef string
	refNode      *yaml.Node
	period       time.Duration
	target       float64
	policies     []policyUse
	policiesNode *yaml.Node
	slices       sliceFields // the budgeting method and its time slices
}

// policyUse is one item of an SLO's alertPolicies: a reference or an
// inline policy.
type policyUse struct {
	ref    string
	node   *yaml.Node
	inline *policyDoc
}

type sliDoc struct {
	place
	meta  metadata
	ratio *ratioMetric // nil when the SLI is not one journeyslo reads
}

type ratioMetric struct {
	bad, good, total *metricSource
}

type metricSource struct {
	node *yaml.Node
	// queryNode is spec.query's node, where a problem of the query is.
	queryNode *yaml.Node
	path      string // "spec.ratioMetric.bad.metricSource"
	ref       string
	typ       string
	query     string
	// spec holds every field of the source's spec, for the sources that
	// carry more than a query.
	spec map[string]string
}

type policyDoc struct {
	place
	meta       metadata
	conditions []conditionUse
	// noData is alertWhenNoData: true, an alert when the SLI's counters
	// go missing.
	noData bool
}

type conditionUse struct {
	ref    string
	node   *yaml.Node
	inline *conditionDoc
}

type conditionDoc struct {
	place
	path       string // of its spec: "spec", or "spec.conditions[0].spec" inline
	meta       metadata
	severity   string
	threshold  float64
	lookback   time.Duration
	alertAfter time.Duration // 0 when absent
	afterNode  *yaml.Node
}

type dataSourceDoc struct {
	place
	typ string
}

// documents is everything read from a set of files, by kind and name.
type documents struct {
	slos        []*sloDoc
	slis        map[string]*sliDoc
	policies    map[string]*policyDoc
	conditions  map[string]*conditionDoc
	services    map[string]*serviceDoc
	dataSources map[string]*dataSourceDoc
	// policyOrder keeps the top-level AlertPolicies in document order.
	policyOrder []*policyDoc
	// rules and indicators hold each AlertPolicy's rule and each SLI's
	// queries once read, so that each problem is reported once.
	rules      map[*policyDoc]result[ruleUse]
	indicators map[*sliDoc]result[Indicator]
}

type serviceDoc struct {
	place
	meta metadata
}

func newDocuments() *documents {
	return &documents{
		slis:        map[string]*sliDoc{},
		policies:    map[string]*policyDoc{},
		conditions:  map[string]*conditionDoc{},
		services:    map[string]*serviceDoc{},
		dataSources: map[string]*dataSourceDoc{},
	}
}

// read adds the documents of one file, recording its problems in r.
func (ds *documents) read(r *reader, data []byte, named map[string]place) {
	roots, errs := yamlpos.Documents(r.file, data, format)
	r.errs = append(r.errs, errs...)
	for _, root := range roots {
		if root.Kind == yaml.SequenceNode {
			// A list of objects, as OpenSLO's own SDK reads and writes.
			for _, n := range root.Content {
				ds.readObject(r, n, named)
			}
			continue
		}
		ds.readObject(r, root, named)
	}
}

// format is what OpenSLO files hold, for yamlpos's messages.
var format = yamlpos.Format{AliasHint: ", or refer to another document by name"}

// readObject reads one top-level document.
func (ds *documents) readObject(r *reader, n *yaml.Node, named map[string]place) {
	r.doc = ""
	fs := r.fields(n, "", "apiVersion", "kind", "metadata", "spec")
	if fs == nil {
		return
	}
	if v, ok := fs["apiVersion"]; !ok {
		r.errorf(n, "apiVersion", "is missing; want %s", apiVersion)
	} else if s, ok := r.str(v, "apiVersion"); ok && s != apiVersion {
		r.errorf(v, "apiVersion", "%q is not read here; want %s", s, apiVersion)
	}
	kindNode, ok := fs["kind"]
	if !ok {
		r.errorf(n, "kind", "is missing; want one of %s", strings.Join(kinds, ", "))
		return
	}
	kind, ok := r.str(kindNode, "kind")
	if !ok {
		return
	}
	if !slices.Contains(kinds, kind) {
		r.errorf(kindNode, "kind", "%q is not an OpenSLO v1 kind; want one of %s", kind, strings.Join(kinds, ", "))
		return
	}
	mn, ok := fs["metadata"]
	if !ok {
		r.doc = kind
		r.errorf(n, "metadata", "is missing; want metadata.name at least")
		return
	}
	meta, ok := r.metadata(mn, "metadata", kind)
	if !ok {
		return
	}
	p := place{file: r.file, doc: kind + " " + meta.name, node: n}
	key := kind + " " + meta.name
	if prev, dup := named[key]; dup {
		r.errorf(meta.nameNode, "metadata.name", "%s %s is also defined at %s; give each %s its own name", kind, meta.name, prev.where(), kind)
		return
	}
	named[key] = p
	spec, ok := fs["spec"]
	if !ok {
		r.errorf(n, "spec", "is missing")
		return
	}
	switch kind {
	case kindSLO:
		if d := r.slo(p, meta, spec); d != nil {
			ds.slos = append(ds.slos, d)
		}
	case kindSLI:
		if d := r.sliSpec(p, meta, spec, "spec"); d != nil {
			ds.slis[meta.name] = d
		}
	case kindAlertPolicy:
		if d := r.policySpec(p, meta, spec, "spec"); d != nil {
			ds.policies[meta.name] = d
			ds.policyOrder = append(ds.policyOrder, d)
		}
	case kindAlertCondition:
		if d := r.conditionSpec(p, meta, spec, "spec"); d != nil {
			ds.conditions[meta.name] = d
		}
	case kindAlertNotificationTarget:
		r.targetSpec(spec, "spec")
	case kindService:
		r.fields(spec, "spec", "description")
		ds.services[meta.name] = &serviceDoc{place: p, meta: meta}
	case kindDataSource:
		fs := r.fields(spec, "spec", "description", "type", "connectionDetails")
		if fs == nil {
			return
		}
		d := &dataSourceDoc{place: p}
		if t, ok := fs["type"]; !ok {
			r.errorf(spec, "spec.type", "is missing; name the source, such as Prometheus")
		} else {
			d.typ, _ = r.str(t, "spec.type")
		}
		// connectionDetails holds whatever the source needs, any YAML.
		if _, ok := fs["connectionDetails"]; !ok {
			r.errorf(spec, "spec.connectionDetails", "is missing; OpenSLO v1 requires it, if only as {}")
		}
		ds.dataSources[meta.name] = d
	}
}

// where writes a place as FILE:LINE:COLUMN.
func (p place) where() string {
	if p.node == nil {
		return p.file
	}
	return p.file + ":" + strconv.Itoa(p.node.Line) + ":" + strconv.Itoa(p.node.Column)
}

// rfc1123 is the name OpenSLO v1 requires every implementation to support:
// a DNS label of at most 63 lowercase letters, digits and '-'.
var rfc1123 = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)

// metadata reads an object's metadata; ok is false when it has no usable
// name. It sets r.doc to "KIND NAME" for the errors that follow.
func (r *reader) metadata(n *yaml.Node, path, kind string) (metadata, bool) {
	r.doc = kind
	var m metadata
	fs := r.fields(n, path, "name", "displayName", "labels", "annotations")
	if fs == nil {
		return m, false
	}
	nn, ok := fs["name"]
	if !ok {
		r.errorf(n, yamlpos.Join(path, "name"), "is missing; name the %s", kind)
		return m, false
	}
	name, ok := r.str(nn, yamlpos.Join(path, "name"))
	if !ok {
		return m, false
	}
	m.name, m.nameNode = name, nn
	r.doc = kind + " " + name
	if !rfc1123.MatchString(name) {
		r.errorf(nn, yamlpos.Join(path, "name"), "%q is not an RFC 1123 name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit", name)
	}
	if d, ok := fs["displayName"]; ok {
		r.str(d, yamlpos.Join(path, "displayName"))
	}
	if l, ok := fs["labels"]; ok {
		m.labels, m.labelNodes = r.labels(l, yamlpos.Join(path, "labels"))
	}
	if a, ok := fs["annotations"]; ok {
		m.annotations = r.stringMap(a, yamlpos.Join(path, "annotations"))
		m.annNodes = map[string]*yaml.Node{}
		if a := a; a.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(a.Content); i += 2 {
				m.annNodes[a.Content[i].Value] = a.Content[i+1]
			}
		}
	}
	return m, true
}

// labels reads metadata.labels, whose values are a string or a list of
// strings.
func (r *reader) labels(n *yaml.Node, path string) (map[string][]string, map[string]*yaml.Node) {
	fs := r.fields(n, path)
	if fs == nil {
		return nil, nil
	}
	out, nodes := map[string][]string{}, map[string]*yaml.Node{}
	for k, v := range fs {
		nodes[k] = v
		if v.Kind == yaml.SequenceNode {
			vals := []string{}
			for i, e := range v.Content {
				if s, ok := r.scalarString(e, yamlpos.Index(yamlpos.Join(path, k), i)); ok {
					vals = append(vals, s)
				}
			}
			out[k] = vals
			continue
		}
		if s, ok := r.scalarString(v, yamlpos.Join(path, k)); ok {
			out[k] = []string{s}
		}
	}
	return out, nodes
}

// slo reads an SLO's spec.
func (r *reader) slo(p place, meta metadata, n *yaml.Node) *sloDoc {
	fs := r.fields(n, "spec", "description", "service", "indicator", "indicatorRef", "timeWindow", "budgetingMethod", "objectives", "alertPolicies")
	if fs == nil {
		return nil
	}
	d := &sloDoc{place: p, meta: meta}
	if s, ok := fs["service"]; !ok {
		r.errorf(n, "spec.service", "is missing; name the service the SLO is about")
	} else if d.service, ok = r.str(s, "spec.service"); ok {
		d.serviceNode = s
		if !rfc1123.MatchString(d.service) {
			r.errorf(s, "spec.service", "%q is not an RFC 1123 name: use at most 63 lowercase letters, digits and '-'", d.service)
		}
	}
	ind, hasInd := fs["indicator"]
	ref, hasRef := fs["indicatorRef"]
	switch {
	case hasInd && hasRef:
		r.errorf(ref, "spec.indicatorRef", "is given with spec.indicator; keep one of them")
	case hasInd:
		ifs := r.fields(ind, "spec.indicator", "metadata", "spec")
		if ifs != nil {
			doc := r.doc
			im, ok := ifs["metadata"]
			if !ok {
				r.errorf(ind, "spec.indicator.metadata", "is missing; name the inline SLI")
			} else if sm, ok := r.metadata(im, "spec.indicator.metadata", kindSLI); ok {
				r.doc = doc
				if is, ok := ifs["spec"]; !ok {
					r.errorf(ind, "spec.indicator.spec", "is missing")
				} else {
					d.indicator = r.sliSpec(p, sm, is, "spec.indicator.spec")
				}
			}
			r.doc = doc
		}
	case hasRef:
		if d.indicatorRef, hasRef = r.str(ref, "spec.indicatorRef"); hasRef {
			d.refNode = ref
		}
	default:
		r.errorf(n, "spec.indicatorRef", "is missing, and so is spec.indicator; name the SLI or inline it")
	}
	if tw, ok := fs["timeWindow"]; ok {
		d.period = r.timeWindow(tw)
	}
	if bm, ok := fs["budgetingMethod"]; !ok {
		r.errorf(n, "spec.budgetingMethod", "is missing; journeyslo budgets by Occurrences (good events over all events)")
	} else if s, ok := r.str(bm, "spec.budgetingMethod"); ok {
		switch s {
		case "Occurrences", "Timeslices", "RatioTimeslices":
			d.slices.method, d.slices.methodNode = s, bm
		default:
			r.errorf(bm, "spec.budgetingMethod", "%q is not an OpenSLO budgeting method; write Occurrences, Timeslices or RatioTimeslices", s)
		}
	}
	if ob, ok := fs["objectives"]; !ok {
		r.errorf(n, "spec.objectives", "is missing; give one objective with a target")
	} else {
		d.target = r.objectives(ob, &d.slices)
	}
	r.checkSlices(&d.slices)
	if ap, ok := fs["alertPolicies"]; ok {
		d.policiesNode = ap
		items, _ := r.list(ap, "spec.alertPolicies")
		for i, it := range items {
			switch name, ref, pol := r.refOrInline(p, it, yamlpos.Index("spec.alertPolicies", i), "alertPolicyRef", kindAlertPolicy, "policy"); {
			case ref != nil:
				d.policies = append(d.policies, policyUse{ref: name, node: ref})
			case pol != nil:
				d.policies = append(d.policies, policyUse{inline: pol.(*policyDoc), node: it})
			}
		}
	}
	return d
}

// refOrInline reads it, an item of a list of references or inline objects
// (an SLO's alertPolicies, a policy's conditions and notificationTargets):
// either the reference field ref alone, whose name it returns with the
// field's node, or an inline object of kind (see [reader.inline]), which
// it returns read; what names the object in messages. It returns neither
// having said what is wrong.
func (r *reader) refOrInline(p place, it *yaml.Node, path, ref, kind, what string) (name string, refNode *yaml.Node, inline any) {
	fs := r.fields(it, path, ref, "kind", "metadata", "spec")
	if fs == nil {
		return "", nil, nil
	}
	rn, ok := fs[ref]
	if !ok {
		return "", nil, r.inline(p, it, fs, path, kind)
	}
	if len(fs) > 1 {
		r.errorf(it, path, "holds %s and an inline %s; keep one of them", ref, what)
		return "", nil, nil
	}
	if name, ok = r.str(rn, yamlpos.Join(path, ref)); !ok {
		return "", nil, nil
	}
	return name, rn, nil
}

// inline reads an inline AlertPolicy or AlertCondition: kind, metadata and
// spec.
func (r *reader) inline(p place, n *yaml.Node, fs map[string]*yaml.Node, path, kind string) any {
	doc := r.doc
	defer func() { r.doc = doc }()
	k, ok := fs["kind"]
	if !ok {
		r.errorf(n, yamlpos.Join(path, "kind"), "is missing; an inline object needs kind: %s, metadata and spec, or use a reference", kind)
		return nil
	}
	if s, ok := r.str(k, yamlpos.Join(path, "kind")); !ok {
		return nil
	} else if s != kind {
		r.errorf(k, yamlpos.Join(path, "kind"), "%q is not allowed here; want %s", s, kind)
		return nil
	}
	mn, ok := fs["metadata"]
	if !ok {
		r.errorf(n, yamlpos.Join(path, "metadata"), "is missing; name the inline %s", kind)
		return nil
	}
	meta, ok := r.metadata(mn, yamlpos.Join(path, "metadata"), kind)
	r.doc = doc
	if !ok {
		return nil
	}
	spec, ok := fs["spec"]
	if !ok {
		r.errorf(n, yamlpos.Join(path, "spec"), "is missing")
		return nil
	}
	ip := place{file: p.file, doc: p.doc, node: n}
	switch kind {
	case kindAlertPolicy:
		if d := r.policySpec(ip, meta, spec, yamlpos.Join(path, "spec")); d != nil {
			return d
		}
	case kindAlertCondition:
		if d := r.conditionSpec(ip, meta, spec, yamlpos.Join(path, "spec")); d != nil {
			return d
		}
	case kindAlertNotificationTarget:
		r.targetSpec(spec, yamlpos.Join(path, "spec"))
	}
	return nil
}

// timeWindow reads spec.timeWindow: one rolling window.
func (r *reader) timeWindow(n *yaml.Node) time.Duration {
	items, ok := r.list(n, "spec.timeWindow")
	if !ok {
		return 0
	}
	if len(items) != 1 {
		r.errorf(n, "spec.timeWindow", "holds %d windows; OpenSLO v1 takes exactly one", len(items))
		return 0
	}
	path := "spec.timeWindow[0]"
	fs := r.fields(items[0], path, "duration", "isRolling", "calendar")
	if fs == nil {
		return 0
	}
	rolling := false
	if ir, ok := fs["isRolling"]; ok {
		rolling, _ = r.boolean(ir, yamlpos.Join(path, "isRolling"))
	}
	if c, ok := fs["calendar"]; ok {
		r.errorf(c, yamlpos.Join(path, "calendar"), "calendar windows cannot be honoured: journeyslo's periods roll (the last 30 days, at every instant) and never reset on a date; remove calendar and write isRolling: true")
		return 0
	}
	if !rolling {
		r.errorf(items[0], yamlpos.Join(path, "isRolling"), "is not true, and journeyslo's periods roll; write isRolling: true")
	}
	dn, ok := fs["duration"]
	if !ok {
		r.errorf(items[0], yamlpos.Join(path, "duration"), "is missing; write the period, such as 30d or 4w")
		return 0
	}
	s, ok := r.str(dn, yamlpos.Join(path, "duration"))
	if !ok {
		return 0
	}
	d, err := parseShorthand(s)
	if err != nil {
		r.errorf(dn, yamlpos.Join(path, "duration"), "%v", err)
		return 0
	}
	return d
}

// objectives reads spec.objectives: journeyslo reads one target per SLO.
func (r *reader) objectives(n *yaml.Node, sf *sliceFields) float64 {
	items, ok := r.list(n, "spec.objectives")
	if !ok {
		return 0
	}
	switch {
	case len(items) == 0:
		r.errorf(n, "spec.objectives", "is empty; give one objective with a target")
		return 0
	case len(items) > 1:
		r.errorf(items[1], "spec.objectives", "holds %d objectives; journeyslo reads one objective per SLO, with its own alert state and budget: write one SLO per target", len(items))
		return 0
	}
	path := "spec.objectives[0]"
	fs := r.fields(items[0], path, "displayName", "op", "value", "target", "targetPercent", "timeSliceTarget", "timeSliceWindow", "indicator", "indicatorRef", "compositeWeight")
	if fs == nil {
		return 0
	}
	for _, f := range []string{"indicator", "indicatorRef", "compositeWeight"} {
		if v, ok := fs[f]; ok {
			r.errorf(v, yamlpos.Join(path, f), "composite objectives cannot be honoured: journeyslo keeps one budget per objective and weighs none into another; write one SLO per objective, each with its own indicator")
		}
	}
	for _, f := range []string{"op", "value"} {
		if v, ok := fs[f]; ok {
			r.errorf(v, yamlpos.Join(path, f), "compares a thresholdMetric, which journeyslo does not read; remove it and use a ratioMetric")
		}
	}
	r.sliceFields(fs, path, sf)
	if d, ok := fs["displayName"]; ok {
		r.str(d, yamlpos.Join(path, "displayName"))
	}
	t, hasT := fs["target"]
	tp, hasTP := fs["targetPercent"]
	switch {
	case hasT && hasTP:
		r.errorf(tp, yamlpos.Join(path, "targetPercent"), "is given with target; keep one of them")
	case hasT:
		f, _, ok := r.number(t, yamlpos.Join(path, "target"))
		if ok && !(f > 0 && f < 1) {
			hint := "a fraction such as 0.999"
			if f > 1 && f < 100 {
				hint = "target: " + strconv.FormatFloat(f/100, 'g', 12, 64) + ", or targetPercent: " + strconv.FormatFloat(f, 'g', -1, 64)
			}
			r.errorf(t, yamlpos.Join(path, "target"), "%v is not strictly between 0 and 1; write %s", f, hint)
			return 0
		}
		return f
	case hasTP:
		f, text, ok := r.number(tp, yamlpos.Join(path, "targetPercent"))
		if !ok {
			return 0
		}
		if !(f > 0 && f < 100) {
			r.errorf(tp, yamlpos.Join(path, "targetPercent"), "%v is not strictly between 0 and 100; write a percentage such as 99.9", f)
			return 0
		}
		return percent(text)
	default:
		r.errorf(items[0], yamlpos.Join(path, "target"), "is missing, and so is targetPercent; write target: 0.999 or targetPercent: 99.9")
	}
	return 0
}

// percent divides a number's decimal text by 100 exactly: "99.9" gives the
// float64 nearest 0.999, where 99.9/100 would give 0.9990000000000001.
func percent(text string) float64 {
	text = strings.ReplaceAll(text, "_", "")
	mant, exp := text, 0
	if i := strings.IndexAny(text, "eE"); i >= 0 {
		mant = text[:i]
		exp, _ = strconv.Atoi(text[i+1:])
	}
	f, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(exp-2), 64)
	if err != nil {
		f, _ = strconv.ParseFloat(text, 64)
		return f / 100
	}
	return f
}

// sliSpec reads an SLI's spec, at the top level or inline in an SLO.
func (r *reader) sliSpec(p place, meta metadata, n *yaml.Node, path string) *sliDoc {
	fs := r.fields(n, path, "description", "thresholdMetric", "ratioMetric")
	if fs == nil {
		return nil
	}
	d := &sliDoc{place: p, meta: meta}
	if d.place.doc == "" || strings.HasPrefix(d.place.doc, kindSLI+" ") {
		d.place.doc = kindSLI + " " + meta.name
	}
	if t, ok := fs["thresholdMetric"]; ok {
		r.errorf(t, yamlpos.Join(path, "thresholdMetric"), "cannot be honoured: journeyslo judges each event good or bad and counts them, and compares no metric's value with a threshold; use a ratioMetric of bad (or good) and total events")
		return d
	}
	rm, path, rfs := r.nested(n, fs, path, "ratioMetric", "is missing; journeyslo reads a ratioMetric of bad (or good) and total events",
		"counter", "good", "bad", "total", "rawType", "raw")
	if rfs == nil {
		return d
	}
	ratio := &ratioMetric{}
	ok := true
	if v, has := rfs["raw"]; has {
		// The rest of a raw ratio's fields would only add noise.
		r.errorf(v, yamlpos.Join(path, "raw"), "precomputed ratios cannot be honoured: journeyslo counts good and bad events, and an average of ratios is not a ratio of events; use bad (or good) with total")
		return d
	}
	if v, has := rfs["rawType"]; has {
		r.errorf(v, yamlpos.Join(path, "rawType"), "belongs to a raw ratio, which journeyslo does not read; remove it")
		ok = false
	}
	if c, has := rfs["counter"]; !has {
		r.errorf(rm, yamlpos.Join(path, "counter"), "is missing; write counter: true for counters of events")
		ok = false
	} else if b, valid := r.boolean(c, yamlpos.Join(path, "counter")); valid && !b {
		r.errorf(c, yamlpos.Join(path, "counter"), "is false, and journeyslo's rules take the increase of counters of events; write counter: true over counters")
		ok = false
	}
	good, hasGood := rfs["good"]
	bad, hasBad := rfs["bad"]
	switch {
	case hasGood && hasBad:
		r.errorf(bad, yamlpos.Join(path, "bad"), "is given with good; keep one of them, with total")
		ok = false
	case hasGood:
		ratio.good = r.metricSource(good, yamlpos.Join(path, "good"))
	case hasBad:
		ratio.bad = r.metricSource(bad, yamlpos.Join(path, "bad"))
	default:
		r.errorf(rm, yamlpos.Join(path, "bad"), "is missing, and so is good; give the bad (or good) events with the total")
		ok = false
	}
	if t, has := rfs["total"]; has {
		ratio.total = r.metricSource(t, yamlpos.Join(path, "total"))
	} else {
		r.errorf(rm, yamlpos.Join(path, "total"), "is missing; give the total events with bad (or good)")
		ok = false
	}
	if ok && ratio.total != nil && (ratio.good != nil || ratio.bad != nil) {
		d.ratio = ratio
	}
	return d
}

// metricSource reads {metricSource: {metricSourceRef, type, spec}}.
func (r *reader) metricSource(n *yaml.Node, path string) *metricSource {
	fs := r.fields(n, path, "metricSource")
	if fs == nil {
		return nil
	}
	ms, path, mfs := r.nested(n, fs, path, "metricSource", "is missing", "metricSourceRef", "type", "spec")
	if mfs == nil {
		return nil
	}
	out := &metricSource{node: ms, path: path}
	if v, ok := mfs["metricSourceRef"]; ok {
		out.ref, _ = r.str(v, yamlpos.Join(path, "metricSourceRef"))
	}
	if v, ok := mfs["type"]; ok {
		out.typ, _ = r.str(v, yamlpos.Join(path, "type"))
	}
	spec, spath, sfs := r.nested(ms, mfs, path, "spec", "is missing; give the query, as spec.query for Prometheus") // any keys: a source's spec is its own
	if sfs == nil {
		return nil
	}
	if len(sfs) == 0 {
		r.errorf(spec, spath, "is empty; give the query, as spec.query for Prometheus")
		return nil
	}
	out.spec = map[string]string{}
	for k, v := range sfs {
		if s, ok := r.scalarString(v, yamlpos.Join(spath, k)); ok {
			out.spec[k] = s
		}
	}
	out.query = out.spec["query"]
	for i := 0; i+1 < len(spec.Content); i += 2 {
		if spec.Content[i].Value == "query" {
			out.queryNode = spec.Content[i+1]
		}
	}
	return out
}

// policySpec reads an AlertPolicy's spec.
func (r *reader) policySpec(p place, meta metadata, n *yaml.Node, path string) *policyDoc {
	fs := r.fields(n, path, "description", "alertWhenNoData", "alertWhenResolved", "alertWhenBreaching", "conditions", "notificationTargets")
	if fs == nil {
		return nil
	}
	d := &policyDoc{place: p, meta: meta}
	if p.doc == "" || strings.HasPrefix(p.doc, kindAlertPolicy+" ") {
		d.place.doc = kindAlertPolicy + " " + meta.name
	}
	if v, ok := fs["alertWhenBreaching"]; ok {
		if b, ok := r.boolean(v, yamlpos.Join(path, "alertWhenBreaching")); ok && !b {
			r.errorf(v, yamlpos.Join(path, "alertWhenBreaching"), "is false, and journeyslo raises a policy's state when its condition breaches; write true, or leave the policy out of the SLO")
		}
	}
	if v, ok := fs["alertWhenNoData"]; ok {
		if b, ok := r.boolean(v, yamlpos.Join(path, "alertWhenNoData")); ok && b {
			d.noData = true
		}
	}
	if v, ok := fs["alertWhenResolved"]; ok {
		r.boolean(v, yamlpos.Join(path, "alertWhenResolved"))
	}
	if v, ok := fs["notificationTargets"]; ok {
		items, _ := r.list(v, yamlpos.Join(path, "notificationTargets"))
		for i, it := range items {
			// Targets are checked and not kept (see targetSpec).
			r.refOrInline(p, it, yamlpos.Index(yamlpos.Join(path, "notificationTargets"), i), "targetRef", kindAlertNotificationTarget, "target")
		}
	}
	cn, ok := fs["conditions"]
	if !ok {
		r.errorf(n, yamlpos.Join(path, "conditions"), "is missing; give the policy its one burnrate condition")
		return d
	}
	items, ok := r.list(cn, yamlpos.Join(path, "conditions"))
	if !ok {
		return d
	}
	if len(items) != 1 {
		r.errorf(cn, yamlpos.Join(path, "conditions"), "holds %d conditions; OpenSLO v1 takes exactly one per policy: write one AlertPolicy per condition", len(items))
		return d
	}
	switch name, ref, c := r.refOrInline(d.place, items[0], yamlpos.Index(yamlpos.Join(path, "conditions"), 0), "conditionRef", kindAlertCondition, "condition"); {
	case ref != nil:
		d.conditions = append(d.conditions, conditionUse{ref: name, node: ref})
	case c != nil:
		d.conditions = append(d.conditions, conditionUse{inline: c.(*conditionDoc), node: items[0]})
	}
	return d
}

// conditionSpec reads an AlertCondition's spec.
func (r *reader) conditionSpec(p place, meta metadata, n *yaml.Node, path string) *conditionDoc {
	fs := r.fields(n, path, "description", "severity", "condition")
	if fs == nil {
		return nil
	}
	d := &conditionDoc{place: p, path: path, meta: meta}
	if p.doc == "" || strings.HasPrefix(p.doc, kindAlertCondition+" ") {
		d.place.doc = kindAlertCondition + " " + meta.name
	}
	ok := true
	if v, has := fs["severity"]; !has {
		r.errorf(n, yamlpos.Join(path, "severity"), "is missing; write page or ticket")
		ok = false
	} else if d.severity, has = r.str(v, yamlpos.Join(path, "severity")); has {
		if d.severity != "page" && d.severity != "ticket" {
			r.errorf(v, yamlpos.Join(path, "severity"), "%q is not a severity journeyslo raises; write page or ticket", d.severity)
			ok = false
		}
	} else {
		ok = false
	}
	cn, path, cfs := r.nested(n, fs, path, "condition", "is missing; give a burnrate condition", "kind", "op", "threshold", "lookbackWindow", "alertAfter")
	if cfs == nil {
		return nil
	}
	if v, has := cfs["kind"]; has {
		if s, valid := r.str(v, yamlpos.Join(path, "kind")); valid && s != "burnrate" {
			r.errorf(v, yamlpos.Join(path, "kind"), "%q is not a condition kind of OpenSLO v1; write burnrate", s)
			ok = false
		}
	}
	if v, has := cfs["op"]; !has {
		r.errorf(cn, yamlpos.Join(path, "op"), "is missing; write gte: journeyslo fires when the burn rate is at or above the threshold")
		ok = false
	} else if s, valid := r.str(v, yamlpos.Join(path, "op")); valid && s != "gte" {
		switch s {
		case "gt", "lt", "lte":
			r.errorf(v, yamlpos.Join(path, "op"), "%q cannot be honoured: journeyslo fires when the burn rate is at or above the threshold; write gte", s)
		default:
			r.errorf(v, yamlpos.Join(path, "op"), "%q is not an operator; write gte", s)
		}
		ok = false
	}
	if v, has := cfs["threshold"]; !has {
		r.errorf(cn, yamlpos.Join(path, "threshold"), "is missing; write the burn rate to fire at, such as 14.4")
		ok = false
	} else if f, _, valid := r.number(v, yamlpos.Join(path, "threshold")); valid {
		d.threshold = f
	} else {
		ok = false
	}
	if v, has := cfs["lookbackWindow"]; !has {
		r.errorf(cn, yamlpos.Join(path, "lookbackWindow"), "is missing; write the long window, such as 1h")
		ok = false
	} else if s, valid := r.str(v, yamlpos.Join(path, "lookbackWindow")); valid {
		dur, err := parseShorthand(s)
		if err != nil {
			r.errorf(v, yamlpos.Join(path, "lookbackWindow"), "%v", err)
			ok = false
		}
		d.lookback = dur
	} else {
		ok = false
	}
	if v, has := cfs["alertAfter"]; has {
		if s, valid := r.str(v, yamlpos.Join(path, "alertAfter")); valid {
			if s == "0m" || s == "0h" || s == "0d" || s == "0w" {
				// OpenSLO's default, spelled out: no short window given.
			} else if dur, err := parseShorthand(s); err != nil {
				r.errorf(v, yamlpos.Join(path, "alertAfter"), "%v", err)
				ok = false
			} else {
				d.alertAfter, d.afterNode = dur, v
			}
		} else {
			ok = false
		}
	}
	if !ok {
		return nil
	}
	return d
}

// targetSpec reads an AlertNotificationTarget's spec. Targets route
// notifications, which journeyslo leaves to Alertmanager: it checks them
// and carries nothing of them.
func (r *reader) targetSpec(n *yaml.Node, path string) {
	fs := r.fields(n, path, "description", "target")
	if fs == nil {
		return
	}
	if t, ok := fs["target"]; !ok {
		r.errorf(n, yamlpos.Join(path, "target"), "is missing; name where notifications go, such as email")
	} else {
		r.str(t, yamlpos.Join(path, "target"))
	}
}

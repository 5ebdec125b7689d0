package openslo

// This file holds a validator of OpenSLO v1 documents written from the
// specification itself (github.com/OpenSLO/OpenSLO: README.md, "Specification",
// and the JSON schemas it published under schemas/v1), independent of the
// package's reader: the exported documents must pass it. OpenSLO's own
// validator, github.com/OpenSLO/go-sdk, cannot be fetched here, so these
// rules stand in for it. Where the README and the schemas differ, the
// stricter rule is kept (alertAfter a positive duration, the three
// alertWhen booleans present, notificationTargets not empty, a timeWindow
// in every SLO: go-sdk v0.9 refuses an SLO without one).

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

var (
	specName       = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	specDuration   = regexp.MustCompile(`^[1-9][0-9]*[mhdwMQY]$`)
	specLabelKey   = regexp.MustCompile(`^[a-zA-Z0-9]([-._a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$`)
	specAnnName    = regexp.MustCompile(`^[a-zA-Z0-9]([-._a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$`)
	specDNSLabel   = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	specStartTime  = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$`)
	specKinds      = []string{"AlertCondition", "AlertNotificationTarget", "AlertPolicy", "DataSource", "Service", "SLI", "SLO"}
	specOperators  = []string{"lte", "gte", "lt", "gt"}
	specBudgeting  = []string{"Occurrences", "Timeslices", "RatioTimeslices"}
	specDescLength = 1050
)

// specCheck is one validation pass over a set of documents.
type specCheck struct {
	errs []string
	// defined and refs hold "Kind name" of every object and every
	// reference, to check that references resolve.
	defined map[string]bool
	refs    []string
}

func (c *specCheck) fail(path, format string, args ...any) {
	c.errs = append(c.errs, path+": "+fmt.Sprintf(format, args...))
}

// validateOpenSLO checks multi-document YAML against OpenSLO v1 and returns
// every violation, sorted; none means valid.
func validateOpenSLO(data []byte) []string {
	c := &specCheck{defined: map[string]bool{}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for i := 0; ; i++ {
		var doc any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			c.fail(fmt.Sprintf("document %d", i), "not YAML: %v", err)
			break
		}
		c.object(fmt.Sprintf("document %d", i), doc)
	}
	for _, r := range c.refs {
		if !c.defined[r] {
			c.fail("references", "%s is referred to and not defined", r)
		}
	}
	sort.Strings(c.errs)
	return c.errs
}

// fields checks that v is a mapping whose keys are among allowed and that
// required ones are present.
func (c *specCheck) fields(path string, v any, allowed, required []string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "is %T, want a mapping", v)
		return nil
	}
	for k := range m {
		if !slices.Contains(allowed, k) {
			c.fail(path, "field %q is not in the specification", k)
		}
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			c.fail(path, "required field %q is missing", k)
		}
	}
	return m
}

func (c *specCheck) str(path string, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		c.fail(path, "is %T, want a string", v)
	}
	return s, ok
}

func (c *specCheck) name(path string, v any) string {
	s, ok := c.str(path, v)
	if ok && (len(s) > 63 || !specName.MatchString(s)) {
		c.fail(path, "%q is not an RFC 1123 name of at most 63 characters", s)
	}
	return s
}

func (c *specCheck) duration(path string, v any) {
	if s, ok := c.str(path, v); ok && !specDuration.MatchString(s) {
		c.fail(path, "%q is not a duration shorthand", s)
	}
}

func (c *specCheck) boolean(path string, v any) {
	if _, ok := v.(bool); !ok {
		c.fail(path, "is %T, want a boolean", v)
	}
}

func (c *specCheck) number(path string, v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	c.fail(path, "is %T, want a number", v)
	return 0, false
}

func (c *specCheck) description(path string, m map[string]any) {
	if v, ok := m["description"]; ok {
		if s, ok := c.str(path+".description", v); ok && len(s) > specDescLength {
			c.fail(path+".description", "is %d characters, more than %d", len(s), specDescLength)
		}
	}
}

func (c *specCheck) oneOf(path string, v any, allowed []string) {
	if s, ok := c.str(path, v); ok && !slices.Contains(allowed, s) {
		c.fail(path, "%q is not one of %v", s, allowed)
	}
}

// exactlyOne checks that m holds exactly one of keys.
func (c *specCheck) exactlyOne(path string, m map[string]any, keys ...string) string {
	var have []string
	for _, k := range keys {
		if _, ok := m[k]; ok {
			have = append(have, k)
		}
	}
	if len(have) != 1 {
		c.fail(path, "holds %v; want exactly one of %v", have, keys)
		return ""
	}
	return have[0]
}

func (c *specCheck) object(path string, v any) {
	m := c.fields(path, v, []string{"apiVersion", "kind", "metadata", "spec"}, []string{"apiVersion", "kind", "metadata", "spec"})
	if m == nil {
		return
	}
	if m["apiVersion"] != "openslo/v1" {
		c.fail(path+".apiVersion", "%v, want openslo/v1", m["apiVersion"])
	}
	kind, _ := m["kind"].(string)
	if !slices.Contains(specKinds, kind) {
		c.fail(path+".kind", "%v is not a kind of OpenSLO v1", m["kind"])
		return
	}
	name := c.metadata(path+".metadata", m["metadata"])
	path = kind + " " + name
	if c.defined[path] {
		c.fail(path, "is defined twice")
	}
	c.defined[path] = true
	c.spec(path+": spec", kind, m["spec"])
}

func (c *specCheck) metadata(path string, v any) string {
	m := c.fields(path, v, []string{"name", "displayName", "labels", "annotations"}, []string{"name"})
	if m == nil {
		return ""
	}
	name := c.name(path+".name", m["name"])
	if d, ok := m["displayName"]; ok {
		// go-sdk v0.9 also limits it to 63 characters.
		if s, ok := c.str(path+".displayName", d); ok && (s == "" || len(s) > 63) {
			c.fail(path+".displayName", "%q is empty or longer than 63 characters", s)
		}
	}
	if l, ok := m["labels"]; ok {
		lm, ok := l.(map[string]any)
		if !ok {
			c.fail(path+".labels", "is %T, want a mapping", l)
		}
		for k, v := range lm {
			if !specLabelKey.MatchString(k) {
				c.fail(path+".labels", "key %q is not a label key", k)
			}
			switch v := v.(type) {
			case string:
			case []any:
				for i, e := range v {
					c.str(fmt.Sprintf("%s.labels.%s[%d]", path, k, i), e)
				}
			default:
				c.fail(path+".labels."+k, "is %T, want a string or a list of strings", v)
			}
		}
	}
	if a, ok := m["annotations"]; ok {
		am, ok := a.(map[string]any)
		if !ok {
			c.fail(path+".annotations", "is %T, want a mapping", a)
		}
		for k, v := range am {
			c.str(path+".annotations."+k, v)
			prefix, key, hasPrefix := strings.Cut(k, "/")
			if !hasPrefix {
				key, prefix = prefix, ""
			}
			if !specAnnName.MatchString(key) {
				c.fail(path+".annotations", "key %q: name %q is not a valid annotation name", k, key)
			}
			if hasPrefix {
				if len(prefix) > 253 {
					c.fail(path+".annotations", "key %q: prefix longer than 253", k)
				}
				for _, label := range strings.Split(prefix, ".") {
					if !specDNSLabel.MatchString(label) {
						c.fail(path+".annotations", "key %q: prefix %q is not a DNS subdomain", k, prefix)
					}
				}
				if prefix == "openslo.com" {
					c.fail(path+".annotations", "key %q: the openslo.com/ prefix is reserved", k)
				}
			}
		}
	}
	return name
}

func (c *specCheck) spec(path, kind string, v any) {
	switch kind {
	case "Service":
		if m := c.fields(path, v, []string{"description"}, nil); m != nil {
			c.description(path, m)
		}
	case "DataSource":
		if m := c.fields(path, v, []string{"description", "type", "connectionDetails"}, []string{"type", "connectionDetails"}); m != nil {
			c.description(path, m)
			c.str(path+".type", m["type"])
		}
	case "AlertNotificationTarget":
		c.targetSpec(path, v)
	case "AlertCondition":
		c.conditionSpec(path, v)
	case "AlertPolicy":
		c.policySpec(path, v)
	case "SLI":
		c.sliSpec(path, v)
	case "SLO":
		c.sloSpec(path, v)
	}
}

func (c *specCheck) targetSpec(path string, v any) {
	if m := c.fields(path, v, []string{"description", "target"}, []string{"target"}); m != nil {
		c.description(path, m)
		c.str(path+".target", m["target"])
	}
}

func (c *specCheck) conditionSpec(path string, v any) {
	m := c.fields(path, v, []string{"description", "severity", "condition"}, []string{"severity", "condition"})
	if m == nil {
		return
	}
	c.description(path, m)
	if s, ok := c.str(path+".severity", m["severity"]); ok && s == "" {
		c.fail(path+".severity", "is empty")
	}
	cond := c.fields(path+".condition", m["condition"], []string{"kind", "op", "threshold", "lookbackWindow", "alertAfter"}, []string{"kind", "op", "threshold", "lookbackWindow", "alertAfter"})
	if cond == nil {
		return
	}
	c.oneOf(path+".condition.kind", cond["kind"], []string{"burnrate"})
	c.oneOf(path+".condition.op", cond["op"], specOperators)
	c.number(path+".condition.threshold", cond["threshold"])
	c.duration(path+".condition.lookbackWindow", cond["lookbackWindow"])
	c.duration(path+".condition.alertAfter", cond["alertAfter"])
}

// item checks an item that is a reference (refKey) or an inline object
// of kind, and records the reference.
func (c *specCheck) item(path string, v any, refKey, kind string, spec func(string, any)) {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "is %T, want a mapping", v)
		return
	}
	if _, ok := m[refKey]; ok {
		c.fields(path, v, []string{refKey}, []string{refKey})
		c.refs = append(c.refs, kind+" "+c.name(path+"."+refKey, m[refKey]))
		return
	}
	m = c.fields(path, v, []string{"kind", "metadata", "spec"}, []string{"kind", "metadata", "spec"})
	if m == nil {
		return
	}
	if m["kind"] != kind {
		c.fail(path+".kind", "%v, want %s", m["kind"], kind)
	}
	c.metadata(path+".metadata", m["metadata"])
	spec(path+".spec", m["spec"])
}

func (c *specCheck) policySpec(path string, v any) {
	m := c.fields(path, v, []string{"description", "alertWhenNoData", "alertWhenResolved", "alertWhenBreaching", "conditions", "notificationTargets"},
		[]string{"alertWhenNoData", "alertWhenResolved", "alertWhenBreaching", "conditions", "notificationTargets"})
	if m == nil {
		return
	}
	c.description(path, m)
	for _, f := range []string{"alertWhenNoData", "alertWhenResolved", "alertWhenBreaching"} {
		if b, ok := m[f]; ok {
			c.boolean(path+"."+f, b)
		}
	}
	if conds, ok := m["conditions"].([]any); !ok || len(conds) != 1 {
		c.fail(path+".conditions", "must be a list of exactly one condition, is %v", m["conditions"])
	} else {
		c.item(path+".conditions[0]", conds[0], "conditionRef", "AlertCondition", c.conditionSpec)
	}
	if targets, ok := m["notificationTargets"].([]any); !ok || len(targets) == 0 {
		c.fail(path+".notificationTargets", "must be a list of at least one target, is %v", m["notificationTargets"])
	} else {
		for i, t := range targets {
			c.item(fmt.Sprintf("%s.notificationTargets[%d]", path, i), t, "targetRef", "AlertNotificationTarget", c.targetSpec)
		}
	}
}

func (c *specCheck) metricSource(path string, v any) {
	m := c.fields(path, v, []string{"metricSource"}, []string{"metricSource"})
	if m == nil {
		return
	}
	path += ".metricSource"
	ms := c.fields(path, m["metricSource"], []string{"metricSourceRef", "type", "spec"}, []string{"spec"})
	if ms == nil {
		return
	}
	if ref, ok := ms["metricSourceRef"]; ok {
		c.refs = append(c.refs, "DataSource "+c.name(path+".metricSourceRef", ref))
	} else if _, ok := ms["type"]; !ok {
		c.fail(path, "has neither metricSourceRef nor type")
	}
	if t, ok := ms["type"]; ok {
		c.str(path+".type", t)
	}
	if spec, ok := ms["spec"].(map[string]any); !ok || len(spec) == 0 {
		c.fail(path+".spec", "must be a non-empty mapping, is %v", ms["spec"])
	}
}

func (c *specCheck) sliSpec(path string, v any) {
	m := c.fields(path, v, []string{"description", "thresholdMetric", "ratioMetric"}, nil)
	if m == nil {
		return
	}
	c.description(path, m)
	switch c.exactlyOne(path, m, "thresholdMetric", "ratioMetric") {
	case "thresholdMetric":
		c.metricSource(path+".thresholdMetric", m["thresholdMetric"])
	case "ratioMetric":
		path += ".ratioMetric"
		r := c.fields(path, m["ratioMetric"], []string{"counter", "good", "bad", "total", "rawType", "raw"}, []string{"counter"})
		if r == nil {
			return
		}
		c.boolean(path+".counter", r["counter"])
		if _, raw := r["raw"]; raw {
			for _, f := range []string{"good", "bad", "total"} {
				if _, ok := r[f]; ok {
					c.fail(path, "holds raw with %s", f)
				}
			}
			c.oneOf(path+".rawType", r["rawType"], []string{"success", "failure"})
			c.metricSource(path+".raw", r["raw"])
			return
		}
		if _, ok := r["total"]; !ok {
			c.fail(path, "has neither total nor raw")
			return
		}
		num := c.exactlyOne(path, r, "good", "bad")
		if num != "" {
			c.metricSource(path+"."+num, r[num])
		}
		c.metricSource(path+".total", r["total"])
	}
}

func (c *specCheck) sloSpec(path string, v any) {
	m := c.fields(path, v, []string{"description", "service", "indicator", "indicatorRef", "timeWindow", "budgetingMethod", "objectives", "alertPolicies"},
		[]string{"service", "budgetingMethod", "objectives", "timeWindow"})
	if m == nil {
		return
	}
	c.description(path, m)
	c.refs = append(c.refs, "Service "+c.name(path+".service", m["service"]))
	switch c.exactlyOne(path, m, "indicator", "indicatorRef") {
	case "indicator":
		ind := c.fields(path+".indicator", m["indicator"], []string{"metadata", "spec"}, []string{"metadata", "spec"})
		if ind != nil {
			c.metadata(path+".indicator.metadata", ind["metadata"])
			c.sliSpec(path+".indicator.spec", ind["spec"])
		}
	case "indicatorRef":
		c.refs = append(c.refs, "SLI "+c.name(path+".indicatorRef", m["indicatorRef"]))
	}
	if tw, ok := m["timeWindow"]; ok {
		items, ok := tw.([]any)
		if !ok || len(items) != 1 {
			c.fail(path+".timeWindow", "must be a list of exactly one window, is %v", tw)
		} else {
			w := c.fields(path+".timeWindow[0]", items[0], []string{"duration", "isRolling", "calendar"}, []string{"duration"})
			if w != nil {
				c.duration(path+".timeWindow[0].duration", w["duration"])
				rolling, _ := w["isRolling"].(bool)
				if r, ok := w["isRolling"]; ok {
					c.boolean(path+".timeWindow[0].isRolling", r)
				}
				cal, hasCal := w["calendar"]
				switch {
				case rolling && hasCal:
					c.fail(path+".timeWindow[0]", "calendar with isRolling: true")
				case !rolling && !hasCal:
					c.fail(path+".timeWindow[0]", "neither rolling nor a calendar")
				case hasCal:
					cm := c.fields(path+".timeWindow[0].calendar", cal, []string{"startTime", "timeZone"}, []string{"startTime", "timeZone"})
					if s, ok := cm["startTime"].(string); !ok || !specStartTime.MatchString(s) {
						c.fail(path+".timeWindow[0].calendar.startTime", "%v is not YYYY-MM-DD hh:mm:ss", cm["startTime"])
					}
				}
			}
		}
	}
	c.oneOf(path+".budgetingMethod", m["budgetingMethod"], specBudgeting)
	objs, ok := m["objectives"].([]any)
	if !ok || len(objs) == 0 {
		c.fail(path+".objectives", "must be a non-empty list, is %v", m["objectives"])
	}
	for i, o := range objs {
		opath := fmt.Sprintf("%s.objectives[%d]", path, i)
		om := c.fields(opath, o, []string{"displayName", "op", "value", "target", "targetPercent", "timeSliceTarget", "timeSliceWindow", "indicator", "indicatorRef", "compositeWeight"}, nil)
		if om == nil {
			continue
		}
		switch c.exactlyOne(opath, om, "target", "targetPercent") {
		case "target":
			if t, ok := c.number(opath+".target", om["target"]); ok && !(t >= 0 && t < 1) {
				c.fail(opath+".target", "%v is outside [0, 1)", t)
			}
		case "targetPercent":
			if t, ok := c.number(opath+".targetPercent", om["targetPercent"]); ok && !(t >= 0 && t < 100) {
				c.fail(opath+".targetPercent", "%v is outside [0, 100)", t)
			}
		}
		if m["budgetingMethod"] == "Timeslices" {
			for _, f := range []string{"timeSliceTarget", "timeSliceWindow"} {
				if _, ok := om[f]; !ok {
					c.fail(opath, "Timeslices needs %s", f)
				}
			}
		}
		if op, ok := om["op"]; ok {
			c.oneOf(opath+".op", op, specOperators)
		}
	}
	if ap, ok := m["alertPolicies"]; ok {
		items, ok := ap.([]any)
		if !ok {
			c.fail(path+".alertPolicies", "is %T, want a list", ap)
		}
		for i, it := range items {
			c.item(fmt.Sprintf("%s.alertPolicies[%d]", path, i), it, "alertPolicyRef", "AlertPolicy", c.policySpec)
		}
	}
}

// TestSpecValidatorRefuses shows that the validator can fail: each
// change to a valid set of documents breaks one rule of the
// specification.
func TestSpecValidatorRefuses(t *testing.T) {
	valid := `apiVersion: openslo/v1
kind: Service
metadata: {name: shop}
spec: {}
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout}
spec:
  service: shop
  indicatorRef: checkout-errors
  timeWindow: [{duration: 30d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
  alertPolicies: [{alertPolicyRef: fast}]
---
apiVersion: openslo/v1
kind: SLI
metadata: {name: checkout-errors}
spec:
  ratioMetric:
    counter: true
    bad: {metricSource: {type: Prometheus, spec: {query: bad}}}
    total: {metricSource: {type: Prometheus, spec: {query: total}}}
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata: {name: fast}
spec:
  alertWhenNoData: false
  alertWhenResolved: false
  alertWhenBreaching: true
  conditions: [{conditionRef: fast-burn}]
  notificationTargets: [{targetRef: oncall}]
---
apiVersion: openslo/v1
kind: AlertCondition
metadata: {name: fast-burn}
spec:
  severity: page
  condition: {kind: burnrate, op: gte, threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m}
---
apiVersion: openslo/v1
kind: AlertNotificationTarget
metadata: {name: oncall}
spec: {target: email}
`
	if errs := validateOpenSLO([]byte(valid)); len(errs) != 0 {
		t.Fatalf("the valid documents fail: %v", errs)
	}
	for _, tc := range []struct{ old, new, want string }{
		{"name: checkout}", "name: Checkout}", `"Checkout" is not an RFC 1123 name`},
		{"name: checkout}", "name: " + strings.Repeat("a", 64) + "}", "is not an RFC 1123 name of at most 63 characters"},
		{"duration: 30d", "duration: 30 days", `"30 days" is not a duration shorthand`},
		{"lookbackWindow: 1h", "lookbackWindow: 0h", `"0h" is not a duration shorthand`},
		{"budgetingMethod: Occurrences", "budgetingMethod: occurrences", `"occurrences" is not one of`},
		{"target: 0.999", "target: 1", "1 is outside [0, 1)"},
		{"target: 0.999", "target: 0.999, targetPercent: 99.9", "want exactly one of [target targetPercent]"},
		{"conditions: [{conditionRef: fast-burn}]", "conditions: [{conditionRef: fast-burn}, {conditionRef: fast-burn}]", "must be a list of exactly one condition"},
		{"notificationTargets: [{targetRef: oncall}]", "notificationTargets: []", "must be a list of at least one target"},
		{"op: gte", "op: ge", `"ge" is not one of`},
		{"indicatorRef: checkout-errors", "indicatorRef: checkout-error", "SLI checkout-error is referred to and not defined"},
		{"isRolling: true}", "isRolling: false}", "neither rolling nor a calendar"},
		{"counter: true\n", "counter: true\n    good: {metricSource: {type: Prometheus, spec: {query: good}}}\n", "want exactly one of [good bad]"},
		{"  alertWhenNoData: false\n", "", `required field "alertWhenNoData" is missing`},
		{"spec: {target: email}", "spec: {target: email, channel: x}", `field "channel" is not in the specification`},
		{"metadata: {name: shop}", "metadata: {name: shop, annotations: {openslo.com/x: y}}", "the openslo.com/ prefix is reserved"},
		{"metadata: {name: shop}", "metadata: {name: shop, labels: {-team: x}}", `key "-team" is not a label key`},
		{"spec: {query: bad}", "spec: {}", "must be a non-empty mapping"},
		{"  timeWindow: [{duration: 30d, isRolling: true}]\n", "", `required field "timeWindow" is missing`},
	} {
		doc := strings.Replace(valid, tc.old, tc.new, 1)
		if doc == valid {
			t.Fatalf("%q is not in the valid documents", tc.old)
		}
		errs := validateOpenSLO([]byte(doc))
		if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tc.want) }) {
			t.Errorf("with %q for %q: errors %q, want one containing %q", tc.new, tc.old, errs, tc.want)
		}
	}
}

package slorules

import (
	"fmt"
	"hash/fnv"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/journeyslo/journeyslo/internal/invalid"
)

// DefaultObjectName is the prefix of the PrometheusRule objects' names
// unless [WithObjectMeta] gives another.
const DefaultObjectName = "journeyslo"

// ManagedByLabel is the Kubernetes label every PrometheusRule object
// carries, with the value "journeyslo", beside [ObjectMeta.Labels]: `kubectl
// apply --prune -l app.kubernetes.io/managed-by=journeyslo` then deletes the
// objects of objectives that were removed.
const ManagedByLabel = "app.kubernetes.io/managed-by"

// An ObjectMeta is the metadata of the PrometheusRule objects that the
// [PrometheusOperator] flavour writes, one per objective. It is a plain
// value; the zero value names the objects journeyslo.JOURNEY.OBJECTIVE,
// leaves their namespace to kubectl (its -n or the context's) and labels
// them with [ManagedByLabel] alone.
type ObjectMeta struct {
	// Name prefixes every object's name, which is Name.JOURNEY.OBJECTIVE
	// (a journey or an objective name that is not lower-case letters,
	// digits and '-' is lower-cased, its other characters made '-', and
	// followed by a hash of the name, so that names stay apart). A DNS
	// label: up to 63 lower-case letters, digits and '-', starting and
	// ending with a letter or digit. Empty means [DefaultObjectName].
	Name string
	// Namespace is the objects' Kubernetes namespace, a DNS label. Empty
	// writes none, and kubectl applies them to its own.
	Namespace string
	// Labels are the objects' Kubernetes labels, which the operator's
	// ruleSelector matches: such as {"release": "kube-prometheus-stack"},
	// the label the kube-prometheus-stack chart's Prometheus selects by
	// default. Keys and values follow Kubernetes's rules.
	Labels map[string]string
}

func (m ObjectMeta) clone() ObjectMeta {
	m.Labels = maps.Clone(m.Labels)
	return m
}

// WithObjectMeta names, places and labels the PrometheusRule objects of
// the [PrometheusOperator] flavour. By default they are named
// journeyslo.JOURNEY.OBJECTIVE, have no namespace and carry only
// [ManagedByLabel]. The other flavours ignore it.
func WithObjectMeta(meta ObjectMeta) Option {
	return func(c *config) {
		if err := meta.check(); err != nil {
			c.errs = append(c.errs, invalid.Errorf("slorules: WithObjectMeta: %v", strings.TrimPrefix(err.Error(), "slorules: ")))
			return
		}
		c.object = meta.clone()
	}
}

var (
	dnsLabelPattern   = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	dnsPrefixPattern  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	k8sNamePattern    = regexp.MustCompile(`^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$`)
	objectNamePattern = regexp.MustCompile(`^[a-z0-9-]+$`)
)

// check reports what Kubernetes would refuse in m, all at once.
func (m ObjectMeta) check() error {
	var problems []string
	if m.Name != "" && !dnsLabelPattern.MatchString(m.Name) {
		problems = append(problems, fmt.Sprintf("Name %q is not a DNS label: use up to 63 lower-case letters, digits and '-', starting and ending with a letter or digit, such as shop", cut(m.Name)))
	}
	if m.Namespace != "" && !dnsLabelPattern.MatchString(m.Namespace) {
		problems = append(problems, fmt.Sprintf("Namespace %q is not a Kubernetes namespace: use up to 63 lower-case letters, digits and '-', starting and ending with a letter or digit, such as monitoring", cut(m.Namespace)))
	}
	for _, k := range slices.Sorted(maps.Keys(m.Labels)) {
		v := m.Labels[k]
		prefix, name, ok := strings.Cut(k, "/")
		if !ok {
			prefix, name = "", k
		}
		switch {
		case k == ManagedByLabel:
			problems = append(problems, fmt.Sprintf("label %s is the generator's own (%s=journeyslo); choose another key", k, k))
		case ok && (len(prefix) > 253 || !dnsPrefixPattern.MatchString(prefix)), !k8sNamePattern.MatchString(name):
			problems = append(problems, fmt.Sprintf("label key %q is not a Kubernetes label key: use up to 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit, after an optional DNS prefix and '/', such as release or example.com/team", cut(k)))
		case v != "" && !k8sNamePattern.MatchString(v):
			problems = append(problems, fmt.Sprintf("label %s: value %q is not a Kubernetes label value: use up to 63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit, or nothing", k, cut(v)))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return invalid.Errorf("slorules: %s", strings.Join(problems, "; "))
}

// cut shortens what an error quotes.
func cut(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// objectKey returns the objective a group belongs to: "journeyslo:J:O" for
// the groups Generate names journeyslo:J:O and journeyslo:J:O:period (names
// hold no ':'), or the group's name for a group of another name, which
// gets an object of its own.
func objectKey(group string) string {
	parts := strings.SplitN(group, ":", 4)
	if len(parts) >= 3 && parts[0] == "journeyslo" {
		return strings.Join(parts[:3], ":")
	}
	return group
}

// objectName returns the name of the object of key: Name.JOURNEY.OBJECTIVE
// for an objective, Name.GROUP for another group.
func (e *fileEncoder) objectName(key string) string {
	parts := strings.Split(key, ":")
	if len(parts) == 3 && parts[0] == "journeyslo" {
		return e.meta.Name + "." + dnsPart(parts[1]) + "." + dnsPart(parts[2])
	}
	return e.meta.Name + "." + dnsPart(key)
}

// dnsPart makes s one part of a DNS subdomain name: s itself when it is
// lower-case letters, digits and '-', ending with a letter or digit;
// otherwise s lower-cased, every other character made '-', followed by
// '-' and a hash of s, so that two names that read alike ("Checkout" and
// "checkout", "a_b" and "a.b") stay apart.
func dnsPart(s string) string {
	if s != "" && objectNamePattern.MatchString(s) && s[len(s)-1] != '-' {
		return s
	}
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			b[i] = '-'
		}
	}
	h := fnv.New32a()
	h.Write([]byte(s))
	// A part starts with a letter or digit: a name that starts otherwise
	// (only a group of another generator's could) keeps the hash alone.
	if lower := strings.TrimLeft(string(b), "-"); lower != "" {
		return fmt.Sprintf("%s-%08x", lower, h.Sum32())
	}
	return fmt.Sprintf("%08x", h.Sum32())
}

// startObject starts the object of the group named group unless the group
// belongs to the object being written: the document separator after the
// first object, then the object's header, down to spec.groups.
func (e *fileEncoder) startObject(group string) error {
	key := objectKey(group)
	if e.groups > 0 && key == e.object {
		return nil
	}
	name := e.objectName(key)
	if len(name) > 253 {
		return invalid.Errorf("slorules: the PrometheusRule object of group %s would be named %.40s..., longer than Kubernetes's 253 characters; give shorter names", cut(group), name)
	}
	if prev, ok := e.objects[name]; ok {
		return invalid.Errorf("slorules: the groups %s and %s would both be written in PrometheusRule %s; give them other names", cut(prev), cut(group), name)
	}
	e.objects[name] = group
	e.object = key
	if e.groups > 0 {
		e.buf = append(e.buf, "---\n"...)
	}
	e.buf = append(e.buf, "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n"...)
	if err := e.pair(2, "name", name); err != nil {
		return err
	}
	if e.meta.Namespace != "" {
		if err := e.pair(2, "namespace", e.meta.Namespace); err != nil {
			return err
		}
	}
	labels := maps.Clone(e.meta.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[ManagedByLabel] = "journeyslo"
	e.buf = append(e.buf, "  labels:\n"...)
	if err := e.mapping(4, labels); err != nil {
		return err
	}
	e.buf = append(e.buf, "spec:\n  groups:\n"...)
	return nil
}

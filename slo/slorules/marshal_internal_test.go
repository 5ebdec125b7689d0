package slorules

import (
	"bytes"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/slo"
)

// libraryMarshal encodes f as the YAML library encodes the whole file in
// one document: what Marshal must write, byte for byte.
func libraryMarshal(t *testing.T, f RuleFile, flavor Flavor) string {
	type (
		ruleYAML struct {
			Record      string            `yaml:"record,omitempty"`
			Alert       string            `yaml:"alert,omitempty"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for,omitempty"`
			Labels      map[string]string `yaml:"labels,omitempty"`
			Annotations map[string]string `yaml:"annotations,omitempty"`
		}
		groupYAML struct {
			Name                    string     `yaml:"name"`
			Interval                string     `yaml:"interval,omitempty"`
			PartialResponseStrategy string     `yaml:"partial_response_strategy,omitempty"`
			Rules                   []ruleYAML `yaml:"rules"`
		}
		fileYAML struct {
			Namespace string      `yaml:"namespace,omitempty"`
			Groups    []groupYAML `yaml:"groups"`
		}
	)
	out := fileYAML{Groups: []groupYAML{}}
	if flavor == Mimir {
		out.Namespace = f.Namespace
	}
	for _, g := range f.Groups {
		gy := groupYAML{Name: g.Name, Rules: []ruleYAML{}}
		if g.Interval != 0 {
			gy.Interval = window(g.Interval)
		}
		if flavor == Thanos {
			gy.PartialResponseStrategy = "abort"
		}
		for _, r := range g.Rules {
			ry := ruleYAML{Record: r.Record, Alert: r.Alert, Expr: r.Expr, Labels: r.Labels, Annotations: r.Annotations}
			if r.For != 0 {
				ry.For = window(r.For)
			}
			gy.Rules = append(gy.Rules, ry)
		}
		out.Groups = append(out.Groups, gy)
	}
	var docs []any
	if flavor != PrometheusOperator {
		docs = append(docs, out)
	} else {
		// One PrometheusRule per run of groups of one objective.
		type metaYAML struct {
			Name      string            `yaml:"name"`
			Namespace string            `yaml:"namespace,omitempty"`
			Labels    map[string]string `yaml:"labels"`
		}
		type objectYAML struct {
			APIVersion string   `yaml:"apiVersion"`
			Kind       string   `yaml:"kind"`
			Metadata   metaYAML `yaml:"metadata"`
			Spec       struct {
				Groups []groupYAML `yaml:"groups"`
			} `yaml:"spec"`
		}
		meta := f.Object
		if meta.Name == "" {
			meta.Name = DefaultObjectName
		}
		labels := maps.Clone(meta.Labels)
		if labels == nil {
			labels = map[string]string{}
		}
		labels[ManagedByLabel] = "journeyslo"
		e := fileEncoder{meta: meta}
		var cur *objectYAML
		key := ""
		for i, g := range out.Groups {
			if k := objectKey(g.Name); cur == nil || k != key {
				cur = &objectYAML{APIVersion: "monitoring.coreos.com/v1", Kind: "PrometheusRule",
					Metadata: metaYAML{Name: e.objectName(k), Namespace: meta.Namespace, Labels: labels}}
				docs = append(docs, cur)
				key = k
			}
			cur.Spec.Groups = append(cur.Spec.Groups, out.Groups[i])
		}
	}
	var b bytes.Buffer
	b.WriteString(Header)
	if len(docs) == 0 {
		return b.String() // a stream without objects
	}
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	for _, doc := range docs {
		if err := enc.Encode(doc); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestMarshalAsLibrary checks that Marshal writes what the YAML library
// writes for the whole file, for generated rules and for files of strings
// made of everything YAML gives a meaning to: quotes, marks, numbers,
// booleans, line breaks, tabs, spaces at either end, non-ASCII text, keys
// that the library orders as numbers, keys too long to be simple.
func TestMarshalAsLibrary(t *testing.T) {
	gen, err := Generate([]slo.Objective{
		{Journey: "checkout", Target: 0.999, Runbook: "https://runbooks.example.com/checkout", Labels: map[string]string{"team": "payments", "tier": "1"}},
		{Journey: "search", Name: "latency", Latency: 300 * time.Millisecond, Target: 0.95},
	}, WithLabels(map[string]string{"cluster": "eu-1"}), WithFor(1, time.Minute), WithInterval(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	files := []RuleFile{{}, {Namespace: "shop"}, gen}
	withMeta := gen
	withMeta.Object = ObjectMeta{Name: "shop", Namespace: "monitoring", Labels: map[string]string{"release": "kube-prometheus-stack", "example.com/team": "payments", "empty": ""}}
	files = append(files, withMeta)
	pieces := []string{"a", "Z", "_", "0", "7", "1.5", "1e3", "0x1F", " ", ": ", ":", "#", " #", "{", "}", "[", "]", ",", "?", "-", "- ",
		"'", `"`, "\n", "\n\n", "\t", "|", ">", "%", "@", "`", "!", "&", "*", "~", "é", "yes", "No", "on", "true", "null", "NULL", "y",
		"2026-03-01", "2001-12-14 21:59:43.10 -5", "1:20", "---", "...", "<<", ".inf", ".nan", "{{ $value }}", "\r", "\x00", "\u2028", "\ufeff"}
	rng := rand.New(rand.NewPCG(1, 2))
	text := func() string {
		var b strings.Builder
		for range rng.IntN(5) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	mapping := func() map[string]string {
		if rng.IntN(4) == 0 {
			return nil
		}
		m := map[string]string{}
		for range 1 + rng.IntN(5) {
			k := text()
			switch rng.IntN(4) {
			case 0:
				k = "label" + strings.Repeat("1", rng.IntN(3)) + k
			case 1:
				k = strings.Repeat("k", 120+rng.IntN(20))
			}
			m[k] = text()
		}
		return m
	}
	for range 300 {
		f := RuleFile{Namespace: text()}
		for range rng.IntN(4) {
			g := Group{Name: text(), Interval: time.Duration(rng.IntN(3)) * time.Minute}
			for range rng.IntN(4) {
				r := Rule{Expr: text(), For: time.Duration(rng.IntN(2)) * 90 * time.Second, Labels: mapping(), Annotations: mapping()}
				if rng.IntN(2) == 0 {
					r.Record = text()
				} else {
					r.Alert = text()
				}
				g.Rules = append(g.Rules, r)
			}
			f.Groups = append(f.Groups, g)
		}
		files = append(files, f)
	}
	for i, f := range files {
		for _, flavor := range Flavors {
			if flavor == Mimir && f.Namespace == "" {
				continue
			}
			got, err := f.Marshal(flavor)
			if flavor == PrometheusOperator && err != nil && strings.Contains(err.Error(), "would both be written in PrometheusRule") {
				continue // a random file may give two groups of one name
			}
			if err != nil {
				t.Fatalf("file %d, %v: %v", i, flavor, err)
			}
			if diff := cmp.Diff(libraryMarshal(t, f, flavor), string(got)); diff != "" {
				t.Fatalf("file %d, %v: Marshal differs from the library's encoding (-library +Marshal):\n%s", i, flavor, diff)
			}
		}
	}
}

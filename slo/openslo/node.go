package openslo

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/internal/yamlpos"
)

// A reader walks the yaml.Node trees of one file and collects every problem
// it meets, each with the file, line and column of the node it is about and
// the document it is in, so that one pass reports all of a file's errors.
// It is used by one goroutine.
type reader struct {
	file string
	// doc names the document being read in errors, "SLO checkout" (empty
	// until its kind and name are known).
	doc  string
	errs []error
}

// errorf records a problem at node n (nil: the file as a whole) about
// field, as "KIND NAME: FIELD: what is wrong and what would be right".
func (r *reader) errorf(n *yaml.Node, field, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		msg = field + ": " + msg
	}
	if r.doc != "" {
		msg = r.doc + ": " + msg
	}
	e := &yamlpos.Error{File: r.file, Path: field, Err: errors.New(msg)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	r.errs = append(r.errs, e)
}

// fields reads mapping n at path, refusing keys outside known (OpenSLO v1
// has no free-form fields except where the caller passes known == nil) and
// repeated keys. It returns the value nodes by key, or nil when n is not a
// mapping.
func (r *reader) fields(n *yaml.Node, path string, known ...string) map[string]*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		r.errorf(n, path, "is %s; want a mapping", yamlpos.Kind(n))
		return nil
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if k.Kind != yaml.ScalarNode {
			r.errorf(k, path, "a key is %s; want a field name", yamlpos.Kind(k))
			continue
		}
		if _, dup := out[key]; dup {
			r.errorf(k, yamlpos.Join(path, key), "appears twice; keep one")
			continue
		}
		if known != nil && !slices.Contains(known, key) {
			r.errorf(k, yamlpos.Join(path, key), "is not a field of OpenSLO v1 here; use one of %s", strings.Join(known, ", "))
			continue
		}
		out[key] = v
	}
	return out
}

// nested reads the mapping under key in fs, the fields of mapping n at
// path, which must be there: it returns the mapping's node, its path and
// its fields (see [reader.fields]), or nil fields having said what is
// wrong: the key missing, in the words of missing, or not a mapping.
func (r *reader) nested(n *yaml.Node, fs map[string]*yaml.Node, path, key, missing string, known ...string) (*yaml.Node, string, map[string]*yaml.Node) {
	path = yamlpos.Join(path, key)
	v, ok := fs[key]
	if !ok {
		r.errorf(n, path, "%s", missing)
		return nil, path, nil
	}
	return v, path, r.fields(v, path, known...)
}

// str reads a scalar string. ok is false (and the problem recorded) when n
// is not a non-empty scalar.
func (r *reader) str(n *yaml.Node, path string) (string, bool) {
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		r.errorf(n, path, "is %s; want a string", yamlpos.Kind(n))
		return "", false
	}
	if n.Value == "" {
		r.errorf(n, path, "is empty; want a value")
		return "", false
	}
	return n.Value, true
}

// boolean reads true or false.
func (r *reader) boolean(n *yaml.Node, path string) (bool, bool) {
	if n == nil {
		return false, false
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			return b, true
		}
	}
	r.errorf(n, path, "is %s; want true or false", yamlpos.Kind(n))
	return false, false
}

// number reads a finite number, and keeps its text for exact percentages.
func (r *reader) number(n *yaml.Node, path string) (float64, string, bool) {
	if n == nil {
		return 0, "", false
	}
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") {
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f, n.Value, true
		}
	}
	r.errorf(n, path, "is %s; want a finite number", yamlpos.Kind(n))
	return 0, "", false
}

// list reads a sequence.
func (r *reader) list(n *yaml.Node, path string) ([]*yaml.Node, bool) {
	if n == nil {
		return nil, false
	}
	if n.Kind != yaml.SequenceNode {
		r.errorf(n, path, "is %s; want a list", yamlpos.Kind(n))
		return nil, false
	}
	return n.Content, true
}

// stringMap reads a mapping of strings to strings (annotations).
func (r *reader) stringMap(n *yaml.Node, path string) map[string]string {
	fs := r.fields(n, path)
	if fs == nil {
		return nil
	}
	out := make(map[string]string, len(fs))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		v, ok := fs[k]
		if !ok {
			continue
		}
		if s, ok := r.scalarString(v, yamlpos.Join(path, k)); ok {
			out[k] = s
		}
	}
	return out
}

// scalarString reads any scalar as its text, empty allowed (an annotation's
// value may be empty).
func (r *reader) scalarString(n *yaml.Node, path string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		r.errorf(n, path, "is %s; want a string", yamlpos.Kind(n))
		return "", false
	}
	return n.Value, true
}

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
	"github.com/journeyslo/journeyslo/slo"
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

// posError is one problem at one place. Its text is
// "FILE:LINE:COLUMN: KIND NAME: FIELD: what is wrong and what would be
// right"; it wraps ErrInvalid.
type posError struct {
	file      string
	line, col int
	doc       string
	field     string
	msg       string
}

func (e *posError) Error() string {
	var b strings.Builder
	if e.file != "" {
		b.WriteString(e.file)
		if e.line > 0 {
			fmt.Fprintf(&b, ":%d", e.line)
			if e.col > 0 {
				fmt.Fprintf(&b, ":%d", e.col)
			}
		}
		b.WriteString(": ")
	}
	if e.doc != "" {
		b.WriteString(e.doc)
		b.WriteString(": ")
	}
	if e.field != "" {
		b.WriteString(e.field)
		b.WriteString(": ")
	}
	b.WriteString(e.msg)
	return b.String()
}

func (e *posError) Unwrap() error { return ErrInvalid }

// Is reports whether target is slo.ErrInvalid, as sloconfig's errors do.
func (e *posError) Is(target error) bool { return target == slo.ErrInvalid }

// errorf records a problem at node n (nil: the file as a whole) about field.
func (r *reader) errorf(n *yaml.Node, field, format string, args ...any) {
	e := &posError{file: r.file, doc: r.doc, field: field, msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.line, e.col = n.Line, n.Column
	}
	r.errs = append(r.errs, e)
}

// err returns every problem recorded, joined, or nil.
func (r *reader) err() error { return errors.Join(r.errs...) }

// deref follows an alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// describe names what a node holds, for "is a list, want a mapping".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "empty"
}

// fields reads mapping n at path, refusing keys outside known (OpenSLO v1
// has no free-form fields except where the caller passes known == nil) and
// repeated keys. It returns the value nodes by key, or nil when n is not a
// mapping.
func (r *reader) fields(n *yaml.Node, path string, known ...string) map[string]*yaml.Node {
	n = deref(n)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		r.errorf(n, path, "is %s; want a mapping", describe(n))
		return nil
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		key := k.Value
		if k.Kind != yaml.ScalarNode {
			r.errorf(k, path, "a key is %s; want a field name", describe(k))
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

// str reads a scalar string. ok is false (and the problem recorded) when n
// is not a non-empty scalar.
func (r *reader) str(n *yaml.Node, path string) (string, bool) {
	n = deref(n)
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		r.errorf(n, path, "is %s; want a string", describe(n))
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
	n = deref(n)
	if n == nil {
		return false, false
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			return b, true
		}
	}
	r.errorf(n, path, "is %s; want true or false", describe(n))
	return false, false
}

// number reads a finite number, and keeps its text for exact percentages.
func (r *reader) number(n *yaml.Node, path string) (float64, string, bool) {
	n = deref(n)
	if n == nil {
		return 0, "", false
	}
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") {
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f, n.Value, true
		}
	}
	r.errorf(n, path, "is %s; want a finite number", describe(n))
	return 0, "", false
}

// list reads a sequence.
func (r *reader) list(n *yaml.Node, path string) ([]*yaml.Node, bool) {
	n = deref(n)
	if n == nil {
		return nil, false
	}
	if n.Kind != yaml.SequenceNode {
		r.errorf(n, path, "is %s; want a list", describe(n))
		return nil, false
	}
	return n.Content, true
}

// stringMap reads a mapping of strings to strings (annotations).
func (r *reader) stringMap(n *yaml.Node, path string) map[string]string {
	n = deref(n)
	fs := r.fields(n, path)
	if fs == nil {
		return nil
	}
	out := make(map[string]string, len(fs))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i]).Value
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
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		r.errorf(n, path, "is %s; want a string", describe(n))
		return "", false
	}
	return n.Value, true
}

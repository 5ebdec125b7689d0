// Package yamlpos holds what the packages that read YAML files by hand
// (sloconfig, openslo, risk) share: the walk of yaml.Node trees that keeps
// every problem's place, the FILE:LINE:COLUMN text of an error, and the
// paths ("journeys[0].objectives[1].target") that name a node in messages.
//
// Each package keeps its own exported error type and its own sentinel: what
// is shared here is how the places are found and written, not the API.
package yamlpos

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Message writes an error at a place as "FILE:LINE:COLUMN: message", or the
// message alone when there is no place (no file and no line: a value built
// in Go rather than read from a file).
func Message(file string, line, column int, err error) string {
	if file != "" || line != 0 {
		return fmt.Sprintf("%s:%d:%d: %v", file, line, column, err)
	}
	return err.Error()
}

// SyntaxLine splits an error of the YAML library, which names a line but no
// column ("yaml: line 3: did not find expected key"), into that line and the
// message after it. The line is 1 when the error names none.
func SyntaxLine(err error) (line int, msg string) {
	msg = err.Error()
	line = 1
	if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if l, err := strconv.Atoi(n); err == nil {
				line, msg = l, after
			}
		}
	}
	return line, strings.TrimPrefix(msg, "yaml: ")
}

// Join appends a field to a path: Join("spec", "service") is
// "spec.service", and Join("", "service") is "service".
func Join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Index appends a list index to a path: Index("journeys", 0) is
// "journeys[0]".
func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// Kind names what a node holds in messages ("is a list; ..."): a mapping, a
// list, a scalar's quoted text, "empty" for null, "an alias", or "a
// document".
func Kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "a document"
}

// Label names a path in messages: the path, or "the file" for the root.
func Label(path string) string {
	if path == "" {
		return "the file"
	}
	return path
}

// Names lists a mapping's field names for messages, without the '!' that
// marks a required one.
func Names(keys []string) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = strings.TrimSuffix(k, "!")
	}
	return strings.Join(out, ", ")
}

// A Walker reads the nodes of one file, reporting each problem it meets
// through Bad with the node it is about, so that one pass finds all of a
// file's problems. It refuses YAML anchors and aliases: a named value walked
// by hand could multiply a small file into a huge one. The zero value is not
// usable (Bad is required); a Walker is used by one goroutine.
type Walker struct {
	// Bad records a problem at node n, which is at path; err says what is
	// wrong and what would be right.
	Bad func(n *yaml.Node, path string, err error)
	// At, when set, records where path is written: the Walker calls it for
	// every mapping, list and scalar it reads.
	At func(n *yaml.Node, path string)
	// AliasHint ends the message for an anchor or alias, after "write the
	// value out", such as ", or share rules through a named policy".
	AliasHint string
}

// Badf records a problem at node n, which is at path, in the words of
// format and args.
func (w *Walker) Badf(n *yaml.Node, path, format string, args ...any) {
	w.Bad(n, path, errors.New(fmt.Sprintf(format, args...)))
}

func (w *Walker) at(n *yaml.Node, path string) {
	if w.At != nil {
		w.At(n, path)
	}
}

// Usable reports whether n can be read, recording why not when it is an
// anchor or an alias.
func (w *Walker) Usable(n *yaml.Node, path string) bool {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		w.Badf(n, path, "%s: YAML anchors and aliases are not supported; write the value out%s", Label(path), w.AliasHint)
		return false
	}
	return true
}

// Fields reads a mapping, what in messages ("a journey"), with the given
// keys, calling read for each key present, in file order. It refuses
// unknown and repeated keys and reports missing required ones (those ending
// in '!'). It returns the value nodes by key, nil when n is not a usable
// mapping, and whether it found no problem (read's own are not counted).
func (w *Walker) Fields(n *yaml.Node, path, what string, keys []string, read func(key string, v *yaml.Node, path string)) (map[string]*yaml.Node, bool) {
	if !w.Usable(n, path) {
		return nil, false
	}
	if n.Kind != yaml.MappingNode {
		w.Badf(n, path, "%s is %s; %s is a mapping with the fields %s", Label(path), Kind(n), what, Names(keys))
		return nil, false
	}
	w.at(n, path)
	seen := map[string]*yaml.Node{}
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !w.Usable(k, path) || !w.Usable(v, path) {
			ok = false
			continue
		}
		key := k.Value
		known := slices.Contains(keys, key) || slices.Contains(keys, key+"!")
		switch {
		case k.Kind != yaml.ScalarNode || !known:
			w.Badf(k, Join(path, key), "%s: unknown field %s; %s has the fields %s", Label(path), Kind(k), what, Names(keys))
			ok = false
			continue
		case seen[key] != nil:
			w.Badf(k, Join(path, key), "%s: field %q is given twice; give it once", Label(path), key)
			ok = false
			continue
		}
		seen[key] = v
		read(key, v, Join(path, key))
	}
	for _, key := range keys {
		if k, required := strings.CutSuffix(key, "!"); required && seen[k] == nil {
			w.Badf(n, Join(path, k), "%s: field %q is missing; %s needs it", Label(path), k, what)
			ok = false
		}
	}
	return seen, ok
}

// Scalar returns a scalar's text; what ("a duration such as 5m") says what
// to write instead of anything else. A null is "" when null is true, and a
// problem when it is false.
func (w *Walker) Scalar(n *yaml.Node, path, what string, null bool) (string, bool) {
	if !w.Usable(n, path) {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || (!null && n.Tag == "!!null") {
		w.Badf(n, path, "%s is %s; write %s", path, Kind(n), what)
		return "", false
	}
	w.at(n, path)
	if n.Tag == "!!null" {
		return "", true
	}
	return n.Value, true
}

// List reads a sequence of what ("rules, each with ..."), calling read for
// each item with its path. A null is an empty list when null is true, and a
// problem when it is false. It reports whether n was a list (or an allowed
// null).
func (w *Walker) List(n *yaml.Node, path, what string, null bool, read func(i int, v *yaml.Node, path string)) bool {
	if !w.Usable(n, path) {
		return false
	}
	if null && n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		w.at(n, path)
		return true
	}
	if n.Kind != yaml.SequenceNode {
		w.Badf(n, path, "%s is %s; write a list of %s", path, Kind(n), what)
		return false
	}
	w.at(n, path)
	for i, v := range n.Content {
		read(i, v, Index(path, i))
	}
	return true
}

// One decodes data, which must hold one YAML document, and returns the
// node its document holds. It returns io.EOF when data holds no document,
// the YAML library's error when data is not YAML, and, when data holds a
// second document, second: where that document starts, for a message
// that the file holds one.
func One(data []byte) (root, second *yaml.Node, err error) {
	var first, next yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&first); err != nil {
		return nil, nil, err
	}
	if err := dec.Decode(&next); err == nil {
		second = &next
		if len(second.Content) > 0 {
			second = second.Content[0]
		}
		return first.Content[0], second, nil
	} else if !errors.Is(err, io.EOF) {
		return nil, nil, err
	}
	return first.Content[0], nil, nil
}

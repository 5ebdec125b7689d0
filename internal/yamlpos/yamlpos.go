// Package yamlpos is how journeyslo reads the files it is given (configs,
// OpenSLO documents, scenarios, risk catalogs, and the places in traffic
// files): one decoder of YAML documents, one rule for anchors and aliases
// (refused, each at its line), one error type for a problem at a place in a
// file ([Error], which users know as sloconfig.Error), the walk of
// yaml.Node trees that keeps every problem's place, the paths
// ("journeys[0].objectives[1].target") that name a node in messages, and
// the bounds of what is read: a file's size ([ReadFile]), a value's
// ([MaxValue]) and what an error quotes of a value ([Quote]).
package yamlpos

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/internal/boundedfile"
	"github.com/journeyslo/journeyslo/slo"
)

// An Error is one problem of a file, at the place it is written: a
// journeyslo config, OpenSLO documents, a backtest scenario, a risk
// catalog or recorded traffic. Every Error matches slo.ErrInvalid with
// errors.Is, and what it wraps (an error of package slo or burnrate, when
// those found the problem) with errors.Is and errors.As. It is a plain
// value.
type Error struct {
	// File is the name the file was read from; empty for a value built in
	// Go, or input read from an io.Reader.
	File string
	// Line and Column are where the problem is written, from 1; columns
	// count bytes. Column is 0 when the problem is a whole line, and both
	// are 0 for a value built in Go.
	Line, Column int
	// Path is where the problem is in the file's structure, such as
	// "journeys[0].objectives[1].target", or the field of a row of traffic
	// ("time"); empty when the problem is the file's, or a line's.
	Path string
	// Err says what is wrong and what would be right.
	Err error
}

// Error writes "FILE:LINE:COLUMN: message", leaving out a column or a
// line of 0;
// "line LINE, column COLUMN: message" for input without a name; and the
// message alone for a value built in Go (which names what it is about).
func (e *Error) Error() string {
	msg := "invalid"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	switch {
	case e.File != "" && e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, msg)
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, msg)
	case e.File != "":
		return e.File + ": " + msg
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, msg)
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, msg)
	}
	return msg
}

// Unwrap returns the error that says what is wrong.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is slo.ErrInvalid: every problem of a file
// makes it invalid.
func (e *Error) Is(target error) bool { return target == slo.ErrInvalid }

// At returns an Error at node n of file, which is at path.
func At(file string, n *yaml.Node, path string, err error) *Error {
	return &Error{File: file, Line: n.Line, Column: n.Column, Path: path, Err: err}
}

// Sort joins errs with errors.Join in the order of their places in the
// file, the *Errors by line and column and any other error first.
func Sort(errs []error) error {
	slices.SortStableFunc(errs, func(a, b error) int {
		ea, _ := a.(*Error)
		eb, _ := b.(*Error)
		switch {
		case ea == nil && eb == nil:
			return 0
		case ea == nil:
			return -1
		case eb == nil:
			return 1
		}
		return cmp.Or(cmp.Compare(ea.Line, eb.Line), cmp.Compare(ea.Column, eb.Column))
	})
	return errors.Join(errs...)
}

// MaxFile is the most ReadFile reads of a file: 16 MiB, some hundred
// thousand objectives of a journeyslo config.
const MaxFile = 16 << 20

// ReadFile reads the YAML file at path: a regular file (a named pipe or a
// device is refused at once) of at most MaxFile bytes.
func ReadFile(path string) ([]byte, error) { return boundedfile.ReadFile(path, MaxFile) }

// Load reads the file at path as ReadFile does and parses it with parse,
// which takes the file's name for its errors: the Load of each kind of
// file.
func Load[T any](path string, parse func(name string, data []byte) (T, error)) (T, error) {
	data, err := ReadFile(path)
	if err != nil {
		var zero T
		return zero, err
	}
	return parse(path, data)
}

// MaxValue is the longest scalar a Walker reads, in bytes: a name, a URL,
// a query or a duration is far shorter, and a longer value is refused
// before any message could repeat it.
const MaxValue = 16 << 10

// quoted is how many bytes of a value Quote writes.
const quoted = 40

// Quote quotes s for a message, as strconv.Quote does, cutting a value
// longer than 40 bytes to its first 40 and saying how long it is, so that
// a message never repeats a huge value whole: "aaaa"… (5000000 bytes).
func Quote(s string) string {
	if len(s) <= quoted {
		return strconv.Quote(s)
	}
	cut := quoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "… (" + strconv.Itoa(len(s)) + " bytes)"
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
		return Quote(n.Value)
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
// file's problems. The nodes are those of [Document] or [Documents], which
// hold no anchor or alias. The zero value is not usable (Bad is required);
// a Walker is used by one goroutine.
type Walker struct {
	// Bad records a problem at node n, which is at path; err says what is
	// wrong and what would be right.
	Bad func(n *yaml.Node, path string, err error)
	// At, when set, records where path is written: the Walker calls it for
	// every mapping, list and scalar it reads.
	At func(n *yaml.Node, path string)
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

// Fields reads a mapping, what in messages ("a journey"), with the given
// keys, calling read for each key present, in file order. It refuses
// unknown and repeated keys and reports missing required ones (those ending
// in '!'). It returns the value nodes by key, nil when n is not a usable
// mapping, and whether it found no problem (read's own are not counted).
func (w *Walker) Fields(n *yaml.Node, path, what string, keys []string, read func(key string, v *yaml.Node, path string)) (map[string]*yaml.Node, bool) {
	if n.Kind != yaml.MappingNode {
		w.Badf(n, path, "%s is %s; %s is a mapping with the fields %s", Label(path), Kind(n), what, Names(keys))
		return nil, false
	}
	w.at(n, path)
	seen := map[string]*yaml.Node{}
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
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
// problem when it is false. A scalar longer than MaxValue is a problem.
func (w *Walker) Scalar(n *yaml.Node, path, what string, null bool) (string, bool) {
	if n.Kind != yaml.ScalarNode || (!null && n.Tag == "!!null") {
		w.Badf(n, path, "%s is %s; write %s", path, Kind(n), what)
		return "", false
	}
	if len(n.Value) > MaxValue {
		w.Badf(n, path, "%s is %s, longer than the %d bytes a value may hold; write %s", path, Kind(n), MaxValue, what)
		return "", false
	}
	w.at(n, path)
	if n.Tag == "!!null" {
		return "", true
	}
	return n.Value, true
}

// Map reads a mapping from names to values, what in messages ("a mapping
// from label name to value, such as {team: payments}"), calling read for
// each name, in file order, with the nodes of the name and of the value
// and the value's path. It refuses a name given twice and a name that is
// not a scalar, and reports whether n was a mapping.
func (w *Walker) Map(n *yaml.Node, path, what string, read func(name string, k, v *yaml.Node, path string)) bool {
	if n.Kind != yaml.MappingNode {
		w.Badf(n, path, "%s is %s; write %s", Label(path), Kind(n), what)
		return false
	}
	w.at(n, path)
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name, ok := w.Scalar(k, path, "a name", false)
		switch {
		case !ok:
		case seen[name]:
			w.Badf(k, Join(path, name), "%s: %s is given twice; give it once", Label(path), Quote(name))
		default:
			seen[name] = true
			read(name, k, v, Join(path, name))
		}
	}
	return true
}

// List reads a sequence of what ("rules, each with ..."), calling read for
// each item with its path. A null is an empty list when null is true, and a
// problem when it is false. It reports whether n was a list (or an allowed
// null).
func (w *Walker) List(n *yaml.Node, path, what string, null bool, read func(i int, v *yaml.Node, path string)) bool {
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

// A Format says what a kind of file holds, for the messages of Document
// and Documents.
type Format struct {
	// Empty says what the file should hold, for the error of an empty
	// file: "a risk catalog has a target (or an objective) and its risks".
	Empty string
	// One is the error of a second document in a file of one: "a risk
	// catalog holds one YAML document; this is a second one".
	One string
	// AliasHint ends the error of an anchor or an alias, after "write the
	// value out": ", or share rules through a named policy".
	AliasHint string
}

// Document decodes data, the contents of file, which holds one YAML
// document, and returns the node its document holds. Its problems are
// *Errors, joined: an empty file, YAML that does not parse (at the line
// the decoder names), a second document, and every anchor and alias: a
// named value walked by hand could multiply a small file into a huge one,
// so none is read.
func Document(file string, data []byte, f Format) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc, next yaml.Node
	err := dec.Decode(&doc)
	switch {
	case errors.Is(err, io.EOF):
		return nil, &Error{File: file, Line: 1, Column: 1, Err: errors.New("the file is empty; " + f.Empty)}
	case err != nil:
		return nil, syntaxError(file, err)
	}
	root := doc.Content[0]
	if err := aliases(file, root, f.AliasHint); err != nil {
		return nil, err
	}
	switch err := dec.Decode(&next); {
	case err == nil:
		at := &next
		if len(next.Content) > 0 {
			at = next.Content[0]
		}
		return nil, At(file, at, "", errors.New(f.One))
	case !errors.Is(err, io.EOF):
		return nil, syntaxError(file, err)
	}
	return root, nil
}

// Documents decodes data, the contents of file, which holds YAML
// documents, and returns the node each holds, leaving out empty documents
// (as after a final "---"). Its problems are *Errors: YAML that does not
// parse ends the file (what came before it is returned), and a document
// with an anchor or an alias is left out, each anchor and alias reported.
func Documents(file string, data []byte, f Format) ([]*yaml.Node, []error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var (
		roots []*yaml.Node
		errs  []error
	)
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return roots, errs
		}
		if err != nil {
			return roots, append(errs, syntaxError(file, err))
		}
		if len(doc.Content) == 0 {
			continue
		}
		if err := aliases(file, doc.Content[0], f.AliasHint); err != nil {
			errs = append(errs, err)
			continue
		}
		roots = append(roots, doc.Content[0])
	}
}

// syntaxError turns an error of the YAML library, which names a line but
// no column ("yaml: line 3: did not find expected key"), into an Error at
// that line (the first when it names none), column 1.
func syntaxError(file string, err error) error {
	msg, line := err.Error(), 1
	if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if l, err := strconv.Atoi(n); err == nil {
				line, msg = l, after
			}
		}
	}
	return &Error{File: file, Line: line, Column: 1, Err: errors.New("not valid YAML: " + strings.TrimPrefix(msg, "yaml: "))}
}

// aliases reports every anchor and alias in the tree under root, at its
// place and path, without following any alias.
func aliases(file string, root *yaml.Node, hint string) error {
	type item struct {
		n    *yaml.Node
		path string
	}
	var errs []error
	stack := []item{{root, ""}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := it.n
		if n.Kind == yaml.AliasNode || n.Anchor != "" {
			errs = append(errs, At(file, n, it.path, fmt.Errorf("%s: YAML anchors and aliases are not supported; write the value out%s", Label(it.path), hint)))
			if n.Kind == yaml.AliasNode {
				continue
			}
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := len(n.Content) - 2; i >= 0; i -= 2 {
				k := n.Content[i]
				path := Join(it.path, k.Value)
				stack = append(stack, item{n.Content[i+1], path}, item{k, path})
			}
		case yaml.SequenceNode:
			for i := len(n.Content) - 1; i >= 0; i-- {
				stack = append(stack, item{n.Content[i], Index(it.path, i)})
			}
		}
	}
	if errs == nil {
		return nil
	}
	return Sort(errs)
}

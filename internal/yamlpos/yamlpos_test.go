package yamlpos

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestMessage(t *testing.T) {
	err := errors.New("target: 1 leaves no error budget")
	for _, c := range []struct {
		file      string
		line, col int
		want      string
	}{
		{"slo.yaml", 3, 11, "slo.yaml:3:11: target: 1 leaves no error budget"},
		{"", 2, 1, ":2:1: target: 1 leaves no error budget"},
		{"", 0, 0, "target: 1 leaves no error budget"},
	} {
		if got := Message(c.file, c.line, c.col, err); got != c.want {
			t.Errorf("Message(%q, %d, %d) = %q; want %q", c.file, c.line, c.col, got, c.want)
		}
	}
}

func TestSyntaxLine(t *testing.T) {
	var n yaml.Node
	err := yaml.Unmarshal([]byte("a: 1\nb: [\n"), &n)
	if err == nil {
		t.Fatal("an unclosed list parsed")
	}
	line, msg := SyntaxLine(err)
	if line != 2 || msg != "did not find expected node content" {
		t.Errorf("SyntaxLine(%q) = %d, %q; want 2, %q", err, line, msg, "did not find expected node content")
	}
	line, msg = SyntaxLine(errors.New("yaml: control characters are not allowed"))
	if line != 1 || msg != "control characters are not allowed" {
		t.Errorf("SyntaxLine without a line = %d, %q; want 1, %q", line, msg, "control characters are not allowed")
	}
}

func TestPaths(t *testing.T) {
	if got := Join("", "service"); got != "service" {
		t.Errorf(`Join("", "service") = %q`, got)
	}
	if got := Join(Index("journeys", 2), "name"); got != "journeys[2].name" {
		t.Errorf("Join(Index) = %q; want journeys[2].name", got)
	}
	if got := Label(""); got != "the file" {
		t.Errorf(`Label("") = %q`, got)
	}
	if got := Names([]string{"name!", "target", "rules!"}); got != "name, target, rules" {
		t.Errorf("Names = %q", got)
	}
}

// walk reads src's root with a Walker that writes each problem and place
// as text.
func walk(t *testing.T, src string, read func(w *Walker, root *yaml.Node)) (problems, places []string) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	w := &Walker{
		Bad: func(n *yaml.Node, path string, err error) {
			problems = append(problems, fmt.Sprintf("%d:%d %s: %v", n.Line, n.Column, path, err))
		},
		At: func(n *yaml.Node, path string) {
			places = append(places, fmt.Sprintf("%s@%d:%d", path, n.Line, n.Column))
		},
		AliasHint: ", or name it once",
	}
	read(w, doc.Content[0])
	return problems, places
}

func TestFields(t *testing.T) {
	src := "name: a\nname: b\ncolour: red\nlist: &x [1]\n"
	var got []string
	problems, places := walk(t, src, func(w *Walker, root *yaml.Node) {
		seen, ok := w.Fields(root, "", "a thing", []string{"name!", "list", "size!"}, func(key string, v *yaml.Node, path string) {
			got = append(got, path+"="+v.Value)
		})
		if ok || seen["name"] == nil || seen["name"].Value != "a" || len(seen) != 1 {
			t.Errorf("Fields = %v, %v; want only name, and a problem", seen, ok)
		}
	})
	want := []string{
		`2:1 name: the file: field "name" is given twice; give it once`,
		`3:1 colour: the file: unknown field "colour"; a thing has the fields name, list, size`,
		`4:7 : the file: YAML anchors and aliases are not supported; write the value out, or name it once`,
		`1:1 size: the file: field "size" is missing; a thing needs it`,
	}
	if strings.Join(problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
	if strings.Join(got, ",") != "name=a" || strings.Join(places, ",") != "@1:1" {
		t.Errorf("read %v at %v; want name=a at @1:1", got, places)
	}
}

func TestFieldsNotAMapping(t *testing.T) {
	problems, _ := walk(t, "[1, 2]\n", func(w *Walker, root *yaml.Node) {
		if seen, ok := w.Fields(root, "spec", "a spec", []string{"a"}, nil); seen != nil || ok {
			t.Errorf("Fields of a list = %v, %v; want nil, false", seen, ok)
		}
	})
	if want := "1:1 spec: spec is a list; a spec is a mapping with the fields a"; len(problems) != 1 || problems[0] != want {
		t.Errorf("problems %q; want %q", problems, want)
	}
}

func TestScalarAndList(t *testing.T) {
	src := "a: ~\nb: [x, ~]\nc: {}\n"
	problems, places := walk(t, src, func(w *Walker, root *yaml.Node) {
		a, b, c := root.Content[1], root.Content[3], root.Content[5]
		if s, ok := w.Scalar(a, "a", "a name", true); s != "" || !ok {
			t.Errorf("Scalar(null, allowed) = %q, %v", s, ok)
		}
		if _, ok := w.Scalar(a, "a", "a name", false); ok {
			t.Error("Scalar(null, refused) is ok")
		}
		if _, ok := w.Scalar(c, "c", "a name", true); ok {
			t.Error("Scalar(mapping) is ok")
		}
		var items []string
		if !w.List(b, "b", "names", false, func(i int, v *yaml.Node, path string) {
			s, _ := w.Scalar(v, path, "a name", true)
			items = append(items, path+"="+s)
		}) {
			t.Error("List of a list is not ok")
		}
		if strings.Join(items, ",") != "b[0]=x,b[1]=" {
			t.Errorf("items %v", items)
		}
		if !w.List(a, "a", "names", true, nil) || w.List(a, "a", "names", false, nil) {
			t.Error("List(null) is not ok when allowed, or ok when refused")
		}
	})
	want := []string{
		"1:4 a: a is empty; write a name",
		"3:4 c: c is a mapping; write a name",
		"1:4 a: a is empty; write a list of names",
	}
	if strings.Join(problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
	if got := strings.Join(places, ","); got != "a@1:4,b@2:4,b[0]@2:5,b[1]@2:8,a@1:4" {
		t.Errorf("places %s", got)
	}
}

func TestOne(t *testing.T) {
	root, second, err := One([]byte("service: shop\n"))
	if err != nil || second != nil || root.Kind != yaml.MappingNode || root.Content[1].Value != "shop" {
		t.Errorf("One(one document) = %v, %v, %v; want the mapping alone", root, second, err)
	}
	root, second, err = One([]byte("a: 1\n---\nb: 2\n"))
	if err != nil || root == nil || second == nil || second.Line != 3 || second.Column != 1 || second.Kind != yaml.MappingNode {
		t.Errorf("One(two documents) = %v, %v, %v; want the second's mapping at 3:1", root, second, err)
	}
	if _, _, err := One(nil); !errors.Is(err, io.EOF) {
		t.Errorf("One(nothing) error = %v; want io.EOF", err)
	}
	if _, _, err := One([]byte("a: 1\n---\nb: [\n")); err == nil || errors.Is(err, io.EOF) {
		t.Errorf("One(a broken second document) error = %v; want the YAML library's", err)
	}
}

package yamlpos

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/slo"
)

func TestError(t *testing.T) {
	err := errors.New("target: 1 leaves no error budget")
	for _, c := range []struct {
		file      string
		line, col int
		want      string
	}{
		{"slo.yaml", 3, 11, "slo.yaml:3:11: target: 1 leaves no error budget"},
		{"traffic.csv", 3, 0, "traffic.csv:3: target: 1 leaves no error budget"},
		{"a.yaml", 0, 0, "a.yaml: target: 1 leaves no error budget"},
		{"", 2, 1, "line 2, column 1: target: 1 leaves no error budget"},
		{"", 2, 0, "line 2: target: 1 leaves no error budget"},
		{"", 0, 0, "target: 1 leaves no error budget"},
	} {
		e := &Error{File: c.file, Line: c.line, Column: c.col, Err: err}
		if got := e.Error(); got != c.want {
			t.Errorf("Error{%q, %d, %d}.Error() = %q; want %q", c.file, c.line, c.col, got, c.want)
		}
		if !errors.Is(e, slo.ErrInvalid) || !errors.Is(e, err) {
			t.Errorf("Error{%q, %d, %d} does not match slo.ErrInvalid and what it wraps", c.file, c.line, c.col)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"checkout":                 `"checkout"`,
		strings.Repeat("a", 40):    `"` + strings.Repeat("a", 40) + `"`,
		strings.Repeat("a", 5<<20): `"` + strings.Repeat("a", 40) + `"… (5242880 bytes)`,
		strings.Repeat("é", 30):    `"` + strings.Repeat("é", 20) + `"… (60 bytes)`,
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%d bytes) = %s; want %s", len(in), got, want)
		}
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
	}
	read(w, doc.Content[0])
	return problems, places
}

func TestFields(t *testing.T) {
	src := "name: a\nname: b\ncolour: red\nlist: [1]\n"
	var got []string
	problems, places := walk(t, src, func(w *Walker, root *yaml.Node) {
		seen, ok := w.Fields(root, "", "a thing", []string{"name!", "list", "size!"}, func(key string, v *yaml.Node, path string) {
			got = append(got, path+"="+v.Value)
		})
		if ok || seen["name"] == nil || seen["name"].Value != "a" || seen["list"] == nil || len(seen) != 2 {
			t.Errorf("Fields = %v, %v; want name and list, and a problem", seen, ok)
		}
	})
	want := []string{
		`2:1 name: the file: field "name" is given twice; give it once`,
		`3:1 colour: the file: unknown field "colour"; a thing has the fields name, list, size`,
		`1:1 size: the file: field "size" is missing; a thing needs it`,
	}
	if strings.Join(problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
	if strings.Join(got, ",") != "name=a,list=" || strings.Join(places, ",") != "@1:1" {
		t.Errorf("read %v at %v; want name=a,list= at @1:1", got, places)
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

func TestDocument(t *testing.T) {
	f := Format{Empty: "a thing has a name", One: "a thing holds one YAML document; this is a second one", AliasHint: ", or name it once"}
	root, err := Document("t.yaml", []byte("service: shop\n"), f)
	if err != nil || root.Kind != yaml.MappingNode || root.Content[1].Value != "shop" {
		t.Errorf("Document(one document) = %v, %v; want the mapping", root, err)
	}
	for _, c := range []struct{ src, want string }{
		{"", "t.yaml:1:1: the file is empty; a thing has a name"},
		{"a: 1\n---\nb: 2\n", "t.yaml:3:1: a thing holds one YAML document; this is a second one"},
		{"a: 1\nb: [\n", "t.yaml:2:1: not valid YAML: did not find expected node content"},
		{"a: 1\n---\nb: [\n", "t.yaml:3:1: not valid YAML: did not find expected node content"},
		{"a: &x [1]\nb: {c: *x}\n", "t.yaml:1:4: a: YAML anchors and aliases are not supported; write the value out, or name it once\n" +
			"t.yaml:2:8: b.c: YAML anchors and aliases are not supported; write the value out, or name it once"},
	} {
		_, err := Document("t.yaml", []byte(c.src), f)
		if err == nil || err.Error() != c.want {
			t.Errorf("Document(%q) = %v; want\n%s", c.src, err, c.want)
		}
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, slo.ErrInvalid) {
			t.Errorf("Document(%q): %v is not an *Error matching slo.ErrInvalid", c.src, err)
		}
	}
}

func TestDocuments(t *testing.T) {
	src := "a: 1\n---\nb: &x 1\nc: *x\n---\n---\nd: 3\n---\ne: [\n"
	roots, errs := Documents("o.yaml", []byte(src), Format{AliasHint: ", or refer to it by name"})
	var keys []string
	for _, r := range roots {
		if r.Kind != yaml.MappingNode {
			keys = append(keys, Kind(r))
			continue
		}
		keys = append(keys, r.Content[0].Value)
	}
	want := []string{
		"o.yaml:3:4: b: YAML anchors and aliases are not supported; write the value out, or refer to it by name\n" +
			"o.yaml:4:4: c: YAML anchors and aliases are not supported; write the value out, or refer to it by name",
		"o.yaml:9:1: not valid YAML: did not find expected node content",
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	if strings.Join(keys, ",") != "a,empty,d" || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Documents = %v and\n%s\nwant a,empty,d and\n%s", keys, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestValueTooLong(t *testing.T) {
	long := strings.Repeat("x", MaxValue+1)
	problems, _ := walk(t, "a: "+long+"\n", func(w *Walker, root *yaml.Node) {
		if _, ok := w.Scalar(root.Content[1], "a", "a name", false); ok {
			t.Error("Scalar of a value longer than MaxValue is ok")
		}
	})
	want := `1:4 a: a is "` + strings.Repeat("x", 40) + `"… (16385 bytes), longer than the 16384 bytes a value may hold; write a name`
	if len(problems) != 1 || problems[0] != want {
		t.Errorf("problems %q; want %q", problems, want)
	}
}

func TestMap(t *testing.T) {
	var got []string
	problems, places := walk(t, "{team: a, tier: b, team: c, [x]: d}\n", func(w *Walker, root *yaml.Node) {
		if !w.Map(root, "labels", "a mapping of labels", func(name string, k, v *yaml.Node, path string) {
			got = append(got, path+"="+v.Value)
		}) {
			t.Error("Map of a mapping is not ok")
		}
		if w.Map(root.Content[1], "x", "a mapping of labels", nil) {
			t.Error("Map of a scalar is ok")
		}
	})
	want := []string{
		`1:20 labels.team: labels: "team" is given twice; give it once`,
		`1:29 labels: labels is a list; write a name`,
		`1:8 x: x is "a"; write a mapping of labels`,
	}
	if strings.Join(got, ",") != "labels.team=a,labels.tier=b" || strings.Join(problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("Map read %v, problems\n%s\nwant labels.team=a,labels.tier=b and\n%s", got, strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
	if strings.Join(places, ",") != "labels@1:1,labels@1:2,labels@1:11,labels@1:20" {
		t.Errorf("places %v", places)
	}
}

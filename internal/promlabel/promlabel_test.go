package promlabel

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheck(t *testing.T) {
	valid, problems := Check(map[string]string{
		"team": "shop", "2fa": "x", "__name__": "x", "window": "5m", "empty": "", "bytes": "\xff", "cluster": "eu1",
	})
	if diff := cmp.Diff(map[string]string{"team": "shop", "cluster": "eu1"}, valid); diff != "" {
		t.Errorf("valid (-want +got):\n%s", diff)
	}
	want := []string{
		`"2fa" is not a label name; use letters, digits and '_', not starting with a digit or "__"`,
		`"__name__" is not a label name; use letters, digits and '_', not starting with a digit or "__"`,
		`label "bytes" has a value "\xff" that is not UTF-8; Prometheus label values are UTF-8 text`,
		`label "empty" has an empty value, which Prometheus would drop; give it a value or leave it out`,
		`"window" is a label the generated rules set themselves; choose another name, such as team or cluster`,
	}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if valid, problems := Check(nil); valid != nil || problems != nil {
		t.Errorf("Check(nil) = %v, %v; want nil, nil", valid, problems)
	}
}

func TestAdd(t *testing.T) {
	var problems []string
	bad := func(p string) { problems = append(problems, p) }
	got := Add(nil, map[string]string{"team": "shop"}, bad)
	got = Add(got, map[string]string{"cluster": "eu1", "team": "payments", "rule": "x"}, bad)
	want := []string{`"rule" is a label the generated rules set themselves; choose another name, such as team or cluster`}
	if diff := cmp.Diff(map[string]string{"team": "payments", "cluster": "eu1"}, got); diff != "" || !slices.Equal(problems, want) {
		t.Errorf("Add twice = %v, %q; want team=payments and cluster=eu1, and %q", got, problems, want)
	}
	if m := Add(nil, map[string]string{"rule": "x"}, bad); m != nil {
		t.Errorf("Add of reserved labels alone = %v, want nil", m)
	}
}

func TestReserved(t *testing.T) {
	names := Reserved()
	if !slices.IsSorted(names) || len(names) != 15 || !IsReserved("journey") || IsReserved("team") {
		t.Errorf("Reserved() = %v; want 15 sorted names with journey, without team", names)
	}
	names[0] = "x" // a copy: the package's stays
	if !IsReserved("alertname") {
		t.Error("changing Reserved's result changed the package's names")
	}
}

package main

import "testing"

func TestIsOpenSLO(t *testing.T) {
	for _, tc := range []struct {
		data string
		want bool
	}{
		{"apiVersion: openslo/v1\nkind: SLO\n", true},
		{"# the shop's SLOs\n---\napiVersion: openslo/v1\nkind: Service\n", true},
		{"service: shop\n---\napiVersion: 'openslo/v1'\n", true},
		{`{"apiVersion": "openslo/v1", "kind": "SLI"}`, true},
		{"- a list\n---\napiVersion: openslo/v1\n", true}, // a document that is no mapping is skipped
		{"apiVersion: openslo/v2alpha\nkind: SLO\n", false},
		{"apiVersion: openslo/v1alpha\n", false},
		{shopYAML, false},
		{"service: shop\n# apiVersion: openslo/v1\n", false},   // a comment is no document
		{"service: [\n", false},                                // bad YAML: the config loader says what is wrong
		{"kind: SLO\nspec: [\napiVersion: openslo/v1\n", true}, // bad YAML, and OpenSLO says so: its reader says what is wrong
		{"kind: SLO\nspec: [\napiVersion: \"openslo/v1\" # the spec\n", true},
		{"kind: SLO\nspec: [\n  apiVersion: openslo/v1\n", false}, // not at the top level
		{"", false},
	} {
		if got := isOpenSLO([]byte(tc.data)); got != tc.want {
			t.Errorf("isOpenSLO(%q) = %v, want %v", tc.data, got, tc.want)
		}
	}
}

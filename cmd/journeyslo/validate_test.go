package main

import (
	"strings"
	"testing"
)

// brokenYAML has eight problems, one a line from line 8 on.
const brokenYAML = `service: shop
policies:
  fast:
    rules:
      - {severity: page, long: 1h, short: 5m, factor: 14.4}
journeys:
  - name: checkout
    patterns: ["POST /cart/checkout", "nonsense pattern with spaces"]
    objectives:
      - target: 99.9
        period: 30x
      - name: latency
        latency: -3ms
        target: 0.95
        policy: nope
        colour: blue
  - name: checkout
    objectives:
      - target: 0.99
`

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "shop.yaml", shopYAML)
	broken := writeFile(t, dir, "broken.yaml", brokenYAML)
	syntax := writeFile(t, dir, "syntax.yaml", "service: shop\njourneys: [\n")
	missing := dir + "/missing.yaml"

	res := runCmd(t, "validate", good, broken, syntax, missing)
	res.wantStatus(t, exitInvalid)
	if want := good + ": valid journeyslo config: service shop, 3 objectives in 2 journeys\n"; res.stdout != want {
		t.Errorf("journeyslo validate: stdout\n%s\nwant\n%s", res.stdout, want)
	}
	// Every problem of every file, in file order, each at its place and
	// naming what is wrong.
	want := []struct{ place, says string }{
		{broken + ":8:39: ", `"nonsense pattern with spaces" is not a ServeMux pattern`},
		{broken + ":10:17: ", "99.9 is not below 1; write 0.999 for 99.9%"},
		{broken + ":11:17: ", `"30x"`},
		{broken + ":13:18: ", `"-3ms"`},
		{broken + ":15:17: ", `policy "nope" is not declared`},
		{broken + ":16:9: ", `unknown field "colour"`},
		{broken + ":17:11: ", `journey "checkout"`},
		{broken + ":19:9: ", "checkout:availability"},
		{syntax + ":2:1: ", "not valid YAML"},
		{missing + ": ", "open: no such file or directory"},
	}
	lines := strings.Split(strings.TrimSuffix(res.stderr, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("journeyslo validate: %d problems, want %d:\n%s", len(lines), len(want), res.stderr)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w.place) || !strings.Contains(lines[i], w.says) {
			t.Errorf("journeyslo validate: problem %d is\n%s\nwant it at %s saying %s", i+1, lines[i], w.place, w.says)
		}
	}

	ok := runCmd(t, "validate", good, good)
	ok.wantStatus(t, exitOK)
	if want := strings.Repeat(good+": valid journeyslo config: service shop, 3 objectives in 2 journeys\n", 2); ok.stdout != want || ok.stderr != "" {
		t.Errorf("journeyslo validate on valid files: stdout\n%s\nstderr\n%s\nwant\n%s", ok.stdout, ok.stderr, want)
	}

	none := runCmd(t, "validate")
	none.wantStatus(t, exitUsage)
	if want := "journeyslo validate: no FILE given; name the objective files to check\n"; !strings.HasPrefix(none.stderr, want) {
		t.Errorf("journeyslo validate: stderr %q, want it to start with %q", none.stderr, want)
	}
}

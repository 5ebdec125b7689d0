package sloconfig_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// problems returns the lines of a Parse error, checking that each is an
// *sloconfig.Error matching slo.ErrInvalid.
func problems(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var out []string
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		var fe *sloconfig.Error
		if !errors.As(e, &fe) || !errors.Is(e, slo.ErrInvalid) {
			t.Errorf("%v: not an *sloconfig.Error matching slo.ErrInvalid", e)
		}
		out = append(out, e.Error())
	}
	return out
}

func TestParseProblems(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"empty", "", []string{"f.yaml:1:1: the file is empty; a journeyslo file has a service and its journeys"}},
		{"only a comment", "# nothing yet\n", []string{"f.yaml:1:1: the file is empty; a journeyslo file has a service and its journeys"}},
		{"not YAML", "service: shop\njourneys: [\n", []string{"f.yaml:2:1: not valid YAML: did not find expected node content"}},
		{"a list", "- service: shop\n", []string{
			"f.yaml:1:1: the file is a list; a journeyslo file is a mapping with the fields service, policies, journeys, exclusions"}},
		{"two documents", "service: shop\njourneys:\n  - name: checkout\n    objectives: [{target: 99.9%}]\n---\nservice: other\n", []string{
			"f.yaml:6:1: a journeyslo file holds one YAML document; this is a second one (an OpenSLO file holds several, but this is not one)"}},
		{"a misspelt field", "servce: shop\njourneys:\n  - name: checkout\n    objectives: [{target: 99.9%}]\n", []string{
			`f.yaml:1:1: the file: unknown field "servce"; a journeyslo file has the fields service, policies, journeys, exclusions`,
			`f.yaml:1:1: the file: field "service" is missing; a journeyslo file needs it`}},
		{"a field twice", "service: shop\nservice: shop\njourneys:\n  - name: checkout\n    objectives: [{target: 99.9%}]\n", []string{
			`f.yaml:2:1: the file: field "service" is given twice; give it once`}},
		{"aliases", "service: shop\npolicies:\n  p: &p {rules: [{severity: page, long: 1h, short: 5m, factor: 14.4}]}\njourneys:\n  - name: checkout\n    objectives: [{target: 99.9%, rules: *p}]\n", []string{
			"f.yaml:3:6: policies.p: YAML anchors and aliases are not supported; write the value out, or share rules through a named policy",
			"f.yaml:6:41: journeys[0].objectives[0].rules: YAML anchors and aliases are not supported; write the value out, or share rules through a named policy"}},
		{"targets", `service: shop
journeys:
  - name: checkout
    objectives:
      - target: abc%
      - {name: a, target: 100%}
      - {name: b, target: 0%}
      - {name: c, target: 99.9}
      - {name: d, target: .inf}
      - {name: e, target: [1]}
      - {name: f}
      - {name: g, target: 0x1p-1}
`, []string{
			`f.yaml:5:17: journeys[0].objectives[0].target: "abc%" is not a number; write a ratio such as 0.999, or a percent such as 99.9%`,
			`f.yaml:6:27: journeys[0].objectives[1].target: "100%" leaves no error budget; use a percent below 100%, such as 99.9%`,
			`f.yaml:7:27: journeys[0].objectives[2].target: "0%" is not above 0%; use a percent such as 99.9%`,
			`f.yaml:8:27: journeys[0].objectives[3].target: burnrate: invalid target: 99.9 is not below 1; write 0.999 for 99.9%`,
			`f.yaml:9:27: journeys[0].objectives[4].target: ".inf" is not a number; write a ratio such as 0.999, or a percent such as 99.9%`,
			`f.yaml:10:27: journeys[0].objectives[5].target is a list; write a ratio such as 0.999, or a percent such as 99.9%`,
			`f.yaml:11:9: journeys[0].objectives[6]: field "target" is missing; an objective needs it`,
			`f.yaml:12:27: journeys[0].objectives[7].target: "0x1p-1" is not a number; write a ratio such as 0.999, or a percent such as 99.9%`}},
		{"windows", `service: shop
journeys:
  - name: checkout
    objectives:
      - {target: 99.9%, period: 1M}
      - {name: b, target: 99.9%, period: 30}
      - {name: c, target: 99.9%, period: 500d}
      - {name: d, target: 99.9%, latency: 0s}
      - {name: e, target: 99.9%, period: 1m}
`, []string{
			`f.yaml:5:33: journeys[0].objectives[0].period: burnrate: invalid window "1M": M is a calendar month, which has no fixed length; journeyslo windows are rolling: write 30d or 4w`,
			`f.yaml:6:42: journeys[0].objectives[1].period: "30" has no unit; write a duration with one, such as 30d, 1h or 5m (m minutes, h hours, d days)`,
			// The window package's words, as slo.New says them.
			`f.yaml:7:42: checkout:c: slo: invalid: Period: window 12000h0m0s is longer than 9600h0m0s, the longest a series keeps`,
			`f.yaml:8:43: journeys[0].objectives[3].latency: burnrate: invalid window "0s": a window is positive; leave the field out instead of writing zero`,
			`f.yaml:9:9: checkout:e: burnrate: invalid policy: no rules; use burnrate.DefaultPolicy(0.999, 1m) or add rules`,
			`f.yaml:9:42: checkout:e: slo: invalid: Period: window 1m0s is shorter than 1m40s, the shortest kept to 1% accuracy`,
		}},
		{"policies, journeys and routes", `service: shop
policies:
  fast:
    rules:
      - {severity: page, long: 1h, short: 5m, factor: 14.4}
  slow:
    minEvents: many
    rules:
      - {severity: urgent, long: 3d, short: 6h, factor: 1, for: 1h}
journeys:
  - name: checkout
    objectives:
      - {target: 90%, policy: fast}
      - {name: b, target: 99%, policy: fst}
      - {name: c, target: 99%, policy: fast, rules: [{severity: page, long: 1h, short: 5m, factor: 2}]}
      - {name: d, target: 99%, minEvents: -1, rules: [{severity: page, long: 1h, short: 2h, factor: 2}]}
  - name: checkout
    patterns: ["GET /x", "GET /{bad"]
    methods: ["/a.B/C", "nope"]
    objectives: [{target: 99%}]
  - name: search
    patterns: ["GET /x"]
    methods: ["/a.B/C"]
    objectives: [{target: 99%}, {target: 98%, name: availability}]
  - name: login
    objectives: []
`, []string{
			`f.yaml:5:9: checkout:availability: burnrate: invalid rule 0 (page-1h-5m): Factor 14.4 can never fire at target 0.9: when every event fails the burn rate is 1/(1-0.9) = 10; use a factor of at most 10 or a higher target`,
			`f.yaml:7:16: policies.slow.minEvents: "many" is not a whole number of events; write one such as 1000, or 0 to turn the low-traffic guard off`,
			`f.yaml:9:20: policies.slow.rules[0].severity: severity "urgent" is not one a rule raises; write page or ticket`,
			`f.yaml:9:60: policies.slow.rules[0]: unknown field "for"; a rule has the fields name, severity, long, short, factor`,
			`f.yaml:14:40: journeys[0].objectives[1]: policy "fst" is not declared under policies (declared: fast, slow)`,
			`f.yaml:15:53: journeys[0].objectives[2]: both policy "fast" and rules are given; give one, or neither for the default policy`,
			`f.yaml:16:43: journeys[0].objectives[3].minEvents: "-1" is not a whole number of events; write one such as 1000, or 0 to turn the low-traffic guard off`,
			`f.yaml:16:55: checkout:d: burnrate: invalid rule 0 (page-1h-2h): Short window 2h is longer than Long window 1h; the Workbook uses Long/12 (5m), and Short = Long makes a single-window rule`,
			`f.yaml:17:11: journey "checkout" is also journeys[0]; write all its objectives, patterns and methods under one entry`,
			`f.yaml:18:26: journeys[1].patterns[1]: "GET /{bad" is not a ServeMux pattern: parsing "GET /{bad": at offset 5: bad wildcard segment (must end with '}'); write a pattern as registered with the mux, such as "POST /cart/checkout"`,
			`f.yaml:19:25: journeys[1].methods[1]: "nope" is not a full method name; write "/package.Service/Method"`,
			`f.yaml:20:18: journeys[1].objectives[0]: objective checkout:availability has the same journey and name as journeys[0].objectives[0]; give each objective of a journey its own name`,
			`f.yaml:22:16: pattern "GET /x" is also journeys[1] (checkout)'s; a request serves one journey, so give each pattern once`,
			`f.yaml:23:15: method "/a.B/C" is also journeys[1] (checkout)'s; a call serves one journey, so give each method once`,
			`f.yaml:24:33: journeys[2].objectives[1]: objective search:availability has the same journey and name as journeys[2].objectives[0]; give each objective of a journey its own name`,
			`f.yaml:26:17: journey "login" has no objectives; give it at least one, such as {target: 99.9%}`,
		}},
		{"names, runbooks and labels", `service: "my shop"
policies:
  "fast burn": {}
journeys:
  - name: unmatched
    objectives: [{target: 99%}]
  - name: check out
    objectives:
      - target: 99%
        runbook: runbooks/checkout
        labels: {team: "", severity: high, 2fa: x}
      - {name: "a b", target: 99%}
`, []string{
			`f.yaml:1:10: service "my shop" is not a name: use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
			`f.yaml:3:3: policy "fast burn" is not a name: use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
			`f.yaml:5:11: unmatched:availability: slo: invalid: Journey "unmatched" is where undeclared journeys go; choose another name`,
			`f.yaml:7:11: check out:availability: slo: invalid: Journey "check out" is not a name: use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
			`f.yaml:7:11: check out:a b: slo: invalid: Journey "check out" is not a name: use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
			`f.yaml:10:18: check out:availability: slo: invalid: Runbook "runbooks/checkout" is not an absolute http or https URL; write it in full, such as https://runbooks.example.com/check out`,
			`f.yaml:11:18: check out:availability: slo: invalid: Labels: label "team" has an empty value, which Prometheus would drop; give it a value or leave it out`,
			`f.yaml:11:28: check out:availability: slo: invalid: Labels: "severity" is a label the generated rules set themselves; choose another name, such as team or cluster`,
			`f.yaml:11:44: check out:availability: slo: invalid: Labels: "2fa" is not a label name; use letters, digits and '_', not starting with a digit or "__"`,
			`f.yaml:12:16: check out:a b: slo: invalid: Name "a b" is not a name: use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
		}},
	} {
		if dir := os.Getenv("SLOCONFIG_WRITE_CORPUS"); dir != "" {
			writeSeed(t, filepath.Join(dir, "problems-"+strings.NewReplacer(" ", "-", ",", "").Replace(tc.name)), []byte(tc.in))
		}
		c, err := sloconfig.Parse("f.yaml", []byte(tc.in))
		if c != nil {
			t.Errorf("%s: Parse returned a config with its errors", tc.name)
		}
		if diff := cmp.Diff(tc.want, problems(t, err)); diff != "" {
			t.Errorf("%s: problems (-want +got):\n%s", tc.name, diff)
		}
	}
}

// What a file writes becomes the objectives slo.New takes: percents
// exactly as the ratio written, periods and latencies, named and inline
// policies, and the guard as written, inherited or defaulted.
func TestParseObjectives(t *testing.T) {
	const in = `# A file may be JSON too; this one is YAML.
service: shop
policies:
  fast:
    minEvents: 50
    rules:
      - {severity: page, long: 1h, short: 5m, factor: 14.4}
  default-quiet:
    minEvents: 0
journeys:
  - name: checkout
    objectives:
      - {target: 99.9%, period: 4w}
      - {name: fast, target: "99.95 %", policy: fast}
      - {name: fast-guarded, target: 0.9995, policy: fast, minEvents: 7}
      - {name: inline, target: 99%, rules: [{name: my-page, severity: page, long: 2h, short: 10m, factor: 10}]}
      - {name: quiet, target: 99%, policy: default-quiet}
      - {name: guard, target: 95%, minEvents: 20}
  - name: search
    objectives:
      - {latency: 250ms, target: 90%, period: 7d}
`
	c, err := sloconfig.Parse("f.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	page := func(long, short time.Duration, factor float64) burnrate.Rule {
		return burnrate.Rule{Long: long, Short: short, Factor: factor, Severity: burnrate.SeverityPage}
	}
	quiet := burnrate.DefaultPolicy(0.99, slo.DefaultPeriod)
	quiet.MinEvents = 0
	want := []slo.Objective{
		{Journey: "checkout", Target: 0.999, Period: 28 * day},
		{Journey: "checkout", Name: "fast", Target: 0.9995, Policy: burnrate.Policy{Rules: []burnrate.Rule{page(time.Hour, 5*time.Minute, 14.4)}, MinEvents: 50}},
		{Journey: "checkout", Name: "fast-guarded", Target: 0.9995, Policy: burnrate.Policy{Rules: []burnrate.Rule{page(time.Hour, 5*time.Minute, 14.4)}, MinEvents: 7}},
		{Journey: "checkout", Name: "inline", Target: 0.99, Policy: burnrate.Policy{Rules: []burnrate.Rule{
			{Name: "my-page", Long: 2 * time.Hour, Short: 10 * time.Minute, Factor: 10, Severity: burnrate.SeverityPage}}, MinEvents: 100}},
		{Journey: "checkout", Name: "quiet", Target: 0.99, Policy: quiet},
		{Journey: "checkout", Name: "guard", Target: 0.95, Policy: burnrate.Policy{MinEvents: 20}},
		{Journey: "search", Target: 0.9, Latency: 250 * time.Millisecond, Period: 7 * day},
	}
	if diff := cmp.Diff(want, c.Objectives()); diff != "" {
		t.Errorf("Objectives (-want +got):\n%s", diff)
	}
	if c.Patterns() != nil || c.Methods() != nil {
		t.Errorf("Patterns %v, Methods %v; want nil for none", c.Patterns(), c.Methods())
	}
	registry(t, c.Objectives())

	// The same file as JSON.
	j := `{"service": "shop", "journeys": [{"name": "checkout", "patterns": ["POST /checkout"],
	  "objectives": [{"target": "99.9%", "period": "4w"}]}]}`
	c, err = sloconfig.Parse("f.json", []byte(j))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want[:1], c.Objectives()); diff != "" {
		t.Errorf("JSON: Objectives (-want +got):\n%s", diff)
	}
	if _, err := sloconfig.Parse("f.json", []byte(`{"service": "shop", "journeys": [], "extra": 1}`)); err == nil ||
		!strings.Contains(err.Error(), `f.json:1:37: the file: unknown field "extra"`) {
		t.Errorf("JSON with an unknown field: %v", err)
	}
}

// Percents convert as the decimal they are: 99.9% is the float 0.999, where
// 99.9/100 is 0.9990000000000001.
func TestPercentTargets(t *testing.T) {
	for pct, want := range map[string]float64{
		"99.9%": 0.999, "99.95%": 0.9995, "95%": 0.95, "99.999%": 0.99999, "0.1%": 0.001, "12.3456789%": 0.123456789, "99.9 %": 0.999,
	} {
		c, err := sloconfig.Parse("f.yaml", []byte("service: shop\njourneys: [{name: a, objectives: [{target: \""+pct+"\"}]}]\n"))
		if err != nil {
			t.Errorf("%s: %v", pct, err)
			continue
		}
		if got := c.Journeys[0].Objectives[0].Target; got != want {
			t.Errorf("target %s = %v, want %v", pct, got, want)
		}
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(path, []byte("service: shop\njourneys:\n  - name: checkout\n    objectives: [{target: 1.5}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := sloconfig.Load(path)
	if want := path + ":4:27: journeys[0].objectives[0].target: burnrate: invalid target: 1.5 is not below 1; write 0.015 for 1.5%"; err == nil || err.Error() != want {
		t.Errorf("Load: %v\nwant %s", err, want)
	}
	if _, err := sloconfig.Load(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v, want os.ErrNotExist", err)
	}
}

// A Config built in Go is checked the same way, with paths for places.
func TestValidateBuiltInGo(t *testing.T) {
	c := &sloconfig.Config{Service: "shop", Journeys: []sloconfig.Journey{
		{Name: "checkout", Patterns: []string{"POST /checkout"}, Objectives: []sloconfig.Objective{{Target: 0.999, Policy: "none"}}},
		{Name: "search", Patterns: []string{"POST /checkout"}, Objectives: []sloconfig.Objective{{Target: 2}}},
	}}
	want := []string{
		`journeys[0].objectives[0]: policy "none" is not declared under policies (declared: none are)`,
		`pattern "POST /checkout" is also journeys[0] (checkout)'s; a request serves one journey, so give each pattern once`,
		`search:availability: burnrate: invalid target: 2 is not below 1; write 0.02 for 2%`,
	}
	err := c.Validate()
	if diff := cmp.Diff(want, problems(t, err)); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}
	var paths []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *sloconfig.Error
		if errors.As(e, &fe) {
			paths = append(paths, fe.Path)
			if fe.File != "" || fe.Line != 0 {
				t.Errorf("%v: a place in a file (%q:%d) for a config built in Go", e, fe.File, fe.Line)
			}
		}
	}
	if diff := cmp.Diff([]string{"journeys[0].objectives[0].policy", "journeys[1].patterns[0]", "journeys[1].objectives[0].target"}, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	if _, err := c.Marshal(); err == nil {
		t.Error("Marshal wrote an invalid config")
	}
	if err := (&sloconfig.Config{}).Validate(); err == nil {
		t.Error("the zero Config is valid")
	}
}

// The file in the package documentation loads.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var file []string
	for _, line := range strings.Split(string(doc), "\n") {
		if text, ok := strings.CutPrefix(line, "//\t"); ok {
			file = append(file, text)
		}
	}
	c, err := sloconfig.Parse("doc.go", []byte(strings.Join(file, "\n")))
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(file, "\n"))
	}
	if n := len(c.Objectives()); n != 3 || c.Objectives()[1].Policy.MinEvents != 500 || c.Objectives()[2].Source.Bad != `http_requests_total{handler="/search",code=~"5.."}` {
		t.Errorf("the documented file gives %d objectives, %+v; want 3, the second with the fast-only policy's guard of 500, the third with its source", n, c.Objectives())
	}
	registry(t, c.Objectives())
}

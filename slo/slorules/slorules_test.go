package slorules_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/promlabel"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

var update = flag.Bool("update", false, "rewrite testdata/*.yml from the generator's output")

// shop is a file that uses every feature: the default policy at two
// targets, a latency objective, a 28-day period, a hand-written policy
// without a guard and one with its own guard, extra labels, a selector,
// an interval, a for, runbooks, objectives' own labels (one that repeats
// a WithLabels label with its value) and a namespace.
func shop(t *testing.T) slorules.RuleFile {
	t.Helper()
	f, err := slorules.Generate(shopObjectives(), shopOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func shopObjectives() []slo.Objective {
	return []slo.Objective{
		{Journey: "checkout", Target: 0.999, Runbook: "https://runbooks.example.com/checkout",
			Labels: map[string]string{"team": "shop", "tier": "1"}},
		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond, Runbook: "https://runbooks.example.com/checkout-latency",
			Labels: map[string]string{"tier": "1"}},
		{Journey: "search", Target: 0.99999, Period: 28 * 24 * time.Hour},
		{Journey: "login", Name: "fast-burn", Target: 0.995, Labels: map[string]string{"oncall": "identity"}, Policy: burnrate.Policy{Rules: []burnrate.Rule{
			{Long: 2 * time.Hour, Short: 10 * time.Minute, Factor: 7.2, Severity: burnrate.SeverityPage},
		}}},
		{Journey: "login", Name: "guarded", Target: 0.98, Period: 7 * 24 * time.Hour, Policy: burnrate.Policy{MinEvents: 20, Rules: []burnrate.Rule{
			{Name: "slow", Long: 90 * time.Minute, Short: 7*time.Minute + 30*time.Second, Factor: 1.5, Severity: burnrate.SeverityTicket},
		}}},
	}
}

func shopOptions() []slorules.Option {
	return []slorules.Option{
		slorules.WithLabels(map[string]string{"team": "shop", "cluster": "eu-1"}),
		slorules.WithSelector(`{job="shop", namespace=~"prod|canary"}`),
		slorules.WithInterval(30 * time.Second),
		slorules.WithFor(burnrate.SeverityTicket, 15*time.Minute),
		slorules.WithNamespace("shop"),
	}
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the generator's output (-want +got; go test -update rewrites it):\n%s", path, cmp.Diff(string(want), string(got)))
	}
}

func TestGolden(t *testing.T) {
	f := shop(t)
	for _, flavor := range slorules.Flavors {
		b, err := f.Marshal(flavor)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, flavor.String()+".yml", b)
	}
	b, err := f.InhibitRules()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "inhibit.yml", b)
}

// TestWrite checks that Write writes the golden files as Marshal does, and
// that it refuses what Generate refuses, with the same error, before
// writing anything; an error of the writer stops it.
func TestWrite(t *testing.T) {
	for _, flavor := range slorules.Flavors {
		var b bytes.Buffer
		if err := slorules.Write(&b, flavor, shopObjectives(), shopOptions()...); err != nil {
			t.Fatal(err)
		}
		golden(t, flavor.String()+".yml", b.Bytes())
	}
	bad := append(shopObjectives(), slo.Objective{Journey: "checkout", Target: 1.5})
	_, want := slorules.Generate(bad, shopOptions()...)
	var b bytes.Buffer
	err := slorules.Write(&b, slorules.Prometheus, bad, shopOptions()...)
	if err == nil || want == nil || err.Error() != want.Error() || b.Len() != 0 {
		t.Errorf("Write(an invalid objective) = %v and %d bytes written; want Generate's error %v and nothing written", err, b.Len(), want)
	}
	failing := errors.New("disk full")
	if err := slorules.Write(failWriter{failing}, slorules.Prometheus, shopObjectives(), shopOptions()...); !errors.Is(err, failing) {
		t.Errorf("Write to a failing writer = %v, want its error %v", err, failing)
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

// The output depends on nothing but the input: Go randomises map order,
// so many runs would catch a map written in iteration order.
func TestDeterministic(t *testing.T) {
	first, err := shop(t).Marshal(slorules.Thanos)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		b, err := shop(t).Marshal(slorules.Thanos)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, first) {
			t.Fatalf("run %d wrote a different file", i)
		}
	}
}

// decode reads a marshalled file back as plain YAML values.
func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := yaml.Unmarshal(b, &v); err != nil {
		t.Fatalf("the file is not YAML: %v\n%s", err, b)
	}
	return v
}

// decodeObjects reads a PrometheusOperator file back as plain YAML values:
// its objects, and the groups of their specs in order.
func decodeObjects(t *testing.T, b []byte) (objects []map[string]any, groups []any) {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var o map[string]any
		if err := dec.Decode(&o); err == io.EOF {
			return objects, groups
		} else if err != nil {
			t.Fatalf("the file is not YAML: %v\n%s", err, b)
		}
		objects = append(objects, o)
		groups = append(groups, o["spec"].(map[string]any)["groups"].([]any)...)
	}
}

// TestFlavors checks what the Thanos and Mimir flavours add, and that
// without it they are the Prometheus file.
func TestFlavors(t *testing.T) {
	f := shop(t)
	files := map[slorules.Flavor]map[string]any{}
	for _, flavor := range slorules.Flavors {
		b, err := f.Marshal(flavor)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("# Code generated by journeyslo; DO NOT EDIT.\n")) {
			t.Errorf("%v: the file does not start with the generated-code line:\n%.80s", flavor, b)
		}
		if flavor == slorules.PrometheusOperator {
			objects, groups := decodeObjects(t, b)
			var names []string
			for _, o := range objects {
				if o["apiVersion"] != "monitoring.coreos.com/v1" || o["kind"] != "PrometheusRule" {
					t.Errorf("object %v is a %v %v, want a monitoring.coreos.com/v1 PrometheusRule", o["metadata"], o["apiVersion"], o["kind"])
				}
				meta := o["metadata"].(map[string]any)
				names = append(names, meta["name"].(string))
				if diff := cmp.Diff(map[string]any{"name": meta["name"], "labels": map[string]any{"app.kubernetes.io/managed-by": "journeyslo"}}, meta); diff != "" {
					t.Errorf("object %v: metadata (-want +got):\n%s", meta["name"], diff)
				}
			}
			want := []string{"journeyslo.checkout.availability", "journeyslo.checkout.latency", "journeyslo.search.availability", "journeyslo.login.fast-burn", "journeyslo.login.guarded"}
			if diff := cmp.Diff(want, names); diff != "" {
				t.Errorf("the objects' names, one per objective (-want +got):\n%s", diff)
			}
			files[flavor] = map[string]any{"groups": groups}
			continue
		}
		files[flavor] = decode(t, b)
	}
	groups := func(file map[string]any) []any { return file["groups"].([]any) }
	if got := len(groups(files[slorules.Prometheus])); got != 10 {
		t.Fatalf("%d groups, want two per objective, 10", got)
	}
	for i, g := range groups(files[slorules.Thanos]) {
		g := g.(map[string]any)
		if got := g["partial_response_strategy"]; got != "abort" {
			t.Errorf("thanos group %d: partial_response_strategy = %v, want abort", i, got)
		}
		delete(g, "partial_response_strategy")
	}
	if got := files[slorules.Mimir]["namespace"]; got != "shop" {
		t.Errorf("mimir namespace = %v, want shop", got)
	}
	delete(files[slorules.Mimir], "namespace")
	for _, flavor := range []slorules.Flavor{slorules.Thanos, slorules.Mimir, slorules.PrometheusOperator} {
		if diff := cmp.Diff(files[slorules.Prometheus], files[flavor]); diff != "" {
			t.Errorf("%v without its own fields differs from the Prometheus file (-prometheus +%v):\n%s", flavor, flavor, diff)
		}
	}
	if _, ok := files[slorules.Prometheus]["namespace"]; ok {
		t.Error("the Prometheus file has a namespace, which promtool refuses")
	}
}

// TestPromtoolCheckRules runs `promtool check rules --lint=all
// --lint-fatal` on every flavour; promtool 2.42 refuses Thanos's and
// Mimir's own fields, so those are removed first (TestFlavors checks them).
func TestPromtoolCheckRules(t *testing.T) {
	promtest.Promtool(t)
	f := shop(t)
	dir := t.TempDir()
	for _, flavor := range slorules.Flavors {
		b, err := f.Marshal(flavor)
		if err != nil {
			t.Fatal(err)
		}
		if flavor == slorules.PrometheusOperator {
			_, groups := decodeObjects(t, b)
			if b, err = yaml.Marshal(map[string]any{"groups": groups}); err != nil {
				t.Fatal(err)
			}
		} else if flavor != slorules.Prometheus {
			file := decode(t, b)
			delete(file, "namespace")
			for _, g := range file["groups"].([]any) {
				delete(g.(map[string]any), "partial_response_strategy")
			}
			if b, err = yaml.Marshal(file); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(dir, flavor.String()+".yml")
		write(t, path, b)
		out, err := promtest.RunPromtool(t, "check", "rules", "--lint=all", "--lint-fatal", path)
		if err != nil || !strings.Contains(out, "SUCCESS: 97 rules found") {
			t.Errorf("%v: promtool check rules: %v\n%s", flavor, err, out)
		}
	}
}

func TestThresholdsAreExactDecimals(t *testing.T) {
	f := shop(t)
	var got []string
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if r.Record == slorules.Firing {
				got = append(got, r.Labels["rule"]+" "+r.Labels["factor"]+" "+strings.TrimSuffix(strings.Fields(r.Expr)[2], ")"))
			}
		}
	}
	want := []string{
		// checkout:availability, 99.9% over 30 days: 14.4, 6, 3 and 1
		// times 0.001.
		"page-1h-5m 14.4 0.0144", "page-6h-30m 6 0.006", "ticket-1d-2h 3 0.003", "ticket-3d-6h 1 0.001",
		// checkout:latency, 99%.
		"page-1h-5m 14.4 0.144", "page-6h-30m 6 0.06", "ticket-1d-2h 3 0.03", "ticket-3d-6h 1 0.01",
		// search, 99.999% over 28 days: 13.44, 5.6, 2.8, 0.9333...
		"page-1h-5m 13.44 0.0001344", "page-6h-30m 5.6 0.000056", "ticket-1d-2h 2.8 0.000028",
		"ticket-3d-6h 0.9333333333333333 0.000009333333333333333",
		// login's own policies.
		"page-2h-10m 7.2 0.036", "slow 1.5 0.03",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rule, factor and threshold (-want +got):\n%s", diff)
	}
}

func TestGuards(t *testing.T) {
	f := shop(t)
	got := map[string]string{}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if r.Record == slorules.Info {
				got[strings.TrimSuffix(g.Name, ":period")] = r.Labels["min_events"]
			}
			if r.Record == slorules.Firing && !strings.Contains(r.Expr, slorules.EventsPrefix) && r.Labels["rule"] != "page-2h-10m" {
				t.Errorf("%s: rule %s has no guard:\n%s", g.Name, r.Labels["rule"], r.Expr)
			}
		}
	}
	// ceil(1/(1-target)) for default policies, as the registry computes;
	// a hand-written policy's own, and none when it sets none.
	want := map[string]string{
		"journeyslo:checkout:availability": "1000",
		"journeyslo:checkout:latency":      "100",
		"journeyslo:search:availability":   "100000",
		"journeyslo:login:fast-burn":       "0",
		"journeyslo:login:guarded":         "20",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("min_events by group (-want +got):\n%s", diff)
	}
}

func TestGenerateErrors(t *testing.T) {
	ok := []slo.Objective{{Journey: "checkout", Target: 0.999}}
	for _, tc := range []struct {
		name string
		objs []slo.Objective
		opts []slorules.Option
		want []string
	}{
		{"no objectives", nil, nil, []string{"no objectives"}},
		{"a target in percent", []slo.Objective{{Journey: "checkout", Target: 99.9}}, nil,
			[]string{`objective 0 (checkout:availability)`, "write 0.999 for 99.9%"}},
		{"a journey that is no name", []slo.Objective{{Journey: "check out\n", Target: 0.999}}, nil,
			[]string{`objective 0 ("check out\n":availability)`, "is not a name"}},
		{"a duplicate", []slo.Objective{{Journey: "checkout", Target: 0.999}, {Journey: "checkout", Target: 0.99}}, nil,
			[]string{"objective 1 (checkout:availability): objective 0 has the same journey and name"}},
		{"a window Prometheus cannot name", []slo.Objective{{Journey: "checkout", Target: 0.999, Policy: burnrate.Policy{Rules: []burnrate.Rule{
			{Long: time.Hour, Short: 300*time.Second + 500*time.Microsecond, Factor: 14.4, Severity: burnrate.SeverityPage}}}}}, nil,
			[]string{"5m0.0005s is not a whole number of milliseconds"}},
		{"a reserved label", ok, []slorules.Option{slorules.WithLabels(map[string]string{"severity": "high"})},
			[]string{`"severity" is a label the generated rules set themselves`}},
		{"a bad label name", ok, []slorules.Option{slorules.WithLabels(map[string]string{"team-name": "shop"})},
			[]string{`"team-name" is not a label name`}},
		{"an empty label value", ok, []slorules.Option{slorules.WithLabels(map[string]string{"team": ""})},
			[]string{`label "team" has an empty value`}},
		{"a selector on journey", ok, []slorules.Option{slorules.WithSelector(`{journey="checkout"}`)},
			[]string{"matches journey, which the generator sets"}},
		{"a selector with a metric name", ok, []slorules.Option{slorules.WithSelector(`{__name__="x"}`)},
			[]string{"matches the metric name"}},
		{"an unquoted selector", ok, []slorules.Option{slorules.WithSelector(`job=checkout`)},
			[]string{`checkout is not quoted; write it as "checkout"`}},
		{"a selector with a bad regexp", ok, []slorules.Option{slorules.WithSelector(`job=~"(shop"`)},
			[]string{`job=~"(shop" is not a valid regular expression`}},
		{"an open brace", ok, []slorules.Option{slorules.WithSelector(`{job="shop"`)},
			[]string{"opens a brace it does not close"}},
		{"no comma", ok, []slorules.Option{slorules.WithSelector(`job="a" env="b"`)},
			[]string{`expected a comma after job="a"`}},
		{"a zero interval", ok, []slorules.Option{slorules.WithInterval(0)},
			[]string{"WithInterval(0s): use a positive whole number of seconds"}},
		{"a period interval beyond the lookback", ok, []slorules.Option{slorules.WithPeriodInterval(5 * time.Minute)},
			[]string{"WithPeriodInterval(5m0s): use a positive whole number of seconds under 5 minutes"}},
		{"for on ok", ok, []slorules.Option{slorules.WithFor(burnrate.SeverityOK, time.Minute)},
			[]string{"WithFor(ok, 1m0s): use burnrate.SeverityPage or burnrate.SeverityTicket"}},
		{"an empty namespace", ok, []slorules.Option{slorules.WithNamespace(" ")},
			[]string{`WithNamespace(" "): use a non-empty name`}},
		{"a reserved label slo reserves", ok, []slorules.Option{slorules.WithLabels(map[string]string{"alertname": "x"})},
			[]string{`"alertname" is a label the generated rules set themselves`}},
		{"an objective label that WithLabels gives another value",
			[]slo.Objective{{Journey: "checkout", Target: 0.999, Labels: map[string]string{"team": "payments", "tier": "1"}}},
			[]slorules.Option{slorules.WithLabels(map[string]string{"team": "shop", "tier": "1"})},
			[]string{`objective 0 (checkout:availability): its label team="payments" and WithLabels' team="shop" have the same name; give the label in one place, or the same value in both`}},
		{"every mistake at once", []slo.Objective{{Journey: "checkout", Target: 2}}, []slorules.Option{
			slorules.WithInterval(-time.Second), slorules.WithSelector("{")},
			[]string{"WithInterval(-1s)", `selector "{" opens a brace`, "target: 2 is not below 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := slorules.Generate(tc.objs, tc.opts...)
			if err == nil {
				t.Fatalf("no error; generated %d groups", len(f.Groups))
			}
			if !errors.Is(err, slo.ErrInvalid) {
				t.Errorf("%v does not wrap slo.ErrInvalid", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	// An objective's own mistakes wrap the packages that found them.
	_, err := slorules.Generate([]slo.Objective{{Journey: "", Target: 1.5}})
	if !errors.Is(err, slo.ErrInvalid) || !errors.Is(err, burnrate.ErrInvalid) {
		t.Errorf("%v does not wrap slo.ErrInvalid and burnrate.ErrInvalid", err)
	}
}

func TestSelectors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{job="shop"}`, `{journey="checkout",objective="availability",job="shop"}`},
		{` job = 'shop' , env!~"dev|test" `, `{journey="checkout",objective="availability",job="shop",env!~"dev|test"}`},
		{"{path=~`/api/.*`,x!=\"a\\\"b\"}", `{journey="checkout",objective="availability",path=~"/api/.*",x!="a\"b"}`},
		{`{q='it\'s "here"'}`, `{journey="checkout",objective="availability",q="it's \"here\""}`},
		{`{}`, `{journey="checkout",objective="availability"}`},
	} {
		f, err := slorules.Generate([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slorules.WithSelector(tc.in))
		if err != nil {
			t.Errorf("WithSelector(%s): %v", tc.in, err)
			continue
		}
		expr := f.Groups[0].Rules[0].Expr // the 5m window's events
		want := "increase(" + slorules.Counter + tc.want + "[5m])"
		if !strings.Contains(expr, want) {
			t.Errorf("WithSelector(%s): the ratio reads\n%s\nwant it to read %s", tc.in, expr, want)
		}
	}
}

func TestParseFlavor(t *testing.T) {
	for _, flavor := range slorules.Flavors {
		got, err := slorules.ParseFlavor(flavor.String())
		if err != nil || got != flavor {
			t.Errorf("ParseFlavor(%q) = %v, %v", flavor, got, err)
		}
	}
	if _, err := slorules.ParseFlavor("cortex"); !errors.Is(err, slo.ErrInvalid) || !strings.Contains(err.Error(), "use prometheus, thanos, mimir or prometheus-operator") {
		t.Errorf("ParseFlavor(cortex) = %v", err)
	}
	if _, err := (slorules.RuleFile{}).Marshal(slorules.Flavor(7)); !errors.Is(err, slo.ErrInvalid) {
		t.Errorf("Marshal(Flavor(7)) = %v, want ErrInvalid", err)
	}
}

// Group names must be unique in a file, and journey and objective names
// may both hold a '-'.
func TestGroupNamesStayApart(t *testing.T) {
	f, err := slorules.Generate([]slo.Objective{
		{Journey: "a-b", Name: "c", Target: 0.999},
		{Journey: "a", Name: "b-c", Target: 0.999},
	})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := f.Groups[0].Name, f.Groups[2].Name; a == b || a != "journeyslo:a-b:c" || b != "journeyslo:a:b-c" {
		t.Errorf("group names %q and %q, want journeyslo:a-b:c and journeyslo:a:b-c", a, b)
	}
}

func TestIntervals(t *testing.T) {
	ok := []slo.Objective{{Journey: "checkout", Target: 0.999}}
	for _, tc := range []struct {
		name             string
		opts             []slorules.Option
		alerting, period time.Duration
	}{
		{"by default the engine's, and 2m30s for the period", nil, 0, 150 * time.Second},
		{"a short interval", []slorules.Option{slorules.WithInterval(30 * time.Second)}, 30 * time.Second, 150 * time.Second},
		{"a long interval holds for the period too", []slorules.Option{slorules.WithInterval(4 * time.Minute)}, 4 * time.Minute, 4 * time.Minute},
		{"the period's own", []slorules.Option{slorules.WithPeriodInterval(time.Minute)}, 0, time.Minute},
	} {
		f, err := slorules.Generate(ok, tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Groups) != 2 || f.Groups[0].Interval != tc.alerting || f.Groups[1].Interval != tc.period {
			t.Errorf("%s: intervals %v, want %v and %v", tc.name, intervals(f), tc.alerting, tc.period)
		}
	}
}

func intervals(f slorules.RuleFile) []time.Duration {
	var out []time.Duration
	for _, g := range f.Groups {
		out = append(out, g.Interval)
	}
	return out
}

// Targets at the edges of (0, 1) get rules an engine reads, with every
// threshold a number.
func TestExtremeTargets(t *testing.T) {
	for _, target := range []float64{1e-300, 0.5, 0.9, 0.99999999} {
		f, err := slorules.Generate([]slo.Objective{{Journey: "checkout", Target: target}})
		if err != nil {
			t.Errorf("target %v: %v", target, err)
			continue
		}
		for _, g := range f.Groups {
			for _, r := range g.Rules {
				if r.Record != slorules.Firing {
					continue
				}
				th := strings.TrimSuffix(strings.Fields(r.Expr)[2], ")")
				v, err := strconv.ParseFloat(th, 64)
				if err != nil || !(v > 0) || len(th) > 30 {
					t.Errorf("target %v, rule %s: threshold %q is not a short positive number", target, r.Labels["rule"], th)
				}
			}
		}
	}
}

func TestZeroRuleFile(t *testing.T) {
	b, err := slorules.RuleFile{}.Marshal(slorules.Prometheus)
	if want := "# Code generated by journeyslo; DO NOT EDIT.\ngroups: []\n"; err != nil || string(b) != want {
		t.Errorf("zero RuleFile: %q, %v; want %q", b, err, want)
	}
	if _, err := (slorules.RuleFile{}).Marshal(slorules.Mimir); !errors.Is(err, slo.ErrInvalid) || !strings.Contains(err.Error(), "needs a Namespace") {
		t.Errorf("zero RuleFile as Mimir: %v, want an error asking for a namespace", err)
	}
}

// TestObjectiveLabels checks that every recorded series and alert of an
// objective carries its own labels beside the file's, that no other
// objective's rules carry them, and that its alerts carry its runbook.
func TestObjectiveLabels(t *testing.T) {
	file := map[string]string{"team": "shop", "cluster": "eu-1"}
	want := map[string]struct {
		labels  map[string]string
		runbook string
	}{
		"journeyslo:checkout:availability": {map[string]string{"tier": "1"}, "https://runbooks.example.com/checkout"},
		"journeyslo:checkout:latency":      {map[string]string{"tier": "1"}, "https://runbooks.example.com/checkout-latency"},
		"journeyslo:search:availability":   {nil, ""},
		"journeyslo:login:fast-burn":       {map[string]string{"oncall": "identity"}, ""},
		"journeyslo:login:guarded":         {nil, ""},
	}
	f := shop(t)
	for _, g := range f.Groups {
		w, ok := want[strings.TrimSuffix(g.Name, ":period")]
		if !ok {
			t.Fatalf("unexpected group %s", g.Name)
		}
		extra := map[string]string{}
		for k, v := range file {
			extra[k] = v
		}
		for k, v := range w.labels {
			extra[k] = v
		}
		for i, r := range g.Rules {
			got := map[string]string{}
			for k, v := range r.Labels {
				if !slices.Contains(promlabel.Reserved(), k) {
					got[k] = v
				}
			}
			if diff := cmp.Diff(extra, got); diff != "" {
				t.Errorf("%s, rule %d (%s%s): extra labels (-want +got):\n%s", g.Name, i, r.Record, r.Alert, diff)
			}
			for k, v := range extra {
				if m := fmt.Sprintf("%s=%q", k, v); strings.Contains(r.Expr, "journey_objective") && !strings.Contains(r.Expr, m) {
					t.Errorf("%s, rule %d (%s%s): the expression reads recorded series without %s:\n%s", g.Name, i, r.Record, r.Alert, m, r.Expr)
				}
			}
			if r.Alert != "" && r.Annotations["runbook_url"] != w.runbook {
				t.Errorf("%s, alert %s: runbook_url %q, want %q", g.Name, r.Labels["severity"], r.Annotations["runbook_url"], w.runbook)
			}
		}
	}
}

// TestReservedLabels checks that slo's reserved labels are the ones the
// rules need: every label the generated rules write is among them (so an
// objective slo accepts never has its labels overwritten), and each is
// refused both from WithLabels and from an objective.
func TestReservedLabels(t *testing.T) {
	f, err := slorules.Generate([]slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	reserved := promlabel.Reserved()
	written := map[string]bool{"alertname": true} // Prometheus's, on every alert
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			for k := range r.Labels {
				written[k] = true
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(written)) {
		if !slices.Contains(reserved, k) {
			t.Errorf("the rules write label %q, which the reserved labels do not hold: an objective could set it", k)
		}
	}
	ok := []slo.Objective{{Journey: "checkout", Target: 0.999}}
	for _, name := range reserved {
		if _, err := slorules.Generate(ok, slorules.WithLabels(map[string]string{name: "x"})); !errors.Is(err, slo.ErrInvalid) {
			t.Errorf("WithLabels(%s=x): %v, want an error wrapping ErrInvalid", name, err)
		}
		_, err := slorules.Generate([]slo.Objective{{Journey: "checkout", Target: 0.999, Labels: map[string]string{name: "x"}}})
		if !errors.Is(err, slo.ErrInvalid) {
			t.Errorf("an objective labelled %s=x: %v, want an error wrapping slo.ErrInvalid", name, err)
		}
	}
}

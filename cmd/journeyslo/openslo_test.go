package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo/openslo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

func TestOpenSLOExportImport(t *testing.T) {
	dir := t.TempDir()
	config := writeFile(t, dir, "shop.yaml", shopYAML)
	cfg, err := sloconfig.Load(config)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := openslo.Export(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	marshalled, err := cfg.Marshal()
	if err != nil {
		t.Fatal(err)
	}

	exp := runCmd(t, "openslo", "export", config)
	exp.wantStatus(t, exitOK)
	if diff := cmp.Diff(generatedHeader+string(docs), exp.stdout); diff != "" {
		t.Errorf("journeyslo openslo export: output differs from openslo.Export's (-want +got):\n%s", diff)
	}
	exported := writeFile(t, dir, "shop.openslo.yaml", exp.stdout)
	v := runCmd(t, "validate", exported)
	v.wantStatus(t, exitOK)
	if want := exported + ": valid OpenSLO v1: service shop, 3 objectives in 2 journeys\n"; v.stdout != want {
		t.Errorf("journeyslo validate on the export: %q, want %q", v.stdout, want)
	}

	// Import gives back the config the documents were exported from, and
	// writes it to -o.
	out := filepath.Join(dir, "imported.yaml")
	imp := runCmd(t, "openslo", "import", "-o", out, exported)
	imp.wantStatus(t, exitOK)
	if imp.stdout != "" || imp.stderr != "" {
		t.Errorf("journeyslo openslo import -o: stdout %q, stderr %q; want nothing", imp.stdout, imp.stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(generatedHeader+string(marshalled), string(got)); diff != "" {
		t.Errorf("journeyslo openslo import: the config differs from the one exported (-want +got):\n%s", diff)
	}
	back, err := sloconfig.Load(out)
	if err != nil {
		t.Fatalf("the imported config does not load: %v", err)
	}
	if diff := cmp.Diff(cfg.Objectives(), back.Objectives()); diff != "" {
		t.Errorf("the imported config's objectives differ (-want +got):\n%s", diff)
	}

	// Two services export as one stream of documents.
	search := writeFile(t, dir, "search.yaml", strings.Replace(shopYAML, "service: shop", "service: search", 1))
	two := runCmd(t, "openslo", "export", config, search)
	two.wantStatus(t, exitOK)
	if n := strings.Count(two.stdout, "\nkind: Service\n"); n != 2 {
		t.Errorf("journeyslo openslo export of two services: %d Service documents, want 2", n)
	}
}

// An SLI's Prometheus queries become its objective's source; queries of
// another source type have no place in a config, and import says so.
func TestOpenSLOImportOwnIndicators(t *testing.T) {
	_, files := exportShop(t, t.TempDir(), map[string]openslo.Indicator{
		"checkout:availability": {Source: "Prometheus", Bad: `sum(http_requests_total{code=~"5.."})`, Total: `sum(http_requests_total)`},
		"search:availability":   {Source: "Datadog", Bad: "sum:search.errors{*}.as_count()", Total: "sum:search.all{*}.as_count()"},
	})
	res := runCmd(t, append([]string{"openslo", "import"}, files...)...)
	res.wantStatus(t, exitOK)
	want := files[0] + ": objective search:availability: its SLI reads Datadog queries, which a journeyslo config does not keep; " +
		"the registry counts the journey's own events instead\n"
	if res.stderr != want {
		t.Errorf("journeyslo openslo import: stderr\n%s\nwant\n%s", res.stderr, want)
	}
	if !strings.HasPrefix(res.stdout, generatedHeader+"service: shop\n") {
		t.Errorf("journeyslo openslo import: stdout starts %.80q, want the header and the config", res.stdout)
	}
	src := "        source:\n          bad: http_requests_total{code=~\"5..\"}\n          total: http_requests_total\n"
	if !strings.Contains(res.stdout, src) {
		t.Errorf("journeyslo openslo import wrote no source %q:\n%s", src, res.stdout)
	}
}

func TestOpenSLOUsage(t *testing.T) {
	dir := t.TempDir()
	shop := writeFile(t, dir, "shop.yaml", shopYAML)
	search := writeFile(t, dir, "search.yaml", strings.Replace(shopYAML, "service: shop", "service: search", 1))
	broken := writeFile(t, dir, "broken.yaml", brokenYAML)
	for _, tc := range []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"openslo"}, exitUsage, "journeyslo openslo: no direction given; write openslo import or openslo export\n"},
		{[]string{"openslo", "convert", shop}, exitUsage, `journeyslo openslo: "convert" is neither import nor export` + "\n"},
		{[]string{"openslo", "import"}, exitUsage, "journeyslo openslo: no FILE given; name the files to import\n"},
		{[]string{"openslo", "export", "-x", shop}, exitUsage, "flag provided but not defined: -x\n"},
		{[]string{"openslo", "import", shop, search}, exitUsage, "journeyslo openslo: 2 services given (" + shop + "; " + search + "); a config file holds one: import them one at a time\n"},
		{[]string{"openslo", "export", shop, broken}, exitInvalid, broken + ":8:39: "},
	} {
		res := runCmd(t, tc.args...)
		res.wantStatus(t, tc.status)
		if !strings.HasPrefix(res.stderr, tc.stderr) || res.stdout != "" {
			t.Errorf("journeyslo %s: stdout %q, stderr\n%s\nwant nothing and a stderr starting with\n%s", strings.Join(tc.args, " "), res.stdout, res.stderr, tc.stderr)
		}
	}
}

package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo/openslo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// exportShop writes shopYAML's objectives as OpenSLO v1 documents split
// over two files, so that references cross files, and returns their paths
// and that of the config.
func exportShop(t *testing.T, dir string, indicators map[string]openslo.Indicator) (config string, files []string) {
	t.Helper()
	config = writeFile(t, dir, "shop.yaml", shopYAML)
	cfg, err := sloconfig.Load(config)
	if err != nil {
		t.Fatal(err)
	}
	b, err := openslo.Export(cfg, indicators)
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(b), "\n---\n")
	if len(docs) < 4 {
		t.Fatalf("openslo.Export wrote %d documents, want several to split", len(docs))
	}
	half := len(docs) / 2
	files = []string{
		writeFile(t, dir, "shop-1.openslo.yaml", strings.Join(docs[:half], "\n---\n")+"\n"),
		writeFile(t, dir, "shop-2.openslo.yaml", strings.Join(docs[half:], "\n---\n")),
	}
	return config, files
}

// TestOpenSLOInput checks that the verbs read OpenSLO v1 files as they
// read the journeyslo config the files were exported from.
func TestOpenSLOInput(t *testing.T) {
	config, files := exportShop(t, t.TempDir(), nil)

	v := runCmd(t, append([]string{"validate"}, files...)...)
	v.wantStatus(t, exitOK)
	if want := files[0] + ", " + files[1] + ": valid OpenSLO v1: service shop, 3 objectives in 2 journeys\n"; v.stdout != want || v.stderr != "" {
		t.Errorf("journeyslo validate: stdout\n%s\nstderr\n%s\nwant\n%s", v.stdout, v.stderr, want)
	}
	// One file alone has references it cannot resolve.
	alone := runCmd(t, "validate", files[1])
	alone.wantStatus(t, exitInvalid)
	for _, l := range strings.Split(strings.TrimSuffix(alone.stderr, "\n"), "\n") {
		if !strings.HasPrefix(l, files[1]+":") {
			t.Errorf("journeyslo validate %s: problem %q is not in FILE: form", files[1], l)
		}
	}

	r := runCmd(t, append([]string{"rules", "-selector", `{job="shop"}`}, files...)...)
	r.wantStatus(t, exitOK)
	want := wantRules(t, config, slorules.Prometheus, slorules.WithSelector(`{job="shop"}`))
	if diff := cmp.Diff(want, r.stdout); diff != "" {
		t.Errorf("journeyslo rules on OpenSLO: the rules differ from those of the config (-want +got):\n%s", diff)
	}
}

// TestOpenSLOOwnIndicators checks that validate and rules agree on the
// SLIs rules can read: Prometheus queries, the objective's source, pass
// both; queries of another source type are refused by both, in the same
// words.
func TestOpenSLOOwnIndicators(t *testing.T) {
	_, files := exportShop(t, t.TempDir(), map[string]openslo.Indicator{
		"checkout:availability": {Source: "Prometheus", Bad: `sum(http_requests_total{code=~"5.."})`, Total: `sum(http_requests_total)`},
	})
	runCmd(t, append([]string{"validate"}, files...)...).wantStatus(t, exitOK)
	runCmd(t, append([]string{"rules"}, files...)...).wantStatus(t, exitOK)

	_, files = exportShop(t, t.TempDir(), map[string]openslo.Indicator{
		"checkout:availability": {Source: "Datadog", Bad: "sum:checkout.errors{*}.as_count()", Total: "sum:checkout.all{*}.as_count()"},
	})
	want := files[0] + `: objective checkout:availability: its SLI reads Datadog queries ("bad sum:checkout.errors{*}.as_count()"; total "sum:checkout.all{*}.as_count()"), ` +
		"and the fleet's rules read Prometheus; give the SLI Prometheus queries of the same events, or count the journey's events with journeyslo\n"
	for _, verb := range []string{"validate", "rules"} {
		r := runCmd(t, append([]string{verb}, files...)...)
		r.wantStatus(t, exitInvalid)
		if r.stderr != want || r.stdout != "" {
			t.Errorf("journeyslo %s: stdout %q, stderr\n%s\nwant nothing and\n%s", verb, r.stdout, r.stderr, want)
		}
	}
}

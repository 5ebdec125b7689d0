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

// TestOpenSLOOwnIndicators checks that rules refuses an SLI whose queries
// are not journeyslo's counters, rather than watching other events.
func TestOpenSLOOwnIndicators(t *testing.T) {
	_, files := exportShop(t, t.TempDir(), map[string]openslo.Indicator{
		"checkout:availability": {Source: "Prometheus", Bad: `sum(http_requests_total{code=~"5.."})`, Total: `sum(http_requests_total)`},
	})
	v := runCmd(t, append([]string{"validate"}, files...)...)
	v.wantStatus(t, exitOK)
	r := runCmd(t, append([]string{"rules"}, files...)...)
	r.wantStatus(t, exitInvalid)
	want := files[0] + `: objective checkout:availability: its SLI reads its own Prometheus queries (bad sum(http_requests_total{code=~"5.."}); total sum(http_requests_total)), ` +
		"and the rules read journeyslo's journeyslo_sli_events_total counters; count the journey's events with journeyslo, or write these rules by hand\n"
	if r.stderr != want || r.stdout != "" {
		t.Errorf("journeyslo rules: stdout %q, stderr\n%s\nwant nothing and\n%s", r.stdout, r.stderr, want)
	}
}

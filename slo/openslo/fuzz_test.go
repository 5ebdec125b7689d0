package openslo

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo"
)

// FuzzImport feeds documents to Import: it must never panic, and every
// set it accepts must make a registry and survive an export and an
// import unchanged.
func FuzzImport(f *testing.F) {
	shop, err := os.ReadFile(shopOpenSLO)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{string(shop), foreignSLOs + "---\n" + foreignAlerts, sliYAML + "---\n" + sloYAML("a", ""), "", "---\n", "a: &x [*x]\n", "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec: &s {service: *s}\n"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := Import(File{Name: "fuzz.yaml", Data: data})
		if err != nil {
			return
		}
		reg, err := slo.New(imp.Config.Objectives(), slo.WithManualAdvance())
		if err != nil {
			t.Fatalf("an accepted set makes no registry: %v", err)
		}
		reg.Close()
		out, err := Export(imp.Config, imp.Indicators)
		if err != nil {
			t.Fatalf("an accepted set cannot be exported: %v", err)
		}
		again, err := Import(File{Name: "again.yaml", Data: out})
		if err != nil {
			t.Fatalf("the export does not import: %v\n%s", err, out)
		}
		if d := cmp.Diff(imp.Config, again.Config, ignoreFile); d != "" {
			t.Fatalf("the export imports to another config:\n%s", d)
		}
	})
}

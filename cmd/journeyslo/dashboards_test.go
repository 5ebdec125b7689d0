package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo/sloconfig"
	"github.com/journeyslo/journeyslo/slo/slodash"
)

// wantDashboards returns slodash's dashboards of the config at path, as
// the command writes them for its service.
func wantDashboards(t *testing.T, path string, opts ...slodash.Option) []slodash.Dashboard {
	t.Helper()
	cfg, err := sloconfig.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := slodash.Generate(cfg.Objectives(), append(opts, slodash.WithService(cfg.Service))...)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestDashboardsToStdout(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "shop.yaml", shopYAML)
	res := runCmd(t, "dashboards", "-label", "cluster=eu1", path)
	res.wantStatus(t, exitOK)
	var got []json.RawMessage
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%.300s", err, res.stdout)
	}
	want := wantDashboards(t, path, slodash.WithLabels(map[string]string{"cluster": "eu1"}))
	if len(got) != len(want) {
		t.Fatalf("%d dashboards on stdout, want %d", len(got), len(want))
	}
	for i, d := range want {
		b, err := d.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		var w, g bytes.Buffer
		if err := json.Compact(&w, b); err != nil {
			t.Fatal(err)
		}
		if err := json.Compact(&g, got[i]); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(w.String(), g.String()); diff != "" {
			t.Errorf("dashboard %d differs from slodash's (-want +got):\n%s", i, diff)
		}
	}
}

func TestDashboardsToDirectory(t *testing.T) {
	dir := t.TempDir()
	shop := writeFile(t, dir, "shop.yaml", shopYAML)
	search := writeFile(t, dir, "search.json", `{"service": "search", "journeys": [{"name": "search", "objectives": [{"target": "99.5%"}]}]}`)
	out := filepath.Join(dir, "dashboards")
	res := runCmd(t, "dashboards", "-o", out, shop, search)
	res.wantStatus(t, exitOK)
	if res.stdout != "" || res.stderr != "" {
		t.Errorf("journeyslo dashboards -o: stdout %q, stderr %q; want nothing", res.stdout, res.stderr)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	var want []string
	for _, in := range []string{shop, search} {
		cfg, err := sloconfig.Load(in)
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range wantDashboards(t, in) {
			name := cfg.Service + ".json"
			if i > 0 {
				o := cfg.Objectives()[i-1].WithDefaults()
				name = cfg.Service + "." + o.Journey + "." + o.Name + ".json"
			}
			want = append(want, name)
			b, err := d.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(out, name))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(b), string(got)); diff != "" {
				t.Errorf("%s differs from slodash's dashboard (-want +got):\n%s", name, diff)
			}
		}
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("the directory holds (-want +got):\n%s", diff)
	}
}

func TestDashboardsUsage(t *testing.T) {
	dir := t.TempDir()
	shop := writeFile(t, dir, "shop.yaml", shopYAML)
	search := writeFile(t, dir, "search.json", `{"service": "search", "journeys": [{"name": "search", "objectives": [{"target": "99.5%"}]}]}`)
	for _, tc := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"dashboards"}, exitUsage, "journeyslo dashboards: no FILE given"},
		{[]string{"dashboards", shop, search}, exitUsage, "journeyslo dashboards: 2 services given without -o"},
		{[]string{"dashboards", "-label", "__x=1", shop}, exitUsage, "journeyslo dashboards: WithLabels: "},
		{[]string{"dashboards", filepath.Join(dir, "missing.yaml")}, exitInvalid, "missing.yaml"},
	} {
		res := runCmd(t, tc.args...)
		res.wantStatus(t, tc.status)
		if !strings.Contains(res.stderr, tc.want) || res.stdout != "" {
			t.Errorf("journeyslo %s: stdout %q, stderr %q; want nothing and a stderr with %q", strings.Join(tc.args[1:], " "), res.stdout, res.stderr, tc.want)
		}
	}
}

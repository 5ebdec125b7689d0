// Package grafana_test loads the dashboards of slo/slodash into the
// Grafana Foundation SDK's dashboard types, strictly, with the types of
// every panel plugin and of Prometheus's queries registered.
package grafana_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slodash"
)

func objectives() []slo.Objective {
	return []slo.Objective{
		{Journey: "checkout", Target: 0.999, Labels: map[string]string{"tier": "1"}},
		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond, GroupBy: []string{"cluster", "region"}},
		{Journey: "search", Target: 0.995, Period: 7 * 24 * time.Hour, Source: &slo.Source{
			Bad: `http_requests_total{handler="/search",code=~"5.."}`, Total: `http_requests_total{handler="/search"}`}},
		{Journey: "login", Name: "guarded", Target: 0.98, Period: 90 * 24 * time.Hour, Policy: burnrate.Policy{Rules: []burnrate.Rule{
			{Long: 90 * time.Minute, Short: 90 * time.Minute, Factor: 1.5, Severity: burnrate.SeverityTicket},
		}}},
	}
}

// TestStrict decodes every dashboard with the SDK's strict decoder, which
// fails on an unknown field, a field of the wrong type or a missing
// required one, in the dashboard and in each panel's options, field
// config and queries, and then checks it with the SDK's Validate.
func TestStrict(t *testing.T) {
	plugins.RegisterDefaultPlugins()
	ds, err := slodash.Generate(objectives(), slodash.WithService("shop"), slodash.WithLabels(map[string]string{"team": "shop"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1+len(objectives()) {
		t.Fatalf("%d dashboards, want the overview and one per objective", len(ds))
	}
	for _, d := range ds {
		b, err := d.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		var got dashboard.Dashboard
		if err := failure(got.UnmarshalJSONStrict(b)); err != nil {
			t.Errorf("%s: the SDK's strict decoder refuses it: %v", d.Title, err)
			continue
		}
		if err := failure(got.Validate()); err != nil {
			t.Errorf("%s: the SDK's Validate: %v", d.Title, err)
		}
		if got.Uid == nil || *got.Uid != d.UID || got.Title == nil || *got.Title != d.Title {
			t.Errorf("%s: read back uid %v title %v", d.Title, got.Uid, got.Title)
		}
		if len(got.Panels) != len(d.Panels) {
			t.Fatalf("%s: read back %d panels, want %d", d.Title, len(got.Panels), len(d.Panels))
		}
		// The SDK's strict decoders check a panel's options, field config
		// and queries with the plugins' types but then drop them (they take
		// their empty list of errors for an error), so each is decoded
		// again here into the plugin's type, strictly, to look at it.
		var raw struct {
			Panels []struct {
				Type        string
				Options     json.RawMessage
				FieldConfig struct {
					Defaults struct{ Custom json.RawMessage }
				}
				Targets []json.RawMessage
			}
		}
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		for i, p := range raw.Panels {
			title := d.Panels[i].Title
			var options, custom interface{ UnmarshalJSONStrict([]byte) error }
			switch p.Type {
			case "stat":
				options = &stat.Options{}
			case "table":
				options, custom = &table.Options{}, &table.FieldConfig{}
			case "timeseries":
				options, custom = &timeseries.Options{}, &timeseries.FieldConfig{}
			default:
				t.Fatalf("%s: panel %q of type %q, which this test does not know", d.Title, title, p.Type)
			}
			if err := failure(options.UnmarshalJSONStrict(p.Options)); err != nil {
				t.Errorf("%s: panel %q: options: %v", d.Title, title, err)
			}
			if custom != nil && p.FieldConfig.Defaults.Custom != nil {
				if err := failure(custom.UnmarshalJSONStrict(p.FieldConfig.Defaults.Custom)); err != nil {
					t.Errorf("%s: panel %q: field config: %v", d.Title, title, err)
				}
			}
			if len(p.Targets) != len(d.Panels[i].Targets) {
				t.Errorf("%s: panel %q: %d queries read back, want %d", d.Title, title, len(p.Targets), len(d.Panels[i].Targets))
			}
			for j, rq := range p.Targets {
				var q prometheus.Dataquery
				if err := failure(q.UnmarshalJSONStrict(rq)); err != nil {
					t.Errorf("%s: panel %q: query %d: %v", d.Title, title, j, err)
					continue
				}
				if q.Expr != d.Panels[i].Targets[j].Expr || strings.TrimSpace(q.Expr) == "" || q.RefId == nil || *q.RefId != d.Panels[i].Targets[j].RefID {
					t.Errorf("%s: panel %q: query %d read back as %+v", d.Title, title, j, q)
				}
			}
		}
	}
}

// TestStrictRefuses checks that the strict decoding above can fail: a
// field the stat panel's options do not have is refused.
func TestStrictRefuses(t *testing.T) {
	plugins.RegisterDefaultPlugins()
	ds, err := slodash.Generate(objectives()[:1])
	if err != nil {
		t.Fatal(err)
	}
	page := ds[1]
	page.Panels[0].Options["sparkline"] = true
	b, err := page.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var got dashboard.Dashboard
	if err := failure(got.UnmarshalJSONStrict(b)); err == nil || !strings.Contains(err.Error(), "sparkline") {
		t.Errorf("a stat panel with an option it lacks: the strict decoder says %v, want a refusal of sparkline", err)
	}
}

// failure returns err unless it is the SDK's empty list of errors, which
// its decoder returns, as an error, when there is none.
func failure(err error) error {
	if errs, ok := err.(cog.BuildErrors); ok && len(errs) == 0 {
		return nil
	}
	return err
}

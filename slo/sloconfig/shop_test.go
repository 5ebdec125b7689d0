package sloconfig_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// quickstart is the objectives examples/quickstart/main.go declares in Go.
var quickstart = []slo.Objective{
	{Journey: "checkout", Target: 0.999},
	{Journey: "login", Target: 0.995},
	{Journey: "search", Target: 0.995},
	{Journey: "search", Target: 0.95, Latency: 300 * time.Millisecond},
}

// examples/config/shop.yaml is the quickstart's objectives as a file: the
// registries both make hold the same objectives, defaults filled in, and
// the file adds each one's runbook and team label, and the routes.
func TestShopFile(t *testing.T) {
	c, err := sloconfig.Load("../../examples/config/shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	objs := c.Objectives()
	if diff := cmp.Diff(quickstart, objs, cmpopts.IgnoreFields(slo.Objective{}, "Runbook", "Labels", "Period")); diff != "" {
		t.Errorf("objectives (-quickstart +file):\n%s", diff)
	}
	fromFile, fromGo := registry(t, objs).Objectives(), registry(t, quickstart).Objectives()
	if diff := cmp.Diff(fromGo, fromFile, cmpopts.IgnoreFields(slo.Objective{}, "Runbook", "Labels")); diff != "" {
		t.Errorf("registry objectives (-quickstart +file):\n%s", diff)
	}
	type extra struct{ runbook, team string }
	var got []extra
	for _, o := range fromFile {
		got = append(got, extra{o.Runbook, o.Labels["team"]})
	}
	want := []extra{
		{"https://runbooks.example.com/shop/checkout", "payments"},
		{"https://runbooks.example.com/shop/login", "identity"},
		{"https://runbooks.example.com/shop/search", "discovery"},
		{"https://runbooks.example.com/shop/search-latency", "discovery"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(extra{})); diff != "" {
		t.Errorf("runbooks and teams (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"POST /checkout": "checkout", "POST /login": "login", "GET /search": "search"}, c.Patterns()); diff != "" {
		t.Errorf("Patterns (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"/shop.v1.Shop/PlaceOrder": "checkout", "/shop.v1.Shop/Search": "search"}, c.Methods()); diff != "" {
		t.Errorf("Methods (-want +got):\n%s", diff)
	}
}

func registry(t *testing.T, objs []slo.Objective) *slo.Registry {
	t.Helper()
	reg, err := slo.New(objs, slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return reg
}

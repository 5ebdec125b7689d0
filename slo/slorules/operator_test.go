package slorules_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// dnsSubdomain is Kubernetes's rule for an object's name.
var dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// TestObjectMeta checks the PrometheusRule objects' metadata: the name of
// each is NAME.JOURNEY.OBJECTIVE, valid for Kubernetes whatever the
// journey's and objective's names, and apart for names that read alike.
func TestObjectMeta(t *testing.T) {
	objs := []slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "Checkout", Target: 0.999},
		{Journey: "check_out", Name: "p99.latency-", Target: 0.99, Latency: 1e8},
		{Journey: "check.out", Name: "p99.latency-", Target: 0.99, Latency: 1e8},
	}
	f, err := slorules.Generate(objs, slorules.WithObjectMeta(slorules.ObjectMeta{
		Name: "shop", Namespace: "monitoring", Labels: map[string]string{"release": "kube-prometheus-stack", "example.com/team": "payments"},
	}))
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Marshal(slorules.PrometheusOperator)
	if err != nil {
		t.Fatal(err)
	}
	objects, _ := decodeObjects(t, b)
	var names []string
	for _, o := range objects {
		meta := o["metadata"].(map[string]any)
		name := meta["name"].(string)
		names = append(names, name)
		if !dnsSubdomain.MatchString(name) || len(name) > 253 {
			t.Errorf("object name %q is not a DNS subdomain", name)
		}
		want := map[string]any{"name": name, "namespace": "monitoring", "labels": map[string]any{
			"app.kubernetes.io/managed-by": "journeyslo", "release": "kube-prometheus-stack", "example.com/team": "payments"}}
		if diff := cmp.Diff(want, meta); diff != "" {
			t.Errorf("%s: metadata (-want +got):\n%s", name, diff)
		}
		if n := len(o["spec"].(map[string]any)["groups"].([]any)); n != 2 {
			t.Errorf("%s holds %d groups, want its objective's 2", name, n)
		}
	}
	want := []string{
		"shop.checkout.availability",
		"shop.checkout-4a06ab59.availability",
		"shop.check-out-6dfd238c.p99-latency--9aedd414",
		"shop.check-out-dfd7723d.p99-latency--9aedd414",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("object names (-want +got):\n%s", diff)
	}
}

func TestWithObjectMetaRefuses(t *testing.T) {
	objs := []slo.Objective{{Journey: "checkout", Target: 0.999}}
	for _, tc := range []struct {
		meta slorules.ObjectMeta
		want string
	}{
		{slorules.ObjectMeta{Name: "Shop"}, `Name "Shop" is not a DNS label`},
		{slorules.ObjectMeta{Name: "shop.eu"}, `Name "shop.eu" is not a DNS label`},
		{slorules.ObjectMeta{Namespace: "-monitoring"}, `Namespace "-monitoring" is not a Kubernetes namespace`},
		{slorules.ObjectMeta{Labels: map[string]string{"team/": "x"}}, `label key "team/" is not a Kubernetes label key`},
		{slorules.ObjectMeta{Labels: map[string]string{"Example.com/team": "x"}}, `label key "Example.com/team" is not a Kubernetes label key`},
		{slorules.ObjectMeta{Labels: map[string]string{"team": "a b"}}, `label team: value "a b" is not a Kubernetes label value`},
		{slorules.ObjectMeta{Labels: map[string]string{"team": strings.Repeat("a", 64)}}, `label team: value "aaaa`},
		{slorules.ObjectMeta{Labels: map[string]string{"app.kubernetes.io/managed-by": "me"}}, `label app.kubernetes.io/managed-by is the generator's own`},
	} {
		_, err := slorules.Generate(objs, slorules.WithObjectMeta(tc.meta))
		if !errors.Is(err, slo.ErrInvalid) || !strings.Contains(err.Error(), "slorules: WithObjectMeta: "+tc.want) {
			t.Errorf("WithObjectMeta(%+v) = %v, want slo.ErrInvalid saying %q", tc.meta, err, tc.want)
		}
	}
	if _, err := slorules.Generate(objs, slorules.WithObjectMeta(slorules.ObjectMeta{Labels: map[string]string{"empty": ""}})); err != nil {
		t.Errorf("an empty label value: %v, want none (Kubernetes allows it)", err)
	}
}

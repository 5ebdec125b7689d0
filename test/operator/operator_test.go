// Package operator_test loads the PrometheusRule objects of
// slorules.PrometheusOperator into prometheus-operator's own Go types,
// strictly, and runs promtool on the groups they hold.
package operator_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"sigs.k8s.io/yaml"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

func objectives() []slo.Objective {
	return []slo.Objective{
		{Journey: "checkout", Target: 0.999, Runbook: "https://runbooks.example.com/checkout", Labels: map[string]string{"tier": "1"}},
		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
		{Journey: "Search_EU", Target: 0.995, Period: 28 * 24 * time.Hour},
		{Journey: "login", Name: "guarded", Target: 0.98, Period: 7 * 24 * time.Hour, Policy: burnrate.Policy{MinEvents: 20, Rules: []burnrate.Rule{
			{Long: 90 * time.Minute, Short: 7*time.Minute + 30*time.Second, Factor: 1.5, Severity: burnrate.SeverityTicket},
		}}},
	}
}

func options() []slorules.Option {
	return []slorules.Option{
		slorules.WithLabels(map[string]string{"team": "shop"}),
		slorules.WithSelector(`{job="shop"}`),
		slorules.WithInterval(30 * time.Second),
		slorules.WithFor(burnrate.SeverityTicket, 15*time.Minute),
		slorules.WithObjectMeta(slorules.ObjectMeta{Name: "shop", Namespace: "monitoring",
			Labels: map[string]string{"release": "kube-prometheus-stack"}}),
	}
}

// durationPattern is the CRD's pattern of a monitoringv1.Duration, which
// the API server checks and the Go type does not.
var durationPattern = regexp.MustCompile(`^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`)

// dnsSubdomain is Kubernetes's rule for an object's name.
var dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// ruleFile is a Prometheus rule file in the operator's types: what the
// operator writes into the ConfigMap a Prometheus loads.
type ruleFile struct {
	Groups []monitoringv1.RuleGroup `json:"groups"`
}

// TestPrometheusRule decodes every object of the file strictly (an unknown
// or duplicate field fails) into monitoringv1.PrometheusRule, checks its
// type, metadata and durations, checks that the groups of the objects are
// the Prometheus flavour's, and runs promtool check rules on them.
func TestPrometheusRule(t *testing.T) {
	var buf bytes.Buffer
	if err := slorules.Write(&buf, slorules.PrometheusOperator, objectives(), options()...); err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(strings.TrimPrefix(buf.String(), slorules.Header), "\n---\n")
	if len(docs) != len(objectives()) {
		t.Fatalf("%d objects, want one per objective, %d", len(docs), len(objectives()))
	}
	var got ruleFile
	var names []string
	for i, doc := range docs {
		var pr monitoringv1.PrometheusRule
		if err := yaml.UnmarshalStrict([]byte(doc), &pr); err != nil {
			t.Fatalf("object %d does not decode strictly into monitoringv1.PrometheusRule: %v\n%.300s", i, err, doc)
		}
		if pr.APIVersion != "monitoring.coreos.com/v1" || pr.Kind != monitoringv1.PrometheusRuleKind {
			t.Errorf("object %d: apiVersion %q, kind %q; want monitoring.coreos.com/v1 %s", i, pr.APIVersion, pr.Kind, monitoringv1.PrometheusRuleKind)
		}
		names = append(names, pr.Name)
		if !dnsSubdomain.MatchString(pr.Name) || len(pr.Name) > 253 {
			t.Errorf("object %d: name %q is not a DNS subdomain", i, pr.Name)
		}
		if pr.Namespace != "monitoring" {
			t.Errorf("%s: namespace %q, want monitoring", pr.Name, pr.Namespace)
		}
		wantLabels := map[string]string{"release": "kube-prometheus-stack", "app.kubernetes.io/managed-by": "journeyslo"}
		if !reflect.DeepEqual(pr.Labels, wantLabels) {
			t.Errorf("%s: labels %v, want %v", pr.Name, pr.Labels, wantLabels)
		}
		if len(pr.Spec.Groups) != 2 {
			t.Errorf("%s: %d groups, want its objective's 2", pr.Name, len(pr.Spec.Groups))
		}
		for _, g := range pr.Spec.Groups {
			if g.Interval == nil || !durationPattern.MatchString(string(*g.Interval)) {
				t.Errorf("%s: group %s: interval %v does not match the CRD's pattern", pr.Name, g.Name, g.Interval)
			}
			for _, r := range g.Rules {
				if r.For != nil && !durationPattern.MatchString(string(*r.For)) {
					t.Errorf("%s: alert %s: for %v does not match the CRD's pattern", pr.Name, r.Alert, *r.For)
				}
				if r.Expr.StrVal == "" {
					t.Errorf("%s: group %s: a rule without an expression", pr.Name, g.Name)
				}
			}
		}
		got.Groups = append(got.Groups, pr.Spec.Groups...)
	}
	wantNames := []string{"shop.checkout.availability", "shop.checkout.latency", "shop.search-eu-6acff850.availability", "shop.login.guarded"}
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("object names %q, want %q", names, wantNames)
	}

	// The same groups as the Prometheus flavour, read into the same types.
	f, err := slorules.Generate(objectives(), options()...)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := f.Marshal(slorules.Prometheus)
	if err != nil {
		t.Fatal(err)
	}
	var want ruleFile
	if err := yaml.UnmarshalStrict(plain, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the objects' groups differ from the Prometheus flavour's")
	}

	// promtool on the groups the objects hold.
	out, err := yaml.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rules.yml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := promtest.RunPromtool(t, "check", "rules", "--lint=all", "--lint-fatal", path)
	rules := 0
	for _, g := range got.Groups {
		rules += len(g.Rules)
	}
	if err != nil || !strings.Contains(res, "SUCCESS: "+strconv.Itoa(rules)+" rules found") {
		t.Errorf("promtool check rules on the objects' groups: %v\n%s", err, res)
	}
}

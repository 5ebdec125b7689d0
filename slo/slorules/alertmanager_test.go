package slorules_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

func alertmanagerBinary(t *testing.T, name string) string {
	t.Helper()
	return promtest.Alertmanager(t, name)
}

// alertmanagerConfig is a whole alertmanager.yml around the generated
// inhibit rules: alerts grouped by objective, pages and tickets to their
// own receivers.
func alertmanagerConfig(t *testing.T, f slorules.RuleFile) []byte {
	t.Helper()
	inhibit, err := f.InhibitRules()
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(`route:
  receiver: tickets
  group_by: [alertname, journey, objective]
  routes:
    - matchers: ['severity="page"']
      receiver: pager
receivers:
  - name: pager
  - name: tickets
`), inhibit...)
}

// TestAmtoolCheckConfig checks the inhibit rules as Alertmanager's own
// tool reads them.
func TestAmtoolCheckConfig(t *testing.T) {
	amtool := alertmanagerBinary(t, "amtool")
	path := filepath.Join(t.TempDir(), "alertmanager.yml")
	write(t, path, alertmanagerConfig(t, shop(t)))
	out, err := exec.Command(amtool, "check-config", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "SUCCESS") || !strings.Contains(string(out), "1 inhibit rules") {
		t.Fatalf("amtool check-config: %v\n%s", err, out)
	}
}

// TestAlertmanagerInhibits sends a real Alertmanager a page and tickets, as
// the generated alerts carry their labels, and reads which it silenced:
// the ticket of the paging objective, and no other; not that of another
// cluster (a file-wide label) or of another team (an objective's label,
// as another service's file with the same journey would give it).
func TestAlertmanagerInhibits(t *testing.T) {
	bin := alertmanagerBinary(t, "prometheus-alertmanager")
	f, err := slorules.Generate([]slo.Objective{
		{Journey: "checkout", Target: 0.999, Labels: map[string]string{"team": "payments"}},
		{Journey: "search", Target: 0.99, Labels: map[string]string{"team": "discovery"}},
	},
		slorules.WithLabels(map[string]string{"cluster": "eu-1"}))
	if err != nil {
		t.Fatal(err)
	}
	base := startAlertmanager(t, bin, f)

	alert := func(journey, severity, rule, cluster, team string) map[string]any {
		return map[string]any{
			"labels": map[string]string{
				"alertname": slorules.AlertName, "journey": journey, "objective": "availability",
				"severity": severity, "rule": rule, "cluster": cluster, "team": team,
			},
			"startsAt": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339),
		}
	}
	postAlerts(t, base, []map[string]any{
		alert("checkout", "page", "page-1h-5m", "eu-1", "payments"),
		alert("checkout", "ticket", "ticket-1d-2h", "eu-1", "payments"), // silenced by the page
		alert("checkout", "ticket", "ticket-1d-2h", "us-1", "payments"), // another cluster: not silenced
		alert("checkout", "ticket", "ticket-1d-2h", "eu-1", "web"),      // another team: not silenced
		alert("search", "ticket", "ticket-3d-6h", "eu-1", "discovery"),  // another journey: not silenced
	})
	waitStates(t, base, []string{
		"checkout page eu-1 payments: active",
		"checkout ticket eu-1 payments: suppressed",
		"checkout ticket eu-1 web: active",
		"checkout ticket us-1 payments: active",
		"search ticket eu-1 discovery: active",
	})
}

// TestAlertmanagerInhibitsGroupsAndNames: an objective judged per cluster,
// its alerts named SLOBurn with severities critical and warning, its page
// alone labelled pager: the page silences its own cluster's warning, not
// another cluster's, and the default alerts of another objective keep
// their rule.
func TestAlertmanagerInhibitsGroupsAndNames(t *testing.T) {
	bin := alertmanagerBinary(t, "prometheus-alertmanager")
	f, err := slorules.Generate([]slo.Objective{
		{Journey: "checkout", Target: 0.999, GroupBy: []string{"cluster"}, Alerting: &slo.Alerting{
			Name:   "SLOBurn",
			Page:   slo.AlertSeverity{Labels: map[string]string{"severity": "critical", "pager": "shop"}},
			Ticket: slo.AlertSeverity{Labels: map[string]string{"severity": "warning"}},
		}},
		{Journey: "search", Target: 0.99},
	})
	if err != nil {
		t.Fatal(err)
	}
	inhibit, err := f.InhibitRules()
	if err != nil {
		t.Fatal(err)
	}
	const wantInhibit = slorules.Header + `inhibit_rules:
  - source_matchers:
      - alertname="JourneyErrorBudgetBurn"
      - severity="page"
    target_matchers:
      - alertname="JourneyErrorBudgetBurn"
      - severity="ticket"
    equal:
      - journey
      - objective
      - cluster
  - source_matchers:
      - alertname="SLOBurn"
      - severity="critical"
    target_matchers:
      - alertname="SLOBurn"
      - severity="warning"
    equal:
      - journey
      - objective
      - cluster
`
	if string(inhibit) != wantInhibit {
		t.Errorf("InhibitRules:\n%s\nwant:\n%s", inhibit, wantInhibit)
	}
	base := startAlertmanager(t, bin, f)
	alert := func(name, journey, severity, cluster string, extra ...string) map[string]any {
		labels := map[string]string{"alertname": name, "journey": journey, "objective": "availability", "severity": severity, "cluster": cluster}
		for i := 0; i+1 < len(extra); i += 2 {
			labels[extra[i]] = extra[i+1]
		}
		return map[string]any{"labels": labels, "startsAt": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)}
	}
	postAlerts(t, base, []map[string]any{
		alert("SLOBurn", "checkout", "critical", "eu", "pager", "shop", "rule", "page-1h-5m"),
		alert("SLOBurn", "checkout", "warning", "eu", "rule", "ticket-1d-2h"), // silenced by eu's page
		alert("SLOBurn", "checkout", "warning", "us", "rule", "ticket-1d-2h"), // another cluster: not silenced
		alert(slorules.AlertName, "search", "page", "", "rule", "page-1h-5m"),
		alert(slorules.AlertName, "search", "ticket", "", "rule", "ticket-1d-2h"), // silenced by search's page
	})
	waitStates(t, base, []string{
		"checkout critical eu : active",
		"checkout warning eu : suppressed",
		"checkout warning us : active",
		"search page  : active",
		"search ticket  : suppressed",
	})
}

// startAlertmanager runs Alertmanager with the file's inhibit rules and
// returns the base URL of its API.
func startAlertmanager(t *testing.T, bin string, f slorules.RuleFile) string {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "alertmanager.yml")
	write(t, conf, alertmanagerConfig(t, f))
	addr := freeAddr(t)
	var logs bytes.Buffer
	cmd := exec.Command(bin, "--config.file="+conf, "--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--cluster.listen-address=", "--log.level=warn")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		if t.Failed() {
			t.Logf("alertmanager logs:\n%s", logs.String())
		}
	})
	base := "http://" + addr + "/api/v2/"
	waitReady(t, "http://"+addr+"/-/ready", exited)
	return base
}

// postAlerts sends alerts to Alertmanager's API.
func postAlerts(t *testing.T, base string, alerts []map[string]any) {
	t.Helper()
	body, _ := json.Marshal(alerts)
	resp, err := http.Post(base+"alerts", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST alerts: %s", resp.Status)
	}

}

// waitStates waits for Alertmanager's alerts to be in the states want
// ("journey severity cluster team: state", sorted).
func waitStates(t *testing.T, base string, want []string) {
	t.Helper()
	var got []string
	// The inhibitor learns of the page asynchronously; poll briefly.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		got = alertStates(t, base)
		if slices.Equal(got, want) {
			return
		}
	}
	t.Errorf("alert states:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
}

func alertStates(t *testing.T, base string) []string {
	t.Helper()
	resp, err := http.Get(base + "alerts")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var alerts []struct {
		Labels map[string]string `json:"labels"`
		Status struct {
			State string `json:"state"`
		} `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&alerts); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range alerts {
		out = append(out, fmt.Sprintf("%s %s %s %s: %s", a.Labels["journey"], a.Labels["severity"], a.Labels["cluster"], a.Labels["team"], a.Status.State))
	}
	slices.Sort(out)
	return out
}

func waitReady(t *testing.T, url string, exited chan error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("alertmanager exited before it was ready: %v", err)
		case <-ctx.Done():
			t.Fatal("alertmanager not ready after a minute")
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

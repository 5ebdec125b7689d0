package promtest_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"

	"github.com/journeyslo/journeyslo/internal/promtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestBackfillAndQuery backfills a counter that grows by 3 every 15 s for an
// hour and reads it back through the real engine.
func TestBackfillAndQuery(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "demo_events_total", Help: "Events."}, []string{"outcome"})
	reg.MustRegister(c)
	c.WithLabelValues("good")
	c.WithLabelValues("bad")
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var s promtest.Samples
	for i := 0; i <= 240; i++ {
		if i > 0 {
			c.WithLabelValues("good").Add(2)
			c.WithLabelValues("bad").Add(1)
		}
		if err := s.Gather(reg, t0.Add(time.Duration(i)*15*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := s.Len(), 2*241; got != want {
		t.Fatalf("Len() = %d, want %d", got, want)
	}
	om := string(s.Bytes())
	if !strings.HasPrefix(om, "# TYPE demo_events counter\ndemo_events_total{outcome=\"bad\"} 0 1772323200.000\n") || !strings.HasSuffix(om, "# EOF\n") {
		t.Fatalf("OpenMetrics text starts or ends wrong:\n%.300s", om)
	}

	srv := promtest.Start(t, promtest.Backfill(t, s.Bytes()), promtest.Config{})
	end := t0.Add(time.Hour)
	// A range of 30m1ms ending on a sample holds 121 samples spanning
	// exactly 30 minutes, so increase extrapolates by at most 1 ms.
	vec := srv.Query(t, `sum(increase(demo_events_total{outcome="bad"}[30m1ms]))`, end)
	if len(vec) != 1 {
		t.Fatalf("got %v, want one sample", vec)
	}
	// 120 increments of 1 over 30 minutes.
	if got := float64(vec[0].Value); math.Abs(got-120) > 120*1e-6 {
		t.Fatalf("increase over 30m = %v, want 120", got)
	}
	vec = srv.Query(t, `demo_events_total{outcome="good"}`, end)
	if len(vec) != 1 || float64(vec[0].Value) != 480 {
		t.Fatalf("good at end = %v, want 480", vec)
	}
}

// TestPromtoolChecksRules runs promtool on a good and a bad rule file.
func TestPromtoolChecksRules(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yml")
	bad := filepath.Join(dir, "bad.yml")
	rules := "groups:\n- name: g\n  rules:\n  - record: job:demo_events:rate5m\n    expr: sum by (job) (rate(demo_events_total[5m]))\n"
	if err := os.WriteFile(good, []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(strings.Replace(rules, "[5m]))", "[5m])", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := promtest.RunPromtool(t, "check", "rules", good); err != nil {
		t.Fatalf("check rules on a valid file: %v\n%s", err, out)
	}
	out, err := promtest.RunPromtool(t, "check", "rules", bad)
	if err == nil || !strings.Contains(out, "unclosed left parenthesis") {
		t.Fatalf("check rules on an invalid file: err %v, output\n%s\nwant a failure naming the unclosed parenthesis", err, out)
	}
}

package promtest_test

import (
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/internal/promtest"
)

// TestEvaluateRules evaluates a chain of two recording rules and an alert
// with for: over a counter that grows by 1 a second, then 3 a second for
// ten minutes, then 1 again, sampled every 15 s.
func TestEvaluateRules(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var s promtest.Samples
	v := 0.0
	for i := 0; i <= 30*4; i++ {
		at := t0.Add(time.Duration(i) * 15 * time.Second)
		if i > 0 {
			if i > 10*4 && i <= 20*4 {
				v += 45
			} else {
				v += 15
			}
		}
		s.Add("counter", "demo_events_total", map[string]string{"job": "demo"}, at, v)
	}
	rules := []promtest.Rule{
		{Alert: "Fast", Expr: "job:demo_events:rate1m_doubled > 4", For: 2 * time.Minute, Labels: map[string]string{"severity": "page"}},
		{Record: "job:demo_events:rate1m_doubled", Expr: "2 * job:demo_events:rate1m"},
		{Record: "job:demo_events:rate1m", Expr: "sum by (job) (rate(demo_events_total[1m]))", Labels: map[string]string{"window": "1m"}},
	}
	start, end := t0.Add(time.Minute), t0.Add(30*time.Minute)
	ev := promtest.EvaluateRules(t, &s, rules, start, end, time.Minute)
	if ev.Servers != 3 {
		t.Errorf("started %d servers, want 3: one per level of recording rules and the last", ev.Servers)
	}
	// In 2.42 a range holds the samples at both its ends, so a rate over a
	// minute of 15-second samples is exact.
	for _, c := range []struct {
		minute int
		want   float64
	}{{5, 2}, {10, 2}, {11, 6}, {20, 6}, {21, 2}} {
		vec := ev.Server.Query(t, `job:demo_events:rate1m_doubled{job="demo",window="1m"}`, t0.Add(time.Duration(c.minute)*time.Minute))
		if len(vec) != 1 || float64(vec[0].Value) != c.want {
			t.Errorf("minute %d: doubled rate %v, want %v", c.minute, vec, c.want)
		}
	}
	if len(ev.Alerts) != 1 {
		t.Fatalf("alerts %v, want one", ev.Alerts)
	}
	a := ev.Alerts[0]
	if got, want := a.Labels.String(), `{alertname="Fast", job="demo", severity="page", window="1m"}`; got != want {
		t.Errorf("alert labels %s, want %s", got, want)
	}
	// The expression holds from minute 11 to 20; with for: 2m the alert
	// fires from minute 13.
	var want []time.Time
	for m := 13; m <= 20; m++ {
		want = append(want, t0.Add(time.Duration(m)*time.Minute))
	}
	if len(a.Firing) != len(want) {
		t.Fatalf("fires at %v, want %v", a.Firing, want)
	}
	for i := range want {
		if !a.Firing[i].Equal(want[i]) {
			t.Fatalf("fires at %v, want %v", a.Firing, want)
		}
	}
}

// TestEvaluateAlertsAlone evaluates an alert over the samples alone, with
// one server.
func TestEvaluateAlertsAlone(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var s promtest.Samples
	for i := 0; i <= 20*4; i++ {
		v := float64(15 * i)
		if i > 10*4 {
			v += float64(30 * (i - 10*4)) // 3 a second from minute 10
		}
		s.Add("counter", "demo_events_total", nil, t0.Add(time.Duration(i)*15*time.Second), v)
	}
	ev := promtest.EvaluateRules(t, &s, []promtest.Rule{{Alert: "Busy", Expr: "rate(demo_events_total[1m]) > 2"}},
		t0.Add(time.Minute), t0.Add(20*time.Minute), time.Minute)
	if ev.Servers != 1 {
		t.Errorf("started %d servers, want 1: there is no recording rule", ev.Servers)
	}
	if len(ev.Alerts) != 1 || len(ev.Alerts[0].Firing) != 10 ||
		!ev.Alerts[0].Firing[0].Equal(t0.Add(11*time.Minute)) || !ev.Alerts[0].Firing[9].Equal(t0.Add(20*time.Minute)) {
		t.Fatalf("alerts %v, want Busy firing every minute from minute 11 to 20", ev.Alerts)
	}
}

// TestQueryRangeAll asks for more steps than one range query may return.
func TestQueryRangeAll(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var s promtest.Samples
	const n = 12000
	for i := 0; i <= n; i++ {
		s.Add("gauge", "demo_value", nil, t0.Add(time.Duration(i)*time.Second), float64(i))
	}
	srv := promtest.Start(t, promtest.Backfill(t, s.Bytes()), promtest.Config{})
	m := srv.QueryRangeAll(t, "demo_value", t0, t0.Add(n*time.Second), time.Second)
	if len(m) != 1 || len(m[0].Values) != n+1 {
		t.Fatalf("got %d series, want one of %d points", len(m), n+1)
	}
	for i, p := range m[0].Values {
		if float64(p.Value) != float64(i) || !p.Timestamp.Time().Equal(t0.Add(time.Duration(i)*time.Second)) {
			t.Fatalf("point %d is %v at %v, want %d at %v", i, p.Value, p.Timestamp.Time().UTC(), i, t0.Add(time.Duration(i)*time.Second))
		}
	}
}

package slo_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/internal/fixture"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// The recent history holds, for each minute, the windows of the first
// evaluation in it, as Status reported them then, over the last 6 hours.
func TestRecent(t *testing.T) {
	fx := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.999})
	checkout := fixture.Journey(fx.Reg, "checkout")
	// New's own evaluation is the first sample, at start.
	want := []slo.RecentPoint{{Time: start, Windows: fx.Reg.Status()[0].Windows}}
	// Advances every 20 s for 7 hours, 330 events each, failing 30
	// minutes in the fifth hour: the samples are the evaluations on the
	// minute, each minute's first.
	now := start
	for i := 1; now.Before(start.Add(7 * time.Hour)); i++ {
		bad := uint64(0)
		if h := now.Sub(start); h >= 4*time.Hour && h < 4*time.Hour+30*time.Minute {
			bad = 33
		}
		checkout.Add(330-bad, bad)
		now = now.Add(20 * time.Second)
		if err := fx.Reg.Advance(now); err != nil {
			t.Fatal(err)
		}
		if now.Second() == 0 {
			want = append(want, slo.RecentPoint{Time: now, Windows: fx.Reg.Status()[0].Windows})
		}
	}
	got := fixture.Tracker(fx.Reg, "checkout", "availability").Recent()
	// 360 samples: the minutes (1h, 7h], the oldest at 1h01m.
	want = want[len(want)-360:]
	if want[0].Time != start.Add(time.Hour+time.Minute) {
		t.Fatalf("the test's oldest sample is at %v", want[0].Time)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recent history (-want +got):\n%s", diff)
	}
	// Some sample shows the incident: the 5m window at 10% errors, a
	// burn of 100.
	peak := 0.0
	for _, p := range got {
		peak = max(peak, p.Windows[0].Rate)
	}
	if peak != 100 {
		t.Errorf("peak 5m burn %v, want 100", peak)
	}

	// A gap of two hours without an advance: the samples older than 6
	// hours before the last evaluation are left out, the others kept.
	now = now.Add(2 * time.Hour)
	fx.Reg.Advance(now)
	got = fixture.Tracker(fx.Reg, "checkout", "availability").Recent()
	if n := len(got); n != 241 || got[0].Time != start.Add(3*time.Hour+time.Minute) || got[n-1].Time != now {
		t.Errorf("after a gap: %d samples from %v to %v; want 241 from %v to %v", n, got[0].Time, got[n-1].Time, start.Add(3*time.Hour+time.Minute), now)
	}
	// A second evaluation in the same minute, and one back in time, add
	// nothing.
	fx.Reg.Advance(now.Add(30 * time.Second))
	fx.Reg.Advance(now.Add(-time.Hour))
	if again := fixture.Tracker(fx.Reg, "checkout", "availability").Recent(); len(again) != len(got) {
		t.Errorf("after advances within the minute: %d samples, want %d", len(again), len(got))
	}
	if tr, ok := fx.Reg.Tracker("checkout", "latency"); ok || tr != nil {
		t.Error("a history for an objective checkout does not have")
	}
	if tr, ok := fx.Reg.Tracker("search", "availability"); ok || tr != nil {
		t.Error("a history for an undeclared journey")
	}
}

// A coarse policy's history samples each tick.
func TestRecentAtACoarseTick(t *testing.T) {
	// A 90-day period of ticket rules on days: the finest bucket is 15 m.
	rules := []burnrate.Rule{{Long: 10 * 24 * time.Hour, Short: 25 * time.Hour, Factor: 1, Severity: burnrate.SeverityTicket}}
	fx := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.99, Period: 90 * 24 * time.Hour, Policy: burnrate.Policy{Rules: rules}})
	if tick := fx.Reg.Tick(); tick != 15*time.Minute {
		t.Fatalf("tick %v, want 15m", tick)
	}
	for i := 1; i <= 30; i++ {
		fx.Reg.Advance(start.Add(time.Duration(i) * 15 * time.Minute))
	}
	got := fixture.Tracker(fx.Reg, "checkout", "availability").Recent()
	// Every 15 minutes over (1h30m, 7h30m]: 24 samples.
	if n := len(got); n != 24 || got[0].Time != start.Add(time.Hour+45*time.Minute) || len(got[0].Windows) != 2 {
		t.Errorf("%d samples from %v with %d windows; want 24 from %v with 2", n, got[0].Time, len(got[0].Windows), start.Add(time.Hour+45*time.Minute))
	}
}

func TestRecentPointEncoding(t *testing.T) {
	// 0.0144/0.001 at run time: 14.399999999999999.
	ratio, budget := 0.0144, 0.001
	p := slo.RecentPoint{Time: time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CET", 3600)),
		Windows: []burnrate.Burn{{Window: 5 * time.Minute, Good: 4928, Bad: 72, Rate: ratio / budget}, {Window: time.Hour, NoData: true}}}
	j, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"time":"2026-03-02T09:00:00Z","windows":[{"window":"5m","good":4928,"bad":72,"burnRate":14.4,"noData":false},` +
		`{"window":"1h","good":0,"bad":0,"burnRate":0,"noData":true}]}`
	if string(j) != want {
		t.Errorf("JSON\n%s\nwant\n%s", j, want)
	}
	var back slo.RecentPoint
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	p.Windows[0].Rate = 14.4
	if !back.Time.Equal(p.Time) || !cmp.Equal(back.Windows, p.Windows) {
		t.Errorf("read back %+v, want %+v", back, p)
	}
	if err := json.Unmarshal([]byte(`{"time":"10:00","windows":[]}`), &back); err == nil {
		t.Error("a time that is no instant read without error")
	}
}

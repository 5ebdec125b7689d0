package slo_test

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

// The recent history holds, for each minute, the burn rates of the first
// evaluation in it, as Status reported them then to three significant
// digits, over the last 6 hours.
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
	if len(got) != len(want) {
		t.Fatalf("%d samples, want %d", len(got), len(want))
	}
	burning := 0
	for i, p := range got {
		w := want[i]
		if !p.Time.Equal(w.Time) || len(p.Windows) != len(w.Windows) {
			t.Fatalf("sample %d at %v with %d windows, want %v with %d", i, p.Time, len(p.Windows), w.Time, len(w.Windows))
		}
		for k, b := range p.Windows {
			exact := w.Windows[k]
			if b.Window != exact.Window || b.NoData != exact.NoData || b.Good != 0 || b.Bad != 0 {
				t.Fatalf("sample %d at %v: window %+v, want %v with NoData %v and no counts", i, p.Time, b, exact.Window, exact.NoData)
			}
			// Three significant digits of the burn Status had: within half
			// a unit of the third digit, plus the code's 1 part in 2048.
			if b.Rate != threeDigits(b.Rate) || math.Abs(b.Rate-exact.Rate) > exact.Rate*(0.005+1.0/2048) || (exact.Rate == 0) != (b.Rate == 0) {
				t.Fatalf("sample %d at %v: %v burn %v, want %v to three significant digits", i, p.Time, b.Window, b.Rate, exact.Rate)
			}
			if b.Rate > 0 {
				burning++
			}
		}
	}
	if burning == 0 {
		t.Fatal("no sample burns: the incident is not in the history")
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
	for i := 1; i < len(got); i++ {
		if gap := got[i].Time.Sub(got[i-1].Time); gap != time.Minute && got[i].Time != now {
			t.Fatalf("samples %v and %v are %v apart, want a minute but across the gap", got[i-1].Time, got[i].Time, gap)
		}
	}
	// A second evaluation in the same minute, and one back in time, add
	// nothing.
	fx.Reg.Advance(now.Add(30 * time.Second))
	fx.Reg.Advance(now.Add(-time.Hour))
	if again := fixture.Tracker(fx.Reg, "checkout", "availability").Recent(); len(again) != len(got) {
		t.Errorf("after advances within the minute: %d samples, want %d", len(again), len(got))
	}
	// A gap longer than the history: the one sample after it.
	now = now.Add(9 * time.Hour)
	fx.Reg.Advance(now)
	if got := fixture.Tracker(fx.Reg, "checkout", "availability").Recent(); len(got) != 1 || got[0].Time != now {
		t.Errorf("after a gap of 9h: %d samples, want the one at %v", len(got), now)
	}
	if tr, ok := fx.Reg.Tracker("checkout", "latency"); ok || tr != nil {
		t.Error("a history for an objective checkout does not have")
	}
	if tr, ok := fx.Reg.Tracker("search", "availability"); ok || tr != nil {
		t.Error("a history for an undeclared journey")
	}
}

// A sample's time is the start of its minute, whenever in the minute the
// evaluation ran.
func TestRecentTimeIsTheMinute(t *testing.T) {
	fx := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.999})
	fx.Reg.Advance(start.Add(time.Minute + 2*time.Second + 345*time.Millisecond))
	fx.Reg.Advance(start.Add(2*time.Minute + 59*time.Second))
	got := fixture.Tracker(fx.Reg, "checkout", "availability").Recent()
	var times []time.Time
	for _, p := range got {
		times = append(times, p.Time)
	}
	if want := []time.Time{start, start.Add(time.Minute), start.Add(2 * time.Minute)}; !cmp.Equal(times, want) {
		t.Errorf("sample times %v, want %v", times, want)
	}
}

// threeDigits returns x rounded to three significant digits, as text
// would have it.
func threeDigits(x float64) float64 {
	y, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 3, 64), 64)
	return y
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
	p := slo.RecentPoint{Time: time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CET", 3600)),
		Windows: []burnrate.Burn{{Window: 5 * time.Minute, Rate: 14.4}, {Window: time.Hour, NoData: true}}}
	j, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"time":"2026-03-02T09:00:00Z","windows":[{"window":"5m","burnRate":14.4,"noData":false},` +
		`{"window":"1h","burnRate":0,"noData":true}]}`
	if string(j) != want {
		t.Errorf("JSON\n%s\nwant\n%s", j, want)
	}
	var back slo.RecentPoint
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Time.Equal(p.Time) || !cmp.Equal(back.Windows, p.Windows) {
		t.Errorf("read back %+v, want %+v", back, p)
	}
	// A Status window's shape reads too, its counts left out.
	if err := json.Unmarshal([]byte(`{"time":"2026-03-02T09:00:00Z","windows":[{"window":"5m","good":4928,"bad":72,"burnRate":14.4,"noData":false}]}`), &back); err != nil ||
		!cmp.Equal(back.Windows, p.Windows[:1]) {
		t.Errorf("a Status window read as %+v, %v; want %+v", back.Windows, err, p.Windows[:1])
	}
	for _, bad := range []string{`{"time":"10:00","windows":[]}`, `{"time":"2026-03-02T09:00:00Z","windows":[{"window":"5 minutes"}]}`} {
		if err := json.Unmarshal([]byte(bad), &back); !errors.Is(err, slo.ErrInvalid) {
			t.Errorf("%s read as %v, want an ErrInvalid", bad, err)
		}
	}
}

// A policy whose every window is 100 days or more steps a day at a time,
// longer than the history's 6 hours: the history holds the newest sample.
func TestRecentAtTheCoarsestTick(t *testing.T) {
	day := 24 * time.Hour
	rules := []burnrate.Rule{{Long: 200 * day, Short: 100 * day, Factor: 1, Severity: burnrate.SeverityTicket}}
	fx := fixture.New(t, slo.Objective{Journey: "checkout", Target: 0.5, Period: 400 * day, Policy: burnrate.Policy{Rules: rules}})
	if tick := fx.Reg.Tick(); tick != day {
		t.Fatalf("tick %v, want 24h", tick)
	}
	fixture.Journey(fx.Reg, "checkout").Add(3, 1)
	fx.Reg.Advance(start.Add(2 * day))
	got := fixture.Tracker(fx.Reg, "checkout", "availability").Recent()
	want := []slo.RecentPoint{{Time: start.Add(2 * day), Windows: []burnrate.Burn{{Window: 100 * day, Rate: 0.5}, {Window: 200 * day, Rate: 0.5}}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
}

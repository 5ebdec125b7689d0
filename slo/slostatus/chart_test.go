package slostatus

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

func TestBurnDownChart(t *testing.T) {
	// Four 6-hour buckets over a day: untouched, then half spent, then
	// overspent by a fifth. The axis goes down to -25%; y(v) = 10 + 81.6 x
	// (1 - v), x is 44 at the start and 430 now.
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	now := from.Add(24 * time.Hour)
	points := []slo.BudgetPoint{
		{End: from.Add(6 * time.Hour), Remaining: 1},
		{End: from.Add(12 * time.Hour), Remaining: 0.5},
		{End: from.Add(18 * time.Hour), Remaining: 0.5},
		{End: from.Add(24 * time.Hour), Remaining: -0.2},
	}
	// Episodes: one before the chart's span (left out), a 3-hour ticket
	// from 06:00, and a page open since 23:50. x is 44 + 386 x (hours / 24).
	episodes := []slo.Episode{
		{Start: from.Add(-3 * time.Hour), End: from.Add(-time.Hour), Rule: "page-1h-5m", Severity: burnrate.SeverityPage},
		{Start: from.Add(6 * time.Hour), End: from.Add(9 * time.Hour), Rule: "ticket-1d-2h", Severity: burnrate.SeverityTicket},
		{Start: now.Add(-10 * time.Minute), Rule: "page-1h-5m", Severity: burnrate.SeverityPage},
	}
	got := newBurnDownChart(points, 24*time.Hour, now, "", episodes)
	want := burnDownChart{
		Width: 440, Height: 132, Left: 44, Right: 430, Top: 10, Bottom: 112, LabelY: 127, PlotHeight: 102,
		Episodes: []chartBand{
			{X: 140.5, Width: 48.3, Severity: "ticket", Title: "ticket by ticket-1d-2h from Mar 2 06:00 for 3h"},
			{X: 427.3, Width: 2.7, Severity: "page", Title: "page by page-1h-5m from Mar 2 23:50, open"},
		},
		MidX: 237, MidY: 61,
		Line:     "44,10 140.5,10 237,50.8 333.5,50.8 430,107.9",
		Area:     "44,91.6 44,10 140.5,10 237,50.8 333.5,50.8 430,107.9 430,91.6",
		Even:     [4]float64{44, 10, 430, 91.6},
		Zero:     91.6,
		YTicks:   []chartTick{{10, "100%"}, {50.8, "50%"}, {91.6, "0%"}, {112, "-25%"}},
		XTicks:   []chartTick{{44, "Mar 2"}, {140.5, "06:00"}, {237, "12:00"}, {333.5, "18:00"}},
		EndX:     430,
		EndY:     107.9,
		EndLabel: "-20.0%",
		Desc:     "Budget remaining over the last 1d, from 100% to -20.0%; lowest -20.0%.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("chart (-want +got):\n%s", diff)
	}

	// A NaN, which BurnDown never returns, is left out, not drawn.
	nan := append([]slo.BudgetPoint(nil), points...)
	nan[2].Remaining = math.NaN()
	if got := newBurnDownChart(nan, 24*time.Hour, now, "", nil); got.Line != "44,10 140.5,10 237,50.8 430,107.9" {
		t.Errorf("chart with a NaN: line %q", got.Line)
	}

	// The current bucket ends after now: its point is drawn at now.
	points = []slo.BudgetPoint{{End: from.Add(6 * time.Hour), Remaining: 1}, {End: from.Add(12 * time.Hour), Remaining: 1}}
	got = newBurnDownChart(points, 12*time.Hour, from.Add(9*time.Hour), "", nil)
	if got.Line != "44,10 301.3,10 430,10" || got.EndX != 430 || got.EndLabel != "100.0%" || got.Empty ||
		got.Desc != "Budget remaining over the last 12h, from 100% to 100.0%; lowest 100.0%." {
		t.Errorf("chart ending inside a bucket: line %q, end %v %q, empty %v, desc %q", got.Line, got.EndX, got.EndLabel, got.Empty, got.Desc)
	}

	// Too few events for a budget: whatever the points say (1 bad event
	// in 10 at 99.9%, -9900%), no line, no figure, an axis from 0 to 100%,
	// and the note in words.
	points = []slo.BudgetPoint{{End: from.Add(6 * time.Hour), Remaining: 1}, {End: from.Add(12 * time.Hour), Remaining: -99}}
	got = newBurnDownChart(points, 12*time.Hour, from.Add(9*time.Hour), "Not enough events for a budget", nil)
	wantTicks := []chartTick{{10, "100%"}, {61, "50%"}, {112, "0%"}}
	if got.Line != "" || got.Area != "" || got.EndLabel != "" || !got.Empty || got.Note != "Not enough events for a budget" ||
		got.Desc != "Not enough events for a budget; no budget is drawn for the last 12h." || !cmp.Equal(got.YTicks, wantTicks) {
		t.Errorf("chart without a claim: line %q, area %q, end %q, empty %v, note %q, desc %q, y ticks %v",
			got.Line, got.Area, got.EndLabel, got.Empty, got.Note, got.Desc, got.YTicks)
	}
}

func TestAxisBottom(t *testing.T) {
	for _, tc := range []struct{ lowest, want float64 }{
		{1, 0}, {0.3, 0}, {0, 0}, {-0.01, -0.25}, {-0.25, -0.25}, {-0.3, -0.5}, {-0.9, -1},
		{-1.5, -2}, {-4, -5}, {-9, -10}, {-11, -20}, {-150, -200}, {-999, -1000},
	} {
		if got := axisBottom(tc.lowest); got != tc.want {
			t.Errorf("axisBottom(%v) = %v, want %v", tc.lowest, got, tc.want)
		}
	}
	for _, tc := range []struct {
		bottom float64
		want   []float64
	}{
		{0, []float64{1, 0.5, 0}},
		{-0.25, []float64{1, 0.5, 0, -0.25}},
		{-0.5, []float64{1, 0.5, 0, -0.5}},
		{-2, []float64{1, 0, -2}},
		{-9, []float64{1, 0, -9}},  // 100% and 0% a tenth of the axis apart: both fit
		{-100, []float64{0, -100}}, // they would overlap: 0% keeps its label
	} {
		if diff := cmp.Diff(tc.want, yTicks(tc.bottom)); diff != "" {
			t.Errorf("yTicks(%v) (-want +got):\n%s", tc.bottom, diff)
		}
	}
}

func TestTimeTicks(t *testing.T) {
	end := time.Date(2026, 3, 31, 14, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		span time.Duration
		want []string
	}{
		{30 * 24 * time.Hour, []string{"Mar 8", "Mar 15", "Mar 22", "Mar 29"}},
		{7 * 24 * time.Hour, []string{"Mar 26", "Mar 28", "Mar 30"}},
		{28 * time.Hour, []string{"12:00", "18:00", "Mar 31", "06:00", "12:00"}},
		{6 * time.Hour, []string{"09:00", "10:00", "11:00", "12:00", "13:00", "14:00"}},
		{90 * 24 * time.Hour, []string{"Jan 14", "Jan 28", "Feb 11", "Feb 25", "Mar 11", "Mar 25"}},
	} {
		var got []string
		for _, tt := range timeTicks(end.Add(-tc.span), end) {
			got = append(got, tt.label)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("timeTicks over %v (-want +got):\n%s", tc.span, diff)
		}
	}
}

func TestBurnBar(t *testing.T) {
	for _, tc := range []struct {
		rate, factor float64
		want         burnBar
	}{
		{0, 14.4, burnBar{}},
		{7.2, 14.4, burnBar{Width: 35}},
		{14.4, 14.4, burnBar{Width: 70, Over: true}},
		{14.4 * (1 - 1e-12), 14.4, burnBar{Width: 70, Over: true}}, // the evaluator's tolerance
		{28.8, 14.4, burnBar{Width: 140, Over: true}},
		{1000, 14.4, burnBar{Width: 140, Over: true, Clip: true}},
		{0.001, 14.4, burnBar{Width: 1}}, // a burn, however small, shows
		{1, 0, burnBar{}},                // no factor: nothing to draw against
		{math.NaN(), 14.4, burnBar{}},
		{math.Inf(1), 14.4, burnBar{Width: 140, Over: true, Clip: true}},
		{-1, 14.4, burnBar{}},
	} {
		if got := newBurnBar(tc.rate, tc.factor); got != tc.want {
			t.Errorf("newBurnBar(%v, %v) = %+v, want %+v", tc.rate, tc.factor, got, tc.want)
		}
	}
}

func TestPeopleFormats(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{formatSpan(-time.Second), "0s"},
		{formatSpan(45 * time.Second), "45s"},
		{formatSpan(3 * time.Minute), "3m"},
		{formatSpan(3*time.Minute + 20*time.Second), "3m 20s"},
		{formatSpan(15*time.Hour + 19*time.Minute + 21*time.Second), "15h 19m"},
		{formatSpan(127*time.Hour + 5*time.Minute), "5d 7h"},
		{formatSpan(30 * 24 * time.Hour), "30d"},
		{formatSpan(400 * 24 * time.Hour), "over a year"},
		{compact(0), "0"},
		{compact(950), "950"},
		{compact(999.6), "1.0k"},
		{compact(21030), "21.0k"},
		{compact(51466.4), "51.5k"},
		{compact(999960), "1.0M"},
		{compact(3213091), "3.2M"},
		{compact(7.5e9), "7.5G"},
		{compact(math.NaN()), "—"},
		{goal(slo.Status{Target: 0.999, Period: 30 * 24 * time.Hour}), "99.9% good over 30d"},
		{goal(slo.Status{Target: 0.95, Period: 7 * 24 * time.Hour, Latency: 300 * time.Millisecond}), "95% within 300ms over 7d"},
		{goal(slo.Status{Target: 0.99995, Period: 28 * 24 * time.Hour}), "99.995% good over 28d"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

package slostatus

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// One rule's panel over the last 6 hours: x is 70 + 360 x (hours since
// 06:00 / 6); the panel runs from y 6 (twice the factor, 28.8, and above)
// to 30 (zero), the factor at 18. A sample older than the span is left
// out; the process is two hours old, so the lines start two hours ago, not
// at the chart's left edge.
func TestRecentChart(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	burns := func(short, long float64) []burnrate.Burn {
		return []burnrate.Burn{{Window: 5 * time.Minute, Rate: short}, {Window: time.Hour, Rate: long}}
	}
	samples := []recentSample{
		{now.Add(-7 * time.Hour), burns(50, 50)},
		{now.Add(-2 * time.Hour), burns(0, 0)},
		{now.Add(-time.Hour), burns(28.8, 14.4)},
		{now, burns(100, 7.2)},
	}
	rules := []slo.RuleStatus{{
		Rule:    burnrate.Rule{Name: "page-1h-5m", Severity: burnrate.SeverityPage, Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4},
		Burning: false,
	}}
	got := newRecentChart(samples, rules, 6*time.Hour, now)
	want := recentChart{
		Width: 440, Height: 50, Left: 70, Right: 430, Top: 6, Bottom: 30, LabelY: 44, Span: "6h",
		Panels: []recentPanel{{
			Label: "1h / 5m", Severity: "page", Factor: "≥ 14.4×", Top: 6, Mid: 18, Bottom: 30, LabelY: 21.5,
			Long: "310,30 370,18 430,24", Short: "310,30 370,6 430,6",
			Title: "page-1h-5m: the 1h and 5m burn rates over the last 6h, against 14.4× at the middle",
		}},
		XTicks: []chartTick{{130, "07:00"}, {190, "08:00"}, {250, "09:00"}, {310, "10:00"}, {370, "11:00"}},
		Desc:   "Each rule's long and short window burn rates over the last 6h, from 10:00, against its factor.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("chart (-want +got):\n%s", diff)
	}

	empty := newRecentChart(samples[:1], rules, 6*time.Hour, now)
	if !empty.Empty || empty.Note != "No evaluation in the last 6h" || empty.Panels[0].Long != "" {
		t.Errorf("without a sample in the span: empty %v, note %q, long %q", empty.Empty, empty.Note, empty.Panels[0].Long)
	}
}

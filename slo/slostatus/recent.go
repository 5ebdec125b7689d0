package slostatus

import (
	"math"
	"slices"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// The recent chart's box, in SVG user units: one panel per rule, each the
// rule's long and short windows' burn rates over the last hours against
// its factor, which sits at the panel's middle as it does on the rules'
// bars.
const (
	// recentSpan is the span of slo.Tracker.Recent's history.
	recentSpan   = 6 * time.Hour
	recentLeft   = 70 // room for "6h / 30m"
	recentRight  = 430
	recentTop    = 6
	panelHeight  = 24
	panelGap     = 8
	recentLabels = 16 // under the last panel, for the time labels
)

// recentSample is one sample of an objective's recent burn history: the
// burn of every window of its policy at one evaluation.
type recentSample struct {
	At    time.Time
	Burns []burnrate.Burn
}

// recentChart is an objective's recent burn history laid out for the
// status page's template, so that a reader sees an incident start and
// stop: where the short window's line crosses the factor, and where the
// long window's follows.
type recentChart struct {
	Width, Height float64
	Left, Right   float64
	// Top and Bottom are the first panel's top and the last one's bottom.
	Top, Bottom float64
	LabelY      float64
	Span        string // "6h"
	Panels      []recentPanel
	XTicks      []chartTick
	// Empty is true when there is no sample to draw; Note says so.
	Empty bool
	Note  string
	// Desc is the chart in words, for those who cannot see it.
	Desc string
}

// recentPanel is one rule's burn over the chart's span.
type recentPanel struct {
	Label    string // "1h / 5m"
	Severity string // page or ticket
	Factor   string // "≥ 14.4×"
	// Top is the y of twice the factor (higher burns are drawn there),
	// Mid the factor's, Bottom zero's; LabelY centres the label.
	Top, Mid, Bottom, LabelY float64
	// Long and Short are the windows' burn rates as polyline points.
	Long, Short string
	// Over is true when both windows end at or above the factor: the rule
	// burns now.
	Over  bool
	Title string
}

// newRecentChart lays out samples (oldest first) of the rules' windows
// over span, ending now. A rule whose window no sample holds is drawn
// without that line.
func newRecentChart(samples []recentSample, rules []slo.RuleStatus, span time.Duration, now time.Time) recentChart {
	c := recentChart{
		Width: chartWidth, Left: recentLeft, Right: recentRight,
		Span: burnrate.FormatWindow(span),
	}
	n := float64(len(rules))
	c.Height = recentTop + n*panelHeight + max(n-1, 0)*panelGap + recentLabels + 4
	c.Top, c.Bottom = recentTop, recentTop+n*panelHeight+max(n-1, 0)*panelGap
	c.LabelY = c.Bottom + recentLabels - 2
	from := now.Add(-span)
	x := func(t time.Time) float64 {
		f := float64(t.Sub(from)) / float64(span)
		return recentLeft + (recentRight-recentLeft)*min(max(f, 0), 1)
	}
	var kept []recentSample
	for _, s := range samples {
		if s.At.After(from) && !s.At.After(now) {
			kept = append(kept, s)
		}
	}
	c.Empty = len(kept) == 0
	if c.Empty {
		c.Note = "No evaluation in the last " + c.Span
	}
	for i, r := range rules {
		top := recentTop + float64(i)*(panelHeight+panelGap)
		p := recentPanel{
			Label:    burnrate.FormatWindow(r.Long) + " / " + burnrate.FormatWindow(r.Short),
			Severity: r.Severity.String(),
			Factor:   "≥ " + formatFactor(r.Factor) + "×",
			Top:      top, Mid: top + panelHeight/2, Bottom: top + panelHeight, LabelY: top + panelHeight/2 + 3.5,
			Over: r.Burning,
			Title: r.Name + ": the " + burnrate.FormatWindow(r.Long) + " and " + burnrate.FormatWindow(r.Short) +
				" burn rates over the last " + c.Span + ", against " + formatFactor(r.Factor) + "× at the middle",
		}
		y := func(rate float64) float64 {
			if !(r.Factor > 0) || math.IsNaN(rate) {
				return p.Bottom
			}
			return round1(p.Bottom - panelHeight*min(max(rate, 0)/(2*r.Factor), 1))
		}
		p.Long, p.Short = burnLine(kept, r.Long, x, y), burnLine(kept, r.Short, x, y)
		c.Panels = append(c.Panels, p)
	}
	for _, t := range timeTicks(from, now) {
		if pos := x(t.at); pos < recentRight-nowRoom && pos > recentLeft+10 {
			c.XTicks = append(c.XTicks, chartTick{round1(pos), t.label})
		}
	}
	switch {
	case c.Empty:
		c.Desc = c.Note + "."
	default:
		c.Desc = "Each rule's long and short window burn rates over the last " + c.Span +
			", from " + kept[0].At.In(now.Location()).Format("15:04") + ", against its factor."
	}
	return c
}

// burnLine writes the polyline points of window's burn rate in samples.
func burnLine(samples []recentSample, window time.Duration, x func(time.Time) float64, y func(float64) float64) string {
	var b []byte
	at := -1 // the window's place in a sample: the policy's, the same in every sample
	for _, s := range samples {
		if at < 0 || at >= len(s.Burns) || s.Burns[at].Window != window {
			if at = slices.IndexFunc(s.Burns, func(w burnrate.Burn) bool { return w.Window == window }); at < 0 {
				continue
			}
		}
		if len(b) > 0 {
			b = append(b, ' ')
		}
		b = appendCoord(b, x(s.At))
		b = append(b, ',')
		b = appendCoord(b, y(s.Burns[at].Rate))
	}
	return string(b)
}

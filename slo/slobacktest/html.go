package slobacktest

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/figure"
	"github.com/journeyslo/journeyslo/slo"
)

//go:embed report.html
var reportHTML string

var reportTemplate = template.Must(template.New("report").Parse(reportHTML))

// reportCSS is the report's only style sheet. The page's
// Content-Security-Policy allows it by its hash and nothing else: no
// script, no font, no image, no request anywhere.
const reportCSS = `
:root {
  color-scheme: light dark;
  --bg: #f4f6f8; --card: #fff; --ink: #1f2328; --muted: #5b6670; --rule: #d5dbe1; --grid: #e8ecf0;
  --ok-bg: #eef1f4; --ticket: #bf8700; --page: #cf222e; --incident: #8250df; --ratio: #0969da;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --card: #161b22; --ink: #e6edf3; --muted: #9199a3; --rule: #30363d; --grid: #21262d;
    --ok-bg: #1c2128; --ticket: #d29922; --page: #ff6a5f; --incident: #a371f7; --ratio: #58a6ff;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body {
  margin: 0; color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif;
  font-variant-numeric: tabular-nums;
}
.top { padding: 16px 28px; background: var(--card); border-bottom: 1px solid var(--rule); }
h1 { margin: 0; font-size: 22px; }
.span { margin: 2px 0 0; color: var(--muted); font-size: 13px; }
main { padding: 20px 28px; display: grid; gap: 16px; }
.objective { background: var(--card); border: 1px solid var(--rule); border-radius: 8px; padding: 12px 16px; min-width: 0; }
h2 { margin: 0; font-size: 18px; overflow-wrap: anywhere; }
h2 .name { font-weight: 500; color: var(--muted); }
.goal { margin: 2px 0 10px; color: var(--muted); font-size: 13px; }
.table { overflow-x: auto; }
table { border-collapse: collapse; font-size: 14px; }
th, td { padding: 4px 12px 4px 0; text-align: right; white-space: nowrap; border-bottom: 1px solid var(--grid); }
th:first-child { text-align: left; }
thead th { color: var(--muted); font-weight: 600; font-size: 12px; }
svg.timeline { display: block; width: 100%; height: auto; margin: 14px 0 4px; }
.timeline text { fill: var(--muted); font-size: 11px; }
.timeline .axis text { text-anchor: middle; }
.timeline .lanelabel { fill: var(--ink); font-size: 12px; font-weight: 600; text-anchor: end; }
.timeline .scale { text-anchor: end; font-size: 10px; }
.timeline .grid { stroke: var(--grid); }
.timeline .bg { fill: var(--ok-bg); }
.timeline .span.page { fill: var(--page); }
.timeline .span.ticket { fill: var(--ticket); }
.timeline .incident { fill: var(--incident); opacity: 0.15; }
.timeline .incident.significant { opacity: 0.35; }
.timeline .ratio { fill: none; stroke: var(--ratio); stroke-width: 1.2; stroke-linejoin: round; }
.timeline .budget { stroke: var(--muted); stroke-dasharray: 4 3; }
.legend { margin: 0; color: var(--muted); font-size: 12px; }
.key { display: inline-block; width: 12px; height: 10px; margin: 0 4px 0 12px; vertical-align: baseline; }
.key:first-child { margin-left: 0; }
.key.page { background: var(--page); }
.key.ticket { background: var(--ticket); }
.key.incident { background: var(--incident); opacity: 0.3; }
.key.significant { background: var(--incident); opacity: 0.6; }
.key.budget { height: 0; border-top: 2px dashed var(--muted); }
.explain { background: var(--card); border: 1px solid var(--rule); border-radius: 8px; padding: 12px 16px; min-width: 0; }
.explain dl { margin: 8px 0 0; display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; font-size: 13px; }
.explain dt { font-weight: 600; }
.explain dd { margin: 0; color: var(--muted); }
@media (max-width: 600px) {
  .explain dl { grid-template-columns: 1fr; gap: 0; }
  .explain dd { margin-bottom: 6px; }
  .top, main { padding-left: 12px; padding-right: 12px; }
}
`

// reportCSP is the report's Content-Security-Policy: its own style sheet,
// by hash, and nothing else.
var reportCSP = func() string {
	sum := sha256.Sum256([]byte(reportCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; form-action 'none'"
}()

// The timeline's geometry, in the SVG's own units: a column of lane labels,
// then the plot.
const (
	tlWidth   = 1200
	tlLabelX  = 122 // the labels' right edge
	tlPlotX   = 130
	tlPlotW   = tlWidth - tlPlotX - 8
	tlRatioH  = 64
	tlLaneH   = 18
	tlLaneGap = 8
	tlAxisH   = 22
)

type (
	htmlReport struct {
		Title, Start, End, Tick string
		CSP                     string
		CSS                     template.CSS
		Objectives              []htmlObjective
	}
	htmlObjective struct {
		ID, Journey, Name, Goal, Label string
		Rows                           []htmlRow
		Width, Height                  int
		LabelX, PlotX, PlotW           int
		PlotRight, LaneH               int
		AxisY, LabelY                  int
		Axis                           []htmlTick
		Traffic                        htmlTraffic
		Incidents                      []htmlMark
		Lanes                          []htmlLane
	}
	htmlRow struct {
		Name, Pages, Tickets, Flaky, Paging, Precision, Recall, Detection, Reset string
	}
	htmlTick struct {
		X     string
		Label string
	}
	htmlTraffic struct {
		Y, H, LabelY, ScaleY int
		BudgetY              string
		Max, Budget          string
		Path                 string
	}
	htmlMark struct {
		X, W, Start, End, Title string
		Significant             bool
	}
	htmlLane struct {
		Name      string
		Y, LabelY int
		Spans     []htmlSpan
	}
	htmlSpan struct {
		X, W, Start, End, Title string
		Y, H                    int
		State, Rule             string
	}
)

// coord writes an SVG coordinate with two decimals at most.
func coord(x float64) string { return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64) }

// WriteHTML writes the result as a self-contained HTML page for people,
// titled title ("Backtest" when empty): per objective, the table of
// [Result.WriteText] and a timeline of the replay, one lane per policy
// with its ticket and page spans, under a lane of the traffic's error
// ratio with the incidents marked and 1 - target drawn. Inline CSS and SVG,
// no script, nothing fetched; its Content-Security-Policy allows nothing
// else. The page fits any screen from a phone's width: the timeline
// scales with it.
//
// Every span of the timeline carries its state, start, end and rule as
// data-state, data-start, data-end and data-rule attributes (instants in
// RFC 3339), in a group with the policy's name as data-policy, for tools
// that read the page.
func (r Result) WriteHTML(w io.Writer, title string) error {
	if title == "" {
		title = "Backtest"
	}
	page := htmlReport{Title: title, Start: r.Start.UTC().Format(time.RFC3339), End: r.End.UTC().Format(time.RFC3339),
		Tick: seconds(r.Tick), CSP: reportCSP, CSS: template.CSS(reportCSS)}
	for i, o := range r.Objectives {
		page.Objectives = append(page.Objectives, r.htmlObjective(i, o))
	}
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, page); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func (r Result) htmlObjective(i int, o ObjectiveResult) htmlObjective {
	sig := 0
	for _, ir := range o.Incidents {
		if ir.Significant {
			sig++
		}
	}
	ho := htmlObjective{
		ID: fmt.Sprintf("objective-%d", i), Journey: o.Objective.Journey, Name: o.Objective.Name,
		Goal: fmt.Sprintf("%s over %s · %s, %d significant · a budget of %s bad events a period at the replay's mean rate",
			targetPercent(o.Objective.Target), burnrate.FormatWindow(o.Objective.Period), plural(len(o.Incidents), "incident"), sig,
			wholeEvents(o.Budget)),
		Width: tlWidth, LabelX: tlLabelX, PlotX: tlPlotX, PlotW: tlPlotW, PlotRight: tlPlotX + tlPlotW, LaneH: tlLaneH,
	}
	ho.Label = fmt.Sprintf("Timeline of %s: the error ratio and the states of %d policies", slo.ObjectiveKey(o.Objective.Journey, o.Objective.Name), len(o.Policies))
	for _, p := range o.Policies {
		row := htmlRow{Name: p.Name, Pages: strconv.Itoa(p.Pages), Tickets: strconv.Itoa(p.Tickets), Flaky: strconv.Itoa(p.FlakyPages),
			Paging: seconds(p.Paging), Precision: "-", Recall: "-", Detection: "-", Reset: "-"}
		if p.Pages > 0 {
			row.Precision = percent(p.Precision)
		}
		if p.Significant > 0 {
			row.Recall = percent(p.Recall)
		}
		if p.Detected > 0 {
			row.Detection = seconds(p.MeanDetection)
		}
		if p.Cleared > 0 {
			row.Reset = seconds(p.MeanReset)
		}
		ho.Rows = append(ho.Rows, row)
	}

	span := r.End.Sub(r.Start)
	x := func(t time.Time) float64 {
		if span <= 0 {
			return tlPlotX
		}
		f := float64(t.Sub(r.Start)) / float64(span)
		return tlPlotX + tlPlotW*min(1, max(0, f))
	}
	// A spell shorter than a unit of the plot is still drawn, a unit
	// wide, so that a flaky page on a month's timeline shows.
	width := func(a, b time.Time) string { return coord(max(x(b)-x(a), 1)) }

	// The traffic's lane: the error ratio of each bin as a step line, on a
	// scale up to the highest ratio (at least twice 1 - target, so that
	// the budget's line sits inside).
	tr := htmlTraffic{Y: 4, H: tlRatioH}
	tr.LabelY, tr.ScaleY = tr.Y+tr.H/2, tr.Y+tr.H/2+14
	budget := burnrate.ErrorBudget(o.Objective.Target)
	top := 2 * budget
	ratios := make([]float64, len(o.Traffic))
	for k, b := range o.Traffic {
		if n := float64(b.Good) + float64(b.Bad); n > 0 {
			ratios[k] = float64(b.Bad) / n
		}
		top = max(top, ratios[k])
	}
	y := func(ratio float64) float64 { return float64(tr.Y+tr.H) - float64(tr.H)*ratio/top }
	tr.Max, tr.Budget, tr.BudgetY = percentSig(top), percentSig(budget), coord(y(budget))
	var path strings.Builder
	from := r.Start
	for k, b := range o.Traffic {
		if k == 0 {
			fmt.Fprintf(&path, "M%s %s", coord(x(from)), coord(y(ratios[k])))
		} else {
			fmt.Fprintf(&path, "V%s", coord(y(ratios[k])))
		}
		fmt.Fprintf(&path, "H%s", coord(x(b.End)))
		from = b.End
	}
	tr.Path = path.String()
	ho.Traffic = tr
	for _, ir := range o.Incidents {
		title := fmt.Sprintf("incident from %s for %s at %s errors: %s of the budget", wallTime(ir.Start), seconds(ir.Duration),
			percentSig(ir.ErrorRatio), percentSig(ir.Budget))
		if ir.Significant {
			title += ", significant"
		}
		ho.Incidents = append(ho.Incidents, htmlMark{X: coord(x(ir.Start)), W: width(ir.Start, ir.End()),
			Start: instant(ir.Start), End: instant(ir.End()), Title: title, Significant: ir.Significant})
	}

	// One lane per policy: its ticket and page spans.
	laneY := tr.Y + tr.H + tlLaneGap
	for _, p := range o.Policies {
		lane := htmlLane{Name: p.Name, Y: laneY, LabelY: laneY + tlLaneH/2 + 4}
		for _, s := range p.Spans {
			if s.State == burnrate.SeverityOK {
				continue
			}
			hs := htmlSpan{X: coord(x(s.Start)), W: width(s.Start, s.End), Start: instant(s.Start), End: instant(s.End),
				Y: laneY, H: tlLaneH, State: s.State.String(), Rule: s.Rule,
				Title: fmt.Sprintf("%s by %s from %s to %s (%s)", s.State, s.Rule, wallTime(s.Start), wallTime(s.End), seconds(s.End.Sub(s.Start)))}
			if s.State == burnrate.SeverityTicket {
				// A ticket is drawn lower than a page, so that the two read
				// apart without their colours.
				hs.Y, hs.H = laneY+tlLaneH/3, tlLaneH-tlLaneH/3
			}
			lane.Spans = append(lane.Spans, hs)
		}
		ho.Lanes = append(ho.Lanes, lane)
		laneY += tlLaneH + tlLaneGap
	}
	ho.AxisY = laneY
	ho.LabelY = laneY + 14
	ho.Height = laneY + tlAxisH
	for _, t := range axisTicks(r.Start, r.End) {
		ho.Axis = append(ho.Axis, htmlTick{X: coord(x(t)), Label: axisLabel(t, r.End.Sub(r.Start))})
	}
	return ho
}

// percentSig writes a share as a percent with three significant digits,
// such as "0.1%" or "27.8%".
func percentSig(f float64) string {
	return strconv.FormatFloat(figure.Tidy(f*100), 'g', 3, 64) + "%"
}

// axisSteps are the spacings the timeline's axis may take: the narrowest
// that gives at most eight labels.
var axisSteps = [...]time.Duration{
	time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 28 * 24 * time.Hour,
}

// axisTicks returns the instants the axis labels, multiples of one step in
// UTC from the start.
func axisTicks(start, end time.Time) []time.Time {
	span := end.Sub(start)
	step := axisSteps[len(axisSteps)-1]
	for _, s := range axisSteps {
		if span <= 8*s {
			step = s
			break
		}
	}
	var out []time.Time
	for t := start.UTC().Truncate(step).Add(step); t.Before(end); t = t.Add(step) {
		out = append(out, t)
	}
	return out
}

// axisLabel writes an axis instant: the time of day for a replay of a day
// or less, else the date, with the time when it is not midnight.
func axisLabel(t time.Time, span time.Duration) string {
	t = t.UTC()
	switch {
	case span <= 24*time.Hour:
		return t.Format("15:04")
	case t.Hour() == 0 && t.Minute() == 0:
		return t.Format("Jan 2")
	}
	return t.Format("Jan 2 15:04")
}

// wallTime writes an instant for people, to the second, in UTC.
func wallTime(t time.Time) string { return t.UTC().Format("Jan 2 15:04:05") }

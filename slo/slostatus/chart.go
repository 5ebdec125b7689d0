package slostatus

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/slo"
)

// The burn-down chart's box, in SVG user units: the plot sits inside the
// margins that hold the axis labels.
const (
	chartWidth  = 440
	chartHeight = 132
	plotLeft    = 44
	plotRight   = 430
	plotTop     = 10
	plotBottom  = 112
	// nowRoom keeps time labels clear of the "now" label at the plot's
	// right end.
	nowRoom = 40
)

// burnDownChart is a budget burn-down chart laid out for the status page's
// template: coordinates are precomputed, so the template only places them.
type burnDownChart struct {
	// The box and the plot's edges in it, and where time labels sit.
	Width, Height, Left, Right, Top, Bottom, LabelY float64
	// PlotHeight is Bottom - Top: the height of an episode's band.
	PlotHeight float64
	// Line is the budget remaining, as polyline points; Area the same
	// closed down to the zero line, as polygon points.
	Line, Area string
	// Even is the budget of a steady burn rate of 1, from untouched at the
	// start of the period to spent now: the line to stay above.
	Even [4]float64 // x1, y1, x2, y2
	// Zero is the y of "budget spent".
	Zero   float64
	YTicks []chartTick
	XTicks []chartTick
	// EndX and EndY place the last point; EndLabel is its value.
	EndX, EndY float64
	EndLabel   string
	// Empty is true when the chart makes no claim about the budget: the
	// period holds too few events (see slo.Status.Budget), or none. No
	// line is drawn then; Note says why, centred at MidX and MidY.
	Empty      bool
	Note       string
	MidX, MidY float64
	// Desc is the chart in words, for those who cannot see it.
	Desc string
	// Episodes are the objective's episodes in the chart's span, as
	// bands behind the line: where the budget went, and when.
	Episodes []chartBand
}

// chartBand is one episode drawn over the chart's plot.
type chartBand struct {
	X, Width float64
	Severity string // page or ticket
	Title    string // the episode in words
}

// chartTick is one labelled position on an axis.
type chartTick struct {
	Pos   float64
	Label string
}

// newBurnDownChart lays out the burn-down of an objective over period,
// ending now. points come from [slo.Tracker.BurnDown]: the remaining budget at
// the end of each bucket, the last bucket possibly ending after now. A
// note, when not empty, says why the chart makes no claim about the budget
// (too few events): only the axes and the note are drawn then, so that a
// budget the events cannot support (-9900% after 1 bad event in 10) is
// never drawn.
func newBurnDownChart(points []slo.BudgetPoint, period time.Duration, now time.Time, note string, episodes []slo.Episode) burnDownChart {
	c := burnDownChart{
		Width: chartWidth, Height: chartHeight, Left: plotLeft, Right: plotRight, Top: plotTop, Bottom: plotBottom,
		LabelY: plotBottom + 15, PlotHeight: plotBottom - plotTop, Empty: note != "", Note: note,
		MidX: (plotLeft + plotRight) / 2, MidY: (plotTop + plotBottom) / 2,
	}
	from := now.Add(-period)
	if len(points) > 1 {
		// The first bucket starts one width before its end.
		from = points[0].End.Add(-points[1].End.Sub(points[0].End))
	}
	span := now.Sub(from)
	if span <= 0 {
		span = period
	}
	x := func(t time.Time) float64 {
		f := float64(t.Sub(from)) / float64(span)
		return plotLeft + (plotRight-plotLeft)*min(max(f, 0), 1)
	}

	// Status and BurnDown never hold NaN or infinities; should one slip
	// through, it is left out rather than drawn as "NaN".
	finite := points[:0:0]
	for _, p := range points {
		if !math.IsNaN(p.Remaining) && !math.IsInf(p.Remaining, 0) {
			finite = append(finite, p)
		}
	}
	points = finite
	if c.Empty {
		points = nil // nothing to claim: the axis runs from 0 to 100%
	}
	lowest := 1.0
	for _, p := range points {
		lowest = min(lowest, p.Remaining)
	}
	bottom := axisBottom(lowest)
	y := func(v float64) float64 {
		return plotTop + (plotBottom-plotTop)*(1-v)/(1-bottom)
	}
	c.Zero = round1(y(0))

	// The budget is whole before the first bucket.
	var line, area strings.Builder
	addPoint := func(b *strings.Builder, px, py float64) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(coord(px) + "," + coord(py))
	}
	addPoint(&line, x(from), y(1))
	addPoint(&area, x(from), c.Zero)
	addPoint(&area, x(from), y(1))
	last := slo.BudgetPoint{End: from, Remaining: 1}
	for _, p := range points {
		if p.End.After(now) {
			p.End = now
		}
		addPoint(&line, x(p.End), y(p.Remaining))
		addPoint(&area, x(p.End), y(p.Remaining))
		last = p
	}
	addPoint(&area, x(last.End), c.Zero)
	c.Line, c.Area = line.String(), area.String()
	c.EndX, c.EndY = round1(x(last.End)), round1(y(last.Remaining))
	c.EndLabel = percent(last.Remaining, 1)
	c.Even = [4]float64{round1(x(from)), round1(y(1)), round1(x(now)), c.Zero}

	for _, e := range episodes {
		end := e.End
		if e.Open() || end.After(now) {
			end = now
		}
		if !end.After(from) {
			continue // before the chart's span
		}
		x0, x1 := x(e.Start), x(end)
		b := chartBand{X: round1(x0), Width: round1(max(x1-x0, 1.5)), Severity: e.Severity.String()}
		if b.X+b.Width > plotRight {
			b.X = round1(plotRight - b.Width) // a short episode now stays inside the plot
		}
		b.Title = e.Severity.String() + " by " + e.Rule + " from " + e.Start.In(now.Location()).Format("Jan 2 15:04")
		if e.Open() {
			b.Title += ", open"
		} else {
			b.Title += " for " + formatSpan(e.Duration(now))
		}
		c.Episodes = append(c.Episodes, b)
	}
	for _, v := range yTicks(bottom) {
		c.YTicks = append(c.YTicks, chartTick{round1(y(v)), percent(v, 0)})
	}
	for _, t := range timeTicks(from, now) {
		// Leave room for the "now" label at the right end.
		if pos := x(t.at); pos < plotRight-nowRoom {
			c.XTicks = append(c.XTicks, chartTick{round1(pos), t.label})
		}
	}

	switch {
	case c.Empty:
		c.Line, c.Area, c.EndLabel = "", "", ""
		c.Desc = note + "; no budget is drawn for the last " + formatSpan(period) + "."
	default:
		c.Desc = "Budget remaining over the last " + formatSpan(period) + ", from 100% to " + c.EndLabel +
			"; lowest " + percent(lowest, 1) + "."
	}
	return c
}

// axisBottom returns the value at the bottom of the budget axis: 0, or a
// round negative value under the lowest point when the budget is overspent.
func axisBottom(lowest float64) float64 {
	if lowest >= 0 {
		return 0
	}
	for _, b := range []float64{0.25, 0.5, 1} {
		if -lowest <= b {
			return -b
		}
	}
	// Overspent many times: a 1, 2, 5 series of whole budgets.
	for b := 1.0; ; b *= 10 {
		for _, m := range []float64{2, 5, 10} {
			if -lowest <= b*m {
				return -b * m
			}
		}
	}
}

// yTicks returns the budget values to label: 100% (unless crowded out by
// 0%), 0%, the bottom, and 50% when it is not crowded out.
func yTicks(bottom float64) []float64 {
	var ticks []float64
	// 100% is where every chart starts; its label gives way to 0%'s when
	// the two would be closer than a tenth of the axis (below -900%).
	if 1/(1-bottom) >= 0.1 {
		ticks = append(ticks, 1)
	}
	if bottom >= -0.5 {
		ticks = append(ticks, 0.5)
	}
	ticks = append(ticks, 0)
	if bottom < 0 {
		ticks = append(ticks, bottom)
	}
	return ticks
}

type timeTick struct {
	at    time.Time
	label string
}

// timeTicks returns at most seven round instants between from and to, in
// to's location, labelled as dates when a day or more apart and as times
// of day otherwise (midnights as dates).
func timeTicks(from, to time.Time) []timeTick {
	span := to.Sub(from)
	const day = 24 * time.Hour
	step := 90 * day
	for _, s := range []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
		day, 2 * day, 7 * day, 14 * day, 30 * day} {
		if span/s <= 6 {
			step = s
			break
		}
	}
	// Count steps from the midnight before from, so that ticks fall on
	// round hours (00:00, 06:00, ...) and midnights.
	loc := to.Location()
	from = from.In(loc)
	t := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	var out []timeTick
	for ; !t.After(to); t = t.Add(step) {
		if t.Before(from) {
			continue
		}
		label := t.Format("15:04")
		if step >= day || (t.Hour() == 0 && t.Minute() == 0) {
			label = t.Format("Jan 2")
		}
		out = append(out, timeTick{t, label})
	}
	return out
}

// burnBar is one window's burn rate against its rule's factor, laid out
// for the status page: the factor sits at the middle of the bar's track, so
// a bar past the middle burns at or above it.
type burnBar struct {
	Width float64 // of a track barTrack long, the factor at barTrack/2
	Over  bool    // at or above the factor
	Clip  bool    // above twice the factor: drawn full, marked as cut
}

// barTrack is the length of a burn bar's track in SVG user units.
const barTrack = 140

func newBurnBar(rate, factor float64) burnBar {
	if !(factor > 0) || !(rate > 0) {
		// No factor to draw against (Validate refuses it), or nothing
		// burning (or NaN, which Status never holds).
		return burnBar{}
	}
	f := rate / factor
	b := burnBar{Over: rate >= factor*(1-1e-9), Clip: f > 2}
	b.Width = max(round1(barTrack*min(f, 2)/2), 1) // a burn, however small, shows
	return b
}

// formatSpan writes a duration for people: "3d", "2d 4h", "5h 12m", "45s".
func formatSpan(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	const day = 24 * time.Hour
	two := func(a, b time.Duration, ua, ub string) string {
		s := strconv.FormatInt(int64(a), 10) + ua
		if b > 0 {
			s += " " + strconv.FormatInt(int64(b), 10) + ub
		}
		return s
	}
	switch {
	case d >= 365*day:
		return "over a year"
	case d >= day:
		return two(d/day, (d%day)/time.Hour, "d", "h")
	case d >= time.Hour:
		return two(d/time.Hour, (d%time.Hour)/time.Minute, "h", "m")
	case d >= time.Minute:
		return two(d/time.Minute, (d%time.Minute)/time.Second, "m", "s")
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + "s"
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// coord writes an SVG coordinate to a tenth of a unit.
func coord(v float64) string { return string(appendCoord(nil, v)) }

// appendCoord appends coord(v) to b. A chart has thousands of them: it
// writes the tenths as an integer, which is what strconv's shortest
// form of round1(v) reads, without its search for that form.
func appendCoord(b []byte, v float64) []byte {
	r := round1(v)
	if math.IsNaN(r) || math.IsInf(r, 0) || math.Abs(r) >= 1e15 || r == 0 {
		return strconv.AppendFloat(b, r, 'f', -1, 64) // and "-0" for a negative zero, as strconv has it
	}
	tenths := int64(math.Round(r * 10))
	if tenths < 0 {
		b = append(b, '-')
		tenths = -tenths
	}
	b = strconv.AppendInt(b, tenths/10, 10)
	if d := tenths % 10; d != 0 {
		b = append(b, '.', byte('0'+d))
	}
	return b
}

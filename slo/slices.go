package slo

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/figure"
	"github.com/journeyslo/journeyslo/internal/names"
	"github.com/journeyslo/journeyslo/window"
)

// SliceMethod is how an objective with [Slices] judges its time slices,
// as OpenSLO's budgeting methods of the same names do. The zero value is
// no method, which [Objective.Validate] refuses in a Slices.
type SliceMethod uint8

// Slice methods.
const (
	// Timeslices judges each slice good or bad: good when its own share of
	// good events meets [Slices.Target]. The objective's SLI is the share
	// of good slices, and its budget is spent in slices: at 95% over two
	// weeks of one-minute slices, 1,008 bad minutes spend it, whatever the
	// traffic in them.
	Timeslices SliceMethod = iota + 1
	// RatioTimeslices gives each slice its own share of good events, and
	// the objective's SLI is the mean of those shares: every slice weighs
	// the same however many events it holds, so a burst of traffic in a
	// few minutes weighs a few minutes.
	RatioTimeslices
)

var sliceMethodNames = []string{"", "Timeslices", "RatioTimeslices"}

// String returns "Timeslices" or "RatioTimeslices", the OpenSLO names.
func (m SliceMethod) String() string { return names.Of(sliceMethodNames, "SliceMethod", m) }

// MarshalText encodes the method as its String.
func (m SliceMethod) MarshalText() ([]byte, error) {
	if m == 0 || !names.Known(sliceMethodNames, m) {
		return nil, fmt.Errorf("%w: slice method %d; use Timeslices or RatioTimeslices", ErrInvalid, uint8(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText decodes "Timeslices" or "RatioTimeslices".
func (m *SliceMethod) UnmarshalText(text []byte) error {
	v, ok := names.Value[SliceMethod](sliceMethodNames, string(text))
	if !ok || v == 0 {
		return fmt.Errorf("%w: slice method %q; use \"Timeslices\" or \"RatioTimeslices\"", ErrInvalid, text)
	}
	*m = v
	return nil
}

// Slices makes an objective count time slices instead of events: the
// period is cut into slices of Window, aligned to the Unix epoch (a 1h
// slice runs from one UTC hour to the next), and each slice that holds
// events becomes one slice of the objective's budget, judged by Method.
// The objective's Target is then the share of good slices (Timeslices) or
// the mean of the slices' shares of good events (RatioTimeslices), and its
// policy's burn rates read slices too: the burn rate of a window is its
// share of bad slices (or the mean shortfall of its slices' shares) over
// the error budget, 1 - Target. The policy's MinEvents guard counts
// slices.
//
// A slice with no events is left out: it is neither good nor bad, and the
// period holds fewer slices (a quiet night shortens the period's count,
// it does not fill its budget with good minutes).
//
// The registry judges a slice at its first advance at or after the
// slice's end, from the events its windows attributed to the slice (see
// [window.Group.Advance]: events count at the advance that finds them),
// and counts the verdict in the slice's last step: a window of length w
// holds the slices that ended within it, w / Window of them. An advance
// that skips past several slices finds the events of the skipped time in
// the slice it left, and the slices in between empty. The registry's
// first slice may begin before [New]; it is judged on the events it
// holds. Recording is unchanged: no clock, no lock on the event path.
//
// Everything the registry says of the objective is then in slices: its
// [Status] (Good, Bad, MinEvents, Windows; see [Status.SliceCounts]), its
// burn-down, its episodes and review, its outlook; its TotalGood and
// TotalBad, and the counters exported from them, stay events, from which
// the fleet's rules (package slorules) judge slices in PromQL. A snapshot
// keeps the judged slices; the events of the slice open at a restart are
// in the objective's event windows, and the restarted registry judges
// that slice on the events it sees itself.
type Slices struct {
	// Method is Timeslices or RatioTimeslices.
	Method SliceMethod
	// Window is the length of a slice: a whole number of minutes, at least
	// one minute, that divides the objective's Period (1m, 5m, 1h...).
	// Every window of the objective's policy must be at least one slice
	// long.
	Window time.Duration
	// Target, for Timeslices, is the share of a slice's events that must
	// be good for the slice to be good, in (0, 1]: 0.95 makes a minute of
	// 100 requests good with up to 5 bad. A slice whose share equals the
	// target is good; the comparison is exact, on the decimal the target
	// is written as. RatioTimeslices reads no target: leave it 0.
	Target float64
}

// ratioScale is the weight of one slice under RatioTimeslices: a slice
// whose share of good events is r adds round(r * ratioScale) good and the
// rest bad to the slice series, so every slice weighs exactly ratioScale
// and a window's sums are its slices' shares, each to a millionth.
const ratioScale = 1_000_000

// maxSliceEvents is the most events a slice is judged on exactly; a slice
// beyond it (more than 2^63 events in one slice) saturates.
const maxSliceEvents = 1 << 63

// validateSlices reports what is wrong with o's Slices, o with its
// defaults.
func (o Objective) validateSlices(bad func(format string, args ...any)) {
	s := o.Slices
	if s == nil {
		return
	}
	switch s.Method {
	case Timeslices:
		if !(s.Target > 0 && s.Target <= 1) {
			bad("Slices: Target %v is not a share in (0, 1]; a Timeslices slice is good when its share of good events meets it, such as 0.95", s.Target)
		} else if _, _, ok := decimal(s.Target); !ok {
			bad("Slices: Target %v has more than 18 decimals; write it with fewer, such as 0.95", s.Target)
		}
	case RatioTimeslices:
		if s.Target != 0 {
			bad("Slices: Target %v is read only by Timeslices; RatioTimeslices averages the slices' shares: remove it", s.Target)
		}
	default:
		bad("Slices: Method %d is not a slice method; use Timeslices or RatioTimeslices", uint8(s.Method))
	}
	switch {
	case s.Window < time.Minute || s.Window%time.Minute != 0:
		bad("Slices: Window %v is not a whole number of minutes of at least one; use 1m, 5m, 1h...", s.Window)
	case o.Period > 0 && o.Period%s.Window != 0:
		bad("Slices: Window %v does not divide the Period %v; use a window that does, such as 1m", s.Window, burnrate.FormatWindow(o.Period))
	default:
		for _, d := range o.Policy.Windows() {
			if d < s.Window {
				bad("Slices: the policy's window %v is shorter than one slice of %v and would hold one slice at most; use windows of at least %v, or shorter slices",
					burnrate.FormatWindow(d), burnrate.FormatWindow(s.Window), burnrate.FormatWindow(s.Window))
				break
			}
		}
	}
}

// decimal returns the target as the fraction num/den of the decimal it is
// written as (0.95 is 95/100), and false when that decimal has more than
// 18 places or the target is not in (0, 1].
func decimal(target float64) (num, den uint64, ok bool) {
	if target == 1 {
		return 1, 1, true
	}
	if !(target > 0 && target < 1) {
		return 0, 0, false
	}
	frac, found := strings.CutPrefix(strconv.FormatFloat(target, 'f', -1, 64), "0.")
	if !found || len(frac) > 18 {
		return 0, 0, false
	}
	num, err := strconv.ParseUint(frac, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	den = 1
	for range frac {
		den *= 10
	}
	return num, den, true
}

// sliceState counts an objective's slices: the events of the slice open
// now, and the series of judged slices its budget and burn rates read.
// Guarded by Registry.mu.
type sliceState struct {
	Slices
	series *window.Series // one unit per good or bad slice, or ratioScale per slice
	src    burnrate.Source
	width  int64  // the slice's length in nanoseconds
	num    uint64 // Timeslices: the target as num/den
	den    uint64
	// open indexes the slice the group's step is in, in widths since the
	// Unix epoch: the slice of the events the next count brings.
	open int64
	good uint64 // events of the open slice
	bad  uint64
	// seenG and seenB are the series' totals at the last count.
	seenG, seenB uint64
	// movedG and movedB are the slice series' totals at the last moved.
	movedG, movedB uint64
}

// newSliceState returns the slice counting of o, whose slice series keeps
// o's windows in group.
func newSliceState(o Objective, group *window.Group) (*sliceState, error) {
	s, err := group.NewSeries(o.windows()...)
	if err != nil {
		return nil, err
	}
	st := &sliceState{Slices: *o.Slices, series: s, src: s, width: int64(o.Slices.Window)}
	if st.Method == RatioTimeslices {
		st.src = scaled{s}
	} else {
		st.num, st.den, _ = decimal(st.Target)
	}
	st.open = window.Bucket(group.Time(), o.Slices.Window)
	return st, nil
}

// count adds the events the objective's series counted since the last
// count (its totals are good and bad) to the open slice, and judges the
// slice when now, the instant the group is about to advance to, lies in a
// later one. It runs before the group's rotation, so that the verdict is
// rotated with the slice's last events into the step the group was in,
// the slice's own: a window of length w then holds the slices that ended
// in the last w, w / Window of them, as the fleet's rules count them.
func (st *sliceState) count(good, bad uint64, now time.Time) {
	st.good, st.bad = saturating(st.good, good-st.seenG), saturating(st.bad, bad-st.seenB)
	st.seenG, st.seenB = good, bad
	k := window.Bucket(now, time.Duration(st.width))
	if k <= st.open {
		return
	}
	st.judge()
	st.open = k
}

// countSlices counts the slices of every objective of slices before the
// group advances to now. It requires Registry.mu held for writing and the
// journeys drained.
func (r *Registry) countSlices(now time.Time) {
	for _, o := range r.objs {
		if o.slices != nil {
			g, b := o.series.Total()
			o.slices.count(g, b, now)
		}
	}
}

// judge moves the open slice's verdict into the slice series, and opens a
// new slice. A slice with no events is left out.
func (st *sliceState) judge() {
	g, b := st.good, st.bad
	st.good, st.bad = 0, 0
	n := g + b
	if n < g || n > maxSliceEvents { // scale down a slice beyond exact integers
		g, b = g/2, b/2
		n = g + b
	}
	if n == 0 {
		return
	}
	if st.Method == RatioTimeslices {
		// bad share in millionths, rounded to nearest: (2*b*S + n) / (2n),
		// in 128 bits so that no slice is too large.
		hi, lo := bits.Mul64(b, 2*ratioScale)
		lo, c := bits.Add64(lo, n, 0)
		hi += c
		q, _ := bits.Div64(hi, lo, 2*n)
		st.series.Add(ratioScale-q, q)
		return
	}
	// Good when g/n >= num/den: g*den >= num*n, exactly, in 128 bits.
	h1, l1 := bits.Mul64(g, st.den)
	h2, l2 := bits.Mul64(st.num, n)
	if h1 > h2 || (h1 == h2 && l1 >= l2) {
		st.series.Add(1, 0)
	} else {
		st.series.Add(0, 1)
	}
}

func saturating(a, b uint64) uint64 {
	if c := a + b; c >= a {
		return c
	}
	return ^uint64(0)
}

// scaled reads a RatioTimeslices slice series in slices: its sums divided
// by ratioScale, so that a window's good is the sum of its slices' shares
// and good + bad its number of slices.
type scaled struct{ s burnrate.Source }

// Sum returns the window's slices: its units over ratioScale.
func (s scaled) Sum(d time.Duration) (good, bad float64) {
	g, b := s.s.Sum(d)
	return g / ratioScale, b / ratioScale
}

// cloneSlices returns a copy of s, so that the registry's objective does
// not share the caller's.
func cloneSlices(s *Slices) *Slices {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}

// sliceTick returns a window whose resolution is one minute, for a sliced
// objective, so that the registry's tick divides every slice and slices
// begin and end at steps; none for an objective of events.
func (o Objective) sliceTick() []time.Duration {
	if o.Slices == nil {
		return nil
	}
	return []time.Duration{100 * time.Minute}
}

// source returns what the objective's budget and burn rates read: its
// events, or its judged slices.
func (o *objective) source() burnrate.Source {
	if o.slices != nil {
		return o.slices.src
	}
	return o.series
}

// budgetSeries returns the series of the objective's budget: its events,
// or its judged slices (in millionths of a slice for RatioTimeslices,
// which the budget's shares do not see).
func (o *objective) budgetSeries() *window.Series {
	if o.slices != nil {
		return o.slices.series
	}
	return o.series
}

// Unit returns what the status's Good, Bad and MinEvents count: "slices"
// for an objective with Slices, else "events".
func (s Status) Unit() string {
	if s.Slices != nil {
		return "slices"
	}
	return "events"
}

// SliceCounts returns how many slices the period holds and how many of them
// are bad, rounded to the nearest slice ("12 of 20160 slices bad"), and
// false for an objective of events. For RatioTimeslices, bad is the sum
// of the slices' shares of bad events.
func (s Status) SliceCounts() (bad, all uint64, ok bool) {
	if s.Slices == nil {
		return 0, 0, false
	}
	return s.Bad, saturating(s.Good, s.Bad), true
}

// slicesShape is the JSON and YAML of Slices, in an objective and in a
// status: {"method": "Timeslices", "window": "1m", "target": 0.95}, the
// target left out for RatioTimeslices.
type slicesShape struct {
	Method SliceMethod `json:"method" yaml:"method"`
	Window string      `json:"window" yaml:"window"`
	Target float64     `json:"target,omitempty" yaml:"target,omitempty"`
}

func (s *Slices) shape() *slicesShape {
	if s == nil {
		return nil
	}
	return &slicesShape{Method: s.Method, Window: duration(s.Window), Target: figure.Tidy(s.Target)}
}

func (s *slicesShape) slices(f *fields) *Slices {
	if s == nil {
		return nil
	}
	return &Slices{Method: s.Method, Window: f.duration("slices.window", s.Window), Target: s.Target}
}

// sliceUnit returns how many units of the objective's budget series make
// one of what its status counts: ratioScale for RatioTimeslices, else 1.
func (o *objective) sliceUnit() float64 {
	if o.slices != nil && o.slices.Method == RatioTimeslices {
		return ratioScale
	}
	return 1
}

// outlookSource returns what an outlook of the objective evaluates: the
// projection p of its budget series, in slices for RatioTimeslices.
func (o *objective) outlookSource(p burnrate.Source) burnrate.Source {
	if o.sliceUnit() != 1 {
		return scaled{p}
	}
	return p
}

// sliceSeriesSuffix names the slice series of an objective in a snapshot:
// its objective's name and this, which no objective's name can end with
// (a name holds no space), so the two never meet. A snapshot keeps the
// judged slices; the events of the slice open at the save are counted in
// the objective's event windows, not in a slice, and a restarted registry
// judges the slice it starts in on the events it sees.
const sliceSeriesSuffix = " slices"

// moved returns the slices judged since its last call, good and bad, in
// slices (fractions of one for RatioTimeslices): what an episode of the
// objective counts.
func (st *sliceState) moved() (good, bad float64) {
	g, b := st.series.Total()
	unit := 1.0
	if st.Method == RatioTimeslices {
		unit = ratioScale
	}
	good, bad = float64(g-st.movedG)/unit, float64(b-st.movedB)/unit
	st.movedG, st.movedB = g, b
	return good, bad
}

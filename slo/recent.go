package slo

import (
	"encoding/json"
	"math"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/figure"
	"github.com/journeyslo/journeyslo/window"
)

// The recent burn history's reach and step: a status page shows an
// incident start and stop over the last hours at a glance, where the
// period's burn-down, in 6-hour buckets, shows a cliff at "now".
const (
	recentSpan  = 6 * time.Hour
	recentEvery = time.Minute
)

// A RecentPoint is the burn of every window of an objective's policy at
// one evaluation: a sample of its recent burn history (see
// [Tracker.Recent]).
type RecentPoint struct {
	// Time is the start of the minute (of the tick, when the registry's
	// tick is coarser) whose first evaluation the sample is: the sample's
	// place in the history, at most a tick before the evaluation itself
	// on a registry that advances at every tick.
	Time time.Time
	// Windows holds the burn over every window the policy reads, ascending,
	// as Status.Windows had it at that evaluation, to three significant
	// digits: each Burn's Window, Rate and NoData. The history keeps no
	// event counts, so Good and Bad are zero.
	Windows []burnrate.Burn
}

// recentLog is an objective's recent burn history: a ring of one slot per
// step (see recentStep), the slot of step s at s mod slots, each slot the
// burn of every window at the step's first evaluation, in 16-bit codes
// (see burnCode). A slot whose first code is codeNone holds no sample: no
// evaluation fell in its step, or the registry is younger. Guarded by
// Registry.mu.
type recentLog struct {
	codes []uint16 // slots of w codes; a part of the registry's one block, see newRecent
	w     int      // windows per sample
	last  int64    // the step of the newest sample, in steps since the Unix epoch
	held  bool     // a sample was taken: last means something
}

// The codes of a burn (see burnCode). A sample's first code is never
// codeNone, so that the zero value of a slot reads as empty.
const (
	codeNone   = 0 // no sample in this slot
	codeNoData = 1 // the window held no events
	codeZero   = 2 // events, none bad: a burn rate of 0
	codeFirst  = 3 // the least code of an error ratio above 0
	// An error ratio in (0, 1] is coded as a float with 6 bits of
	// exponent, from 2^-63 to 2^0, and 10 of mantissa: the bits of its
	// float64 from the exponent's bit 5 down, rounded. Float64 exponent
	// 960 (2^-63) is code exponent 0.
	codeExpBias = 960 << 52
	codeShift   = 52 - 10
	codeOne     = 63 << 10 // the ratio 1: every event bad
)

// burnCode returns the 16-bit code of b, whose error ratio (bad events
// over all) is b.Rate * budget: 1 part in 2048 of the ratio, the relative
// precision a chart of a few hundred pixels cannot show, and enough for
// three significant digits. A ratio under 2^-63 (one bad event in 10^19)
// is coded as 0.
func burnCode(b burnrate.Burn, budget float64) uint16 {
	if b.NoData {
		return codeNoData
	}
	ratio := b.Rate * budget
	switch {
	case !(ratio >= 0x1p-63): // 0, or NaN, which Rate never is
		return codeZero
	case ratio >= 1:
		return codeOne
	}
	// Adding half of the dropped bits rounds to nearest; a carry moves the
	// exponent up, as it should.
	c := (math.Float64bits(ratio) - codeExpBias + 1<<(codeShift-1)) >> codeShift
	return uint16(max(c, codeFirst))
}

// burnOf returns the burn of window d that code c codes, its rate to
// three significant digits.
func burnOf(c uint16, d time.Duration, budget float64) burnrate.Burn {
	switch c {
	case codeNoData:
		return burnrate.Burn{Window: d, NoData: true}
	case codeZero:
		return burnrate.Burn{Window: d}
	}
	ratio := math.Float64frombits(uint64(c)<<codeShift + codeExpBias)
	return burnrate.Burn{Window: d, Rate: significant3(ratio / budget)}
}

// significant3 returns x > 0 rounded to three significant digits: what
// burnCode keeps, without the binary noise of its rounding (14.4 rather
// than 14.40625).
func significant3(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 0) {
		return x
	}
	// Scale by a power of ten that float64 holds exactly, so that the one
	// rounding is Round's and the division or product lands on the double
	// nearest the decimal.
	e := int(math.Floor(math.Log10(x))) - 2
	switch {
	case e > 22 || e < -22:
		return x // beyond the exact powers of ten; rates never are
	case e >= 0:
		p := math.Pow10(e)
		return math.Round(x/p) * p
	default:
		p := math.Pow10(-e)
		return math.Round(x*p) / p
	}
}

// recentStep returns the history's sampling step: a minute, or the
// registry's tick when that is coarser.
func (r *Registry) recentStep() time.Duration { return max(recentEvery, r.Tick()) }

// recentSlots returns how many steps the history spans: 6 hours of them,
// at least one.
func (r *Registry) recentSlots() int { return max(1, int(recentSpan/r.recentStep())) }

// newRecent gives every objective its history, all in one block: 360
// slots of 7 codes, 5,040 bytes, for the default policy, with none of the
// rounding up that as many small allocations would cost.
func (r *Registry) newRecent() {
	n, total := r.recentSlots(), 0
	for _, o := range r.objs {
		total += n * len(o.Policy.Windows())
	}
	block := make([]uint16, total)
	for _, o := range r.objs {
		w := len(o.Policy.Windows())
		o.recent = recentLog{codes: block[: n*w : n*w], w: w}
		block = block[n*w:]
	}
}

// sampleRecent adds the evaluation at now of every objective to its
// recent history, when it is the first of its step. It allocates nothing.
// It requires r.mu held for writing.
func (r *Registry) sampleRecent(now time.Time) {
	step := window.Bucket(now, r.recentStep())
	for _, o := range r.objs {
		h := &o.recent
		if h.held && step <= h.last {
			continue // this step has its sample, or time went back
		}
		slots := int64(len(h.codes) / h.w)
		if h.held {
			// No evaluation fell in the steps since the last sample: their
			// slots hold samples of older steps, which must not show as
			// theirs. A gap of the whole span empties every slot.
			for s := h.last + 1; s < step && s <= h.last+slots; s++ {
				h.codes[recentSlot(s, slots)*h.w] = codeNone
			}
		}
		at := recentSlot(step, slots) * h.w
		for i, b := range o.eval.Windows[:h.w] {
			h.codes[at+i] = burnCode(b, o.budget)
		}
		h.last, h.held = step, true
	}
}

// recentSlot returns the slot of step s in a ring of n.
func recentSlot(s, n int64) int {
	m := s % n
	if m < 0 {
		m += n
	}
	return int(m)
}

// Recent returns the objective's recent burn history, oldest first: the
// burn rate of every window of its policy at the first evaluation of each
// minute (each tick, when the registry's tick is coarser) over the 6 hours
// up to the newest sample, so that a reader sees an incident start and
// stop against each rule's factor. Each point's Time is the start of its
// minute.
//
// The history is a chart's: each rate to three significant digits (14.4,
// 0.488), no event counts. [Tracker.Status] has the exact figures of the
// last evaluation; the windows' events are exported as counters (sloprom,
// slootel) for queries over any span.
//
// The history is this process's: it starts at [New] (a snapshot restores
// the windows, not their past burn), holds one sample per minute in which
// the registry advanced, and after Close ends at Close. Each objective
// keeps 360 samples at most, allocated at New: 2 bytes a window in each,
// 5,040 bytes for the default policy's seven windows. Recording it
// allocates nothing; Recent allocates its answer.
func (t *Tracker) Recent() []RecentPoint {
	r, o := t.reg, t.o
	r.mu.RLock()
	defer r.mu.RUnlock()
	h := &o.recent
	if !h.held {
		return []RecentPoint{} // unreachable: New evaluates once
	}
	every := int64(r.recentStep())
	slots := int64(len(h.codes) / h.w)
	held := 0
	for s := h.last - slots + 1; s <= h.last; s++ {
		if h.codes[recentSlot(s, slots)*h.w] != codeNone {
			held++
		}
	}
	out := make([]RecentPoint, 0, held)
	burns := make([]burnrate.Burn, 0, held*h.w)
	for s := h.last - slots + 1; s <= h.last; s++ {
		at := recentSlot(s, slots) * h.w
		codes := h.codes[at : at+h.w]
		if codes[0] == codeNone {
			continue // no evaluation in this step
		}
		for i, c := range codes {
			burns = append(burns, burnOf(c, o.eval.Windows[i].Window, o.budget))
		}
		n := len(burns)
		out = append(out, RecentPoint{Time: time.Unix(0, s*every).UTC(), Windows: burns[n-h.w : n : n]})
	}
	return out
}

type (
	recentPointShape struct {
		Time    string            `json:"time" yaml:"time"`
		Windows []recentBurnShape `json:"windows" yaml:"windows"`
	}
	// recentBurnShape is a Burn without the counts the history does not
	// keep.
	recentBurnShape struct {
		Window string   `json:"window" yaml:"window"`
		Rate   *float64 `json:"burnRate" yaml:"burnRate"`
		NoData bool     `json:"noData" yaml:"noData"`
	}
)

func (p RecentPoint) shape() recentPointShape {
	s := recentPointShape{Time: instant(p.Time), Windows: make([]recentBurnShape, len(p.Windows))}
	for i, b := range p.Windows {
		s.Windows[i] = recentBurnShape{Window: burnrate.FormatWindow(b.Window), Rate: finiteOrNull(figure.Tidy(b.Rate)), NoData: b.NoData}
	}
	return s
}

func (s recentPointShape) point() (RecentPoint, error) {
	var f fields
	p := RecentPoint{Time: f.instant("time", s.Time), Windows: make([]burnrate.Burn, len(s.Windows))}
	for i, b := range s.Windows {
		p.Windows[i] = burnrate.Burn{Window: f.duration("window", b.Window), Rate: deref(b.Rate, 0), NoData: b.NoData}
	}
	if f.err != nil {
		return RecentPoint{}, f.err
	}
	return p, nil
}

// MarshalJSON encodes the point as
//
//	{"time": "2026-03-02T09:00:00Z", "windows": [{"window": "5m",
//	 "burnRate": 52.6, "noData": false}, ...]}
//
// the windows in the shape of a Status's without the counts, which the
// history does not keep.
func (p RecentPoint) MarshalJSON() ([]byte, error) { return json.Marshal(p.shape()) }

// UnmarshalJSON decodes what MarshalJSON encodes, ignoring unknown fields
// (a Status window's good and bad among them).
func (p *RecentPoint) UnmarshalJSON(b []byte) error {
	return decode(b, "recent point", recentPointShape.point, p)
}

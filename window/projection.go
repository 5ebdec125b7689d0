package window

import (
	"math"
	"time"
)

// A Projection is a series' windows as they stood at one step of its group,
// carried forward: at step k ahead ([Projection.SetStep]) it sums what the
// series would sum k steps later had a steady flow of events, good and bad
// a step, been recorded in each of those steps and nothing else. It answers
// questions such as "when has this window let the outage go" without
// replaying the steps ahead through a group.
//
// Its sums are the series' own: each window is the events of its whole
// buckets plus the share of the bucket its start falls in, computed by the
// same code as [Series.Sum] from the buckets as read at the projection's
// start and the flow added since. So for a whole number of events a step
// it gives the very float64 a series that recorded them would give, and a
// decision taken on it (a burn rate against a factor, a budget above zero)
// is taken at the very step a live series would take it.
//
// A Projection holds no lock and shares nothing with its series: moving it
// is for one goroutine at a time. Make one with [Series.Project]. Like a
// Series it reads a window by its length, so a burn-rate policy can be
// evaluated over it (package burnrate's Source) as over the series.
type Projection struct {
	t0, tick  int64 // the group's time at the read and its step, in nanoseconds
	k         int64 // steps ahead of t0
	good, bad float64
	wins      []projected // ascending, as the series keeps them
	next      int         // where the next Sum starts looking: the window read last, as callers read windows in order
}

// projected is one window as read: its buckets from the one its start fell
// in to the current one, and, for the bucket its start is in at the
// projection's step, what Sum needs of it.
type projected struct {
	d, width int64 // nanoseconds
	steps    int64 // steps a bucket spans: width / tick
	first    int64 // index of counts[0], in widths since the Unix epoch
	counts   []Counts
	suffix   []Counts // suffix[i] sums counts[i:]; one longer, ending in zero

	// The bucket the window's start is in at the last Sum, o, and its
	// bounds [lo, lo+width): while the start stays in it, only the share
	// and the steps since the read change.
	o, lo     int64
	whole     [2]float64 // the read events of the buckets after o, good and bad
	part      [2]float64 // the read events of bucket o
	cEnd, cLo int64      // steps since the read that start before bucket o's end, and before its start, uncapped by k
	valid     bool
}

// Project reads the series' windows at the group's step, with the events
// recorded since the last advance in the current bucket as [Series.Sum]
// counts them, and returns them as a projection at step 0, with good and
// bad events recorded at every step ahead. The flow may be fractional (a
// rate, such as 16.67 events a step); a negative or NaN count is none, an
// infinite one the largest float64.
func (s *Series) Project(good, bad float64) *Projection {
	s.g.mu.RLock()
	defer s.g.mu.RUnlock()
	p := &Projection{t0: s.g.epoch * s.g.tick, tick: s.g.tick, good: flow(good), bad: flow(bad), wins: make([]projected, len(s.wins))}
	for i := range s.wins {
		w := &s.wins[i]
		width, first, _, counts := s.read(w)
		pw := projected{d: int64(w.d), width: int64(width), steps: int64(width) / s.g.tick, first: first, counts: counts, suffix: make([]Counts, len(counts)+1)}
		for j := len(counts) - 1; j >= 0; j-- {
			pw.suffix[j] = pw.suffix[j+1].plus(counts[j])
		}
		p.wins[i] = pw
	}
	return p
}

// flow returns n as a count of events a step: 0 when negative or NaN, the
// largest float64 when infinite (an infinite flow times no step would be
// NaN).
func flow(n float64) float64 {
	if !(n > 0) {
		return 0
	}
	return min(n, math.MaxFloat64)
}

// SetStep moves the projection to k steps after the read; a negative k is the
// read itself, step 0.
func (p *Projection) SetStep(k int64) { p.k = max(k, 0) }

// Step returns how many steps after the read the projection is.
func (p *Projection) Step() int64 { return p.k }

// Time returns where the windows end at the projection's step: the group's
// time at the read plus Step steps. At step 0 it is [Group.Time] as it was
// then.
func (p *Projection) Time() time.Time { return time.Unix(0, p.t0+p.k*p.tick) }

// Sum returns the events in the window of length d that ends at Time, as
// the series would sum them had the flow been recorded at each step since
// the read: the read buckets with the flow of each step in the bucket the
// step starts in, the whole buckets counted whole and the one the window's
// start falls in pro rata. A window the series does not keep sums to zero.
func (p *Projection) Sum(d time.Duration) (good, bad float64) {
	w := p.window(int64(d))
	if w == nil {
		return 0, 0
	}
	start := p.t0 + p.k*p.tick - w.d
	if !w.valid || start < w.lo || start-w.lo >= w.width {
		if w.valid && start-w.lo >= w.width && start-w.lo < 2*w.width {
			p.enter(w, w.o+1) // the next bucket, as a step ahead makes it
		} else {
			p.enter(w, floorDiv(start, w.width))
		}
	}
	share := shareFrom(w.o, start, w.width)
	// The steps since the read that start inside bucket o, and after it.
	in := min(p.k, w.cEnd) - min(p.k, w.cLo)
	after := p.k - min(p.k, w.cEnd)
	good = proRata(w.whole[0]+p.good*float64(after), w.part[0]+p.good*float64(in), share)
	bad = proRata(w.whole[1]+p.bad*float64(after), w.part[1]+p.bad*float64(in), share)
	return good, bad
}

// Steady returns the last step, from the projection's step on, up to which
// the window of length d changes steadily: in exact arithmetic its good
// and bad sums are affine functions of the step there (their float64
// values are those, rounded), because its start stays inside one bucket,
// whose share falls by the same amount at each step while the flow adds
// the same events. A window that holds the flow alone, every bucket read
// having left it, sums the same events at every step in exact arithmetic:
// it is steady from then on, and Steady returns math.MaxInt64. So is a
// window the series does not keep, which sums to zero.
//
// Between two steps of a steady stretch every ratio of the window's sums,
// such as its error ratio, lies between its values at the two ends: a
// search for the step at which such a ratio crosses a threshold can skip a
// stretch whose two ends are clearly on the same side.
func (p *Projection) Steady(d time.Duration) int64 {
	w := p.window(int64(d))
	if w == nil {
		return math.MaxInt64
	}
	start := p.t0 + p.k*p.tick - w.d
	o := floorDiv(start, w.width)
	if o >= w.first+int64(len(w.counts)) {
		return math.MaxInt64 // past the bucket that held t0: the flow alone
	}
	// The last step whose window starts before bucket o's end.
	return p.k + ((o+1)*w.width-start+p.tick-1)/p.tick - 1
}

// window returns the window of length d, looking from the one found last:
// an evaluation reads its windows ascending, a search one window again and
// again.
func (p *Projection) window(d int64) *projected {
	n := len(p.wins)
	for j := range n {
		i := p.next + j
		if i >= n {
			i -= n
		}
		if p.wins[i].d == d {
			p.next = i
			return &p.wins[i]
		}
	}
	return nil
}

// enter makes bucket o the one w's start is in.
func (p *Projection) enter(w *projected, o int64) {
	var part, whole Counts
	if i := o - w.first; i >= 0 && i < int64(len(w.counts)) {
		part = w.counts[i]
	}
	if i := max(o+1-w.first, 0); i < int64(len(w.suffix)) {
		whole = w.suffix[i]
	}
	next := w.valid && o == w.o+1
	w.o, w.lo, w.valid = o, o*w.width, true
	w.part = [2]float64{float64(part.Good), float64(part.Bad)}
	w.whole = [2]float64{float64(whole.Good), float64(whole.Bad)}
	if next {
		w.cLo = w.cEnd // the bucket starts where the last one ended
	} else {
		w.cLo = p.stepsBefore(w.lo)
	}
	if w.lo >= p.t0 {
		// Buckets and t0 are whole steps apart: a bucket after t0 has
		// all its steps.
		w.cEnd = w.cLo + w.steps
	} else {
		w.cEnd = p.stepsBefore(w.lo + w.width)
	}
}

// stepsBefore returns how many steps since the read start before instant t
// (nanoseconds), however many the projection has taken: those i >= 0 with
// t0 + i*tick < t.
func (p *Projection) stepsBefore(t int64) int64 {
	n := t - p.t0
	if n <= 0 {
		return 0
	}
	return (n + p.tick - 1) / p.tick
}

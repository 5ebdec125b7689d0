package window

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Counts is a number of good and bad events.
type Counts struct {
	Good, Bad uint64
}

// Total returns Good + Bad, or the largest uint64 when the sum would
// overflow.
func (c Counts) Total() uint64 {
	if t := c.Good + c.Bad; t >= c.Good {
		return t
	}
	return math.MaxUint64
}

func (c Counts) plus(o Counts) Counts  { return Counts{c.Good + o.Good, c.Bad + o.Bad} }
func (c Counts) minus(o Counts) Counts { return Counts{c.Good - o.Good, c.Bad - o.Bad} }

// Limits on the windows a series keeps.
const (
	// MinWindow is the shortest window kept to 1% accuracy with the finest
	// bucket (one second).
	MinWindow = 100 * time.Second
	// MaxWindow is the longest window a series keeps (400 days).
	MaxWindow = 400 * 24 * time.Hour
)

// ErrInvalid is wrapped by every error about a window or a group setting.
var ErrInvalid = errors.New("window: invalid setting")

// ladder holds the bucket widths; each divides the next, so every ring's
// buckets are whole multiples of any finer ring's, aligned to the Unix epoch.
var ladder = [...]time.Duration{
	time.Second, 3 * time.Second, 15 * time.Second,
	time.Minute, 5 * time.Minute, 15 * time.Minute,
	time.Hour, 3 * time.Hour, 6 * time.Hour, 24 * time.Hour,
}

// Resolution returns the bucket width that keeps a window of length d: the
// widest on the ladder that is at most d/100. Windows shorter than
// [MinWindow] get the finest width, one second.
func Resolution(d time.Duration) time.Duration {
	r := ladder[0]
	for _, w := range ladder[1:] {
		if w*100 > d {
			break
		}
		r = w
	}
	return r
}

// Tick returns the rotation step a group needs to keep all of the given
// windows: the finest of their resolutions. It is one second when no window
// is given.
func Tick(windows ...time.Duration) time.Duration {
	if len(windows) == 0 {
		return ladder[0]
	}
	t := ladder[len(ladder)-1]
	for _, d := range windows {
		t = min(t, Resolution(d))
	}
	return t
}

// Bytes returns the memory that the rings of a series keeping the given
// windows take: 16 bytes a bucket, each ring as long as its longest window
// plus the bucket that the window's start falls in (1402 buckets, 22432
// bytes, for the default 30-day windows). The fixed overhead of a series
// (its live cell, ring and window headers) is a few hundred bytes more.
func Bytes(windows ...time.Duration) int {
	rings, _ := plan(windows)
	n := 0
	for _, r := range rings {
		n += r.slots
	}
	return n * 16
}

// CheckWindow reports whether a series can keep a window of length d.
func CheckWindow(d time.Duration) error {
	switch {
	case d < MinWindow:
		return fmt.Errorf("%w: window %v is shorter than %v, the shortest kept to 1%% accuracy", ErrInvalid, d, MinWindow)
	case d > MaxWindow:
		return fmt.Errorf("%w: window %v is longer than %v, the longest a series keeps", ErrInvalid, d, MaxWindow)
	}
	return nil
}

// A Group advances the time of many series together. Series created by
// [Group.NewSeries] are rotated by [Group.Advance] and read under the
// group's lock.
//
// The zero value is not usable; create a Group with [NewGroup]. A Group is
// safe for concurrent use.
type Group struct {
	tick int64 // nanoseconds a rotation step spans; a ladder width

	mu     sync.RWMutex
	epoch  int64     // index of the current step since the Unix epoch: floor(unixnano/tick)
	series []*Series // every series of the group
}

// NewGroup returns a group whose rotation step is tick (a ladder width; see
// [Tick]) and whose current step holds now.
func NewGroup(tick time.Duration, now time.Time) (*Group, error) {
	if !slices.Contains(ladder[:], tick) {
		return nil, fmt.Errorf("%w: tick %v is not a bucket width; use one of %v", ErrInvalid, tick, ladder)
	}
	return &Group{tick: int64(tick), epoch: floorDiv(now.UnixNano(), int64(tick))}, nil
}

// Tick returns the group's rotation step.
func (g *Group) Tick() time.Duration { return time.Duration(g.tick) }

// Time returns the start of the step the group was last advanced into.
func (g *Group) Time() time.Time {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return time.Unix(0, g.epoch*g.tick)
}

// Len returns the number of series in the group.
func (g *Group) Len() int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return len(g.series)
}

// Advance moves every series of the group to the step holding now: events
// recorded since the last advance are attributed to the step they were
// recorded in (the one the group was in), and buckets that leave a window are
// dropped from its sum. It reports whether the step changed. An instant
// earlier than the group's step is ignored.
//
// Advance does work proportional to the number of steps crossed, capped by
// the size of the rings: a gap of a year costs no more than one of a month.
func (g *Group) Advance(now time.Time) bool {
	to := floorDiv(now.UnixNano(), g.tick)
	g.mu.Lock()
	defer g.mu.Unlock()
	if to <= g.epoch {
		return false
	}
	for _, s := range g.series {
		s.rotate(to)
	}
	g.epoch = to
	return true
}

// A Series counts good and bad events over a fixed set of windows.
//
// Recording ([Series.Good], [Series.Bad], [Series.Add]) is safe for
// concurrent use and costs one atomic add. Reading takes the group's read
// lock. A Series is created by [Group.NewSeries]; its zero value is not
// usable.
type Series struct {
	live cell
	_    [64 - 16]byte // keeps the writers' cache line apart from the rotator's fields

	g     *Group
	rings []ring   // guarded by g.mu
	wins  []win    // guarded by g.mu; ascending by length
	total Counts   // every event folded so far; guarded by g.mu
	slots []Counts // the backing array of every ring
}

// cell is written by recorders and emptied by Swap at each rotation.
type cell struct {
	good, bad atomic.Uint64
}

type ring struct {
	per   int64    // group steps per bucket
	cur   int64    // index of the current bucket: floor(epoch/per)
	slots []Counts // bucket i lives at slots[i mod len]
}

// win is one window: at the group's step, whose start is at T, the window
// [T-d, T) begins inside bucket first-1 of its ring, counted pro rata, and
// holds buckets first to the ring's current one whole. sum is the folded
// content of those whole buckets; the live cell and the partial bucket are
// added when the window is read.
type win struct {
	d     time.Duration
	ring  int   // index into rings
	first int64 // the oldest bucket counted whole; see startBucket
	until int64 // the group step at which the window's start reaches bucket first
	sum   Counts
}

// setFirst makes bucket first of width w the window's oldest whole one.
// The window's start reaches it at the first step E with E*tick - d >=
// first*w; until then a rotation has nothing to drop from this window.
func (w *win) setFirst(first, width, tick int64) {
	w.first = first
	w.until = -floorDiv(-(first*width + int64(w.d)), tick)
}

// startBucket returns the bucket of width w that holds the start of the
// window of length d at group step epoch, and the share of that bucket that
// lies inside the window, in (0, 1]. The window is [T-d, T) with T the
// step's start: its whole buckets follow the returned one, up to the bucket
// holding T.
func startBucket(epoch, tick int64, d time.Duration, w int64) (idx int64, share float64) {
	start := epoch*tick - int64(d)
	idx = floorDiv(start, w)
	return idx, shareFrom(idx, start, w)
}

// shareFrom returns the share of bucket idx of width w that lies at or after
// instant start (nanoseconds), for a start inside it: in (0, 1].
func shareFrom(idx, start, w int64) float64 {
	return float64((idx+1)*w-start) / float64(w)
}

// proRata returns the events of a window whose whole buckets hold whole
// events and whose oldest bucket, part, lies inside it by share: what
// Series.Sum and Projection.Sum count, in one float64 arithmetic.
func proRata(whole, part, share float64) float64 {
	return whole + part*share
}

// plan chooses the rings for a set of windows: one per distinct resolution,
// as long as its longest window. It returns them finest first, with the
// windows ascending and deduplicated.
func plan(windows []time.Duration) ([]ringPlan, []winPlan) {
	var rings []ringPlan
	var wins []winPlan
	for _, d := range windows {
		if slices.ContainsFunc(wins, func(w winPlan) bool { return w.d == d }) {
			continue
		}
		res := Resolution(d)
		// The window spans ceil(d/res) bucket widths; when its start falls
		// inside a bucket it touches one more, counted pro rata.
		k := int((d+res-1)/res) + 1
		ri := slices.IndexFunc(rings, func(r ringPlan) bool { return r.width == res })
		if ri < 0 {
			rings = append(rings, ringPlan{width: res})
			ri = len(rings) - 1
		}
		rings[ri].slots = max(rings[ri].slots, k)
		wins = append(wins, winPlan{d: d, width: res, k: k})
	}
	slices.SortFunc(rings, func(a, b ringPlan) int { return cmp.Compare(a.width, b.width) })
	slices.SortFunc(wins, func(a, b winPlan) int { return cmp.Compare(a.d, b.d) })
	return rings, wins
}

type ringPlan struct {
	width time.Duration
	slots int
}

type winPlan struct {
	d     time.Duration
	width time.Duration
	k     int // slots the window needs: the buckets it touches at most
}

// NewSeries returns a series of the group that keeps the given windows.
// Every window must be between [MinWindow] and [MaxWindow] and need buckets
// no finer than the group's tick.
func (g *Group) NewSeries(windows ...time.Duration) (*Series, error) {
	var errs []error
	for _, d := range windows {
		if err := CheckWindow(d); err != nil {
			errs = append(errs, err)
		} else if r := Resolution(d); int64(r) < g.tick {
			errs = append(errs, fmt.Errorf("%w: window %v needs buckets of %v but the group steps every %v; build the group with Tick of all its windows", ErrInvalid, d, r, g.Tick()))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	rp, wp := plan(windows)
	n := 0
	for _, r := range rp {
		n += r.slots
	}
	s := &Series{g: g, slots: make([]Counts, n), rings: make([]ring, len(rp)), wins: make([]win, len(wp))}
	g.mu.Lock()
	defer g.mu.Unlock()
	off := 0
	for i, r := range rp {
		per := int64(r.width) / g.tick
		s.rings[i] = ring{per: per, cur: floorDiv(g.epoch, per), slots: s.slots[off : off+r.slots : off+r.slots]}
		off += r.slots
	}
	for i, w := range wp {
		ri := slices.IndexFunc(rp, func(r ringPlan) bool { return r.width == w.width })
		r := &s.rings[ri]
		o, _ := startBucket(g.epoch, g.tick, w.d, r.per*g.tick)
		s.wins[i] = win{d: w.d, ring: ri}
		s.wins[i].setFirst(o+1, r.per*g.tick, g.tick)
	}
	g.series = append(g.series, s)
	return s, nil
}

// Good records one good event.
func (s *Series) Good() { s.live.good.Add(1) }

// Bad records one bad event.
func (s *Series) Bad() { s.live.bad.Add(1) }

// Add records good and bad events at once.
func (s *Series) Add(good, bad uint64) {
	if good != 0 {
		s.live.good.Add(good)
	}
	if bad != 0 {
		s.live.bad.Add(bad)
	}
}

// Windows returns the windows the series keeps, ascending.
func (s *Series) Windows() []time.Duration {
	out := make([]time.Duration, len(s.wins))
	for i, w := range s.wins {
		out[i] = w.d
	}
	return out
}

// Keeps reports whether the series keeps a window of length d.
func (s *Series) Keeps(d time.Duration) bool {
	for i := range s.wins {
		if s.wins[i].d == d {
			return true
		}
	}
	return false
}

// Sum returns the events in the window of length d that ends at the
// group's time ([Group.Time]), plus those recorded since the last advance.
// The window is exactly d long: its whole buckets count every event they
// hold, and the bucket its start falls in counts the share of its events
// that its time inside the window makes, as if that bucket's events were
// spread evenly over it. The counts are therefore fractional; on steady
// traffic they are what a counter sampled at both ends of the window would
// show. A window the series does not keep sums to zero (see [Series.Keeps]).
//
// In float64 terms, good is float64(whole) + float64(part)*share, where
// whole counts the whole buckets and the live events, part the start's
// bucket and share its share (see [Series.Buckets]); the same for bad.
func (s *Series) Sum(d time.Duration) (good, bad float64) {
	s.g.mu.RLock()
	defer s.g.mu.RUnlock()
	for i := range s.wins {
		if w := &s.wins[i]; w.d == d {
			r := &s.rings[w.ring]
			_, share := startBucket(s.g.epoch, s.g.tick, d, r.per*s.g.tick)
			part := r.slots[mod(w.first-1, len(r.slots))]
			whole := Counts{saturate(w.sum.Good, s.live.good.Load()), saturate(w.sum.Bad, s.live.bad.Load())}
			return proRata(float64(whole.Good), float64(part.Good), share), proRata(float64(whole.Bad), float64(part.Bad), share)
		}
	}
	return 0, 0
}

// SumSince returns the events of the window of length d from instant
// since to the group's time, plus those recorded since the last advance:
// its buckets after the one since falls in whole, and that bucket by the
// share of it at or after since, as [Series.Sum] counts the window's oldest
// bucket. A since before the window's start sums the whole window (its
// [Series.Sum]); a since after the group's time sums the events recorded
// since the last advance. A window the series does not keep sums to zero.
//
// It reads every bucket from since on: a reader that needs the count at
// every step keeps a running total rather than call it at every step.
func (s *Series) SumSince(d time.Duration, since time.Time) (good, bad float64) {
	s.g.mu.RLock()
	defer s.g.mu.RUnlock()
	for i := range s.wins {
		w := &s.wins[i]
		if w.d != d {
			continue
		}
		r := &s.rings[w.ring]
		width := r.per * s.g.tick
		start := s.g.epoch*s.g.tick - int64(d)
		at := max(since.UnixNano(), start)
		idx := floorDiv(at, width)
		share := shareFrom(idx, at, width)
		var whole, part Counts
		if idx <= r.cur {
			part = r.slots[mod(idx, len(r.slots))]
			if idx == r.cur {
				// The current bucket is open: what it holds is spread over
				// its time so far, not its width.
				share = 0
				if now := s.g.epoch * s.g.tick; now > at {
					share = float64(now-at) / float64(now-idx*width)
				}
			}
			for j := idx + 1; j <= r.cur; j++ {
				whole = whole.plus(r.slots[mod(j, len(r.slots))])
			}
		}
		whole = Counts{saturate(whole.Good, s.live.good.Load()), saturate(whole.Bad, s.live.bad.Load())}
		return proRata(float64(whole.Good), float64(part.Good), share), proRata(float64(whole.Bad), float64(part.Bad), share)
	}
	return 0, 0
}

// saturate returns a + b, or the largest uint64 when that would overflow.
func saturate(a, b uint64) uint64 {
	if c := a + b; c >= a {
		return c
	}
	return math.MaxUint64
}

// Buckets returns the buckets that the window of length d touches, oldest
// first: their width, the start of the oldest, the share of the oldest
// bucket that lies inside the window (in (0, 1]; see [Series.Sum]), and
// their counts, the current partial bucket last and including events
// recorded since the last advance. The oldest bucket's counts are whole, as
// recorded: multiply them by share for the window's part. It returns nil
// counts for a window the series does not keep.
func (s *Series) Buckets(d time.Duration) (width time.Duration, first time.Time, share float64, counts []Counts) {
	s.g.mu.RLock()
	defer s.g.mu.RUnlock()
	for i := range s.wins {
		if w := &s.wins[i]; w.d == d {
			width, o, share, counts := s.read(w)
			return width, time.Unix(0, o*int64(width)), share, counts
		}
	}
	return 0, time.Time{}, 0, nil
}

// read returns window w's buckets as Buckets does, with the index of the
// oldest in widths since the Unix epoch. It requires s.g.mu held.
func (s *Series) read(w *win) (width time.Duration, first int64, share float64, counts []Counts) {
	r := &s.rings[w.ring]
	width = time.Duration(r.per * s.g.tick)
	first, share = startBucket(s.g.epoch, s.g.tick, w.d, int64(width))
	counts = make([]Counts, r.cur-first+1)
	for j := range counts {
		counts[j] = r.slots[mod(first+int64(j), len(r.slots))]
	}
	last := &counts[len(counts)-1]
	*last = Counts{saturate(last.Good, s.live.good.Load()), saturate(last.Bad, s.live.bad.Load())}
	return width, first, share, counts
}

// Total returns every event the series has recorded.
func (s *Series) Total() (good, bad uint64) {
	s.g.mu.RLock()
	defer s.g.mu.RUnlock()
	return s.total.Good + s.live.good.Load(), s.total.Bad + s.live.bad.Load()
}

// rotate moves the series from the group's step to step to. It requires
// s.g.mu held for writing.
func (s *Series) rotate(to int64) {
	// Swap takes what writers added and leaves zero in one step: an add
	// lands either before it (counted now) or after it (counted at the next
	// rotation), never in both and never nowhere.
	v := Counts{s.live.good.Swap(0), s.live.bad.Swap(0)}
	if v != (Counts{}) {
		s.total = s.total.plus(v)
		for i := range s.rings {
			r := &s.rings[i]
			r.slots[mod(r.cur, len(r.slots))] = r.slots[mod(r.cur, len(r.slots))].plus(v)
		}
		for i := range s.wins {
			s.wins[i].sum = s.wins[i].sum.plus(v)
		}
	}
	// Each window first drops the buckets its start has passed, then the
	// rings clear the buckets they enter. The order matters: a bucket
	// leaving a long window may share its slot with one the ring enters.
	for j := range s.wins {
		if w := &s.wins[j]; to >= w.until {
			s.slide(w, to)
		}
	}
	for i := range s.rings {
		s.advanceRing(i, floorDiv(to, s.rings[i].per))
	}
}

// slide moves window w's start to group step to, dropping from its sum the
// buckets the start has passed. It requires s.g.mu held for writing, and
// w's ring not yet moved to step to.
func (s *Series) slide(w *win, to int64) {
	r := &s.rings[w.ring]
	width := r.per * s.g.tick
	o, _ := startBucket(to, s.g.tick, w.d, width)
	if o >= r.cur {
		// Every bucket the window held whole has left it: O(1), whatever
		// the gap.
		w.sum = Counts{}
	} else {
		for ; w.first <= o; w.first++ {
			w.sum = w.sum.minus(r.slots[mod(w.first, len(r.slots))])
		}
	}
	w.setFirst(o+1, width, s.g.tick)
}

// advanceRing moves ring i to bucket c, clearing the buckets it enters. It
// requires s.g.mu held for writing.
func (s *Series) advanceRing(i int, c int64) {
	r := &s.rings[i]
	n := int64(len(r.slots))
	if c-r.cur >= n {
		// Every bucket the ring holds is older than any window: clear in
		// time proportional to the ring, not to the gap.
		clear(r.slots)
		r.cur = c
		return
	}
	for r.cur < c {
		r.cur++
		r.slots[mod(r.cur, len(r.slots))] = Counts{}
	}
}

// Bucket returns the index of the bucket of the given width that holds
// instant t: how many widths since the Unix epoch its start is, the index
// [RingState] counts buckets by. It rounds down, so that an instant before
// 1970 is in a bucket of negative index and every bucket is width long:
// with 1h buckets, 00:59:59 UTC is in bucket 0 and 23:00 UTC the day
// before in bucket -1. Buckets of any width are aligned to the epoch
// alike, so a width's bucket boundaries are also those of every width it
// divides. It returns 0 for a width that is not positive.
func Bucket(t time.Time, width time.Duration) int64 {
	if width <= 0 {
		return 0
	}
	return floorDiv(t.UnixNano(), int64(width))
}

// floorDiv returns a / b rounded down, so that the instants before the
// epoch count down as those after it count up.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func mod(a int64, n int) int {
	m := a % int64(n)
	if m < 0 {
		m += int64(n)
	}
	return int(m)
}

// State is a series' counts at one step of its group, in a form to persist
// and restore. Bucket positions are absolute (counted in bucket widths since
// the Unix epoch), so a state restored later lines up with the clock.
type State struct {
	// Step is the group step the state was taken in: Unix time / Tick.
	Step int64
	// Tick is the group's rotation step.
	Tick time.Duration
	// Total is every event the series had recorded.
	Total Counts
	// Rings holds one entry per ring of the series, finest first.
	Rings []RingState
}

// RingState is the content of one ring.
type RingState struct {
	// Width is the ring's bucket width.
	Width time.Duration
	// Last is the index of the newest bucket: the one holding Step, in
	// widths since the Unix epoch.
	Last int64
	// Buckets holds the ring's buckets, oldest first, ending with bucket
	// Last; the newest includes events recorded since the last advance.
	Buckets []Counts
}

// State returns a copy of the series' counts.
func (s *Series) State() State {
	s.g.mu.RLock()
	defer s.g.mu.RUnlock()
	live := Counts{s.live.good.Load(), s.live.bad.Load()}
	st := State{Step: s.g.epoch, Tick: s.g.Tick(), Total: s.total.plus(live), Rings: make([]RingState, len(s.rings))}
	for i := range s.rings {
		r := &s.rings[i]
		n := len(r.slots)
		b := make([]Counts, n)
		for j := range b {
			b[j] = r.slots[mod(r.cur-int64(n-1-j), n)]
		}
		b[n-1] = b[n-1].plus(live)
		st.Rings[i] = RingState{Width: time.Duration(r.per * s.g.tick), Last: r.cur, Buckets: b}
	}
	return st
}

// Restore replaces the series' counts with st's, each bucket at its own
// time: a ring of st whose width the series also keeps is copied where the
// two overlap, buckets that have left the series' rings since st was taken
// are dropped, and rings of a width st lacks start empty. When st was taken
// at a later step than the group's (the clock went back), the group moves
// forward to st's step first, as Advance would. Events recorded since the
// last advance are kept. Restore returns how many rings it restored.
//
// Rings of any length restore: a state written before windows were exactly
// their length holds one bucket fewer per ring, and the bucket it lacks,
// the one the longest window's start falls in, starts empty.
func (s *Series) Restore(st State) (int, error) {
	if st.Tick <= 0 {
		return 0, fmt.Errorf("%w: state tick %v is not positive", ErrInvalid, st.Tick)
	}
	if st.Step > math.MaxInt64/int64(st.Tick) || st.Step < math.MinInt64/int64(st.Tick) {
		return 0, fmt.Errorf("%w: state step %d at tick %v is beyond the representable time", ErrInvalid, st.Step, st.Tick)
	}
	s.g.Advance(time.Unix(0, st.Step*int64(st.Tick)))
	s.g.mu.Lock()
	defer s.g.mu.Unlock()
	clear(s.slots)
	s.total = st.Total
	restored := 0
	for i := range s.rings {
		r := &s.rings[i]
		width := time.Duration(r.per * s.g.tick)
		j := slices.IndexFunc(st.Rings, func(rs RingState) bool { return rs.Width == width })
		if j < 0 {
			continue
		}
		restored++
		rs, n := st.Rings[j], int64(len(r.slots))
		for k, c := range rs.Buckets {
			idx := rs.Last - int64(len(rs.Buckets)-1-k)
			if idx <= r.cur && idx > r.cur-n {
				r.slots[mod(idx, len(r.slots))] = c
			}
		}
	}
	for i := range s.wins {
		w := &s.wins[i]
		r := &s.rings[w.ring]
		o, _ := startBucket(s.g.epoch, s.g.tick, w.d, r.per*s.g.tick)
		w.setFirst(o+1, r.per*s.g.tick, s.g.tick)
		w.sum = Counts{}
		for idx := w.first; idx <= r.cur; idx++ {
			w.sum = w.sum.plus(r.slots[mod(idx, len(r.slots))])
		}
	}
	return restored, nil
}

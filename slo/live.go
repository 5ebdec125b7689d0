package slo

import (
	"slices"
	"sync/atomic"
	"time"
)

// A journey counts its events in one counter per outcome pattern rather
// than in each objective's series: an event's outcomes across all of the
// journey's objectives form one of few patterns, so recording is one atomic
// add whatever the number of objectives, on one cache line that no other
// journey writes. An add per objective, on the line of each series, costs
// a locked instruction per objective and, when cores record at once, moves
// every one of those lines between them; one add costs what a Prometheus
// counter's Inc does. Registry.drain moves the patterns into the series
// before each rotation.
//
// The patterns, as indexes into Journey.live:
const (
	// patBad is an event bad for every objective.
	patBad = iota
	// patUntimed is a good event of unknown latency (Put(Untimed, ...)): good
	// for availability objectives, not counted by latency objectives.
	patUntimed
	// patFast is a good event within every latency threshold. patFast+i
	// is a good event slower than i of the journey's distinct thresholds
	// and within the others; patFast+len(thresholds) is slower than all.
	patFast
)

// lineCounters is how many 8-byte counters (or durations) fill one 64-byte
// cache line.
const lineCounters = 8

// newLive returns a journey's pattern counters for the given latency
// thresholds (distinct, ascending). Their number is rounded up to whole
// cache lines: the runtime allocates a pointer-free object of 64 bytes (or
// of any multiple of 64 that is a size class) at a 64-byte boundary, so the
// counters of up to five thresholds share one line and share it with
// nothing else.
func newLive(thresholds []time.Duration) []atomic.Uint64 {
	n := patFast + len(thresholds) + 1
	return make([]atomic.Uint64, (n+lineCounters-1)/lineCounters*lineCounters)
}

// thresholds returns the distinct latency thresholds of targets, ascending,
// or nil when none judges latency. The record path reads them at every
// event, so they take whole cache lines of their own: a smaller array
// would be packed by the runtime with other small objects, such as a
// counter that another core writes.
func thresholds(targets []target) []time.Duration {
	n := 0
	for _, t := range targets {
		if t.latency > 0 {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]time.Duration, 0, (n+lineCounters-1)/lineCounters*lineCounters)
	for _, t := range targets {
		if t.latency > 0 {
			out = append(out, t.latency)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// patterns returns how many of j.live's counters are in use.
func (j *Journey) patterns() int { return patFast + len(j.thresholds) + 1 }

// split returns the good and bad events that the per-pattern counts v (as
// indexed in Journey.live) make for target t.
func (j *Journey) split(v []uint64, t *target) (good, bad uint64) {
	bad = v[patBad]
	if t.latency == 0 {
		good = v[patUntimed]
	}
	for p := patFast; p < len(v); p++ {
		// A latency objective judges good the events no slower than its
		// threshold: the patterns of the thresholds below it and its own.
		if t.latency == 0 || p-patFast <= t.rank {
			good += v[p]
		} else {
			bad += v[p]
		}
	}
	return good, bad
}

// drain moves the events recorded since the last drain from the pattern
// counters into the series of every journey, unmatched included. Each
// counter is emptied by Swap, so an event recorded meanwhile lands either
// before the swap (moved now) or after it (moved by the next drain): none
// is lost or counted twice, and every objective of a journey receives the
// same events. Advance calls it right before the group rotates, so events
// land in the step they were recorded in, as with the series' own cells.
func (r *Registry) drain() {
	r.drainMu.Lock()
	defer r.drainMu.Unlock()
	for _, j := range r.all {
		v := j.scratch
		moved := false
		for p := range v {
			v[p] = 0
			// A load first: an idle journey's line is read, not
			// taken for writing.
			if j.live[p].Load() != 0 {
				v[p] = j.live[p].Swap(0)
				moved = true
			}
		}
		if !moved {
			continue
		}
		for i := range j.targets {
			t := &j.targets[i]
			g, b := j.split(v, t)
			t.series.Add(g, b)
			for _, f := range t.feeds {
				f.series.Add(g*f.units, b*f.units)
			}
		}
	}
}

// pending returns the events of target t that j has recorded since the
// last drain. It requires Registry.drainMu held, so that no drain moves
// them into the series in between a reading of both.
func (j *Journey) pending(t *target) (good, bad uint64) {
	var v [lineCounters]uint64
	n := j.patterns()
	if n > len(v) {
		return j.split(j.loadAll(make([]uint64, n)), t)
	}
	return j.split(j.loadAll(v[:n]), t)
}

// loadAll loads the first len(v) pattern counters into v and returns it.
func (j *Journey) loadAll(v []uint64) []uint64 {
	for p := range v {
		v[p] = j.live[p].Load()
	}
	return v
}

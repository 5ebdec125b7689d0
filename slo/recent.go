package slo

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
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
	// Time is the instant of the evaluation.
	Time time.Time
	// Windows holds the burn rate over every window the policy reads,
	// ascending, as Status.Windows did at Time.
	Windows []burnrate.Burn
}

// recentLog is an objective's recent burn history: a ring of samples, the
// first evaluation of each step. Guarded by Registry.mu.
type recentLog struct {
	times []time.Time
	burns []burnrate.Burn // len(times) samples of w burns, sample i at [i*w, (i+1)*w)
	w     int             // windows per sample
	next  int             // the slot of the next sample
	n     int             // samples held
	last  int64           // the step of the newest sample, in steps since the Unix epoch
}

// recentStep returns the history's sampling step: a minute, or the
// registry's tick when that is coarser.
func (r *Registry) recentStep() time.Duration { return max(recentEvery, r.Tick()) }

// sampleRecent adds the evaluation at now of every objective to its
// recent history, when it is the first of its step. The first call
// allocates each ring; later ones allocate nothing. It requires r.mu held
// for writing.
func (r *Registry) sampleRecent(now time.Time) {
	every := r.recentStep()
	step := window.Bucket(now, every)
	for _, o := range r.objs {
		h := &o.recent
		if h.times == nil {
			n := int(recentSpan / every)
			h.w = len(o.eval.Windows)
			h.times, h.burns = make([]time.Time, n), make([]burnrate.Burn, n*h.w)
		} else if h.n > 0 && step <= h.last {
			continue // this step has its sample, or time went back
		}
		h.times[h.next] = now
		copy(h.burns[h.next*h.w:(h.next+1)*h.w], o.eval.Windows)
		h.last, h.next, h.n = step, (h.next+1)%len(h.times), min(h.n+1, len(h.times))
	}
}

// Recent returns the objective's recent burn history, oldest first: the
// burn of every window of its policy at the first evaluation of each minute
// (each tick, when the registry's tick is coarser) over the 6 hours up to
// the newest sample, so that a reader sees an incident start and stop
// against each rule's factor.
//
// The history is this process's: it starts at [New] (a snapshot restores
// the windows, not their past burn), holds one sample per minute in which
// the registry advanced, and after Close ends at Close. Each objective
// keeps 360 samples at most, allocated at New: 24 bytes a sample and 40 a
// window in it, 107 KiB for the default policy's seven windows. Recording
// it allocates nothing; Recent allocates its answer.
func (t *Tracker) Recent() []RecentPoint {
	r, o := t.reg, t.o
	r.mu.RLock()
	defer r.mu.RUnlock()
	h := &o.recent
	if h.n == 0 {
		return []RecentPoint{} // unreachable: New evaluates once
	}
	// From the newest sample rather than the last evaluation, which an
	// instant back in time may have moved back.
	from := h.times[(h.next-1+len(h.times))%len(h.times)].Add(-recentSpan)
	out := make([]RecentPoint, 0, h.n)
	burns := make([]burnrate.Burn, 0, h.n*h.w)
	for i := range h.n {
		slot := (h.next - h.n + i + len(h.times)) % len(h.times)
		if !h.times[slot].After(from) {
			continue // a sample from before a gap in the advances
		}
		burns = append(burns, h.burns[slot*h.w:(slot+1)*h.w]...)
		out = append(out, RecentPoint{Time: h.times[slot], Windows: burns[len(burns)-h.w : len(burns) : len(burns)]})
	}
	return out
}

type recentPointShape struct {
	Time    string          `json:"time" yaml:"time"`
	Windows []burnrate.Burn `json:"windows" yaml:"windows"`
}

func (p RecentPoint) shape() recentPointShape {
	return recentPointShape{Time: instant(p.Time), Windows: tidyBurns(p.Windows)}
}

func (s recentPointShape) point() (RecentPoint, error) {
	t, err := parseInstant("time", s.Time)
	if err != nil {
		return RecentPoint{}, err
	}
	return RecentPoint{Time: t, Windows: s.Windows}, nil
}

// MarshalJSON encodes the point in the shape of a Status's windows:
//
//	{"time": "2026-03-02T09:00:00Z", "windows": [{"window": "5m", "good": 5700,
//	 "bad": 300, "burnRate": 52.6, "noData": false}, ...]}
//
// with the figures to 12 significant digits, as a Status writes them.
func (p RecentPoint) MarshalJSON() ([]byte, error) { return json.Marshal(p.shape()) }

// UnmarshalJSON decodes what MarshalJSON encodes, ignoring unknown fields.
func (p *RecentPoint) UnmarshalJSON(b []byte) error {
	var s recentPointShape
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%w: recent point: %v", ErrInvalid, err)
	}
	v, err := s.point()
	if err == nil {
		*p = v
	}
	return err
}

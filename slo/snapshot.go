package slo

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/window"
)

// ErrSnapshot is wrapped by every error about reading or writing a
// snapshot, in a Store or through [ReadSnapshot].
var ErrSnapshot = errors.New("slo: snapshot")

// The snapshot format: magic, version, body, CRC-32C of all before it.
// Version 2 adds each series' episodes; version 1, without them, still
// reads.
const (
	snapshotMagic   = "JSLOSNAP"
	snapshotVersion = 2
	// A snapshot written later than this after now is refused: restoring it
	// would hold the windows still until the clock caught up.
	snapshotMaxFuture = time.Hour
	// Decoder limits, far above what a registry writes, so that a corrupt
	// length cannot make the decoder allocate without bound.
	maxSnapshotBytes    = 64 << 20
	maxSnapshotSeries   = 1 << 16
	maxSnapshotRings    = 64
	maxSnapshotBuckets  = 1 << 16
	maxSnapshotString   = 256
	maxSnapshotEpisodes = maxEpisodeLog
	// minEpisodeBytes is the least an encoded episode takes: five
	// one-byte varints and four 8-byte floats. A count of episodes the
	// bytes left cannot hold is refused before anything is allocated.
	minEpisodeBytes = 5 + 4*8
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// OnError calls f with the problems the registry meets where no caller can
// be told: a snapshot that could not be restored at New or saved later
// (errors wrapping [ErrSnapshot]), and panics recovered from an
// OnTransition callback, on the rotator or in a Store (wrapping
// [ErrPanic]). It runs on the goroutine that met the problem: the one
// that saves, for a failed save, which reports it before the next save
// starts. Without OnError the problems are logged to slog.Default() at
// level Error, or to the logger of [WithLogger]; with OnError they are
// logged only when WithLogger is also given.
func OnError(f func(error)) Option {
	return func(cfg *config) { cfg.onError = append(cfg.onError, f) }
}

// WithLogger logs the registry's background problems (see [OnError]) to l
// at level Error, with the error under the key "err". The default is
// slog.Default() when no OnError callback is given, and no logging when
// one is. WithLogger(nil) logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(cfg *config) { cfg.logger, cfg.loggerSet = l, true }
}

// RestoreReport describes what New restored from the snapshot store.
type RestoreReport struct {
	// Store is where the snapshot was read from; nil without WithStore or
	// WithSnapshot.
	Store Store
	// Written is when the snapshot was written; zero when none was read.
	Written time.Time
	// Objectives lists the objectives whose counts were restored, by
	// [ObjectiveKey].
	Objectives []string
	// Skipped explains each objective of the registry, or of the snapshot,
	// whose counts were not restored.
	Skipped []string
	// Err is why the snapshot could not be used at all: nil when there was
	// none (a first start) or when it was read.
	Err error
}

// Restored returns what New restored from the snapshot store.
func (r *Registry) Restored() RestoreReport { return r.restore }

// A Snapshot is the content of a registry's windows at one instant: what
// a [Store] keeps, in the format of [Snapshot.WriteTo] and [ReadSnapshot].
// Take one with [Registry.Snapshot]. It is a plain value; the zero value
// has no series and cannot be written (its Tick is zero).
type Snapshot struct {
	// Written is when the snapshot was taken.
	Written time.Time
	// Tick is the registry's rotation step, and Step the step its counts
	// were taken in, counted in ticks since the Unix epoch.
	Tick time.Duration
	Step int64
	// Series holds the counts of every objective, in declaration order,
	// then those of the Unmatched journey, whose Objective is empty.
	Series []SeriesSnapshot
}

// SeriesSnapshot is the counts of one objective in a [Snapshot].
type SeriesSnapshot struct {
	Journey, Objective string
	// Latency is the threshold the events were judged against, which is
	// what good and bad meant for a latency objective; 0 for availability.
	Latency time.Duration
	// Total is every event the writing registry recorded since its New.
	// A restore does not bring it back: the restored registry's totals,
	// which exporters publish as counters, count its own events from zero.
	Total window.Counts
	// Rings holds the buckets of each ring, finest first (see
	// window.State).
	Rings []window.RingState
	// Episodes is the objective's episode log, oldest first (see
	// [Episode]); only the last may be open. A restore brings it back
	// with the windows, and an open episode continues. Snapshots of
	// format version 1 have none. The Unmatched journey's is always
	// empty.
	Episodes []Episode
}

func (s SeriesSnapshot) key() string { return ObjectiveKey(s.Journey, s.Objective) }

// Snapshot returns the registry's counts now, as the registry would save
// them; after Close, the counts at Close. It must not be called from an
// OnTransition callback, which runs while the registry advances and would
// wait for itself.
func (r *Registry) Snapshot() Snapshot {
	r.advMu.Lock()
	defer r.advMu.Unlock()
	if f := r.frozen.Load(); f != nil {
		return f.snapshot.clone() // the caller's to change
	}
	r.drain() // the events recorded since the last advance belong in it
	return r.takeSnapshot(r.latest())
}

// clone returns a copy of s that shares no slice with it.
func (s Snapshot) clone() Snapshot {
	s.Series = slices.Clone(s.Series)
	for i := range s.Series {
		ss := &s.Series[i]
		ss.Rings = slices.Clone(ss.Rings)
		ss.Episodes = slices.Clone(ss.Episodes)
		for j := range ss.Rings {
			ss.Rings[j].Buckets = slices.Clone(ss.Rings[j].Buckets)
		}
	}
	return s
}

// WriteTo writes the snapshot in journeyslo's binary format (versioned,
// with a CRC-32C of the whole), which [ReadSnapshot] reads. It refuses,
// with an error wrapping [ErrInvalid] and writing nothing, a snapshot
// ReadSnapshot would refuse: a Tick or a ring width that is not one of the
// window package's bucket widths, a ring whose Last is not the bucket of
// Step or that holds more buckets than 400 days need, a step beyond the
// years 1678 to 2262, a journey or objective that is not a name an
// objective can have (the Unmatched journey's series has no objective, no
// rings and no episodes), a negative latency threshold, two series of one
// objective, more series, rings, buckets or episodes than the decoder
// accepts, or an episode no registry keeps (one without a start, a figure
// that is negative or not finite, a severity other than ticket or page,
// an open episode before the last).
func (s Snapshot) WriteTo(w io.Writer) (int64, error) {
	data, err := encodeSnapshot(s)
	if err != nil {
		return 0, err
	}
	n, err := w.Write(data)
	return int64(n), err
}

// ReadSnapshot reads a snapshot written by [Snapshot.WriteTo], to the end
// of r. It checks the format's magic, version and checksum, bounds what it
// allocates (64 MiB at most), refuses what no registry writes although its
// checksum matches (a ring width that is not a bucket width, a ring that
// does not end at the snapshot's step, a name no objective can have, an
// impossible episode...), and never panics; its errors wrap [ErrSnapshot]
// and say what is wrong with the bytes.
func ReadSnapshot(r io.Reader) (Snapshot, error) {
	data, err := readLimited(r, maxSnapshotBytes)
	if err != nil {
		return Snapshot{}, fmt.Errorf("%w: reading: %w", ErrSnapshot, err)
	}
	snap, err := decodeSnapshot(data)
	if err != nil {
		return Snapshot{}, fmt.Errorf("%w: %w", ErrSnapshot, err)
	}
	return snap, nil
}

// takeSnapshot copies the state of every series. It requires advMu held, so
// that no rotation happens between series.
func (r *Registry) takeSnapshot(now time.Time) Snapshot {
	snap := Snapshot{Written: now, Tick: r.group.Tick()}
	add := func(journey, objective string, latency time.Duration, s *window.Series, eps []Episode) {
		st := s.State()
		snap.Step = st.Step
		snap.Series = append(snap.Series, SeriesSnapshot{Journey: journey, Objective: objective, Latency: latency, Total: st.Total, Rings: st.Rings,
			Episodes: slices.Clone(eps)})
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, o := range r.objs {
		add(o.Journey, o.Name, o.Latency, o.series, o.log.episodes)
		if o.slices != nil {
			add(o.Journey, o.Name+sliceSeriesSuffix, o.Latency, o.slices.series, nil)
		}
	}
	add(Unmatched, "", 0, r.overflow, nil)
	return snap
}

// saver runs a registry's saves on a goroutine of their own, one at a
// time, so that a slow or hung Store delays neither the advances nor the
// health they report. An advance with a snapshot due copies the counts and
// offers the copy; a copy offered while a save runs waits for it, and a
// newer one replaces it, so that at most one waits and the one saved next
// is the newest. The goroutine runs while there is something to save and
// returns when there is not: a registry at rest, or abandoned without
// Close, holds none.
type saver struct {
	store   Store
	timeout time.Duration
	report  func(error)

	mu      sync.Mutex
	next    *saveJob      // the copy waiting; nil when none
	current *saveJob      // the save in flight; nil when none
	running chan struct{} // closed when the goroutine returns; nil when none runs
	closed  bool          // Close took over: nothing more is offered
}

type saveJob struct {
	snap Snapshot
	done chan error // capacity 1: receives the save's error, nil when it worked
	// final is Close's save, whose error Close returns rather than the
	// saver reporting it.
	final bool
}

// offer hands snap over to be saved, replacing a copy that still waits.
func (s *saver) offer(snap Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.put(&saveJob{snap: snap, done: make(chan error, 1)})
	}
}

// put makes job the one waiting and starts the goroutine when none runs.
// It requires s.mu held.
func (s *saver) put(job *saveJob) {
	s.next = job
	if s.running == nil {
		s.running = make(chan struct{})
		go s.run(s.running)
	}
}

// run saves what waits until nothing does. A save's error is reported
// before the next save starts, and before done says it returned.
func (s *saver) run(running chan struct{}) {
	defer close(running)
	for {
		s.mu.Lock()
		job := s.next
		s.next, s.current = nil, job
		if job == nil {
			s.running = nil
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		err := s.save(job.snap)
		if err != nil && !job.final {
			s.report(err)
		}
		s.mu.Lock()
		s.current = nil
		s.mu.Unlock()
		job.done <- err
	}
}

// save encodes snap and saves it, within the store's timeout. A panic in
// the Store is an error: it must not take the service down.
func (s *saver) save(snap Snapshot) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: writing %s: %w: Save panicked: %v", ErrSnapshot, storeName(s.store), ErrPanic, p)
		}
	}()
	data, err := encodeSnapshot(snap)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
		defer cancel()
		err = s.store.Save(ctx, data)
	}
	if err != nil {
		return fmt.Errorf("%w: writing %s: %w", ErrSnapshot, storeName(s.store), err)
	}
	return nil
}

// finish drops the copy waiting, which final supersedes, waits for the
// save in flight, then saves final, each wait bounded by the store's
// timeout: a Store that ignores its context is left to return on the
// saver's goroutine, which then returns too. It returns final's error, or
// why final was not saved.
func (s *saver) finish(final Snapshot) error {
	name := storeName(s.store)
	s.mu.Lock()
	s.closed, s.next = true, nil
	current := s.current
	s.mu.Unlock()
	timer := time.NewTimer(s.timeout)
	defer timer.Stop()
	if current != nil {
		select {
		case <-current.done: // reported by the saver when it failed
		case <-timer.C:
			return fmt.Errorf("%w: writing %s: a save still had not returned after %v, the store's timeout: the snapshot at Close was not saved",
				ErrSnapshot, name, s.timeout)
		}
	}
	job := &saveJob{snap: final, done: make(chan error, 1), final: true}
	s.mu.Lock()
	s.put(job)
	running := s.running
	s.mu.Unlock()
	// A little longer than the save's own context, so that a Store that
	// honours it returns its own error.
	timer.Reset(s.timeout + s.timeout/10)
	select {
	case err := <-job.done:
		<-running // it returns at once: nothing more waits
		return err
	case <-timer.C:
		return fmt.Errorf("%w: writing %s: the save at Close had not returned after %v, the store's timeout", ErrSnapshot, name, s.timeout)
	}
}

// handOver copies the counts and offers them to the saver when a snapshot
// is due. It requires advMu held.
func (r *Registry) handOver(now time.Time) {
	if r.snapshotDue(now) {
		r.nextSnapshot = now.Add(r.snapshotEvery)
		r.saver.offer(r.takeSnapshot(now))
	}
}

// restoreSnapshot loads the snapshot into the registry's series. It runs
// in New, before any event is recorded.
func (r *Registry) restoreSnapshot(now time.Time) RestoreReport {
	res := RestoreReport{Store: r.store}
	data, err := r.load()
	if isNotExist(err) {
		return res
	}
	if err == nil && len(data) > maxSnapshotBytes {
		err = fmt.Errorf("%d bytes, more than the %d any registry writes", len(data), maxSnapshotBytes)
	}
	if err != nil {
		res.Err = fmt.Errorf("%w: reading %s: %w", ErrSnapshot, storeName(r.store), err)
		return res
	}
	return r.restoreBytes(data, now, res)
}

// load loads the store's bytes on a goroutine of its own, waiting at most
// the store's timeout: a Store that ignores its context is left to return
// on that goroutine, and New goes on without its bytes.
func (r *Registry) load() ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), r.storeTimeout)
	defer cancel()
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1) // the loader never waits for an abandoned call
	go func() {
		var res result
		defer func() {
			if p := recover(); p != nil {
				res = result{err: fmt.Errorf("%w: Load panicked: %v", ErrPanic, p)}
			}
			done <- res
		}()
		res.data, res.err = r.store.Load(ctx)
	}()
	select {
	case res := <-done:
		return res.data, res.err
	case <-ctx.Done():
		return nil, fmt.Errorf("the store's Load had not returned after %v, its timeout; starting empty", r.storeTimeout)
	}
}

// restoreBytes decodes a snapshot and restores the series it matches,
// completing res.
func (r *Registry) restoreBytes(data []byte, now time.Time, res RestoreReport) RestoreReport {
	name := storeName(r.store)
	snap, err := decodeSnapshot(data)
	if err != nil {
		res.Err = fmt.Errorf("%w: %s: %w", ErrSnapshot, name, err)
		return res
	}
	res.Written = snap.Written
	// The windows would hold still until the later of the time the file
	// says it was written and the step its counts are at.
	at := snap.Written
	if step := time.Unix(0, snap.Step*int64(snap.Tick)); snap.Step < math.MaxInt64/int64(snap.Tick) && step.After(at) {
		at = step
	}
	if ahead := at.Sub(now); ahead > snapshotMaxFuture || snap.Step >= math.MaxInt64/int64(snap.Tick) {
		res.Err = fmt.Errorf("%w: %s holds counts as of %v, %v after now: restoring it would hold the windows still until then; not restored",
			ErrSnapshot, name, at.UTC().Format(time.RFC3339), ahead.Round(time.Second))
		return res
	}
	byKey := make(map[string]*SeriesSnapshot, len(snap.Series))
	for i := range snap.Series {
		byKey[snap.Series[i].key()] = &snap.Series[i]
	}
	// restore restores one series; the unmatched journey's is not an
	// objective and is not listed.
	restore := func(key string, latency time.Duration, s *window.Series, log func([]Episode)) {
		listed := log != nil
		skip := func(why string) {
			if listed {
				res.Skipped = append(res.Skipped, key+": "+why)
			}
		}
		ss, ok := byKey[key]
		if !ok {
			skip("not in the snapshot; starts empty")
			return
		}
		delete(byKey, key)
		if ss.Latency != latency {
			skip(fmt.Sprintf("its latency threshold changed from %v to %v, so its counts meant something else; starts empty", ss.Latency, latency))
			return
		}
		// The windows come back; the totals do not. Exporters publish the
		// totals as counters of this process's events since New: starting
		// them from the snapshot's, which lack the events after its last
		// write, would read downstream as a counter reset and count every
		// restored event a second time.
		st := window.State{Step: snap.Step, Tick: snap.Tick, Rings: ss.Rings}
		if _, err := s.Restore(st); err != nil {
			skip(fmt.Sprintf("%v; starts empty", err))
			return
		}
		if listed {
			// The episodes come back with the windows that counted
			// their events, and only then.
			log(ss.Episodes)
			res.Objectives = append(res.Objectives, key)
		}
	}
	for _, o := range r.objs {
		restore(ObjectiveKey(o.Journey, o.Name), o.Latency, o.series, func(eps []Episode) {
			o.log.restore(o, eps)
			o.from = oldestData(o.series, o.Period, o.from)
		})
		if o.slices != nil {
			restore(ObjectiveKey(o.Journey, o.Name+sliceSeriesSuffix), o.Latency, o.slices.series, nil)
		}
	}
	restore(ObjectiveKey(Unmatched, ""), 0, r.overflow, nil)
	for _, ss := range snap.Series {
		if _, left := byKey[ss.key()]; left {
			res.Skipped = append(res.Skipped, ss.key()+": no longer declared; its counts are dropped")
		}
	}
	return res
}

// oldestData returns the start of the oldest bucket of s's period that
// holds events, or from when none is older: what restored windows cover.
// A period whose oldest bucket, partly before the period, holds events is
// covered whole.
func oldestData(s *window.Series, period time.Duration, from time.Time) time.Time {
	width, first, _, counts := s.Buckets(period)
	for i, c := range counts {
		if c.Good == 0 && c.Bad == 0 {
			continue
		}
		if at := first.Add(time.Duration(i) * width); at.Before(from) {
			return at
		}
		return from
	}
	return from
}

// encodeSnapshot writes the format: magic, uvarint version, then varints
// and length-prefixed strings, then a big-endian CRC-32C of all before it.
// It refuses what decodeSnapshot would, so that every snapshot written
// reads back.
func encodeSnapshot(s Snapshot) ([]byte, error) {
	if err := checkSnapshot(s); err != nil {
		return nil, err
	}
	b := appendSnapshot(nil, s)
	if len(b)+4 > maxSnapshotBytes {
		return nil, fmt.Errorf("%w: snapshot of %d bytes is above the limit of %d", ErrInvalid, len(b)+4, maxSnapshotBytes)
	}
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b, castagnoli)), nil
}

// appendSnapshot appends the body of s's encoding to b, without the
// checksum and without checking s: tests craft what no registry writes
// with it.
func appendSnapshot(b []byte, s Snapshot) []byte {
	b = append(b, snapshotMagic...)
	b = binary.AppendUvarint(b, snapshotVersion)
	b = binary.AppendVarint(b, s.Written.UnixNano())
	b = binary.AppendVarint(b, int64(s.Tick))
	b = binary.AppendVarint(b, s.Step)
	b = binary.AppendUvarint(b, uint64(len(s.Series)))
	str := func(v string) {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	for _, ss := range s.Series {
		str(ss.Journey)
		str(ss.Objective)
		b = binary.AppendVarint(b, int64(ss.Latency))
		b = binary.AppendUvarint(b, ss.Total.Good)
		b = binary.AppendUvarint(b, ss.Total.Bad)
		b = binary.AppendUvarint(b, uint64(len(ss.Rings)))
		for _, r := range ss.Rings {
			b = binary.AppendVarint(b, int64(r.Width))
			b = binary.AppendVarint(b, r.Last)
			b = binary.AppendUvarint(b, uint64(len(r.Buckets)))
			for _, c := range r.Buckets {
				b = binary.AppendUvarint(b, c.Good)
				b = binary.AppendUvarint(b, c.Bad)
			}
		}
		b = binary.AppendUvarint(b, uint64(len(ss.Episodes)))
		for _, e := range ss.Episodes {
			b = appendEpisode(b, e)
		}
	}
	return b
}

// checkSnapshot reports what in s the decoder would refuse: what its
// limits refuse, and what no registry writes (see impossible).
func checkSnapshot(s Snapshot) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: snapshot: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	if s.Tick <= 0 {
		return bad("Tick %v is not positive; take snapshots with Registry.Snapshot", s.Tick)
	}
	if len(s.Series) > maxSnapshotSeries {
		return bad("%d series, above the limit of %d", len(s.Series), maxSnapshotSeries)
	}
	for i, ss := range s.Series {
		for _, name := range [2]string{ss.Journey, ss.Objective} {
			if len(name) > maxSnapshotString {
				return bad("series %d: name of %d bytes, above the limit of %d", i, len(name), maxSnapshotString)
			}
		}
		if len(ss.Rings) > maxSnapshotRings {
			return bad("series %d (%s): %d rings, above the limit of %d", i, ss.key(), len(ss.Rings), maxSnapshotRings)
		}
		for _, r := range ss.Rings {
			if len(r.Buckets) > maxSnapshotBuckets {
				return bad("series %d (%s): a ring of %d buckets, above the limit of %d", i, ss.key(), len(r.Buckets), maxSnapshotBuckets)
			}
		}
		if len(ss.Episodes) > maxSnapshotEpisodes {
			return bad("series %d (%s): %d episodes, above the limit of %d", i, ss.key(), len(ss.Episodes), maxSnapshotEpisodes)
		}
	}
	if why := impossible(s); why != "" {
		return bad("%s; take snapshots with Registry.Snapshot", why)
	}
	return nil
}

// impossible returns what makes s a snapshot that no registry writes, or
// "": a restore must never take a crafted or corrupt file (whose checksum
// was made to match) for counts. A tick and ring widths off the window
// package's ladder of bucket widths, a ring that does not end at the
// snapshot's step or holds more buckets than the longest window needs, a
// step beyond the years the format holds, a name no objective can have, a
// negative latency threshold, two series of one objective, an episode
// that no registry keeps: each is a reason to refuse it all.
func impossible(s Snapshot) string {
	if !onLadder(s.Tick) {
		return fmt.Sprintf("tick %v is not a bucket width of the window package (1s, 3s, 15s, 1m... 1d)", s.Tick)
	}
	if s.Step > math.MaxInt64/int64(s.Tick) || s.Step < math.MinInt64/int64(s.Tick) {
		return fmt.Sprintf("step %d of %v is outside the years 1678 to 2262 that the format holds", s.Step, s.Tick)
	}
	at := time.Unix(0, s.Step*int64(s.Tick)) // the step's instant, in range as checked
	seen := make(map[string]bool, len(s.Series))
	for i, ss := range s.Series {
		key := ss.key()
		where := func(format string, args ...any) string {
			return fmt.Sprintf("series %d (%q): ", i, key) + fmt.Sprintf(format, args...)
		}
		switch unmatched := ss.Journey == Unmatched && ss.Objective == ""; {
		case unmatched && (len(ss.Rings) > 0 || len(ss.Episodes) > 0 || ss.Latency != 0):
			return where("the events of undeclared journeys have no windows, episodes or latency threshold")
		case !unmatched && (ss.Journey == Unmatched || !namePattern.MatchString(ss.Journey) || !namePattern.MatchString(strings.TrimSuffix(ss.Objective, sliceSeriesSuffix))):
			return where("journey and objective are not names an objective can have")
		case ss.Latency < 0:
			return where("latency threshold %v is negative", ss.Latency)
		case seen[key]:
			return where("a second series of the same objective")
		}
		seen[key] = true
		prev := time.Duration(0)
		for j, r := range ss.Rings {
			switch {
			case !onLadder(r.Width) || r.Width < s.Tick:
				return where("ring %d: width %v is not a bucket width of the window package at or above the tick, %v", j, r.Width, s.Tick)
			case r.Width <= prev:
				return where("ring %d: width %v after %v; rings go finest first, one per width", j, r.Width, prev)
			case r.Last != window.Bucket(at, r.Width):
				return where("ring %d: its newest bucket is %d of %v, but the step %d of %v falls in bucket %d", j, r.Last, r.Width,
					s.Step, s.Tick, window.Bucket(at, r.Width))
			case len(r.Buckets) == 0 || int64(len(r.Buckets)) > int64(window.MaxWindow/r.Width)+2:
				return where("ring %d: %d buckets of %v; a ring holds from 1 to %d, what the longest window needs", j, len(r.Buckets), r.Width,
					int64(window.MaxWindow/r.Width)+2)
			}
			prev = r.Width
		}
		for k, e := range ss.Episodes {
			if why := checkEpisode(e, k == len(ss.Episodes)-1); why != "" {
				return where("episode %d: %s", k, why)
			}
		}
	}
	return ""
}

// onLadder reports whether d is one of the window package's bucket widths,
// which are each the resolution of a window 100 times as long.
func onLadder(d time.Duration) bool {
	return d > 0 && d <= 24*time.Hour && window.Resolution(100*d) == d
}

// Episode flags in the format: which of the instants that may be zero are
// written.
const (
	episodePaged = 1 << iota
	episodeMitigated
	episodeEnded
	episodeFlags = episodePaged | episodeMitigated | episodeEnded
)

// appendEpisode writes e: Start, Rule, Severity, the flags, the instants
// they name, Paging, then PeakBurn, Good, Bad and BudgetSpent as IEEE 754
// bits, big-endian. Journey and Objective are the series'.
func appendEpisode(b []byte, e Episode) []byte {
	var flags uint64
	for _, f := range []struct {
		t    time.Time
		flag uint64
	}{{e.Paged, episodePaged}, {e.Mitigated, episodeMitigated}, {e.End, episodeEnded}} {
		if !f.t.IsZero() {
			flags |= f.flag
		}
	}
	b = binary.AppendVarint(b, e.Start.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(e.Rule)))
	b = append(b, e.Rule...)
	b = binary.AppendUvarint(b, uint64(e.Severity))
	b = binary.AppendUvarint(b, flags)
	for _, t := range []time.Time{e.Paged, e.Mitigated, e.End} {
		if !t.IsZero() {
			b = binary.AppendVarint(b, t.UnixNano())
		}
	}
	b = binary.AppendVarint(b, int64(e.Paging))
	for _, x := range []float64{e.PeakBurn, e.Good, e.Bad, e.BudgetSpent} {
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

// checkEpisode returns what makes e one that no registry keeps, or "": the
// decoder refuses the same, so that a restored log never holds a NaN, a
// negative count, or an open episode before another.
func checkEpisode(e Episode, last bool) string {
	switch {
	case e.Start.IsZero():
		return "no start; an episode starts at an evaluation"
	case len(e.Rule) > maxSnapshotString:
		return fmt.Sprintf("rule name of %d bytes, above the limit of %d", len(e.Rule), maxSnapshotString)
	case e.Severity != burnrate.SeverityTicket && e.Severity != burnrate.SeverityPage:
		return fmt.Sprintf("severity %v; an episode reaches ticket or page", e.Severity)
	case e.Paging < 0:
		return fmt.Sprintf("paging %v is negative", e.Paging)
	case e.Open() && !last:
		return "open, but not the last of its log; only the newest episode can be open"
	}
	for _, t := range []time.Time{e.Start, e.Paged, e.Mitigated, e.End} {
		if ns := t.UnixNano(); !t.IsZero() && !time.Unix(0, ns).Equal(t) {
			return fmt.Sprintf("instant %v is outside the years 1678 to 2262 that the format holds", t)
		}
	}
	for _, f := range []struct {
		name string
		x    float64
	}{{"peak burn", e.PeakBurn}, {"good", e.Good}, {"bad", e.Bad}, {"budget spent", e.BudgetSpent}} {
		if !(f.x >= 0) || math.IsInf(f.x, 0) {
			return fmt.Sprintf("%s %v is not a finite number at or above 0", f.name, f.x)
		}
	}
	return ""
}

// decoder reads the body of a snapshot; its first error sticks.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

// readVarint reads one varint with read (binary.Uvarint or binary.Varint).
func readVarint[T uint64 | int64](d *decoder, what string, read func([]byte) (T, int)) T {
	if d.err != nil {
		return 0
	}
	v, n := read(d.b)
	if n <= 0 {
		d.fail("truncated or malformed at %s", what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uvarint(what string) uint64 { return readVarint(d, what, binary.Uvarint) }
func (d *decoder) varint(what string) int64   { return readVarint(d, what, binary.Varint) }

// count reads a length and checks it against max.
func (d *decoder) count(what string, max int) int {
	n := d.uvarint(what)
	if n > uint64(max) {
		d.fail("%s %d is above the limit of %d", what, n, max)
		return 0
	}
	return int(n)
}

func (d *decoder) string(what string) string {
	n := d.count(what+" length", maxSnapshotString)
	if d.err != nil {
		return ""
	}
	if n > len(d.b) {
		d.fail("truncated in %s", what)
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// float64 reads 8 bytes of IEEE 754 bits, big-endian.
func (d *decoder) float64(what string) float64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.fail("truncated at %s", what)
		return 0
	}
	x := math.Float64frombits(binary.BigEndian.Uint64(d.b))
	d.b = d.b[8:]
	return x
}

// episode reads what appendEpisode writes.
func (d *decoder) episode() Episode {
	e := Episode{Start: time.Unix(0, d.varint("episode start")).UTC(), Rule: d.string("episode rule")}
	sev := d.uvarint("episode severity")
	if d.err == nil && sev > uint64(burnrate.SeverityPage) {
		d.fail("episode severity %d is not ticket (1) or page (2)", sev)
	}
	e.Severity = burnrate.Severity(sev)
	flags := d.uvarint("episode flags")
	if d.err == nil && flags&^episodeFlags != 0 {
		d.fail("episode flags %#x name instants the format does not have", flags)
	}
	for _, f := range []struct {
		flag uint64
		to   *time.Time
	}{{episodePaged, &e.Paged}, {episodeMitigated, &e.Mitigated}, {episodeEnded, &e.End}} {
		if flags&f.flag != 0 {
			*f.to = time.Unix(0, d.varint("episode instant")).UTC()
		}
	}
	e.Paging = time.Duration(d.varint("episode paging"))
	e.PeakBurn, e.Good = d.float64("episode peak burn"), d.float64("episode good")
	e.Bad, e.BudgetSpent = d.float64("episode bad"), d.float64("episode budget spent")
	return e
}

// decodeSnapshot checks and decodes a snapshot file's content. It never
// panics and bounds what it allocates by the limits above.
func decodeSnapshot(data []byte) (Snapshot, error) {
	var s Snapshot
	if !bytes.HasPrefix(data, []byte(snapshotMagic)) {
		head := data[:min(len(data), len(snapshotMagic))]
		return s, fmt.Errorf("not a journeyslo snapshot: it starts with %q, not %q", head, snapshotMagic)
	}
	if len(data) < len(snapshotMagic)+1+4 {
		return s, fmt.Errorf("truncated: %d bytes", len(data))
	}
	body, sum := data[:len(data)-4], binary.BigEndian.Uint32(data[len(data)-4:])
	d := &decoder{b: body[len(snapshotMagic):]}
	v := d.uvarint("version")
	if d.err == nil && (v < 1 || v > snapshotVersion) {
		return s, fmt.Errorf("format version %d; this library reads versions 1 to %d", v, snapshotVersion)
	}
	if got := crc32.Checksum(body, castagnoli); got != sum {
		return s, fmt.Errorf("corrupt or truncated: checksum %08x, want %08x", got, sum)
	}
	s.Written = time.Unix(0, d.varint("time written"))
	s.Tick = time.Duration(d.varint("tick"))
	s.Step = d.varint("step")
	if d.err == nil && s.Tick <= 0 {
		d.fail("tick %v is not positive", s.Tick)
	}
	n := d.count("series", maxSnapshotSeries)
	for i := 0; i < n && d.err == nil; i++ {
		ss := SeriesSnapshot{Journey: d.string("journey"), Objective: d.string("objective")}
		ss.Latency = time.Duration(d.varint("latency"))
		ss.Total = window.Counts{Good: d.uvarint("total good"), Bad: d.uvarint("total bad")}
		nr := d.count("rings", maxSnapshotRings)
		for j := 0; j < nr && d.err == nil; j++ {
			r := window.RingState{Width: time.Duration(d.varint("ring width")), Last: d.varint("ring position")}
			nb := d.count("buckets", maxSnapshotBuckets)
			if d.err == nil && nb*2 > len(d.b) {
				d.fail("truncated in the buckets of %s", ss.key())
			}
			if d.err != nil {
				break
			}
			r.Buckets = make([]window.Counts, nb)
			for k := range r.Buckets {
				r.Buckets[k] = window.Counts{Good: d.uvarint("bucket"), Bad: d.uvarint("bucket")}
			}
			ss.Rings = append(ss.Rings, r)
		}
		if v >= 2 {
			ne := d.count("episodes", maxSnapshotEpisodes)
			if d.err == nil && ne*minEpisodeBytes > len(d.b) {
				d.fail("truncated in the episodes of %s", ss.key())
			}
			for k := 0; k < ne && d.err == nil; k++ {
				e := d.episode()
				e.Journey, e.Objective = ss.Journey, ss.Objective
				if why := checkEpisode(e, k == ne-1); d.err == nil && why != "" {
					d.fail("episode %d of %s: %s", k, ss.key(), why)
				}
				ss.Episodes = append(ss.Episodes, e)
			}
		}
		s.Series = append(s.Series, ss)
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("%d bytes after the last series", len(d.b))
	}
	if d.err != nil {
		return Snapshot{}, d.err
	}
	if why := impossible(s); why != "" {
		return Snapshot{}, fmt.Errorf("not a snapshot a registry writes: %s", why)
	}
	return s, nil
}

// snapshotDue reports whether a snapshot is due at now: its time has come,
// or the clock went back by more than a period, which would otherwise put
// the next snapshot that far away. It requires advMu held.
func (r *Registry) snapshotDue(now time.Time) bool {
	return r.store != nil && (!now.Before(r.nextSnapshot) || now.Before(r.nextSnapshot.Add(-2*r.snapshotEvery)))
}

// report hands a background problem to the OnError callbacks and the
// logger.
func (r *Registry) report(err error) {
	for _, f := range r.onError {
		f(err)
	}
	l := r.logger
	if r.logDefault {
		l = slog.Default()
	}
	if l != nil {
		l.Error("journeyslo: background problem", "err", err)
	}
}

package slo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/journeyslo/journeyslo/window"
)

// ErrSnapshot is wrapped by every error about reading or writing a
// snapshot file.
var ErrSnapshot = errors.New("slo: snapshot")

// The snapshot format: magic, version, body, CRC-32C of all before it.
const (
	snapshotMagic   = "JSLOSNAP"
	snapshotVersion = 1
	// A snapshot written later than this after now is refused: restoring it
	// would hold the windows still until the clock caught up.
	snapshotMaxFuture = time.Hour
	// Decoder limits, far above what a registry writes, so that a corrupt
	// length cannot make the decoder allocate without bound.
	maxSnapshotBytes   = 64 << 20
	maxSnapshotSeries  = 1 << 16
	maxSnapshotRings   = 64
	maxSnapshotBuckets = 1 << 16
	maxSnapshotString  = 256
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// WithSnapshot keeps the registry's windows in the file at path so that a
// restart does not reset a 30-day budget. New restores the file when it
// exists; the registry writes it every `every` of its clock (from Advance,
// so on the rotator's goroutine) and a last time on Close. Writes are
// atomic: a temporary file in the same directory, synced, then renamed.
// A snapshot that cannot be used never stops New: see [Registry.Restored]
// and [OnError]. A process killed without Close loses at most `every` of
// events. The default is no snapshot.
func WithSnapshot(path string, every time.Duration) Option {
	return func(cfg *config) { cfg.snapshotPath, cfg.snapshotEvery = path, every }
}

// OnError calls f with the problems the registry meets where no caller can
// be told: a snapshot that could not be restored at New, or written later.
// It runs on the goroutine that met the problem. The default ignores them.
func OnError(f func(error)) Option {
	return func(cfg *config) { cfg.onError = append(cfg.onError, f) }
}

// Restore describes what New restored from the snapshot file.
type Restore struct {
	// Path is the snapshot file; empty without WithSnapshot.
	Path string
	// Written is when the snapshot was written; zero when none was read.
	Written time.Time
	// Restored lists the objectives whose counts were restored, as
	// "journey/objective".
	Restored []string
	// Skipped explains each objective of the registry, or of the snapshot,
	// whose counts were not restored.
	Skipped []string
	// Err is why the file could not be used at all: nil when there was no
	// file (a first start) or when it was read.
	Err error
}

// Restored returns what New restored from the snapshot file.
func (r *Registry) Restored() Restore { return r.restore }

// snapshot is the decoded content of a snapshot file.
type snapshot struct {
	written time.Time
	tick    time.Duration
	step    int64
	series  []snapSeries
}

// snapSeries is one series of a snapshot: an objective's, or the unmatched
// journey's (with an empty objective).
type snapSeries struct {
	journey, objective string
	// latency is the threshold the events were judged against: the
	// meaning of good and bad for a latency objective.
	latency time.Duration
	// total is the writer's events since its New; it is written for the
	// format's sake and not restored (see restoreBytes).
	total window.Counts
	rings []window.RingState
}

func (s snapSeries) key() string { return s.journey + "/" + s.objective }

// takeSnapshot copies the state of every series. It requires advMu held, so
// that no rotation happens between series.
func (r *Registry) takeSnapshot(now time.Time) snapshot {
	snap := snapshot{written: now, tick: r.group.Tick()}
	add := func(journey, objective string, latency time.Duration, s *window.Series) {
		st := s.State()
		snap.step = st.Step
		snap.series = append(snap.series, snapSeries{journey: journey, objective: objective, latency: latency, total: st.Total, rings: st.Rings})
	}
	for _, o := range r.objs {
		add(o.Journey, o.Name, o.Latency, o.series)
	}
	add(Unmatched, "", 0, r.overflow)
	return snap
}

// writeSnapshot writes the registry's state to its snapshot file. It
// requires advMu held.
func (r *Registry) writeSnapshot(now time.Time) error {
	data := encodeSnapshot(r.takeSnapshot(now))
	if err := writeFileAtomic(r.snapshotPath, data); err != nil {
		return fmt.Errorf("%w: writing %s: %w", ErrSnapshot, r.snapshotPath, err)
	}
	return nil
}

// restoreSnapshot reads the snapshot file into the registry's series. It
// runs in New, before any event is recorded.
func (r *Registry) restoreSnapshot(now time.Time) Restore {
	res := Restore{Path: r.snapshotPath}
	data, err := readFileLimited(r.snapshotPath, maxSnapshotBytes)
	if errors.Is(err, os.ErrNotExist) {
		return res
	}
	if err != nil {
		res.Err = fmt.Errorf("%w: reading %s: %w", ErrSnapshot, r.snapshotPath, err)
		return res
	}
	return r.restoreBytes(data, now, res)
}

// restoreBytes decodes a snapshot and restores the series it matches,
// completing res.
func (r *Registry) restoreBytes(data []byte, now time.Time, res Restore) Restore {
	snap, err := decodeSnapshot(data)
	if err != nil {
		res.Err = fmt.Errorf("%w: %s: %w", ErrSnapshot, r.snapshotPath, err)
		return res
	}
	res.Written = snap.written
	// The windows would hold still until the later of the time the file
	// says it was written and the step its counts are at.
	at := snap.written
	if step := time.Unix(0, snap.step*int64(snap.tick)); snap.step < math.MaxInt64/int64(snap.tick) && step.After(at) {
		at = step
	}
	if ahead := at.Sub(now); ahead > snapshotMaxFuture || snap.step >= math.MaxInt64/int64(snap.tick) {
		res.Err = fmt.Errorf("%w: %s holds counts as of %v, %v after now: restoring it would hold the windows still until then; not restored",
			ErrSnapshot, r.snapshotPath, at.UTC().Format(time.RFC3339), ahead.Round(time.Second))
		return res
	}
	byKey := make(map[string]*snapSeries, len(snap.series))
	for i := range snap.series {
		byKey[snap.series[i].key()] = &snap.series[i]
	}
	// restore restores one series; the unmatched journey's is not an
	// objective and is not listed.
	restore := func(key string, latency time.Duration, s *window.Series, listed bool) {
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
		if ss.latency != latency {
			skip(fmt.Sprintf("its latency threshold changed from %v to %v, so its counts meant something else; starts empty", ss.latency, latency))
			return
		}
		// The windows come back; the totals do not. Exporters publish the
		// totals as counters of this process's events since New: starting
		// them from the snapshot's, which lack the events after its last
		// write, would read downstream as a counter reset and count every
		// restored event a second time.
		st := window.State{Step: snap.step, Tick: snap.tick, Rings: ss.rings}
		if _, err := s.Restore(st); err != nil {
			skip(fmt.Sprintf("%v; starts empty", err))
			return
		}
		if listed {
			res.Restored = append(res.Restored, key)
		}
	}
	for _, o := range r.objs {
		restore(o.Journey+"/"+o.Name, o.Latency, o.series, true)
	}
	restore(Unmatched+"/", 0, r.overflow, false)
	for _, ss := range snap.series {
		if _, left := byKey[ss.key()]; left {
			res.Skipped = append(res.Skipped, ss.key()+": no longer declared; its counts are dropped")
		}
	}
	return res
}

// encodeSnapshot writes the format: magic, uvarint version, then varints
// and length-prefixed strings, then a big-endian CRC-32C of all before it.
func encodeSnapshot(s snapshot) []byte {
	b := []byte(snapshotMagic)
	b = binary.AppendUvarint(b, snapshotVersion)
	b = binary.AppendVarint(b, s.written.UnixNano())
	b = binary.AppendVarint(b, int64(s.tick))
	b = binary.AppendVarint(b, s.step)
	b = binary.AppendUvarint(b, uint64(len(s.series)))
	str := func(v string) {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	for _, ss := range s.series {
		str(ss.journey)
		str(ss.objective)
		b = binary.AppendVarint(b, int64(ss.latency))
		b = binary.AppendUvarint(b, ss.total.Good)
		b = binary.AppendUvarint(b, ss.total.Bad)
		b = binary.AppendUvarint(b, uint64(len(ss.rings)))
		for _, r := range ss.rings {
			b = binary.AppendVarint(b, int64(r.Width))
			b = binary.AppendVarint(b, r.Last)
			b = binary.AppendUvarint(b, uint64(len(r.Buckets)))
			for _, c := range r.Buckets {
				b = binary.AppendUvarint(b, c.Good)
				b = binary.AppendUvarint(b, c.Bad)
			}
		}
	}
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
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

// decodeSnapshot checks and decodes a snapshot file's content. It never
// panics and bounds what it allocates by the limits above.
func decodeSnapshot(data []byte) (snapshot, error) {
	var s snapshot
	if !bytes.HasPrefix(data, []byte(snapshotMagic)) {
		head := data[:min(len(data), len(snapshotMagic))]
		return s, fmt.Errorf("not a journeyslo snapshot: it starts with %q, not %q", head, snapshotMagic)
	}
	if len(data) < len(snapshotMagic)+1+4 {
		return s, fmt.Errorf("truncated: %d bytes", len(data))
	}
	body, sum := data[:len(data)-4], binary.BigEndian.Uint32(data[len(data)-4:])
	d := &decoder{b: body[len(snapshotMagic):]}
	if v := d.uvarint("version"); d.err == nil && v != snapshotVersion {
		return s, fmt.Errorf("format version %d; this library reads version %d", v, snapshotVersion)
	}
	if got := crc32.Checksum(body, castagnoli); got != sum {
		return s, fmt.Errorf("corrupt or truncated: checksum %08x, want %08x", got, sum)
	}
	s.written = time.Unix(0, d.varint("time written"))
	s.tick = time.Duration(d.varint("tick"))
	s.step = d.varint("step")
	if d.err == nil && s.tick <= 0 {
		d.fail("tick %v is not positive", s.tick)
	}
	n := d.count("series", maxSnapshotSeries)
	for i := 0; i < n && d.err == nil; i++ {
		ss := snapSeries{journey: d.string("journey"), objective: d.string("objective")}
		ss.latency = time.Duration(d.varint("latency"))
		ss.total = window.Counts{Good: d.uvarint("total good"), Bad: d.uvarint("total bad")}
		nr := d.count("rings", maxSnapshotRings)
		for j := 0; j < nr && d.err == nil; j++ {
			r := window.RingState{Width: time.Duration(d.varint("ring width")), Last: d.varint("ring position")}
			nb := d.count("buckets", maxSnapshotBuckets)
			if d.err == nil && nb*2 > len(d.b) {
				d.fail("truncated in the buckets of %s/%s", ss.journey, ss.objective)
			}
			if d.err != nil {
				break
			}
			r.Buckets = make([]window.Counts, nb)
			for k := range r.Buckets {
				r.Buckets[k] = window.Counts{Good: d.uvarint("bucket"), Bad: d.uvarint("bucket")}
			}
			ss.rings = append(ss.rings, r)
		}
		s.series = append(s.series, ss)
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("%d bytes after the last series", len(d.b))
	}
	if d.err != nil {
		return snapshot{}, d.err
	}
	return s, nil
}

// readFileLimited reads a file of at most max bytes.
func readFileLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than %d bytes", max)
	}
	return data, nil
}

// writeFileAtomic replaces path with data: a reader sees the old file or
// the new one, never a part, and a crash leaves one of them on disk.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	// The rename is durable once the directory is.
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// snapshotDue reports whether a snapshot is due at now: its time has come,
// or the clock went back by more than a period, which would otherwise put
// the next snapshot that far away. It requires advMu held.
func (r *Registry) snapshotDue(now time.Time) bool {
	return r.snapshotPath != "" && (!now.Before(r.nextSnapshot) || now.Before(r.nextSnapshot.Add(-2*r.snapshotEvery)))
}

// report hands a background problem to the OnError callbacks.
func (r *Registry) report(err error) {
	for _, f := range r.onError {
		f(err)
	}
}

package slo

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/window"
)

// FuzzObjective checks that Validate never panics, that New agrees with it,
// and that an objective both accept records, evaluates and reports finite
// numbers.
func FuzzObjective(f *testing.F) {
	h, m := int64(time.Hour), int64(time.Minute)
	f.Add("checkout", "", 0.999, int64(0), int64(0), false, int64(0), int64(0), 0.0)
	f.Add("search", "p99", 0.99, 7*24*h, int64(300*time.Millisecond), true, h, 5*m, 14.4)
	f.Add("", "x y", 99.9, -h, -m, true, 5*m, h, -1.0)
	f.Add("unmatched", "availability", 0.9, 400*24*h, int64(0), false, int64(0), int64(0), 0.0)
	f.Add("a", "b", 0.5, 30*m, int64(1), true, 10*m, 2*m, 2.0)
	f.Fuzz(func(t *testing.T, journey, name string, target float64, period, latency int64, withRule bool, long, short int64, factor float64) {
		o := Objective{Journey: journey, Name: name, Target: target, Period: time.Duration(period), Latency: time.Duration(latency)}
		if withRule {
			o.Policy.Rules = []burnrate.Rule{{Long: time.Duration(long), Short: time.Duration(short), Factor: factor, Severity: burnrate.SeverityPage}}
		}
		verr := o.Validate()
		// The mock starts at the Unix epoch; Set would sleep a millisecond
		// per input, which starves the fuzzer while it minimizes.
		mock := clock.NewMock()
		reg, err := New([]Objective{o}, WithClock(mock), WithManualAdvance())
		if (verr == nil) != (err == nil) {
			t.Fatalf("Validate() = %v but New = %v", verr, err)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, burnrate.ErrInvalid) {
				t.Fatalf("New error %v wraps neither ErrInvalid", err)
			}
			return
		}
		defer reg.Close()
		j := journeyOf(reg, journey)
		j.Observe(time.Duration(latency)+1, false)
		j.Record(true)
		j.Add(1000, 1)
		reg.Advance(mock.Now().Add(time.Hour))
		for _, st := range reg.Status() {
			finite(t, "fuzzed objective", st)
		}
		// The outlook, at every error ratio, from a state that may fire:
		// its instants come at or after its Time, or not at all.
		for _, q := range []float64{0, 0.5, 1} {
			out := reg.objs[0].tracker.Outlook(q)
			for _, at := range []time.Time{out.PageReset, out.Reset, out.BudgetBack} {
				if !at.IsZero() && at.Before(out.Time) {
					t.Fatalf("outlook at %v: an instant %v before it", out.Time, at)
				}
			}
			if math.IsNaN(out.Rate) || math.IsInf(out.Rate, 0) || out.Rate < 0 {
				t.Fatalf("outlook rate %v", out.Rate)
			}
		}
	})
}

// mustEncode encodes s or fails the test.
func mustEncode(t testing.TB, s Snapshot) []byte {
	t.Helper()
	data, err := encodeSnapshot(s)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// withChecksum returns body followed by its CRC-32C, so that fuzzed bodies
// reach the decoder's parsing rather than stop at the checksum.
func withChecksum(body []byte) []byte {
	return binary.BigEndian.AppendUint32(append([]byte(nil), body...), crc32.Checksum(body, castagnoli))
}

// FuzzSnapshot checks that decoding never panics, that whatever decodes
// encodes back to the same content, and that restoring it never panics and
// leaves finite numbers.
func FuzzSnapshot(f *testing.F) {
	// Seeds are written at the Unix epoch plus a minute, where the mock
	// clock starts (plus a minute: from the future, but within the hour).
	at := time.Unix(60, 0)
	valid := mustEncode(f, Snapshot{Written: at, Tick: 3 * time.Second, Step: 20, Series: []SeriesSnapshot{
		{Journey: "checkout", Objective: "availability", Total: window.Counts{Good: 100, Bad: 2},
			Rings: []window.RingState{
				{Width: 3 * time.Second, Last: 20, Buckets: []window.Counts{{Good: 60, Bad: 1}, {Good: 40, Bad: 1}}},
				{Width: 15 * time.Second, Last: 4, Buckets: []window.Counts{{Good: 100, Bad: 2}}},
			}},
		{Journey: Unmatched, Total: window.Counts{Good: 5}},
	}})
	f.Add(valid[:len(valid)-4], true)
	f.Add(valid, false)
	// Format version 2 with an episode log: one ended, one open.
	withLog := mustEncode(f, Snapshot{Written: at, Tick: 3 * time.Second, Step: 20, Series: []SeriesSnapshot{
		{Journey: "checkout", Objective: "availability", Total: window.Counts{Good: 100, Bad: 2},
			Rings:    []window.RingState{{Width: 3 * time.Second, Last: 20, Buckets: []window.Counts{{Good: 60, Bad: 1}, {Good: 40, Bad: 1}}}},
			Episodes: seedEpisodes(at)},
	}})
	f.Add(withLog[:len(withLog)-4], true)
	f.Add([]byte(snapshotMagic+"\x01"), true)
	f.Add([]byte("not a snapshot"), false)
	// Snapshots no registry writes, each a step from a valid one: negative
	// and zero ring widths, rings out of place, steps and names out of
	// range (see TestImpossibleSnapshotsRefused).
	for _, tc := range impossibleSnapshots() {
		f.Add(appendSnapshot(nil, tc.snap), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, checksum bool) {
		if checksum {
			data = withChecksum(data)
		}
		snap, err := decodeSnapshot(data)
		if err != nil {
			return
		}
		again, err := decodeSnapshot(mustEncode(t, snap))
		if err != nil {
			t.Fatalf("re-encoded snapshot does not decode: %v", err)
		}
		if diff := cmp.Diff(snap, again); diff != "" {
			t.Fatalf("decode(encode(s)) differs (-s +again):\n%s", diff)
		}
		// Restore from the bytes, as New does from the file, without the
		// file system: an fsync per input would starve the fuzzer.
		mock := clock.NewMock() // at the Unix epoch; see FuzzObjective
		reg, err := New([]Objective{{Journey: "checkout", Target: 0.999}}, WithClock(mock), WithManualAdvance())
		if err != nil {
			t.Fatal(err)
		}
		defer reg.Close()
		reg.restoreBytes(data, mock.Now(), RestoreReport{})
		reg.Advance(mock.Now().Add(2 * time.Minute))
		for _, st := range reg.Status() {
			finite(t, "restored snapshot", st)
		}
		for _, e := range reg.Episodes() {
			for _, x := range []float64{e.PeakBurn, e.Good, e.Bad, e.BudgetSpent} {
				if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
					t.Fatalf("restored episode %+v holds %v", e, x)
				}
			}
		}
	})
}

// seedEpisodes returns an ended page and an open ticket, before at.
func seedEpisodes(at time.Time) []Episode {
	return []Episode{
		{Start: at.Add(-50 * time.Second), Rule: "page-1h-5m", Severity: burnrate.SeverityPage, Paged: at.Add(-50 * time.Second),
			Paging: 20 * time.Second, PeakBurn: 200, Mitigated: at.Add(-40 * time.Second), End: at.Add(-30 * time.Second), Good: 10, Bad: 2, BudgetSpent: 0.02},
		{Start: at.Add(-10 * time.Second), Rule: "ticket-3d-6h", Severity: burnrate.SeverityTicket, PeakBurn: 1.5, Good: 3, BudgetSpent: 0},
	}
}

func TestFuzzSeedRestores(t *testing.T) {
	// The valid seed of FuzzSnapshot must reach the restore path, or the
	// fuzzer would only ever exercise refusals.
	at := time.Unix(60, 0)
	data := mustEncode(t, Snapshot{Written: at, Tick: 3 * time.Second, Step: 20, Series: []SeriesSnapshot{
		{Journey: "checkout", Objective: "availability", Total: window.Counts{Good: 100, Bad: 2},
			Rings: []window.RingState{{Width: 3 * time.Second, Last: 20, Buckets: []window.Counts{{Good: 60, Bad: 1}, {Good: 40, Bad: 1}}}}},
	}})
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	reg, err := New([]Objective{{Journey: "checkout", Target: 0.999}}, WithClock(clock.NewMock()), WithManualAdvance(), WithSnapshot(path, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if r := reg.Restored(); r.Err != nil || len(r.Objectives) != 1 {
		t.Fatalf("Restored() = %+v, want checkout restored", r)
	}
	reg.Advance(time.Unix(61, 0))
	// The seed has the 3 s ring only: the 5m window is restored, the
	// period's 6 h ring starts empty.
	st := reg.Status()[0]
	// The snapshot's totals are not restored: they count since New.
	if w := st.Windows[0]; st.TotalGood != 0 || w.Window != 5*time.Minute || w.Good != 100 || w.Bad != 2 || st.Bad != 0 {
		t.Fatalf("restored: %d total good, 5m window %+v, %d bad in the period; want 0, {100 2}, 0", st.TotalGood, w, st.Bad)
	}
}

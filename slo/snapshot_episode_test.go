package slo

import (
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/window"
)

// oneSeries is a snapshot of one objective's counts with the given
// episodes.
func oneSeries(eps []Episode) Snapshot {
	at := time.Unix(60, 0).UTC()
	return Snapshot{Written: at, Tick: 3 * time.Second, Step: 20, Series: []SeriesSnapshot{
		{Journey: "checkout", Objective: "availability", Total: window.Counts{Good: 100, Bad: 2},
			Rings:    []window.RingState{{Width: 3 * time.Second, Last: 20, Buckets: []window.Counts{{Good: 60, Bad: 1}}}},
			Episodes: eps},
	}}
}

func TestSnapshotEpisodesRoundTrip(t *testing.T) {
	eps := seedEpisodes(time.Unix(60, 0).UTC())
	snap := oneSeries(eps)
	back, err := decodeSnapshot(mustEncode(t, snap))
	if err != nil {
		t.Fatal(err)
	}
	// The decoder names each episode by its series.
	for i := range eps {
		eps[i].Journey, eps[i].Objective = "checkout", "availability"
	}
	if diff := cmp.Diff(snap, back); diff != "" {
		t.Errorf("decode(encode(s)) (-s +back):\n%s", diff)
	}
}

func TestSnapshotVersion1HasNoEpisodes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "snapshot-before-exact-windows.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if v := data[len(snapshotMagic)]; v != 1 {
		t.Fatalf("testdata snapshot is of version %d, want 1", v)
	}
	snap, err := decodeSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, ss := range snap.Series {
		if ss.Episodes != nil {
			t.Errorf("%s: episodes %+v from a version 1 snapshot", ss.key(), ss.Episodes)
		}
	}
	// What it holds is written as version 2 and reads back the same.
	again, err := decodeSnapshot(mustEncode(t, snap))
	if err != nil || !cmp.Equal(snap, again) {
		t.Errorf("version 1 rewritten as version 2: %v, equal %v", err, cmp.Equal(snap, again))
	}
}

func TestSnapshotRefusesBadEpisodes(t *testing.T) {
	at := time.Unix(60, 0).UTC()
	ok := seedEpisodes(at)[0]
	with := func(f func(*Episode)) Episode { e := ok; f(&e); return e }
	for _, tc := range []struct {
		name string
		eps  []Episode
		want string
	}{
		{"open before another", []Episode{with(func(e *Episode) { e.End = time.Time{} }), ok}, "episode 0: open, but not the last of its log"},
		{"severity ok", []Episode{with(func(e *Episode) { e.Severity = burnrate.SeverityOK })}, "severity ok; an episode reaches ticket or page"},
		{"no start", []Episode{with(func(e *Episode) { e.Start = time.Time{} })}, "no start"},
		{"NaN", []Episode{with(func(e *Episode) { e.Good = math.NaN() })}, "good NaN is not a finite number at or above 0"},
		{"negative", []Episode{with(func(e *Episode) { e.Bad = -1 })}, "bad -1 is not a finite number"},
		{"infinite", []Episode{with(func(e *Episode) { e.PeakBurn = math.Inf(1) })}, "peak burn +Inf is not a finite number"},
		{"negative paging", []Episode{with(func(e *Episode) { e.Paging = -time.Second })}, "paging -1s is negative"},
		{"far future", []Episode{with(func(e *Episode) { e.End = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC) })}, "outside the years 1678 to 2262"},
		{"long rule", []Episode{with(func(e *Episode) { e.Rule = strings.Repeat("r", 257) })}, "rule name of 257 bytes"},
		{"too many", make([]Episode, maxSnapshotEpisodes+1), "65537 episodes, above the limit of 65536"},
	} {
		_, err := encodeSnapshot(oneSeries(tc.eps))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: encode error %v, want an ErrInvalid containing %q", tc.name, err, tc.want)
		}
	}
}

func TestSnapshotDecoderRefusesBadEpisodes(t *testing.T) {
	// The body of a one-series snapshot ends with its count of episodes,
	// 0: replace it with what a corrupt or hostile writer would put.
	body := mustEncode(t, oneSeries(nil))
	body = body[:len(body)-5]
	nan := seedEpisodes(time.Unix(60, 0))[1]
	nan.BudgetSpent = math.NaN()
	for _, tc := range []struct {
		name string
		tail []byte
		want string
	}{
		{"count beyond the bytes", binary.AppendUvarint(nil, 1000), "truncated in the episodes of checkout:availability"},
		{"count beyond the limit", binary.AppendUvarint(nil, maxSnapshotEpisodes+1), "episodes 65537 is above the limit of 65536"},
		{"NaN", appendEpisode(binary.AppendUvarint(nil, 1), nan), "episode 0 of checkout:availability: budget spent NaN is not a finite number"},
		{"severity", append(binary.AppendUvarint(nil, 1), appendEpisode(nil, Episode{Start: time.Unix(1, 0), Severity: 3})...), "episode severity 3 is not ticket (1) or page (2)"},
		{"flags", func() []byte {
			b := appendEpisode(binary.AppendUvarint(nil, 1), Episode{Start: time.Unix(1, 0), Severity: 1})
			// The count, the start, the rule's length (0), the severity,
			// then the flags.
			b[1+len(binary.AppendVarint(nil, int64(time.Second)))+2] = 0x08
			return append(b, make([]byte, 8)...)
		}(), "episode flags 0x8 name instants the format does not have"},
	} {
		_, err := decodeSnapshot(withChecksum(append(append([]byte(nil), body...), tc.tail...)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

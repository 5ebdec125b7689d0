package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

// t0 is the instant the test registries start at.
var t0 = time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)

// writeSnapshotFile runs a registry through an hour of known traffic and
// writes its snapshot into dir.
func writeSnapshotFile(t *testing.T, dir string) string {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(t0)
	reg, err := slo.New([]slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
	}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	checkout := fixture.Journey(reg, "checkout")
	// 10 good events in the first minute, then at 00:59:58 one slow good
	// and one failed, and one event of a journey nobody declared.
	for i := 0; i < 10; i++ {
		checkout.Observe(100*time.Millisecond, false)
	}
	if err := reg.Advance(t0.Add(59*time.Minute + 58*time.Second)); err != nil {
		t.Fatal(err)
	}
	checkout.Observe(400*time.Millisecond, false)
	checkout.Observe(100*time.Millisecond, true)
	fixture.Journey(reg, "refund").Observe(time.Millisecond, false)
	if err := reg.Advance(t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := reg.Snapshot().WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "shop.snap")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSnapshotVerb(t *testing.T) {
	path := writeSnapshotFile(t, t.TempDir())
	res := runCmd(t, "snapshot", path)
	res.wantStatus(t, exitOK)
	want := path + `: journeyslo snapshot, format version 2
written:    2026-01-31T01:00:00Z
tick:       3s; counts as of step 589940400, 2026-01-31T01:00:00Z to 2026-01-31T01:00:03Z
objectives: 2, and the events of undeclared journeys (unmatched)

checkout:availability: availability
  recorded by the writer since its start: 11 good, 1 bad (a restore starts these totals from zero)
  ring  buckets    from                  to                    good  bad  bad share
  1     101 x 3s   2026-01-31T00:55:00Z  2026-01-31T01:00:03Z  1     1    50%
  2     241 x 15s  2026-01-31T00:00:00Z  2026-01-31T01:00:03Z  11    1    8.333%
  3     361 x 1m   2026-01-30T19:00:00Z  2026-01-31T01:00:03Z  11    1    8.333%
  4     289 x 5m   2026-01-30T01:00:00Z  2026-01-31T01:00:03Z  11    1    8.333%
  5     289 x 15m  2026-01-28T01:00:00Z  2026-01-31T01:00:03Z  11    1    8.333%
  6     121 x 6h   2026-01-01T00:00:00Z  2026-01-31T01:00:03Z  11    1    8.333%
  episodes: none

checkout:latency: latency, good when not bad and within 300ms
  recorded by the writer since its start: 10 good, 2 bad (a restore starts these totals from zero)
  ring  buckets    from                  to                    good  bad  bad share
  1     101 x 3s   2026-01-31T00:55:00Z  2026-01-31T01:00:03Z  0     2    100%
  2     241 x 15s  2026-01-31T00:00:00Z  2026-01-31T01:00:03Z  10    2    16.67%
  3     361 x 1m   2026-01-30T19:00:00Z  2026-01-31T01:00:03Z  10    2    16.67%
  4     289 x 5m   2026-01-30T01:00:00Z  2026-01-31T01:00:03Z  10    2    16.67%
  5     289 x 15m  2026-01-28T01:00:00Z  2026-01-31T01:00:03Z  10    2    16.67%
  6     121 x 6h   2026-01-01T00:00:00Z  2026-01-31T01:00:03Z  10    2    16.67%
  episodes: none

unmatched: events of journeys no objective declares
  recorded by the writer since its start: 1 good, 0 bad (a restore starts these totals from zero)
  no windows: only the totals are kept

A window of length d at time T counts the buckets after T-d whole, and the share of
the bucket T-d falls in that lies after T-d, as if its events were spread evenly.
A registry restores the rings of each objective it declares with the same journey,
name and latency threshold, unless the counts are more than an hour ahead of its
clock at New; Registry.Restored says what it restored, and why not.
`
	if diff := cmp.Diff(want, res.stdout); diff != "" {
		t.Errorf("journeyslo snapshot: output differs (-want +got):\n%s", diff)
	}
	if res.stderr != "" {
		t.Errorf("journeyslo snapshot: stderr %q, want nothing", res.stderr)
	}
}

func TestSnapshotVerbRefuses(t *testing.T) {
	dir := t.TempDir()
	good := writeSnapshotFile(t, dir)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := filepath.Join(dir, "corrupt.snap")
	data[len(data)-5] ^= 1 // a bucket's count, under the checksum
	if err := os.WriteFile(corrupt, data, 0o600); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "shop.yaml")
	if err := os.WriteFile(text, []byte("service: shop\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.snap")
	for _, tc := range []struct {
		args       []string
		status     int
		wantStderr string
	}{
		{[]string{"snapshot", corrupt}, exitInvalid, corrupt + ": slo: snapshot: corrupt or truncated: checksum "},
		{[]string{"snapshot", text}, exitInvalid, text + `: slo: snapshot: not a journeyslo snapshot: it starts with "service:", not "JSLOSNAP"` + "\n"},
		{[]string{"snapshot", missing}, exitInvalid, missing + ": open: no such file or directory\n"},
		{[]string{"snapshot"}, exitUsage, "journeyslo snapshot: 0 files given; name one snapshot file\nusage: journeyslo snapshot [-config FILE]... SNAPSHOT\n"},
		{[]string{"snapshot", good, good}, exitUsage, "journeyslo snapshot: 2 files given; name one snapshot file\n"},
		{[]string{"snapshot", "-x", good}, exitUsage, "flag provided but not defined: -x\nusage: journeyslo snapshot [-config FILE]... SNAPSHOT\n"},
	} {
		res := runCmd(t, tc.args...)
		res.wantStatus(t, tc.status)
		if !strings.HasPrefix(res.stderr, tc.wantStderr) {
			t.Errorf("journeyslo %s: stderr\n%s\nwant it to start with\n%s", strings.Join(tc.args, " "), res.stderr, tc.wantStderr)
		}
		if res.stdout != "" {
			t.Errorf("journeyslo %s: stdout %q, want nothing", strings.Join(tc.args, " "), res.stdout)
		}
	}
}

func TestSnapshotVerbRestore(t *testing.T) {
	dir := t.TempDir()
	path := writeSnapshotFile(t, dir)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The latency objective's threshold changed since the snapshot, and
	// search is new.
	config := writeFile(t, dir, "shop.yaml", `service: shop
journeys:
  - name: checkout
    objectives:
      - target: 0.999
      - name: latency
        latency: 500ms
        target: 0.99
  - name: search
    objectives:
      - target: 0.995
`)
	res := runCmd(t, "snapshot", "-config", config, path)
	res.wantStatus(t, exitOK)
	plain := runCmd(t, "snapshot", path)
	want := plain.stdout + `
Restored into the objectives of ` + config + `, evaluated at 2026-01-31T01:00:00Z:
  not restored: checkout:latency: its latency threshold changed from 300ms to 500ms, so its counts meant something else; starts empty
  not restored: search:availability: not in the snapshot; starts empty
  objective              restored  state  good  bad  SLI       budget left                    period
  checkout:availability  yes       ok     11    1    0.916667  not enough events: 12 of 1000  30d
  checkout:latency       no        ok     0     0    -         not enough events: 0 of 100    30d
  search:availability    no        ok     0     0    -         not enough events: 0 of 200    30d
`
	if diff := cmp.Diff(want, res.stdout); diff != "" {
		t.Errorf("journeyslo snapshot -config: output differs (-want +got):\n%s", diff)
	}
	if res.stderr != "" {
		t.Errorf("journeyslo snapshot -config: stderr %q, want nothing", res.stderr)
	}

	broken := writeFile(t, dir, "broken.yaml", brokenYAML)
	bad := runCmd(t, "snapshot", "-config", broken, path)
	bad.wantStatus(t, exitInvalid)
	if !strings.HasPrefix(bad.stderr, broken+":8:39: ") || bad.stdout != "" {
		t.Errorf("journeyslo snapshot -config %s: stdout %q, stderr\n%s\nwant nothing and its problems", broken, bad.stdout, bad.stderr)
	}
	two := runCmd(t, "snapshot", "-config", config, "-config", writeFile(t, dir, "other.yaml", shopYAML), path)
	two.wantStatus(t, exitUsage)
	if want := "journeyslo snapshot: -config names 2 services; a snapshot is one registry's, of one service\n"; !strings.HasPrefix(two.stderr, want) {
		t.Errorf("journeyslo snapshot with two configs: stderr\n%s\nwant it to start with\n%s", two.stderr, want)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("journeyslo snapshot -config changed the snapshot file")
	}
}

// writeIncidentSnapshot writes the snapshot of a 99% checkout objective
// (a budget needs 100 events) through one incident and into a second:
// 1000 good events at t0, a burst of 500 good and 500 bad at t0+1m (a
// burn of 25 over 5m and 1h: page-1h-5m pages), quiet until t0+7h, when
// every window that could keep a rule firing has forgotten the burst,
// then 100 good and 100 bad (a burn of 50 over 5m, 600/2200 over 1h).
func writeIncidentSnapshot(t *testing.T, dir string) string {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(t0)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.99}},
		slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	checkout := fixture.Journey(reg, "checkout")
	step := func(good, bad uint64, at time.Duration) {
		checkout.Add(good, bad)
		mock.Set(t0.Add(at))
		if err := reg.Advance(mock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	step(1000, 0, time.Minute)
	step(500, 500, time.Minute+3*time.Second)
	step(0, 0, 7*time.Hour)
	step(100, 100, 7*time.Hour+3*time.Second)
	var buf bytes.Buffer
	if _, err := reg.Snapshot().WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "incident.snap")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The episodes come from the snapshot, oldest first, the open one last.
// The first spent 500 bad events of the 20 its period (2000 events)
// allowed, 2500%, at a peak burn of 25 over 1h; it ended at the evaluation
// of 07:00, when no window held the burst. The open one has spent 100 of
// 22, 454.5%, burning 50 over 1h. Restored, a period of 2200 events holds
// 600 bad where 22 were allowed, 1 - 600/22 = -2627% by arithmetic, but
// its data covers 7 hours of 30 days: too little for a budget claim, which
// the table says instead.
func TestSnapshotVerbEpisodes(t *testing.T) {
	dir := t.TempDir()
	path := writeIncidentSnapshot(t, dir)
	res := runCmd(t, "snapshot", path)
	res.wantStatus(t, exitOK)
	i := strings.Index(res.stdout, "  episodes:")
	j := strings.Index(res.stdout, "\nunmatched:")
	if i < 0 || j < i {
		t.Fatalf("journeyslo snapshot: no episodes in\n%s", res.stdout)
	}
	want := `  episodes: 2, oldest first
  start                 severity  rule        end                   budget spent  peak burn
  2026-01-31T00:01:03Z  page      page-1h-5m  2026-01-31T07:00:00Z  2500%         25x
  2026-01-31T07:00:03Z  page      page-1h-5m  open                  454.5%        50x
`
	if diff := cmp.Diff(want, res.stdout[i:j]); diff != "" {
		t.Errorf("journeyslo snapshot: episodes differ (-want +got):\n%s", diff)
	}

	config := writeFile(t, dir, "shop.yaml", `service: shop
journeys:
  - name: checkout
    objectives:
      - target: 0.99
`)
	res = runCmd(t, "snapshot", "-config", config, path)
	res.wantStatus(t, exitOK)
	i = strings.Index(res.stdout, "\nRestored into")
	if i < 0 {
		t.Fatalf("journeyslo snapshot -config: no restore in\n%s", res.stdout)
	}
	want = `
Restored into the objectives of ` + config + `, evaluated at 2026-01-31T07:00:03Z:
  objective              restored  state              good  bad  SLI       budget left              period
  checkout:availability  yes       page (page-1h-5m)  1600  600  0.727273  young data: 7h3s of 30d  30d
`
	if diff := cmp.Diff(want, res.stdout[i:]); diff != "" {
		t.Errorf("journeyslo snapshot -config: restore differs (-want +got):\n%s", diff)
	}
}

// What is not a snapshot file is refused at once, as a registry's New
// refuses it: a named pipe (which a plain read would wait on for a
// writer), a device such as /dev/zero (which never ends), a directory,
// and a file larger than any registry writes. Run with a timeout (go test
// -timeout 10s) so that a hang fails.
func TestSnapshotVerbRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := mkfifo(t, filepath.Join(dir, "pipe.snap"))
	huge := filepath.Join(dir, "huge.snap")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(64<<20 + 1); err != nil { // sparse: no disk
		t.Fatal(err)
	}
	f.Close()
	for _, tc := range []struct{ path, want string }{
		{fifo, fifo + ": open: a named pipe, not a regular file; a snapshot is a regular file\n"},
		{"/dev/zero", "/dev/zero: open: a character device, not a regular file; a snapshot is a regular file\n"},
		{dir, dir + ": open: a directory, not a regular file; a snapshot is a regular file\n"},
		{huge, huge + ": 67108865 bytes, more than the 67108864 any registry writes\n"},
	} {
		res := runCmd(t, "snapshot", tc.path)
		res.wantStatus(t, exitInvalid)
		if res.stderr != tc.want || res.stdout != "" {
			t.Errorf("journeyslo snapshot %s: stderr %q, stdout %q; want stderr %q", tc.path, res.stderr, res.stdout, tc.want)
		}
	}
}

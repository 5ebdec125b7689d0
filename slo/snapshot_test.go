package slo

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"
)

// snapRegistry builds a manual registry at start with a snapshot file.
func snapRegistry(t *testing.T, objs []Objective, start time.Time, path string, opts ...Option) (*Registry, *[]error) {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(start)
	var errs []error
	reg, err := New(objs, append([]Option{WithClock(mock), WithManualAdvance(), WithSnapshot(path, time.Minute),
		OnError(func(err error) { errs = append(errs, err) })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return reg, &errs
}

var snapObjectives = []Objective{
	{Journey: "checkout", Target: 0.999},
	{Journey: "search", Target: 0.99, Latency: 300 * time.Millisecond},
}

// replay records two hours of traffic with an outage in the middle, and
// some unmatched events; it returns the instant it last advanced to. It
// waits for each save to return, as a registry advanced every 3 seconds
// does, so that every snapshot due is saved.
func replay(reg *Registry, from time.Time) time.Time {
	now := from
	for i := 0; i < 2400; i++ {
		reg.Advance(now)
		reg.settleSaves()
		bad := uint64(0)
		if i >= 1000 && i < 1100 {
			bad = 40
		}
		journeyOf(reg, "checkout").Add(400-bad, bad)
		journeyOf(reg, "search").Observe(time.Duration(i%500)*time.Millisecond, false)
		journeyOf(reg, "nope").Record(i%7 == 0)
		now = now.Add(3 * time.Second)
	}
	reg.Advance(now)
	reg.settleSaves()
	return now
}

// comparable strips what legitimately differs between two registries:
// when states began, and the totals, which count since New.
func comparable(sts []Status) []Status {
	for i := range sts {
		sts[i].Since = time.Time{}
		sts[i].TotalGood, sts[i].TotalBad = 0, 0
	}
	return sts
}

func TestSnapshotRestoresAcrossARestart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "slo.snapshot")

	// First process: two hours of traffic, then Close writes the snapshot.
	first, errs := snapRegistry(t, snapObjectives, t0, path)
	if r := first.Restored(); r.Err != nil || !r.Written.IsZero() || len(r.Objectives) != 0 {
		t.Fatalf("first start Restored() = %+v, want nothing and no error", r)
	}
	end := replay(first, t0)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	// The same traffic in a process that never stopped, advanced to ten
	// minutes after the restart.
	never, _ := snapRegistry(t, snapObjectives, t0, filepath.Join(dir, "other"))
	replay(never, t0)
	restart := end.Add(10 * time.Minute)
	never.Advance(restart)

	second, errs2 := snapRegistry(t, snapObjectives, restart, path)
	r := second.Restored()
	if r.Err != nil || !r.Written.Equal(end) {
		t.Fatalf("Restored() = %+v, want written at %v", r, end)
	}
	if diff := cmp.Diff([]string{"checkout:availability", "search:latency"}, r.Objectives); diff != "" || len(r.Skipped) != 0 {
		t.Fatalf("Restored (-want +got):\n%s\nSkipped: %v", diff, r.Skipped)
	}
	second.Advance(restart)
	if diff := cmp.Diff(comparable(never.Status()), comparable(second.Status())); diff != "" {
		t.Errorf("status after the restart differs from a process that never stopped (-never +restored):\n%s", diff)
	}
	// The windows came back, the totals did not: they are this process's.
	for _, st := range second.Status() {
		if st.TotalGood != 0 || st.TotalBad != 0 {
			t.Errorf("%s/%s: totals (%d, %d) after a restore, want (0, 0): they count since New", st.Journey, st.Objective, st.TotalGood, st.TotalBad)
		}
	}
	if g, b := second.Unmatched(); g != 0 || b != 0 {
		t.Errorf("Unmatched() = (%d, %d) after a restore, want (0, 0): it counts since New", g, b)
	}
	if len(*errs)+len(*errs2) != 0 {
		t.Errorf("OnError called: %v %v", *errs, *errs2)
	}
	// Atomic writes leave no temporary file, and the file is private.
	never.settleSaves() // the save due at its last advance
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("files in the snapshot directory: %v, want slo.snapshot and other", entries)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("snapshot file mode %v, %v; want -rw-------", fi.Mode(), err)
	}
}

func TestSnapshotWrittenPeriodically(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	reg, _ := snapRegistry(t, snapObjectives, t0, path)
	journeyOf(reg, "checkout").Add(10, 1)
	reg.Advance(t0.Add(59 * time.Second))
	reg.settleSaves()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("snapshot before the first minute: %v, want none", err)
	}
	reg.Advance(t0.Add(time.Minute))
	reg.settleSaves()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := decodeSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Written.Equal(t0.Add(time.Minute)) || snap.Series[0].Total.Good != 10 || snap.Series[0].Total.Bad != 1 {
		t.Fatalf("snapshot written %v with checkout totals %+v; want t0+1m, {10 1}", snap.Written, snap.Series[0].Total)
	}
	journeyOf(reg, "checkout").Add(5, 0)
	reg.Advance(t0.Add(119 * time.Second)) // not due yet: the file keeps 10
	reg.settleSaves()
	if snap, _ := decodeSnapshot(mustRead(t, path)); snap.Series[0].Total.Good != 10 {
		t.Fatalf("snapshot rewritten before its period: %d good", snap.Series[0].Total.Good)
	}
	reg.Advance(t0.Add(2 * time.Minute))
	reg.settleSaves()
	if snap, _ := decodeSnapshot(mustRead(t, path)); snap.Series[0].Total.Good != 15 {
		t.Fatalf("snapshot after two minutes has %d good, want 15", snap.Series[0].Total.Good)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goodSnapshot returns the bytes of a snapshot of replayed traffic.
func goodSnapshot(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	reg, _ := snapRegistry(t, snapObjectives, t0, path)
	replay(reg, t0)
	if err := reg.Close(); err != nil {
		t.Fatal(err)
	}
	return mustRead(t, path)
}

func TestSnapshotBadFiles(t *testing.T) {
	good := goodSnapshot(t)
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 0x40
	newer := []byte(snapshotMagic + "\x03rest of a newer format")
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", []byte{}, `not a journeyslo snapshot: it starts with "", not "JSLOSNAP"`},
		{"foreign", []byte("PK\x03\x04 a zip file"), `not a journeyslo snapshot: it starts with "PK\x03\x04 a z"`},
		{"newer format", newer, "format version 3; this library reads versions 1 to 2"},
		{"flipped bit", flipped, "corrupt or truncated: checksum"},
		{"truncated", good[:len(good)-100], "corrupt or truncated: checksum"},
		{"magic only", []byte(snapshotMagic), "truncated: 8 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "slo.snapshot")
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			reg, errs := snapRegistry(t, snapObjectives, t0.Add(3*time.Hour), path)
			r := reg.Restored()
			if r.Err == nil || !errors.Is(r.Err, ErrSnapshot) || !strings.Contains(r.Err.Error(), tc.want) || !strings.Contains(r.Err.Error(), path) {
				t.Fatalf("Restored().Err = %v, want an ErrSnapshot naming the file and containing %q", r.Err, tc.want)
			}
			if len(*errs) != 1 || (*errs)[0] != r.Err {
				t.Errorf("OnError got %v, want the restore error once", *errs)
			}
			// The registry starts anyway, empty, and works.
			journeyOf(reg, "checkout").Add(3, 0)
			reg.Advance(t0.Add(3*time.Hour + time.Second))
			if st := reg.Status()[0]; st.Good != 3 || st.TotalGood != 3 {
				t.Errorf("after a bad snapshot: (%d good, %d total), want 3, 3", st.Good, st.TotalGood)
			}
		})
	}
}

func TestSnapshotWithChangedObjectives(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	old := append(append([]Objective(nil), snapObjectives...), Objective{Journey: "legacy", Target: 0.99})
	first, _ := snapRegistry(t, old, t0, path)
	end := replay(first, t0)
	first.Close()

	changed := []Objective{
		{Journey: "checkout", Target: 0.99}, // the target changed: counts mean the same
		{Journey: "search", Target: 0.99, Latency: 500 * time.Millisecond},
		{Journey: "login", Target: 0.995},
	}
	reg, errs := snapRegistry(t, changed, end, path)
	r := reg.Restored()
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if diff := cmp.Diff([]string{"checkout:availability"}, r.Objectives); diff != "" {
		t.Errorf("Restored (-want +got):\n%s", diff)
	}
	wantSkipped := []string{
		"search:latency: its latency threshold changed from 300ms to 500ms, so its counts meant something else; starts empty",
		"login:availability: not in the snapshot; starts empty",
		"legacy:availability: no longer declared; its counts are dropped",
	}
	if diff := cmp.Diff(wantSkipped, r.Skipped); diff != "" {
		t.Errorf("Skipped (-want +got):\n%s", diff)
	}
	if len(*errs) != 1 || !errors.Is((*errs)[0], ErrSnapshot) || !strings.Contains((*errs)[0].Error(), "restored 1 of 3 objectives") {
		t.Errorf("OnError got %v, want one summary", *errs)
	}
	reg.Advance(end)
	st := reg.Status()
	if st[0].Good != 2400*400-100*40 || st[0].Bad != 100*40 || st[1].Good+st[1].Bad != 0 {
		t.Errorf("checkout (%d, %d), search %d events; want (956000, 4000), 0", st[0].Good, st[0].Bad, st[1].Good+st[1].Bad)
	}
}

func TestSnapshotFromTheFuture(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	first, _ := snapRegistry(t, snapObjectives, t0, path)
	end := replay(first, t0)
	first.Close()

	// Written two hours "later" than the new process's clock: refused.
	reg, _ := snapRegistry(t, snapObjectives, end.Add(-2*time.Hour), path)
	if r := reg.Restored(); r.Err == nil || !strings.Contains(r.Err.Error(), "2h0m0s after now: restoring it would hold the windows still until then") {
		t.Errorf("Restored().Err = %v, want a refusal", r.Err)
	}
	// Ten minutes: restored, and the windows hold until the clock catches up.
	reg2, _ := snapRegistry(t, snapObjectives, end.Add(-10*time.Minute), path)
	if r := reg2.Restored(); r.Err != nil || len(r.Objectives) != 2 {
		t.Fatalf("Restored() = %+v, want both objectives", r)
	}
	reg2.Advance(end.Add(-10 * time.Minute))
	if st := reg2.Status()[0]; st.Bad != 4000 {
		t.Errorf("bad events restored %d, want 4000", st.Bad)
	}
}

func TestSnapshotErrors(t *testing.T) {
	for _, opt := range []Option{WithSnapshot("", time.Minute), WithSnapshot("x", 0), WithSnapshot("x", -time.Second)} {
		_, err := New(snapObjectives, opt)
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "give a file path and a positive period") {
			t.Errorf("New with a bad WithSnapshot = %v", err)
		}
	}
	// A directory that does not exist: every write fails, New still works,
	// the periodic failure goes to OnError and Close returns its own.
	path := filepath.Join(t.TempDir(), "missing", "slo.snapshot")
	reg, errs := snapRegistry(t, snapObjectives, t0, path)
	reg.Advance(t0.Add(time.Minute))
	reg.settleSaves()
	if len(*errs) != 1 || !errors.Is((*errs)[0], ErrSnapshot) || !errors.Is((*errs)[0], os.ErrNotExist) {
		t.Errorf("OnError got %v, want one ErrSnapshot wrapping ErrNotExist", *errs)
	}
	err := reg.Close()
	if err == nil || !errors.Is(err, ErrSnapshot) || !strings.Contains(err.Error(), "writing "+path) {
		t.Errorf("Close() = %v, want the final write's error", err)
	}
	if again := reg.Close(); again != err {
		t.Errorf("second Close() = %v, want the same error", again)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	data := goodSnapshot(t)
	snap, err := decodeSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	if again := mustEncode(t, snap); string(again) != string(data) {
		t.Fatalf("encode(decode(x)) differs from x: %d bytes vs %d", len(again), len(data))
	}
	if len(snap.Series) != 3 || snap.Series[2].Journey != Unmatched || snap.Tick != 3*time.Second {
		t.Fatalf("decoded %d series, last %q, tick %v", len(snap.Series), snap.Series[2].Journey, snap.Tick)
	}
}

// The child process of TestKilledProcessLosesAtMostOnePeriod: it records
// 1001 events a second of mock time, writes a snapshot every 10 s, and
// prints its total after each step, waiting for a line on stdin before the
// next. The parent kills it with SIGKILL.
func TestSnapshotChildProcess(t *testing.T) {
	path := os.Getenv("JOURNEYSLO_SNAPSHOT_CHILD")
	if path == "" {
		t.Skip("the child of TestKilledProcessLosesAtMostOnePeriod")
	}
	mock := clock.NewMock()
	mock.Set(t0)
	reg, err := New(snapObjectives, WithClock(mock), WithManualAdvance(), WithSnapshot(path, 10*time.Second))
	if err != nil {
		fmt.Println("error", err)
		return
	}
	in := bufio.NewScanner(os.Stdin)
	total := 0
	for step := 1; step <= 1000 && in.Scan(); step++ {
		journeyOf(reg, "checkout").Add(1000, 1)
		total += 1001
		reg.Advance(t0.Add(time.Duration(step) * time.Second))
		reg.settleSaves() // the parent kills it after the save of step 40 returned
		fmt.Printf("step %d total %d\n", step, total)
	}
}

func TestKilledProcessLosesAtMostOnePeriod(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	cmd := exec.Command(os.Args[0], "-test.run=^TestSnapshotChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "JOURNEYSLO_SNAPSHOT_CHILD="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewScanner(stdout)
	const killAt = 45
	total := 0
	for step := 1; step <= killAt; step++ {
		fmt.Fprintln(stdin, "next")
		if !out.Scan() {
			t.Fatalf("child stopped before step %d: %v", step, cmd.Wait())
		}
		var s int
		if _, err := fmt.Sscanf(out.Text(), "step %d total %d", &s, &total); err != nil || s != step {
			t.Fatalf("child said %q at step %d", out.Text(), step)
		}
	}
	// The child waits for the next line: kill it mid-run, with no Close.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	reg, errs := snapRegistry(t, snapObjectives, t0.Add(killAt*time.Second), path)
	if r := reg.Restored(); r.Err != nil || len(*errs) != 0 {
		t.Fatalf("restore after a kill: %v %v", r.Err, *errs)
	}
	reg.Advance(t0.Add(killAt * time.Second))
	st := reg.Status()[0]
	restored := int(st.Good + st.Bad)
	// The last snapshot was written at step 40: the five steps after it are
	// lost, less than one period of ten.
	if restored != 40*1001 {
		t.Errorf("restored %d events, want %d (the snapshot of step 40)", restored, 40*1001)
	}
	if lost := total - restored; lost < 0 || lost > 10*1001 {
		t.Errorf("lost %d events of %d, want between 0 and one period (%d)", lost, total, 10*1001)
	}
	t.Logf("killed at step %d with %d events recorded; restored %d", killAt, total, restored)
}

// After a restart that restores a snapshot, the totals (which exporters
// publish as counters) start at zero and count exactly the events of the
// new process, while the period's counts include the restored ones. A
// total that started from the snapshot's would sit below the last value a
// scraper saw, since the snapshot lacks the events after its last write:
// the scraper would take it for a counter reset and count every restored
// event again.
func TestTotalsCountSinceNewAfterARestore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	first, _ := snapRegistry(t, snapObjectives, t0, path)
	journeyOf(first, "checkout").Add(5000, 50)
	journeyOf(first, "nope").Add(7, 3)
	first.Advance(t0.Add(time.Minute)) // the periodic snapshot: 5050 events
	first.settleSaves()
	journeyOf(first, "checkout").Add(900, 100)
	first.Advance(t0.Add(90 * time.Second))
	if st := first.Status()[0]; st.TotalGood != 5900 || st.TotalBad != 150 {
		t.Fatalf("first process: totals (%d, %d), want (5900, 150)", st.TotalGood, st.TotalBad)
	}
	// The process dies here without Close: the snapshot of the minute is
	// what the next one finds.

	restart := t0.Add(2 * time.Minute)
	second, errs := snapRegistry(t, snapObjectives, restart, path)
	if r := second.Restored(); r.Err != nil || len(r.Objectives) != 2 || len(*errs) != 0 {
		t.Fatalf("Restored() = %+v, errors %v; want both objectives", r, *errs)
	}
	check := func(when string, good, bad, totG, totB, unG, unB uint64) {
		t.Helper()
		st := second.Status()[0]
		if st.Good != good || st.Bad != bad || st.TotalGood != totG || st.TotalBad != totB {
			t.Errorf("%s: checkout period (%d, %d), totals (%d, %d); want (%d, %d), (%d, %d)",
				when, st.Good, st.Bad, st.TotalGood, st.TotalBad, good, bad, totG, totB)
		}
		if g, b := second.Unmatched(); g != unG || b != unB {
			t.Errorf("%s: Unmatched() = (%d, %d), want (%d, %d)", when, g, b, unG, unB)
		}
	}
	check("at New", 5000, 50, 0, 0, 0, 0)
	journeyOf(second, "checkout").Add(300, 2)
	journeyOf(second, "checkout").Record(true)
	journeyOf(second, "nope").Record(false)
	second.Advance(restart.Add(3 * time.Second))
	check("after traffic", 5300, 53, 300, 3, 1, 0)

	// A second restart, from the snapshot Close writes, again starts at zero.
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
	third, _ := snapRegistry(t, snapObjectives, restart.Add(4*time.Second), path)
	if st := third.Status()[0]; st.Good != 5300 || st.Bad != 53 || st.TotalGood != 0 || st.TotalBad != 0 {
		t.Errorf("third process: period (%d, %d), totals (%d, %d); want (5300, 53), (0, 0)", st.Good, st.Bad, st.TotalGood, st.TotalBad)
	}
	if g, b := third.Unmatched(); g != 0 || b != 0 {
		t.Errorf("third process: Unmatched() = (%d, %d), want (0, 0)", g, b)
	}
}

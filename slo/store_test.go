package slo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/window"
)

// withStoreTimeout bounds each Load and Save by d rather than by the
// period or 10 seconds, so that a test of a hung store takes a fraction of
// a second.
func withStoreTimeout(d time.Duration) Option {
	return func(cfg *config) { cfg.storeTimeout = d }
}

// hungStore is a Store whose Save never returns until the test releases
// it, whatever its context says: a volume that stopped answering.
type hungStore struct {
	started  chan struct{} // receives at the start of each Save
	release  chan struct{} // closed by the test's cleanup
	mu       sync.Mutex
	saves    int
	inFlight int
	most     int // the most Saves that ran at once
}

func newHungStore(t *testing.T) *hungStore {
	s := &hungStore{started: make(chan struct{}, 16), release: make(chan struct{})}
	// Released when the test ends, so that the saver's goroutine returns
	// before goleak looks.
	t.Cleanup(func() { close(s.release) })
	return s
}

func (s *hungStore) Load(context.Context) ([]byte, error) { return nil, fs.ErrNotExist }

func (s *hungStore) Save(ctx context.Context, data []byte) error {
	s.mu.Lock()
	s.saves++
	s.inFlight++
	s.most = max(s.most, s.inFlight)
	s.mu.Unlock()
	s.started <- struct{}{}
	<-s.release
	s.mu.Lock()
	s.inFlight--
	s.mu.Unlock()
	return nil
}

func (s *hungStore) counts() (saves, most int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saves, s.most
}

// A store whose Save hangs costs the registry nothing: the rotator advances
// at every tick, Staleness never says stalled (so the health check passes),
// no second save starts, events keep counting, and Close returns after the
// store's timeout with an error saying the save never returned.
func TestHungStoreNeverStallsTheRegistry(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(t0)
	store := newHungStore(t)
	errs := make(chan error, 16)
	const timeout = 300 * time.Millisecond
	reg, err := New([]Objective{{Journey: "checkout", Target: 0.999}}, WithClock(mock), WithStore(store, 3*time.Second),
		withStoreTimeout(timeout), OnError(func(err error) { errs <- err }))
	if err != nil {
		t.Fatal(err)
	}
	waitAdvanced := func(at time.Time) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !reg.Status()[0].Time.Equal(at) {
			if time.Now().After(deadline) {
				t.Fatalf("the registry stopped at %v, want %v", reg.Status()[0].Time, at)
			}
			time.Sleep(time.Millisecond)
		}
	}
	checkout := journeyOf(reg, "checkout")
	// The first tick's snapshot is due: its Save hangs.
	mock.Add(3 * time.Second)
	waitAdvanced(t0.Add(3 * time.Second))
	select {
	case <-store.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the due snapshot was never saved")
	}
	// Twenty ticks, a minute, each with a snapshot due: every one advances
	// the registry, which never counts as stalled.
	for i := 2; i <= 21; i++ {
		checkout.Add(99, 1)
		mock.Add(3 * time.Second)
		at := t0.Add(time.Duration(i) * 3 * time.Second)
		waitAdvanced(at)
		if lag, stalled := reg.Staleness(); lag != 0 || stalled {
			t.Fatalf("tick %d, with a save hung since the first: Staleness() = %v, %v; want 0, false", i, lag, stalled)
		}
	}
	if st := reg.Status()[0]; st.Good != 20*99 || st.Bad != 20 {
		t.Errorf("events counted while the store hung: %d good, %d bad; want %d, 20", st.Good, st.Bad, 20*99)
	}
	if saves, most := store.counts(); saves != 1 || most != 1 {
		t.Errorf("%d saves started, at most %d at once; want the one that hung, alone", saves, most)
	}
	begin := time.Now()
	err = reg.Close()
	took := time.Since(begin)
	if !errors.Is(err, ErrSnapshot) || !strings.Contains(err.Error(), "a save still had not returned after 300ms, the store's timeout: the snapshot at Close was not saved") {
		t.Errorf("Close() = %v, want an ErrSnapshot saying the save in flight timed out", err)
	}
	if took < timeout || took > timeout+2*time.Second {
		t.Errorf("Close took %v, want the store's timeout, %v", took, timeout)
	}
	if saves, most := store.counts(); saves != 1 || most != 1 {
		t.Errorf("after Close: %d saves started, at most %d at once; want no save beside the hung one", saves, most)
	}
	if len(errs) != 0 {
		t.Errorf("OnError got %v while the save hung, want nothing: it never returned", <-errs)
	}
}

// gateStore is a Store in memory whose Saves wait for the test to open the
// gate, one Save per value sent on it.
type gateStore struct {
	gate    chan struct{}
	started chan struct{}
	mu      sync.Mutex
	saved   [][]byte
}

func (s *gateStore) Load(context.Context) ([]byte, error) { return nil, fs.ErrNotExist }

func (s *gateStore) Save(ctx context.Context, data []byte) error {
	s.started <- struct{}{}
	<-s.gate
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saved = append(s.saved, append([]byte(nil), data...))
	return nil
}

func (s *gateStore) written(t *testing.T) []time.Time {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Time
	for _, data := range s.saved {
		snap, err := decodeSnapshot(data)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, snap.Written)
	}
	return out
}

// A snapshot that falls due while a save runs is taken at once and waits
// for that save; a newer one due before the save returns replaces it, so
// that one save runs at a time, one copy at most waits, and the one saved
// next is the newest.
func TestSaveDueWhileOneRunsWaitsForIt(t *testing.T) {
	store := &gateStore{gate: make(chan struct{}), started: make(chan struct{}, 4)}
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}}, WithStore(store, time.Minute))
	checkout := journeyOf(reg, "checkout")
	reg.Advance(t0.Add(time.Minute)) // due: handed over, waits at the gate
	<-store.started
	checkout.Add(7, 0)
	reg.Advance(t0.Add(2 * time.Minute)) // due while the first save runs: waits
	checkout.Add(5, 0)
	reg.Advance(t0.Add(3 * time.Minute)) // due again: replaces the one waiting
	select {
	case <-store.started:
		t.Fatal("a second save started while the first ran")
	default:
	}
	store.gate <- struct{}{} // the first save returns; the newest starts
	<-store.started
	store.gate <- struct{}{}
	reg.settleSaves()
	want := []time.Time{t0.Add(time.Minute), t0.Add(3 * time.Minute)}
	if got := store.written(t); !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Fatalf("snapshots written at %v, want %v", got, want)
	}
	snap, _ := decodeSnapshot(store.saved[1])
	if snap.Series[0].Total.Good != 12 {
		t.Errorf("the newest snapshot holds %d good events, want the 12 recorded before it was taken", snap.Series[0].Total.Good)
	}
	close(store.gate) // Close's save
	if err := reg.Close(); err != nil {
		t.Fatal(err)
	}
	if got := store.written(t); len(got) != 3 || !got[2].Equal(t0.Add(3*time.Minute)) {
		t.Errorf("after Close, snapshots written at %v; want a third, at Close (t0+3m)", got)
	}
}

// Close drops the snapshot that waits, which its own supersedes, and waits
// for the one in flight before it saves its own.
func TestCloseWaitsForTheSaveInFlight(t *testing.T) {
	store := &gateStore{gate: make(chan struct{}), started: make(chan struct{}, 4)}
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}}, WithStore(store, time.Minute))
	reg.Advance(t0.Add(time.Minute))
	<-store.started
	journeyOf(reg, "checkout").Add(3, 0)
	reg.Advance(t0.Add(2 * time.Minute)) // waits, then is dropped
	closed := make(chan error)
	go func() { closed <- reg.Close() }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned %v while a save ran", err)
	case <-time.After(50 * time.Millisecond):
	}
	store.gate <- struct{}{} // the save in flight returns; Close's starts
	<-store.started
	store.gate <- struct{}{}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	want := []time.Time{t0.Add(time.Minute), t0.Add(2 * time.Minute)}
	if got := store.written(t); !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Fatalf("snapshots written at %v, want the first and Close's, %v", got, want)
	}
	if snap, _ := decodeSnapshot(store.saved[1]); snap.Series[0].Total.Good != 3 {
		t.Errorf("Close's snapshot holds %d good events, want 3", snap.Series[0].Total.Good)
	}
}

// A Store that panics in Save costs the registry nothing: the panic is
// reported, and the next save runs.
func TestPanickingStore(t *testing.T) {
	var errs []error
	var mu sync.Mutex
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}}, WithStore(panicStore{}, time.Minute),
		OnError(func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }))
	reg.Advance(t0.Add(time.Minute))
	reg.settleSaves()
	reg.Advance(t0.Add(2 * time.Minute))
	reg.settleSaves()
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 2 || !errors.Is(errs[0], ErrSnapshot) || !errors.Is(errs[0], ErrPanic) ||
		errs[0].Error() != "slo: snapshot: writing slo.panicStore: slo: recovered panic: Save panicked: disk on fire" {
		t.Errorf("OnError got %v, want two ErrSnapshot and ErrPanic errors", errs)
	}
}

type panicStore struct{}

func (panicStore) Load(context.Context) ([]byte, error) { return nil, fs.ErrNotExist }
func (panicStore) Save(context.Context, []byte) error   { panic("disk on fire") }

// blockedLoad is a Store whose Load never returns until the test ends.
type blockedLoad struct{ release chan struct{} }

func (s blockedLoad) Load(context.Context) ([]byte, error) {
	<-s.release
	return nil, errors.New("released")
}
func (blockedLoad) Save(context.Context, []byte) error { return nil }

// New waits for Load no longer than the store's timeout, then starts
// empty and says why.
func TestNewDoesNotWaitForAHungLoad(t *testing.T) {
	store := blockedLoad{release: make(chan struct{})}
	t.Cleanup(func() { close(store.release) })
	begin := time.Now()
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}}, WithStore(store, time.Minute),
		withStoreTimeout(200*time.Millisecond), OnError(func(error) {}))
	if took := time.Since(begin); took > 5*time.Second {
		t.Errorf("New took %v, want about the store's timeout, 200ms", took)
	}
	want := "slo: snapshot: reading slo.blockedLoad: the store's Load had not returned after 200ms, its timeout; starting empty"
	if r := reg.Restored(); !errors.Is(r.Err, ErrSnapshot) || r.Err.Error() != want {
		t.Errorf("Restored().Err = %v, want %q", r.Err, want)
	}
}

// A named pipe or a device where the snapshot should be is refused at
// once, without blocking (opening a pipe for reading waits for a writer,
// and /dev/zero never ends), and never replaced by a save. The test's
// timeout (go test -timeout 10s) catches a hang.
func TestFileStoreRefusesWhatIsNotAFile(t *testing.T) {
	fifo := mkfifo(t, filepath.Join(t.TempDir(), "slo.snapshot"))
	for _, tc := range []struct {
		path, want string
	}{
		{fifo, "open " + fifo + ": a named pipe, not a regular file; a snapshot is a regular file"},
		{"/dev/zero", "open /dev/zero: a character device, not a regular file; a snapshot is a regular file"},
		{filepath.Dir(fifo), "open " + filepath.Dir(fifo) + ": a directory, not a regular file; a snapshot is a regular file"},
	} {
		if _, err := os.Stat(tc.path); err != nil {
			t.Logf("%s: %v", tc.path, err)
			continue
		}
		data, err := FileStore{Path: tc.path}.Load(context.Background())
		if err == nil || err.Error() != tc.want || data != nil {
			t.Errorf("Load(%s) = %d bytes, %v; want %q", tc.path, len(data), err, tc.want)
		}
	}

	// New refuses the pipe and starts empty; Close does not replace it.
	reg, errs := snapRegistry(t, snapObjectives, t0, fifo)
	r := reg.Restored()
	if !errors.Is(r.Err, ErrSnapshot) || !strings.Contains(r.Err.Error(), "reading "+fifo+": open "+fifo+": a named pipe, not a regular file") {
		t.Errorf("Restored().Err = %v, want the pipe refused", r.Err)
	}
	reg.Advance(t0.Add(time.Minute))
	reg.settleSaves()
	if len(*errs) != 2 || !strings.Contains((*errs)[1].Error(), "writing "+fifo+": replace "+fifo+": a named pipe, not a regular file") {
		t.Errorf("OnError got %v, want the restore's error and the save's refusal", *errs)
	}
	if err := reg.Close(); err == nil || !strings.Contains(err.Error(), "a named pipe, not a regular file") {
		t.Errorf("Close() = %v, want the save refused", err)
	}
	if fi, err := os.Stat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("after the saves, the pipe is %v, %v; want it left as it was", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(filepath.Dir(fifo))
	if len(entries) != 1 {
		t.Errorf("files beside the pipe: %v, want none", entries)
	}
}

// A file larger than any snapshot is refused before it is read, and so is
// one that grows past the limit while it is read.
func TestFileStoreReadsToALimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: 64 MiB and a byte, no disk.
	if err := f.Truncate(maxSnapshotBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = FileStore{Path: path}.Load(context.Background())
	if want := path + ": 67108865 bytes, more than the 67108864 any registry writes"; err == nil || err.Error() != want {
		t.Errorf("Load = %v, want %q", err, want)
	}
	if _, err := readLimited(strings.NewReader("12345"), 4); err == nil || err.Error() != "larger than 4 bytes, more than any registry writes" {
		t.Errorf("readLimited past its limit = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (FileStore{Path: path}).Load(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Load with a context ended = %v, want context.Canceled", err)
	}
}

// The temporary files of saves a crash interrupted are removed by the next
// Save, and only they: the snapshot's name, ".tmp-", digits. New leaves
// them: the process it replaces may still be writing one.
func TestFileStoreRemovesOnlyItsTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "slo.snapshot")
	ours := []string{"slo.snapshot.tmp-123", "slo.snapshot.tmp-4294967295"}
	others := []string{"slo.snapshot.tmp-12a", "slo.snapshot.tmp-", "other.snapshot.tmp-123", "slo.snapshot.bak", "xslo.snapshot.tmp-1"}
	for _, name := range append(slices.Clone(ours), others...) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "slo.snapshot.tmp-456"), 0o700); err != nil {
		t.Fatal(err)
	}
	others = append(others, "slo.snapshot.tmp-456") // a directory, not a file a save wrote
	names := func() []string {
		entries, _ := os.ReadDir(dir)
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	reg, _ := snapRegistry(t, snapObjectives, t0, path)
	want := slices.Sorted(slices.Values(append(slices.Clone(ours), others...)))
	if got := names(); !slices.Equal(got, want) {
		t.Errorf("after New: %v, want %v", got, want)
	}
	reg.Advance(t0.Add(time.Minute))
	reg.settleSaves()
	want = slices.Sorted(slices.Values(append(slices.Clone(others), "slo.snapshot")))
	if got := names(); !slices.Equal(got, want) {
		t.Errorf("after a save: %v, want %v", got, want)
	}
	for _, name := range others[:5] {
		if data, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(data) != name {
			t.Errorf("%s: %q, %v; want it untouched", name, data, err)
		}
	}
}

// The child of TestKilledDuringSaves: it saves the snapshots a and b of
// its directory, in turn, with a FileStore, until it is killed. It says
// "ready" once the first save has returned, so that the file exists
// whenever the parent kills it.
func TestSaveChildProcess(t *testing.T) {
	dir := os.Getenv("JOURNEYSLO_SAVE_CHILD")
	if dir == "" {
		t.Skip("the child of TestKilledDuringSaves")
	}
	a, errA := os.ReadFile(filepath.Join(dir, "a"))
	b, errB := os.ReadFile(filepath.Join(dir, "b"))
	if errA != nil || errB != nil {
		fmt.Println("error", errA, errB)
		return
	}
	store := FileStore{Path: filepath.Join(dir, "slo.snapshot")}
	for i := 0; ; i++ {
		if err := store.Save(context.Background(), [][]byte{a, b}[i%2]); err != nil {
			fmt.Println("error", err)
			return
		}
		if i == 0 {
			fmt.Println("ready")
		}
	}
}

// A process killed at any moment of its saves leaves the old snapshot or
// the new one, never a part, which the next registry restores; what the
// kills leave behind is removed by that registry's first save.
func TestKilledDuringSaves(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "slo.snapshot")
	objs := make([]Objective, 100)
	for i := range objs {
		objs[i] = Objective{Journey: fmt.Sprintf("journey-%d", i), Target: 0.999}
	}
	// Two snapshots of a registry, a minute apart: a megabyte or so each,
	// so that a kill often lands during a write.
	src := manualAt(t, t0, objs)
	snaps := make([][]byte, 2)
	for k := range snaps {
		for m := 0; m < 60; m++ {
			for i, o := range objs {
				journeyOf(src, o.Journey).Add(uint64(1000+i), uint64(k))
			}
			src.Advance(t0.Add(time.Duration(k*60+m+1) * time.Second))
		}
		snaps[k] = mustEncode(t, src.Snapshot())
		if err := os.WriteFile(filepath.Join(dir, string(rune('a'+k))), snaps[k], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	temps := func() []string {
		entries, _ := os.ReadDir(dir)
		var out []string
		for _, e := range entries {
			if isTempOf("slo.snapshot", e.Name()) {
				out = append(out, e.Name())
			}
		}
		return out
	}
	rng := rand.New(rand.NewPCG(1, 2))
	left := 0
	for kill := 0; kill < 20; kill++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSaveChildProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "JOURNEYSLO_SAVE_CHILD="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		out := bufio.NewScanner(stdout)
		if !out.Scan() || out.Text() != "ready" {
			t.Fatalf("child said %q: %v", out.Text(), cmd.Wait())
		}
		time.Sleep(time.Duration(rng.IntN(20000)) * time.Microsecond)
		cmd.Process.Kill()
		cmd.Wait()
		data, err := os.ReadFile(path)
		switch {
		case err != nil:
			t.Fatal(err)
		case !bytes.Equal(data, snaps[0]) && !bytes.Equal(data, snaps[1]):
			t.Fatalf("after kill %d the snapshot is %d bytes, neither of the two saved (%d and %d)", kill, len(data), len(snaps[0]), len(snaps[1]))
		}
		left = max(left, len(temps()))
	}
	t.Logf("20 kills left at most %d temporary files at once", left)

	reg, errs := snapRegistry(t, objs, t0.Add(3*time.Minute), path)
	if r := reg.Restored(); r.Err != nil || len(r.Objectives) != len(objs) || len(*errs) != 0 {
		t.Fatalf("Restored() = %v with %d objectives, errors %v; want all %d", r.Err, len(r.Objectives), *errs, len(objs))
	}
	reg.Advance(t0.Add(3 * time.Minute))
	// One of the two snapshots: after a's minute, or after both.
	if st := reg.Status()[0]; st.Bad != 0 && st.Bad != 60 || st.Good != 1000*60 && st.Good != 1000*120 {
		t.Errorf("restored %d good, %d bad; want a's (60000, 0) or b's (120000, 60)", st.Good, st.Bad)
	}
	reg.Advance(t0.Add(4 * time.Minute)) // a save is due
	reg.settleSaves()
	if got := temps(); len(got) != 0 {
		t.Errorf("after the first save: temporary files %v, want none", got)
	}
	if err := reg.Close(); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(path); err != nil || decodeErr(data) != nil {
		t.Errorf("after Close the snapshot does not read: %v %v", err, decodeErr(data))
	}
}

func decodeErr(data []byte) error {
	_, err := decodeSnapshot(data)
	return err
}

// crafted returns the bytes of s without the checks of encodeSnapshot: a
// file made to pass the checksum.
func crafted(s Snapshot) []byte { return withChecksum(appendSnapshot(nil, s)) }

// impossibleSnapshots are snapshots no registry writes, and the reason the
// decoder gives for each. Their base is a registry's at t0, one objective,
// one ring of the 5-minute window.
func impossibleSnapshots() []struct {
	name string
	snap Snapshot
	want string
} {
	step := t0.UnixNano() / int64(3*time.Second)
	ring := func(width time.Duration, n int) window.RingState {
		per := int64(width / (3 * time.Second))
		return window.RingState{Width: width, Last: step / per, Buckets: make([]window.Counts, n)}
	}
	snap := func(f func(*Snapshot)) Snapshot {
		s := Snapshot{Written: t0, Tick: 3 * time.Second, Step: step, Series: []SeriesSnapshot{
			{Journey: "checkout", Objective: "availability", Rings: []window.RingState{ring(3*time.Second, 101)}},
			{Journey: Unmatched},
		}}
		f(&s)
		return s
	}
	type tc = struct {
		name string
		snap Snapshot
		want string
	}
	return []tc{
		{"negative width", snap(func(s *Snapshot) { s.Series[0].Rings[0].Width = -3 * time.Second }),
			`series 0 ("checkout:availability"): ring 0: width -3s is not a bucket width of the window package at or above the tick, 3s`},
		{"zero width", snap(func(s *Snapshot) { s.Series[0].Rings[0].Width = 0 }),
			`series 0 ("checkout:availability"): ring 0: width 0s is not a bucket width of the window package at or above the tick, 3s`},
		{"width off the ladder", snap(func(s *Snapshot) { s.Series[0].Rings[0].Width = 6 * time.Second }),
			"ring 0: width 6s is not a bucket width of the window package"},
		{"width under the tick", snap(func(s *Snapshot) {
			s.Series[0].Rings[0] = window.RingState{Width: time.Second, Last: step * 3, Buckets: make([]window.Counts, 3)}
		}),
			"ring 0: width 1s is not a bucket width of the window package at or above the tick, 3s"},
		{"rings out of order", snap(func(s *Snapshot) {
			s.Series[0].Rings = []window.RingState{ring(15*time.Second, 241), ring(3*time.Second, 101)}
		}), "ring 1: width 3s after 15s; rings go finest first, one per width"},
		{"a ring twice", snap(func(s *Snapshot) {
			s.Series[0].Rings = []window.RingState{ring(3*time.Second, 101), ring(3*time.Second, 101)}
		}), "ring 1: width 3s after 3s"},
		{"newest bucket elsewhere", snap(func(s *Snapshot) { s.Series[0].Rings[0].Last += 1000 }),
			fmt.Sprintf("ring 0: its newest bucket is %d of 3s, but the step %d of 3s falls in bucket %d", step+1000, step, step)},
		{"no buckets", snap(func(s *Snapshot) { s.Series[0].Rings[0].Buckets = nil }),
			"ring 0: 0 buckets of 3s; a ring holds from 1 to 11520002"},
		{"more buckets than 400 days", snap(func(s *Snapshot) { s.Series[0].Rings[0] = ring(24*time.Hour, 403) }),
			"ring 0: 403 buckets of 24h0m0s; a ring holds from 1 to 402"},
		{"tick off the ladder", snap(func(s *Snapshot) { s.Tick = 2 * time.Second; s.Series[0].Rings = nil }),
			"tick 2s is not a bucket width of the window package"},
		{"step beyond 2262", snap(func(s *Snapshot) { s.Step = 1 << 62; s.Series[0].Rings = nil }),
			"step 4611686018427387904 of 3s is outside the years 1678 to 2262 that the format holds"},
		{"negative latency", snap(func(s *Snapshot) { s.Series[0].Latency = -time.Second }),
			`series 0 ("checkout:availability"): latency threshold -1s is negative`},
		{"not a name", snap(func(s *Snapshot) { s.Series[0].Journey = "check\x1b[2Jout" }),
			`series 0 ("check\x1b[2Jout:availability"): journey and objective are not names an objective can have`},
		{"an objective of the unmatched journey", snap(func(s *Snapshot) { s.Series[0].Journey = Unmatched }),
			"journey and objective are not names an objective can have"},
		{"the unmatched journey with windows", snap(func(s *Snapshot) { s.Series[1].Rings = []window.RingState{ring(3*time.Second, 101)} }),
			`series 1 ("unmatched:"): the events of undeclared journeys have no windows, episodes or latency threshold`},
		{"an objective twice", snap(func(s *Snapshot) { s.Series = append(s.Series, s.Series[0]) }),
			`series 2 ("checkout:availability"): a second series of the same objective`},
	}
}

// A snapshot no registry writes, even one whose checksum was made to
// match, is refused as a whole with the reason, rather than restored as
// empty or misplaced windows.
func TestImpossibleSnapshotsRefused(t *testing.T) {
	for _, tc := range impossibleSnapshots() {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "slo.snapshot")
			if err := os.WriteFile(path, crafted(tc.snap), 0o600); err != nil {
				t.Fatal(err)
			}
			reg, _ := snapRegistry(t, []Objective{{Journey: "checkout", Target: 0.999}}, t0, path)
			r := reg.Restored()
			if !errors.Is(r.Err, ErrSnapshot) || !strings.Contains(r.Err.Error(), path+": not a snapshot a registry writes: ") ||
				!strings.Contains(r.Err.Error(), tc.want) || len(r.Objectives) != 0 {
				t.Errorf("Restored() = %+v\nwant an ErrSnapshot naming the file and saying %q", r, tc.want)
			}
			// The encoder refuses to write it.
			if _, err := tc.snap.WriteTo(new(bytes.Buffer)); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("WriteTo = %v, want an ErrInvalid saying %q", err, tc.want)
			}
		})
	}
}

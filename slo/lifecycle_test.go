package slo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/window"
)

// Counts whose sum passes 2^64 must not read as no data: 2^63 good and
// 2^63 bad is an SLI of one half, at 99.9% a burn of 500 and a budget of
// -499, whatever the sum wraps to.
func TestCountsAtTheEdgeOfUint64(t *testing.T) {
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}})
	// In two of the burn-down's 6-hour buckets, whose totals then sum past
	// 2^64 too.
	journeyOf(reg, "checkout").Add(1<<63, 0)
	reg.Advance(t0.Add(6 * time.Hour))
	journeyOf(reg, "checkout").Add(0, 1<<63)
	reg.Advance(t0.Add(6*time.Hour + 3*time.Second))
	st := reg.Status()[0]
	if st.NoData || st.SLI != 0.5 || st.BudgetRemaining != -499 || st.State != burnrate.SeverityPage || st.Good != 1<<63 || st.Bad != 1<<63 {
		t.Errorf("status: NoData %v, SLI %v, budget %v, state %v, %d good, %d bad; want false, 0.5, -499, page, 2^63, 2^63",
			st.NoData, st.SLI, st.BudgetRemaining, st.State, st.Good, st.Bad)
	}
	points := trackerOf(reg, "checkout", "availability").BurnDown()
	if last := points[len(points)-1]; last.Remaining != -499 {
		t.Errorf("BurnDown's last point: %v remaining, want -499", last.Remaining)
	}
	// The status page's figures of the same counts: see slostatus's
	// TestPageCountsAtTheEdgeOfUint64.
}

// After Close the registry is frozen: every reader reports the counts at
// Close, and nothing recorded or advanced after it moves them.
func TestCloseFreezesTheRegistry(t *testing.T) {
	var trans []Transition
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}}, OnTransition(func(tr Transition) { trans = append(trans, tr) }))
	checkout := journeyOf(reg, "checkout")
	checkout.Add(100, 0)
	journeyOf(reg, "typo").Record(true)
	reg.Advance(t0.Add(3 * time.Second))
	// Recorded after the last advance, before Close: Close's last
	// evaluation counts them, and pages.
	checkout.Add(0, 2000)
	if err := reg.Close(); err != nil {
		t.Fatal(err)
	}
	if len(trans) != 1 || trans[0].To != burnrate.SeverityPage || !trans[0].Status.Time.Equal(t0.Add(3*time.Second)) {
		t.Fatalf("transitions at Close: %+v, want ok -> page at t0+3s", trans)
	}
	atClose := reg.Status()
	burnDown := trackerOf(reg, "checkout", "availability").BurnDown()
	snap := reg.Snapshot()
	if st := atClose[0]; st.Good != 100 || st.Bad != 2000 || st.TotalBad != 2000 {
		t.Fatalf("status at Close: %d good, %d bad, %d total bad; want 100, 2000, 2000", st.Good, st.Bad, st.TotalBad)
	}
	if g, b := reg.Unmatched(); g != 0 || b != 1 {
		t.Fatalf("Unmatched() at Close = (%d, %d), want (0, 1)", g, b)
	}

	checkout.Add(5, 5)
	journeyOf(reg, "typo").Add(7, 7)
	err := reg.Advance(t0.Add(time.Hour))
	if !errors.Is(err, ErrClosed) || errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "after Close") {
		t.Errorf("Advance after Close = %v, want ErrClosed, not ErrInvalid: a closed registry is not misconfigured", err)
	}
	if diff := cmp.Diff(atClose, reg.Status()); diff != "" {
		t.Errorf("Status moved after Close (-at Close +now):\n%s", diff)
	}
	if diff := cmp.Diff(atClose, journeyOf(reg, "checkout").Status()); diff != "" {
		t.Errorf("Journey.Status moved after Close (-at Close +now):\n%s", diff)
	}
	if g, b := reg.Unmatched(); g != 0 || b != 1 {
		t.Errorf("Unmatched() after Close = (%d, %d), want (0, 1) as at Close", g, b)
	}
	if got := trackerOf(reg, "checkout", "availability").BurnDown(); !cmp.Equal(got, burnDown) || math.Abs(got[len(got)-1].Remaining-(1-2000/2.1)) > 1e-9 {
		t.Errorf("BurnDown after Close ends at %v, want %v as at Close", got[len(got)-1], burnDown[len(burnDown)-1])
	}
	snap.Series[0].Rings[0].Buckets[0].Bad = 12345 // the caller's copy
	if got := reg.Snapshot(); got.Series[0].Total.Bad != 2000 || got.Series[0].Rings[0].Buckets[0].Bad == 12345 {
		t.Errorf("Snapshot after Close: checkout's total bad %d, or it shares its buckets with an earlier copy", got.Series[0].Total.Bad)
	}
	if again := reg.Snapshot(); !cmp.Equal(again, reg.Snapshot()) {
		t.Errorf("two Snapshots after Close differ")
	}
	if len(trans) != 1 {
		t.Errorf("transitions after Close: %+v", trans[1:])
	}
}

// A registry driven by its rotator refuses Advance: a caller's jump of 60
// days used to empty the windows and leave the lag at -1440h.
func TestAdvanceRefusedWithARotator(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(t0)
	reg, err := New([]Objective{{Journey: "checkout", Target: 0.999}}, WithClock(mock))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	journeyOf(reg, "checkout").Add(10, 1)
	err = reg.Advance(t0.Add(60 * 24 * time.Hour))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "WithManualAdvance") {
		t.Fatalf("Advance on a rotator's registry = %v, want an ErrInvalid naming WithManualAdvance", err)
	}
	mock.Add(3 * time.Second) // the rotator's tick
	deadline := time.Now().Add(10 * time.Second)
	for !reg.Status()[0].Time.Equal(t0.Add(3 * time.Second)) {
		if time.Now().After(deadline) {
			t.Fatalf("the rotator did not advance to t0+3s; status at %v", reg.Status()[0].Time)
		}
		time.Sleep(time.Millisecond)
	}
	lag, stalled := reg.Staleness()
	if st := reg.Status()[0]; st.Good != 10 || st.Bad != 1 || lag != 0 || stalled {
		t.Errorf("after the refused jump: %d good, %d bad, lag %v, stalled %v; want 10, 1, 0, false", st.Good, st.Bad, lag, stalled)
	}
}

// A panicking callback costs neither the other callbacks nor the other
// transitions of the same advance, nor the snapshot due then; each panic
// is reported.
func TestPanickingCallbackCostsNothingElse(t *testing.T) {
	var errs []error
	var seen []string
	store := &bufferStore{}
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}, {Journey: "search", Target: 0.999}},
		OnTransition(func(tr Transition) { panic("bug in the first callback for " + tr.Status.Journey) }),
		OnTransition(func(tr Transition) { seen = append(seen, ObjectiveKey(tr.Status.Journey, tr.Status.Objective)) }),
		WithStore(store, time.Minute),
		OnError(func(err error) { errs = append(errs, err) }))
	journeyOf(reg, "checkout").Add(0, 2000)
	journeyOf(reg, "search").Add(0, 2000)
	if err := reg.Advance(t0.Add(time.Minute)); err != nil { // both page; a snapshot is due
		t.Fatal(err)
	}
	reg.settleSaves()
	if want := []string{"checkout:availability", "search:availability"}; !cmp.Equal(seen, want) {
		t.Errorf("the second callback saw %v, want %v", seen, want)
	}
	want := []string{
		"slo: recovered panic: OnTransition callback 0 panicked on checkout:availability ok -> page at 2026-03-02T00:01:00Z: bug in the first callback for checkout",
		"slo: recovered panic: OnTransition callback 0 panicked on search:availability ok -> page at 2026-03-02T00:01:00Z: bug in the first callback for search",
	}
	var got []string
	for _, err := range errs {
		if !errors.Is(err, ErrPanic) {
			t.Errorf("%v does not wrap ErrPanic", err)
		}
		got = append(got, err.Error())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
	if store.saves != 1 {
		t.Errorf("%d snapshots saved, want the one due at t0+1m", store.saves)
	}
}

// bufferStore is a Store in memory, as a ConfigMap or an object store
// would keep the bytes; it records what each call's context allowed.
type bufferStore struct {
	data         []byte
	saves, loads int
	timeouts     []time.Duration
	saveErr      error
}

func (b *bufferStore) Load(ctx context.Context) ([]byte, error) {
	b.loads++
	b.note(ctx)
	if b.data == nil {
		return nil, fmt.Errorf("no snapshot saved yet: %w", fs.ErrNotExist)
	}
	return b.data, nil
}

func (b *bufferStore) Save(ctx context.Context, data []byte) error {
	b.saves++
	b.note(ctx)
	if b.saveErr != nil {
		return b.saveErr
	}
	b.data = append([]byte(nil), data...)
	return nil
}

func (b *bufferStore) note(ctx context.Context) {
	if d, ok := ctx.Deadline(); ok {
		b.timeouts = append(b.timeouts, time.Until(d).Round(time.Second))
	}
}

// A registry keeps its counts in any Store: a restart restores them, every
// Load and Save gets a deadline, and a failing Save is reported.
func TestCustomStoreAcrossARestart(t *testing.T) {
	store := &bufferStore{}
	first := manual(t, snapObjectives, WithStore(store, time.Minute), OnError(func(err error) { t.Errorf("OnError(%v)", err) }))
	if r := first.Restored(); r.Store != store || r.Err != nil || len(r.Objectives) != 0 || !r.Written.IsZero() {
		t.Fatalf("first start: Restored() = %+v, want the store and nothing restored", r)
	}
	end := replay(first, t0)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second := manualAt(t, end, snapObjectives, WithStore(store, time.Minute))
	r := second.Restored()
	if want := []string{"checkout:availability", "search:latency"}; r.Err != nil || !r.Written.Equal(end) || !cmp.Equal(r.Objectives, want) {
		t.Fatalf("Restored() = %+v, want %v written at %v", r, want, end)
	}
	second.Advance(end)
	// The windows come back; the totals count the new registry's events.
	for i, st := range second.Status() {
		was := first.Status()[i]
		if st.TotalGood != 0 || st.TotalBad != 0 || st.Good != was.Good || st.Bad != was.Bad {
			t.Errorf("%s after the restart: %d/%d good, %d/%d bad (period/since New); want %d/0, %d/0", ObjectiveKey(st.Journey, st.Objective),
				st.Good, st.TotalGood, st.Bad, st.TotalBad, was.Good, was.Bad)
		}
	}
	// 2 loads, and a save every minute of the two hours plus one at Close.
	if store.loads != 2 || store.saves != 121 {
		t.Errorf("%d loads and %d saves, want 2 and 121", store.loads, store.saves)
	}
	for _, d := range store.timeouts {
		if d != time.Minute {
			t.Fatalf("a store call had %v to run, want the period, 1m0s", d)
		}
	}
	short := &bufferStore{}
	manual(t, snapObjectives, WithStore(short, 3*time.Second))
	if !cmp.Equal(short.timeouts, []time.Duration{10 * time.Second}) {
		t.Errorf("with a 3s period, Load had %v to run; want 10s, the least", short.timeouts)
	}

	store.saveErr = errors.New("configmap update refused: 409 conflict")
	var errs []error
	third := manualAt(t, end, snapObjectives, WithStore(store, time.Minute), OnError(func(err error) { errs = append(errs, err) }))
	third.Advance(end.Add(time.Minute))
	third.settleSaves()
	want := "slo: snapshot: writing *slo.bufferStore: configmap update refused: 409 conflict"
	if len(errs) != 1 || !errors.Is(errs[0], ErrSnapshot) || errs[0].Error() != want {
		t.Errorf("OnError got %v, want [%s]", errs, want)
	}
}

// The format reads and writes through io.Reader and io.Writer, and what
// the decoder would refuse is not written.
func TestSnapshotReaderWriter(t *testing.T) {
	reg := manual(t, snapObjectives)
	replay(reg, t0)
	snap := reg.Snapshot()
	var buf bytes.Buffer
	n, err := snap.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, %v; wrote %d bytes", n, err, buf.Len())
	}
	got, err := ReadSnapshot(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(snap, got, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("ReadSnapshot(WriteTo(s)) differs (-s +read):\n%s", diff)
	}
	if len(got.Series) != 3 || got.Series[2].Journey != Unmatched || got.Series[0].Total != (window.Counts{Good: 956000, Bad: 4000}) {
		t.Errorf("read %d series, the last %q, checkout's total %+v", len(got.Series), got.Series[len(got.Series)-1].Journey, got.Series[0].Total)
	}

	corrupt := append([]byte(nil), buf.Bytes()...)
	corrupt[20] ^= 1
	if _, err := ReadSnapshot(bytes.NewReader(corrupt)); !errors.Is(err, ErrSnapshot) || !strings.Contains(err.Error(), "corrupt or truncated: checksum") {
		t.Errorf("ReadSnapshot(corrupt) = %v, want a checksum error wrapping ErrSnapshot", err)
	}
	for _, tc := range []struct {
		name string
		snap Snapshot
		want string
	}{
		{"zero", Snapshot{}, "slo: invalid: snapshot: Tick 0s is not positive"},
		{"long name", Snapshot{Tick: time.Second, Series: []SeriesSnapshot{{Journey: strings.Repeat("j", 257)}}}, "series 0: name of 257 bytes, above the limit of 256"},
	} {
		var w bytes.Buffer
		if n, err := tc.snap.WriteTo(&w); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) || n != 0 || w.Len() != 0 {
			t.Errorf("%s: WriteTo = %d, %v; want nothing written and %q", tc.name, n, err, tc.want)
		}
	}
}

func TestStoreOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		opt  Option
		want string
	}{
		{WithStore(nil, time.Minute), "WithStore(nil, 1m0s): give a Store and a positive period"},
		{WithStore(&bufferStore{data: []byte("secret")}, 0), "WithStore(*slo.bufferStore, 0s): give a Store and a positive period"},
		{WithSnapshot("", time.Minute), `WithSnapshot("", 1m0s): give a file path and a positive period`},
	} {
		_, err := New([]Objective{{Journey: "checkout", Target: 0.999}}, WithManualAdvance(), tc.opt)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New = %v, want an ErrInvalid containing %q", err, tc.want)
		}
	}
	var fsErr error
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}}, WithStore(FileStore{}, time.Minute), OnError(func(err error) { fsErr = err }))
	if r := reg.Restored(); !errors.Is(r.Err, ErrInvalid) || !errors.Is(fsErr, ErrSnapshot) || !strings.Contains(r.Err.Error(), "FileStore has no Path") {
		t.Errorf("FileStore{}: Restored().Err = %v, want an ErrInvalid saying it has no Path", r.Err)
	}
}

func TestJourneyLookup(t *testing.T) {
	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}})
	if j, ok := reg.Journey("checkout"); !ok || j.Name() != "checkout" {
		t.Errorf("Journey(checkout) = %v, %v; want the checkout handle, true", j.Name(), ok)
	}
	for _, name := range []string{"chekout", Unmatched, ""} {
		if j, ok := reg.Journey(name); ok || j != reg.unmatched {
			t.Errorf("Journey(%q) = %v, %v; want the unmatched handle, false", name, j.Name(), ok)
		}
	}
}

// One key names an objective everywhere: here, what a restore reports.
func TestObjectiveKeyEverywhere(t *testing.T) {
	if got := ObjectiveKey("checkout", "latency"); got != "checkout:latency" {
		t.Fatalf("ObjectiveKey = %q", got)
	}
	path := filepath.Join(t.TempDir(), "slo.snapshot")
	objs := []Objective{{Journey: "checkout", Target: 0.99, Latency: time.Second}}
	first, _ := snapRegistry(t, objs, t0, path)
	first.Close()
	reg, _ := snapRegistry(t, objs, t0, path)
	if got := reg.Restored().Objectives; !cmp.Equal(got, []string{"checkout:latency"}) {
		t.Errorf("Restored().Objectives = %v", got)
	}
	// The health check's keys and the release gate's names: see slostatus's
	// TestObjectiveKeyInHandlers.
}

// Without OnError the registry's problems go to slog.Default(); with it
// they go to the callback alone, unless WithLogger is given too.
func TestBackgroundProblemsAreLogged(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir", "slo.snapshot")
	var def bytes.Buffer
	was := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&def, &slog.HandlerOptions{ReplaceAttr: noTime})))
	defer slog.SetDefault(was)

	reg := manual(t, []Objective{{Journey: "checkout", Target: 0.999}}, WithSnapshot(missing, time.Minute))
	reg.Advance(t0.Add(time.Minute))
	reg.settleSaves()
	want := `level=ERROR msg="journeyslo: background problem" err="slo: snapshot: writing ` + missing + `: open ` + filepath.Dir(missing)
	if !strings.HasPrefix(def.String(), want) || strings.Count(def.String(), "\n") != 1 {
		t.Errorf("slog.Default() got %q, want one line starting %q", def.String(), want)
	}

	def.Reset()
	var calls int
	var mine bytes.Buffer
	reg = manual(t, []Objective{{Journey: "checkout", Target: 0.999}}, WithSnapshot(missing, time.Minute), OnError(func(error) { calls++ }))
	reg.Advance(t0.Add(time.Minute))
	reg.settleSaves()
	if calls != 1 || def.Len() != 0 {
		t.Errorf("with OnError: %d calls, default log %q; want 1 call and no log", calls, def.String())
	}
	reg = manual(t, []Objective{{Journey: "checkout", Target: 0.999}}, WithSnapshot(missing, time.Minute), OnError(func(error) { calls++ }),
		WithLogger(slog.New(slog.NewTextHandler(&mine, &slog.HandlerOptions{ReplaceAttr: noTime}))))
	reg.Advance(t0.Add(time.Minute))
	reg.settleSaves()
	if calls != 2 || !strings.HasPrefix(mine.String(), want) || def.Len() != 0 {
		t.Errorf("with OnError and WithLogger: %d calls, logged %q, default log %q", calls, mine.String(), def.String())
	}
	reg = manual(t, []Objective{{Journey: "checkout", Target: 0.999}}, WithSnapshot(missing, time.Minute), WithLogger(nil))
	reg.Advance(t0.Add(time.Minute))
	reg.settleSaves()
	if def.Len() != 0 {
		t.Errorf("WithLogger(nil) logged %q to the default", def.String())
	}
	if _, err := os.Stat(filepath.Dir(missing)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
}

func noTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}

// manualAt is manual with the mock clock at start.
func manualAt(t *testing.T, start time.Time, objs []Objective, opts ...Option) *Registry {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(start)
	reg, err := New(objs, append([]Option{WithClock(mock), WithManualAdvance()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return reg
}

// Close while others record, read and snapshot: no race (under -race), and
// the readers agree with each other once it returns.
func TestCloseWhileInUse(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(t0)
	reg, err := New([]Objective{{Journey: "checkout", Target: 0.999}}, WithClock(mock), WithStore(&bufferStore{}, time.Minute),
		OnError(func(err error) { t.Errorf("OnError(%v)", err) }))
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					journeyOf(reg, "checkout").Record(false)
					journeyOf(reg, "typo").Record(true)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					reg.Status()
					reg.Unmatched()
					trackerOf(reg, "checkout", "availability").BurnDown()
					reg.Snapshot()
				}
			}
		}()
	}
	mock.Add(3 * time.Second)
	if err := reg.Close(); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	st := reg.Status()[0]
	snap := reg.Snapshot()
	_, unmatchedBad := reg.Unmatched()
	if snap.Series[0].Total.Good < st.TotalGood || snap.Series[1].Total.Bad != unmatchedBad {
		t.Errorf("after Close: status counts %d good, snapshot %d; unmatched %d bad, snapshot %d",
			st.TotalGood, snap.Series[0].Total.Good, unmatchedBad, snap.Series[1].Total.Bad)
	}
}

// On the rotator too, a panicking callback costs the other callbacks
// nothing: one tick pages two objectives, and the second callback sees
// both transitions although the first panics on each.
func TestRotatorPanickingCallbackCostsNothingElse(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(t0)
	seen := make(chan string, 4)
	errs := make(chan error, 4)
	reg, err := New([]Objective{{Journey: "checkout", Target: 0.999}, {Journey: "search", Target: 0.999}}, WithClock(mock),
		OnTransition(func(Transition) { panic("bug") }),
		OnTransition(func(tr Transition) { seen <- ObjectiveKey(tr.Status.Journey, tr.Status.Objective) }),
		OnError(func(err error) { errs <- err }))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	journeyOf(reg, "checkout").Add(0, 2000)
	journeyOf(reg, "search").Add(0, 2000)
	mock.Add(3 * time.Second)
	for _, want := range []string{"checkout:availability", "search:availability"} {
		select {
		case got := <-seen:
			if got != want {
				t.Errorf("the second callback saw %s, want %s", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the second callback never saw %s", want)
		}
		select {
		case err := <-errs:
			if !errors.Is(err, ErrPanic) {
				t.Errorf("reported %v, want an ErrPanic", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the panic on %s was not reported", want)
		}
	}
}

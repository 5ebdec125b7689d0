package window

import (
	"errors"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/internal/testenv"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// The windows of a 30-day objective under the default burn-rate policy.
var default30d = []time.Duration{
	5 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour,
	6 * time.Hour, 24 * time.Hour, 72 * time.Hour, 30 * 24 * time.Hour,
}

func TestResolution(t *testing.T) {
	for _, tc := range []struct{ window, want time.Duration }{
		{MinWindow, time.Second},
		{299 * time.Second, time.Second},
		{5 * time.Minute, 3 * time.Second},
		{30 * time.Minute, 15 * time.Second},
		{time.Hour, 15 * time.Second},
		{2 * time.Hour, time.Minute},
		{6 * time.Hour, time.Minute},
		{24 * time.Hour, 5 * time.Minute},
		{72 * time.Hour, 15 * time.Minute},
		{28 * 24 * time.Hour, 6 * time.Hour},
		{30 * 24 * time.Hour, 6 * time.Hour},
		{90 * 24 * time.Hour, 6 * time.Hour},
		{MaxWindow, 24 * time.Hour},
	} {
		got := Resolution(tc.window)
		if got != tc.want {
			t.Errorf("Resolution(%v) = %v, want %v", tc.window, got, tc.want)
		}
		if got*100 > tc.window {
			t.Errorf("Resolution(%v) = %v: edge error above 1%%", tc.window, got)
		}
	}
	if got := Tick(default30d...); got != 3*time.Second {
		t.Errorf("Tick(default 30d windows) = %v, want 3s", got)
	}
	if got := Tick(); got != time.Second {
		t.Errorf("Tick() = %v, want 1s", got)
	}
}

func TestBytesDefault30d(t *testing.T) {
	// 5m at 3s: 100 buckets; 30m and 1h at 15s: 240; 2h and 6h at 1m: 360;
	// 1d at 5m: 288; 3d at 15m: 288; 30d at 6h: 120. 1396 buckets of 16 bytes.
	if got, want := Bytes(default30d...), 1396*16; got != want {
		t.Fatalf("Bytes(default 30d) = %d, want %d", got, want)
	}
	if Bytes(default30d...) > 64<<10 {
		t.Fatalf("Bytes(default 30d) = %d, above 64 KiB", Bytes(default30d...))
	}
}

func TestSeriesWindowsAndKeeps(t *testing.T) {
	g := mustGroup(t, 3*time.Second, t0)
	s, err := g.NewSeries(time.Hour, 5*time.Minute, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Windows()
	if len(got) != 2 || got[0] != 5*time.Minute || got[1] != time.Hour {
		t.Fatalf("Windows() = %v, want [5m0s 1h0m0s]", got)
	}
	if !s.Keeps(time.Hour) || s.Keeps(2*time.Hour) {
		t.Fatalf("Keeps(1h), Keeps(2h) = %v, %v; want true, false", s.Keeps(time.Hour), s.Keeps(2*time.Hour))
	}
	s.Add(3, 1)
	if g, b := s.Sum(2 * time.Hour); g != 0 || b != 0 {
		t.Fatalf("Sum(2h) of a window not kept = %d, %d; want 0, 0", g, b)
	}
}

func TestErrors(t *testing.T) {
	if _, err := NewGroup(2*time.Second, t0); err == nil || !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "tick 2s is not a bucket width") {
		t.Errorf("NewGroup(2s) error = %v", err)
	}
	g := mustGroup(t, 15*time.Second, t0)
	for _, tc := range []struct {
		window time.Duration
		want   string
	}{
		{time.Minute, "window 1m0s is shorter than 1m40s"},
		{MaxWindow + time.Hour, "window 9601h0m0s is longer than 9600h0m0s"},
		{5 * time.Minute, "window 5m0s needs buckets of 3s but the group steps every 15s"},
	} {
		_, err := g.NewSeries(time.Hour, tc.window)
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewSeries(1h, %v) error = %v, want it to contain %q", tc.window, err, tc.want)
		}
	}
}

// oracle keeps every event with the step it was recorded in.
type oracle struct {
	steps      []int64 // ascending
	good, bad  []uint64
	tick       int64
	cumG, cumB []uint64 // prefix sums, rebuilt lazily
}

func (o *oracle) add(step int64, good, bad uint64) {
	o.steps = append(o.steps, step)
	o.good = append(o.good, good)
	o.bad = append(o.bad, bad)
}

// sum returns the events in the last k buckets of width res ending in the
// bucket that holds step now.
func (o *oracle) sum(now int64, res time.Duration, k int64) (good, bad uint64) {
	per := int64(res) / o.tick
	first := (floorDiv(now, per) - k + 1) * per // first step in the window
	i := sort.Search(len(o.steps), func(i int) bool { return o.steps[i] >= first })
	for ; i < len(o.steps) && o.steps[i] <= now; i++ {
		good += o.good[i]
		bad += o.bad[i]
	}
	return good, bad
}

func TestSumsMatchOracle(t *testing.T) {
	windows := []time.Duration{MinWindow, 5 * time.Minute, 7 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour, 30 * 24 * time.Hour}
	tick := Tick(windows...)
	g := mustGroup(t, tick, t0)
	s, err := g.NewSeries(windows...)
	if err != nil {
		t.Fatal(err)
	}
	o := &oracle{tick: int64(tick)}
	rng := rand.New(rand.NewPCG(1, 2))
	now := t0
	step := floorDiv(now.UnixNano(), int64(tick))
	checks := 0
	for i := 0; i < 60000; i++ {
		// Mostly small steps, sometimes minutes, hours, days, a backwards
		// jump, or a gap longer than any ring.
		switch r := rng.IntN(1000); {
		case r < 700:
			now = now.Add(time.Duration(rng.IntN(4000)) * time.Millisecond)
		case r < 900:
			now = now.Add(time.Duration(rng.IntN(600)) * time.Second)
		case r < 980:
			now = now.Add(time.Duration(rng.IntN(6*3600)) * time.Second)
		case r < 995:
			now = now.Add(-time.Duration(rng.IntN(3600)) * time.Second)
		default:
			now = now.Add(time.Duration(1+rng.IntN(40)) * 24 * time.Hour)
		}
		if g.Advance(now) {
			step = floorDiv(now.UnixNano(), int64(tick))
		}
		good, bad := uint64(rng.IntN(50)), uint64(rng.IntN(3))
		switch rng.IntN(3) {
		case 0:
			s.Add(good, bad)
		case 1:
			for range good {
				s.Good()
			}
			for range bad {
				s.Bad()
			}
		default:
			s.Add(good, 0)
			s.Add(0, bad)
		}
		o.add(step, good, bad)
		if i%20 != 0 {
			continue
		}
		checks++
		for _, w := range windows {
			res := Resolution(w)
			k := int64((w + res - 1) / res)
			wg, wb := o.sum(step, res, k)
			gg, gb := s.Sum(w)
			if gg != wg || gb != wb {
				t.Fatalf("event %d at %v: Sum(%v) = (%d, %d), want (%d, %d)", i, now, w, gg, gb, wg, wb)
			}
		}
	}
	var tg, tb uint64
	for i := range o.good {
		tg += o.good[i]
		tb += o.bad[i]
	}
	if gg, gb := s.Total(); gg != tg || gb != tb {
		t.Fatalf("Total() = (%d, %d), want (%d, %d)", gg, gb, tg, tb)
	}
	if checks != 3000 {
		t.Fatalf("ran %d checks, want 3000", checks)
	}
}

func TestWindowSlides(t *testing.T) {
	// One hour at 15-second buckets: 240 buckets, the current one included.
	g := mustGroup(t, 15*time.Second, t0)
	s, err := g.NewSeries(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	s.Add(10, 2) // in the bucket [t0, t0+15s)
	steps := []struct {
		at        time.Duration
		good, bad uint64
	}{
		{0, 10, 2},
		{15 * time.Second, 10, 2},
		{time.Hour - time.Second, 10, 2}, // bucket 239: the first bucket is still in
		{time.Hour, 0, 0},                // bucket 240: it has left
	}
	for i, st := range steps {
		g.Advance(t0.Add(st.at))
		if gg, gb := s.Sum(time.Hour); gg != st.good || gb != st.bad {
			t.Errorf("step %d: Sum(1h) at t0+%v = (%d, %d), want (%d, %d)", i, st.at, gg, gb, st.good, st.bad)
		}
	}
	if gg, gb := s.Total(); gg != 10 || gb != 2 {
		t.Errorf("Total() = (%d, %d), want (10, 2)", gg, gb)
	}
}

func TestTimeBackwardsAndGaps(t *testing.T) {
	g := mustGroup(t, 3*time.Second, t0)
	s, err := g.NewSeries(default30d...)
	if err != nil {
		t.Fatal(err)
	}
	g.Advance(t0.Add(time.Hour))
	s.Add(5, 1)
	if g.Advance(t0.Add(10 * time.Minute)) {
		t.Fatal("Advance to an earlier instant reported a change")
	}
	if got := g.Time(); !got.Equal(t0.Add(time.Hour)) {
		t.Fatalf("Time() after a backwards Advance = %v, want %v", got, t0.Add(time.Hour))
	}
	s.Add(1, 0) // still counted, in the current step
	if gg, gb := s.Sum(5 * time.Minute); gg != 6 || gb != 1 {
		t.Fatalf("Sum(5m) after time went back = (%d, %d), want (6, 1)", gg, gb)
	}
	// Ten years later: every window is empty, nothing is lost from the total.
	if !g.Advance(t0.Add(10 * 365 * 24 * time.Hour)) {
		t.Fatal("Advance ten years reported no change")
	}
	for _, w := range default30d {
		if gg, gb := s.Sum(w); gg != 0 || gb != 0 {
			t.Errorf("Sum(%v) ten years on = (%d, %d), want (0, 0)", w, gg, gb)
		}
	}
	if gg, gb := s.Total(); gg != 6 || gb != 1 {
		t.Errorf("Total() = (%d, %d), want (6, 1)", gg, gb)
	}
}

func TestConcurrentRecordingConservesEvents(t *testing.T) {
	g := mustGroup(t, time.Second, t0)
	s, err := g.NewSeries(MinWindow, MaxWindow)
	if err != nil {
		t.Fatal(err)
	}
	const writers, rotations = 8, 5000
	var (
		wg         sync.WaitGroup
		stop       atomic.Bool
		wantG      [writers]uint64
		wantB      [writers]uint64
		startWrite = make(chan struct{})
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startWrite
			for i := 0; !stop.Load(); i++ {
				switch (w + i) % 3 {
				case 0:
					s.Bad()
					wantB[w]++
				case 1:
					s.Good()
					wantG[w]++
				default:
					s.Add(1, 1)
					wantG[w]++
					wantB[w]++
				}
			}
		}()
	}
	// Rotate one step at a time while the writers run, reading between
	// steps: every rotation races with adds.
	close(startWrite)
	now := t0
	for range rotations {
		now = now.Add(time.Second)
		g.Advance(now)
		s.Sum(MinWindow)
	}
	stop.Store(true)
	wg.Wait()
	g.Advance(now.Add(time.Second))
	var tg, tb uint64
	for w := range writers {
		tg += wantG[w]
		tb += wantB[w]
	}
	if gg, gb := s.Total(); gg != tg || gb != tb {
		t.Fatalf("after %d rotations Total() = (%d, %d), want (%d, %d)", rotations, gg, gb, tg, tb)
	}
	if gg, gb := s.Sum(MaxWindow); gg != tg || gb != tb {
		t.Fatalf("after %d rotations Sum(%v) = (%d, %d), want (%d, %d)", rotations, MaxWindow, gg, gb, tg, tb)
	}
	// 100 s later the short window is empty and the long one still whole.
	g.Advance(now.Add(MinWindow + time.Second))
	if gg, gb := s.Sum(MinWindow); gg != 0 || gb != 0 {
		t.Fatalf("Sum(%v) 100 s after the last event = (%d, %d), want (0, 0)", MinWindow, gg, gb)
	}
	if gg, gb := s.Sum(MaxWindow); gg != tg || gb != tb {
		t.Fatalf("Sum(%v) 100 s after the last event = (%d, %d), want (%d, %d)", MaxWindow, gg, gb, tg, tb)
	}
}

func TestRecordDoesNotAllocate(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	g := mustGroup(t, 3*time.Second, t0)
	s, err := g.NewSeries(default30d...)
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(1000, func() { s.Good(); s.Bad(); s.Add(2, 3) }); n != 0 {
		t.Fatalf("recording allocates %v times per run, want 0", n)
	}
	now := t0
	if n := testing.AllocsPerRun(1000, func() {
		now = now.Add(3 * time.Second)
		g.Advance(now)
		s.Sum(time.Hour)
	}); n != 0 {
		t.Fatalf("Advance and Sum allocate %v times per run, want 0", n)
	}
}

func TestSeriesMemory(t *testing.T) {
	// The rings are allocated once at construction and never grow.
	g := mustGroup(t, 3*time.Second, t0)
	s, err := g.NewSeries(default30d...)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cap(s.slots)*16, Bytes(default30d...); got != want {
		t.Fatalf("series allocated %d bytes of buckets, want %d", got, want)
	}
	for i := 0; i < 50000; i++ {
		s.Add(1, 1)
		g.Advance(t0.Add(time.Duration(i) * time.Minute))
	}
	if got, want := cap(s.slots)*16, Bytes(default30d...); got != want {
		t.Fatalf("after a month of traffic, %d bytes of buckets, want %d", got, want)
	}
}

func mustGroup(t *testing.T, tick time.Duration, now time.Time) *Group {
	t.Helper()
	g, err := NewGroup(tick, now)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func BenchmarkSeriesBad(b *testing.B) {
	g, _ := NewGroup(3*time.Second, t0)
	s, _ := g.NewSeries(default30d...)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.Bad()
	}
}

func BenchmarkAdvanceStep(b *testing.B) {
	g, _ := NewGroup(3*time.Second, t0)
	s, _ := g.NewSeries(default30d...)
	now := t0
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.Add(10, 1)
		now = now.Add(3 * time.Second)
		g.Advance(now)
	}
}

func TestBuckets(t *testing.T) {
	g := mustGroup(t, 3*time.Second, t0)
	s, err := g.NewSeries(5*time.Minute, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, c := s.Buckets(2 * time.Hour); c != nil {
		t.Fatalf("Buckets of a window not kept = %v, want nil", c)
	}
	s.Add(1, 0)
	g.Advance(t0.Add(15 * time.Second))
	s.Add(2, 1)
	g.Advance(t0.Add(time.Hour + 5*time.Second)) // bucket 240: t0's bucket 0 has left
	s.Add(0, 4)                                  // recorded after the last advance: in the current bucket
	width, first, counts := s.Buckets(time.Hour)
	if width != 15*time.Second || len(counts) != 240 {
		t.Fatalf("Buckets(1h): width %v, %d buckets; want 15s, 240", width, len(counts))
	}
	if want := t0.Add(15 * time.Second); !first.Equal(want) {
		t.Fatalf("Buckets(1h) first = %v, want %v", first, want)
	}
	// t0+15s's bucket is the oldest; the current bucket holds the live
	// events.
	if counts[0] != (Counts{2, 1}) || counts[239] != (Counts{0, 4}) {
		t.Fatalf("Buckets(1h) oldest %v, newest %v; want {2 1}, {0 4}", counts[0], counts[239])
	}
	var sum Counts
	for _, c := range counts {
		sum = sum.plus(c)
	}
	if gg, gb := s.Sum(time.Hour); sum != (Counts{gg, gb}) {
		t.Fatalf("Buckets(1h) sum to %v, Sum(1h) = (%d, %d)", sum, gg, gb)
	}
}

// traffic records random events into s over d from start, advancing the
// group every few seconds; it returns the instant it stopped.
func traffic(g *Group, s *Series, rng *rand.Rand, start time.Time, d time.Duration) time.Time {
	now := start
	for end := start.Add(d); now.Before(end); now = now.Add(time.Duration(1+rng.IntN(20)) * time.Second) {
		g.Advance(now)
		s.Add(uint64(rng.IntN(100)), uint64(rng.IntN(3)))
	}
	return now
}

func TestStateRestoreMatchesTheOriginal(t *testing.T) {
	windows := []time.Duration{5 * time.Minute, time.Hour, 24 * time.Hour, 30 * 24 * time.Hour}
	for _, gap := range []time.Duration{0, 3 * time.Second, 4 * time.Minute, 2 * time.Hour, 20 * time.Hour, 40 * 24 * time.Hour} {
		g := mustGroup(t, 3*time.Second, t0)
		s, err := g.NewSeries(windows...)
		if err != nil {
			t.Fatal(err)
		}
		end := traffic(g, s, rand.New(rand.NewPCG(3, 4)), t0, 2*24*time.Hour)
		s.Add(7, 1) // live events, not yet folded
		st := s.State()

		// A new process starts gap later and restores; the original just
		// advances by the same gap. Both must agree on every window.
		g2 := mustGroup(t, 3*time.Second, end.Add(gap))
		s2, err := g2.NewSeries(windows...)
		if err != nil {
			t.Fatal(err)
		}
		n, err := s2.Restore(st)
		if err != nil || n != 4 {
			t.Fatalf("gap %v: Restore = %d, %v; want 4 rings", gap, n, err)
		}
		g.Advance(end.Add(gap))
		for _, w := range windows {
			og, ob := s.Sum(w)
			rg, rb := s2.Sum(w)
			if og != rg || ob != rb {
				t.Errorf("gap %v: Sum(%v) restored (%d, %d), original (%d, %d)", gap, w, rg, rb, og, ob)
			}
		}
		og, ob := s.Total()
		if rg, rb := s2.Total(); og != rg || ob != rb {
			t.Errorf("gap %v: Total restored (%d, %d), original (%d, %d)", gap, rg, rb, og, ob)
		}
	}
}

func TestRestoreKeepsWhatMatches(t *testing.T) {
	g := mustGroup(t, 3*time.Second, t0)
	old, err := g.NewSeries(5*time.Minute, 30*time.Minute, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	end := traffic(g, old, rand.New(rand.NewPCG(5, 6)), t0, 3*time.Hour)
	st := old.State()

	// The new objective keeps 1h (15 s buckets, as 30m did, but 240 of
	// them), 6h (1 min buckets: a ring the state lacks) and 1d (5 min, as
	// before). 5m's 3 s ring is no longer wanted.
	g2 := mustGroup(t, 3*time.Second, end)
	s2, err := g2.NewSeries(time.Hour, 6*time.Hour, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s2.Restore(st)
	if err != nil || n != 2 {
		t.Fatalf("Restore = %d, %v; want 2 rings (15 s and 5 min)", n, err)
	}
	// The 15 s ring held 120 buckets: the 1h window has the last 30 minutes.
	og, ob := old.Sum(30 * time.Minute)
	if rg, rb := s2.Sum(time.Hour); rg != og || rb != ob {
		t.Errorf("Sum(1h) = (%d, %d), want the old 30m window (%d, %d)", rg, rb, og, ob)
	}
	og, ob = old.Sum(24 * time.Hour)
	if rg, rb := s2.Sum(24 * time.Hour); rg != og || rb != ob {
		t.Errorf("Sum(1d) = (%d, %d), want (%d, %d)", rg, rb, og, ob)
	}
	if rg, rb := s2.Sum(6 * time.Hour); rg != 0 || rb != 0 {
		t.Errorf("Sum(6h) from a ring the state lacks = (%d, %d), want (0, 0)", rg, rb)
	}
}

func TestRestoreFromTheFuture(t *testing.T) {
	g := mustGroup(t, 3*time.Second, t0)
	s, _ := g.NewSeries(time.Hour)
	g.Advance(t0.Add(10 * time.Minute))
	s.Add(5, 1)
	st := s.State()

	// The clock went back ten minutes across the restart: the group holds
	// at the state's step until the clock catches up, and loses nothing.
	g2 := mustGroup(t, 3*time.Second, t0)
	s2, _ := g2.NewSeries(time.Hour)
	if _, err := s2.Restore(st); err != nil {
		t.Fatal(err)
	}
	if got := g2.Time(); !got.Equal(t0.Add(10 * time.Minute)) {
		t.Fatalf("group time after restoring a newer state = %v, want t0+10m", got)
	}
	s2.Add(1, 0)
	if gg, gb := s2.Sum(time.Hour); gg != 6 || gb != 1 {
		t.Fatalf("Sum(1h) = (%d, %d), want (6, 1)", gg, gb)
	}
}

func TestRestoreRejectsBadStates(t *testing.T) {
	g := mustGroup(t, 3*time.Second, t0)
	s, _ := g.NewSeries(time.Hour)
	for _, st := range []State{
		{Tick: 0},
		{Tick: -time.Second},
		{Tick: time.Hour, Step: math.MaxInt64 / 2},
		{Tick: time.Hour, Step: math.MinInt64 / 2},
	} {
		if _, err := s.Restore(st); err == nil || !errors.Is(err, ErrInvalid) {
			t.Errorf("Restore(step %d, tick %v) = %v, want an ErrInvalid", st.Step, st.Tick, err)
		}
	}
	// Buckets outside the ring, a ring of a width not kept, a duplicate
	// width: ignored or bounded, never a panic.
	st := State{Step: g.epoch, Tick: 3 * time.Second, Total: Counts{9, 9}, Rings: []RingState{
		{Width: 15 * time.Second, Last: 1 << 40, Buckets: []Counts{{1, 1}}},
		{Width: 15 * time.Second, Last: g.epoch / 5, Buckets: make([]Counts, 5000)},
		{Width: 7 * time.Second, Last: 3, Buckets: []Counts{{2, 2}}},
	}}
	if n, err := s.Restore(st); err != nil || n != 1 {
		t.Fatalf("Restore of odd rings = %d, %v; want 1, nil", n, err)
	}
	if gg, gb := s.Sum(time.Hour); gg != 0 || gb != 0 {
		t.Fatalf("Sum(1h) = (%d, %d), want (0, 0): no bucket was in range", gg, gb)
	}
}

func TestCountsNearTheLimits(t *testing.T) {
	if got := (Counts{math.MaxUint64 - 5, 5}).Total(); got != math.MaxUint64 {
		t.Errorf("Total of MaxUint64-5 and 5 = %d", got)
	}
	if got := (Counts{1 << 63, 1 << 63}).Total(); got != math.MaxUint64 {
		t.Errorf("Total of 2^63 and 2^63 = %d, want saturation at MaxUint64", got)
	}
	// Window sums use modular arithmetic: exact while the true sum fits.
	g := mustGroup(t, 3*time.Second, t0)
	s, _ := g.NewSeries(5*time.Minute, time.Hour)
	const big = math.MaxUint64 - 1000
	s.Add(big, 1<<53+1)
	g.Advance(t0.Add(10 * time.Minute)) // the burst leaves the 5m window
	s.Add(10, 3)
	if gg, gb := s.Sum(5 * time.Minute); gg != 10 || gb != 3 {
		t.Errorf("Sum(5m) after a near-2^64 burst left = (%d, %d), want (10, 3)", gg, gb)
	}
	if gg, gb := s.Sum(time.Hour); gg != big+10 || gb != 1<<53+4 {
		t.Errorf("Sum(1h) = (%d, %d), want (%d, %d)", gg, gb, uint64(big+10), uint64(1<<53+4))
	}
	g.Advance(t0.Add(2 * time.Hour))
	if gg, gb := s.Sum(time.Hour); gg != 0 || gb != 0 {
		t.Errorf("Sum(1h) after everything left = (%d, %d), want (0, 0)", gg, gb)
	}
}

func TestAdvanceAcrossCenturies(t *testing.T) {
	// A gap costs what the rings cost, not what the gap is: two hundred
	// years at 3 s steps would be two billion steps.
	g := mustGroup(t, 3*time.Second, t0)
	s, _ := g.NewSeries(default30d...)
	s.Add(4, 2)
	g.Advance(t0.AddDate(200, 0, 0))
	for _, w := range default30d {
		if gg, gb := s.Sum(w); gg != 0 || gb != 0 {
			t.Errorf("Sum(%v) two centuries on = (%d, %d), want (0, 0)", w, gg, gb)
		}
	}
	if gg, gb := s.Total(); gg != 4 || gb != 2 {
		t.Errorf("Total() = (%d, %d), want (4, 2)", gg, gb)
	}
}

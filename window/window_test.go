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
	// Each ring keeps its longest window's buckets plus the one its start
	// falls in: 5m at 3s: 101 buckets; 30m and 1h at 15s: 241; 2h and 6h at
	// 1m: 361; 1d at 5m: 289; 3d at 15m: 289; 30d at 6h: 121. 1402 buckets
	// of 16 bytes.
	if got, want := Bytes(default30d...), 1402*16; got != want {
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
		t.Fatalf("Sum(2h) of a window not kept = %v, %v; want 0, 0", g, b)
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

// oracle keeps every event with the instant of the group step it was
// recorded in, and sums them as an exact-length window does: at group time
// T, every event in [T-d, T) or recorded since, except that the events of
// the bucket that T-d falls in count by the share of that bucket after T-d.
// It finds buckets with time.Time.Truncate (every ladder width divides a
// day, and the zero Time is a whole number of days before the Unix epoch),
// not with the package's index arithmetic.
type oracle struct {
	at  []time.Time // ascending: a group's time never goes back
	cum []Counts    // cum[i] is the sum of the events at at[0..i]
}

func (o *oracle) add(at time.Time, good, bad uint64) {
	var c Counts
	if len(o.cum) > 0 {
		c = o.cum[len(o.cum)-1]
	}
	o.at = append(o.at, at)
	o.cum = append(o.cum, c.plus(Counts{good, bad}))
}

// from returns the events at or after instant from.
func (o *oracle) from(from time.Time) Counts {
	i := sort.Search(len(o.at), func(i int) bool { return !o.at[i].Before(from) })
	if i == len(o.at) {
		return Counts{}
	}
	if i == 0 {
		return o.cum[len(o.cum)-1]
	}
	return o.cum[len(o.cum)-1].minus(o.cum[i-1])
}

// sum returns the window of length d with buckets of width res at group
// time now.
func (o *oracle) sum(now time.Time, d, res time.Duration) (good, bad float64) {
	start := now.Add(-d)
	bucket := start.Truncate(res) // the bucket counted pro rata
	next := bucket.Add(res)       // the first bucket counted whole
	share := float64(next.Sub(start)) / float64(res)
	whole := o.from(next)
	part := o.from(bucket).minus(whole)
	return float64(whole.Good) + float64(part.Good)*share, float64(whole.Bad) + float64(part.Bad)*share
}

func TestSumsMatchOracle(t *testing.T) {
	// The default 30-day windows, the shortest, 7m (140 buckets of 3s), and
	// two that are no whole number of buckets: 301.5 s (3 s buckets; its
	// start moves by a tick but sits mid-bucket) and 1h7s (15 s buckets).
	windows := []time.Duration{MinWindow, 5 * time.Minute, 301500 * time.Millisecond, 7 * time.Minute, 30 * time.Minute,
		time.Hour, time.Hour + 7*time.Second, 2 * time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour, 30 * 24 * time.Hour}
	tick := Tick(windows...)
	g := mustGroup(t, tick, t0)
	s, err := g.NewSeries(windows...)
	if err != nil {
		t.Fatal(err)
	}
	o := &oracle{}
	rng := rand.New(rand.NewPCG(1, 2))
	now := t0
	var total Counts
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
		g.Advance(now)
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
		o.add(g.Time(), good, bad)
		total = total.plus(Counts{good, bad})
		if i%20 != 0 {
			continue
		}
		checks++
		for _, w := range windows {
			wg, wb := o.sum(g.Time(), w, Resolution(w))
			gg, gb := s.Sum(w)
			if gg != wg || gb != wb {
				t.Fatalf("event %d at %v: Sum(%v) = (%v, %v), want (%v, %v)", i, g.Time(), w, gg, gb, wg, wb)
			}
		}
	}
	if gg, gb := s.Total(); gg != total.Good || gb != total.Bad {
		t.Fatalf("Total() = (%d, %d), want %v", gg, gb, total)
	}
	if checks != 3000 {
		t.Fatalf("ran %d checks, want 3000", checks)
	}
}

func TestSumsMatchOracleAtEveryTick(t *testing.T) {
	// Scripted traffic one tick at a time for 13 hours, so that every
	// window's start crosses every position within its buckets (the 6h
	// window's 1 min buckets 20 times over), then a restore, then gaps of
	// one bucket, one ring and a little more than one ring.
	windows := []time.Duration{5 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour}
	tick := Tick(windows...)
	g := mustGroup(t, tick, t0)
	s, err := g.NewSeries(windows...)
	if err != nil {
		t.Fatal(err)
	}
	o := &oracle{}
	check := func(what string) {
		t.Helper()
		for _, w := range windows {
			wg, wb := o.sum(g.Time(), w, Resolution(w))
			if gg, gb := s.Sum(w); gg != wg || gb != wb {
				t.Fatalf("%s at t0+%v: Sum(%v) = (%v, %v), want (%v, %v)", what, g.Time().Sub(t0), w, gg, gb, wg, wb)
			}
		}
	}
	now := t0
	record := func(i int) {
		// A bad burst every 97 ticks, a quiet stretch every 1000.
		good, bad := uint64(i%7), uint64(0)
		if i%97 == 0 {
			bad = 5
		}
		if i%1000 >= 900 {
			good, bad = 0, 0
		}
		s.Add(good, bad)
		o.add(g.Time(), good, bad)
	}
	for i := 0; now.Before(t0.Add(13 * time.Hour)); i++ {
		g.Advance(now)
		check("tick")
		record(i)
		check("after recording")
		now = now.Add(tick)
	}
	s2 := mustSeries(t, mustGroup(t, tick, now), windows...)
	if _, err := s2.Restore(s.State()); err != nil {
		t.Fatal(err)
	}
	s, g = s2, s2.g
	check("restored")
	for i, gap := range []time.Duration{15 * time.Second, time.Minute, 5 * time.Minute, 6*time.Hour + 3*time.Second, 25 * time.Hour} {
		now = now.Add(gap)
		g.Advance(now)
		check("gap")
		record(i * 97)
		check("gap, after recording")
	}
}

func TestWindowSlides(t *testing.T) {
	// One hour at 15-second buckets in a group stepping every 3 s. Events
	// in the bucket [t0, t0+15s) stay whole in the window [T-1h, T) until
	// T = t0+1h, then leave it a fifth at a time as the window's start
	// crosses their bucket, gone at t0+1h15s.
	g := mustGroup(t, 3*time.Second, t0)
	s := mustSeries(t, g, time.Hour)
	s.Add(10, 5)
	steps := []struct {
		at        time.Duration
		good, bad float64
	}{
		{0, 10, 5},
		{15 * time.Second, 10, 5},
		{time.Hour - 3*time.Second, 10, 5},
		{time.Hour, 10, 5},                // [t0, t0+1h): the bucket is whole
		{time.Hour + 3*time.Second, 8, 4}, // 12 s of its 15 s are in: 4/5
		{time.Hour + 6*time.Second, 6, 3},
		{time.Hour + 9*time.Second, 4, 2},
		{time.Hour + 12*time.Second, 2, 1},
		{time.Hour + 15*time.Second, 0, 0},
	}
	for i, st := range steps {
		g.Advance(t0.Add(st.at))
		if gg, gb := s.Sum(time.Hour); gg != st.good || gb != st.bad {
			t.Errorf("step %d: Sum(1h) at t0+%v = (%v, %v), want (%v, %v)", i, st.at, gg, gb, st.good, st.bad)
		}
	}
	if gg, gb := s.Total(); gg != 10 || gb != 5 {
		t.Errorf("Total() = (%d, %d), want (10, 5)", gg, gb)
	}
}

func TestWindowIsItsNominalLength(t *testing.T) {
	// Steady traffic of 3 events a second, one bad in three, recorded a
	// minute at a time for 31 days, then stopped: at whole minutes after
	// the stop, each window holds exactly 3 x (d - at)/1s events, whatever
	// its bucket width (3 s to 6 h) and wherever its start falls within a
	// bucket. The old layout held one bucket less: 297 s of the 5m window,
	// 29d18h to 30d of the 30d one.
	g := mustGroup(t, 3*time.Second, t0)
	s := mustSeries(t, g, default30d...)
	now := t0
	for end := t0.Add(31 * 24 * time.Hour); now.Before(end); now = now.Add(time.Minute) {
		g.Advance(now)
		s.Add(120, 60) // a minute's traffic, recorded in one step
	}
	for _, at := range []time.Duration{0, time.Minute, 7 * time.Minute, 2*time.Hour + 13*time.Minute, 5*time.Hour + 59*time.Minute} {
		g.Advance(now.Add(at))
		for _, w := range default30d {
			// The traffic stopped at now: the window lacks its last at.
			want := 3 * max(0, (w-at).Seconds())
			gg, gb := s.Sum(w)
			if math.Abs(gg+gb-want) > 1e-9*want || math.Abs(gb-want/3) > 1e-9*want {
				t.Errorf("t+%v: Sum(%v) = (%v, %v), want %v events, a third bad", at, w, gg, gb, want)
			}
		}
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
		t.Fatalf("Sum(5m) after time went back = (%v, %v), want (6, 1)", gg, gb)
	}
	// Ten years later: every window is empty, nothing is lost from the total.
	if !g.Advance(t0.Add(10 * 365 * 24 * time.Hour)) {
		t.Fatal("Advance ten years reported no change")
	}
	for _, w := range default30d {
		if gg, gb := s.Sum(w); gg != 0 || gb != 0 {
			t.Errorf("Sum(%v) ten years on = (%v, %v), want (0, 0)", w, gg, gb)
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
	if gg, gb := s.Sum(MaxWindow); gg != float64(tg) || gb != float64(tb) {
		t.Fatalf("after %d rotations Sum(%v) = (%v, %v), want (%d, %d)", rotations, MaxWindow, gg, gb, tg, tb)
	}
	// 100 s later the short window is empty and the long one still whole.
	g.Advance(now.Add(MinWindow + time.Second))
	if gg, gb := s.Sum(MinWindow); gg != 0 || gb != 0 {
		t.Fatalf("Sum(%v) 100 s after the last event = (%v, %v), want (0, 0)", MinWindow, gg, gb)
	}
	if gg, gb := s.Sum(MaxWindow); gg != float64(tg) || gb != float64(tb) {
		t.Fatalf("Sum(%v) 100 s after the last event = (%v, %v), want (%d, %d)", MaxWindow, gg, gb, tg, tb)
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

func mustSeries(t *testing.T, g *Group, windows ...time.Duration) *Series {
	t.Helper()
	s, err := g.NewSeries(windows...)
	if err != nil {
		t.Fatal(err)
	}
	return s
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
	s := mustSeries(t, g, 5*time.Minute, time.Hour)
	if _, _, _, c := s.Buckets(2 * time.Hour); c != nil {
		t.Fatalf("Buckets of a window not kept = %v, want nil", c)
	}
	s.Add(1, 0)
	g.Advance(t0.Add(15 * time.Second))
	s.Add(2, 1)
	// At t0+1h3s the window [t0+3s, t0+1h3s) starts 3 s into bucket 0: it
	// touches buckets 0 to 240 and holds 12/15 of bucket 0.
	g.Advance(t0.Add(time.Hour + 5*time.Second))
	s.Add(0, 4) // recorded after the last advance: in the current bucket
	width, first, share, counts := s.Buckets(time.Hour)
	if width != 15*time.Second || len(counts) != 241 || share != 0.8 {
		t.Fatalf("Buckets(1h): width %v, %d buckets, share %v; want 15s, 241, 0.8", width, len(counts), share)
	}
	if !first.Equal(t0) {
		t.Fatalf("Buckets(1h) first = %v, want %v", first, t0)
	}
	if counts[0] != (Counts{1, 0}) || counts[1] != (Counts{2, 1}) || counts[240] != (Counts{0, 4}) {
		t.Fatalf("Buckets(1h) oldest %v, %v, newest %v; want {1 0}, {2 1}, {0 4}", counts[0], counts[1], counts[240])
	}
	var whole Counts
	for _, c := range counts[1:] {
		whole = whole.plus(c)
	}
	gg, gb := s.Sum(time.Hour)
	if gg != 2.8 || gb != 5 || gg != float64(whole.Good)+float64(counts[0].Good)*share {
		t.Fatalf("Sum(1h) = (%v, %v), want (2.8, 5): the whole buckets and 0.8 of the oldest", gg, gb)
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
				t.Errorf("gap %v: Sum(%v) restored (%v, %v), original (%v, %v)", gap, w, rg, rb, og, ob)
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

	// The new objective keeps 1h (15 s buckets, as 30m did, but 241 of
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
	// The 15 s ring held 121 buckets: the 1h window has all of them whole,
	// the oldest included (30m counted only part of it).
	var want Counts
	_, _, _, counts := old.Buckets(30 * time.Minute)
	for _, c := range counts {
		want = want.plus(c)
	}
	if rg, rb := s2.Sum(time.Hour); rg != float64(want.Good) || rb != float64(want.Bad) {
		t.Errorf("Sum(1h) = (%v, %v), want the old 30m ring's %v", rg, rb, want)
	}
	og, ob := old.Sum(24 * time.Hour)
	if rg, rb := s2.Sum(24 * time.Hour); rg != og || rb != ob {
		t.Errorf("Sum(1d) = (%v, %v), want (%v, %v)", rg, rb, og, ob)
	}
	if rg, rb := s2.Sum(6 * time.Hour); rg != 0 || rb != 0 {
		t.Errorf("Sum(6h) from a ring the state lacks = (%v, %v), want (0, 0)", rg, rb)
	}
}

func TestRestoreStateOfTheOldLayout(t *testing.T) {
	// Before windows were exactly their length, a ring kept one bucket
	// less: ceil(d/width) buckets ending with the current one. A state of
	// that layout restores what it held, every window as the old layout
	// summed it, and once the missing bucket has left every window, the
	// restored series agrees with one that never restarted.
	windows := []time.Duration{5 * time.Minute, 30 * time.Minute, time.Hour, 24 * time.Hour}
	g := mustGroup(t, 3*time.Second, t0)
	s := mustSeries(t, g, windows...)
	end := traffic(g, s, rand.New(rand.NewPCG(7, 8)), t0, 26*time.Hour)
	st := s.State()
	oldSlots := map[time.Duration]int{3 * time.Second: 100, 15 * time.Second: 240, 5 * time.Minute: 288}
	for i, r := range st.Rings {
		if len(r.Buckets) != oldSlots[r.Width]+1 {
			t.Fatalf("ring of %v holds %d buckets, want %d", r.Width, len(r.Buckets), oldSlots[r.Width]+1)
		}
		st.Rings[i].Buckets = r.Buckets[1:]
	}
	s2 := mustSeries(t, mustGroup(t, 3*time.Second, g.Time()), windows...)
	if n, err := s2.Restore(st); err != nil || n != 3 {
		t.Fatalf("Restore of the old layout = %d, %v; want 3 rings", n, err)
	}
	for _, w := range windows {
		// The old sum: every bucket the old ring held from the window's
		// first whole one on. 30m shares 1h's ring and lost nothing.
		_, _, share, counts := s.Buckets(w)
		var whole Counts
		for _, c := range counts[1:] {
			whole = whole.plus(c)
		}
		wg, wb := float64(whole.Good), float64(whole.Bad)
		if w == 30*time.Minute {
			wg, wb = s.Sum(w)
		}
		if rg, rb := s2.Sum(w); rg != wg || rb != wb {
			t.Errorf("Sum(%v) restored from the old layout = (%v, %v), want (%v, %v) (share %v of %v dropped)", w, rg, rb, wg, wb, share, counts[0])
		}
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for now := end; now.Before(end.Add(24*time.Hour + 10*time.Minute)); now = now.Add(time.Duration(1+rng.IntN(20)) * time.Second) {
		g.Advance(now)
		s2.g.Advance(now)
		good, bad := uint64(rng.IntN(100)), uint64(rng.IntN(3))
		s.Add(good, bad)
		s2.Add(good, bad)
	}
	for _, w := range windows {
		og, ob := s.Sum(w)
		if rg, rb := s2.Sum(w); rg != og || rb != ob {
			t.Errorf("a day on: Sum(%v) restored (%v, %v), original (%v, %v)", w, rg, rb, og, ob)
		}
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
		t.Fatalf("Sum(1h) = (%v, %v), want (6, 1)", gg, gb)
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
		t.Fatalf("Sum(1h) = (%v, %v), want (0, 0): no bucket was in range", gg, gb)
	}
}

func TestCountsNearTheLimits(t *testing.T) {
	if got := (Counts{math.MaxUint64 - 5, 5}).Total(); got != math.MaxUint64 {
		t.Errorf("Total of MaxUint64-5 and 5 = %d", got)
	}
	if got := (Counts{1 << 63, 1 << 63}).Total(); got != math.MaxUint64 {
		t.Errorf("Total of 2^63 and 2^63 = %d, want saturation at MaxUint64", got)
	}
	// Window sums use modular arithmetic: exact while the true sum fits,
	// then converted to float64; a sum with the live events saturates.
	g := mustGroup(t, 3*time.Second, t0)
	s, _ := g.NewSeries(5*time.Minute, time.Hour)
	const big = math.MaxUint64 - 1000
	s.Add(big, 1<<53+1)
	g.Advance(t0.Add(10 * time.Minute)) // the burst leaves the 5m window
	s.Add(10, 3)
	if gg, gb := s.Sum(5 * time.Minute); gg != 10 || gb != 3 {
		t.Errorf("Sum(5m) after a near-2^64 burst left = (%v, %v), want (10, 3)", gg, gb)
	}
	if gg, gb := s.Sum(time.Hour); gg != big+10 || gb != 1<<53+4 {
		t.Errorf("Sum(1h) = (%v, %v), want (%d, %d)", gg, gb, uint64(big+10), uint64(1<<53+4))
	}
	s.Add(2000, 0)
	if gg, _ := s.Sum(time.Hour); gg != math.MaxUint64 {
		t.Errorf("Sum(1h) of 2^64 + 1009 good = %v, want it saturated at %v", gg, float64(math.MaxUint64))
	}
	g.Advance(t0.Add(2 * time.Hour))
	if gg, gb := s.Sum(time.Hour); gg != 0 || gb != 0 {
		t.Errorf("Sum(1h) after everything left = (%v, %v), want (0, 0)", gg, gb)
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
			t.Errorf("Sum(%v) two centuries on = (%v, %v), want (0, 0)", w, gg, gb)
		}
	}
	if gg, gb := s.Total(); gg != 4 || gb != 2 {
		t.Errorf("Total() = (%d, %d), want (4, 2)", gg, gb)
	}
}

// SumSince counts the buckets after since whole and since's own by the
// share of it after since; before the window's start it is the window's
// sum.
func TestSumSince(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	g, err := NewGroup(time.Hour, t0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := g.NewSeries(200 * time.Hour) // 1h buckets
	if err != nil {
		t.Fatal(err)
	}
	for h := range 10 {
		s.Add(100, uint64(h)) // bucket h holds 100 good and h bad
		g.Advance(t0.Add(time.Duration(h+1) * time.Hour))
	}
	s.Add(7, 1) // not yet advanced: counted whatever since is
	for _, c := range []struct {
		since     time.Time
		good, bad float64
	}{
		{t0.Add(8 * time.Hour), 207, 18},                // buckets 8 and 9 whole, and the live events
		{t0.Add(8*time.Hour + 15*time.Minute), 182, 16}, // bucket 8 by three quarters
		{t0.Add(10 * time.Hour), 7, 1},                  // the group's time: the live events
		{t0.Add(11 * time.Hour), 7, 1},
		{t0.Add(-time.Hour), 1007, 46},       // before every event
		{t0.Add(-300 * time.Hour), 1007, 46}, // before the window: its sum
	} {
		good, bad := s.SumSince(200*time.Hour, c.since)
		if good != c.good || bad != c.bad {
			t.Errorf("SumSince(%v) = %v, %v; want %v, %v", c.since, good, bad, c.good, c.bad)
		}
	}
	wg, wb := s.Sum(200 * time.Hour)
	if g, b := s.SumSince(200*time.Hour, t0.Add(-300*time.Hour)); g != wg || b != wb {
		t.Errorf("SumSince before the window = %v, %v; Sum = %v, %v", g, b, wg, wb)
	}
	if g, b := s.SumSince(time.Hour, t0); g != 0 || b != 0 {
		t.Errorf("SumSince of a window not kept = %v, %v", g, b)
	}
}

package window

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// projectionCase drives a series with random traffic, projects it with a
// whole-number flow, then records that flow in the series step by step:
// at every step the projection's sums are the series' own, to the bit, for
// every window, and seeking back and forth gives the same sums again.
func projectionCase(t *testing.T, windows []time.Duration, history, ahead time.Duration, good, bad uint64, seed uint64) {
	t.Helper()
	tick := Tick(windows...)
	g := mustGroup(t, tick, t0)
	s := mustSeries(t, g, windows...)
	rng := rand.New(rand.NewPCG(seed, 7))
	now := traffic(g, s, rng, t0, history)
	// Events since the last advance count in the current bucket, in the
	// projection as in the series.
	s.Add(uint64(rng.IntN(100)), uint64(rng.IntN(5)))

	p := s.Project(float64(good), float64(bad))
	if !p.Time().Equal(g.Time()) || p.Step() != 0 {
		t.Fatalf("a new projection at step %d, %v; want 0, %v", p.Step(), p.Time(), g.Time())
	}
	steps := int64(ahead / tick)
	want := make([][]float64, 0, steps+1) // per step, good and bad per window
	for k := int64(0); k <= steps; k++ {
		p.SetStep(k)
		if !p.Time().Equal(g.Time()) {
			t.Fatalf("step %d: projection at %v, series at %v", k, p.Time(), g.Time())
		}
		sums := make([]float64, 0, 2*len(windows))
		for _, d := range windows {
			sg, sb := s.Sum(d)
			pg, pb := p.Sum(d)
			if pg != sg || pb != sb {
				t.Fatalf("step %d (%v after %v): Sum(%v) projected (%v, %v), the series (%v, %v)", k, time.Duration(k)*tick, now, d, pg, pb, sg, sb)
			}
			sums = append(sums, sg, sb)
		}
		want = append(want, sums)
		s.Add(good, bad)
		g.Advance(g.Time().Add(tick))
	}
	// Steady stretches: from a step to the end of its stretch, every sum
	// is on the straight line between its values at the two ends (to
	// float rounding), and a window holding the flow alone sums the same
	// events at every step.
	for range 300 {
		k := rng.Int64N(steps)
		p.SetStep(k)
		for i, d := range windows {
			end := p.Steady(d)
			if end < k {
				t.Fatalf("step %d: Steady(%v) = %d, before the step", k, d, end)
			}
			last := min(end, steps)
			for m := k; m <= last; m++ {
				for c := range 2 {
					x, y := want[k][2*i+c], want[last][2*i+c]
					line := x
					if last > k {
						line = x + (y-x)*float64(m-k)/float64(last-k)
					}
					if end == math.MaxInt64 {
						line = x
					}
					if got := want[m][2*i+c]; math.Abs(got-line) > 1e-9*max(math.Abs(x), math.Abs(y), 1) {
						t.Fatalf("Steady(%v) from step %d is %d, but at step %d the sum is %v, off the line's %v", d, k, end, m, got, line)
					}
				}
			}
		}
	}
	// Random access: the same sums whatever the order the steps are read in.
	for range 2000 {
		k := rng.Int64N(steps + 1)
		p.SetStep(k)
		for i, d := range windows {
			if pg, pb := p.Sum(d); pg != want[k][2*i] || pb != want[k][2*i+1] {
				t.Fatalf("step %d read again: Sum(%v) = (%v, %v), want (%v, %v)", k, d, pg, pb, want[k][2*i], want[k][2*i+1])
			}
		}
	}
}

func TestProjectionMatchesTheSeries(t *testing.T) {
	// Windows of 3 s to 1 m buckets, two of them no whole number of
	// buckets, stepped past their length and a bucket: each window starts
	// with the random history and ends with the flow alone.
	short := []time.Duration{MinWindow, 5 * time.Minute, 301500 * time.Millisecond, 30 * time.Minute, time.Hour, time.Hour + 7*time.Second, 2 * time.Hour}
	projectionCase(t, short, 3*time.Hour, 2*time.Hour+2*time.Minute, 50, 0, 1)
	projectionCase(t, short, 90*time.Minute, 2*time.Hour+2*time.Minute, 37, 3, 2)
	// The long windows at 5 m steps: the 30-day period lets the history go
	// over 8700 steps.
	long := []time.Duration{24 * time.Hour, 72 * time.Hour, 30 * 24 * time.Hour}
	projectionCase(t, long, 3*time.Hour, 30*24*time.Hour+6*time.Hour+5*time.Minute, 1000, 1, 3)
	// No flow: the history leaves every window.
	projectionCase(t, short, time.Hour, 2*time.Hour+2*time.Minute, 0, 0, 4)
}

func TestProjectionEdges(t *testing.T) {
	g := mustGroup(t, 3*time.Second, t0.Add(time.Second)) // mid-step: the group's time is the step's start
	s := mustSeries(t, g, 5*time.Minute, time.Hour)
	s.Add(10, 1)
	p := s.Project(2, 1)
	if !p.Time().Equal(t0) {
		t.Errorf("Time() = %v, want the group's step %v", p.Time(), t0)
	}
	if gg, gb := p.Sum(2 * time.Hour); gg != 0 || gb != 0 {
		t.Errorf("Sum of a window not kept = (%v, %v), want zero", gg, gb)
	}
	p.SetStep(-3)
	if p.Step() != 0 {
		t.Errorf("SetStep(-3): step %d, want 0", p.Step())
	}
	p.SetStep(100)
	if gg, gb := p.Sum(5 * time.Minute); gg != 210 || gb != 101 || !p.Time().Equal(t0.Add(300*time.Second)) {
		t.Errorf("100 steps of (2, 1) on (10, 1): Sum(5m) = (%v, %v) at %v; want (210, 101) at %v", gg, gb, p.Time(), t0.Add(300*time.Second))
	}
	p.SetStep(101) // the first step, with the read events, has left the 5m window
	if gg, gb := p.Sum(5 * time.Minute); gg != 200 || gb != 100 {
		t.Errorf("at step 101: Sum(5m) = (%v, %v), want (200, 100)", gg, gb)
	}
	// A flow that is no count: none for negative and NaN, the largest
	// float64 for infinity, never NaN.
	for _, f := range []float64{-1, math.NaN(), math.Inf(-1)} {
		q := s.Project(f, f)
		q.SetStep(10)
		if gg, gb := q.Sum(time.Hour); gg != 10 || gb != 1 {
			t.Errorf("flow %v: Sum(1h) = (%v, %v), want the read (10, 1)", f, gg, gb)
		}
	}
	q := s.Project(math.Inf(1), 0)
	for _, k := range []int64{0, 1, 2} {
		q.SetStep(k)
		if gg, _ := q.Sum(time.Hour); math.IsNaN(gg) || (k == 0 && gg != 10) {
			t.Errorf("infinite flow, step %d: Sum(1h) good %v, want 10 at step 0 and never NaN", k, gg)
		}
	}
}

func TestBucket(t *testing.T) {
	for _, tc := range []struct {
		t     time.Time
		width time.Duration
		want  int64
	}{
		{time.Unix(0, 0), time.Hour, 0},
		{time.Unix(3599, 999999999), time.Hour, 0},
		{time.Unix(3600, 0), time.Hour, 1},
		{time.Unix(-1, 0), time.Hour, -1},
		{time.Unix(-3600, 0), time.Hour, -1},
		{time.Unix(-3601, 0), time.Hour, -2},
		{t0, 3 * time.Second, t0.Unix() / 3},
		{t0.Add(-time.Nanosecond), 3 * time.Second, t0.Unix()/3 - 1},
		{t0, 0, 0},
		{t0, -time.Second, 0},
	} {
		if got := Bucket(tc.t, tc.width); got != tc.want {
			t.Errorf("Bucket(%v, %v) = %d, want %d", tc.t.UTC(), tc.width, got, tc.want)
		}
	}
	// The index a series' state counts its buckets by.
	g := mustGroup(t, 3*time.Second, t0.Add(7*time.Minute+4*time.Second))
	s := mustSeries(t, g, time.Hour)
	for _, r := range s.State().Rings {
		if want := Bucket(g.Time(), r.Width); r.Last != want {
			t.Errorf("ring of %v: Last %d, Bucket %d", r.Width, r.Last, want)
		}
	}
}

// BenchmarkProjectionSum reads the default 30-day windows at every step
// of a day ahead, as a policy evaluated over the projection does.
func BenchmarkProjectionSum(b *testing.B) {
	g, err := NewGroup(3*time.Second, t0)
	if err != nil {
		b.Fatal(err)
	}
	s, err := g.NewSeries(default30d...)
	if err != nil {
		b.Fatal(err)
	}
	traffic(g, s, rand.New(rand.NewPCG(1, 2)), t0, 3*time.Hour)
	p := s.Project(50, 1)
	b.ReportAllocs()
	for i := range b.N {
		p.SetStep(int64(i % 28800))
		for _, d := range default30d {
			p.Sum(d)
		}
	}
}

// FuzzProjection checks, for fuzzed windows, history, flow and steps, that
// a projection sums what its series sums after recording the flow at each
// step, to the bit, and that Steady never claims a stretch before the step.
func FuzzProjection(f *testing.F) {
	f.Add(uint64(1), uint8(0), uint16(50), uint16(0), uint16(400), uint16(7200))
	f.Add(uint64(2), uint8(3), uint16(0), uint16(9), uint16(2000), uint16(60))
	f.Add(uint64(3), uint8(5), uint16(65535), uint16(65535), uint16(3000), uint16(1))
	f.Fuzz(func(t *testing.T, seed uint64, pick uint8, good, bad, steps, history uint16) {
		all := []time.Duration{MinWindow, 5 * time.Minute, 301500 * time.Millisecond, 30 * time.Minute, time.Hour + 7*time.Second, 2 * time.Hour, 24 * time.Hour}
		var windows []time.Duration
		for i, d := range all {
			if pick&(1<<i) != 0 || (pick == 0 && i < 2) {
				windows = append(windows, d)
			}
		}
		if len(windows) == 0 {
			windows = all[:1]
		}
		tick := Tick(windows...)
		g, err := NewGroup(tick, t0)
		if err != nil {
			t.Fatal(err)
		}
		s, err := g.NewSeries(windows...)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(seed, 1))
		traffic(g, s, rng, t0, time.Duration(history)*time.Second)
		s.Add(uint64(rng.IntN(50)), uint64(rng.IntN(5)))
		p := s.Project(float64(good), float64(bad))
		for k := int64(0); k <= int64(steps%3000); k++ {
			p.SetStep(k)
			for _, d := range windows {
				pg, pb := p.Sum(d)
				if sg, sb := s.Sum(d); pg != sg || pb != sb {
					t.Fatalf("step %d: Sum(%v) projected (%v, %v), the series (%v, %v)", k, d, pg, pb, sg, sb)
				}
				if e := p.Steady(d); e < k {
					t.Fatalf("step %d: Steady(%v) = %d", k, d, e)
				}
			}
			s.Add(uint64(good), uint64(bad))
			g.Advance(g.Time().Add(tick))
		}
	})
}

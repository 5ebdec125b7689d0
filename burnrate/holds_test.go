package burnrate

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestBudget(t *testing.T) {
	// The rate and the budget remaining of a Budget are those of the
	// target it is the budget of, to the bit.
	for _, target := range []float64{0.999, 0.99, 0.9, 0.95, 0.9999, 0.5, 0.123456789} {
		b := Budget(ErrorBudget(target))
		for _, c := range [][2]float64{{990, 10}, {0, 0}, {1, 0}, {0, 1}, {99999.25, 0.75}, {math.MaxFloat64, math.MaxFloat64}, {-3, math.NaN()}, {math.Inf(1), 5}} {
			if got, want := b.Rate(c[0], c[1]), Rate(c[0], c[1], target); math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("target %v: Budget.Rate(%v, %v) = %v, Rate %v", target, c[0], c[1], got, want)
			}
			if got, want := b.Remaining(c[0], c[1]), BudgetRemaining(c[0], c[1], target); math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("target %v: Budget.Remaining(%v, %v) = %v, BudgetRemaining %v", target, c[0], c[1], got, want)
			}
		}
	}
	// 1% errors at 99.9% burn ten times the budget, which leaves -9.
	if b := Budget(0.001); b.Rate(990, 10) != 10 || b.Remaining(990, 10) != -9 {
		t.Errorf("Budget(0.001): rate %v, remaining %v; want 10, -9", b.Rate(990, 10), b.Remaining(990, 10))
	}
}

func TestRuleBurns(t *testing.T) {
	r := Rule{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: SeverityPage}
	for _, tc := range []struct {
		b    Burn
		want bool
	}{
		{Burn{Rate: 14.4}, true},
		{Burn{Rate: 14.4 * (1 - 0.5e-9)}, true}, // within the tolerance
		{Burn{Rate: 14.4 * (1 - 2e-9)}, false},
		{Burn{Rate: 1000}, true},
		{Burn{Rate: 1000, NoData: true}, false}, // no data does not burn
		{Burn{}, false},
	} {
		if got := r.Burns(tc.b); got != tc.want {
			t.Errorf("Burns(%+v) = %v, want %v", tc.b, got, tc.want)
		}
	}
}

// sumsOf is a Source of per-window counts, in the order of a policy's
// Windows.
type sumsOf struct {
	windows []time.Duration
	counts  [][2]float64
}

func (s sumsOf) Sum(d time.Duration) (good, bad float64) {
	for i, w := range s.windows {
		if w == d {
			return s.counts[i][0], s.counts[i][1]
		}
	}
	return 0, 0
}

func TestHolds(t *testing.T) {
	p := DefaultPolicy(0.999, 30*24*time.Hour)
	ws := p.Windows() // 5m 30m 1h 2h 6h 1d 3d
	eval := func(counts ...[2]float64) *Evaluation {
		var e Evaluation
		p.Evaluate(sumsOf{ws, counts}, 0.999, &e)
		return &e
	}
	// Every window at 1% errors (burn 10) over plenty of events: the 6h
	// page, the 1d and 3d tickets fire, the 1h page does not (10 < 14.4).
	calm := [][2]float64{{99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}}
	a := eval(calm...)
	for _, tc := range []struct {
		name string
		b    [][2]float64
		want bool
	}{
		{"the same sums", calm, true},
		{"other sums, every comparison on the same side", [][2]float64{{98700, 1300}, {99300, 700}, {99200, 800}, {99000, 1000}, {99300, 700}, {90000, 10000}, {99600, 400}}, true},
		// The 5m window burns at 14.4 and more at b (20), at 10 at a: the
		// 1h page's short window crosses its factor.
		{"a window crosses a factor", [][2]float64{{98000, 2000}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}}, false},
		// The 30m window burns at b at the 6h page's threshold, its factor
		// less one part in a billion, to float rounding: no clear side.
		{"a burn at a threshold", [][2]float64{{99000, 1000}, {100000 - 599.9999994, 599.9999994}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}}, false},
		// At its factor exactly it burns, clear of the threshold.
		{"a burn at a factor", [][2]float64{{99000, 1000}, {99400, 600}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}}, true},
		// The 1d window with fewer events than the guard of 1000 at b.
		{"the guard crossed", [][2]float64{{99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {990, 9}, {99000, 1000}}, false},
		{"a window with no events at one end", [][2]float64{{0, 0}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}, {99000, 1000}}, false},
	} {
		if got := p.Holds(a, eval(tc.b...)); got != tc.want {
			t.Errorf("%s: Holds = %v, want %v", tc.name, got, tc.want)
		}
	}
	// Two comparisons that cross in opposite directions leave the rule not
	// burning at both ends, but both burn between them: no verdict holds.
	// The 1h page: 1h at 20 and 5m at 10 at one end, 1h at 10 and 5m at
	// 20 at the other; halfway both burn at 15.
	x := eval([2]float64{99000, 1000}, calm[1], [2]float64{98000, 2000}, calm[3], calm[4], calm[5], calm[6])
	y := eval([2]float64{98000, 2000}, calm[1], [2]float64{99000, 1000}, calm[3], calm[4], calm[5], calm[6])
	if x.Rules[0].Burning || y.Rules[0].Burning || p.Holds(x, y) {
		t.Errorf("opposite crossings: burning %v and %v, Holds %v; want neither burning and no hold", x.Rules[0].Burning, y.Rules[0].Burning, p.Holds(x, y))
	}
	if mid := eval([2]float64{98500, 1500}, calm[1], [2]float64{98500, 1500}, calm[3], calm[4], calm[5], calm[6]); !mid.Rules[0].Firing {
		t.Errorf("halfway: the 1h page does not fire, want it firing")
	}
	// An evaluation of another policy, or none, holds nothing.
	other := Policy{Rules: p.Rules[:2], MinEvents: p.MinEvents}
	var e Evaluation
	other.Evaluate(sumsOf{ws, calm}, 0.999, &e)
	if p.Holds(a, &e) || p.Holds(&Evaluation{}, a) {
		t.Error("Holds over an evaluation of another policy, or of none")
	}
}

// Whenever Holds says a's verdicts hold to b, every evaluation of sums on
// the straight line between a's and b's (window by window, as a steady flow
// makes them) has a's verdicts.
func TestHoldsBetween(t *testing.T) {
	p := DefaultPolicy(0.999, 30*24*time.Hour)
	p.MinEvents = 500
	ws := p.Windows()
	rng := rand.New(rand.NewPCG(5, 6))
	held := 0
	for range 20000 {
		a, b := make([][2]float64, len(ws)), make([][2]float64, len(ws))
		for i := range ws {
			// Error ratios around the factors (0.1% to 3%), counts
			// around the guard, sometimes none.
			n := func() [2]float64 {
				if rng.IntN(50) == 0 {
					return [2]float64{}
				}
				total := 200 + rng.Float64()*2000
				ratio := rng.Float64() * 0.03
				return [2]float64{total * (1 - ratio), total * ratio}
			}
			a[i] = n()
			b[i] = a[i]
			if rng.IntN(2) == 0 { // often one end is the other nudged
				b[i] = n()
			} else {
				b[i][0] *= 1 + (rng.Float64()-0.5)*0.2
				b[i][1] *= 1 + (rng.Float64()-0.5)*0.2
			}
		}
		var ea, eb Evaluation
		p.Evaluate(sumsOf{ws, a}, 0.999, &ea)
		p.Evaluate(sumsOf{ws, b}, 0.999, &eb)
		if !p.Holds(&ea, &eb) {
			continue
		}
		held++
		for range 20 {
			f := rng.Float64()
			mid := make([][2]float64, len(ws))
			for i := range ws {
				mid[i] = [2]float64{a[i][0] + (b[i][0]-a[i][0])*f, a[i][1] + (b[i][1]-a[i][1])*f}
			}
			var em Evaluation
			p.Evaluate(sumsOf{ws, mid}, 0.999, &em)
			if em.State != ea.State || em.Rule != ea.Rule {
				t.Fatalf("between %v and %v at %v: state %v by %d, the ends' %v by %d", a, b, f, em.State, em.Rule, ea.State, ea.Rule)
			}
			for i := range em.Rules {
				if em.Rules[i] != ea.Rules[i] {
					t.Fatalf("between %v and %v at %v: rule %d %+v, the ends' %+v", a, b, f, i, em.Rules[i], ea.Rules[i])
				}
			}
		}
	}
	if held < 1000 {
		t.Fatalf("Holds in %d of 20000 draws: too few to show anything", held)
	}
}

// FuzzHolds checks that when Holds says a policy's verdicts hold between
// two evaluations, an evaluation of sums on the straight line between them
// has those verdicts, whatever the counts: near a factor, at the guard,
// with no events at either end.
func FuzzHolds(f *testing.F) {
	f.Add(99000.0, 1000.0, 98560.0, 1440.0, 0.999, 0.5, uint64(1000))
	f.Add(100000-599.9999994, 599.9999994, 99400.0, 600.0, 0.999, 0.25, uint64(0))
	f.Add(0.0, 0.0, 1.0, 0.0, 0.99, 0.75, uint64(1))
	f.Fuzz(func(t *testing.T, g1, b1, g2, b2, target, f float64, minEvents uint64) {
		if ValidateTarget(target) != nil || !(f >= 0 && f <= 1) {
			return
		}
		for _, c := range []float64{g1, b1, g2, b2} {
			if !(c >= 0 && c <= 1e15) { // counts, as windows sum them
				return
			}
		}
		p := DefaultPolicy(target, 30*24*time.Hour)
		p.MinEvents = minEvents
		ws := p.Windows()
		// Every window holds the same counts, scaled by its length, so
		// that the rules' two windows burn alike and cross together.
		at := func(g, b float64) sumsOf {
			s := sumsOf{windows: ws, counts: make([][2]float64, len(ws))}
			for i, d := range ws {
				scale := float64(d) / float64(time.Hour)
				s.counts[i] = [2]float64{g * scale, b * scale}
			}
			return s
		}
		var a, b, m Evaluation
		p.Evaluate(at(g1, b1), target, &a)
		p.Evaluate(at(g2, b2), target, &b)
		if !p.Holds(&a, &b) {
			return
		}
		p.Evaluate(at(g1+(g2-g1)*f, b1+(b2-b1)*f), target, &m)
		if m.State != a.State || m.Rule != a.Rule {
			t.Fatalf("at %v of the way: state %v by %d, the ends' %v by %d", f, m.State, m.Rule, a.State, a.Rule)
		}
		for i := range m.Rules {
			if m.Rules[i] != a.Rules[i] {
				t.Fatalf("at %v of the way: rule %d %+v, the ends' %+v", f, i, m.Rules[i], a.Rules[i])
			}
		}
	})
}

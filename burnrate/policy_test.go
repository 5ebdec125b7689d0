package burnrate

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// approx compares factors to one part in 10^12: share * period / long is
// one float division away from the decimal it stands for.
var approx = cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Abs(a) })

func TestDefaultPolicyLengthensRowsThatCannotFire(t *testing.T) {
	page := func(long, short time.Duration, f float64) Rule {
		r := Rule{Long: long, Short: short, Factor: f, Severity: SeverityPage}
		r.Name = r.String()
		return r
	}
	ticket := func(long, short time.Duration, f float64) Rule {
		r := Rule{Long: long, Short: short, Factor: f, Severity: SeverityTicket}
		r.Name = r.String()
		return r
	}
	h, m := time.Hour, time.Minute
	for _, tc := range []struct {
		name      string
		target    float64
		period    time.Duration
		rules     []Rule
		minEvents uint64
	}{
		// A full outage at 90% burns at 10. 2% of a 30-day budget is spent
		// at burn 10 in 0.02 * 720h * 0.1 = 1.44h (86.4 min); the next
		// multiple of 12 minutes is 96: 1h36m with 8m, factor
		// 0.02 * 720h / 1.6h = 9. The other rows' 6, 3 and 1 can fire.
		{"90% over 30 days", 0.9, month, []Rule{
			page(96*m, 8*m, 9), page(6*h, 30*m, 6), ticket(day, 2*h, 3), ticket(3*day, 6*h, 1)}, 10},
		// At 93% the maximum is 1/0.07 = 14.29 < 14.4: 0.02 * 720h * 0.07 =
		// 60.48 min, so 72 min (1h12m, 6m) at 0.02 * 720 / 1.2 = 12.
		{"93% over 30 days", 0.93, month, []Rule{
			page(72*m, 6*m, 12), page(6*h, 30*m, 6), ticket(day, 2*h, 3), ticket(3*day, 6*h, 1)}, 15},
		// At 95% the maximum is 20: the Workbook's rows are kept.
		{"95% over 30 days", 0.95, month, []Rule{
			page(h, 5*m, 14.4), page(6*h, 30*m, 6), ticket(day, 2*h, 3), ticket(3*day, 6*h, 1)}, 20},
		// Over 500 hours the 1h page's factor is 0.02 * 500 = 10, exactly
		// the maximum at 90%: it can fire (when every event of both windows
		// fails), so it is kept.
		{"a factor equal to the maximum is kept", 0.9, 500 * h, []Rule{
			page(h, 5*m, 10), page(6*h, 30*m, 0.05*500/6), ticket(day, 2*h, 0.1*500/24), ticket(3*day, 6*h, 0.1*500/72)}, 10},
		// At 50% over 90 days (2160h) the maximum is 2 and every row's
		// factor is above it. Each long window becomes share * 2160h * 0.5,
		// here whole multiples of 12 minutes: 21.6h, 54h and 108h, factor
		// 2. The 3d ticket (factor 3) spends the same 10% as the 1d one and
		// lands on the same 108h: the same rule, kept once.
		{"two rows that become one rule", 0.5, 90 * day, []Rule{
			page(21*h+36*m, 108*m, 2), page(54*h, 270*m, 2), ticket(108*h, 9*h, 2)}, 2},
		// At 1% the maximum is 1/0.99 = 1.0101. 0.02 * 720h * 0.99 =
		// 14.256h: 14h24m (1h12m) at 14.4/14.4 = 1. 0.05 * 720h * 0.99 =
		// 35.64h: 35h48m (2h59m) at 36/35.8. 0.1 * 720h * 0.99 = 71.28h:
		// 71h24m (5h57m) at 72/71.4. The 3d ticket's 1 can fire.
		{"1% over 30 days", 0.01, month, []Rule{
			page(14*h+24*m, 72*m, 1), page(35*h+48*m, 179*m, 36/35.8), ticket(71*h+24*m, 357*m, 72/71.4), ticket(3*day, 6*h, 1)}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultPolicy(tc.target, tc.period)
			if diff := cmp.Diff(tc.rules, p.Rules, approx); diff != "" {
				t.Errorf("DefaultPolicy(%v, %v).Rules (-want +got):\n%s", tc.target, FormatWindow(tc.period), diff)
			}
			if p.MinEvents != tc.minEvents {
				t.Errorf("DefaultPolicy(%v, %v).MinEvents = %d, want %d", tc.target, FormatWindow(tc.period), p.MinEvents, tc.minEvents)
			}
			if err := p.Validate(tc.target, tc.period); err != nil {
				t.Errorf("DefaultPolicy(%v, %v).Validate = %v", tc.target, FormatWindow(tc.period), err)
			}
		})
	}
}

// TestDefaultPolicyFiresAtEveryTarget checks the rule of DefaultPolicy over
// a sweep of targets and periods: the policy validates, every rule keeps a
// Workbook share and the 12:1 windows, a lengthened rule is the shortest
// multiple of 12 minutes that can fire, and a full outage fires every rule.
func TestDefaultPolicyFiresAtEveryTarget(t *testing.T) {
	targets := []float64{1e-300, 1e-9, 0.0001, 0.9999, 0.99999, 0.999999, 0.99999999, 0.9306, 1 - 1e-12}
	for i := 1; i < 1000; i++ {
		targets = append(targets, float64(i)/1000)
	}
	periods := []time.Duration{time.Hour, 50 * time.Hour, 2 * day, 7 * day, 28 * day, month, 90 * day, 365 * day, 400 * day}
	for _, period := range periods {
		for _, target := range targets {
			p := DefaultPolicy(target, period)
			if err := p.Validate(target, period); err != nil {
				t.Fatalf("DefaultPolicy(%v, %v).Validate = %v", target, FormatWindow(period), err)
			}
			limit := MaxRate(target) * (1 + tolerance)
			for _, r := range p.Rules {
				at := func(format string, args ...any) {
					t.Helper()
					t.Errorf("DefaultPolicy(%v, %v) rule %s: "+format, append([]any{target, FormatWindow(period), r}, args...)...)
				}
				share := r.Factor * float64(r.Long) / float64(period)
				var workbook time.Duration
				for _, s := range DefaultShares() {
					if s.Severity == r.Severity && math.Abs(s.Budget-share) <= 1e-12 {
						workbook = max(workbook, s.Long)
					}
				}
				switch {
				case workbook == 0:
					at("spends %v of the budget, not a share of DefaultShares", share)
				case r.Short*12 != r.Long || r.Short < 5*time.Minute || r.Long > period:
					at("windows %v/%v; want long = 12 short, short of at least 5m, long within the period", r.Long, r.Short)
				case r.Factor > limit:
					at("factor %v above the maximum %v", r.Factor, MaxRate(target))
				case r.Long > workbook && (r.Long%stretchStep != 0 || Factor(share, period, r.Long-stretchStep) <= limit && r.Long-stretchStep > workbook):
					at("lengthened from %v to %v, not the shortest multiple of 12m that can fire", FormatWindow(workbook), FormatWindow(r.Long))
				}
			}
			// Every event fails, in every window, enough of them for the
			// guard: every rule burns, and the state is page.
			var e Evaluation
			p.Evaluate(constant{0, float64(max(p.MinEvents, 1))}, target, &e)
			if e.State != SeverityPage {
				t.Errorf("DefaultPolicy(%v, %v) under a full outage: %v, want page", target, FormatWindow(period), e.State)
			}
			for i, rs := range e.Rules {
				if !rs.Firing {
					t.Errorf("DefaultPolicy(%v, %v) under a full outage: rule %s does not fire", target, FormatWindow(period), p.Rules[i])
				}
			}
		}
	}
}

func TestDefaultPolicyFactorAtTheMaximum(t *testing.T) {
	// 2% of 500 hours in one hour is a factor of 10, the burn of a full
	// outage at 90% exactly: every event of both windows must fail, and
	// then the rule fires, float rounding notwithstanding.
	p := DefaultPolicy(0.9, 500*time.Hour)
	if r := p.Rules[0]; r.Name != "page-1h-5m" || r.Factor != MaxRate(0.9) {
		t.Fatalf("rule 0 %s at %v, want page-1h-5m at %v", r, r.Factor, MaxRate(0.9))
	}
	p.Rules = p.Rules[:1]
	var e Evaluation
	p.Evaluate(constant{0, 1000}, 0.9, &e)
	if e.State != SeverityPage || e.Windows[0].Rate != 10 {
		t.Errorf("every event failing: %v at burn %v, want page at 10", e.State, e.Windows[0].Rate)
	}
	p.Evaluate(constant{1, 999}, 0.9, &e)
	if e.State != SeverityOK || e.Rules[0].Burning {
		t.Errorf("one good event in 1000: %v, burning %v, want ok and not burning", e.State, e.Rules[0].Burning)
	}
}

func TestDefaultSharesIsACopy(t *testing.T) {
	// Changing what DefaultShares returned once moved every default page
	// factor, of every objective in the process, from 14.4 to 360.
	s := DefaultShares()
	s[0].Budget, s[0].Long = 0.5, time.Hour
	s = append(s[:1], s[2:]...)
	if got := DefaultShares(); got[0].Budget != 0.02 || len(got) != 4 || got[1].Long != 6*time.Hour {
		t.Errorf("DefaultShares() after a caller changed its result = %+v", got)
	}
	if f := DefaultPolicy(0.999, month).Rules[0].Factor; f != 14.4 {
		t.Errorf("DefaultPolicy(0.999, 30d) page factor %v after a caller changed DefaultShares' result, want 14.4", f)
	}
}

// FuzzDefaultPolicy checks the rule of DefaultPolicy beyond the sweep: for
// any valid target and any period from 1h (the first page's window) to 400
// days, the policy validates and a full outage fires every rule.
func FuzzDefaultPolicy(f *testing.F) {
	f.Add(0.9, int64(month))
	f.Add(0.93, int64(28*day))
	f.Add(1e-300, int64(400*day))
	f.Add(0.9999999999999999, int64(time.Hour))
	f.Add(0.5, int64(90*day))
	f.Fuzz(func(t *testing.T, target float64, period int64) {
		d := time.Duration(period)
		if ValidateTarget(target) != nil || d < time.Hour || d > 400*day {
			return
		}
		p := DefaultPolicy(target, d)
		if err := p.Validate(target, d); err != nil {
			t.Fatalf("DefaultPolicy(%v, %v).Validate = %v", target, d, err)
		}
		var e Evaluation
		p.Evaluate(constant{0, float64(max(p.MinEvents, 1))}, target, &e)
		for i, rs := range e.Rules {
			if !rs.Firing {
				t.Fatalf("DefaultPolicy(%v, %v) under a full outage: rule %s does not fire", target, d, p.Rules[i])
			}
		}
	})
}

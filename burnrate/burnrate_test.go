package burnrate

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/internal/testenv"
)

const (
	day   = 24 * time.Hour
	month = 30 * day
)

func TestDefaultPolicy(t *testing.T) {
	for _, tc := range []struct {
		period  time.Duration
		factors []float64
	}{
		// The SRE Workbook's and Sloth's 30-day factors, and Sloth's 28-day ones.
		{month, []float64{14.4, 6, 3, 1}},
		{28 * day, []float64{13.44, 5.6, 2.8, 0.1 * 28 / 3}},
		// 7 days: share * 168h / long.
		{7 * day, []float64{3.36, 1.4, 0.7, 0.1 * 7 / 3}},
		// A 2-day period keeps the rules whose long window fits.
		{2 * day, []float64{0.96, 0.4, 0.2}},
	} {
		p := DefaultPolicy(0.999, tc.period)
		var got []float64
		for _, r := range p.Rules {
			got = append(got, r.Factor)
		}
		if diff := cmp.Diff(tc.factors, got, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Abs(a) })); diff != "" {
			t.Errorf("DefaultPolicy(%v) factors (-want +got):\n%s", tc.period, diff)
		}
		if p.MinEvents != 1000 {
			t.Errorf("DefaultPolicy(0.999, %v).MinEvents = %d, want 1000, MinEvents(0.999)", tc.period, p.MinEvents)
		}
		if err := p.Validate(0.999, tc.period); err != nil {
			t.Errorf("DefaultPolicy(%v).Validate(0.999) = %v", tc.period, err)
		}
	}
	want := []Rule{
		{Name: "page-1h-5m", Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: SeverityPage},
		{Name: "page-6h-30m", Long: 6 * time.Hour, Short: 30 * time.Minute, Factor: 6, Severity: SeverityPage},
		{Name: "ticket-1d-2h", Long: day, Short: 2 * time.Hour, Factor: 3, Severity: SeverityTicket},
		{Name: "ticket-3d-6h", Long: 3 * day, Short: 6 * time.Hour, Factor: 1, Severity: SeverityTicket},
	}
	if diff := cmp.Diff(want, DefaultPolicy(0.999, month).Rules); diff != "" {
		t.Errorf("DefaultPolicy(30d).Rules (-want +got):\n%s", diff)
	}
	wantWindows := []time.Duration{5 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, day, 3 * day}
	if diff := cmp.Diff(wantWindows, DefaultPolicy(0.999, month).Windows()); diff != "" {
		t.Errorf("DefaultPolicy(30d).Windows() (-want +got):\n%s", diff)
	}
}

func TestTimeToExhaustion(t *testing.T) {
	// SRE Workbook Table 5-4: 99.9%, 30 days.
	for _, tc := range []struct {
		rate float64
		want time.Duration
	}{
		{1, month},
		{2, 15 * day},
		{10, 3 * day},
		{1000, 43*time.Minute + 12*time.Second},
		// At 99.999% a full outage spends the whole budget in 26 s.
		{MaxRate(0.99999), 25920 * time.Millisecond},
	} {
		got := TimeToExhaustion(1, tc.rate, month)
		if d := got - tc.want; d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("TimeToExhaustion(1, %v, 30d) = %v, want %v", tc.rate, got, tc.want)
		}
	}
	for _, tc := range []struct {
		remaining, rate float64
		want            time.Duration
	}{
		{0.5, 10, 36 * time.Hour},
		{0, 10, 0},
		{-0.3, 10, 0},
		{0.5, 0, Never},
		{0.5, -1, Never},
		{math.NaN(), 1, 0},
		{1, math.NaN(), Never},
		{1, 1e-300, Never},
	} {
		if got := TimeToExhaustion(tc.remaining, tc.rate, month); got != tc.want {
			t.Errorf("TimeToExhaustion(%v, %v, 30d) = %v, want %v", tc.remaining, tc.rate, got, tc.want)
		}
	}
}

func TestRateAndBudget(t *testing.T) {
	for _, tc := range []struct {
		name      string
		good, bad float64
		target    float64
		rate      float64
		remaining float64
	}{
		{"no events", 0, 0, 0.999, 0, 1},
		{"exactly the budget", 999, 1, 0.999, 1, 0},
		{"full outage at 99.9%", 0, 50, 0.999, 1000, -999},
		// Workbook, low traffic: at 10 requests an hour (7200 in 30 days),
		// one failure spends 13.9% of the budget.
		{"one failure at 10 per hour", 7199, 1, 0.999, 1.0 / 7200 / 0.001, 1 - 1.0/7200/0.001},
		// A 10-minute full outage at steady traffic spends 23% of 30 days.
		{"10 minute outage", 43200 - 10, 10, 0.999, 10.0 / 43200 / 0.001, 1 - 10.0/43200/0.001},
		// At 90%, a full outage burns at 10.
		{"full outage at 90%", 0, 7, 0.9, 10, -9},
	} {
		rate := Rate(tc.good, tc.bad, tc.target)
		rem := BudgetRemaining(tc.good, tc.bad, tc.target)
		if !near(rate, tc.rate) || !near(rem, tc.remaining) {
			t.Errorf("%s: Rate, BudgetRemaining = %v, %v; want %v, %v", tc.name, rate, rem, tc.rate, tc.remaining)
		}
	}
	if got := 1 - BudgetRemaining(7199, 1, 0.999); math.Round(got*1000)/10 != 13.9 {
		t.Errorf("one failure at 10 requests an hour spends %.4f of the budget, want 13.9%%", got)
	}
	if got := 1 - BudgetRemaining(43200-10, 10, 0.999); math.Round(got*100) != 23 {
		t.Errorf("a 10-minute outage spends %.4f of the budget, want 23%%", got)
	}
}

func TestValidateTarget(t *testing.T) {
	for _, tc := range []struct {
		target float64
		want   string
	}{
		{0.999, ""},
		{0.5, ""},
		{99.9, "burnrate: invalid target: 99.9 is not below 1; write 0.999 for 99.9%"},
		{99.95, "write 0.9995 for 99.95%"},
		{1, "1 leaves no error budget"},
		{100, "100 leaves no error budget"},
		{0, "0 is not above 0"},
		{-0.5, "-0.5 is not above 0"},
		{math.NaN(), "NaN is not a number"},
		{math.Inf(1), "+Inf is not a number"},
	} {
		err := ValidateTarget(tc.target)
		if tc.want == "" {
			if err != nil {
				t.Errorf("ValidateTarget(%v) = %v, want nil", tc.target, err)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ValidateTarget(%v) = %v, want an ErrInvalid containing %q", tc.target, err, tc.want)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	page := func(long, short time.Duration, f float64) Rule {
		return Rule{Long: long, Short: short, Factor: f, Severity: SeverityPage}
	}
	for _, tc := range []struct {
		name   string
		policy Policy
		target float64
		period time.Duration
		want   []string
	}{
		{"the 30-day page at 90%: 14.4 can never fire", Policy{Rules: []Rule{page(time.Hour, 5*time.Minute, 14.4)}}, 0.9, month,
			[]string{"rule 0 (page-1h-5m): Factor 14.4 can never fire at target 0.9: when every event fails the burn rate is 1/(1-0.9) = 10; use a factor of at most 10"}},
		{"factor equal to the maximum is allowed", Policy{Rules: []Rule{page(time.Hour, 5*time.Minute, 10)}}, 0.9, month, nil},
		{"no rules", Policy{}, 0.999, month, []string{"policy: no rules; use burnrate.DefaultPolicy(0.999, 30d)"}},
		{"short as long as long: a single-window rule", Policy{Rules: []Rule{page(time.Hour, time.Hour, 14.4)}}, 0.999, month, nil},
		{"short longer than long", Policy{Rules: []Rule{page(time.Hour, 2*time.Hour, 14.4)}}, 0.999, month,
			[]string{"Short window 2h is longer than Long window 1h; the Workbook uses Long/12 (5m), and Short = Long makes a single-window rule"}},
		{"short zero", Policy{Rules: []Rule{page(time.Hour, 0, 14.4)}}, 0.999, month,
			[]string{"Short window 0s is not positive"}},
		{"long beyond the period", Policy{Rules: []Rule{page(3*day, 6*time.Hour, 1)}}, 0.999, day,
			[]string{"Long window 3d is longer than the period 1d"}},
		{"long zero", Policy{Rules: []Rule{page(0, 0, 1)}}, 0.999, day,
			[]string{"Long window 0s is not positive"}},
		{"NaN factor", Policy{Rules: []Rule{page(time.Hour, 5*time.Minute, math.NaN())}}, 0.999, month,
			[]string{"Factor NaN is not a positive number"}},
		{"negative factor", Policy{Rules: []Rule{page(time.Hour, 5*time.Minute, -1)}}, 0.999, month,
			[]string{"Factor -1 is not a positive number"}},
		{"severity ok", Policy{Rules: []Rule{{Long: time.Hour, Short: 5 * time.Minute, Factor: 2}}}, 0.999, month,
			[]string{"Severity ok is not one a rule raises; use SeverityTicket or SeverityPage"}},
		{"duplicate names", Policy{Rules: []Rule{page(time.Hour, 5*time.Minute, 14.4), page(time.Hour, 5*time.Minute, 20)}}, 0.999, month,
			[]string{"rule 1 (page-1h-5m): the name is also rule 0's"}},
		{"every problem at once", Policy{Rules: []Rule{page(time.Hour, 2*time.Hour, 2000), {Name: "x", Long: time.Hour, Short: time.Minute, Factor: 1, Severity: 7}}}, 0.999, month,
			[]string{"Short window 2h is longer than Long window 1h", "Factor 2000 can never fire", "rule 1 (x): Severity Severity(7)"}},
		{"target checked first", DefaultPolicy(0.999, month), 99.9, month, []string{"write 0.999 for 99.9%"}},
	} {
		err := tc.policy.Validate(tc.target, tc.period)
		if len(tc.want) == 0 {
			if err != nil {
				t.Errorf("%s: Validate = %v, want nil", tc.name, err)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Validate = %v, want an ErrInvalid", tc.name, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: Validate = %q, want it to contain %q", tc.name, err, w)
			}
		}
	}
}

// sums is a Source with fixed window contents.
type sums map[time.Duration][2]float64

func (s sums) Sum(d time.Duration) (good, bad float64) { return s[d][0], s[d][1] }

func TestEvaluate(t *testing.T) {
	p := DefaultPolicy(0.999, month)
	// steady fills every window with 1000 events a minute at an error ratio.
	steady := func(ratio float64) sums {
		s := sums{}
		for _, d := range p.Windows() {
			n := float64(d / time.Minute * 1000)
			bad := math.Round(n * ratio)
			s[d] = [2]float64{n - bad, bad}
		}
		return s
	}
	for _, tc := range []struct {
		name  string
		src   sums
		state Severity
		rule  string
	}{
		{"no errors", steady(0), SeverityOK, ""},
		{"full outage everywhere", steady(1), SeverityPage, "page-1h-5m"},
		{"burn 10 pages through 6h", steady(0.01), SeverityPage, "page-6h-30m"},
		{"burn 5 opens a ticket through 1d", steady(0.005), SeverityTicket, "ticket-1d-2h"},
		{"burn 2 opens a ticket through 3d", steady(0.002), SeverityTicket, "ticket-3d-6h"},
		{"burn exactly 1 over 3d fires", steady(0.001), SeverityTicket, "ticket-3d-6h"},
		{"burn 0.5 never fires", steady(0.0005), SeverityOK, ""},
		{"no data", sums{}, SeverityOK, ""},
	} {
		var e Evaluation
		p.Evaluate(tc.src, 0.999, &e)
		rule := ""
		if e.Rule >= 0 {
			rule = p.Rules[e.Rule].Name
		}
		if e.State != tc.state || rule != tc.rule {
			t.Errorf("%s: state %v by %q, want %v by %q", tc.name, e.State, rule, tc.state, tc.rule)
		}
	}

	// Long window burning but short window not: no alert (the page has reset).
	src := steady(0)
	src[time.Hour] = [2]float64{59000, 1000} // burn 16.7 over 1h
	var e Evaluation
	p.Evaluate(src, 0.999, &e)
	if e.State != SeverityOK || e.Rules[0].Burning {
		t.Errorf("1h burning, 5m clean: state %v, rule 0 burning %v; want ok, false", e.State, e.Rules[0].Burning)
	}
	want := Burn{Window: time.Hour, Good: 59000, Bad: 1000, Rate: 1000.0 / 60000 / (1 - 0.999)}
	if got := e.Windows[2]; got.Window != want.Window || got.Good != want.Good || got.Bad != want.Bad || !near(got.Rate, want.Rate) || got.NoData {
		t.Errorf("Windows[2] = %+v, want %+v", got, want)
	}
	if e.Rules[0].Long != 2 || e.Rules[0].Short != 0 {
		t.Errorf("rule 0 reads windows %d and %d, want 2 (1h) and 0 (5m)", e.Rules[0].Long, e.Rules[0].Short)
	}

	// No data: every window flagged, rates 0, never NaN.
	p.Evaluate(sums{}, 0.999, &e)
	for _, b := range e.Windows {
		if !b.NoData || b.Rate != 0 {
			t.Errorf("empty window %v: NoData %v, Rate %v; want true, 0", b.Window, b.NoData, b.Rate)
		}
	}
}

func TestEvaluateMinEvents(t *testing.T) {
	// Low traffic: 10 requests an hour, one failure in the last 5 minutes.
	src := sums{time.Hour: {9, 1}, 5 * time.Minute: {0, 1}}
	p := Policy{Rules: DefaultPolicy(0.999, month).Rules[:1], MinEvents: MinEvents(0.999)}
	var e Evaluation
	p.Evaluate(src, 0.999, &e)
	if e.State != SeverityOK || !e.Rules[0].Burning || e.Rules[0].Firing {
		t.Errorf("10 events, 1 bad, guard 1000: state %v, burning %v, firing %v; want ok, true, false", e.State, e.Rules[0].Burning, e.Rules[0].Firing)
	}
	p.MinEvents = 10
	p.Evaluate(src, 0.999, &e)
	if e.State != SeverityPage || !e.Rules[0].Firing {
		t.Errorf("10 events, 1 bad, guard 10: state %v, firing %v; want page, true", e.State, e.Rules[0].Firing)
	}

	// An exact-length window counts part of its oldest bucket, so the long
	// window's count is fractional; the guard compares it as it is.
	p.MinEvents = 1000
	for _, tc := range []struct {
		events float64
		firing bool
	}{
		{999.5, false},
		{999.999, false},
		{999.9999999999, true}, // float rounding of 1000: within 1e-9
		{1000, true},
		{1000.25, true},
	} {
		src := sums{time.Hour: {tc.events - 20, 20}, 5 * time.Minute: {80, 20}}
		p.Evaluate(src, 0.999, &e)
		if e.Rules[0].Firing != tc.firing || !e.Rules[0].Burning {
			t.Errorf("%v events in 1h, guard 1000: burning %v firing %v, want true %v", tc.events, e.Rules[0].Burning, e.Rules[0].Firing, tc.firing)
		}
	}
}

func TestFractionalAndOddCounts(t *testing.T) {
	// A window of exact length counts the share of its oldest bucket:
	// 0.25 of a bucket of 4 bad events is one bad event.
	if got := Rate(999, 0.25*4, 0.999); got != 1 {
		t.Errorf("Rate(999, 1 from a quarter bucket, 0.999) = %v, want 1", got)
	}
	if got := BudgetRemaining(1998.5, 1.5, 0.999); got != 0.25 {
		t.Errorf("BudgetRemaining(1998.5, 1.5, 0.999) = %v, want 0.25", got)
	}
	// Counts no Source should give are no events, never NaN.
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct{ good, bad, rate float64 }{
		{nan, nan, 0}, {nan, 1, 1000}, {-5, 1, 1000}, {5, -1, 0}, {inf, 0, 0}, {1, inf, 1000}, {inf, inf, 500},
	} {
		if got := Rate(tc.good, tc.bad, 0.999); got != tc.rate {
			t.Errorf("Rate(%v, %v, 0.999) = %v, want %v", tc.good, tc.bad, got, tc.rate)
		}
	}
	var e Evaluation
	p := DefaultPolicy(0.999, month)
	p.Evaluate(sums{time.Hour: {nan, nan}, 5 * time.Minute: {-1, 0}}, 0.999, &e)
	for _, b := range e.Windows {
		if !b.NoData || b.Rate != 0 {
			t.Errorf("window %v of NaN or negative counts: NoData %v, Rate %v; want true, 0", b.Window, b.NoData, b.Rate)
		}
	}
}

func TestEvaluateOrderAndSeverity(t *testing.T) {
	// A ticket rule listed first and a page rule both fire: page wins.
	p := Policy{Rules: []Rule{
		{Name: "slow", Long: day, Short: 2 * time.Hour, Factor: 1, Severity: SeverityTicket},
		{Name: "fast-a", Long: time.Hour, Short: 5 * time.Minute, Factor: 2, Severity: SeverityPage},
		{Name: "fast-b", Long: 6 * time.Hour, Short: 30 * time.Minute, Factor: 2, Severity: SeverityPage},
	}}
	src := sums{}
	for _, d := range p.Windows() {
		src[d] = [2]float64{900, 100}
	}
	var e Evaluation
	p.Evaluate(src, 0.99, &e)
	if e.State != SeverityPage || e.Rule != 1 {
		t.Errorf("state %v by rule %d, want page by rule 1 (the first page that fires)", e.State, e.Rule)
	}
	for i, rs := range e.Rules {
		if !rs.Firing {
			t.Errorf("rule %d not firing", i)
		}
	}
}

func TestEvaluateDoesNotAllocate(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	p := DefaultPolicy(0.999, month)
	src := sums{}
	for _, d := range p.Windows() {
		src[d] = [2]float64{1000, 3}
	}
	var e Evaluation
	p.Evaluate(src, 0.999, &e)
	if n := testing.AllocsPerRun(1000, func() { p.Evaluate(src, 0.999, &e) }); n != 0 {
		t.Fatalf("Evaluate allocates %v times per run with a reused Evaluation, want 0", n)
	}
}

func TestFormatWindow(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{5 * time.Minute, "5m"}, {time.Hour, "1h"}, {90 * time.Minute, "1h30m"},
		{3 * day, "3d"}, {36 * time.Hour, "1d12h"}, {30 * day, "30d"}, {100 * time.Second, "1m40s"},
		{1500 * time.Millisecond, "1.5s"}, {0, "0s"}, {-time.Minute, "-1m0s"},
	} {
		if got := FormatWindow(tc.d); got != tc.want {
			t.Errorf("FormatWindow(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestSeverityText(t *testing.T) {
	for _, s := range []Severity{SeverityOK, SeverityTicket, SeverityPage} {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Severity
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("round trip of %v: %v, %v", s, back, err)
		}
	}
	var s Severity
	if err := s.UnmarshalText([]byte("critical")); err == nil || !strings.Contains(err.Error(), `"critical"; use ok, ticket or page`) {
		t.Errorf("UnmarshalText(critical) = %v", err)
	}
	if _, err := Severity(9).MarshalText(); err == nil {
		t.Error("MarshalText(Severity(9)) succeeded")
	}
	if got := Severity(9).String(); got != "Severity(9)" {
		t.Errorf("Severity(9).String() = %q", got)
	}
}

// near compares to one part in a billion, and to 1e-12 around zero, where
// float rounding of 1 - target (0.999 is not exact in binary) shows.
func near(a, b float64) bool {
	return math.Abs(a-b) <= math.Max(1e-12, 1e-9*math.Max(math.Abs(a), math.Abs(b)))
}

func TestErrorBudget(t *testing.T) {
	third, tiny := 1.0/3, 1e-30 // variables: constant arithmetic would be exact
	for _, tc := range []struct {
		target, want float64
	}{
		{0.999, 0.001}, {0.99, 0.01}, {0.9, 0.1}, {0.99999, 0.00001}, {0.9995, 0.0005},
		{0.5, 0.5}, {0.123456789, 0.876543211},
		{third, 1 - third}, // no short decimal: plain subtraction
		{tiny, 1 - tiny},
	} {
		if got := ErrorBudget(tc.target); got != tc.want {
			t.Errorf("ErrorBudget(%v) = %v, want %v", tc.target, got, tc.want)
		}
	}
	if got := Rate(99, 1, 0.999); got != 10 {
		t.Errorf("Rate(99, 1, 0.999) = %v, want exactly 10", got)
	}
	if got := BudgetRemaining(999, 1, 0.999); got != 0 {
		t.Errorf("BudgetRemaining(999, 1, 0.999) = %v, want exactly 0", got)
	}
}

func TestEvaluateExactFactorFires(t *testing.T) {
	// 144 bad events in 10,000 at 99.9% is a burn of exactly 14.4, which
	// float64 computes as 14.399999999999999: the page must still fire.
	p := Policy{Rules: DefaultPolicy(0.999, month).Rules[:1]}
	if r := Rate(10000-144, 144, 0.999); r != 14.399999999999999 {
		t.Fatalf("premise: Rate(9856, 144, 0.999) = %v, want the float 14.399999999999999", r)
	}
	var e Evaluation
	p.Evaluate(sums{time.Hour: {10000 - 144, 144}, 5 * time.Minute: {10000 - 144, 144}}, 0.999, &e)
	if e.State != SeverityPage {
		t.Fatalf("burn of exactly 14.4: state %v, want page", e.State)
	}
	// Just below the factor, it does not.
	p.Evaluate(sums{time.Hour: {10000 - 143, 143}, 5 * time.Minute: {10000 - 143, 143}}, 0.999, &e)
	if e.State != SeverityOK {
		t.Fatalf("burn of 14.3: state %v, want ok", e.State)
	}
}

func TestMinEvents(t *testing.T) {
	for _, tc := range []struct {
		target float64
		want   uint64
	}{
		{0.999, 1000}, {0.99, 100}, {0.995, 200}, {0.9999, 10000}, {0.9, 10}, {0.95, 20},
		{0.5, 2}, {0.997, 334}, {0, 0}, {1, 0}, {99.9, 0}, {math.NaN(), 0},
	} {
		if got := MinEvents(tc.target); got != tc.want {
			t.Errorf("MinEvents(%v) = %d, want %d", tc.target, got, tc.want)
		}
	}
	// The guard's promise at 99.9%: one error in the smallest window it
	// allows is exactly a burn of 1, and the 14.4x page needs 15 errors.
	if r := Rate(999, 1, 0.999); r != 1 {
		t.Errorf("Rate(999, 1, 0.999) = %v, want 1", r)
	}
	if Rate(986, 14, 0.999) >= 14.4 || Rate(985, 15, 0.999) < 14.4 {
		t.Errorf("14 errors in 1000 burn at %v, 15 at %v; want below and above 14.4", Rate(986, 14, 0.999), Rate(985, 15, 0.999))
	}
}

func TestCountsNearTheLimits(t *testing.T) {
	// Near 2^53 float64 stops holding every integer; counts near 2^64
	// (a uint64 total would wrap) are float64 and do not. Rates stay right
	// to float precision, the guard sees every event, and nothing is NaN.
	const two53 = 1 << 53
	for _, tc := range []struct {
		good, bad float64
		rate      float64
	}{
		{two53 + 1, 0, 0},
		{two53, two53, 500},
		{math.MaxUint64, 0, 0},
		{math.MaxUint64 - 1000, 1000, 1000 / float64(math.MaxUint64) / 0.001},
		{1 << 63, 1 << 63, 500},
		{0, math.MaxUint64, 1000},
	} {
		if got := Rate(tc.good, tc.bad, 0.999); !near(got, tc.rate) || math.IsNaN(got) {
			t.Errorf("Rate(%v, %v, 0.999) = %v, want %v", tc.good, tc.bad, got, tc.rate)
		}
	}
	p := Policy{Rules: DefaultPolicy(0.999, month).Rules[:1], MinEvents: 1000}
	var e Evaluation
	// 2^63 + 2^63 would wrap to 0 in uint64: the guard must see plenty.
	p.Evaluate(sums{time.Hour: {1 << 63, 1 << 63}, 5 * time.Minute: {1 << 63, 1 << 63}}, 0.999, &e)
	if e.State != SeverityPage {
		t.Errorf("half of 2^64 events bad: state %v, want page", e.State)
	}
}

// A rule whose short window is its long one reads one window: the plain
// error-rate threshold that teams have before burn-rate alerts (error ratio
// at or above 1 - target over 10 minutes is a burn of at least 1 over 10m).
func TestSingleWindowRule(t *testing.T) {
	p := Policy{Rules: []Rule{{Name: "threshold", Long: 10 * time.Minute, Short: 10 * time.Minute, Factor: 1, Severity: SeverityPage}}}
	if err := p.Validate(0.999, month); err != nil {
		t.Fatalf("Validate = %v, want nil: Short = Long is a single-window rule", err)
	}
	if got := p.Windows(); !slices.Equal(got, []time.Duration{10 * time.Minute}) {
		t.Errorf("Windows = %v, want [10m]", got)
	}
	for _, tc := range []struct {
		name     string
		good     float64
		bad      float64
		state    Severity
		rate     float64
		burning  bool
		windows  int
		ruleWins [2]int
	}{
		// 10 bad of 10000 is exactly the budget's ratio: burn 1 fires.
		{"error ratio at the budget", 9990, 10, SeverityPage, 1, true, 1, [2]int{0, 0}},
		// 9 bad of 10000 is a burn of 0.9.
		{"error ratio under the budget", 9991, 9, SeverityOK, 0.9, false, 1, [2]int{0, 0}},
	} {
		var e Evaluation
		p.Evaluate(sums{10 * time.Minute: {tc.good, tc.bad}}, 0.999, &e)
		if e.State != tc.state || len(e.Windows) != tc.windows || e.Rules[0].Burning != tc.burning ||
			[2]int{e.Rules[0].Long, e.Rules[0].Short} != tc.ruleWins || !near(e.Windows[0].Rate, tc.rate) {
			t.Errorf("%s: state %v, %d windows, burning %v, rule windows %d/%d, rate %v; want %v, %d, %v, %v, %v",
				tc.name, e.State, len(e.Windows), e.Rules[0].Burning, e.Rules[0].Long, e.Rules[0].Short, e.Windows[0].Rate,
				tc.state, tc.windows, tc.burning, tc.ruleWins, tc.rate)
		}
	}
}

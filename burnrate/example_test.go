package burnrate_test

import (
	"fmt"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
)

func ExampleDefaultPolicy() {
	month := 30 * 24 * time.Hour
	p := burnrate.DefaultPolicy(0.999, month)
	for _, r := range p.Rules {
		fmt.Printf("%-13s long %-3s short %-4s factor %g\n", r.Name, burnrate.FormatWindow(r.Long), burnrate.FormatWindow(r.Short), r.Factor)
	}
	fmt.Println("windows:", len(p.Windows()), "guard:", p.MinEvents, "events")
	// At 90% a full outage burns at 10: the first page keeps its 2% of
	// the budget over windows long enough for a factor of at most 10.
	fmt.Println("at 90%:", burnrate.DefaultPolicy(0.9, month).Rules[0].Name, "factor", burnrate.DefaultPolicy(0.9, month).Rules[0].Factor)
	// Output:
	// page-1h-5m    long 1h  short 5m   factor 14.4
	// page-6h-30m   long 6h  short 30m  factor 6
	// ticket-1d-2h  long 1d  short 2h   factor 3
	// ticket-3d-6h  long 3d  short 6h   factor 1
	// windows: 7 guard: 1000 events
	// at 90%: page-1h36m-8m factor 9
}

func ExampleDefaultShares() {
	// Each row is a share of the period's budget spent within a window.
	for _, s := range burnrate.DefaultShares() {
		fmt.Printf("%v: %g%% of the budget in %v (%v)\n", s.Severity, s.Budget*100, burnrate.FormatWindow(s.Long), burnrate.FormatWindow(s.Short))
	}
	// Output:
	// page: 2% of the budget in 1h (5m)
	// page: 5% of the budget in 6h (30m)
	// ticket: 10% of the budget in 1d (2h)
	// ticket: 10% of the budget in 3d (6h)
}

func ExampleTimeToExhaustion() {
	// SRE Workbook Table 5-4: how long a 30-day 99.9% budget lasts.
	for _, rate := range []float64{1, 2, 10, 1000} {
		fmt.Printf("burn %4g: %v\n", rate, burnrate.TimeToExhaustion(1, rate, 30*24*time.Hour))
	}
	// Output:
	// burn    1: 720h0m0s
	// burn    2: 360h0m0s
	// burn   10: 72h0m0s
	// burn 1000: 43m12s
}

// constant is a Source whose every window has the same counts.
type constant struct{ good, bad float64 }

func (c constant) Sum(time.Duration) (good, bad float64) { return c.good, c.bad }

func ExamplePolicy_Evaluate() {
	p := burnrate.DefaultPolicy(0.999, 30*24*time.Hour)
	var e burnrate.Evaluation
	// 1% of requests fail in every window: a burn rate of 10.
	p.Evaluate(constant{good: 99000, bad: 1000}, 0.999, &e)
	fmt.Println(e.State, "by", p.Rules[e.Rule].Name, "at burn", e.Windows[0].Rate)
	// Output: page by page-6h-30m at burn 10
}

func ExamplePolicy_Validate() {
	// At 90%, a full outage burns at 10: a 14.4x page can never fire.
	p := burnrate.Policy{Rules: []burnrate.Rule{
		{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: burnrate.SeverityPage},
	}}
	fmt.Println(p.Validate(0.9, 30*24*time.Hour))
	// Output: burnrate: invalid rule 0 (page-1h-5m): Factor 14.4 can never fire at target 0.9: when every event fails the burn rate is 1/(1-0.9) = 10; use a factor of at most 10 or a higher target
}

package slo_test

import (
	"fmt"

	"github.com/journeyslo/journeyslo/slo"
)

// WithDefaults shows the objective as the registry runs it: the default
// name, period, policy and low-traffic guard.
func ExampleObjective_WithDefaults() {
	o := slo.Objective{Journey: "checkout", Target: 0.999}.WithDefaults()
	fmt.Println(o.Name, o.Period, o.Policy.MinEvents)
	for _, r := range o.Policy.Rules {
		fmt.Println(r.Name, r.Factor)
	}
	// Output:
	// availability 720h0m0s 1000
	// page-1h-5m 14.4
	// page-6h-30m 6
	// ticket-1d-2h 3
	// ticket-3d-6h 1
}

package slo_test

import (
	"fmt"
	"log"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

func ExampleObjective_lowTarget() {
	// At 90% a full outage burns at 10, so the Workbook's 14.4x page over
	// 1h could never fire: the default policy spends the same 2% of the
	// budget over windows long enough for a factor of at most 10.
	reg, err := slo.New([]slo.Objective{{Journey: "search", Target: 0.9, Latency: 300 * time.Millisecond}}, slo.WithManualAdvance())
	if err != nil {
		log.Fatal(err)
	}
	defer reg.Close()
	p := reg.Objectives()[0].Policy
	for _, r := range p.Rules {
		fmt.Printf("%-14s factor %g\n", r.Name, r.Factor)
	}
	fmt.Println("full outage burns at", burnrate.MaxRate(0.9), "guard", p.MinEvents, "events")
	// Output:
	// page-1h36m-8m  factor 9
	// page-6h-30m    factor 6
	// ticket-1d-2h   factor 3
	// ticket-3d-6h   factor 1
	// full outage burns at 10 guard 10 events
}

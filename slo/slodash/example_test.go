package slodash_test

import (
	"fmt"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slodash"
)

// The dashboards of a service's objectives: the overview, then a page per
// objective, each with its panels.
func ExampleGenerate() {
	ds, err := slodash.Generate([]slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "search", Target: 0.99, Latency: 300 * time.Millisecond, GroupBy: []string{"cluster"}},
	}, slodash.WithService("shop"), slodash.WithLabels(map[string]string{"team": "shop"}))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range ds {
		fmt.Printf("%s (%s)\n", d.Title, d.UID)
		for _, v := range d.Templating.List[1:] {
			fmt.Println("  variable", v.Name)
		}
		for _, p := range d.Panels {
			fmt.Printf("  %s: %s\n", p.Type, p.Title)
		}
	}
	// Output:
	// shop: objectives (journeyslo-46dc5e18e28e2409)
	//   variable cluster
	//   table: Objectives, worst first
	// shop: checkout:availability (journeyslo-fccb6d07b375ce26)
	//   stat: State
	//   stat: Budget left
	//   stat: SLI
	//   stat: Time to exhaustion
	//   timeseries: Error budget left over the last 30d
	//   timeseries: Rule page-1h-5m (page): burn rate over 1h and 5m against 14.4
	//   timeseries: Rule page-6h-30m (page): burn rate over 6h and 30m against 6
	//   timeseries: Rule ticket-1d-2h (ticket): burn rate over 1d and 2h against 3
	//   timeseries: Rule ticket-3d-6h (ticket): burn rate over 3d and 6h against 1
	// shop: search:latency (journeyslo-90b34b1be141f265)
	//   variable cluster
	//   stat: State
	//   stat: Budget left
	//   stat: SLI
	//   stat: Time to exhaustion
	//   timeseries: Error budget left over the last 30d
	//   timeseries: Rule page-1h-5m (page): burn rate over 1h and 5m against 14.4
	//   timeseries: Rule page-6h-30m (page): burn rate over 6h and 30m against 6
	//   timeseries: Rule ticket-1d-2h (ticket): burn rate over 1d and 2h against 3
	//   timeseries: Rule ticket-3d-6h (ticket): burn rate over 3d and 6h against 1
}

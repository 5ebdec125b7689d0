package slo_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

// A Status writes durations as strings and instants in RFC 3339; the
// status page and the health check embed this shape.
func ExampleStatus_MarshalJSON() {
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 2, 27, 9, 0, 0, 0, time.UTC))
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
		slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	mock.Add(72 * time.Hour) // three quiet days: the data covers a tenth of the period
	reg.Advance(mock.Now())
	checkout, _ := reg.Journey("checkout") // declared above
	checkout.Add(9990, 10)
	mock.Add(time.Second)
	reg.Advance(mock.Now())

	st := reg.Status()[0]
	// Burning at 1, the budget is just spent: the 3-day ticket fires.
	st.Windows, st.Rules = st.Windows[:1], st.Rules[3:] // shorter, for the example
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))
	// Output:
	// {
	//   "journey": "checkout",
	//   "objective": "availability",
	//   "target": 0.999,
	//   "period": "30d",
	//   "time": "2026-03-02T09:00:01Z",
	//   "good": 9990,
	//   "bad": 10,
	//   "totalGood": 9990,
	//   "totalBad": 10,
	//   "sli": 0.999,
	//   "noData": false,
	//   "minEvents": 1000,
	//   "covered": "3d1s",
	//   "minCovered": "3d",
	//   "budget": "spent",
	//   "budgetRemaining": 0,
	//   "timeToExhaustion": "0s",
	//   "exhaustionWindow": "1h",
	//   "state": "ticket",
	//   "rule": "ticket-3d-6h",
	//   "since": "2026-03-02T09:00:01Z",
	//   "windows": [
	//     {
	//       "window": "5m",
	//       "good": 9990,
	//       "bad": 10,
	//       "burnRate": 1,
	//       "noData": false
	//     }
	//   ],
	//   "rules": [
	//     {
	//       "name": "ticket-3d-6h",
	//       "severity": "ticket",
	//       "long": "3d",
	//       "short": "6h",
	//       "factor": 1,
	//       "longBurnRate": 1,
	//       "shortBurnRate": 1,
	//       "burning": true,
	//       "firing": true
	//     }
	//   ]
	// }
}

package backtest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/backtest"
	"github.com/journeyslo/journeyslo/slo"
)

// BenchmarkRun replays a day of ten journeys in one-minute samples, each
// under the three baselines: 28,800 ticks of 30 objectives. It reports the
// cost of one objective's evaluation at one tick, the unit a replay's time
// scales with.
func BenchmarkRun(b *testing.B) {
	const journeys = 10
	var traffic []backtest.Sample
	var cfgs []backtest.Config
	for j := range journeys {
		name := fmt.Sprint("journey", j)
		traffic = append(traffic, minutely(name, t0, t0.Add(24*time.Hour), 1000, during(t0.Add(time.Duration(j+1)*time.Hour), 12*time.Minute, 0.5))...)
		cfgs = append(cfgs, backtest.Config{Objective: slo.Objective{Journey: name, Target: 0.999}})
	}
	b.ReportAllocs()
	b.ResetTimer()
	var res *backtest.Result
	for range b.N {
		var err error
		if res, err = backtest.Run(traffic, cfgs...); err != nil {
			b.Fatal(err)
		}
	}
	ticks := float64(res.End.Sub(res.Start) / res.Tick)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(ticks*3*journeys), "ns/objective-tick")
}

package slobacktest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// A day of checkout's traffic, 1000 events a minute, with a 12-minute full
// outage at noon, replayed under the baselines and the objective's own
// policy. The incident is derived from the traffic.
func ExampleRun() {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	outage := start.Add(12 * time.Hour)
	var traffic []slobacktest.Sample
	for t := start.Add(time.Minute); !t.After(start.Add(24 * time.Hour)); t = t.Add(time.Minute) {
		s := slobacktest.Sample{Time: t, Journey: "checkout", Good: 1000}
		if t.After(outage) && !t.After(outage.Add(12*time.Minute)) {
			s.Good, s.Bad = 0, 1000
		}
		traffic = append(traffic, s)
	}
	res, err := slobacktest.Run(traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.999}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	o := res.Objectives[0]
	inc := o.Incidents[0]
	fmt.Printf("incident at %s for %v: %.1f%% of the budget, significant: %v\n", inc.Start.Format("15:04"), inc.Duration, inc.Budget*100, inc.Significant)
	for _, p := range o.Policies {
		d := p.Detections[0]
		fmt.Printf("%-11s %d page, detected after %v (%.1f%% of the budget spent), reset %v after the end\n",
			p.Name, p.Pages, d.Detection, d.BudgetBeforeDetection*100, d.Reset)
	}
	// Output:
	// incident at 12:00 for 12m0s: 27.8% of the budget, significant: true
	// threshold   1 page, detected after 3s (0.1% of the budget spent), reset 10m0s after the end
	// burnrate-1h 1 page, detected after 54s (2.1% of the budget spent), reset 59m9s after the end
	// objective   1 page, detected after 54s (2.1% of the budget spent), reset 29m51s after the end
}

// The table of a replay: one row per objective and policy.
func ExampleResult_WriteText() {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	outage := start.Add(12 * time.Hour)
	var traffic []slobacktest.Sample
	for t := start.Add(time.Minute); !t.After(start.Add(24 * time.Hour)); t = t.Add(time.Minute) {
		s := slobacktest.Sample{Time: t, Journey: "checkout", Good: 1000}
		if t.After(outage) && !t.After(outage.Add(12*time.Minute)) {
			s.Good, s.Bad = 0, 1000
		}
		traffic = append(traffic, s)
	}
	res, err := slobacktest.Run(traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.999}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := res.WriteText(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Replay of 2026-03-02T00:00:57Z to 2026-03-03T00:00:00Z, evaluated every 3s.
	//
	// objective              policy       pages  tickets  flaky  paging    precision  recall  detection  reset
	// checkout:availability  threshold    1      0        0      21m57s    100.0%     100.0%  3s         10m
	// checkout:availability  burnrate-1h  1      0        0      1h10m15s  100.0%     100.0%  54s        59m9s
	// checkout:availability  objective    1      1        0      40m57s    100.0%     100.0%  54s        29m51s
	//
	// checkout:availability at 99.9% over 30d: 1 incident, 1 significant; a budget of 43200 bad events a period at the replay's mean rate.
}

// The JSON of a replay, read back by a script: here the objective's
// policy, its detection and its reset.
func ExampleResult_WriteJSON() {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	outage := start.Add(2 * time.Hour)
	var traffic []slobacktest.Sample
	for t := start.Add(time.Minute); !t.After(start.Add(4 * time.Hour)); t = t.Add(time.Minute) {
		s := slobacktest.Sample{Time: t, Journey: "checkout", Good: 1000}
		if t.After(outage) && !t.After(outage.Add(12*time.Minute)) {
			s.Good, s.Bad = 0, 1000
		}
		traffic = append(traffic, s)
	}
	res, err := slobacktest.Run(traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.999}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	var buf bytes.Buffer
	if err := res.WriteJSON(&buf); err != nil {
		fmt.Println(err)
		return
	}
	var report struct {
		Objectives []struct {
			Journey   string
			Incidents []struct {
				Start       string
				Budget      float64
				Significant bool
			}
			Policies []struct {
				Name       string
				Pages      int
				Detections []struct {
					Detection             *string
					BudgetBeforeDetection float64
					Reset                 *string
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &report); err != nil {
		fmt.Println(err)
		return
	}
	o := report.Objectives[0]
	fmt.Println(o.Journey, o.Incidents[0].Start, o.Incidents[0].Budget, o.Incidents[0].Significant)
	for _, p := range o.Policies {
		d := p.Detections[0]
		fmt.Println(p.Name, p.Pages, *d.Detection, d.BudgetBeforeDetection, *d.Reset)
	}
	// Output:
	// checkout 2026-03-02T02:00:00Z 0.277777777778 true
	// threshold 1 3s 0.00115740740741 10m
	// burnrate-1h 1 54s 0.0208333333333 59m9s
	// objective 1 54s 0.0208333333333 29m51s
}

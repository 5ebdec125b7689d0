package slorisk_test

import (
	"fmt"
	"os"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
	"github.com/journeyslo/journeyslo/slo/slorisk"
)

// The SLOconf talk's risks, from Google CRE's template: at 99.9% the four
// together do not fit the yearly budget, though none alone exceeds it.
func ExampleAnalyze() {
	c, err := slorisk.Parse("risks.yaml", []byte(`target: 99.9%
risks:
  - {name: node pool shrinks, ettd: 30m, ettr: 2h, impact: 20%, ettf: 120d}
  - {name: bad release, ettd: 5m, ettr: 2h, impact: 50%, ettf: 180d}
  - {name: database restored, ettd: 5m, ettr: 8h30m, impact: 100%, ettf: 1460d}
  - {name: zone outage, ettd: 5m, ettr: 16h, impact: 33%, ettf: 365d}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	o, err := c.Resolve(nil) // a bare target: no config to look in
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := slorisk.Analyze(c, o)
	if err != nil {
		fmt.Println(err)
		return
	}
	a.WriteText(os.Stdout)
	// Output:
	// Risks against 99.9%: a budget of 526.0 bad minutes a year.
	//
	// risk               ettd  ettr   impact  ettf   bad min/yr  of budget  note
	// node pool shrinks  30m   2h     20%     120d   91.3        17.4%
	// bad release        5m    2h     50%     180d   126.8       24.1%
	// database restored  5m    8h30m  100%    1460d  128.8       24.5%
	// zone outage        5m    16h    33%     365d   318.7       60.6%
	// total                                          665.6       126.6%     EXCEEDS THE BUDGET
}

// A premortem: every invoice failing for 30 minutes in the middle of a
// month of steady traffic, 1000 invoices a minute, recorded minute by
// minute: 30,000 bad invoices of a budget of 30 x 1440 x 1000 x 0.001.
func ExamplePremortem_Spend() {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var traffic []slobacktest.Sample
	for m := 1; m <= 30*24*60; m++ {
		traffic = append(traffic, slobacktest.Sample{Time: start.Add(time.Duration(m) * time.Minute), Journey: "invoices", Good: 1000})
	}
	p := slorisk.Premortem{Name: "invoices fail mid-month", Journey: "invoices", At: 15 * 24 * time.Hour, Duration: 30 * time.Minute, Impact: 1}
	s, err := p.Spend(traffic, slo.Objective{Journey: "invoices", Target: 0.999}) // over 30 days
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.0f bad invoices of a budget of %.0f: %.1f%% of the month's\n", s.Bad, s.Budget, s.Share*100)
	// Output:
	// 30000 bad invoices of a budget of 43200: 69.4% of the month's
}

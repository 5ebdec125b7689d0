package slotest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slotest"
)

// Examples get no *testing.T: t stands in for the one a test passes to
// the helpers, and panics where that one would stop the test.
var t testing.TB = exampleT{}

type exampleT struct{ testing.TB }

func (exampleT) Helper()                           {}
func (exampleT) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }
func (exampleT) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// After three quiet days, a full outage of checkout at 99.9% pages after
// the Workbook's 52 seconds
// and resets five minutes after recovery, when its 5-minute window has
// forgotten the errors.
func ExampleDriver_RunUntil() {
	mock := clock.NewMock()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	mock.Set(start)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
		slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()

	d := slotest.NewDriver(t, reg, start)
	d.SetStep(time.Minute) // three quiet days, evaluated every minute
	d.Run(72*time.Hour, slotest.Traffic{Journey: "checkout", Rate: 10})
	d.SetStep(time.Second) // then every second, to time the page
	took := d.RunUntil(5*time.Minute, "checkout", "availability", burnrate.SeverityPage,
		slotest.Traffic{Journey: "checkout", Rate: 10, ErrorRatio: 1})
	fmt.Println("paged after", took)
	st := slotest.Status(t, reg, "checkout", "availability")
	fmt.Printf("by %s, %d bad events, %.1f%% of the budget spent\n", st.Rule, st.Bad, (1-st.BudgetRemaining)*100)
	took = d.RunUntil(time.Hour, "checkout", "availability", burnrate.SeverityOK,
		slotest.Traffic{Journey: "checkout", Rate: 10})
	// The reset comes when the errors leave the 5-minute window: about 5
	// minutes after recovery, give or take the window's bucket (3 s).
	fmt.Println("reset after about", took.Round(time.Minute))
	// Output:
	// paged after 52s
	// by page-1h-5m, 520 bad events, 20.1% of the budget spent
	// reset after about 5m0s
}

// A day of search traffic: 20 requests a second of which 0.05% fail, and
// one slow request (800 ms) a second on top, which only the latency
// objective counts against its 300 ms threshold.
func ExampleAssertBudget() {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	mock := clock.NewMock()
	mock.Set(start)
	reg, err := slo.New([]slo.Objective{
		{Journey: "search", Target: 0.999},
		{Journey: "search", Target: 0.95, Latency: 300 * time.Millisecond},
	}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()

	d := slotest.NewDriver(t, reg, start)
	d.SetStep(time.Minute)
	d.Run(24*time.Hour,
		slotest.Traffic{Journey: "search", Rate: 20, ErrorRatio: 0.0005},
		slotest.Traffic{Journey: "search", Rate: 1, Latency: 800 * time.Millisecond})

	// 864 bad of 1,814,400 events against an allowance of 1814.4.
	fmt.Println(slotest.AssertBudget(t, reg, "search", "availability", 0.5238, 0.0001))
	// 864 failed and 86,400 slow against an allowance of 90,720.
	fmt.Println(slotest.AssertBudget(t, reg, "search", "latency", 0.0381, 0.0001))
	// It burns the budget at 0.96 times the rate that would spend it in
	// 30 days: just under the 3-day ticket's factor of 1.
	fmt.Println(slotest.AssertState(t, reg, "search", "latency", burnrate.SeverityOK))
	fmt.Println("the mock clock is at", mock.Now().Format(time.DateTime))
	// Output:
	// true
	// true
	// true
	// the mock clock is at 2026-03-03 00:00:00
}

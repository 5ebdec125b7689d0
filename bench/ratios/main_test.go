package main

import (
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	in := `goos: linux
BenchmarkRecord/impl=journeyslo-2         	507555259	         2.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkRecord/impl=prom-counter-2       	408105238	         4.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkMiddleware/impl=bare-2   	 1000	  1000 ns/op	  900 B/op	  9 allocs/op
BenchmarkMiddleware/impl=journeyslo-2   	 1000	  1020 ns/op	  900 B/op	  9 allocs/op
BenchmarkMiddleware/impl=promhttp-2   	 1000	  1400 ns/op	  999 B/op	  12 allocs/op
BenchmarkPage/objectives=10/impl=journeyslo-2   	 1000	  500 ns/op	  100 B/op	  2 allocs/op
BenchmarkPage/objectives=10/impl=promhttp-2   	 1000	  2000 ns/op	  900 B/op	  30 allocs/op
BenchmarkEvaluate/objectives=100-2   	   21786	     50000 ns/op	       500.0 ns/objective	       0 B/op	       0 allocs/op
BenchmarkBacktest30d/impl=journeyslo-2         	       1	 30000000000 ns/op	         4.000 policies
BenchmarkBacktest30d/impl=prometheus-2         	       1	400000000000 ns/op	       200.0 alerts
BenchmarkBacktest30d/impl=prometheus-windows-2 	       1	 50000000000 ns/op	         7.000 windows
PASS
`
	var out strings.Builder
	if err := run(strings.NewReader(in), &out, refs{}, "ns/objective=5000"); err != nil {
		t.Fatal(err)
	}
	want := `
### BenchmarkRecord

| impl | time vs prom-counter | allocs/op |
| --- | --- | --- |
| journeyslo | 0.500x | 0 |
| prom-counter | 1.000x | 0 |

### BenchmarkMiddleware

| impl | time vs promhttp | overhead over bare vs promhttp's | allocs/op (bare 9) |
| --- | --- | --- | --- |
| bare | 0.714x | - | 9 |
| journeyslo | 0.729x | 0.050x | 9 |
| promhttp | 1.000x | 1.000x | 12 |

### BenchmarkPage/objectives=10

| impl | time vs promhttp | allocs/op |
| --- | --- | --- |
| journeyslo | 0.250x | 2 |
| promhttp | 1.000x | 30 |

### BenchmarkEvaluate

| case | metric | ratio to budget | allocs/op |
| --- | --- | --- | --- |
| objectives=100 | ns/objective (budget 5000) | 0.100x | 0 |

### BenchmarkBacktest30d

| impl | time vs prometheus | allocs/op |
| --- | --- | --- |
| journeyslo | 0.075x | 0 |
| prometheus | 1.000x | 0 |
| prometheus-windows | 0.125x | 0 |
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	if err := run(strings.NewReader("no benchmarks here\n"), &out, refs{}, ""); err == nil {
		t.Error("run with no benchmark lines succeeded")
	}
}

// A benchmark with several budgeted metrics lists them in the order of
// their units, whatever order the line gives them in.
func TestRunBudgetsInUnitOrder(t *testing.T) {
	in := "BenchmarkAdvance/impl=journeyslo/objectives=5000-2   	 50	 30000000 ns/op	 30.00 ms/advance	 6000 ns/objective	 0 B/op	 0 allocs/op\n" +
		"BenchmarkObjectiveHeap/impl=journeyslo/objectives=5000-2   	 1	 9000000000 ns/op	 32000 B/objective\n"
	var out strings.Builder
	if err := run(strings.NewReader(in), &out, refs{}, "ns/objective=5000,ms/advance=300,B/objective=32768"); err != nil {
		t.Fatal(err)
	}
	want := `
### BenchmarkAdvance

| case | metric | ratio to budget | allocs/op |
| --- | --- | --- | --- |
| journeyslo/objectives=5000 | ms/advance (budget 300) | 0.100x | 0 |
| journeyslo/objectives=5000 | ns/objective (budget 5000) | 1.200x | 0 |

### BenchmarkObjectiveHeap

| case | metric | ratio to budget | allocs/op |
| --- | --- | --- | --- |
| journeyslo/objectives=5000 | B/objective (budget 32768) | 0.977x | 0 |
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

package window_test

import (
	"fmt"
	"time"

	"github.com/journeyslo/journeyslo/window"
)

func Example() {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	windows := []time.Duration{5 * time.Minute, time.Hour}
	g, err := window.NewGroup(window.Tick(windows...), start)
	if err != nil {
		panic(err)
	}
	s, err := g.NewSeries(windows...)
	if err != nil {
		panic(err)
	}

	s.Add(990, 10) // at 12:00, in the 1h window's bucket [12:00, 12:00:15)
	g.Advance(start.Add(10 * time.Minute))
	s.Add(200, 0) // at 12:10

	good, bad := s.Sum(5 * time.Minute)
	fmt.Printf("at 12:10, last 5m: %v good, %v bad\n", good, bad)
	good, bad = s.Sum(time.Hour)
	fmt.Printf("at 12:10, last 1h: %v good, %v bad\n", good, bad)

	// At 13:00:06 the hour [12:00:06, 13:00:06) holds 9 s of the 15 s
	// bucket of 12:00: its events count by that share, 3/5.
	g.Advance(start.Add(time.Hour + 6*time.Second))
	good, bad = s.Sum(time.Hour)
	fmt.Printf("at 13:00:06, last 1h: %v good, %v bad\n", good, bad)
	fmt.Println("step:", g.Tick(), "ring memory:", window.Bytes(windows...), "bytes")
	// Output:
	// at 12:10, last 5m: 200 good, 0 bad
	// at 12:10, last 1h: 1190 good, 10 bad
	// at 13:00:06, last 1h: 794 good, 6 bad
	// step: 3s ring memory: 5472 bytes
}

// Buckets shows how a window of exact length is made: at 13:00:06 the hour
// [12:00:06, 13:00:06) touches 241 buckets of 15 s, the oldest, of 12:00,
// for 9 of its 15 seconds.
func ExampleSeries_Buckets() {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	g, err := window.NewGroup(3*time.Second, start)
	if err != nil {
		panic(err)
	}
	s, err := g.NewSeries(time.Hour)
	if err != nil {
		panic(err)
	}
	s.Add(990, 10) // at 12:00
	g.Advance(start.Add(time.Hour + 6*time.Second))
	s.Add(5, 0) // at 13:00:06, in the current bucket

	width, first, share, counts := s.Buckets(time.Hour)
	fmt.Println(len(counts), "buckets of", width, "from", first.Format("15:04:05"))
	fmt.Println("oldest:", counts[0], "counted by", share)
	fmt.Println("newest:", counts[len(counts)-1])
	good, bad := s.Sum(time.Hour)
	fmt.Println("sum:", good, bad)
	// Output:
	// 241 buckets of 15s from 12:00:00
	// oldest: {990 10} counted by 0.6
	// newest: {5 0}
	// sum: 599 6
}

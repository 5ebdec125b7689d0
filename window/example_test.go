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

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

	s.Add(990, 10) // at 12:00
	g.Advance(start.Add(10 * time.Minute))
	s.Add(200, 0) // at 12:10

	good, bad := s.Sum(5 * time.Minute)
	fmt.Printf("last 5m: %d good, %d bad\n", good, bad)
	good, bad = s.Sum(time.Hour)
	fmt.Printf("last 1h: %d good, %d bad\n", good, bad)
	fmt.Println("step:", g.Tick(), "ring memory:", window.Bytes(windows...), "bytes")
	// Output:
	// last 5m: 200 good, 0 bad
	// last 1h: 1190 good, 10 bad
	// step: 3s ring memory: 5440 bytes
}

package slobacktest_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

func ExampleReadCSV() {
	traffic := `time,journey,good,bad
2026-03-01T00:01:00Z,checkout,998,2
2026-03-01T00:02:00Z,checkout,990,10
2026-03-01T00:01:30Z,search,5120,0
`
	samples, err := slobacktest.ReadCSV(strings.NewReader(traffic))
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range samples {
		fmt.Println(s.Time.Format("15:04:05"), s.Journey, s.Good, s.Bad)
	}

	// An error names the line, the column and the field, and says what
	// would be right.
	_, err = slobacktest.ReadCSV(strings.NewReader("time,journey,good,bad\n2026-03-01T00:01:00Z,checkout,998,-2\n"))
	fmt.Println(err)
	// Output:
	// 00:01:00 checkout 998 2
	// 00:01:30 search 5120 0
	// 00:02:00 checkout 990 10
	// line 2, column 35: bad: "-2" is negative; counts are whole numbers of events, 0 or more
}

func ExampleReadJSONL() {
	traffic := `{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":998,"bad":2}
{"time":"2026-03-01T00:02:00Z","journey":"checkout","good":990,"bad":10}
`
	samples, err := slobacktest.ReadJSONL(strings.NewReader(traffic))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(samples), samples[1].Bad)
	// Output:
	// 2 10
}

func ExampleWriteCSV() {
	samples := []slobacktest.Sample{
		{Time: time.Date(2026, 3, 1, 0, 1, 0, 0, time.UTC), Journey: "checkout", Good: 998, Bad: 2},
	}
	if err := slobacktest.WriteCSV(os.Stdout, samples); err != nil {
		log.Fatal(err)
	}
	// Output:
	// time,journey,good,bad
	// 2026-03-01T00:01:00Z,checkout,998,2
}

// A steady 1000 events a minute with 0.2% errors, and a 10-minute outage
// that starts 30 s into a minute: that minute splits pro rata.
func ExampleScenario_Samples() {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := slobacktest.Scenario{
		Journey:    "checkout",
		Start:      start,
		Length:     time.Hour,
		Rate:       1000.0 / 60, // events a second
		ErrorRatio: 0.002,
		Incidents: []slobacktest.Incident{
			{Start: start.Add(20*time.Minute + 30*time.Second), Duration: 10 * time.Minute, ErrorRatio: 1},
		},
	}
	samples, err := s.Samples()
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range samples[19:23] {
		fmt.Println(s.Time.Format("15:04"), s.Good, s.Bad)
	}
	fmt.Println(s.Injected()[0].Journey, s.Injected()[0].End().Format("15:04:05"))
	// Output:
	// 00:20 998 2
	// 00:21 499 501
	// 00:22 0 1000
	// 00:23 0 1000
	// checkout 00:30:30
}

// A month of checkout's traffic from the counters Prometheus already has.
// (The example needs a server, so it is compiled but not run.)
func ExamplePrometheusQuery() {
	q := slobacktest.PrometheusQuery{
		Journey: "checkout",
		Good:    `sum(increase(http_requests_total{job="shop",handler="/checkout",code!~"5.."}[1m]))`,
		All:     `sum(increase(http_requests_total{job="shop",handler="/checkout"}[1m]))`,
		Start:   time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		End:     time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Step:    time.Minute,
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	samples, err := q.Samples(ctx, "http://127.0.0.1:9090", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(samples), "minutes")
}

// A scenario as a file writes it, and a mistake in one, with its place.
func ExampleParseScenario() {
	file := `journey: checkout
start: 2026-03-01T00:00:00Z
length: 2h
rate: 1000/m
errorRatio: 0.1%
incidents:
  - {start: 2026-03-01T01:00:00Z, duration: 10m, errorRatio: 100%}
`
	s, err := slobacktest.ParseScenario("checkout.yaml", []byte(file))
	if err != nil {
		log.Fatal(err)
	}
	samples, err := s.Samples()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(samples), "samples;", samples[60].Time.Format("15:04"), samples[60].Good, samples[60].Bad)

	_, err = slobacktest.ParseScenario("checkout.yaml", []byte("journey: checkout\nstart: 2026-03-01T00:00:00Z\nlength: 2h\nrate: 1000/d\n"))
	fmt.Println(err)
	// Output:
	// 120 samples; 01:01 0 1000
	// checkout.yaml:4:7: rate: "1000/d" has the unit "d"; write events a second (/s), a minute (/m) or an hour (/h), such as 1000/m
}

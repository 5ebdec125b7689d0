package slofleet_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slofleet"
)

// The fleet's Status of the objectives whose rules Prometheus evaluates,
// judged as a replica's would be. (The example needs a server, so it is
// compiled but not run.)
func Example() {
	objectives := []slo.Objective{{Journey: "checkout", Target: 0.999}}
	fleet, err := slofleet.New(objectives, "http://prometheus.monitoring:9090",
		slofleet.WithTimeout(5*time.Second),
		slofleet.WithLabels(map[string]string{"team": "shop"}), // as given to slorules.WithLabels
	)
	if err != nil {
		log.Fatal(err)
	}
	statuses, err := fleet.Status(context.Background())
	if err != nil {
		log.Fatal(err) // ErrUnavailable, ErrMissing or ErrMismatch, saying what to check
	}
	for _, st := range statuses {
		fmt.Printf("%s: %v, budget left %.1f%%\n", slo.ObjectiveKey(st.Journey, st.Objective), st.State, st.BudgetRemaining*100)
	}
}

// New checks the objectives, the address and the options before anything
// is sent, and reports every problem at once.
func ExampleNew() {
	_, err := slofleet.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, "prometheus:9090",
		slofleet.WithLabels(map[string]string{"journey": "checkout"}),
		slofleet.WithTimeout(-time.Second),
	)
	fmt.Println(errors.Is(err, slo.ErrInvalid))
	fmt.Println(err)
	// Output:
	// true
	// slofleet: New: address "prometheus:9090" is not an absolute http or https URL; give the base URL of the Prometheus API, such as http://prometheus:9090
	// slofleet: WithLabels: "journey" is a label the generated rules set themselves; choose another name, such as team or cluster
	// slofleet: WithTimeout(-1s): use a positive duration, such as 5*time.Second; without the option it is 10s
}

// Fifty callers at once, as fifty pipelines polling a release gate: one
// query reaches Prometheus, and its answer serves them all for the poll
// interval. Here a stand-in for Prometheus answers with the series the
// rules of slorules record for checkout: 99,950 good and 20 bad events
// over its 30 days.
func ExampleClient_Status() {
	var queries atomic.Int32
	prometheus := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		queries.Add(1)
		io.WriteString(w, `{"status":"success","data":{"resultType":"vector","result":[
{"metric":{"__name__":"journey_objective:journeyslo_objective:info","journey":"checkout","objective":"availability","target":"0.999","period":"30d","min_events":"1000"},"value":[1772323200,"1"]},
{"metric":{"__name__":"journey_objective_outcome:journeyslo_sli_events:increase30d","journey":"checkout","objective":"availability","outcome":"good"},"value":[1772323200,"99950"]},
{"metric":{"__name__":"journey_objective_outcome:journeyslo_sli_events:increase30d","journey":"checkout","objective":"availability","outcome":"bad"},"value":[1772323200,"20"]}]}}`)
	}))
	defer prometheus.Close()
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	fleet, err := slofleet.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, prometheus.URL,
		slofleet.WithClock(mock), slofleet.WithPollInterval(15*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	ask := func() {
		var wg sync.WaitGroup
		var left sync.Map
		for i := range 50 {
			wg.Go(func() {
				sts, err := fleet.Status(context.Background())
				if err != nil {
					log.Fatal(err)
				}
				left.Store(i, fmt.Sprintf("%v, budget left %.1f%%", sts[0].State, sts[0].BudgetRemaining*100))
			})
		}
		wg.Wait()
		answer, _ := left.Load(0)
		fmt.Printf("%s; queries so far: %d\n", answer, queries.Load())
	}
	ask()
	mock.Add(15 * time.Second) // the poll interval has passed
	ask()
	// Output:
	// ok, budget left 80.0%; queries so far: 1
	// ok, budget left 80.0%; queries so far: 2
}

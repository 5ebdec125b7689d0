package slofleet_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slofleet"
)

// The fleet's Status of the objectives whose rules Prometheus evaluates,
// judged as a replica's would be.
func Example() {
	objectives := []slo.Objective{{Journey: "checkout", Target: 0.999}}
	fleet, err := slofleet.New(objectives, slofleet.Config{
		Address: "http://prometheus.monitoring:9090",
		Timeout: 5 * time.Second,
		Labels:  map[string]string{"team": "shop"}, // as given to slorules.WithLabels
	})
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

// New checks the objectives and the Config before anything is sent.
func ExampleNew() {
	_, err := slofleet.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slofleet.Config{
		Address: "prometheus:9090",
		Labels:  map[string]string{"journey": "checkout"},
	})
	fmt.Println(errors.Is(err, slofleet.ErrInvalid))
	fmt.Println(err)
	// Output:
	// true
	// slofleet: invalid: Config.Address "prometheus:9090" is not an absolute http or https URL; give the base URL of the Prometheus API, such as http://prometheus:9090
	// slofleet: invalid: Config.Labels: "journey" is a label the rules set themselves; give only the labels of slorules.WithLabels, such as team
}

package slostatus_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slofleet"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// paymentOutage returns a registry that saw an hour of steady checkout
// traffic (1000 requests a minute, after 50 million good ones the day
// before), a five-minute full outage, and five good minutes since.
func paymentOutage() (*slo.Registry, *clock.Mock) {
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC))
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
		slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	checkout, _ := reg.Journey("checkout") // declared above
	checkout.Add(50_000_000, 0)
	mock.Add(12 * time.Hour)
	reg.Advance(mock.Now())
	step := func(d time.Duration, good, bad uint64) {
		for range int(d / reg.Tick()) {
			checkout.Add(good, bad)
			mock.Add(reg.Tick())
			reg.Advance(mock.Now())
		}
	}
	step(time.Hour, 50, 0) // 50 every 3 seconds
	step(5*time.Minute, 0, 50)
	step(5*time.Minute, 50, 0)
	return reg, mock
}

// A deploy pipeline polls the gate before it rolls out, and waits while it
// answers 503, for as long as Retry-After says: until the page clears if
// the traffic goes on as now. Naming a journey the registry does not
// declare is an error at setup.
func ExampleReleaseGate() {
	reg, _ := paymentOutage()
	defer reg.Close()

	if _, err := slostatus.ReleaseGate(reg, slostatus.WithObjectives("chekout")); err != nil {
		fmt.Println(err)
	}
	gate, err := slostatus.ReleaseGate(reg, slostatus.WithObjectives("checkout"))
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/slo/release-gate", gate)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, body := get(srv, "/slo/release-gate")
	var doc struct{ Status, Output, ReopensAt string }
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		panic(err)
	}
	fmt.Printf("%s, %s, Retry-After: %s, reopensAt: %q\n", resp.Status, doc.Status, resp.Header.Get("Retry-After"), doc.ReopensAt)
	fmt.Println(doc.Output)
	// Output:
	// slostatus: ReleaseGate: journey "chekout" is not declared; declared journeys: checkout
	// 503 Service Unavailable, fail, Retry-After: 1491, reopensAt: "2026-03-02T09:34:51Z"
	// release freeze: checkout:availability: page: page-6h-30m fires, burning 71.4x over 6h and 167x over 30m, at or above 6x; young data: 13h10m of 30d, too little of the period for a claim on the budget (a claim needs 3d); reopens at 09:34:51Z (in 24m51s), when checkout:availability's page-6h-30m clears, its 30m window no longer holding the burn, if its traffic goes on at 16.7 req/s with 0% errors
}

// The emergency fix a freeze must let through: an override from code,
// for a while and a reason, which every answer shows until it ends. No
// request can set one.
func ExampleGate_Override() {
	reg, mock := paymentOutage()
	defer reg.Close()
	gate, err := slostatus.ReleaseGate(reg, slostatus.WithObjectives("checkout"))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(gate)
	defer srv.Close()

	err = gate.Override(mock.Now().Add(48*time.Hour), "hotfix INC-42")
	fmt.Println(err)
	if err := gate.Override(mock.Now().Add(15*time.Minute), "hotfix INC-42 for the payment outage, approved by Ana"); err != nil {
		panic(err)
	}
	resp, body := get(srv, "/")
	var doc struct{ Status, Output string }
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		panic(err)
	}
	fmt.Println(resp.Status, doc.Status)
	fmt.Println(doc.Output)
	// Output:
	// slostatus: Override: until 2026-03-04T09:10:00Z is 48h0m0s from now, more than MaxOverride (24h0m0s); an override lets a fix through, it does not end a freeze
	// 200 OK warn
	// override until 2026-03-02T09:25:00Z: hotfix INC-42 for the payment outage, approved by Ana; without it: release freeze: checkout:availability: page: page-6h-30m fires, burning 71.4x over 6h and 167x over 30m, at or above 6x; young data: 13h10m of 30d, too little of the period for a claim on the budget (a claim needs 3d); reopens at 09:34:51Z (in 24m51s), when checkout:availability's page-6h-30m clears, its 30m window no longer holding the burn, if its traffic goes on at 16.7 req/s with 0% errors
}

// A gate over the whole fleet, read from Prometheus by slofleet; here
// Prometheus is down, and the gate fails closed, saying so.
func ExampleFleetGate() {
	objectives := []slo.Objective{{Journey: "checkout", Target: 0.999}}
	fleet, err := slofleet.New(objectives, "http://127.0.0.1:1", // nothing listens on port 1
		slofleet.WithTimeout(2*time.Second))
	if err != nil {
		panic(err)
	}
	gate, err := slostatus.FleetGate(fleet, slostatus.WithObjectives("checkout"))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(gate)
	defer srv.Close()

	resp, body := get(srv, "/")
	var doc struct{ Status, Output string }
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		panic(err)
	}
	fmt.Printf("%s, %s, Retry-After: %s\n", resp.Status, doc.Status, resp.Header.Get("Retry-After"))
	reason, _, _ := strings.Cut(doc.Output, ": Post ")
	fmt.Println(reason)
	fmt.Println(strings.HasSuffix(doc.Output, "; a gate that cannot judge stays shut; ask again in 5m (Retry-After)"))
	// Output:
	// 503 Service Unavailable, fail, Retry-After: 300
	// release freeze: the fleet cannot be judged: slofleet: Prometheus did not answer: could not reach Prometheus at http://127.0.0.1:1
	// true
}

package sloprom_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloprom"
)

// Register the collector and serve /metrics; here, 1% of checkouts failed
// in the last second, a burn rate of 10 at 99.9%, which pages.
func ExampleNewCollector() {
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
		slo.WithClock(mock), slo.WithManualAdvance()) // a real service uses neither
	if err != nil {
		panic(err)
	}
	defer reg.Close()

	registry := prometheus.NewRegistry() // or prometheus.DefaultRegisterer
	registry.MustRegister(sloprom.NewCollector(reg))
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))

	checkout, _ := reg.Journey("checkout") // declared above
	checkout.Add(9900, 100)
	reg.Advance(mock.Now().Add(time.Second))

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		for _, name := range []string{"journeyslo_sli_events_total", "journeyslo_instance_state", `journeyslo_instance_burn_rate{journey="checkout",objective="availability",window="1h"}`} {
			if strings.HasPrefix(line, name) {
				fmt.Println(line)
			}
		}
	}
	// Output:
	// journeyslo_instance_burn_rate{journey="checkout",objective="availability",window="1h"} 10
	// journeyslo_instance_state{journey="checkout",objective="availability",state="ok"} 0
	// journeyslo_instance_state{journey="checkout",objective="availability",state="page"} 1
	// journeyslo_instance_state{journey="checkout",objective="availability",state="ticket"} 0
	// journeyslo_sli_events_total{journey="checkout",objective="availability",outcome="bad"} 100
	// journeyslo_sli_events_total{journey="checkout",objective="availability",outcome="good"} 9900
}

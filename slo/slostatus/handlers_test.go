package slostatus_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// Counts whose sum passes 2^64 (2^63 good and 2^63 bad, in two of the
// burn-down's 6-hour buckets) are counted in float64 on the page too, not
// wrapped to a few events.
func TestPageCountsAtTheEdgeOfUint64(t *testing.T) {
	f := fixture.Aged(t, slo.Objective{Journey: "checkout", Target: 0.999})
	f.Add("checkout", 1<<63, 0)
	f.Advance(6 * time.Hour)
	f.Add("checkout", 0, 1<<63)
	f.Advance(3 * time.Second)
	srv := serve(t, slostatus.StatusPage(f.Reg))
	_, body := fetch(t, srv, http.MethodGet, "/")
	for _, want := range []string{
		"9223372036854775808 bad events of 18446744073709552 allowed",
		`<span class="value">-49900.0%</span>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the status page does not say %q", want)
		}
	}
}

// The health check keys its checks by slo.ObjectiveKey, and the release
// gate takes the same keys.
func TestObjectiveKeyInHandlers(t *testing.T) {
	f := fixture.Aged(t, slo.Objective{Journey: "checkout", Target: 0.99, Latency: time.Second})
	if _, err := slostatus.ReleaseGate(f.Reg, slostatus.WithObjectives(slo.ObjectiveKey("checkout", "latency"))); err != nil {
		t.Errorf("ReleaseGate(ObjectiveKey(...)) = %v", err)
	}
	_, body := fetch(t, serve(t, slostatus.Health(f.Reg)), http.MethodGet, "/")
	if !strings.Contains(body, `"checkout:latency": [`) {
		t.Errorf("health checks are not keyed checkout:latency:\n%s", body)
	}
}

package sloprom_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/journeyslo/journeyslo/internal/situation"
	"github.com/journeyslo/journeyslo/slo/sloprom"
)

// The events of a planned exclusion are exported by a counter of their
// own; the good and bad counters, which the fleet's rules read, never
// see them.
func TestCollectorExcludedEvents(t *testing.T) {
	reg := situation.Maintenance(t)

	r := prometheus.NewRegistry()
	r.MustRegister(sloprom.NewCollector(reg))
	want := `
# HELP journeyslo_sli_events_total Events each objective judged since the process started, by outcome (good or bad). Fleet-wide SLIs and burn rates sum these across instances, then divide.
# TYPE journeyslo_sli_events_total counter
journeyslo_sli_events_total{journey="checkout",objective="availability",outcome="bad"} 3
journeyslo_sli_events_total{journey="checkout",objective="availability",outcome="good"} 30
journeyslo_sli_events_total{journey="search",objective="availability",outcome="bad"} 4
journeyslo_sli_events_total{journey="search",objective="availability",outcome="good"} 40
# HELP journeyslo_sli_excluded_events_total Events of the objective's journey that a planned exclusion kept out of the objective since the process started: counted neither good nor bad, and read by no rule.
# TYPE journeyslo_sli_excluded_events_total counter
journeyslo_sli_excluded_events_total{journey="checkout",objective="availability"} 0
journeyslo_sli_excluded_events_total{journey="search",objective="availability"} 22
`
	if err := testutil.GatherAndCompare(r, strings.NewReader(want), "journeyslo_sli_events_total", "journeyslo_sli_excluded_events_total"); err != nil {
		t.Error(err)
	}
}

package slootel_test

import (
	"testing"

	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/journeyslo/journeyslo/internal/situation"
	"github.com/journeyslo/journeyslo/slo/slootel"
)

// The events of a planned exclusion are an instrument of their own; the
// good and bad counts never see them.
func TestRegisterExcludedEvents(t *testing.T) {
	reg := situation.Maintenance(t)

	mp, reader := provider(t)
	r, err := slootel.Register(reg, mp)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Unregister()
	got := collect(t, reader)
	metricdatatest.AssertEqual(t, counter("journeyslo.sli.excluded_events",
		"Events of the objective's journey that a planned exclusion kept out of the objective since the process started: counted neither good nor bad, and read by no rule.",
		point[int64](0, "journey", "checkout", "objective", "availability"),
		point[int64](22, "journey", "search", "objective", "availability")),
		got["journeyslo.sli.excluded_events"], metricdatatest.IgnoreTimestamp())
	metricdatatest.AssertEqual(t, counter("journeyslo.sli.events",
		"Events each objective judged since the process started, by outcome (good or bad). Fleet-wide SLIs and burn rates sum these across instances, then divide.",
		point[int64](30, "journey", "checkout", "objective", "availability", "outcome", "good"),
		point[int64](3, "journey", "checkout", "objective", "availability", "outcome", "bad"),
		point[int64](40, "journey", "search", "objective", "availability", "outcome", "good"),
		point[int64](4, "journey", "search", "objective", "availability", "outcome", "bad")),
		got["journeyslo.sli.events"], metricdatatest.IgnoreTimestamp())
}

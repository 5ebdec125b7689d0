package slootel_test

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/benbjohnson/clock"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slootel"
)

// Register the instruments on the application's meter provider; its
// readers collect them with everything else. Here a manual reader shows
// what they report after 1% of checkouts failed at 99.9%: a burn rate of
// 10, which pages, and nine budgets' worth overspent, since these are all
// the events the period holds. The registry ran three quiet days first:
// data over less than a tenth of the period makes no budget claim, and
// reports no budget.
func ExampleRegister() {
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 2, 27, 9, 0, 0, 0, time.UTC))
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
		slo.WithClock(mock), slo.WithManualAdvance()) // a real service uses neither
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	mock.Add(72 * time.Hour)
	reg.Advance(mock.Now())

	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer provider.Shutdown(context.Background())
	registration, err := slootel.Register(reg, provider)
	if err != nil {
		panic(err)
	}
	defer registration.Unregister()

	checkout, _ := reg.Journey("checkout") // declared above
	checkout.Add(9900, 100)
	mock.Add(time.Second)
	reg.Advance(mock.Now())

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		panic(err)
	}
	var lines []string
	for _, m := range rm.ScopeMetrics[0].Metrics {
		switch d := m.Data.(type) {
		case metricdata.Sum[int64]:
			for _, p := range d.DataPoints {
				if v, ok := p.Attributes.Value("outcome"); ok && m.Name == "journeyslo.sli.events" {
					lines = append(lines, fmt.Sprintf("%s %s %s: %d", m.Name, m.Unit, v.AsString(), p.Value))
				}
			}
		case metricdata.Gauge[int64]:
			for _, p := range d.DataPoints {
				if v, _ := p.Attributes.Value("state"); p.Value == 1 {
					lines = append(lines, fmt.Sprintf("%s: %s", m.Name, v.AsString()))
				}
			}
		case metricdata.Gauge[float64]:
			for _, p := range d.DataPoints {
				switch w, _ := p.Attributes.Value("window"); {
				case m.Name == "journeyslo.instance.budget.remaining":
					lines = append(lines, fmt.Sprintf("%s: %v", m.Name, p.Value))
				case w.AsString() == "1h":
					lines = append(lines, fmt.Sprintf("%s over 1h: %v", m.Name, p.Value))
				}
			}
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	// Output:
	// journeyslo.instance.budget.remaining: -9
	// journeyslo.instance.burn_rate over 1h: 10
	// journeyslo.instance.state: page
	// journeyslo.sli.events {event} bad: 100
	// journeyslo.sli.events {event} good: 9900
}

package openslo

import (
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// A calendar month in a zone imports as slo.Objective.Calendar, passes the
// specification's checks once exported, and exports back to the same file.
func TestCalendarRoundTrip(t *testing.T) {
	for _, c := range []struct {
		unit slo.CalendarUnit
		text string
	}{{slo.CalendarWeek, "1w"}, {slo.CalendarMonth, "1M"}, {slo.CalendarQuarter, "1Q"}} {
		cal, err := slo.ParseCalendar(c.unit, "2022-01-01 00:00:00", "Europe/Paris")
		if err != nil {
			t.Fatal(err)
		}
		cfg := &sloconfig.Config{Service: "shop", Journeys: []sloconfig.Journey{{Name: "checkout",
			Objectives: []sloconfig.Objective{{Target: 0.999, Calendar: &cal}}}}}
		out := roundTrip(t, cfg, nil)
		want := "timeWindow:\n    - duration: " + c.text + "\n      isRolling: false\n      calendar:\n        startTime: \"2022-01-01 00:00:00\"\n        timeZone: Europe/Paris\n"
		if !strings.Contains(string(out), want) {
			t.Errorf("%v: export lacks\n%s\nin\n%s", c.unit, want, out)
		}
		imp, err := Import(File{Name: "exported.yaml", Data: out})
		if err != nil {
			t.Fatal(err)
		}
		again, err := Export(imp.Config, imp.Indicators)
		if err != nil || string(again) != string(out) {
			t.Errorf("%v: export of the import differs (%v):\n%s\n---\n%s", c.unit, err, out, again)
		}
		o := imp.Config.Objectives()[0]
		if o.Calendar == nil || o.Calendar.Unit != c.unit || !o.Calendar.Start.Equal(time.Date(2021, 12, 31, 23, 0, 0, 0, time.UTC)) || o.Calendar.Zone() != "Europe/Paris" {
			t.Errorf("%v: imported calendar %v", c.unit, o.Calendar)
		}
		if _, err := slo.New([]slo.Objective{o}); err != nil {
			t.Errorf("%v: slo.New: %v", c.unit, err)
		}
	}
}

func TestCalendarImportRefuses(t *testing.T) {
	const doc = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout
spec:
  service: shop
  indicator:
    metadata: {name: checkout}
    spec:
      ratioMetric:
        counter: true
        bad: {metricSource: {type: Prometheus, spec: {query: 'sum(errors)'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'sum(requests)'}}}
  timeWindow:
    - {duration: WINDOW}
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
`
	for _, c := range []struct{ window, want string }{
		{`2M, isRolling: false, calendar: {startTime: "2022-01-01 00:00:00", timeZone: Europe/Paris}`, `"2M" is not a calendar period journeyslo keeps; write 1w, 1M or 1Q`},
		{`1M, isRolling: true, calendar: {startTime: "2022-01-01 00:00:00", timeZone: Europe/Paris}`, `isRolling: is true beside a calendar`},
		{`1M, isRolling: false, calendar: {startTime: "2022-01-01 00:00:00", timeZone: Mars/Olympus}`, `spec.timeWindow[0].calendar: time zone "Mars/Olympus" is unknown`},
		{`1M, isRolling: false, calendar: {timeZone: UTC}`, `spec.timeWindow[0].calendar.startTime: is missing`},
		{`1M, isRolling: false`, `isRolling: is not true, and there is no calendar`},
	} {
		_, err := Import(File{Name: "c.yaml", Data: []byte(strings.Replace(doc, "WINDOW", c.window, 1))})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want %q", c.window, err, c.want)
		}
	}
}

func TestExportRefusesComposite(t *testing.T) {
	cfg := &sloconfig.Config{Service: "shop", Journeys: []sloconfig.Journey{
		{Name: "checkout", Objectives: []sloconfig.Objective{{Target: 0.999}}},
		{Name: "shop", Objectives: []sloconfig.Objective{{Target: 0.99, Composite: &slo.Composite{Components: []slo.Component{{Journey: "checkout"}}}}}},
	}}
	_, err := Export(cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "composite: a composite objective cannot be written in OpenSLO v1") {
		t.Errorf("Export of a composite: %v", err)
	}
}

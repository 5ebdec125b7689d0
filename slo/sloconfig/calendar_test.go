package sloconfig_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

func TestCalendarConfig(t *testing.T) {
	src := `service: shop
journeys:
  - name: checkout
    objectives:
      - target: 99.9%
        calendar: {unit: month, start: "2026-01-31 00:00:00", timeZone: Europe/Paris}
`
	c, err := sloconfig.Parse("shop.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	objs := c.Objectives()
	cal := objs[0].Calendar
	if cal == nil || cal.Unit != slo.CalendarMonth || cal.Zone() != "Europe/Paris" || !cal.Start.Equal(time.Date(2026, 1, 30, 23, 0, 0, 0, time.UTC)) {
		t.Fatalf("calendar %v", cal)
	}
	reg, err := slo.New(objs)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if got := reg.Objectives()[0].Period; got != slo.DefaultPeriod {
		t.Errorf("Period %v, want the month's nominal 30d", got)
	}
	out, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "calendar:\n          unit: month\n          start: \"2026-01-31 00:00:00\"\n          timeZone: Europe/Paris\n") {
		t.Errorf("Marshal wrote\n%s", out)
	}
	back, err := sloconfig.Parse("back.yaml", out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(objs, back.Objectives()); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
	// FromObjectives keeps it too.
	if diff := cmp.Diff(objs, sloconfig.FromObjectives("shop", objs, nil, nil).Objectives()); diff != "" {
		t.Errorf("FromObjectives (-want +got):\n%s", diff)
	}
}

func TestCalendarConfigErrors(t *testing.T) {
	src := `service: shop
journeys:
  - name: checkout
    objectives:
      - target: 99.9%
        calendar: {unit: month, start: "2026-01-01 00:00:00", timeZone: Europe/Parsi}
      - name: b
        target: 99.9%
        calendar: {unit: fortnight, start: "2026-01-01 00:00:00", timeZone: UTC}
      - name: c
        target: 99.9%
        calendar: {unit: week, start: "Monday", timeZone: UTC}
      - name: d
        target: 99.9%
        calendar: {unit: week}
`
	_, err := sloconfig.Parse("shop.yaml", []byte(src))
	if !errors.Is(err, slo.ErrInvalid) {
		t.Fatalf("Parse = %v, want ErrInvalid", err)
	}
	for _, want := range []string{
		`shop.yaml:6:19: slo: invalid: calendar: time zone "Europe/Parsi" is unknown`,
		`shop.yaml:9:26: calendar unit "fortnight" is none; write week, month or quarter`,
		`shop.yaml:12:19: slo: invalid: calendar: start time "Monday" is not a wall-clock time; write it as "2006-01-02 15:04:05"`,
		`shop.yaml:15:19: journeys[0].objectives[3].calendar: field "start" is missing`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

package sloconfig_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

const exclusionsFile = `service: shop
journeys:
  - name: checkout
    objectives: [{target: 99.9%}]
  - name: search
    objectives: [{target: 99%}]
exclusions:
  - reason: weekly database vacuum
    start: 2026-03-22T03:00:00 Europe/Paris
    duration: 1h
    rule: FREQ=WEEKLY;BYDAY=SU;COUNT=10
  - reason: payment provider migration
    start: 2026-04-01T10:00:00Z
    duration: 30m
    journeys: [checkout]
`

func TestParseExclusions(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	c, err := sloconfig.Parse("shop.yaml", []byte(exclusionsFile))
	if err != nil {
		t.Fatal(err)
	}
	want := []slo.Exclusion{
		{Reason: "weekly database vacuum", Start: time.Date(2026, 3, 22, 3, 0, 0, 0, paris), Duration: time.Hour, Rule: "FREQ=WEEKLY;BYDAY=SU;COUNT=10"},
		{Reason: "payment provider migration", Start: time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC), Duration: 30 * time.Minute, Journeys: []string{"checkout"}},
	}
	if diff := cmp.Diff(want, c.Exclusions); diff != "" {
		t.Errorf("exclusions (-want +got):\n%s", diff)
	}
	if c.Exclusions[0].Start.Location().String() != "Europe/Paris" {
		t.Errorf("start zone %s, want Europe/Paris: a recurrence follows its zone", c.Exclusions[0].Start.Location())
	}
	// The registry takes them as they are.
	if _, err := slo.New(c.Objectives(), slo.WithManualAdvance(), slo.WithExclusions(c.Exclusions...)); err != nil {
		t.Errorf("slo.New refuses the config's exclusions: %v", err)
	}
	// Marshal writes them back to an equal config.
	b, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := sloconfig.Parse("back.yaml", b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if diff := cmp.Diff(c.Exclusions, back.Exclusions); diff != "" {
		t.Errorf("exclusions after Marshal (-want +got):\n%s\n%s", diff, b)
	}
}

func TestParseExclusionProblems(t *testing.T) {
	const file = `service: shop
journeys:
  - name: checkout
    objectives: [{target: 99.9%}]
exclusions:
  - reason: vacuum
    start: 2026-03-22T03:00:00 Mars/Olympus
    duration: 1h
  - reason: ""
    start: 2026-03-22T03:00:00 Europe/Paris
    duration: 1h
    journeys: [checkout, cart]
  - reason: upgrade
    start: 2026-03-22T03:00:00 Europe/Paris
    duration: 1h
    rule: FREQ=YEARLY
  - reason: upgrade
    duration: 1h
  - reason: upgrade
    start: 2026-03-22T02:00:00Z
    duration: 0s
`
	_, err := sloconfig.Parse("f.yaml", []byte(file))
	want := []string{
		`f.yaml:7:12: exclusions[0].start: "2026-03-22T03:00:00 Mars/Olympus" names no IANA zone; write one such as 2026-03-22T03:00:00 Europe/Paris`,
		`f.yaml:9:5: exclusions[1] (""): slo: invalid: exclusion has no Reason; say why, such as "database upgrade"`,
		`f.yaml:12:26: exclusions[1].journeys[1]: journey "cart" is not declared; name one of the file's journeys, or none for every journey`,
		`f.yaml:13:5: exclusions[2] ("upgrade"): slo: invalid: exclusion Rule: rrule: invalid: FREQ=YEARLY: use DAILY, WEEKLY or MONTHLY`,
		`f.yaml:17:5: exclusions[3]: field "start" is missing; an exclusion needs it`,
		`f.yaml:19:5: exclusions[4] ("upgrade"): slo: invalid: exclusion Duration 0s: use more than 0 and at most 8784h0m0s, such as 2h`,
	}
	if diff := cmp.Diff(want, problems(t, err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

package slobacktest_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

func TestParseScenario(t *testing.T) {
	const file = `# a week of checkout
journey: checkout
start: 2026-03-01T00:00:00Z
length: 7d
step: 30s
rate: 1000/m
diurnal: 0.5
errorRatio: 0.05%
incidents:
  - start: 2026-03-03T14:00:00Z
    duration: 30m
    errorRatio: 100%
  - journey: checkout
    start: 2026-03-05T09:00:00+01:00
    duration: 1h30m
    errorRatio: 0.02
`
	got, err := slobacktest.ParseScenario("week.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	want := slobacktest.Scenario{
		Journey: "checkout", Start: mar1, Length: 7 * 24 * time.Hour, Step: 30 * time.Second,
		Rate: 1000.0 / 60, Diurnal: 0.5, ErrorRatio: 0.0005,
		Incidents: []slobacktest.Incident{
			{Start: mar1.Add(2*24*time.Hour + 14*time.Hour), Duration: 30 * time.Minute, ErrorRatio: 1},
			{Journey: "checkout", Start: mar1.Add(4*24*time.Hour + 8*time.Hour), Duration: 90 * time.Minute, ErrorRatio: 0.02},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("ParseScenario (-want +got):\n%s", diff)
	}

	// The least a scenario says: a rate as a number, events a second.
	got, err = slobacktest.ParseScenario("min.yaml", []byte("journey: a\nstart: 2026-03-01T00:00:00Z\nlength: 1h\nrate: 2.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := (slobacktest.Scenario{Journey: "a", Start: mar1, Length: time.Hour, Rate: 2.5}); !cmp.Equal(want, got) {
		t.Fatalf("ParseScenario = %+v, want %+v", got, want)
	}
	for text, rate := range map[string]float64{"36/h": 0.01, "7/s": 7, "1e3 / m": 1000.0 / 60} {
		got, err := slobacktest.ParseScenario("r.yaml", []byte("journey: a\nstart: 2026-03-01T00:00:00Z\nlength: 1h\nrate: "+text+"\n"))
		if err != nil || got.Rate != rate {
			t.Errorf("rate %s: %v, %v; want %v", text, got.Rate, err, rate)
		}
	}
}

func TestParseScenarioErrors(t *testing.T) {
	const head = "journey: checkout\nstart: 2026-03-01T00:00:00Z\nlength: 1h\n"
	for _, tc := range []struct {
		name, file string
		want       string // every problem, one a line
	}{
		{"empty", "", "s.yaml:1:1: the file is empty; a scenario has a journey, start, length and rate"},
		{"not YAML", "journey: [a\n", "s.yaml:1:1: not valid YAML: did not find expected ',' or ']'"},
		{"not a mapping", "- a\n", "s.yaml:1:1: the file is a list; a scenario is a mapping with the fields journey, start, length, step, rate, diurnal, errorRatio, slow, slowLatency, incidents"},
		{"missing", "journey: checkout\n", "s.yaml:1:1: the file: field \"start\" is missing; a scenario needs it\n" +
			"s.yaml:1:1: the file: field \"length\" is missing; a scenario needs it\n" +
			"s.yaml:1:1: the file: field \"rate\" is missing; a scenario needs it"},
		{"unknown and twice", head + "rate: 1\nrates: 2\nrate: 3\n", "s.yaml:5:1: the file: unknown field \"rates\"; a scenario has the fields journey, start, length, step, rate, diurnal, errorRatio, slow, slowLatency, incidents\n" +
			"s.yaml:6:1: the file: field \"rate\" is given twice; give it once"},
		{"values", "journey: [checkout]\nstart: yesterday\nlength: a week\nrate: many\ndiurnal: 2\nerrorRatio: 5\n",
			"s.yaml:1:10: journey is a list; write the journey's name, such as checkout\n" +
				`s.yaml:2:8: start: "yesterday" is not an RFC 3339 instant; write one such as 2026-03-01T00:05:00Z` + "\n" +
				`s.yaml:3:9: length: burnrate: invalid window "a week": "a week" does not start with a number; write a number and a unit, such as 30d, 1h or 5m` + "\n" +
				`s.yaml:4:7: rate: "many" is not a number; write the mean events a second, such as 16.7, or a number an interval, such as 1000/m` + "\n" +
				`s.yaml:5:10: diurnal: "2" is outside 0 to 1 (for 2 percent, write 2%); write a share such as 0.5, or a percent such as 50%` + "\n" +
				`s.yaml:6:13: errorRatio: "5" is outside 0 to 1 (for 5 percent, write 5%); write a share such as 0.0005, or a percent such as 0.05%`},
		{"rate", head + "rate: 10/d\n", `s.yaml:4:7: rate: "10/d" has the unit "d"; write events a second (/s), a minute (/m) or an hour (/h), such as 1000/m`},
		{"zero rate", head + "rate: 0/m\n", "s.yaml:4:7: rate: 0/m is not more than 0; write the mean events a second, such as 16.7, or a number an interval, such as 1000/m"},
		{"NaN", head + "rate: .nan\n", `s.yaml:4:7: rate: ".nan" is not a number; write the mean events a second, such as 16.7, or a number an interval, such as 1000/m`},
		{"incidents", head + "rate: 1\nincidents: {start: 2026-03-01T00:10:00Z}\n", "s.yaml:5:12: incidents is a mapping; write a list of incidents, each with a start, duration and errorRatio"},
		{"incident", head + "rate: 1\nincidents:\n  - start: 2026-03-01T00:10:00Z\n    duration: -5m\n    errorRatio: 101%\n    cause: deploy\n",
			`s.yaml:7:15: incidents[0].duration: "-5m" is negative; write how long it lasts as a positive duration, such as 30m` + "\n" +
				`s.yaml:8:17: incidents[0].errorRatio: "101%" is outside 0 to 1; write a share such as 1, or a percent such as 100%` + "\n" +
				`s.yaml:9:5: incidents[0]: unknown field "cause"; an incident has the fields journey, start, duration, errorRatio, slow`},
		{"incident missing", head + "rate: 1\nincidents:\n  - duration: 5m\n", "s.yaml:6:5: incidents[0]: field \"start\" is missing; an incident needs it\n" +
			"s.yaml:6:5: incidents[0]: field \"errorRatio\" is missing; an incident needs it"},
		// What Validate finds, at the field it is about.
		{"step", head + "rate: 1\nstep: 7m\n", "s.yaml:3:9: length: Length 1h0m0s is not a whole number of Steps of 7m0s; use 56m0s or 1h3m0s"},
		{"outside and overlapping", head + "rate: 1\nincidents:\n" +
			"  - {start: 2026-03-01T00:10:00Z, duration: 10m, errorRatio: 1}\n" +
			"  - {start: 2026-03-01T00:15:00Z, duration: 1h, errorRatio: 1}\n",
			"s.yaml:7:5: incidents[1]: Incidents[1] runs from 2026-03-01T00:15:00Z to 2026-03-01T01:15:00Z, outside the traffic's 2026-03-01T00:00:00Z to 2026-03-01T01:00:00Z; move or shorten it, or lengthen the traffic\n" +
				"s.yaml:7:5: incidents[1]: Incidents[1] (2026-03-01T00:15:00Z to 2026-03-01T01:15:00Z) overlaps Incidents[0] (2026-03-01T00:10:00Z to 2026-03-01T00:20:00Z); an incident's ErrorRatio replaces the background, so give each spell one incident"},
		{"other journey", head + "rate: 1\nincidents:\n  - {journey: login, start: 2026-03-01T00:10:00Z, duration: 10m, errorRatio: 1}\n",
			`s.yaml:6:15: incidents[0].journey: Incidents[0] is of journey "login", not the scenario's "checkout"; leave its Journey empty or make it "checkout"`},
		{"alias", "journey: &j checkout\nstart: 2026-03-01T00:00:00Z\nlength: 1h\nrate: 1\n", "s.yaml:1:10: journey: YAML anchors and aliases are not supported; write the value out"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := slobacktest.ParseScenario("s.yaml", []byte(tc.file))
			if err == nil {
				t.Fatalf("ParseScenario = %+v, want errors\n%s", s, tc.want)
			}
			if err.Error() != tc.want {
				t.Fatalf("ParseScenario errors:\n%s\nwant:\n%s", err, tc.want)
			}
			if !errors.Is(err, slo.ErrInvalid) {
				t.Fatalf("ParseScenario error %v does not match slo.ErrInvalid", err)
			}
			var pe *sloconfig.Error
			if !errors.As(err, &pe) || pe.File != "s.yaml" {
				t.Fatalf("ParseScenario error %v holds no sloconfig.Error of s.yaml", err)
			}
			if strings.Contains(err.Error(), "slobacktest:") {
				t.Fatalf("ParseScenario error %q repeats the package's sentinel", err)
			}
		})
	}
}

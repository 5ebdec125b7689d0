package slostatus

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

func TestJSONGuards(t *testing.T) {
	inf := number(math.Inf(1))
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"a number", number(0.25), `0.25`},
		{"a negative number", number(-9), `-9`},
		// 12 significant digits: the noise of binary fractions goes, the
		// digits a count of events carries stay.
		{"float noise", number(0.45999999999999996), `0.46`},
		{"noise below one", number(1 - 0.54), `0.46`},
		{"twelve digits kept", number(0.123456789012), `0.123456789012`},
		{"the thirteenth rounded", number(0.1234567890126), `0.123456789013`},
		{"a large count", number(123456789012), `123456789012`},
		{"a whole number past twelve digits", number(1234567890123456), `1234567890123456`},
		{"a fraction past twelve digits", number(12345678901.23456), `12345678901.2`},
		{"a tiny fraction", number(1e-9), `1e-9`},
		{"no negative zero", number(math.Copysign(0, -1)), `0`},
		{"NaN", number(math.NaN()), `null`},
		{"+Inf", number(math.Inf(1)), `null`},
		{"-Inf", number(math.Inf(-1)), `null`},
		{"a pointer to Inf", &inf, `null`},
		{"an object keeps its order", object{{"5m", number(2)}, {"1h", number(math.NaN())}, {"1d", "x"}}, `{"5m":2,"1h":null,"1d":"x"}`},
		{"an empty object", object{}, `{}`},
		{"keys are escaped", object{{`a"<b`, 1}}, `{"a\"\u003cb":1}`},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("%s: Marshal = %s, %v; want %s", tc.name, b, err, tc.want)
		}
	}
	if _, err := json.Marshal(object{{"f", func() {}}}); err == nil {
		t.Error("an object holding a func encoded without error")
	}
}

// An objective's JSON is one object: the check's members, the Status's
// exactly as slo writes them, then the links and, on the page, the history.
func TestObjectiveJSON(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	st := slo.Status{Journey: "checkout", Objective: "availability", Target: 0.999, Period: 30 * 24 * time.Hour,
		Time: at, Good: 10, SLI: 1, BudgetRemaining: 1 - 0.54, TimeToExhaustion: burnrate.Never,
		ExhaustionWindow: time.Hour, Since: at}
	status, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	inner := strings.TrimSuffix(strings.TrimPrefix(string(status), "{"), "}")
	points := []slo.BudgetPoint{{End: at, Remaining: 1 - 0.54}}
	for _, tc := range []struct {
		name string
		o    objectiveJSON
		want string
	}{
		{"a page's", objectiveJSON{Status: st, History: true, BurnDown: points},
			`{` + inner + `,"burnDown":[{"end":"2026-03-02T09:00:00Z","remaining":0.46}],"episodes":[]}`},
		{"a page's, with links and no history yet", objectiveJSON{Status: st, History: true,
			Runbook: "https://r.example.com/c", Dashboard: "https://d.example.com/c"},
			`{` + inner + `,"runbook":"https://r.example.com/c","dashboard":"https://d.example.com/c","burnDown":[],"episodes":[]}`},
		// A check is the same object without the page's history, even
		// when one is at hand.
		{"a check's", objectiveJSON{Check: &check{ComponentID: "checkout", ComponentType: "component",
			ObservedValue: number(st.BudgetRemaining), ObservedUnit: "ratio", Status: "pass"}, Status: st, BurnDown: points},
			`{"componentId":"checkout","componentType":"component","observedValue":0.46,"observedUnit":"ratio","status":"pass",` +
				inner + `}`},
		{"a check's, with links", objectiveJSON{Check: &check{ComponentID: "checkout", ComponentType: "component",
			ObservedValue: number(st.BudgetRemaining), ObservedUnit: "ratio", Status: "pass"}, Status: st,
			Runbook: "https://r.example.com/c"},
			`{"componentId":"checkout","componentType":"component","observedValue":0.46,"observedUnit":"ratio","status":"pass",` +
				inner + `,"runbook":"https://r.example.com/c"}`},
	} {
		b, err := json.Marshal(tc.o)
		if err != nil || string(b) != tc.want {
			t.Errorf("%s: Marshal = %s, %v; want %s", tc.name, b, err, tc.want)
			continue
		}
		var back slo.Status
		if err := json.Unmarshal(b, &back); err != nil || !back.Time.Equal(st.Time) || back.Journey != st.Journey || back.Good != st.Good {
			t.Errorf("%s: read back as a Status: %+v, %v", tc.name, back, err)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{formatRate(0), "0"},
		{formatRate(0.004), "0"},
		{formatRate(0.42), "0.42"},
		{formatRate(2.9999999999999996), "3"},
		{formatRate(6.5), "6.5"},
		{formatRate(14.4), "14.4"},
		{formatRate(26.666666666666668), "26.7"},
		{formatRate(250.4), "250"},
		{formatRate(1000), "1000"},
		{formatRate(-0.001), "0"},
		{formatRate(math.NaN()), "—"},
		{formatRate(math.Inf(1)), "—"},
		{percent(math.NaN(), 1), "—"},
		{formatFactor(14.4), "14.4"},
		{formatFactor(13.44), "13.44"},
		{formatFactor(0.9333333333333333), "0.9333"},
		{formatFactor(6), "6"},
		{formatFactor(100000), "100000"},
		{percent(0.481, 1), "48.1%"},
		{percent(-0.2134, 1), "-21.3%"},
		{percent(-0.00001, 1), "0.0%"},
		{percent(1, 0), "100%"},
		{percent(0.99953, 3), "99.953%"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

package slo_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

// roundTrip encodes v to JSON, and to YAML when v is a definition users
// write in files (an Objective), and decodes both back into new values of
// v's type, which must equal v. Reports (Status, Episode, Review) are JSON
// only.
func roundTrip[T any](t *testing.T, name string, v T) (jsonText, yamlText string) {
	t.Helper()
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: json.Marshal: %v", name, err)
	}
	var fromJSON T
	if err := json.Unmarshal(j, &fromJSON); err != nil {
		t.Fatalf("%s: json.Unmarshal(%s): %v", name, j, err)
	}
	if diff := cmp.Diff(v, fromJSON); diff != "" {
		t.Errorf("%s: JSON round trip (-want +got):\n%s\n%s", name, diff, j)
	}
	if _, ok := any(v).(yaml.Marshaler); !ok {
		return string(j), ""
	}
	y, err := yaml.Marshal(v)
	if err != nil {
		t.Fatalf("%s: yaml.Marshal: %v", name, err)
	}
	var fromYAML T
	dec := yaml.NewDecoder(strings.NewReader(string(y)))
	dec.KnownFields(true)
	if err := dec.Decode(&fromYAML); err != nil {
		t.Fatalf("%s: yaml Decode(%s): %v", name, y, err)
	}
	if diff := cmp.Diff(v, fromYAML); diff != "" {
		t.Errorf("%s: YAML round trip (-want +got):\n%s\n%s", name, diff, y)
	}
	return string(j), string(y)
}

// roundTripTidy is roundTrip for values whose figures carry float noise:
// written to 12 significant digits, they read back within half a unit of
// the 12th digit, and what reads back then round trips exactly, so that a
// document read and written again is the same text. Half a unit of the 12th digit is at most 5 parts in 10^12 of the
// figure (0.1000000000005 is 0.1 written).
func roundTripTidy[T any](t *testing.T, name string, v T) {
	t.Helper()
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: json.Marshal: %v", name, err)
	}
	var back T
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatalf("%s: json.Unmarshal(%s): %v", name, j, err)
	}
	if diff := cmp.Diff(v, back, cmpopts.EquateApprox(5e-12, 0)); diff != "" {
		t.Errorf("%s: JSON round trip beyond 12 digits (-want +got):\n%s\n%s", name, diff, j)
	}
	if again, _ := roundTrip(t, name+" read back", back); again != string(j) {
		t.Errorf("%s: written again\n%s\nwant\n%s", name, again, j)
	}
}

func TestObjectiveEncoding(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    slo.Objective
		json string
	}{
		{"defaults unfilled", slo.Objective{Journey: "checkout", Target: 0.999},
			`{"journey":"checkout","target":0.999}`},
		{"every field", slo.Objective{
			Name: "fast", Journey: "search", Target: 0.95, Period: 28 * 24 * time.Hour, Latency: 1500 * time.Millisecond,
			Policy: burnrate.Policy{Rules: []burnrate.Rule{
				{Name: "page-1h-5m", Long: time.Hour, Short: 5 * time.Minute, Factor: 13.44, Severity: burnrate.SeverityPage},
				{Long: 90 * time.Minute, Short: 450 * time.Second, Factor: 2, Severity: burnrate.SeverityTicket},
			}, MinEvents: 20},
			Runbook: "https://runbooks.example.com/search", Labels: map[string]string{"team": "discovery", "tier": "1"},
		}, `{"journey":"search","name":"fast","target":0.95,"period":"28d","latency":"1.5s","policy":{"rules":[` +
			`{"name":"page-1h-5m","severity":"page","long":"1h","short":"5m","factor":13.44},` +
			`{"severity":"ticket","long":"1h30m","short":"7m30s","factor":2}],"minEvents":20},` +
			`"runbook":"https://runbooks.example.com/search","labels":{"team":"discovery","tier":"1"}}`},
		{"a guard alone", slo.Objective{Journey: "login", Target: 0.995, Policy: burnrate.Policy{MinEvents: 50}},
			`{"journey":"login","target":0.995,"policy":{"minEvents":50}}`},
	} {
		j, _ := roundTrip(t, tc.name, tc.o)
		if j != tc.json {
			t.Errorf("%s: JSON\n%s\nwant\n%s", tc.name, j, tc.json)
		}
	}
}

// What a registry reports, read back: the objectives with their defaults
// filled in, and statuses in every situation the health tests reach.
func TestRegistryValuesRoundTrip(t *testing.T) {
	for _, situation := range []string{"ok", "page", "ticket", "spent", "no data"} {
		f := reach(t, situation)
		for _, o := range f.Reg.Objectives() {
			roundTrip(t, situation+": objective", o)
		}
		for _, st := range f.Reg.Status() {
			roundTripTidy(t, situation+": status", st)
		}
	}
	// A latency objective, and a status with events and a time to
	// exhaustion that is not whole seconds.
	f := fixture.New(t, slo.Objective{Journey: "search", Target: 0.95, Latency: 300 * time.Millisecond})
	fixture.Journey(f.Reg, "search").Add(9993, 7)
	f.Advance(1234567 * time.Microsecond)
	st := f.Reg.Status()[0]
	if st.TimeToExhaustion%time.Second == 0 || st.Time.Nanosecond() == 0 {
		t.Fatalf("status %v at %v: want a time to exhaustion and an instant off whole seconds", st.TimeToExhaustion, st.Time)
	}
	roundTripTidy(t, "latency status", st)
}

func TestStatusEncoding(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 1, 500, time.FixedZone("CET", 3600))
	st := slo.Status{
		Journey: "checkout", Objective: "availability", Target: 0.999, Period: 30 * 24 * time.Hour,
		Time: at, Good: 9900, Bad: 100, TotalGood: 9000, TotalBad: 90, SLI: 0.99,
		MinEvents: 1000, Budget: slo.BudgetSpent, BudgetRemaining: -9, TimeToExhaustion: 0, ExhaustionWindow: time.Hour,
		State: burnrate.SeverityPage, Rule: "page-1h-5m", Since: at.Add(-time.Minute),
		Windows: []burnrate.Burn{{Window: 5 * time.Minute, Good: 99, Bad: 1, Rate: 10}, {Window: time.Hour, NoData: true}},
		Rules: []slo.RuleStatus{{
			Rule:     burnrate.Rule{Name: "page-1h-5m", Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: burnrate.SeverityPage},
			LongRate: 0, ShortRate: 10, Burning: false,
		}},
	}
	j, _ := roundTrip(t, "status", st)
	want := `{"journey":"checkout","objective":"availability","target":0.999,"period":"30d",` +
		`"time":"2026-03-02T08:00:01.0000005Z","good":9900,"bad":100,"totalGood":9000,"totalBad":90,` +
		`"sli":0.99,"noData":false,"minEvents":1000,"budget":"spent","budgetRemaining":-9,"timeToExhaustion":"0s","exhaustionWindow":"1h",` +
		`"state":"page","rule":"page-1h-5m","since":"2026-03-02T07:59:01.0000005Z",` +
		`"windows":[{"window":"5m","good":99,"bad":1,"burnRate":10,"noData":false},{"window":"1h","good":0,"bad":0,"burnRate":0,"noData":true}],` +
		`"rules":[{"name":"page-1h-5m","severity":"page","long":"1h","short":"5m","factor":14.4,` +
		`"longBurnRate":0,"shortBurnRate":10,"burning":false,"firing":false}]}`
	if j != want {
		t.Errorf("JSON\n%s\nwant\n%s", j, want)
	}

	// Never burning: null. No data: sli null, read back as the 1 Status
	// holds.
	st.TimeToExhaustion, st.NoData, st.SLI, st.Good, st.Bad = burnrate.Never, true, 1, 0, 0
	j, _ = roundTrip(t, "never, no data", st)
	for _, w := range []string{`"timeToExhaustion":null`, `"sli":null`} {
		if !strings.Contains(j, w) {
			t.Errorf("JSON lacks %s: %s", w, j)
		}
	}
}

// Float noise is not written: every figure of a status, its windows' and
// its rules' included, to 12 significant digits; whole counts as they are.
func TestStatusEncodingWithoutNoise(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	// Variables, not constants: Go folds constant expressions exactly.
	// 1.44% errors at 99.9% burns at 0.0144 / 0.001.
	one, tenth, ratio, budget := 1.0, 0.1, 0.0144, 0.001
	st := slo.Status{
		Journey: "checkout", Objective: "availability", Target: 0.999, Period: 30 * 24 * time.Hour,
		Time: at, Since: at, Good: 54, Bad: 46, SLI: one - 0.46, // 0.54
		MinEvents: 100, Budget: slo.BudgetLeft, BudgetRemaining: one - 0.54, TimeToExhaustion: burnrate.Never, ExhaustionWindow: time.Hour,
		Windows: []burnrate.Burn{{Window: time.Hour, Good: 1234567890123456789, Bad: tenth + 0.2, Rate: ratio / budget}},
		Rules: []slo.RuleStatus{{
			Rule:     burnrate.Rule{Name: "page-1h-5m", Long: time.Hour, Short: 5 * time.Minute, Factor: ratio / budget, Severity: burnrate.SeverityPage},
			LongRate: ratio / budget, ShortRate: 0.123456789012345,
		}},
	}
	if st.BudgetRemaining != 0.45999999999999996 || st.Rules[0].Factor != 14.399999999999999 {
		t.Fatalf("the arithmetic gave %v and %v: the test needs noisy figures", st.BudgetRemaining, st.Rules[0].Factor)
	}
	j, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"journey":"checkout","objective":"availability","target":0.999,"period":"30d",` +
		`"time":"2026-03-02T09:00:00Z","good":54,"bad":46,"totalGood":0,"totalBad":0,` +
		`"sli":0.54,"noData":false,"minEvents":100,"budget":"left","budgetRemaining":0.46,"timeToExhaustion":null,"exhaustionWindow":"1h",` +
		`"state":"ok","since":"2026-03-02T09:00:00Z",` +
		`"windows":[{"window":"1h","good":1234567890123456800,"bad":0.3,"burnRate":14.4,"noData":false}],` +
		`"rules":[{"name":"page-1h-5m","severity":"page","long":"1h","short":"5m","factor":14.4,` +
		`"longBurnRate":14.4,"shortBurnRate":0.123456789012,"burning":false,"firing":false}]}`
	if string(j) != want {
		t.Errorf("JSON\n%s\nwant\n%s", j, want)
	}
	roundTripTidy(t, "noisy status", st)
}

// Neither NaN nor an infinity is ever written: null instead, in JSON and
// YAML alike, where encoding/json would fail on the value and YAML would
// write .nan for a reader to choke on.
func TestEncodingNeverWritesNaN(t *testing.T) {
	st := slo.Status{
		Journey: "checkout", Objective: "availability", Target: math.NaN(), Period: time.Hour, SLI: math.Inf(1),
		BudgetRemaining: math.Inf(-1), TimeToExhaustion: burnrate.Never, ExhaustionWindow: time.Hour,
		Windows: []burnrate.Burn{{Window: time.Hour, Rate: math.NaN()}},
		Rules:   []slo.RuleStatus{{Rule: burnrate.Rule{Long: time.Hour, Short: time.Minute, Factor: math.Inf(1)}, LongRate: math.NaN(), ShortRate: math.Inf(-1)}},
	}
	o := slo.Objective{Journey: "checkout", Target: math.NaN(), Policy: burnrate.Policy{Rules: []burnrate.Rule{{Factor: math.Inf(1)}}}}
	for name, v := range map[string]any{"status": st, "objective": o} {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: json.Marshal: %v", name, err)
		}
		texts := []string{string(j)}
		if _, ok := v.(yaml.Marshaler); ok {
			y, err := yaml.Marshal(v)
			if err != nil {
				t.Fatalf("%s: yaml.Marshal: %v", name, err)
			}
			texts = append(texts, string(y))
		}
		for _, text := range texts {
			low := strings.ToLower(text)
			if strings.Contains(low, "nan") || strings.Contains(low, "inf") || !strings.Contains(text, "null") {
				t.Errorf("%s: a non-finite number was written, or no null:\n%s", name, text)
			}
		}
	}
	var back slo.Status
	j, _ := json.Marshal(st)
	if err := json.Unmarshal(j, &back); err != nil || back.Target != 0 || back.SLI != 0 || back.BudgetRemaining != 0 || back.Windows[0].Rate != 0 || back.Rules[0].Factor != 0 {
		t.Errorf("nulls read back as %+v, %v; want zeros", back, err)
	}
}

func TestObjectiveDecodingRefuses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"journey":"checkout","target":0.999,"tagret":1}`, `json: unknown field "tagret"`},
		{`{"journey":"checkout","target":0.999,"period":"1M"}`, `period: burnrate: invalid window "1M": M is a calendar month`},
		{`{"journey":"checkout","target":0.999,"latency":300}`, `cannot unmarshal number into Go struct field`},
		{`{"journey":"checkout","policy":{"rules":[{"severity":"page","long":"1h","short":"5m","factor":14.4,"for":"2m"}]}}`, `json: unknown field "for"`},
		{`{"journey":"checkout","policy":{"rules":[{"severity":"urgent"}]}}`, `burnrate: invalid severity: "urgent"; use ok, ticket or page`},
	} {
		var o slo.Objective
		err := json.Unmarshal([]byte(tc.in), &o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Unmarshal(%s) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
	// YAML: the decoder's KnownFields reaches inside.
	dec := yaml.NewDecoder(strings.NewReader("journey: checkout\ntarget: 0.999\nrunbok: x\n"))
	dec.KnownFields(true)
	var o slo.Objective
	if err := dec.Decode(&o); err == nil || !strings.Contains(err.Error(), "field runbok not found") {
		t.Errorf("YAML with a misspelt field: %v, want field runbok not found", err)
	}
	// What decodes is not validated until New.
	if err := json.Unmarshal([]byte(`{"journey":"checkout","target":99.9}`), &o); err != nil {
		t.Fatal(err)
	}
	if _, err := slo.New([]slo.Objective{o}); !errors.Is(err, slo.ErrInvalid) || !strings.Contains(err.Error(), "write 0.999 for 99.9%") {
		t.Errorf("New(target 99.9) = %v, want the hint", err)
	}
}

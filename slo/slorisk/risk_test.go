package slorisk_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorisk"
)

// talk is the SLOconf talk's four risks, from the Google CRE template.
const talk = `target: 99.9%
risks:
  - name: config error shrinks the node pool
    ettd: 30m
    ettr: 2h
    impact: 20%
    ettf: 120d
  - name: bad release fails half the requests, slow rollback
    ettd: 5m
    ettr: 2h
    impact: 0.5
    ettf: 180d
  - name: database deleted, restored from backup
    ettd: 5m
    ettr: 8h30m
    impact: 100%
    ettf: 1460d
  - name: zone outage drops a third of requests
    ettd: 5m
    ettr: 16h
    impact: 33%
    ettf: 365d
`

// analyze parses src and analyzes it against its own target, with the
// given options.
func analyze(t *testing.T, src string, opts ...slorisk.Option) *slorisk.Analysis {
	t.Helper()
	c, err := slorisk.Parse("risks.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := slorisk.Analyze(c, o, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// jsonOf returns the analysis's JSON, re-indented for diffs.
func jsonOf(t *testing.T, a *slorisk.Analysis) string {
	t.Helper()
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func textOf(t *testing.T, a *slorisk.Analysis) string {
	t.Helper()
	var b strings.Builder
	if err := a.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestAnalyzeTheTalksRisks(t *testing.T) {
	a := analyze(t, talk)
	// Bad minutes a year, (ETTD + ETTR) x impact x 365.25 / ETTF:
	//   node pool: 150 x 0.2 x 365.25 / 120 = 91.3125, of 525.96: 17.36%;
	//   release: 125 x 0.5 x 365.25 / 180 = 126.8229..., 24.11%;
	//   database: 515 x 365.25 / 1460 = 128.8381..., 24.50%;
	//   zone: 965 x 0.33 x 365.25 / 365 = 318.6681..., 60.59%;
	// together 665.6417..., 126.56% of (1 - 0.999) x 525960 = 525.96: the
	// four do not fit, though none alone exceeds the budget. (JSON rounds
	// to 12 significant digits.)
	want := `{
  "target": 0.999,
  "budgetMinutes": 525.96,
  "risks": [
    {
      "name": "config error shrinks the node pool",
      "ettd": "30m",
      "ettdFrom": "file",
      "ettr": "2h",
      "impact": 0.2,
      "ettf": "120d",
      "badMinutes": 91.3125,
      "budgetShare": 0.173611111111,
      "exceedsBudget": false
    },
    {
      "name": "bad release fails half the requests, slow rollback",
      "ettd": "5m",
      "ettdFrom": "file",
      "ettr": "2h",
      "impact": 0.5,
      "ettf": "180d",
      "badMinutes": 126.822916667,
      "budgetShare": 0.24112654321,
      "exceedsBudget": false
    },
    {
      "name": "database deleted, restored from backup",
      "ettd": "5m",
      "ettdFrom": "file",
      "ettr": "8h30m",
      "impact": 1,
      "ettf": "1460d",
      "badMinutes": 128.838184932,
      "budgetShare": 0.244958143075,
      "exceedsBudget": false
    },
    {
      "name": "zone outage drops a third of requests",
      "ettd": "5m",
      "ettdFrom": "file",
      "ettr": "16h",
      "impact": 0.33,
      "ettf": "365d",
      "badMinutes": 318.668116438,
      "budgetShare": 0.605878995434,
      "exceedsBudget": false
    }
  ],
  "badMinutes": 665.641718037,
  "budgetShare": 1.26557479283,
  "exceedsBudget": true,
  "undetected": 0
}`
	if diff := cmp.Diff(want, jsonOf(t, a)); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
	wantText := `Risks against 99.9%: a budget of 526.0 bad minutes a year.

risk                                                ettd  ettr   impact  ettf   bad min/yr  of budget  note
config error shrinks the node pool                  30m   2h     20%     120d   91.3        17.4%
bad release fails half the requests, slow rollback  5m    2h     50%     180d   126.8       24.1%
database deleted, restored from backup              5m    8h30m  100%    1460d  128.8       24.5%
zone outage drops a third of requests               5m    16h    33%     365d   318.7       60.6%
total                                                                           665.6       126.6%     EXCEEDS THE BUDGET
`
	if diff := cmp.Diff(wantText, textOf(t, a)); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}

	// Without the zone outage, the other three fit: 91.3125 + 126.8229...
	// + 128.8381... = 346.9736..., 65.97% of the budget.
	c, err := slorisk.Parse("risks.yaml", []byte(talk))
	if err != nil {
		t.Fatal(err)
	}
	c.Risks = c.Risks[:3]
	o, _ := c.Resolve(nil)
	three, err := slorisk.Analyze(c, o)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := round(three.BadMinutes), 346.973601598; got != want || three.Exceeds {
		t.Errorf("three risks: %v bad minutes, exceeds %v; want %v, false", got, three.Exceeds, want)
	}
}

// round rounds to 12 significant digits, as the JSON does, for comparing
// figures with their derivation.
func round(f float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 12, 64), 64)
	return r
}

func TestAnalyzeFlagsARiskThatAloneExceedsTheBudget(t *testing.T) {
	// A region down for two days a year at 99.9%: (5 + 2880) x 365.25 /
	// 365 = 2886.9760..., 548.9% of 525.96: alone over the budget, and so
	// is the total.
	a := analyze(t, `target: 0.999
risks:
  - {name: region down, ettd: 5m, ettr: 2d, impact: 1, ettf: 365d}
  - {name: small, ettd: 1m, ettr: 9m, impact: 1%, ettf: 30d}
`)
	// small: 10 x 0.01 x 365.25 / 30 = 1.2175.
	if got := []bool{a.Risks[0].Exceeds, a.Risks[1].Exceeds, a.Exceeds}; !cmp.Equal(got, []bool{true, false, true}) {
		t.Errorf("exceeds (region, small, total) = %v, want [true false true]", got)
	}
	if got, want := []float64{round(a.Risks[0].BadMinutes), round(a.Risks[1].BadMinutes)}, []float64{2886.9760274, 1.2175}; !cmp.Equal(got, want) {
		t.Errorf("bad minutes = %v, want %v", got, want)
	}
	if !strings.Contains(textOf(t, a), "2887.0      548.9%     EXCEEDS THE BUDGET ALONE\n") {
		t.Errorf("text does not flag the region:\n%s", textOf(t, a))
	}
}

func TestAnalyzeDetectionFromThePolicy(t *testing.T) {
	const src = `target: 99.9%
risks:
  - name: full outage
    ettr: 1h
    impact: 100%
    ettf: 30d
  - name: a tenth fails
    ettr: 2h
    impact: 10%
    ettf: 60d
  - name: slow leak
    ettr: 1d
    impact: 0.05%
    ettf: 90d
  - name: known ettd
    ettd: 1h
    ettr: 1h
    impact: 100%
    ettf: 365d
`
	c, err := slorisk.Parse("risks.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	var calls []float64
	reg := registryDetector(t, o)
	detect := func(e float64) (time.Duration, bool) {
		calls = append(calls, e)
		return reg(e)
	}
	a, err := slorisk.Analyze(c, o, slorisk.WithDetector(detect))
	if err != nil {
		t.Fatal(err)
	}
	// The detector is asked once per impact of the risks without ettd.
	if diff := cmp.Diff([]float64{1, 0.1, 0.0005}, calls); diff != "" {
		t.Errorf("detector calls (-want +got):\n%s", diff)
	}
	// full outage: detected after 52 s (TestRegistryDetector), (52/60 +
	// 60) x 365.25 / 30 = 741.0516..., 140.9% of 525.96: alone over it.
	// a tenth: 8m39s, (8.65 + 120) x 0.1 x 365.25 / 60 = 78.3156875.
	// slow leak: never detected (a burn of 0.5); ettr alone: 1440 x
	// 0.0005 x 365.25 / 90 = 2.922, and 0.0005 x 525960 = 262.98 if it
	// never stopped.
	// known ettd: 120 x 365.25 / 365 = 120.0821..., the file's ettd kept.
	// Total at least 741.0517 + 78.3157 + 2.922 + 120.0822 = 942.3715...,
	// 179.2% of the budget.
	type row struct {
		Detection                       time.Duration
		FromPolicy, Undetected, Exceeds bool
		BadMinutes, Ceiling             float64
	}
	var got []row
	for _, r := range a.Risks {
		got = append(got, row{r.Detection, r.FromPolicy, r.Undetected, r.Exceeds, round(r.BadMinutes), round(r.Ceiling)})
	}
	want := []row{
		{52 * time.Second, true, false, true, 741.051666667, 0},
		{8*time.Minute + 39*time.Second, true, false, false, 78.3156875, 0},
		{0, false, true, false, 2.922, 262.98},
		{time.Hour, false, false, false, 120.082191781, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("assessments (-want +got):\n%s", diff)
	}
	if got, want := round(a.BadMinutes), 942.371545947; got != want || a.Undetected != 1 || !a.Exceeds {
		t.Errorf("total %v, undetected %d, exceeds %v; want %v, 1, true", got, a.Undetected, a.Exceeds, want)
	}
	wantText := `Risks against 99.9%: a budget of 526.0 bad minutes a year.

risk           ettd   ettr  impact  ettf  bad min/yr      of budget  note
full outage    52s    1h    100%    30d   741.1           140.9%     EXCEEDS THE BUDGET ALONE; ettd from the policy
a tenth fails  8m39s  2h    10%     60d   78.3            14.9%      ettd from the policy
slow leak      never  1d    0.05%   90d   2.9             0.6%       the policy never detects it: counts ettr alone; 263.0 if it never stopped
known ettd     1h     1h    100%    365d  120.1           22.8%
total                                     at least 942.4  179.2%     EXCEEDS THE BUDGET (1 never detected by the policy)
`
	if diff := cmp.Diff(wantText, textOf(t, a)); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
	js := jsonOf(t, a)
	for _, part := range []string{`"ettd": "52s",
      "ettdFrom": "policy",`, `"ettd": null,
      "ettdFrom": "never",`, `"ceilingMinutes": 262.98`, `"undetected": 1`} {
		if !strings.Contains(js, part) {
			t.Errorf("JSON lacks %s:\n%s", part, js)
		}
	}
}

func TestAnalyzeErrors(t *testing.T) {
	o := slo.Objective{Journey: "no journey", Target: 0.999}
	for _, tc := range []struct {
		name string
		c    slorisk.Catalog
		opts []slorisk.Option
		want string
	}{
		{"an objective the replay refuses", slorisk.Catalog{Target: 0.999, Risks: []slorisk.Risk{{Name: "a", ETTR: time.Hour, Impact: 1, ETTF: 24 * time.Hour}}}, nil,
			`slorisk: risk "a": the objective: slo: invalid: Journey "no journey" is not a name: use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`},
		{"detected too late", slorisk.Catalog{Target: 0.999, Risks: []slorisk.Risk{{Name: "a", ETTR: time.Hour, Impact: 1, ETTF: 2 * time.Hour}}},
			[]slorisk.Option{slorisk.WithDetector(func(float64) (time.Duration, bool) { return 90 * time.Minute, true })},
			`slorisk: risk "a": the policy detects it after 1h30m, and with ettr 1h it lasts longer than the 2h between occurrences; write a longer ettf, or an ettd`},
		{"premortem without traffic", slorisk.Catalog{Target: 0.999,
			Risks:      []slorisk.Risk{{Name: "a", ETTD: time.Minute, ETTR: time.Hour, Impact: 1, ETTF: 24 * time.Hour}},
			Premortems: []slorisk.Premortem{{Name: "p", Duration: time.Hour, Impact: 1}}}, nil,
			`slorisk: the catalog has 1 premortems and no recorded traffic to judge them on; give the traffic of a month`},
		{"invalid catalog", slorisk.Catalog{Target: 99.9, Risks: []slorisk.Risk{{Name: "a", ETTR: -time.Hour, Impact: 20, ETTF: 24 * time.Hour}, {Name: "a", ETTD: time.Minute, ETTR: time.Hour, Impact: 1, ETTF: 24 * time.Hour}}}, nil,
			"slorisk: burnrate: invalid target: 99.9 is not below 1; write 0.999 for 99.9%\n" +
				"slorisk: risk \"a\": ettr: -1h0m0s is not positive; write a time to recover such as 2h\n" +
				"slorisk: risk \"a\": impact: 20 is above 1; write 0.2 or 20% for 20% of requests\n" +
				"slorisk: risk \"a\": the name is given twice; give each risk its own"},
		{"target and objective", slorisk.Catalog{Target: 0.999, Objective: "checkout:availability", Risks: []slorisk.Risk{{Name: "a", ETTD: time.Minute, ETTR: time.Hour, Impact: 1, ETTF: 24 * time.Hour}}}, nil,
			"slorisk: the catalog gives a target (0.999) and an objective (checkout:availability); give one: the objective carries its target"},
		{"nothing", slorisk.Catalog{}, nil,
			"slorisk: the catalog has no target; give a target such as 0.999, or an objective such as checkout:availability\n" +
				"slorisk: the catalog has no risks; list at least one, with name, ettr, impact and ettf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := slorisk.Analyze(&tc.c, o, tc.opts...)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, slo.ErrInvalid) {
				t.Errorf("%v does not match ErrInvalid", err)
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	objs := []slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "checkout", Name: "latency", Target: 0.99, Latency: 300 * time.Millisecond, Period: 28 * 24 * time.Hour},
	}
	c, err := slorisk.Parse("risks.yaml", []byte("objective: checkout:latency\nrisks:\n  - {name: a, ettd: 1m, ettr: 1h, impact: 1, ettf: 30d}\n"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.Resolve(objs)
	if err != nil {
		t.Fatal(err)
	}
	if o.Target != 0.99 || o.Period != 28*24*time.Hour || len(o.Policy.Rules) != 4 {
		t.Errorf("resolved %+v, want checkout:latency at 0.99 over 28d with the default policy", o)
	}
	a, err := slorisk.Analyze(c, o)
	if err != nil {
		t.Fatal(err)
	}
	// (1 - 0.99) x 525960 = 5259.6.
	if a.Objective != "checkout:latency" || round(a.Budget) != 5259.6 {
		t.Errorf("analysis of %q with budget %v, want checkout:latency and 5259.6", a.Objective, a.Budget)
	}
	c, err = slorisk.Parse("risks.yaml", []byte("objective: search:availability\nrisks:\n  - {name: a, ettd: 1m, ettr: 1h, impact: 1, ettf: 30d}\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Resolve(objs)
	want := "risks.yaml:1:12: objective search:availability is not among the config's objectives; there are checkout:availability, checkout:latency"
	if err == nil || err.Error() != want || !errors.Is(err, slo.ErrInvalid) {
		t.Errorf("Resolve = %v, want %s", err, want)
	}
	// A bare target is the default policy over 30 days.
	c = &slorisk.Catalog{Target: 0.999}
	o, err = c.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Journey != "risk" || o.Name != "availability" || o.Period != slo.DefaultPeriod || len(o.Policy.Rules) != 4 || o.Policy.Rules[0].Factor != 14.4 {
		t.Errorf("resolved %+v, want risk:availability over 30d with the default policy", o)
	}
}

func TestAnalyzeReplaysAFullOutage(t *testing.T) {
	// The one replay that runs under -race too: see replay_test.go for the
	// others and the figures. 1h x 14.4 x 0.001 = 51.84 s, the 3 s tick
	// after: 54 s; (0.9 + 60) x 365.25 / 30 = 741.4575 bad minutes.
	c := &slorisk.Catalog{Target: 0.999, Risks: []slorisk.Risk{{Name: "full", ETTR: time.Hour, Impact: 1, ETTF: 30 * 24 * time.Hour}}}
	o, err := c.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := slorisk.Analyze(c, o)
	if err != nil {
		t.Fatal(err)
	}
	if r := a.Risks[0]; r.Detection != 54*time.Second || !r.FromPolicy || round(r.BadMinutes) != 741.4575 {
		t.Errorf("detection %v (from policy %v), %v bad minutes; want 54s from the policy, 741.4575", r.Detection, r.FromPolicy, r.BadMinutes)
	}
}

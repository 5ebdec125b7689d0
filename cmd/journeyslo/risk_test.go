package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// riskCatalog is a catalog with every ettd given, at a bare target, so that
// its figures need no policy: at 99.9% the budget is 525.96 minutes a year;
// the node pool's (30 + 120) x 0.2 x 365.25 / 120 = 91.3125 minutes
// (17.4%); the region's (5 + 2880) x 365.25 / 365 = 2886.976... (548.9%),
// alone over the budget, and so is the total, 2978.2885... (566.3%).
const riskCatalog = `target: 99.9%
risks:
  - {name: node pool shrinks, ettd: 30m, ettr: 2h, impact: 20%, ettf: 120d}
  - {name: region down, ettd: 5m, ettr: 2d, impact: 1, ettf: 365d}
`

func TestRiskText(t *testing.T) {
	path := writeFile(t, t.TempDir(), "risks.yaml", riskCatalog)
	res := runCmd(t, "risk", path)
	res.wantStatus(t, exitOK)
	want := `Risks against 99.9%: a budget of 526.0 bad minutes a year.

risk               ettd  ettr  impact  ettf  bad min/yr  of budget  note
node pool shrinks  30m   2h    20%     120d  91.3        17.4%
region down        5m    2d    100%    365d  2887.0      548.9%     EXCEEDS THE BUDGET ALONE
total                                        2978.3      566.3%     EXCEEDS THE BUDGET
`
	if diff := cmp.Diff(want, res.stdout); diff != "" || res.stderr != "" {
		t.Errorf("journeyslo risk %s (-want +got):\n%s\nstderr:\n%s", path, diff, res.stderr)
	}
}

func TestRiskJSON(t *testing.T) {
	path := writeFile(t, t.TempDir(), "risks.yaml", riskCatalog)
	res := runCmd(t, "risk", "-format", "json", path)
	res.wantStatus(t, exitOK)
	var got struct {
		Budget float64 `json:"budgetMinutes"`
		Risks  []struct {
			Name       string  `json:"name"`
			BadMinutes float64 `json:"badMinutes"`
			Exceeds    bool    `json:"exceedsBudget"`
		} `json:"risks"`
		BadMinutes float64 `json:"badMinutes"`
		Exceeds    bool    `json:"exceedsBudget"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("journeyslo risk -format json: %v\n%s", err, res.stdout)
	}
	if !strings.HasSuffix(res.stdout, "}\n") {
		t.Errorf("the JSON does not end with a newline:\n%s", res.stdout)
	}
	// As TestRiskText, to 12 significant digits.
	if got.Budget != 525.96 || len(got.Risks) != 2 || got.Risks[0].BadMinutes != 91.3125 || got.Risks[1].BadMinutes != 2886.9760274 ||
		got.Risks[0].Exceeds || !got.Risks[1].Exceeds || got.BadMinutes != 2978.2885274 || !got.Exceeds {
		t.Errorf("journeyslo risk -format json:\n%s", res.stdout)
	}
}

func TestRiskObjectiveFromConfig(t *testing.T) {
	// login is at 99.5% in the shop's config: a budget of 0.005 x 525960
	// = 2629.8 minutes, which the region's 2887.0 still exceeds (109.8%).
	path := writeFile(t, t.TempDir(), "risks.yaml", strings.Replace(riskCatalog, "target: 99.9%", "objective: login:availability", 1))
	res := runCmd(t, "risk", "-config", shopConfig, path)
	res.wantStatus(t, exitOK)
	want := `Risks against login:availability at 99.5%: a budget of 2629.8 bad minutes a year.

risk               ettd  ettr  impact  ettf  bad min/yr  of budget  note
node pool shrinks  30m   2h    20%     120d  91.3        3.5%
region down        5m    2d    100%    365d  2887.0      109.8%     EXCEEDS THE BUDGET ALONE
total                                        2978.3      113.3%     EXCEEDS THE BUDGET
`
	if diff := cmp.Diff(want, res.stdout); diff != "" || res.stderr != "" {
		t.Errorf("journeyslo risk -config %s %s (-want +got):\n%s\nstderr:\n%s", shopConfig, path, diff, res.stderr)
	}
	// The OpenSLO form of the same config names the same objectives.
	if o := runCmd(t, "risk", "-config", shopOpenSLO, path); o.status != exitOK || o.stdout != res.stdout {
		t.Errorf("journeyslo risk -config %s: status %d\n%s%s", shopOpenSLO, o.status, o.stdout, o.stderr)
	}
}

func TestRiskErrors(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "risks.yaml", riskCatalog)
	named := writeFile(t, dir, "named.yaml", strings.Replace(riskCatalog, "target: 99.9%", "objective: checkout:latency", 1))
	broken := writeFile(t, dir, "broken.yaml", "target: 99.9\nrisks:\n  - {name: a, ettr: -2h, impact: 20, ettf: 120d, mttr: 1h}\n")
	premortem := writeFile(t, dir, "premortem.yaml", riskCatalog+"premortems:\n  - {name: p, at: 1d, duration: 30m, impact: 100%}\n")
	usage := "usage: journeyslo risk [-config FILE]... [-traffic FILE] [-format text|json] FILE\nrun 'journeyslo help risk' for more\n"
	for _, tc := range []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"risk"}, exitUsage, "journeyslo risk: 0 files given; name one risk catalog\n" + usage},
		{[]string{"risk", good, good}, exitUsage, "journeyslo risk: 2 files given; name one risk catalog\n" + usage},
		{[]string{"risk", "-format", "yaml", good}, exitUsage, "journeyslo risk: -format \"yaml\" is not one; write text or json\n" + usage},
		{[]string{"risk", "-nope", good}, exitUsage, "flag provided but not defined: -nope\n" + usage},
		{[]string{"risk", named}, exitUsage, "journeyslo risk: " + named + " names objective checkout:latency; give the objective file that holds it with -config\n" + usage},
		{[]string{"risk", "-config", shopConfig, good}, exitUsage,
			"journeyslo risk: " + good + " gives its target; -config is for a catalog that names an objective (objective: journey:objective)\n" + usage},
		{[]string{"risk", premortem}, exitUsage, "journeyslo risk: " + premortem + " has 1 premortem; give the recorded traffic to judge them on with -traffic\n" + usage},
		{[]string{"risk", "-traffic", good, good}, exitUsage, "journeyslo risk: " + good + " has no premortems to judge on the traffic of -traffic\n" + usage},
		{[]string{"risk", dir + "/none.yaml"}, exitInvalid, dir + "/none.yaml: open: no such file or directory\n"},
		{[]string{"risk", broken}, exitInvalid,
			broken + ":1:9: target: burnrate: invalid target: 99.9 is not below 1; write 0.999 for 99.9%\n" +
				broken + `:3:21: risks[0].ettr: "-2h" is negative; write the time to recover as a positive duration, such as 2h` + "\n" +
				broken + ":3:34: risks[0].impact: 20 is above 1; write 0.2 or 20% for 20% of requests\n" +
				broken + `:3:50: risks[0]: unknown field "mttr"; a risk has the fields name, ettd, ettr, impact, ettf` + "\n"},
		{[]string{"risk", "-config", shopConfig, named}, exitInvalid,
			named + ":1:12: objective checkout:latency is not among the config's objectives; there are checkout:availability, login:availability, search:availability, search:latency\n"},
		{[]string{"risk", "-config", dir + "/none.yaml", named}, exitInvalid, dir + "/none.yaml: open: no such file or directory\n"},
	} {
		res := runCmd(t, tc.args...)
		res.wantStatus(t, tc.status)
		if diff := cmp.Diff(tc.stderr, res.stderr); diff != "" || res.stdout != "" {
			t.Errorf("journeyslo %s: stdout %q, stderr (-want +got):\n%s", strings.Join(tc.args, " "), res.stdout, diff)
		}
	}
}

// monthCSV writes a month of checkout traffic, 1000 events a minute in
// 1-minute samples from the one that ends at 2026-03-01T00:01Z to the one
// that ends at 2026-03-31T00:00Z, as CSV in dir.
func monthCSV(t *testing.T, dir string) string {
	t.Helper()
	samples, err := slobacktest.Scenario{Journey: "checkout", Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Length: 30 * 24 * time.Hour, Rate: 1000.0 / 60}.Samples()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := slobacktest.WriteCSV(&b, samples); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, "month.csv", b.String())
}

func TestRiskPremortems(t *testing.T) {
	dir := t.TempDir()
	month := monthCSV(t, dir)
	path := writeFile(t, dir, "risks.yaml", riskCatalog+`premortems:
  - {name: checkout fails mid-month, journey: checkout, at: 15d, duration: 30m, impact: 100%}
  - {name: a tenth fail for a day, at: 1d, duration: 1d, impact: 10%}
`)
	res := runCmd(t, "risk", "-traffic", month, path)
	res.wantStatus(t, exitOK)
	// The traffic starts a minute before its first sample, at 00:00, as
	// its second interval is a minute long. Mid-month: the span (15d,
	// 15d30m] after it holds 30 samples of 1000 events, all failing, of a
	// budget of 43,200,000 x 0.001 = 43,200: 69.4%. The day: 1440 x
	// 1000 x 0.1 = 144,000 bad, 333.3% of it, alone over the budget.
	want := `Risks against 99.9%: a budget of 526.0 bad minutes a year.

risk               ettd  ettr  impact  ettf  bad min/yr  of budget  note
node pool shrinks  30m   2h    20%     120d  91.3        17.4%
region down        5m    2d    100%    365d  2887.0      548.9%     EXCEEDS THE BUDGET ALONE
total                                        2978.3      566.3%     EXCEEDS THE BUDGET

Premortems on the recorded traffic, at 99.9%:

premortem                 journey   start                 duration  impact  bad events  of budget  note
checkout fails mid-month  checkout  2026-03-16T00:00:00Z  30m       100%    30000       69.4%
a tenth fail for a day    (all)     2026-03-02T00:00:00Z  1d        10%     144000      333.3%     EXCEEDS THE BUDGET ALONE
`
	if diff := cmp.Diff(want, res.stdout); diff != "" || res.stderr != "" {
		t.Errorf("journeyslo risk -traffic %s %s (-want +got):\n%s\nstderr:\n%s", month, path, diff, res.stderr)
	}

	// Traffic that cannot be read, or that lacks the journey.
	badCSV := writeFile(t, dir, "bad.csv", "time,journey,good,bad\n2026-03-01T00:00:00Z,checkout,-1,0\n")
	noJourney := writeFile(t, dir, "nojourney.yaml", riskCatalog+"premortems:\n  - {name: p, journey: login, at: 1d, duration: 30m, impact: 1}\n")
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"risk", "-traffic", badCSV, path}, badCSV + `:2:31: good: "-1" is negative; counts are whole numbers of events, 0 or more` + "\n"},
		{[]string{"risk", "-traffic", dir + "/none.csv", path}, dir + "/none.csv: open: no such file or directory\n"},
		// The file is named once, by the package that tells its extension.
		{[]string{"risk", "-traffic", dir + "/month.txt", path}, "slobacktest: traffic file " + dir + `/month.txt: unknown extension ".txt"; name it .csv (time,journey,good,bad) or .jsonl or .ndjson (JSON lines with the same fields)` + "\n"},
		{[]string{"risk", "-traffic", month, noJourney}, noJourney + `: premortem "p": journey "login" is not in the recorded traffic, which has checkout` + "\n"},
	} {
		res := runCmd(t, tc.args...)
		res.wantStatus(t, exitInvalid)
		if diff := cmp.Diff(tc.stderr, res.stderr); diff != "" || res.stdout != "" {
			t.Errorf("journeyslo %s: stdout %q, stderr (-want +got):\n%s", strings.Join(tc.args, " "), res.stdout, diff)
		}
	}
}

// riskExampleText is what journeyslo risk writes for the committed
// catalog, examples/backtest/risks.yaml, against checkout:availability of
// examples/config/shop.yaml (99.9% over 30 days, the default policy):
// the talk's four risks as package slorisk's tests derive them; the payment
// provider, a full outage, paged after 54 s (the replay's 3 s tick after
// the Workbook's 51.84 s), (0.9 + 60) x 365.25 / 90 = 247.1525; a card
// network, 2% failing, a burn of 20 paged by the 1h window at 14.4 after
// 3600 x 14.4 x 0.001 / 0.02 = 43m12s, (43.2 + 240) x 0.02 x 365.25 / 60 =
// 34.4796; the retries, a burn of 0.5, never detected, 1440 x 0.0005 x
// 365.25 / 90 = 2.922 for their ettr alone, and 0.0005 x 525960 = 262.98
// if they never stopped. In all at least 950.1958..., 180.7% of 525.96.
// The premortems run on examples/backtest/traffic.csv: checkout at 5000
// events a minute on average, swinging by half around noon, x (1 + 0.5
// cos(w (t - noon))) with w = 2 pi / 1d, for three days from its first
// midnight, 21,600,000 events, judged against 30 days at that rate:
// 21.6M x 10 x 0.001 = 216,000. Thirty minutes from noon hold 5000/60 x
// (1800 + 0.5/w sin(1800 w)) = 224,785.9993 events (the scenario's whole
// counts: 224,786), 104.1% of it; thirty from midnight 5000/60 x (1800 -
// 0.5/w sin(1800 w)) = 75,214.0007 (75,214), 34.8%.
const riskExampleText = `Risks against checkout:availability at 99.9%: a budget of 526.0 bad minutes a year.

risk                                                ettd    ettr   impact  ettf   bad min/yr      of budget  note
config error shrinks the node pool                  30m     2h     20%     120d   91.3            17.4%
bad release fails half the requests, slow rollback  5m      2h     50%     180d   126.8           24.1%
database deleted, restored from backup              5m      8h30m  100%    1460d  128.8           24.5%
zone outage drops a third of requests               5m      16h    33%     365d   318.7           60.6%
payment provider down                               54s     1h     100%    90d    247.2           47.0%      ettd from the policy
one card network declines                           43m12s  4h     2%      60d    34.5            6.6%       ettd from the policy
retries fail one checkout in 2000                   never   1d     0.05%   90d    2.9             0.6%       the policy never detects it: counts ettr alone; 263.0 if it never stopped
total                                                                             at least 950.2  180.7%     EXCEEDS THE BUDGET (1 never detected by the policy)

Premortems on the recorded traffic, at 99.9%:

premortem                                        journey   start                 duration  impact  bad events  of budget  note
every checkout fails for 30 minutes at noon      checkout  2026-03-03T12:00:00Z  30m       100%    224786      104.1%     EXCEEDS THE BUDGET ALONE
every checkout fails for 30 minutes at midnight  checkout  2026-03-04T00:00:00Z  30m       100%    75214       34.8%
`

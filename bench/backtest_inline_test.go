package bench

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

func TestInline(t *testing.T) {
	o := slo.Objective{Journey: "checkout", Target: 0.999, Policy: burnrate.Policy{MinEvents: 1000, Rules: []burnrate.Rule{
		{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: burnrate.SeverityPage},
	}}}
	alerts, _, err := inlinedAlerts([]slo.Objective{o})
	if err != nil {
		t.Fatal(err)
	}
	// The alert reads the rule's firing series; that reads the two
	// windows' ratios and the long window's events; each ratio reads its
	// window's events, bad (the outcome matcher moved into the counter's
	// selector) and all.
	events := func(w, outcome string) string {
		return `(sum by (journey, objective, outcome) (increase(journeyslo_sli_events_total{journey="checkout",objective="availability"` + outcome + `}[` + w + `])))`
	}
	ratio := func(w string) string {
		return "(sum without (outcome) (" + events(w, `,outcome="bad"`) + ")\n/\n(sum without (outcome) (" + events(w, "") + ") > 0))"
	}
	want := "((" + ratio("1h") + " >= 0.0144) / 0.001\nand on (journey, objective)\n" + ratio("5m") + " >= 0.0144\n" +
		"and on (journey, objective)\nsum without (outcome) (" + events("1h", "") + ") >= 1000)"
	if len(alerts) != 1 {
		t.Fatalf("%d alerts, want 1 (the page)", len(alerts))
	}
	a := alerts[0]
	if a.expr != want {
		t.Errorf("inlined page alert:\n%s\nwant:\n%s", a.expr, want)
	}
	if a.journey != "checkout" || a.objective != "availability" || a.severity != "page" || a.forDur != 0 {
		t.Errorf("alert %s:%s severity %q for %v, want checkout:availability page for 0s", a.journey, a.objective, a.severity, a.forDur)
	}

	// A for duration stays the alert's; the default policy's ticket alert
	// inlines two rules joined by or.
	alerts, _, err = inlinedAlerts([]slo.Objective{{Journey: "search", Target: 0.99}}, slorules.WithFor(burnrate.SeverityTicket, 15*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 2 || alerts[1].severity != "ticket" || alerts[1].forDur != 15*time.Minute {
		t.Fatalf("default policy: %+v, want a page and a ticket held 15m", alerts)
	}
	if n := strings.Count(alerts[1].expr, "\nor on (journey, objective)\n"); n != 1 {
		t.Errorf("ticket alert has %d or-branches joined, want 1 join of the two ticket rules:\n%s", n, alerts[1].expr)
	}
	for _, w := range []string{"[1d]", "[2h]", "[3d]", "[6h]"} {
		if !strings.Contains(alerts[1].expr, w) {
			t.Errorf("ticket alert reads no %s window:\n%s", w, alerts[1].expr)
		}
	}
	if strings.Contains(alerts[1].expr, "journey_objective") {
		t.Errorf("ticket alert still reads a recorded series:\n%s", alerts[1].expr)
	}
}

func TestInlineRefuses(t *testing.T) {
	rules := []slorules.Rule{
		{Record: "a:events:sum", Expr: `sum by (journey, outcome) (increase(c_total{journey="x"}[5m]))`, Labels: map[string]string{"journey": "x", "window": "5m"}},
		{Record: "a:events:sum", Expr: `sum by (journey, outcome) (increase(c_total{journey="y"}[5m]))`, Labels: map[string]string{"journey": "y", "window": "5m"}},
		{Record: "a:ratio", Expr: `a:events:sum{outcome="bad"} / a:events:sum`, Labels: map[string]string{"journey": "x"}},
		{Record: "a:loop", Expr: `a:loop + 1`, Labels: map[string]string{}},
	}
	for _, tc := range []struct{ expr, want string }{
		{`a:events:sum{journey="x"}[1h]`, "inlining it would need a subquery"},
		{`a:events:sum{journey="x"} offset 5m`, "inlining it would need a subquery"},
		{`a:events:sum{journey="z"}`, "no recording rule of that name has labels that match"},
		{`a:events:sum{window="5m"}`, "2 recording rules match"},
		{`a:events:sum{journey="x",job="api"}`, "label job is not among those the sum keeps (journey, outcome)"},
		{`a:ratio{tier="1"}`, "is not sum by (...) (fn(counter{...}[w]))"},
		{`a:loop`, "in a cycle"},
		{`a:events:sum{journey="x`, "unterminated string"},
		{`a:events:sum{journey~"x"}`, "want =, !=, =~ or !~ after journey"},
	} {
		got, err := inline(tc.expr, rules)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("inline(%q) = %q, %v; want an error saying %q", tc.expr, got, err, tc.want)
		}
	}
	// Matchers by regular expression and inequality pick the rule; names
	// inside strings and other names are left alone.
	got, err := inline(`a:events:sum{journey=~"x|q", window!="1h", outcome='bad'} > on() group_left label_replace(vector(1), "n", "a:ratio", "", "")`, rules)
	if err != nil {
		t.Fatal(err)
	}
	want := `(sum by (journey, outcome) (increase(c_total{journey="x",outcome="bad"}[5m]))) > on() group_left label_replace(vector(1), "n", "a:ratio", "", "")`
	if got != want {
		t.Errorf("inline:\n%s\nwant:\n%s", got, want)
	}
}

func TestBacktestTraffic(t *testing.T) {
	objs := []slo.Objective{
		slo.Objective{Journey: "j0", Target: 0.999}.WithDefaults(),
		slo.Objective{Journey: "j1", Target: 0.99}.WithDefaults(),
	}
	start := backtestStart
	incidents := []slobacktest.Incident{{Journey: "j1", Start: start.Add(90 * time.Minute), Duration: 10 * time.Minute, ErrorRatio: 1}}
	tr := newBacktestTraffic(objs, start, 3*60, incidents)
	// Objective 0 gets 30 events a minute times its load, 1 + 0.8 sin of
	// the minute's share of the day: 1 + 0.8 sin(0) = 1 at midnight, so 30
	// events in minute 0 with a 0.1% budget and a background ratio of half
	// of it: 0.015 bad (owed), 29 good and 0.985 owed.
	if tr.good[0][0] != 29 || tr.bad[0][0] != 0 {
		t.Errorf("objective 0, minute 0: %d good, %d bad; want 29 and 0", tr.good[0][0], tr.bad[0][0])
	}
	// Objective 1 gets 100 times as much; the incident fails all of it.
	for m := 90; m < 100; m++ {
		if tr.good[1][m] != 0 || tr.bad[1][m] < 2000 {
			t.Errorf("objective 1, minute %d of the outage: %d good, %d bad; want none good, thousands bad", m, tr.good[1][m], tr.bad[1][m])
		}
	}
	if tr.good[1][100] < 2000 || tr.bad[1][100] > 100 {
		t.Errorf("objective 1, the minute after the outage: %d good, %d bad; want the background's thousands good, tens bad", tr.good[1][100], tr.bad[1][100])
	}
	// No event is lost to rounding: over three hours, the events are the
	// load's integral within the one event each outcome may still owe.
	for i := range objs {
		var sum, want float64
		for m := range tr.minutes {
			sum += float64(tr.good[i][m]) + float64(tr.bad[i][m])
			at := start.Add(time.Duration(m) * time.Minute)
			phase := 2 * math.Pi * float64(i%7) / 7
			want += 30 * math.Pow(100, float64(i)) * (1 + 0.8*math.Sin(2*math.Pi*float64(at.Hour()*60+at.Minute())/1440+phase))
		}
		if sum > want || sum < want-2 {
			t.Errorf("objective %d: %v events over three hours, want %v less at most 2 owed", i, sum, want)
		}
	}

	// The samples are the same events, minute by minute, each at its
	// minute's end.
	samples := tr.samples()
	if len(samples) != 2*3*60 {
		t.Fatalf("%d samples, want %d", len(samples), 2*3*60)
	}
	for k, s := range samples {
		m, i := k/2, k%2
		want := slobacktest.Sample{Time: start.Add(time.Duration(m+1) * time.Minute), Journey: objs[i].Journey, Good: uint64(tr.good[i][m]), Bad: uint64(tr.bad[i][m])}
		if s != want {
			t.Fatalf("sample %d: %+v, want %+v", k, s, want)
		}
	}

	// The counters are the same events, cumulated, at every minute
	// boundary from 0 at start.
	var om bytes.Buffer
	if err := tr.writeOpenMetrics(&om); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(om.String(), "\n")
	if n := 1 + 2*2*(3*60+1) + 2; len(lines) != n {
		t.Fatalf("%d lines of OpenMetrics, want %d", len(lines), n)
	}
	if lines[0] != "# TYPE journeyslo_sli_events counter" || lines[len(lines)-2] != "# EOF" {
		t.Errorf("OpenMetrics starts %q and ends %q, want the family's TYPE and # EOF", lines[0], lines[len(lines)-2])
	}
	var good1 uint64
	for m := range 100 {
		good1 += uint64(tr.good[1][m])
	}
	// Objective 1's good counter is its fourth block of 181 lines, after
	// objective 0's bad and good and objective 1's bad.
	want := `journeyslo_sli_events_total{journey="j1",objective="availability",outcome="good"} ` + strconv.FormatUint(good1, 10) + " " + strconv.FormatInt(start.Add(100*time.Minute).Unix(), 10)
	if got := lines[1+3*181+100]; got != want {
		t.Errorf("line of objective 1's good counter at minute 100:\n%s\nwant:\n%s", got, want)
	}
	if got, want := lines[1], `journeyslo_sli_events_total{journey="j0",objective="availability",outcome="bad"} 0 `+strconv.FormatInt(start.Unix(), 10); got != want {
		t.Errorf("first sample:\n%s\nwant:\n%s", got, want)
	}

	// The month's layout gives objective 0 an outage, 1 a burn of 20 for
	// six hours, 2 a burn of 4 for a day, 3 a 5-minute outage, 4 nothing.
	month := monthIncidents(fleetObjectivesList(), backtestStart, backtestDays)
	if len(month) != 80 {
		t.Fatalf("%d incidents in the month, want 80 (four of every five objectives)", len(month))
	}
	for k, want := range []slobacktest.Incident{
		{Journey: "j00", Start: backtestStart.Add(4 * 24 * time.Hour), Duration: 30 * time.Minute, ErrorRatio: 1},
		{Journey: "j01", Start: backtestStart.Add(11*24*time.Hour + 5*time.Hour), Duration: 6 * time.Hour, ErrorRatio: 20 * burnrate.ErrorBudget(0.995)},
		{Journey: "j02", Start: backtestStart.Add(18*24*time.Hour + 10*time.Hour), Duration: 24 * time.Hour, ErrorRatio: 4 * burnrate.ErrorBudget(0.99)},
		{Journey: "j03", Start: backtestStart.Add(25*24*time.Hour + 15*time.Hour), Duration: 5 * time.Minute, ErrorRatio: 1},
		{Journey: "j05", Start: backtestStart.Add(16*24*time.Hour + 1*time.Hour), Duration: 30 * time.Minute, ErrorRatio: 1},
	} {
		if month[k] != want {
			t.Errorf("incident %d: %+v, want %+v", k, month[k], want)
		}
	}
	for _, in := range month {
		if in.End().After(backtestStart.Add((backtestDays - 1) * 24 * time.Hour)) {
			t.Errorf("incident %+v ends less than a day before the month", in)
		}
	}
}

// TestInlinedAlertsMatchRecordedRules checks that inlining is exact: the
// generated rules evaluated the long way, each level of recordings
// computed over the span and backfilled before the next reads it
// (promtest.EvaluateRules, as a server running the rules every minute
// would have recorded them), fire at exactly the minutes the inlined alert
// expressions fire at in one range query each.
func TestInlinedAlertsMatchRecordedRules(t *testing.T) {
	promtest.Promtool(t)
	objs := []slo.Objective{
		slo.Objective{Journey: "j0", Target: 0.999}.WithDefaults(),
		slo.Objective{Journey: "j1", Target: 0.995}.WithDefaults(),
		slo.Objective{Journey: "j2", Target: 0.99}.WithDefaults(),
		slo.Objective{Journey: "j3", Target: 0.999}.WithDefaults(),
	}
	start, day := backtestStart, 24*time.Hour
	incidents := []slobacktest.Incident{
		{Journey: "j0", Start: start.Add(day + 3*time.Hour), Duration: 30 * time.Minute, ErrorRatio: 1},
		{Journey: "j1", Start: start.Add(2*day + time.Hour), Duration: 6 * time.Hour, ErrorRatio: 20 * 0.005},
		{Journey: "j2", Start: start.Add(day + 12*time.Hour), Duration: day, ErrorRatio: 4 * 0.01},
		{Journey: "j3", Start: start.Add(3*day + 10*time.Hour), Duration: 5 * time.Minute, ErrorRatio: 1},
	}
	tr := newBacktestTraffic(objs, start, 4*24*60, incidents)
	var base promtest.Samples
	for i, o := range objs {
		var good, bad uint64
		for m := 0; m <= tr.minutes; m++ {
			if m > 0 {
				good += uint64(tr.good[i][m-1])
				bad += uint64(tr.bad[i][m-1])
			}
			at := start.Add(time.Duration(m) * time.Minute)
			base.Add("counter", slorules.Counter, map[string]string{"journey": o.Journey, "objective": o.Name, "outcome": "good"}, at, float64(good))
			base.Add("counter", slorules.Counter, map[string]string{"journey": o.Journey, "objective": o.Name, "outcome": "bad"}, at, float64(bad))
		}
	}
	alerts, file, err := inlinedAlerts(objs)
	if err != nil {
		t.Fatal(err)
	}
	var rules []promtest.Rule
	for _, g := range file.Groups {
		if g.Interval != 0 {
			continue // the period's group, which no alert reads
		}
		for _, r := range g.Rules {
			rules = append(rules, r)
		}
	}
	first, last := tr.evaluationSpan()
	ev := promtest.EvaluateRules(t, &base, rules, first, last, backtestStep)
	if ev.Servers != 4 {
		t.Errorf("%d servers, want 4: events, ratios, firing rules, alerts", ev.Servers)
	}
	recorded := map[[3]string][]int32{}
	for _, a := range ev.Alerts {
		k := [3]string{string(a.Labels["journey"]), string(a.Labels["objective"]), string(a.Labels["severity"])}
		for _, at := range a.Firing {
			recorded[k] = append(recorded[k], int32(at.Sub(first)/backtestStep))
		}
	}
	inlined, err := evalAlerts(context.Background(), ev.Server.API, alerts, first, last, backtestStep, 2)
	if err != nil {
		t.Fatal(err)
	}
	var pages, tickets int
	for a, got := range inlined {
		k := [3]string{alerts[a].journey, alerts[a].objective, alerts[a].severity}
		want := recorded[k]
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s:%s %s: inlined fires at %d minutes in %d episodes, the recorded rules at %d in %d", k[0], k[1], k[2], len(got), episodes(got), len(want), episodes(want))
		}
		delete(recorded, k)
		t.Logf("%s:%s %s: %d minutes firing in %d episodes", k[0], k[1], k[2], len(got), episodes(got))
		if k[2] == "page" {
			pages += len(got)
		} else {
			tickets += len(got)
		}
	}
	for k := range recorded {
		t.Errorf("the recorded rules raise %v, which no inlined alert is", k)
	}
	// Every objective's incident raises an alert, so the comparison is not
	// of empty sets.
	if pages == 0 || tickets == 0 {
		t.Errorf("%d minutes paging and %d ticketing, want some of each", pages, tickets)
	}
}

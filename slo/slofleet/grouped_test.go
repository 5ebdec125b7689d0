package slofleet_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slofleet"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// TestGroupedIsItsWorstGroup: an objective over a shop's own
// http_requests_total, grouped by cluster, read back by the fleet's
// client, is the Status of its worst cluster: the same, field for field,
// as an objective of that cluster alone (its Source selecting it), from
// the same rule file in the same engine. Six hours of 10 requests a
// second in each cluster, eu failing every request for its last ten
// minutes: eu pages, us is fine, the grouped objective pages as eu.
func TestGroupedIsItsWorstGroup(t *testing.T) {
	promtest.Promtool(t)
	source := func(cluster string) *slo.Source {
		return &slo.Source{
			Bad:   `http_requests_total{handler="/checkout",code=~"5.."` + cluster + `}`,
			Total: `http_requests_total{handler="/checkout"` + cluster + `}`,
		}
	}
	objs := []slo.Objective{
		{Journey: "checkout", Target: 0.999, GroupBy: []string{"cluster"}, Source: source("")},
		{Journey: "checkout", Name: "eu", Target: 0.999, Source: source(`,cluster="eu"`)},
		{Journey: "checkout", Name: "us", Target: 0.999, Source: source(`,cluster="us"`)},
	}
	var samples promtest.Samples
	const span = 6 * time.Hour
	var count [2][2]float64 // [cluster][ok, failed]
	for at := time.Duration(0); at <= span; at += scrape {
		for c, cluster := range []string{"eu", "us"} {
			if at > 0 {
				n := 10 * scrape.Seconds()
				if c == 0 && at > span-10*time.Minute {
					count[c][1] += n
				} else {
					count[c][0] += n
				}
			}
			for k, code := range []string{"200", "503"} {
				samples.Add("counter", "http_requests_total", map[string]string{"handler": "/checkout", "code": code, "cluster": cluster},
					start.Add(at), count[c][k])
			}
		}
	}
	file, err := slorules.Generate(objs)
	if err != nil {
		t.Fatal(err)
	}
	var rules []promtest.Rule
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				rules = append(rules, r)
			}
		}
	}
	at := start.Add(span)
	ev := promtest.EvaluateRules(t, &samples, rules, at.Add(-step), at, step)
	client, err := slofleet.New(objs, ev.Server.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, err := client.StatusAt(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	grouped, eu, us := got[0], got[1], got[2]
	if eu.State != burnrate.SeverityPage || eu.Rule != "page-1h-5m" || us.State != burnrate.SeverityOK || us.Bad != 0 {
		t.Fatalf("eu %v (%s), us %v with %d bad; want eu paging on page-1h-5m, us ok without a bad event", eu.State, eu.Rule, us.State, us.Bad)
	}
	if eu.Good+eu.Bad != 216000 || eu.Bad != 6000 {
		t.Errorf("eu counts %d good, %d bad; want 210000 and 6000", eu.Good, eu.Bad)
	}
	want := eu
	want.Objective = "availability"
	if diff := cmp.Diff(want, grouped); diff != "" {
		t.Errorf("the grouped objective differs from its worst cluster's (-eu +grouped):\n%s", diff)
	}
}

// TestNewRefusesErrorRatio: an ErrorRatio source has no counts to build a
// Status from; New says so and what to give instead.
func TestNewRefusesErrorRatio(t *testing.T) {
	_, err := slofleet.New([]slo.Objective{{Journey: "search", Target: 0.99, Source: &slo.Source{
		ErrorRatio: `sum(rate(e_total[{{.window}}])) / sum(rate(r_total[{{.window}}]))`,
	}}}, "http://localhost:9090")
	const want = "slofleet: New: objective 0 (search:availability): its Source is an ErrorRatio, whose rules record no event counts, which the fleet's Status is made of; give the Source's Bad and Total instead, or leave the objective out"
	if !errors.Is(err, slo.ErrInvalid) || err.Error() != want {
		t.Errorf("New() = %v;\nwant %s", err, want)
	}
}

// TestGroupedHistoryIsItsWorstGroup: the History of an objective grouped by
// cluster, read from the real engine's series over six hours, is its
// worst cluster's: the same burn-down, recent burn and episodes as an
// objective of that cluster alone (its Source selecting it), from the
// same rule file, named by its Group. Each cluster serves 10 requests a
// second; us fails every request for five minutes three hours before the
// end (a page that ended), eu for the last ten minutes (a page still
// firing): the grouped objective pages as eu, and us's ended page is not
// among its episodes.
func TestGroupedHistoryIsItsWorstGroup(t *testing.T) {
	promtest.Promtool(t)
	source := func(cluster string) *slo.Source {
		return &slo.Source{
			Bad:   `http_requests_total{handler="/checkout",code=~"5.."` + cluster + `}`,
			Total: `http_requests_total{handler="/checkout"` + cluster + `}`,
		}
	}
	const period = 24 * time.Hour
	objs := []slo.Objective{
		{Journey: "checkout", Target: 0.999, Period: period, GroupBy: []string{"cluster"}, Source: source("")},
		{Journey: "checkout", Name: "eu", Target: 0.999, Period: period, Source: source(`,cluster="eu"`)},
		{Journey: "checkout", Name: "us", Target: 0.999, Period: period, Source: source(`,cluster="us"`)},
	}
	var samples promtest.Samples
	const span = 6 * time.Hour
	var count [2][2]float64 // [cluster][ok, failed]
	for at := time.Duration(0); at <= span; at += scrape {
		for c, cluster := range []string{"eu", "us"} {
			if at > 0 {
				n := 10 * scrape.Seconds()
				failing := c == 0 && at > span-10*time.Minute ||
					c == 1 && at > span-3*time.Hour && at <= span-3*time.Hour+5*time.Minute
				if failing {
					count[c][1] += n
				} else {
					count[c][0] += n
				}
			}
			for k, code := range []string{"200", "503"} {
				samples.Add("counter", "http_requests_total", map[string]string{"handler": "/checkout", "code": code, "cluster": cluster},
					start.Add(at), count[c][k])
			}
		}
	}
	file, err := slorules.Generate(objs)
	if err != nil {
		t.Fatal(err)
	}
	var rules []promtest.Rule
	for _, g := range file.Groups {
		rules = append(rules, g.Rules...)
	}
	at := start.Add(span)
	ev := promtest.EvaluateRules(t, &samples, rules, start.Add(step), at, step)
	// The ALERTS series the rule manager writes while an alert fires, at
	// every minute of the evaluation interval during which it fired.
	for _, a := range ev.Alerts {
		labels := map[string]string{"alertstate": "firing"}
		for k, v := range a.Labels {
			labels[string(k)] = string(v)
		}
		for _, f := range a.Firing {
			for m := range step / time.Minute {
				if t := f.Add(m * time.Minute); !t.After(at) {
					ev.Samples.Add("gauge", "ALERTS", labels, t, 1)
				}
			}
		}
	}
	prom := promtest.Start(t, promtest.Backfill(t, ev.Samples.Bytes()), promtest.Config{Flags: []string{"--query.lookback-delta=2m30s"}})
	client, err := slofleet.New(objs, prom.URL)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := client.HistoryAt(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 3 {
		t.Fatalf("%d histories, want 3", len(hs))
	}
	grouped, eu, us := hs[0], hs[1], hs[2]
	if eu.Status.State != burnrate.SeverityPage || us.Status.State != burnrate.SeverityOK {
		t.Fatalf("eu %v, us %v; want eu paging, us ok", eu.Status.State, us.Status.State)
	}
	// us's page ended two hours and fifty minutes before the end; eu's
	// is open.
	if len(us.Episodes) != 1 || us.Episodes[0].Open() || us.Episodes[0].Severity != burnrate.SeverityPage ||
		len(eu.Episodes) != 1 || !eu.Episodes[0].Open() || eu.Episodes[0].Severity != burnrate.SeverityPage {
		t.Fatalf("episodes: eu %+v, us %+v; want one open page in eu, one ended page in us", eu.Episodes, us.Episodes)
	}
	if diff := cmp.Diff(map[string]string{"cluster": "eu"}, grouped.Group); diff != "" {
		t.Errorf("Group (-want +got):\n%s", diff)
	}
	if eu.Group != nil || us.Group != nil {
		t.Errorf("Group of objectives without GroupBy: eu %v, us %v; want none", eu.Group, us.Group)
	}
	want := eu
	want.Status.Objective = "availability"
	want.Group = map[string]string{"cluster": "eu"}
	want.Episodes = slices.Clone(eu.Episodes)
	for i := range want.Episodes {
		want.Episodes[i].Objective = "availability"
	}
	if diff := cmp.Diff(want, grouped); diff != "" {
		t.Errorf("the grouped objective's History differs from its worst cluster's (-eu +grouped):\n%s", diff)
	}
}

package slofleet_test

import (
	"context"
	"errors"
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

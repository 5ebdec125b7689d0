package slostatus_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// The page announces a planned exclusion in force (until when) and one to
// come within the week, in HTML and JSON, over a real server.
func TestStatusPageExclusions(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	at := time.Date(2026, 3, 29, 1, 15, 0, 0, time.UTC) // 03:15 CEST, the night clocks spring forward
	mock := clock.NewMock()
	mock.Set(at)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}, {Journey: "search", Target: 0.99}},
		slo.WithClock(mock), slo.WithManualAdvance(),
		slo.WithExclusions(
			slo.Exclusion{Reason: "database vacuum", Start: time.Date(2026, 3, 22, 3, 0, 0, 0, paris), Duration: time.Hour, Rule: "FREQ=WEEKLY;BYDAY=SU"},
			slo.Exclusion{Reason: "payment provider migration", Start: time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC), Duration: 30 * time.Minute, Journeys: []string{"checkout"}},
			slo.Exclusion{Reason: "next quarter", Start: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), Duration: time.Hour}))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	reg.Advance(at)
	srv := serve(t, slostatus.StatusPage(reg))

	_, body := fetch(t, srv, "GET", "/")
	for _, want := range []string{
		`<li class="active">Planned exclusion in force until Mar 29 02:00 UTC (every journey): database vacuum; its events count neither good nor bad</li>`,
		`<li>Planned exclusion from Apr 1 10:00 UTC to Apr 1 10:30 UTC (checkout): payment provider migration; its events count neither good nor bad</li>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, "next quarter") {
		t.Error("page announces an exclusion more than a week ahead")
	}

	_, body = fetch(t, srv, "GET", "/?format=json")
	var got struct {
		Exclusions []struct {
			Reason, Start, End string
			Journeys           []string
			Active             bool
		}
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Exclusions) != 2 ||
		got.Exclusions[0].Reason != "database vacuum" || got.Exclusions[0].Start != "2026-03-29T01:00:00Z" || got.Exclusions[0].End != "2026-03-29T02:00:00Z" || !got.Exclusions[0].Active ||
		got.Exclusions[1].Reason != "payment provider migration" || got.Exclusions[1].Start != "2026-04-01T10:00:00Z" || got.Exclusions[1].Active ||
		len(got.Exclusions[1].Journeys) != 1 || got.Exclusions[1].Journeys[0] != "checkout" {
		t.Errorf("JSON exclusions = %+v", got.Exclusions)
	}
}

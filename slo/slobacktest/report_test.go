package slobacktest_test

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// outage is two hours of 1000 events a minute with a 12-minute full outage
// from 1h, replayed under the baselines and the objective's policy.
func outage(t *testing.T) *slobacktest.Result {
	t.Helper()
	start := t0.Add(time.Hour)
	traffic := minutely("checkout", t0, t0.Add(2*time.Hour), 1000, during(start, 12*time.Minute, 1))
	res, err := slobacktest.Run(traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.999}}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The JSON of a replay is testdata/outage.json, byte for byte: its field
// names are the documented ones, its figures those of the replay (see
// ExampleRun for the same outage), with no float noise.
func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := outage(t).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("JOURNEYSLO_UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile("testdata/outage.json", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/outage.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("WriteJSON differs from testdata/outage.json (JOURNEYSLO_UPDATE_GOLDEN=1 rewrites it):\n%s", buf.String())
	}
	// No figure carries more than 12 significant digits.
	for _, n := range regexp.MustCompile(`[0-9]+\.[0-9]+`).FindAll(buf.Bytes(), -1) {
		digits := strings.TrimLeft(strings.Replace(string(n), ".", "", 1), "0")
		if len(digits) > 12 {
			t.Errorf("WriteJSON writes %s: float noise", n)
		}
	}
	var v struct {
		Objectives []struct {
			Policies []struct {
				Name          string
				MeanDetection *string
				Precision     float64
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if p := v.Objectives[0].Policies[2]; p.Name != "objective" || p.MeanDetection == nil || *p.MeanDetection != "54s" || p.Precision != 1 {
		t.Errorf("policies[2] = %+v, want objective, detected after 54s, precision 1", p)
	}
}

// The HTML report is one self-contained page: its own style sheet allowed
// by hash, no script, nothing fetched, the title escaped, and a span on
// the timeline for every ticket and page of the replay.
func TestWriteHTML(t *testing.T) {
	res := outage(t)
	var buf bytes.Buffer
	if err := res.WriteHTML(&buf, "Checkout <b>backtest</b>"); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-`,
		"<title>Checkout &lt;b&gt;backtest&lt;/b&gt;</title>",
		`<g class="lane" data-policy="threshold">`,
		`<g class="lane" data-policy="burnrate-1h">`,
		`<g class="lane" data-policy="objective">`,
		// The objective's page from 54s into the outage to 29m51s after
		// its end, then its ticket to the replay's end.
		`data-state="page" data-start="2026-01-05T01:00:54Z" data-end="2026-01-05T01:41:51Z" data-rule="page-1h-5m"`,
		`data-state="ticket" data-start="2026-01-05T01:41:51Z" data-end="2026-01-05T02:00:00Z" data-rule="ticket-1d-2h"`,
		`<tr><th scope="row">objective</th><td>1</td><td>1</td><td>0</td><td>40m57s</td><td>100.0%</td><td>100.0%</td><td>54s</td><td>29m51s</td></tr>`,
		// Every column and baseline is explained on the report itself.
		`<h2 id="explain-h">What each figure means</h2>`,
		`<dt>tickets</dt><dd>Episodes that spent time at ticket.`,
		`<dt>precision</dt><dd>The share of pages about a significant incident`,
		`<dt>recall</dt><dd>The share of significant incidents a page answered`,
		`<dt>detection</dt><dd>The mean time from a significant incident's start to its first page`,
		`<dt>reset</dt><dd>The mean time from a significant incident's end to the end of its page`,
		`<dt>threshold</dt><dd>A baseline:`,
		`<dt>burnrate-1h</dt><dd>A baseline:`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	for _, banned := range []string{"<script", "src=", "href=", "@import", "url("} {
		if strings.Contains(page, banned) {
			t.Errorf("the report holds %q: it must fetch and run nothing", banned)
		}
	}
	spans := 0
	for _, p := range res.Objectives[0].Policies {
		for _, s := range p.Spans {
			if s.State.String() != "ok" {
				spans++
			}
		}
	}
	if got := strings.Count(page, `<rect class="span `); got != spans || spans != 4 {
		t.Errorf("%d spans drawn, %d in the replay; want 4 (a page each, and the objective's ticket)", got, spans)
	}
}

// A target is written with all its digits: 99.95%, not 100.0%.
func TestReportTarget(t *testing.T) {
	traffic := minutely("checkout", t0, t0.Add(time.Hour), 1000, func(time.Time) float64 { return 0 })
	res, err := slobacktest.Run(traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.9995}}})
	if err != nil {
		t.Fatal(err)
	}
	var text, page bytes.Buffer
	if err := res.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteHTML(&page, ""); err != nil {
		t.Fatal(err)
	}
	if want := "checkout:availability at 99.95% over 30d: 0 incidents"; !strings.Contains(text.String(), want) {
		t.Errorf("the table lacks %q:\n%s", want, text.String())
	}
	if want := "99.95% over 30d · 0 incidents"; !strings.Contains(page.String(), want) {
		t.Errorf("the page lacks %q", want)
	}
}

//go:build unix

package slostatus_test

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/internal/testenv"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// A calendar month and a composite, as a phone and a wall screen show
// them: the month's name and reset and the shop's card are on the page,
// and nothing runs off the screen or out of its card.
func TestStatusPageCalendarCompositeInBrowser(t *testing.T) {
	chromium := testenv.Chromium(t)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	mock := clock.NewMock()
	// Serving quietly since the month began: the data covers the month so
	// far, so the page claims its budgets.
	mock.Set(time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC))
	month := slo.Calendar{Unit: slo.CalendarMonth, Start: time.Date(2022, 1, 1, 0, 0, 0, 0, paris)}
	reg, err := slo.New([]slo.Objective{
		{Journey: "checkout", Target: 0.999, Calendar: &month},
		{Journey: "search", Target: 0.99},
		{Journey: "shop", Target: 0.99, Calendar: &month, Composite: &slo.Composite{Components: []slo.Component{
			{Journey: "checkout", Weight: 2}, {Journey: "search", Weight: 0.5}}}},
	}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	mock.Set(time.Date(2026, 12, 7, 19, 0, 0, 0, time.UTC))
	if err := reg.Advance(mock.Now()); err != nil {
		t.Fatal(err)
	}
	checkout, _ := reg.Journey("checkout")
	search, _ := reg.Journey("search")
	checkout.Add(10000, 5)
	search.Add(1000, 4)
	mock.Add(time.Hour)
	if err := reg.Advance(mock.Now()); err != nil {
		t.Fatal(err)
	}
	// What the browser built: the month's name and reset on checkout's
	// card and the shop's, and the shop's budget of weighted events
	// (2*10000 + 0.5*1000 good, 2*5 + 0.5*4 bad).
	dom := testenv.RunChromium(t, chromium, "--dump-dom", serve(t, slostatus.StatusPage(reg)).URL+"/slo")
	for _, want := range []string{
		`<p class="goal">99.9% good over December 2026 (Europe/Paris), resets in 24d 3h</p>`,
		`<h3 id="o2-h">shop <span class="objective">availability</span></h3>`,
		`<p class="goal">99% good over December 2026 (Europe/Paris), resets in 24d 3h</p>`,
		`title="12 bad events of 205 allowed over December 2026 (Europe/Paris)">12 of 205 spent</span>`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("rendered DOM:\n%s", dom)
	}
	page := probed(slostatus.StatusPage(reg))
	for _, sc := range screens {
		url := framed(t, sc, "/slo", page)
		dom := testenv.RunChromium(t, chromium, fmt.Sprintf("--window-size=%d,%d", sc.width, sc.height), "--dump-dom", url)
		_, rest, ok := strings.Cut(dom, `<pre id="probe">`)
		raw, _, ok2 := strings.Cut(rest, "</pre>")
		if !ok || !ok2 {
			t.Fatalf("%s: the page holds no probe's measures", sc.name)
		}
		var p probe
		if err := json.Unmarshal([]byte(html.UnescapeString(raw)), &p); err != nil {
			t.Fatalf("%s: the probe's measures: %v", sc.name, err)
		}
		if p.InnerWidth != sc.width || p.ScrollWidth > p.InnerWidth {
			t.Errorf("%s: the document is %d px wide in a window of %d, want %d", sc.name, p.ScrollWidth, p.InnerWidth, sc.width)
		}
		if len(p.Cards) != 3 {
			t.Errorf("%s: %d cards, want 3", sc.name, len(p.Cards))
		}
		for _, c := range p.Cards {
			if c.ScrollWidth > c.ClientWidth {
				t.Errorf("%s: card %s holds %d px in %d", sc.name, c.Card, c.ScrollWidth, c.ClientWidth)
			}
			inside(t, sc, "card "+c.Card, c.Box, p.InnerWidth)
		}
		for _, it := range append(p.Budgets, p.Charts...) {
			inside(t, sc, fmt.Sprintf("%q of %s", it.Text, it.Card), it.Box, p.InnerWidth)
		}
	}
}

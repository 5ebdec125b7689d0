//go:build unix

package slostatus_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/internal/shopmonth"
	"github.com/journeyslo/journeyslo/internal/testenv"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// probeScript measures the page as the browser laid it out, and writes
// the measures into the document for --dump-dom to print. The page itself
// runs no script (its CSP forbids it); the test adds this one to a copy of
// the page's HTML, served without the CSP, so that the layout measured is
// the page's own.
const probeScript = `<script>
(function () {
  function box(e) {
    var b = e.getBoundingClientRect();
    return {left: b.left, right: b.right, width: b.width, height: b.height};
  }
  function each(sel) {
    return Array.prototype.map.call(document.querySelectorAll(sel), function (e) {
      var card = e.closest('.card');
      return {card: card ? card.getAttribute('aria-labelledby') : '', text: e.textContent.trim().slice(0, 24), box: box(e)};
    });
  }
  var out = {
    innerWidth: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    cards: Array.prototype.map.call(document.querySelectorAll('.card'), function (c) {
      return {card: c.getAttribute('aria-labelledby'), scrollWidth: c.scrollWidth, clientWidth: c.clientWidth, box: box(c)};
    }),
    badges: each('.card .badge'),
    budgets: each('.card .budget .value'),
    exhausts: each('.card .exhaust .value'),
    charts: each('.card svg.chart'),
    reviewRows: each('.review tbody tr'),
    exclusions: each('.exclusions li')
  };
  // The page is in a frame of the screen's size (see framed): the
  // measures go to the top document, which --dump-dom prints.
  var pre = window.parent.document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  window.parent.document.body.appendChild(pre);
})();
</script>`

type probeBox struct {
	Left, Right, Width, Height float64
}

type probeItem struct {
	Card, Text string
	Box        probeBox
}

type probe struct {
	InnerWidth, ScrollWidth int
	Cards                   []struct {
		Card                     string
		ScrollWidth, ClientWidth int
		Box                      probeBox
	}
	Badges, Budgets, Exhausts, Charts []probeItem
	ReviewRows                        []probeItem
	Exclusions                        []probeItem
}

// probed serves h's HTML with probeScript before </body>, and without the
// page's Content-Security-Policy, which would refuse it. It asks h for the
// page uncompressed, to edit it.
func probed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		r = r.Clone(r.Context())
		r.Header.Del("Accept-Encoding")
		h.ServeHTTP(rec, r)
		body := bytes.Replace(rec.Body.Bytes(), []byte("</body>"), []byte(probeScript+"\n</body>"), 1)
		w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

// framed serves, at /, a document whose only content is the page at path
// in a frame of the screen's size, and the page at path. Headless
// Chromium lays a window out 500 px wide at least, whatever its
// --window-size; a frame is a viewport of exactly its own size, media
// queries included, and at the window's top left it is what a screenshot
// of that size shows.
func framed(t *testing.T, sc screen, path string, page http.Handler) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(path, page)
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html><head><meta charset="utf-8"><style>html, body { margin: 0; overflow: hidden; }</style></head>`+
			`<body><iframe src="%s" width="%d" height="%d" style="display: block; border: 0"></iframe></body></html>`, path, sc.width, sc.height)
	})
	return serve(t, mux).URL + "/"
}

// At a phone's width and a wall screen's, nothing runs off the screen:
// the document is no wider than the window, no card is wider than itself,
// and every objective's state badge, budget figure, "runs out in" figure,
// chart and row of the review lie inside the window, with a size.
func TestStatusPageFitsScreens(t *testing.T) {
	chromium := testenv.Chromium(t)
	f := shopmonth.New(t)
	page := probed(slostatus.StatusPage(f.Reg, slostatus.WithTitle("Shop error budgets")))
	objectives, claims := len(f.Reg.Status()), 0
	for _, st := range f.Reg.Status() {
		if st.Budget != slo.BudgetTooFewEvents {
			claims++ // and a runs-out-in figure
		}
	}
	for _, sc := range screens {
		url := framed(t, sc, "/slo", page)
		dom := testenv.RunChromium(t, chromium, fmt.Sprintf("--window-size=%d,%d", sc.width, sc.height), "--dump-dom", url)
		_, rest, ok := strings.Cut(dom, `<pre id="probe">`)
		raw, _, ok2 := strings.Cut(rest, "</pre>")
		if !ok || !ok2 {
			t.Fatalf("%s: the page holds no probe's measures:\n%s", sc.name, dom)
		}
		var p probe
		if err := json.Unmarshal([]byte(html.UnescapeString(raw)), &p); err != nil {
			t.Fatalf("%s: the probe's measures: %v\n%s", sc.name, err, raw)
		}
		if p.InnerWidth != sc.width {
			t.Fatalf("%s: the window is %d px wide, want %d", sc.name, p.InnerWidth, sc.width)
		}
		if p.ScrollWidth > p.InnerWidth {
			t.Errorf("%s: the document is %d px wide, in a window of %d", sc.name, p.ScrollWidth, p.InnerWidth)
		}
		if len(p.Cards) != objectives {
			t.Errorf("%s: %d cards, want %d", sc.name, len(p.Cards), objectives)
		}
		for _, c := range p.Cards {
			if c.ScrollWidth > c.ClientWidth {
				t.Errorf("%s: card %s holds %d px in %d", sc.name, c.Card, c.ScrollWidth, c.ClientWidth)
			}
			inside(t, sc, "card "+c.Card, c.Box, p.InnerWidth)
		}
		for _, set := range []struct {
			what  string
			items []probeItem
			min   int
		}{
			{"state badge", p.Badges, objectives}, // and the spent and evidence badges besides
			{"budget figure", p.Budgets, objectives},
			{"runs-out-in figure", p.Exhausts, claims},
			{"chart", p.Charts, objectives},
			{"review's row", p.ReviewRows, objectives},
		} {
			if len(set.items) < set.min {
				t.Errorf("%s: %d of %s, want at least %d", sc.name, len(set.items), set.what, set.min)
			}
			for _, it := range set.items {
				inside(t, sc, fmt.Sprintf("%s %q of %s", set.what, it.Text, it.Card), it.Box, p.InnerWidth)
			}
		}
	}
}

// inside checks that a box has a size and lies within the window's width.
func inside(t *testing.T, sc screen, what string, b probeBox, width int) {
	t.Helper()
	if b.Width <= 0 || b.Height <= 0 {
		t.Errorf("%s: %s is %vx%v px: not shown", sc.name, what, b.Width, b.Height)
	}
	if b.Left < 0 || b.Right > float64(width) {
		t.Errorf("%s: %s spans %v to %v px, outside the window's 0 to %d", sc.name, what, b.Left, b.Right, width)
	}
}

// A planned exclusion in force and one to come, with a long reason, lie
// within a phone's screen and a wall screen's.
func TestStatusPageExclusionsFitScreens(t *testing.T) {
	chromium := testenv.Chromium(t)
	at := time.Date(2026, 3, 29, 1, 15, 0, 0, time.UTC)
	mock := clock.NewMock()
	mock.Set(at)
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithClock(mock), slo.WithManualAdvance(),
		slo.WithExclusions(
			slo.Exclusion{Reason: "database vacuum and reindexing of the orders, payments and inventory tables", Start: at.Add(-15 * time.Minute), Duration: time.Hour},
			slo.Exclusion{Reason: "payment provider migration", Start: at.Add(72 * time.Hour), Duration: 30 * time.Minute, Journeys: []string{"checkout"}}))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	reg.Advance(at)
	page := probed(slostatus.StatusPage(reg))
	for _, sc := range screens {
		url := framed(t, sc, "/slo", page)
		dom := testenv.RunChromium(t, chromium, fmt.Sprintf("--window-size=%d,%d", sc.width, sc.height), "--dump-dom", url)
		_, rest, ok := strings.Cut(dom, `<pre id="probe">`)
		raw, _, ok2 := strings.Cut(rest, "</pre>")
		if !ok || !ok2 {
			t.Fatalf("%s: the page holds no probe's measures:\n%s", sc.name, dom)
		}
		var p probe
		if err := json.Unmarshal([]byte(html.UnescapeString(raw)), &p); err != nil {
			t.Fatalf("%s: the probe's measures: %v\n%s", sc.name, err, raw)
		}
		if p.ScrollWidth > p.InnerWidth {
			t.Errorf("%s: the document is %d px wide, in a window of %d", sc.name, p.ScrollWidth, p.InnerWidth)
		}
		if len(p.Exclusions) != 2 {
			t.Errorf("%s: %d exclusions shown, want 2", sc.name, len(p.Exclusions))
		}
		for _, it := range p.Exclusions {
			inside(t, sc, fmt.Sprintf("exclusion %q", it.Text), it.Box, p.InnerWidth)
		}
	}
}

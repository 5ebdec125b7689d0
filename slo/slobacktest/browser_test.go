//go:build unix

package slobacktest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/testenv"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// probeScript measures the report as the browser laid it out and writes
// the measures into the top document, for --dump-dom to print. The report
// runs no script (its CSP forbids it); the test serves a copy whose CSP
// also allows this inline script, and nothing else: the style sheet is
// still allowed by its hash alone, so a measure of the styles shows that
// the hash is right.
const probeScript = `<script>
(function () {
  function box(e) {
    var b = e.getBoundingClientRect();
    return {left: b.left, right: b.right, width: b.width, height: b.height};
  }
  var out = {
    innerWidth: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    bodyMargin: getComputedStyle(document.body).marginTop,
    sections: Array.prototype.map.call(document.querySelectorAll('section.objective'), function (s) {
      var table = s.querySelector('.table');
      return {
        heading: s.querySelector('h2').textContent,
        scrollWidth: s.scrollWidth, clientWidth: s.clientWidth, box: box(s),
        tableScrollWidth: table.scrollWidth, tableClientWidth: table.clientWidth,
        timeline: box(s.querySelector('svg.timeline')),
        lanes: Array.prototype.map.call(s.querySelectorAll('svg.timeline g.lane[data-policy]'), function (g) {
          return {
            policy: g.getAttribute('data-policy'),
            label: box(g.querySelector('text')),
            spans: Array.prototype.map.call(g.querySelectorAll('rect.span'), function (r) {
              return {state: r.getAttribute('data-state'), start: r.getAttribute('data-start'), end: r.getAttribute('data-end'),
                rule: r.getAttribute('data-rule'), box: box(r)};
            })
          };
        })
      };
    })
  };
  var pre = window.parent.document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  window.parent.document.body.appendChild(pre);
})();
</script>`

type probeBox struct{ Left, Right, Width, Height float64 }

type probe struct {
	InnerWidth, ScrollWidth int
	BodyMargin              string
	Sections                []struct {
		Heading                            string
		ScrollWidth, ClientWidth           int
		Box                                probeBox
		TableScrollWidth, TableClientWidth int
		Timeline                           probeBox
		Lanes                              []struct {
			Policy string
			Label  probeBox
			Spans  []struct {
				State, Start, End, Rule string
				Box                     probeBox
			}
		}
	}
}

// The HTML report renders in headless Chromium at 1280 px with nothing
// running off the screen, its style sheet allowed by the CSP's hash, and a
// timeline with one lane per policy holding the spans the replay found,
// where it found them.
func TestReportInBrowser(t *testing.T) {
	chromium := testenv.Chromium(t)
	traffic, _ := bursty()
	res, err := slobacktest.Run(traffic, []slobacktest.Config{{Objective: slo.Objective{Journey: "checkout", Target: 0.999}, Flaky: 15 * time.Minute}, slobacktest.Config{Objective: slo.Objective{Journey: "checkout", Name: "strict", Target: 0.9995}}})
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := res.WriteHTML(&page, "Checkout backtest"); err != nil {
		t.Fatal(err)
	}
	probed := page.String()
	for _, cut := range []struct{ old, new string }{
		{"; base-uri &#39;none&#39;", "; script-src &#39;unsafe-inline&#39;; base-uri &#39;none&#39;"},
		{"</body>", probeScript + "\n</body>"},
	} {
		if !strings.Contains(probed, cut.old) {
			t.Fatalf("the report lacks %q", cut.old)
		}
		probed = strings.Replace(probed, cut.old, cut.new, 1)
	}
	const width, height = 1280, 900
	mux := http.NewServeMux()
	mux.HandleFunc("/report", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, probed)
	})
	// Headless Chromium lays a window out 500 px wide at least, whatever
	// its size; a frame is a viewport of exactly its own.
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html><head><meta charset="utf-8"><style>html, body { margin: 0; overflow: hidden; }</style></head>`+
			`<body><iframe src="/report" width="%d" height="%d" style="display: block; border: 0"></iframe></body></html>`, width, height)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	dom := testenv.RunChromium(t, chromium, fmt.Sprintf("--window-size=%d,%d", width, height), "--dump-dom", srv.URL+"/")
	_, rest, ok := strings.Cut(dom, `<pre id="probe">`)
	raw, _, ok2 := strings.Cut(rest, "</pre>")
	if !ok || !ok2 {
		t.Fatalf("the report holds no probe's measures:\n%s", dom)
	}
	var p probe
	if err := json.Unmarshal([]byte(strings.ReplaceAll(raw, "&quot;", `"`)), &p); err != nil {
		t.Fatalf("the probe's measures: %v\n%s", err, raw)
	}
	if p.InnerWidth != width || p.ScrollWidth > width {
		t.Errorf("window %d px wide, document %d; want %d, and no wider", p.InnerWidth, p.ScrollWidth, width)
	}
	// The style sheet sets the body's margin to 0 (a browser's default is
	// 8px): the CSP let it in.
	if p.BodyMargin != "0px" {
		t.Errorf("body margin %q, want 0px: the style sheet did not apply, its CSP hash is wrong", p.BodyMargin)
	}
	if len(p.Sections) != len(res.Objectives) {
		t.Fatalf("%d sections, want %d", len(p.Sections), len(res.Objectives))
	}
	for i, s := range p.Sections {
		o := res.Objectives[i]
		name := slo.ObjectiveKey(o.Objective.Journey, o.Objective.Name)
		if s.Heading != o.Objective.Journey+" "+o.Objective.Name {
			t.Errorf("section %d: heading %q, want %q", i, s.Heading, o.Objective.Journey+" "+o.Objective.Name)
		}
		if s.ScrollWidth > s.ClientWidth || s.Box.Right > width || s.TableScrollWidth > s.TableClientWidth {
			t.Errorf("%s: section %d px of content in %d (right edge %v), table %d in %d: something overflows",
				name, s.ScrollWidth, s.ClientWidth, s.Box.Right, s.TableScrollWidth, s.TableClientWidth)
		}
		if s.Timeline.Width < 800 || s.Timeline.Height < 100 || s.Timeline.Right > s.Box.Right {
			t.Errorf("%s: timeline %+v, want at least 800x100 px inside its section (right edge %v)", name, s.Timeline, s.Box.Right)
		}
		if len(s.Lanes) != len(o.Policies) {
			t.Fatalf("%s: %d lanes, want one per policy, %d", name, len(s.Lanes), len(o.Policies))
		}
		for k, lane := range s.Lanes {
			pr := o.Policies[k]
			if lane.Policy != pr.Name {
				t.Errorf("%s: lane %d is %q, want %q", name, k, lane.Policy, pr.Name)
			}
			if lane.Label.Left < s.Box.Left || lane.Label.Width == 0 {
				t.Errorf("%s, %s: label %+v, want it inside the section (left edge %v)", name, pr.Name, lane.Label, s.Box.Left)
			}
			// The lane's spans are the replay's, ticket and page, in order.
			var want []string
			for _, sp := range pr.Spans {
				if sp.State != burnrate.SeverityOK {
					want = append(want, fmt.Sprintf("%s %s %s %s", sp.State, sp.Start.Format(time.RFC3339), sp.End.Format(time.RFC3339), sp.Rule))
				}
			}
			var got []string
			pages, prev := 0, -1.0
			for _, sp := range lane.Spans {
				got = append(got, fmt.Sprintf("%s %s %s %s", sp.State, sp.Start, sp.End, sp.Rule))
				if sp.Box.Width <= 0 || sp.Box.Height <= 0 || sp.Box.Left < prev {
					t.Errorf("%s, %s: span %+v drawn at %+v, want a size and the spans left to right", name, pr.Name, sp, sp.Box)
				}
				prev = sp.Box.Left
				if sp.State == "page" {
					pages++
				}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s, %s: the lane's spans\n%s\nwant the replay's\n%s", name, pr.Name, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if pr.Pages > 0 && pages == 0 {
				t.Errorf("%s, %s: %d pages, none drawn", name, pr.Name, pr.Pages)
			}
		}
	}
	// The threshold pages on every burst: 24 page spans on its lane.
	if got := len(p.Sections[0].Lanes[0].Spans); got != 24 {
		t.Errorf("threshold's lane: %d spans, want 24", got)
	}
}

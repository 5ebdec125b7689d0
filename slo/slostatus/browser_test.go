//go:build unix

package slostatus_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/journeyslo/journeyslo/internal/shopmonth"
	"github.com/journeyslo/journeyslo/internal/testenv"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// The browser test runs when a Chromium is installed and skips otherwise,
// unless JOURNEYSLO_BROWSER=required (CI sets it): then a missing browser
// fails. JOURNEYSLO_UPDATE_SCREENSHOT=1 rewrites the README's screenshots,
// docs/statuspage-400.png and docs/statuspage-1600.png; otherwise the
// screenshots go to a temporary directory, so that normal runs leave the
// tree clean.
const (
	screenshotEnv = "JOURNEYSLO_UPDATE_SCREENSHOT"
	screenshotDir = "../../docs"
)

// screen is a browser window the page must fit.
type screen struct {
	name          string
	width, height int
	// min are the pixels of each state's colour the screenshot shows at
	// least: page red, ticket amber, ok green.
	minPage, minTicket, minOK int
}

// The screens: a phone, which shows the header and the paging objective
// (sorted first), and a wall screen, which shows two rows of three
// objectives.
var screens = []screen{
	{"phone", 400, 860, 1000, 0, 0},
	{"wall", 1600, 1100, 2000, 500, 2000},
}

func TestStatusPageInBrowser(t *testing.T) {
	chromium := testenv.Chromium(t)
	f := shopmonth.New(t)
	srv := serve(t, slostatus.StatusPage(f.Reg, slostatus.WithTitle("Shop error budgets")))

	dom := testenv.RunChromium(t, chromium, "--dump-dom", srv.URL+"/slo")
	// What the browser built from the page: the title, every objective
	// with its numbers, as the registry has them, and the charts.
	want := []string{
		"<title>PAGE · Shop error budgets</title>",
		"As of Mar 31, 2026 14:30:00 UTC · refreshes every 30s",
		`<li class="pill page">1 paging</li>`,
		`<li class="pill ticket">1 ticket</li>`,
		`<li class="pill spent">1 budget spent</li>`,
		`<li class="pill ok">4 ok</li>`,
		"No events in the period",
	}
	// The month's numbers, as Status has them (see TestReplayMonth):
	// SLI, budget left, and how long it lasts.
	for _, o := range []struct{ journey, objective, sli, budget, lasts string }{
		{"checkout", "availability", "99.958%", "58.3%", "15h 58m"},
		{"checkout", "latency", "99.56%", "55.9%", "5d 13h"},
		{"login", "availability", "99.814%", "62.8%", "4d 16h"},
		{"search", "availability", "99.407%", "-18.6%", "—"},
		{"search", "latency", "97.42%", "48.4%", "35d 9h"},
	} {
		want = append(want, fmt.Sprintf(`%s <span class="objective">%s</span></h3>`, o.journey, o.objective),
			fmt.Sprintf(`<dt>SLI</dt><dd><span class="value">%s</span>`, o.sli),
			fmt.Sprintf(`<dt>Budget left</dt><dd><span class="value">%s</span>`, o.budget),
			fmt.Sprintf(`<dt>Runs out in</dt><dd><span class="value">%s</span>`, o.lasts))
	}
	// refund saw no event: no SLI, and no budget claimed but the fact.
	want = append(want, `refund <span class="objective">availability</span></h3>`,
		`<dt>SLI</dt><dd><span class="value">no data</span>`,
		`<dt>Budget</dt><dd><span class="value">not enough events: 0 of 1000</span>`,
		`<li class="pill evidence">1 too few events</li>`)
	want = append(want,
		`<span class="badge page">`, "Paging since Mar 31 14:27 UTC (3m) by page-1h-5m",
		`<span class="badge ticket">`, "Ticket since Mar 30 20:42 UTC (17h 48m) by ticket-1d-2h")
	statuses := f.Reg.Status()
	for _, w := range want {
		if !strings.Contains(dom, w) {
			t.Errorf("the rendered page lacks %q", w)
		}
	}
	rules, claims := 0, 0
	for _, st := range statuses {
		rules += len(st.Rules)
		if st.Budget != slo.BudgetTooFewEvents {
			claims++
		}
	}
	for _, c := range []struct {
		what string
		n    int
	}{
		{`<svg class="chart"`, len(statuses)},
		{`<polyline class="line" points="`, claims},
		{`<polygon class="area" points="`, claims},
		{`<span class="badge evidence"`, len(statuses) - claims},
		{`<line class="even"`, claims},
		{`<desc id="`, 2 * len(statuses)}, // the burn-down's and the recent chart's
		{`<svg class="chart recent"`, len(statuses)},
		{`<g class="panel page over">`, 1},   // checkout's page-1h-5m, paging now
		{`<g class="panel ticket over">`, 2}, // login's tickets
		{`<svg class="bars"`, rules},
		{`<tr class="firing"`, 3}, // page-1h-5m, and login's two tickets
		{`<span class="badge page">`, 1},
		{`<span class="badge ticket">`, 1},
		{`<span class="badge spent">BUDGET SPENT</span>`, 1},
		{`<a href="?format=json">`, 1},
	} {
		if got := strings.Count(dom, c.what); got != c.n {
			t.Errorf("the rendered page has %d of %q, want %d", got, c.what, c.n)
		}
	}
	if t.Failed() {
		t.Logf("rendered DOM:\n%s", dom)
	}

	for _, sc := range screens {
		shot := filepath.Join(t.TempDir(), fmt.Sprintf("statuspage-%d.png", sc.width))
		if os.Getenv(screenshotEnv) == "1" {
			shot = filepath.Join(screenshotDir, filepath.Base(shot))
		}
		url := framed(t, sc, "/slo", slostatus.StatusPage(f.Reg, slostatus.WithTitle("Shop error budgets")))
		testenv.RunChromium(t, chromium, "--screenshot="+shot, fmt.Sprintf("--window-size=%d,%d", sc.width, sc.height), url)
		checkScreenshot(t, shot, sc)
	}
}

// checkScreenshot checks that the PNG at path has the screen's size and
// shows the page, with each state's colour, and that it is small enough
// to keep in the repository.
func checkScreenshot(t *testing.T, path string, sc screen) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if got := img.Bounds().Size(); got != image.Pt(sc.width, sc.height) {
		t.Errorf("%s: screenshot is %v, want %dx%d", sc.name, got, sc.width, sc.height)
	}
	if len(b) > 400<<10 {
		t.Errorf("%s: screenshot is %d KiB, more than 400 KiB", sc.name, len(b)>>10)
	}
	colours := []struct {
		name    string
		r, g, b int
		min     int // pixels
	}{
		{"page red", 0xcf, 0x22, 0x2e, sc.minPage},
		{"ticket amber", 0x9a, 0x67, 0x00, sc.minTicket},
		{"ok green", 0x1a, 0x7f, 0x37, sc.minOK},
	}
	counts := make([]int, len(colours))
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			for i, c := range colours {
				if near(int(r>>8), c.r) && near(int(g>>8), c.g) && near(int(b>>8), c.b) {
					counts[i]++
				}
			}
		}
	}
	for i, c := range colours {
		if counts[i] < c.min {
			t.Errorf("%s: screenshot has %d pixels of %s, want at least %d", sc.name, counts[i], c.name, c.min)
		}
	}
}

func near(a, b int) bool { return a-b < 24 && b-a < 24 }

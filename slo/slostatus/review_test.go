package slostatus_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/journeyslo/journeyslo/internal/shopmonth"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// The month's review on the page, in the page's order: checkout paged on
// March 10 (80% of checkouts failing for 15 minutes: 30 minutes paging,
// at the 15-minute steps of the replay) and pages now (3 minutes);
// login's release raised one ticket; search's bad index paged for its 6
// hours, and its latency for 2h30m; refund, without events, claims no budget.
// Each row's budget adds up to 100%: spent in episodes, in the background,
// and left.
func TestStatusPageReview(t *testing.T) {
	f := shopmonth.New(t)
	_, page := fetch(t, serve(t, slostatus.StatusPage(f.Reg)), http.MethodGet, "/")
	_, section, ok := strings.Cut(page, `<section class="review" aria-labelledby="review-h">`)
	if !ok {
		t.Fatalf("the page has no review:\n%s", page)
	}
	section, _, _ = strings.Cut(section, "</section>")
	if want := "(ended within 10m, spending under 2.0% of the budget)"; !strings.Contains(section, want) {
		t.Errorf("the review does not say what a flaky page is: %s", want)
	}
	cell := regexp.MustCompile(`<th scope="row">(\S+) <span class="objective">(\S+)</span> <span class="period">(\S+)</span></th>|<td class="num" data-label="[^"]+">([^<]*)</td>`)
	var rows []string
	for _, tr := range strings.Split(section, "<tr")[2:] { // after the head's row
		var cells []string
		for _, m := range cell.FindAllStringSubmatch(tr, -1) {
			if m[1] != "" {
				cells = append(cells, m[1]+":"+m[2]+" "+m[3])
			} else {
				cells = append(cells, m[4])
			}
		}
		rows = append(rows, strings.Join(cells, " | "))
	}
	// Each page of the month came down to a ticket before ok: it counts
	// as a page and a ticket (slo.Episode.Ticketed).
	want := []string{
		"checkout:availability 30d | 2 | 1 | 33m | 19.2% | 22.4% | 58.3%",
		"login:availability 30d | 0 | 1 | — | 9.7% | 27.5% | 62.8%",
		"search:availability 30d | 1 | 1 | 6h | 104.5% | 14.1% | -18.6%",
		"search:latency 30d | 1 | 1 | 2h 30m | 5.4% | 46.2% | 48.4%",
		"checkout:latency 30d | 0 | 0 | — | 0.0% | 44.1% | 55.9%",
		"refund:availability 30d | 0 | 0 | — | — | — | —",
	}
	if !slices.Equal(rows, want) {
		t.Errorf("review rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(section, `<tr title="not enough events: 0 of 1000">`) {
		t.Error("refund's row does not say why it claims no budget")
	}
}

// Each card lists its newest episodes, newest first, the open one marked;
// the chart draws them all as bands.
func TestStatusPageEpisodes(t *testing.T) {
	f := shopmonth.New(t)
	_, page := fetch(t, serve(t, slostatus.StatusPage(f.Reg)), http.MethodGet, "/")
	for _, want := range []string{
		`<p class="episodes-h">Episodes <span>· 2 in the log</span></p>`,
		`<li class="open"><span class="sev page firing">PAGE</span> <b>Mar 31 14:27 UTC</b> · 3m so far · page-1h-5m` +
			`<span class="details"> · 3m paging · peak 26.3× · 2.6% of the budget</span></li>`,
		`<li><span class="sev page">PAGE</span> <b>Mar 10 02:30 UTC</b> · 6h · page-6h-30m` +
			`<span class="details"> · mitigated after 30m · 30m paging · peak 36.2× · 51.8% of the budget</span></li>`,
		`<li class="open"><span class="sev ticket firing">TICKET</span> <b>Mar 30 20:42 UTC</b> · 17h 48m so far · ticket-3d-6h` +
			`<span class="details"> · peak 1.92× · 9.7% of the budget</span></li>`,
		`<p class="episodes-h">Episodes <span>· none in the log</span></p>`,
		`<title>page by page-6h-30m from Mar 10 02:30 for 6h</title>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	episodes := len(f.Reg.Episodes())
	if got := strings.Count(page, `<rect class="episode `); got != episodes {
		t.Errorf("%d episode bands, want %d", got, episodes)
	}
}

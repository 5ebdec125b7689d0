package slohttp

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// A PageOption configures the handler [StatusPage] returns.
type PageOption func(*pageConfig)

type pageConfig struct {
	title   string
	refresh time.Duration
}

// PageTitle sets the status page's title, shown in its heading and in the
// browser's tab; the JSON form carries it too. The default is "Error
// budgets".
func PageTitle(title string) PageOption {
	return func(c *pageConfig) { c.title = title }
}

// PageRefresh sets how often the status page reloads itself in the
// browser, rounded up to whole seconds; zero or less turns reloading off.
// The default is 30 seconds.
func PageRefresh(every time.Duration) PageOption {
	return func(c *pageConfig) { c.refresh = every }
}

// StatusPage returns a handler that serves the registry's error budgets as
// an HTML page for people, such as on a wall screen at /slo: per journey
// and objective, the target, the SLI, the budget remaining and how long it
// lasts, a burn-down chart of the budget over the period, and every alert
// rule's burn rates over its long and short windows against its factor,
// with a state badge (ok, ticket, page) that says in words and shapes what
// its colour says. The page reloads itself (see [PageRefresh]).
//
// The page is self-contained: inline CSS and SVG, no script, no font, no
// request to anywhere, so it works offline inside a cluster. Its
// Content-Security-Policy forbids anything else.
//
// The objectives are sorted so that what needs a person comes
// first: by state (page, then ticket, then ok), then by budget left,
// least first, in declaration order among equals. Each links its runbook
// and dashboard when its definition has them ([slo.Objective.Runbook],
// [slo.Objective.Dashboard]). The budget left is one figure per
// objective, the Status's, shown in its figures and at the end of its
// chart alike.
//
// With the query ?format=json, the handler answers the same data as
// application/json, for scripts and other dashboards, in the same order:
//
//	{
//	  "title": "Error budgets",
//	  "time": "2026-03-31T14:30:00Z",      // now, RFC 3339 in UTC
//	  "stalled": false,                    // see slo.Registry.Stalled
//	  "lagSeconds": 0.4,                   // see slo.Registry.Lag
//	  "unmatched": {"good": 12, "bad": 0}, // see slo.Registry.Unmatched
//	  "objectives": [...]                  // the objective objects of the package doc
//	}
//
// Numbers are never NaN or infinite; such a value would be null. Any other
// format is a 400 Bad Request.
//
// The handler answers GET and HEAD, never caches, and is safe for
// concurrent use. It panics if reg is nil.
func StatusPage(reg *slo.Registry, opts ...PageOption) http.Handler {
	if reg == nil {
		panic("slohttp: StatusPage(nil): pass the *slo.Registry that slo.New returned")
	}
	cfg := pageConfig{title: "Error budgets", refresh: 30 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	return &pageHandler{reg: reg, defs: definitions(reg), cfg: cfg, tmpl: pageTemplate()}
}

//go:embed statuspage.html
var pageSource string

var (
	parseOnce sync.Once
	parsed    *template.Template
)

// pageTemplate parses the page's template on first use. Being reachable
// from StatusPage only, it lets programs that never serve the page skip
// both the parsing at start and, through the linker, most of html/template.
func pageTemplate() *template.Template {
	parseOnce.Do(func() {
		parsed = template.Must(template.New("statuspage").Parse(pageSource))
	})
	return parsed
}

// pageCSP allows the page nothing but its own inline styles and SVG.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

type pageHandler struct {
	reg  *slo.Registry
	defs map[[2]string]slo.Objective
	cfg  pageConfig
	tmpl *template.Template
}

func (h *pageHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: use GET or HEAD", http.StatusMethodNotAllowed)
		return
	}
	var (
		body  []byte
		ctype string
		err   error
	)
	switch format := r.URL.Query().Get("format"); format {
	case "json":
		ctype = "application/json"
		body, err = json.MarshalIndent(h.report(), "", "  ")
		body = append(body, '\n')
	case "", "html":
		ctype = "text/html; charset=utf-8"
		var buf bytes.Buffer
		err = h.tmpl.Execute(&buf, h.view())
		body = buf.Bytes()
		w.Header().Set("Content-Security-Policy", pageCSP)
	default:
		http.Error(w, "unknown format "+strconv.Quote(format)+": use json, or none for HTML", http.StatusBadRequest)
		return
	}
	if err != nil {
		// Unreachable: numbers are guarded and the template is tested.
		// Say so rather than send half a page.
		http.Error(w, "slohttp: rendering the status page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(body)
}

// reading is what one request reads from the registry.
type reading struct {
	now     time.Time
	lag     time.Duration
	stalled bool
	// objectives are in the page's order (see sortObjectives).
	objectives []objectiveJSON
	unG, unB   uint64
}

func (h *pageHandler) read() reading {
	s := reading{now: h.reg.Clock().Now()}
	s.lag, s.stalled = h.reg.Staleness()
	for _, st := range h.reg.Status() {
		s.objectives = append(s.objectives, newObjectiveJSON(h.reg, h.defs, st))
	}
	sortObjectives(s.objectives)
	s.unG, s.unB = h.reg.Unmatched()
	return s
}

// sortObjectives puts what needs a person first: page, then ticket, then
// ok; within a state the least budget left first; declaration order
// among equals.
func sortObjectives(objs []objectiveJSON) {
	slices.SortStableFunc(objs, func(a, b objectiveJSON) int {
		if c := cmp.Compare(b.Status.State, a.Status.State); c != 0 {
			return c
		}
		return cmp.Compare(a.Status.BudgetRemaining, b.Status.BudgetRemaining)
	})
}

// The JSON form: see StatusPage.
type (
	pageReport struct {
		Title      string          `json:"title"`
		Time       string          `json:"time"`
		Stalled    bool            `json:"stalled"`
		LagSeconds number          `json:"lagSeconds"`
		Unmatched  eventCount      `json:"unmatched"`
		Objectives []objectiveJSON `json:"objectives"`
	}
	eventCount struct {
		Good uint64 `json:"good"`
		Bad  uint64 `json:"bad"`
	}
)

func (h *pageHandler) report() pageReport {
	s := h.read()
	return pageReport{
		Title:      h.cfg.title,
		Time:       instant(s.now),
		Stalled:    s.stalled,
		LagSeconds: number(s.lag.Seconds()),
		Unmatched:  eventCount{s.unG, s.unB},
		Objectives: append([]objectiveJSON{}, s.objectives...), // [] rather than null when none
	}
}

// The HTML form's view: every value formatted, every coordinate laid out,
// so that the template only places them.
type (
	pageView struct {
		Title   string
		Refresh int // seconds; 0 for none
		Updated string
		// Worst is the most severe state shown: ok, ticket or page.
		Worst   string
		Summary []summaryItem
		Stale   string // why the page is stale, or empty
		// Objectives are in the page's order (see sortObjectives).
		Objectives []objectiveView
		// Unmatched counts events of undeclared journeys; empty when none.
		Unmatched string
	}
	summaryItem struct {
		Class, Text string
	}
	objectiveView struct {
		ID      string // unique in the page, for ARIA references
		Journey string
		Name    string
		State   string // ok, ticket or page
		Badge   string // OK, TICKET or PAGE
		Spent   bool
		Goal    string // "99.9% good over 30d"
		Since   string // when and why it left ok, or empty
		// Runbook and Dashboard are the objective's links, or empty.
		Runbook, Dashboard string
		SLI                string
		SLINote            string
		Budget             string
		BudgetClass        string // "", "low" or "spent"
		BudgetNote         string
		BudgetTitle        string // BudgetNote's counts in full
		Exhaust            string
		ExhaustNote        string
		Chart              burnDownChart
		Rules              []ruleView
	}
	ruleView struct {
		Name        string
		Severity    string
		Windows     string // "1h / 5m"
		Long, Short burnBar
		LongRate    string
		ShortRate   string
		Factor      string
		Firing      bool
		Note        string // "firing", "burning, too few events", or empty
		// Track is the bars' length, Mid the factor's mark, CutX where the
		// notch of a cut bar starts.
		Track, Mid, CutX float64
	}
)

func (h *pageHandler) view() pageView {
	s := h.read()
	loc := s.now.Location()
	v := pageView{
		Title:   h.cfg.title,
		Updated: s.now.Format("Jan 2, 2006 15:04:05 MST"),
		Worst:   "ok",
	}
	if h.cfg.refresh > 0 {
		v.Refresh = int((h.cfg.refresh + time.Second - 1) / time.Second)
	}
	if s.stalled {
		v.Stale = "Stale: the registry has not advanced for " + formatSpan(s.lag) +
			"; the states and budgets below are from " + s.now.Add(-s.lag).Format("Jan 2 15:04:05 MST") + "."
	}
	if s.unG+s.unB > 0 {
		v.Unmatched = strconv.FormatUint(s.unG, 10) + " good and " + strconv.FormatUint(s.unB, 10) + " bad"
	}

	var pages, tickets, spent, oks int
	for i, e := range s.objectives {
		st := e.Status
		o := objectiveView{
			ID:        "o" + strconv.Itoa(i),
			Journey:   st.Journey,
			Name:      st.Objective,
			State:     st.State.String(),
			Badge:     strings.ToUpper(st.State.String()),
			Spent:     st.BudgetRemaining <= 0,
			Goal:      goal(st),
			Budget:    percent(st.BudgetRemaining, 1),
			Runbook:   e.Runbook,
			Dashboard: e.Dashboard,
			Chart:     newBurnDownChart(e.BurnDown, st.Period, s.now, st.NoData),
		}
		switch st.State {
		case burnrate.SeverityPage:
			pages++
			v.Worst = "page"
		case burnrate.SeverityTicket:
			tickets++
			if v.Worst == "ok" {
				v.Worst = "ticket"
			}
		default:
			oks++
		}
		if st.State != burnrate.SeverityOK {
			verb := map[burnrate.Severity]string{burnrate.SeverityTicket: "Ticket", burnrate.SeverityPage: "Paging"}[st.State]
			o.Since = verb + " since " + st.Since.In(loc).Format("Jan 2 15:04 MST") + " (" + formatSpan(st.Time.Sub(st.Since)) + ") by " + st.Rule
		}

		decimals := targetDecimals(st.Target)
		if st.NoData {
			o.SLI, o.SLINote = "no data", "no events in "+burnrate.FormatWindow(st.Period)
		} else {
			o.SLI = percent(st.SLI, decimals+2)
			o.SLINote = "target " + percent(st.Target, decimals)
		}

		allowed := (float64(st.Good) + float64(st.Bad)) * burnrate.ErrorBudget(st.Target) // in float64: the sum wraps at 2^64
		o.BudgetNote = compact(float64(st.Bad)) + " of " + compact(allowed) + " spent"
		o.BudgetTitle = strconv.FormatUint(st.Bad, 10) + " bad events of " + strconv.FormatFloat(allowed, 'f', 0, 64) +
			" allowed over " + burnrate.FormatWindow(st.Period)
		switch {
		case o.Spent:
			spent++
			o.BudgetClass = "spent"
		case st.BudgetRemaining < 0.25:
			o.BudgetClass = "low"
		}

		switch d := st.TimeToExhaustion; {
		case o.Spent:
			o.Exhaust, o.ExhaustNote = "—", "already spent"
		case d == burnrate.Never:
			o.Exhaust, o.ExhaustNote = "never", "not burning over "+burnrate.FormatWindow(st.ExhaustionWindow)
		default:
			o.Exhaust, o.ExhaustNote = formatSpan(d), "at the "+burnrate.FormatWindow(st.ExhaustionWindow)+" burn rate"
		}

		for _, r := range st.Rules {
			rv := ruleView{
				Name:      r.Name,
				Severity:  r.Severity.String(),
				Windows:   burnrate.FormatWindow(r.Long) + " / " + burnrate.FormatWindow(r.Short),
				Long:      newBurnBar(r.LongRate, r.Factor),
				Short:     newBurnBar(r.ShortRate, r.Factor),
				LongRate:  formatRate(r.LongRate) + "×",
				ShortRate: formatRate(r.ShortRate) + "×",
				Factor:    "≥ " + formatFactor(r.Factor) + "×",
				Firing:    r.Firing,
				Track:     barTrack,
				Mid:       barTrack / 2,
				CutX:      barTrack - 5,
			}
			switch {
			case r.Firing:
				rv.Note = "firing"
			case r.Burning:
				rv.Note = "burning, too few events to fire"
			}
			o.Rules = append(o.Rules, rv)
		}

		v.Objectives = append(v.Objectives, o)
	}

	add := func(n int, class, one, many string) {
		switch {
		case n == 1:
			v.Summary = append(v.Summary, summaryItem{class, "1 " + one})
		case n > 1:
			v.Summary = append(v.Summary, summaryItem{class, strconv.Itoa(n) + " " + many})
		}
	}
	add(pages, "page", "paging", "paging")
	add(tickets, "ticket", "ticket", "tickets")
	add(spent, "spent", "budget spent", "budgets spent")
	add(oks, "ok", "ok", "ok")
	return v
}

// compact writes a count for people in at most five characters: 950,
// 21.0k, 51.5M.
func compact(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	x = math.Round(x)
	for _, u := range []struct {
		div  float64
		unit string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if x >= u.div*0.9995 {
			return strconv.FormatFloat(x/u.div, 'f', 1, 64) + u.unit
		}
	}
	return strconv.FormatFloat(x, 'f', 0, 64)
}

// goal writes what the objective promises: "99.9% good over 30d", "95%
// within 300ms over 30d".
func goal(st slo.Status) string {
	what := " good"
	if st.Latency > 0 {
		what = " within " + st.Latency.String()
	}
	return percent(st.Target, targetDecimals(st.Target)) + what + " over " + burnrate.FormatWindow(st.Period)
}

// targetDecimals returns the decimals a target has as a percentage: 1 for
// 0.999 (99.9%), 0 for 0.95, 3 for 0.99995.
func targetDecimals(target float64) int {
	s := strconv.FormatFloat(target, 'f', -1, 64)
	_, frac, _ := strings.Cut(s, ".")
	return max(len(frac)-2, 0)
}

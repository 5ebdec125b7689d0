package slostatus

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"html/template"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

// WithTitle sets the status page's title, shown in its heading and in the
// browser's tab; the JSON form carries it too. The default is "Error
// budgets".
func WithTitle(title string) PageOption {
	return func(c *pageConfig) { c.title = title }
}

// WithRefresh sets how often the status page reloads itself in the
// browser, rounded up to whole seconds; zero or less turns reloading off.
// The default is 30 seconds.
func WithRefresh(every time.Duration) PageOption {
	return func(c *pageConfig) { c.refresh = every }
}

// StatusPage returns a handler that serves the registry's error budgets as
// an HTML page for people, such as on a wall screen at /slo: per journey
// and objective, the target, the SLI, the budget remaining and how long it
// lasts, a burn-down chart of the budget over the period, and every alert
// rule's burn rates over its long and short windows against its factor,
// with a state badge (ok, ticket, page) that says in words and shapes what
// its colour says. The page reloads itself (see [WithRefresh]).
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
// chart alike; when the period holds too few events for a budget, or its
// data covers too little of the period (young data: a replica minutes
// old), the card shows that fact ([slo.Status.Budget],
// [slo.Status.Evidence]) with a badge, TOO FEW EVENTS or YOUNG DATA,
// instead of a budget, a time to exhaustion and a burn-down line; for
// young data it gives the bad events so far and the coverage a budget
// needs.
//
// Beside the period's burn-down, each card draws its rules' burn over
// the last 6 hours ([slo.Tracker.Recent]): per rule, the long and short
// windows' burn rates against its factor, so that a reader sees an
// incident start and stop, and a process minutes old shows minutes, not a
// cliff. That history is on the page only; its JSON would outweigh the
// rest of ?format=json.
//
// Each card lists the objective's newest episodes ([slo.Registry.Episodes])
// and its chart shows them all as bands, so that a reader sees when the
// budget went. Below the cards, the review of the period
// ([slo.Registry.Review], with slo's default options) is the agenda of a
// monthly review of alerts and objectives: pages (flaky ones among them),
// tickets, time spent paging, and the budget spent in episodes against
// the background burn.
//
// With the query ?format=json, the handler answers the same data as
// application/json, for scripts and other dashboards, in the same order:
//
//	{
//	  "title": "Error budgets",
//	  "time": "2026-03-31T14:30:00Z",      // the request's instant, RFC 3339 in UTC
//	  "stalled": false,                    // see slo.Registry.Staleness
//	  "lagSeconds": 0.4,                   // see slo.Registry.Staleness
//	  "unmatched": {"good": 12, "bad": 0}, // see slo.Registry.Unmatched; read with the evaluation's figures
//	  "objectives": [...],                 // the objective objects of the package doc
//	  "review": {...}                      // slo.Review.MarshalJSON's, objectives in declaration order
//	}
//
// Numbers are never NaN or infinite; such a value would be null. Any other
// format is a 400 Bad Request.
//
// Every figure of the page and of its JSON is of one evaluation of the
// registry, read once per evaluation and format (see the package doc),
// and the HTML says "as of" that evaluation's instant; the JSON's time
// and lagSeconds are the request's. The handler answers GET and HEAD, and
// is safe for concurrent use. It panics if reg is nil.
func StatusPage(reg *slo.Registry, opts ...PageOption) http.Handler {
	if reg == nil {
		panic("slostatus: StatusPage(nil): pass the *slo.Registry that slo.New returned")
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
	// The last answer of each format.
	html, json answers[stateKey]
	// The size of the last HTML body, to render the next into a buffer of
	// its size at once rather than by doubling.
	htmlSize atomic.Int64
}

func (h *pageHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !allowed(w, r) {
		return
	}
	var (
		cache   *answers[stateKey]
		compute func(stalled bool) *answer
	)
	switch format := r.URL.Query().Get("format"); format {
	case "json":
		cache, compute = &h.json, h.computeJSON
	case "", "html":
		cache, compute = &h.html, h.computeHTML
	default:
		http.Error(w, "unknown format "+strconv.Quote(format)+": use json, or none for HTML", http.StatusBadRequest)
		return
	}
	gen, lag, stalled := generation(h.reg)
	a := cache.get(stateKey{gen, stalled}, func() (stateKey, *answer) {
		a := compute(stalled)
		return stateKey{a.gen, stalled}, a
	})
	respond(w, r, h.reg, a, gen, lag)
}

// computeJSON renders the JSON form of the registry's last evaluation.
func (h *pageHandler) computeJSON(stalled bool) *answer {
	s := h.read(false)
	body, err := json.MarshalIndent(h.report(s, stalled), "", "  ")
	return h.answer(s, append(body, '\n'), err, "application/json")
}

// computeHTML renders the HTML form of the registry's last evaluation.
func (h *pageHandler) computeHTML(stalled bool) *answer {
	s := h.read(true)
	var buf bytes.Buffer
	buf.Grow(int(h.htmlSize.Load()))
	err := h.tmpl.Execute(&buf, h.view(s, stalled))
	h.htmlSize.Store(int64(buf.Len()))
	return h.answer(s, buf.Bytes(), err, "text/html; charset=utf-8", [2]string{"Content-Security-Policy", pageCSP})
}

// answer makes the answer of a rendering of s.
func (h *pageHandler) answer(s reading, body []byte, err error, ctype string, header ...[2]string) *answer {
	if err != nil {
		// Unreachable: numbers are guarded and the template is tested.
		// Say so rather than send half a page.
		body = []byte("slostatus: rendering the status page: " + err.Error() + "\n")
		return newAnswer(s.gen, s.at, http.StatusInternalServerError, body,
			[2]string{"Content-Type", "text/plain; charset=utf-8"}, [2]string{"X-Content-Type-Options", "nosniff"})
	}
	header = append([][2]string{{"Content-Type", ctype}, {"X-Content-Type-Options", "nosniff"}}, header...)
	a := newAnswer(s.gen, s.at, http.StatusOK, body, header...)
	a.cacheable = s.whole
	return a
}

// reading is what the page reads from the registry: figures of one
// evaluation.
type reading struct {
	gen uint64
	// at is the instant of the evaluation.
	at time.Time
	// whole is false when the registry advanced through every attempt to
	// read it at one evaluation: the figures may then be of two.
	whole bool
	// objectives are in the page's order (see sortObjectives).
	objectives []objectiveJSON
	// review is the registry's review over each objective's period,
	// with slo's default options.
	review   slo.Review
	unG, unB uint64
	// exclusions are the planned exclusions in force or starting within
	// exclusionHorizon of the evaluation.
	exclusions []slo.PlannedExclusion
}

// exclusionHorizon is how far ahead the page announces a planned
// exclusion.
const exclusionHorizon = 7 * 24 * time.Hour

// read reads the registry's last evaluation: its generation before and
// after, again when it moved. recent says whether to read the objectives'
// recent burn, which only the HTML draws.
func (h *pageHandler) read(recent bool) reading {
	var s reading
	for range 4 {
		s = reading{gen: h.reg.Generation()}
		for _, st := range h.reg.Status() {
			o := newObjectiveJSON(h.defs, st).withHistory(h.reg)
			if t, ok := h.reg.Tracker(st.Journey, st.Objective); ok && recent {
				o.recent = t.Recent()
			}
			s.objectives = append(s.objectives, o)
			s.at = st.Time
		}
		// Without options, the defaults, Review never refuses.
		s.review, _ = h.reg.Review()
		// The events of undeclared journeys are counted as they come, not
		// at evaluations: these are those up to the reading.
		s.unG, s.unB = h.reg.Unmatched()
		s.exclusions = h.reg.NextExclusions(exclusionHorizon)
		if s.whole = h.reg.Generation() == s.gen; s.whole {
			break
		}
	}
	sortObjectives(s.objectives)
	return s
}

// sortObjectives puts what needs a person first: page, then ticket, then
// ok; within a state the least budget left first, and those with too few
// events for a budget (see slo.Status.Budget) last, since their figure
// claims nothing; declaration order among equals.
func sortObjectives(objs []objectiveJSON) {
	slices.SortStableFunc(objs, func(a, b objectiveJSON) int {
		if c := cmp.Compare(b.Status.State, a.Status.State); c != 0 {
			return c
		}
		aFew, bFew := !a.Status.Budget.Claims(), !b.Status.Budget.Claims()
		switch {
		case aFew && bFew:
			return 0
		case aFew:
			return 1
		case bFew:
			return -1
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
		LagSeconds json.RawMessage `json:"lagSeconds"`
		Unmatched  eventCount      `json:"unmatched"`
		Objectives []objectiveJSON `json:"objectives"`
		Review     slo.Review      `json:"review"`
		// Exclusions are the planned exclusions in force or to come
		// within a week; left out when none.
		Exclusions []exclusionJSON `json:"exclusions,omitempty"`
		// Error says why a fleet's page shows no figures, or not all;
		// left out when it shows them all.
		Error string `json:"error,omitempty"`
	}
	exclusionJSON struct {
		Reason   string   `json:"reason"`
		Start    string   `json:"start"`
		End      string   `json:"end"`
		Journeys []string `json:"journeys,omitempty"`
		Active   bool     `json:"active"`
	}
	eventCount struct {
		Good uint64 `json:"good"`
		Bad  uint64 `json:"bad"`
	}
)

func (h *pageHandler) report(s reading, stalled bool) pageReport {
	return pageReport{
		Title:      h.cfg.title,
		Time:       marker(holeNow),
		Stalled:    stalled,
		LagSeconds: markerJSON(holeLagSeconds),
		Unmatched:  eventCount{s.unG, s.unB},
		Objectives: append([]objectiveJSON{}, s.objectives...), // [] rather than null when none
		Review:     s.review,
		Exclusions: exclusionsJSON(s.exclusions),
	}
}

func exclusionsJSON(ps []slo.PlannedExclusion) []exclusionJSON {
	var out []exclusionJSON
	for _, p := range ps {
		out = append(out, exclusionJSON{Reason: p.Reason, Start: p.Start.UTC().Format(time.RFC3339), End: p.End.UTC().Format(time.RFC3339),
			Journeys: p.Journeys, Active: p.Active})
	}
	return out
}

// exclusionViews says each exclusion in a line, in the page's zone:
// "Planned exclusion until Mar 29 04:00 CEST (checkout): database
// vacuum; events count neither good nor bad", or when it comes.
func exclusionViews(ps []slo.PlannedExclusion, loc *time.Location) []exclusionView {
	var out []exclusionView
	for _, p := range ps {
		who := "every journey"
		if len(p.Journeys) > 0 {
			who = strings.Join(p.Journeys, ", ")
		}
		when := "Planned exclusion from " + p.Start.In(loc).Format("Jan 2 15:04 MST") + " to " + p.End.In(loc).Format("Jan 2 15:04 MST")
		if p.Active {
			when = "Planned exclusion in force until " + p.End.In(loc).Format("Jan 2 15:04 MST")
		}
		out = append(out, exclusionView{Active: p.Active, Text: when + " (" + who + "): " + p.Reason + "; its events count neither good nor bad"})
	}
	return out
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
		// Review is the review of every objective over its period, in the
		// page's order.
		Review reviewView
		// Exclusions are the planned exclusions in force or to come.
		Exclusions []exclusionView
	}
	exclusionView struct {
		Text   string
		Active bool
	}
	// reviewView is the review as a table: one row per objective.
	reviewView struct {
		Flaky string // what a flaky page is: "ended within 10m, spending under 2.0% of the budget"
		Rows  []reviewRow
	}
	reviewRow struct {
		ID, Journey, Name string
		Period            string // "30d"
		Pages             string // "2 (1 flaky)"
		Tickets           string
		Paging            string // time spent paging
		// The budget spent by episodes and by the background burn, and
		// left: "—" when the period holds too few events for a budget.
		Episodes, Background, Left string
		Evidence                   string
	}
	// episodeView is one episode of an objective's log.
	episodeView struct {
		Severity string // page or ticket
		Badge    string // PAGE or TICKET
		Rule     string
		Start    string // "Mar 10 02:16 UTC"
		Lasted   string // "15m", or "3m so far" while open
		Open     bool
		Details  string // "mitigated after 8m · peak 40× · 12.0% of the budget"
	}
	summaryItem struct {
		Class, Text string
	}
	objectiveView struct {
		ID      string // unique in the page, for ARIA references
		Journey string
		Name    string
		// Group names the group whose figures the card shows, for a
		// grouped objective read from a fleet: "cluster=eu1", its worst
		// group now. Empty otherwise.
		Group string
		State string // ok, ticket or page
		Badge string // OK, TICKET or PAGE
		Spent bool
		// Evidence is why the budget makes no claim ("not enough events:
		// 10 of 1000"), shown instead of the budget and its runs-out-in;
		// empty when it makes one.
		// EvidenceBadge names it in a badge: TOO FEW EVENTS or YOUNG
		// DATA.
		Evidence, EvidenceNote, EvidenceBadge string
		Goal                                  string // "99.9% good over 30d"
		Since                                 string // when and why it left ok, or empty
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
		// Recent is the rules' burn over the last hours; no panels when
		// the registry has no recent history to show.
		Recent recentChart
		Rules  []ruleView
		// Episodes are the newest of the objective's episodes, newest
		// first; EpisodeCount says how many the log holds.
		Episodes     []episodeView
		EpisodeCount string
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

// view lays out s. Everything on the page is of the evaluation at s.at,
// "as of" which it says it is; only a stale page's banner says how long
// ago that is, at the request's instant.
func (h *pageHandler) view(s reading, stalled bool) pageView {
	loc := s.at.Location()
	v := pageView{
		Title:   h.cfg.title,
		Updated: s.at.Format("Jan 2, 2006 15:04:05 MST"),
		Worst:   "ok",
	}
	if h.cfg.refresh > 0 {
		v.Refresh = int((h.cfg.refresh + time.Second - 1) / time.Second)
	}
	if stalled {
		v.Stale = "Stale: the registry has not advanced for " + marker(holeSpan) +
			"; the states and budgets below are from " + s.at.Format("Jan 2 15:04:05 MST") + "."
	}
	if s.unG+s.unB > 0 {
		v.Unmatched = strconv.FormatUint(s.unG, 10) + " good and " + strconv.FormatUint(s.unB, 10) + " bad"
	}

	var pages, tickets, spent, few, young, oks int
	for i, e := range s.objectives {
		st := e.Status
		o := objectiveView{
			ID:        "o" + strconv.Itoa(i),
			Journey:   st.Journey,
			Name:      st.Objective,
			Group:     h.groupName(st, e.Group),
			State:     st.State.String(),
			Badge:     strings.ToUpper(st.State.String()),
			Spent:     st.Budget == slo.BudgetSpent,
			Evidence:  st.Evidence(),
			Goal:      goal(st),
			Budget:    percent(st.BudgetRemaining, 1),
			Runbook:   e.Runbook,
			Dashboard: e.Dashboard,
		}
		note := ""
		switch {
		case st.NoData:
			note = "No events in the period"
		case st.Budget == slo.BudgetYoungData:
			note = "Too little of the period for a budget"
		case o.Evidence != "":
			note = "Not enough events for a budget"
		}
		span := st.Period
		if !st.PeriodStart.IsZero() {
			span = st.Time.Sub(st.PeriodStart) // a calendar period, since its start
		}
		o.Chart = newBurnDownChart(e.BurnDown, span, s.at, note, e.Episodes)
		o.Episodes, o.EpisodeCount = episodeViews(e.Episodes, st, loc)
		samples := make([]recentSample, len(e.recent))
		for i, p := range e.recent {
			samples[i] = recentSample{At: p.Time, Burns: p.Windows}
		}
		o.Recent = newRecentChart(samples, st.Rules, recentSpan, s.at)
		switch {
		case st.Budget == slo.BudgetYoungData:
			young++
			o.EvidenceBadge = "YOUNG DATA"
			o.EvidenceNote = strconv.FormatUint(st.Bad, 10) + " bad events so far; a budget needs data over " +
				burnrate.FormatWindow(st.MinCovered) + " of " + burnrate.FormatWindow(st.Period)
		case o.Evidence != "":
			few++
			o.EvidenceBadge = "TOO FEW EVENTS"
			o.EvidenceNote = "a budget needs " + strconv.FormatUint(st.MinEvents, 10) + " events over " + periodName(st)
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
			if st.Since.IsZero() {
				// A fleet's Status does not know when its state began.
				o.Since = verb + " by " + st.Rule
			} else {
				o.Since = verb + " since " + st.Since.In(loc).Format("Jan 2 15:04 MST") + " (" + formatSpan(st.Time.Sub(st.Since)) + ") by " + st.Rule
			}
		}

		decimals := targetDecimals(st.Target)
		if st.NoData {
			o.SLI, o.SLINote = "no data", "no events in "+periodName(st)
		} else {
			o.SLI = percent(st.SLI, decimals+2)
			o.SLINote = "target " + percent(st.Target, decimals)
		}

		allowed := (float64(st.Good) + float64(st.Bad)) * burnrate.ErrorBudget(st.Target) // in float64: the sum wraps at 2^64
		o.BudgetNote = compact(float64(st.Bad)) + " of " + compact(allowed) + " spent"
		o.BudgetTitle = strconv.FormatUint(st.Bad, 10) + " bad events of " + strconv.FormatFloat(allowed, 'f', 0, 64) +
			" allowed over " + periodName(st)
		sliceView(st, &o, allowed)
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
	v.Review = newReviewView(s.review, s.objectives)
	v.Exclusions = exclusionViews(s.exclusions, loc)
	add(pages, "page", "paging", "paging")
	add(tickets, "ticket", "ticket", "tickets")
	add(spent, "spent", "budget spent", "budgets spent")
	add(few, "evidence", "too few events", "too few events")
	add(young, "evidence", "young data", "young data")
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
// within 300ms over 30d", "99.9% good over December 2026 (Europe/Paris),
// resets in 24d 3h".
func goal(st slo.Status) string {
	if st.Slices != nil {
		return sliceGoal(st)
	}
	what := " good"
	if st.Latency > 0 {
		what = " within " + st.Latency.String()
	}
	g := percent(st.Target, targetDecimals(st.Target)) + what + " over " + periodName(st)
	if r := resets(st); r != "" {
		g += ", " + r
	}
	return g
}

// targetDecimals returns the decimals a target has as a percentage: 1 for
// 0.999 (99.9%), 0 for 0.95, 3 for 0.99995.
func targetDecimals(target float64) int {
	s := strconv.FormatFloat(target, 'f', -1, 64)
	_, frac, _ := strings.Cut(s, ".")
	return max(len(frac)-2, 0)
}

// shownEpisodes is how many episodes a card lists: the newest, for the
// incident at hand and the ones before it; the chart and the JSON have
// them all.
const shownEpisodes = 3

// episodeViews lists the newest episodes of eps (oldest first, as the log
// keeps them), newest first, and says how many the log holds.
func episodeViews(eps []slo.Episode, st slo.Status, loc *time.Location) ([]episodeView, string) {
	var out []episodeView
	for i := len(eps) - 1; i >= 0 && len(out) < shownEpisodes; i-- {
		e := eps[i]
		ev := episodeView{
			Severity: e.Severity.String(),
			Badge:    strings.ToUpper(e.Severity.String()),
			Rule:     e.Rule,
			Start:    e.Start.In(loc).Format("Jan 2 15:04 MST"),
			Open:     e.Open(),
		}
		ev.Lasted = formatSpan(e.Duration(st.Time))
		if ev.Open {
			ev.Lasted += " so far"
		}
		var details []string
		if !e.Mitigated.IsZero() {
			details = append(details, "mitigated after "+formatSpan(e.Mitigated.Sub(e.Start)))
		}
		if e.Paging > 0 && e.Severity == burnrate.SeverityPage {
			details = append(details, formatSpan(e.Paging)+" paging")
		}
		// A fleet's episodes, read from its alerts, carry no burn and no
		// events: they claim neither.
		figures := e.PeakBurn > 0 || e.Good+e.Bad > 0 || e.BudgetSpent > 0
		if figures {
			details = append(details, "peak "+formatRate(e.PeakBurn)+"×")
		}
		// A share of a budget the period cannot support claims nothing.
		if st.Budget.Claims() && figures {
			details = append(details, percent(e.BudgetSpent, 1)+" of the budget")
		}
		ev.Details = strings.Join(details, " · ")
		out = append(out, ev)
	}
	switch n := len(eps); {
	case n == 0:
		return nil, "none in the log"
	case n == 1:
		return out, "1 in the log"
	case n > shownEpisodes:
		return out, strconv.Itoa(n) + " in the log, the last " + strconv.Itoa(shownEpisodes) + " shown"
	default:
		return out, strconv.Itoa(n) + " in the log"
	}
}

// newReviewView lays out the review in the page's order of objectives.
func newReviewView(rv slo.Review, objs []objectiveJSON) reviewView {
	v := reviewView{Flaky: "ended within " + formatSpan(rv.Options.Flaky) + ", spending under " +
		percent(rv.Options.FlakyBudget, 1) + " of the budget"}
	byKey := map[[2]string]slo.ObjectiveReview{}
	for _, o := range rv.Objectives {
		byKey[[2]string{o.Journey, o.Objective}] = o
	}
	for i, o := range objs {
		st := o.Status
		r, ok := byKey[[2]string{st.Journey, st.Objective}]
		if !ok {
			continue // declared after the review was read: none can be
		}
		row := reviewRow{
			ID: "r" + strconv.Itoa(i), Journey: st.Journey, Name: st.Objective,
			Period:   burnrate.FormatWindow(r.To.Sub(r.From)),
			Pages:    strconv.Itoa(r.Pages),
			Tickets:  strconv.Itoa(r.Tickets),
			Paging:   "—",
			Evidence: st.Evidence(),
		}
		if r.FlakyPages > 0 {
			row.Pages += " (" + strconv.Itoa(r.FlakyPages) + " flaky)"
		}
		if r.Paging > 0 {
			row.Paging = formatSpan(r.Paging)
		}
		if row.Evidence != "" {
			row.Episodes, row.Background, row.Left = "—", "—", "—"
		} else {
			row.Episodes, row.Background, row.Left = percent(r.EpisodeBudget, 1), percent(r.BackgroundBudget, 1), percent(r.BudgetRemaining, 1)
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// groupName writes the group g of st's objective as the card names it,
// "cluster=eu1, region=eu": its GroupBy labels in the objective's order
// (by name when the page does not know the objective), or "" for none.
func (h *pageHandler) groupName(st slo.Status, g map[string]string) string {
	if len(g) == 0 {
		return ""
	}
	names := h.defs[[2]string{st.Journey, st.Objective}].GroupBy
	if len(names) != len(g) {
		names = slices.Sorted(maps.Keys(g))
	}
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + g[n]
	}
	return strings.Join(parts, ", ")
}

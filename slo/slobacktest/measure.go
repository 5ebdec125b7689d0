package slobacktest

import (
	"math"
	"slices"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/window"
)

// A PolicyResult is what one candidate policy did to one objective over the
// replay. It is a plain value, part of a [Result].
type PolicyResult struct {
	// Name is the candidate's: [Threshold], [BurnRate1h], [ObjectivePolicy]
	// or a config's.
	Name string
	// Policy is the policy as the registry evaluated it, rule names filled
	// in.
	Policy burnrate.Policy
	// Episodes are the policy's spells out of ok, as the registry logged
	// them (see slo.Episode), oldest first, with the config's objective's
	// name as Objective. The last may be open: it had not ended when the
	// traffic did.
	Episodes []slo.Episode
	// Pages counts the episodes that paged and Tickets those that spent
	// time at ticket (slo.Episode.Ticketed): an episode that rose from a
	// ticket to a page, or came down from one, counts in both, as a
	// review counts it. FlakyPages counts the pages that were flaky by
	// the config's Flaky and FlakyBudget, as slo.Episode.Flaky judges
	// them (they ended within Flaky of their start, having spent less
	// than FlakyBudget of the budget), and that overlapped no significant
	// incident: a short page about a real incident answered it.
	Pages, Tickets, FlakyPages int
	// Paging is the time spent at page, over every episode.
	Paging time.Duration
	// PagesOnIncidents counts the pages whose episode overlaps a
	// significant incident (up to its end plus the policy's reach; see
	// [Detection]).
	PagesOnIncidents int
	// Significant counts the objective's significant incidents; Detected
	// those a page answered.
	Significant, Detected int
	// Precision is PagesOnIncidents / Pages, the share of pages that were
	// about something significant, as the SRE Workbook defines it; 1 when
	// the policy never paged (no page was wrong).
	Precision float64
	// Recall is Detected / Significant, the share of significant
	// incidents a page answered; 1 when there were none (none was
	// missed).
	Recall float64
	// Cleared counts the significant incidents detected whose page
	// cleared within the replay.
	Cleared int
	// MeanDetection is the mean Detection over the significant incidents
	// detected, and MeanReset the mean Reset over the Cleared ones; zero
	// when there are none.
	MeanDetection, MeanReset time.Duration
	// Spans are the policy's states over the replay, from its Start to its
	// End, one after the other: what a timeline draws.
	Spans []Span
	// Detections holds, for each of the objective's incidents in order,
	// whether and when this policy paged on it.
	Detections []Detection
}

// A Detection is how a policy answered one incident. A page answers an
// incident when it is on at some evaluation from the incident's start up
// to its end plus the policy's reach: the longest short window of its page
// rules (30m for the default policy, 10m for [Threshold], 1h for
// [BurnRate1h]). Past that, the incident's errors have left every short
// window, so no page of the policy can be theirs. Times are at the
// registry's evaluations, every [Result].Tick. It is a plain value; its
// zero value is an incident no page answered.
type Detection struct {
	// Detected is true when a page answered the incident.
	Detected bool
	// Paged is the first evaluation at which such a page was on, or the
	// incident's start if one was on already; zero when not Detected.
	Paged time.Time
	// Detection is Paged - the incident's start: the time to detect.
	Detection time.Duration
	// BudgetBeforeDetection is the share of [ObjectiveResult].Budget that
	// the journey's bad events from the incident's start up to Paged
	// spent.
	BudgetBeforeDetection float64
	// Cleared is true when the last page answering the incident ended
	// within the replay.
	Cleared bool
	// Reset is when that page ended, less the incident's end: how long the
	// page stayed on after the errors stopped (negative when it ended
	// before them). Zero unless Cleared.
	Reset time.Duration
}

// reach returns the longest short window among the policy's page rules: how
// long after an incident a page may still be its; -1 when the policy has no
// page rule.
func reach(p burnrate.Policy) time.Duration {
	r := time.Duration(-1)
	for _, rule := range p.Rules {
		if rule.Severity == burnrate.SeverityPage {
			r = max(r, rule.Short)
		}
	}
	return r
}

// measure turns the replay's registry and spans into results, one per
// config.
func (rp *replay) measure(cfgs []Config, objectives []slo.Objective, reg *slo.Registry, res *Result) []ObjectiveResult {
	out := make([]ObjectiveResult, len(cfgs))
	for i, c := range cfgs {
		jt := rp.journeys[c.Objective.Journey]
		or := &out[i]
		or.Objective = c.Objective
		or.Good, or.Bad = jt.upTo(jt.hi[len(jt.hi)-1])
		or.Budget = jt.budget(c.Objective)
		or.Traffic = rp.bins(jt, res)
		incidents := c.Incidents
		if incidents == nil {
			incidents = jt.derive(c.Objective, rp.tick)
		}
		or.Incidents = make([]IncidentResult, len(incidents))
		for k, inc := range incidents {
			ir := IncidentResult{Incident: inc}
			ir.Good, ir.Bad = jt.between(tickOf(inc.Start, rp.tick), tickOf(inc.End(), rp.tick))
			ir.Budget = spent(ir.Bad, or.Budget)
			for _, s := range c.Significance {
				if float64(rp.peak(jt, inc, s.Window)) >= s.Share*or.Budget*(1-1e-9) && ir.Bad > 0 {
					ir.Significant = true
				}
			}
			or.Incidents[k] = ir
		}
	}
	// One list of episodes per registry objective, in the order of rp.objs.
	episodes := make([][]slo.Episode, len(rp.objs))
	for _, e := range reg.Episodes() {
		n := rp.index[slo.ObjectiveKey(e.Journey, e.Objective)]
		e.Objective = cfgs[rp.objs[n].config].Objective.Name
		episodes[n] = append(episodes[n], e)
	}
	for n, o := range rp.objs {
		c, or := cfgs[o.config], &out[o.config]
		jt := rp.journeys[c.Objective.Journey]
		pr := PolicyResult{Name: candidateName(c, o.candidate), Policy: objectives[n].Policy, Spans: o.spans}
		pr.Detections = make([]Detection, len(or.Incidents))
		for k, ir := range or.Incidents {
			pr.Detections[k] = rp.detect(jt, ir.Incident, pr.Policy, o.spans, or.Budget)
		}
		pr.count(c, episodes[n], or.Incidents, res.End)
		or.Policies = append(or.Policies, pr)
	}
	return out
}

// detect finds the pages among spans that answer the incident.
func (rp *replay) detect(jt *journeyTraffic, inc Incident, p burnrate.Policy, spans []Span, budget float64) Detection {
	var d Detection
	r := reach(p)
	if r < 0 {
		return d
	}
	until := inc.End().Add(r)
	var last *Span
	// The spans follow one another: those that end after the incident's
	// start begin at the first such.
	first, _ := slices.BinarySearchFunc(spans, inc.Start, func(s Span, t time.Time) int {
		if s.End.After(t) {
			return 1
		}
		return -1
	})
	for i := first; i < len(spans) && spans[i].Start.Before(until); i++ {
		s := &spans[i]
		if s.State != burnrate.SeverityPage {
			continue
		}
		if !d.Detected {
			d.Detected = true
			d.Paged = s.Start
			if d.Paged.Before(inc.Start) {
				d.Paged = inc.Start
			}
			d.Detection = d.Paged.Sub(inc.Start)
			_, bad := jt.between(tickOf(inc.Start, rp.tick), tickOf(d.Paged, rp.tick))
			d.BudgetBeforeDetection = spent(bad, budget)
		}
		last = s
	}
	// The last span runs to the replay's end: a page there has not ended.
	if last != nil && last != &spans[len(spans)-1] {
		d.Cleared = true
		d.Reset = last.End.Sub(inc.End())
	}
	return d
}

// spent returns bad as a share of budget, 0 when there is no budget.
func spent(bad uint64, budget float64) float64 {
	if !(budget > 0) {
		return 0
	}
	return float64(bad) / budget
}

// meanRate returns the journey's mean events per nanosecond: the events
// after its first sample over the time they took (the first sample's
// interval is not known); 0 when its samples are all at one instant.
func (jt *journeyTraffic) meanRate() float64 {
	first, last := jt.samples[0], jt.samples[len(jt.samples)-1]
	span := last.Time.Sub(first.Time)
	if span <= 0 {
		return 0
	}
	g, b := jt.upTo(jt.hi[len(jt.hi)-1])
	return (float64(g) + float64(b) - float64(first.Good) - float64(first.Bad)) / float64(span)
}

// budget returns the error budget of one period of the objective at the
// journey's mean event rate. A journey whose samples are all at one instant
// has its events for budget.
func (jt *journeyTraffic) budget(o slo.Objective) float64 {
	total := jt.meanRate() * float64(o.Period)
	if total == 0 {
		g, b := jt.upTo(jt.hi[len(jt.hi)-1])
		total = float64(g) + float64(b)
	}
	return burnrate.ErrorBudget(o.Target) * total
}

// peak returns the most bad events of the journey within any interval of
// length w inside the incident. The events are uniform within each sample,
// so the most is found with an edge of the interval at a sample's bound or
// at the incident's.
func (rp *replay) peak(jt *journeyTraffic, inc Incident, w time.Duration) uint64 {
	ks, ke := tickOf(inc.Start, rp.tick), tickOf(inc.End(), rp.tick)
	n := int64(w / rp.tick)
	if w%rp.tick != 0 {
		n++
	}
	if ke-ks <= n {
		_, bad := jt.between(ks, ke)
		return bad
	}
	best := uint64(0)
	try := func(b int64) {
		if b < ks || b > ke {
			return
		}
		_, x := jt.between(b, min(b+n, ke))
		_, y := jt.between(max(b-n, ks), b)
		best = max(best, x, y)
	}
	try(ks)
	try(ke)
	// Only the samples inside the incident have bounds inside it; hi
	// ascends, and lo with it.
	first, _ := slices.BinarySearch(jt.hi, ks)
	for i := first; i < len(jt.samples) && jt.lo[i] < ke; i++ {
		try(jt.lo[i])
		try(jt.hi[i])
	}
	return best
}

// derive returns the incidents of the journey's traffic for objective o:
// every maximal run of consecutive samples whose error ratio is above
// 1 - target, from the previous sample's time (one tick before the first
// sample's, whose events count at its tick) to the run's last sample's,
// with the run's error ratio, and with more bad events than the budget's
// rate explains. Runs less than deriveGap apart are one run, with the
// samples between them: at night a real incident's minutes alternate
// between a bad request and none, and a person calls them one incident. A run is noise, and no incident, when its bad events are
// within three standard deviations of the count the budget allows it
// (total × (1 - target), a Poisson count): a minute of night traffic with
// its one bad request in 480 is above 99.9%'s rate, and no one would call
// it an incident.
func (jt *journeyTraffic) derive(o slo.Objective, tick time.Duration) []Incident {
	var out []Incident
	budget := burnrate.ErrorBudget(o.Target)
	var good, bad float64 // of the open run, up to its last sample above the rate
	var gapGood, gapBad float64
	open, last := -1, -1
	flush := func() {
		if open < 0 {
			return
		}
		start := jt.samples[open].Time.Add(-tick)
		if open > 0 {
			start = jt.samples[open-1].Time
		}
		end := jt.samples[last].Time
		if allowed := (good + bad) * budget; bad > allowed+3*math.Sqrt(max(allowed, 1)) {
			out = append(out, Incident{Journey: jt.name, Start: start, Duration: end.Sub(start), ErrorRatio: bad / (good + bad)})
		}
		open, good, bad = -1, 0, 0
	}
	for i, s := range jt.samples {
		g, b := float64(s.Good), float64(s.Bad)
		if t := g + b; !(t > 0 && b/t > budget*(1+1e-9)) {
			gapGood, gapBad = gapGood+g, gapBad+b
			continue
		}
		if open >= 0 && s.Time.Sub(jt.samples[last].Time) > deriveGap {
			flush()
		}
		if open < 0 {
			open = i
		} else {
			good, bad = good+gapGood, bad+gapBad // the quiet samples inside the run
		}
		gapGood, gapBad = 0, 0
		good, bad, last = good+g, bad+b, i
	}
	flush()
	return out
}

// deriveGap is the longest spell of samples at or under the budget's rate
// inside one derived incident: the shortest window of the default policy.
const deriveGap = 5 * time.Minute

// count fills in the measures that come from the policy's episodes and
// detections.
func (pr *PolicyResult) count(c Config, episodes []slo.Episode, incidents []IncidentResult, end time.Time) {
	pr.Episodes = episodes
	r := reach(pr.Policy)
	for _, e := range episodes {
		pr.Paging += e.Paging
		if e.Ticketed(end) {
			pr.Tickets++
		}
		if e.Severity != burnrate.SeverityPage {
			continue
		}
		pr.Pages++
		until := e.End
		if e.Open() {
			until = end.Add(1) // open: on at the replay's end
		}
		onIncident := false
		for _, ir := range incidents {
			if ir.Significant && e.Start.Before(ir.End().Add(r)) && until.After(ir.Start) {
				onIncident = true
				break
			}
		}
		if onIncident {
			pr.PagesOnIncidents++
		} else if e.Flaky(c.Flaky, c.FlakyBudget) {
			// A page about a significant incident answered something
			// real, however short it was and however little the
			// episode's own events spent: the errors that made it page
			// came before it.
			pr.FlakyPages++
		}
	}
	for k, ir := range incidents {
		if !ir.Significant {
			continue
		}
		pr.Significant++
		d := pr.Detections[k]
		if !d.Detected {
			continue
		}
		pr.Detected++
		pr.MeanDetection += d.Detection
		if d.Cleared {
			pr.Cleared++
			pr.MeanReset += d.Reset
		}
	}
	pr.Precision, pr.Recall = 1, 1
	if pr.Pages > 0 {
		pr.Precision = float64(pr.PagesOnIncidents) / float64(pr.Pages)
	}
	if pr.Significant > 0 {
		pr.Recall = float64(pr.Detected) / float64(pr.Significant)
	}
	if pr.Detected > 0 {
		pr.MeanDetection /= time.Duration(pr.Detected)
	}
	if pr.Cleared > 0 {
		pr.MeanReset /= time.Duration(pr.Cleared)
	}
}

// binWidths are the widths a timeline's bins may take, the narrowest that
// keeps a replay within maxBins chosen.
var binWidths = [...]time.Duration{
	time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour,
}

// maxBins bounds a timeline's bins: about a pixel each on a wide screen.
const maxBins = 1000

// bins returns the journey's events over the replay in bins of equal width
// whose edges are multiples of it since the Unix epoch (15m bins end at :00,
// :15, :30, :45), the first and last cut short at the replay's start and
// end.
func (rp *replay) bins(jt *journeyTraffic, res *Result) []Bin {
	span := res.End.Sub(res.Start)
	width := binWidths[len(binWidths)-1]
	for _, w := range binWidths {
		if span <= w*maxBins {
			width = w
			break
		}
	}
	// Whole ticks: every width is a multiple of the 1s and 3s ticks a
	// replay's registry can have; coarser ticks round it up.
	n := int64((width + rp.tick - 1) / rp.tick)
	k0, k1 := tickOf(res.Start, rp.tick), tickOf(res.End, rp.tick)
	var out []Bin
	for k := k0; k < k1; {
		// The bin holding tick k, aligned to the epoch as the windows'
		// buckets are.
		e := min((window.Bucket(time.Unix(0, k*int64(rp.tick)), time.Duration(n)*rp.tick)+1)*n, k1)
		g, b := jt.between(k, e)
		out = append(out, Bin{End: time.Unix(0, e*int64(rp.tick)).UTC(), Good: g, Bad: b})
		k = e
	}
	return out
}

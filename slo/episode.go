package slo

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/figure"
)

// DefaultEpisodeLog is how many episodes the registry keeps per objective
// unless [WithEpisodeLog] says otherwise.
const DefaultEpisodeLog = 100

// maxEpisodeLog bounds WithEpisodeLog, and the snapshot decoder's count of
// episodes per series with it, so that every log a registry keeps can be
// saved and read back.
const maxEpisodeLog = 1 << 16

// WithEpisodeLog keeps the last n episodes of each objective (see
// [Episode]); older ones are dropped as new ones start. An open episode is
// always the newest, so it is never dropped. n must be between 1 and 65536.
// The default is [DefaultEpisodeLog], 100.
func WithEpisodeLog(n int) Option {
	return func(cfg *config) { cfg.episodeLog, cfg.episodeLogSet = n, true }
}

// checkEpisodeLog reports a WithEpisodeLog New refuses.
func checkEpisodeLog(n int) error {
	if n < 1 || n > maxEpisodeLog {
		return fmt.Errorf("%w: WithEpisodeLog(%d): keep between 1 and %d episodes per objective, such as WithEpisodeLog(%d)",
			ErrInvalid, n, maxEpisodeLog, DefaultEpisodeLog)
	}
	return nil
}

// An Episode is one spell of an objective out of ok: it starts at the
// evaluation at which the state leaves ok and ends at the evaluation at
// which it returns to ok, whatever it went through between (ticket, page,
// ticket again). Every instant in it is an evaluation's, so its figures are
// at the registry's evaluation granularity: a registry advanced every
// minute times its episodes to the minute.
//
// The registry keeps the last episodes of every objective (see
// [WithEpisodeLog]), saves them in its snapshots and restores them with
// the windows, so that an episode open at a restart continues in the
// registry that restores it. Get them with [Registry.Episodes] or
// [Journey.Episodes]. An Episode is a plain value, a copy; its zero value
// is no episode.
type Episode struct {
	Journey, Objective string
	// Start is the evaluation at which the state left ok.
	Start time.Time
	// Rule names the first rule that set the most severe state of the
	// episode: the rule that paged, or that raised the ticket when it
	// never paged.
	Rule string
	// Severity is the most severe state the episode reached:
	// [burnrate.SeverityTicket] or [burnrate.SeverityPage].
	Severity burnrate.Severity
	// Paged is the evaluation at which the episode first paged; zero when
	// it never did.
	Paged time.Time
	// Paging is the time the state spent at page, from each evaluation
	// that found it paging to the next evaluation: up to End, or up to the
	// last evaluation while the episode is open. Time between a snapshot
	// and the restart that restores it is not counted: nobody evaluated
	// then.
	Paging time.Duration
	// PeakBurn is the highest burn rate over Rule's long window at the
	// episode's evaluations.
	PeakBurn float64
	// Mitigated is the first evaluation after Rule fired at which the burn
	// rate over Rule's short window was under 1: the errors had stopped,
	// the interim recovery, although the objective is not met again until
	// End. It is zero until then, and stays zero for an episode that ended
	// with the short window still burning at 1 or more.
	Mitigated time.Time
	// End is the evaluation at which the state returned to ok; zero while
	// the episode is open.
	End time.Time
	// Good and Bad are the events counted by the evaluations from Start to
	// End: those recorded since the evaluation before Start (which made
	// the state leave ok) up to End, exactly, as the objective's totals
	// moved at each evaluation.
	Good, Bad float64
	// BudgetSpent is Bad over the error budget of the period as it stood
	// at End (at the last evaluation while open): the share of the budget
	// the episode spent, 0.05 for 5%. It is 0 when the period held no
	// events.
	BudgetSpent float64
}

// Open reports whether the episode has not ended.
func (e Episode) Open() bool { return e.End.IsZero() }

// Flaky reports whether the episode is a flaky page: a page that ended
// within `within` of its start having spent less than `budget` of the
// error budget (BudgetSpent, a share such as 0.02 for 2%), one that
// resolved itself before anyone could act and cost little. An episode that
// is open, or never paged, is not flaky. [Registry.Review] counts flaky
// pages by it (see [WithFlaky]), and so does a backtest, so that both
// call the same pages flaky.
func (e Episode) Flaky(within time.Duration, budget float64) bool {
	return e.Severity == burnrate.SeverityPage && !e.Open() && e.End.Sub(e.Start) <= within && e.BudgetSpent < budget
}

// Ticketed reports whether the episode spent time at ticket, as of at for
// an open one: it never paged; or it left ok for a ticket before it paged
// (Paged after Start); or it spent less time paging than from Paged to its
// end (to at while open), the rest at ticket on its way down. An episode
// that escalates from ticket to page, or comes down from page to ticket,
// is a ticket and a page both, and a review counts it under each. Time
// between a snapshot and the restart that restores it counts as neither
// paging nor a ticket.
func (e Episode) Ticketed(at time.Time) bool {
	if e.Severity != burnrate.SeverityPage {
		return e.Severity == burnrate.SeverityTicket
	}
	if e.Paged.After(e.Start) {
		return true
	}
	return e.Paging < e.Duration(at)-e.Paged.Sub(e.Start)
}

// Duration returns how long the episode lasted: from Start to End, or to
// at while it is open.
func (e Episode) Duration(at time.Time) time.Duration {
	if !e.Open() {
		at = e.End
	}
	return at.Sub(e.Start)
}

// episodeLog is an objective's episodes and what tracking the open one
// needs. It is guarded by Registry.mu, and written only with advMu held
// too.
type episodeLog struct {
	max      int
	episodes []Episode // oldest first; the last is open when open is true
	open     bool
	// rule indexes the open episode's Rule in the policy; -1 when it names
	// a rule the policy no longer has (restored from a snapshot).
	rule int
	// ruleAt is the evaluation at which rule was set: mitigation is looked
	// for after it.
	ruleAt time.Time
	// peak holds the highest burn rate over each window of the policy
	// (indexed as Evaluation.Windows) since the open episode started.
	peak []float64
}

// track folds the evaluation at now into the objective's episode log. from
// is the state at the previous evaluation, at prev (zero for the first),
// and dg, db the events the objective's totals gained since (its slices,
// for an objective of slices). It requires
// Registry.mu held for writing, and runs before o.state takes the new
// state.
func (o *objective) track(prev, now time.Time, from burnrate.Severity, dg, db float64) {
	l := &o.log
	e := &o.eval
	if e.State == burnrate.SeverityOK && !l.open {
		return // background
	}
	if !l.open {
		l.start(o, now)
	}
	ep := &l.episodes[len(l.episodes)-1]
	ep.Good += dg
	ep.Bad += db
	if from == burnrate.SeverityPage && !prev.IsZero() && now.After(prev) {
		ep.Paging += now.Sub(prev)
	}
	for i, b := range e.Windows {
		l.peak[i] = max(l.peak[i], b.Rate)
	}
	if e.State > ep.Severity || (l.rule < 0 && e.State != burnrate.SeverityOK) {
		// A more severe rule fired (or the restored rule is gone): the
		// episode is now about it, and its mitigation is looked for anew.
		ep.Severity = max(ep.Severity, e.State)
		ep.Rule, l.rule, l.ruleAt = o.Policy.Rules[e.Rule].Name, e.Rule, now
		// PeakBurn is over the new rule's long window, since the start.
		ep.Mitigated, ep.PeakBurn = time.Time{}, 0
	}
	if e.State == burnrate.SeverityPage && ep.Paged.IsZero() {
		ep.Paged = now
	}
	if l.rule >= 0 {
		rs := e.Rules[l.rule]
		ep.PeakBurn = max(ep.PeakBurn, l.peak[rs.Long])
		if ep.Mitigated.IsZero() && now.After(l.ruleAt) && e.Windows[rs.Short].Rate < 1 {
			ep.Mitigated = now
		}
	}
	ep.BudgetSpent = 0
	if allowed := (o.good + o.bad) * o.budget; allowed > 0 {
		ep.BudgetSpent = ep.Bad / allowed
	}
	if e.State == burnrate.SeverityOK {
		ep.End, l.open = now, false
	}
}

// start opens an episode at now, dropping the oldest when the log is full.
func (l *episodeLog) start(o *objective, now time.Time) {
	ep := Episode{Journey: o.Journey, Objective: o.Name, Start: now}
	if len(l.episodes) >= l.max {
		l.episodes = slices.Delete(l.episodes, 0, len(l.episodes)-l.max+1)
	}
	l.episodes = append(l.episodes, ep)
	l.open, l.rule, l.ruleAt = true, -1, now
	clear(l.peak)
}

// restore replaces the log with episodes from a snapshot, keeping the last
// l.max. An open episode among them is the last and continues: its rule is
// found again in the policy by name, and its peak seeds that rule's long
// window.
func (l *episodeLog) restore(o *objective, eps []Episode) {
	eps = eps[max(0, len(eps)-l.max):]
	l.episodes = make([]Episode, len(eps), max(len(eps), min(l.max, 4)))
	for i, ep := range eps {
		ep.Journey, ep.Objective = o.Journey, o.Name
		// The policy's own name, rather than the decoder's copy of it for
		// every episode.
		if k := slices.IndexFunc(o.Policy.Rules, func(r burnrate.Rule) bool { return r.Name == ep.Rule }); k >= 0 {
			ep.Rule = o.Policy.Rules[k].Name
		}
		l.episodes[i] = ep
	}
	l.open, l.rule = false, -1
	clear(l.peak)
	if n := len(l.episodes); n > 0 && l.episodes[n-1].Open() {
		ep := l.episodes[n-1]
		l.open, l.ruleAt = true, ep.Start
		if i := slices.IndexFunc(o.Policy.Rules, func(r burnrate.Rule) bool { return r.Name == ep.Rule }); i >= 0 {
			l.rule = i
			// The policy's windows are indexed as an evaluation's are.
			if w, ok := slices.BinarySearch(o.Policy.Windows(), o.Policy.Rules[i].Long); ok && w < len(l.peak) {
				l.peak[w] = ep.PeakBurn
			}
		}
	}
}

// Episodes returns the episodes the registry keeps of every objective,
// oldest first by Start, objectives in declaration order for episodes that
// started at the same evaluation; the open ones have a zero End and their
// figures as of the last evaluation. After Close, the episodes at Close:
// one open then stays open.
func (r *Registry) Episodes() []Episode {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return episodesOf(r.objs)
}

// Episodes returns the episodes the registry keeps of the journey's
// objectives, ordered as [Registry.Episodes] orders them; none for
// [Unmatched]. Tell the objectives apart by Episode.Objective.
func (j *Journey) Episodes() []Episode {
	j.reg.mu.RLock()
	defer j.reg.mu.RUnlock()
	return episodesOf(j.objs)
}

// episodesOf collects the episodes of objs. It requires Registry.mu held.
func episodesOf(objs []*objective) []Episode {
	var out []Episode
	for _, o := range objs {
		out = append(out, o.log.episodes...)
	}
	slices.SortStableFunc(out, func(a, b Episode) int { return a.Start.Compare(b.Start) })
	return out
}

// episodeShape is the JSON and YAML shape of an Episode.
type episodeShape struct {
	Journey     string            `json:"journey" yaml:"journey"`
	Objective   string            `json:"objective" yaml:"objective"`
	Start       string            `json:"start" yaml:"start"`
	Rule        string            `json:"rule" yaml:"rule"`
	Severity    burnrate.Severity `json:"severity" yaml:"severity"`
	Paged       *string           `json:"paged" yaml:"paged"`
	Paging      string            `json:"paging" yaml:"paging"`
	PeakBurn    *float64          `json:"peakBurn" yaml:"peakBurn"`
	Mitigated   *string           `json:"mitigated" yaml:"mitigated"`
	End         *string           `json:"end" yaml:"end"`
	Open        bool              `json:"open" yaml:"open"`
	Good        *float64          `json:"good" yaml:"good"`
	Bad         *float64          `json:"bad" yaml:"bad"`
	BudgetSpent *float64          `json:"budgetSpent" yaml:"budgetSpent"`
}

func (e Episode) shape() episodeShape {
	return episodeShape{
		Journey: e.Journey, Objective: e.Objective, Start: instant(e.Start), Rule: e.Rule, Severity: e.Severity,
		Paged: instantOrNull(e.Paged), Paging: burnrate.FormatWindow(e.Paging), PeakBurn: finiteOrNull(figure.Tidy(e.PeakBurn)),
		Mitigated: instantOrNull(e.Mitigated), End: instantOrNull(e.End), Open: e.Open(),
		Good: finiteOrNull(figure.Tidy(e.Good)), Bad: finiteOrNull(figure.Tidy(e.Bad)), BudgetSpent: finiteOrNull(figure.Tidy(e.BudgetSpent)),
	}
}

func (in episodeShape) episode() (Episode, error) {
	e := Episode{
		Journey: in.Journey, Objective: in.Objective, Rule: in.Rule, Severity: in.Severity,
		PeakBurn: deref(in.PeakBurn, 0), Good: deref(in.Good, 0), Bad: deref(in.Bad, 0), BudgetSpent: deref(in.BudgetSpent, 0),
	}
	var f fields
	e.Start, e.Paging = f.instant("start", in.Start), f.duration("paging", in.Paging)
	e.Paged, e.Mitigated, e.End = f.instantOrNull("paged", in.Paged), f.instantOrNull("mitigated", in.Mitigated), f.instantOrNull("end", in.End)
	return e, f.err
}

// MarshalJSON encodes the episode as
//
//	{"journey": "checkout", "objective": "availability",
//	 "start": "2026-03-12T12:01:00Z", "rule": "page-1h-5m", "severity": "page",
//	 "paged": "2026-03-12T12:01:00Z", "paging": "41m", "peakBurn": 200.4,
//	 "mitigated": "2026-03-12T12:17:00Z", "end": "2026-03-12T18:12:00Z", "open": false,
//	 "good": 359820, "bad": 12180, "budgetSpent": 0.786212238575}
//
// with instants in RFC 3339 UTC, null for those not reached (paged,
// mitigated, end), paging as "1h30m" ("0s" for none), "open" true while
// end is null, and figures rounded to 12 significant digits, which drops
// the noise of float arithmetic and nothing known. No number is written
// as NaN or an infinity.
func (e Episode) MarshalJSON() ([]byte, error) { return json.Marshal(e.shape()) }

// UnmarshalJSON decodes what MarshalJSON encodes, ignoring unknown fields
// and "open", which follows from "end".
func (e *Episode) UnmarshalJSON(b []byte) error { return decode(b, "episode", episodeShape.episode, e) }

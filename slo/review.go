package slo

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/figure"
)

// Defaults of what a [Review] calls a flaky page (see [WithFlaky]).
const (
	// DefaultFlaky is how soon after its start a page must end to be
	// flaky.
	DefaultFlaky = 10 * time.Minute
	// DefaultFlakyBudget is the share of the budget a flaky page spends
	// less of.
	DefaultFlakyBudget = 0.02
)

// A ReviewOption configures [Registry.Review].
type ReviewOption func(*reviewConfig)

type reviewConfig struct {
	flaky       time.Duration
	flakyBudget float64
}

// WithFlaky sets what the review calls a flaky page: one that ended within
// `within` of its start having spent less than `budget` of the error
// budget, a share such as 0.02 for 2% (see [Episode.Flaky]): a page that
// resolved itself before anyone could act, and cost little. Zero for
// either takes its default: [DefaultFlaky], 10 minutes, and
// [DefaultFlakyBudget], 2%, which are also what a review without this
// option uses. A negative duration, or a budget that is negative or not a
// finite number, makes Review fail.
func WithFlaky(within time.Duration, budget float64) ReviewOption {
	return func(c *reviewConfig) { c.flaky, c.flakyBudget = within, budget }
}

// ReviewSettings are what a [Review] was made with, defaults filled in:
// what it calls a flaky page, one that ended within Flaky of its start
// having spent less than FlakyBudget of the error budget (see
// [Episode.Flaky] and [WithFlaky]).
type ReviewSettings struct {
	// Flaky is the longest a flaky page lasts, from Start to End.
	Flaky time.Duration
	// FlakyBudget is the share of the error budget (Episode.BudgetSpent)
	// a flaky page spends less of.
	FlakyBudget float64
}

// settings returns the configuration with its defaults, or every reason
// it is invalid.
// reviewSettings applies opts and checks them, for Review and
// ReviewHistory alike.
func reviewSettings(opts []ReviewOption) (ReviewSettings, error) {
	var cfg reviewConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return cfg.settings()
}

func (c reviewConfig) settings() (ReviewSettings, error) {
	var errs []error
	if c.flaky < 0 {
		errs = append(errs, fmt.Errorf("%w: WithFlaky: duration %v is negative; use how soon a flaky page ends, such as 10m, or 0 for the default %v",
			ErrInvalid, c.flaky, burnrate.FormatWindow(DefaultFlaky)))
	}
	if !(c.flakyBudget >= 0) || math.IsInf(c.flakyBudget, 0) {
		errs = append(errs, fmt.Errorf("%w: WithFlaky: budget %v is not a share; use one such as 0.02 for 2%%, or 0 for the default %v",
			ErrInvalid, c.flakyBudget, DefaultFlakyBudget))
	}
	if len(errs) > 0 {
		return ReviewSettings{}, errors.Join(errs...)
	}
	s := ReviewSettings{Flaky: c.flaky, FlakyBudget: c.flakyBudget}
	if s.Flaky == 0 {
		s.Flaky = DefaultFlaky
	}
	if s.FlakyBudget == 0 {
		s.FlakyBudget = DefaultFlakyBudget
	}
	return s, nil
}

// A Review is the agenda of a periodic review of alerts and objectives:
// for each objective, over its period up to the last evaluation, the pages
// and tickets its policy raised, the flaky ones, the time spent paging,
// and how the budget went between incidents and background burn. Take one
// with [Registry.Review]. It is a plain value; its zero value reviews
// nothing.
type Review struct {
	// Time is the last evaluation, where every period reviewed ends.
	Time time.Time
	// Options are what the review was made with, defaults filled in: what
	// it calls a flaky page.
	Options ReviewSettings
	// Objectives holds one review per objective, in declaration order.
	Objectives []ObjectiveReview
}

// An ObjectiveReview is one objective's part of a [Review].
//
// The episodes reviewed are those that overlap the period: ended after
// From, or still open. One that started before From counts in full in
// Pages and Tickets (it is an incident the review discusses), but only by
// the share of its duration inside the period in Paging and
// EpisodeBudget, as if its events and paging were spread evenly over it:
// the period holds only that share, and the budget figures must add up to
// the budget the period spent.
type ObjectiveReview struct {
	Journey, Objective string
	// From and To bound the period reviewed: the objective's Period up to
	// the review's Time.
	From, To time.Time
	// Pages counts the episodes that paged and Tickets those that spent
	// time at ticket ([Episode.Ticketed]): an episode that went from
	// ticket to page, or came down from page to ticket, counts in both,
	// as a person on call counts the page and the ticket they got.
	// FlakyPages counts the pages that were flaky by the review's Options
	// (see [Episode.Flaky]).
	Pages, Tickets, FlakyPages int
	// Paging is the time the episodes spent at page within the period.
	Paging time.Duration
	// EpisodeBudget is the share of the period's error budget spent by the
	// episodes' bad events inside the period, and BackgroundBudget the
	// share spent by the bad events outside any episode. Both are against
	// the budget the period allows now, the denominator of
	// Status.BudgetRemaining, so that they add up to what the period
	// spent, within float rounding. EpisodeBudget never exceeds it (the
	// even spread of an episode that started before From could claim more
	// than the period's oldest bucket holds), nor is BackgroundBudget ever
	// negative.
	EpisodeBudget, BackgroundBudget float64
	// BudgetRemaining is 1 - EpisodeBudget - BackgroundBudget: the
	// objective's Status.BudgetRemaining at the review's Time.
	BudgetRemaining float64
	// Budget is the objective's Status.Budget at the review's Time:
	// BudgetTooFewEvents when the period holds too few events for the
	// three budget figures above to be claims about the service (1 bad
	// event in 10 at 99.9% reads as a budget overspent 99 times). A
	// review that states, compares or ranks budgets checks it first.
	Budget BudgetState
	// Episodes are the episodes reviewed, oldest first; the open one, if
	// any, with its figures at the review's Time.
	Episodes []Episode
	// Exclusions are the occurrences of planned exclusions (see
	// [Exclusion]) that covered the objective's journey within the
	// period, oldest first, each with Journeys and Removed of that
	// journey alone: the events they kept out of the objective's good and
	// bad. The registry's log keeps the last [MaxExclusionLog].
	Exclusions []ExclusionSpan
}

// Review returns the review of every objective over its period, up to the
// last evaluation; after Close, up to the evaluation at Close. With no
// option it calls flaky the pages that ended within 10 minutes having
// spent under 2% of the budget (see [WithFlaky]). It returns an error
// wrapping [ErrInvalid], and no review, when an option is invalid (a
// negative duration, a share that is negative or not finite), naming
// every problem. The log keeps the last episodes only (see
// [WithEpisodeLog]): a period with more episodes than the log holds is
// reviewed from the oldest it kept.
func (r *Registry) Review(opts ...ReviewOption) (Review, error) {
	settings, err := reviewSettings(opts)
	if err != nil {
		return Review{}, err
	}
	excl := r.ExclusionLog() // before mu: no lock is taken under another here
	r.mu.RLock()
	defer r.mu.RUnlock()
	rv := Review{Time: r.advanced, Options: settings, Objectives: make([]ObjectiveReview, len(r.objs))}
	for i, o := range r.objs {
		rv.Objectives[i] = o.review(r.advanced, settings)
		rv.Objectives[i].Exclusions = exclusionsOf(excl, o.Journey, rv.Objectives[i].From, r.advanced)
	}
	return rv, nil
}

// exclusionsOf returns the spans of log that covered journey and overlap
// from to at, each reduced to that journey.
func exclusionsOf(log []ExclusionSpan, journey string, from, at time.Time) []ExclusionSpan {
	var out []ExclusionSpan
	for _, s := range log {
		if !s.End.After(from) || s.Start.After(at) {
			continue
		}
		for i, j := range s.Journeys {
			if j == journey {
				out = append(out, ExclusionSpan{Reason: s.Reason, Start: s.Start, End: s.End, Journeys: []string{j}, Removed: []uint64{s.Removed[i]}})
			}
		}
	}
	return out
}

// review reviews o's period ending at at. It requires Registry.mu held.
func (o *objective) review(at time.Time, opts ReviewSettings) ObjectiveReview {
	return reviewOf(o.Objective, o.good, o.bad, o.log.episodes, at, opts)
}

// reviewOf reviews the period of o ending at at, which held good and bad
// events, over its episodes eps (oldest first): a registry's objective
// and a fleet's History alike.
func reviewOf(o Objective, good, bad float64, eps []Episode, at time.Time, opts ReviewSettings) ObjectiveReview {
	or := ObjectiveReview{
		Journey: o.Journey, Objective: o.Name, From: at.Add(-o.Period), To: at,
		BudgetRemaining: burnrate.BudgetRemaining(good, bad, o.Target),
	}
	or.Budget = budgetState(good+bad, o.minEvents(), or.BudgetRemaining)
	periodBad := bad
	bad = 0
	for _, ep := range eps {
		if (!ep.Open() && !ep.End.After(or.From)) || ep.Start.After(at) {
			continue
		}
		or.Episodes = append(or.Episodes, ep)
		share := 1.0
		if ep.Start.Before(or.From) {
			end := at
			if !ep.Open() {
				end = ep.End
			}
			share = float64(end.Sub(or.From)) / float64(end.Sub(ep.Start))
		}
		bad += ep.Bad * share
		or.Paging += time.Duration(math.Round(float64(ep.Paging) * share))
		if ep.Severity == burnrate.SeverityPage {
			or.Pages++
			if ep.Flaky(opts.Flaky, opts.FlakyBudget) {
				or.FlakyPages++
			}
		}
		if ep.Ticketed(at) {
			or.Tickets++
		}
	}
	// One denominator for both shares: the budget the period allows now,
	// as BudgetRemaining has it.
	spent := 1 - or.BudgetRemaining
	if allowed := (good + periodBad) * burnrate.ErrorBudget(o.Target); allowed > 0 && spent > 0 {
		or.EpisodeBudget = min(bad/allowed, spent)
		or.BackgroundBudget = spent - or.EpisodeBudget
	}
	return or
}

// The JSON and YAML shapes of Review and ObjectiveReview, in the style of
// Status's (see encoding.go): durations as "1h30m", instants in RFC 3339
// UTC, figures rounded to 12 significant digits, never NaN.
type (
	reviewShape struct {
		Time        string            `json:"time" yaml:"time"`
		Flaky       string            `json:"flaky" yaml:"flaky"`
		FlakyBudget *float64          `json:"flakyBudget" yaml:"flakyBudget"`
		Objectives  []ObjectiveReview `json:"objectives" yaml:"objectives"`
	}
	objectiveReviewShape struct {
		Journey          string          `json:"journey" yaml:"journey"`
		Objective        string          `json:"objective" yaml:"objective"`
		From             string          `json:"from" yaml:"from"`
		To               string          `json:"to" yaml:"to"`
		Pages            int             `json:"pages" yaml:"pages"`
		Tickets          int             `json:"tickets" yaml:"tickets"`
		FlakyPages       int             `json:"flakyPages" yaml:"flakyPages"`
		Paging           string          `json:"paging" yaml:"paging"`
		EpisodeBudget    *float64        `json:"episodeBudget" yaml:"episodeBudget"`
		BackgroundBudget *float64        `json:"backgroundBudget" yaml:"backgroundBudget"`
		BudgetRemaining  *float64        `json:"budgetRemaining" yaml:"budgetRemaining"`
		Budget           *BudgetState    `json:"budget" yaml:"budget"`
		Episodes         []Episode       `json:"episodes" yaml:"episodes"`
		Exclusions       []ExclusionSpan `json:"exclusions,omitempty" yaml:"exclusions,omitempty"`
	}
)

func (rv Review) shape() reviewShape {
	s := reviewShape{Time: instant(rv.Time), Flaky: burnrate.FormatWindow(rv.Options.Flaky),
		FlakyBudget: finiteOrNull(figure.Tidy(rv.Options.FlakyBudget)), Objectives: rv.Objectives}
	if s.Objectives == nil {
		s.Objectives = []ObjectiveReview{}
	}
	return s
}

func (in reviewShape) review() (Review, error) {
	rv := Review{Options: ReviewSettings{FlakyBudget: deref(in.FlakyBudget, 0)}, Objectives: in.Objectives}
	var f fields
	rv.Time, rv.Options.Flaky = f.instant("time", in.Time), f.duration("flaky", in.Flaky)
	return rv, f.err
}

// MarshalJSON encodes the review as
//
//	{"time": "2026-04-01T00:00:00Z", "flaky": "10m", "flakyBudget": 0.02,
//	 "objectives": [...]}
//
// with each objective as [ObjectiveReview.MarshalJSON] writes it.
func (rv Review) MarshalJSON() ([]byte, error) { return json.Marshal(rv.shape()) }

// UnmarshalJSON decodes what MarshalJSON encodes, ignoring unknown fields.
func (rv *Review) UnmarshalJSON(b []byte) error { return decode(b, "review", reviewShape.review, rv) }

func (or ObjectiveReview) shape() objectiveReviewShape {
	s := objectiveReviewShape{
		Journey: or.Journey, Objective: or.Objective, From: instant(or.From), To: instant(or.To),
		Pages: or.Pages, Tickets: or.Tickets, FlakyPages: or.FlakyPages, Paging: burnrate.FormatWindow(or.Paging),
		EpisodeBudget: finiteOrNull(figure.Tidy(or.EpisodeBudget)), BackgroundBudget: finiteOrNull(figure.Tidy(or.BackgroundBudget)),
		BudgetRemaining: finiteOrNull(figure.Tidy(or.BudgetRemaining)), Budget: &or.Budget, Episodes: or.Episodes,
		Exclusions: or.Exclusions,
	}
	if s.Episodes == nil {
		s.Episodes = []Episode{}
	}
	return s
}

func (in objectiveReviewShape) objectiveReview() (ObjectiveReview, error) {
	or := ObjectiveReview{
		Journey: in.Journey, Objective: in.Objective, Pages: in.Pages, Tickets: in.Tickets, FlakyPages: in.FlakyPages,
		EpisodeBudget: deref(in.EpisodeBudget, 0), BackgroundBudget: deref(in.BackgroundBudget, 0),
		BudgetRemaining: deref(in.BudgetRemaining, 0), Episodes: in.Episodes, Exclusions: in.Exclusions,
	}
	if in.Budget != nil {
		or.Budget = *in.Budget
	}
	var f fields
	or.From, or.To, or.Paging = f.instant("from", in.From), f.instant("to", in.To), f.duration("paging", in.Paging)
	return or, f.err
}

// MarshalJSON encodes the objective's review as
//
//	{"journey": "checkout", "objective": "availability",
//	 "from": "2026-03-02T00:00:00Z", "to": "2026-04-01T00:00:00Z",
//	 "pages": 2, "tickets": 0, "flakyPages": 1, "paging": "46m",
//	 "episodeBudget": 0.288958333333, "backgroundBudget": 0.508935185185,
//	 "budgetRemaining": 0.202106481481, "budget": "left",
//	 "episodes": [...]}
//
// with each episode as [Episode.MarshalJSON] writes it, an empty list for
// none, and figures rounded to 12 significant digits; no number is written
// as NaN or an infinity.
func (or ObjectiveReview) MarshalJSON() ([]byte, error) { return json.Marshal(or.shape()) }

// UnmarshalJSON decodes what MarshalJSON encodes, ignoring unknown fields.
func (or *ObjectiveReview) UnmarshalJSON(b []byte) error {
	return decode(b, "objective review", objectiveReviewShape.objectiveReview, or)
}

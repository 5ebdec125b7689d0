package slofleet

import (
	"context"
	"errors"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/promapi"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// The history's resolution.
const (
	// RecentSpan is how far back [Client.History] reads the recent burn
	// of the policies' windows, as a registry keeps it.
	RecentSpan = 6 * time.Hour
	// RecentStep is the step of the recent burn's range query: 73 points
	// per window over RecentSpan, as many as a chart 360 units wide
	// shows, a fifth of a registry's minutes, so that the answer of 500
	// objectives stays within the default answer cap.
	RecentStep = 5 * time.Minute
	// burnDownBuckets is the least number of buckets a burn-down is drawn
	// with, when a window of the policy divides the period into so many.
	burnDownBuckets = 100
	// maxEpisodeSteps bounds the steps of the episodes' range query, under
	// the 11,000 points per series Prometheus answers.
	maxEpisodeSteps = 10000
)

// History returns the History of every objective whose Status it reads:
// the Status, as [Client.Status] has it, with its burn-down over the
// period, its recent burn over [RecentSpan] and its episodes over the
// period, read from Prometheus at one instant. It is what a fleet's status
// page draws (slo/slostatus.FleetStatusPage).
//
// It is shared as Status is: while a reading is in flight every caller
// waits for it, and its answer is reused for the poll interval
// ([WithPollInterval]), so that any number of people viewing a page cost
// Prometheus one reading per poll interval. A reading is a fixed number of
// queries whatever the number of objectives, made at once: the instant
// query of Status, one range query of the burn-down per distinct period
// and bucket width, one of the recent burn, one of the alerts (see
// [Client.HistoryAt]).
func (c *Client) History(ctx context.Context) ([]slo.History, error) {
	return share(c, ctx, &c.lastHistory, c.history, cloneHistory)
}

// HistoryAt returns the History of every objective at instant at, with
// queries of its own bounded by the client's timeout and by ctx, as
// [Client.StatusAt] does. The figures come from the series the rules
// record:
//
//   - the Status, from the instant query of [Client.StatusAt];
//   - the burn-down, from a range query of one window's events (the
//     longest window of the policy that divides the period into at least
//     100 buckets, such as 6h for 30 days; the shortest when none does)
//     stepping by that window across the period: the bad events of each
//     bucket, summed from the oldest, against the budget the period's
//     events allow now; its last point is the Status's budget remaining;
//   - the recent burn, from a range query of the error ratio of every
//     window of the policy over [RecentSpan] at [RecentStep], as burn
//     rates (a window without events has no data);
//   - the episodes, from a range query of the ALERTS series that
//     Prometheus writes for the rules' alerts, firing, across the period:
//     each run of instants at which an alert of the objective fires is an
//     episode, its Rule and Severity those of its most severe alert, to
//     the step of the query (a minute, or more over periods longer than
//     about a week, at most 10,000 steps). Prometheus keeps no events for
//     an alert, so an episode's Good, Bad, BudgetSpent, PeakBurn and
//     Mitigated are zero.
//
// Any query that fails fails the whole reading with an error wrapping
// [ErrUnavailable], so that no part of a page is older than the rest. The
// Status of objectives whose series are missing or contradict them are
// left out, with the error StatusAt gives, as StatusAt does.
func (c *Client) HistoryAt(ctx context.Context, at time.Time) ([]slo.History, error) {
	qctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return c.history(ctx, qctx, at)
}

// cloneHistory copies hs, so that no caller sees another's changes.
func cloneHistory(hs []slo.History) []slo.History {
	if hs == nil {
		return nil
	}
	out := slices.Clone(hs)
	for i := range out {
		out[i].Status = cloneStatus([]slo.Status{out[i].Status})[0]
		out[i].BurnDown = slices.Clone(out[i].BurnDown)
		out[i].Recent = slices.Clone(out[i].Recent)
		for j := range out[i].Recent {
			out[i].Recent[j].Windows = slices.Clone(out[i].Recent[j].Windows)
		}
		out[i].Episodes = slices.Clone(out[i].Episodes)
	}
	return out
}

// A bucketing is how a burn-down of a period is read: one window's events
// at steps of the window.
type bucketing struct {
	period, width time.Duration
}

// bucketWidth is the window of o's policy whose events make its burn-down's
// buckets.
func bucketWidth(o slo.Objective) time.Duration {
	ws := o.Policy.Windows()
	best := time.Duration(0)
	for _, w := range ws {
		if w < o.Period && o.Period%w == 0 && o.Period/w >= burnDownBuckets && w > best {
			best = w
		}
	}
	if best == 0 && len(ws) > 0 {
		best = ws[0]
	}
	return best
}

// episodeStep is the step of the episodes' query over span: a minute, or
// the whole minutes that keep it within maxEpisodeSteps.
func episodeStep(span time.Duration) time.Duration {
	step := time.Minute
	if n := span / maxEpisodeSteps; n > step {
		step = (n + time.Minute - 1).Truncate(time.Minute)
	}
	return step
}

// history makes the reading at at: every query at once, each bounded by
// qctx, a child of ctx bounded by the timeout.
func (c *Client) history(ctx, qctx context.Context, at time.Time) ([]slo.History, error) {
	// Prometheus answers instants to the millisecond: the range queries'
	// points must fall on at itself for the last of them to be now.
	at = at.Truncate(time.Millisecond)
	groups := map[bucketing][]slo.Objective{}
	var windows []time.Duration
	longest := time.Duration(0)
	for _, o := range c.objs {
		b := bucketing{o.Period, bucketWidth(o)}
		groups[b] = append(groups[b], o)
		for _, w := range o.Policy.Windows() {
			if !slices.Contains(windows, w) {
				windows = append(windows, w)
			}
		}
		longest = max(longest, o.Period)
	}
	slices.Sort(windows)
	order := slices.SortedFunc(maps.Keys(groups), func(a, b bucketing) int {
		if a.period != b.period {
			return int(a.period - b.period)
		}
		return int(a.width - b.width)
	})

	var (
		wg       sync.WaitGroup
		sts      []slo.Status
		stsErr   error
		downs    = make([]*promapi.Result, len(order))
		downErrs = make([]error, len(order))
		recent   *promapi.Result
		alerts   *promapi.Result
		rErr     error
		aErr     error
		epStep   = episodeStep(longest)
	)
	wg.Go(func() { sts, stsErr = c.read(ctx, qctx, at) })
	for i, b := range order {
		wg.Go(func() {
			q := matchers(groups[b], c.labels, "__name__="+strconv.Quote(slorules.EventsPrefix+burnrate.FormatWindow(b.width)))
			r, err := c.api.QueryRange(qctx, q, at.Add(-b.period+b.width), at, b.width)
			downErrs[i] = c.answered(ctx, qctx, r, err, "matrix")
			downs[i] = r
		})
	}
	wg.Go(func() {
		names := make([]string, len(windows))
		for i, w := range windows {
			names[i] = regexp.QuoteMeta(slorules.ErrorRatioPrefix + burnrate.FormatWindow(w))
		}
		q := matchers(c.objs, c.labels, "__name__=~"+strconv.Quote(strings.Join(names, "|")))
		var err error
		recent, err = c.api.QueryRange(qctx, q, at.Add(-RecentSpan), at, RecentStep)
		rErr = c.answered(ctx, qctx, recent, err, "matrix")
	})
	wg.Go(func() {
		q := "max_over_time(" + matchers(c.objs, c.labels, `__name__="ALERTS"`, `alertstate="firing"`) + "[" + burnrate.FormatWindow(epStep) + "])"
		var err error
		alerts, err = c.api.QueryRange(qctx, q, at.Add(-longest+epStep), at, epStep)
		aErr = c.answered(ctx, qctx, alerts, err, "matrix")
	})
	wg.Wait()

	if errors.Is(stsErr, ErrUnavailable) {
		return nil, stsErr
	}
	for _, err := range append(downErrs, rErr, aErr) {
		if err != nil {
			return nil, err
		}
	}
	byWidth := map[[2]string]bucketing{}
	downOf := map[bucketing]*promapi.Result{}
	for i, b := range order {
		downOf[b] = downs[i]
		for _, o := range groups[b] {
			byWidth[[2]string{o.Journey, o.Name}] = b
		}
	}
	out := make([]slo.History, 0, len(sts))
	for _, st := range sts {
		i := slices.IndexFunc(c.objs, func(o slo.Objective) bool { return o.Journey == st.Journey && o.Name == st.Objective })
		o := c.objs[i]
		b := byWidth[[2]string{o.Journey, o.Name}]
		out = append(out, slo.History{
			Status:   st,
			BurnDown: burnDown(o, st, downOf[b].Matrix, b, at),
			Recent:   recentOf(o, recent.Matrix, at),
			Episodes: episodes(o, alerts.Matrix, at, epStep),
		})
	}
	return out, stsErr
}

// own reports whether the series m is o's.
func own(o slo.Objective, m promapi.Labels) bool {
	return m["journey"] == o.Journey && m["objective"] == o.Name && hasLabels(m, o.Labels)
}

// burnDown makes o's burn-down from the bad events of each bucket of b in
// matrix, ending at at with the Status's budget remaining.
func burnDown(o slo.Objective, st slo.Status, matrix []promapi.Series, b bucketing, at time.Time) []slo.BudgetPoint {
	n := int(b.period / b.width)
	bad := make([]float64, n)
	for _, s := range matrix {
		if !own(o, s.Metric) || s.Metric["outcome"] != "bad" {
			continue
		}
		for _, p := range s.Points {
			k := n - 1 - int(at.Sub(p.Time)/b.width)
			if k >= 0 && k < n && p.Value > 0 {
				bad[k] += p.Value
			}
		}
	}
	allowed := (float64(st.Good) + float64(st.Bad)) * burnrate.ErrorBudget(o.Target)
	points := make([]slo.BudgetPoint, n)
	var spent float64
	for k := range points {
		spent += bad[k]
		points[k] = slo.BudgetPoint{End: at.Add(-time.Duration(n-1-k) * b.width), Remaining: 1}
		if allowed > 0 {
			points[k].Remaining = 1 - spent/allowed
		}
	}
	// The last bucket ends now: its figure is the Status's, so that every
	// figure of a page agrees.
	points[n-1].Remaining = st.BudgetRemaining
	return points
}

// recentOf makes o's recent burn from the error ratios of its policy's
// windows in matrix, at every step up to at.
func recentOf(o slo.Objective, matrix []promapi.Series, at time.Time) []slo.RecentPoint {
	ws := o.Policy.Windows()
	budget := burnrate.Budget(burnrate.ErrorBudget(o.Target))
	n := int(RecentSpan/RecentStep) + 1
	points := make([]slo.RecentPoint, n)
	for k := range points {
		points[k].Time = at.Add(-time.Duration(n-1-k) * RecentStep)
		points[k].Windows = make([]burnrate.Burn, len(ws))
		for i, w := range ws {
			points[k].Windows[i] = burnrate.Burn{Window: w, NoData: true}
		}
	}
	for _, s := range matrix {
		if !own(o, s.Metric) {
			continue
		}
		name := s.Metric[promapi.MetricName]
		w, err := promapi.ParseDuration(strings.TrimPrefix(name, slorules.ErrorRatioPrefix))
		i := slices.Index(ws, w)
		if err != nil || i < 0 || !strings.HasPrefix(name, slorules.ErrorRatioPrefix) {
			continue
		}
		for _, p := range s.Points {
			k := n - 1 - int(at.Sub(p.Time)/RecentStep)
			if k < 0 || k >= n || !(p.Value >= 0) {
				continue
			}
			// The ratio is bad over all events: the burn rate of one bad
			// event in 1/ratio, as Budget.Rate computes it.
			points[k].Windows[i] = burnrate.Burn{Window: w, Rate: budget.Rate(1-p.Value, p.Value)}
		}
	}
	return points
}

// episodes makes o's episodes over its period, ending at at, from its
// alerts' firing instants in matrix, at steps of step.
func episodes(o slo.Objective, matrix []promapi.Series, at time.Time, step time.Duration) []slo.Episode {
	// At each instant, the most severe firing alert's rule, by its place
	// in the policy.
	type firing struct {
		sev  burnrate.Severity
		rule int
	}
	byTime := map[time.Time]firing{}
	for _, s := range matrix {
		if !own(o, s.Metric) {
			continue
		}
		rule := slices.IndexFunc(o.Policy.Rules, func(r burnrate.Rule) bool { return r.String() == s.Metric["rule"] })
		if rule < 0 {
			continue // another alert of the objective, such as its no-data alert
		}
		sev := o.Policy.Rules[rule].Severity
		for _, p := range s.Points {
			f, ok := byTime[p.Time]
			if !ok || sev > f.sev || (sev == f.sev && rule < f.rule) {
				byTime[p.Time] = firing{sev, rule}
			}
		}
	}
	from := at.Add(-o.Period)
	var out []slo.Episode
	var cur *slo.Episode
	var prev time.Time
	for _, t := range slices.SortedFunc(maps.Keys(byTime), time.Time.Compare) {
		f := byTime[t]
		if cur != nil && t.Sub(prev) != step {
			cur.End = prev.Add(step)
			cur = nil
		}
		if cur == nil {
			out = append(out, slo.Episode{Journey: o.Journey, Objective: o.Name, Start: t})
			cur = &out[len(out)-1]
		}
		if f.sev > cur.Severity {
			cur.Severity, cur.Rule = f.sev, o.Policy.Rules[f.rule].String()
		}
		if f.sev == burnrate.SeverityPage {
			if cur.Paged.IsZero() {
				cur.Paged = t
			}
			cur.Paging += step
		}
		prev = t
	}
	if cur != nil && prev.Before(at) {
		cur.End = prev.Add(step)
	}
	return slices.DeleteFunc(out, func(e slo.Episode) bool { return !e.Open() && !e.End.After(from) })
}

package slobacktest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/internal/promapi"
)

// maxPoints is the most instants one range query asks for. Prometheus
// refuses a query of more than 11,000 points per series, so a longer range
// is read in parts of this many.
var maxPoints = 10000

// maxAnswer is the most bytes of one answer [PrometheusQuery.Samples]
// reads: one series of maxPoints values takes some 300 KB, so the cap
// only stops an expression that returns thousands of series.
var maxAnswer int64 = promapi.DefaultMaxAnswer

// A PrometheusQuery reads the traffic of one journey from counters that
// Prometheus (or anything that serves its HTTP API, such as Thanos or
// Mimir) already has, so that a team can backtest a policy on its own
// history before it adopts the library. It is a plain value: its methods
// change nothing and may be called from several goroutines at once. The
// zero value is not a valid query.
//
// Good and All are PromQL expressions that return, at each instant, the
// number of events (good ones, and all of them) in the Step that ends
// there, as one series. With counters of requests by status code and a
// Step of 1m:
//
//	Good: sum(increase(http_requests_total{job="shop",code!~"5.."}[1m]))
//	All:  sum(increase(http_requests_total{job="shop"}[1m]))
//
// The range of increase should be the Step: longer, and each event counts
// in several samples; shorter, and some count in none. (Prometheus 2
// selects the samples at both ends of a range, so where its scrapes fall
// on the instants, increase over a range of the Step counts each event
// once and exactly.)
type PrometheusQuery struct {
	// Journey is the journey whose traffic this is, such as checkout.
	Journey string
	// Good is the PromQL expression for the good events of each step.
	Good string
	// All is the PromQL expression for all events of each step, good and
	// bad.
	All string
	// Start is when the traffic starts: the first sample is the step that
	// ends at Start+Step. Start is a whole number of milliseconds, as
	// Prometheus's instants are.
	Start time.Time
	// End is when the traffic ends: the last sample is the step that ends
	// at or before End.
	End time.Time
	// Step is the interval each sample covers, a whole number of
	// milliseconds, such as 1m.
	Step time.Duration
}

// Validate reports every problem of the query, each matching slo.ErrInvalid
// and saying what would be right; nil when it has none.
func (q PrometheusQuery) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: PrometheusQuery: %s", errInvalid, fmt.Sprintf(format, args...)))
	}
	if q.Journey == "" {
		bad("Journey is empty; name the journey whose traffic it is, such as checkout")
	}
	if strings.TrimSpace(q.Good) == "" {
		bad(`Good is empty; write the PromQL expression of each step's good events, such as sum(increase(http_requests_total{code!~"5.."}[1m]))`)
	}
	if strings.TrimSpace(q.All) == "" {
		bad("All is empty; write the PromQL expression of each step's events, good and bad, such as sum(increase(http_requests_total[1m]))")
	}
	switch {
	case q.Start.IsZero():
		bad("Start is the zero time; set when the traffic starts, such as 2026-03-01T00:00:00Z")
	case !q.Start.Truncate(time.Millisecond).Equal(q.Start):
		bad("Start %s is not a whole millisecond; Prometheus's instants are, so use %s", stamp(q.Start), stamp(q.Start.Truncate(time.Millisecond)))
	}
	switch {
	case q.Step <= 0:
		bad("Step %v is not positive; use the interval each sample covers, such as 1m", q.Step)
	case q.Step%time.Millisecond != 0:
		bad("Step %v is not a whole number of milliseconds; Prometheus's steps are, so use %v", q.Step, q.Step.Truncate(time.Millisecond)+time.Millisecond)
	case q.Start.IsZero():
		// End cannot be judged against no Start.
	case q.End.Before(q.Start.Add(q.Step)):
		bad("End %s is not a Step (%v) or more after Start %s; set when the traffic ends, such as %s", stamp(q.End), q.Step, stamp(q.Start), stamp(q.Start.Add(24*time.Hour)))
	case q.End.Sub(q.Start)/q.Step > MaxSteps:
		bad("End - Start (%v) at Step %v makes %d samples, more than %d; use a longer Step or a shorter range", q.End.Sub(q.Start), q.Step, q.End.Sub(q.Start)/q.Step, MaxSteps)
	}
	return errors.Join(errs...)
}

// Samples runs the query against the Prometheus HTTP API at address, its
// base URL (such as http://prometheus:9090, or that of anything that
// serves the API: Thanos Querier, Mimir's Prometheus path), through client
// (for TLS, authentication or a proxy; nil means http.DefaultClient). It
// returns one sample every Step from Start+Step to End, in UTC: Good's
// value as the good events, All's less Good's as the bad. Neither
// expression may return more than one series (aggregate with sum); a step
// where one has no value counts no events of its kind, a negative value
// counts none, and a step whose All is below its Good counts no bad
// events. Values may be fractional (increase extrapolates): the counts are
// the rounded cumulative values less those of the step before, so that
// fractions carry and the good (bad) events of any run of samples are
// within one of the sum of the values. A range of more than 10,000 steps
// is read in parts of that many. Each query is bounded by ctx, whose
// deadline is also sent to the server, and its answer is read to 16 MiB: a
// larger one is refused as soon as it passes that. An error says which
// expression failed and why.
func (q PrometheusQuery) Samples(ctx context.Context, address string, client *http.Client) ([]Sample, error) {
	errs := []error{q.Validate()}
	if err := promapi.CheckAddress(address); err != nil {
		errs = append(errs, fmt.Errorf("%w: PrometheusQuery.Samples: %w", errInvalid, err))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	api, err := promapi.New(address, promapi.WithHTTPClient(client), promapi.WithMaxAnswer(maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("%w: PrometheusQuery.Samples: %w", errInvalid, err)
	}
	n := int(q.End.Sub(q.Start) / q.Step)
	good, err := q.values(ctx, api, "Good", q.Good, n)
	if err != nil {
		return nil, err
	}
	all, err := q.values(ctx, api, "All", q.All, n)
	if err != nil {
		return nil, err
	}
	switch {
	case good.seen == 0 && all.seen == 0:
		return nil, fmt.Errorf("%w: PrometheusQuery: neither Good (%s) nor All (%s) returned a value from %s to %s; check that they select your counters, and that Prometheus keeps data that old",
			errInvalid, q.Good, q.All, stamp(q.Start), stamp(q.End))
	case good.seen == 0:
		return nil, fmt.Errorf("%w: PrometheusQuery: Good (%s) returned no value from %s to %s while All did; check that it selects your counters (where no event was good at all, make it return 0, such as with \"or vector(0)\")",
			errInvalid, q.Good, stamp(q.Start), stamp(q.End))
	case all.seen == 0:
		return nil, fmt.Errorf("%w: PrometheusQuery: All (%s) returned no value from %s to %s while Good did; check that it selects your counters",
			errInvalid, q.All, stamp(q.Start), stamp(q.End))
	}

	samples := make([]Sample, n)
	var cumGood, cumBad float64 // the values' running sums
	var wholeGood, wholeBad uint64
	for i := range samples {
		g, a := max(0, good.v[i]), max(0, all.v[i])
		cumGood += g
		cumBad += max(0, a-g)
		wg, wb := max(whole(cumGood), wholeGood), max(whole(cumBad), wholeBad)
		samples[i] = Sample{Time: q.Start.UTC().Add(time.Duration(i+1) * q.Step), Journey: q.Journey, Good: wg - wholeGood, Bad: wb - wholeBad}
		wholeGood, wholeBad = wg, wb
	}
	return samples, nil
}

// promSeries is one expression's value at each of a query's instants.
type promSeries struct {
	v    []float64 // at Start+(i+1)*Step; 0 where there is none
	seen int       // how many instants have a value
}

// values evaluates expr (the query's field name) at the n instants
// Start+Step to Start+n*Step, in parts of at most maxPoints.
func (q PrometheusQuery) values(ctx context.Context, api *promapi.Client, name, expr string, n int) (promSeries, error) {
	s := promSeries{v: make([]float64, n)}
	for from := 0; from < n; from += maxPoints {
		to := min(from+maxPoints, n) // instants from+1 to to, counted from Start
		start, end := q.Start.Add(time.Duration(from+1)*q.Step), q.Start.Add(time.Duration(to)*q.Step)
		v, err := api.QueryRange(ctx, expr, start, end, q.Step)
		if errors.Is(err, promapi.ErrTooLarge) {
			return s, fmt.Errorf("PrometheusQuery: %s (%s) from %s to %s: %w; it should return one series: aggregate it with sum(), such as sum(%s)",
				name, expr, stamp(start), stamp(end), err, expr)
		}
		if err != nil {
			return s, fmt.Errorf("PrometheusQuery: %s (%s) from %s to %s: %w", name, expr, stamp(start), stamp(end), err)
		}
		if v.Type != "matrix" {
			return s, fmt.Errorf("%w: PrometheusQuery: %s (%s) returned a %s, want one series of numbers of events, such as sum(increase(http_requests_total[1m]))",
				errInvalid, name, expr, v.Type)
		}
		m := v.Matrix
		if len(m) > 1 {
			labels := make([]string, 0, 3)
			for _, ss := range m[:min(3, len(m))] {
				labels = append(labels, ss.Metric.String())
			}
			more := ""
			if len(m) > 3 {
				more = ", ..."
			}
			return s, fmt.Errorf("%w: PrometheusQuery: %s (%s) returned %d series (%s%s), want one; aggregate them with sum(), such as sum(%s)",
				errInvalid, name, expr, len(m), strings.Join(labels, ", "), more, expr)
		}
		for _, ss := range m {
			if ss.Histograms > 0 {
				return s, fmt.Errorf("%w: PrometheusQuery: %s (%s) returned histograms, want numbers of events; count them with histogram_count(), or use the histogram's _count counter",
					errInvalid, name, expr)
			}
			for _, p := range ss.Points {
				k := (p.Time.Sub(q.Start)) / q.Step
				if !q.Start.Add(k*q.Step).Equal(p.Time) || k < 1 || int(k) > n {
					return s, fmt.Errorf("PrometheusQuery: %s (%s): the server answered for %s, which is not one of the instants asked for (%s plus a whole number of %v)",
						name, expr, stamp(p.Time), stamp(q.Start), q.Step)
				}
				v := p.Value
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return s, fmt.Errorf("%w: PrometheusQuery: %s (%s) is %v at %s, want a number of events; a division by a count of 0 gives NaN, increase() never does",
						errInvalid, name, expr, v, stamp(p.Time))
				}
				s.v[k-1] = v
				s.seen++
			}
		}
	}
	return s, nil
}

package slofleet

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/journeyslo/journeyslo/internal/promapi"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// Discover returns the objectives whose rules Prometheus at address
// holds: one per info series (slorules.Info) with the labels of
// [WithLabels], with the target, period, guard and latency the rules were
// generated with, and the default policy of that target and period, sorted
// by journey and name. It is how a fleet's page is served without the
// objective files: pass them to [New].
//
// The info series does not carry the policy's rules nor the objective's
// own labels, runbook or links: an objective whose rules were generated
// from another policy is read with the default one, and [Client.Status]
// then reports an [ErrMismatch] when one of its rules fires; give the
// files for such objectives. Two info series of one objective (two rule
// files that differ in a label WithLabels does not give) are an
// ErrMismatch naming both.
//
// The options are New's (the timeout, the answer's cap, the labels, the
// round tripper and the clock, whose instant is queried); an invalid one,
// or an invalid address, is an error wrapping [slo.ErrInvalid]. When
// Prometheus does not answer, the error wraps [ErrUnavailable]; when it
// holds no info series, [ErrMissing].
func Discover(ctx context.Context, address string, opts ...Option) ([]slo.Objective, error) {
	// A probe objective makes New check the address and the options.
	c, err := New([]slo.Objective{{Journey: "discover", Target: 0.999}}, address, opts...)
	if err != nil {
		return nil, err
	}
	qctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	// No journey to match: every objective's.
	q := matchers(nil, c.labels, "__name__="+strconv.Quote(slorules.Info))
	r, err := c.api.Query(qctx, q, c.clock.Now())
	if err := c.answered(ctx, qctx, r, err, "vector"); err != nil {
		return nil, err
	}
	var (
		objs []slo.Objective
		seen = map[[2]string]promapi.Labels{}
		errs []error
	)
	for _, s := range r.Vector {
		m := s.Metric
		key := [2]string{m["journey"], m["objective"]}
		if other, dup := seen[key]; dup {
			errs = append(errs, fmt.Errorf("%w: %s: Prometheus at %s holds two sets of its rules, told apart by %v (%s and %s); pass -label (WithLabels) with the labels of one",
				ErrMismatch, slo.ObjectiveKey(key[0], key[1]), c.address, differ(m, other), other, m))
			continue
		}
		seen[key] = m
		o := slo.Objective{Journey: key[0], Name: key[1]}
		var bad []string
		if t, err := strconv.ParseFloat(m["target"], 64); err == nil {
			o.Target = t
		} else {
			bad = append(bad, "target "+strconv.Quote(m["target"]))
		}
		if d, err := promapi.ParseDuration(m["period"]); err == nil {
			o.Period = d
		} else {
			bad = append(bad, "period "+strconv.Quote(m["period"]))
		}
		if n, err := strconv.ParseUint(m["min_events"], 10, 64); err == nil {
			o.Policy.MinEvents = n
		} else {
			bad = append(bad, "min_events "+strconv.Quote(m["min_events"]))
		}
		if l, ok := m["latency"]; ok {
			if d, err := time.ParseDuration(l); err == nil {
				o.Latency = d
			} else {
				bad = append(bad, "latency "+strconv.Quote(l))
			}
		}
		o = o.WithDefaults()
		if err := o.Validate(); len(bad) == 0 && err != nil {
			bad = append(bad, err.Error())
		}
		if len(bad) > 0 {
			errs = append(errs, fmt.Errorf("%w: %s: its info series %s has an unreadable %v; regenerate its rules with slorules",
				ErrMismatch, slo.ObjectiveKey(key[0], key[1]), m, bad))
			continue
		}
		objs = append(objs, o)
	}
	if len(objs) == 0 && len(errs) == 0 {
		return nil, fmt.Errorf("%w: Prometheus at %s has no series %s; check that the rule files slorules generated are loaded and evaluated, and that -label (WithLabels) gives the labels they were generated with",
			ErrMissing, c.address, q)
	}
	slices.SortFunc(objs, func(a, b slo.Objective) int {
		return cmp.Or(cmp.Compare(a.Journey, b.Journey), cmp.Compare(a.Name, b.Name))
	})
	return objs, errors.Join(errs...)
}

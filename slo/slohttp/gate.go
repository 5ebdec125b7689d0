package slohttp

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// ReleaseGate returns a handler for deploy pipelines that answers 503 while
// a chosen objective pages or has spent its error budget: the release freeze
// of an error-budget policy, as an endpoint. A pipeline polls it before
// rolling out, and waits or stops while it fails. It is opt-in: unlike
// [Health], it fails on the budget, by design.
//
// Each name chooses a journey ("checkout": all its objectives) or one
// objective by its [slo.ObjectiveKey] ("checkout:latency"); no name chooses every objective. A name
// the registry does not declare is an error wrapping [slo.ErrInvalid], so that
// a typo cannot leave the gate open forever.
//
// The response has the format of [Health], restricted to the chosen
// objectives, with the gate's own statuses: an objective's check is "fail"
// while its state is page or its BudgetRemaining <= 0, "warn" while it is
// ticket (a slow burn freezes nothing), "pass" otherwise. The response is
// "fail", with 503 Service Unavailable and an output that names every
// reason, when a check fails or when the registry is stalled (a gate that
// cannot judge stays shut); otherwise it is "pass" or "warn", with 200 OK.
//
// The handler answers GET and HEAD, never caches, and is safe for
// concurrent use. It panics if reg is nil.
func ReleaseGate(reg *slo.Registry, names ...string) (http.Handler, error) {
	if reg == nil {
		panic("slohttp: ReleaseGate(nil): pass the *slo.Registry that slo.New returned")
	}
	h := &healthHandler{
		reg:   reg,
		defs:  definitions(reg),
		judge: judgeGate,
		desc:  "journeyslo release gate: fails while a chosen objective pages or has spent its error budget",
		gate:  true,
	}
	if len(names) == 0 {
		return h, nil
	}
	objs := reg.Objectives()
	h.only = map[[2]string]bool{}
	var errs []error
	for _, name := range names {
		journey, objective, one := strings.Cut(name, ":")
		var theirs []string
		for _, o := range objs {
			if o.Journey != journey {
				continue
			}
			theirs = append(theirs, o.Name)
			if !one || o.Name == objective {
				h.only[[2]string{o.Journey, o.Name}] = true
			}
		}
		switch {
		case len(theirs) == 0:
			errs = append(errs, fmt.Errorf("%w: slohttp.ReleaseGate: journey %q is not declared; declared journeys: %s",
				slo.ErrInvalid, journey, strings.Join(reg.Journeys(), ", ")))
		case one && !slices.Contains(theirs, objective):
			errs = append(errs, fmt.Errorf("%w: slohttp.ReleaseGate: journey %q has no objective %q; its objectives: %s",
				slo.ErrInvalid, journey, objective, strings.Join(theirs, ", ")))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return h, nil
}

// judgeGate fails while the objective pages or its budget is spent, and
// warns while it has a ticket.
func judgeGate(st slo.Status) (string, string) {
	why := reasons(st)
	switch {
	case st.State == burnrate.SeverityPage || st.BudgetRemaining <= 0:
		return healthFail, strings.Join(why, "; ")
	case len(why) > 0:
		return healthWarn, strings.Join(why, "; ")
	}
	return healthPass, ""
}

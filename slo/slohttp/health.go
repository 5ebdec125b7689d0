package slo

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/journeyslo/journeyslo/burnrate"
)

// The statuses of a health check response, best first.
const (
	healthPass = "pass"
	healthWarn = "warn"
	healthFail = "fail"
)

// healthContentType is the media type of draft-inadarei-api-health-check.
const healthContentType = "application/health+json"

// Health returns a handler that reports the registry's error budgets in the
// health check response format of the IETF draft draft-inadarei-api-health-check,
// as application/health+json. Mount it where monitors, scripts and people
// look, such as /healthz/slo. It is no liveness or readiness probe: a spent
// budget is no reason to restart or unroute a replica (see [ReleaseGate] for
// the opt-in gate).
//
// The response's status is:
//
//   - "pass" (200 OK) when every objective is ok and has budget left;
//   - "warn" (200 OK) when an objective's state is ticket or page, or its
//     error budget is spent (BudgetRemaining <= 0). Every replica sees the
//     same burn, so failing would take them all out together, and removing
//     replicas restores no budget;
//   - "fail" (503 Service Unavailable) only when the registry is stalled
//     ([Registry.Stalled]): the library's own malfunction, after which its
//     states and budgets are stale.
//
// Its checks hold one entry per objective, keyed by [ObjectiveKey]
// ("journey:objective") in declaration order, then one keyed "lag". An
// objective's entry has the draft's fields, with the budget remaining as
// observedValue (a fraction, observedUnit "ratio": 1 untouched, 0 spent,
// negative overspent) and, unless it passes, an output that says why; then
// the objective's Status in the one shape every output shares (see
// [Status.MarshalJSON]), whose "time", the evaluation's (RFC 3339, UTC), is
// the draft's time:
//
//   - state: "ok", "ticket" or "page"; rule: the rule that set it (omitted
//     when ok); since: when the objective entered it;
//   - target, and sli: the share of good events over the period (null when
//     the period holds no event);
//   - windows: the burn rate over every window the policy reads, shortest
//     first, and rules: how each rule stands;
//   - timeToExhaustion: how long the budget lasts at the current burn;
//     "0s" when spent, null when not burning.
//
// The "lag" entry reports how long ago, in seconds, the registry last
// advanced; its status is "fail" when that is over [StallTicks] ticks.
// No number is ever NaN or infinite: those would be encoded as null.
//
// The handler answers GET and HEAD, never caches, and is safe for
// concurrent use. It panics if reg is nil.
func Health(reg *Registry) http.Handler {
	if reg == nil {
		panic("slo: Health(nil): pass the *Registry that New returned")
	}
	return &healthHandler{
		reg:   reg,
		judge: judgeHealth,
		desc:  "error budgets of the service's user journeys (journeyslo)",
	}
}

// ReleaseGate returns a handler for deploy pipelines that answers 503 while
// a chosen objective pages or has spent its error budget: the release freeze
// of an error-budget policy, as an endpoint. A pipeline polls it before
// rolling out, and waits or stops while it fails. It is opt-in: unlike
// [Health], it fails on the budget, by design.
//
// Each name chooses a journey ("checkout": all its objectives) or one
// objective by its [ObjectiveKey] ("checkout:latency"); no name chooses every objective. A name
// the registry does not declare is an error wrapping [ErrInvalid], so that
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
func ReleaseGate(reg *Registry, names ...string) (http.Handler, error) {
	if reg == nil {
		panic("slo: ReleaseGate(nil): pass the *Registry that New returned")
	}
	h := &healthHandler{
		reg:   reg,
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
			errs = append(errs, fmt.Errorf("%w: ReleaseGate: journey %q is not declared; declared journeys: %s",
				ErrInvalid, journey, strings.Join(reg.Journeys(), ", ")))
		case one && !slices.Contains(theirs, objective):
			errs = append(errs, fmt.Errorf("%w: ReleaseGate: journey %q has no objective %q; its objectives: %s",
				ErrInvalid, journey, objective, strings.Join(theirs, ", ")))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return h, nil
}

// healthHandler serves Health and ReleaseGate; it holds no mutable state.
type healthHandler struct {
	reg *Registry
	// only holds the objectives reported, by journey and name; nil for all.
	only map[[2]string]bool
	// judge returns an objective's check status and, unless it passes, why.
	judge func(Status) (status, output string)
	desc  string
	gate  bool
}

// healthBody is a response of draft-inadarei-api-health-check.
type healthBody struct {
	Status      string `json:"status"`
	Description string `json:"description"`
	Output      string `json:"output,omitempty"`
	Checks      object `json:"checks"` // of []objectiveCheck, then the lag's []check
}

// check holds the fields the draft gives every check but its time, which
// an objective's check takes from its Status.
type check struct {
	ComponentID   string `json:"componentId"`
	ComponentType string `json:"componentType"`
	ObservedValue number `json:"observedValue"`
	ObservedUnit  string `json:"observedUnit"`
	Status        string `json:"status"`
	Output        string `json:"output,omitempty"`
}

// lagCheck is the registry's own check.
type lagCheck struct {
	check
	Time string `json:"time"`
}

// objectiveCheck is an objective's check: the draft's fields, then the
// objective's Status in its one JSON shape (see Status.MarshalJSON), whose
// time is the draft's time.
type objectiveCheck struct {
	check
	statusShape
}

func (h *healthHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: use GET or HEAD", http.StatusMethodNotAllowed)
		return
	}
	body := h.report()
	b, err := json.MarshalIndent(body, "", "  ")
	if err != nil {
		// Unreachable: every number is guarded. Say so rather than send half
		// a document.
		http.Error(w, "slo: encoding the health response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	code := http.StatusOK
	if body.Status == healthFail {
		code = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", healthContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

// report judges the registry now.
func (h *healthHandler) report() healthBody {
	now := h.reg.Clock().Now()
	lag, stalled := h.reg.Staleness()

	body := healthBody{Status: healthPass, Description: h.desc}
	var why []string
	for _, st := range h.reg.Status() {
		if h.only != nil && !h.only[[2]string{st.Journey, st.Objective}] {
			continue
		}
		key := ObjectiveKey(st.Journey, st.Objective)
		status, output := h.judge(st)
		body.Status = worse(body.Status, status)
		if output != "" && status != healthPass {
			why = append(why, key+": "+output)
		}
		c := objectiveCheck{
			check: check{
				ComponentID:   st.Journey,
				ComponentType: "component",
				ObservedValue: number(st.BudgetRemaining),
				ObservedUnit:  "ratio",
				Status:        status,
				Output:        output,
			},
			statusShape: st.shape(),
		}
		body.Checks = append(body.Checks, member{key, []objectiveCheck{c}})
	}

	// The registry's own advance.
	lc := lagCheck{
		check: check{
			ComponentID:   "journeyslo",
			ComponentType: "system",
			ObservedValue: number(lag.Seconds()),
			ObservedUnit:  "s",
			Status:        healthPass,
		},
		Time: instant(now),
	}
	if stalled {
		lc.Status = healthFail
		lc.Output = fmt.Sprintf("the registry has not advanced for %v, more than %d ticks of %v: its states and budgets are stale",
			lag, StallTicks, h.reg.Tick())
		if h.gate {
			lc.Output += ", so the gate cannot judge them"
		}
		body.Status = healthFail
		why = append([]string{"lag: " + lc.Output}, why...)
	}
	body.Checks = append(body.Checks, member{"lag", []lagCheck{lc}})

	if len(why) > 0 {
		body.Output = strings.Join(why, "; ")
		if h.gate && body.Status == healthFail {
			body.Output = "release freeze: " + body.Output
		}
	}
	return body
}

// worse returns the worse of two check statuses.
func worse(a, b string) string {
	rank := func(s string) int { return slices.Index([]string{healthPass, healthWarn, healthFail}, s) }
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// judgeHealth warns while the objective alerts or its budget is spent.
func judgeHealth(st Status) (string, string) {
	why := reasons(st)
	if len(why) == 0 {
		return healthPass, ""
	}
	return healthWarn, strings.Join(why, "; ")
}

// judgeGate fails while the objective pages or its budget is spent, and
// warns while it has a ticket.
func judgeGate(st Status) (string, string) {
	why := reasons(st)
	switch {
	case st.State == burnrate.SeverityPage || st.BudgetRemaining <= 0:
		return healthFail, strings.Join(why, "; ")
	case len(why) > 0:
		return healthWarn, strings.Join(why, "; ")
	}
	return healthPass, ""
}

// reasons says why an objective is not simply ok: the rule that fires, and
// a spent budget.
func reasons(st Status) []string {
	var why []string
	if st.State != burnrate.SeverityOK {
		why = append(why, st.State.String()+": "+firing(st))
	}
	if st.BudgetRemaining <= 0 {
		if over := percent(-st.BudgetRemaining, 1); over != "0.0%" {
			why = append(why, "error budget overspent by "+over)
		} else {
			why = append(why, "error budget spent")
		}
	}
	return why
}

// firing describes the rule that set the objective's state.
func firing(st Status) string {
	for _, r := range st.Rules {
		if r.Name == st.Rule {
			return fmt.Sprintf("%s fires, burning %sx over %s and %sx over %s, at or above %sx",
				r.Name, formatRate(r.LongRate), burnrate.FormatWindow(r.Long),
				formatRate(r.ShortRate), burnrate.FormatWindow(r.Short), formatFactor(r.Factor))
		}
	}
	return st.Rule + " fires"
}

// formatRate writes a burn rate to three significant digits at most, and
// never in exponent form: 0.42, 6.5, 14.4, 250, 1000.
func formatRate(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	var s string
	switch a := max(x, -x); {
	case a >= 100:
		s = strconv.FormatFloat(x, 'f', 0, 64)
	case a >= 10:
		s = strconv.FormatFloat(x, 'f', 1, 64)
	default:
		s = strconv.FormatFloat(x, 'f', 2, 64)
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// formatFactor writes a rule's factor to four significant digits at most,
// and never in exponent form: 14.4, 6, 0.9333, 100000.
func formatFactor(x float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 4, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// percent writes a fraction as a percentage with the given decimals:
// "48.1%", "-21.0%".
func percent(x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	s := strconv.FormatFloat(x*100, 'f', decimals, 64)
	if strings.TrimLeft(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-") // no "-0.0%"
	}
	return s + "%"
}

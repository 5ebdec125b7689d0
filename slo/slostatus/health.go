package slostatus

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
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
//     error budget is spent (Budget is slo.BudgetSpent: a period with too
//     few events makes no claim). Every replica sees the
//     same burn, so failing would take them all out together, and removing
//     replicas restores no budget;
//   - "fail" (503 Service Unavailable) only when the registry is stalled
//     ([slo.Registry.Staleness]): the library's own malfunction, after which
//     its states and budgets are stale.
//
// Its checks hold one entry per objective, keyed by [slo.ObjectiveKey]
// ("journey:objective") in declaration order, then one keyed "lag". An
// objective's entry is the objective object of the package doc: the
// draft's fields, with the budget remaining as observedValue (a fraction,
// observedUnit "ratio": 1 untouched, 0 spent, negative overspent) and,
// unless it passes, an output that says why; then the objective's Status
// as [slo.Status.MarshalJSON] writes it, whose "time", the evaluation's
// (RFC 3339, UTC), is the draft's time; then its links. It is the same
// object as the status page's, without the page's history (burnDown and
// episodes), so that a response polled every few seconds stays small.
//
// The "lag" entry reports how long ago, in seconds, the registry last
// advanced; its status is "fail" when that is over ten ticks.
// No number is ever NaN or infinite: those would be encoded as null.
//
// The handler answers GET and HEAD, never caches, and is safe for
// concurrent use. It panics if reg is nil.
func Health(reg *slo.Registry) http.Handler {
	if reg == nil {
		panic("slostatus: Health(nil): pass the *slo.Registry that slo.New returned")
	}
	return &healthHandler{
		reg:   reg,
		defs:  definitions(reg),
		judge: judgeHealth,
		desc:  "error budgets of the service's user journeys (journeyslo)",
	}
}

// healthHandler serves Health and ReleaseGate; it holds no mutable state.
type healthHandler struct {
	reg  *slo.Registry
	defs map[[2]string]slo.Objective
	// only holds the objectives reported, by journey and name; nil for all.
	only map[[2]string]bool
	// judge returns an objective's check status and, unless it passes, why.
	judge func(slo.Status) (status, output string)
	desc  string
	gate  bool
}

// healthBody is a response of draft-inadarei-api-health-check.
type healthBody struct {
	Status      string `json:"status"`
	Description string `json:"description"`
	Output      string `json:"output,omitempty"`
	Checks      object `json:"checks"` // of []objectiveJSON, then the lag's []lagCheck
}

// lagCheck is the registry's own check.
type lagCheck struct {
	check
	Time string `json:"time"`
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
		http.Error(w, "slostatus: encoding the health response: "+err.Error(), http.StatusInternalServerError)
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
		key := slo.ObjectiveKey(st.Journey, st.Objective)
		status, output := h.judge(st)
		body.Status = worse(body.Status, status)
		if output != "" && status != healthPass {
			why = append(why, key+": "+output)
		}
		c := newObjectiveJSON(h.defs, st)
		c.Check = &check{
			ComponentID:   st.Journey,
			ComponentType: "component",
			ObservedValue: number(st.BudgetRemaining),
			ObservedUnit:  "ratio",
			Status:        status,
			Output:        output,
		}
		body.Checks = append(body.Checks, member{key, []objectiveJSON{c}})
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
		lc.Output = fmt.Sprintf("the registry has not advanced for %v, more than ten ticks of %v: its states and budgets are stale",
			lag, h.reg.Tick())
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
func judgeHealth(st slo.Status) (string, string) {
	why := reasons(st)
	if len(why) == 0 {
		return healthPass, ""
	}
	return healthWarn, strings.Join(why, "; ")
}

// reasons says why an objective is not simply ok: the rule that fires, and
// a spent budget.
func reasons(st slo.Status) []string {
	var why []string
	if st.State != burnrate.SeverityOK {
		why = append(why, st.State.String()+": "+firing(st))
	}
	if st.Budget == slo.BudgetSpent {
		if over := percent(-st.BudgetRemaining, 1); over != "0.0%" {
			why = append(why, "error budget overspent by "+over)
		} else {
			why = append(why, "error budget spent")
		}
	}
	return why
}

// firing describes the rule that set the objective's state.
func firing(st slo.Status) string {
	for _, r := range st.Rules {
		if r.Name == st.Rule {
			return fmt.Sprintf("%s fires, burning %sx over %s and %sx over %s, at or above %sx",
				r.Name, formatRate(r.LongRate), burnrate.FormatWindow(r.Long),
				formatRate(r.ShortRate), burnrate.FormatWindow(r.Short), formatFactor(r.Factor))
		}
	}
	return st.Rule + " fires"
}

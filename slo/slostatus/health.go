package slostatus

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/holder"
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
// look, such as /healthz/slo, outside the instrumentation middleware (see
// the package doc). It is no liveness or readiness probe: a spent
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
// advanced, at the request's instant (its time); its status is "fail" when
// that is over ten ticks.
// No number is ever NaN or infinite: those would be encoded as null.
//
// The handler answers GET and HEAD, and is safe for concurrent use. It
// computes its answer once per evaluation of the registry and serves every
// request from it (see the package doc), with an ETag and in gzip to
// clients that accept it. It panics if reg is nil.
func Health(reg *slo.Registry) http.Handler {
	if reg == nil {
		panic("slostatus: Health(nil): pass the *slo.Registry that slo.New returned")
	}
	return &healthHandler{reg: reg, defs: definitions(reg)}
}

// healthHandler serves Health.
type healthHandler struct {
	reg     *slo.Registry
	defs    map[[2]string]slo.Objective
	answers answers[stateKey]
}

// stateKey is what an answer of the registry depends on: its evaluation,
// and whether it is stalled.
type stateKey struct {
	gen     uint64
	stalled bool
}

// healthBody is a response of draft-inadarei-api-health-check.
type healthBody struct {
	Status      string `json:"status"`
	Description string `json:"description"`
	Output      string `json:"output,omitempty"`
	Checks      object `json:"checks"` // of []objectiveJSON, then the lag's []lagCheck
}

// lagCheck is the registry's own check. Its figures are those of the
// request's instant: holes in the answer.
type lagCheck struct {
	ComponentID   string          `json:"componentId"`
	ComponentType string          `json:"componentType"`
	ObservedValue json.RawMessage `json:"observedValue"`
	ObservedUnit  string          `json:"observedUnit"`
	Status        string          `json:"status"`
	Output        string          `json:"output,omitempty"`
	Time          string          `json:"time"`
}

// newLagCheck is the lag check of a registry of tick, stalled or not;
// gate says that the gate cannot judge a stalled registry.
func newLagCheck(stalled bool, tick time.Duration, gate bool) lagCheck {
	c := lagCheck{
		ComponentID: "journeyslo", ComponentType: "system",
		ObservedValue: markerJSON(holeLagSeconds), ObservedUnit: "s",
		Status: healthPass, Time: marker(holeNow),
	}
	if stalled {
		c.Status = healthFail
		c.Output = "the registry has not advanced for " + marker(holeLag) + ", more than ten ticks of " + tick.String() +
			": its states and budgets are stale"
		if gate {
			c.Output += ", so the gate cannot judge them"
		}
	}
	return c
}

func (h *healthHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !allowed(w, r) {
		return
	}
	gen, lag, stalled := generation(h.reg)
	a := h.answers.get(stateKey{gen, stalled}, func() (stateKey, *answer) { return h.compute(stalled) })
	respond(w, r, h.reg, a, gen, lag)
}

// allowed marks the request excluded from the service's objectives, then
// answers a request of another method than GET and HEAD, and reports
// whether r is one of those.
//
// These endpoints belong outside the instrumentation middleware; mounted
// inside it by mistake, their requests count for nothing rather than as
// the service's own, so that a wall screen or a pipeline polling them
// cannot move the figures they report.
func allowed(w http.ResponseWriter, r *http.Request) bool {
	holder.Exclude(w, r)
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed: use GET or HEAD", http.StatusMethodNotAllowed)
	return false
}

// check adds a check per objective to body, worsening its status by
// each, and returns why each objective that does not pass does not: one
// judgement for a replica's health and the fleet's.
func (body *healthBody) check(defs map[[2]string]slo.Objective, sts []slo.Status) (why []string) {
	for _, st := range sts {
		key := slo.ObjectiveKey(st.Journey, st.Objective)
		status, output := judgeHealth(st)
		body.Status = worse(body.Status, status)
		if output != "" && status != healthPass {
			why = append(why, key+": "+output)
		}
		body.Checks = append(body.Checks, member{key, []objectiveJSON{newObjectiveJSON(defs, st).checked(status, output)}})
	}
	return why
}

// compute judges the registry's last evaluation.
func (h *healthHandler) compute(stalled bool) (stateKey, *answer) {
	gen, sts, read := statuses(h.reg)
	body := healthBody{Status: healthPass, Description: "error budgets of the service's user journeys (journeyslo)"}
	why := body.check(h.defs, sts)

	// The registry's own advance.
	lc := newLagCheck(stalled, h.reg.Tick(), false)
	if stalled {
		body.Status = healthFail
		why = append([]string{"lag: " + lc.Output}, why...)
	}
	body.Checks = append(body.Checks, member{"lag", []lagCheck{lc}})
	body.Output = strings.Join(why, "; ")

	code := http.StatusOK
	if body.Status == healthFail {
		code = http.StatusServiceUnavailable
	}
	a := encodeAnswer(gen, sts[0].Time, code, body, "encoding the health response", healthContentType)
	a.cacheable = a.cacheable && read
	return stateKey{gen, stalled}, a
}

// statuses reads the registry's Status and the generation it is of; ok is
// false when the registry advanced through every attempt, and the Status
// is then of one of the generations it went through.
func statuses(reg *slo.Registry) (gen uint64, sts []slo.Status, ok bool) {
	for range 4 {
		gen = reg.Generation()
		sts = reg.Status()
		if reg.Generation() == gen {
			return gen, sts, true
		}
	}
	return gen, sts, false
}

// encodeAnswer encodes body as indented JSON into an answer of the
// evaluation at at, with content type ctype.
func encodeAnswer(gen uint64, at time.Time, code int, body any, what, ctype string) *answer {
	b, err := json.MarshalIndent(body, "", "  ")
	if err != nil {
		// Unreachable: every number is guarded. Say so rather than send
		// half a document.
		return newAnswer(gen, at, http.StatusInternalServerError, []byte("slostatus: "+what+": "+err.Error()+"\n"),
			[2]string{"Content-Type", "text/plain; charset=utf-8"}, [2]string{"X-Content-Type-Options", "nosniff"})
	}
	return newAnswer(gen, at, code, append(b, '\n'), [2]string{"Content-Type", ctype})
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

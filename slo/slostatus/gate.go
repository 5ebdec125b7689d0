package slostatus

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/invalid"
	"github.com/journeyslo/journeyslo/slo"
)

// PollInterval is the Retry-After of a closed gate that cannot say when it
// reopens: the traffic of now would not bring it back within the period,
// the registry is stalled, or the fleet cannot be judged. A pipeline that
// waits on the gate asks again then; the traffic may have changed.
const PollInterval = 5 * time.Minute

// MaxOverride is the longest an [Gate.Override] may last: an override is
// for the emergency fix a freeze must let through, not a way to switch
// the freeze off.
const MaxOverride = 24 * time.Hour

// A GateOption configures a gate: [ReleaseGate] or [FleetGate].
type GateOption func(*gateConfig)

type gateConfig struct {
	names    []string
	failOpen bool
}

// WithObjectives makes the gate judge only the objectives that names
// choose. Each name chooses a journey ("checkout": all its objectives) or
// one objective by its [slo.ObjectiveKey] ("checkout:latency"); several
// calls add up. A name that chooses no objective is an error of the
// gate's constructor, so that a typo cannot leave the gate open forever.
// By default the gate judges every objective.
func WithObjectives(names ...string) GateOption {
	return func(c *gateConfig) { c.names = append(c.names, names...) }
}

// WithFailOpen makes a fleet gate that cannot judge (its [Fleet] returns
// an error: Prometheus unreachable, too slow, or missing the objectives'
// series) answer 200 with status "warn", its body saying that the release
// goes ahead unjudged and why: for teams whose releases must not wait on
// their monitoring. By default it fails closed, answering 503, as a gate
// that cannot judge stays shut: a release during an outage that also took
// out the monitoring is the release a freeze is for. [ReleaseGate]
// refuses it: a replica's registry always answers.
func WithFailOpen() GateOption {
	return func(c *gateConfig) { c.failOpen = true }
}

// A Fleet reads the Status of a fleet's objectives, as one registry's
// Status reads a replica's. *slofleet.Client is one, reading Prometheus;
// slostatus does not import it, so that a program whose gate judges its own
// replica does not link a Prometheus client.
type Fleet interface {
	// Objectives returns the objectives the fleet is judged on.
	Objectives() []slo.Objective
	// Status returns the Status of every objective it can, and an error
	// when it cannot read some or all; it honours ctx and bounds itself
	// with a timeout. The gate judges when it has the Status of every
	// objective it judges, whatever the error says of others.
	Status(ctx context.Context) ([]slo.Status, error)
	// Clock is the clock of the fleet's instants, by which overrides
	// expire.
	Clock() clock.Clock
}

// A Gate is a release gate: the release freeze of an error-budget policy
// as an endpoint that a deploy pipeline polls before it rolls out, and
// waits on or stops at while it answers 503. It judges the chosen
// objectives of a registry ([ReleaseGate]) or of a fleet ([FleetGate]).
//
// It answers 503 while a chosen objective pages or has spent its error
// budget, with every reason and its figures, and with a Retry-After of
// when it expects to reopen at the current traffic (see [Gate.ServeHTTP]).
// A budget closes it only when the period holds enough events for a
// claim (slo.Status.Budget is slo.BudgetSpent): a process that served 9
// good requests and 1 bad one has not spent a budget, and its gate says
// so and stays open. [Gate.Override] opens it for a while, from code only.
//
// A Gate is safe for concurrent use. The zero value is not usable; make
// one with ReleaseGate or FleetGate.
type Gate struct {
	reg      *slo.Registry // nil for a fleet gate
	fleet    Fleet         // nil for a replica's gate
	failOpen bool          // a fleet gate that cannot judge opens
	clock    clock.Clock
	defs     map[[2]string]slo.Objective
	// only holds the objectives judged, by journey and name; nil for all.
	only map[[2]string]bool

	// mu guards the override.
	mu     sync.Mutex
	until  time.Time // zero: no override
	reason string
	// version moves whenever the override is set, ended or expires: the
	// answers of one generation differ by it.
	version uint64

	answers answers[gateKey]
}

// gateKey is what a replica's gate's answer depends on.
type gateKey struct {
	stateKey
	override uint64 // the override's version
}

// ReleaseGate returns a gate over the registry's objectives: every one, or
// those [WithObjectives] chooses. A name the registry does not declare is
// an error matching [slo.ErrInvalid], so that a typo cannot leave the gate
// open forever. It is opt-in: unlike [Health], it fails on the budget, by
// design. A stalled registry closes it (a gate that cannot judge stays
// shut). It panics if reg is nil.
func ReleaseGate(reg *slo.Registry, opts ...GateOption) (*Gate, error) {
	if reg == nil {
		panic("slostatus: ReleaseGate(nil): pass the *slo.Registry that slo.New returned")
	}
	var c gateConfig
	for _, o := range opts {
		o(&c)
	}
	g := &Gate{reg: reg, clock: reg.Clock()}
	var errs []error
	if c.failOpen {
		errs = append(errs, fmt.Errorf("%w: ReleaseGate: WithFailOpen is for a FleetGate; a replica's gate reads its own registry, which always answers", errInvalid))
	}
	errs = append(errs, g.choose("ReleaseGate", reg.Objectives(), c.names))
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return g, nil
}

// FleetGate returns a gate over the fleet's objectives, every one or those
// [WithObjectives] chooses, judged from fleet's Status at
// each request rather than from one replica's registry: the whole service's
// budget, as Prometheus sums every replica's counters
// (slo/slofleet.Client). Each request asks the fleet for its Status,
// bounded by the fleet's own timeout (slofleet.WithTimeout) and by the
// request's context; *slofleet.Client shares one query among the requests
// that ask at once and reuses its answer for its poll interval
// (slofleet.WithPollInterval), so that many pipelines polling the gate
// cost Prometheus one query. When the fleet cannot answer, the gate
// fails closed, or open [WithFailOpen], and its body says which and why.
// Overrides expire by
// the fleet's clock. It panics if fleet is nil.
func FleetGate(fleet Fleet, opts ...GateOption) (*Gate, error) {
	if fleet == nil {
		panic("slostatus: FleetGate(nil, ...): pass the fleet's client, such as the *slofleet.Client that slofleet.New returned")
	}
	var c gateConfig
	for _, o := range opts {
		o(&c)
	}
	g := &Gate{fleet: fleet, failOpen: c.failOpen, clock: fleet.Clock()}
	if g.clock == nil {
		g.clock = clock.New()
	}
	if err := g.choose("FleetGate", fleet.Objectives(), c.names); err != nil {
		return nil, err
	}
	return g, nil
}

// choose keeps the definitions of objs and the objectives that names
// choose, or reports every name that chooses none.
func (g *Gate) choose(who string, objs []slo.Objective, names []string) error {
	g.defs = map[[2]string]slo.Objective{}
	var journeys []string
	for _, o := range objs {
		g.defs[[2]string{o.Journey, o.Name}] = o
		if !slices.Contains(journeys, o.Journey) {
			journeys = append(journeys, o.Journey)
		}
	}
	if len(names) == 0 {
		return nil
	}
	slices.Sort(journeys)
	g.only = map[[2]string]bool{}
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
				g.only[[2]string{o.Journey, o.Name}] = true
			}
		}
		switch {
		case len(theirs) == 0:
			errs = append(errs, fmt.Errorf("%w: %s: journey %q is not declared; declared journeys: %s",
				errInvalid, who, journey, strings.Join(journeys, ", ")))
		case one && !slices.Contains(theirs, objective):
			errs = append(errs, fmt.Errorf("%w: %s: journey %q has no objective %q; its objectives: %s",
				errInvalid, who, journey, objective, strings.Join(theirs, ", ")))
		}
	}
	return errors.Join(errs...)
}

// Override opens the gate until the instant until, whatever it judges,
// for the reason given: the emergency fix that a freeze must let through.
// While it lasts the gate answers 200 with status "warn", and its output
// starts "override until 2026-03-02T15:04:05Z: " and the reason, then
// what it would answer without it. It ends at until by the clock of the
// registry (or fleet), or at [Gate.EndOverride]; a new override replaces
// the last.
//
// It is set from code only: no header, query or body of a request can set
// or extend it. It refuses, with an error matching [slo.ErrInvalid], a
// zero or past until, one more than [MaxOverride] away, and an empty
// reason.
func (g *Gate) Override(until time.Time, reason string) error {
	now := g.clock.Now()
	reason = strings.TrimSpace(reason)
	var errs []error
	switch {
	case until.IsZero():
		errs = append(errs, fmt.Errorf("%w: Override: until is the zero time; give the instant the override ends, at most %v from now", errInvalid, MaxOverride))
	case !until.After(now):
		errs = append(errs, fmt.Errorf("%w: Override: until %s is not after now (%s); give an instant in the next %v", errInvalid, stamp(until), stamp(now), MaxOverride))
	case until.Sub(now) > MaxOverride:
		errs = append(errs, fmt.Errorf("%w: Override: until %s is %v from now, more than MaxOverride (%v); an override lets a fix through, it does not end a freeze",
			errInvalid, stamp(until), until.Sub(now).Round(time.Second), MaxOverride))
	}
	if reason == "" {
		errs = append(errs, fmt.Errorf("%w: Override: the reason is empty; say what goes through and who decided, such as \"hotfix INC-42 for the payment outage, approved by the on-call lead\"", errInvalid))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	g.mu.Lock()
	g.until, g.reason = until, reason
	g.version++
	g.mu.Unlock()
	return nil
}

// EndOverride ends the override now, if one is active.
func (g *Gate) EndOverride() {
	g.mu.Lock()
	g.until, g.reason = time.Time{}, ""
	g.version++
	g.mu.Unlock()
}

// overrideState is the override at an instant.
type overrideState struct {
	until   time.Time
	reason  string
	active  bool
	version uint64
}

// override returns the override at now, clearing an expired one.
func (g *Gate) override(now time.Time) overrideState {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.until.IsZero() && !now.Before(g.until) {
		g.until, g.reason = time.Time{}, ""
		g.version++
	}
	return overrideState{until: g.until, reason: g.reason, active: !g.until.IsZero(), version: g.version}
}

// gateBody is a gate's response: a health check response of
// draft-inadarei-api-health-check, with the gate's own members.
type gateBody struct {
	Status      string `json:"status"`
	Description string `json:"description"`
	Output      string `json:"output,omitempty"`
	// ReopensAt is when the gate expects to reopen at the current
	// traffic; left out when open or when it cannot say.
	ReopensAt string `json:"reopensAt,omitempty"`
	// Override is the active override, if any.
	Override *overrideJSON `json:"override,omitempty"`
	Checks   object        `json:"checks"`
}

type overrideJSON struct {
	Until  string `json:"until"`
	Reason string `json:"reason"`
}

// judgement is what judging found.
type judgement struct {
	body gateBody
	// reopen is when a closed gate expects to reopen; zero when it cannot
	// say, or when it is open.
	reopen time.Time
}

// ServeHTTP answers GET and HEAD with the gate's judgement, as
// application/health+json:
//
//   - 200 OK, status "pass", when every chosen objective is ok with a
//     budget left;
//   - 200 OK, status "warn", when one has a ticket (a slow burn freezes
//     nothing), or its period holds too few events for a budget claim
//     ("not enough events: 10 of 1000"), or an override is active, or a
//     fleet gate that fails open cannot judge; the output says which;
//   - 503 Service Unavailable, status "fail", while one pages or has spent
//     its budget, or the gate cannot judge (a stalled registry; a fleet
//     that cannot answer, failing closed). The output starts "release
//     freeze: " and names every reason with its figures. The Retry-After
//     header gives, in seconds (RFC 9110), when the gate expects to
//     reopen if the traffic goes on as now; so do the output ("reopens
//     at 09:34:51Z (in 24m51s), when checkout:availability's page-6h-30m
//     clears, its 30m window no longer holding the burn, if its traffic
//     goes on at 16.7 req/s with 0% errors") and the reopensAt member:
//     from [slo.Tracker.Outlook] at the error ratio over the policy's
//     shortest window, the instant the registry will reopen it at that
//     traffic. When it would not reopen within the period at that
//     traffic, or cannot say (a fleet gate, whose Status holds no
//     buckets), the output says so and Retry-After is [PollInterval].
//
// The checks are the chosen objectives' objects (see the package doc),
// then for a replica's gate the registry's "lag" (as in [Health]), for a
// fleet gate a "fleet" check that fails when the fleet cannot be judged.
// Nothing of the request but its method, its context and its conditional
// and encoding headers is read.
//
// A replica's gate judges once per evaluation of the registry (and once
// more when its override changes) and serves every request from that,
// a closed gate as cheaply as an open one: the outlook behind Retry-After
// is computed once, and each request only measures the wait from its own
// instant. A fleet gate judges at each request, from the fleet's Status.
// A successful answer carries an ETag; a 503 always comes whole.
func (g *Gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !allowed(w, r) {
		return
	}
	if g.reg == nil {
		g.serveFleet(w, r)
		return
	}
	gen, lag, stalled := generation(g.reg)
	ov := g.override(g.clock.Now())
	a := g.answers.get(gateKey{stateKey{gen, stalled}, ov.version}, func() (gateKey, *answer) {
		gen, a := g.compute(stalled, ov)
		return gateKey{stateKey{gen, stalled}, ov.version}, a
	})
	respond(w, r, g.reg, a, gen, lag)
}

// compute judges the registry's last evaluation, with the override ov.
func (g *Gate) compute(stalled bool, ov overrideState) (uint64, *answer) {
	var (
		gen  uint64
		sts  []slo.Status
		j    judgement
		read bool
	)
	// The outlooks behind a closed gate's reopening must be of the
	// evaluation its Status is.
	for range 4 {
		gen, sts, read = statuses(g.reg)
		cannot := ""
		lc := newLagCheck(stalled, g.reg.Tick(), true)
		if stalled {
			cannot = "lag: " + lc.Output
		}
		j = g.judge(sts, sts[0].Time, cannot, member{"lag", []lagCheck{lc}}, ov)
		if read = read && g.reg.Generation() == gen; read {
			break
		}
	}
	a := g.encode(gen, sts[0].Time, j)
	a.cacheable = a.cacheable && read
	return gen, a
}

// encode makes the answer of a judgement made at now.
func (g *Gate) encode(gen uint64, now time.Time, j judgement) *answer {
	code := http.StatusOK
	if j.body.Status == healthFail {
		code = http.StatusServiceUnavailable
	}
	a := encodeAnswer(gen, now, code, j.body, "encoding the release gate's response", healthContentType)
	a.reopen, a.retry = j.reopen, code == http.StatusServiceUnavailable
	return a
}

// serveFleet judges the fleet now and answers.
func (g *Gate) serveFleet(w http.ResponseWriter, r *http.Request) {
	sts, err := g.fleet.Status(r.Context())
	cannot := ""
	if err != nil && !g.judged(sts) {
		// One line: a joined error holds one per objective.
		cannot = "the fleet cannot be judged: " + strings.ReplaceAll(err.Error(), "\n", "; ")
		sts = nil
	}
	now := g.clock.Now()
	fc := fleetCheck{ComponentID: "fleet", ComponentType: "datastore", Status: healthPass, Time: instant(now)}
	if cannot != "" {
		fc.Status, fc.Output = healthFail, cannot
		if g.failOpen {
			fc.Status = healthWarn
		}
	}
	j := g.judge(sts, now, cannot, member{"fleet", []fleetCheck{fc}}, g.override(now))
	g.encode(0, now, j).serve(w, r, moment{now: now})
}

// judge judges the chosen objectives of sts at now, the instant of their
// evaluation for a replica's gate; cannot says why the gate cannot judge
// them, if it cannot, and own is the gate's own check (the registry's
// lag, the fleet's), last of the checks.
func (g *Gate) judge(sts []slo.Status, now time.Time, cannot string, own member, ov overrideState) judgement {
	j := judgement{body: gateBody{Status: healthPass}}
	var why, closing []string
	var closers []slo.Status
	switch {
	case g.reg != nil:
		j.body.Description = "journeyslo release gate: fails while a chosen objective pages or has spent its error budget"
	case g.failOpen:
		j.body.Description = "journeyslo release gate of the fleet: fails while a chosen objective pages or has spent its error budget, over every replica (fail open when the fleet cannot be judged)"
	default:
		j.body.Description = "journeyslo release gate of the fleet: fails while a chosen objective pages or has spent its error budget, over every replica (fail closed when the fleet cannot be judged)"
	}
	for _, st := range sts {
		if g.only != nil && !g.only[[2]string{st.Journey, st.Objective}] {
			continue
		}
		key := slo.ObjectiveKey(st.Journey, st.Objective)
		status, reasons := judgeGate(st)
		output := strings.Join(reasons, "; ")
		j.body.Status = worse(j.body.Status, status)
		switch status {
		case healthFail:
			closing = append(closing, key+": "+output)
			closers = append(closers, st)
		case healthWarn:
			why = append(why, key+": "+output)
		}
		j.body.Checks = append(j.body.Checks, member{key, []objectiveJSON{g.objectiveJSON(st).checked(status, output)}})
	}
	j.body.Checks = append(j.body.Checks, own)

	var reopen string
	switch {
	case cannot != "" && (g.reg != nil || !g.failOpen):
		j.body.Status = healthFail
		closing = append([]string{cannot + "; a gate that cannot judge stays shut"}, closing...)
		reopen = askAgain
	case cannot != "":
		j.body.Status = worse(j.body.Status, healthWarn)
		why = append([]string{cannot + "; this gate fails open, so the release goes ahead unjudged"}, why...)
	}
	if j.body.Status == healthFail && reopen == "" && g.reg == nil {
		// A fleet's Status holds each window's sums, not its buckets: what
		// leaves the windows next is unknown.
		reopen = "when it reopens is not known from the fleet's series; " + askAgain
	}
	if j.body.Status == healthFail && reopen == "" {
		j.reopen, reopen = g.reopening(now, closers)
		if !j.reopen.IsZero() {
			j.body.ReopensAt = instant(j.reopen)
		}
	}

	var out []string
	if j.body.Status == healthFail {
		out = append(out, "release freeze: "+strings.Join(closing, "; ")+"; "+reopen)
	}
	out = append(out, why...)
	if ov.active {
		head := "override until " + stamp(ov.until) + ": " + ov.reason
		if j.body.Status == healthFail {
			head += "; without it: "
		} else if len(out) > 0 {
			head += "; "
		}
		j.body.Output = head + strings.Join(out, "; ")
		j.body.Status = healthWarn
		j.body.ReopensAt = ""
		j.body.Override = &overrideJSON{Until: instant(ov.until), Reason: ov.reason}
		return j
	}
	j.body.Output = strings.Join(out, "; ")
	return j
}

// judged reports whether sts holds every objective the gate judges: the
// fleet may answer for some objectives only, while others' rules are not
// loaded yet, and those others may be ones the gate does not judge.
func (g *Gate) judged(sts []slo.Status) bool {
	for key := range g.defs {
		if g.only != nil && !g.only[key] {
			continue
		}
		if !slices.ContainsFunc(sts, func(st slo.Status) bool { return st.Journey == key[0] && st.Objective == key[1] }) {
			return false
		}
	}
	return true
}

// fleetCheck is a fleet gate's check of its source.
type fleetCheck struct {
	ComponentID   string `json:"componentId"`
	ComponentType string `json:"componentType"`
	Status        string `json:"status"`
	Output        string `json:"output,omitempty"`
	Time          string `json:"time"`
}

// objectiveJSON joins st to its objective's links: the object the health
// check writes, for a replica's gate and a fleet's alike.
func (g *Gate) objectiveJSON(st slo.Status) objectiveJSON { return newObjectiveJSON(g.defs, st) }

// judgeGate fails while the objective pages or has spent its budget (with
// enough events, over enough of the period, for the claim), and warns
// while it has a ticket or too few events for a claim. Young data passes:
// a replica minutes old closes the gate by paging, never by a budget its
// few minutes cannot state.
func judgeGate(st slo.Status) (string, []string) {
	var why []string
	status := healthPass
	if st.State != burnrate.SeverityOK {
		why = append(why, st.State.String()+": "+firing(st))
		status = healthWarn
		if st.State == burnrate.SeverityPage {
			status = healthFail
		}
	}
	switch st.Budget {
	case slo.BudgetSpent:
		if over := percent(-st.BudgetRemaining, 1); over != "0.0%" {
			why = append(why, "error budget overspent by "+over)
		} else {
			why = append(why, "error budget spent")
		}
		status = healthFail
	case slo.BudgetTooFewEvents:
		why = append(why, st.Evidence()+", too few for a claim on the budget")
		status = worse(status, healthWarn)
	case slo.BudgetYoungData:
		// Young data is no warning: every replica starts young, and
		// stays so for a tenth of its period. A gate the alerts close
		// says why its budget is not among the reasons.
		if status != healthPass {
			why = append(why, st.Evidence()+", too little of the period for a claim on the budget (a claim needs "+burnrate.FormatWindow(st.MinCovered)+")")
		}
	}
	return status, why
}

// reopening says when the gate expects to reopen, judged by the closing
// objectives at now, and in words; the zero time when it cannot say.
//
// Each closing objective reopens when its page rules have cleared
// (Outlook.PageReset) if it pages, and when its budget is back above zero
// (Outlook.BudgetBack) if it has spent it, at the rate of events of now
// and the error ratio over its policy's shortest window: the traffic of
// the last minutes, going on. The gate reopens when the last of them
// does; if one would not within its period, the gate says so.
func (g *Gate) reopening(now time.Time, closers []slo.Status) (time.Time, string) {
	var last time.Time
	var lastWhy string
	for _, st := range closers {
		ratio := 0.0
		if len(st.Windows) > 0 && !st.Windows[0].NoData {
			w := st.Windows[0]
			ratio = w.Bad / (w.Good + w.Bad)
		}
		t, ok := g.reg.Tracker(st.Journey, st.Objective)
		if !ok {
			return time.Time{}, askAgain // unreachable: the gate's objectives are the registry's
		}
		out := t.Outlook(ratio)
		key := slo.ObjectiveKey(st.Journey, st.Objective)
		traffic := fmt.Sprintf("if its traffic goes on at %s req/s with %s%% errors", formatRate(out.Rate), formatRate(out.ErrorRatio*100))
		if st.Slices != nil {
			traffic = sliceTraffic(st, out)
		}
		var at time.Time
		var why string
		if st.State == burnrate.SeverityPage {
			at, why = out.PageReset, key+"'s page clears"
			if r, ok := out.Holding(burnrate.SeverityPage); ok {
				switch {
				case r.Clears.IsZero():
					return time.Time{}, fmt.Sprintf("would not reopen within %s's period (%s) %s: its %s would not clear; %s",
						key, burnrate.FormatWindow(st.Period), traffic, r.Name, askAgain)
				case r.TooFewEvents:
					why = fmt.Sprintf("%s's %s clears, its %s window holding too few events", key, r.Name, burnrate.FormatWindow(r.Window))
				default:
					why = fmt.Sprintf("%s's %s clears, its %s window no longer holding the burn", key, r.Name, burnrate.FormatWindow(r.Window))
				}
			}
		}
		if st.Budget == slo.BudgetSpent {
			if out.BudgetBack.IsZero() {
				return time.Time{}, fmt.Sprintf("would not reopen within %s's period (%s) %s: its budget would not be back above zero; %s",
					key, burnrate.FormatWindow(st.Period), traffic, askAgain)
			}
			if out.BudgetBack.After(at) {
				at, why = out.BudgetBack, key+"'s budget is back above zero"
			}
		}
		if at.IsZero() { // closed yet reopening now: the gate judges again at once
			at = now
		}
		if at.After(last) || last.IsZero() {
			last, lastWhy = at, why+", "+traffic
		}
	}
	if last.IsZero() {
		return time.Time{}, askAgain
	}
	// How long from now is the request's to say: a hole of the answer.
	return last, fmt.Sprintf("reopens at %s (in %s), when %s", clockTime(now, last), marker(holeReopensIn), lastWhy)
}

// clockTime writes an instant for people: the time of day in UTC when it
// is on now's day, the date and time otherwise.
func clockTime(now, t time.Time) string {
	if y, m, d := t.UTC().Date(); y == now.UTC().Year() && m == now.UTC().Month() && d == now.UTC().Day() {
		return t.UTC().Format("15:04:05Z")
	}
	return stamp(t)
}

// askAgain ends the output of a closed gate that cannot say when it
// reopens.
var askAgain = "ask again in " + burnrate.FormatWindow(PollInterval) + " (Retry-After)"

// stamp writes an instant for people: to the second, in UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// errInvalid begins every misconfiguration error of the package: it reads
// "slostatus" and matches slo.ErrInvalid.
var errInvalid = invalid.Prefix("slostatus")

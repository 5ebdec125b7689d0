package slorisk

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/invalid"
	"github.com/journeyslo/journeyslo/internal/yamlpos"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// MinutesPerYear is the minutes of an average year, 365.25 days: the
// yearly error budget of a target t is (1 - t) x MinutesPerYear minutes.
const MinutesPerYear = 525960

// day is the unit of a risk's time between occurrences.
const day = 24 * time.Hour

// A Risk is one kind of failure the service can expect. It is a plain
// value, written as a literal or read from a file; the zero value has no
// name, impact nor times, which [Risk.Validate] refuses.
type Risk struct {
	// Name says what fails, such as "bad release, slow rollback". Required,
	// and unique within a catalog.
	Name string
	// ETTD is the expected time to detect the failure, from its start.
	// Zero means the time the objective's policy takes (see [Detector]).
	ETTD time.Duration
	// ETTR is the expected time to recover once the failure is detected.
	// Positive.
	ETTR time.Duration
	// Impact is the share of requests that fail while it lasts, above 0 and
	// at most 1: 0.2 for 20%.
	Impact float64
	// ETTF is the expected time between two occurrences, such as 120 days.
	// It is at least ETTD + ETTR: a failure ends before the next begins.
	ETTF time.Duration
}

// Validate reports every reason r cannot be weighed, each naming the field
// and what would be right. The errors match slo.ErrInvalid.
func (r Risk) Validate() error {
	ps := entry("risk", r.Name, `"bad release, slow rollback"`)
	ps.span("ettd", r.ETTD, true, "write a time to detect such as 5m, or leave it out for the policy's")
	ps.span("ettr", r.ETTR, false, "write a time to recover such as 2h")
	ps.impact(r.Impact)
	ps.span("ettf", r.ETTF, false, "write the time between occurrences such as 120d")
	if r.ETTF > 0 && r.ETTD >= 0 && r.ETTR > 0 && r.ETTD > r.ETTF-r.ETTR { // ettd + ettr > ettf, which could overflow
		ps.bad("ettf", fmt.Sprintf("%s is shorter than ettd + ettr (%s): the failure would recur before it ends; write a longer ettf, or shorter times",
			burnrate.FormatWindow(r.ETTF), lasts(r.ETTD, r.ETTR)))
	}
	return ps.err()
}

// problems gathers the reasons a risk or a premortem cannot be judged,
// each naming it and the field; the two are checked in the same words.
type problems struct {
	kind, name string // "risk" or "premortem", and its name
	errs       []error
}

// entry starts the problems of the risk or premortem (kind) named name
// with the check they share: a name that says what fails, such as example.
func entry(kind, name, example string) *problems {
	ps := &problems{kind: kind, name: name}
	if strings.TrimSpace(name) == "" {
		ps.bad("name", "empty; name what fails, such as "+example)
	}
	return ps
}

// bad records that field is wrong, and why.
func (ps *problems) bad(field, why string) {
	ps.errs = append(ps.errs, invalid.Errorf("slorisk: %s %q: %s: %s", ps.kind, ps.name, field, why))
}

// span checks a duration field: positive, or when zero does, not negative;
// want says what to write instead.
func (ps *problems) span(field string, d time.Duration, zero bool, want string) {
	switch {
	case zero && d < 0:
		ps.bad(field, fmt.Sprintf("%v is negative; %s", d, want))
	case !zero && d <= 0:
		ps.bad(field, fmt.Sprintf("%v is not positive; %s", d, want))
	}
}

// impact checks the share of requests that fail.
func (ps *problems) impact(f float64) {
	if why := impactProblem(f); why != "" {
		ps.bad("impact", why)
	}
}

// err returns the problems joined, or nil.
func (ps *problems) err() error { return errors.Join(ps.errs...) }

// lasts writes how long a failure lasts, ettd + ettr, for messages, where
// the sum may be too long for a time.Duration.
func lasts(ettd, ettr time.Duration) string {
	if ettd > math.MaxInt64-ettr {
		return "over 292 years"
	}
	return burnrate.FormatWindow(ettd + ettr)
}

// impactProblem says what is wrong with an impact, or "" when it is usable.
func impactProblem(f float64) string {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return fmt.Sprintf("%v is not a number; write a share such as 0.2, or a percent such as 20%%", f)
	case f > 1 && f <= 100:
		return fmt.Sprintf("%v is above 1; write %.12g or %v%% for %v%% of requests", f, f/100, f, f)
	case f > 1:
		return fmt.Sprintf("%v is above 1; write the share of requests affected, at most 1 (every request) or 100%%", f)
	case f <= 0:
		return fmt.Sprintf("%v affects no request; write a share above 0, such as 0.2 or 20%%", f)
	}
	return ""
}

// badMinutes is the CRE formula for a failure that lasts d (detection and
// recovery) at impact, every ettf.
func badMinutes(d time.Duration, impact float64, ettf time.Duration) float64 {
	return d.Minutes() * impact * 365.25 / (float64(ettf) / float64(day))
}

// A Detector returns how long after its start the objective's alert policy
// detects (leaves ok for a ticket or a page) a failure that makes a share
// errorRatio of requests fail, on steady traffic that was good before, and
// false when the policy never detects it however long it lasts. [Analyze]
// calls it once for each distinct impact of the risks that give no ETTD of
// their own, one call at a time, on the caller's goroutine.
type Detector func(errorRatio float64) (time.Duration, bool)

// A Catalog is the risks of one objective: the file that [Parse] reads. It
// is a plain value; the zero value has neither target nor risks, which
// [Catalog.Validate] refuses. Its methods only read it: they are safe for
// concurrent use as long as nobody changes the Catalog meanwhile.
type Catalog struct {
	// Target is the objective's target, a fraction strictly between 0 and
	// 1 (0.999). Zero when Objective names one instead.
	Target float64
	// Objective names an objective of a config file, "journey:objective"
	// (see slo.ObjectiveKey), whose target and policy the risks are judged
	// against; empty when Target is given. A catalog gives one of the two.
	Objective string
	// Risks are the failures to weigh, at least one, in the order they
	// are reported.
	Risks []Risk
	// Premortems are failures imagined at a given time of a recorded
	// month; nil means none.
	Premortems []Premortem

	// file names the file the catalog was parsed from, and pos the place
	// of its nodes by path ("risks[0].ettr"), for the errors of Resolve.
	file string
	pos  map[string]position
}

// Validate reports every reason the catalog cannot be weighed, each naming
// the risk or premortem and the field. The errors match slo.ErrInvalid.
func (c *Catalog) Validate() error {
	var errs []error
	switch {
	case c.Objective == "" && c.Target == 0:
		errs = append(errs, invalid.Errorf("slorisk: the catalog has no target; give a target such as 0.999, or an objective such as checkout:availability"))
	case c.Objective != "" && c.Target != 0:
		errs = append(errs, invalid.Errorf("slorisk: the catalog gives a target (%v) and an objective (%s); give one: the objective carries its target", c.Target, c.Objective))
	case c.Objective != "":
		if why := keyProblem(c.Objective); why != "" {
			errs = append(errs, invalid.Errorf("slorisk: objective %q: %s", c.Objective, why))
		}
	default:
		if err := burnrate.ValidateTarget(c.Target); err != nil {
			errs = append(errs, invalid.Errorf("slorisk: %w", err))
		}
	}
	if len(c.Risks) == 0 {
		errs = append(errs, invalid.Errorf("slorisk: the catalog has no risks; list at least one, with name, ettr, impact and ettf"))
	}
	errs = append(errs, validateEach("risk", c.Risks, func(r Risk) string { return r.Name })...)
	errs = append(errs, validateEach("premortem", c.Premortems, func(p Premortem) string { return p.Name })...)
	return errors.Join(errs...)
}

// validateEach validates a catalog's risks or premortems (kind), each of
// which must also have a name of its own, for the reports name them.
func validateEach[E interface{ Validate() error }](kind string, entries []E, name func(E) string) []error {
	var errs []error
	seen := map[string]bool{}
	for _, e := range entries {
		if err := e.Validate(); err != nil {
			errs = append(errs, err)
		}
		if n := name(e); seen[n] {
			errs = append(errs, invalid.Errorf("slorisk: %s %q: the name is given twice; give each %s its own", kind, n, kind))
		} else {
			seen[n] = true
		}
	}
	return errs
}

// keyProblem says what is wrong with an objective's key, or "".
func keyProblem(key string) string {
	j, o, ok := strings.Cut(key, ":")
	if !ok || j == "" || o == "" || strings.Contains(o, ":") {
		return "write the objective as journey:objective, such as checkout:availability"
	}
	return ""
}

// Resolve returns the objective the catalog's risks are judged against:
// for a catalog naming an Objective, the one of objs with that key (journey
// and name, as the registry fills in its defaults); for one giving a
// Target, an objective of that target over slo.DefaultPeriod with the
// default policy (burnrate.DefaultPolicy), on a journey named "risk". The
// error, matching slo.ErrInvalid, lists the objectives there are when the one
// named is missing.
func (c *Catalog) Resolve(objs []slo.Objective) (slo.Objective, error) {
	if c.Objective == "" {
		if err := burnrate.ValidateTarget(c.Target); err != nil {
			return slo.Objective{}, invalid.Errorf("slorisk: %w", err)
		}
		return slo.Objective{Journey: "risk", Target: c.Target}.WithDefaults(), nil
	}
	var keys []string
	for _, o := range objs {
		o = o.WithDefaults()
		key := slo.ObjectiveKey(o.Journey, o.Name)
		if key == c.Objective {
			return o, nil
		}
		keys = append(keys, key)
	}
	there := "there are none"
	if len(keys) > 0 {
		there = "there are " + strings.Join(keys, ", ")
	}
	msg := fmt.Sprintf("objective %s is not among the config's objectives; %s", c.Objective, there)
	if p, ok := c.pos["objective"]; ok {
		return slo.Objective{}, &yamlpos.Error{File: c.file, Line: p.line, Column: p.column, Path: "objective", Err: errors.New(msg)}
	}
	return slo.Objective{}, invalid.Errorf("slorisk: %s", msg)
}

// An Option changes how [Analyze] weighs a catalog.
type Option func(*options)

type options struct {
	detect  Detector
	traffic []slobacktest.Sample
	hasTraf bool
}

// WithDetector makes Analyze take the time to detect of every risk that
// gives none from d. Without it, Analyze replays each such risk's impact
// through package backtest (see [Analyze]).
func WithDetector(d Detector) Option { return func(o *options) { o.detect = d } }

// WithTraffic gives Analyze the recorded traffic (a month, typically) at
// whose profile the catalog's premortems are judged. Without it, a catalog
// with premortems is an error.
func WithTraffic(samples []slobacktest.Sample) Option {
	return func(o *options) { o.traffic, o.hasTraf = samples, true }
}

// An Analysis is a catalog's risks weighed against an objective's yearly
// budget. It is a plain value that Analyze returns, shared with nobody;
// every figure is exact (text output rounds bad minutes to one decimal,
// JSON to 12 significant digits). Its methods only read it.
type Analysis struct {
	// Objective is the key of the objective judged ("checkout:availability"),
	// or empty for a catalog that gives a target alone.
	Objective string
	// Target is the objective's target.
	Target float64
	// Budget is the bad minutes a year the target allows:
	// (1 - Target) x MinutesPerYear.
	Budget float64
	// Risks holds each risk's assessment, in the catalog's order.
	Risks []Assessment
	// BadMinutes is the sum of the risks' bad minutes a year.
	BadMinutes float64
	// Share is BadMinutes over Budget: above 1 when the risks together do
	// not fit.
	Share float64
	// Exceeds is true when the risks together spend more than the budget.
	Exceeds bool
	// Undetected counts the risks that the policy never detects; when it is
	// positive, BadMinutes is a lower bound.
	Undetected int
	// Premortems holds each premortem's spend, in the catalog's order.
	Premortems []Spend
}

// An Assessment is one risk weighed against the budget. It is a plain
// value.
type Assessment struct {
	Risk
	// Detection is the time to detect used: the risk's ETTD, or the
	// policy's ([Detector]) when FromPolicy; zero when Undetected.
	Detection time.Duration
	// FromPolicy is true when Detection comes from the policy.
	FromPolicy bool
	// Undetected is true when the risk gives no ETTD and the policy never
	// detects a failure of its impact. BadMinutes then counts ETTR alone.
	Undetected bool
	// BadMinutes is the expected bad minutes a year:
	// (Detection + ETTR) x Impact x 365.25 / ETTF in days.
	BadMinutes float64
	// Share is BadMinutes over the yearly budget.
	Share float64
	// Exceeds is true when the risk alone spends more than the yearly
	// budget.
	Exceeds bool
	// Ceiling is, for an undetected risk, the bad minutes a year it would
	// cost if nothing ever stopped it: Impact x MinutesPerYear. Zero for
	// a detected one.
	Ceiling float64
}

// Analyze weighs the catalog's risks against objective o (see
// [Catalog.Resolve]): each risk's bad minutes a year, and their total,
// beside o's yearly budget; and, given [WithTraffic], each premortem's
// spend of a budget of o's at the recorded traffic's profile
// ([Premortem.Spend]).
//
// A risk without an ETTD takes the one of [WithDetector]'s Detector, called
// once per distinct impact, or by default the one that o's own policy
// shows in a replay (slobacktest.Run, the registry code that runs in
// production): steady traffic of o's journey in 1-minute samples, good for
// the policy's longest window, so that every window is full when the
// failure starts, then failing at the risk's impact for that window and a
// step more, after which every window holds the failure alone and a rule
// that has not fired never will. The time to detect is from the failure's
// start to the first evaluation at which the policy leaves ok: a ticket
// or a page, since a ticket is how the policy means a slow burn to be
// found (backtest's own detections count pages). The traffic, at least
// 1000 events a second, puts ten times the policy's low-traffic guard in
// its shortest long window, so that the guard delays no detection. Each
// replay takes about twice the policy's longest window of simulated time
// (6 days for the default policy).
//
// The error, matching slo.ErrInvalid, says what is missing or invalid.
func Analyze(c *Catalog, o slo.Objective, opts ...Option) (*Analysis, error) {
	var cfg options
	for _, opt := range opts {
		opt(&cfg)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := burnrate.ValidateTarget(o.Target); err != nil {
		return nil, invalid.Errorf("slorisk: the objective: %w", err)
	}
	a := &Analysis{Target: o.Target, Budget: (1 - o.Target) * MinutesPerYear}
	if c.Objective != "" {
		a.Objective = c.Objective
	}
	type detection struct {
		d   time.Duration
		ok  bool
		err error
	}
	detect := func(e float64) (time.Duration, bool, error) {
		d, ok := cfg.detect(e)
		return d, ok, nil
	}
	if cfg.detect == nil {
		// Built at the first risk that needs it: an analysis with every
		// ettd given replays nothing.
		var rd *replayDetector
		detect = func(e float64) (time.Duration, bool, error) {
			if rd == nil {
				var err error
				if rd, err = newReplayDetector(o); err != nil {
					return 0, false, err
				}
			}
			return rd.detect(e)
		}
	}
	detected := map[float64]detection{}
	var errs []error
	for _, r := range c.Risks {
		as := Assessment{Risk: r, Detection: r.ETTD}
		if r.ETTD == 0 {
			det, ok := detected[r.Impact]
			if !ok {
				det.d, det.ok, det.err = detect(r.Impact)
				detected[r.Impact] = det
			}
			switch {
			case det.err != nil:
				errs = append(errs, invalid.Errorf("slorisk: risk %q: %w", r.Name, det.err))
				continue
			case !det.ok:
				as.Detection, as.Undetected = 0, true
				as.Ceiling = r.Impact * MinutesPerYear
				a.Undetected++
			case det.d < 0:
				errs = append(errs, invalid.Errorf("slorisk: risk %q: the detector gave a negative time to detect, %v", r.Name, det.d))
				continue
			case det.d > r.ETTF-r.ETTR:
				errs = append(errs, invalid.Errorf("slorisk: risk %q: the policy detects it after %s, and with ettr %s it lasts longer than the %s between occurrences; write a longer ettf, or an ettd",
					r.Name, burnrate.FormatWindow(det.d), burnrate.FormatWindow(r.ETTR), burnrate.FormatWindow(r.ETTF)))
				continue
			default:
				as.Detection, as.FromPolicy = det.d, true
			}
		}
		as.BadMinutes = badMinutes(as.Detection+r.ETTR, r.Impact, r.ETTF)
		as.Share = as.BadMinutes / a.Budget
		as.Exceeds = exceeds(as.BadMinutes, a.Budget)
		a.BadMinutes += as.BadMinutes
		a.Risks = append(a.Risks, as)
	}
	a.Share = a.BadMinutes / a.Budget
	a.Exceeds = exceeds(a.BadMinutes, a.Budget)
	switch {
	case len(c.Premortems) > 0 && !cfg.hasTraf:
		errs = append(errs, invalid.Errorf("slorisk: the catalog has %d premortems and no recorded traffic to judge them on; give the traffic of a month", len(c.Premortems)))
	case len(c.Premortems) > 0:
		for _, p := range c.Premortems {
			s, err := p.Spend(cfg.traffic, o)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			a.Premortems = append(a.Premortems, s)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return a, nil
}

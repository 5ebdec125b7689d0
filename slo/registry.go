package slo

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/window"
)

// An Option configures a [Registry].
type Option func(*config)

type config struct {
	clock         clock.Clock
	manual        bool
	onTransition  []func(Transition)
	onError       []func(error)
	logger        *slog.Logger
	loggerSet     bool
	store         Store
	storeErr      error // from WithStore or WithSnapshot, reported by New
	snapshotEvery time.Duration
	storeTimeout  time.Duration // 0 for storeTimeout(snapshotEvery); tests set it shorter
	episodeLog    int           // WithEpisodeLog's n, checked by New
	episodeLogSet bool
	exclusions    []Exclusion // WithExclusions', checked by New
}

// WithClock makes the registry read time from c. The default is the real
// clock, clock.New(). Tests and replays pass a clock.NewMock().
func WithClock(c clock.Clock) Option {
	return func(cfg *config) { cfg.clock = c }
}

// WithManualAdvance starts no rotator goroutine: the caller moves the
// registry through time with [Registry.Advance], which a registry without
// this option refuses. Replays and tests use it to run a simulated month in
// a fraction of a second. The default is a rotator that advances the
// registry at every tick of the clock.
func WithManualAdvance() Option {
	return func(cfg *config) { cfg.manual = true }
}

// OnTransition calls f whenever an objective's state changes (ok, ticket,
// page): the hook an error-budget policy hangs on. Transitions are delivered
// in order, on the goroutine that advances the registry (the rotator's, or
// the caller of Advance, or Close), after the registry's lock is released;
// f may call any method but Advance, Close and Snapshot, which would wait
// for the advance that runs f. A panic in f is recovered and reported (see
// [OnError]), on any goroutine, so that it cannot take the service down
// nor cost the other callbacks and transitions of the same advance. The
// default is no callback.
func OnTransition(f func(Transition)) Option {
	return func(cfg *config) { cfg.onTransition = append(cfg.onTransition, f) }
}

// A Registry holds a fixed set of objectives and the windows that count
// their events, and evaluates their alert state as time advances.
//
// Journeys are a closed set, declared by the objectives given to [New]:
// [Registry.Journey] resolves a name once to a handle that records with no
// lookup. A name not declared resolves to [Unmatched].
//
// Unless built with [WithManualAdvance], a Registry runs one goroutine that
// advances it at every tick; [Registry.Close] stops it. A Registry is safe
// for concurrent use. The zero value is not usable; create one with [New].
type Registry struct {
	clock     clock.Clock
	group     *window.Group
	objs      []*objective // declaration order
	journeys  map[string]*Journey
	unmatched *Journey
	all       []*Journey // every journey, declared then unmatched: what drain visits
	overflow  *window.Series
	callbacks []func(Transition)
	onError   []func(error)
	logger    *slog.Logger // nil for none; see logDefault
	// logDefault logs to slog.Default() as it is when the problem comes,
	// not as it was at New.
	logDefault bool
	manual     bool // WithManualAdvance: no rotator, Advance accepted

	store         Store // nil without snapshots
	snapshotEvery time.Duration
	storeTimeout  time.Duration // bounds each Load and Save
	saver         *saver        // runs the saves; nil without a store
	restore       RestoreReport // what New restored; read-only after New

	// advMu serializes Advance, so that transitions are computed and
	// delivered in order.
	advMu        sync.Mutex
	pending      []Transition // guarded by advMu; reused between calls
	nextSnapshot time.Time    // guarded by advMu

	// drainMu makes a drain of the journeys' pattern counters into the
	// series one step for readers that add the counters to the series
	// (Unmatched, BurnDown). Taken under advMu, never the other way.
	drainMu sync.Mutex

	// mu guards the evaluated state of every objective, and the windows'
	// step: an advance holds it for writing from the rotation of the
	// windows to the end of their evaluation, so that a reader holding it
	// sees windows and states of one instant, never the windows of a new
	// step beside the states of the last.
	mu       sync.RWMutex
	advanced time.Time // the instant of the last evaluation
	gen      uint64    // advances so far; see Generation

	// frozen is the state at Close, which every reader reports after it;
	// nil until then. Stored with advMu held.
	frozen atomic.Pointer[frozen]

	stop      chan struct{} // closed by Close; nil with manual advance
	done      chan struct{} // closed when the rotator returns
	closeOnce sync.Once
	closeErr  error // the final snapshot's, set by closeOnce

	exclState // planned exclusions; see Exclude
}

// objective is an Objective with its series and its last evaluation.
type objective struct {
	Objective
	series *window.Series
	// exhaust is the window whose burn rate estimates time to exhaustion:
	// the shortest long window of the policy.
	exhaust time.Duration
	// budget is burnrate.ErrorBudget(Target), worked out once at New:
	// ErrorBudget formats the target to find its decimal, too slow for
	// every evaluation.
	budget float64

	// Guarded by Registry.mu.
	eval       burnrate.Evaluation
	recent     recentLog
	good, bad  float64 // over the period, its oldest bucket pro rata
	totG, totB uint64  // since New; never restored from a snapshot
	totX       uint64  // the journey's excluded events since New, at the last evaluation
	since      time.Time
	// from is the oldest instant the windows hold data for: when New
	// started, or the start of the oldest restored bucket with events.
	// Status's Covered runs from it.
	from  time.Time
	state burnrate.Severity
	log   episodeLog
	cal   calendarState // with a Calendar: where its period counts from
	unit  float64       // units per event of series: 1, or a composite's scale

	tracker *Tracker // the handle users hold; fixed at New

	// slices counts the objective's time slices; nil when it counts
	// events. See Slices.
	slices *sliceState
}

// New returns a registry of the given objectives, with defaults filled in
// (see [Objective]). It reports every invalid objective, and objectives that
// share a journey and a name, in one error wrapping [ErrInvalid].
func New(objectives []Objective, opts ...Option) (*Registry, error) {
	cfg := config{clock: clock.New()}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.clock == nil {
		return nil, fmt.Errorf("%w: WithClock(nil); pass clock.New() or a clock.NewMock()", ErrInvalid)
	}
	if cfg.storeErr != nil {
		return nil, cfg.storeErr
	}
	if !cfg.episodeLogSet {
		cfg.episodeLog = DefaultEpisodeLog
	} else if err := checkEpisodeLog(cfg.episodeLog); err != nil {
		return nil, err
	}
	if len(objectives) == 0 {
		return nil, fmt.Errorf("%w: no objectives; declare at least one, such as {Journey: \"checkout\", Target: 0.999}", ErrInvalid)
	}
	var errs []error
	seen := map[[2]string]int{}
	objs := make([]Objective, len(objectives))
	var windows []time.Duration
	for i, o := range objectives {
		o = o.withDefaults()
		objs[i] = o
		if err := o.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("objective %d (%s): %w", i, o.label(), err))
			continue
		}
		key := [2]string{o.Journey, o.Name}
		if j, ok := seen[key]; ok {
			errs = append(errs, fmt.Errorf("objective %d (%s): %w: objective %d has the same journey and name; give each objective of a journey its own Name", i, o.label(), ErrInvalid, j))
		}
		seen[key] = i
		windows = append(windows, o.windows()...)
		windows = append(windows, o.sliceTick()...)
	}
	if len(errs) == 0 {
		errs = checkComposites(objs)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	now := cfg.clock.Now()
	group, err := window.NewGroup(window.Tick(windows...), now)
	if err != nil {
		return nil, err
	}
	r := &Registry{
		clock:         cfg.clock,
		group:         group,
		journeys:      map[string]*Journey{},
		callbacks:     cfg.onTransition,
		onError:       cfg.onError,
		logger:        cfg.logger,
		logDefault:    !cfg.loggerSet && len(cfg.onError) == 0,
		manual:        cfg.manual,
		store:         cfg.store,
		snapshotEvery: cfg.snapshotEvery,
		storeTimeout:  cfg.storeTimeout,
	}
	if r.storeTimeout <= 0 {
		r.storeTimeout = storeTimeout(cfg.snapshotEvery)
	}
	// What every objective keeps is allocated in a few blocks rather than
	// as many small allocations per objective, each rounded up to its
	// allocator size class: a fleet's registry holds thousands.
	block := newObjectiveBlock(objs)
	for i, o := range objs {
		s, err := group.NewSeries(o.windows()...)
		if err != nil {
			return nil, err // unreachable: the windows were validated
		}
		obj := block.objective(i)
		*obj = objective{Objective: o, series: s, exhaust: o.exhaustionWindow(), budget: burnrate.ErrorBudget(o.Target), since: now, from: now,
			eval: block.evaluation(o), tracker: obj.tracker}
		obj.log = episodeLog{max: cfg.episodeLog, rule: -1, peak: block.peak(len(o.Policy.Windows()))}
		if o.Slices != nil {
			if obj.slices, err = newSliceState(o, group); err != nil {
				return nil, err // unreachable: the windows were validated
			}
		}
		obj.unit = 1
		if o.Composite != nil {
			// No journey: its events come from its components' at the
			// drain.
			obj.unit = o.Composite.scale()
			*obj.tracker = Tracker{reg: r, o: obj}
			r.objs = append(r.objs, obj)
			continue
		}
		j := r.journeys[o.Journey]
		if j == nil {
			j = &Journey{name: o.Journey, reg: r}
			r.journeys[o.Journey] = j
		}
		j.targets = append(j.targets, target{series: s, latency: o.Latency})
		*obj.tracker = Tracker{reg: r, o: obj, j: j}
		j.timed = j.timed || o.Latency > 0
		j.objs = append(j.objs, obj)
		if len(j.objs) == 1 {
			r.all = append(r.all, j)
		}
		r.objs = append(r.objs, obj)
	}
	r.newRecent()
	r.overflow, _ = group.NewSeries()
	r.unmatched = &Journey{name: Unmatched, reg: r, targets: []target{{series: r.overflow}}}
	r.all = append(r.all, r.unmatched)
	for _, j := range r.all {
		for i, o := range j.objs {
			o.tracker.target = &j.targets[i] // now that targets moves no more
		}
		j.thresholds = thresholds(j.targets)
		for i := range j.targets {
			j.targets[i].rank = slices.Index(j.thresholds, j.targets[i].latency)
		}
		j.live = newLive(j.thresholds)
		j.scratch = make([]uint64, j.patterns())
	}
	r.feedComposites()
	for i, e := range cfg.exclusions {
		x, err := r.checkExclusion(e)
		if err != nil {
			errs = append(errs, fmt.Errorf("exclusion %d (%s): %w", i, cut(e.Reason), err))
			continue
		}
		r.excl = append(r.excl, x)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	r.exclMu.Lock()
	r.applyExclusions(now)
	r.exclMu.Unlock()
	if r.store != nil {
		r.restore = r.restoreSnapshot(now)
		if r.restore.Err != nil {
			r.report(r.restore.Err)
		} else if len(r.restore.Skipped) > 0 {
			r.report(fmt.Errorf("%w: %s: restored %d of %d objectives; %s", ErrSnapshot, storeName(r.store),
				len(r.restore.Objectives), len(r.objs), strings.Join(r.restore.Skipped, "; ")))
		}
		r.nextSnapshot = now.Add(r.snapshotEvery)
	}
	r.mu.Lock()
	r.evaluate(now)
	r.mu.Unlock()

	if r.store != nil {
		r.saver = &saver{store: r.store, timeout: r.storeTimeout, report: r.report}
	}
	if !cfg.manual {
		r.stop, r.done = make(chan struct{}), make(chan struct{})
		ticker := r.clock.Ticker(group.Tick())
		go r.rotate(ticker)
	}
	return r, nil
}

// rotate advances the registry at every tick until Close.
func (r *Registry) rotate(t *clock.Ticker) {
	defer close(r.done)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			// The tick's own time can be stale when ticks were dropped;
			// the clock's is not.
			r.advanceSafely(r.clock.Now())
		}
	}
}

// advanceSafely is Advance for the rotator: a panic from the library
// itself must not take the service down (the callbacks' own are recovered
// one by one). It is reported and the rotator goes on at the next tick; a
// rotator that keeps failing shows as Stalled.
func (r *Registry) advanceSafely(now time.Time) {
	r.advMu.Lock()
	defer r.advMu.Unlock()
	defer func() {
		if p := recover(); p != nil {
			r.report(fmt.Errorf("%w: the rotator recovered from a panic at %v: %v", ErrPanic, now.UTC().Format(time.RFC3339), p))
		}
	}()
	r.advance(now)
}

var (
	// ErrClosed is returned by [Registry.Advance] after [Registry.Close]:
	// the registry is frozen, not misconfigured.
	ErrClosed = errors.New("slo: registry closed")
	// ErrPanic is wrapped by the errors that report a recovered panic (see
	// [OnError]).
	ErrPanic = errors.New("slo: recovered panic")
)

// Close freezes the registry at its state at Close and stops its rotator.
//
// It waits for the rotator to return, then evaluates every objective a
// last time at the instant of the last advance, counting every event
// recorded before Close, and delivers that evaluation's transitions. With
// a store ([WithStore], [WithSnapshot]) it then waits for the save in
// flight, if any, saves the snapshot at Close and returns that save's
// error; each wait lasts at most the store's timeout (the snapshot period,
// at least 10 seconds), and a save still running after it makes Close
// return an error saying so, the snapshot at Close unsaved: a hung store
// delays Close by about twice the timeout at most.
//
// From then on the registry is frozen: events recorded through its
// journeys are counted nowhere, Advance returns [ErrClosed], and every
// reader (Status, Journey.Status, Unmatched, Tracker, Snapshot, the
// handlers and exporters built on them) reports the state at Close, so
// that a scrape during shutdown shows no counter move after it.
// Staleness keeps measuring from the last advance: a closed registry ends
// up stalled, which is what it is. Events recorded while Close runs may be
// counted or not.
//
// Close is safe to call more than once, from any goroutine but an
// OnTransition callback's (Close waits for the advance that runs it);
// later calls return the same error.
func (r *Registry) Close() error {
	r.closeOnce.Do(func() {
		if r.stop != nil {
			close(r.stop)
			<-r.done
		}
		f := r.freeze()
		// Readers and Snapshot, which report f now, need not wait for the
		// store.
		if r.saver != nil {
			r.closeErr = r.saver.finish(f.snapshot)
		}
	})
	return r.closeErr
}

// freeze evaluates a last time and stores the state every reader reports
// from then on, and returns it.
func (r *Registry) freeze() *frozen {
	r.advMu.Lock()
	defer r.advMu.Unlock()
	r.drain() // the events recorded since the last advance
	r.exclMu.Lock()
	r.applyExclusions(r.advanced)
	r.exclMu.Unlock()
	r.mu.Lock()
	at := r.advanced
	r.pending = r.evaluate(at)
	r.mu.Unlock()
	r.deliver(r.pending)
	f := &frozen{snapshot: r.takeSnapshot(r.latest()), burnDown: make(map[*objective][]BudgetPoint, len(r.objs))}
	// The unmatched counts come from the snapshot itself, so that the
	// two agree although writers may still be recording during Close.
	u := f.snapshot.Series[len(f.snapshot.Series)-1].Total
	f.unmatched[0], f.unmatched[1] = u.Good, u.Bad
	for _, o := range r.objs {
		f.burnDown[o] = r.burnDown(o, at, window.Counts{})
	}
	r.frozen.Store(f)
	return f
}

// frozen is what readers report after Close.
type frozen struct {
	unmatched [2]uint64
	burnDown  map[*objective][]BudgetPoint
	snapshot  Snapshot
}

// Generation returns the number of evaluations the registry has made: it
// moves at every advance (and at Close), and only then. A reader that
// combines several answers (a Status, then a Tracker's BurnDown) reads it
// before and after to know they are of one evaluation, and a cache of
// anything derived from the registry keys on it.
func (r *Registry) Generation() uint64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.gen
}

// Tick returns the registry's rotation step: the finest bucket width its
// objectives' windows need (3 s for the default 30-day policy).
func (r *Registry) Tick() time.Duration { return r.group.Tick() }

// Journey returns the handle that records events of the named journey,
// and true. A name no objective declares returns the [Unmatched] journey's
// handle and false: a name derived from a request (a route, a header, an
// RPC method) then counts once, in [Registry.Unmatched], and creates
// nothing new, while a name written in code or configuration is checked at
// setup:
//
//	checkout, ok := reg.Journey("checkout")
//	if !ok {
//		log.Fatalf("journey checkout is not declared; declared: %v", reg.Journeys())
//	}
//
// Resolve names once, at setup, and keep the handle: recording through it
// does no lookup.
func (r *Registry) Journey(name string) (*Journey, bool) {
	if j, ok := r.journeys[name]; ok {
		return j, true
	}
	return r.unmatched, false
}

// Journeys returns the names of the declared journeys, in the order their
// first objective was declared.
func (r *Registry) Journeys() []string {
	var out []string
	for _, o := range r.objs {
		if j := r.journeys[o.Journey]; j != nil && j.objs[0] == o {
			out = append(out, o.Journey)
		}
	}
	return out
}

// Objectives returns the registry's objectives with their defaults filled
// in, in declaration order.
func (r *Registry) Objectives() []Objective {
	out := make([]Objective, len(r.objs))
	for i, o := range r.objs {
		out[i] = o.Objective.clone()
	}
	return out
}

// Clock returns the clock the registry reads time from. Middleware measures
// latency with it, so that tests on a mock clock control latency too.
func (r *Registry) Clock() clock.Clock { return r.clock }

// latest returns the later of the clock's time and the last advance: with
// manual advance the caller's instants run ahead of the clock.
func (r *Registry) latest() time.Time {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if now := r.clock.Now(); now.After(r.advanced) {
		return now
	}
	return r.advanced
}

// stallTicks is how many ticks without an advance make a registry stalled.
const stallTicks = 10

// Staleness returns how long ago, by the registry's clock, the registry
// last advanced (negative when the clock has gone back since), and whether
// it has stalled: not advanced for ten ticks, its rotator stuck or, with
// [WithManualAdvance], nobody advancing it. Its states and budgets are then
// stale. A stall is the library's own malfunction, the one thing a health
// check should fail for. Both come from one reading of the clock, so that
// a report of both never contradicts itself.
func (r *Registry) Staleness() (lag time.Duration, stalled bool) {
	r.mu.RLock()
	lag = r.clock.Since(r.advanced)
	r.mu.RUnlock()
	return lag, lag > stallTicks*r.Tick()
}

// Unmatched returns the good and bad events recorded on undeclared
// journeys, up to the instant of the call; after Close, those recorded
// before it.
func (r *Registry) Unmatched() (good, bad uint64) {
	if f := r.frozen.Load(); f != nil {
		return f.unmatched[0], f.unmatched[1]
	}
	r.drainMu.Lock()
	defer r.drainMu.Unlock()
	good, bad = r.overflow.Total()
	g, b := r.unmatched.pending(&r.unmatched.targets[0])
	return good + g, bad + b
}

// Advance moves a registry built [WithManualAdvance] to now: it rotates the
// windows, evaluates every objective, delivers the transitions to the
// OnTransition callbacks and, when a snapshot is due, copies the counts
// for a save, which runs on a goroutine of its own (see [WithStore]):
// Advance does not wait for the store. Call it at least once per
// [Registry.Tick] of simulated time for transitions to be seen at bucket
// granularity.
//
// A registry that runs its own rotator refuses Advance with an error
// wrapping [ErrInvalid] and does nothing: instants from the caller would
// fight the rotator's clock (a jump ahead empties the windows, and the
// clock then lags behind them). Advance after Close returns [ErrClosed].
func (r *Registry) Advance(now time.Time) error {
	if !r.manual {
		return fmt.Errorf("%w: Advance(%v) on a registry that its rotator advances by its clock; build it WithManualAdvance to advance it yourself, or move its clock (clock.Mock.Add) to drive the rotator",
			ErrInvalid, now.UTC().Format(time.RFC3339Nano))
	}
	r.advMu.Lock()
	defer r.advMu.Unlock()
	if r.frozen.Load() != nil {
		return fmt.Errorf("%w: Advance(%v) after Close; the registry keeps its state at Close", ErrClosed, now.UTC().Format(time.RFC3339Nano))
	}
	r.advance(now)
	return nil
}

// advance is Advance without its checks, for Advance and the rotator. It
// requires advMu held.
func (r *Registry) advance(now time.Time) {
	r.drain()
	r.exclMu.Lock()
	r.applyExclusions(now)
	r.exclMu.Unlock()
	r.mu.Lock()
	r.countSlices(now)
	r.group.Advance(now)
	r.pending = r.evaluate(now)
	r.mu.Unlock()
	r.deliver(r.pending)
	if r.saver != nil {
		r.handOver(now)
	}
}

// deliver calls every OnTransition callback with each transition, in
// order. Each call recovers its own panic, so that one callback's bug costs
// neither the other callbacks, nor the later transitions, nor the snapshot
// due after them. It requires advMu held.
func (r *Registry) deliver(ts []Transition) {
	for _, t := range ts {
		for i, f := range r.callbacks {
			r.call(i, f, t)
		}
	}
}

func (r *Registry) call(i int, f func(Transition), t Transition) {
	defer func() {
		if p := recover(); p != nil {
			r.report(fmt.Errorf("%w: OnTransition callback %d panicked on %s %v -> %v at %v: %v", ErrPanic, i,
				ObjectiveKey(t.Status.Journey, t.Status.Objective), t.From, t.To, t.Status.Time.UTC().Format(time.RFC3339), p))
		}
	}()
	f(t)
}

// evaluate evaluates every objective at now and returns the transitions,
// appended to r.pending[:0]. It requires advMu held, or no other goroutine,
// and mu held for writing.
func (r *Registry) evaluate(now time.Time) []Transition {
	out := r.pending[:0]
	prev := r.advanced
	r.advanced = now
	r.gen++
	for _, o := range r.objs {
		from := o.state
		g0, b0 := o.totG, o.totB
		if o.tracker.j != nil { // a composite has no journey of its own
			o.totX = o.tracker.j.excluded.Load()
		}
		src := o.source()
		o.Policy.Evaluate(src, o.Target, &o.eval)
		if o.Calendar != nil {
			o.good, o.bad = o.calendarSums(now)
		} else {
			o.good, o.bad = src.Sum(o.Period)
		}
		o.totG, o.totB = o.totals()
		// The totals' moves are exactly the events this evaluation counts,
		// with no double counting across rotation.
		dg, db := float64(o.totG-g0), float64(o.totB-b0)
		if o.slices != nil {
			dg, db = o.slices.moved() // an episode of slices counts slices
		}
		o.track(prev, now, from, dg, db)
		if o.eval.State == from {
			continue
		}
		o.state, o.since = o.eval.State, now
		if len(r.callbacks) > 0 {
			out = append(out, Transition{From: from, To: o.state, Status: o.status(now)})
		}
	}
	r.sampleRecent(now)
	return out
}

// Status returns the state of every objective at the last advance, in
// declaration order.
func (r *Registry) Status() []Status {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Status, len(r.objs))
	for i, o := range r.objs {
		out[i] = o.status(r.advanced)
	}
	return out
}

// A Journey records the events of one user journey for each of its
// objectives. Get one from [Registry.Journey], once, at setup; its zero
// value is not usable.
// Recording is safe for concurrent use and costs one atomic add whatever
// the number of objectives: no lock, no clock read, no lookup, no
// allocation. The registry moves the events into every objective's windows
// at its next advance, which is when [Registry.Status] and [Journey.Status]
// count them.
type Journey struct {
	// The record path reads these two, fixed at New, and adds to one
	// counter of live.
	live       []atomic.Uint64 // events since the last drain, per pattern (see patBad)
	thresholds []time.Duration // the objectives' distinct latency thresholds, ascending
	// off is set while a planned exclusion covers the journey: the
	// record path then adds to excluded alone. Both are read with one
	// atomic load each; the advance sets off (see applyExclusions).
	off      atomic.Bool
	excluded atomic.Uint64 // events recorded while off, since New

	// Guarded by Registry.exclMu: how much of excluded has been
	// credited to an exclusion's log entry, the entry that gets the
	// rest, and the one being worked out.
	exclSeen          uint64
	exclSpan, exclNow *exclusionSpan

	name    string
	reg     *Registry
	targets []target
	objs    []*objective
	timed   bool     // some target judges latency; fixed at New
	scratch []uint64 // one swapped value per pattern; guarded by Registry.drainMu
}

type target struct {
	series  *window.Series
	feeds   []feed        // the composites this target's objective weighs into
	latency time.Duration // 0 for an availability objective
	rank    int           // index of latency in Journey.thresholds; -1 for availability
}

// NeedsLatency reports whether any objective of the journey judges
// latency, that is whether Observe's latency argument matters.
func (j *Journey) NeedsLatency() bool { return j.timed }

// Name returns the journey's name ([Unmatched] for undeclared journeys).
func (j *Journey) Name() string { return j.name }

// Record records one event: bad, or good. Latency objectives count a good
// event as fast enough; use Observe to have its latency judged.
func (j *Journey) Record(bad bool) {
	p := patFast
	if bad {
		p = patBad
	}
	j.count(p)
}

// count records one event of pattern p, or one excluded event while a
// planned exclusion is in force: the one place the event path reads the
// exclusion flag.
func (j *Journey) count(p int) {
	if j.off.Load() {
		j.excluded.Add(1)
		return
	}
	j.live[p].Add(1)
}

// Observe records one event that took latency: bad for every objective when
// bad, and bad for a latency objective when slower than its threshold.
func (j *Journey) Observe(latency time.Duration, bad bool) {
	p := patBad
	if !bad {
		// One pattern per threshold exceeded: the thresholds ascend, so
		// the first one not exceeded ends the count.
		p = patFast
		for _, t := range j.thresholds {
			if latency <= t {
				break
			}
			p++
		}
	}
	j.count(p)
}

// Add records good and bad events at once, as Record would one by one.
func (j *Journey) Add(good, bad uint64) {
	if j.off.Load() {
		if good+bad != 0 {
			j.excluded.Add(good + bad)
		}
		return
	}
	if good != 0 {
		j.live[patFast].Add(good)
	}
	if bad != 0 {
		j.live[patBad].Add(bad)
	}
}

// Status returns the state of the journey's objectives at the last advance,
// in declaration order; none for [Unmatched].
func (j *Journey) Status() []Status {
	j.reg.mu.RLock()
	defer j.reg.mu.RUnlock()
	out := make([]Status, len(j.objs))
	for i, o := range j.objs {
		out[i] = o.status(j.reg.advanced)
	}
	return out
}

// objectiveBlock holds the memory of a registry's objectives, allocated at
// once: their structs, their handles, and the scratch of their
// evaluations and episode logs, each objective's a part of a block.
type objectiveBlock struct {
	objs     []objective
	trackers []Tracker
	burns    []burnrate.Burn
	rules    []burnrate.RuleState
	peaks    []float64
}

func newObjectiveBlock(objs []Objective) *objectiveBlock {
	windows, rules := 0, 0
	for _, o := range objs {
		windows += len(o.Policy.Windows())
		rules += len(o.Policy.Rules)
	}
	return &objectiveBlock{objs: make([]objective, len(objs)), trackers: make([]Tracker, len(objs)),
		burns: make([]burnrate.Burn, windows), rules: make([]burnrate.RuleState, rules), peaks: make([]float64, windows)}
}

// objective returns the struct of objective i, its tracker pointed to.
func (b *objectiveBlock) objective(i int) *objective {
	o := &b.objs[i]
	o.tracker = &b.trackers[i]
	return o
}

// evaluation returns an Evaluation whose Windows and Rules have room for
// o's policy, so that Evaluate lays them out in place.
func (b *objectiveBlock) evaluation(o Objective) burnrate.Evaluation {
	w, n := len(o.Policy.Windows()), len(o.Policy.Rules)
	e := burnrate.Evaluation{Windows: b.burns[:0:w], Rules: b.rules[:0:n]}
	b.burns, b.rules = b.burns[w:], b.rules[n:]
	return e
}

// peak returns the scratch of an episode log's peaks over n windows.
func (b *objectiveBlock) peak(n int) []float64 {
	f := b.peaks[:n:n]
	b.peaks = b.peaks[n:]
	return f
}

package slo

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/journeyslo/journeyslo/internal/rrule"
)

// An Exclusion is a planned stretch of time, a maintenance window or a
// planned event, during which the events of its journeys count neither
// good nor bad: they are counted apart, as excluded (see
// [Journey.Excluded]), in every window of every objective of those
// journeys. It is known ahead: declare it with [WithExclusions] or, at run
// time, with [Registry.Exclude].
//
// An exclusion is applied at the registry's advances: the advance at or
// after its start sets it, the advance at or after its end lifts it, so
// that its edges are exact to one [Registry.Tick] (3 s for the default
// policy) and the event path reads no clock.
//
// Past data is never corrected: the windows hold counts, not events with
// their instants, and the exported counters only grow, so an exclusion
// covers the events recorded while it is in force and none before it was
// declared. See the package doc, "Planned exclusions".
type Exclusion struct {
	// Reason says why, for the review, the episode log and the page:
	// "database upgrade", "Black Friday load test". Required, at most
	// MaxExclusionReason bytes.
	Reason string
	// Start is when the exclusion (its first occurrence, with a Rule)
	// begins. With a Rule it is the rule's DTSTART, read in Start's own
	// zone, which must be a named zone (time.LoadLocation) or UTC, and a
	// whole second.
	Start time.Time
	// Duration is how long each occurrence lasts, more than zero and at
	// most MaxExclusionDuration.
	Duration time.Duration
	// Rule, optional, makes the exclusion recur: an RFC 5545 RRULE value
	// such as "FREQ=WEEKLY;BYDAY=SU;COUNT=10" (FREQ DAILY, WEEKLY or
	// MONTHLY, INTERVAL, BYDAY, COUNT, UNTIL). Occurrences keep Start's
	// wall-clock time in its zone across daylight saving changes. Empty
	// for a one-off exclusion.
	Rule string
	// Journeys names the journeys it covers; empty for every journey of
	// the registry.
	Journeys []string
}

// Bounds of an Exclusion.
const (
	// MaxExclusionReason is the longest Reason, in bytes.
	MaxExclusionReason = 200
	// MaxExclusionDuration is the longest Duration: a year.
	MaxExclusionDuration = 366 * 24 * time.Hour
	// MaxExclusionLog is how many applied occurrences the registry keeps
	// (see [Registry.ExclusionLog]); the oldest go first.
	MaxExclusionLog = 1000
)

// Validate reports every problem of e in one error wrapping [ErrInvalid],
// each saying what is wrong and what would be right. It does not know the
// registry's journeys: [WithExclusions] and [Registry.Exclude] check
// those too.
func (e Exclusion) Validate() error {
	_, err := e.parse()
	return err
}

// parse validates e and returns its rule (zero without one).
func (e Exclusion) parse() (rrule.Rule, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...))
	}
	switch r := strings.TrimSpace(e.Reason); {
	case r == "":
		bad("exclusion has no Reason; say why, such as \"database upgrade\"")
	case len(e.Reason) > MaxExclusionReason:
		bad("exclusion Reason is %d bytes, more than %d; shorten it", len(e.Reason), MaxExclusionReason)
	}
	if e.Start.IsZero() || e.Start.Year() < 2000 || e.Start.Year() > 2200 {
		bad("exclusion Start %s: give its start, between the years 2000 and 2200, in its zone", e.Start.Format(time.RFC3339))
	}
	if e.Duration <= 0 || e.Duration > MaxExclusionDuration {
		bad("exclusion Duration %v: use more than 0 and at most %v, such as 2h", e.Duration, MaxExclusionDuration)
	}
	seen := map[string]bool{}
	for _, j := range e.Journeys {
		switch {
		case j == "":
			bad("exclusion names an empty journey; name declared journeys, or none for every journey")
		case seen[j]:
			bad("exclusion names journey %q twice; name it once", cut(j))
		}
		seen[j] = true
	}
	var rule rrule.Rule
	if e.Rule != "" && len(errs) == 0 {
		r, err := e.rule()
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: exclusion Rule: %w", ErrInvalid, err))
		}
		rule = r
	}
	return rule, errors.Join(errs...)
}

// rule parses e.Rule with e.Start as its DTSTART.
func (e Exclusion) rule() (rrule.Rule, error) {
	if strings.ContainsAny(e.Rule, "\r\n") || strings.HasPrefix(e.Rule, "RRULE:") || strings.Contains(e.Rule, "DTSTART") {
		return rrule.Rule{}, fmt.Errorf("%q: give the RRULE value alone, such as FREQ=WEEKLY;BYDAY=SU;COUNT=10: Start is its DTSTART", cut(e.Rule))
	}
	if e.Start.Nanosecond() != 0 {
		return rrule.Rule{}, fmt.Errorf("Start %s is not a whole second; a recurring exclusion starts on one", e.Start.Format(time.RFC3339Nano))
	}
	loc := e.Start.Location()
	var dtstart string
	switch {
	case loc == time.UTC:
		dtstart = "DTSTART:" + e.Start.UTC().Format("20060102T150405Z")
	case loc == time.Local || loc.String() == "" || loc.String() == "Local":
		return rrule.Rule{}, fmt.Errorf("Start is in the local zone, whose rules depend on the host; give it a named zone, such as time.LoadLocation(\"Europe/Paris\"), or UTC")
	default:
		dtstart = "DTSTART;TZID=" + loc.String() + ":" + e.Start.Format("20060102T150405")
	}
	r, err := rrule.Parse(dtstart + "\nRRULE:" + e.Rule)
	if err != nil {
		return rrule.Rule{}, err
	}
	if !r.Start.Equal(e.Start) {
		return rrule.Rule{}, fmt.Errorf("Start %s is a wall-clock time its zone skips or repeats; start at one it has once", e.Start.Format(time.RFC3339))
	}
	return r, nil
}

// WithExclusions declares the registry's planned exclusions. New reports
// every invalid one, and any that names a journey no objective declares,
// with its index. An exclusion wholly in the past is kept and does
// nothing, so that a configuration may keep its history. The default is
// none.
func WithExclusions(e ...Exclusion) Option {
	return func(cfg *config) { cfg.exclusions = append(cfg.exclusions, e...) }
}

// exclusion is an Exclusion as the registry applies it. Guarded by
// Registry.exclMu.
type exclusion struct {
	Exclusion
	rule     rrule.Rule
	hasRule  bool
	journeys []*Journey // those it covers

	// The occurrence in force or next, as of checked: it is in force
	// from start to end; next is when to work it out again.
	checked, start, end, next time.Time
	active                    bool
	span                      *exclusionSpan // the log's entry of the occurrence in force; nil when none
}

// exclusionSpan is one applied occurrence in the log.
type exclusionSpan struct {
	ExclusionSpan
	journeys []*Journey
}

// An ExclusionSpan is one occurrence of an exclusion as the registry
// applied it: the events it removed from the objectives of its journeys.
type ExclusionSpan struct {
	// Reason is the exclusion's.
	Reason string `json:"reason" yaml:"reason"`
	// Start and End are the occurrence's, as declared; the registry
	// applied it from the first advance at or after Start to the first at
	// or after End.
	Start time.Time `json:"start" yaml:"start"`
	End   time.Time `json:"end" yaml:"end"`
	// Journeys are the journeys it covered, in declaration order, and
	// Removed the events it counted as excluded on each, by index.
	Journeys []string `json:"journeys" yaml:"journeys"`
	Removed  []uint64 `json:"removed" yaml:"removed"`
}

// Total returns the events the span removed over all its journeys.
func (s ExclusionSpan) Total() uint64 {
	var n uint64
	for _, v := range s.Removed {
		n += v
	}
	return n
}

// checkExclusion validates e against the registry's journeys.
func (r *Registry) checkExclusion(e Exclusion) (*exclusion, error) {
	rule, err := e.parse()
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	x := &exclusion{Exclusion: e, rule: rule, hasRule: e.Rule != ""}
	x.Journeys = slices.Clone(e.Journeys)
	if len(e.Journeys) == 0 {
		x.journeys = slices.Clone(r.all[:len(r.all)-1]) // every declared journey
	}
	for _, name := range e.Journeys {
		j, ok := r.journeys[name]
		if !ok {
			errs = append(errs, fmt.Errorf("%w: exclusion names journey %q, which no objective declares; declared: %s", ErrInvalid, cut(name), strings.Join(r.Journeys(), ", ")))
			continue
		}
		x.journeys = append(x.journeys, j)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return x, nil
}

// Exclude declares a planned exclusion at run time, such as one an
// operator starts before a maintenance: it is in force from now if it has
// begun, and at the advances when it has. It refuses an invalid exclusion,
// one that names an undeclared journey, and one that has already ended
// (the past cannot be corrected: the windows hold no instants of events),
// with an error wrapping [ErrInvalid]; after Close it returns [ErrClosed].
func (r *Registry) Exclude(e Exclusion) error {
	x, err := r.checkExclusion(e)
	if err != nil {
		return fmt.Errorf("slo: Exclude: %w", err)
	}
	if r.frozen.Load() != nil {
		return fmt.Errorf("%w: Exclude after Close", ErrClosed)
	}
	now := r.latest()
	if !x.hasRule && !e.Start.Add(e.Duration).After(now) {
		return fmt.Errorf("slo: Exclude: %w: exclusion %q ended at %s, before now (%s): an exclusion covers events recorded while it is in force, never past ones; declare it before or while it runs",
			ErrInvalid, cut(e.Reason), e.Start.Add(e.Duration).Format(time.RFC3339), now.Format(time.RFC3339))
	}
	r.exclMu.Lock()
	defer r.exclMu.Unlock()
	r.excl = append(r.excl, x)
	r.applyExclusions(now)
	return nil
}

// Exclusions returns the exclusions of the registry, declared and added,
// in order.
func (r *Registry) Exclusions() []Exclusion {
	r.exclMu.Lock()
	defer r.exclMu.Unlock()
	out := make([]Exclusion, len(r.excl))
	for i, x := range r.excl {
		out[i] = x.Exclusion
		out[i].Journeys = slices.Clone(x.Journeys)
	}
	return out
}

// ExclusionLog returns the occurrences of exclusions the registry has
// applied, oldest first, the one in force last with the events removed so
// far (at the last advance); at most [MaxExclusionLog].
func (r *Registry) ExclusionLog() []ExclusionSpan {
	r.exclMu.Lock()
	defer r.exclMu.Unlock()
	out := make([]ExclusionSpan, len(r.exclLog))
	for i, s := range r.exclLog {
		out[i] = s.ExclusionSpan
		out[i].Journeys = slices.Clone(s.Journeys)
		out[i].Removed = slices.Clone(s.Removed)
	}
	return out
}

// A PlannedExclusion is an occurrence of an exclusion in force or to come.
type PlannedExclusion struct {
	Reason     string
	Start, End time.Time
	// Journeys are those it covers; empty for every journey.
	Journeys []string
	// Active is true when it is in force.
	Active bool
}

// NextExclusions returns the occurrences in force at the last advance and
// those starting within the following horizon, ordered by start, one per
// exclusion at most: what a status page shows ahead.
func (r *Registry) NextExclusions(horizon time.Duration) []PlannedExclusion {
	r.mu.RLock()
	now := r.advanced
	r.mu.RUnlock()
	r.exclMu.Lock()
	defer r.exclMu.Unlock()
	var out []PlannedExclusion
	for _, x := range r.excl {
		p := PlannedExclusion{Reason: x.Reason, Journeys: slices.Clone(x.Journeys)}
		start, end, ok := x.occurrence(now, now.Add(horizon))
		if !ok {
			continue
		}
		p.Start, p.End, p.Active = start, end, !start.After(now)
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b PlannedExclusion) int { return a.Start.Compare(b.Start) })
	return out
}

// occurrence returns x's occurrence in force at now, or else its first
// starting after now and before until.
func (x *exclusion) occurrence(now, until time.Time) (start, end time.Time, ok bool) {
	if !x.hasRule {
		s, e := x.Start, x.Start.Add(x.Duration)
		if e.After(now) && s.Before(until) {
			return s, e, true
		}
		return time.Time{}, time.Time{}, false
	}
	// The latest occurrence starting in (now-Duration, now] is in force.
	if in, _ := x.rule.Between(now.Add(-x.Duration+1), now.Add(1)); len(in) > 0 {
		s := in[len(in)-1]
		return s, s.Add(x.Duration), true
	}
	if next, _ := x.rule.Between(now.Add(1), until); len(next) > 0 {
		return next[0], next[0].Add(x.Duration), true
	}
	return time.Time{}, time.Time{}, false
}

// recheckHorizon is how far ahead a recurring exclusion looks for its next
// occurrence; with none found, it looks again that much later.
const recheckHorizon = 32 * 24 * time.Hour

// applyExclusions works out which exclusions are in force at now, opens a
// log entry for each new occurrence, credits the events each journey
// counted as excluded since the last call to the occurrence that was in
// force, and sets every journey's flag. It requires exclMu held.
func (r *Registry) applyExclusions(now time.Time) {
	if len(r.excl) == 0 {
		return
	}
	// Credit first, to the occurrences in force until now.
	for _, j := range r.all {
		if n := j.excluded.Load(); n != j.exclSeen {
			if s := j.exclSpan; s != nil {
				if i := slices.Index(s.journeys, j); i >= 0 {
					s.Removed[i] += n - j.exclSeen
				}
			}
			j.exclSeen = n
		}
		j.exclNow = nil
	}
	for _, x := range r.excl {
		if x.checked.IsZero() || now.Before(x.checked) || !now.Before(x.next) {
			x.recheck(now)
		}
		if !x.active {
			x.span = nil
			continue
		}
		if x.span == nil || !x.span.Start.Equal(x.start) {
			x.span = &exclusionSpan{ExclusionSpan: ExclusionSpan{Reason: x.Reason, Start: x.start, End: x.end,
				Removed: make([]uint64, len(x.journeys))}, journeys: x.journeys}
			for _, j := range x.journeys {
				x.span.Journeys = append(x.span.Journeys, j.name)
			}
			if len(r.exclLog) == MaxExclusionLog {
				r.exclLog = slices.Delete(r.exclLog, 0, 1)
			}
			r.exclLog = append(r.exclLog, x.span)
		}
		for _, j := range x.journeys {
			if j.exclNow == nil { // the first exclusion in force gets the events
				j.exclNow = x.span
			}
		}
	}
	for _, j := range r.all {
		if j.exclNow != nil {
			j.exclSpan = j.exclNow
		}
		// A journey whose exclusion ended keeps exclSpan, so that events
		// that saw the flag still set are credited to it.
		j.off.Store(j.exclNow != nil)
	}
}

// recheck works out x's occurrence at now and when to look again.
func (x *exclusion) recheck(now time.Time) {
	x.checked = now
	if !x.hasRule {
		end := x.Start.Add(x.Duration)
		switch {
		case now.Before(x.Start):
			x.active, x.next = false, x.Start
		case now.Before(end):
			x.active, x.start, x.end, x.next = true, x.Start, end, end
		default:
			x.active, x.next = false, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC) // never again
		}
		return
	}
	start, end, ok := x.occurrence(now, now.Add(recheckHorizon))
	switch {
	case !ok:
		x.active = false
		x.next = now.Add(recheckHorizon)
	case start.After(now):
		x.active, x.next = false, start
	default:
		x.active, x.start, x.end = true, start, end
		x.next = end
		if x.hasRule { // an overlapping occurrence may start before end
			if nx, _ := x.rule.Between(now.Add(1), end); len(nx) > 0 {
				x.next = nx[0]
			}
		}
	}
}

// exclState is what a registry keeps of its exclusions.
type exclState struct {
	exclMu  sync.Mutex
	excl    []*exclusion     // guarded by exclMu
	exclLog []*exclusionSpan // guarded by exclMu
}

// Excluded returns the events recorded on the journey while a planned
// exclusion covered it, since New: counted neither good nor bad.
func (j *Journey) Excluded() uint64 { return j.excluded.Load() }

package slo

// A Tracker is the registry's handle on one of its objectives: its status,
// the burn-down of its budget, its recent burn, its episodes and its
// outlook. Get one from [Registry.Tracker] (by journey and name) or
// [Registry.Trackers] (every objective), once, and keep it: its methods do
// no lookup. Each method's answer is of one evaluation. A Tracker is safe
// for concurrent use; its zero value is not usable.
type Tracker struct {
	reg    *Registry
	o      *objective
	j      *Journey
	target *target // o's target in j
}

// Tracker returns the handle of the journey's objective of the given name
// (Objective.Name: "availability", "latency" or the name it was given),
// and true; nil and false when the registry declares no such objective.
func (r *Registry) Tracker(journey, objective string) (*Tracker, bool) {
	j, ok := r.journeys[journey]
	if !ok {
		// A composite's journey names a whole, which records nothing.
		for _, o := range r.objs {
			if o.Composite != nil && o.Journey == journey && o.Name == objective {
				return o.tracker, true
			}
		}
		return nil, false
	}
	for _, o := range j.objs {
		if o.Name == objective {
			return o.tracker, true
		}
	}
	return nil, false
}

// Trackers returns the handles of every objective, in declaration order.
func (r *Registry) Trackers() []*Tracker {
	out := make([]*Tracker, len(r.objs))
	for i, o := range r.objs {
		out[i] = o.tracker
	}
	return out
}

// Objective returns the objective with its defaults filled in, as
// [Registry.Objectives] has it.
func (t *Tracker) Objective() Objective { return t.o.Objective.clone() }

// Status returns the objective's state at the last advance.
func (t *Tracker) Status() Status {
	t.reg.mu.RLock()
	defer t.reg.mu.RUnlock()
	return t.o.status(t.reg.advanced)
}

// Episodes returns the episodes the registry keeps of the objective, oldest
// first; the open one has a zero End and its figures as of the last
// evaluation.
func (t *Tracker) Episodes() []Episode {
	t.reg.mu.RLock()
	defer t.reg.mu.RUnlock()
	return episodesOf([]*objective{t.o})
}

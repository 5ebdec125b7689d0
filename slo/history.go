package slo

import "time"

// A History is one objective's Status with the past a status page draws
// beside it: the budget's burn-down over the period, the recent burn of
// its policy's windows and its episodes. A registry has each from its
// Tracker ([Tracker.Status], [Tracker.BurnDown], [Tracker.Recent],
// [Tracker.Episodes]); a reader of the fleet's series (slo/slofleet)
// makes one per objective from Prometheus, so that a status page can
// draw the fleet as it draws a replica. It is a plain value; its zero
// value has no history.
type History struct {
	Status Status
	// Group holds the values of the objective's GroupBy labels of the
	// group whose figures these are, by label name: a grouped objective
	// read from a fleet is judged once per group, and its Status, and so
	// its History, are those of its worst group. It is nil for an
	// objective without GroupBy and for a registry's history.
	Group map[string]string
	// BurnDown is the budget remaining at the end of each bucket of the
	// period, oldest first; its last point is the Status's
	// BudgetRemaining.
	BurnDown []BudgetPoint
	// Recent is the burn of the policy's windows over the last hours,
	// oldest first.
	Recent []RecentPoint
	// Episodes are the objective's episodes over its period, oldest first,
	// an open one last.
	Episodes []Episode
}

// ReviewHistory returns the review of the objectives of hs over each one's
// period up to at, from their Status's events and their episodes, as
// [Registry.Review] reviews a registry's: the review of a fleet, whose
// objectives and episodes come from elsewhere than a registry. The
// definitions of objectives are taken from the Status (target, period,
// guard); the options and the errors are Review's.
func ReviewHistory(hs []History, at time.Time, opts ...ReviewOption) (Review, error) {
	settings, err := reviewSettings(opts)
	if err != nil {
		return Review{}, err
	}
	rv := Review{Time: at, Options: settings, Objectives: make([]ObjectiveReview, len(hs))}
	for i, h := range hs {
		st := h.Status
		o := Objective{Journey: st.Journey, Name: st.Objective, Target: st.Target, Period: st.Period}
		o.Policy.MinEvents = st.MinEvents
		rv.Objectives[i] = reviewOf(o, float64(st.Good), float64(st.Bad), h.Episodes, at, settings)
	}
	return rv, nil
}

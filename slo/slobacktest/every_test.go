package slobacktest_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// A replay that evaluates once a minute, as a rule engine with a one-minute
// evaluation interval does, over one-minute samples: 1000 events a minute
// and a 36-minute full outage from w. Each minute's events count in the
// buckets where the minute begins, so at an evaluation t a window of n
// minutes holds exactly the n minutes before t:
//
//   - the objective's page-1h-5m fires at the first evaluation at or after
//     the closed form 0.001 x 14.4 x 1h / 1 = 51.84 s: w + 1m (the replay
//     at every tick finds 54 s);
//   - after the outage, x whole minutes later, page-6h-30m's 30m window
//     holds 30 - x outage minutes, a burn of (30 - x)/30 x 1000, under 6
//     only at x = 30: the page resets 30m after the end (29m51s at every
//     tick); page-1h-5m's 5m window is clear at x = 5.
//
// Every event is counted once either way, and every state changes on a
// minute.
func TestEveryMinute(t *testing.T) {
	var traffic []slobacktest.Sample
	for at := t0.Add(time.Minute); !at.After(w.Add(8 * time.Hour)); at = at.Add(time.Minute) {
		s := slobacktest.Sample{Time: at, Journey: "checkout", Good: 1000}
		if at.After(w) && !at.After(w.Add(36*time.Minute)) {
			s.Good, s.Bad = 0, 1000
		}
		traffic = append(traffic, s)
	}
	inc := slobacktest.Incident{Journey: "checkout", Start: w, Duration: 36 * time.Minute, ErrorRatio: 1}
	cfg := slobacktest.Config{Objective: slo.Objective{Journey: "checkout", Target: 0.999}, Incidents: []slobacktest.Incident{inc}}
	fine, err := slobacktest.Run(traffic, []slobacktest.Config{cfg})
	if err != nil {
		t.Fatal(err)
	}
	coarse, err := slobacktest.Run(traffic, []slobacktest.Config{cfg}, slobacktest.WithEvery(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if coarse.Tick != 3*time.Second || coarse.Every != time.Minute || fine.Every != 3*time.Second {
		t.Fatalf("tick %v, every %v (every tick: %v); want 3s, 1m, 3s", coarse.Tick, coarse.Every, fine.Every)
	}
	f, c := fine.Objectives[0], coarse.Objectives[0]
	if f.Good != c.Good || f.Bad != c.Bad || c.Bad != 36000 {
		t.Errorf("events: every tick %d good %d bad, every minute %d good %d bad; want the same, 36000 bad", f.Good, f.Bad, c.Good, c.Bad)
	}
	for i, p := range c.Policies {
		for _, s := range p.Spans[1:] {
			if !s.Start.Equal(s.Start.Truncate(time.Minute)) {
				t.Errorf("%s: a state changes at %v, off the minute", p.Name, s.Start)
			}
		}
		if p.Name != slobacktest.ObjectivePolicy {
			continue
		}
		d, fd := p.Detections[0], f.Policies[i].Detections[0]
		if !d.Detected || d.Detection != time.Minute || !d.Cleared || d.Reset != 30*time.Minute {
			t.Errorf("every minute: detected %v after %v, cleared %v after %v; want after 1m and 30m", d.Detected, d.Detection, d.Cleared, d.Reset)
		}
		if fd.Detection != 54*time.Second || fd.Reset != 29*time.Minute+51*time.Second {
			t.Errorf("every tick: detected after %v, cleared after %v; want 54s and 29m51s", fd.Detection, fd.Reset)
		}
	}

	// A step that is not whole ticks.
	for _, every := range []time.Duration{7 * time.Second, -time.Minute} {
		_, err := slobacktest.Run(traffic, []slobacktest.Config{cfg}, slobacktest.WithEvery(every))
		want := fmt.Sprintf("slobacktest: evaluating every %v: not a positive multiple of the registry's tick 3s; use a multiple such as 1m0s, or evaluate every tick", every)
		if !errors.Is(err, slo.ErrInvalid) || err == nil || err.Error() != want {
			t.Errorf("WithEvery(%v): %v, want %s", every, err, want)
		}
	}
}

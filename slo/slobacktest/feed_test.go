package slobacktest_test

import (
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// A Feed records into a registry exactly the events Samples counts, its
// slow ones judged by the latency objective, however finely it is moved.
func TestFeed(t *testing.T) {
	start := fixture.Start
	sc := slobacktest.Scenario{
		Journey: "search", Start: start, Length: 6 * time.Hour, Rate: 7.3, Diurnal: 0.5,
		ErrorRatio: 0.001, Slow: 0.02, SlowLatency: 800 * time.Millisecond,
		Incidents: []slobacktest.Incident{
			{Start: start.Add(time.Hour), Duration: 20 * time.Minute, ErrorRatio: 0.25},
			{Start: start.Add(3 * time.Hour), Duration: 90 * time.Minute, ErrorRatio: 0.001, Slow: 0.8},
		},
	}
	samples, err := sc.Samples()
	if err != nil {
		t.Fatal(err)
	}
	var good, bad uint64
	for _, s := range samples {
		good, bad = good+s.Good, bad+s.Bad
	}
	f := fixture.New(t,
		slo.Objective{Journey: "search", Target: 0.99},
		slo.Objective{Journey: "search", Target: 0.95, Latency: 300 * time.Millisecond})
	feed, err := sc.Feed(fixture.Journey(f.Reg, "search"))
	if err != nil {
		t.Fatal(err)
	}
	// Steps of 7 seconds, which divide neither a minute nor the length,
	// and past the end, where nothing more is recorded.
	for at := start; !at.After(sc.End().Add(time.Hour)); at = at.Add(7 * time.Second) {
		feed.To(at)
		f.Reg.Advance(at)
	}
	feed.To(sc.End()) // again: nothing more
	f.Reg.Advance(sc.End().Add(2 * time.Hour))
	avail, latency := fixture.Tracker(f.Reg, "search", "availability").Status(), fixture.Tracker(f.Reg, "search", "latency").Status()
	if avail.TotalGood != good || avail.TotalBad != bad {
		t.Errorf("availability counted %d good and %d bad, want the samples' %d and %d", avail.TotalGood, avail.TotalBad, good, bad)
	}
	// The latency objective counts the same events, the slow ones bad
	// too: 2% of the good ones outside the second incident, 80% inside it.
	slow := latency.TotalBad - bad
	if latency.TotalGood+latency.TotalBad != good+bad {
		t.Errorf("latency counted %d good and %d bad, want %d events", latency.TotalGood, latency.TotalBad, good+bad)
	}
	// The slow events are the integral: the rate times the shares, to the
	// event. 90 minutes at 80% slow of the 99.9% good, and 4.5 hours at 2%,
	// of a diurnal rate whose integral the samples hold.
	var during, outside float64
	for _, s := range samples {
		n := float64(s.Good + s.Bad)
		if !s.Time.After(start.Add(3*time.Hour)) || s.Time.After(start.Add(4*time.Hour+30*time.Minute)) {
			outside += n
		} else {
			during += n
		}
	}
	want := 0.8*0.999*during + 0.02*outside // close to, not exactly: the incident's error ratio differs outside
	if diff := float64(slow) - want; diff < -0.005*want || diff > 0.005*want {
		t.Errorf("%d slow events, want about %.0f", slow, want)
	}
}

// A Feed refuses what Validate refuses, and slow events need a latency.
func TestFeedRefuses(t *testing.T) {
	f := fixture.New(t, slo.Objective{Journey: "search", Target: 0.99})
	sc := slobacktest.Scenario{Journey: "search", Start: fixture.Start, Length: time.Hour, Rate: 1, Slow: 0.1}
	_, err := sc.Feed(fixture.Journey(f.Reg, "search"))
	if want := "slobacktest: Scenario: SlowLatency is missing; the scenario has slow events, so say how long one takes, such as 800ms"; err == nil || err.Error() != want {
		t.Errorf("Feed of slow events without a latency = %v, want %s", err, want)
	}
}

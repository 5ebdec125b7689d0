package slobacktest_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// perMinute is a rate of n events a minute, as events a second.
func perMinute(n float64) float64 { return n / 60 }

// minutes returns the samples of journey checkout at every minute from mar1+1m
// to mar1+n minutes, each with the counts that counts gives for its minute
// (1 for the minute that ends at mar1+1m).
func minutes(n int, counts func(minute int) (good, bad uint64)) []slobacktest.Sample {
	out := make([]slobacktest.Sample, n)
	for i := range out {
		g, b := counts(i + 1)
		out[i] = slobacktest.Sample{Time: mar1.Add(time.Duration(i+1) * time.Minute), Journey: "checkout", Good: g, Bad: b}
	}
	return out
}

// TestScenarioSteadyOutage is a steady hour at 1000 events a minute with a
// 12-minute full outage from 00:20: the minutes that end at 00:21 to 00:32
// are all bad, the others all good.
func TestScenarioSteadyOutage(t *testing.T) {
	s := slobacktest.Scenario{
		Journey: "checkout", Start: mar1, Length: time.Hour, Rate: perMinute(1000),
		Incidents: []slobacktest.Incident{{Start: mar1.Add(20 * time.Minute), Duration: 12 * time.Minute, ErrorRatio: 1}},
	}
	got, err := s.Samples()
	if err != nil {
		t.Fatal(err)
	}
	want := minutes(60, func(m int) (uint64, uint64) {
		if m > 20 && m <= 32 {
			return 0, 1000
		}
		return 1000, 0
	})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Samples() (-want +got):\n%s", diff)
	}
}

// TestScenarioMidStepEdges moves the outage 30 s later, onto a background
// of 0.2% errors (2 of the 1000 events a minute). The minute ending 00:21
// holds 30 s of background (500 events, 1 bad) and 30 s of outage (500
// bad): 499 good, 501 bad; so does the minute ending 00:33, the other way
// round; the 11 minutes between are all bad.
func TestScenarioMidStepEdges(t *testing.T) {
	s := slobacktest.Scenario{
		Journey: "checkout", Start: mar1, Length: time.Hour, Rate: perMinute(1000), ErrorRatio: 0.002,
		Incidents: []slobacktest.Incident{{Start: mar1.Add(20*time.Minute + 30*time.Second), Duration: 12 * time.Minute, ErrorRatio: 1}},
	}
	got, err := s.Samples()
	if err != nil {
		t.Fatal(err)
	}
	want := minutes(60, func(m int) (uint64, uint64) {
		switch {
		case m == 21 || m == 33:
			return 499, 501
		case m > 21 && m < 33:
			return 0, 1000
		}
		return 998, 2
	})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Samples() (-want +got):\n%s", diff)
	}
	// The hour's background would be 120 bad; the outage replaces 12
	// minutes of it (24 bad) with 12000.
	var bad uint64
	for _, s := range got {
		bad += s.Bad
	}
	if bad != 120-24+12000 {
		t.Fatalf("bad events in the hour = %d, want %d", bad, 120-24+12000)
	}
}

// TestScenarioCarry has 0.6 events a step (0.1 a second, 6 s steps): the
// rounded cumulative counts 1, 1, 2, 2, 3, 4, 4, 5, 5, 6 (of 0.6, 1.2, ...
// 6.0) make the samples 1, 0, 1, 0, 1, 1, 0, 1, 0, 1.
func TestScenarioCarry(t *testing.T) {
	s := slobacktest.Scenario{Journey: "checkout", Start: mar1, Length: time.Minute, Step: 6 * time.Second, Rate: 0.1}
	got, err := s.Samples()
	if err != nil {
		t.Fatal(err)
	}
	want := []uint64{1, 0, 1, 0, 1, 1, 0, 1, 0, 1}
	if len(got) != len(want) {
		t.Fatalf("%d samples, want %d", len(got), len(want))
	}
	for i, s := range got {
		if at := mar1.Add(time.Duration(i+1) * 6 * time.Second); !s.Time.Equal(at) || s.Good != want[i] || s.Bad != 0 {
			t.Errorf("sample %d = %+v, want %v good 0 bad at %v", i, s, want[i], at)
		}
	}
}

// TestScenarioSpansExact checks, for awkward rates and ratios, that the
// good and the bad events of every run of samples differ from their
// integral by less than one.
func TestScenarioSpansExact(t *testing.T) {
	for _, s := range []slobacktest.Scenario{
		{Journey: "a", Start: mar1, Length: 2 * time.Hour, Rate: 0.37, ErrorRatio: 0.013,
			Incidents: []slobacktest.Incident{{Start: mar1.Add(17*time.Minute + 13*time.Second), Duration: 41*time.Minute + 7*time.Second, ErrorRatio: 0.31}}},
		{Journey: "b", Start: mar1.Add(7 * time.Second), Length: 1500 * 7 * time.Second, Step: 7 * time.Second, Rate: 3.3, ErrorRatio: 0.1},
	} {
		got, err := s.Samples()
		if err != nil {
			t.Fatal(err)
		}
		// The integrals, steady traffic: rate × seconds × ratio in force.
		step := got[1].Time.Sub(got[0].Time)
		at := func(i int) time.Time { return got[0].Time.Add(time.Duration(i) * step) }
		integral := func(from, to time.Time) (good, bad float64) {
			events := s.Rate * to.Sub(from).Seconds()
			good, bad = events*(1-s.ErrorRatio), events*s.ErrorRatio
			for _, in := range s.Incidents {
				lo, hi := maxT(from, in.Start), minT(to, in.End())
				if hi.After(lo) {
					during := s.Rate * hi.Sub(lo).Seconds()
					good += during * (s.ErrorRatio - in.ErrorRatio)
					bad += during * (in.ErrorRatio - s.ErrorRatio)
				}
			}
			return good, bad
		}
		for i := range got {
			var good, bad uint64
			for j := i; j < len(got); j++ {
				good, bad = good+got[j].Good, bad+got[j].Bad
				if j%13 != 0 && j != len(got)-1 {
					continue // every span would take long; these suffice
				}
				from := at(i).Add(-step)
				g, b := integral(from, at(j))
				if math.Abs(float64(good)-g) >= 1 || math.Abs(float64(bad)-b) >= 1 {
					t.Fatalf("%s: samples %d to %d: %d good, %d bad; the integrals are %v and %v", s.Journey, i, j, good, bad, g, b)
				}
			}
		}
	}
}

func maxT(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minT(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// TestScenarioDiurnal takes a day at a mean of 1 event a second swinging
// fully (Diurnal 1) in 6-hour steps. The events from midnight to t are
// t + (86400/2π)(sin(2π(t−12h)/24h) − sin(−π)), with 86400/2π =
// 13750.987...: 7849.013 at 06:00, 43200 at 12:00, 78550.987 at 18:00,
// 86400 at midnight; rounded and differenced, the quarters hold 7849,
// 35351, 35351 and 7849 events.
func TestScenarioDiurnal(t *testing.T) {
	s := slobacktest.Scenario{Journey: "checkout", Start: mar1, Length: 24 * time.Hour, Step: 6 * time.Hour, Rate: 1, Diurnal: 1}
	got, err := s.Samples()
	if err != nil {
		t.Fatal(err)
	}
	want := []slobacktest.Sample{
		{Time: mar1.Add(6 * time.Hour), Journey: "checkout", Good: 7849},
		{Time: mar1.Add(12 * time.Hour), Journey: "checkout", Good: 35351},
		{Time: mar1.Add(18 * time.Hour), Journey: "checkout", Good: 35351},
		{Time: mar1.Add(24 * time.Hour), Journey: "checkout", Good: 7849},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Samples() (-want +got):\n%s", diff)
	}

	// Three whole days from 09:00 at a half swing hold exactly three days
	// at the mean rate, 3 × 86400 × 2 events. A minute holds at most
	// 60 × 2 × 1.5 = 180 events, near noon, and at least 60 × 2 × 0.5 = 60,
	// near midnight; a whole count is within one of its integral, so no
	// minute holds more than 180 or fewer than 60.
	s = slobacktest.Scenario{Journey: "checkout", Start: mar1.Add(9 * time.Hour), Length: 72 * time.Hour, Rate: 2, Diurnal: 0.5, ErrorRatio: 0.25}
	got, err = s.Samples()
	if err != nil {
		t.Fatal(err)
	}
	var good, bad uint64
	busiest, quietest := got[0], got[0]
	for _, s := range got {
		good, bad = good+s.Good, bad+s.Bad
		if s.Good+s.Bad > busiest.Good+busiest.Bad {
			busiest = s
		}
		if s.Good+s.Bad < quietest.Good+quietest.Bad {
			quietest = s
		}
	}
	if good != 3*86400*2*3/4 || bad != 3*86400*2/4 {
		t.Fatalf("three days: %d good, %d bad; want %d and %d", good, bad, 3*86400*2*3/4, 3*86400*2/4)
	}
	if n, at := busiest.Good+busiest.Bad, busiest.Time.Format("15:04"); n != 180 || at < "11:00" || at > "13:00" {
		t.Fatalf("the busiest minute ends at %s and holds %d events; want 180, between 11:00 and 13:00", at, n)
	}
	if n, at := quietest.Good+quietest.Bad, quietest.Time.Format("15:04"); n != 60 || at > "01:00" && at < "23:00" {
		t.Fatalf("the quietest minute ends at %s and holds %d events; want 60, between 23:00 and 01:00", at, n)
	}
}

// TestScenarioDeterministic checks that Samples gives the same samples on
// every call.
func TestScenarioDeterministic(t *testing.T) {
	s := slobacktest.Scenario{Journey: "checkout", Start: mar1, Length: 48 * time.Hour, Rate: 7.7, Diurnal: 0.8, ErrorRatio: 0.001,
		Incidents: []slobacktest.Incident{{Start: mar1.Add(30 * time.Hour), Duration: time.Hour, ErrorRatio: 0.05}}}
	a, err := s.Samples()
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Samples()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("two calls differ (-first +second):\n%s", diff)
	}
	// The same instant written with another offset makes the same samples,
	// in UTC.
	s.Start = s.Start.In(time.FixedZone("UTC+5", 5*3600))
	c, err := s.Samples()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, c); diff != "" || c[0].Time.Location() != time.UTC {
		t.Fatalf("a Start at +05:00 makes other samples (-UTC +offset):\n%s", diff)
	}
}

// TestScenarioInjected checks that the incidents come back with the
// scenario's journey, in order of start.
func TestScenarioInjected(t *testing.T) {
	s := slobacktest.Scenario{Journey: "checkout", Start: mar1, Length: time.Hour, Rate: 1,
		Incidents: []slobacktest.Incident{
			{Start: mar1.Add(40 * time.Minute), Duration: time.Minute, ErrorRatio: 1},
			{Journey: "checkout", Start: mar1.Add(10 * time.Minute), Duration: 2 * time.Minute, ErrorRatio: 0.1},
		}}
	want := []slobacktest.Incident{
		{Journey: "checkout", Start: mar1.Add(10 * time.Minute), Duration: 2 * time.Minute, ErrorRatio: 0.1},
		{Journey: "checkout", Start: mar1.Add(40 * time.Minute), Duration: time.Minute, ErrorRatio: 1},
	}
	if diff := cmp.Diff(want, s.Injected()); diff != "" {
		t.Fatalf("Injected() (-want +got):\n%s", diff)
	}
	if s.Incidents[0].Journey != "" {
		t.Fatalf("Injected changed the scenario's incidents: %+v", s.Incidents)
	}
	if end := s.End(); !end.Equal(mar1.Add(time.Hour)) {
		t.Fatalf("End() = %v, want %v", end, mar1.Add(time.Hour))
	}
}

// TestScenarioValidate gives every field a bad value, one at a time, and
// checks the message that names it.
func TestScenarioValidate(t *testing.T) {
	good := slobacktest.Scenario{Journey: "checkout", Start: mar1, Length: time.Hour, Rate: 10}
	in := func(start, d time.Duration, ratio float64) slobacktest.Incident {
		return slobacktest.Incident{Start: mar1.Add(start), Duration: d, ErrorRatio: ratio}
	}
	for _, tc := range []struct {
		name string
		edit func(*slobacktest.Scenario)
		want string
	}{
		{"journey", func(s *slobacktest.Scenario) { s.Journey = "" }, "Scenario: Journey is empty; name the journey whose traffic it is, such as checkout"},
		{"start", func(s *slobacktest.Scenario) { s.Start = time.Time{} }, "Scenario: Start is the zero time; set when the traffic starts, such as 2026-03-01T00:00:00Z"},
		{"length", func(s *slobacktest.Scenario) { s.Length = 0 }, "Scenario: Length 0s is not positive; use how long the traffic runs, such as 24h"},
		{"negative step", func(s *slobacktest.Scenario) { s.Step = -time.Second }, "Scenario: Step -1s is negative; use the interval each sample covers, such as 1m (0 means 1m)"},
		{"partial step", func(s *slobacktest.Scenario) { s.Length = time.Hour + 30*time.Second }, "Scenario: Length 1h0m30s is not a whole number of Steps of 1m0s; use 1h0m0s or 1h1m0s"},
		{"too many steps", func(s *slobacktest.Scenario) { s.Step = 100 * time.Microsecond }, "Scenario: Length 1h0m0s at Step 100µs makes 36000000 samples"},
		{"too many steps", func(s *slobacktest.Scenario) { s.Length, s.Step = 9*365*24*time.Hour, time.Minute }, "makes 4730400 samples, more than 4194304; use a longer Step or a shorter Length"},
		{"zero rate", func(s *slobacktest.Scenario) { s.Rate = 0 }, "Scenario: Rate 0 is not a positive number; use the mean events a second, such as 16.667 for 1000 a minute"},
		{"NaN rate", func(s *slobacktest.Scenario) { s.Rate = math.NaN() }, "Scenario: Rate NaN is not a positive number"},
		{"huge rate", func(s *slobacktest.Scenario) { s.Rate = 1e13 }, "Scenario: Rate 1e+13 over Length 1h0m0s makes more than 2^53 events, too many to count exactly"},
		{"diurnal", func(s *slobacktest.Scenario) { s.Diurnal = 1.5 }, "Scenario: Diurnal 1.5 is outside 0 to 1; use 0 for steady traffic, or the amplitude of the daily swing, such as 0.5"},
		{"diurnal NaN", func(s *slobacktest.Scenario) { s.Diurnal = math.NaN() }, "Scenario: Diurnal NaN is outside 0 to 1"},
		{"error ratio", func(s *slobacktest.Scenario) { s.ErrorRatio = -0.1 }, "Scenario: ErrorRatio -0.1 is outside 0 to 1; use the share of events that fail outside incidents, such as 0.0005"},
		{"incident journey", func(s *slobacktest.Scenario) {
			s.Incidents = []slobacktest.Incident{{Journey: "login", Start: mar1, Duration: time.Minute, ErrorRatio: 1}}
		}, `Scenario: Incidents[0] is of journey "login", not the scenario's "checkout"; leave its Journey empty or make it "checkout"`},
		{"incident ratio", func(s *slobacktest.Scenario) { s.Incidents = []slobacktest.Incident{in(0, time.Minute, 2)} },
			"Scenario: Incidents[0]: ErrorRatio 2 is outside 0 to 1; use the share of events that fail during it, such as 1 for a full outage"},
		{"incident duration", func(s *slobacktest.Scenario) { s.Incidents = []slobacktest.Incident{in(0, 0, 1)} },
			"Scenario: Incidents[0]: Duration 0s is not positive; use how long it lasts, such as 12m"},
		{"incident before", func(s *slobacktest.Scenario) {
			s.Incidents = []slobacktest.Incident{in(-time.Minute, 2*time.Minute, 1)}
		},
			"Scenario: Incidents[0] runs from 2026-02-28T23:59:00Z to 2026-03-01T00:01:00Z, outside the traffic's 2026-03-01T00:00:00Z to 2026-03-01T01:00:00Z; move or shorten it, or lengthen the traffic"},
		{"incident after", func(s *slobacktest.Scenario) {
			s.Incidents = []slobacktest.Incident{in(59*time.Minute, 2*time.Minute, 1)}
		},
			"Scenario: Incidents[0] runs from 2026-03-01T00:59:00Z to 2026-03-01T01:01:00Z, outside the traffic's"},
		{"overlap", func(s *slobacktest.Scenario) {
			s.Incidents = []slobacktest.Incident{in(10*time.Minute, 10*time.Minute, 1), in(19*time.Minute, 5*time.Minute, 0.5)}
		}, "Scenario: Incidents[1] (2026-03-01T00:19:00Z to 2026-03-01T00:24:00Z) overlaps Incidents[0] (2026-03-01T00:10:00Z to 2026-03-01T00:20:00Z); an incident's ErrorRatio replaces the background, so give each spell one incident"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := good
			tc.edit(&s)
			err := s.Validate()
			if !errors.Is(err, slo.ErrInvalid) {
				t.Fatalf("Validate() = %v, want an error wrapping ErrInvalid", err)
			}
			if want := "slobacktest: " + tc.want; !strings.HasPrefix(err.Error(), want) && !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %q, want it to say %q", err, want)
			}
			if strings.Count(err.Error(), "slobacktest: ") != 1 {
				t.Fatalf("Validate() = %q, want one problem", err)
			}
			if samples, serr := s.Samples(); serr == nil || serr.Error() != err.Error() || samples != nil {
				t.Fatalf("Samples() = %v, %v; want nil and the error of Validate", samples, serr)
			}
		})
	}
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate() of a good scenario = %v", err)
	}
	// Adjacent incidents do not overlap.
	adjacent := good
	adjacent.Incidents = []slobacktest.Incident{in(10*time.Minute, 10*time.Minute, 1), in(20*time.Minute, 40*time.Minute, 0.5)}
	if err := adjacent.Validate(); err != nil {
		t.Fatalf("Validate() of adjacent incidents = %v", err)
	}
	// The zero scenario names all it lacks.
	err := slobacktest.Scenario{}.Validate()
	for _, field := range []string{"Journey is empty", "Start is the zero time", "Length 0s is not positive", "Rate 0 is not a positive number"} {
		if !strings.Contains(fmtErr(err), field) {
			t.Errorf("Validate() of the zero scenario = %q, want it to say %q", err, field)
		}
	}
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

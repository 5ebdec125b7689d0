package slofleet_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slofleet"
	"github.com/journeyslo/journeyslo/slo/sloprom"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// The fleet's Status, read from Prometheus over the rules slorules
// generates, is the registry's Status for the same events.
//
// A registry is fed a day and two hours of traffic with manual advance,
// and its sloprom collector is scraped every 15 s into samples backfilled
// into Prometheus. Prometheus evaluates rules only in real time, so the
// generated recording rules are evaluated as range queries at the instants
// compared (promtest.EvaluateRules), each level backfilled before the next
// reads it, exactly as the rule manager would have recorded them.
//
// The instants are whole multiples of five minutes after a scrape at the
// same instant, so that Prometheus's increase() over every window sees a
// sample at both ends (no extrapolation: Prometheus 2 range selectors
// include both ends) and the registry's windows end on bucket edges (no
// pro rata share): both count exactly the events in the window, whole
// numbers, and the fleet's Status is built from them by the registry's own
// function (slo.Objective.Status): the figures are the same to the bit.

var start = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

const (
	scrape = 15 * time.Second
	step   = 5 * time.Minute // between compared instants: the rules' evaluation interval here
	hour   = time.Hour
)

// objectives are the fleet's: over a day (so that a day and a bit of
// traffic fills the period), with the default policy for a day: page 1h/5m
// at 0.48, page 6h/30m at 0.2, ticket 1d/2h at 0.1.
func objectives() []slo.Objective {
	return []slo.Objective{
		// 20 events a second; a three-minute full outage at 25:00 pages,
		// then pages on 6h/30m, then tickets as it leaves the short windows.
		{Journey: "checkout", Target: 0.999, Period: 24 * hour, Labels: map[string]string{"team": "payments"}},
		// 0.02 events a second, 72 an hour, under the guard of 100: its
		// 1h/5m rule burns during its outage but never fires, while 6h/30m,
		// holding 432 events, fires.
		{Journey: "admin", Target: 0.99, Period: 24 * hour},
		// 0.005 events a second, 432 a day, 1% bad: the arithmetic
		// overspends the budget ten times, but the day holds fewer than
		// the 1000 events a claim needs at 99.9%.
		{Journey: "login", Target: 0.999, Period: 24 * hour},
	}
}

// traffic returns the events a second of objective i and its error ratio
// at d after start.
func traffic(i int, d time.Duration) (perSecond, errRatio float64) {
	// Varying over the day, so that windows of different lengths differ.
	wave := 1 + 0.5*math.Sin(2*math.Pi*d.Hours()/24)
	switch i {
	case 0:
		if d >= 25*hour && d < 25*hour+3*time.Minute {
			return 20 * wave, 1
		}
		return 20 * wave, 0.00005
	case 2:
		return 0.005 * wave, 0.01
	default:
		if d >= 24*hour+40*time.Minute && d < 25*hour+10*time.Minute {
			return 0.02 * wave, 0.5
		}
		return 0.02 * wave, 0
	}
}

// compared are the instants at which the registry's and the fleet's Status
// are compared: ok, the first page, the second page, the ticket.
var compared = []time.Duration{24*hour + 30*time.Minute, 25*hour + 5*time.Minute, 25*hour + 30*time.Minute, 26 * hour}

// fleet is the scenario, run once for every test of the package.
type fleet struct {
	server *promtest.Server
	// want[k] is the registry's Status at compared[k].
	want [][]slo.Status
	objs []slo.Objective
}

// eventsOnly gathers only the event counters, all the rules read.
type eventsOnly struct{ g prometheus.Gatherer }

func (e eventsOnly) Gather() ([]*dto.MetricFamily, error) {
	mfs, err := e.g.Gather()
	return slices.DeleteFunc(mfs, func(mf *dto.MetricFamily) bool { return mf.GetName() != slorules.Counter }), err
}

func runFleet(t *testing.T) *fleet {
	t.Helper()
	promtest.Promtool(t)
	mock := clock.NewMock()
	mock.Set(start)
	reg, err := slo.New(objectives(), slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	preg := prometheus.NewRegistry()
	preg.MustRegister(sloprom.NewCollector(reg))
	tick := reg.Tick()
	if scrape%tick != 0 {
		t.Fatalf("tick %v does not divide the scrape interval %v", tick, scrape)
	}
	f := &fleet{objs: reg.Objectives()}
	journeys := []*slo.Journey{fixture.Journey(reg, "checkout"), fixture.Journey(reg, "admin"), fixture.Journey(reg, "login")}
	var samples promtest.Samples
	// Fractions of an event carry over, so that counts are whole and
	// their sums follow the rates.
	owed := make([][2]float64, len(journeys))
	end := compared[len(compared)-1]
	for k := 1; k <= int(end/tick); k++ {
		elapsed := time.Duration(k) * tick
		mid := elapsed - tick/2
		for i, j := range journeys {
			rate, errs := traffic(i, mid)
			n := rate * tick.Seconds()
			owed[i][0] += n * (1 - errs)
			owed[i][1] += n * errs
			good, bad := math.Floor(owed[i][0]), math.Floor(owed[i][1])
			owed[i][0] -= good
			owed[i][1] -= bad
			j.Add(uint64(good), uint64(bad))
		}
		now := start.Add(elapsed)
		if err := reg.Advance(now); err != nil {
			t.Fatal(err)
		}
		if elapsed%scrape == 0 {
			if err := samples.Gather(eventsOnly{preg}, now); err != nil {
				t.Fatal(err)
			}
		}
		if slices.Contains(compared, elapsed) {
			f.want = append(f.want, reg.Status())
		}
	}
	// The rules of this fleet, labelled cluster=eu1, and a second set for
	// the same objectives labelled cluster=us1, as another team's file
	// would be: WithLabels picks one.
	var rules []promtest.Rule
	for _, cluster := range []string{"eu1", "us1"} {
		file, err := slorules.Generate(f.objs, slorules.WithLabels(map[string]string{"cluster": cluster}))
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range file.Groups {
			for _, r := range g.Rules {
				if r.Record != "" {
					rules = append(rules, r)
				}
			}
		}
	}
	ev := promtest.EvaluateRules(t, &samples, rules, start.Add(compared[0]), start.Add(end), step)
	f.server = ev.Server
	return f
}

// wantStatus returns the registry's Status less what a fleet cannot know:
// when the state began and this process's totals.
func wantStatus(sts []slo.Status) []slo.Status {
	out := slices.Clone(sts)
	for i := range out {
		out[i].Since = time.Time{}
		out[i].TotalGood, out[i].TotalBad = 0, 0
	}
	return out
}

func TestStatusIsTheRegistrys(t *testing.T) {
	f := runFleet(t)
	client, err := slofleet.New(objectives(), f.server.URL, slofleet.WithLabels(map[string]string{"cluster": "eu1"}))
	if err != nil {
		t.Fatal(err)
	}
	// What each instant must show, so that the comparison covers every
	// state and the guard; the registry is the oracle for the figures.
	type shown struct {
		state burnrate.Severity
		rule  string
	}
	wantShown := [][]shown{
		{{burnrate.SeverityOK, ""}, {burnrate.SeverityOK, ""}, {burnrate.SeverityOK, ""}},
		{{burnrate.SeverityPage, "page-1h-5m"}, {burnrate.SeverityPage, "page-6h-30m"}, {burnrate.SeverityOK, ""}},
		{{burnrate.SeverityPage, "page-6h-30m"}, {burnrate.SeverityPage, "page-6h-30m"}, {burnrate.SeverityOK, ""}},
		{{burnrate.SeverityTicket, "ticket-1d-2h"}, {burnrate.SeverityTicket, "ticket-1d-2h"}, {burnrate.SeverityOK, ""}},
	}
	for k, d := range compared {
		at := start.Add(d)
		got, err := client.StatusAt(context.Background(), at)
		if err != nil {
			t.Fatalf("at %s: %v", at.Format("15:04"), err)
		}
		want := wantStatus(f.want[k])
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("at %s: fleet Status differs from the registry's (-registry +fleet):\n%s", at.Format("Jan 2 15:04"), diff)
		}
		for i, st := range want {
			if w := wantShown[k][i]; st.State != w.state || st.Rule != w.rule {
				t.Errorf("at %s: the registry's %s is %v (%s), the scenario wants %v (%s)", at.Format("Jan 2 15:04"), st.Journey, st.State, st.Rule, w.state, w.rule)
			}
		}
	}
	// At 25:05, admin's 1h/5m rule burns (half its events bad) but its
	// hour holds about 72 events, under the guard of 100: not firing.
	got, err := client.StatusAt(context.Background(), start.Add(compared[1]))
	if err != nil {
		t.Fatal(err)
	}
	if r := got[1].Rules[0]; r.Name != "page-1h-5m" || !r.Burning || r.Firing {
		t.Errorf("admin's first rule: %s burning %v firing %v, want page-1h-5m burning and not firing", r.Name, r.Burning, r.Firing)
	}
	// The budgets: checkout's spent by its outage, login's without a claim.
	if got[0].Budget != slo.BudgetSpent || got[2].Budget != slo.BudgetTooFewEvents || got[2].BudgetRemaining >= 0 || got[2].TimeToExhaustion != burnrate.Never {
		t.Errorf("checkout's budget %v, login's %v (remaining %v, exhausted in %v); want spent, and too few events whatever the arithmetic, with no exhaustion",
			got[0].Budget, got[2].Budget, got[2].BudgetRemaining, got[2].TimeToExhaustion)
	}
	if ev, want := got[2].Evidence(), fmt.Sprintf("not enough events: %d of 1000", got[2].Good+got[2].Bad); ev != want || got[2].Good+got[2].Bad < 400 {
		t.Errorf("login's evidence %q, want %q with about 432 events", ev, want)
	}

	t.Run("Status reads the clock", func(t *testing.T) {
		mock := clock.NewMock()
		mock.Set(start.Add(compared[2]))
		client, err := slofleet.New(objectives(), f.server.URL, slofleet.WithLabels(map[string]string{"cluster": "eu1"}), slofleet.WithClock(mock))
		if err != nil {
			t.Fatal(err)
		}
		got, err := client.Status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantStatus(f.want[2]), got); diff != "" {
			t.Errorf("Status at the mock's instant differs from the registry's (-registry +fleet):\n%s", diff)
		}
	})

	t.Run("two rule files without WithLabels", func(t *testing.T) {
		client, err := slofleet.New(objectives(), f.server.URL)
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.StatusAt(context.Background(), start.Add(compared[0]))
		if !errors.Is(err, slofleet.ErrMismatch) {
			t.Fatalf("error %v, want one wrapping ErrMismatch", err)
		}
		for _, want := range []string{"checkout:availability", "admin:availability", "login:availability", "told apart by cluster", "set WithLabels"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
	})

	t.Run("an objective without rules", func(t *testing.T) {
		objs := append(objectives(), slo.Objective{Journey: "search", Target: 0.995, Period: 24 * hour})
		client, err := slofleet.New(objs, f.server.URL, slofleet.WithLabels(map[string]string{"cluster": "eu1"}))
		if err != nil {
			t.Fatal(err)
		}
		got, err := client.StatusAt(context.Background(), start.Add(compared[0]))
		if !errors.Is(err, slofleet.ErrMissing) {
			t.Fatalf("error %v, want one wrapping ErrMissing", err)
		}
		// The others' Status all the same, as when every rule is loaded.
		if diff := cmp.Diff(wantStatus(f.want[0]), got); diff != "" {
			t.Errorf("the Status of the objectives with series (-registry +fleet):\n%s", diff)
		}
		want := `slofleet: series missing: search:availability: Prometheus at ` + f.server.URL +
			` has no series journey_objective:journeyslo_objective:info{journey="search",objective="availability",cluster="eu1"}; ` +
			`check that the rule file slorules generated for it is loaded (rule_files in prometheus.yml), that its period group has been evaluated once (every 2m30s by default), and that WithLabels are the labels it was generated with`
		if err.Error() != want {
			t.Errorf("error:\n%s\nwant:\n%s", err, want)
		}
	})

	t.Run("rules of another objective", func(t *testing.T) {
		objs := objectives()
		objs[0].Target = 0.99
		client, err := slofleet.New(objs, f.server.URL, slofleet.WithLabels(map[string]string{"cluster": "eu1"}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.StatusAt(context.Background(), start.Add(compared[0]))
		if !errors.Is(err, slofleet.ErrMismatch) {
			t.Fatalf("error %v, want one wrapping ErrMismatch", err)
		}
		want := `slofleet: series do not match the objectives: checkout:availability: the rules loaded in Prometheus at ` + f.server.URL +
			` were generated from another objective (target "0.999" where the objective has 0.99; min_events "1000" where the objective has 100); ` +
			`regenerate them with slorules from these objectives, or pass the objectives they were generated from`
		if err.Error() != want {
			t.Errorf("error:\n%s\nwant:\n%s", err, want)
		}
	})
}

func TestUnreachable(t *testing.T) {
	// A port nobody listens on: refused at once.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + l.Addr().String()
	l.Close()
	client, err := slofleet.New(objectives(), addr, slofleet.WithTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	got, err := client.Status(context.Background())
	if !errors.Is(err, slofleet.ErrUnavailable) || got != nil {
		t.Fatalf("got %v and error %v, want no status and an error wrapping ErrUnavailable", got, err)
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("a refused connection took %v to report, more than the timeout", took)
	}
	for _, want := range []string{"could not reach Prometheus at " + addr, "connection refused", "check the address"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestTimeout(t *testing.T) {
	// A server that accepts the query and never answers it (until the
	// test ends: a handler that has not read the body is not told that
	// the client left).
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	defer srv.Close()
	defer close(done)
	const timeout = 300 * time.Millisecond
	client, err := slofleet.New(objectives(), srv.URL, slofleet.WithTimeout(timeout), slofleet.WithRoundTripper(srv.Client().Transport))
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	_, err = client.Status(context.Background())
	took := time.Since(began)
	if !errors.Is(err, slofleet.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want one wrapping ErrUnavailable and context.DeadlineExceeded", err)
	}
	if took < timeout || took > timeout+time.Second {
		t.Errorf("the query gave up after %v, want the timeout of %v (within a second)", took, timeout)
	}
	want := "slofleet: Prometheus did not answer: Prometheus at " + srv.URL + " did not answer within 300ms (WithTimeout): context deadline exceeded; check that it runs and is reachable from here, or raise the timeout"
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}

	// The caller's own deadline, shorter than the timeout, is the
	// caller's: StatusAt's query is its own, and ends with it.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = client.StatusAt(ctx, time.Now())
	want = "slofleet: Prometheus did not answer: the query to Prometheus at " + srv.URL + " was abandoned: context deadline exceeded"
	if !errors.Is(err, slofleet.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestNotPrometheus(t *testing.T) {
	// A web server that is not a Prometheus API answers 404.
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	client, err := slofleet.New(objectives(), srv.URL, slofleet.WithRoundTripper(srv.Client().Transport))
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Status(context.Background())
	want := `slofleet: Prometheus did not answer: Prometheus at ` + srv.URL + ` refused the query (` + srv.URL + `/api/v1/query answered 404 Not Found, not an answer of the Prometheus API: "404 page not found\n"); is the address the base URL of a Prometheus API, without /api/v1?`
	if !errors.Is(err, slofleet.ErrUnavailable) || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestNewRefuses(t *testing.T) {
	for _, tc := range []struct {
		name    string
		objs    []slo.Objective
		address string
		opts    []slofleet.Option
		want    []string
	}{
		{"no objectives", nil, "http://p:9090", nil,
			[]string{"slofleet: New: no objectives; pass the objectives the fleet's rules were generated from"}},
		{"no address", objectives(), "", nil,
			[]string{"slofleet: New: address is empty; give the base URL of the Prometheus API, such as http://prometheus:9090"}},
		{"not a URL", objectives(), "prometheus:9090", nil,
			[]string{`slofleet: New: address "prometheus:9090" is not an absolute http or https URL; give the base URL of the Prometheus API, such as http://prometheus:9090`}},
		{"options", objectives(), "http://p:9090",
			[]slofleet.Option{slofleet.WithTimeout(0), slofleet.WithTimeout(-time.Second), slofleet.WithPollInterval(-time.Second), slofleet.WithMaxAnswer(0), slofleet.WithClock(nil), slofleet.WithRoundTripper(nil)},
			[]string{
				"slofleet: WithTimeout(0s): use a positive duration, such as 5*time.Second; without the option it is 10s",
				"slofleet: WithTimeout(-1s): use a positive duration, such as 5*time.Second; without the option it is 10s",
				"slofleet: WithPollInterval(-1s): use a duration of zero or more, such as 30*time.Second; without the option it is 15s",
				"slofleet: WithMaxAnswer(0): use a positive number of bytes, such as 64<<20; without the option it is 16777216",
				"slofleet: WithClock(nil): pass clock.New() or a clock.NewMock(), or leave the option out for the real clock",
				"slofleet: WithRoundTripper(nil): pass an http.RoundTripper, such as an *http.Transport with your TLS settings, or leave the option out for http.DefaultTransport",
			}},
		{"labels", objectives(), "http://p:9090", []slofleet.Option{slofleet.WithLabels(map[string]string{"window": "5m", "9x": "a", "team": "shop", "zone": ""})},
			[]string{
				`slofleet: New: objective 0 (checkout:availability): its label team="payments" and WithLabels' team="shop" differ, so no series can carry both; give the value the rules were generated with`,
				`slofleet: WithLabels: "9x" is not a label name; use letters, digits and '_', not starting with a digit or "__"`,
				`slofleet: WithLabels: "window" is a label the generated rules set themselves; choose another name, such as team or cluster`,
				`slofleet: WithLabels: label "zone" has an empty value, which Prometheus would drop; give it a value or leave it out`,
			}},
		{"objectives", []slo.Objective{{Journey: "checkout", Target: 99.9}, {Journey: "search", Target: 0.99}, {Journey: "search", Target: 0.999}},
			"http://p:9090", nil,
			[]string{
				"slofleet: New: objective 0 (checkout:availability): burnrate: invalid target: 99.9 is not below 1; write 0.999 for 99.9%",
				"slofleet: New: objective 2 (search:availability): objective 1 has the same journey and name; give each objective of a journey its own Name",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := slofleet.New(tc.objs, tc.address, tc.opts...)
			if c != nil || !errors.Is(err, slo.ErrInvalid) {
				t.Fatalf("New = %v, %v; want no client and an error wrapping slo.ErrInvalid", c, err)
			}
			if got, want := err.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("error:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	// The objectives' own mistakes keep their cause.
	_, err := slofleet.New([]slo.Objective{{Journey: "checkout", Target: 99.9}}, "http://p:9090")
	if !errors.Is(err, burnrate.ErrInvalid) {
		t.Errorf("an objective's bad target: %v, want an error wrapping burnrate.ErrInvalid too", err)
	}
	// The run-time conditions are not misconfigurations.
	for _, sentinel := range []error{slofleet.ErrUnavailable, slofleet.ErrMissing, slofleet.ErrMismatch} {
		if errors.Is(sentinel, slo.ErrInvalid) {
			t.Errorf("%v wraps slo.ErrInvalid", sentinel)
		}
	}
}

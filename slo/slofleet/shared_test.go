package slofleet_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slofleet"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// fleetAnswer is the answer Prometheus gives the client's query when the
// rules of objs are loaded and each objective's period held good and bad
// events, at instant at: the info series and the period's events, no
// window of the policy and no firing rule.
func fleetAnswer(objs []slo.Objective, good, bad int, at time.Time) string {
	var series []string
	ts := fmt.Sprintf("%d.%03d", at.Unix(), at.Nanosecond()/1e6)
	for _, o := range objs {
		o = o.WithDefaults()
		own := fmt.Sprintf(`"journey":%q,"objective":%q`, o.Journey, o.Name)
		series = append(series,
			fmt.Sprintf(`{"metric":{"__name__":%q,%s,"target":"%v","period":%q,"min_events":"%d"},"value":[%s,"1"]}`,
				slorules.Info, own, o.Target, burnrate.FormatWindow(o.Period), o.Policy.MinEvents, ts),
			fmt.Sprintf(`{"metric":{"__name__":%q,%s,"outcome":"good"},"value":[%s,"%d"]}`, slorules.EventsPrefix+burnrate.FormatWindow(o.Period), own, ts, good),
			fmt.Sprintf(`{"metric":{"__name__":%q,%s,"outcome":"bad"},"value":[%s,"%d"]}`, slorules.EventsPrefix+burnrate.FormatWindow(o.Period), own, ts, bad))
	}
	return `{"status":"success","data":{"resultType":"vector","result":[` + strings.Join(series, ",") + `]}}`
}

// stand is a stand-in for Prometheus on loopback that counts the queries
// and the connections it is sent, and answers each query as answer says.
type stand struct {
	*httptest.Server
	queries, conns atomic.Int32
	// times are the instants of the queries, as sent.
	mu    sync.Mutex
	times []string
}

func newStand(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) *stand {
	t.Helper()
	s := &stand{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.queries.Add(1)
		s.mu.Lock()
		s.times = append(s.times, r.FormValue("time"))
		s.mu.Unlock()
		answer(w, r)
	}))
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// transport returns a transport of the test's own, so that no connection
// of another test is reused, closed at its end.
func transport(t *testing.T) *http.Transport {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

var sharedStart = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// Fifty concurrent callers of Status make one query on one connection and
// have the same Status, each its own copy; the answer is reused until the
// poll interval has passed by the client's clock, and then the next
// caller asks again at the clock's instant.
func TestStatusShared(t *testing.T) {
	objs := []slo.Objective{{Journey: "checkout", Target: 0.999}}
	release := make(chan struct{})
	prom := newStand(t, func(w http.ResponseWriter, r *http.Request) {
		<-release // every caller asks while the query is in flight
		io.WriteString(w, fleetAnswer(objs, 99950, 20, sharedStart))
	})
	mock := clock.NewMock()
	mock.Set(sharedStart)
	client, err := slofleet.New(objs, prom.URL, slofleet.WithClock(mock), slofleet.WithRoundTripper(transport(t)))
	if err != nil {
		t.Fatal(err)
	}
	const callers = 50
	got := make([][]slo.Status, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() { got[i], errs[i] = client.Status(context.Background()) })
	}
	for prom.queries.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	want, err := client.StatusAt(context.Background(), sharedStart) // a query of its own
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 1 || want[0].Bad != 20 || want[0].Good != 99950 || want[0].State != burnrate.SeverityOK || !want[0].Time.Equal(sharedStart) {
		t.Fatalf("StatusAt = %+v, want checkout's 99950 good and 20 bad events at %v, ok", want, sharedStart)
	}
	for i := range callers {
		if errs[i] != nil || !cmp.Equal(got[i], want) {
			t.Fatalf("caller %d: %+v, %v; want %+v", i, got[i], errs[i], want)
		}
	}
	if q, c := prom.queries.Load(), prom.conns.Load(); q != 2 || c != 1 {
		t.Errorf("%d queries on %d connections, want 1 for the fifty callers and 1 for StatusAt, on 1 connection", q, c)
	}
	// Each caller has its own copy.
	got[0][0].Rules[0].Firing = true
	got[0][0].Windows[0].Rate = 99
	if again, err := client.Status(context.Background()); err != nil || !cmp.Equal(again, want) {
		t.Errorf("after a caller changed its Status, the next caller has %+v, %v; want %+v", again, err, want)
	}

	// The answer is reused for the poll interval, and not a moment more.
	mock.Add(slofleet.DefaultPollInterval - time.Nanosecond)
	if _, err := client.Status(context.Background()); err != nil || prom.queries.Load() != 2 {
		t.Errorf("within the poll interval: %d queries (%v), want no new one", prom.queries.Load(), err)
	}
	mock.Add(time.Nanosecond)
	sts, err := client.Status(context.Background())
	if err != nil || prom.queries.Load() != 3 || !sts[0].Time.Equal(sharedStart.Add(slofleet.DefaultPollInterval)) {
		t.Errorf("at the end of the poll interval: %d queries (%v), Status at %v; want a new query at %v", prom.queries.Load(), err, sts[0].Time, sharedStart.Add(slofleet.DefaultPollInterval))
	}
	wantTimes := []string{"2026-03-02T12:00:00Z", "2026-03-02T12:00:00Z", "2026-03-02T12:00:15Z"}
	if diff := cmp.Diff(wantTimes, prom.times); diff != "" {
		t.Errorf("the instants queried (-want +got):\n%s", diff)
	}
}

// When Prometheus hangs, fifty concurrent callers all have the error of
// the one query at its timeout; the error is reused for the poll interval
// as an answer is, so that a hung Prometheus is not asked again by every
// caller.
func TestStatusSharedHang(t *testing.T) {
	done := make(chan struct{})
	prom := newStand(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	})
	defer close(done)
	mock := clock.NewMock()
	mock.Set(sharedStart)
	const timeout = 500 * time.Millisecond
	client, err := slofleet.New(fleetObjectivesOf("checkout"), prom.URL, slofleet.WithClock(mock), slofleet.WithTimeout(timeout), slofleet.WithRoundTripper(transport(t)))
	if err != nil {
		t.Fatal(err)
	}
	want := "slofleet: Prometheus did not answer: Prometheus at " + prom.URL + " did not answer within 500ms (WithTimeout): context deadline exceeded; check that it runs and is reachable from here, or raise the timeout"
	const callers = 50
	took := make([]time.Duration, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	began := time.Now()
	for i := range callers {
		wg.Go(func() {
			_, errs[i] = client.Status(context.Background())
			took[i] = time.Since(began)
		})
	}
	wg.Wait()
	for i := range callers {
		if errs[i] == nil || errs[i].Error() != want || !errors.Is(errs[i], context.DeadlineExceeded) || !errors.Is(errs[i], slofleet.ErrUnavailable) {
			t.Fatalf("caller %d: %v, want %s", i, errs[i], want)
		}
		if took[i] < timeout || took[i] > timeout+time.Second {
			t.Errorf("caller %d returned after %v, want the timeout of %v (within a second)", i, took[i], timeout)
		}
	}
	if q, c := prom.queries.Load(), prom.conns.Load(); q != 1 || c != 1 {
		t.Errorf("%d queries on %d connections, want 1 on 1", q, c)
	}
	// Reused: at once, without a query.
	now := time.Now()
	if _, err := client.Status(context.Background()); err == nil || err.Error() != want || time.Since(now) > timeout/2 || prom.queries.Load() != 1 {
		t.Errorf("within the poll interval: %v after %v, %d queries; want the same error at once and no query", err, time.Since(now), prom.queries.Load())
	}
	mock.Add(slofleet.DefaultPollInterval)
	if _, err := client.Status(context.Background()); err == nil || err.Error() != want || prom.queries.Load() != 2 {
		t.Errorf("after the poll interval: %v, %d queries; want a new query, timing out again", err, prom.queries.Load())
	}
}

// fleetObjectivesOf returns an objective at 99.9% of each journey.
func fleetObjectivesOf(journeys ...string) []slo.Objective {
	var objs []slo.Objective
	for _, j := range journeys {
		objs = append(objs, slo.Objective{Journey: j, Target: 0.999})
	}
	return objs
}

// A caller that stops waiting does not stop the query for the others: the
// server's request is not cancelled, and the others have its answer. A
// caller whose context has ended before it asks starts no query.
func TestStatusCallerLeaves(t *testing.T) {
	objs := fleetObjectivesOf("checkout")
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	cancelled := make(chan bool, 1)
	prom := newStand(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		cancelled <- r.Context().Err() != nil
		io.WriteString(w, fleetAnswer(objs, 1000, 0, sharedStart))
	})
	mock := clock.NewMock()
	mock.Set(sharedStart)
	client, err := slofleet.New(objs, prom.URL, slofleet.WithClock(mock), slofleet.WithRoundTripper(transport(t)))
	if err != nil {
		t.Fatal(err)
	}
	gone := context.Background()
	gone, cancel := context.WithCancel(gone)
	cancel()
	want := "slofleet: Prometheus did not answer: the wait for Prometheus at " + prom.URL + " was abandoned: context canceled; the shared query goes on for the client's other callers"
	if _, err := client.Status(gone); err == nil || err.Error() != want || !errors.Is(err, context.Canceled) || prom.queries.Load() != 0 {
		t.Fatalf("a caller gone before it asks: %v, %d queries; want %s and no query", err, prom.queries.Load(), want)
	}

	leaving, leave := context.WithCancel(context.Background())
	left := make(chan error, 1)
	go func() {
		_, err := client.Status(leaving)
		left <- err
	}()
	<-arrived
	stayed := make(chan []slo.Status, 1)
	go func() {
		sts, err := client.Status(context.Background())
		if err != nil {
			t.Error(err)
		}
		stayed <- sts
	}()
	leave()
	if err := <-left; err == nil || err.Error() != want || !errors.Is(err, context.Canceled) {
		t.Errorf("the caller that left: %v, want %s", err, want)
	}
	close(release)
	if c := <-cancelled; c {
		t.Error("the server's request was cancelled when one caller left")
	}
	if sts := <-stayed; len(sts) != 1 || sts[0].Good != 1000 {
		t.Errorf("the caller that stayed: %+v, want checkout's Status with 1000 good events", sts)
	}
	if q := prom.queries.Load(); q != 1 {
		t.Errorf("%d queries, want 1", q)
	}
}

// With a poll interval of zero, callers share only the query in flight:
// each call after an answer asks again.
func TestStatusNoReuse(t *testing.T) {
	objs := fleetObjectivesOf("checkout")
	prom := newStand(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, fleetAnswer(objs, 1000, 0, sharedStart))
	})
	mock := clock.NewMock()
	mock.Set(sharedStart)
	client, err := slofleet.New(objs, prom.URL, slofleet.WithClock(mock), slofleet.WithPollInterval(0), slofleet.WithRoundTripper(transport(t)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := client.Status(context.Background()); err != nil {
			t.Fatal(err)
		}
		if q := prom.queries.Load(); q != int32(i+1) {
			t.Fatalf("after %d calls, %d queries; want one each", i+1, q)
		}
	}
}

// An answer over the cap is refused, saying what to check.
func TestMaxAnswer(t *testing.T) {
	objs := fleetObjectivesOf("checkout")
	body := fleetAnswer(objs, 1000, 0, sharedStart)
	prom := newStand(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, body)
	})
	for _, tc := range []struct {
		max  int64
		want string
	}{
		{int64(len(body)), ""},
		{int64(len(body)) - 1, "slofleet: Prometheus did not answer: the answer of Prometheus at " + prom.URL + " is larger than " + fmt.Sprint(len(body)-1) +
			" bytes (WithMaxAnswer), which the client does not read; check that the objectives and WithLabels select only this fleet's series, or raise WithMaxAnswer"},
	} {
		client, err := slofleet.New(objs, prom.URL, slofleet.WithMaxAnswer(tc.max), slofleet.WithRoundTripper(transport(t)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.StatusAt(context.Background(), sharedStart)
		if (tc.want == "" && err != nil) || (tc.want != "" && (err == nil || err.Error() != tc.want || !errors.Is(err, slofleet.ErrUnavailable))) {
			t.Errorf("with a cap of %d bytes for an answer of %d: %v, want %q", tc.max, len(body), err, tc.want)
		}
	}
}

// Warnings make the answer unusable (it may be partial); infos do not.
func TestWarnings(t *testing.T) {
	objs := fleetObjectivesOf("checkout")
	var notes atomic.Value
	prom := newStand(t, func(w http.ResponseWriter, r *http.Request) {
		body := fleetAnswer(objs, 1000, 0, sharedStart)
		io.WriteString(w, strings.TrimSuffix(body, "}")+notes.Load().(string)+"}")
	})
	client, err := slofleet.New(objs, prom.URL, slofleet.WithRoundTripper(transport(t)))
	if err != nil {
		t.Fatal(err)
	}
	notes.Store(`,"warnings":["store eu1-a is down","w2","w3","w4","w5","w6","w7"]`)
	_, err = client.StatusAt(context.Background(), sharedStart)
	want := "slofleet: Prometheus did not answer: Prometheus at " + prom.URL + " answered with warnings, perhaps a partial answer: store eu1-a is down; w2; w3; w4; w5; and 2 more"
	if err == nil || err.Error() != want || !errors.Is(err, slofleet.ErrUnavailable) {
		t.Errorf("with warnings: %v, want %s", err, want)
	}
	notes.Store(`,"infos":["PromQL info: metric might not be a counter"]`)
	if sts, err := client.StatusAt(context.Background(), sharedStart); err != nil || len(sts) != 1 {
		t.Errorf("with infos: %v, %v; want the Status", sts, err)
	}
}

// panicking is a RoundTripper with a bug.
type panicking struct{}

func (panicking) RoundTrip(*http.Request) (*http.Response, error) { panic("no TLS config") }

// A panic on the shared query's goroutine is the callers' error, not the
// end of the process.
func TestStatusPanic(t *testing.T) {
	client, err := slofleet.New(fleetObjectivesOf("checkout"), "http://127.0.0.1:1", slofleet.WithRoundTripper(panicking{}))
	if err != nil {
		t.Fatal(err)
	}
	sts, err := client.Status(context.Background())
	want := "slo: recovered panic: slofleet: the query to Prometheus at http://127.0.0.1:1 panicked: no TLS config"
	if sts != nil || err == nil || err.Error() != want || !errors.Is(err, slo.ErrPanic) || errors.Is(err, slofleet.ErrUnavailable) {
		t.Errorf("Status = %v, %v; want no Status and %s", sts, err, want)
	}
}

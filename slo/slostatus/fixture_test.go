package slostatus_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

// start is a midnight, so that every bucket width divides the time since
// the Unix epoch and windows hold exactly the events a test expects.
var start = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// fixture is a registry advanced by hand on a mock clock that it keeps in
// step, so that it is stalled only when a test moves the clock alone.
type fixture struct {
	reg  *slo.Registry
	mock *clock.Mock
}

func newFixture(t testing.TB, objectives ...slo.Objective) *fixture {
	t.Helper()
	return newFixtureAt(t, start, objectives...)
}

func newFixtureAt(t testing.TB, at time.Time, objectives ...slo.Objective) *fixture {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(at)
	reg, err := slo.New(objectives, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return &fixture{reg: reg, mock: mock}
}

// advance moves the clock and the registry d ahead.
func (f *fixture) advance(d time.Duration) {
	f.mock.Add(d)
	f.reg.Advance(f.mock.Now())
}

// add records good and bad events on a journey.
func (f *fixture) add(journey string, good, bad uint64) {
	f.reg.Journey(journey).Add(good, bad)
}

// serve starts a real HTTP server for h, closed when the test ends.
func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// fetch sends a request with the given method to the server's path, with
// the server's own client (whose connections close with the server), and
// returns the response and its body.
func fetch(t *testing.T, srv *httptest.Server, method, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

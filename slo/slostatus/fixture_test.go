package slostatus_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/journeyslo/journeyslo/internal/fixture"
)

// start is fixture.Start: a midnight.
var start = fixture.Start

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

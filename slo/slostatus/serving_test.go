package slostatus_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slohttp"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// rawClient is a client that sends only the headers given, and decodes
// nothing: Go's transport would otherwise ask for gzip and decompress it
// unseen.
func rawClient(t *testing.T, srv *httptest.Server) *http.Client {
	t.Helper()
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.DisableCompression = true
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// send sends a request with header pairs and returns the response and its
// raw body.
func send(t *testing.T, c *http.Client, method, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req := mustRequest(t, method, url, "", header...)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// gunzip decompresses one gzip member, the whole of b.
func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	br := bytes.NewReader(b)
	zr, err := gzip.NewReader(br)
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	zr.Multistream(false)
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("corrupt gzip: %v", err)
	}
	if br.Len() != 0 {
		t.Errorf("gzip: %d bytes after the member", br.Len())
	}
	return out
}

// endpoint is one answer of the package to test over HTTP.
type endpoint struct {
	name, path string
	handler    http.Handler
}

// endpoints serves the page (HTML and JSON), health and a gate of f.
func endpoints(t *testing.T, f *fixture.Manual, gated ...string) (*httptest.Server, []endpoint) {
	t.Helper()
	gate, err := slostatus.ReleaseGate(f.Reg, slostatus.WithObjectives(gated...))
	if err != nil {
		t.Fatal(err)
	}
	page := slostatus.StatusPage(f.Reg)
	mux := http.NewServeMux()
	mux.Handle("/slo", page)
	mux.Handle("/healthz/slo", slostatus.Health(f.Reg))
	mux.Handle("/slo/release-gate", gate)
	return serve(t, mux), []endpoint{
		{"page", "/slo", page},
		{"page's JSON", "/slo?format=json", page},
		{"health", "/healthz/slo", nil},
		{"gate", "/slo/release-gate", gate},
	}
}

var etagForm = regexp.MustCompile(`^"[A-Za-z0-9_-]{24}(-[0-9a-z]+)?(-gzip)?"$`)

// Every successful answer has a strong ETag, for its encoding: a request
// that holds it (or any tag, "*") gets 304 with no body, until the
// registry evaluates again.
func TestConditionalRequests(t *testing.T) {
	f := reach(t, "ok")
	srv, eps := endpoints(t, f)
	c := rawClient(t, srv)
	for _, e := range eps {
		resp, body := send(t, c, http.MethodGet, srv.URL+e.path)
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != 200 || !etagForm.MatchString(etag) || len(body) == 0 {
			t.Fatalf("%s: %d, ETag %q, %d bytes; want 200, a strong ETag and a body", e.name, resp.StatusCode, etag, len(body))
		}
		for header, want := range map[string]string{"Vary": "Accept-Encoding", "Cache-Control": "no-cache", "Content-Length": strconv.Itoa(len(body))} {
			if got := resp.Header.Get(header); got != want {
				t.Errorf("%s: %s %q, want %q", e.name, header, got, want)
			}
		}
		gz, zbody := send(t, c, http.MethodGet, srv.URL+e.path, "Accept-Encoding", "gzip")
		if want := strings.TrimSuffix(etag, `"`) + `-gzip"`; gz.Header.Get("ETag") != want {
			t.Errorf("%s: gzip's ETag %q, want %q", e.name, gz.Header.Get("ETag"), want)
		}
		if !bytes.Equal(gunzip(t, zbody), body) {
			t.Errorf("%s: the gzip body is not the body", e.name)
		}

		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			resp, b := send(t, c, http.MethodGet, srv.URL+e.path, "If-None-Match", inm)
			if resp.StatusCode != http.StatusNotModified || len(b) != 0 || resp.Header.Get("ETag") != etag ||
				resp.Header.Get("Vary") != "Accept-Encoding" || resp.Header.Get("Cache-Control") != "no-cache" {
				t.Errorf("%s, If-None-Match %s: %d, %d bytes, ETag %q, Vary %q, Cache-Control %q; want 304, none, %s, Accept-Encoding, no-cache",
					e.name, inm, resp.StatusCode, len(b), resp.Header.Get("ETag"), resp.Header.Get("Vary"), resp.Header.Get("Cache-Control"), etag)
			}
		}
		// The identity's tag is not the gzip answer's, and the reverse.
		if resp, _ := send(t, c, http.MethodGet, srv.URL+e.path, "If-None-Match", etag, "Accept-Encoding", "gzip"); resp.StatusCode != 200 {
			t.Errorf("%s: the identity's ETag matched the gzip answer: %d", e.name, resp.StatusCode)
		}
		if resp, _ := send(t, c, http.MethodHead, srv.URL+e.path, "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s: HEAD with a matching ETag: %d, want 304", e.name, resp.StatusCode)
		}
		if resp, b := send(t, c, http.MethodGet, srv.URL+e.path, "If-None-Match", `"other"`); resp.StatusCode != 200 || !bytes.Equal(b, body) {
			t.Errorf("%s: another tag: %d, want 200 and the body", e.name, resp.StatusCode)
		}
	}

	// A new evaluation is a new answer, even with the same figures: its
	// time moved.
	tags := map[string]string{}
	for _, e := range eps {
		resp, _ := send(t, c, http.MethodGet, srv.URL+e.path)
		tags[e.name] = resp.Header.Get("ETag")
	}
	f.Advance(3 * time.Second)
	for _, e := range eps {
		resp, _ := send(t, c, http.MethodGet, srv.URL+e.path, "If-None-Match", tags[e.name])
		if resp.StatusCode != 200 || resp.Header.Get("ETag") == tags[e.name] {
			t.Errorf("%s after an evaluation: %d, ETag %s; want 200 and a new ETag", e.name, resp.StatusCode, resp.Header.Get("ETag"))
		}
	}
}

// A closed gate's 503 and a stalled health check's carry no validator and
// ignore If-None-Match (RFC 9110, 13.2.1): a pipeline gets the reasons
// whole every time.
func TestFailuresIgnoreConditions(t *testing.T) {
	f := reach(t, "page")
	srv, _ := endpoints(t, f, "checkout")
	c := rawClient(t, srv)
	resp, body := send(t, c, http.MethodGet, srv.URL+"/slo/release-gate")
	if resp.StatusCode != 503 || resp.Header.Get("ETag") != "" {
		t.Fatalf("closed gate: %d, ETag %q; want 503 and none", resp.StatusCode, resp.Header.Get("ETag"))
	}
	again, b := send(t, c, http.MethodGet, srv.URL+"/slo/release-gate", "If-None-Match", "*")
	if again.StatusCode != 503 || !bytes.Equal(b, body) || again.Header.Get("Retry-After") != "300" {
		t.Errorf("closed gate, If-None-Match *: %d, Retry-After %q, %d bytes; want 503, 300 and the body", again.StatusCode, again.Header.Get("Retry-After"), len(b))
	}
	f.Mock.Add(31 * time.Second)
	if resp, b := send(t, c, http.MethodGet, srv.URL+"/healthz/slo", "If-None-Match", "*"); resp.StatusCode != 503 || len(b) == 0 || resp.Header.Get("ETag") != "" {
		t.Errorf("stalled health, If-None-Match *: %d, %d bytes, ETag %q; want 503, the body, none", resp.StatusCode, len(b), resp.Header.Get("ETag"))
	}
}

// Gzip goes to clients that accept it, and only to them; a HEAD says the
// gzip answer's length and sends nothing.
func TestGzipNegotiation(t *testing.T) {
	f := reach(t, "ok")
	srv, _ := endpoints(t, f)
	c := rawClient(t, srv)
	_, plain := send(t, c, http.MethodGet, srv.URL+"/healthz/slo")
	for _, tc := range []struct {
		accept string
		gzip   bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br, zstd", true},
		{"GZIP;q=0.5", true},
		{"x-gzip", true},
		{"*", true},
		{"br;q=1.0, *;q=0.1", true},
		{"gzip;q=0", false},
		{"gzip;q=0, *", false},
		{"*;q=0", false},
		{"identity", false},
		{"br, zstd", false},
	} {
		var header []string
		if tc.accept != "" {
			header = []string{"Accept-Encoding", tc.accept}
		}
		resp, b := send(t, c, http.MethodGet, srv.URL+"/healthz/slo", header...)
		enc := resp.Header.Get("Content-Encoding")
		if tc.gzip {
			if enc != "gzip" || !bytes.Equal(gunzip(t, b), plain) || resp.Header.Get("Content-Length") != strconv.Itoa(len(b)) {
				t.Errorf("Accept-Encoding %q: Content-Encoding %q, Content-Length %s of %d; want the body in gzip", tc.accept, enc, resp.Header.Get("Content-Length"), len(b))
			}
		} else if enc != "" || !bytes.Equal(b, plain) {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q; want the body as it is", tc.accept, enc)
		}
		if resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary %q", tc.accept, resp.Header.Get("Vary"))
		}
	}
	_, zb := send(t, c, http.MethodGet, srv.URL+"/slo", "Accept-Encoding", "gzip")
	head, hb := send(t, c, http.MethodHead, srv.URL+"/slo", "Accept-Encoding", "gzip")
	if head.StatusCode != 200 || len(hb) != 0 || head.Header.Get("Content-Encoding") != "gzip" || head.ContentLength != int64(len(zb)) {
		t.Errorf("HEAD in gzip: %d, %d bytes, %q, length %d; want 200, none, gzip, %d", head.StatusCode, len(hb), head.Header.Get("Content-Encoding"), head.ContentLength, len(zb))
	}
	// Go's own client asks for gzip and decompresses it.
	if _, body := fetch(t, srv, http.MethodGet, "/healthz/slo"); body != string(plain) {
		t.Errorf("Go's client decompressed another body")
	}
}

// What depends on the instant of a request is exact at each request, in
// the body and its gzip alike, while the rest is the evaluation's: ten
// seconds after a closed gate's evaluation it reopens ten seconds sooner,
// and the lag is ten seconds.
func TestRequestInstant(t *testing.T) {
	f := reach(t, "spent")
	srv, _ := endpoints(t, f, "checkout")
	c := rawClient(t, srv)
	type answer struct {
		Output    string
		ReopensAt string
		Checks    map[string][]struct {
			ObservedValue float64
			Time          string
		}
	}
	ask := func(when string, wantRetry, wantIn string, wantLag float64, wantTime string) []byte {
		t.Helper()
		resp, body := send(t, c, http.MethodGet, srv.URL+"/slo/release-gate")
		zresp, zb := send(t, c, http.MethodGet, srv.URL+"/slo/release-gate", "Accept-Encoding", "gzip")
		if !bytes.Equal(gunzip(t, zb), body) || zresp.Header.Get("Retry-After") != wantRetry {
			t.Errorf("%s: the gzip answer differs", when)
		}
		var a answer
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatal(err)
		}
		want := "release freeze: checkout:availability: error budget spent; reopens at 2026-04-01T00:00:03Z (in " + wantIn +
			"), when checkout:availability's budget is back above zero, if its traffic goes on at 0 req/s with 0% errors"
		lag := a.Checks["lag"][0]
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != wantRetry || a.Output != want || a.ReopensAt != "2026-04-01T00:00:03Z" ||
			lag.ObservedValue != wantLag || lag.Time != wantTime {
			t.Errorf("%s: %d, Retry-After %s, output %q, reopensAt %s, lag %v at %s\nwant 503, %s, %q, 2026-04-01T00:00:03Z, %v at %s",
				when, resp.StatusCode, resp.Header.Get("Retry-After"), a.Output, a.ReopensAt, lag.ObservedValue, lag.Time, wantRetry, want, wantLag, wantTime)
		}
		return body
	}
	// The evaluation at 2026-03-06T00:00:01Z; the budget is back 26 days
	// and 2 seconds later.
	first := ask("at the evaluation", "2246402", "26d2s", 0, "2026-03-06T00:00:01Z")
	f.Mock.Add(10 * time.Second)
	later := ask("10s later", "2246392", "25d23h59m52s", 10, "2026-03-06T00:00:11Z")
	f.Mock.Add(500 * time.Millisecond)
	ask("10.5s later", "2246392", "25d23h59m52s", 10.5, "2026-03-06T00:00:11.5Z")
	// Only the holes moved: the rest is the same bytes.
	strip := regexp.MustCompile(`\(in [0-9dhms]+\)|"observedValue": [0-9.]+,\n(\s+"observedUnit": "s")|"time": "2026-03-06T00:00:[0-9.]+Z"`)
	if a, b := strip.ReplaceAll(first, nil), strip.ReplaceAll(later, nil); !bytes.Equal(a, b) {
		t.Errorf("the answers differ beyond the request's instant:\n%s", cmp.Diff(string(a), string(b)))
	}
}

// Every request of one evaluation gets the same answer, computed once,
// even while events come: the page's unmatched counts, which move with
// every event of an undeclared journey, are those read when the answer was
// computed, for every request, together or not, until the registry
// evaluates again.
func TestOneAnswerPerEvaluation(t *testing.T) {
	f := reach(t, "ok")
	srv, _ := endpoints(t, f)
	nobody := fixture.Journey(f.Reg, "nobody")
	for _, format := range []string{"/slo?format=json", "/slo"} {
		stop := make(chan struct{})
		var recording sync.WaitGroup
		recording.Add(1)
		go func() {
			defer recording.Done()
			for {
				select {
				case <-stop:
					return
				default:
					nobody.Add(1, 0)
				}
			}
		}()
		const askers = 24
		bodies := make([]string, askers)
		var wg sync.WaitGroup
		for i := range askers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, bodies[i] = fetch(t, srv, http.MethodGet, format)
			}()
		}
		wg.Wait()
		_, after := fetch(t, srv, http.MethodGet, format)
		close(stop)
		recording.Wait()
		for i, b := range bodies {
			if b != bodies[0] {
				t.Fatalf("%s: request %d got another answer in one evaluation:\n%s", format, i, cmp.Diff(bodies[0], b))
			}
		}
		if after != bodies[0] {
			t.Errorf("%s: a later request of the same evaluation got another answer", format)
		}
		g, _ := f.Reg.Unmatched()
		f.Advance(time.Second)
		_, next := fetch(t, srv, http.MethodGet, "/slo?format=json")
		if p := decodePage(t, next); p.Unmatched.Good != g {
			t.Errorf("%s: after an evaluation, the page reads %d unmatched events, want %d", format, p.Unmatched.Good, g)
		}
	}
}

// Mounted inside slohttp's middleware by mistake, with or without
// WithContextHolder, the handlers count for no objective, however hard
// they are polled; the service's own requests still count.
func TestInsideTheMiddlewareCountsNothing(t *testing.T) {
	for _, holder := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "context holder"}[holder], func(t *testing.T) {
			insideTheMiddleware(t, holder)
		})
	}
}

func insideTheMiddleware(t *testing.T, withHolder bool) {
	f := fixture.Aged(t, slo.Objective{Journey: "checkout", Target: 0.999})
	gate, err := slostatus.ReleaseGate(f.Reg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /checkout", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "paid\n") })
	// Any method reaches them, so that they answer other methods 405
	// themselves.
	mux.Handle("/slo", slostatus.StatusPage(f.Reg))
	mux.Handle("/healthz/slo", slostatus.Health(f.Reg))
	mux.Handle("/slo/release-gate", gate)
	opts := []slohttp.Option{slohttp.WithPatterns(map[string]string{
		"POST /checkout": "checkout",
		// Even routed to the journey, the status endpoints are no events.
		"/slo":              "checkout",
		"/slo/release-gate": "checkout",
	})}
	if withHolder {
		opts = append(opts, slohttp.WithContextHolder())
	}
	mw, err := slohttp.New(f.Reg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, mw(mux))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 25 {
				path := []string{"/slo", "/slo?format=json", "/healthz/slo", "/slo/release-gate", "/slo?format=xml"}[(i+j)%5]
				method := http.MethodGet
				if j%7 == 6 {
					method = http.MethodPost // 405
				}
				resp, err := srv.Client().Do(mustRequest(t, method, srv.URL+path, ""))
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	for range 3 {
		resp, err := srv.Client().Post(srv.URL+"/checkout", "text/plain", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	wg.Wait()
	f.Advance(time.Second)
	st := f.Reg.Status()[0]
	g, b := f.Reg.Unmatched()
	if st.TotalGood != 3 || st.TotalBad != 0 || g != 0 || b != 0 {
		t.Errorf("checkout counted %d good and %d bad, unmatched %d and %d; want the 3 checkouts alone", st.TotalGood, st.TotalBad, g, b)
	}
}

package promapi_test

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.uber.org/goleak"

	"github.com/journeyslo/journeyslo/internal/promapi"
	"github.com/journeyslo/journeyslo/internal/promtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) // 1772323200

// nanEqual compares NaN equal to NaN, and nothing else approximately.
var nanEqual = cmpopts.EquateNaNs()

// The client against Debian's Prometheus: each result type, the values
// Prometheus writes for NaN and the infinities, instants to the
// millisecond, and the server's error answers.
func TestPrometheus(t *testing.T) {
	var s promtest.Samples
	for i := 0; i <= 8; i++ {
		at := t0.Add(time.Duration(i) * 15 * time.Second)
		s.Add("counter", "demo_total", map[string]string{"job": "shop", "code": "200"}, at, float64(10*i))
		s.Add("counter", "demo_total", map[string]string{"job": "shop", "code": "500"}, at, float64(i))
	}
	srv := promtest.Start(t, promtest.Backfill(t, s.Bytes()), promtest.Config{})
	c, err := promapi.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	t.Run("vector", func(t *testing.T) {
		r, err := c.Query(ctx, `demo_total{job="shop"}`, t0.Add(2*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(r.Vector, func(a, b promapi.Sample) int { return strings.Compare(a.Metric["code"], b.Metric["code"]) })
		want := &promapi.Result{Type: "vector", Vector: []promapi.Sample{
			{Metric: promapi.Labels{"__name__": "demo_total", "job": "shop", "code": "200"}, Time: t0.Add(2 * time.Minute), Value: 80},
			{Metric: promapi.Labels{"__name__": "demo_total", "job": "shop", "code": "500"}, Time: t0.Add(2 * time.Minute), Value: 8},
		}}
		if diff := cmp.Diff(want, r, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Query (-want +got):\n%s", diff)
		}
	})

	t.Run("matrix", func(t *testing.T) {
		r, err := c.QueryRange(ctx, `demo_total{code="500"}`, t0, t0.Add(2*time.Minute), 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var points []promapi.Point
		for i := 0; i <= 4; i++ {
			points = append(points, promapi.Point{Time: t0.Add(time.Duration(i) * 30 * time.Second), Value: float64(2 * i)})
		}
		want := &promapi.Result{Type: "matrix", Matrix: []promapi.Series{
			{Metric: promapi.Labels{"__name__": "demo_total", "job": "shop", "code": "500"}, Points: points},
		}}
		if diff := cmp.Diff(want, r, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("QueryRange (-want +got):\n%s", diff)
		}
	})

	t.Run("scalar and string to the millisecond", func(t *testing.T) {
		at := t0.Add(123 * time.Millisecond)
		r, err := c.Query(ctx, "time()", at)
		if err != nil {
			t.Fatal(err)
		}
		if r.Type != "scalar" || !r.Scalar.Time.Equal(at) || r.Scalar.Value != 1772323200.123 {
			t.Errorf("time() at %v = %+v, want the scalar 1772323200.123 at that instant", at, r)
		}
		r, err = c.Query(ctx, `"journeyslo"`, at)
		if err != nil {
			t.Fatal(err)
		}
		if r.Type != "string" || r.String != "journeyslo" || !r.Scalar.Time.Equal(at) {
			t.Errorf(`"journeyslo" = %+v, want the string at %v`, r, at)
		}
	})

	t.Run("NaN and the infinities", func(t *testing.T) {
		for expr, want := range map[string]float64{"vector(0)/0": math.NaN(), "vector(1)/0": math.Inf(1), "-vector(1)/0": math.Inf(-1), "vector(1e-7)": 1e-7, "vector(123456789012345678)": 123456789012345678} {
			r, err := c.Query(ctx, expr, t0)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Vector) != 1 || !cmp.Equal(r.Vector[0].Value, want, nanEqual) {
				t.Errorf("%s = %+v, want one sample of %v", expr, r.Vector, want)
			}
		}
	})

	t.Run("error answers", func(t *testing.T) {
		_, err := c.Query(ctx, "sum(rate(x[1m]", t0)
		want := &promapi.Error{StatusCode: 400, Type: "bad_data", Message: `invalid parameter "query": 1:15: parse error: unclosed left parenthesis`}
		var got *promapi.Error
		if !errors.As(err, &got) || !cmp.Equal(got, want) || err.Error() != `bad_data: invalid parameter "query": 1:15: parse error: unclosed left parenthesis` {
			t.Errorf("a query that does not parse: %#v, want %#v", err, want)
		}
		_, err = c.QueryRange(ctx, "vector(1)", t0, t0.Add(24*time.Hour), time.Second)
		want = &promapi.Error{StatusCode: 400, Type: "bad_data", Message: "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"}
		if !errors.As(err, &got) || !cmp.Equal(got, want) {
			t.Errorf("a range of too many points: %#v, want %#v", err, want)
		}
	})

	t.Run("over the cap", func(t *testing.T) {
		// Prometheus sets no Content-Length on answers this size: the
		// client reads to its cap and stops.
		small, err := promapi.New(srv.URL, promapi.WithMaxAnswer(100))
		if err != nil {
			t.Fatal(err)
		}
		_, err = small.QueryRange(ctx, `demo_total`, t0, t0.Add(2*time.Minute), time.Second)
		if want := "promapi: answer too large: the answer of " + srv.URL + "/api/v1/query_range is longer than the 100 bytes this client reads"; !errors.Is(err, promapi.ErrTooLarge) || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
	})
}

// countingTransport counts the bytes of the answers' bodies that the
// client reads (after any Content-Encoding is undone).
type countingTransport struct {
	rt   http.RoundTripper
	read atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(r)
	if resp != nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &c.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// client returns a client of srv's API through a transport of its own,
// counting what it reads, with a cap of max bytes (0 for the default).
func client(t *testing.T, srv *httptest.Server, max int64) (*promapi.Client, *countingTransport) {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	ct := &countingTransport{rt: tr}
	c, err := promapi.New(srv.URL, promapi.WithHTTPClient(&http.Client{Transport: ct}), promapi.WithMaxAnswer(max))
	if err != nil {
		t.Fatal(err)
	}
	return c, ct
}

// writes is what a handler managed to write, and how its writing ended.
type writes struct {
	n   int64
	err error
}

// flood answers with total bytes of a JSON answer that is never done (a
// vector of one sample padded with spaces), in pieces of 64 KiB, declaring
// its length when declare is set; it reports what it wrote on done.
func flood(total int64, declare bool, done chan<- writes) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if declare {
			w.Header().Set("Content-Length", strconv.FormatInt(total, 10))
		}
		piece := []byte(strings.Repeat(" ", 64<<10))
		var n int64
		var err error
		for n < total && err == nil {
			var k int
			k, err = w.Write(piece[:min(int64(len(piece)), total-n)])
			n += int64(k)
			if !declare {
				http.NewResponseController(w).Flush()
			}
		}
		done <- writes{n, err}
	})
}

// An answer over the cap is refused without being read: at once when its
// Content-Length says so, at the first byte past the cap otherwise, and
// after decompression when it is compressed. The server cannot write it
// all: the client closes the connection.
func TestCap(t *testing.T) {
	const max = 1 << 20
	const total = 256 << 20
	for _, tc := range []struct {
		name     string
		declare  bool
		wantRead int64
		wantErr  string
	}{
		{"declared", true, 0, "is 268435456 bytes long, more than the 1048576 this client reads"},
		{"streamed", false, max + 1, "is longer than the 1048576 bytes this client reads"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan writes, 1)
			srv := httptest.NewServer(flood(total, tc.declare, done))
			defer srv.Close()
			c, ct := client(t, srv, max)
			_, err := c.Query(context.Background(), "up", t0)
			if want := "promapi: answer too large: the answer of " + srv.URL + "/api/v1/query " + tc.wantErr; !errors.Is(err, promapi.ErrTooLarge) || err.Error() != want {
				t.Errorf("error %v, want %s", err, want)
			}
			if got := ct.read.Load(); got != tc.wantRead {
				t.Errorf("the client read %d bytes of the answer, want %d", got, tc.wantRead)
			}
			w := <-done
			if w.err == nil || w.n >= total/4 {
				t.Errorf("the server wrote %d of %d bytes and ended with %v; want a failed write well before the end", w.n, int64(total), w.err)
			}
			t.Logf("the server wrote %d bytes before %v", w.n, w.err)
		})
	}

	t.Run("compressed", func(t *testing.T) {
		// 64 MiB of spaces, some 64 KiB compressed: the cap counts what
		// the client decodes, not what crosses the wire.
		var wire atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				t.Errorf("the client does not accept gzip: %q", r.Header.Get("Accept-Encoding"))
			}
			w.Header().Set("Content-Encoding", "gzip")
			cw := &countingWriter{w: w, n: &wire}
			zw := gzip.NewWriter(cw)
			piece := []byte(strings.Repeat(" ", 64<<10))
			for range 1024 {
				if _, err := zw.Write(piece); err != nil {
					return
				}
			}
			zw.Close()
		}))
		defer srv.Close()
		c, ct := client(t, srv, max)
		_, err := c.Query(context.Background(), "up", t0)
		if want := "promapi: answer too large: the answer of " + srv.URL + "/api/v1/query is longer than the 1048576 bytes this client reads"; err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
		if got := ct.read.Load(); got != max+1 {
			t.Errorf("the client decoded %d bytes, want %d", got, max+1)
		}
		srv.Close() // waits for the handler
		if w := wire.Load(); w > 1<<20 {
			t.Errorf("the compressed answer took %d bytes on the wire, want under 1 MiB", w)
		}
	})

	t.Run("at the cap", func(t *testing.T) {
		// An answer of exactly the cap is read; one byte more is not.
		body := `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1772323200,"1"]}]}}`
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, body)
			http.NewResponseController(w).Flush() // no Content-Length
		}))
		defer srv.Close()
		c, ct := client(t, srv, int64(len(body)))
		r, err := c.Query(context.Background(), "vector(1)", t0)
		if err != nil || len(r.Vector) != 1 || r.Vector[0].Value != 1 || ct.read.Load() != int64(len(body)) {
			t.Errorf("an answer of exactly the cap: %+v, %v, read %d bytes; want one sample of 1, read whole", r, err, ct.read.Load())
		}
		c, ct = client(t, srv, int64(len(body))-1)
		if _, err := c.Query(context.Background(), "vector(1)", t0); !errors.Is(err, promapi.ErrTooLarge) || ct.read.Load() != int64(len(body)) {
			t.Errorf("an answer of one byte over the cap: %v, read %d bytes; want ErrTooLarge after reading %d", err, ct.read.Load(), len(body))
		}
	})
}

type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// A server that does not answer, or stops halfway, is cut at the
// context's deadline, which the query also sends as its timeout.
func TestDeadline(t *testing.T) {
	const deadline = 300 * time.Millisecond
	for _, tc := range []struct {
		name    string
		partial bool
		want    string
	}{
		{"no answer", false, `Post "%s/api/v1/query": context deadline exceeded`},
		{"half an answer", true, `reading the answer of %s/api/v1/query: context deadline exceeded`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			timeouts := make(chan string, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				timeouts <- r.FormValue("timeout")
				if tc.partial {
					io.WriteString(w, `{"status":"success","data":{"resultType":"vector","result":[`)
					http.NewResponseController(w).Flush()
				}
				<-r.Context().Done() // the client leaves
			}))
			defer srv.Close()
			c, _ := client(t, srv, 0)
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			began := time.Now()
			_, err := c.Query(ctx, "up", t0)
			took := time.Since(began)
			if want := fmt.Sprintf(tc.want, srv.URL); !errors.Is(err, context.DeadlineExceeded) || err.Error() != want {
				t.Errorf("error %v, want %s", err, want)
			}
			if took < deadline || took > deadline+time.Second {
				t.Errorf("the query ended after %v, want the deadline of %v (within a second)", took, deadline)
			}
			sent, err := strconv.ParseFloat(<-timeouts, 64)
			if err != nil || sent <= 0 || sent > 0.3 {
				t.Errorf("the query's timeout parameter: %v (%v), want the time left to the deadline, at most 0.3 (seconds)", sent, err)
			}
		})
	}
}

// serve answers every query with status and body, and records the
// requests' methods and forms.
type serve struct {
	mu      sync.Mutex
	methods []string
	forms   []url.Values
}

func (s *serve) handler(status int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		s.mu.Lock()
		s.methods = append(s.methods, r.Method+" "+r.URL.Path)
		s.forms = append(s.forms, r.Form)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
}

func TestAnswers(t *testing.T) {
	long := strings.Repeat("é", 600) // 1200 bytes
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   *promapi.Result
		err    *promapi.Error // with %s for the server's URL in Message
	}{
		{"an error answer", 400, `{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:15: parse error: unclosed left parenthesis"}`, nil,
			&promapi.Error{StatusCode: 400, Type: "bad_data", Message: `invalid parameter "query": 1:15: parse error: unclosed left parenthesis`}},
		{"an error answer with warnings", 503, `{"status":"error","errorType":"timeout","error":"query timed out in query execution","warnings":["store a down"]}`, nil,
			&promapi.Error{StatusCode: 503, Type: "timeout", Message: "query timed out in query execution", Warnings: []string{"store a down"}}},
		{"warnings and infos", 200, `{"status":"success","data":{"resultType":"vector","result":[]},"warnings":["store a down","` + long + `"],"infos":["PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"up\""]}`,
			&promapi.Result{Type: "vector", Vector: []promapi.Sample{}, Warnings: []string{"store a down", strings.Repeat("é", 512) + "..."},
				Infos: []string{`PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "up"`}}, nil},
		{"values as Prometheus writes them", 200, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"x","a":"b"},"values":[` +
			`[1772323200.123,"NaN"],[1772323200.5,"+Inf"],[-1.5,"-Inf"],[1772323200,"1e-07"],[1772323200.000000001,"-0.5"],[1.7723232001e9,"1e+300"],[ 1772323201 , "2" ]` +
			`],"histograms":[[1772323200,{"count":"3","sum":"1","buckets":[]}]]},{"metric":{},"values":[]}]}}`,
			&promapi.Result{Type: "matrix", Matrix: []promapi.Series{
				{Metric: promapi.Labels{"__name__": "x", "a": "b"}, Histograms: 1, Points: []promapi.Point{
					{Time: t0.Add(123 * time.Millisecond), Value: math.NaN()},
					{Time: t0.Add(500 * time.Millisecond), Value: math.Inf(1)},
					{Time: time.Unix(-2, 5e8).UTC(), Value: math.Inf(-1)},
					{Time: t0, Value: 1e-7},
					{Time: t0.Add(1), Value: -0.5},
					{Time: t0.Add(100 * time.Millisecond), Value: 1e300},
					{Time: t0.Add(time.Second), Value: 2},
				}},
				{Metric: promapi.Labels{}, Points: []promapi.Point{}},
			}}, nil},
		{"a histogram sample", 200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"le":"1"},"value":[1772323200,"4"]},{"metric":{},"histogram":[1772323201,{"count":"3"}]}]}}`,
			&promapi.Result{Type: "vector", Vector: []promapi.Sample{
				{Metric: promapi.Labels{"le": "1"}, Time: t0, Value: 4},
				{Metric: promapi.Labels{}, Time: t0.Add(time.Second), Histogram: true},
			}}, nil},
		{"not a number", 200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1772323200,"many"]}]}}`, nil,
			&promapi.Error{StatusCode: 200, Message: `%s/api/v1/query answered a result of type "vector" that cannot be read: value "many" is not a number`}},
		{"not an instant", 200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":["soon","1"]}]}}`, nil,
			&promapi.Error{StatusCode: 200, Message: `%s/api/v1/query answered a result of type "vector" that cannot be read: time "\"soon\"" is not seconds since the epoch`}},
		{"another result type", 200, `{"status":"success","data":{"resultType":"table","result":[]}}`, nil,
			&promapi.Error{StatusCode: 200, Message: `%s/api/v1/query answered a result of type "table" that cannot be read: unknown result type`}},
		{"not the API", 404, "404 page not found\n", nil,
			&promapi.Error{StatusCode: 404, Message: `%s/api/v1/query answered 404 Not Found, not an answer of the Prometheus API: "404 page not found\n"`}},
		{"a login page", 200, "<!DOCTYPE html><html><head><title>Sign in</title></head><body>" + strings.Repeat("x", 1000), nil,
			&promapi.Error{StatusCode: 200, Message: `%s/api/v1/query answered 200 OK, not an answer of the Prometheus API: "<!DOCTYPE html><html><head><title>Sign in</title></head><body>xx..."`}},
		{"JSON of something else", 200, `{"ok":true}`, nil,
			&promapi.Error{StatusCode: 200, Message: `%s/api/v1/query answered 200 OK, not an answer of the Prometheus API: "{\"ok\":true}"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s serve
			srv := httptest.NewServer(s.handler(tc.status, tc.body))
			defer srv.Close()
			c, _ := client(t, srv, 0)
			r, err := c.Query(context.Background(), "up", t0)
			if tc.err != nil {
				want := *tc.err
				if strings.Contains(want.Message, "%s") {
					want.Message = fmt.Sprintf(want.Message, srv.URL)
				}
				var got *promapi.Error
				if !errors.As(err, &got) || !cmp.Equal(got, &want) || r != nil {
					t.Fatalf("got %+v, %#v; want the error %#v", r, err, &want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, r, nanEqual); diff != "" {
				t.Errorf("Query (-want +got):\n%s", diff)
			}
		})
	}
}

// Queries are form posts; a server (or a proxy) that refuses POST with 405
// is asked again with GET.
func TestRequests(t *testing.T) {
	var s serve
	ok := s.handler(200, `{"status":"success","data":{"resultType":"matrix","result":[]}}`)
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && posts.Add(1) > 1 {
			http.Error(w, "read-only proxy", http.StatusMethodNotAllowed)
			return
		}
		ok.ServeHTTP(w, r)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	base.Path = "/prometheus/" // as Mimir serves it, with a trailing slash to drop
	c, err := promapi.New(base.String())
	if err != nil {
		t.Fatal(err)
	}
	at := t0.Add(1500 * time.Microsecond)
	if _, err := c.QueryRange(context.Background(), `sum(rate(x[5m]))`, at, at.Add(time.Hour), 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Query(context.Background(), `up{job="a b"}`, at); err != nil {
		t.Fatal(err)
	}
	wantMethods := []string{"POST /prometheus/api/v1/query_range", "GET /prometheus/api/v1/query"}
	wantForms := []url.Values{
		{"query": {"sum(rate(x[5m]))"}, "start": {"2026-03-01T00:00:00.0015Z"}, "end": {"2026-03-01T01:00:00.0015Z"}, "step": {"1.5"}},
		{"query": {`up{job="a b"}`}, "time": {"2026-03-01T00:00:00.0015Z"}},
	}
	if diff := cmp.Diff(wantMethods, s.methods); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantForms, s.forms); diff != "" {
		t.Errorf("forms (-want +got):\n%s", diff)
	}
	if got := posts.Load(); got != 2 {
		t.Errorf("%d POSTs, want 2 (the second refused)", got)
	}
	// A refused connection is the transport's error, with the URL.
	srv.Close()
	_, err = c.Query(context.Background(), "up", at)
	if want := `Post "` + srv.URL + `/prometheus/api/v1/query": dial tcp ` + strings.TrimPrefix(srv.URL, "http://") + ": connect: connection refused"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestAddress(t *testing.T) {
	for address, want := range map[string]string{
		"http://prometheus:9090":           "",
		"https://mimir.example/prometheus": "",
		"":                                 "address is empty; give the base URL of the Prometheus API, such as http://prometheus:9090",
		"prometheus:9090":                  `address "prometheus:9090" is not an absolute http or https URL; give the base URL of the Prometheus API, such as http://prometheus:9090`,
		"ftp://prometheus":                 `address "ftp://prometheus" is not an absolute http or https URL; give the base URL of the Prometheus API, such as http://prometheus:9090`,
		"http://u:secret@p:9090/?x=1":      `address "http://u:xxxxx@p:9090/?x=1" has a query or a fragment; give the base URL of the Prometheus API only, such as http://prometheus:9090 or http://mimir/prometheus`,
	} {
		err := promapi.CheckAddress(address)
		if (want == "" && err != nil) || (want != "" && (err == nil || err.Error() != want)) {
			t.Errorf("CheckAddress(%q) = %v, want %q", address, err, want)
		}
	}
	c, err := promapi.New("http://u:secret@p:9090/")
	if err != nil || c.Address() != "http://u:xxxxx@p:9090" || c.MaxAnswer() != promapi.DefaultMaxAnswer {
		t.Errorf("New = %v (%v), address %q, cap %d; want the address without its password and the default cap", c, err, c.Address(), c.MaxAnswer())
	}
}

func TestLabelsString(t *testing.T) {
	for _, tc := range []struct {
		l    promapi.Labels
		want string
	}{
		{promapi.Labels{}, "{}"},
		{promapi.Labels{"__name__": "up"}, "up"},
		{promapi.Labels{"job": "shop", "code": "500"}, `{code="500", job="shop"}`},
		{promapi.Labels{"__name__": "up", "job": "a\"b"}, `up{job="a\"b"}`},
	} {
		if got := tc.l.String(); got != tc.want {
			t.Errorf("%#v.String() = %s, want %s", tc.l, got, tc.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	day := 24 * time.Hour
	for s, want := range map[string]time.Duration{
		"0": 0, "5m": 5 * time.Minute, "30d": 30 * day, "1h30m": 90 * time.Minute, "500ms": 500 * time.Millisecond,
		"1y2w3d4h5m6s7ms": 365*day + 14*day + 3*day + 4*time.Hour + 5*time.Minute + 6*time.Second + 7*time.Millisecond,
		"0s":              0, "90s": 90 * time.Second,
	} {
		if got, err := promapi.ParseDuration(s); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "m", "5", "1.5h", "30m1h", "1h1h", "5M", "-5m", "1d ", "9999999999999999999s", "300000y"} {
		if got, err := promapi.ParseDuration(s); err == nil || err.Error() != fmt.Sprintf("%q is not a Prometheus duration such as 5m, 1h30m or 30d", s) {
			t.Errorf("ParseDuration(%q) = %v, %v; want an error", s, got, err)
		}
	}
}

func TestParseValue(t *testing.T) {
	for s, want := range map[string]float64{"NaN": math.NaN(), "+Inf": math.Inf(1), "-Inf": math.Inf(-1), "0": 0, "-0.25": -0.25, "1e+300": 1e300, "1e400": math.Inf(1)} {
		if got, err := promapi.ParseValue(s); err != nil || !cmp.Equal(got, want, nanEqual) {
			t.Errorf("ParseValue(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "many", "1,5"} {
		if _, err := promapi.ParseValue(s); err == nil || err.Error() != fmt.Sprintf("value %q is not a number", s) {
			t.Errorf("ParseValue(%q) = %v, want an error", s, err)
		}
	}
}

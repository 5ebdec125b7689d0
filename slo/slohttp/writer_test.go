package slohttp_test

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/journeyslo/journeyslo/slo/slohttp"
)

// nopWriter is the least a ResponseWriter can be.
type nopWriter struct{}

func (nopWriter) Header() http.Header         { return http.Header{} }
func (nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (nopWriter) WriteHeader(int)             {}

func newRequest(method, target string) *http.Request { return httptest.NewRequest(method, target, nil) }

// fake is a writer with every optional interface, which counts the calls
// that reach it.
type fake struct {
	nopWriter
	flushes, hijacks, pushes, readFroms int
}

func (f *fake) Flush() { f.flushes++ }
func (f *fake) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	f.hijacks++
	return nil, nil, nil
}
func (f *fake) Push(string, *http.PushOptions) error { f.pushes++; return nil }
func (f *fake) ReadFrom(r io.Reader) (int64, error) {
	f.readFroms++
	return io.Copy(io.Discard, r)
}

// Capability bits, as in the middleware.
const (
	flusher = 1 << iota
	hijacker
	pusher
	readerFrom
)

// withCaps returns f as a writer with exactly the optional interfaces of
// caps, by embedding the interfaces (whose methods are promoted) in
// anonymous structs.
func withCaps(f *fake, caps int) http.ResponseWriter {
	type (
		W = http.ResponseWriter
		F = http.Flusher
		H = http.Hijacker
		P = http.Pusher
		R = io.ReaderFrom
	)
	switch caps {
	case 0:
		return struct{ W }{f}
	case flusher:
		return struct {
			W
			F
		}{f, f}
	case hijacker:
		return struct {
			W
			H
		}{f, f}
	case flusher | hijacker:
		return struct {
			W
			F
			H
		}{f, f, f}
	case pusher:
		return struct {
			W
			P
		}{f, f}
	case flusher | pusher:
		return struct {
			W
			F
			P
		}{f, f, f}
	case hijacker | pusher:
		return struct {
			W
			H
			P
		}{f, f, f}
	case flusher | hijacker | pusher:
		return struct {
			W
			F
			H
			P
		}{f, f, f, f}
	case readerFrom:
		return struct {
			W
			R
		}{f, f}
	case flusher | readerFrom:
		return struct {
			W
			F
			R
		}{f, f, f}
	case hijacker | readerFrom:
		return struct {
			W
			H
			R
		}{f, f, f}
	case flusher | hijacker | readerFrom:
		return struct {
			W
			F
			H
			R
		}{f, f, f, f}
	case pusher | readerFrom:
		return struct {
			W
			P
			R
		}{f, f, f}
	case flusher | pusher | readerFrom:
		return struct {
			W
			F
			P
			R
		}{f, f, f, f}
	case hijacker | pusher | readerFrom:
		return struct {
			W
			H
			P
			R
		}{f, f, f, f}
	default:
		return f
	}
}

// capsOf returns which optional interfaces w has.
func capsOf(w http.ResponseWriter) int {
	c := 0
	if _, ok := w.(http.Flusher); ok {
		c |= flusher
	}
	if _, ok := w.(http.Hijacker); ok {
		c |= hijacker
	}
	if _, ok := w.(http.Pusher); ok {
		c |= pusher
	}
	if _, ok := w.(io.ReaderFrom); ok {
		c |= readerFrom
	}
	return c
}

// TestInterfacesEveryCombination wraps writers with each of the 16
// combinations of optional interfaces: the handler must see exactly the
// same combination, each call must reach the wrapped writer, and Unwrap
// must return it.
func TestInterfacesEveryCombination(t *testing.T) {
	reg, _ := newRegistry(t, objectives)
	mw := newMiddleware(t, reg)
	for caps := 0; caps < 16; caps++ {
		f := &fake{}
		under := withCaps(f, caps)
		if got := capsOf(under); got != caps {
			t.Fatalf("test writer %04b has interfaces %04b", caps, got)
		}
		var seen int
		mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen = capsOf(w)
			if u, ok := w.(interface{ Unwrap() http.ResponseWriter }); !ok || u.Unwrap() != under {
				t.Errorf("interfaces %04b: the writer does not Unwrap to the one it wraps", caps)
			}
			if c, ok := w.(http.Flusher); ok {
				c.Flush()
			}
			if c, ok := w.(http.Hijacker); ok {
				c.Hijack()
			}
			if c, ok := w.(http.Pusher); ok {
				c.Push("/style.css", nil)
			}
			if c, ok := w.(io.ReaderFrom); ok {
				c.ReadFrom(strings.NewReader("body"))
			}
		})).ServeHTTP(under, newRequest("GET", "/"))
		if seen != caps {
			t.Errorf("writer with interfaces %04b: the handler saw %04b", caps, seen)
		}
		want := fake{
			flushes:   caps & flusher / flusher,
			hijacks:   caps & hijacker / hijacker,
			pushes:    caps & pusher / pusher,
			readFroms: caps & readerFrom / readerFrom,
		}
		if *f != want {
			t.Errorf("interfaces %04b: calls reaching the wrapped writer %+v, want %+v", caps, *f, want)
		}
	}
}

// TestInterfacesRealServers compares what a handler sees with and without
// the middleware on HTTP/1.1 and HTTP/2 servers, and uses each interface
// through http.ResponseController.
func TestInterfacesRealServers(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		name := map[bool]string{false: "http1", true: "http2"}[h2]
		t.Run(name, func(t *testing.T) {
			probe := func(wrapped bool) (caps int, deadlineErr error, proto string) {
				reg, _ := newRegistry(t, objectives)
				h := http.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					caps = capsOf(w)
					deadlineErr = http.NewResponseController(w).SetWriteDeadline(timeNowPlusMinute())
					proto = r.Proto
				}))
				if wrapped {
					h = newMiddleware(t, reg)(h)
				}
				s := startServer(t, h, h2)
				s.do(t, "GET", "/")
				return
			}
			bareCaps, bareErr, proto := probe(false)
			caps, err, _ := probe(true)
			if caps != bareCaps {
				t.Errorf("%s: the handler sees interfaces %04b with the middleware, %04b without", proto, caps, bareCaps)
			}
			wantCaps := flusher | hijacker | readerFrom
			if h2 {
				wantCaps = flusher | pusher
			}
			if bareCaps != wantCaps {
				t.Errorf("%s: the server's writer has interfaces %04b; the test expects %04b", proto, bareCaps, wantCaps)
			}
			if err != nil || bareErr != nil {
				t.Errorf("%s: ResponseController.SetWriteDeadline = %v with the middleware, %v without; want nil", proto, err, bareErr)
			}
		})
	}
}

// TestHijack takes over the connection as a websocket upgrade does, over a
// real server: the event is good and untimed.
func TestHijack(t *testing.T) {
	for _, viaController := range []bool{false, true} {
		reg, mock := newRegistry(t, objectives)
		mux := http.NewServeMux()
		mux.HandleFunc("GET /checkout/{$}", func(w http.ResponseWriter, r *http.Request) {
			var conn net.Conn
			var rw *bufio.ReadWriter
			var err error
			if viaController {
				conn, rw, err = http.NewResponseController(w).Hijack()
			} else {
				conn, rw, err = w.(http.Hijacker).Hijack()
			}
			if err != nil {
				t.Errorf("Hijack: %v", err)
				return
			}
			defer conn.Close()
			mock.Add(10 * 1e9) // a long websocket session: not a latency
			rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nhello")
			rw.Flush()
		})
		s := startServer(t, newMiddleware(t, reg, withPatterns())(mux), false)
		conn, err := net.Dial("tcp", s.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conn.Write([]byte("GET /checkout/ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"))
		got, _ := io.ReadAll(conn)
		conn.Close()
		if !bytes.HasPrefix(got, []byte("HTTP/1.1 101")) || !bytes.HasSuffix(got, []byte("hello")) {
			t.Errorf("the client read %q", got)
		}
		s.wait(t)
		if d := diffTotals(totals(reg, mock), map[string]counts{"checkout/availability": {1, 0}}); d != "" {
			t.Errorf("hijacked (through ResponseController: %v): events:%s", viaController, d)
		}
	}
}

// TestReadFrom sends a body through io.ReaderFrom (sendfile on HTTP/1.1).
func TestReadFrom(t *testing.T) {
	reg, mock := newRegistry(t, objectives)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.(io.ReaderFrom).ReadFrom(io.LimitReader(strings.NewReader("a page"), 100))
	})
	s := startServer(t, newMiddleware(t, reg, withPatterns())(mux), false)
	resp, err := s.Client().Get(s.URL + "/login/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	s.wait(t)
	if resp.StatusCode != 200 || string(body) != "a page" {
		t.Errorf("GET /login/ = %d %q, want 200 \"a page\"", resp.StatusCode, body)
	}
	if d := diffTotals(totals(reg, mock), map[string]counts{"login/availability": {1, 0}}); d != "" {
		t.Errorf("events:%s", d)
	}
}

// TestPushHTTP2 passes Push on to the HTTP/2 server, which refuses it
// because Go's client disables push: the error must be the server's.
func TestPushHTTP2(t *testing.T) {
	reg, _ := newRegistry(t, objectives)
	var bareErr, err error
	bare := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bareErr = w.(http.Pusher).Push("/style.css", nil)
	}), true)
	bare.do(t, "GET", "/")
	wrapped := startServer(t, newMiddleware(t, reg)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err = w.(http.Pusher).Push("/style.css", nil)
	})), true)
	wrapped.do(t, "GET", "/")
	if err != bareErr || err == nil {
		t.Errorf("Push = %v with the middleware, %v without; want the same error", err, bareErr)
	}
}

// TestStreamHTTP2 streams server-sent events over HTTP/2: good, untimed.
func TestStreamHTTP2(t *testing.T) {
	reg, mock := newRegistry(t, objectives)
	mux := http.NewServeMux()
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := 0; i < 3; i++ {
			io.WriteString(w, "data: tick\n\n")
			w.(http.Flusher).Flush()
			mock.Add(1e9)
		}
	})
	s := startServer(t, newMiddleware(t, reg, withPatterns())(mux), true)
	if status, _ := s.do(t, "GET", "/stream"); status != 200 {
		t.Errorf("GET /stream = %d, want 200", status)
	}
	if d := diffTotals(totals(reg, mock), map[string]counts{"checkout/availability": {1, 0}}); d != "" {
		t.Errorf("events:%s", d)
	}
}

func withPatterns() slohttp.Option { return slohttp.WithPatterns(patterns) }

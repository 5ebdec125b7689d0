package slohttp

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/journeyslo/journeyslo/internal/holder"
	"github.com/journeyslo/journeyslo/slo"
)

// state is what the middleware knows of one request while it is served. It
// is reached by the handler through the ResponseWriter chain (see stateOf),
// which costs nothing, where a holder in the request context would cost two
// allocations per request.
//
// A state is pooled: it belongs to one request from the middleware's Get to
// its Put, after the handler returned. As net/http already requires, a
// handler must not use the ResponseWriter once it returned; one that did
// would write into whichever request reuses the state. A hijacked
// connection's state is never put back, because code owning the connection
// may outlive the handler.
type state struct {
	w        http.ResponseWriter // the writer wrapped
	ctx      context.Context     // the request's, for ContextErr
	cfg      *config             // to resolve the journey names handlers give
	resp     Response
	journey  *slo.Journey // set by SetJourney; nil when unset
	pattern  string       // copied by CapturePattern
	captured bool         // whether CapturePattern ran
}

// writer is the pooled value. Each view type below is defined from it, so a
// *writer converts to any view for free, and every view has the methods of
// the embedded *state: Header, Write, WriteString, WriteHeader and Unwrap.
type writer struct{ state }

var writers = sync.Pool{New: func() any { return new(writer) }}

// slostate marks the middleware's writers; stateOf looks for it.
func (s *state) slostate() *state { return s }

// stateOf returns the state of the middleware's writer that w is or wraps,
// following Unwrap as http.ResponseController does, or nil.
func stateOf(w http.ResponseWriter) *state {
	if v, ok := holder.Find[interface{ slostate() *state }](w); ok {
		return v.slostate()
	}
	return nil
}

// MarkSLO marks the request Bad or Excluded (a holder mark), for code that
// cannot import this package (internal/holder.Exclude, which slostatus's
// handlers call); MarkBad and Exclude are the public forms.
func (s *state) MarkSLO(m uint32) { s.resp.Mark = markOutcome(m) }

// Header returns the header map of the wrapped writer.
func (s *state) Header() http.Header { return s.w.Header() }

// WriteHeader notes the first final status and passes every call on, so
// that the wrapped writer decides, as without the middleware, what the
// client sees. Informational codes (1xx but 101) precede the final one.
func (s *state) WriteHeader(code int) {
	if !s.resp.Written && !s.resp.Hijacked && (code < 100 || code > 199 || code == http.StatusSwitchingProtocols) {
		s.wrote(code)
	}
	s.w.WriteHeader(code)
}

func (s *state) wrote(code int) {
	s.resp.Written = true
	s.resp.Status = code
	s.resp.ContextErr = s.ctx.Err()
}

// Write notes an implicit 200 before the first byte, as net/http sends.
func (s *state) Write(b []byte) (int, error) {
	if !s.resp.Written && !s.resp.Hijacked {
		s.wrote(http.StatusOK)
	}
	return s.w.Write(b)
}

// WriteString writes s without converting it to a byte slice when the
// wrapped writer can, as io.WriteString would with it directly. It adds no
// capability: io.StringWriter is an optimization of Write.
func (s *state) WriteString(str string) (int, error) {
	if !s.resp.Written && !s.resp.Hijacked {
		s.wrote(http.StatusOK)
	}
	if sw, ok := s.w.(io.StringWriter); ok {
		return sw.WriteString(str)
	}
	return s.w.Write([]byte(str))
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (s *state) Unwrap() http.ResponseWriter { return s.w }

func (s *state) flush() {
	if !s.resp.Written && !s.resp.Hijacked {
		s.wrote(http.StatusOK)
	}
	s.resp.Streamed = true
	s.w.(http.Flusher).Flush()
}

func (s *state) hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := s.w.(http.Hijacker).Hijack()
	if err == nil {
		s.resp.Hijacked = true
	}
	return c, rw, err
}

func (s *state) push(target string, opts *http.PushOptions) error {
	return s.w.(http.Pusher).Push(target, opts)
}

func (s *state) readFrom(r io.Reader) (int64, error) {
	if !s.resp.Written && !s.resp.Hijacked {
		s.wrote(http.StatusOK)
	}
	return s.w.(io.ReaderFrom).ReadFrom(r)
}

// Capability bits of a wrapped writer.
const (
	canFlush = 1 << iota
	canHijack
	canPush
	canReadFrom
)

// capabilities returns which optional interfaces w implements.
func capabilities(w http.ResponseWriter) uint8 {
	var c uint8
	if _, ok := w.(http.Flusher); ok {
		c |= canFlush
	}
	if _, ok := w.(http.Hijacker); ok {
		c |= canHijack
	}
	if _, ok := w.(http.Pusher); ok {
		c |= canPush
	}
	if _, ok := w.(io.ReaderFrom); ok {
		c |= canReadFrom
	}
	return c
}

// A capsCache remembers the capabilities of the few writer types a server
// hands out (one for HTTP/1, one for HTTP/2, those of other middleware), so
// that a request costs one type comparison instead of four interface
// checks. A slot is filled once, by the first type that finds it empty;
// other types are checked each time.
type capsCache [4]atomic.Pointer[capsEntry]

type capsEntry struct {
	typ  reflect.Type
	caps uint8
}

func (c *capsCache) get(w http.ResponseWriter) uint8 {
	t := reflect.TypeOf(w)
	for i := range c {
		e := c[i].Load()
		if e == nil {
			caps := capabilities(w)
			c[i].CompareAndSwap(nil, &capsEntry{typ: t, caps: caps})
			return caps
		}
		if e.typ == t {
			return e.caps
		}
	}
	return capabilities(w)
}

// view returns p as the view type with exactly the optional interfaces
// caps says the wrapped writer has: a handler that checks for http.Flusher
// must find one exactly when the server offers it. Every view is a
// pointer, so the conversion to http.ResponseWriter allocates nothing.
func (p *writer) view(caps uint8) http.ResponseWriter {
	switch caps {
	case 0:
		return (*rw)(p)
	case canFlush:
		return (*rwF)(p)
	case canHijack:
		return (*rwH)(p)
	case canFlush | canHijack:
		return (*rwFH)(p)
	case canPush:
		return (*rwP)(p)
	case canFlush | canPush:
		return (*rwFP)(p)
	case canHijack | canPush:
		return (*rwHP)(p)
	case canFlush | canHijack | canPush:
		return (*rwFHP)(p)
	case canReadFrom:
		return (*rwR)(p)
	case canFlush | canReadFrom:
		return (*rwFR)(p)
	case canHijack | canReadFrom:
		return (*rwHR)(p)
	case canFlush | canHijack | canReadFrom:
		return (*rwFHR)(p)
	case canPush | canReadFrom:
		return (*rwPR)(p)
	case canFlush | canPush | canReadFrom:
		return (*rwFPR)(p)
	case canHijack | canPush | canReadFrom:
		return (*rwHPR)(p)
	default:
		return (*rwFHPR)(p)
	}
}

// The views: F Flusher, H Hijacker, P Pusher, R io.ReaderFrom.
type (
	rw     writer
	rwF    writer
	rwH    writer
	rwFH   writer
	rwP    writer
	rwFP   writer
	rwHP   writer
	rwFHP  writer
	rwR    writer
	rwFR   writer
	rwHR   writer
	rwFHR  writer
	rwPR   writer
	rwFPR  writer
	rwHPR  writer
	rwFHPR writer
)

func (w *rwF) Flush()    { w.flush() }
func (w *rwFH) Flush()   { w.flush() }
func (w *rwFP) Flush()   { w.flush() }
func (w *rwFHP) Flush()  { w.flush() }
func (w *rwFR) Flush()   { w.flush() }
func (w *rwFHR) Flush()  { w.flush() }
func (w *rwFPR) Flush()  { w.flush() }
func (w *rwFHPR) Flush() { w.flush() }

func (w *rwH) Hijack() (net.Conn, *bufio.ReadWriter, error)    { return w.hijack() }
func (w *rwFH) Hijack() (net.Conn, *bufio.ReadWriter, error)   { return w.hijack() }
func (w *rwHP) Hijack() (net.Conn, *bufio.ReadWriter, error)   { return w.hijack() }
func (w *rwFHP) Hijack() (net.Conn, *bufio.ReadWriter, error)  { return w.hijack() }
func (w *rwHR) Hijack() (net.Conn, *bufio.ReadWriter, error)   { return w.hijack() }
func (w *rwFHR) Hijack() (net.Conn, *bufio.ReadWriter, error)  { return w.hijack() }
func (w *rwHPR) Hijack() (net.Conn, *bufio.ReadWriter, error)  { return w.hijack() }
func (w *rwFHPR) Hijack() (net.Conn, *bufio.ReadWriter, error) { return w.hijack() }

func (w *rwP) Push(t string, o *http.PushOptions) error    { return w.push(t, o) }
func (w *rwFP) Push(t string, o *http.PushOptions) error   { return w.push(t, o) }
func (w *rwHP) Push(t string, o *http.PushOptions) error   { return w.push(t, o) }
func (w *rwFHP) Push(t string, o *http.PushOptions) error  { return w.push(t, o) }
func (w *rwPR) Push(t string, o *http.PushOptions) error   { return w.push(t, o) }
func (w *rwFPR) Push(t string, o *http.PushOptions) error  { return w.push(t, o) }
func (w *rwHPR) Push(t string, o *http.PushOptions) error  { return w.push(t, o) }
func (w *rwFHPR) Push(t string, o *http.PushOptions) error { return w.push(t, o) }

func (w *rwR) ReadFrom(r io.Reader) (int64, error)    { return w.readFrom(r) }
func (w *rwFR) ReadFrom(r io.Reader) (int64, error)   { return w.readFrom(r) }
func (w *rwHR) ReadFrom(r io.Reader) (int64, error)   { return w.readFrom(r) }
func (w *rwFHR) ReadFrom(r io.Reader) (int64, error)  { return w.readFrom(r) }
func (w *rwPR) ReadFrom(r io.Reader) (int64, error)   { return w.readFrom(r) }
func (w *rwFPR) ReadFrom(r io.Reader) (int64, error)  { return w.readFrom(r) }
func (w *rwHPR) ReadFrom(r io.Reader) (int64, error)  { return w.readFrom(r) }
func (w *rwFHPR) ReadFrom(r io.Reader) (int64, error) { return w.readFrom(r) }

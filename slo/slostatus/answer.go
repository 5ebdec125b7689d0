package slostatus

import (
	"bytes"
	"compress/flate"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// An answer is one response of a handler, computed once per registry
// generation (and per whatever else it depends on: the stalled state, the
// gate's override, the format) and served to every request of that
// generation: its body is fixed text with holes, the few figures that
// depend on the instant of each request (the lag, the time, the wait
// before a closed gate reopens), filled per request. Its gzip form is
// compressed once, on the first request that accepts it: the fixed text
// as deflate blocks, each flushed to a byte boundary, so that a request
// joins them with its holes as stored blocks and compresses nothing.
type answer struct {
	gen uint64
	// at is the instant of the evaluation the answer reports: the holes
	// measure the request's instant from it.
	at time.Time
	// cacheable is false when the registry advanced through every attempt
	// to read it in one generation: the answer is served once, not kept.
	cacheable bool

	code   int
	header [][2]string // Content-Type and the like, set on every response
	// parts are the fixed text, one more than holes: parts[0] holes[0]
	// parts[1] ... holes[n-1] parts[n].
	parts [][]byte
	holes []hole
	// reopen is when a gate expects to reopen, for the reopensIn hole and
	// Retry-After; zero when it cannot say.
	reopen time.Time
	// retry says whether the response carries Retry-After: a closed gate.
	retry bool
	// tag identifies parts and holes: the ETag's part that does not change
	// within the answer.
	tag string

	gzOnce sync.Once
	gz     *deflated
}

// A hole is a figure of the request's instant in an answer's body.
type hole uint8

const (
	holeNow        hole = iota // the request's instant, as instant writes it
	holeLagSeconds             // the lag in seconds, a JSON number
	holeLag                    // the lag as time.Duration writes it
	holeSpan                   // the lag as formatSpan writes it
	holeReopensIn              // the wait before a closed gate reopens, at least 1s
	holeKinds
)

// numeric reports whether the hole is a JSON number: its marker is written
// as a string, whose quotes the answer drops.
func (k hole) numeric() bool { return k == holeLagSeconds }

// A moment is what a request adds to an answer: its instant, and the lag
// since the evaluation the answer reports.
type moment struct {
	now time.Time
	lag time.Duration
}

// fill appends the hole's text at m.
func (a *answer) fill(dst []byte, k hole, m moment) []byte {
	switch k {
	case holeNow:
		return m.now.UTC().AppendFormat(dst, time.RFC3339Nano)
	case holeLagSeconds:
		b, _ := number(m.lag.Seconds()).MarshalJSON() // a finite float never fails
		return append(dst, b...)
	case holeLag:
		return append(dst, m.lag.String()...)
	case holeSpan:
		return append(dst, formatSpan(m.lag)...)
	case holeReopensIn:
		return append(dst, burnrate.FormatWindow(a.wait(m))...)
	}
	return dst
}

// wait is how long from m until the gate expects to reopen, to the second
// and at least one, as its output says it; PollInterval when it cannot
// say.
func (a *answer) wait(m moment) time.Duration {
	if a.reopen.IsZero() {
		return PollInterval
	}
	return max(time.Second, a.reopen.Sub(m.now)).Round(time.Second)
}

// markerNonce makes the holes' markers unguessable, so that no text of
// the registry (a journey's name, a runbook link, a title) can be taken
// for one.
var markerNonce = func() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}()

const markerOpen, markerClose = "\u27ea", "\u27eb" // ⟪ ⟫

// marker is the text a renderer writes where the hole goes; newAnswer cuts
// the body there.
func marker(k hole) string {
	return markerOpen + markerNonce + ":" + string(rune('a'+k)) + markerClose
}

// markerJSON is marker as a JSON value: a string, which stands for a
// number hole's number.
func markerJSON(k hole) []byte { return []byte(`"` + marker(k) + `"`) }

// newAnswer cuts body at its markers into an answer of generation gen
// reporting the evaluation at at.
func newAnswer(gen uint64, at time.Time, code int, body []byte, header ...[2]string) *answer {
	a := &answer{gen: gen, at: at, code: code, header: header, cacheable: true}
	open := []byte(markerOpen + markerNonce + ":")
	for {
		i := bytes.Index(body, open)
		if i < 0 {
			break
		}
		rest := body[i+len(open):]
		if len(rest) < 1+len(markerClose) || !bytes.HasPrefix(rest[1:], []byte(markerClose)) || hole(rest[0]-'a') >= holeKinds {
			break // unreachable: markers are written by marker alone
		}
		k := hole(rest[0] - 'a')
		cut, next := i, i+len(open)+1+len(markerClose)
		if k.numeric() && cut > 0 && body[cut-1] == '"' && next < len(body) && body[next] == '"' {
			cut, next = cut-1, next+1
		}
		a.parts = append(a.parts, body[:cut:cut])
		a.holes = append(a.holes, k)
		body = body[next:]
	}
	a.parts = append(a.parts, body)
	sum := sha256.New()
	for i, p := range a.parts {
		sum.Write(p)
		if i < len(a.holes) {
			sum.Write([]byte{0, byte(a.holes[i])})
		}
	}
	a.tag = base64.RawURLEncoding.EncodeToString(sum.Sum(nil)[:18])
	return a
}

// size is the length of the body at m, given the holes' text.
func (a *answer) size(holes [][]byte) int {
	n := 0
	for _, p := range a.parts {
		n += len(p)
	}
	for _, h := range holes {
		n += len(h)
	}
	return n
}

// serve writes the answer at m: the body in identity or gzip, and, for a
// successful response, an ETag that a conditional request matches.
func (a *answer) serve(w http.ResponseWriter, r *http.Request, m moment) {
	var scratch [128]byte
	buf := scratch[:0]
	holes := make([][]byte, len(a.holes))
	for i, k := range a.holes {
		start := len(buf)
		buf = a.fill(buf, k, m)
		holes[i] = buf[start:len(buf):len(buf)]
	}
	gz := acceptsGzip(r.Header.Values("Accept-Encoding"))

	h := w.Header()
	for _, kv := range a.header {
		h.Set(kv[0], kv[1])
	}
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	if a.retry {
		wait := PollInterval
		if !a.reopen.IsZero() {
			wait = max(time.Second, a.reopen.Sub(m.now))
		}
		h.Set("Retry-After", strconv.FormatInt(int64(math.Ceil(wait.Seconds())), 10))
	}
	// A validator for successful answers only: preconditions do not apply
	// to any other (RFC 9110, 13.2.1), and a closed gate's 503 must reach
	// the pipeline whole every time.
	if a.code >= 200 && a.code < 300 {
		etag := a.etag(holes, gz)
		h.Set("ETag", etag)
		if matches(r.Header.Values("If-None-Match"), etag) {
			h.Del("Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if gz {
		a.serveGzip(w, r, holes)
		return
	}
	h.Set("Content-Length", strconv.Itoa(a.size(holes)))
	w.WriteHeader(a.code)
	if r.Method == http.MethodHead {
		return
	}
	for i, p := range a.parts {
		w.Write(p)
		if i < len(holes) {
			w.Write(holes[i])
		}
	}
}

// etag is the answer's strong entity tag with these holes: the fixed
// text's hash, the holes' and the encoding's.
func (a *answer) etag(holes [][]byte, gz bool) string {
	var b strings.Builder
	b.WriteByte('"')
	b.WriteString(a.tag)
	if len(holes) > 0 {
		f := fnv.New64a()
		for _, h := range holes {
			f.Write(h)
			f.Write([]byte{0})
		}
		b.WriteByte('-')
		b.WriteString(strconv.FormatUint(f.Sum64(), 36))
	}
	if gz {
		b.WriteString("-gzip")
	}
	b.WriteByte('"')
	return b.String()
}

// matches reports whether an If-None-Match field's entity tags hold etag,
// by weak comparison (RFC 9110, 13.1.2), or are "*".
func matches(fields []string, etag string) bool {
	for _, f := range fields {
		for t := range strings.SplitSeq(f, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == etag {
				return true
			}
		}
	}
	return false
}

// acceptsGzip reports whether Accept-Encoding fields accept gzip: named
// (gzip or x-gzip) or through "*", with a weight above zero.
func acceptsGzip(fields []string) bool {
	star, named := false, false
	for _, f := range fields {
		for c := range strings.SplitSeq(f, ",") {
			name, params, _ := strings.Cut(c, ";")
			name = strings.ToLower(strings.TrimSpace(name))
			ok := true
			for p := range strings.SplitSeq(params, ";") {
				k, v, _ := strings.Cut(p, "=")
				if strings.EqualFold(strings.TrimSpace(k), "q") {
					q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					ok = err == nil && q > 0
				}
			}
			switch name {
			case "gzip", "x-gzip":
				if !ok {
					return false
				}
				named = true
			case "*":
				star = ok
			}
		}
	}
	return named || star
}

// deflated is an answer's fixed text compressed: each part as deflate
// blocks ending on a byte boundary (a sync flush), none of them final,
// with its CRC-32 and the operator that moves a CRC past it.
type deflated struct {
	parts [][]byte
	crcs  []uint32
	ops   []uint32 // x^(8·len(part)) modulo the CRC-32 polynomial
}

// flaters keeps compressors between answers: each costs hundreds of
// kilobytes to make.
var flaters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed) // a valid level never fails
	return w
}}

// deflate compresses the answer's parts, once.
func (a *answer) deflate() *deflated {
	a.gzOnce.Do(func() {
		d := &deflated{}
		fw := flaters.Get().(*flate.Writer)
		var buf bytes.Buffer
		for _, p := range a.parts {
			buf.Reset()
			if len(p) > 0 {
				// A part starts afresh: its blocks must not refer back
				// into the part before, with a hole between them.
				fw.Reset(&buf)
				fw.Write(p)
				fw.Flush()
			}
			d.parts = append(d.parts, bytes.Clone(buf.Bytes()))
			d.crcs = append(d.crcs, crc32.ChecksumIEEE(p))
			d.ops = append(d.ops, crcShift(int64(len(p))))
		}
		flaters.Put(fw)
		a.gz = d
	})
	return a.gz
}

// The gzip member's header (RFC 1952: deflate, no name, no time, unknown
// system) and the empty final stored block that ends its deflate stream.
var (
	gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}
	finalBlock = []byte{1, 0, 0, 0xff, 0xff}
)

// serveGzip writes the answer as one gzip member: its compressed parts
// and its holes as stored blocks.
func (a *answer) serveGzip(w http.ResponseWriter, r *http.Request, holes [][]byte) {
	d := a.deflate()
	var crc uint32
	n := len(gzipHeader) + len(finalBlock) + 8
	heads := make([][5]byte, len(holes))
	for i, p := range d.parts {
		n += len(p)
		crc = crcMul(d.ops[i], crc) ^ d.crcs[i]
		if i < len(holes) {
			h := holes[i] // a few dozen bytes: one stored block
			l := uint16(len(h))
			heads[i] = [5]byte{0, byte(l), byte(l >> 8), ^byte(l), ^byte(l >> 8)}
			n += len(heads[i]) + len(h)
			crc = crc32.Update(crc, crc32.IEEETable, h)
		}
	}
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], crc)
	binary.LittleEndian.PutUint32(trailer[4:], uint32(a.size(holes)))

	h := w.Header()
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(a.code)
	if r.Method == http.MethodHead {
		return
	}
	w.Write(gzipHeader)
	for i, p := range d.parts {
		w.Write(p)
		if i < len(holes) {
			w.Write(heads[i][:])
			w.Write(holes[i])
		}
	}
	w.Write(finalBlock)
	w.Write(trailer[:])
}

// The CRC-32 of a concatenation from its parts' CRCs: the CRC of a||b is
// that of a moved past len(b) zero bytes, xor that of b. Moving a CRC past
// n bytes is multiplying it by x^(8n) modulo the polynomial, in the
// reflected bit order of CRC-32 (bit 31 is x^0).

// crcPoly is CRC-32's polynomial, reflected.
const crcPoly = 0xedb88320

// crcMul returns a·b modulo crcPoly.
func crcMul(a, b uint32) uint32 {
	var p uint32
	for m := uint32(1) << 31; m != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
		}
		if b&1 != 0 { // b·x
			b = b>>1 ^ crcPoly
		} else {
			b >>= 1
		}
	}
	return p
}

// crcPowers[k] is x^(2^k) modulo crcPoly.
var crcPowers = func() (t [64]uint32) {
	t[0] = 1 << 30 // x
	for k := 1; k < len(t); k++ {
		t[k] = crcMul(t[k-1], t[k-1])
	}
	return t
}()

// crcShift returns x^(8n) modulo crcPoly, the operator that moves a CRC
// past n bytes.
func crcShift(n int64) uint32 {
	p := uint32(1) << 31 // x^0
	for k := 3; n > 0; k, n = k+1, n>>1 {
		if n&1 != 0 {
			p = crcMul(crcPowers[k], p)
		}
	}
	return p
}

// answers keeps a handler's last answer and computes a missing one once,
// however many requests ask for it together: the others wait for it.
type answers[K comparable] struct {
	mu      sync.Mutex
	key     K
	last    *answer
	flights map[K]*flight
}

type flight struct {
	done chan struct{}
	a    *answer
}

// get returns the answer for k, computing it with compute unless it is
// the last one or being computed. compute returns the key of what it
// computed, which may be of a later generation than k's when the
// registry advanced meanwhile.
func (c *answers[K]) get(k K, compute func() (K, *answer)) *answer {
	c.mu.Lock()
	if c.last != nil && c.key == k {
		a := c.last
		c.mu.Unlock()
		return a
	}
	if f, ok := c.flights[k]; ok {
		c.mu.Unlock()
		<-f.done
		return f.a
	}
	f := &flight{done: make(chan struct{})}
	if c.flights == nil {
		c.flights = map[K]*flight{}
	}
	c.flights[k] = f
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.flights, k)
		c.mu.Unlock()
		close(f.done) // also if compute panicked: the waiters then get nil
	}()
	got, a := compute()
	f.a = a
	c.mu.Lock()
	if a.cacheable && (c.last == nil || a.gen >= c.last.gen) {
		c.key, c.last = got, a
	}
	c.mu.Unlock()
	return a
}

// generation reads the registry's generation and its staleness at one
// instant: the lag is measured from the evaluation of that generation.
func generation(reg *slo.Registry) (gen uint64, lag time.Duration, stalled bool) {
	for range 4 {
		gen = reg.Generation()
		lag, stalled = reg.Staleness()
		if reg.Generation() == gen {
			break
		}
	}
	return gen, lag, stalled
}

// respond serves a, an answer for generation gen read with lag: the
// request's instant is the evaluation's plus the lag, so that every
// figure of the response is of one reading of the clock. An answer of
// another generation (the registry advanced while it was computed) is
// measured from its own evaluation, by the clock.
func respond(w http.ResponseWriter, r *http.Request, reg *slo.Registry, a *answer, gen uint64, lag time.Duration) {
	if a == nil {
		// Unreachable: computing it panicked, and the request that
		// computed it carries the panic. Say so rather than nothing.
		http.Error(w, "slostatus: the answer could not be computed", http.StatusInternalServerError)
		return
	}
	if a.gen != gen {
		lag = reg.Clock().Since(a.at)
	}
	a.serve(w, r, moment{now: a.at.Add(lag), lag: lag})
}

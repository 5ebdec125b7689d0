// Package promapi queries the HTTP API of Prometheus and of what serves it
// (Thanos Querier, Mimir's Prometheus path): instant queries
// (/api/v1/query) and range queries (/api/v1/query_range), with net/http
// and encoding/json only.
//
// It exists because every reader of outside input in journeyslo is
// bounded: an answer is read through a size cap ([DefaultMaxAnswer] unless
// [WithMaxAnswer] says otherwise) and refused as soon as it passes it,
// never buffered whole first, and a query is bounded by its context, whose
// deadline is also sent to the server so that it stops evaluating when the
// client stops waiting. It is small on purpose: the values are plain maps
// and slices that the callers (slo/slofleet, slo/slobacktest,
// internal/promtest) read directly, and its only dependency is the
// standard library, so that no release of a Prometheus library can change
// what the callers compile against.
package promapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultMaxAnswer is the most bytes of one answer a [Client] reads unless
// [WithMaxAnswer] says otherwise: 16 MiB, some 50,000 series of a vector
// or a million points of a matrix, far more than an aggregated query
// returns, and small enough that a runaway query cannot take a process's
// memory.
const DefaultMaxAnswer = 16 << 20

// ErrTooLarge is wrapped by the error of a query whose answer is larger
// than the client's cap.
var ErrTooLarge = errors.New("promapi: answer too large")

// A Client queries one Prometheus API. It holds no state between queries
// and is safe for concurrent use. Make one with [New].
type Client struct {
	base     string // the address without a trailing slash
	redacted string // the address without a password, for messages
	client   *http.Client
	max      int64
}

// An Option changes how a [Client] queries.
type Option func(*Client)

// WithHTTPClient sends the queries through c (for TLS, authentication or a
// proxy, in its Transport). The default is http.DefaultClient. A nil c
// keeps the default.
func WithHTTPClient(c *http.Client) Option {
	return func(cl *Client) {
		if c != nil {
			cl.client = c
		}
	}
}

// WithMaxAnswer sets the most bytes of one answer the client reads, after
// any Content-Encoding is undone; n of zero or less keeps
// [DefaultMaxAnswer].
func WithMaxAnswer(n int64) Option {
	return func(cl *Client) {
		if n > 0 {
			cl.max = n
		}
	}
}

// CheckAddress returns nil when address is the base URL of an API the
// client can query (an absolute http or https URL with a host, and no
// query or fragment), or an error saying what is wrong and what would be
// right, without a prefix, for the caller to put its own name in front.
func CheckAddress(address string) error {
	_, err := parseAddress(address)
	return err
}

func parseAddress(address string) (*url.URL, error) {
	if address == "" {
		return nil, errors.New("address is empty; give the base URL of the Prometheus API, such as http://prometheus:9090")
	}
	u, err := url.Parse(address)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("address %q is not an absolute http or https URL; give the base URL of the Prometheus API, such as http://prometheus:9090", cut(address, 100))
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return nil, fmt.Errorf("address %q has a query or a fragment; give the base URL of the Prometheus API only, such as http://prometheus:9090 or http://mimir/prometheus", u.Redacted())
	}
	return u, nil
}

// New returns a client of the API at address, its base URL (such as
// http://prometheus:9090, or http://mimir:8080/prometheus), to which
// /api/v1/query is appended. An address that [CheckAddress] refuses is an
// error. It sends nothing.
func New(address string, opts ...Option) (*Client, error) {
	u, err := parseAddress(address)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:     strings.TrimSuffix(address, "/"),
		redacted: strings.TrimSuffix(u.Redacted(), "/"),
		client:   http.DefaultClient,
		max:      DefaultMaxAnswer,
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// Address returns the client's base URL as given to [New], less any
// password, for messages.
func (c *Client) Address() string { return c.redacted }

// MaxAnswer returns the most bytes of one answer the client reads.
func (c *Client) MaxAnswer() int64 { return c.max }

// Labels are the labels of a series, by name; the metric's name, if any,
// is the label __name__ ([MetricName]).
type Labels map[string]string

// MetricName is the label that holds a series' metric name.
const MetricName = "__name__"

// String writes the labels as Prometheus does: the metric's name, then
// the other labels sorted by name in braces, such as
// up{instance="a:9100", job="node"}; {} when there are none.
func (l Labels) String() string {
	names := make([]string, 0, len(l))
	for k := range l {
		if k != MetricName {
			names = append(names, k)
		}
	}
	name := l[MetricName]
	if len(names) == 0 && name != "" {
		return name
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('{')
	for i, k := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.Quote(l[k]))
	}
	b.WriteByte('}')
	return b.String()
}

// A Point is a value at an instant.
type Point struct {
	Time  time.Time
	Value float64
}

// A Sample is one series' value at the instant of an instant query.
type Sample struct {
	Metric Labels
	Time   time.Time
	// Value is the float value; NaN and ±Inf as Prometheus writes them.
	Value float64
	// Histogram is set when the value is a native histogram, which this
	// client does not read: Value is then 0.
	Histogram bool
}

// A Series is one series' values over a range query's instants.
type Series struct {
	Metric Labels
	// Points are the float values, in the order of their instants.
	Points []Point
	// Histograms counts the native histograms among the values, which
	// this client does not read and which Points leaves out.
	Histograms int
}

// A Result is a successful answer.
type Result struct {
	// Type is the type of the result: "vector", "matrix", "scalar" or
	// "string".
	Type string
	// Vector holds a vector's samples, Matrix a matrix's series.
	Vector []Sample
	Matrix []Series
	// Scalar holds a scalar, or the instant of a string.
	Scalar Point
	// String holds a string.
	String string
	// Warnings are the server's warnings: the answer may be partial (a
	// Thanos store that did not answer) or its values doubtful.
	Warnings []string
	// Infos are the server's notes on the query (Prometheus 3's info
	// annotations): the answer is whole, but the query may not mean what
	// its author thinks.
	Infos []string
}

// An Error is an answer that is not a success: an error answer of the API
// (Type and Message are the server's errorType and error), or an answer
// that is not the API's at all (Type is empty; Message quotes the start
// of the body).
type Error struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Type is the API's errorType, such as bad_data, execution, timeout,
	// canceled, internal or unavailable; empty when the answer was not
	// the API's.
	Type string
	// Message is the API's error, or what was answered instead.
	Message string
	// Warnings are the warnings that came with an error answer.
	Warnings []string
}

// Error returns "type: message" as Prometheus writes its errors, or the
// message alone when the answer was not the API's.
func (e *Error) Error() string {
	if e.Type == "" {
		return e.Message
	}
	return e.Type + ": " + e.Message
}

// Query evaluates expr at the instant at. The query is bounded by ctx;
// its deadline, if any, is sent as the query's timeout.
func (c *Client) Query(ctx context.Context, expr string, at time.Time) (*Result, error) {
	form := url.Values{"query": {expr}, "time": {at.UTC().Format(time.RFC3339Nano)}}
	return c.do(ctx, "/api/v1/query", form)
}

// QueryRange evaluates expr at start and every step after it up to end.
// The query is bounded by ctx; its deadline, if any, is sent as the
// query's timeout.
func (c *Client) QueryRange(ctx context.Context, expr string, start, end time.Time, step time.Duration) (*Result, error) {
	form := url.Values{
		"query": {expr},
		"start": {start.UTC().Format(time.RFC3339Nano)},
		"end":   {end.UTC().Format(time.RFC3339Nano)},
		"step":  {seconds(step)},
	}
	return c.do(ctx, "/api/v1/query_range", form)
}

// seconds writes d as decimal seconds, as the API reads durations.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// do sends the query form to path: by POST, as Prometheus prefers (no
// limit on the query's length), and again by GET when the server (or a
// proxy before it) answers 405 Method Not Allowed.
func (c *Client) do(ctx context.Context, path string, form url.Values) (*Result, error) {
	if dl, ok := ctx.Deadline(); ok {
		// The server stops evaluating when the client stops waiting;
		// rounded up to the millisecond, its resolution.
		if left := time.Until(dl); left > 0 {
			form.Set("timeout", seconds((left + time.Millisecond - 1).Truncate(time.Millisecond)))
		}
	}
	endpoint := c.base + path
	body := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusMethodNotAllowed {
		resp.Body.Close()
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"?"+body, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json")
		if resp, err = c.client.Do(req); err != nil {
			return nil, err
		}
	}
	defer resp.Body.Close()
	return c.read(ctx, path, resp)
}

// read reads and decodes the answer of path, to the client's cap.
func (c *Client) read(ctx context.Context, path string, resp *http.Response) (*Result, error) {
	where := c.redacted + path
	if resp.ContentLength > c.max {
		return nil, fmt.Errorf("%w: the answer of %s is %d bytes long, more than the %d this client reads", ErrTooLarge, where, resp.ContentLength, c.max)
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	_, err := buf.ReadFrom(&capped{r: resp.Body, left: c.max})
	switch {
	case errors.Is(err, errOverCap):
		return nil, fmt.Errorf("%w: the answer of %s is longer than the %d bytes this client reads", ErrTooLarge, where, c.max)
	case err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()):
		return nil, fmt.Errorf("reading the answer of %s: %w (%w)", where, err, ctx.Err())
	case err != nil:
		return nil, fmt.Errorf("reading the answer of %s: %w", where, err)
	}
	var a answer
	if err := json.Unmarshal(buf.Bytes(), &a); err != nil || (a.Status != "success" && a.Status != "error") {
		return nil, &Error{StatusCode: resp.StatusCode,
			Message: fmt.Sprintf("%s answered %s, not an answer of the Prometheus API: %q", where, resp.Status, cut(buf.String(), 64))}
	}
	warnings, infos := cutAll(a.Warnings), cutAll(a.Infos)
	if a.Status == "error" {
		typ := cut(a.ErrorType, 40)
		if typ == "" {
			typ = "error"
		}
		return nil, &Error{StatusCode: resp.StatusCode, Type: typ, Message: cut(a.Error, 1024), Warnings: warnings}
	}
	r := &Result{Type: a.Data.ResultType, Warnings: warnings, Infos: infos}
	if err := r.decode(a.Data.Result); err != nil {
		return nil, &Error{StatusCode: resp.StatusCode,
			Message: fmt.Sprintf("%s answered a result of type %q that cannot be read: %v", where, cut(r.Type, 40), err)}
	}
	return r, nil
}

// answer is an answer as the API writes it.
type answer struct {
	Status string `json:"status"`
	Data   struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	} `json:"data"`
	ErrorType string   `json:"errorType"`
	Error     string   `json:"error"`
	Warnings  []string `json:"warnings"`
	Infos     []string `json:"infos"`
}

// wireSample is a sample of a vector as the API writes it.
type wireSample struct {
	Metric    Labels          `json:"metric"`
	Value     *Point          `json:"value"`
	Histogram json.RawMessage `json:"histogram"`
}

// wireSeries is a series of a matrix as the API writes it.
type wireSeries struct {
	Metric     Labels            `json:"metric"`
	Values     []Point           `json:"values"`
	Histograms []json.RawMessage `json:"histograms"`
}

// decode reads the result of r.Type.
func (r *Result) decode(raw json.RawMessage) error {
	switch r.Type {
	case "vector":
		var ws []wireSample
		if err := json.Unmarshal(raw, &ws); err != nil {
			return err
		}
		r.Vector = make([]Sample, len(ws))
		for i, w := range ws {
			s := Sample{Metric: w.Metric}
			switch {
			case w.Value != nil:
				s.Time, s.Value = w.Value.Time, w.Value.Value
			case len(w.Histogram) > 0:
				t, err := histogramTime(w.Histogram)
				if err != nil {
					return err
				}
				s.Time, s.Histogram = t, true
			default:
				return fmt.Errorf("sample %d has neither a value nor a histogram", i)
			}
			r.Vector[i] = s
		}
	case "matrix":
		var ws []wireSeries
		if err := json.Unmarshal(raw, &ws); err != nil {
			return err
		}
		r.Matrix = make([]Series, len(ws))
		for i, w := range ws {
			r.Matrix[i] = Series{Metric: w.Metric, Points: w.Values, Histograms: len(w.Histograms)}
		}
	case "scalar":
		return json.Unmarshal(raw, &r.Scalar)
	case "string":
		var pair [2]json.RawMessage
		if err := json.Unmarshal(raw, &pair); err != nil {
			return err
		}
		t, err := parseTime(pair[0])
		if err != nil {
			return err
		}
		r.Scalar.Time = t
		return json.Unmarshal(pair[1], &r.String)
	default:
		return errors.New("unknown result type")
	}
	return nil
}

// histogramTime reads the instant of a histogram sample, [t, {...}].
func histogramTime(raw json.RawMessage) (time.Time, error) {
	var pair [2]json.RawMessage
	if err := json.Unmarshal(raw, &pair); err != nil {
		return time.Time{}, err
	}
	return parseTime(pair[0])
}

// UnmarshalJSON reads a value as the API writes it: [1772323200.123, "0.5"],
// the instant in seconds since the epoch and the value as a string, which
// may be "NaN", "+Inf" or "-Inf".
func (p *Point) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return fmt.Errorf("value %q is not [time, \"value\"]", cut(string(b), 40))
	}
	inner := b[1 : len(b)-1]
	comma := bytes.IndexByte(inner, ',')
	if comma < 0 {
		return fmt.Errorf("value %q is not [time, \"value\"]", cut(string(b), 40))
	}
	t, err := parseTime(bytes.TrimSpace(inner[:comma]))
	if err != nil {
		return err
	}
	vs := bytes.TrimSpace(inner[comma+1:])
	var s string
	if len(vs) >= 2 && vs[0] == '"' && vs[len(vs)-1] == '"' && bytes.IndexByte(vs[1:len(vs)-1], '\\') < 0 && bytes.IndexByte(vs[1:len(vs)-1], '"') < 0 {
		s = string(vs[1 : len(vs)-1])
	} else if err := json.Unmarshal(vs, &s); err != nil {
		return fmt.Errorf("value %q is not a string", cut(string(vs), 40))
	}
	v, err := ParseValue(s)
	if err != nil {
		return err
	}
	p.Time, p.Value = t, v
	return nil
}

// ParseValue reads a sample value as Prometheus writes it, a decimal
// number or "NaN", "+Inf" or "-Inf", with Go's strconv.ParseFloat as
// Prometheus's own client does; a number too large for a float64 is ±Inf.
func ParseValue(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("value %q is not a number", cut(s, 40))
	}
	return v, nil
}

// parseTime reads an instant in decimal seconds since the epoch, such as
// 1772323200.123, exactly to the nanosecond (digits past it are dropped).
func parseTime(b []byte) (time.Time, error) {
	s := string(b)
	bad := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("time %q is not seconds since the epoch", cut(s, 40))
	}
	if strings.ContainsAny(s, "eE") {
		// Exponent notation, which Prometheus does not write but another
		// JSON encoder may: to the microsecond.
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
			return bad()
		}
		sec, part := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(part*1e6))*1e3).UTC(), nil
	}
	digits, neg := strings.CutPrefix(s, "-")
	whole, frac, dot := strings.Cut(digits, ".")
	if whole == "" || len(whole) > 12 || !allDigits(whole) || (dot && (frac == "" || !allDigits(frac))) {
		return bad()
	}
	frac = (frac + "000000000")[:9]
	sec, _ := strconv.ParseInt(whole, 10, 64)
	nsec, _ := strconv.ParseInt(frac, 10, 64)
	if neg {
		sec, nsec = -sec, -nsec
	}
	return time.Unix(sec, nsec).UTC(), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// capped reads at most left bytes of r, and fails with errOverCap at the
// first byte past them: a reader of an answer that stops at its cap
// without reading the rest.
type capped struct {
	r    io.Reader
	left int64
}

var errOverCap = errors.New("over the cap")

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// The cap is reached: one more byte means the answer is longer.
		var one [1]byte
		for {
			n, err := c.r.Read(one[:])
			if n > 0 {
				return 0, errOverCap
			}
			if err != nil {
				return 0, err
			}
		}
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// cut returns s, or its first n bytes (whole UTF-8 sequences) and "...":
// an error quotes the start of what it refuses, never a whole answer.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// cutAll cuts each of a server's notes to 1024 bytes.
func cutAll(notes []string) []string {
	for i, s := range notes {
		notes[i] = cut(s, 1024)
	}
	return notes
}

// ParseDuration reads a duration as Prometheus writes them: whole numbers
// of units from the longest to the shortest, each at most once, such as
// 30d, 1h30m or 500ms (y is 365 days, w 7 days, d 24 hours), or 0.
func ParseDuration(s string) (time.Duration, error) {
	bad := func() (time.Duration, error) {
		return 0, fmt.Errorf("%q is not a Prometheus duration such as 5m, 1h30m or 30d", cut(s, 40))
	}
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return bad()
	}
	var total time.Duration
	next := 0 // the first unit still allowed
	for rest := s; rest != ""; {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i > 18 {
			return bad()
		}
		n, _ := strconv.ParseInt(rest[:i], 10, 64)
		rest = rest[i:]
		j := 0
		for j < len(rest) && (rest[j] < '0' || rest[j] > '9') {
			j++
		}
		unit := rest[:j]
		rest = rest[j:]
		k := next
		for k < len(durationUnits) && durationUnits[k].name != unit {
			k++
		}
		if k == len(durationUnits) {
			return bad()
		}
		next = k + 1
		d := durationUnits[k].d
		if time.Duration(n) > math.MaxInt64/d || total > math.MaxInt64-time.Duration(n)*d {
			return bad()
		}
		total += time.Duration(n) * d
	}
	return total, nil
}

// durationUnits are the units of Prometheus's durations, longest first.
var durationUnits = []struct {
	name string
	d    time.Duration
}{
	{"y", 365 * 24 * time.Hour}, {"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour},
	{"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}, {"ms", time.Millisecond},
}

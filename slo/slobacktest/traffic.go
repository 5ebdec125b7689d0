package slobacktest

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/boundedfile"
	"github.com/journeyslo/journeyslo/internal/invalid"
	"github.com/journeyslo/journeyslo/internal/yamlpos"
)

// rowError returns a problem of recorded traffic at line and column (0:
// the whole line), of field (time, journey, good or bad; empty: the row's
// or the input's), as a [sloconfig.Error] whose message starts with the
// field.
func rowError(line, column int, field string, err error) error {
	if field != "" {
		err = fmt.Errorf("%s: %w", field, err)
	}
	return &yamlpos.Error{Line: line, Column: column, Path: field, Err: err}
}

// The fields of a row of recorded traffic, in the order [WriteCSV] writes
// them.
var fields = [...]string{"time", "journey", "good", "bad"}

// MaxTrafficFile is the most ReadFile reads of a traffic file: 1 GiB,
// some twenty million rows.
const MaxTrafficFile = 1 << 30

// ReadFile reads recorded traffic from the file at path, as CSV
// ([ReadCSV]) when its name ends in .csv and as JSON lines ([ReadJSONL])
// when it ends in .jsonl or .ndjson (in any case). The file must be a
// regular file (a named pipe or a device is refused at once) of at most
// MaxTrafficFile bytes. A [sloconfig.Error] it returns names the file.
func ReadFile(path string) ([]Sample, error) {
	var read func(io.Reader) ([]Sample, error)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		read = ReadCSV
	case ".jsonl", ".ndjson":
		read = ReadJSONL
	default:
		return nil, invalid.Errorf("slobacktest: traffic file %s: unknown extension %s; name it .csv (time,journey,good,bad) or .jsonl or .ndjson (JSON lines with the same fields)",
			path, yamlpos.Quote(filepath.Ext(path)))
	}
	f, err := boundedfile.Open(path, MaxTrafficFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	samples, err := read(f)
	if pe := (*yamlpos.Error)(nil); errors.As(err, &pe) {
		pe.File = path
	} else if err != nil && !errors.Is(err, boundedfile.ErrTooLarge) {
		err = fmt.Errorf("%s: %w", path, err)
	}
	return samples, err
}

// maxJourney is the longest journey name a row may hold, as slo's names
// are: a longer one names no journey of any config.
const maxJourney = 64

// checkJourney checks the journey of a row (what: "row" or "line"), and
// example is how the input writes one.
func checkJourney(v, what, example string) error {
	switch {
	case v == "":
		return fmt.Errorf("is empty; name the journey whose events the %s counts, such as %s", what, example)
	case len(v) > maxJourney:
		return fmt.Errorf("%s is longer than the %d bytes of a journey's name; name the journey whose events the %s counts, such as %s", yamlpos.Quote(v), maxJourney, what, example)
	}
	return nil
}

// The years a row's time may fall in: a replay steps through every tick
// from the first row to the last, so a row dated 1700 would make it spin
// for the better part of an hour; no recorded traffic is that old.
const (
	firstYear = 2000
	lastYear  = 2200
)

// MaxSpan is the longest recorded traffic may run from its first row to
// its last: 400 days, a year of traffic and a period before it. A replay
// steps through every tick of it.
const MaxSpan = 400 * 24 * time.Hour

// parseTime parses a row's time: an RFC 3339 instant, returned in UTC so
// that samples compare and print alike whatever offset they were written
// with.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s is not an RFC 3339 instant; write one such as 2026-03-01T00:05:00Z", yamlpos.Quote(s))
	}
	return t.UTC(), nil
}

// maxExact is the largest count that float64 holds exactly, 2^53: a count
// written as 1e3 or 12.0 is read through a float64, and a larger one could
// be off by some events.
const maxExact = 1 << 53

// parseCount parses a count of events: a whole number, 0 or more, written
// as digits (up to the largest uint64) or as a decimal or exponent that is
// a whole number (12.0, 1e3, up to 2^53).
func parseCount(s string) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err == nil {
		return n, nil
	}
	if ne := (*strconv.NumError)(nil); errors.As(err, &ne) && ne.Err == strconv.ErrRange {
		return 0, fmt.Errorf("%s is more events than a count holds; counts are at most %d", yamlpos.Quote(s), uint64(math.MaxUint64))
	}
	if s == "" {
		return 0, errors.New("is empty; write the number of events, 0 or more, such as 12")
	}
	// Decimals and exponents only: ParseFloat would also take hex, inf
	// and nan, which no tool writes for a count.
	f, ferr := strconv.ParseFloat(s, 64)
	if strings.Trim(s, "0123456789.eE+-") != "" || ferr != nil && !errors.Is(ferr, strconv.ErrRange) {
		return 0, fmt.Errorf("%s is not a number; write the number of events, 0 or more, such as 12", yamlpos.Quote(s))
	}
	switch {
	case f < 0:
		return 0, fmt.Errorf("%q is negative; counts are whole numbers of events, 0 or more", s)
	case f > maxExact:
		return 0, fmt.Errorf("%q is more than 2^53 events written as a decimal or exponent; write it as digits, such as 12", s)
	case f != math.Trunc(f):
		return 0, fmt.Errorf("%q is fractional; counts are whole numbers of events, such as %d", s, uint64(math.Round(f)))
	}
	return uint64(f), nil
}

// A collector gathers the rows of recorded traffic in the order they are
// written, checks that each journey's rows go forward in time, within the
// years and the span a replay can step through, and sorts them by time.
type collector struct {
	samples     []Sample
	last        map[string]lastRow
	first, end  lastRow // the earliest and the latest row
	haveSamples bool
}

// lastRow is where a journey's latest row is.
type lastRow struct {
	t    time.Time
	line int
}

// add adds the sample s, written on line line, whose time is written at
// column col.
func (c *collector) add(s Sample, line, col int) error {
	if y := s.Time.Year(); y < firstYear || y > lastYear {
		return rowError(line, col, "time", fmt.Errorf("%s is outside the years %d to %d that recorded traffic may fall in; write the time the row's interval ended",
			s.Time.Format(time.RFC3339Nano), firstYear, lastYear))
	}
	if c.last == nil {
		c.last = map[string]lastRow{}
	}
	if prev, ok := c.last[s.Journey]; ok && !s.Time.After(prev.t) {
		// A row holds the events since the journey's previous row; one at
		// or before it would hold those of an interval that is empty or
		// runs backwards.
		return rowError(line, col, "time", fmt.Errorf(
			"%s is not after %s, the time of journey %s's previous row (line %d); each row holds the events since its journey's previous row, so a journey's rows go forward in time",
			s.Time.Format(time.RFC3339Nano), prev.t.Format(time.RFC3339Nano), yamlpos.Quote(s.Journey), prev.line))
	}
	row := lastRow{s.Time, line}
	if !c.haveSamples || s.Time.Before(c.first.t) {
		c.first = row
	}
	if !c.haveSamples || s.Time.After(c.end.t) {
		c.end = row
	}
	c.haveSamples = true
	if span := c.end.t.Sub(c.first.t); span > MaxSpan {
		return rowError(line, col, "time", fmt.Errorf("the traffic runs from %s (line %d) to %s (line %d), %s, longer than the %s a replay steps through; split it into files of at most %s",
			c.first.t.Format(time.RFC3339Nano), c.first.line, c.end.t.Format(time.RFC3339Nano), c.end.line, burnrate.FormatWindow(span.Truncate(time.Hour)),
			burnrate.FormatWindow(MaxSpan), burnrate.FormatWindow(MaxSpan)))
	}
	c.last[s.Journey] = row
	c.samples = append(c.samples, s)
	return nil
}

// done returns the samples sorted by time, rows of the same time in the
// order they were written; empty describes the input for the error that
// there are no rows.
func (c *collector) done(line int, empty string) ([]Sample, error) {
	if len(c.samples) == 0 {
		return nil, rowError(line, 0, "", errors.New(empty))
	}
	slices.SortStableFunc(c.samples, func(a, b Sample) int { return a.Time.Compare(b.Time) })
	return slices.Clip(c.samples), nil
}

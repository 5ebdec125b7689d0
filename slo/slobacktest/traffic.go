package slobacktest

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A ParseError is one problem of recorded traffic (see [ReadCSV] and
// [ReadJSONL]), at the place it is written. Every ParseError matches
// [ErrInvalid] with errors.Is. The readers return a new one with every
// error; it is a plain value, and its zero value prints as "line 0:
// invalid traffic".
type ParseError struct {
	// File is the name the traffic was read from ([ReadFile]); empty for
	// traffic read from an io.Reader.
	File string
	// Line and Column are where the problem is written, from 1; columns
	// count bytes. Column is 0 when the problem is the whole line or the
	// whole input.
	Line, Column int
	// Field is the field at fault (time, journey, good or bad); empty when
	// the problem is not one field's.
	Field string
	// Err says what is wrong and what would be right.
	Err error
}

// Error writes "FILE:LINE:COLUMN: FIELD: message" when the traffic came
// from a file, and "line LINE, column COLUMN: FIELD: message" otherwise,
// leaving out what is unknown.
func (e *ParseError) Error() string {
	var b strings.Builder
	if e.File != "" {
		fmt.Fprintf(&b, "%s:%d:", e.File, e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, "%d:", e.Column)
		}
		b.WriteByte(' ')
	} else {
		fmt.Fprintf(&b, "line %d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ", column %d", e.Column)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	if e.Err == nil {
		b.WriteString("invalid traffic")
	} else {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the error that says what is wrong.
func (e *ParseError) Unwrap() error { return e.Err }

// Is reports whether target is [ErrInvalid]: every problem of recorded
// traffic is invalid input.
func (e *ParseError) Is(target error) bool { return target == ErrInvalid }

// The fields of a row of recorded traffic, in the order [WriteCSV] writes
// them.
var fields = [...]string{"time", "journey", "good", "bad"}

// ReadFile reads recorded traffic from the file at path, as CSV
// ([ReadCSV]) when its name ends in .csv and as JSON lines ([ReadJSONL])
// when it ends in .jsonl or .ndjson (in any case). A [ParseError] it
// returns names the file.
func ReadFile(path string) ([]Sample, error) {
	var read func(io.Reader) ([]Sample, error)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		read = ReadCSV
	case ".jsonl", ".ndjson":
		read = ReadJSONL
	default:
		return nil, fmt.Errorf("%w: traffic file %s: unknown extension %q; name it .csv (time,journey,good,bad) or .jsonl or .ndjson (JSON lines with the same fields)",
			ErrInvalid, path, filepath.Ext(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	samples, err := read(f)
	if pe := (*ParseError)(nil); errors.As(err, &pe) {
		pe.File = path
	} else if err != nil {
		err = fmt.Errorf("%s: %w", path, err)
	}
	return samples, err
}

// parseTime parses a row's time: an RFC 3339 instant, returned in UTC so
// that samples compare and print alike whatever offset they were written
// with.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 instant; write one such as 2026-03-01T00:05:00Z", s)
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
		return 0, fmt.Errorf("%q is more events than a count holds; counts are at most %d", s, uint64(math.MaxUint64))
	}
	if s == "" {
		return 0, errors.New("is empty; write the number of events, 0 or more, such as 12")
	}
	// Decimals and exponents only: ParseFloat would also take hex, inf
	// and nan, which no tool writes for a count.
	f, ferr := strconv.ParseFloat(s, 64)
	if strings.Trim(s, "0123456789.eE+-") != "" || ferr != nil && !errors.Is(ferr, strconv.ErrRange) {
		return 0, fmt.Errorf("%q is not a number; write the number of events, 0 or more, such as 12", s)
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
// written, checks that each journey's rows go forward in time, and sorts
// them by time.
type collector struct {
	samples []Sample
	last    map[string]lastRow
}

// lastRow is where a journey's latest row is.
type lastRow struct {
	t    time.Time
	line int
}

// add adds the sample s, written on line line, whose time is written at
// column col.
func (c *collector) add(s Sample, line, col int) error {
	if c.last == nil {
		c.last = map[string]lastRow{}
	}
	if prev, ok := c.last[s.Journey]; ok && !s.Time.After(prev.t) {
		// A row holds the events since the journey's previous row; one at
		// or before it would hold those of an interval that is empty or
		// runs backwards.
		return &ParseError{Line: line, Column: col, Field: "time", Err: fmt.Errorf(
			"%s is not after %s, the time of journey %q's previous row (line %d); each row holds the events since its journey's previous row, so a journey's rows go forward in time",
			s.Time.Format(time.RFC3339Nano), prev.t.Format(time.RFC3339Nano), s.Journey, prev.line)}
	}
	c.last[s.Journey] = lastRow{s.Time, line}
	c.samples = append(c.samples, s)
	return nil
}

// done returns the samples sorted by time, rows of the same time in the
// order they were written; empty describes the input for the error that
// there are no rows.
func (c *collector) done(line int, empty string) ([]Sample, error) {
	if len(c.samples) == 0 {
		return nil, &ParseError{Line: line, Err: errors.New(empty)}
	}
	slices.SortStableFunc(c.samples, func(a, b Sample) int { return a.Time.Compare(b.Time) })
	return slices.Clip(c.samples), nil
}

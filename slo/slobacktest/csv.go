package slobacktest

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/internal/yamlpos"
)

// ReadCSV reads recorded traffic as CSV: a header that names the columns
// time, journey, good and bad (in any order, in any case), then one row per
// journey and interval, such as
//
//	time,journey,good,bad
//	2026-03-01T00:01:00Z,checkout,998,2
//	2026-03-01T00:01:00Z,search,5120,0
//
// Each row holds the good and bad events of one journey in the interval
// that ends at its time (an RFC 3339 instant) and began at that journey's
// previous row (or, for its first row, at the start of the traffic). Rows
// of different journeys may interleave, but each journey's rows must go
// forward in time. Counts are whole numbers of events, 0 or more (digits,
// or a decimal or exponent such as 12.0 or 1e3 that is whole). Blank lines
// and lines starting with # are skipped; fields may be quoted as CSV
// allows, and spaces before a field are ignored.
//
// The samples come back sorted by time, rows of the same time in the order
// they were written, all times in UTC. An error is a [sloconfig.Error] that
// names the line, the column and the field and says what would be right:
// a bad header, a row of the wrong length, an unparsable time, a negative,
// fractional or unparsable count, an empty journey, a row that goes back in
// time for its journey, or input with no rows. (An error of r itself comes
// back as it is.)
func ReadCSV(r io.Reader) ([]Sample, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1 // checked here, to say which columns are wanted
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true

	header, err := cr.Read()
	if err == io.EOF {
		return nil, rowError(1, 0, "", errors.New("the input is empty; want the header time,journey,good,bad and then one row per journey and interval"))
	}
	if err != nil {
		return nil, csvError(err)
	}
	header = slices.Clone(header) // the record is reused
	index, err := csvHeader(header)
	if err != nil {
		return nil, err
	}

	var c collector
	// names holds every journey's name once: rows share it rather than
	// each keeping a copy of its own (the record is reused).
	names := map[string]string{}
	line := 1
	for {
		record, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ = cr.FieldPos(0)
		if len(record) != len(fields) {
			return nil, rowError(line, 0, "", fmt.Errorf("%d fields, want 4 as the header names them (%s)", len(record), strings.Join(header, ",")))
		}
		var s Sample
		for i, name := range fields {
			v := record[index[i]]
			_, col := cr.FieldPos(index[i])
			var err error
			switch name {
			case "time":
				s.Time, err = parseTime(v)
			case "journey":
				err = checkJourney(v, "row", "checkout")
				name, ok := names[v]
				if !ok {
					name = strings.Clone(v)
					names[name] = name
				}
				s.Journey = name
			case "good":
				s.Good, err = parseCount(v)
			case "bad":
				s.Bad, err = parseCount(v)
			}
			if err != nil {
				return nil, rowError(line, col, name, err)
			}
		}
		_, col := cr.FieldPos(index[0])
		if err := c.add(s, line, col); err != nil {
			return nil, err
		}
	}
	return c.done(line+1, "no rows after the header; want one row per journey and interval, such as 2026-03-01T00:01:00Z,checkout,998,2")
}

// csvHeader checks the header and returns, for each of fields in order,
// the index of its column.
func csvHeader(header []string) ([len(fields)]int, error) {
	var index [len(fields)]int
	seen := [len(fields)]bool{}
	wrong := func(why string) ([len(fields)]int, error) {
		return index, rowError(1, 0, "", fmt.Errorf("header %s %s; the first line names the columns time, journey, good and bad (in any order), such as time,journey,good,bad",
			yamlpos.Quote(strings.Join(header, ",")), why))
	}
	if len(header) != len(fields) {
		return wrong(fmt.Sprintf("has %d columns, want 4", len(header)))
	}
	for col, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		i := fieldIndex(name)
		switch {
		case i < 0:
			return wrong("names an unknown column " + yamlpos.Quote(h))
		case seen[i]:
			return wrong(fmt.Sprintf("names the column %s twice", name))
		}
		seen[i] = true
		index[i] = col
	}
	return index, nil
}

// fieldIndex returns the index of name in fields, or -1.
func fieldIndex(name string) int {
	for i, f := range fields {
		if f == name {
			return i
		}
	}
	return -1
}

// csvError turns an error of encoding/csv into a sloconfig.Error.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return rowError(pe.Line, pe.Column, "", fmt.Errorf("not valid CSV: %w; quote a field that holds a quote, a comma or a line break, doubling its quotes", pe.Err))
	}
	return err
}

// WriteCSV writes samples as CSV that [ReadCSV] reads back: the header
// time,journey,good,bad and one row per sample, in the order given, with
// times in UTC as RFC 3339 (with fractional seconds only where a time has
// them).
func WriteCSV(w io.Writer, samples []Sample) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(fields[:]); err != nil {
		return err
	}
	record := make([]string, len(fields))
	for _, s := range samples {
		record[0] = s.Time.UTC().Format(time.RFC3339Nano)
		record[1] = s.Journey
		record[2] = strconv.FormatUint(s.Good, 10)
		record[3] = strconv.FormatUint(s.Bad, 10)
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

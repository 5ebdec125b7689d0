package slobacktest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/journeyslo/journeyslo/internal/yamlpos"
)

// ReadJSONL reads recorded traffic as JSON lines: one JSON object a line
// with the fields of [ReadCSV]'s columns, such as
//
//	{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":998,"bad":2}
//	{"time":"2026-03-01T00:01:00Z","journey":"search","good":5120,"bad":0}
//
// time is a string (an RFC 3339 instant), journey a non-empty string, good
// and bad JSON numbers that are whole, 0 or more. Every line has the four
// fields and no others; blank lines are skipped. The rows mean what
// [ReadCSV]'s mean, are checked alike and come back sorted alike. An error
// is a [sloconfig.Error] that names the line, the column and the field.
func ReadJSONL(r io.Reader) ([]Sample, error) {
	br := bufio.NewReader(r)
	var c collector
	line := 0
	for {
		text, err := br.ReadBytes('\n')
		if len(text) > 0 {
			line++
			text = bytes.TrimSuffix(bytes.TrimSuffix(text, []byte("\n")), []byte("\r"))
			if len(bytes.TrimSpace(text)) > 0 {
				s, col, perr := jsonRow(text, line)
				if perr != nil {
					return nil, perr
				}
				if err := c.add(s, line, col); err != nil {
					return nil, err
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return c.done(line+1, `the input holds no rows; want one JSON object a line, such as {"time":"2026-03-01T00:01:00Z","journey":"checkout","good":998,"bad":2}`)
}

// jsonExample is a valid line, for errors to show.
const jsonExample = `{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":998,"bad":2}`

// jsonRow parses one line of JSON lines and returns its sample and the
// column of its time.
func jsonRow(text []byte, line int) (Sample, int, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	// col returns the column of the first byte from offset off that is not
	// space or a colon: where the value after a key starts.
	col := func(off int64) int {
		i := int(off)
		for i < len(text) && strings.IndexByte(" \t\r:", text[i]) >= 0 {
			i++
		}
		return i + 1
	}
	syntax := func(err error) error {
		c := 0
		var se *json.SyntaxError
		if errors.As(err, &se) {
			c = int(se.Offset)
		}
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			err = errors.New("unexpected end of line")
		}
		return rowError(line, c, "", fmt.Errorf("not a JSON object: %v; write one object a line, such as %s", err, jsonExample))
	}

	tok, err := dec.Token()
	if err != nil {
		return Sample{}, 0, syntax(err)
	}
	if tok != json.Delim('{') {
		return Sample{}, 0, rowError(line, col(0), "", fmt.Errorf("want a JSON object, such as %s", jsonExample))
	}
	var (
		s    Sample
		seen [len(fields)]bool
		at   [len(fields)]int
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return Sample{}, 0, syntax(err)
		}
		key, _ := tok.(string) // a key is always a string
		keyEnd := dec.InputOffset()
		i := fieldIndex(key)
		if i < 0 {
			return Sample{}, 0, rowError(line, max(1, int(keyEnd)-len(key)-1), "", fmt.Errorf("unknown field %s; each line has the fields time, journey, good and bad, such as %s", yamlpos.Quote(key), jsonExample))
		}
		if seen[i] {
			return Sample{}, 0, rowError(line, max(1, int(keyEnd)-len(key)-1), key, errors.New("given twice; give each field once"))
		}
		seen[i] = true
		tok, err = dec.Token()
		if err != nil {
			return Sample{}, 0, syntax(err)
		}
		at[i] = col(keyEnd)
		bad := func(e error) (Sample, int, error) {
			return Sample{}, 0, rowError(line, at[i], key, e)
		}
		switch key {
		case "time", "journey":
			v, ok := tok.(string)
			if !ok {
				return bad(fmt.Errorf("is %s, want a string, such as %s", jsonKind(tok), map[string]string{"time": `"2026-03-01T00:01:00Z"`, "journey": `"checkout"`}[key]))
			}
			if key == "time" {
				s.Time, err = parseTime(v)
			} else {
				s.Journey = v
				err = checkJourney(v, "line", `"checkout"`)
			}
		default: // good, bad
			n, ok := tok.(json.Number)
			if !ok {
				return bad(fmt.Errorf("is %s, want a JSON number of events, 0 or more, such as 12", jsonKind(tok)))
			}
			if key == "good" {
				s.Good, err = parseCount(string(n))
			} else {
				s.Bad, err = parseCount(string(n))
			}
		}
		if err != nil {
			return bad(err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return Sample{}, 0, syntax(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Sample{}, 0, rowError(line, int(dec.InputOffset())+1, "", fmt.Errorf("more after the object; write one object a line, such as %s", jsonExample))
	}
	for i, ok := range seen {
		if !ok {
			return Sample{}, 0, rowError(line, 0, fields[i], fmt.Errorf("missing; each line has the fields time, journey, good and bad, such as %s", jsonExample))
		}
	}
	return s, at[0], nil
}

// jsonKind names the kind of a JSON token, for errors.
func jsonKind(tok json.Token) string {
	switch tok.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case json.Delim:
		if tok == json.Delim('[') {
			return "an array"
		}
		return "an object"
	}
	return fmt.Sprintf("%v", tok)
}

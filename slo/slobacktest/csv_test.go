package slobacktest_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// at returns mar1 plus the minutes and seconds given.
func at(m, s int) time.Time {
	return mar1.Add(time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
}

// recorded is what both readers' tests read: two journeys interleaved, out
// of order between them (search's 00:01:30 row is written after
// checkout's 00:02 row), and two rows at 00:02, checkout's written first.
var recorded = []slobacktest.Sample{
	{Time: at(1, 0), Journey: "checkout", Good: 998, Bad: 2},
	{Time: at(1, 30), Journey: "search", Good: 5120},
	{Time: at(2, 0), Journey: "checkout", Good: 12, Bad: 1000},
	{Time: at(2, 0), Journey: "search", Good: 5000, Bad: 1000},
	{Time: at(3, 0), Journey: "checkout"},
}

func TestReadCSV(t *testing.T) {
	const in = "# checkout and search, a few minutes\n" +
		"Journey, time ,bad,good\r\n" +
		"checkout,2026-03-01T00:01:00Z,2,998\n" +
		"\n" +
		"\"checkout\",2026-03-01T00:02:00.000Z,1000,12.0\n" +
		// An offset is read as the instant it names.
		"  search,2026-03-01T01:31:30+01:30,0,5120\n" +
		"search,2026-03-01T00:02:00Z,1000,5e3\n" +
		"checkout,2026-03-01T00:03:00Z,0,0\n"
	got, err := slobacktest.ReadCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	// Sorted stably: search's 00:01:30 row moves before checkout's 00:02
	// row, which stays before search's.
	if diff := cmp.Diff(recorded, got); diff != "" {
		t.Fatalf("ReadCSV (-want +got):\n%s", diff)
	}
	for _, s := range got {
		if s.Time.Location() != time.UTC {
			t.Fatalf("sample %+v is not in UTC", s)
		}
	}
}

// TestWriteCSV writes samples and reads them back.
func TestWriteCSV(t *testing.T) {
	samples := append([]slobacktest.Sample{
		{Time: at(0, 30).Add(time.Millisecond).In(time.FixedZone("x", 3600)), Journey: `a "quoted", journey`, Good: 18446744073709551615, Bad: 1},
	}, recorded...)
	var b bytes.Buffer
	if err := slobacktest.WriteCSV(&b, samples); err != nil {
		t.Fatal(err)
	}
	if want := "time,journey,good,bad\n" +
		`2026-03-01T00:00:30.001Z,"a ""quoted"", journey",18446744073709551615,1` + "\n" +
		"2026-03-01T00:01:00Z,checkout,998,2\n"; !strings.HasPrefix(b.String(), want) {
		t.Fatalf("WriteCSV wrote\n%s\nwant it to start\n%s", b.String(), want)
	}
	got, err := slobacktest.ReadCSV(&b)
	if err != nil {
		t.Fatal(err)
	}
	samples[0].Time = samples[0].Time.UTC()
	if diff := cmp.Diff(samples, got); diff != "" {
		t.Fatalf("read back (-want +got):\n%s", diff)
	}
}

// parseErr is the parts of a sloconfig.Error a test expects.
type parseErr struct {
	Line, Column int
	Field        string
	Msg          string // the whole of Err's text
}

// checkParseError checks that err is a ParseError with want's parts that
// matches ErrInvalid.
func checkParseError(t *testing.T, err error, want parseErr) {
	t.Helper()
	var pe *sloconfig.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T), want a *ParseError", err, err)
	}
	if !errors.Is(err, slo.ErrInvalid) {
		t.Fatalf("error %v does not match slo.ErrInvalid", err)
	}
	got := parseErr{pe.Line, pe.Column, pe.Path, strings.TrimPrefix(pe.Err.Error(), pe.Path+": ")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("error %q (-want +got):\n%s", err, diff)
	}
}

func TestReadCSVErrors(t *testing.T) {
	const header = "time,journey,good,bad\n"
	const row = "2026-03-01T00:01:00Z,checkout,998,2\n"
	for _, tc := range []struct {
		name, in string
		want     parseErr
	}{
		{"empty", "", parseErr{1, 0, "", "the input is empty; want the header time,journey,good,bad and then one row per journey and interval"}},
		{"only comments", "# nothing\n\n", parseErr{1, 0, "", "the input is empty; want the header time,journey,good,bad and then one row per journey and interval"}},
		{"header only", header, parseErr{2, 0, "", "no rows after the header; want one row per journey and interval, such as 2026-03-01T00:01:00Z,checkout,998,2"}},
		{"short header", "time,journey,good\n" + row, parseErr{1, 0, "", `header "time,journey,good" has 3 columns, want 4; the first line names the columns time, journey, good and bad (in any order), such as time,journey,good,bad`}},
		{"unknown column", "time,journey,good,errors\n" + row, parseErr{1, 0, "", `header "time,journey,good,errors" names an unknown column "errors"; the first line names the columns time, journey, good and bad (in any order), such as time,journey,good,bad`}},
		{"twice", "time,journey,good,Good\n" + row, parseErr{1, 0, "", `header "time,journey,good,Good" names the column good twice; the first line names the columns time, journey, good and bad (in any order), such as time,journey,good,bad`}},
		{"data as header", row + row, parseErr{1, 0, "", `header "2026-03-01T00:01:00Z,checkout,998,2" names an unknown column "2026-03-01T00:01:00Z"; the first line names the columns time, journey, good and bad (in any order), such as time,journey,good,bad`}},
		{"short row", header + row + "2026-03-01T00:02:00Z,checkout,998\n", parseErr{3, 0, "", "3 fields, want 4 as the header names them (time,journey,good,bad)"}},
		{"bad quote", header + "2026-03-01T00:01:00Z,check\"out,1,2\n", parseErr{2, 27, "", `not valid CSV: bare " in non-quoted-field; quote a field that holds a quote, a comma or a line break, doubling its quotes`}},
		{"time", header + "2026-03-01 00:01:00,checkout,998,2\n", parseErr{2, 1, "time", `"2026-03-01 00:01:00" is not an RFC 3339 instant; write one such as 2026-03-01T00:05:00Z`}},
		{"no zone", header + row + "2026-03-01T00:02:00,checkout,998,2\n", parseErr{3, 1, "time", `"2026-03-01T00:02:00" is not an RFC 3339 instant; write one such as 2026-03-01T00:05:00Z`}},
		{"journey", header + "2026-03-01T00:01:00Z,,998,2\n", parseErr{2, 22, "journey", "is empty; name the journey whose events the row counts, such as checkout"}},
		{"negative", header + "2026-03-01T00:01:00Z,checkout,-3,2\n", parseErr{2, 31, "good", `"-3" is negative; counts are whole numbers of events, 0 or more`}},
		{"fractional", header + "2026-03-01T00:01:00Z,checkout,998,2.5\n", parseErr{2, 35, "bad", `"2.5" is fractional; counts are whole numbers of events, such as 3`}},
		{"not a number", header + "2026-03-01T00:01:00Z,checkout,many,2\n", parseErr{2, 31, "good", `"many" is not a number; write the number of events, 0 or more, such as 12`}},
		{"hex", header + "2026-03-01T00:01:00Z,checkout,0x10,2\n", parseErr{2, 31, "good", `"0x10" is not a number; write the number of events, 0 or more, such as 12`}},
		{"empty count", header + "2026-03-01T00:01:00Z,checkout,,2\n", parseErr{2, 31, "good", "is empty; write the number of events, 0 or more, such as 12"}},
		{"overflow", header + "2026-03-01T00:01:00Z,checkout,18446744073709551616,2\n", parseErr{2, 31, "good", `"18446744073709551616" is more events than a count holds; counts are at most 18446744073709551615`}},
		{"inexact", header + "2026-03-01T00:01:00Z,checkout,1e16,2\n", parseErr{2, 31, "good", `"1e16" is more than 2^53 events written as a decimal or exponent; write it as digits, such as 12`}},
		{"back in time", header + row + "2026-03-01T00:05:00Z,search,1,0\n2026-03-01T00:00:30Z,checkout,1,0\n", parseErr{4, 1, "time",
			`2026-03-01T00:00:30Z is not after 2026-03-01T00:01:00Z, the time of journey "checkout"'s previous row (line 2); each row holds the events since its journey's previous row, so a journey's rows go forward in time`}},
		{"same time", header + row + "# again\n" + row, parseErr{4, 1, "time",
			`2026-03-01T00:01:00Z is not after 2026-03-01T00:01:00Z, the time of journey "checkout"'s previous row (line 2); each row holds the events since its journey's previous row, so a journey's rows go forward in time`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			samples, err := slobacktest.ReadCSV(strings.NewReader(tc.in))
			if samples != nil {
				t.Fatalf("ReadCSV returned samples %v with its error", samples)
			}
			checkParseError(t, err, tc.want)
		})
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	csv := "time,journey,good,bad\n2026-03-01T00:01:00Z,checkout,998,2\n"
	jsonl := `{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":998,"bad":2}` + "\n"
	want := []slobacktest.Sample{recorded[0]}
	for _, path := range []string{write("a.csv", csv), write("b.CSV", csv), write("c.jsonl", jsonl), write("d.ndjson", jsonl)} {
		got, err := slobacktest.ReadFile(path)
		if err != nil {
			t.Fatalf("ReadFile(%s): %v", path, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("ReadFile(%s) (-want +got):\n%s", path, diff)
		}
	}

	bad := write("bad.csv", "time,journey,good,bad\n2026-03-01T00:01:00Z,checkout,-1,2\n")
	_, err := slobacktest.ReadFile(bad)
	if want := bad + `:2:31: good: "-1" is negative; counts are whole numbers of events, 0 or more`; err == nil || err.Error() != want {
		t.Fatalf("ReadFile(bad.csv) = %v, want %s", err, want)
	}
	checkParseError(t, err, parseErr{2, 31, "good", `"-1" is negative; counts are whole numbers of events, 0 or more`})

	txt := write("traffic.txt", csv)
	_, err = slobacktest.ReadFile(txt)
	if want := "slobacktest: traffic file " + txt + `: unknown extension ".txt"; name it .csv (time,journey,good,bad) or .jsonl or .ndjson (JSON lines with the same fields)`; err == nil || err.Error() != want || !errors.Is(err, slo.ErrInvalid) {
		t.Fatalf("ReadFile(traffic.txt) = %v, want %s", err, want)
	}

	missing := filepath.Join(dir, "missing.csv")
	if _, err := slobacktest.ReadFile(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("ReadFile(missing.csv) = %v, want an error matching os.ErrNotExist", err)
	}
}

package slobacktest_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

func TestReadJSONL(t *testing.T) {
	const in = `{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":998,"bad":2}` + "\n" +
		"\r\n" +
		`{"bad": 1000, "good": 12.0, "journey": "checkout", "time": "2026-03-01T00:02:00.000Z"}` + "\r\n" +
		`  {"time":"2026-03-01T01:31:30+01:30","journey":"search","good":5120,"bad":0}` + "\n" +
		`{"time":"2026-03-01T00:02:00Z","journey":"search","good":5e3,"bad":1E3}` + "\n" +
		// The last line needs no line break.
		`{"time":"2026-03-01T00:03:00Z","journey":"checkout","good":0,"bad":0}`
	got, err := slobacktest.ReadJSONL(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(recorded, got); diff != "" {
		t.Fatalf("ReadJSONL (-want +got):\n%s", diff)
	}
}

func TestReadJSONLErrors(t *testing.T) {
	const line = `{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":998,"bad":2}` + "\n"
	const example = `{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":998,"bad":2}`
	for _, tc := range []struct {
		name, in string
		want     parseErr
	}{
		{"empty", "", parseErr{1, 0, "", "the input holds no rows; want one JSON object a line, such as " + example}},
		{"blank", "\n  \n", parseErr{3, 0, "", "the input holds no rows; want one JSON object a line, such as " + example}},
		{"not JSON", line + "time,journey,good,bad\n", parseErr{2, 2, "", "not a JSON object: invalid character 'i' in literal true (expecting 'r'); write one object a line, such as " + example}},
		{"array", `[1,2]`, parseErr{1, 1, "", "want a JSON object, such as " + example}},
		{"cut short", `{"time":"2026-03-01T00:01:00Z",`, parseErr{1, 0, "", "not a JSON object: unexpected end of line; write one object a line, such as " + example}},
		{"two objects", line[:len(line)-1] + line, parseErr{1, 73, "", "more after the object; write one object a line, such as " + example}},
		{"unknown", `{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":998,"errors":2}`, parseErr{1, 64, "", `unknown field "errors"; each line has the fields time, journey, good and bad, such as ` + example}},
		{"twice", `{"time":"2026-03-01T00:01:00Z","time":"2026-03-01T00:01:00Z"}`, parseErr{1, 32, "time", "given twice; give each field once"}},
		{"missing", `{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":998}`, parseErr{1, 0, "bad", "missing; each line has the fields time, journey, good and bad, such as " + example}},
		{"time", `{"time":"yesterday","journey":"checkout","good":998,"bad":2}`, parseErr{1, 9, "time", `"yesterday" is not an RFC 3339 instant; write one such as 2026-03-01T00:05:00Z`}},
		{"time number", `{"time":1772323260,"journey":"checkout","good":998,"bad":2}`, parseErr{1, 9, "time", `is a number, want a string, such as "2026-03-01T00:01:00Z"`}},
		{"journey", `{"time":"2026-03-01T00:01:00Z", "journey": "","good":998,"bad":2}`, parseErr{1, 44, "journey", `is empty; name the journey whose events the line counts, such as "checkout"`}},
		{"journey null", `{"time":"2026-03-01T00:01:00Z","journey":null,"good":998,"bad":2}`, parseErr{1, 42, "journey", `is null, want a string, such as "checkout"`}},
		{"count string", `{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":"998","bad":2}`, parseErr{1, 60, "good", "is a string, want a JSON number of events, 0 or more, such as 12"}},
		{"count array", `{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":[998],"bad":2}`, parseErr{1, 60, "good", "is an array, want a JSON number of events, 0 or more, such as 12"}},
		{"count bool", `{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":true,"bad":2}`, parseErr{1, 60, "good", "is a boolean, want a JSON number of events, 0 or more, such as 12"}},
		{"negative", `{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":998,"bad":-2}`, parseErr{1, 70, "bad", `"-2" is negative; counts are whole numbers of events, 0 or more`}},
		{"fractional", `{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":0.4,"bad":2}`, parseErr{1, 60, "good", `"0.4" is fractional; counts are whole numbers of events, such as 0`}},
		{"back in time", line + `{"time":"2026-03-01T00:00:59Z","journey":"checkout","good":1,"bad":0}`, parseErr{2, 9, "time",
			`2026-03-01T00:00:59Z is not after 2026-03-01T00:01:00Z, the time of journey "checkout"'s previous row (line 1); each row holds the events since its journey's previous row, so a journey's rows go forward in time`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			samples, err := slobacktest.ReadJSONL(strings.NewReader(tc.in))
			if samples != nil {
				t.Fatalf("ReadJSONL returned samples %v with its error", samples)
			}
			checkParseError(t, err, tc.want)
		})
	}
}

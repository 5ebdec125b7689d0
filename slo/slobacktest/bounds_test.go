package slobacktest_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// TestTrafficTimes checks that rows outside the years 2000 to 2200, or
// traffic spanning more than 400 days, are refused at the row's line and
// column, in both formats: a replay steps through every tick of the span.
func TestTrafficTimes(t *testing.T) {
	for _, tc := range []struct{ name, csv, jsonl, want string }{
		{"1700", "time,journey,good,bad\n1700-03-01T00:01:00Z,checkout,1,0\n",
			`{"time":"1700-03-01T00:01:00Z","journey":"checkout","good":1,"bad":0}` + "\n",
			"time: 1700-03-01T00:01:00Z is outside the years 2000 to 2200 that recorded traffic may fall in; write the time the row's interval ended"},
		{"span", "time,journey,good,bad\n2026-03-01T00:01:00Z,checkout,1,0\n2027-04-06T00:02:00Z,search,1,0\n",
			`{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":1,"bad":0}` + "\n" + `{"time":"2027-04-06T00:02:00Z","journey":"search","good":1,"bad":0}` + "\n",
			"time: the traffic runs from 2026-03-01T00:01:00Z (line 2) to 2027-04-06T00:02:00Z (line 3), 401d, longer than the 400d a replay steps through; split it into files of at most 400d"},
	} {
		for _, f := range []struct {
			format, in string
			line, col  int
			read       func(string) ([]slobacktest.Sample, error)
		}{
			{"csv", tc.csv, strings.Count(tc.csv, "\n"), 1, func(s string) ([]slobacktest.Sample, error) { return slobacktest.ReadCSV(strings.NewReader(s)) }},
			{"jsonl", tc.jsonl, strings.Count(tc.jsonl, "\n"), 9, func(s string) ([]slobacktest.Sample, error) { return slobacktest.ReadJSONL(strings.NewReader(s)) }},
		} {
			want := tc.want
			if f.format == "jsonl" {
				want = strings.ReplaceAll(want, "(line 2)", "(line 1)")
				want = strings.ReplaceAll(want, "(line 3)", "(line 2)")
			}
			_, err := f.read(f.in)
			var e *sloconfig.Error
			if !errors.As(err, &e) || e.Line != f.line || e.Column != f.col || e.Err.Error() != want || !errors.Is(err, slo.ErrInvalid) {
				t.Errorf("%s, %s: %v; want line %d, column %d: %s", tc.name, f.format, err, f.line, f.col, want)
			}
		}
	}
}

// TestHugeField checks that a field of several megabytes is refused with
// an error that quotes 40 bytes of it, not the field.
func TestHugeField(t *testing.T) {
	huge := strings.Repeat("9", 5<<20)
	for _, in := range []string{
		"time,journey,good,bad\n2026-03-01T00:01:00Z,checkout," + huge + "x,0\n",
		"time,journey,good,bad\n" + huge + ",checkout,1,0\n",
		"time,journey,good,bad\n2026-03-01T00:01:00Z," + huge + ",1,0\n",
		"time," + huge + ",good,bad\n",
	} {
		_, err := slobacktest.ReadCSV(strings.NewReader(in))
		if err == nil || len(err.Error()) > 400 || !strings.Contains(err.Error(), `"`+strings.Repeat("9", 40)+`"…`) {
			t.Errorf("ReadCSV of a 5 MB field: %d bytes of error; want a short error quoting 40 bytes", len(err.Error()))
		}
	}
	_, err := slobacktest.ReadJSONL(strings.NewReader(`{"time":"2026-03-01T00:01:00Z","journey":"` + huge + `","good":1,"bad":0}`))
	if err == nil || len(err.Error()) > 400 {
		t.Errorf("ReadJSONL of a 5 MB journey: %d bytes of error; want a short error", len(err.Error()))
	}
}

// TestReadFileNotRegular checks that a named pipe or a device is refused
// at once, without waiting for a writer or reading forever.
func TestReadFileNotRegular(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "traffic.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	dev := filepath.Join(t.TempDir(), "zero.csv")
	if err := os.Symlink("/dev/zero", dev); err != nil {
		t.Fatal(err)
	}
	for path, what := range map[string]string{fifo: "a named pipe", dev: "a character device"} {
		_, err := slobacktest.ReadFile(path)
		if want := "open " + path + ": it is " + what + ", not a regular file; give the path of a file"; err == nil || err.Error() != want {
			t.Errorf("ReadFile(%s) = %v; want %q", path, err, want)
		}
	}
}

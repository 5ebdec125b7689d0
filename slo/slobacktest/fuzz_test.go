package slobacktest_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// checkTraffic checks what a reader returned for in: a *sloconfig.Error that
// matches ErrInvalid, or samples sorted by time, each journey's going
// forward, that WriteCSV writes and ReadCSV reads back unchanged.
func checkTraffic(t *testing.T, in string, samples []slobacktest.Sample, err error) {
	t.Helper()
	if err != nil {
		var pe *sloconfig.Error
		if !errors.As(err, &pe) || !errors.Is(err, slo.ErrInvalid) || pe.Line < 1 || pe.Column < 0 {
			t.Fatalf("error %v (%T) is not a sloconfig.Error at a line", err, err)
		}
		if samples != nil {
			t.Fatalf("samples %v returned with error %v", samples, err)
		}
		return
	}
	if len(samples) == 0 {
		t.Fatalf("no samples and no error for %q", in)
	}
	last := map[string]int{}
	for i, s := range samples {
		if s.Journey == "" {
			t.Fatalf("sample %d has no journey", i)
		}
		if i > 0 && s.Time.Before(samples[i-1].Time) {
			t.Fatalf("sample %d at %v is before sample %d at %v", i, s.Time, i-1, samples[i-1].Time)
		}
		if j, ok := last[s.Journey]; ok && !s.Time.After(samples[j].Time) {
			t.Fatalf("journey %q's sample %d at %v is not after its sample %d at %v", s.Journey, i, s.Time, j, samples[j].Time)
		}
		last[s.Journey] = i
	}
	var b bytes.Buffer
	if err := slobacktest.WriteCSV(&b, samples); err != nil {
		t.Fatal(err)
	}
	again, err := slobacktest.ReadCSV(&b)
	if err != nil {
		t.Fatalf("ReadCSV of what WriteCSV wrote: %v\n%s", err, b.String())
	}
	if diff := cmp.Diff(samples, again); diff != "" {
		t.Fatalf("read back (-first +again):\n%s", diff)
	}
}

// FuzzReadCSV checks that ReadCSV never panics, that its errors are
// sloconfig.Errors, and that what it accepts is well ordered and survives
// WriteCSV and ReadCSV.
func FuzzReadCSV(f *testing.F) {
	f.Add("time,journey,good,bad\n2026-03-01T00:01:00Z,checkout,998,2\n2026-03-01T00:00:30Z,search,5,0\n")
	f.Add("bad,good,journey,time\n1e3,12.0,\"a,b\",2026-03-01T00:01:00.5+02:00\n")
	f.Add("# c\ntime,journey,good,bad\r\n\n2026-03-01T00:01:00Z,\" x\",1,2\n2026-03-01T00:01:00Z,\" x\",1,2\n")
	f.Add("time,journey,good,bad\n2026-03-01T00:01:00Z,checkout,-1,2.5\n")
	f.Add("time,journey,good,bad\n\"2026-03-01T00:01:00Z\",\"a\nb\",18446744073709551615,0\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		samples, err := slobacktest.ReadCSV(strings.NewReader(in))
		checkTraffic(t, in, samples, err)
	})
}

// FuzzReadJSONL does the same for ReadJSONL.
func FuzzReadJSONL(f *testing.F) {
	f.Add(`{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":998,"bad":2}` + "\n" + `{"time":"2026-03-01T00:00:30Z","journey":"search","good":5,"bad":0}`)
	f.Add(`{"bad":1e3,"good":12.0,"journey":"a\"b\u00e9","time":"2026-03-01T00:01:00.5+02:00"}`)
	f.Add(`{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":-1,"bad":2}`)
	f.Add(`{"time":"2026-03-01T00:01:00Z","journey":"checkout","good":1,"bad":2} {}`)
	f.Add("[]\n{\"time\":null}")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		samples, err := slobacktest.ReadJSONL(strings.NewReader(in))
		checkTraffic(t, in, samples, err)
	})
}

// FuzzParseScenario checks that ParseScenario never panics, that its
// errors are sloconfig.Errors of the file, and that a scenario it accepts is
// valid.
func FuzzParseScenario(f *testing.F) {
	f.Add("journey: checkout\nstart: 2026-03-01T00:00:00Z\nlength: 1h\nrate: 1000/m\n")
	f.Add("journey: a\nstart: 2026-03-01T00:00:00Z\nlength: 2d\nstep: 30s\nrate: 2.5\ndiurnal: 50%\nerrorRatio: 0.05%\n" +
		"incidents:\n  - {start: 2026-03-01T10:00:00Z, duration: 30m, errorRatio: 100%}\n  - {start: 2026-03-01T10:10:00Z, duration: 1h, errorRatio: 1e-2}\n")
	f.Add("journey: &a x\nrate: *a\n")
	f.Add("- [")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := slobacktest.ParseScenario("f.yaml", []byte(in))
		if err != nil {
			var pe *sloconfig.Error
			if !errors.As(err, &pe) || pe.File != "f.yaml" || pe.Line < 1 || !errors.Is(err, slo.ErrInvalid) {
				t.Fatalf("error %v (%T) is not a sloconfig.Error of f.yaml", err, err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("ParseScenario accepted %+v, which Validate refuses: %v", s, err)
		}
	})
}

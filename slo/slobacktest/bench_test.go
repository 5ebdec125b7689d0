package slobacktest_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// month is 30 days of one diurnal journey a minute, with an incident.
var month = slobacktest.Scenario{Journey: "checkout", Start: mar1, Length: 30 * 24 * time.Hour, Rate: 50, Diurnal: 0.5, ErrorRatio: 0.0005,
	Incidents: []slobacktest.Incident{{Start: mar1.Add(100 * time.Hour), Duration: 20 * time.Minute, ErrorRatio: 1}}}

// BenchmarkScenarioSamples makes a month of minutes: 43,200 samples.
func BenchmarkScenarioSamples(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		if _, err := month.Samples(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadCSV reads a month of minutes written by WriteCSV.
func BenchmarkReadCSV(b *testing.B) {
	samples, err := month.Samples()
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := slobacktest.WriteCSV(&buf, samples); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for range b.N {
		if _, err := slobacktest.ReadCSV(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}

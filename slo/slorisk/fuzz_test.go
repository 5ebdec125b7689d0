package slorisk_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
	"github.com/journeyslo/journeyslo/slo/slorisk"
)

// FuzzParse checks that Parse never panics, that every problem it reports
// is a *slorisk.Error matching ErrInvalid, and that every catalog it accepts
// passes Validate and, given a target, can be weighed against it with no
// NaN in the answer.
func FuzzParse(f *testing.F) {
	f.Add(talk)
	f.Add("target: 0.999\nrisks:\n  - {name: a, ettr: 1h, impact: 1, ettf: 30d}\n")
	f.Add("objective: checkout:availability\nrisks: [{name: a, ettd: 1m, ettr: 1h, impact: 20%, ettf: 1d}]\npremortems: [{name: p, at: 0, duration: 1m, impact: 1}]\n")
	f.Add("target: 99.9\nrisks: []\n")
	f.Fuzz(func(t *testing.T, src string) {
		c, err := slorisk.Parse("f.yaml", []byte(src))
		if err != nil {
			problems := []error{err}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				problems = j.Unwrap()
			}
			for _, p := range problems {
				var e *sloconfig.Error
				if !errors.As(p, &e) || !errors.Is(p, slo.ErrInvalid) || e.Line < 1 || e.Column < 1 {
					t.Fatalf("problem %v is not a *slorisk.Error at a place, matching ErrInvalid", p)
				}
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Parse accepted a catalog that Validate refuses: %v\n%s", err, src)
		}
		if c.Objective != "" {
			return
		}
		o, err := c.Resolve(nil)
		if err != nil {
			t.Fatalf("Resolve: %v", err)
		}
		c.Premortems = nil
		never := func(float64) (time.Duration, bool) { return 0, false }
		a, err := slorisk.Analyze(c, o, slorisk.WithDetector(never))
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		for _, f := range []float64{a.BadMinutes, a.Share, a.Budget} {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				t.Fatalf("analysis with NaN or Inf: %+v", a)
			}
		}
	})
}

package slobacktest_test

import (
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// FuzzRun replays traffic read from the fuzzer's bytes, four to a sample
// (seconds after the last sample's time, good events, bad events, a
// journey), and checks what must hold of any result: every event counted
// once, spans that follow one another over the replay, time at page the
// same in the episodes and the spans, and counts and shares in range. The
// objectives' period is two hours, so that priming is short.
func FuzzRun(f *testing.F) {
	f.Add([]byte{60, 200, 0, 0, 60, 0, 200, 0, 60, 200, 3, 1})
	f.Add([]byte{0, 10, 10, 0, 0, 10, 10, 0, 255, 255, 255, 1, 1, 0, 0, 0})
	f.Add([]byte{3, 50, 50, 0, 3, 50, 50, 0, 3, 50, 50, 0, 120, 100, 0, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 4 || len(in) > 4*64 {
			return
		}
		journeys := []string{"checkout", "search"}
		var traffic []slobacktest.Sample
		at := t0
		var good, bad [2]uint64
		for i := 0; i+4 <= len(in); i += 4 {
			at = at.Add(time.Duration(in[i]) * time.Second)
			j := int(in[i+3]) % 2
			s := slobacktest.Sample{Time: at, Journey: journeys[j], Good: uint64(in[i+1]) * 7, Bad: uint64(in[i+2])}
			good[j] += s.Good
			bad[j] += s.Bad
			traffic = append(traffic, s)
		}
		var cfgs []slobacktest.Config
		for _, name := range journeys {
			if hasJourney(traffic, name) {
				cfgs = append(cfgs, slobacktest.Config{Objective: slo.Objective{Journey: name, Target: 0.99, Period: 2 * time.Hour}})
			}
		}
		res, err := slobacktest.Run(traffic, cfgs)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		for _, o := range res.Objectives {
			j := 0
			if o.Objective.Journey == "search" {
				j = 1
			}
			if o.Good != good[j] || o.Bad != bad[j] {
				t.Fatalf("%s: %d good, %d bad; the samples hold %d, %d", o.Objective.Journey, o.Good, o.Bad, good[j], bad[j])
			}
			var binned [2]uint64
			for _, b := range o.Traffic {
				binned[0] += b.Good
				binned[1] += b.Bad
			}
			if binned != [2]uint64{good[j], bad[j]} {
				t.Fatalf("%s: bins hold %v, the samples %d, %d", o.Objective.Journey, binned, good[j], bad[j])
			}
			for _, p := range o.Policies {
				checkPolicy(t, res, o, p)
			}
		}
	})
}

func hasJourney(traffic []slobacktest.Sample, name string) bool {
	for _, s := range traffic {
		if s.Journey == name {
			return true
		}
	}
	return false
}

// checkPolicy checks what must hold of any policy's result.
func checkPolicy(t *testing.T, res *slobacktest.Result, o slobacktest.ObjectiveResult, p slobacktest.PolicyResult) {
	t.Helper()
	name := o.Objective.Journey + " " + p.Name
	if len(p.Spans) == 0 || !p.Spans[0].Start.Equal(res.Start) || !p.Spans[len(p.Spans)-1].End.Equal(res.End) {
		t.Fatalf("%s: spans %+v do not cover the replay, %v to %v", name, p.Spans, res.Start, res.End)
	}
	var paging time.Duration
	for i, s := range p.Spans {
		if i > 0 && (!s.Start.Equal(p.Spans[i-1].End) || s.State == p.Spans[i-1].State) {
			t.Fatalf("%s: span %d %+v does not follow %+v with another state", name, i, s, p.Spans[i-1])
		}
		if s.End.Before(s.Start) {
			t.Fatalf("%s: span %d ends before it starts: %+v", name, i, s)
		}
		if s.State == burnrate.SeverityPage {
			paging += s.End.Sub(s.Start)
		}
	}
	if paging != p.Paging {
		t.Fatalf("%s: %v at page in the spans, %v in the episodes", name, paging, p.Paging)
	}
	if p.Pages+p.Tickets != len(p.Episodes) || p.FlakyPages > p.Pages || p.PagesOnIncidents > p.Pages ||
		p.Detected > p.Significant || p.Cleared > p.Detected || len(p.Detections) != len(o.Incidents) {
		t.Fatalf("%s: counts out of line: %+v", name, p)
	}
	if !(p.Precision >= 0 && p.Precision <= 1 && p.Recall >= 0 && p.Recall <= 1) {
		t.Fatalf("%s: precision %v, recall %v; want shares", name, p.Precision, p.Recall)
	}
	for k, d := range p.Detections {
		if d.Detected && (d.Detection < 0 || d.BudgetBeforeDetection < 0 || d.Paged.Before(o.Incidents[k].Start)) {
			t.Fatalf("%s: detection %d %+v of %+v", name, k, d, o.Incidents[k])
		}
	}
}

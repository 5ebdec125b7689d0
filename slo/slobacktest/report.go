package slobacktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/figure"
	"github.com/journeyslo/journeyslo/slo"
)

// plural writes n things, "1 incident" or "2 incidents".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

// targetPercent writes a target as a percent with all its digits, such as
// "99.95%": one decimal would round it to another target.
func targetPercent(f float64) string {
	return strconv.FormatFloat(figure.Tidy(f*100), 'f', -1, 64) + "%"
}

// percent writes a share as a percent with one decimal, such as "1.8%".
func percent(f float64) string { return strconv.FormatFloat(figure.Tidy(f*100), 'f', 1, 64) + "%" }

// seconds writes d rounded to the second, as burnrate.FormatWindow does:
// "12m39s", "3h36m".
func seconds(d time.Duration) string {
	d = d.Round(time.Second)
	if d == 0 {
		return "0s"
	}
	if d < 0 {
		return "-" + burnrate.FormatWindow(-d)
	}
	return burnrate.FormatWindow(d)
}

// WriteText writes the result as a table for people: one row per objective
// and policy, with its pages, tickets and flaky pages, the time spent
// paging, precision and recall as percents, and the mean detection and
// reset over the significant incidents it detected. A dash stands for a
// figure that has nothing to measure: precision without pages, recall
// without significant incidents, means without detections.
func (r Result) WriteText(w io.Writer) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Replay of %s to %s, evaluated every %s.\n\n", r.Start.UTC().Format(time.RFC3339), r.End.UTC().Format(time.RFC3339), seconds(r.every()))
	fmt.Fprintf(tw, "objective\tpolicy\tpages\ttickets\tflaky\tpaging\tprecision\trecall\tdetection\treset\n")
	for _, o := range r.Objectives {
		key := slo.ObjectiveKey(o.Objective.Journey, o.Objective.Name)
		for _, p := range o.Policies {
			precision, recall, detection, reset := "-", "-", "-", "-"
			if p.Pages > 0 {
				precision = percent(p.Precision)
			}
			if p.Significant > 0 {
				recall = percent(p.Recall)
			}
			if p.Detected > 0 {
				detection = seconds(p.MeanDetection)
			}
			if p.Cleared > 0 {
				reset = seconds(p.MeanReset)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", key, p.Name, p.Pages, p.Tickets, p.FlakyPages,
				seconds(p.Paging), precision, recall, detection, reset)
		}
	}
	for _, o := range r.Objectives {
		sig := 0
		for _, ir := range o.Incidents {
			if ir.Significant {
				sig++
			}
		}
		fmt.Fprintf(tw, "\n%s at %s over %s: %s, %d significant; a budget of %s bad events a period at the replay's mean rate.\n",
			slo.ObjectiveKey(o.Objective.Journey, o.Objective.Name), targetPercent(o.Objective.Target), burnrate.FormatWindow(o.Objective.Period),
			plural(len(o.Incidents), "incident"), sig, wholeEvents(o.Budget))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// The JSON shapes of a Result, in the style of package slo's: durations as
// "1h30m" (burnrate.FormatWindow), instants in RFC 3339 UTC, null for an
// instant or a duration that is not there, figures rounded to 12
// significant digits, never NaN.
type (
	resultShape struct {
		Start      string           `json:"start"`
		End        string           `json:"end"`
		Tick       string           `json:"tick"`
		Every      string           `json:"every"`
		Objectives []objectiveShape `json:"objectives"`
	}
	objectiveShape struct {
		Journey   string          `json:"journey"`
		Objective string          `json:"objective"`
		Target    float64         `json:"target"`
		Period    string          `json:"period"`
		Budget    float64         `json:"budget"`
		Good      uint64          `json:"good"`
		Bad       uint64          `json:"bad"`
		Incidents []incidentShape `json:"incidents"`
		Traffic   []binShape      `json:"traffic"`
		Policies  []policyShape   `json:"policies"`
	}
	binShape struct {
		End  string `json:"end"`
		Good uint64 `json:"good"`
		Bad  uint64 `json:"bad"`
	}
	incidentShape struct {
		Start       string  `json:"start"`
		Duration    string  `json:"duration"`
		ErrorRatio  float64 `json:"errorRatio"`
		Good        uint64  `json:"good"`
		Bad         uint64  `json:"bad"`
		Budget      float64 `json:"budget"`
		Significant bool    `json:"significant"`
	}
	policyShape struct {
		Name             string           `json:"name"`
		Policy           burnrate.Policy  `json:"policy"`
		Pages            int              `json:"pages"`
		Tickets          int              `json:"tickets"`
		FlakyPages       int              `json:"flakyPages"`
		Paging           string           `json:"paging"`
		PagesOnIncidents int              `json:"pagesOnIncidents"`
		Significant      int              `json:"significant"`
		Detected         int              `json:"detected"`
		Cleared          int              `json:"cleared"`
		Precision        float64          `json:"precision"`
		Recall           float64          `json:"recall"`
		MeanDetection    *string          `json:"meanDetection"`
		MeanReset        *string          `json:"meanReset"`
		Detections       []detectionShape `json:"detections"`
		Spans            []spanShape      `json:"spans"`
		Episodes         []slo.Episode    `json:"episodes"`
	}
	detectionShape struct {
		Detected              bool    `json:"detected"`
		Paged                 *string `json:"paged"`
		Detection             *string `json:"detection"`
		BudgetBeforeDetection float64 `json:"budgetBeforeDetection"`
		Cleared               bool    `json:"cleared"`
		Reset                 *string `json:"reset"`
	}
	spanShape struct {
		Start string            `json:"start"`
		End   string            `json:"end"`
		State burnrate.Severity `json:"state"`
		Rule  string            `json:"rule,omitempty"`
	}
)

func instant(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// durationIf returns d written as a duration when ok, else nil (null).
func durationIf(d time.Duration, ok bool) *string {
	if !ok {
		return nil
	}
	s := seconds(d)
	if d%time.Second != 0 {
		s = d.String() // a mean that is not whole seconds: keep it exact
	}
	return &s
}

// finite returns x tidied, or 0 for what JSON cannot hold (never reached:
// every figure of a Result is finite).
func finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return figure.Tidy(x)
}

// MarshalJSON encodes the result. Its fields:
//
//   - start, end, tick, every: the replay's first and last evaluation, the
//     registry's tick and how often the replay evaluated.
//   - objectives: one per config, in order, each with journey, objective,
//     target, period, budget (the error budget in events of one period at
//     the journey's mean rate), good and bad (the journey's events),
//     incidents, traffic and policies.
//   - incidents: start, duration, errorRatio, good, bad, budget (the share
//     of the objective's budget the incident spent) and significant.
//   - traffic: the journey's events in bins (see [ObjectiveResult].Traffic):
//     end, good, bad.
//   - policies: one per candidate, baselines first: name, policy (its
//     rules and minEvents, as burnrate.Policy encodes them), pages,
//     tickets, flakyPages, paging, pagesOnIncidents, significant,
//     detected, cleared, precision, recall, meanDetection and meanReset
//     (null when there is nothing to average), detections (one per
//     incident: detected, paged, detection, budgetBeforeDetection,
//     cleared, reset; null where not detected or not cleared), spans
//     (start, end, state, rule) and episodes (as slo.Episode encodes
//     them).
func (r Result) MarshalJSON() ([]byte, error) {
	out := resultShape{Start: instant(r.Start), End: instant(r.End), Tick: seconds(r.Tick), Every: seconds(r.every()), Objectives: []objectiveShape{}}
	for _, o := range r.Objectives {
		os := objectiveShape{Journey: o.Objective.Journey, Objective: o.Objective.Name, Target: finite(o.Objective.Target),
			Period: burnrate.FormatWindow(o.Objective.Period), Budget: finite(o.Budget), Good: o.Good, Bad: o.Bad,
			Incidents: []incidentShape{}, Traffic: []binShape{}, Policies: []policyShape{}}
		for _, b := range o.Traffic {
			os.Traffic = append(os.Traffic, binShape{End: instant(b.End), Good: b.Good, Bad: b.Bad})
		}
		for _, ir := range o.Incidents {
			os.Incidents = append(os.Incidents, incidentShape{Start: instant(ir.Start), Duration: seconds(ir.Duration),
				ErrorRatio: finite(ir.ErrorRatio), Good: ir.Good, Bad: ir.Bad, Budget: finite(ir.Budget), Significant: ir.Significant})
		}
		for _, p := range o.Policies {
			ps := policyShape{Name: p.Name, Policy: tidyPolicy(p.Policy), Pages: p.Pages, Tickets: p.Tickets, FlakyPages: p.FlakyPages,
				Paging: seconds(p.Paging), PagesOnIncidents: p.PagesOnIncidents, Significant: p.Significant, Detected: p.Detected,
				Cleared: p.Cleared, Precision: finite(p.Precision), Recall: finite(p.Recall),
				MeanDetection: durationIf(p.MeanDetection, p.Detected > 0), MeanReset: durationIf(p.MeanReset, p.Cleared > 0),
				Detections: []detectionShape{}, Spans: []spanShape{}, Episodes: p.Episodes}
			if ps.Episodes == nil {
				ps.Episodes = []slo.Episode{}
			}
			for _, d := range p.Detections {
				ds := detectionShape{Detected: d.Detected, Detection: durationIf(d.Detection, d.Detected),
					BudgetBeforeDetection: finite(d.BudgetBeforeDetection), Cleared: d.Cleared, Reset: durationIf(d.Reset, d.Cleared)}
				if d.Detected {
					t := instant(d.Paged)
					ds.Paged = &t
				}
				ps.Detections = append(ps.Detections, ds)
			}
			for _, s := range p.Spans {
				ps.Spans = append(ps.Spans, spanShape{Start: instant(s.Start), End: instant(s.End), State: s.State, Rule: s.Rule})
			}
			os.Policies = append(os.Policies, ps)
		}
		out.Objectives = append(out.Objectives, os)
	}
	return json.Marshal(out)
}

// tidyPolicy returns p with its factors tidied, on a copy.
func tidyPolicy(p burnrate.Policy) burnrate.Policy {
	rules := make([]burnrate.Rule, len(p.Rules))
	for i, r := range p.Rules {
		r.Factor = figure.Tidy(r.Factor)
		rules[i] = r
	}
	p.Rules = rules
	return p
}

// WriteJSON writes the result as indented JSON (see [Result.MarshalJSON]),
// with a final newline.
func (r Result) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// wholeEvents writes a budget of events for people: to the nearest event,
// since 216024.995786 bad events reads as a precision no one can use.
func wholeEvents(n float64) string {
	return strconv.FormatFloat(math.Round(n), 'f', 0, 64)
}

// every is how often the replay evaluated; a Result built by hand may
// leave it zero, meaning every tick.
func (r *Result) every() time.Duration {
	if r.Every > 0 {
		return r.Every
	}
	return r.Tick
}

package slorisk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/figure"
)

// percent writes a share as a percent, such as "20%" or "99.9%".
func percent(f float64) string {
	return strconv.FormatFloat(figure.Tidy(f*100), 'f', -1, 64) + "%"
}

// WriteText writes the analysis as a table for people: one row per risk
// and one for the total, bad minutes with one decimal and shares of the
// budget as percents, with notes on the risks that alone exceed the budget,
// the times to detect that come from the policy and the risks it never
// detects; then the premortems, if any.
func (a *Analysis) WriteText(w io.Writer) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	of := percent(a.Target)
	if a.Objective != "" {
		of = a.Objective + " at " + of
	}
	fmt.Fprintf(tw, "Risks against %s: a budget of %.1f bad minutes a year.\n\n", of, a.Budget)
	fmt.Fprintf(tw, "risk\tettd\tettr\timpact\tettf\tbad min/yr\tof budget\tnote\n")
	for _, r := range a.Risks {
		ettd, note := burnrate.FormatWindow(r.Detection), ""
		switch {
		case r.Undetected:
			ettd = "never"
			note = fmt.Sprintf("the policy never detects it: counts ettr alone; %.1f if it never stopped", r.Ceiling)
		case r.FromPolicy:
			note = "ettd from the policy"
		}
		if r.Exceeds {
			note = join2("EXCEEDS THE BUDGET ALONE", note)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.1f\t%.1f%%\t%s\n", r.Name, ettd, burnrate.FormatWindow(r.ETTR), percent(r.Impact),
			burnrate.FormatWindow(r.ETTF), r.BadMinutes, r.Share*100, note)
	}
	note := "fits the budget"
	if a.Exceeds {
		note = "EXCEEDS THE BUDGET"
	}
	total := fmt.Sprintf("%.1f", a.BadMinutes)
	if a.Undetected > 0 {
		total = "at least " + total
		note += fmt.Sprintf(" (%d never detected by the policy)", a.Undetected)
	}
	fmt.Fprintf(tw, "total\t\t\t\t\t%s\t%.1f%%\t%s\n", total, a.Share*100, note)
	if len(a.Premortems) > 0 {
		fmt.Fprintf(tw, "\nPremortems on the recorded traffic, at %s:\n\n", percent(a.Target))
		fmt.Fprintf(tw, "premortem\tjourney\tstart\tduration\timpact\tbad events\tof budget\tnote\n")
		for _, s := range a.Premortems {
			journey := s.Journey
			if journey == "" {
				journey = "(all)"
			}
			note := ""
			if s.Exceeds {
				note = "EXCEEDS THE BUDGET ALONE"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.0f\t%.1f%%\t%s\n", s.Name, journey, s.Start.UTC().Format(time.RFC3339),
				burnrate.FormatWindow(s.Duration), percent(s.Impact), s.Bad, s.Share*100, note)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// The padding of an empty last column is noise at the end of a line.
	lines := strings.SplitAfter(buf.String(), "\n")
	for i, l := range lines {
		if t, ok := strings.CutSuffix(l, "\n"); ok {
			lines[i] = strings.TrimRight(t, " ") + "\n"
		}
	}
	_, err := io.WriteString(w, strings.Join(lines, ""))
	return err
}

func join2(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}

// The JSON shapes, with every figure rounded to 12 significant digits and
// every duration written as burnrate.FormatWindow writes it.
type (
	analysisJSON struct {
		Objective  string           `json:"objective,omitempty"`
		Target     float64          `json:"target"`
		Budget     float64          `json:"budgetMinutes"`
		Risks      []assessmentJSON `json:"risks"`
		BadMinutes float64          `json:"badMinutes"`
		Share      float64          `json:"budgetShare"`
		Exceeds    bool             `json:"exceedsBudget"`
		Undetected int              `json:"undetected"`
		Premortems []spendJSON      `json:"premortems,omitempty"`
	}
	assessmentJSON struct {
		Name       string  `json:"name"`
		ETTD       *string `json:"ettd"`
		ETTDFrom   string  `json:"ettdFrom"`
		ETTR       string  `json:"ettr"`
		Impact     float64 `json:"impact"`
		ETTF       string  `json:"ettf"`
		BadMinutes float64 `json:"badMinutes"`
		Share      float64 `json:"budgetShare"`
		Exceeds    bool    `json:"exceedsBudget"`
		Ceiling    float64 `json:"ceilingMinutes,omitempty"`
	}
	spendJSON struct {
		Name     string  `json:"name"`
		Journey  string  `json:"journey,omitempty"`
		Start    string  `json:"start"`
		End      string  `json:"end"`
		Duration string  `json:"duration"`
		Impact   float64 `json:"impact"`
		Events   float64 `json:"events"`
		Bad      float64 `json:"badEvents"`
		Budget   float64 `json:"budgetEvents"`
		Share    float64 `json:"budgetShare"`
		Exceeds  bool    `json:"exceedsBudget"`
	}
)

// MarshalJSON writes the analysis as one object: objective (left out for a
// bare target), target, budgetMinutes, risks, badMinutes, budgetShare,
// exceedsBudget, undetected and premortems (left out when none). Each risk
// has name, ettd (null when the policy never detects it), ettdFrom ("file",
// "policy" or "never"), ettr, impact, ettf, badMinutes, budgetShare,
// exceedsBudget and, for an undetected one, ceilingMinutes. Each premortem
// has name, journey (left out for all), start and end (RFC 3339),
// duration, impact, events, badEvents, budgetEvents, budgetShare and
// exceedsBudget. Durations read as burnrate.ParseWindow reads them;
// figures are rounded to 12 significant digits.
func (a *Analysis) MarshalJSON() ([]byte, error) {
	out := analysisJSON{
		Objective: a.Objective, Target: figure.Tidy(a.Target), Budget: figure.Tidy(a.Budget), Risks: []assessmentJSON{},
		BadMinutes: figure.Tidy(a.BadMinutes), Share: figure.Tidy(a.Share), Exceeds: a.Exceeds, Undetected: a.Undetected,
	}
	for _, r := range a.Risks {
		ettd, from := burnrate.FormatWindow(r.Detection), "file"
		j := assessmentJSON{
			Name: r.Name, ETTD: &ettd, ETTR: burnrate.FormatWindow(r.ETTR), Impact: figure.Tidy(r.Impact), ETTF: burnrate.FormatWindow(r.ETTF),
			BadMinutes: figure.Tidy(r.BadMinutes), Share: figure.Tidy(r.Share), Exceeds: r.Exceeds, Ceiling: figure.Tidy(r.Ceiling),
		}
		switch {
		case r.Undetected:
			j.ETTD, from = nil, "never"
		case r.FromPolicy:
			from = "policy"
		}
		j.ETTDFrom = from
		out.Risks = append(out.Risks, j)
	}
	for _, s := range a.Premortems {
		out.Premortems = append(out.Premortems, spendJSON{
			Name: s.Name, Journey: s.Journey, Start: s.Start.UTC().Format(time.RFC3339Nano), End: s.End.UTC().Format(time.RFC3339Nano),
			Duration: burnrate.FormatWindow(s.Duration), Impact: figure.Tidy(s.Impact), Events: figure.Tidy(s.Events), Bad: figure.Tidy(s.Bad),
			Budget: figure.Tidy(s.Budget), Share: figure.Tidy(s.Share), Exceeds: s.Exceeds,
		})
	}
	return json.Marshal(out)
}

// exceeds reports whether spent is more than budget, to 12 significant
// digits: a spend that equals the budget in decimal (10 events of a budget
// of 100 x (1 - 0.9), which floats make 9.999999999999998) fits it.
func exceeds(spent, budget float64) bool { return figure.Tidy(spent) > figure.Tidy(budget) }

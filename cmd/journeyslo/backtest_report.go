package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/journeyslo/journeyslo/backtest"
)

// writeBacktest writes the replay's report in format: text (a table), json
// or html.
func writeBacktest(w io.Writer, format string, res *backtest.Result) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	case "html":
		return fmt.Errorf("-format html: this build of the command has no HTML report; use text or json")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "objective\tpolicy\tpages\ttickets\tflaky\tpaging\tprecision\trecall\tdetection\treset")
	for _, o := range res.Objectives {
		for _, p := range o.Policies {
			fmt.Fprintf(tw, "%s:%s\t%s\t%d\t%d\t%d\t%v\t%s\t%s\t%v\t%v\n", o.Objective.Journey, o.Objective.Name, p.Name,
				p.Pages, p.Tickets, p.FlakyPages, p.Paging, strconv.FormatFloat(p.Precision, 'g', 3, 64), strconv.FormatFloat(p.Recall, 'g', 3, 64),
				p.MeanDetection, p.MeanReset)
		}
	}
	return tw.Flush()
}

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/journeyslo/journeyslo/slo/slobacktest"
	"github.com/journeyslo/journeyslo/slo/slorisk"
)

var riskVerb = &verb{
	synopsis: "risk [-config FILE]... [-traffic FILE] [-format text|json] FILE",
	summary:  "weigh a catalog of risks against an objective's yearly error budget",
	help: `Risk reads a catalog of the failures a service can expect (see package slorisk for
the format) and weighs each the way Google's CRE team does: (ettd + ettr) x impact
x 365.25 / ettf bad minutes a year, beside the yearly budget of the target,
(1 - target) x 525,960 minutes. It writes each risk's bad minutes and share of
the budget, their total, and flags the risks that alone exceed the budget and a
total that does not fit.

A catalog gives a target, or names an objective (journey:objective) of the
objective file given with -config (a journeyslo config, or OpenSLO v1 files,
-config given once for each), whose target and alert policy it is judged by. A
risk that gives no ettd is detected when the policy would detect it: the time
the policy takes to leave ok (ticket or page) when steady traffic whose error
ratio is the risk's impact is replayed through the registry (as journeyslo
backtest replays traffic), at the registry's tick. A risk the policy never
detects is flagged, and its bad minutes count its ettr alone.

The catalog's premortems, failures imagined at a time of a recorded month, are
judged on the traffic given with -traffic: the share of that month's error
budget each would spend.

Problems with the files are written to standard error as FILE:LINE:COLUMN:
message. A budget that the risks exceed is a finding, not an error: the exit
status is 0 whenever the analysis is written.
`,
	flags: flagsOf[riskOptions],
	run:   runRisk,
}

// riskOptions are the risk verb's flags.
type riskOptions struct {
	configs stringsFlag
	traffic string
	format  string
}

func (f *riskOptions) flagSet(stderr io.Writer) *flag.FlagSet {
	fs := newFlags("risk", stderr)
	fs.Var(&f.configs, "config", "the objective `file` holding the objective the catalog names; repeat it for the files of one\nservice's OpenSLO documents")
	fs.StringVar(&f.traffic, "traffic", "", "the recorded traffic `file` (.csv or .jsonl) the catalog's premortems are judged on")
	fs.StringVar(&f.format, "format", "text", "the output's `format`: text, a table for people, or json")
	return fs
}

func runRisk(args []string, stdout, stderr io.Writer) int {
	f, path, status, ok := parseOne[riskOptions]("risk", "risk catalog", args, stdout, stderr)
	if !ok {
		return status
	}
	if f.format != "text" && f.format != "json" {
		return usageErr(stderr, "risk", "-format %q is not one; write text or json", f.format)
	}
	c, err := slorisk.Load(path)
	if err != nil {
		printErr(stderr, riskFileErr(path, err))
		return exitInvalid
	}
	switch {
	case c.Objective != "" && len(f.configs) == 0:
		return usageErr(stderr, "risk", "%s names objective %s; give the objective file that holds it with -config", path, c.Objective)
	case c.Objective == "" && len(f.configs) > 0:
		return usageErr(stderr, "risk", "%s gives its target; -config is for a catalog that names an objective (objective: journey:objective)", path)
	case len(c.Premortems) > 0 && f.traffic == "":
		return usageErr(stderr, "risk", "%s has %s; give the recorded traffic to judge them on with -traffic", path, plural(len(c.Premortems), "premortem"))
	case len(c.Premortems) == 0 && f.traffic != "":
		return usageErr(stderr, "risk", "%s has no premortems to judge on the traffic of -traffic", path)
	}
	var opts []slorisk.Option
	o, err := c.Resolve(nil)
	if len(f.configs) > 0 {
		src, status, ok := loadService(stderr, "risk", f.configs, "a catalog judges one objective, of one service")
		if !ok {
			return status
		}
		o, err = c.Resolve(src.objectives)
	}
	if err != nil {
		printErr(stderr, riskFileErr(path, err))
		return exitInvalid
	}
	if f.traffic != "" {
		samples, err := slobacktest.ReadFile(f.traffic)
		if err != nil {
			printErr(stderr, trafficErr(f.traffic, err))
			return exitInvalid
		}
		opts = append(opts, slorisk.WithTraffic(samples))
	}
	a, err := slorisk.Analyze(c, o, opts...)
	if err != nil {
		printErr(stderr, riskFileErr(path, err))
		return exitInvalid
	}
	if f.format == "json" {
		b, err := json.MarshalIndent(a, "", "  ")
		if err != nil {
			printErr(stderr, err)
			return exitInvalid
		}
		if _, err := fmt.Fprintf(stdout, "%s\n", b); err != nil {
			printErr(stderr, err)
			return exitInvalid
		}
		return exitOK
	}
	if err := a.WriteText(stdout); err != nil {
		printErr(stderr, err)
		return exitInvalid
	}
	return exitOK
}

// riskFileErr returns a problem of the file at path, each line as
// FILE:LINE:COLUMN: message or FILE: message, without package slorisk's
// name in front of what it says.
func riskFileErr(path string, err error) error {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "slorisk: ")
	}
	return readErr(path, &problems{err: err, msg: strings.Join(lines, "\n")})
}

package main

import (
	"fmt"
	"io"

	"github.com/journeyslo/journeyslo/slo/slorules"
)

var validateVerb = &verb{
	synopsis: "validate FILE...",
	summary:  "check objective files and list every problem in them",
	help: `Validate loads each FILE as the library would, journeyslo config, Sloth spec
(prometheus/v1 or PrometheusServiceLevel) or OpenSLO v1, and writes every
problem of every file to standard error, one a line, as FILE:LINE:COLUMN:
message; for each valid file it writes a line to standard output saying what
it holds. The OpenSLO v1 files given are read together, as one service's
documents whose references may cross files. A file that validates gives
objectives that slo.New accepts, and rules that journeyslo rules writes: what
rules would refuse in a file (without flags) is one of its problems. The exit
status is 1 when any file has a problem.
`,
	run: runValidate,
}

func runValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("validate", stderr)
	if status, ok := parseFlags(fs, "validate", args, stdout); !ok {
		return status
	}
	if fs.NArg() == 0 {
		return usageErr(stderr, "validate", "no FILE given; name the objective files to check")
	}
	srcs, errs := loadSources(fs.Args())
	// What rules would refuse with no flag is a problem of the file too.
	valid := srcs[:0]
	for _, src := range srcs {
		if err := src.rulesProblems(slorules.Prometheus, nil, []slorules.Option{slorules.WithNamespace(src.config.Service)}); err != nil {
			errs = append(errs, err)
			continue
		}
		valid = append(valid, src)
	}
	for _, err := range errs {
		printErr(stderr, err)
	}
	for _, src := range valid {
		fmt.Fprintf(stdout, "%s: valid %s: %s\n", src.name(), src.kind(), src.summary())
	}
	if len(errs) > 0 {
		return exitInvalid
	}
	return exitOK
}

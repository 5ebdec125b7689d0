package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/journeyslo/journeyslo/slo/openslo"
)

var convertVerb = &verb{
	synopsis: "convert [-to config|openslo] [-o FILE] FILE...",
	summary:  "convert a Sloth spec or OpenSLO v1 files to a journeyslo config, or to OpenSLO v1",
	help: `Convert reads one service's objectives, a Sloth spec (prometheus/v1 or the
PrometheusServiceLevel resource), OpenSLO v1 files read together, or a
journeyslo config file, and writes them as a journeyslo config file (-to
config, the default) or as OpenSLO v1 documents (-to openslo). What the
result reads back as is what the input gives: the same objectives, their
sources, labels and alerts' names, so that journeyslo rules writes the same
rules from either.

A Sloth spec becomes one journey named after its service, with one objective
per SLO: its events SLI's error and total queries as the source's bad and
total, its raw SLI's error ratio as the source's errorRatio, its labels, and
its alerting's name, labels and annotations, and its page and ticket alerts'.
OpenSLO v1 has no place for an error ratio over {{.window}}: such an SLO is
refused with -to openslo.

The output goes to standard output, or to FILE with -o, replaced whole; its
first line says what it was converted from.
`,
	flags: func(stderr io.Writer) *flag.FlagSet {
		var to, out string
		return convertFlags(&to, &out, stderr)
	},
	run: runConvert,
}

func convertFlags(to, out *string, stderr io.Writer) *flag.FlagSet {
	fs := newFlags("convert", stderr)
	fs.StringVar(to, "to", "config", "the `format` to write: config (a journeyslo config file) or openslo (OpenSLO v1 documents)")
	fs.StringVar(out, "o", "", "the `file` to write (default standard output)")
	return fs
}

func runConvert(args []string, stdout, stderr io.Writer) int {
	var to, out string
	fs := convertFlags(&to, &out, stderr)
	if status, ok := parseFlags(fs, "convert", args, stdout); !ok {
		return status
	}
	if to != "config" && to != "openslo" {
		return usageErr(stderr, "convert", "-to %q is neither config nor openslo", to)
	}
	if fs.NArg() == 0 {
		return usageErr(stderr, "convert", "no FILE given; name the Sloth spec or the OpenSLO files to convert")
	}
	srcs, errs := loadSources(fs.Args())
	if len(errs) > 0 {
		for _, err := range errs {
			printErr(stderr, err)
		}
		return exitInvalid
	}
	if len(srcs) > 1 {
		names := make([]string, len(srcs))
		for i, s := range srcs {
			names[i] = s.name()
		}
		return usageErr(stderr, "convert", "%d services given (%s); convert them one at a time", len(srcs), strings.Join(names, "; "))
	}
	src := srcs[0]
	header := fmt.Sprintf("# Converted by journeyslo convert from %s (%s).\n", src.name(), src.kind())
	var (
		data []byte
		err  error
	)
	if to == "config" {
		data, err = src.config.Marshal()
	} else {
		data, err = openslo.Export(src.config, src.indicators)
	}
	if err != nil {
		printErr(stderr, fileErr(err, src.paths...))
		return exitInvalid
	}
	return writeOutput(stdout, stderr, "convert", out, append([]byte(header), data...))
}

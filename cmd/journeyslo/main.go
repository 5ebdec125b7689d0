// Command journeyslo checks objective files, turns them into the fleet's
// Prometheus rules and Grafana dashboards and between journeyslo's format
// and OpenSLO v1, shows what a registry's snapshot file holds, backtests
// alert policies on
// recorded, synthetic or Prometheus traffic, and weighs risks against the
// yearly error budget.
//
// Usage:
//
//	journeyslo validate FILE...
//	journeyslo rules [-flavor prometheus|thanos|mimir|prometheus-operator] [-selector SEL] [-label k=v]... [-namespace NS] [-interval D] [-object-name NAME] [-object-namespace NS] [-object-label k=v]... [-o DIR] FILE...
//	journeyslo dashboards [-label k=v]... [-o DIR] FILE...
//	journeyslo convert [-to config|openslo] [-o FILE] FILE...
//	journeyslo openslo import [-o FILE] FILE...
//	journeyslo openslo export [-o FILE] FILE...
//	journeyslo snapshot [-config FILE]... SNAPSHOT
//	journeyslo backtest -config FILE [-objective JOURNEY:OBJECTIVE]... TRAFFIC [-policy FILE|NAME]... [-flaky D] [-every D] [-format text|json|html] [-o FILE]
//	journeyslo risk [-config FILE]... [-traffic FILE] [-format text|json] FILE
//	journeyslo serve -prometheus URL [-addr ADDR] [-label k=v]... [-from TIME] [FILE...]
//	journeyslo help [VERB]
//	journeyslo version
//
// For example:
//
//	go run ./cmd/journeyslo validate examples/config/shop.yaml
//	go run ./cmd/journeyslo rules -selector '{job="shop"}' -o rules/ examples/config/shop.yaml
//	go run ./cmd/journeyslo convert -o shop.yaml sloth.yaml
//	go run ./cmd/journeyslo backtest -config examples/config/shop.yaml -traffic examples/backtest/traffic.csv -o report.html
//	go run ./cmd/journeyslo risk -config examples/config/shop.yaml -traffic examples/backtest/traffic.csv examples/backtest/risks.yaml
//
// Every verb that reads objectives takes journeyslo config files, Sloth specs
// (version: prometheus/v1, or apiVersion: sloth.slok.dev/v1) and OpenSLO v1
// files alike, told apart by their content (apiVersion: openslo/v1). The
// OpenSLO files of one command line are read together, as one service's
// documents, so that their references may cross files.
// Output goes to standard output unless -o is given; problems go to standard
// error as FILE:LINE:COLUMN: message.
//
// The exit status is 0 on success, 1 when a file is invalid or cannot be
// read or written, and 2 on a usage error (an unknown verb or flag, a
// missing argument).
//
// The command is a thin shell over the packages slo, slo/slorules, slo/slodash,
// slo/sloconfig, slo/openslo, backtest and risk: whatever it does, a
// program can do with them.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit statuses.
const (
	exitOK      = 0
	exitInvalid = 1 // an invalid or unreadable file, an output that could not be written
	exitUsage   = 2 // an unknown verb or flag, a missing argument
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// A verb is one subcommand.
type verb struct {
	// synopsis is the verb's usage line, after "journeyslo ".
	synopsis string
	// summary is one line for the list of verbs.
	summary string
	// help is the rest of the verb's help, after its usage line and before
	// its flags.
	help string
	// flags returns the verb's flag set, writing its errors to stderr, with
	// its values in fresh variables, for its help; nil for a verb without
	// flags.
	flags func(stderr io.Writer) *flag.FlagSet
	// run runs the verb on its arguments (after the verb's name).
	run func(args []string, stdout, stderr io.Writer) int
}

// verbs is filled by init so that help, which lists them, can be one of
// them without an initialisation cycle.
var verbs map[string]*verb

func init() {
	verbs = map[string]*verb{
		"validate":   validateVerb,
		"rules":      rulesVerb,
		"dashboards": dashboardsVerb,
		"convert":    convertVerb,
		"openslo":    opensloVerb,
		"help":       helpVerb,
		"version":    versionVerb,
		"snapshot":   snapshotVerb,
		"backtest":   backtestVerb,
		"risk":       riskVerb,
		"serve":      serveVerb,
	}
}

// run runs the command line args (without the program's name) and returns
// the exit status; main is this and os.Exit, so tests run the command
// in-process.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	}
	v, ok := verbs[name]
	if !ok {
		fmt.Fprintf(stderr, "journeyslo: unknown verb %q; the verbs are %s (journeyslo help lists them)\n", name, strings.Join(verbNames(), ", "))
		return exitUsage
	}
	return v.run(args[1:], stdout, stderr)
}

// verbOrder is the order verbs are listed in, that of the work: check,
// generate, convert, inspect, try.
var verbOrder = []string{"validate", "rules", "dashboards", "convert", "openslo", "snapshot", "backtest", "risk", "serve", "help", "version"}

// verbNames returns the verbs' names in the order of verbOrder.
func verbNames() []string {
	names := make([]string, 0, len(verbs))
	for _, n := range verbOrder {
		if verbs[n] != nil {
			names = append(names, n)
		}
	}
	return names
}

// usage writes the command's help: its verbs and its exit statuses.
func usage(w io.Writer) {
	fmt.Fprint(w, "journeyslo checks objective files, writes the fleet's Prometheus rules from them,\n"+
		"converts them between formats (Sloth, OpenSLO v1), shows what a snapshot file\n"+
		"holds, backtests alert policies on traffic, and weighs risks against the yearly\n"+
		"error budget.\n\nUsage:\n\n")
	for _, n := range verbNames() {
		fmt.Fprintf(w, "  journeyslo %s\n", verbs[n].synopsis)
	}
	fmt.Fprint(w, "\nVerbs:\n\n")
	for _, n := range verbNames() {
		fmt.Fprintf(w, "  %-10s %s\n", n, verbs[n].summary)
	}
	fmt.Fprint(w, "\n"+filesHelp+exitHelp+"\nRun 'journeyslo help VERB' for a verb's flags.\n")
}

const filesHelp = `Objective files are journeyslo config files, Sloth specs or OpenSLO v1 documents,
told apart by their content: a file with a document whose apiVersion is
openslo/v1 is OpenSLO; one whose version is prometheus/v1, or whose apiVersion
is sloth.slok.dev/v1, is a Sloth spec. Problems are written to standard error
as FILE:LINE:COLUMN: message.
`

const exitHelp = `
Exit status: 0 on success; 1 when a file is invalid or cannot be read or
written; 2 on a usage error (an unknown verb or flag, a missing argument).
`

// newFlags returns a verb's flag set, which writes its errors to stderr and
// leaves the help and the exit to parseFlags.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("journeyslo "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // parseFlags writes the help where it belongs
	return fs
}

// parseFlags parses args into fs. It returns ok false with the exit status
// when the verb should stop: 0 after -h (the help is written to stdout), 2
// after a flag error (flag has written it to stderr).
func parseFlags(fs *flag.FlagSet, name string, args []string, stdout io.Writer) (status int, ok bool) {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		verbHelp(stdout, name)
		return exitOK, false
	}
	if err != nil {
		fmt.Fprintf(fs.Output(), "usage: journeyslo %s\nrun 'journeyslo help %s' for more\n", verbs[name].synopsis, name)
		return exitUsage, false
	}
	return 0, true
}

// options is a verb's flag values: a fresh zero value declares them on
// the verb's flag set, with their defaults.
type options interface {
	flagSet(stderr io.Writer) *flag.FlagSet
}

// flagsOf is the flags of a verb whose flag values are an O, for its help.
func flagsOf[O any, P interface {
	*O
	options
}](stderr io.Writer) *flag.FlagSet {
	return P(new(O)).flagSet(stderr)
}

// parseVerb parses args into the flags of a fresh O, the options of the
// verb name. It returns them and the flag set, whose Args are the verb's
// operands, or ok false with the exit status when the verb should stop
// (see parseFlags).
func parseVerb[O any, P interface {
	*O
	options
}](name string, args []string, stdout, stderr io.Writer) (o *O, fs *flag.FlagSet, status int, ok bool) {
	o = new(O)
	fs = P(o).flagSet(stderr)
	status, ok = parseFlags(fs, name, args, stdout)
	return o, fs, status, ok
}

// parseOne is parseVerb for a verb that takes one file, what (such as
// "risk catalog"), after its flags: it returns the file's path instead of
// the flag set, and a count of files other than one is a usage error.
func parseOne[O any, P interface {
	*O
	options
}](name, what string, args []string, stdout, stderr io.Writer) (o *O, path string, status int, ok bool) {
	o, fs, status, ok := parseVerb[O, P](name, args, stdout, stderr)
	if !ok {
		return nil, "", status, false
	}
	if fs.NArg() != 1 {
		return nil, "", usageErr(stderr, name, "%d files given; name one %s", fs.NArg(), what), false
	}
	return o, fs.Arg(0), 0, true
}

// usageErr writes a usage error for the verb and returns the usage status.
func usageErr(stderr io.Writer, name, format string, args ...any) int {
	fmt.Fprintf(stderr, "journeyslo %s: %s\nusage: journeyslo %s\nrun 'journeyslo help %s' for more\n",
		name, fmt.Sprintf(format, args...), verbs[name].synopsis, name)
	return exitUsage
}

// verbHelp writes the help of one verb, with its flags.
func verbHelp(w io.Writer, name string) {
	v := verbs[name]
	fmt.Fprintf(w, "usage: journeyslo %s\n\n%s", v.synopsis, v.help)
	if v.flags == nil {
		return
	}
	fs := v.flags(w)
	fmt.Fprint(w, "\nFlags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
}

var helpVerb = &verb{
	synopsis: "help [VERB]",
	summary:  "show the command's or a verb's help",
	help:     "Help shows the list of verbs, or one verb's usage and flags.\n",
	run:      runHelp,
}

func runHelp(args []string, stdout, stderr io.Writer) int {
	switch len(args) {
	case 0:
		usage(stdout)
		return exitOK
	case 1:
	default:
		return usageErr(stderr, "help", "%d verbs given (%s); name one at most", len(args), strings.Join(args, " "))
	}
	name := args[0]
	if _, ok := verbs[name]; !ok {
		fmt.Fprintf(stderr, "journeyslo help: unknown verb %q; the verbs are %s\n", name, strings.Join(verbNames(), ", "))
		return exitUsage
	}
	verbHelp(stdout, name)
	fmt.Fprint(stdout, exitHelp)
	return exitOK
}

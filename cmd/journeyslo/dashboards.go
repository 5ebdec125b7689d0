package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slodash"
)

var dashboardsVerb = &verb{
	synopsis: "dashboards [-label k=v]... [-o DIR] FILE...",
	summary:  "write Grafana dashboards of the objectives, read from the rules' series",
	help: `Dashboards writes Grafana dashboards for a file's objectives, as package
slo/slodash generates them, reading the series that 'journeyslo rules' records
for the same objectives: an overview of every objective (state, budget left,
SLI, time to exhaustion, worst first) and a page per objective (its budget's
burn-down over the period, the burn rate of every rule's windows against its
factor, its alerts' episodes from ALERTS).

Each service gives its own dashboards: a journeyslo config file is one
service, and the OpenSLO v1 files given are read together as one. With -o DIR,
they go to DIR/SERVICE.json (the overview) and DIR/SERVICE.JOURNEY.OBJECTIVE.json,
DIR created when missing, for Grafana's file provisioning or its import;
without -o, one service's dashboards go to standard output as a JSON array.
Give the -label labels the rules were written with, so that the queries read
those rules' series. Nothing is written unless every FILE is valid.
`,
	flags: flagsOf[dashboardsOptions],
	run:   runDashboards,
}

// dashboardsOptions are the dashboards verb's flags.
type dashboardsOptions struct {
	labels labelsFlag
	out    string
}

func (o *dashboardsOptions) flagSet(stderr io.Writer) *flag.FlagSet {
	fs := newFlags("dashboards", stderr)
	fs.Var(&o.labels, "label", "a label `name=value` the rules were written with (journeyslo rules -label), such as team=shop;\nrepeat it for more labels")
	fs.StringVar(&o.out, "o", "", "the `directory` to write the dashboards into (default standard output, as a JSON array)")
	return fs
}

func runDashboards(args []string, stdout, stderr io.Writer) int {
	o, fs, status, ok := parseVerb[dashboardsOptions]("dashboards", args, stdout, stderr)
	if !ok {
		return status
	}
	files := fs.Args()
	if len(files) == 0 {
		return usageErr(stderr, "dashboards", "no FILE given; name the objective files to write dashboards for")
	}
	var opts []slodash.Option
	if len(o.labels) > 0 {
		opts = append(opts, slodash.WithLabels(o.labels))
	}
	probe := []slo.Objective{{Journey: "probe", Target: 0.999}}
	if _, err := slodash.Generate(probe, opts...); err != nil {
		return usageErr(stderr, "dashboards", "%s", strings.ReplaceAll(err.Error(), "slodash: ", ""))
	}
	srcs, errs := loadSources(files)
	if len(srcs) > 1 && o.out == "" {
		return usageErr(stderr, "dashboards", "%d services given without -o: each gives its own dashboards; write them into a directory with -o DIR", len(srcs))
	}
	type file struct {
		name string
		data []byte
	}
	var out []file
	byService := map[string]*source{}
	for _, src := range srcs {
		svc := src.config.Service
		if prev, ok := byService[svc]; ok {
			errs = append(errs, fileErr(fmt.Errorf("service %s is also described by %s; give each service once", svc, prev.name()), src.paths[0]))
			continue
		}
		byService[svc] = src
		ds, err := slodash.Generate(src.objectives, append(opts, slodash.WithService(svc))...)
		if err != nil {
			errs = append(errs, fileErr(err, src.paths...))
			continue
		}
		for i, d := range ds {
			b, err := d.Marshal()
			if err != nil {
				errs = append(errs, fileErr(err, src.paths...))
				break
			}
			name := svc + ".json"
			if i > 0 {
				obj := src.objectives[i-1].WithDefaults()
				name = svc + "." + obj.Journey + "." + obj.Name + ".json"
			}
			out = append(out, file{name, b})
		}
	}
	if len(errs) > 0 {
		for _, err := range errs {
			printErr(stderr, err)
		}
		return exitInvalid
	}
	if o.out == "" {
		var buf bytes.Buffer
		buf.WriteString("[\n")
		for i, f := range out {
			if i > 0 {
				buf.WriteString(",\n")
			}
			buf.Write(bytes.TrimSuffix(f.data, []byte("\n")))
		}
		buf.WriteString("\n]\n")
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			fmt.Fprintf(stderr, "journeyslo dashboards: writing the dashboards: %v\n", err)
			return exitInvalid
		}
		return exitOK
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		fmt.Fprintf(stderr, "journeyslo dashboards: %v\n", err)
		return exitInvalid
	}
	// Every file through a temporary one, renamed into place once all are
	// written, so that Grafana's provisioning never reads half a set.
	var pending []*pendingFile
	defer func() {
		for _, p := range pending {
			p.discard()
		}
	}()
	for _, f := range out {
		p, err := newPendingFile(filepath.Join(o.out, f.name))
		if err == nil {
			pending = append(pending, p)
			_, err = p.Write(f.data)
		}
		if err != nil {
			fmt.Fprintf(stderr, "journeyslo dashboards: %v\n", err)
			return exitInvalid
		}
	}
	for _, p := range pending {
		if err := p.commit(); err != nil {
			fmt.Fprintf(stderr, "journeyslo dashboards: %v\n", err)
			return exitInvalid
		}
	}
	return exitOK
}

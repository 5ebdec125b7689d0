package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

var rulesVerb = &verb{
	synopsis: "rules [-flavor prometheus|thanos|mimir|prometheus-operator] [-selector SEL] [-label k=v]... [-period-increments] [-object-name NAME] [-object-namespace NS] [-object-label k=v]... [-o DIR] FILE...",
	summary:  "write the fleet's Prometheus, Thanos, Mimir or prometheus-operator rules for the objectives",
	help: `Rules writes the recording and alerting rules that evaluate a file's objectives
over the fleet's journeyslo_sli_events_total counters, as package slo/slorules
generates them: the error ratio of every window of each objective's policy, its
period's SLI and budget, and one JourneyErrorBudgetBurn alert per severity.

Each service gives one rule file: a journeyslo config file or a Sloth spec is
one service, and the OpenSLO v1 files given are read together as one. An
objective with a source (an OpenSLO SLI's Prometheus queries, a Sloth SLI's,
or source: in a config) is read from those counters instead. With one service and no
-o, its rules go to standard output; with -o DIR, each service's go to
DIR/SERVICE.rules.yml, DIR created when missing, beside
DIR/SERVICE.alertmanager.yml: an Alertmanager configuration that groups the
alerts by objective, sends pages and tickets to two receivers to fill in, and
silences an objective's ticket while its page fires (merge its route and
inhibit_rules into yours). Nothing is written unless every FILE is valid. An
OpenSLO SLI whose queries are not Prometheus's is refused: the rules read
Prometheus. journeyslo validate reports everything rules refuses without flags.
Each objective's runbook becomes its alerts' runbook_url, and its labels are
on every series and alert of its rules, beside the -label labels; a -label
that gives one of an objective's labels another value is refused.

With -flavor prometheus-operator, the rules are prometheus-operator
PrometheusRule objects for kubectl apply -f, one per objective, named
NAME.JOURNEY.OBJECTIVE (NAME is -object-name, by default the service's name),
in the -object-namespace namespace (by default none: kubectl's own) and
labelled with the -object-label labels, which the Prometheus resource's
ruleSelector must match, and app.kubernetes.io/managed-by=journeyslo.

With -period-increments, each period's events are the sum of increments
recorded at every evaluation of its group, not increase() over the whole
period: exact, and one sample a step whatever the number of series, for long
periods (12 weeks) over thousands of series; the first period after the rules
are deployed counts only from then.
`,
	flags: flagsOf[rulesOptions],
	run:   runRules,
}

// rulesOptions are the rules verb's flags.
type rulesOptions struct {
	flavor     slorules.Flavor
	selector   string
	labels     labelsFlag
	namespace  string
	interval   time.Duration
	out        string
	object     slorules.ObjectMeta
	objLabels  labelsFlag
	increments bool
}

func (o *rulesOptions) flagSet(stderr io.Writer) *flag.FlagSet {
	fs := newFlags("rules", stderr)
	fs.Func("flavor", "the `engine` the rules are for: prometheus, thanos (adds partial_response_strategy: abort),\nmimir (adds a namespace) or prometheus-operator (PrometheusRule objects) (default prometheus)", func(s string) error {
		f, err := slorules.ParseFlavor(s)
		if err != nil {
			return errors.New(strings.TrimPrefix(err.Error(), "slorules: "))
		}
		o.flavor = f
		return nil
	})
	fs.StringVar(&o.selector, "selector", "", "PromQL label matchers that scope the counters the rules read,\nsuch as '{job=\"shop\"}' (default every journeyslo_sli_events_total series)")
	fs.Var(&o.labels, "label", "a label `name=value` added to every recorded series and alert, such as team=shop;\nrepeat it for more labels")
	fs.StringVar(&o.namespace, "namespace", "", "the Mimir ruler namespace of the mimir flavour (default the service's name)")
	fs.DurationVar(&o.interval, "interval", 0, "how often the engine evaluates the groups, such as 30s (default the engine's global interval)")
	fs.StringVar(&o.out, "o", "", "the `directory` to write the rule files into (default standard output)")
	fs.StringVar(&o.object.Name, "object-name", "", "the `prefix` of the PrometheusRule objects' names, NAME.JOURNEY.OBJECTIVE, of the\nprometheus-operator flavour (default the service's name)")
	fs.StringVar(&o.object.Namespace, "object-namespace", "", "the Kubernetes `namespace` of the PrometheusRule objects (default none: kubectl's)")
	fs.BoolVar(&o.increments, "period-increments", false, "compute each period's events from recorded per-evaluation increments rather than\nincrease() over the whole period: exact, and cheap over long periods of many series,\nbut counting only from when the rules were deployed (see slorules.WithPeriodIncrements)")
	fs.Var(&o.objLabels, "object-label", "a Kubernetes label `name=value` of the PrometheusRule objects, such as release=prometheus,\nfor the operator's ruleSelector; repeat it for more labels")
	return fs
}

// options returns the slorules options the flags ask for.
func (o *rulesOptions) options() []slorules.Option {
	var opts []slorules.Option
	if o.selector != "" {
		opts = append(opts, slorules.WithSelector(o.selector))
	}
	if len(o.labels) > 0 {
		opts = append(opts, slorules.WithLabels(o.labels))
	}
	if o.namespace != "" {
		opts = append(opts, slorules.WithNamespace(o.namespace))
	}
	if o.interval != 0 {
		opts = append(opts, slorules.WithInterval(o.interval))
	}
	if o.increments {
		opts = append(opts, slorules.WithPeriodIncrements())
	}
	if o.object.Name != "" || o.object.Namespace != "" || len(o.objLabels) > 0 {
		meta := o.object
		meta.Labels = o.objLabels
		opts = append(opts, slorules.WithObjectMeta(meta))
	}
	return opts
}

func runRules(args []string, stdout, stderr io.Writer) int {
	o, fs, status, ok := parseVerb[rulesOptions]("rules", args, stdout, stderr)
	if !ok {
		return status
	}
	files := fs.Args()
	if len(files) == 0 {
		return usageErr(stderr, "rules", "no FILE given; name the objective files to write rules for")
	}
	// The flags' values once, before any file: a wrong selector or label is
	// a usage error, not a problem of every file in turn.
	probe := []slo.Objective{{Journey: "probe", Target: 0.999}} // valid, so every error is an option's
	if _, err := slorules.Generate(probe, o.options()...); err != nil {
		msg := strings.ReplaceAll(err.Error(), "slorules: ", "")
		return usageErr(stderr, "rules", "%s", msg)
	}
	srcs, errs := loadSources(files)
	if len(srcs) > 1 && o.out == "" {
		return usageErr(stderr, "rules", "%d services given without -o: each gives its own rule file; write them into a directory with -o DIR", len(srcs))
	}
	// Nothing is written unless every file is valid, so that a directory of
	// rules is never half updated: every check comes first, and the rules
	// are then generated and written one objective at a time, each
	// service's into a temporary file renamed into place once all are
	// written.
	type service struct {
		src  *source
		opts []slorules.Option
	}
	var todo []service
	byService := map[string]*source{}
	for _, src := range srcs {
		if prev, ok := byService[src.config.Service]; ok {
			errs = append(errs, fileErr(fmt.Errorf("service %s is also described by %s, and one rule file holds one service's rules; give each service once",
				src.config.Service, prev.name()), src.paths[0]))
			continue
		}
		byService[src.config.Service] = src
		opts := o.options()
		if o.namespace == "" {
			opts = append(opts, slorules.WithNamespace(src.config.Service))
		}
		if o.object.Name == "" && o.flavor == slorules.PrometheusOperator {
			// The service's name keeps the objects of two services apart
			// in one namespace; ObjectMeta says when it cannot be a name.
			meta := o.object
			meta.Name, meta.Labels = src.config.Service, o.objLabels
			if _, err := slorules.Generate(probe, slorules.WithObjectMeta(meta)); err != nil {
				errs = append(errs, fileErr(fmt.Errorf("service %s cannot name Kubernetes objects (lower-case letters, digits and '-'); name them with -object-name", src.config.Service), src.paths...))
				continue
			}
			opts = append(opts, slorules.WithObjectMeta(meta))
		}
		if err := src.rulesProblems(o.flavor, o.labels, opts); err != nil {
			errs = append(errs, err)
			continue
		}
		todo = append(todo, service{src, opts})
	}
	if len(errs) > 0 {
		for _, err := range errs {
			printErr(stderr, err)
		}
		return exitInvalid
	}
	if o.out == "" {
		w := bufio.NewWriter(stdout)
		err := slorules.Write(w, o.flavor, todo[0].src.objectives, todo[0].opts...)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			fmt.Fprintf(stderr, "journeyslo rules: writing the rules: %v\n", err)
			return exitInvalid
		}
		return exitOK
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		fmt.Fprintf(stderr, "journeyslo rules: %v\n", err)
		return exitInvalid
	}
	var outs []*pendingFile
	defer func() {
		for _, f := range outs {
			f.discard()
		}
	}()
	for _, s := range todo {
		svc := s.src.config.Service
		rules, err := newPendingFile(filepath.Join(o.out, svc+".rules.yml"))
		if err == nil {
			outs = append(outs, rules)
			err = slorules.Write(rules, o.flavor, s.src.objectives, s.opts...)
		}
		var am *pendingFile
		if err == nil {
			am, err = newPendingFile(filepath.Join(o.out, svc+".alertmanager.yml"))
		}
		if err == nil {
			outs = append(outs, am)
			var yml []byte
			if yml, err = alertmanagerConfig(svc, inhibitLabels(s.src.objectives, o.labels)); err == nil {
				_, err = am.Write(yml)
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "journeyslo rules: %v\n", err)
			return exitInvalid
		}
	}
	for _, f := range outs {
		if err := f.commit(); err != nil {
			fmt.Fprintf(stderr, "journeyslo rules: %v\n", err)
			return exitInvalid
		}
	}
	return exitOK
}

// errChecked stops slorules.Write at its first write, which it makes only
// once it has checked the objectives and the options.
var errChecked = errors.New("checked")

type stopWriter struct{}

func (stopWriter) Write([]byte) (int, error) { return 0, errChecked }

// checkGenerate reports what slorules would refuse in objs and opts, without
// generating their rules: slorules.Write checks everything before it
// writes a byte, and the writer stops it there.
func checkGenerate(objs []slo.Objective, flavor slorules.Flavor, opts []slorules.Option) error {
	if err := slorules.Write(stopWriter{}, flavor, objs, opts...); !errors.Is(err, errChecked) {
		return err
	}
	return nil
}

// inhibitLabels returns the labels the alerts of objectives carry besides
// the rules' own: the -label labels and each objective's, which the
// Alertmanager inhibit rule matches on as slorules.RuleFile.InhibitRules
// does.
func inhibitLabels(objs []slo.Objective, labels labelsFlag) slorules.RuleFile {
	f := slorules.RuleFile{Labels: maps.Clone(labels)}
	for _, o := range objs {
		for name, value := range o.Labels {
			if f.Labels == nil {
				f.Labels = map[string]string{}
			}
			f.Labels[name] = value
		}
	}
	return f
}

// alertmanagerConfig returns a whole Alertmanager configuration for a
// service's alerts, which amtool check-config accepts as it is: one
// notification per objective and severity (grouped by alertname, journey
// and objective, so a change of the firing rule updates it rather than
// sending another), pages to SERVICE-pager at once and the rest to
// SERVICE-tickets, receivers without integrations for the operator to
// fill in, and the generated inhibit rule.
func alertmanagerConfig(service string, rules slorules.RuleFile) ([]byte, error) {
	inhibit, err := rules.InhibitRules()
	if err != nil {
		return nil, err
	}
	pager, tickets := strconv.Quote(service+"-pager"), strconv.Quote(service+"-tickets")
	return []byte(slorules.Header +
		"# The alerts of journeyslo's rules for service " + service + ": pages to the pager, the\n" +
		"# rest to the team's queue, one notification per objective; while an\n" +
		"# objective pages, its ticket is silenced. Give the receivers their\n" +
		"# integrations, or merge route and inhibit_rules into your configuration.\n" +
		"route:\n" +
		"  receiver: " + tickets + "\n" +
		"  group_by: [alertname, journey, objective]\n" +
		"  routes:\n" +
		"    - matchers: ['alertname=\"" + slorules.AlertName + "\"', 'severity=\"page\"']\n" +
		"      receiver: " + pager + "\n" +
		"      group_wait: 0s\n" +
		"receivers:\n" +
		"  - name: " + pager + "\n" +
		"  - name: " + tickets + "\n" +
		strings.TrimPrefix(string(inhibit), slorules.Header)), nil
}

// labelConflicts reports the -label labels that give one of an objective's
// labels another value, in the command's words: slorules refuses them too,
// but names WithLabels, which the command's user never wrote.
func labelConflicts(objs []slo.Objective, labels labelsFlag) error {
	var errs []error
	for _, o := range objs {
		for _, name := range slices.Sorted(maps.Keys(o.Labels)) {
			if v, ok := labels[name]; ok && v != o.Labels[name] {
				errs = append(errs, fmt.Errorf("objective %s: its label %s=%s and -label %s=%s give %s two values; drop the -label, or give it the objective's value",
					slo.ObjectiveKey(o.Journey, o.WithDefaults().Name), name, o.Labels[name], name, v, name))
			}
		}
	}
	return errors.Join(errs...)
}

// labelsFlag is the repeatable -label name=value flag.
type labelsFlag map[string]string

func (l labelsFlag) String() string {
	parts := make([]string, 0, len(l))
	for k, v := range l {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func (l *labelsFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("%q is not name=value; write a label such as team=shop", s)
	}
	if prev, dup := (*l)[name]; dup {
		return fmt.Errorf("label %q given twice (%q and %q); give each label once", name, prev, value)
	}
	if *l == nil {
		*l = labelsFlag{}
	}
	(*l)[name] = value
	return nil
}

// A pendingFile is an output file written through a temporary file in
// the same directory, renamed over it by commit, so that an engine
// reloading its rules never reads a half-written file, and a run that
// fails midway leaves the old files as they were.
type pendingFile struct {
	path string
	tmp  *os.File
}

func newPendingFile(path string) (*pendingFile, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, err
	}
	return &pendingFile{path: path, tmp: tmp}, nil
}

func (f *pendingFile) Write(p []byte) (int, error) {
	n, err := f.tmp.Write(p)
	if err != nil {
		err = fmt.Errorf("writing %s: %w", f.path, err)
	}
	return n, err
}

// commit renames the temporary file over the file.
func (f *pendingFile) commit() error {
	if err := f.tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := f.tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", f.path, err)
	}
	if err := os.Rename(f.tmp.Name(), f.path); err != nil {
		return err
	}
	f.tmp = nil
	return nil
}

// discard removes the temporary file unless it was committed.
func (f *pendingFile) discard() {
	if f.tmp != nil {
		f.tmp.Close()
		os.Remove(f.tmp.Name())
	}
}

// writeFileAtomic writes data to path through a pendingFile.
func writeFileAtomic(path string, data []byte) error {
	f, err := newPendingFile(path)
	if err != nil {
		return err
	}
	defer f.discard()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.commit()
}

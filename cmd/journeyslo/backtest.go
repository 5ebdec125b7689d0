package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/yamlpos"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

var backtestVerb = &verb{
	synopsis: "backtest -config FILE [-objective JOURNEY:OBJECTIVE]... TRAFFIC [-policy FILE|NAME]... [-flaky D] [-every D] [-format text|json|html] [-o FILE]",
	summary:  "replay traffic under the objective's policy, the baselines and other policies",
	help: `Backtest replays a journey's traffic through the same registry code that runs in
production, under several alert policies at once, and reports what each would
have done: pages and tickets, flaky pages, detection and reset times of every
incident, precision and recall, and time spent paging. Every replay tries the
baselines teams come from (threshold: the error ratio over 10 minutes at or
above 1 - target; burnrate-1h: a single 1-hour window at 14.4x over 30 days)
and the objective's own policy (objective), beside the policies of -policy.

TRAFFIC is one of:
  -traffic FILE      recorded traffic: CSV with the header time,journey,good,bad
                     (.csv), or JSON lines with the same fields (.jsonl, .ndjson);
                     each row is one journey's events in the interval that ends at
                     its time, since that journey's previous row
  -synthetic FILE    a YAML scenario of steady or diurnal traffic with incidents
                     (see examples/backtest/scenario.yaml); its incidents are the
                     ones the report measures detection against
  -prometheus URL    a range query of the counters Prometheus already has: -good
                     and -all are PromQL expressions of each step's good and all
                     events, such as sum(increase(http_requests_total{code!~"5.."}[1m]))
                     and sum(increase(http_requests_total[1m])) with -step 1m, over
                     -start to -end, for the journey of -journey

Which objectives are replayed: those of -objective (repeatable, as
journey:objective, such as checkout:availability); without it, one objective for
every journey of the traffic: the journey's only objective, or the one named
availability when it has several. A journey of the traffic without an objective
in -config is an error, unless -objective leaves it out. An objective's latency
threshold is ignored: the traffic's events are already judged good or bad.

-policy adds a candidate policy: a YAML file of a burnrate.Policy (rules and
minEvents, as a config's policies write them; see examples/backtest/fast-burn.yaml),
named after the file without its extension, or the name of a policy in the
-config file's policies.

-every evaluates the replay at that step rather than at every tick of the
registry (3s for the default policy): as a rule engine at that evaluation
interval would, with detections and resets to the step and far less work, such
as -every 1m for samples a minute apart.

The report is a text table on standard output, or with -format json or html
(or -o FILE ending in .json or .html) JSON or a self-contained HTML page with a
timeline of every policy's states.
`,
	flags: flagsOf[backtestOptions],
	run:   runBacktest,
}

// backtestOptions are the backtest verb's flags.
type backtestOptions struct {
	config     string
	objectives stringsFlag
	traffic    string
	synthetic  string
	prometheus string
	good, all  string
	journey    string
	start, end string
	step       time.Duration
	timeout    time.Duration
	policies   stringsFlag
	flaky      time.Duration
	every      time.Duration
	format     string
	out        string
}

func (o *backtestOptions) flagSet(stderr io.Writer) *flag.FlagSet {
	fs := newFlags("backtest", stderr)
	fs.StringVar(&o.config, "config", "", "the objective `file` whose objectives are replayed (a journeyslo config or OpenSLO v1 file)")
	fs.Var(&o.objectives, "objective", "an objective to replay, as `journey:objective`; repeat it for more (default one objective\nfor each journey of the traffic)")
	fs.StringVar(&o.traffic, "traffic", "", "recorded traffic, a `file` of CSV (.csv) or JSON lines (.jsonl, .ndjson)")
	fs.StringVar(&o.synthetic, "synthetic", "", "a synthetic scenario, a YAML `file`")
	fs.StringVar(&o.prometheus, "prometheus", "", "the `URL` of a Prometheus (or Thanos, Mimir) HTTP API to read traffic from")
	fs.StringVar(&o.good, "good", "", "with -prometheus, the PromQL `expression` of each step's good events")
	fs.StringVar(&o.all, "all", "", "with -prometheus, the PromQL `expression` of each step's events, good and bad")
	fs.StringVar(&o.journey, "journey", "", "with -prometheus, the `journey` whose traffic the expressions count (default the\njourney of the one -objective, or the config's only journey)")
	fs.StringVar(&o.start, "start", "", "with -prometheus, when the traffic starts, an RFC 3339 `instant`")
	fs.StringVar(&o.end, "end", "", "with -prometheus, when the traffic ends, an RFC 3339 `instant`")
	fs.DurationVar(&o.step, "step", time.Minute, "with -prometheus, the interval each sample covers")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "with -prometheus, how long the queries may take in all")
	fs.Var(&o.policies, "policy", "a candidate policy: a YAML `file` of a burnrate.Policy, or the name of a policy of -config;\nrepeat it for more")
	fs.DurationVar(&o.flaky, "flaky", slo.DefaultFlaky, "how soon a page must end to count as flaky")
	fs.DurationVar(&o.every, "every", 0, "how often the replay evaluates, a multiple of the registry's tick (default every tick)")
	fs.StringVar(&o.format, "format", "", "the report's `format`: text, json or html (default text, or the -o file's extension)")
	fs.StringVar(&o.out, "o", "", "the `file` to write the report to (default standard output)")
	return fs
}

func runBacktest(args []string, stdout, stderr io.Writer) int {
	o, fs, status, ok := parseVerb[backtestOptions]("backtest", args, stdout, stderr)
	if !ok {
		return status
	}
	if fs.NArg() > 0 {
		return usageErr(stderr, "backtest", "unexpected arguments %s; name the traffic with -traffic, -synthetic or -prometheus", strings.Join(fs.Args(), " "))
	}
	format, err := o.reportFormat()
	if err != nil {
		return usageErr(stderr, "backtest", "%v", err)
	}
	if err := o.checkUsage(); err != nil {
		return usageErr(stderr, "backtest", "%v", err)
	}
	p, err := o.plan()
	if err != nil {
		printErr(stderr, err)
		return exitInvalid
	}
	res, err := slobacktest.Run(p.traffic, p.configs, slobacktest.WithEvery(p.every))
	if err != nil {
		fmt.Fprintf(stderr, "journeyslo backtest: %v\n", strings.ReplaceAll(err.Error(), "slobacktest: ", ""))
		return exitInvalid
	}
	var buf bytes.Buffer
	if err := writeBacktest(&buf, format, p.title, res); err != nil {
		fmt.Fprintf(stderr, "journeyslo backtest: %v\n", err)
		return exitInvalid
	}
	return writeOutput(stdout, stderr, "backtest", o.out, buf.Bytes())
}

// reportFormat returns the report's format: -format, else the -o file's
// extension, else text.
func (o *backtestOptions) reportFormat() (string, error) {
	switch o.format {
	case "text", "json", "html":
		return o.format, nil
	case "":
	default:
		return "", fmt.Errorf("-format %q is not a report format; use text, json or html", o.format)
	}
	switch strings.ToLower(filepath.Ext(o.out)) {
	case ".json":
		return "json", nil
	case ".html", ".htm":
		return "html", nil
	}
	return "text", nil
}

// checkUsage refuses flags that do not go together: one traffic source,
// and the Prometheus flags only with -prometheus, all of them.
func (o *backtestOptions) checkUsage() error {
	if o.config == "" {
		return errors.New("no -config given; name the objective file whose objectives are replayed")
	}
	var sources []string
	for _, s := range []struct{ flag, value string }{{"-traffic", o.traffic}, {"-synthetic", o.synthetic}, {"-prometheus", o.prometheus}} {
		if s.value != "" {
			sources = append(sources, s.flag)
		}
	}
	switch len(sources) {
	case 0:
		return errors.New("no traffic given; name it with -traffic FILE, -synthetic FILE or -prometheus URL")
	case 1:
	default:
		return fmt.Errorf("%s given together; replay one traffic source at a time", strings.Join(sources, " and "))
	}
	promFlags := []struct{ flag, value string }{{"-good", o.good}, {"-all", o.all}, {"-start", o.start}, {"-end", o.end}}
	if o.prometheus == "" {
		for _, f := range append(promFlags, struct{ flag, value string }{"-journey", o.journey}) {
			if f.value != "" {
				return fmt.Errorf("%s is for -prometheus; the %s file says the journey and the times itself", f.flag, sources[0])
			}
		}
		return nil
	}
	var missing []string
	for _, f := range promFlags {
		if f.value == "" {
			missing = append(missing, f.flag)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("-prometheus needs %s too: the expressions of good and all events, and the range to read", strings.Join(missing, ", "))
	}
	return nil
}

// A backtestPlan is what the flags ask to replay.
type backtestPlan struct {
	traffic []slobacktest.Sample
	configs []slobacktest.Config
	every   time.Duration // how often the replay evaluates; 0 for every tick
	// title names the replay in the HTML report: the service and where
	// its traffic came from.
	title string
}

// plan loads the config, the traffic and the policies and chooses the
// objectives to replay. Its errors are the files' problems, one a line.
func (o *backtestOptions) plan() (*backtestPlan, error) {
	srcs, errs := loadSources([]string{o.config})
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	src := srcs[0]
	var (
		traffic   []slobacktest.Sample
		incidents []slobacktest.Incident // known ones, of a scenario
		err       error
	)
	switch {
	case o.traffic != "":
		traffic, err = slobacktest.ReadFile(o.traffic)
		if err != nil {
			return nil, trafficErr(o.traffic, err)
		}
	case o.synthetic != "":
		data, err := yamlpos.ReadFile(o.synthetic)
		if err != nil {
			return nil, readErr(o.synthetic, err)
		}
		s, err := slobacktest.ParseScenario(o.synthetic, data)
		if err != nil {
			return nil, err
		}
		if traffic, err = s.Samples(); err != nil {
			return nil, fileErr(err, o.synthetic)
		}
		incidents = s.Injected()
	default:
		if traffic, err = o.queryPrometheus(src); err != nil {
			return nil, err
		}
	}

	objectives, err := chooseObjectives(src, o.objectives, traffic)
	if err != nil {
		return nil, err
	}
	if err := haveTraffic(objectives, traffic); err != nil {
		return nil, err
	}
	p := &backtestPlan{title: "Backtest of " + src.config.Service + ": " + o.trafficName(), every: o.every}
	replayed := map[string]bool{}
	for _, obj := range objectives {
		replayed[obj.Journey] = true
		cands, err := o.candidates(src, obj)
		if err != nil {
			return nil, err
		}
		c := slobacktest.Config{Objective: obj, Candidates: cands, Flaky: o.flaky}
		if incidents != nil {
			c.Incidents = []slobacktest.Incident{} // known: none unless the scenario's journey's
			for _, in := range incidents {
				if in.Journey == obj.Journey {
					c.Incidents = append(c.Incidents, in)
				}
			}
		}
		p.configs = append(p.configs, c)
	}
	// The replay takes the replayed journeys' samples only.
	for _, s := range traffic {
		if replayed[s.Journey] {
			p.traffic = append(p.traffic, s)
		}
	}
	return p, nil
}

// trafficName says where the traffic comes from, for the report's title.
func (o *backtestOptions) trafficName() string {
	switch {
	case o.traffic != "":
		return filepath.Base(o.traffic)
	case o.synthetic != "":
		return "synthetic " + filepath.Base(o.synthetic)
	}
	return o.start + " to " + o.end + " from " + o.prometheus
}

// promJourney returns the journey the Prometheus expressions count: -journey,
// else the one -objective's, else the config's only journey.
func (o *backtestOptions) promJourney(src *source) (string, error) {
	if o.journey != "" {
		return o.journey, nil
	}
	journeys := map[string]bool{}
	for _, key := range o.objectives {
		j, _, _ := strings.Cut(key, ":")
		journeys[j] = true
	}
	if len(journeys) == 0 {
		for _, obj := range src.objectives {
			journeys[obj.Journey] = true
		}
	}
	if len(journeys) == 1 {
		for j := range journeys {
			return j, nil
		}
	}
	return "", fileErr(fmt.Errorf("which journey do the -prometheus expressions count? the objectives are of %d journeys (%s); name one with -journey",
		len(journeys), strings.Join(slices.Sorted(maps.Keys(journeys)), ", ")), src.paths...)
}

// queryPrometheus reads the traffic of the journey of promJourney from
// -prometheus.
func (o *backtestOptions) queryPrometheus(src *source) ([]slobacktest.Sample, error) {
	q := slobacktest.PrometheusQuery{Good: o.good, All: o.all, Step: o.step}
	var errs []error
	for _, f := range []struct {
		name, value string
		t           *time.Time
	}{{"-start", o.start, &q.Start}, {"-end", o.end, &q.End}} {
		t, err := time.Parse(time.RFC3339Nano, f.value)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %q is not an RFC 3339 instant; write one such as 2026-03-01T00:00:00Z", f.name, f.value))
		}
		*f.t = t
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	journey, err := o.promJourney(src)
	if err != nil {
		return nil, err
	}
	q.Journey = journey
	if err := q.Validate(); err != nil {
		return nil, errors.New(strings.ReplaceAll(err.Error(), "slobacktest: ", ""))
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	samples, err := q.Samples(ctx, o.prometheus, nil)
	if err != nil {
		return nil, fmt.Errorf("-prometheus %s: %s", o.prometheus, strings.ReplaceAll(err.Error(), "slobacktest: ", ""))
	}
	return samples, nil
}

// chooseObjectives returns the objectives to replay: those of keys
// (journey:objective), or for each journey of the traffic, in the order of
// its first sample, its only objective or its availability objective.
func chooseObjectives(src *source, keys []string, traffic []slobacktest.Sample) ([]slo.Objective, error) {
	byKey := map[string]slo.Objective{}
	byJourney := map[string][]string{}
	for _, obj := range src.objectives {
		key := slo.ObjectiveKey(obj.Journey, obj.WithDefaults().Name)
		byKey[key] = obj
		byJourney[obj.Journey] = append(byJourney[obj.Journey], key)
	}
	var out []slo.Objective
	var errs []error
	if len(keys) > 0 {
		seen := map[string]bool{}
		for _, key := range keys {
			obj, ok := byKey[key]
			switch {
			case seen[key]:
				continue
			case !ok:
				errs = append(errs, fmt.Errorf("-objective %s: no such objective; name one as journey:objective, of %s", key, strings.Join(slices.Sorted(maps.Keys(byKey)), ", ")))
				continue
			}
			seen[key] = true
			out = append(out, obj)
		}
		if len(errs) > 0 {
			return nil, fileErr(errors.Join(errs...), src.paths...)
		}
		return out, nil
	}
	seen := map[string]bool{}
	for _, s := range traffic {
		if seen[s.Journey] {
			continue
		}
		seen[s.Journey] = true
		keys := byJourney[s.Journey]
		switch {
		case len(keys) == 0:
			errs = append(errs, fmt.Errorf("the traffic's journey %q has no objective here; the journeys are %s (name the objectives to replay with -objective to leave it out)",
				s.Journey, strings.Join(slices.Sorted(maps.Keys(byJourney)), ", ")))
		case len(keys) == 1:
			out = append(out, byKey[keys[0]])
		default:
			if obj, ok := byKey[slo.ObjectiveKey(s.Journey, "availability")]; ok {
				out = append(out, obj)
				continue
			}
			errs = append(errs, fmt.Errorf("journey %q has %d objectives (%s) and none named availability; choose with -objective", s.Journey, len(keys), strings.Join(keys, ", ")))
		}
	}
	if len(errs) > 0 {
		return nil, fileErr(errors.Join(errs...), src.paths...)
	}
	return out, nil
}

// haveTraffic refuses objectives whose journey the traffic has no samples
// of: there is nothing to replay for them.
func haveTraffic(objectives []slo.Objective, traffic []slobacktest.Sample) error {
	journeys := map[string]bool{}
	for _, s := range traffic {
		journeys[s.Journey] = true
	}
	var errs []error
	for _, obj := range objectives {
		if !journeys[obj.Journey] {
			errs = append(errs, fmt.Errorf("-objective %s: the traffic has no samples of journey %s; its journeys are %s",
				slo.ObjectiveKey(obj.Journey, obj.WithDefaults().Name), obj.Journey, strings.Join(slices.Sorted(maps.Keys(journeys)), ", ")))
		}
	}
	return errors.Join(errs...)
}

// candidates returns the -policy candidates for objective obj: files of a
// burnrate.Policy, or policies of the config by name.
func (o *backtestOptions) candidates(src *source, obj slo.Objective) ([]slobacktest.Candidate, error) {
	var out []slobacktest.Candidate
	for _, arg := range o.policies {
		switch strings.ToLower(filepath.Ext(arg)) {
		case ".yaml", ".yml":
			p, err := readPolicy(arg)
			if err != nil {
				return nil, err
			}
			// Checked here, so that its problems name the file.
			if err := p.Validate(obj.Target, obj.WithDefaults().Period); err != nil {
				errs := []error{err}
				if j, ok := err.(interface{ Unwrap() []error }); ok {
					errs = j.Unwrap()
				}
				for i, e := range errs {
					errs[i] = fmt.Errorf("for %s: %s", slo.ObjectiveKey(obj.Journey, obj.WithDefaults().Name),
						strings.ReplaceAll(e.Error(), burnrate.ErrInvalid.Error()+" ", ""))
				}
				return nil, fileErr(errors.Join(errs...), arg)
			}
			out = append(out, slobacktest.Candidate{Name: strings.TrimSuffix(filepath.Base(arg), filepath.Ext(arg)), Policy: p})
			continue
		}
		named, ok := src.config.Policies[arg]
		if !ok {
			names := slices.Sorted(maps.Keys(src.config.Policies))
			have := "it names none"
			if len(names) > 0 {
				have = "its policies are " + strings.Join(names, ", ")
			}
			return nil, fmt.Errorf("-policy %s: neither a .yaml file nor a policy of %s (%s)", arg, src.name(), have)
		}
		p := burnrate.Policy{Rules: slices.Clone(named.Rules), MinEvents: burnrate.MinEvents(obj.Target)}
		if len(p.Rules) == 0 {
			p = burnrate.DefaultPolicy(obj.Target, obj.WithDefaults().Period)
		}
		if named.MinEvents != nil {
			p.MinEvents = *named.MinEvents
		}
		out = append(out, slobacktest.Candidate{Name: arg, Policy: p})
	}
	return out, nil
}

// readPolicy reads a YAML file of a burnrate.Policy.
func readPolicy(path string) (burnrate.Policy, error) {
	data, err := yamlpos.ReadFile(path)
	if err != nil {
		return burnrate.Policy{}, readErr(path, err)
	}
	// yamlpos refuses what no policy file holds (anchors and aliases, a
	// second document) before the policy is decoded.
	if _, err := yamlpos.Document(path, data, policyFormat); err != nil {
		return burnrate.Policy{}, err
	}
	var p burnrate.Policy
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		var te *yaml.TypeError
		switch {
		case errors.Is(err, io.EOF):
			err = errors.New("the file is empty; a policy has rules, such as rules: [{severity: page, long: 1h, short: 5m, factor: 14.4}]")
		case errors.As(err, &te):
			// One problem a line, placed as FILE:LINE: message.
			lines := make([]string, len(te.Errors))
			for i, e := range te.Errors {
				if rest, ok := strings.CutPrefix(e, "line "); ok {
					if n, msg, ok := strings.Cut(rest, ": "); ok {
						e = path + ":" + n + ": " + unknownField(msg)
					}
				}
				lines[i] = e
			}
			err = errors.New(strings.Join(lines, "\n"))
		}
		return burnrate.Policy{}, fileErr(errors.New(strings.ReplaceAll(err.Error(), burnrate.ErrInvalid.Error(), "invalid")), path)
	}
	if len(p.Rules) == 0 {
		return burnrate.Policy{}, fileErr(errors.New("the policy has no rules; give them, such as rules: [{severity: page, long: 1h, short: 5m, factor: 14.4}]"), path)
	}
	return p, nil
}

// policyFormat is what a policy file holds, for yamlpos's messages.
var policyFormat = yamlpos.Format{
	Empty: "a policy has rules, such as rules: [{severity: page, long: 1h, short: 5m, factor: 14.4}]",
	One:   "a policy file holds one YAML document; this is a second one",
}

// unknownField rewords the YAML library's "field X not found in type T" of
// a policy or rule as what is wrong and what the fields are.
func unknownField(msg string) string {
	field, typ, ok := strings.Cut(strings.TrimPrefix(msg, "field "), " not found in type ")
	if !ok || !strings.HasPrefix(msg, "field ") {
		return msg
	}
	if strings.HasSuffix(typ, "ruleShape") {
		return fmt.Sprintf("unknown field %q; a rule has the fields name, severity, long, short and factor", field)
	}
	return fmt.Sprintf("unknown field %q; a policy has the fields rules and minEvents", field)
}

// trafficErr is the error of reading a traffic file with slobacktest.ReadFile,
// named by its path once: the package names the file in its own errors
// (a line's problem, an unknown extension), not in the file system's.
func trafficErr(path string, err error) error {
	var pe *sloconfig.Error
	if errors.As(err, &pe) || errors.Is(err, slo.ErrInvalid) {
		return err
	}
	return readErr(path, err) // reading it failed
}

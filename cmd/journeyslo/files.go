package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/internal/yamlpos"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/openslo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// apiVersionLine finds an OpenSLO v1 document's apiVersion written on a
// line of its own, for files that are not valid YAML.
var apiVersionLine = regexp.MustCompile(`(?m)^apiVersion:[ \t]*["']?openslo/v1["']?[ \t]*(#.*)?\r?$`)

// isOpenSLO reports whether data holds OpenSLO v1 documents: a YAML
// document whose apiVersion is openslo/v1. A file that is not valid YAML
// is OpenSLO when a line of it says so, so that the OpenSLO reader, not
// the config loader, says what is wrong with it. Anything else is a
// journeyslo config file.
func isOpenSLO(data []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc struct {
			APIVersion string `yaml:"apiVersion"`
		}
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return false
		}
		if err != nil {
			// A document that is not a mapping, or bad YAML: no apiVersion
			// here, and the loader will say what is wrong.
			var te *yaml.TypeError
			if errors.As(err, &te) {
				continue
			}
			return apiVersionLine.Match(data)
		}
		if doc.APIVersion == "openslo/v1" {
			return true
		}
	}
}

// fileErr returns err as the problems of the files at paths: every line of
// its message that does not start with one of the paths gets the first in
// front, so that each problem reads FILE:LINE:COLUMN: message, or FILE:
// message when it has no place in a file.
func fileErr(err error, paths ...string) error {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		if !slices.ContainsFunc(paths, func(p string) bool { return strings.HasPrefix(l, p+":") }) {
			lines[i] = paths[0] + ": " + l
		}
	}
	return &problems{err: err, msg: strings.Join(lines, "\n")}
}

// problems is an error whose message lists a file's problems, one a line.
type problems struct {
	err error
	msg string
}

func (p *problems) Error() string { return p.msg }
func (p *problems) Unwrap() error { return p.err }

// readErr returns the error of reading path, as FILE: message without
// repeating the path that fs.PathError carries.
func readErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		return fileErr(fmt.Errorf("%s: %w", pe.Op, pe.Err), path)
	}
	return fileErr(err, path)
}

// printErr writes err to w, one problem a line.
func printErr(w io.Writer, err error) {
	fmt.Fprintln(w, err)
}

// A source is one service's objectives, loaded: a journeyslo config file,
// or every OpenSLO v1 file of the command line, read together so that their
// references resolve across files.
type source struct {
	// paths are the files read: one config file, or the OpenSLO files.
	paths []string
	// openslo is true for OpenSLO v1 documents, false for a journeyslo
	// config file or a Sloth spec.
	openslo bool
	// sloth is true for a Sloth spec, which sloconfig reads as a config.
	sloth  bool
	config *sloconfig.Config
	// indicators are the OpenSLO SLIs' own queries, by objective key (see
	// openslo.Imported.Indicators).
	indicators map[string]openslo.Indicator
	// objectives are config's, as slo.New takes them.
	objectives []slo.Objective
}

// loadService loads the -config files of the verb name, which reads one
// service's objectives (why says why, for the usage error of several). It
// returns the service, or ok false with the exit status having written
// the files' problems or the usage error.
func loadService(stderr io.Writer, name string, configs []string, why string) (src *source, status int, ok bool) {
	srcs, errs := loadSources(configs)
	if len(errs) > 0 {
		for _, err := range errs {
			printErr(stderr, err)
		}
		return nil, exitInvalid, false
	}
	if len(srcs) > 1 {
		return nil, usageErr(stderr, name, "-config names %d services; %s", len(srcs), why), false
	}
	return srcs[0], 0, true
}

// loadSources reads the objective files at paths: each journeyslo config
// file or Sloth spec is a source, and the OpenSLO v1 files are one, at the place of the
// first. It returns the sources that loaded and the problems of the others,
// one a line, each FILE:LINE:COLUMN: message (or FILE: message).
func loadSources(paths []string) ([]*source, []error) {
	var (
		srcs  []*source
		errs  []error
		set   *source // the OpenSLO files' source, once one is met
		files []openslo.File
		at    = -1 // where set goes among srcs
	)
	for _, path := range paths {
		data, err := yamlpos.ReadFile(path)
		if err != nil {
			errs = append(errs, readErr(path, err))
			continue
		}
		if isOpenSLO(data) {
			if set == nil {
				set, at = &source{openslo: true}, len(srcs)
			}
			set.paths = append(set.paths, path)
			files = append(files, openslo.File{Name: path, Data: data})
			continue
		}
		if sloconfig.IsSloth(data) {
			// Sloth specs, several to a file: a service each.
			cfgs, err := sloconfig.ParseSloth(path, data)
			if err != nil {
				errs = append(errs, fileErr(err, path))
				continue
			}
			for _, cfg := range cfgs {
				src := newSource([]string{path}, false, cfg, nil)
				src.sloth = true
				srcs = append(srcs, src)
			}
			continue
		}
		cfg, err := sloconfig.Parse(path, data)
		if err != nil {
			errs = append(errs, fileErr(err, path))
			continue
		}
		srcs = append(srcs, newSource([]string{path}, false, cfg, nil))
	}
	if set == nil {
		return srcs, errs
	}
	imp, err := openslo.Import(files...)
	if err != nil {
		return srcs, append(errs, fileErr(err, set.paths...))
	}
	set = newSource(set.paths, true, imp.Config, imp.Indicators)
	return slices.Insert(srcs, at, set), errs
}

func newSource(paths []string, isOpenSLO bool, cfg *sloconfig.Config, indicators map[string]openslo.Indicator) *source {
	return &source{paths: paths, openslo: isOpenSLO, config: cfg, indicators: indicators, objectives: cfg.Objectives()}
}

// name is the source's files, for messages.
func (s *source) name() string { return strings.Join(s.paths, ", ") }

// kind names the source's format.
func (s *source) kind() string {
	switch {
	case s.openslo:
		return "OpenSLO v1"
	case s.sloth:
		return "Sloth spec"
	}
	return "journeyslo config"
}

// summary says what the source holds, in a few words.
func (s *source) summary() string {
	journeys := map[string]bool{}
	for _, o := range s.objectives {
		journeys[o.Journey] = true
	}
	return fmt.Sprintf("service %s, %s in %s", s.config.Service,
		plural(len(s.objectives), "objective"), plural(len(journeys), "journey"))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// ownIndicators refuses a source whose OpenSLO SLIs read queries of
// another source than Prometheus: the registry counts those journeys'
// events itself, but the fleet's rules, which read Prometheus, cannot.
// An SLI over Prometheus counters is its objective's source, which the
// rules read.
func (s *source) ownIndicators() error {
	if len(s.indicators) == 0 {
		return nil
	}
	withSource := map[string]bool{}
	for _, o := range s.objectives {
		if o.Source != nil && !o.Source.IsZero() {
			withSource[objectiveKey(o)] = true
		}
	}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(s.indicators)) {
		ind := s.indicators[key]
		if withSource[key] {
			continue
		}
		num := "bad " + ind.Bad
		if ind.Good != "" {
			num = "good " + ind.Good
		}
		errs = append(errs, fmt.Errorf("objective %s: its SLI reads %s queries (%s; total %s), and the fleet's rules read Prometheus; "+
			"give the SLI Prometheus queries of the same events, or count the journey's events with journeyslo", key, ind.Source, yamlpos.Quote(num), yamlpos.Quote(ind.Total)))
	}
	if len(errs) == 0 {
		return nil
	}
	return fileErr(errors.Join(errs...), s.paths...)
}

// rulesProblems returns what the rules verb, with options opts and the
// -label labels, refuses in the source beyond what loading it found:
// OpenSLO SLIs the rules cannot read, labels that contradict an
// objective's, and what slorules refuses. validate calls it with no flag,
// so that the two verbs never disagree about a file.
func (s *source) rulesProblems(flavor slorules.Flavor, labels labelsFlag, opts []slorules.Option) error {
	if err := s.ownIndicators(); err != nil {
		return err
	}
	if err := labelConflicts(s.objectives, labels); err != nil {
		return fileErr(err, s.paths...)
	}
	if err := checkGenerate(s.objectives, flavor, opts); err != nil {
		return fileErr(err, s.paths...)
	}
	return nil
}

// objectiveKey is o's key, its default name filled in.
func objectiveKey(o slo.Objective) string {
	name := o.Name
	switch {
	case name != "":
	case o.Latency > 0:
		name = "latency"
	default:
		name = "availability"
	}
	return slo.ObjectiveKey(o.Journey, name)
}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// isOpenSLO reports whether data holds OpenSLO v1 documents: a YAML
// document whose apiVersion is openslo/v1. Anything else, a file that does
// not parse as YAML included, is a journeyslo config file, whose loader
// reports what is wrong with it.
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
			return false
		}
		if doc.APIVersion == "openslo/v1" {
			return true
		}
	}
}

// fileErr returns err as the problems of the file at path: every line of
// its message that does not start with the path gets "path: " in front, so
// that each problem reads FILE:LINE:COLUMN: message, or FILE: message when
// it has no place in the file.
func fileErr(path string, err error) error {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, path+":") {
			lines[i] = path + ": " + l
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
		return fileErr(path, fmt.Errorf("%s: %w", pe.Op, pe.Err))
	}
	return fileErr(path, err)
}

// printErr writes err to w, one problem a line.
func printErr(w io.Writer, err error) {
	fmt.Fprintln(w, err)
}

// A source is one objective file, loaded.
type source struct {
	path string
	// openslo is true for a file of OpenSLO v1 documents, false for a
	// journeyslo config file.
	openslo bool
	config  *sloconfig.Config
	// objectives are config's, as slo.New takes them.
	objectives []slo.Objective
}

// loadFile reads the objective file at path, journeyslo config or OpenSLO
// v1 as its content says. Its error lists every problem of the file, one a
// line, each FILE:LINE:COLUMN: message (or FILE: message).
func loadFile(path string) (*source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, readErr(path, err)
	}
	src := &source{path: path, openslo: isOpenSLO(data)}
	if src.openslo {
		src.config, err = importOpenSLO(path, data)
	} else {
		src.config, err = sloconfig.Parse(path, data)
	}
	if err != nil {
		return nil, fileErr(path, err)
	}
	src.objectives = src.config.Objectives()
	return src, nil
}

// kind names the file's format.
func (s *source) kind() string {
	if s.openslo {
		return "OpenSLO v1"
	}
	return "journeyslo config"
}

// summary says what the file holds, in a few words.
func (s *source) summary() string {
	journeys := map[string]bool{}
	for _, o := range s.objectives {
		journeys[o.Journey] = true
	}
	return fmt.Sprintf("service %s, %s in %s", s.config.Service,
		plural(len(s.objectives), "objective"), plural(len(journeys), "journey"))
}

// ruleOptions are the slorules options the file's objectives ask for:
// their runbooks.
func (s *source) ruleOptions() []slorules.Option {
	var opts []slorules.Option
	for _, o := range s.objectives {
		if o.Runbook != "" {
			opts = append(opts, slorules.WithRunbook(o.Journey, o.WithDefaults().Name, o.Runbook))
		}
	}
	return opts
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// importOpenSLO reads OpenSLO v1 documents into a config.
func importOpenSLO(path string, data []byte) (*sloconfig.Config, error) {
	return nil, fmt.Errorf("OpenSLO v1 is not read yet")
}

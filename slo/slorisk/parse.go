package slorisk

import (
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/yamlpos"
)

// Load reads and parses the catalog file at path (see [Parse]). The file
// must be a regular file (a named pipe or a device is refused at once) of
// at most 16 MiB.
func Load(path string) (*Catalog, error) { return yamlpos.Load(path, Parse) }

// format is what a catalog holds, for yamlpos's messages.
var format = yamlpos.Format{
	Empty: "a risk catalog has a target (or an objective) and its risks",
	One:   "a risk catalog holds one YAML document; this is a second one",
}

// Parse reads a catalog file's contents (see the package's doc for the
// format); name is the file's name for messages. It returns every problem
// of the file, each a [sloconfig.Error] at its line and column, joined
// with errors.Join in the order they are written; a catalog it returns
// passes [Catalog.Validate].
func Parse(name string, data []byte) (*Catalog, error) {
	p := &parser{c: &Catalog{file: name, pos: map[string]position{}}}
	p.w = &yamlpos.Walker{Bad: p.badErr, At: p.at}
	root, err := yamlpos.Document(name, data, format)
	if err != nil {
		return nil, err
	}
	p.file(root)
	if len(p.errs) > 0 {
		return nil, yamlpos.Sort(p.errs)
	}
	return p.c, nil
}

// parser walks a file's nodes into a Catalog.
type parser struct {
	c    *Catalog
	w    *yamlpos.Walker
	errs []error
}

// bad records a problem at node n, which is at path.
func (p *parser) bad(n *yaml.Node, path, format string, args ...any) {
	p.badErr(n, path, fmt.Errorf(format, args...))
}

// badErr records a problem at node n, which is at path, in the words of
// err.
func (p *parser) badErr(n *yaml.Node, path string, err error) {
	p.errs = append(p.errs, yamlpos.At(p.c.file, n, path, err))
}

// at records where path is written.
func (p *parser) at(n *yaml.Node, path string) { p.c.pos[path] = position{n.Line, n.Column} }

// fields reads a mapping with the given keys, calling read for each key
// present, in file order (see [yamlpos.Walker.Fields]), and records where
// each is written. It returns the keys present.
func (p *parser) fields(n *yaml.Node, path, what string, keys []string, read func(key string, v *yaml.Node, path string)) map[string]*yaml.Node {
	seen, _ := p.w.Fields(n, path, what, keys, func(key string, v *yaml.Node, path string) {
		p.at(v, path)
		read(key, v, path)
	})
	return seen
}

// scalar returns a scalar's text, or false (having said why) for anything
// else, an empty value included.
func (p *parser) scalar(n *yaml.Node, path, what string) (string, bool) {
	return p.w.Scalar(n, path, what, false)
}

// list reads a sequence, calling read for each item; an empty one is a
// problem, since a catalog lists what it has.
func (p *parser) list(n *yaml.Node, path, what string, read func(i int, v *yaml.Node, path string)) {
	if p.w.List(n, path, what, false, read) && len(n.Content) == 0 {
		p.bad(n, path, "%s is empty; write a list of %s", path, what)
	}
}

// file reads the root mapping.
func (p *parser) file(n *yaml.Node) {
	seen := p.fields(n, "", "a risk catalog", []string{"target", "objective", "risks!", "premortems"}, func(key string, v *yaml.Node, path string) {
		switch key {
		case "target":
			p.c.Target, _ = p.target(v, path)
		case "objective":
			if s, ok := p.scalar(v, path, "an objective of the config, as journey:objective, such as checkout:availability"); ok {
				if why := keyProblem(s); why != "" {
					p.bad(v, path, "%s: %s: %s", path, yamlpos.Quote(s), why)
				}
				p.c.Objective = s
			}
		case "risks":
			p.c.Risks = entries(p, v, path, "risks, each with name, ettr, impact and ettf (and ettd)", p.risk)
		case "premortems":
			p.c.Premortems = entries(p, v, path, "premortems, each with name, at, duration and impact (and journey)", p.premortem)
		}
	})
	if seen == nil {
		return
	}
	switch t, o := seen["target"], seen["objective"]; {
	case t == nil && o == nil:
		p.bad(n, "target", "the file has neither target nor objective; give a target such as 99.9%%, or an objective of a config such as checkout:availability")
	case t != nil && o != nil:
		p.bad(o, "objective", "the file gives a target (line %d) and an objective; give one: the objective carries its target", t.Line)
	}
}

// entries reads a list of risks or premortems (what), each item by read,
// which reads its name unique among the list's and says whether the item
// is free of problems; it keeps those that are.
func entries[E any](p *parser, n *yaml.Node, path, what string, read func(n *yaml.Node, path string, names map[string]bool) (E, bool)) []E {
	var out []E
	names := map[string]bool{}
	p.list(n, path, what, func(_ int, v *yaml.Node, path string) {
		if e, ok := read(v, path, names); ok {
			out = append(out, e)
		}
	})
	return out
}

// named reads a name unique among names.
func (p *parser) named(v *yaml.Node, path, what string, names map[string]bool) (string, bool) {
	s, ok := p.scalar(v, path, "the "+what+"'s name, saying what fails")
	if !ok {
		return "", false
	}
	if strings.TrimSpace(s) == "" {
		p.bad(v, path, "%s is empty; name what fails", path)
		return "", false
	}
	if names[s] {
		p.bad(v, path, "%s: %s %s is given twice; give each %s its own name", path, what, yamlpos.Quote(s), what)
		return "", false
	}
	names[s] = true
	return s, true
}

func (p *parser) risk(n *yaml.Node, path string, names map[string]bool) (Risk, bool) {
	var r Risk
	before := len(p.errs)
	seen := p.fields(n, path, "a risk", []string{"name!", "ettd", "ettr!", "impact!", "ettf!"}, func(key string, v *yaml.Node, fpath string) {
		switch key {
		case "name":
			r.Name, _ = p.named(v, fpath, "risk", names)
		case "ettd":
			r.ETTD, _ = p.duration(v, fpath, "the time to detect", "5m", false)
		case "ettr":
			r.ETTR, _ = p.duration(v, fpath, "the time to recover", "2h", false)
		case "impact":
			r.Impact, _ = p.impact(v, fpath)
		case "ettf":
			r.ETTF, _ = p.duration(v, fpath, "the time between occurrences", "120d", false)
		}
	})
	if seen == nil || len(p.errs) > before {
		return r, false
	}
	if r.ETTD > r.ETTF-r.ETTR { // ettd + ettr > ettf, which could overflow
		what := "ettr"
		if r.ETTD > 0 {
			what = "ettd + ettr"
		}
		p.bad(seen["ettf"], yamlpos.Join(path, "ettf"), "%s: %s is shorter than %s (%s): the failure would recur before it ends; write a longer ettf, or shorter times",
			yamlpos.Join(path, "ettf"), burnrate.FormatWindow(r.ETTF), what, lasts(r.ETTD, r.ETTR))
		return r, false
	}
	return r, true
}

func (p *parser) premortem(n *yaml.Node, path string, names map[string]bool) (Premortem, bool) {
	var pm Premortem
	before := len(p.errs)
	seen := p.fields(n, path, "a premortem", []string{"name!", "journey", "at!", "duration!", "impact!"}, func(key string, v *yaml.Node, fpath string) {
		switch key {
		case "name":
			pm.Name, _ = p.named(v, fpath, "premortem", names)
		case "journey":
			pm.Journey, _ = p.scalar(v, fpath, "the journey that fails, such as invoices")
		case "at":
			pm.At, _ = p.duration(v, fpath, "when the failure starts after the traffic's start", "15d", true)
		case "duration":
			pm.Duration, _ = p.duration(v, fpath, "how long the failure lasts", "30m", false)
		case "impact":
			pm.Impact, _ = p.impact(v, fpath)
		}
	})
	return pm, seen != nil && len(p.errs) == before
}

// duration reads a duration such as 30m, 2h or 120d (see
// [yamlpos.Walker.Window]).
func (p *parser) duration(n *yaml.Node, path, what, example string, zero bool) (time.Duration, bool) {
	return p.w.Window(n, path, what, example, zero)
}

// impact reads the share of requests a failure affects.
func (p *parser) impact(n *yaml.Node, path string) (float64, bool) {
	f, percent, ok := p.w.Share(n, path, "0.2", "20%")
	if !ok {
		return 0, false
	}
	switch {
	case percent && f > 1:
		p.bad(n, path, "%s: %s is above 100%%; at most every request fails: write 100%% or less", path, yamlpos.Quote(n.Value))
	case percent && f <= 0:
		p.bad(n, path, "%s: %s affects no request; write a percent above 0%%, such as 20%%", path, yamlpos.Quote(n.Value))
	case !percent && impactProblem(f) != "":
		p.bad(n, path, "%s: %s", path, impactProblem(f))
	default:
		return f, true
	}
	return 0, false
}

// target reads the objective's target.
func (p *parser) target(n *yaml.Node, path string) (float64, bool) { return p.w.Target(n, path) }

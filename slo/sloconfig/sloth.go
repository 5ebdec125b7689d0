package sloconfig

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/internal/yamlpos"
	"github.com/journeyslo/journeyslo/slo"
)

// Sloth's two forms of a spec: the file its command line reads, and the
// Kubernetes resource its controller reads.
const (
	slothVersion    = "prometheus/v1"
	slothAPIVersion = "sloth.slok.dev/v1"
	slothKind       = "PrometheusServiceLevel"
)

// slothKeys are the field names of one form of a Sloth spec: the file's
// snake_case or the Kubernetes resource's camelCase.
type slothKeys struct {
	errorQuery, totalQuery, errorRatioQuery string
	pageAlert, ticketAlert                  string
	sloPlugins                              string
}

var (
	slothFileKeys = slothKeys{"error_query", "total_query", "error_ratio_query", "page_alert", "ticket_alert", "slo_plugins"}
	slothK8sKeys  = slothKeys{"errorQuery", "totalQuery", "errorRatioQuery", "pageAlert", "ticketAlert", "sloPlugins"}
)

// slothFormat is what a Sloth spec holds, for yamlpos's messages.
var slothFormat = yamlpos.Format{
	Empty:     "a Sloth spec has a version, a service and its slos",
	One:       "Parse reads one Sloth spec, one service, and this is a second one: read the file with ParseSloth, which gives a config per spec, or put each spec in a file of its own",
	AliasHint: "",
}

// ParseSloth reads a file of Sloth specs, several to a file ("---"
// between them, as Sloth's command line reads them), and returns one
// config per spec, in file order: each spec is one service. name is the
// file's name for messages. It returns every problem of every spec, each
// an [*Error] at its line and column, joined with errors.Join. A file of
// one spec gives what [Parse] gives.
func ParseSloth(name string, data []byte) ([]*Config, error) {
	roots, errs := yamlpos.Documents(name, data, slothFormat)
	if len(roots) == 0 && len(errs) == 0 {
		return nil, &Error{File: name, Line: 1, Column: 1, Err: errors.New("the file is empty; " + slothFormat.Empty)}
	}
	var out []*Config
	for _, root := range roots {
		c, err := parseRoot(name, root, true)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, c)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// pluginRefused is why a Sloth plugin cannot be read.
const pluginRefused = "Sloth runs plugins as code, which journeyslo cannot; write the plugin's queries as events (error_query and total_query)"

// IsSloth reports whether data holds a Sloth spec rather than a
// journeyslo file: a document whose version is prometheus/v1, or whose
// apiVersion is sloth.slok.dev/v1 (the PrometheusServiceLevel resource).
// [Parse] reads both, one spec to a file ([ParseSloth] reads several);
// IsSloth lets a program say which it read. It reads only the first
// document.
func IsSloth(data []byte) bool {
	var head struct {
		Version    any `yaml:"version"`
		APIVersion any `yaml:"apiVersion"`
	}
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&head); err != nil {
		return false
	}
	v, _ := head.Version.(string)
	a, _ := head.APIVersion.(string)
	return v == slothVersion || strings.HasPrefix(a, "sloth.slok.dev/")
}

// sloth reads a Sloth spec's root mapping into the config: one journey,
// named after the service, whose objectives are the spec's SLOs. Problems
// are placed at the spec's nodes; positions are recorded under the
// config's paths, so that Validate places slo's reasons at the node that
// wrote the field.
func (p *parser) sloth(root *yaml.Node) {
	if root.Kind == yaml.MappingNode && hasKey(root, "apiVersion") {
		p.fields(root, "", "a PrometheusServiceLevel", []string{"apiVersion!", "kind!", "metadata", "spec!", "status"}, func(key string, v *yaml.Node, path string) {
			switch key {
			case "apiVersion":
				if s, ok := p.scalar(v, path, slothAPIVersion); ok && s != slothAPIVersion {
					p.bad(v, path, "apiVersion: %s is not read here; write %s", yamlpos.Quote(s), slothAPIVersion)
				}
			case "kind":
				if s, ok := p.scalar(v, path, slothKind); ok && s != slothKind {
					p.bad(v, path, "kind: %s is not read here; write %s (a Sloth SLO spec)", yamlpos.Quote(s), slothKind)
				}
			case "metadata", "status":
				// Kubernetes's: the resource's name and namespace, and what
				// the controller reports; nothing of the objectives.
			case "spec":
				p.slothSpec(v, "spec", slothK8sKeys, false)
			}
		})
	} else {
		p.slothSpec(root, "", slothFileKeys, true)
	}
	// A problem in the spec spoils the config's fields it fills.
	prefix := ""
	if root.Kind == yaml.MappingNode && hasKey(root, "apiVersion") {
		prefix = "spec"
	}
	for b := range p.broken {
		rest, ok := strings.CutPrefix(b, prefix)
		if !ok {
			continue
		}
		rest = strings.TrimPrefix(rest, ".")
		switch {
		case b == "" || rest == "":
			p.broken[""] = true
		case strings.HasPrefix(rest, "service"):
			p.broken["service"] = true
			p.broken["journeys[0].name"] = true
		case strings.HasPrefix(rest, "labels"):
			for i := range p.c.Journeys[0].Objectives {
				p.broken[yamlpos.Index("journeys[0].objectives", i)+".labels"] = true
			}
		case rest == "slos":
			p.broken["journeys[0].objectives"] = true
		case strings.HasPrefix(rest, "slos["):
			num, _, _ := strings.Cut(rest[len("slos["):], "]")
			if i, err := strconv.Atoi(num); err == nil {
				p.broken[yamlpos.Index("journeys[0].objectives", i)] = true
			}
		}
	}
}

// hasKey reports whether mapping n has the key.
func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// slothSpec reads a spec: service, labels and slos (the file's form
// has its version too).
func (p *parser) slothSpec(n *yaml.Node, path string, keys slothKeys, file bool) {
	fields := []string{"service!", "labels", keys.sloPlugins, "slos!"}
	what := "a PrometheusServiceLevel's spec"
	if file {
		fields = append([]string{"version!"}, fields...)
		what = "a Sloth spec"
	}
	p.c.Journeys = []Journey{{}}
	var labels map[string]string
	var labelNodes map[string]*yaml.Node
	var slos []*yaml.Node
	p.fields(n, path, what, fields, func(key string, v *yaml.Node, fpath string) {
		switch key {
		case "version":
			if s, ok := p.scalar(v, fpath, slothVersion); ok && s != slothVersion {
				p.bad(v, fpath, "version: %s is not read here; write %s", yamlpos.Quote(s), slothVersion)
			}
		case "service":
			if s, ok := p.scalar(v, fpath, "the service's name, such as myservice"); ok {
				p.c.Service, p.c.Journeys[0].Name = s, s
				p.at(v, "service")
				p.at(v, "journeys[0].name")
			}
		case "labels":
			labels, labelNodes = p.slothLabels(v, fpath)
		case keys.sloPlugins:
			p.bad(v, fpath, "%s: %s", fpath, pluginRefused)
		case "slos":
			p.at(v, "journeys[0].objectives")
			slos = []*yaml.Node{}
			p.list(v, fpath, "SLOs, each with a name, an objective and an sli", func(i int, v *yaml.Node, spath string) {
				slos = append(slos, v)
			})
		}
	})
	if p.c.Journeys[0].Name != "" {
		p.at(n, "journeys[0]")
	}
	if slos != nil && len(slos) == 0 {
		p.bad(n, yamlpos.Join(path, "slos"), "%s: is empty; give at least one SLO, with a name, an objective and an sli", yamlpos.Join(path, "slos"))
	}
	names := map[string]int{}
	for i, v := range slos {
		spath := yamlpos.Index(yamlpos.Join(path, "slos"), i)
		opath := yamlpos.Index("journeys[0].objectives", i)
		o := p.slothSLO(v, spath, opath, keys)
		// The service's labels, under the SLO's own, which win.
		for k, l := range labels {
			if _, own := o.Labels[k]; own {
				continue
			}
			if o.Labels == nil {
				o.Labels = map[string]string{}
			}
			o.Labels[k] = l
			p.at(labelNodes[k], opath+".labels."+k)
		}
		if o.Name != "" {
			if first, dup := names[o.Name]; dup {
				p.bad(v, spath, "%s: SLO %s is also slos[%d]; give each SLO of a service its own name", spath, yamlpos.Quote(o.Name), first)
			} else {
				names[o.Name] = i
			}
		}
		p.c.Journeys[0].Objectives = append(p.c.Journeys[0].Objectives, o)
	}
}

// slothLabels reads a mapping of labels, returning each label's key node.
func (p *parser) slothLabels(n *yaml.Node, path string) (map[string]string, map[string]*yaml.Node) {
	out, nodes := map[string]string{}, map[string]*yaml.Node{}
	p.w.Map(n, path, "a mapping from label name to value, such as {owner: myteam}", func(name string, k, v *yaml.Node, lpath string) {
		if value, ok := p.scalar(v, lpath, "a label value"); ok {
			out[name], nodes[name] = value, k
		}
	})
	if len(out) == 0 {
		return nil, nil
	}
	return out, nodes
}

// slothSLO reads one SLO at spath into the objective at opath.
func (p *parser) slothSLO(n *yaml.Node, spath, opath string, keys slothKeys) Objective {
	var o Objective
	p.at(n, opath)
	p.fields(n, spath, "an SLO", []string{"name!", "objective!", "description", "labels", "plugins", "sli!", "alerting"}, func(key string, v *yaml.Node, fpath string) {
		switch key {
		case "name":
			if s, ok := p.scalar(v, fpath, "the SLO's name, such as requests-availability"); ok {
				o.Name = s
				p.at(v, opath+".name")
			}
		case "objective":
			o.Target = p.slothObjective(v, fpath)
			p.at(v, opath+".target")
		case "description":
			// For people; journeyslo keeps no description.
			p.scalar(v, fpath, "a description")
		case "labels":
			var nodes map[string]*yaml.Node
			o.Labels, nodes = p.slothLabels(v, fpath)
			for k, kn := range nodes {
				p.at(kn, opath+".labels."+k)
			}
			p.at(v, opath+".labels")
		case "plugins":
			p.bad(v, fpath, "%s: %s", fpath, pluginRefused)
		case "sli":
			o.Source = p.slothSLI(v, fpath, opath+".source", keys)
		case "alerting":
			o.Alerting = p.slothAlerting(v, fpath, opath+".alerting", keys)
		}
	})
	return o
}

// slothObjective reads an objective in percent, such as 99.9, as the
// exact ratio its decimal text writes (0.999, not 99.9/100).
func (p *parser) slothObjective(n *yaml.Node, path string) float64 {
	const want = "a percent below 100, such as 99.9"
	s, ok := p.w.Scalar(n, path, want, false)
	if !ok {
		return 0
	}
	t := strings.TrimSpace(s)
	f, ok := p.w.NumberText(n, path, t, want)
	switch {
	case !ok:
		return 0
	case f >= 100:
		p.bad(n, path, "%s: %s leaves no error budget; write a percent below 100, such as 99.9", path, yamlpos.Quote(s))
		return 0
	case f <= 0:
		p.bad(n, path, "%s: %s is not above 0; write a percent such as 99.9", path, yamlpos.Quote(s))
		return 0
	}
	mant, exp := t, 0
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		mant = t[:i]
		exp, _ = strconv.Atoi(t[i+1:])
	}
	r, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(exp-2), 64)
	if err != nil {
		return f / 100
	}
	return r
}

// slothSLI reads an SLI: events (error and total queries) or raw (an
// error ratio query); a plugin is refused.
func (p *parser) slothSLI(n *yaml.Node, path, srcPath string, keys slothKeys) *slo.Source {
	var s slo.Source
	kinds := 0
	p.at(n, srcPath)
	const what = "a PromQL query with {{.window}} in every range"
	p.fields(n, path, "an SLI", []string{"events", "raw", "plugin"}, func(key string, v *yaml.Node, fpath string) {
		kinds++
		switch key {
		case "events":
			p.fields(v, fpath, "an events SLI", []string{keys.errorQuery + "!", keys.totalQuery + "!"}, func(key string, v *yaml.Node, qpath string) {
				q, _ := p.scalar(v, qpath, what)
				if key == keys.errorQuery {
					s.Bad = q
					p.at(v, srcPath+".bad")
				} else {
					s.Total = q
					p.at(v, srcPath+".total")
				}
			})
		case "raw":
			p.fields(v, fpath, "a raw SLI", []string{keys.errorRatioQuery + "!"}, func(key string, v *yaml.Node, qpath string) {
				s.ErrorRatio, _ = p.scalar(v, qpath, what)
				p.at(v, srcPath+".errorRatio")
			})
		case "plugin":
			p.bad(v, fpath, "%s: %s", fpath, pluginRefused)
		}
	})
	if kinds > 1 {
		p.bad(n, path, "%s: gives %d kinds of SLI; give one of events, raw and plugin", path, kinds)
	} else if kinds == 0 && n.Kind == yaml.MappingNode {
		p.bad(n, path, "%s: is empty; give events (%s and %s) or raw (%s)", path, keys.errorQuery, keys.totalQuery, keys.errorRatioQuery)
	}
	return &s
}

// slothAlerting reads an SLO's alerting: the alerts' name, labels and
// annotations, and those of the page and ticket alerts.
func (p *parser) slothAlerting(n *yaml.Node, path, apath string, keys slothKeys) *slo.Alerting {
	var a slo.Alerting
	p.at(n, apath)
	p.fields(n, path, "an alerting", []string{"name", "labels", "annotations", keys.pageAlert, keys.ticketAlert}, func(key string, v *yaml.Node, fpath string) {
		switch key {
		case "name":
			a.Name, _ = p.scalar(v, fpath, "the alerts' name, such as MyServiceHighErrorRate")
			p.at(v, apath+".name")
		case "labels":
			a.Labels = p.slothMap(v, fpath, apath+".labels")
		case "annotations":
			a.Annotations = p.slothMap(v, fpath, apath+".annotations")
		case keys.pageAlert:
			a.Page = p.slothAlert(v, fpath, apath+".page")
		case keys.ticketAlert:
			a.Ticket = p.slothAlert(v, fpath, apath+".ticket")
		}
	})
	return &a
}

// slothAlert reads a page or ticket alert.
func (p *parser) slothAlert(n *yaml.Node, path, apath string) slo.AlertSeverity {
	var a slo.AlertSeverity
	p.at(n, apath)
	p.fields(n, path, "an alert", []string{"disable", "labels", "annotations"}, func(key string, v *yaml.Node, fpath string) {
		switch key {
		case "disable":
			a.Disable = p.boolean(v, fpath)
		case "labels":
			a.Labels = p.slothMap(v, fpath, apath+".labels")
		case "annotations":
			a.Annotations = p.slothMap(v, fpath, apath+".annotations")
		}
	})
	return a
}

// slothMap reads labels or annotations at path, recording each key's place
// under the config's path cpath.
func (p *parser) slothMap(n *yaml.Node, path, cpath string) map[string]string {
	out := map[string]string{}
	p.at(n, cpath)
	p.w.Map(n, path, "a mapping from name to value, such as {category: availability}", func(name string, k, v *yaml.Node, lpath string) {
		if value, ok := p.scalar(v, lpath, "a value"); ok {
			out[name] = value
			p.at(k, cpath+"."+name)
		}
	})
	if len(out) == 0 {
		return nil
	}
	return out
}

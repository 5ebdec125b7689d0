package sloconfig

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/journeyslo/journeyslo/internal/yamlpos"
	"github.com/journeyslo/journeyslo/slo"
)

// Validate reports every problem of the config, each an [*Error] (at its
// place in the file when the config was parsed), joined with errors.Join:
// what slo.New would refuse in its objectives (in slo's words), a service
// without a name, journeys without objectives or declared twice, objectives
// that name an undeclared policy or give both a policy and rules, and
// patterns and methods that are invalid or that two journeys claim. It
// returns nil for a config whose Objectives slo.New accepts and whose
// Patterns and Methods the middleware accepts.
func (c *Config) Validate() error { return errors.Join(c.validate(nil)...) }

// namePattern is slo's syntax of journey and objective names, for the
// names of the service and of policies.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// validate returns the config's problems, skipping the objectives and
// policies in broken, whose parse problems are already reported.
func (c *Config) validate(broken map[string]bool) []error {
	v := &validator{c: c, broken: broken}
	switch {
	case c.Service == "":
		v.bad("service", "service is empty; name the service, such as shop")
	case !namePattern.MatchString(c.Service):
		v.bad("service", "service %s is not a name: use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", yamlpos.Quote(c.Service))
	}
	for _, name := range sortedKeys(c.Policies) {
		if !namePattern.MatchString(name) {
			v.bad("policies."+name+"#name", "policy %s is not a name: use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", yamlpos.Quote(name))
		}
	}
	if len(c.Journeys) == 0 {
		v.bad("journeys", "journeys is empty; declare at least one journey, with a name and objectives")
	}
	journeys := map[string]int{}
	objectives := map[[2]string]string{}
	routes := map[string]string{} // "pattern P" or "method M" -> the path that claims it
	for i, j := range c.Journeys {
		jpath := yamlpos.Index("journeys", i)
		if j.Name == "" {
			v.bad(jpath+".name", "%s: name is empty; name the journey, such as checkout", jpath)
		} else if k, dup := journeys[j.Name]; dup {
			v.bad(jpath+".name", "journey %s is also journeys[%d]; write all its objectives, patterns and methods under one entry", yamlpos.Quote(j.Name), k)
		} else {
			journeys[j.Name] = i
		}
		if len(j.Objectives) == 0 {
			v.bad(jpath+".objectives", "journey %s has no objectives; give it at least one, such as {target: 99.9%%}", yamlpos.Quote(j.Name))
		}
		for _, r := range routeKinds {
			for k, route := range r.list(j) {
				path := yamlpos.Index(jpath+"."+r.field, k)
				if err := r.check(route); err != nil {
					v.bad(path, "%s: %v; %s", path, err, r.want)
				} else if other, dup := routes[r.kind+" "+route]; dup {
					v.bad(path, "%s %s is also %s's; a %s serves one journey, so give each %s once", r.kind, yamlpos.Quote(route), other, r.event, r.kind)
				} else {
					routes[r.kind+" "+route] = jpath + " (" + j.Name + ")"
				}
			}
		}
		for k, o := range j.Objectives {
			opath := yamlpos.Index(jpath+".objectives", k)
			v.objective(j.Name, o, opath)
			name := o.Name
			if name == "" {
				name = "availability"
				if o.Latency > 0 {
					name = "latency"
				}
			}
			key := [2]string{j.Name, name}
			if other, dup := objectives[key]; dup && j.Name != "" {
				v.bad(opath, "%s: objective %s has the same journey and name as %s; give each objective of a journey its own name",
					opath, slo.ObjectiveKey(j.Name, name), other)
			} else {
				objectives[key] = opath
			}
		}
	}
	for i, e := range c.Exclusions {
		epath := yamlpos.Index("exclusions", i)
		if err := e.Validate(); err != nil {
			for _, one := range split(err) {
				v.bad(epath, "%s (%s): %v", epath, yamlpos.Quote(e.Reason), one)
			}
		}
		for k, name := range e.Journeys {
			if _, ok := journeys[name]; !ok && name != "" {
				v.bad(yamlpos.Index(epath+".journeys", k), "%s: journey %s is not declared; name one of the file's journeys, or none for every journey",
					yamlpos.Index(epath+".journeys", k), yamlpos.Quote(name))
			}
		}
	}
	return v.errs
}

type validator struct {
	c    *Config
	errs []error
	// broken holds the paths whose parse problems are reported already.
	broken map[string]bool
}

// spoiled reports whether a problem at path would repeat a parse problem:
// one at path, inside it or around it.
func (v *validator) spoiled(path string) bool {
	for b := range v.broken {
		if b == path || strings.HasPrefix(b, path+".") || strings.HasPrefix(b, path+"[") ||
			strings.HasPrefix(path, b+".") || strings.HasPrefix(path, b+"[") || strings.HasPrefix(path, b+"#") {
			return true
		}
	}
	return false
}

// errAt returns err placed at path, or at the nearest enclosing node the
// file records.
func (v *validator) errAt(path string, err error) error {
	e := &Error{File: v.c.file, Path: strings.TrimSuffix(path, "#name"), Err: err}
	if v.c.pos == nil {
		return e // built in Go: no place in a file
	}
	e.Line, e.Column = 1, 1
	for p := path; ; p = parent(p) {
		if pos, ok := v.c.pos[p]; ok {
			e.Line, e.Column = pos.line, pos.column
			break
		}
		if p == "" {
			break
		}
	}
	return e
}

// parent returns the path of the node that holds path's.
func parent(path string) string {
	if i := strings.LastIndexAny(path, ".[#"); i >= 0 {
		return path[:i]
	}
	return ""
}

func (v *validator) bad(path, format string, args ...any) {
	if !v.spoiled(path) {
		v.errs = append(v.errs, v.errAt(path, errors.New(fmt.Sprintf(format, args...))))
	}
}

// objective checks one objective at opath as slo.New would, placing each of
// slo's reasons at the field it is about.
func (v *validator) objective(journey string, o Objective, opath string) {
	if o.Policy != "" {
		if _, ok := v.c.Policies[o.Policy]; !ok {
			declared := "none are"
			if len(v.c.Policies) > 0 {
				declared = strings.Join(sortedKeys(v.c.Policies), ", ")
			}
			v.bad(opath+".policy", "%s: policy %s is not declared under policies (declared: %s)", opath, yamlpos.Quote(o.Policy), declared)
			return
		}
		if len(o.Rules) > 0 {
			v.bad(opath+".rules", "%s: both policy %s and rules are given; give one, or neither for the default policy", opath, yamlpos.Quote(o.Policy))
			return
		}
	}
	so := v.c.objective(journey, o)
	err := so.Validate()
	if err == nil {
		return
	}
	name := so.Name
	if name == "" {
		name = "availability"
		if so.Latency > 0 {
			name = "latency"
		}
	}
	for _, e := range split(err) {
		path := v.field(e, o, opath)
		if v.spoiled(path) {
			continue
		}
		v.errs = append(v.errs, v.errAt(path, fmt.Errorf("%s: %w", slo.ObjectiveKey(journey, name), e)))
	}
}

// ruleIndex reads the rule number of burnrate's "burnrate: invalid rule N (...)".
var ruleIndex = regexp.MustCompile(`^burnrate: invalid rule (\d+) `)

// field returns the path of the field one of slo's reasons is about.
func (v *validator) field(err error, o Objective, opath string) string {
	msg := err.Error()
	if m := ruleIndex.FindStringSubmatch(msg); m != nil {
		i, _ := strconv.Atoi(m[1])
		if o.Policy != "" {
			return yamlpos.Index("policies."+o.Policy+".rules", i)
		}
		if len(o.Rules) > 0 {
			return yamlpos.Index(opath+".rules", i)
		}
		return opath
	}
	if strings.HasPrefix(msg, "burnrate: invalid target") {
		return opath + ".target"
	}
	rest, _ := strings.CutPrefix(msg, slo.ErrInvalid.Error()+": ")
	word, _, _ := strings.Cut(rest, " ")
	switch strings.TrimSuffix(word, ":") {
	case "Journey":
		return parent(parent(opath)) + ".name"
	case "Name":
		return opath + ".name"
	case "Latency":
		return opath + ".latency"
	case "Period":
		return opath + ".period"
	case "Calendar":
		return opath + ".calendar"
	case "Composite":
		return opath + ".composite"
	case "Runbook":
		return opath + ".runbook"
	case "Dashboard":
		return opath + ".dashboard"
	case "Slices":
		return opath + ".slices"
	case "Labels":
		if _, after, ok := strings.Cut(rest, `"`); ok {
			if label, _, ok := strings.Cut(after, `"`); ok {
				return opath + ".labels." + label
			}
		}
		return opath + ".labels"
	case "Policy":
		if o.Policy != "" {
			return opath + ".policy"
		}
		return opath + ".rules"
	}
	return fleetField(strings.TrimSuffix(word, ":"), rest, o, opath)
}

// fleetField returns the path of the field of the fleet's that one of
// slo's reasons is about: its first word names the field, as
// "Source.Bad:" or "Alerting.Page.Labels:", and a label's or a query's
// name may follow it.
func fleetField(word, rest string, o Objective, opath string) string {
	parts := strings.Split(word, ".")
	switch parts[0] {
	case "Source", "GroupBy", "NoData", "Alerting":
	default:
		return opath
	}
	path := opath
	for _, part := range parts {
		path += "." + strings.ToLower(part[:1]) + part[1:]
	}
	after, _ := strings.CutPrefix(rest, word+": ")
	quoted := ""
	if strings.HasPrefix(after, `"`) {
		if q, err := strconv.QuotedPrefix(after); err == nil {
			quoted, _ = strconv.Unquote(q)
		}
	}
	switch {
	case word == "Source":
		// "Source: Bad is 5000 bytes long"
		field, _, _ := strings.Cut(after, " ")
		if slices.Contains([]string{"Good", "Bad", "Total", "ErrorRatio"}, field) {
			path += "." + strings.ToLower(field[:1]) + field[1:]
		}
	case word == "GroupBy" && quoted != "":
		i := slices.Index(o.GroupBy, quoted)
		if strings.HasSuffix(after, "is listed twice") {
			// The second of the two.
			for k, l := range o.GroupBy {
				if l == quoted {
					i = k
				}
			}
		}
		if i >= 0 {
			path = yamlpos.Index(path, i)
		}
	case strings.HasSuffix(word, "Labels") && quoted != "":
		path += "." + quoted
	}
	return path
}

// split returns the errors that err joins, or err alone.
func split(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// checkPattern reports whether p is a pattern ServeMux accepts, by
// registering it on a mux of its own, as the middleware checks it.
// routeKinds are the routes a journey claims: its HTTP patterns and its
// gRPC methods, each checked alike, valid and claimed by one journey.
var routeKinds = []struct {
	field, kind string // the journey's field, and what one is called
	event       string // what the route serves
	list        func(Journey) []string
	check       func(string) error
	want        string // what would be right
}{
	{"patterns", "pattern", "request", func(j Journey) []string { return j.Patterns }, checkPattern, `write a pattern as registered with the mux, such as "POST /cart/checkout"`},
	{"methods", "method", "call", func(j Journey) []string { return j.Methods }, checkMethod, `write "/package.Service/Method"`},
}

// checkMethod says why m is not a gRPC full method name, "/package.Service/Method".
func checkMethod(m string) error {
	if svc, method, ok := strings.Cut(strings.TrimPrefix(m, "/"), "/"); !strings.HasPrefix(m, "/") || !ok || svc == "" || method == "" || strings.Contains(method, "/") {
		return fmt.Errorf("%s is not a full method name", yamlpos.Quote(m))
	}
	return nil
}

// checkPattern says why p is not a pattern http.ServeMux accepts.
func checkPattern(p string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s is not a ServeMux pattern: %v", yamlpos.Quote(p), r)
		}
	}()
	http.NewServeMux().Handle(p, http.NotFoundHandler())
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

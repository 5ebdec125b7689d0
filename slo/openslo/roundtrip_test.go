package openslo

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

const day = 24 * time.Hour

// ignoreFile ignores where a Config was parsed from.
var ignoreFile = cmpopts.IgnoreUnexported(sloconfig.Config{})

// roundTrip exports cfg, checks the documents against the specification,
// imports them and checks that the config and indicators come back.
func roundTrip(t *testing.T, cfg *sloconfig.Config, indicators map[string]Indicator) []byte {
	t.Helper()
	out, err := Export(cfg, indicators)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	if errs := validateOpenSLO(out); len(errs) > 0 {
		t.Fatalf("the exported documents break the OpenSLO v1 specification:\n%s\n%s", strings.Join(errs, "\n"), out)
	}
	imp, err := Import(File{Name: "exported.yaml", Data: out})
	if err != nil {
		t.Fatalf("Import(Export(config)): %v\n%s", err, out)
	}
	// A Prometheus SLI comes back as its objective's source too, its
	// sum( ) dropped; an objective's source comes back as an indicator.
	want, wantInd := withSources(cfg, indicators)
	if d := cmp.Diff(want, imp.Config, ignoreFile); d != "" {
		t.Errorf("Import(Export(config)) differs (-exported +imported):\n%s\n%s", d, out)
	}
	if d := cmp.Diff(wantInd, imp.Indicators, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("the indicators differ (-exported +imported):\n%s", d)
	}
	if _, err := slo.New(imp.Config.Objectives(), slo.WithManualAdvance()); err != nil {
		t.Errorf("the imported objectives make no registry: %v", err)
	}
	// What is imported is a journeyslo file too.
	data, err := imp.Config.Marshal()
	if err != nil {
		t.Fatalf("Marshal of the imported config: %v", err)
	}
	back, err := sloconfig.Parse("imported.yaml", data)
	if err != nil {
		t.Fatalf("Parse(Marshal(imported)): %v\n%s", err, data)
	}
	if d := cmp.Diff(imp.Config, back, ignoreFile); d != "" {
		t.Errorf("the imported config does not survive its own format (-imported +parsed):\n%s\n%s", d, data)
	}
	return out
}

// shopConfig is a service with every feature of the format: a named
// policy with rules and a guard, a named policy with the default rules,
// inline rules with names, the default policy, latency, labels, a
// runbook, patterns and methods.
func shopConfig() *sloconfig.Config {
	return &sloconfig.Config{
		Service: "shop",
		Policies: map[string]sloconfig.Policy{
			"fast-only": {MinEvents: sloconfig.Events(500), Rules: []burnrate.Rule{
				{Severity: burnrate.SeverityPage, Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4},
			}},
			"workbook": {MinEvents: sloconfig.Events(0)},
		},
		Journeys: []sloconfig.Journey{
			{
				Name:     "checkout",
				Patterns: []string{"POST /cart/checkout", "GET /cart"},
				Methods:  []string{"/shop.v1.Checkout/Pay"},
				Objectives: []sloconfig.Objective{
					{Target: 0.999, Period: 30 * day, Runbook: "https://runbooks.example.com/checkout", Labels: map[string]string{"team": "payments", "tier": "1"}},
					{Name: "latency", Latency: 300 * time.Millisecond, Target: 0.99, Policy: "fast-only"},
				},
			},
			{
				Name: "search",
				Objectives: []sloconfig.Objective{
					{Target: 0.995, Period: 28 * day, Policy: "workbook"},
					{Name: "fresh", Target: 0.9, Period: 7 * day, MinEvents: sloconfig.Events(20), Rules: []burnrate.Rule{
						{Name: "slow-burn", Severity: burnrate.SeverityTicket, Long: 6 * time.Hour, Short: 30 * time.Minute, Factor: 2},
						{Severity: burnrate.SeverityPage, Long: 2 * time.Hour, Short: 10 * time.Minute, Factor: 8.4},
					}},
				},
			},
		},
	}
}

func TestRoundTripShop(t *testing.T) {
	roundTrip(t, shopConfig(), nil)
	roundTrip(t, shopConfig(), map[string]Indicator{
		"checkout:availability": {Source: "Prometheus", Good: `sum(http_requests_total{code!~"5.."})`, Total: `sum(http_requests_total)`},
		"search:fresh":          {Source: "Datadog", Bad: "sum:search.stale{*}.as_count()", Total: "sum:search.all{*}.as_count()"},
	})
}

// TestRoundTripRandom exports and imports random valid configs.
func TestRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 200; i++ {
		cfg, ind := randomConfig(rng)
		t.Run(fmt.Sprint(i), func(t *testing.T) { roundTrip(t, cfg, ind) })
		if t.Failed() {
			return
		}
	}
}

// withSources returns what importing cfg exported with indicators gives:
// cfg with each Prometheus indicator as its objective's source, and the
// indicators with each objective's source among them.
func withSources(cfg *sloconfig.Config, indicators map[string]Indicator) (*sloconfig.Config, map[string]Indicator) {
	out := *cfg
	out.Journeys = nil
	var ind map[string]Indicator
	for k, v := range indicators {
		if ind == nil {
			ind = map[string]Indicator{}
		}
		ind[k] = v
	}
	for _, j := range cfg.Journeys {
		j.Objectives = append([]sloconfig.Objective(nil), j.Objectives...)
		for i, o := range j.Objectives {
			key := slo.ObjectiveKey(j.Name, objectiveName(o))
			if in, ok := indicators[key]; ok && in.Source == "Prometheus" {
				j.Objectives[i].Source = sourceOf(in)
			} else if !ok && o.Source != nil {
				if ind == nil {
					ind = map[string]Indicator{}
				}
				ind[key] = Indicator{Source: "Prometheus", Good: o.Source.Good, Bad: o.Source.Bad, Total: o.Source.Total}
			}
		}
		out.Journeys = append(out.Journeys, j)
	}
	return &out, ind
}

func pick[T any](rng *rand.Rand, xs ...T) T { return xs[rng.Intn(len(xs))] }

// randomRules returns one to three valid rules for every target at or
// above minTarget over a period of at least minPeriod, with distinct names.
func randomRules(rng *rand.Rand, minTarget float64, minPeriod time.Duration) []burnrate.Rule {
	var rules []burnrate.Rule
	seen := map[string]bool{}
	for n := 1 + rng.Intn(3); len(rules) < n; {
		long := pick(rng, 30*time.Minute, time.Hour, 2*time.Hour, 6*time.Hour, day, 3*day)
		if long > minPeriod {
			continue
		}
		short := long / time.Duration(pick(rng, 12, 6, 2))
		r := burnrate.Rule{
			Long: long, Short: short,
			Factor:   rng.Float64() * burnrate.MaxRate(minTarget),
			Severity: pick(rng, burnrate.SeverityPage, burnrate.SeverityTicket),
		}
		if r.Factor == 0 || short%time.Minute != 0 {
			continue
		}
		if rng.Intn(3) == 0 {
			r.Name = pick(rng, "Fast_Burn", "slow", "page-1h-5m", "x.y")
		}
		if seen[r.String()] {
			continue
		}
		seen[r.String()] = true
		rules = append(rules, r)
	}
	return rules
}

func randomMin(rng *rand.Rand) *uint64 {
	if rng.Intn(2) == 0 {
		return nil
	}
	return sloconfig.Events(uint64(rng.Intn(3000)))
}

func randomConfig(rng *rand.Rand) (*sloconfig.Config, map[string]Indicator) {
	const minTarget, minPeriod = 0.9, 7 * day
	cfg := &sloconfig.Config{Service: pick(rng, "shop", "Shop_Front", "a.b-c")}
	var names []string
	for i, n := 0, rng.Intn(3); i < n; i++ {
		name := pick(rng, "fast", "Standard", "workbook.v2") + fmt.Sprint(i)
		p := sloconfig.Policy{MinEvents: randomMin(rng)}
		if rng.Intn(2) == 0 {
			p.Rules = randomRules(rng, minTarget, minPeriod)
		}
		if cfg.Policies == nil {
			cfg.Policies = map[string]sloconfig.Policy{}
		}
		cfg.Policies[name] = p
		names = append(names, name)
	}
	usedPolicy := map[string]bool{}
	var ind map[string]Indicator
	for j, n := 0, 1+rng.Intn(3); j < n; j++ {
		journey := sloconfig.Journey{Name: pick(rng, "checkout", "Log_In", "search.v2") + fmt.Sprint(j)}
		for k, m := 0, rng.Intn(3); k < m; k++ {
			journey.Patterns = append(journey.Patterns, fmt.Sprintf("GET /j%d/p%d", j, k))
		}
		for k, m := 0, rng.Intn(2); k < m; k++ {
			journey.Methods = append(journey.Methods, fmt.Sprintf("/svc.v1.S%d/M%d", j, k))
		}
		kinds := rng.Perm(3)[:1+rng.Intn(3)]
		for _, kind := range kinds {
			o := sloconfig.Objective{
				Target: pick(rng, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.99999),
				Period: pick(rng, 0, 7*day, 28*day, 30*day, 90*day, 4*7*day+90*time.Minute),
			}
			switch kind {
			case 1:
				o.Name, o.Latency = "latency", time.Duration(1+rng.Intn(2000))*time.Millisecond
			case 2:
				o.Name = pick(rng, "Fresh_Results", "errors.v1", "ok")
			}
			if rng.Intn(3) == 0 {
				o.Runbook = "https://runbooks.example.com/" + journey.Name
			}
			if rng.Intn(3) == 0 {
				o.Labels = map[string]string{"team": pick(rng, "payments", "a b", "x/y"), "Tier_1": "gold"}
			}
			switch c := rng.Intn(3); {
			case c == 0 && len(names) > 0:
				o.Policy = pick(rng, names...)
				usedPolicy[o.Policy] = true
			case c == 1:
				o.Rules = randomRules(rng, minTarget, minPeriod)
			}
			o.MinEvents = randomMin(rng)
			switch rng.Intn(5) {
			case 0:
				o.Source = &slo.Source{Bad: `errors_total{journey="` + journey.Name + `"}`, Total: "requests_total"}
			case 2:
				o.GroupBy = []string{pick(rng, "cluster", "region")}
				o.Alerting = &slo.Alerting{Name: "CheckoutBurn", Labels: map[string]string{"category": "availability"}, Page: slo.AlertSeverity{Labels: map[string]string{"severity": "critical"}}, Ticket: slo.AlertSeverity{Disable: true}}
			case 1:
				o.NoData = slo.NoData{After: pick(rng, 5*time.Minute, time.Hour), Severity: pick(rng, burnrate.SeverityOK, burnrate.SeverityTicket, burnrate.SeverityPage)}
			}
			if o.Source == nil && rng.Intn(4) == 0 {
				if ind == nil {
					ind = map[string]Indicator{}
				}
				name := o.Name
				if name == "" {
					name = "availability"
				}
				in := Indicator{Source: pick(rng, "Prometheus", "Datadog"), Total: "sum(all_total)"}
				if rng.Intn(2) == 0 {
					in.Good = `sum(ok_total{journey="` + journey.Name + `"})`
				} else {
					in.Bad = "sum(failed_total)"
				}
				ind[slo.ObjectiveKey(journey.Name, name)] = in
			}
			journey.Objectives = append(journey.Objectives, o)
		}
		cfg.Journeys = append(cfg.Journeys, journey)
	}
	// A named policy with the default rules has no OpenSLO form unless an
	// objective uses it (see TestExportRefuses).
	for name, p := range cfg.Policies {
		if len(p.Rules) == 0 && !usedPolicy[name] {
			delete(cfg.Policies, name)
		}
	}
	if len(cfg.Policies) == 0 {
		cfg.Policies = nil
	}
	return cfg, ind
}

package sloconfig_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// One file configures the registry and the middleware: pass Objectives to
// slo.New, Patterns to slohttp.WithPatterns and Methods to
// slogrpc.WithMethods.
func ExampleParse() {
	file := []byte(`
service: shop
journeys:
  - name: checkout
    patterns: ["POST /cart/checkout"]
    methods: ["/shop.v1.Checkout/Pay"]
    objectives:
      - target: 99.9%
        runbook: https://runbooks.example.com/checkout
        labels: {team: payments}
      - latency: 300ms
        target: 95%
        period: 4w
`)
	c, err := sloconfig.Parse("shop.yaml", file)
	if err != nil {
		fmt.Println(err)
		return
	}
	reg, err := slo.New(c.Objectives(), slo.WithManualAdvance())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer reg.Close()
	for _, o := range reg.Objectives() {
		fmt.Printf("%s: %v%% over %v, %d rules, runbook %q, labels %v\n",
			slo.ObjectiveKey(o.Journey, o.Name), o.Target*100, burnrate.FormatWindow(o.Period), len(o.Policy.Rules), o.Runbook, o.Labels)
	}
	fmt.Println("patterns:", c.Patterns())
	fmt.Println("methods:", c.Methods())
	// Output:
	// checkout:availability: 99.9% over 30d, 4 rules, runbook "https://runbooks.example.com/checkout", labels map[team:payments]
	// checkout:latency: 95% over 28d, 4 rules, runbook "", labels map[]
	// patterns: map[POST /cart/checkout:checkout]
	// methods: map[/shop.v1.Checkout/Pay:checkout]
}

// Every problem of a file comes at once, each at its line and column, in
// the words slo.New uses.
func ExampleParse_problems() {
	_, err := sloconfig.Parse("shop.yaml", []byte(`
service: shop
journeys:
  - name: checkout
    objectives:
      - target: 99.9
        period: 1M
      - target: 99.9%
        runbok: https://runbooks.example.com/checkout
`))
	fmt.Println(err)
	// Output:
	// shop.yaml:6:17: journeys[0].objectives[0].target: burnrate: invalid target: 99.9 is not below 1; write 0.999 for 99.9%
	// shop.yaml:7:17: journeys[0].objectives[0].period: burnrate: invalid window "1M": M is a calendar month, which has no fixed length; journeyslo windows are rolling: write 30d or 4w
	// shop.yaml:9:9: journeys[0].objectives[1]: unknown field "runbok"; an objective has the fields name, target, period, latency, policy, rules, minEvents, runbook, dashboard, labels, source, groupBy, noData, alerting, slices
}

// A registry's objectives written out as a file, for review or to start
// one from Go literals.
func ExampleFromObjectives() {
	objs := []slo.Objective{
		{Journey: "checkout", Target: 0.999, Runbook: "https://runbooks.example.com/checkout"},
		{Journey: "search", Target: 0.95, Latency: 300 * time.Millisecond},
	}
	c := sloconfig.FromObjectives("shop", objs, map[string]string{"GET /search": "search"}, nil)
	b, err := c.Marshal()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(b))
	back, _ := sloconfig.Parse("shop.yaml", b)
	fmt.Println("same objectives:", slices.EqualFunc(objs, back.Objectives(), func(a, b slo.Objective) bool {
		return a.Journey == b.Journey && a.Target == b.Target && a.Latency == b.Latency && a.Runbook == b.Runbook
	}))
	// Output:
	// service: shop
	// journeys:
	//   - name: checkout
	//     objectives:
	//       - target: 0.999
	//         runbook: https://runbooks.example.com/checkout
	//   - name: search
	//     patterns:
	//       - GET /search
	//     objectives:
	//       - target: 0.95
	//         latency: 300ms
	// same objectives: true
}

// A Sloth spec is read as a config: the service is its one journey, each
// SLO an objective whose source is the SLO's queries, and whose alerts keep
// the names and labels that Alertmanager's routes match.
func ExampleParse_sloth() {
	spec := `version: "prometheus/v1"
service: "myservice"
labels:
  owner: "myteam"
slos:
  - name: "requests-availability"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="myservice",code=~"(5..|429)"}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="myservice"}[{{.window}}]))
    alerting:
      name: MyServiceHighErrorRate
      page_alert:
        labels:
          severity: pageteam
      ticket_alert:
        disable: true
`
	c, err := sloconfig.Parse("sloth.yaml", []byte(spec))
	if err != nil {
		fmt.Println(err)
		return
	}
	o := c.Objectives()[0]
	fmt.Println(sloconfig.IsSloth([]byte(spec)), slo.ObjectiveKey(o.Journey, o.Name), o.Target, o.Labels)
	fmt.Println(o.Source.Bad)
	fmt.Println(o.Alerting.Name, o.Alerting.Page.Labels, o.Alerting.Ticket.Disable)

	plugin := "version: prometheus/v1\nservice: myservice\nslos:\n" +
		"  - {name: api, objective: 99.9, sli: {plugin: {id: sloth-common/kubernetes/apiserver/availability}}}\n"
	_, err = sloconfig.Parse("plugin.yaml", []byte(plugin))
	fmt.Println(err)
	// Output:
	// true myservice:requests-availability 0.999 map[owner:myteam]
	// sum(rate(http_requests_total{job="myservice",code=~"(5..|429)"}[{{.window}}]))
	// MyServiceHighErrorRate map[severity:pageteam] true
	// plugin.yaml:4:48: slos[0].sli.plugin: Sloth runs plugins as code, which journeyslo cannot; write the plugin's queries as events (error_query and total_query)
}

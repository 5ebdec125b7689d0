package sloprom

import (
	"math"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// Label names.
const (
	labelJourney   = "journey"
	labelObjective = "objective"
	labelOutcome   = "outcome"
	labelWindow    = "window"
	labelState     = "state"
)

// perInstance ends the help of every per-instance gauge.
const perInstance = " This instance's view alone: never average it across instances; compute the fleet's from journeyslo_sli_events_total."

// states are the values of the state label, in severity order.
var states = []burnrate.Severity{burnrate.SeverityOK, burnrate.SeverityTicket, burnrate.SeverityPage}

// A Collector exposes a registry's objectives and error budgets to
// Prometheus; see the package documentation for its metrics. It reads
// [slo.Registry.Status] at each scrape and adds nothing to the record path.
//
// Register it once per registry: two Collectors of the same process's
// registries would expose the same series. A Collector is safe for
// concurrent use. The zero value is not usable; create one with
// [NewCollector].
type Collector struct {
	reg *slo.Registry

	events    *prometheus.Desc
	unmatched *prometheus.Desc
	excluded  *prometheus.Desc
	target    *prometheus.Desc
	period    *prometheus.Desc
	budget    *prometheus.Desc
	burn      *prometheus.Desc
	state     *prometheus.Desc
	exhaust   *prometheus.Desc
	evaluated *prometheus.Desc
}

// NewCollector returns a Collector over reg. It panics if reg is nil.
func NewCollector(reg *slo.Registry) *Collector {
	if reg == nil {
		panic("sloprom: NewCollector(nil): pass the *slo.Registry that slo.New returned")
	}
	objective := []string{labelJourney, labelObjective}
	return &Collector{
		reg: reg,
		events: prometheus.NewDesc("journeyslo_sli_events_total",
			"Events each objective judged since the process started, by outcome (good or bad). "+
				"Fleet-wide SLIs and burn rates sum these across instances, then divide.",
			[]string{labelJourney, labelObjective, labelOutcome}, nil),
		excluded: prometheus.NewDesc("journeyslo_sli_excluded_events_total",
			"Events of the objective's journey that a planned exclusion kept out of the objective since the process started: "+
				"counted neither good nor bad, and read by no rule.",
			objective, nil),
		unmatched: prometheus.NewDesc("journeyslo_unmatched_events_total",
			"Events recorded on journey names that no objective declares, by outcome (good or bad); they count toward no objective.",
			[]string{labelOutcome}, nil),
		target: prometheus.NewDesc("journeyslo_objective_target_ratio",
			"The objective's target: the share of events that must be good over its period (0.999 for 99.9%).",
			objective, nil),
		period: prometheus.NewDesc("journeyslo_objective_period_seconds",
			"The length of the objective's rolling period.",
			objective, nil),
		budget: prometheus.NewDesc("journeyslo_instance_budget_remaining_ratio",
			"Share of the objective's error budget left over its period: 1 untouched, 0 spent, negative overspent."+perInstance,
			objective, nil),
		burn: prometheus.NewDesc("journeyslo_instance_burn_rate",
			"Error budget burn rate over the window (error ratio / (1 - target)); 0 when the window holds no event."+perInstance,
			[]string{labelJourney, labelObjective, labelWindow}, nil),
		state: prometheus.NewDesc("journeyslo_instance_state",
			"1 for the objective's alert state (ok, ticket or page) under its multi-window, multi-burn-rate policy, 0 for the others."+perInstance,
			[]string{labelJourney, labelObjective, labelState}, nil),
		exhaust: prometheus.NewDesc("journeyslo_instance_time_to_exhaustion_seconds",
			"How long the budget left lasts at the burn rate of the policy's shortest long window: 0 when spent, +Inf when not burning."+perInstance,
			objective, nil),
		evaluated: prometheus.NewDesc("journeyslo_last_evaluation_timestamp_seconds",
			"Unix time of the registry's last evaluation; it advances every few seconds, and the library is stalled when it does not.",
			nil, nil),
	}
}

// Describe sends the descriptors of every metric the Collector exposes.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.events, c.excluded, c.unmatched, c.target, c.period, c.budget, c.burn, c.state, c.exhaust, c.evaluated} {
		ch <- d
	}
}

// Collect sends every series at every scrape, from the registry's first
// evaluation on, but for the budget and time to exhaustion of an
// objective whose period holds too few events for a budget
// (slo.BudgetTooFewEvents): those it leaves out of that scrape.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	send := func(d *prometheus.Desc, t prometheus.ValueType, v float64, labels ...string) {
		m, err := prometheus.NewConstMetric(d, t, v, labels...)
		if err != nil {
			m = prometheus.NewInvalidMetric(d, err) // the scrape reports it; no panic
		}
		ch <- m
	}
	var last float64
	for _, st := range c.reg.Status() {
		j, o := st.Journey, st.Objective
		send(c.events, prometheus.CounterValue, float64(st.TotalGood), j, o, "good")
		send(c.events, prometheus.CounterValue, float64(st.TotalBad), j, o, "bad")
		send(c.excluded, prometheus.CounterValue, float64(st.TotalExcluded), j, o)
		send(c.target, prometheus.GaugeValue, st.Target, j, o)
		send(c.period, prometheus.GaugeValue, st.Period.Seconds(), j, o)
		// A budget over too few events, or over data that covers too
		// little of the period, claims nothing (a minute-old process with
		// 1 bad event in 10 at 99.9% would show -9900%): no sample, which
		// PromQL reads as no data, rather than a figure.
		claims := st.Budget.Claims()
		if claims {
			send(c.budget, prometheus.GaugeValue, st.BudgetRemaining, j, o)
		}
		for _, b := range st.Windows {
			send(c.burn, prometheus.GaugeValue, b.Rate, j, o, burnrate.FormatWindow(b.Window))
		}
		for _, s := range states {
			v := 0.0
			if st.State == s {
				v = 1
			}
			send(c.state, prometheus.GaugeValue, v, j, o, s.String())
		}
		if claims {
			exhaust := math.Inf(1)
			if st.TimeToExhaustion != burnrate.Never {
				exhaust = st.TimeToExhaustion.Seconds()
			}
			send(c.exhaust, prometheus.GaugeValue, exhaust, j, o)
		}
		last = max(last, float64(st.Time.UnixNano())/1e9)
	}
	good, bad := c.reg.Unmatched()
	send(c.unmatched, prometheus.CounterValue, float64(good), "good")
	send(c.unmatched, prometheus.CounterValue, float64(bad), "bad")
	send(c.evaluated, prometheus.GaugeValue, last)
}

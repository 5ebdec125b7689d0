package bench

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// slothRules writes rules shaped like those Sloth (v0.16) generates for
// the objectives, over the same counters, from the description of its
// output (not its code): per objective, a group of error ratio recordings
// slo:sli_error:ratio_rate<W> for 5m, 30m, 1h, 2h, 6h, 1d and 3d, and the
// "optimized" period ratio, a mean of the 5-minute ratios over 30 days; a
// group of metadata recordings, constants from vector() joined to the
// ratios with on(...) group_left; and a group of two alerts, page and
// ticket, each an OR of two AND-ed window pairs, with thresholds written
// as Sloth writes them, factor * the float error budget
// (14.4 * 0.0009999999999999432).
func slothRules(objectives []slo.Objective) string {
	var b strings.Builder
	b.WriteString("groups:\n")
	windows := []string{"5m", "30m", "1h", "2h", "6h", "1d", "3d"}
	for _, o := range objectives {
		id := o.Journey + "-" + o.Name
		labels := fmt.Sprintf("sloth_id: %q, sloth_service: %q, sloth_slo: %q", id, o.Journey, o.Name)
		sel := fmt.Sprintf(`sloth_id=%q, sloth_service=%q, sloth_slo=%q`, id, o.Journey, o.Name)
		all := fmt.Sprintf(`journeyslo_sli_events_total{journey=%q,objective=%q}`, o.Journey, o.Name)
		bad := fmt.Sprintf(`journeyslo_sli_events_total{journey=%q,objective=%q,outcome="bad"}`, o.Journey, o.Name)
		period := burnrate.FormatWindow(o.Period)

		fmt.Fprintf(&b, "- name: sloth-slo-sli-recordings-%s\n  rules:\n", id)
		for _, w := range windows {
			fmt.Fprintf(&b, "  - record: slo:sli_error:ratio_rate%s\n    expr: |\n      (sum(rate(%s[%s])))\n      /\n      (sum(rate(%s[%s])))\n    labels: {%s, sloth_window: %q}\n",
				w, bad, w, all, w, labels, w)
		}
		fmt.Fprintf(&b, "  - record: slo:sli_error:ratio_rate%s\n    expr: |\n      sum_over_time(slo:sli_error:ratio_rate5m{%s}[%s])\n      / ignoring (sloth_window)\n      count_over_time(slo:sli_error:ratio_rate5m{%s}[%s])\n    labels: {%s, sloth_window: %q}\n",
			period, sel, period, sel, period, labels, period)

		// Sloth's budget: (100 - objective%) / 100 in floats.
		budget := strconv.FormatFloat((100-o.Target*100)/100, 'g', -1, 64)
		fmt.Fprintf(&b, "- name: sloth-slo-meta-recordings-%s\n  rules:\n", id)
		meta := []struct{ record, expr string }{
			{"slo:objective:ratio", "vector(" + strconv.FormatFloat(o.Target, 'g', -1, 64) + ")"},
			{"slo:error_budget:ratio", "vector(1-" + strconv.FormatFloat(o.Target, 'g', -1, 64) + ")"},
			{"slo:time_period:days", "vector(" + strconv.Itoa(int(o.Period/(24*time.Hour))) + ")"},
			{"slo:current_burn_rate:ratio", fmt.Sprintf("slo:sli_error:ratio_rate5m{%s}\n      / on(sloth_id, sloth_slo, sloth_service) group_left\n      slo:error_budget:ratio{%s}", sel, sel)},
			{"slo:period_burn_rate:ratio", fmt.Sprintf("slo:sli_error:ratio_rate%s{%s}\n      / on(sloth_id, sloth_slo, sloth_service) group_left\n      slo:error_budget:ratio{%s}", period, sel, sel)},
			{"slo:period_error_budget_remaining:ratio", fmt.Sprintf("1 - slo:period_burn_rate:ratio{%s}", sel)},
		}
		for _, m := range meta {
			fmt.Fprintf(&b, "  - record: %s\n    expr: |\n      %s\n    labels: {%s}\n", m.record, m.expr, labels)
		}
		fmt.Fprintf(&b, "  - record: sloth_slo_info\n    expr: vector(1)\n    labels: {%s, sloth_mode: \"cli-gen-prom\", sloth_objective: %q, sloth_version: \"v0.16.0\"}\n",
			labels, strconv.FormatFloat(o.Target*100, 'g', -1, 64))

		fmt.Fprintf(&b, "- name: sloth-slo-alerts-%s\n  rules:\n", id)
		pair := func(factor float64, short, long string) string {
			f := strconv.FormatFloat(factor, 'g', -1, 64)
			return fmt.Sprintf("(max(slo:sli_error:ratio_rate%s{%s} > (%s * %s)) without (sloth_window)\n      and\n      max(slo:sli_error:ratio_rate%s{%s} > (%s * %s)) without (sloth_window))",
				short, sel, f, budget, long, sel, f, budget)
		}
		for _, sev := range []burnrate.Severity{burnrate.SeverityPage, burnrate.SeverityTicket} {
			var pairs []string
			for _, r := range o.Policy.Rules { // the objective's default policy: Sloth's four rules
				if r.Severity == sev {
					pairs = append(pairs, pair(r.Factor, burnrate.FormatWindow(r.Short), burnrate.FormatWindow(r.Long)))
				}
			}
			name, severity := "HighErrorRate", "page"
			if sev == burnrate.SeverityTicket {
				name, severity = "ErrorBudgetBurn", "ticket"
			}
			fmt.Fprintf(&b, "  - alert: %s\n    expr: |\n      %s\n    labels: {severity: %s, sloth_severity: %s}\n    annotations: {summary: \"{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.\"}\n",
				name, strings.Join(pairs, "\n      or\n      "), severity, severity)
		}
	}
	return b.String()
}

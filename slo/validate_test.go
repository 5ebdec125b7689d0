package slo_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// reasons splits an error of New into the reasons it joins, wherever the
// joins are: New joins objectives' errors, each of which wraps the join of
// its reasons.
func reasons(err error) []error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			var out []error
			for _, c := range j.Unwrap() {
				out = append(out, reasons(c)...)
			}
			return out
		}
	}
	return []error{err}
}

func TestNewMisconfigurations(t *testing.T) {
	h, m := time.Hour, time.Minute
	rule := func(long, short time.Duration, factor float64, sev burnrate.Severity) burnrate.Rule {
		return burnrate.Rule{Long: long, Short: short, Factor: factor, Severity: sev}
	}
	policy := func(rules ...burnrate.Rule) burnrate.Policy { return burnrate.Policy{Rules: rules} }
	page := burnrate.SeverityPage
	one := func(o slo.Objective) []slo.Objective { return []slo.Objective{o} }
	// A reason always wraps slo.ErrInvalid, and burnrate.ErrInvalid too
	// (both) when it is about the target or the policy.
	const sloOnly, both = false, true
	type reason struct {
		burnrate bool
		text     string
	}
	for _, tc := range []struct {
		name string
		objs []slo.Objective
		opts []slo.Option
		want []reason
	}{
		// The registry's own settings.
		{"no objectives", nil, nil, []reason{{sloOnly, `slo: invalid: no objectives; declare at least one, such as {Journey: "checkout", Target: 0.999}`}}},
		{"empty objectives", []slo.Objective{}, nil, []reason{{sloOnly, "slo: invalid: no objectives"}}},
		{"nil clock", one(slo.Objective{Journey: "checkout", Target: 0.999}), []slo.Option{slo.WithClock(nil)},
			[]reason{{sloOnly, "slo: invalid: WithClock(nil); pass clock.New() or a clock.NewMock()"}}},

		// Names.
		{"no journey", one(slo.Objective{Target: 0.999}), nil,
			[]reason{{sloOnly, `objective 0 ("":availability): slo: invalid: Journey is empty; name the user journey, such as checkout`}}},
		{"the unmatched journey", one(slo.Objective{Journey: "unmatched", Target: 0.999}), nil,
			[]reason{{sloOnly, `slo: invalid: Journey "unmatched" is where undeclared journeys go; choose another name`}}},
		{"journey with a colon", one(slo.Objective{Journey: "shop:checkout", Target: 0.999}), nil,
			[]reason{{sloOnly, `slo: invalid: Journey "shop:checkout" is not a name: use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`}}},
		{"journey with a space", one(slo.Objective{Journey: "check out", Target: 0.999}), nil,
			[]reason{{sloOnly, `Journey "check out" is not a name`}}},
		{"journey starting with a dash", one(slo.Objective{Journey: "-checkout", Target: 0.999}), nil,
			[]reason{{sloOnly, `Journey "-checkout" is not a name`}}},
		{"journey of 65 letters", one(slo.Objective{Journey: strings.Repeat("a", 65), Target: 0.999}), nil,
			[]reason{{sloOnly, `Journey "` + strings.Repeat("a", 65) + `" is not a name`}}},
		{"journey with a newline", one(slo.Objective{Journey: "check\nout", Target: 0.999}), nil,
			[]reason{{sloOnly, `objective 0 ("check\nout":availability): slo: invalid: Journey "check\nout" is not a name`}}},
		{"name with a space", one(slo.Objective{Journey: "checkout", Name: "p 99", Target: 0.999}), nil,
			[]reason{{sloOnly, `objective 0 (checkout:"p 99"): slo: invalid: Name "p 99" is not a name`}}},
		{"name with a slash", one(slo.Objective{Journey: "checkout", Name: "p/99", Target: 0.999}), nil,
			[]reason{{sloOnly, `Name "p/99" is not a name`}}},
		{"same journey and name", []slo.Objective{{Journey: "checkout", Target: 0.999}, {Journey: "checkout", Target: 0.99}}, nil,
			[]reason{{sloOnly, "objective 1 (checkout:availability): slo: invalid: objective 0 has the same journey and name; give each objective of a journey its own Name"}}},
		{"same default latency name", []slo.Objective{{Journey: "search", Target: 0.99, Latency: 300 * time.Millisecond}, {Journey: "search", Name: "latency", Target: 0.9}}, nil,
			[]reason{{sloOnly, "objective 1 (search:latency): slo: invalid: objective 0 has the same journey and name"}}},

		// Latency and period.
		{"negative latency", one(slo.Objective{Journey: "checkout", Target: 0.99, Latency: -time.Second}), nil,
			[]reason{{sloOnly, "slo: invalid: Latency -1s is negative; use a positive threshold, or 0 for an availability objective"}}},
		{"period of 500 days", one(slo.Objective{Journey: "checkout", Target: 0.99, Period: 500 * 24 * h}), nil,
			[]reason{{sloOnly, "slo: invalid: Period: window 12000h0m0s is longer than 9600h0m0s, the longest a series keeps"}}},
		{"period of a minute", one(slo.Objective{Journey: "checkout", Target: 0.99, Period: m}), nil, []reason{
			{sloOnly, "slo: invalid: Period: window 1m0s is shorter than 1m40s"},
			{both, "burnrate: invalid policy: no rules; use burnrate.DefaultPolicy(0.99, 1m) or add rules"}}},
		{"negative period", one(slo.Objective{Journey: "checkout", Target: 0.99, Period: -h}), nil, []reason{
			{sloOnly, "slo: invalid: Period: window -1h0m0s is shorter than 1m40s"},
			{both, "burnrate: invalid policy: no rules"}}},
		{"period shorter than every default window", one(slo.Objective{Journey: "checkout", Target: 0.999, Period: 30 * m}), nil,
			[]reason{{both, "objective 0 (checkout:availability): burnrate: invalid policy: no rules; use burnrate.DefaultPolicy(0.999, 30m) or add rules"}}},

		// Targets.
		{"target left out", one(slo.Objective{Journey: "checkout"}), nil,
			[]reason{{both, "objective 0 (checkout:availability): burnrate: invalid target: 0 is not above 0; use a fraction such as 0.999"}}},
		{"negative target", one(slo.Objective{Journey: "checkout", Target: -0.5}), nil,
			[]reason{{both, "burnrate: invalid target: -0.5 is not above 0"}}},
		{"target 1", one(slo.Objective{Journey: "checkout", Target: 1}), nil,
			[]reason{{both, "burnrate: invalid target: 1 leaves no error budget; use a fraction below 1 such as 0.999"}}},
		{"target in percent", one(slo.Objective{Journey: "checkout", Target: 99.9}), nil,
			[]reason{{both, "burnrate: invalid target: 99.9 is not below 1; write 0.999 for 99.9%"}}},
		{"target of 1.5 percent", one(slo.Objective{Journey: "checkout", Target: 1.5}), nil,
			[]reason{{both, "burnrate: invalid target: 1.5 is not below 1; write 0.015 for 1.5%"}}},
		{"target 100", one(slo.Objective{Journey: "checkout", Target: 100}), nil,
			[]reason{{both, "burnrate: invalid target: 100 leaves no error budget"}}},
		{"NaN target", one(slo.Objective{Journey: "checkout", Target: math.NaN()}), nil,
			[]reason{{both, "burnrate: invalid target: NaN is not a number; write the target as a fraction such as 0.999"}}},
		{"infinite target", one(slo.Objective{Journey: "checkout", Target: math.Inf(1)}), nil,
			[]reason{{both, "burnrate: invalid target: +Inf is not a number"}}},

		// Rules written by hand.
		{"the 30-day page at 90%", one(slo.Objective{Journey: "search", Target: 0.9, Policy: policy(rule(h, 5*m, 14.4, page))}), nil,
			[]reason{{both, "objective 0 (search:availability): burnrate: invalid rule 0 (page-1h-5m): Factor 14.4 can never fire at target 0.9: when every event fails the burn rate is 1/(1-0.9) = 10; use a factor of at most 10 or a higher target"}}},
		{"factor above a full outage at 99.9%", one(slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy(rule(h, 5*m, 1001, page))}), nil,
			[]reason{{both, "rule 0 (page-1h-5m): Factor 1001 can never fire at target 0.999: when every event fails the burn rate is 1/(1-0.999) = 1000"}}},
		{"zero factor", one(slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy(rule(h, 5*m, 0, page))}), nil,
			[]reason{{both, "rule 0 (page-1h-5m): Factor 0 is not a positive number; see burnrate.Factor"}}},
		{"negative factor", one(slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy(rule(h, 5*m, -2, page))}), nil,
			[]reason{{both, "Factor -2 is not a positive number"}}},
		{"NaN factor", one(slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy(rule(h, 5*m, math.NaN(), page))}), nil,
			[]reason{{both, "Factor NaN is not a positive number"}}},
		{"infinite factor", one(slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy(rule(h, 5*m, math.Inf(1), page))}), nil,
			[]reason{{both, "Factor +Inf is not a positive number"}}},
		{"short longer than long", one(slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy(rule(h, 2*h, 14.4, page))}), nil,
			[]reason{{both, "rule 0 (page-1h-2h): Short window 2h is longer than Long window 1h; the Workbook uses Long/12 (5m), and Short = Long makes a single-window rule"}}},
		{"zero short", one(slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy(rule(h, 0, 14.4, page))}), nil,
			[]reason{{both, "Short window 0s is not positive; the Workbook uses Long/12 (5m)"}}},
		{"negative short", one(slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy(rule(h, -5*m, 14.4, page))}), nil,
			[]reason{{both, "Short window -5m0s is not positive"}}},
		{"zero long", one(slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy(rule(0, 5*m, 14.4, page))}), nil, []reason{
			{both, "Long window 0s is not positive"},
			{both, "Short window 5m is longer than Long window 0s"}}},
		{"negative long", one(slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy(rule(-h, -5*m, 14.4, page))}), nil, []reason{
			{both, "Long window -1h0m0s is not positive"},
			{both, "Short window -5m0s is not positive"}}},
		{"long beyond the period", one(slo.Objective{Journey: "checkout", Target: 0.999, Period: 24 * h, Policy: policy(rule(72*h, 6*h, 1, burnrate.SeverityTicket))}), nil,
			[]reason{{both, "rule 0 (ticket-3d-6h): Long window 3d is longer than the period 1d; use a window of at most the period"}}},
		{"severity ok", one(slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy(rule(h, 5*m, 14.4, burnrate.SeverityOK))}), nil,
			[]reason{{both, "rule 0 (ok-1h-5m): Severity ok is not one a rule raises; use SeverityTicket or SeverityPage"}}},
		{"severity out of range", one(slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy(rule(h, 5*m, 14.4, 7))}), nil,
			[]reason{{both, "Severity Severity(7) is not one a rule raises"}}},
		{"two rules of one name", one(slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy(rule(h, 5*m, 14.4, page), rule(h, 5*m, 20, page))}), nil,
			[]reason{{both, "rule 1 (page-1h-5m): the name is also rule 0's; give each rule its own Name"}}},
		{"short window under 100 s", one(slo.Objective{Journey: "checkout", Target: 0.999, Policy: policy(rule(h, m, 14.4, page))}), nil,
			[]reason{{sloOnly, "slo: invalid: Policy: window 1m0s is shorter than 1m40s, the shortest kept to 1% accuracy"}}},

		// Several at once: every reason, each with both sentinels where due.
		{"three problems in one objective", one(slo.Objective{Journey: "", Target: 0.999, Latency: -1, Policy: policy(rule(h, 2*h, 2000, page))}), nil, []reason{
			{sloOnly, "Journey is empty"},
			{sloOnly, "Latency -1ns is negative"},
			{both, "Short window 2h is longer than Long window 1h"},
			{both, "Factor 2000 can never fire at target 0.999"}}},
		{"problems in three objectives", []slo.Objective{
			{Journey: "checkout", Target: 0.999},
			{Journey: "login", Target: 99.5},
			{Journey: "search", Target: 0.9, Policy: policy(rule(h, 5*m, 14.4, page))},
			{Journey: "cart", Name: "a b", Target: 0.99},
		}, nil, []reason{
			{both, "objective 1 (login:availability): burnrate: invalid target: 99.5 is not below 1; write 0.995 for 99.5%"},
			{both, "objective 2 (search:availability): burnrate: invalid rule 0 (page-1h-5m): Factor 14.4 can never fire at target 0.9"},
			{sloOnly, `objective 3 (cart:"a b"): slo: invalid: Name "a b" is not a name`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mock := clock.NewMock()
			reg, err := slo.New(tc.objs, append([]slo.Option{slo.WithClock(mock), slo.WithManualAdvance()}, tc.opts...)...)
			if err == nil {
				reg.Close()
				t.Fatalf("New = nil error, want %d reasons", len(tc.want))
			}
			if !errors.Is(err, slo.ErrInvalid) {
				t.Errorf("New = %v, not an slo.ErrInvalid", err)
			}
			got := reasons(err)
			if len(got) != len(tc.want) {
				t.Fatalf("New gave %d reasons, want %d:\n%v", len(got), len(tc.want), err)
			}
			for i, w := range tc.want {
				if !strings.Contains(err.Error(), w.text) {
					t.Errorf("New = %q, want it to contain %q", err, w.text)
				}
				// The reason itself is the text after the objective's label.
				r, tail := got[i], w.text
				if strings.HasPrefix(tail, "objective ") {
					_, tail, _ = strings.Cut(tail, "): ")
				}
				if !strings.Contains(r.Error(), tail) {
					t.Errorf("reason %d = %q, want it to contain %q", i, r, tail)
				}
				if !errors.Is(r, slo.ErrInvalid) {
					t.Errorf("reason %d (%v) does not match slo.ErrInvalid", i, r)
				}
				if errors.Is(r, burnrate.ErrInvalid) != w.burnrate {
					t.Errorf("reason %d (%v): errors.Is(burnrate.ErrInvalid) = %v, want %v", i, r, !w.burnrate, w.burnrate)
				}
			}
		})
	}
}

func TestValidateMatchesBothSentinels(t *testing.T) {
	// Objective.Validate, as New, promises ErrInvalid, and
	// burnrate.ErrInvalid for the target and policy.
	err := slo.Objective{Journey: "search", Target: 0.9, Policy: burnrate.Policy{Rules: []burnrate.Rule{
		{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: burnrate.SeverityPage}}}}.Validate()
	if !errors.Is(err, slo.ErrInvalid) || !errors.Is(err, burnrate.ErrInvalid) {
		t.Errorf("Validate = %v; errors.Is slo.ErrInvalid %v, burnrate.ErrInvalid %v; want both", err, errors.Is(err, slo.ErrInvalid), errors.Is(err, burnrate.ErrInvalid))
	}
	if err := (slo.Objective{Journey: "search", Target: 0.9}).Validate(); err != nil {
		t.Errorf("Validate of 90%% with the default policy = %v, want nil", err)
	}
}

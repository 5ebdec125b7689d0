package slostatus

import (
	"fmt"
	"strconv"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
)

// sliceGoal states the goal of an objective of time slices: "99% of 1m
// slices good over 14d (a slice is good at 95%)", or for RatioTimeslices
// "99% good over 14d, the mean of 1m slices".
func sliceGoal(st slo.Status) string {
	s := st.Slices
	target := percent(st.Target, targetDecimals(st.Target))
	good := "good"
	if st.Latency > 0 {
		good = "within " + st.Latency.String()
	}
	win, period := burnrate.FormatWindow(s.Window), burnrate.FormatWindow(st.Period)
	if s.Method == slo.RatioTimeslices {
		return target + " " + good + " over " + period + ", the mean of " + win + " slices"
	}
	return target + " of " + win + " slices " + good + " over " + period + " (a slice is good at " + percent(s.Target, targetDecimals(s.Target)) + ")"
}

// sliceView words an objective of slices' budget and evidence in slices:
// "12 of 20,160 slices bad", "a budget needs 20 slices over 14d". allowed
// is the budget in slices.
func sliceView(st slo.Status, o *objectiveView, allowed float64) {
	bad, all, ok := st.SliceCounts()
	if !ok {
		return
	}
	period := burnrate.FormatWindow(st.Period)
	if st.Slices.Method == slo.RatioTimeslices {
		o.BudgetNote = thousands(bad) + " of " + thousands(all) + " slices' worth bad"
		o.BudgetTitle = "the " + thousands(all) + " slices of " + period + " average " + percent(st.SLI, targetDecimals(st.Target)+2) +
			" good: " + thousands(bad) + " slices' worth of bad events, of " + strconv.FormatFloat(allowed, 'f', 0, 64) + " allowed"
	} else {
		o.BudgetNote = thousands(bad) + " of " + thousands(all) + " slices bad"
		o.BudgetTitle = thousands(bad) + " bad slices of " + strconv.FormatFloat(allowed, 'f', 0, 64) + " allowed over " + period
	}
	if o.Evidence != "" {
		o.EvidenceNote = "a budget needs " + strconv.FormatUint(st.MinEvents, 10) + " slices over " + period
	}
	if st.NoData {
		o.SLINote = "no slices in " + period
	}
}

// thousands writes n with a comma between groups of three digits: 20,160.
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// sliceTraffic says what a gate's outlook of an objective of slices
// assumes: the share of its slices that go on bad (or short of good, for
// RatioTimeslices), rather than a request rate.
func sliceTraffic(st slo.Status, out slo.Outlook) string {
	if st.Slices.Method == slo.RatioTimeslices {
		return fmt.Sprintf("if its %s slices go on %s%% short of good on average", burnrate.FormatWindow(st.Slices.Window), formatRate(out.ErrorRatio*100))
	}
	return fmt.Sprintf("if %s%% of its %s slices go on bad", formatRate(out.ErrorRatio*100), burnrate.FormatWindow(st.Slices.Window))
}

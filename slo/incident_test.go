package slo_test

import (
	"testing"

	"github.com/journeyslo/journeyslo/internal/shopmonth"
)

func TestReplayMonth(t *testing.T) {
	f := shopmonth.New(t)
	want := map[string]string{
		"checkout/availability": "page",
		"checkout/latency":      "ok",
		"login/availability":    "ticket",
		"search/availability":   "ok",
		"search/latency":        "ok",
		"refund/availability":   "ok",
	}
	for _, st := range f.Reg.Status() {
		t.Logf("%s/%s: %v by %s, budget %.4f, SLI %.5f, events %d, TTE %v", st.Journey, st.Objective, st.State, st.Rule, st.BudgetRemaining, st.SLI, st.Good+st.Bad, st.TimeToExhaustion)
		if got := st.State.String(); got != want[st.Journey+"/"+st.Objective] {
			t.Errorf("%s/%s: state %s, want %s", st.Journey, st.Objective, got, want[st.Journey+"/"+st.Objective])
		}
	}
}

package slo_test

import (
	"encoding/json"
	"testing"

	"github.com/journeyslo/journeyslo/slo"
)

// FuzzEpisodeJSON checks that whatever JSON decodes into an Episode or a
// Review encodes without error to JSON that decodes and encodes again to
// the same bytes: encoding rounds figures to 12 digits once, and what it
// wrote reads back as written.
func FuzzEpisodeJSON(f *testing.F) {
	f.Add([]byte(`{"journey":"checkout","objective":"availability","start":"2026-03-12T12:01:00Z","rule":"page-1h-5m","severity":"page",` +
		`"paged":"2026-03-12T12:01:00+01:00","paging":"41m","peakBurn":200.4,"mitigated":null,"end":"2026-03-12T18:12:00Z",` +
		`"good":359820,"bad":12180,"budgetSpent":0.78621223857538}`))
	f.Add([]byte(`{"time":"2026-04-01T00:00:00Z","flaky":"10m","flakyBudget":0.02,"objectives":[{"journey":"checkout",` +
		`"from":"2026-03-02T00:00:00Z","to":"2026-04-01T00:00:00Z","pages":2,"paging":"1h30m","episodeBudget":0.30000000000000004,` +
		`"episodes":[{"start":"2026-03-12T12:01:00Z","severity":"ticket","paging":"0s"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(name string, v, back any) {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("%s: Marshal of a decoded value: %v", name, err)
			}
			if err := json.Unmarshal(b, back); err != nil {
				t.Fatalf("%s: Unmarshal(Marshal(v) = %s): %v", name, b, err)
			}
			b2, err := json.Marshal(back)
			if err != nil || string(b2) != string(b) {
				t.Fatalf("%s: written, read and written again:\n%s\nwant\n%s (%v)", name, b2, b, err)
			}
		}
		var e slo.Episode
		if json.Unmarshal(data, &e) == nil {
			check("episode", e, &slo.Episode{})
		}
		var rv slo.Review
		if json.Unmarshal(data, &rv) == nil {
			check("review", rv, &slo.Review{})
		}
	})
}

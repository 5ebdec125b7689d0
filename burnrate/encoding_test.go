package burnrate_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/burnrate"
)

// Every default policy, and rules with odd windows, read back equal from
// the JSON and YAML they write.
func TestEncodingRoundTrip(t *testing.T) {
	var policies []burnrate.Policy
	for _, target := range []float64{0.9, 0.99, 0.999, 0.99999} {
		for _, days := range []int{7, 28, 30} {
			policies = append(policies, burnrate.DefaultPolicy(target, time.Duration(days)*24*time.Hour))
		}
	}
	policies = append(policies,
		burnrate.Policy{Rules: []burnrate.Rule{{Long: 90*time.Minute + 1500*time.Millisecond, Short: 250 * time.Microsecond, Factor: 1e-7, Severity: burnrate.SeverityTicket}}},
		burnrate.Policy{MinEvents: 7},
	)
	for _, p := range policies {
		j, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON burnrate.Policy
		if err := json.Unmarshal(j, &fromJSON); err != nil {
			t.Fatalf("Unmarshal(%s): %v", j, err)
		}
		y, err := yaml.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var fromYAML burnrate.Policy
		dec := yaml.NewDecoder(strings.NewReader(string(y)))
		dec.KnownFields(true)
		if err := dec.Decode(&fromYAML); err != nil {
			t.Fatalf("Decode(%s): %v", y, err)
		}
		for name, got := range map[string]burnrate.Policy{"JSON": fromJSON, "YAML": fromYAML} {
			if diff := cmp.Diff(p, got); diff != "" {
				t.Errorf("%s round trip (-want +got):\n%s\n%s", name, diff, j)
			}
		}
	}
}

func TestEncodingShapes(t *testing.T) {
	p := burnrate.DefaultPolicy(0.999, 30*24*time.Hour)
	p.Rules = p.Rules[:2]
	j, _ := json.Marshal(p)
	want := `{"rules":[{"name":"page-1h-5m","severity":"page","long":"1h","short":"5m","factor":14.4},` +
		`{"name":"page-6h-30m","severity":"page","long":"6h","short":"30m","factor":6}],"minEvents":1000}`
	if string(j) != want {
		t.Errorf("JSON\n%s\nwant\n%s", j, want)
	}
	y, _ := yaml.Marshal(p)
	wantYAML := `rules:
    - name: page-1h-5m
      severity: page
      long: 1h
      short: 5m
      factor: 14.4
    - name: page-6h-30m
      severity: page
      long: 6h
      short: 30m
      factor: 6
minEvents: 1000
`
	if string(y) != wantYAML {
		t.Errorf("YAML\n%s\nwant\n%s", y, wantYAML)
	}
	b, _ := json.Marshal(burnrate.Burn{Window: 5 * time.Minute, Good: 5700, Bad: 300, Rate: 52.6})
	if want := `{"window":"5m","good":5700,"bad":300,"burnRate":52.6,"noData":false}`; string(b) != want {
		t.Errorf("Burn JSON %s, want %s", b, want)
	}
}

// Rules and policies are configuration: a misspelt field is an error.
func TestDecodingRefuses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"rules":[{"severity":"page","long":"1h","short":"5m","factor":14.4,"for":"2m"}]}`, `json: unknown field "for"`},
		{`{"rule":[]}`, `json: unknown field "rule"`},
		{`{"rules":[{"severity":"page","long":"60","short":"5m","factor":14.4}]}`, `long: burnrate: invalid window "60": 60 has no unit`},
		{`{"rules":[{"severity":"page","long":"1h","short":"-5m","factor":14.4}]}`, `short: burnrate: invalid window "-5m"`},
	} {
		var p burnrate.Policy
		if err := json.Unmarshal([]byte(tc.in), &p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Unmarshal(%s) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

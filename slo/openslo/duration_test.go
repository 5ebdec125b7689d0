package openslo

import (
	"strings"
	"testing"
	"time"
)

func TestParseShorthand(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"5m", 5 * time.Minute, ""},
		{"1h", time.Hour, ""},
		{"30d", 30 * day, ""},
		{"4w", 28 * day, ""},
		{"1M", 0, `"1M" counts months, which have no fixed length`},
		{"1Q", 0, `"1Q" counts quarters`},
		{"1Y", 0, `"1Y" counts years`},
		{"0m", 0, `"0m" is not an OpenSLO duration`},
		{"1h30m", 0, `"1h30m" is not an OpenSLO duration`},
		{"5s", 0, `"5s" is not an OpenSLO duration`},
		{"05m", 0, `"05m" is not an OpenSLO duration`},
		{"1H", 0, `"1H" is not an OpenSLO duration`},
		{"15251w", 0, `"15251w" is longer than any window journeyslo keeps`},
		{"99999999999999999999m", 0, `is longer than any window journeyslo keeps`},
	} {
		got, err := parseShorthand(tc.in)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("parseShorthand(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("parseShorthand(%q) = %v, %v; want an error containing %q", tc.in, got, err, tc.err)
		}
	}
}

func TestFormatShorthand(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{5 * time.Minute, "5m"},
		{90 * time.Minute, "90m"},
		{2 * time.Hour, "2h"},
		{30 * day, "30d"},
		{28 * day, "4w"},
		{400 * day, "400d"},
		{0, ""},
		{-time.Hour, ""},
		{90 * time.Second, ""},
	} {
		got, ok := formatShorthand(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("formatShorthand(%v) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
		if ok {
			if back, err := parseShorthand(got); err != nil || back != tc.in {
				t.Errorf("parseShorthand(formatShorthand(%v)) = %v, %v", tc.in, back, err)
			}
		}
	}
}

// TestPercent shows that targetPercent reads as the target a person
// means, where a division by 100 would be one unit of rounding off.
func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		text string
		want float64
	}{
		{"99.9", 0.999},
		{"99.95", 0.9995},
		{"99.999", 0.99999},
		{"99", 0.99},
		{"9.99e1", 0.999},
		{"999E-1", 0.999},
		{"99.5", 0.995},
		{"1_0", 0.1},
	} {
		if got := percent(tc.text); got != tc.want {
			t.Errorf("percent(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	if p := 99.9; p/100 == 0.999 {
		t.Errorf("99.9/100 is 0.999 after all: the exact reading is not needed")
	}
}

package slo

import (
	"encoding/json"
	"math"
	"testing"
)

func TestJSONGuards(t *testing.T) {
	inf := number(math.Inf(1))
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"a number", number(0.25), `0.25`},
		{"a negative number", number(-9), `-9`},
		{"NaN", number(math.NaN()), `null`},
		{"+Inf", number(math.Inf(1)), `null`},
		{"-Inf", number(math.Inf(-1)), `null`},
		{"a pointer to Inf", &inf, `null`},
		{"an object keeps its order", object{{"5m", number(2)}, {"1h", number(math.NaN())}, {"1d", "x"}}, `{"5m":2,"1h":null,"1d":"x"}`},
		{"an empty object", object{}, `{}`},
		{"keys are escaped", object{{`a"<b`, 1}}, `{"a\"\u003cb":1}`},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("%s: Marshal = %s, %v; want %s", tc.name, b, err, tc.want)
		}
	}
	if _, err := json.Marshal(object{{"f", func() {}}}); err == nil {
		t.Error("an object holding a func encoded without error")
	}
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{formatRate(0), "0"},
		{formatRate(0.004), "0"},
		{formatRate(0.42), "0.42"},
		{formatRate(2.9999999999999996), "3"},
		{formatRate(6.5), "6.5"},
		{formatRate(14.4), "14.4"},
		{formatRate(26.666666666666668), "26.7"},
		{formatRate(250.4), "250"},
		{formatRate(1000), "1000"},
		{formatRate(-0.001), "0"},
		{formatRate(math.NaN()), "—"},
		{formatRate(math.Inf(1)), "—"},
		{percent(math.NaN(), 1), "—"},
		{formatFactor(14.4), "14.4"},
		{formatFactor(13.44), "13.44"},
		{formatFactor(0.9333333333333333), "0.9333"},
		{formatFactor(6), "6"},
		{formatFactor(100000), "100000"},
		{percent(0.481, 1), "48.1%"},
		{percent(-0.2134, 1), "-21.3%"},
		{percent(-0.00001, 1), "0.0%"},
		{percent(1, 0), "100%"},
		{percent(0.99953, 3), "99.953%"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

package burnrate

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseWindow(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want time.Duration
	}{
		{"30d", 30 * day}, {"4w", 28 * day}, {"28d", 28 * day}, {"5m", 5 * time.Minute},
		{"1h30m", 90 * time.Minute}, {"1d12h", 36 * time.Hour}, {"1w2d", 9 * day},
		{"300ms", 300 * time.Millisecond}, {"1.5s", 1500 * time.Millisecond}, {"1.5h", 90 * time.Minute},
		{"250us", 250 * time.Microsecond}, {"250µs", 250 * time.Microsecond}, {"7ns", 7},
		{"1m40s", 100 * time.Second}, {"106751d23h47m16s854775807ns", math.MaxInt64},
	} {
		got, err := ParseWindow(tc.s)
		if err != nil || got != tc.want {
			t.Errorf("ParseWindow(%q) = %v, %v; want %v", tc.s, got, err, tc.want)
		}
	}
}

func TestParseWindowRefuses(t *testing.T) {
	for _, tc := range []struct{ s, want string }{
		{"", `burnrate: invalid window "": empty; write a number and a unit, such as 30d, 1h or 5m`},
		{"1M", `burnrate: invalid window "1M": M is a calendar month, which has no fixed length; journeyslo windows are rolling: write 30d or 4w`},
		{"1Q", `burnrate: invalid window "1Q": Q is a calendar quarter or year, which has no fixed length; journeyslo windows are rolling: write days, such as 90d`},
		{"30", `burnrate: invalid window "30": 30 has no unit; write it with one of w, d, h, m, s, ms, us, ns, such as 30m`},
		{"1H", `burnrate: invalid window "1H": units are lowercase: write 1h`},
		{"5 m", `burnrate: invalid window "5 m": " m" is not a unit; use w, d, h, m, s, ms, us or ns`},
		{"5min", `burnrate: invalid window "5min": "min" is not a unit; use w, d, h, m, s, ms, us or ns`},
		{"1.5d", `burnrate: invalid window "1.5d": 1.5d: weeks and days take whole numbers; write hours for the fraction, such as 1d12h`},
		{"-5m", `burnrate: invalid window "-5m": a window is positive and unsigned; write it as 30d, 1h or 5m`},
		{"0s", `burnrate: invalid window "0s": a window is positive; leave the field out instead of writing zero`},
		{"h", `burnrate: invalid window "h": "h" does not start with a number; write a number and a unit, such as 30d, 1h or 5m`},
		{"1.2.3s", `burnrate: invalid window "1.2.3s": "1.2.3" is not a number`},
		{"106752d", `burnrate: invalid window "106752d": 106752d is too long; the longest window is 106751d23h47m16s`},
		{"106751d24h", `burnrate: invalid window "106751d24h": the window is too long; the longest is 106751d23h47m16s`},
	} {
		d, err := ParseWindow(tc.s)
		if err == nil || err.Error() != tc.want || !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseWindow(%q) = %v, %v;\nwant error %s (wrapping ErrInvalid)", tc.s, d, err, tc.want)
		}
	}
}

// FuzzParseWindow checks that ParseWindow never panics, that what it
// accepts is positive and formats back to a text that parses to the same
// window, and that every positive duration survives FormatWindow.
func FuzzParseWindow(f *testing.F) {
	for _, s := range []string{"30d", "4w", "1h30m", "300ms", "1.5s", "1M", "-1h", "9223372036854775807ns"} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(time.Hour+1))
	f.Fuzz(func(t *testing.T, s string, n int64) {
		if d, err := ParseWindow(s); err == nil {
			if d <= 0 {
				t.Fatalf("ParseWindow(%q) = %v, not positive", s, d)
			}
			if back, err := ParseWindow(FormatWindow(d)); err != nil || back != d {
				t.Fatalf("ParseWindow(FormatWindow(%v) = %q) = %v, %v", d, FormatWindow(d), back, err)
			}
		} else if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), "burnrate: invalid window ") {
			t.Fatalf("ParseWindow(%q): %v, not an invalid-window error", s, err)
		}
		if d := time.Duration(n); d > 0 {
			if back, err := ParseWindow(FormatWindow(d)); err != nil || back != d {
				t.Fatalf("ParseWindow(FormatWindow(%d) = %q) = %v, %v", n, FormatWindow(d), back, err)
			}
		}
	})
}

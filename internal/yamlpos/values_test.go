package yamlpos

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// Every value reader gives its value, or one problem at the value's place
// saying what to write.
func TestValues(t *testing.T) {
	src := "n: 16.7\nbadn: 0x10\ns: 0.05%\nbads: abc%\nf: 5\nt: 99.9%\nt1: 99.9\nt0: 0%\nw: 2h\nw0: 0\nwneg: -5m\nwbare: 30\n"
	var got []string
	problems, _ := walk(t, src, func(w *Walker, root *yaml.Node) {
		w.Fields(root, "", "values", []string{"n", "badn", "s", "bads", "f", "t", "t1", "t0", "w", "w0", "wneg", "wbare"}, func(key string, v *yaml.Node, path string) {
			switch key {
			case "n", "badn":
				f, ok := w.Number(v, path, "a rate such as 16.7")
				got = append(got, fmt.Sprint(key, " ", f, " ", ok))
			case "s", "bads":
				f, pct, ok := w.Share(v, path, "0.2", "20%")
				got = append(got, fmt.Sprint(key, " ", f, " ", pct, " ", ok))
			case "f":
				f, ok := w.Fraction(v, path, "0.2", "20%")
				got = append(got, fmt.Sprint(key, " ", f, " ", ok))
			case "t", "t1", "t0":
				f, ok := w.Target(v, path)
				got = append(got, fmt.Sprint(key, " ", f, " ", ok))
			default:
				d, ok := w.Window(v, path, "the time to recover", "2h", key == "w0")
				got = append(got, fmt.Sprint(key, " ", d, " ", ok))
			}
		})
	})
	want := []string{"n 16.7 true", "badn 0 false", "s 0.0005 true true", "bads 0 false false", "f 0 false",
		"t 0.999 true", "t1 0 false", "t0 0 false", "w 2h0m0s true", "w0 0s true", "wneg 0s false", "wbare 0s false"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	wantProblems := []string{
		`2:7 badn: badn: "0x10" is not a number; write a rate such as 16.7`,
		`4:7 bads: bads: "abc%" is not a number; write a share such as 0.2, or a percent such as 20%`,
		`5:4 f: f: "5" is outside 0 to 1 (for 5 percent, write 5%); write a share such as 0.2, or a percent such as 20%`,
		`7:5 t1: t1: burnrate: invalid target: 99.9 is not below 1; write 0.999 for 99.9%`,
		`8:5 t0: t0: "0%" is not above 0%; use a percent such as 99.9%`,
		`11:7 wneg: wneg: "-5m" is negative; write the time to recover as a positive duration, such as 2h`,
		`12:8 wbare: wbare: "30" has no unit; write the time to recover with one, such as 2h (m minutes, h hours, d days)`,
	}
	if diff := cmp.Diff(wantProblems, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

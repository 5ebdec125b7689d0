package burnrate_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/journeyslo/journeyslo/burnrate"
)

func ExampleParseWindow() {
	for _, s := range []string{"30d", "4w", "1h30m", "300ms", "1M"} {
		d, err := burnrate.ParseWindow(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s is %v, written %s\n", s, d, burnrate.FormatWindow(d))
	}
	// Output:
	// 30d is 720h0m0s, written 30d
	// 4w is 672h0m0s, written 28d
	// 1h30m is 1h30m0s, written 1h30m
	// 300ms is 300ms, written 300ms
	// burnrate: invalid window "1M": M is a calendar month, which has no fixed length; journeyslo windows are rolling: write 30d or 4w
}

// Rules read and write their windows as strings.
func ExampleRule_MarshalJSON() {
	var r burnrate.Rule
	if err := json.Unmarshal([]byte(`{"severity": "page", "long": "1h", "short": "5m", "factor": 14.4}`), &r); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Long == time.Hour, r.Short == 5*time.Minute, r)
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
	// Output:
	// true true page-1h-5m
	// {"severity":"page","long":"1h","short":"5m","factor":14.4}
}

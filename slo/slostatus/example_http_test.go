package slostatus_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// checkoutFailing returns a registry whose checkout journey just failed 1%
// of 10000 requests at 99.9%: a burn rate of 10, which pages by
// page-6h-30m, and nine budgets overspent, since these are all the events
// of the period. It ran three quiet days first, so that its data covers
// enough of the period for a budget claim (see slo.BudgetYoungData). The
// mock clock and manual advance make the output reproducible; a service
// uses neither.
func checkoutFailing() *slo.Registry {
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 2, 27, 9, 0, 0, 0, time.UTC))
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
		slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	mock.Add(72 * time.Hour)
	reg.Advance(mock.Now())
	checkout, _ := reg.Journey("checkout") // declared above
	checkout.Add(9900, 100)
	mock.Add(time.Second)
	reg.Advance(mock.Now())
	return reg
}

func get(srv *httptest.Server, path string) (*http.Response, string) {
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		panic(err)
	}
	return resp, string(b)
}

// Mount the health endpoint next to the service's own handlers. A paging
// objective and a spent budget warn, with 200: they are no reason to take
// the replica out.
func ExampleHealth() {
	reg := checkoutFailing()
	defer reg.Close()

	mux := http.NewServeMux()
	mux.Handle("/healthz/slo", slostatus.Health(reg))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, body := get(srv, "/healthz/slo")
	fmt.Println(resp.Status, resp.Header.Get("Content-Type"))
	// Each objective's check holds the draft's fields, then its Status in
	// the shape every output shares (see Status.MarshalJSON).
	var doc struct {
		Status string
		Checks map[string][]struct {
			Status           string  `json:"status"`
			ObservedValue    float64 `json:"observedValue"`
			ObservedUnit     string  `json:"observedUnit"`
			Output           string  `json:"output"`
			State            string  `json:"state"`
			Rule             string  `json:"rule"`
			TimeToExhaustion *string `json:"timeToExhaustion"`
			Windows          []struct {
				Window   string  `json:"window"`
				BurnRate float64 `json:"burnRate"`
			} `json:"windows"`
		}
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		panic(err)
	}
	fmt.Println("status:", doc.Status)
	for _, key := range []string{"checkout:availability", "lag"} {
		c := doc.Checks[key][0]
		fmt.Printf("%s: %s, observed %v %s\n", key, c.Status, c.ObservedValue, c.ObservedUnit)
		if c.Output != "" {
			fmt.Println("  output:", c.Output)
		}
		if c.State != "" {
			fmt.Printf("  state %s by %s, exhausted in %s\n", c.State, c.Rule, *c.TimeToExhaustion)
			for _, w := range c.Windows {
				fmt.Printf("  burn rate over %s: %v\n", w.Window, w.BurnRate)
			}
		}
	}
	// Output:
	// 200 OK application/health+json
	// status: warn
	// checkout:availability: warn, observed -9 ratio
	//   output: page: page-6h-30m fires, burning 10x over 6h and 10x over 30m, at or above 6x; error budget overspent by 900.0%
	//   state page by page-6h-30m, exhausted in 0s
	//   burn rate over 5m: 10
	//   burn rate over 30m: 10
	//   burn rate over 1h: 10
	//   burn rate over 2h: 10
	//   burn rate over 6h: 10
	//   burn rate over 1d: 10
	//   burn rate over 3d: 10
	// lag: pass, observed 0 s
}

// Mount the status page where people look; ?format=json serves the same
// data to scripts.
func ExampleStatusPage() {
	reg := checkoutFailing()
	defer reg.Close()

	mux := http.NewServeMux()
	mux.Handle("/slo", slostatus.StatusPage(reg, slostatus.WithTitle("Shop"), slostatus.WithRefresh(time.Minute)))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, _ := get(srv, "/slo")
	fmt.Println(resp.Header.Get("Content-Type"))

	resp, body := get(srv, "/slo?format=json")
	var page struct {
		Title      string
		Objectives []struct {
			Journey, Objective, State, Rule string
			SLI, BudgetRemaining            float64
			Windows                         []struct {
				Window   string
				BurnRate float64
			}
			BurnDown []struct {
				End       string
				Remaining float64
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		panic(err)
	}
	o := page.Objectives[0]
	fmt.Println(resp.Header.Get("Content-Type"), page.Title)
	fmt.Printf("%s: %s by %s, SLI %v, budget %v, %d windows, %d burn-down points\n",
		slo.ObjectiveKey(o.Journey, o.Objective), o.State, o.Rule, o.SLI, o.BudgetRemaining, len(o.Windows), len(o.BurnDown))
	// Output:
	// text/html; charset=utf-8
	// application/json Shop
	// checkout:availability: page by page-6h-30m, SLI 0.99, budget -9, 7 windows, 121 burn-down points
}

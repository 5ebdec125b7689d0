package slohttp_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/internal/testenv"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slohttp"
)

// TestSoak drives a real server on loopback, wrapped in the middleware, with
// many concurrent clients while another goroutine rotates the registry's
// windows as fast as it can, and checks that the library counted exactly
// the responses the clients received, split by status. It logs the request
// rate it held and the heap before and after.
//
// JOURNEYSLO_SOAK_REQUESTS sets the number of requests (default 20,000, or
// 5,000 under the race detector), JOURNEYSLO_SOAK_CLIENTS the number of
// clients (default 32).
func TestSoak(t *testing.T) {
	total := envInt(t, "JOURNEYSLO_SOAK_REQUESTS", 20000)
	if testenv.RaceEnabled && os.Getenv("JOURNEYSLO_SOAK_REQUESTS") == "" {
		total = 5000
	}
	clients := envInt(t, "JOURNEYSLO_SOAK_CLIENTS", 32)

	mock := clock.NewMock()
	reg, err := slo.New([]slo.Objective{
		{Journey: "checkout", Target: 0.999},
		{Journey: "checkout", Target: 0.99, Latency: 300 * time.Millisecond},
		{Journey: "search", Target: 0.995},
	}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	slomw, err := slohttp.New(reg, slohttp.WithPatterns(map[string]string{
		"GET /checkout/{id}": "checkout",
		"GET /search":        "search",
	}))
	if err != nil {
		t.Fatal(err)
	}
	// Every handler answers the status the client asks for.
	answer := func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.URL.Query().Get("status"))
		w.WriteHeader(code)
		io.WriteString(w, "ok")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /checkout/{id}", answer)
	mux.HandleFunc("GET /search", answer)
	mux.HandleFunc("GET /other/", answer)
	srv := httptest.NewServer(slomw(mux))
	defer srv.Close()

	// Rotate the windows continuously: every rotation races with recording.
	var rotations atomic.Int64
	stop := make(chan struct{})
	rotated := make(chan struct{})
	go func() {
		defer close(rotated)
		now := mock.Now()
		for {
			select {
			case <-stop:
				return
			default:
			}
			now = now.Add(3 * time.Second)
			reg.Advance(now)
			rotations.Add(1)
			time.Sleep(100 * time.Microsecond)
		}
	}()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	// Random ids make every checkout and other path a new one: request data
	// that must not create series.
	paths := []func(id int) string{
		func(id int) string { return fmt.Sprintf("/checkout/%d", id) },
		func(int) string { return "/search" },
		func(id int) string { return fmt.Sprintf("/other/%d", id) },
	}
	statuses := []int{200, 200, 200, 201, 204, 404, 429, 500, 503}
	// got[path kind][status class]: what the clients received.
	type tally struct{ good, bad [3]uint64 }
	results := make([]tally, clients)
	errs := make(chan error, clients)
	transport := &http.Transport{MaxIdleConnsPerHost: clients}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	var wg sync.WaitGroup
	began := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 42))
			for i := c; i < total; i += clients {
				kind := rng.IntN(len(paths))
				want := statuses[rng.IntN(len(statuses))]
				url := fmt.Sprintf("%s%s?status=%d", srv.URL, paths[kind](rng.IntN(1000000)), want)
				resp, err := client.Get(url)
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					errs <- fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
					return
				}
				if resp.StatusCode >= 500 {
					results[c].bad[kind]++
				} else {
					results[c].good[kind]++
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(began)
	close(stop)
	<-rotated
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	reg.Advance(mock.Now().Add(time.Duration(rotations.Load()+1) * 3 * time.Second))
	transport.CloseIdleConnections()
	srv.Close()
	runtime.GC()
	runtime.ReadMemStats(&after)

	var sent tally
	for _, r := range results {
		for k := range sent.good {
			sent.good[k] += r.good[k]
			sent.bad[k] += r.bad[k]
		}
	}
	counted := map[string][2]uint64{}
	for _, st := range reg.Status() {
		counted[st.Journey+"/"+st.Objective] = [2]uint64{st.TotalGood, st.TotalBad}
	}
	g, b := reg.Unmatched()
	counted[slo.Unmatched] = [2]uint64{g, b}
	want := map[string][2]uint64{
		"checkout/availability": {sent.good[0], sent.bad[0]},
		"checkout/latency":      {sent.good[0], sent.bad[0]},
		"search/availability":   {sent.good[1], sent.bad[1]},
		slo.Unmatched:           {sent.good[2], sent.bad[2]},
	}
	var lost int64
	for k, w := range want {
		c := counted[k]
		if c != w {
			t.Errorf("%s: counted (%d good, %d bad), clients received (%d, %d)", k, c[0], c[1], w[0], w[1])
		}
		if k != "checkout/latency" {
			lost += int64(w[0]+w[1]) - int64(c[0]+c[1])
		}
	}
	if rotations.Load() < 100 {
		t.Errorf("only %d rotations raced with the traffic, want at least 100", rotations.Load())
	}
	grew := int64(after.HeapInuse) - int64(before.HeapInuse)
	if grew > 4<<20 {
		t.Errorf("heap in use grew %d bytes over the soak, want under 4 MiB", grew)
	}
	t.Logf("soak: %d requests from %d clients in %v: %.0f requests/s; %d rotations during the traffic; events lost %d; heap in use %.1f MiB before, %.1f MiB after",
		total, clients, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), rotations.Load(), lost,
		float64(before.HeapInuse)/(1<<20), float64(after.HeapInuse)/(1<<20))
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q is not a positive number", name, v)
	}
	return n
}

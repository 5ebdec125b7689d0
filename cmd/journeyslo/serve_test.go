//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/internal/testenv"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloprom"
	"github.com/journeyslo/journeyslo/slo/slorules"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// The fleet served from Prometheus is the registry, for the same traffic.
//
// Two services of twenty journeys each, one objective a journey over a
// day, are fed a day and an hour of traffic into a registry advanced by
// hand; its counters are scraped every 15 s into samples backfilled into
// Debian's Prometheus, with every recording rule evaluated every 5
// minutes as the rule manager would (promtest.EvaluateRules) and the
// alerts' ALERTS series written each minute while they fire. The built
// command serves the two config files from that Prometheus, its clock
// set back (-from) to just after the last evaluation: every figure it
// reads is of the samples at that evaluation, the registry's last.
var serveStart = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

const (
	serveScrape  = 15 * time.Second
	serveStep    = 5 * time.Minute
	serveEnd     = 25 * time.Hour
	servePerSide = 20 // journeys per service
)

// serveConfig writes one service's config file of n journeys, named
// prefix-01 and on, with targets 99%, 99.5% and 99.9% in turn.
func serveConfig(t *testing.T, dir, service, prefix string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "service: %s\njourneys:\n", service)
	targets := []string{"99%", "99.5%", "99.9%"}
	for i := range n {
		fmt.Fprintf(&b, "  - name: %s-%02d\n    objectives:\n      - target: %s\n        period: 1d\n        runbook: https://runbooks.example.com/%s/%02d\n",
			prefix, i+1, targets[i%3], service, i+1)
	}
	return writeFile(t, dir, service+".yaml", b.String())
}

// serveTraffic is the events a second of objective i and their error
// ratio at d after the start, against its error budget: a steady share of
// the budget that differs between objectives, one in ten too quiet for a
// budget claim, one in five down for three minutes just before the end
// (paging), one in five burning twenty times its budget over the last
// two hours, and one in five burning 0.15 times its budget all day (the
// day's ticket rule fires at 0.1, its pages at 0.2 and 0.48).
func serveTraffic(i int, budget float64, d time.Duration) (perSecond, errRatio float64) {
	wave := 1 + 0.5*math.Sin(2*math.Pi*d.Hours()/24)
	perSecond = 2 * wave
	if i%10 == 9 {
		perSecond = 0.005 * wave
	}
	errRatio = budget * []float64{0.02, 0.05, 0.08, 1.3}[i%4]
	switch {
	case i%5 == 2:
		errRatio = 0.15 * budget // over the day's ticket factor of 0.1, under the pages'

	case i%5 == 0 && d >= serveEnd-6*time.Minute && d < serveEnd-3*time.Minute:
		errRatio = 1
	case i%5 == 1 && d >= serveEnd-2*time.Hour:
		errRatio = min(1, 20*budget)
	}
	return perSecond, errRatio
}

// countersOnly gathers the event counters alone, all the rules read.
type countersOnly struct{ g prometheus.Gatherer }

func (e countersOnly) Gather() ([]*dto.MetricFamily, error) {
	mfs, err := e.g.Gather()
	return slices.DeleteFunc(mfs, func(mf *dto.MetricFamily) bool { return mf.GetName() != slorules.Counter }), err
}

// servedFleet is the scenario: the registry at its end and Prometheus.
type servedFleet struct {
	reg    *slo.Registry
	prom   *promtest.Server
	files  []string
	end    time.Time
	status []slo.Status
}

func runServedFleet(t *testing.T) *servedFleet {
	t.Helper()
	dir := t.TempDir()
	files := []string{serveConfig(t, dir, "shop", "shop", servePerSide), serveConfig(t, dir, "payments", "pay", servePerSide)}
	srcs, errs := loadSources(files)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var objs []slo.Objective
	for _, s := range srcs {
		objs = append(objs, s.objectives...)
	}
	if len(objs) != 2*servePerSide {
		t.Fatalf("%d objectives, want %d", len(objs), 2*servePerSide)
	}
	mock := clock.NewMock()
	mock.Set(serveStart)
	reg, err := slo.New(objs, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	preg := prometheus.NewRegistry()
	preg.MustRegister(sloprom.NewCollector(reg))
	tick := reg.Tick()
	if serveScrape%tick != 0 {
		t.Fatalf("tick %v does not divide the scrape interval %v", tick, serveScrape)
	}
	journeys := make([]*slo.Journey, len(objs))
	budgets := make([]float64, len(objs))
	for i, o := range objs {
		journeys[i] = fixture.Journey(reg, o.Journey)
		budgets[i] = burnrate.ErrorBudget(o.Target)
	}
	var samples promtest.Samples
	owed := make([][2]float64, len(objs))
	for k := 1; k <= int(serveEnd/tick); k++ {
		elapsed := time.Duration(k) * tick
		for i, j := range journeys {
			rate, errs := serveTraffic(i, budgets[i], elapsed-tick/2)
			n := rate * tick.Seconds()
			owed[i][0] += n * (1 - errs)
			owed[i][1] += n * errs
			good, bad := math.Floor(owed[i][0]), math.Floor(owed[i][1])
			owed[i][0] -= good
			owed[i][1] -= bad
			j.Add(uint64(good), uint64(bad))
		}
		now := serveStart.Add(elapsed)
		if err := reg.Advance(now); err != nil {
			t.Fatal(err)
		}
		if elapsed%serveScrape == 0 {
			if err := samples.Gather(countersOnly{preg}, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	file, err := slorules.Generate(objs)
	if err != nil {
		t.Fatal(err)
	}
	var rules []promtest.Rule
	for _, g := range file.Groups {
		rules = append(rules, g.Rules...)
	}
	end := serveStart.Add(serveEnd)
	ev := promtest.EvaluateRules(t, &samples, rules, serveStart.Add(serveStep), end, serveStep)
	// The ALERTS series the rule manager writes while an alert fires, at
	// every minute of an evaluation interval of five during which it
	// fired.
	for _, a := range ev.Alerts {
		labels := map[string]string{"alertstate": "firing"}
		for k, v := range a.Labels {
			labels[string(k)] = string(v)
		}
		for _, at := range a.Firing {
			for m := range 5 {
				if t := at.Add(time.Duration(m) * time.Minute); !t.After(end) {
					ev.Samples.Add("gauge", "ALERTS", labels, t, 1)
				}
			}
		}
	}
	prom := promtest.Start(t, promtest.Backfill(t, ev.Samples.Bytes()), promtest.Config{Flags: []string{"--query.lookback-delta=5m"}})
	return &servedFleet{reg: reg, prom: prom, files: files, end: end, status: reg.Status()}
}

// server is a run of the built command's serve verb.
type server struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	exited chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var servingLine = regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)/slo\n`)

// startServe runs the binary with the serve verb and args, on a free
// loopback port, and waits until it says where it serves.
func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	builtCommand(t) // builds it once
	cmd := exec.Command(built, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...)...)
	s := &server{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan error, 1)}
	pr, pw := io.Pipe()
	cmd.Stderr = io.MultiWriter(s.stderr, pw)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { err := cmd.Wait(); pw.Close(); s.exited <- err }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sent := false
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text() + "\n"); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			t.Fatalf("journeyslo serve exited before serving:\n%s", s.stderr)
		}
		s.url = u
	case <-time.After(time.Minute):
		t.Fatalf("journeyslo serve did not say where it serves within a minute:\n%s", s.stderr)
	}
	return s
}

// stop sends SIGTERM and checks that the command exits 0, saying so.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.exited:
		if err != nil {
			t.Errorf("journeyslo serve after SIGTERM: %v, want exit status 0\n%s", err, s.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("journeyslo serve still runs 30 s after SIGTERM\n%s", s.stderr)
	}
	if !strings.HasSuffix(s.stderr.String(), "journeyslo serve: stopped\n") {
		t.Errorf("stderr after SIGTERM:\n%s\nwant it to end saying it stopped", s.stderr)
	}
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// counting is a proxy in front of Prometheus that counts the queries,
// and hangs each one until its client leaves while hang is set.
type counting struct {
	*httptest.Server
	queries atomic.Int32
	hang    atomic.Bool
}

func newCounting(t *testing.T, target string) *counting {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	c := &counting{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.queries.Add(1)
		if c.hang.Load() {
			// The server notices the client leaving only once the body
			// is read.
			io.Copy(io.Discard, r.Body)
			<-r.Context().Done()
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(c.Close)
	return c
}

// card is what a status page's card shows: its objective, state and
// budget.
type card struct {
	objective, state, budget string
}

var (
	cardHead   = regexp.MustCompile(`^(ok|ticket|page)( spent)?" aria-labelledby="[^"]+">\s*<header>\s*<div>\s*<h3 id="[^"]+">([^ <]+) <span class="objective">([^<]+)</span></h3>`)
	cardBudget = regexp.MustCompile(`<dt>Budget(?: left)?</dt><dd><span class="value">([^<]+)</span>`)
)

// cards reads the cards of a rendered page, in its order.
func cards(t *testing.T, dom string) []card {
	t.Helper()
	parts := strings.Split(dom, `<article class="card `)
	var out []card
	for _, p := range parts[1:] {
		h, b := cardHead.FindStringSubmatch(p), cardBudget.FindStringSubmatch(p)
		if h == nil || b == nil {
			t.Fatalf("a card without its heading or budget:\n%.600s", p)
		}
		out = append(out, card{h[3] + ":" + h[4], h[1] + h[2], b[1]})
	}
	return out
}

func TestServeFleet(t *testing.T) {
	builtCommand(t)
	promtest.Promtool(t)
	chromium := testenv.Chromium(t)
	f := runServedFleet(t)
	states := map[burnrate.Severity]int{}
	for _, st := range f.status {
		states[st.State]++
	}
	if states[burnrate.SeverityPage] == 0 || states[burnrate.SeverityTicket] == 0 || states[burnrate.SeverityOK] == 0 {
		t.Fatalf("the registry's states %v; the scenario wants some of each", states)
	}
	prom := newCounting(t, f.prom.URL)
	srv := startServe(t, append([]string{"-prometheus", prom.URL, "-poll", "1h", "-from", f.end.Add(time.Second).Format(time.RFC3339)}, f.files...)...)

	// Twenty viewers at once cost one reading: four queries (the
	// instant's, the burn-down's of the one period, the recent burn's,
	// the alerts'), whatever the number of objectives.
	var wg sync.WaitGroup
	pages := make([]string, 20)
	for i := range pages {
		wg.Go(func() {
			format := ""
			if i%2 == 1 {
				format = "?format=json"
			}
			code, body := get(t, srv.url+"/slo"+format)
			if code != http.StatusOK {
				t.Errorf("GET /slo%s: %d\n%s", format, code, body)
			}
			pages[i] = body
		})
	}
	wg.Wait()
	if got := prom.queries.Load(); got != 4 {
		t.Errorf("twenty concurrent views made %d queries, want 4", got)
	}

	// The JSON's objectives are the registry's Status, figure for figure,
	// less what a fleet cannot know (when the state began, one process's
	// totals), at the instant of the reading.
	var report struct {
		Time       string            `json:"time"`
		Stalled    bool              `json:"stalled"`
		Objectives []json.RawMessage `json:"objectives"`
		Review     slo.Review        `json:"review"`
		Error      string            `json:"error"`
	}
	if err := json.Unmarshal([]byte(pages[1]), &report); err != nil {
		t.Fatal(err)
	}
	if report.Stalled || report.Error != "" || len(report.Objectives) != len(f.status) {
		t.Fatalf("the JSON: stalled %v, error %q, %d objectives; want %d objectives and no error", report.Stalled, report.Error, len(report.Objectives), len(f.status))
	}
	want := map[string]slo.Status{}
	for _, st := range f.status {
		want[slo.ObjectiveKey(st.Journey, st.Objective)] = st
	}
	for _, raw := range report.Objectives {
		var got slo.Status
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		var hist struct {
			BurnDown []struct {
				Remaining float64 `json:"remaining"`
			} `json:"burnDown"`
			Episodes []slo.Episode `json:"episodes"`
		}
		if err := json.Unmarshal(raw, &hist); err != nil {
			t.Fatal(err)
		}
		key := slo.ObjectiveKey(got.Journey, got.Objective)
		w := want[key]
		if got.Time.Before(f.end) || got.Time.After(f.end.Add(5*time.Minute)) {
			t.Errorf("%s: read at %v, want just after %v", key, got.Time, f.end)
		}
		w.Time, w.Since, w.TotalGood, w.TotalBad = got.Time, time.Time{}, 0, 0
		// The registry's Status as the JSON writes it: figures to 12
		// significant digits.
		b, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		w = slo.Status{}
		if err := json.Unmarshal(b, &w); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%s: the fleet's Status differs from the registry's (-registry +fleet):\n%s", key, diff)
		}
		if n := len(hist.BurnDown); n != 288 || hist.BurnDown[n-1].Remaining != got.BudgetRemaining {
			t.Errorf("%s: a burn-down of %d points, want 288 (5-minute buckets of a day) ending at the budget left", key, n)
		}
		// Every objective that pages has an open episode of that severity,
		// read from ALERTS.
		if w.State != burnrate.SeverityOK {
			if n := len(hist.Episodes); n == 0 || !hist.Episodes[n-1].Open() || hist.Episodes[n-1].Severity != w.State {
				t.Errorf("%s (%v): episodes %+v, want the last one open at that severity", key, w.State, hist.Episodes)
			}
		}
	}

	// What a person sees: the same cards, in the same order, with the
	// same states and budgets, as the registry's own page.
	replica := httptest.NewServer(slostatus.StatusPage(f.reg))
	defer replica.Close()
	wantCards := cards(t, testenv.RunChromium(t, chromium, "--dump-dom", replica.URL))
	dom := testenv.RunChromium(t, chromium, "--dump-dom", srv.url+"/slo")
	if diff := cmp.Diff(wantCards, cards(t, dom), cmp.AllowUnexported(card{})); diff != "" {
		t.Errorf("the fleet's page differs from the registry's (-registry +fleet):\n%s", diff)
	}
	for _, w := range []string{"Paging by page-", "<h2 id=\"review-h\">Review of the period</h2>"} {
		if !strings.Contains(dom, w) {
			t.Errorf("the fleet's page lacks %q", w)
		}
	}
	for _, width := range []int{400, 1600} {
		shot := filepath.Join(t.TempDir(), fmt.Sprintf("fleet-%d.png", width))
		testenv.RunChromium(t, chromium, "--screenshot="+shot, fmt.Sprintf("--window-size=%d,1000", width), srv.url+"/slo")
		b, err := os.ReadFile(shot)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if got := img.Bounds().Dx(); got != width {
			t.Errorf("the screenshot at %d px is %d px wide", width, got)
		}
	}

	// The health check warns (objectives page) and the gate is shut; the
	// gate shares the health check's reading.
	before := prom.queries.Load()
	if code, body := get(t, srv.url+"/healthz/slo"); code != http.StatusOK || !strings.Contains(body, `"status": "warn"`) {
		t.Errorf("GET /healthz/slo: %d\n%.400s\nwant 200 and warn", code, body)
	}
	if code, body := get(t, srv.url+"/slo/release-gate"); code != http.StatusServiceUnavailable || !strings.Contains(body, "release freeze") {
		t.Errorf("GET /slo/release-gate: %d\n%.400s\nwant 503 and a release freeze", code, body)
	}
	if got := prom.queries.Load() - before; got != 1 {
		t.Errorf("the health check and the gate made %d queries, want 1", got)
	}
	srv.stop(t)

	// When Prometheus hangs, the page says so after the timeout, with no
	// figure, and the health check fails.
	prom.hang.Store(true)
	srv = startServe(t, append([]string{"-prometheus", prom.URL, "-poll", "0s", "-timeout", "1s", "-from", f.end.Add(time.Second).Format(time.RFC3339)}, f.files...)...)
	code, body := get(t, srv.url+"/slo")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "The fleet cannot be read, so no figure is shown") ||
		!strings.Contains(body, "did not answer within 1s") || strings.Contains(body, `<article class="card`) {
		t.Errorf("GET /slo while Prometheus hangs: %d\n%s\nwant 503, saying so, and no card", code, body)
	}
	code, body = get(t, srv.url+"/slo?format=json")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"stalled": true`) || !strings.Contains(body, `"objectives": []`) || !strings.Contains(body, `"error": "slofleet: Prometheus did not answer`) {
		t.Errorf("GET /slo?format=json while Prometheus hangs: %d\n%s\nwant 503, stalled, no objective and the error", code, body)
	}
	if code, body := get(t, srv.url+"/healthz/slo"); code != http.StatusServiceUnavailable || !strings.Contains(body, `"status": "fail"`) {
		t.Errorf("GET /healthz/slo while Prometheus hangs: %d\n%.400s\nwant 503 and fail", code, body)
	}
	// SIGTERM while a request waits on Prometheus: the server lets it end
	// (at the timeout) and exits 0.
	go http.Get(srv.url + "/slo")
	time.Sleep(100 * time.Millisecond)
	srv.stop(t)
}

package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slofleet"
	"github.com/journeyslo/journeyslo/slo/slorules"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

// The fleet's status page over 500 objectives of 30 days, read from
// Debian's Prometheus holding the series the generated rules record (the
// series are written as the rule manager would have recorded them, every
// 5 minutes over the last 6 hours and at every 6-hour step of the month,
// the instants the page reads; a tenth of the objectives page, with their
// ALERTS series). Each view of the page is a reading of its own (no poll
// interval), so that a view's queries are counted and timed:
//
//   - impl=journeyslo: GET of slostatus.FleetStatusPage over a
//     slofleet.Client. It reports the time to the page's first byte
//     (ttfb-ms), the queries per view, the time Prometheus took to answer
//     them, summed (prom-ms/view) and by kind (instant-ms, burndown-ms,
//     recent-ms, alerts-ms), and their answers' size as sent (gzip).
//   - impl=pyrra-list: Pyrra's list page as it queries (ui/src/pages/
//     List.tsx asks the API for each objective's status, and the API's
//     GetStatus makes two instant queries, the window's total and its
//     errors), over the same recorded series, six at a time as a browser
//     sends them to one host. It draws no burn-down, burn rate nor episode.
//
// It takes a minute to backfill, so it runs only when asked:
//
//	cd bench && JOURNEYSLO_FLEET_BENCH=1 go test -run '^$' -bench BenchmarkFleetPage -benchtime 20x .
func BenchmarkFleetPage(b *testing.B) {
	if testing.Short() || os.Getenv(fleetEnv) != "1" {
		b.Skipf("set %s=1 to backfill Prometheus with 500 objectives", fleetEnv)
	}
	const n = 500
	end := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	objs := make([]slo.Objective, n)
	for i := range objs {
		objs[i] = slo.Objective{Journey: fmt.Sprintf("j%03d", i), Target: 0.999}.WithDefaults()
	}
	prom := promtest.Start(b, promtest.Backfill(b, fleetPageSeries(objs, end).Bytes()), promtest.Config{})
	proxy := newMeter(b, prom.URL)

	mock := clock.NewMock()
	mock.Set(end)
	client, err := slofleet.New(objs, proxy.URL, slofleet.WithPollInterval(0), slofleet.WithClock(mock), slofleet.WithTimeout(time.Minute))
	if err != nil {
		b.Fatal(err)
	}
	page := httptest.NewServer(slostatus.FleetStatusPage(client))
	defer page.Close()

	b.Run("impl=journeyslo", func(b *testing.B) {
		proxy.reset()
		var ttfb time.Duration
		var size int
		for b.Loop() {
			start := time.Now()
			var first time.Time
			req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(),
				&httptrace.ClientTrace{GotFirstResponseByte: func() { first = time.Now() }}), http.MethodGet, page.URL, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("GET the page: %d\n%.500s", resp.StatusCode, body)
			}
			ttfb += first.Sub(start)
			size = len(body)
		}
		proxy.report(b)
		b.ReportMetric(float64(ttfb.Milliseconds())/float64(b.N), "ttfb-ms")
		b.ReportMetric(float64(size)/1024, "page-KiB")
	})

	b.Run("impl=pyrra-list", func(b *testing.B) {
		proxy.reset()
		api := &http.Client{}
		for b.Loop() {
			work := make(chan slo.Objective)
			var wg sync.WaitGroup
			for range 6 {
				wg.Go(func() {
					for o := range work {
						own := fmt.Sprintf(`journey=%q,objective=%q`, o.Journey, o.Name)
						for _, q := range []string{
							`sum(` + slorules.EventsPrefix + `30d{` + own + `})`,
							`sum(` + slorules.EventsPrefix + `30d{` + own + `,outcome="bad"})`,
						} {
							form := url.Values{"query": {q}, "time": {strconv.FormatInt(end.Unix(), 10)}}
							resp, err := api.PostForm(proxy.URL+"/api/v1/query", form)
							if err != nil {
								b.Error(err)
								continue
							}
							io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
						}
					}
				})
			}
			for _, o := range objs {
				work <- o
			}
			close(work)
			wg.Wait()
		}
		proxy.report(b)
	})
}

// meter is a proxy in front of Prometheus that counts the queries, their
// answers' bytes and the time Prometheus took to answer them.
type meter struct {
	*httptest.Server
	queries, bytes, nanos atomic.Int64
	// kinds times the queries of each kind the page makes.
	kinds [4]atomic.Int64
}

// The kinds of query of a page's reading, for meter.kinds.
var queryKinds = [4]string{"instant", "burndown", "recent", "alerts"}

// kindOf reads the query of r, leaving its body for the proxy.
func kindOf(r *http.Request) int {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	q := form.Get("query") + r.URL.Query().Get("query")
	switch {
	case strings.HasSuffix(r.URL.Path, "/query"):
		return 0
	case strings.Contains(q, "ALERTS"):
		return 3
	case strings.Contains(q, slorules.ErrorRatioPrefix):
		return 2
	}
	return 1
}

func newMeter(b *testing.B, target string) *meter {
	u, err := url.Parse(target)
	if err != nil {
		b.Fatal(err)
	}
	m := &meter{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(resp *http.Response) error {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &m.bytes}
		return nil
	}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind := kindOf(r)
		start := time.Now()
		proxy.ServeHTTP(w, r)
		took := int64(time.Since(start))
		m.nanos.Add(took)
		m.kinds[kind].Add(took)
		m.queries.Add(1)
	}))
	b.Cleanup(m.Close)
	return m
}

func (m *meter) reset() {
	m.queries.Store(0)
	m.bytes.Store(0)
	m.nanos.Store(0)
	for i := range m.kinds {
		m.kinds[i].Store(0)
	}
}

func (m *meter) report(b *testing.B) {
	views := float64(b.N)
	b.ReportMetric(float64(m.queries.Load())/views, "queries/view")
	b.ReportMetric(float64(m.nanos.Load())/1e6/views, "prom-ms/view")
	b.ReportMetric(float64(m.bytes.Load())/1024/views, "answer-KiB/view")
	for i, k := range queryKinds {
		if n := m.kinds[i].Load(); n > 0 && m.queries.Load() <= int64(4*b.N) {
			b.ReportMetric(float64(n)/1e6/views, k+"-ms/view")
		}
	}
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// fleetPageSeries writes the series the rules of objs record, as the rule
// manager would have at the instants the page reads up to end: every 5
// minutes over the last 6 hours, and the burn-down's window (6h for 30
// days) at every 6 hours of the period. Every objective serves 20 events
// a second with 0.05% bad, and every tenth pages over the last 30 minutes
// on its first rule, at 20 times its budget.
func fleetPageSeries(objs []slo.Objective, end time.Time) *promtest.Samples {
	var s promtest.Samples
	const perSecond = 20.0
	for i, o := range objs {
		with := func(kv ...string) map[string]string {
			m := map[string]string{"journey": o.Journey, "objective": o.Name}
			for j := 0; j+1 < len(kv); j += 2 {
				m[kv[j]] = kv[j+1]
			}
			return m
		}
		paging := i%10 == 0
		ratio := func(w time.Duration, at time.Time) float64 {
			if paging && w <= time.Hour && end.Sub(at) < 30*time.Minute {
				return 20 * burnrate.ErrorBudget(o.Target)
			}
			return 0.0005
		}
		recent := map[time.Time]bool{}
		for at := end.Add(-6 * time.Hour); !at.After(end); at = at.Add(5 * time.Minute) {
			recent[at] = true
			s.Add("gauge", slorules.Info, with("target", "0.999", "error_budget", "0.001", "period", "30d",
				"min_events", strconv.FormatUint(o.Policy.MinEvents, 10)), at, 1)
			for _, w := range append(o.Policy.Windows(), o.Period) {
				fw := burnrate.FormatWindow(w)
				all, r := perSecond*w.Seconds(), ratio(w, at)
				s.Add("gauge", slorules.EventsPrefix+fw, with("window", fw, "outcome", "good"), at, all*(1-r))
				s.Add("gauge", slorules.EventsPrefix+fw, with("window", fw, "outcome", "bad"), at, all*r)
				s.Add("gauge", slorules.ErrorRatioPrefix+fw, with("window", fw), at, r)
			}
			if paging && end.Sub(at) < 30*time.Minute {
				rule := o.Policy.Rules[0]
				s.Add("gauge", slorules.Firing, with("rule", rule.String(), "severity", rule.Severity.String()), at, 20)
			}
		}
		for at := end.Add(-o.Period); !at.After(end); at = at.Add(6 * time.Hour) {
			if recent[at] {
				continue
			}
			all := perSecond * (6 * time.Hour).Seconds()
			s.Add("gauge", slorules.EventsPrefix+"6h", with("window", "6h", "outcome", "good"), at, all*0.9995)
			s.Add("gauge", slorules.EventsPrefix+"6h", with("window", "6h", "outcome", "bad"), at, all*0.0005)
		}
		if paging {
			rule := o.Policy.Rules[0]
			for at := end.Add(-29 * time.Minute); !at.After(end); at = at.Add(time.Minute) {
				s.Add("gauge", "ALERTS", with("alertname", slorules.AlertName, "alertstate", "firing",
					"rule", rule.String(), "severity", rule.Severity.String()), at, 1)
			}
		}
	}
	return &s
}

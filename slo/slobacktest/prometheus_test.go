package slobacktest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeyslo/journeyslo/internal/promtest"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// Expressions of each minute's good and all events over the backfilled
// counters.
const (
	goodExpr = `sum(increase(http_requests_total{job="shop",code!~"5.."}[1m]))`
	allExpr  = `sum(increase(http_requests_total{job="shop"}[1m]))`
)

// shop backfills counters of requests by code, scraped every 15 s from
// mar1-5m to mar1+65m, and returns a server over them. Every minute holds
// 1000 requests (250 a scrape), all 200s, except:
//   - the minutes that end at 00:21 to 00:32, an outage: all 500s;
//   - the minute that ends at 00:50: 997 200s and 3 500s (in its last
//     scrape);
//   - from 00:40 to 00:45 the counters count on but no scrape lands
//     between those two.
func shop(t *testing.T) *promtest.Server {
	t.Helper()
	var s promtest.Samples
	var ok, failed float64
	for j := -20; j <= 260; j++ { // scrape j is at mar1 + 15s×j and closes the minute (j+3)/4
		at := mar1.Add(time.Duration(j) * 15 * time.Second)
		minute := (j + 3) / 4
		if j > -20 {
			switch {
			case minute > 20 && minute <= 32:
				failed += 250
			case j == 4*50:
				ok, failed = ok+247, failed+3
			default:
				ok += 250
			}
		}
		if at.After(mar1.Add(40*time.Minute)) && at.Before(mar1.Add(45*time.Minute)) {
			continue // a gap in the scrapes
		}
		s.Add("counter", "http_requests_total", map[string]string{"job": "shop", "code": "200"}, at, ok)
		s.Add("counter", "http_requests_total", map[string]string{"job": "shop", "code": "500"}, at, failed)
	}
	return promtest.Start(t, promtest.Backfill(t, s.Bytes()), promtest.Config{})
}

// shopMinutes is what a PrometheusQuery of goodExpr and allExpr from mar1
// to mar1+1h in steps of 1m reads from shop: the minutes with no value
// (00:41 to 00:45, whose ranges hold one scrape or none) hold no events;
// the events counted in the gap are lost to ranges of one step.
func shopMinutes() []slobacktest.Sample {
	return minutes(60, func(m int) (uint64, uint64) {
		switch {
		case m > 20 && m <= 32:
			return 0, 1000
		case m > 40 && m <= 45:
			return 0, 0
		case m == 50:
			return 997, 3
		}
		return 1000, 0
	})
}

func TestPrometheusQuery(t *testing.T) {
	srv := shop(t)
	ctx := context.Background()
	q := slobacktest.PrometheusQuery{Journey: "checkout", Good: goodExpr, All: allExpr, Start: mar1, End: mar1.Add(time.Hour), Step: time.Minute}

	t.Run("exact", func(t *testing.T) {
		got, err := q.Samples(ctx, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(shopMinutes(), got); diff != "" {
			t.Fatalf("Samples (-want +got):\n%s", diff)
		}
	})

	t.Run("in parts", func(t *testing.T) {
		// 60 steps in parts of 7: 8 of 7 and one of 4.
		defer slobacktest.SetMaxPoints(7)()
		got, err := q.Samples(ctx, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(shopMinutes(), got); diff != "" {
			t.Fatalf("Samples (-want +got):\n%s", diff)
		}
	})

	t.Run("an End between steps", func(t *testing.T) {
		q := q
		q.End = mar1.Add(3*time.Minute + 59*time.Second)
		got, err := q.Samples(ctx, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(shopMinutes()[:3], got); diff != "" {
			t.Fatalf("Samples (-want +got):\n%s", diff)
		}
	})

	t.Run("fractions carry", func(t *testing.T) {
		// A third of 1000 a minute: the running sums 333.3, 666.7, 1000,
		// ... round to 333, 667, 1000, 1333, 1667, 2000.
		q := q
		q.Good, q.All, q.End = goodExpr+" / 3", allExpr+" / 3", mar1.Add(6*time.Minute)
		got, err := q.Samples(ctx, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := minutes(6, func(m int) (uint64, uint64) { return []uint64{333, 334, 333, 333, 334, 333}[m-1], 0 })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Samples (-want +got):\n%s", diff)
		}
	})

	t.Run("All below Good", func(t *testing.T) {
		// Swapped, in the outage Good counts 1000 and All none: no bad
		// events, and Good's 1000 as they are.
		q := q
		q.Good, q.All = allExpr, goodExpr
		q.Start, q.End = mar1.Add(19*time.Minute), mar1.Add(22*time.Minute)
		got, err := q.Samples(ctx, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := shopMinutes()[19:22]
		for i := range want {
			want[i].Good, want[i].Bad = 1000, 0
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Samples (-want +got):\n%s", diff)
		}
	})

	for _, tc := range []struct {
		name      string
		good, all string
		want      string
		invalid   bool
	}{
		{"many series", `increase(http_requests_total{job="shop"}[1m])`, allExpr,
			`slobacktest: PrometheusQuery: Good (increase(http_requests_total{job="shop"}[1m])) returned 2 series ({code="200", job="shop"}, {code="500", job="shop"}), want one; aggregate them with sum(), such as sum(increase(http_requests_total{job="shop"}[1m]))`, true},
		{"no good", `sum(increase(http_requests_total{job="shop",code="201"}[1m]))`, allExpr,
			`slobacktest: PrometheusQuery: Good (sum(increase(http_requests_total{job="shop",code="201"}[1m]))) returned no value from 2026-03-01T00:00:00Z to 2026-03-01T01:00:00Z while All did; check that it selects your counters (where no event was good at all, make it return 0, such as with "or vector(0)")`, true},
		{"no all", goodExpr, `sum(increase(http_request_total[1m]))`,
			`slobacktest: PrometheusQuery: All (sum(increase(http_request_total[1m]))) returned no value from 2026-03-01T00:00:00Z to 2026-03-01T01:00:00Z while Good did; check that it selects your counters`, true},
		{"nothing", `sum(increase(http_request_total[1m]))`, `sum(increase(http_request_total[1m]))`,
			`slobacktest: PrometheusQuery: neither Good (sum(increase(http_request_total[1m]))) nor All (sum(increase(http_request_total[1m]))) returned a value from 2026-03-01T00:00:00Z to 2026-03-01T01:00:00Z; check that they select your counters, and that Prometheus keeps data that old`, true},
		{"NaN", goodExpr, `sum(increase(http_requests_total{code="500"}[1m])) / sum(increase(http_requests_total{code="500"}[1m]))`,
			`slobacktest: PrometheusQuery: All (sum(increase(http_requests_total{code="500"}[1m])) / sum(increase(http_requests_total{code="500"}[1m]))) is NaN at 2026-03-01T00:01:00Z, want a number of events; a division by a count of 0 gives NaN, increase() never does`, true},
		// The server's own words follow, which differ between its versions.
		{"not PromQL", `sum(increase(http_requests_total[1m])`, allExpr,
			`PrometheusQuery: Good (sum(increase(http_requests_total[1m])) from 2026-03-01T00:01:00Z to 2026-03-01T01:00:00Z: bad_data: `, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := q
			q.Good, q.All = tc.good, tc.all
			samples, err := q.Samples(ctx, srv.URL, nil)
			matches := func(msg string) bool {
				if strings.HasSuffix(tc.want, ": ") {
					return strings.HasPrefix(msg, tc.want) && strings.HasSuffix(msg, "parse error: unclosed left parenthesis")
				}
				return msg == tc.want
			}
			if err == nil || !matches(err.Error()) || errors.Is(err, slo.ErrInvalid) != tc.invalid || samples != nil {
				t.Fatalf("Samples() = %v, %v;\nwant the error %s (matching ErrInvalid: %v)", samples, err, tc.want, tc.invalid)
			}
		})
	}

	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := q.Samples(ctx, srv.URL, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("Samples() with a cancelled context = %v, want context.Canceled", err)
		}
	})
}

// TestPrometheusQueryValidate gives every field a bad value, one at a
// time; none of these reach a server.
func TestPrometheusQueryValidate(t *testing.T) {
	good := slobacktest.PrometheusQuery{Journey: "checkout", Good: goodExpr, All: allExpr, Start: mar1, End: mar1.Add(time.Hour), Step: time.Minute}
	for _, tc := range []struct {
		name string
		edit func(*slobacktest.PrometheusQuery)
		want string
	}{
		{"journey", func(q *slobacktest.PrometheusQuery) { q.Journey = "" }, "Journey is empty; name the journey whose traffic it is, such as checkout"},
		{"good", func(q *slobacktest.PrometheusQuery) { q.Good = " " }, `Good is empty; write the PromQL expression of each step's good events, such as sum(increase(http_requests_total{code!~"5.."}[1m]))`},
		{"all", func(q *slobacktest.PrometheusQuery) { q.All = "" }, "All is empty; write the PromQL expression of each step's events, good and bad, such as sum(increase(http_requests_total[1m]))"},
		{"start", func(q *slobacktest.PrometheusQuery) { q.Start = time.Time{} }, "Start is the zero time; set when the traffic starts, such as 2026-03-01T00:00:00Z"},
		{"start ms", func(q *slobacktest.PrometheusQuery) { q.Start = mar1.Add(1500 * time.Microsecond) },
			"Start 2026-03-01T00:00:00.0015Z is not a whole millisecond; Prometheus's instants are, so use 2026-03-01T00:00:00.001Z"},
		{"step", func(q *slobacktest.PrometheusQuery) { q.Step = 0 }, "Step 0s is not positive; use the interval each sample covers, such as 1m"},
		{"step ms", func(q *slobacktest.PrometheusQuery) { q.Step = time.Second + time.Microsecond },
			"Step 1.000001s is not a whole number of milliseconds; Prometheus's steps are, so use 1.001s"},
		{"end", func(q *slobacktest.PrometheusQuery) { q.End = mar1.Add(59 * time.Second) },
			"End 2026-03-01T00:00:59Z is not a Step (1m0s) or more after Start 2026-03-01T00:00:00Z; set when the traffic ends, such as 2026-03-02T00:00:00Z"},
		{"too long", func(q *slobacktest.PrometheusQuery) { q.End = mar1.Add(9 * 365 * 24 * time.Hour) },
			"End - Start (78840h0m0s) at Step 1m0s makes 4730400 samples, more than 4194304; use a longer Step or a shorter range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := good
			tc.edit(&q)
			err := q.Validate()
			if want := "slobacktest: PrometheusQuery: " + tc.want; err == nil || err.Error() != want || !errors.Is(err, slo.ErrInvalid) {
				t.Fatalf("Validate() = %v, want %s", err, want)
			}
			// Samples refuses it before it asks anyone: nothing listens on
			// port 1.
			if samples, serr := q.Samples(context.Background(), "http://127.0.0.1:1", nil); serr == nil || serr.Error() != err.Error() || samples != nil {
				t.Fatalf("Samples() = %v, %v; want the error of Validate", samples, serr)
			}
		})
	}
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate() of a good query = %v", err)
	}
	if err := (slobacktest.PrometheusQuery{}).Validate(); err == nil || strings.Count(err.Error(), "slobacktest: ") != 5 {
		t.Fatalf("Validate() of the zero query = %v, want five problems (journey, good, all, start, step)", err)
	}
	// An address that is not one is refused with the query's problems.
	_, err := (slobacktest.PrometheusQuery{Journey: "checkout", Good: goodExpr, Start: mar1, End: mar1.Add(time.Hour), Step: time.Minute}).Samples(context.Background(), "prometheus:9090", nil)
	want := "slobacktest: PrometheusQuery: All is empty; write the PromQL expression of each step's events, good and bad, such as sum(increase(http_requests_total[1m]))\n" +
		`slobacktest: PrometheusQuery.Samples: address "prometheus:9090" is not an absolute http or https URL; give the base URL of the Prometheus API, such as http://prometheus:9090`
	if err == nil || err.Error() != want || !errors.Is(err, slo.ErrInvalid) {
		t.Errorf("Samples with a bad query and address = %v, want:\n%s", err, want)
	}
}

// An answer over the cap is refused as soon as it passes it, with what to
// do; the queries are bounded by the context's deadline.
func TestPrometheusQueryBounded(t *testing.T) {
	q := slobacktest.PrometheusQuery{Journey: "checkout", Good: goodExpr, All: allExpr, Start: mar1, End: mar1.Add(10 * time.Minute), Step: time.Minute}
	// A matrix of a thousand series, of 10 points each.
	var series []string
	for i := range 1000 {
		var points []string
		for k := 1; k <= 10; k++ {
			points = append(points, fmt.Sprintf(`[%d,"1"]`, mar1.Add(time.Duration(k)*time.Minute).Unix()))
		}
		series = append(series, fmt.Sprintf(`{"metric":{"instance":"10.0.%d.%d:8080"},"values":[%s]}`, i/256, i%256, strings.Join(points, ",")))
	}
	body := `{"status":"success","data":{"resultType":"matrix","result":[` + strings.Join(series, ",") + `]}}`
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.FormValue("query") == "hang" {
			select {
			case <-r.Context().Done():
			case <-hang:
			}
			return
		}
		io.WriteString(w, body)
	}))
	defer srv.Close()
	defer close(hang)

	defer slobacktest.SetMaxAnswer(int64(len(body)) - 1)()
	_, err := q.Samples(context.Background(), srv.URL, srv.Client())
	want := "PrometheusQuery: Good (" + goodExpr + ") from 2026-03-01T00:01:00Z to 2026-03-01T00:10:00Z: promapi: answer too large: the answer of " + srv.URL +
		"/api/v1/query_range is longer than the " + fmt.Sprint(len(body)-1) + " bytes this client reads; it should return one series: aggregate it with sum(), such as sum(" + goodExpr + ")"
	if err == nil || err.Error() != want {
		t.Errorf("an answer over the cap: %v, want %s", err, want)
	}
	// At the cap, the answer is read, and refused for its many series.
	slobacktest.SetMaxAnswer(int64(len(body)))
	_, err = q.Samples(context.Background(), srv.URL, srv.Client())
	if err == nil || !strings.Contains(err.Error(), "returned 1000 series ({instance=\"10.0.0.0:8080\"}, {instance=\"10.0.0.1:8080\"}, {instance=\"10.0.0.2:8080\"}, ...), want one") {
		t.Errorf("an answer at the cap: %v, want it read and refused for its many series", err)
	}

	q.Good = "hang"
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err = q.Samples(ctx, srv.URL, srv.Client())
	if took := time.Since(began); !errors.Is(err, context.DeadlineExceeded) || took > 200*time.Millisecond+time.Second {
		t.Errorf("a server that does not answer: %v after %v, want the context's deadline of 200ms", err, took)
	}
}

// Package promtest runs the real Prometheus engine in tests: Debian's
// promtool and prometheus binaries, on loopback, over data written by the
// test.
//
// A test that needs a binary calls [Promtool] or [Start]. When the binary is
// missing, the test is skipped, unless the environment sets
// JOURNEYSLO_PROMETHEUS=required (CI does, after installing the package), in
// which case it fails: a CI run must not pass by skipping the engine.
//
// Samples are written as OpenMetrics text with [Samples], backfilled into a
// TSDB with [Backfill], and served by a prometheus server that [Start] runs
// on 127.0.0.1 and that the test's cleanup stops by its PID.
package promtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/journeyslo/journeyslo/internal/promapi"
)

// Env is the environment variable that, set to "required", turns a missing
// Prometheus binary (promtool, prometheus) from a skip into a failure.
const Env = "JOURNEYSLO_PROMETHEUS"

// AlertmanagerEnv does the same for Alertmanager's binaries (amtool,
// prometheus-alertmanager).
const AlertmanagerEnv = "JOURNEYSLO_ALERTMANAGER"

// binary returns the path of the named binary, or skips or fails t as env
// says; pkg is the Debian package that ships it.
func binary(t testing.TB, name, env, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv(env) == "required" {
		t.Fatalf("%s is required (%s=required) but not found: %v; install Debian's %s package", name, env, err, pkg)
	}
	t.Skipf("%s not found (install Debian's %s package to run this test): %v", name, pkg, err)
	return ""
}

// Alertmanager returns the path of amtool or prometheus-alertmanager (name),
// or skips or fails t when it is missing, as [AlertmanagerEnv] says.
func Alertmanager(t testing.TB, name string) string {
	t.Helper()
	return binary(t, name, AlertmanagerEnv, "prometheus-alertmanager")
}

// Promtool returns the path of promtool, or skips or fails t when it is
// missing (see the package doc).
func Promtool(t testing.TB) string {
	t.Helper()
	return binary(t, "promtool", Env, "prometheus")
}

// RunPromtool runs promtool with args and returns its combined output and
// the error of the run (an *exec.ExitError when promtool exited non-zero).
func RunPromtool(t testing.TB, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, Promtool(t), args...).CombinedOutput()
	return string(out), err
}

// Backfill writes the OpenMetrics text om (see [Samples.Bytes]) into TSDB
// blocks in a new directory and returns the directory, ready for [Start].
func Backfill(t testing.TB, om []byte) string {
	t.Helper()
	tmp := t.TempDir()
	src := filepath.Join(tmp, "samples.om")
	if err := os.WriteFile(src, om, 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "tsdb")
	// Blocks of up to 31 days keep a month of samples in a few blocks
	// instead of hundreds of two-hour ones.
	out, err := RunPromtool(t, "tsdb", "create-blocks-from", "openmetrics", "--quiet", "--max-block-duration=744h", src, dir)
	if err != nil {
		t.Fatalf("promtool tsdb create-blocks-from openmetrics: %v\n%s", err, out)
	}
	return dir
}

// Config is what [Start] writes into the server's configuration file.
type Config struct {
	// RuleFiles are rule files for the server to evaluate.
	RuleFiles []string
	// EvaluationInterval is how often rules are evaluated; 0 means 15s.
	EvaluationInterval time.Duration
	// Scrape holds host:port targets for the server to scrape at /metrics,
	// every ScrapeInterval (0 means 15s), as one job named "test". Empty
	// means nothing is scraped.
	Scrape         []string
	ScrapeInterval time.Duration
	// Flags are extra command-line flags, such as
	// "--query.lookback-delta=30s".
	Flags []string
}

// MaxAnswer is the most bytes of one answer [Server.API] reads: far more
// than the library's readers take from a server they do not run, since a
// test's own server may answer a month of many series in one range query.
const MaxAnswer = 1 << 30

// A Server is a prometheus server run by a test. Its methods fail the test
// on error.
type Server struct {
	// URL is the server's base URL, such as http://127.0.0.1:41234.
	URL string
	// API is a client of the server's HTTP API, reading answers of up to
	// [MaxAnswer] bytes.
	API *promapi.Client

	cmd  *exec.Cmd
	logs *bytes.Buffer
}

// Start runs a prometheus server over the TSDB in dir (from [Backfill], or
// an empty directory) on a free loopback port, waits until it is ready and
// registers its stop (by PID) with t.Cleanup. Nothing is scraped.
func Start(t testing.TB, dir string, cfg Config) *Server {
	t.Helper()
	bin := binary(t, "prometheus", Env, "prometheus")
	interval := cfg.EvaluationInterval
	if interval == 0 {
		interval = 15 * time.Second
	}
	var conf strings.Builder
	fmt.Fprintf(&conf, "global:\n  evaluation_interval: %s\n", model.Duration(interval))
	if len(cfg.RuleFiles) > 0 {
		conf.WriteString("rule_files:\n")
		for _, f := range cfg.RuleFiles {
			abs, err := filepath.Abs(f)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&conf, "  - %q\n", abs)
		}
	}
	if len(cfg.Scrape) > 0 {
		every := cfg.ScrapeInterval
		if every == 0 {
			every = 15 * time.Second
		}
		fmt.Fprintf(&conf, "scrape_configs:\n  - job_name: test\n    scrape_interval: %s\n    static_configs:\n      - targets:\n", model.Duration(every))
		for _, target := range cfg.Scrape {
			fmt.Fprintf(&conf, "          - %q\n", target)
		}
	}
	confPath := filepath.Join(t.TempDir(), "prometheus.yml")
	if err := os.WriteFile(confPath, []byte(conf.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freePort(t)
	logs := &bytes.Buffer{}
	args := []string{
		"--config.file=" + confPath,
		"--storage.tsdb.path=" + dir,
		// Backfilled samples can be old; keep them all.
		"--storage.tsdb.retention.time=100y",
		"--web.listen-address=" + addr,
		"--log.level=warn",
	}
	cmd := exec.Command(bin, append(args, cfg.Flags...)...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start prometheus: %v", err)
	}
	s := &Server{URL: "http://" + addr, cmd: cmd, logs: logs}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { s.stop(t, exited) })

	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get(s.URL + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("prometheus exited before it was ready: %v\n%s", err, logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus not ready after a minute\n%s", logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	client, err := promapi.New(s.URL, promapi.WithMaxAnswer(MaxAnswer))
	if err != nil {
		t.Fatal(err)
	}
	s.API = client
	return s
}

// stop ends the server by its PID: SIGTERM, then SIGKILL after ten seconds.
func (s *Server) stop(t testing.TB, exited chan error) {
	pid := s.cmd.Process.Pid
	_ = syscall.Kill(pid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(pid, syscall.SIGKILL)
		<-exited
	}
	if t.Failed() {
		t.Logf("prometheus (pid %d) logs:\n%s", pid, s.logs)
	}
}

// Query evaluates expr at instant at and returns the result as a vector.
func (s *Server) Query(t testing.TB, expr string, at time.Time) model.Vector {
	t.Helper()
	r := s.ask(t, "query", expr, "vector", time.Minute, func(ctx context.Context) (*promapi.Result, error) {
		return s.API.Query(ctx, expr, at)
	})
	vec := make(model.Vector, len(r.Vector))
	for i, smp := range r.Vector {
		if smp.Histogram {
			t.Fatalf("query %q: got a native histogram in %s, want floats", expr, smp.Metric)
		}
		vec[i] = &model.Sample{Metric: metric(smp.Metric), Value: model.SampleValue(smp.Value), Timestamp: model.TimeFromUnixNano(smp.Time.UnixNano())}
	}
	return vec
}

// QueryRange evaluates expr at every step from start to end and returns the
// result as a matrix.
func (s *Server) QueryRange(t testing.TB, expr string, start, end time.Time, step time.Duration) model.Matrix {
	t.Helper()
	r := s.ask(t, "query_range", expr, "matrix", 2*time.Minute, func(ctx context.Context) (*promapi.Result, error) {
		return s.API.QueryRange(ctx, expr, start, end, step)
	})
	m := make(model.Matrix, len(r.Matrix))
	for i, ss := range r.Matrix {
		if ss.Histograms > 0 {
			t.Fatalf("query_range %q: got native histograms in %s, want floats", expr, ss.Metric)
		}
		values := make([]model.SamplePair, len(ss.Points))
		for j, p := range ss.Points {
			values[j] = model.SamplePair{Timestamp: model.TimeFromUnixNano(p.Time.UnixNano()), Value: model.SampleValue(p.Value)}
		}
		m[i] = &model.SampleStream{Metric: metric(ss.Metric), Values: values}
	}
	return m
}

// ask sends a query of the given kind within timeout and returns its
// answer, failing t when it has none or one of another type than want;
// warnings are logged.
func (s *Server) ask(t testing.TB, kind, expr, want string, timeout time.Duration, query func(context.Context) (*promapi.Result, error)) *promapi.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	r, err := query(ctx)
	if err != nil {
		t.Fatalf("%s %q: %v", kind, expr, err)
	}
	if len(r.Warnings) > 0 {
		t.Logf("%s %q: warnings %v", kind, expr, r.Warnings)
	}
	if r.Type != want {
		t.Fatalf("%s %q: got a %s, want a %s", kind, expr, r.Type, want)
	}
	return r
}

// metric converts labels to the type the tests compare.
func metric(l promapi.Labels) model.Metric {
	m := make(model.Metric, len(l))
	for k, v := range l {
		m[model.LabelName(k)] = model.LabelValue(v)
	}
	return m
}

// Metric returns the value of the metric that s serves at /metrics with
// exactly the given name (and no labels), such as
// prometheus_tsdb_head_series; it fails t when there is none.
func (s *Server) Metric(t testing.TB, name string) float64 {
	t.Helper()
	resp, err := http.Get(s.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			var f float64
			if _, err := fmt.Sscan(v, &f); err != nil {
				t.Fatalf("metric %s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("prometheus serves no metric %s", name)
	return 0
}

func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

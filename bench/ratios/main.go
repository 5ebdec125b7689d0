// Command ratios reads the output of one `go test -bench` run of the bench
// module and prints, per benchmark, a Markdown table of each
// implementation's time as a ratio to a reference implementation, its
// allocations, and, where an impl=bare row gives the cost of the work
// itself, each implementation's overhead over bare as a ratio to the
// reference's overhead.
//
//	go test -run '^$' -bench . -benchmem | go run ./ratios
//
// Rows named Benchmark<Thing>/<case>/impl=<name> are compared within
// Benchmark<Thing>/<case>.
//
// The reference of a benchmark is given by -ref Benchmark=impl (repeatable),
// else the first of prom-counter, prom-vec, promhttp, grpcprom, prometheus
// present (prometheus: the engine itself, in BenchmarkBacktest30d).
// Benchmarks with no reference row (BenchmarkEvaluate/objectives=N,
// BenchmarkAdvance, BenchmarkObjectiveHeap) are listed with their custom
// per-unit metrics, in the order of their units, as ratios to the -budget
// values: 5 µs an objective for an evaluation, 300 ms for a tick (a tenth
// of the default 3 s), 32 KiB of heap an objective.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

type row struct {
	impl    string
	ns      float64
	allocs  float64
	metrics map[string]float64
}

type refs map[string]string

func (r refs) String() string { return fmt.Sprint(map[string]string(r)) }
func (r refs) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("want Benchmark=impl, got %q", s)
	}
	r[k] = v
	return nil
}

var defaultRefs = []string{"prom-counter", "prom-vec", "promhttp", "grpcprom", "prometheus"}

// line matches "BenchmarkX/impl=y-2   1000   12.5 ns/op   0 B/op   0 allocs/op".
var line = regexp.MustCompile(`^(Benchmark[^/\s]+)/(\S+?)(-\d+)?\s+\d+\s+(.*)$`)

func main() {
	ref := refs{}
	flag.Var(ref, "ref", "reference implementation of a benchmark, as Benchmark=impl (repeatable)")
	budget := flag.String("budget", "ns/objective=5000,ms/advance=300,B/objective=32768",
		"per-unit budgets for benchmarks without a reference row, as unit=value,...")
	flag.Parse()
	if err := run(os.Stdin, os.Stdout, ref, *budget); err != nil {
		fmt.Fprintln(os.Stderr, "ratios:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer, ref refs, budgetSpec string) error {
	budgets := map[string]float64{}
	for _, kv := range strings.Split(budgetSpec, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return fmt.Errorf("budget %q: %v", kv, err)
			}
			budgets[k] = f
		}
	}
	var order []string
	rows := map[string][]row{}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		bench, sub := m[1], m[2]
		// BenchmarkPage/objectives=100/impl=x compares the impls of
		// BenchmarkPage/objectives=100.
		if i := strings.LastIndex(sub, "/impl="); i > 0 {
			bench, sub = bench+"/"+sub[:i], sub[i+1:]
		}
		r := row{impl: strings.TrimPrefix(sub, "impl="), metrics: map[string]float64{}}
		if !strings.HasPrefix(sub, "impl=") {
			r.impl = sub
		}
		f := strings.Fields(m[4])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				r.ns = v
			case "allocs/op":
				r.allocs = v
			default:
				r.metrics[f[i+1]] = v
			}
		}
		if _, ok := rows[bench]; !ok {
			order = append(order, bench)
		}
		rows[bench] = append(rows[bench], r)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(order) == 0 {
		return fmt.Errorf("no benchmark lines on standard input")
	}
	for _, bench := range order {
		printTable(out, bench, rows[bench], ref[bench], budgets)
	}
	return nil
}

func find(rs []row, impl string) (row, bool) {
	for _, r := range rs {
		if r.impl == impl {
			return r, true
		}
	}
	return row{}, false
}

func printTable(out io.Writer, bench string, rs []row, refImpl string, budgets map[string]float64) {
	if refImpl == "" {
		for _, d := range defaultRefs {
			if _, ok := find(rs, d); ok {
				refImpl = d
				break
			}
		}
	}
	fmt.Fprintf(out, "\n### %s\n\n", bench)
	reference, hasRef := find(rs, refImpl)
	if !hasRef {
		// No comparison rows: report custom metrics against their budgets.
		fmt.Fprintln(out, "| case | metric | ratio to budget | allocs/op |")
		fmt.Fprintln(out, "| --- | --- | --- | --- |")
		for _, r := range rs {
			for _, unit := range slices.Sorted(maps.Keys(r.metrics)) {
				if b, ok := budgets[unit]; ok {
					fmt.Fprintf(out, "| %s | %s (budget %g) | %.3fx | %g |\n", r.impl, unit, b, r.metrics[unit]/b, r.allocs)
				}
			}
		}
		return
	}
	bare, hasBare := find(rs, "bare")
	if hasBare {
		fmt.Fprintf(out, "| impl | time vs %s | overhead over bare vs %s's | allocs/op (bare %g) |\n", refImpl, refImpl, bare.allocs)
	} else {
		fmt.Fprintf(out, "| impl | time vs %s | allocs/op |\n", refImpl)
	}
	cols := 3
	if hasBare {
		cols = 4
	}
	fmt.Fprintln(out, strings.Repeat("| --- ", cols)+"|")
	for _, r := range rs {
		if hasBare {
			over := "-"
			if r.impl != "bare" && reference.ns > bare.ns {
				over = fmt.Sprintf("%.3fx", (r.ns-bare.ns)/(reference.ns-bare.ns))
			}
			fmt.Fprintf(out, "| %s | %.3fx | %s | %g |\n", r.impl, r.ns/reference.ns, over, r.allocs)
			continue
		}
		fmt.Fprintf(out, "| %s | %.3fx | %g |\n", r.impl, r.ns/reference.ns, r.allocs)
	}
}

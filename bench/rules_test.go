package bench

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/journeyslo/journeyslo/slo/sloconfig"
	"github.com/journeyslo/journeyslo/slo/slorules"
)

// rulesConfig returns a journeyslo config of n journeys, each with one
// objective with a runbook and a label, as `journeyslo rules` reads it.
func rulesConfig(n int) []byte {
	var b strings.Builder
	b.WriteString("service: shop\njourneys:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - name: j%d\n    patterns: [\"GET /j%d\"]\n    objectives:\n      - target: 99.9%%\n        runbook: https://runbooks.example.com/j%d\n        labels: {team: t%d}\n", i, i, i, i%10)
	}
	return []byte(b.String())
}

// BenchmarkRules measures what `journeyslo rules` does with a config of
// 1,000 and 10,000 objectives: parse the file, then generate and encode
// the rules. impl=journeyslo is the command's way, slorules.Write, which
// holds one objective's rules at a time; impl=generate-marshal builds the
// whole RuleFile with Generate and encodes it with Marshal. Besides time,
// each reports the bytes allocated per objective (alloc-B/objective) and
// the most heap in use at once per objective (peak-B/objective): the
// heap's high-water mark over one run, sampled after each objective's
// groups are written.
func BenchmarkRules(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		data := rulesConfig(n)
		for _, impl := range []struct {
			name string
			run  func(*sloconfig.Config, *peak) error
		}{
			{"journeyslo", func(c *sloconfig.Config, p *peak) error {
				return slorules.Write(p, slorules.Prometheus, c.Objectives(), slorules.WithNamespace(c.Service))
			}},
			{"generate-marshal", func(c *sloconfig.Config, p *peak) error {
				f, err := slorules.Generate(c.Objectives(), slorules.WithNamespace(c.Service))
				if err != nil {
					return err
				}
				p.sample()
				out, err := f.Marshal(slorules.Prometheus)
				if err != nil {
					return err
				}
				_, err = p.Write(out)
				return err
			}},
		} {
			b.Run(fmt.Sprintf("objectives=%d/impl=%s", n, impl.name), func(b *testing.B) {
				b.ReportAllocs()
				var before, after runtime.MemStats
				p := &peak{}
				runtime.GC()
				runtime.ReadMemStats(&before)
				for b.Loop() {
					c, err := sloconfig.Parse("shop.yaml", data)
					if err != nil {
						b.Fatal(err)
					}
					if err := impl.run(c, p); err != nil {
						b.Fatal(err)
					}
				}
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(n), "alloc-B/objective")
				b.ReportMetric(float64(p.max-before.HeapAlloc)/float64(n), "peak-B/objective")
			})
		}
	}
}

// A peak is an io.Writer that discards what it is given and samples the
// heap in use every 200 writes, keeping the most it saw.
type peak struct {
	writes int
	max    uint64
}

func (p *peak) Write(b []byte) (int, error) {
	p.writes++
	if p.writes%200 == 0 {
		p.sample()
	}
	return len(b), nil
}

func (p *peak) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	p.max = max(p.max, m.HeapAlloc)
}

var _ io.Writer = (*peak)(nil)

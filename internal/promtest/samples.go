package promtest

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Samples collects timestamped samples and writes them as OpenMetrics text
// for [Backfill]. The zero value is ready to use; a Samples is not safe for
// concurrent use.
type Samples struct {
	families map[string]*family
}

type family struct {
	typ    string // OpenMetrics type: counter, gauge or unknown
	series map[string]*series
}

type series struct {
	name   string // the sample's name, with _total for a counter
	labels string // rendered {a="b",...}, sorted by name
	points []point
}

type point struct {
	t int64 // milliseconds since the Unix epoch
	v float64
}

// Add records one sample of the metric called name (a counter's name ends
// in _total) with the given labels at instant at. typ is "counter",
// "gauge" or "unknown".
func (s *Samples) Add(typ, name string, labels map[string]string, at time.Time, v float64) {
	fam := name
	if typ == "counter" {
		fam = strings.TrimSuffix(name, "_total")
	}
	if s.families == nil {
		s.families = map[string]*family{}
	}
	f := s.families[fam]
	if f == nil {
		f = &family{typ: typ, series: map[string]*series{}}
		s.families[fam] = f
	}
	ls := renderLabels(labels)
	sr := f.series[ls]
	if sr == nil {
		sr = &series{name: name, labels: ls}
		f.series[ls] = sr
	}
	sr.points = append(sr.points, point{at.UnixMilli(), v})
}

// Gather adds, at instant at, every counter and gauge that g gathers: a
// scrape of g at that instant.
func (s *Samples) Gather(g prometheus.Gatherer, at time.Time) error {
	mfs, err := g.Gather()
	if err != nil {
		return err
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			switch mf.GetType() {
			case dto.MetricType_COUNTER:
				s.Add("counter", mf.GetName(), labels, at, m.GetCounter().GetValue())
			case dto.MetricType_GAUGE:
				s.Add("gauge", mf.GetName(), labels, at, m.GetGauge().GetValue())
			}
		}
	}
	return nil
}

// Len returns the number of samples added.
func (s *Samples) Len() int {
	n := 0
	for _, f := range s.families {
		for _, sr := range f.series {
			n += len(sr.points)
		}
	}
	return n
}

// Bytes returns the samples as OpenMetrics text: families and series in
// name order, each series' samples in time order, and the closing # EOF.
func (s *Samples) Bytes() []byte {
	var b bytes.Buffer
	for _, fam := range slices.Sorted(maps.Keys(s.families)) {
		f := s.families[fam]
		fmt.Fprintf(&b, "# TYPE %s %s\n", fam, f.typ)
		for _, ls := range slices.Sorted(maps.Keys(f.series)) {
			sr := f.series[ls]
			slices.SortStableFunc(sr.points, func(a, b point) int { return cmp.Compare(a.t, b.t) })
			for _, p := range sr.points {
				fmt.Fprintf(&b, "%s%s %s %s\n", sr.name, sr.labels, formatValue(p.v),
					strconv.FormatFloat(float64(p.t)/1000, 'f', 3, 64))
			}
		}
	}
	b.WriteString("# EOF\n")
	return b.Bytes()
}

func renderLabels(labels map[string]string) string {
	if len(labels) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range slices.Sorted(maps.Keys(labels)) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%s", k, strconv.Quote(labels[k]))
	}
	b.WriteByte('}')
	return b.String()
}

func formatValue(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

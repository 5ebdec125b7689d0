package sloconfig

import (
	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/internal/yamlpos"

	"github.com/journeyslo/journeyslo/slo"
)

// slicesOut is the file's shape of an objective's slices.
type slicesOut struct {
	Method string  `yaml:"method"`
	Window string  `yaml:"window"`
	Target float64 `yaml:"target,omitempty"`
}

func slicesOf(s *slo.Slices) *slicesOut {
	if s == nil {
		return nil
	}
	return &slicesOut{Method: s.Method.String(), Window: window(s.Window), Target: s.Target}
}

func cloneSlices(s *slo.Slices) *slo.Slices {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}

// slices reads an objective's slices: {method: Timeslices, window: 1m,
// target: 0.95}, the target left out for RatioTimeslices. slo's Validate
// checks the values.
func (p *parser) slices(n *yaml.Node, path string) *slo.Slices {
	s := &slo.Slices{}
	ok := p.fields(n, path, "an objective's time slices", []string{"method!", "window!", "target"}, func(key string, v *yaml.Node, fpath string) {
		switch key {
		case "method":
			if text, ok := p.scalar(v, fpath, "Timeslices or RatioTimeslices"); ok {
				if err := s.Method.UnmarshalText([]byte(text)); err != nil {
					p.bad(v, fpath, "%s is %s; write Timeslices or RatioTimeslices", fpath, yamlpos.Quote(text))
				}
			}
		case "window":
			s.Window = p.window(v, fpath)
		case "target":
			// A share or a percent, as an objective's target is written.
			s.Target, _ = p.w.Fraction(v, fpath, "0.95", "95%")
		}
	})
	if !ok {
		return nil
	}
	return s
}

package openslo

import (
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/journeyslo/journeyslo/internal/yamlpos"
	"github.com/journeyslo/journeyslo/slo"
)

// sliceFields is what an SLO says about time slices: its budgeting method
// and its objective's timeSliceTarget and timeSliceWindow, with their
// nodes for errors.
type sliceFields struct {
	method              string // "" when the SLO gives none
	methodNode          *yaml.Node
	target              float64
	targetNode          *yaml.Node
	window              time.Duration
	windowNode          *yaml.Node
	targetPath, winPath string
}

// sliceFields reads an objective's timeSliceTarget and timeSliceWindow.
func (r *reader) sliceFields(fs map[string]*yaml.Node, path string, sf *sliceFields) {
	if v, ok := fs["timeSliceTarget"]; ok {
		sf.targetPath = yamlpos.Join(path, "timeSliceTarget")
		if f, _, ok := r.number(v, sf.targetPath); ok {
			sf.target, sf.targetNode = f, v
			if !(f > 0 && f <= 1) {
				r.errorf(v, sf.targetPath, "%v is not a share in (0, 1]; write the share of a slice's events that must be good, such as 0.95", f)
			}
		}
	}
	if v, ok := fs["timeSliceWindow"]; ok {
		sf.winPath = yamlpos.Join(path, "timeSliceWindow")
		if s, ok := r.str(v, sf.winPath); ok {
			d, err := parseShorthand(s)
			if err != nil {
				r.errorf(v, sf.winPath, "%v", err)
				return
			}
			sf.window, sf.windowNode = d, v
		}
	}
}

// checkSlices reports what the budgeting method and the time-slice fields
// say together that journeyslo cannot read: a Timeslices SLO needs both
// fields, a RatioTimeslices SLO its window alone, an Occurrences SLO
// neither.
func (r *reader) checkSlices(sf *sliceFields) {
	switch sf.method {
	case "Timeslices":
		if sf.targetNode == nil && sf.targetPath == "" {
			r.errorf(sf.methodNode, "spec.objectives[0].timeSliceTarget", "is missing, and Timeslices judges each slice by it; write the share of a slice's events that must be good, such as 0.95")
		}
		if sf.windowNode == nil && sf.winPath == "" {
			r.errorf(sf.methodNode, "spec.objectives[0].timeSliceWindow", "is missing, and Timeslices cuts the period into slices of it; write one, such as 1m")
		}
	case "RatioTimeslices":
		if sf.targetNode != nil {
			r.errorf(sf.targetNode, sf.targetPath, "is read only by Timeslices; RatioTimeslices averages the slices' shares of good events: remove it")
		}
		if sf.windowNode == nil && sf.winPath == "" {
			r.errorf(sf.methodNode, "spec.objectives[0].timeSliceWindow", "is missing, and RatioTimeslices cuts the period into slices of it; write one, such as 1m")
		}
	default:
		if sf.targetNode != nil {
			r.errorf(sf.targetNode, sf.targetPath, "belongs to Timeslices budgeting; remove it, or write budgetingMethod: Timeslices")
		}
		if sf.windowNode != nil {
			r.errorf(sf.windowNode, sf.winPath, "belongs to Timeslices or RatioTimeslices budgeting; remove it, or write budgetingMethod: Timeslices")
		}
	}
}

// objective returns the slices of an SLO that reads them, or nil for
// Occurrences.
func (sf *sliceFields) objective() *slo.Slices {
	switch sf.method {
	case "Timeslices":
		return &slo.Slices{Method: slo.Timeslices, Window: sf.window, Target: sf.target}
	case "RatioTimeslices":
		return &slo.Slices{Method: slo.RatioTimeslices, Window: sf.window}
	}
	return nil
}

// budgeting returns the budgeting method of an objective and the fields
// its OpenSLO objective adds: timeSliceTarget and timeSliceWindow.
func budgeting(s *slo.Slices) (method string, fields []any) {
	if s == nil {
		return "Occurrences", nil
	}
	win, _ := formatShorthand(s.Window) // a whole number of minutes: slo checked
	if s.Method == slo.Timeslices {
		fields = append(fields, "timeSliceTarget", number(s.Target))
	}
	return s.Method.String(), append(fields, "timeSliceWindow", str(win))
}

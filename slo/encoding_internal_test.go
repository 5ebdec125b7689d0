package slo

import (
	"reflect"
	"testing"

	"github.com/journeyslo/journeyslo/burnrate"
)

// A field added to Objective, Status or RuleStatus must be added to its
// shape too, or every output would silently leave it out.
func TestShapesHoldEveryField(t *testing.T) {
	fields := func(v any) int {
		n := 0
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			if f := typ.Field(i); f.Anonymous && f.Type == reflect.TypeOf(burnrate.Rule{}) {
				n += f.Type.NumField()
			} else {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		name         string
		value, shape any
	}{
		{"Objective", Objective{}, objectiveShape{}},
		{"Status", Status{}, statusShape{}},
		{"RuleStatus", RuleStatus{}, ruleStatusShape{}},
		{"RecentPoint", RecentPoint{}, recentPointShape{}},
		{"Outlook", Outlook{}, outlookShape{}},
		{"RuleOutlook", RuleOutlook{}, ruleOutlookShape{}},
	} {
		if v, s := fields(tc.value), fields(tc.shape); v != s {
			t.Errorf("%s has %d fields, its JSON and YAML shape %d: add the new field to the shape", tc.name, v, s)
		}
	}
}

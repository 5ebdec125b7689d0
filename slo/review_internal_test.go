package slo

import (
	"reflect"
	"testing"
)

// A field added to Episode, Review or ObjectiveReview must be added to its
// shape too. Episode's shape has one more, "open"; Review's writes its
// Options as two fields.
func TestEpisodeShapesHoldEveryField(t *testing.T) {
	for _, tc := range []struct {
		name         string
		value, shape any
		extra        int
	}{
		{"Episode", Episode{}, episodeShape{}, 1},
		{"Review", Review{}, reviewShape{}, 1},
		{"ReviewSettings", ReviewSettings{}, struct{ Flaky, FlakyBudget int }{}, 0},
		{"ObjectiveReview", ObjectiveReview{}, objectiveReviewShape{}, 0},
	} {
		if v, s := reflect.TypeOf(tc.value).NumField(), reflect.TypeOf(tc.shape).NumField(); v+tc.extra != s {
			t.Errorf("%s has %d fields, its JSON and YAML shape %d, want %d: add the new field to the shape", tc.name, v, s, v+tc.extra)
		}
	}
}

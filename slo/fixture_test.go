package slo_test

import (
	"github.com/journeyslo/journeyslo/internal/fixture"
)

// start is fixture.Start: a midnight.
var start = fixture.Start

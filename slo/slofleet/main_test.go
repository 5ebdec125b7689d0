package slofleet_test

import (
	"testing"

	"go.uber.org/goleak"
)

// No query leaves a goroutine behind once its servers are gone.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

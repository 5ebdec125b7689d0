package backtest_test

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// t0 is where the tests' traffic starts.
var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

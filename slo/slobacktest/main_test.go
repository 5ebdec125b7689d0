package slobacktest_test

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// mar1 is where the tests' traffic starts.
var mar1 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

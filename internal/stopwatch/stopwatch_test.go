package stopwatch

import (
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestElapsed(t *testing.T) {
	mock := clock.NewMock()
	s := New(mock)
	mock.Add(1500 * time.Millisecond)
	if got := s.Elapsed(); got != 1500*time.Millisecond {
		t.Errorf("Elapsed() on a mock advanced 1.5s = %v", got)
	}
	if s.real || s.Real() {
		t.Error("a mock clock was taken for the real one")
	}
	r := New(clock.New())
	if !r.real || !r.Real() {
		t.Error("the real clock was not recognized")
	}
	a := r.Elapsed()
	time.Sleep(time.Millisecond)
	if b := r.Elapsed(); b-a < time.Millisecond {
		t.Errorf("Elapsed() grew by %v over a 1ms sleep", b-a)
	}
}

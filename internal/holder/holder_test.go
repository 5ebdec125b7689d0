package holder

import (
	"context"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type parentKey struct{}

func TestHolder(t *testing.T) {
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), parentKey{}, "v"))
	outer := New(parent, reg)
	inner := New(context.WithValue(outer, parentKey{}, "w"), reg)

	if From(context.Background()) != nil || From(parent) != nil {
		t.Error("From found a holder in a context without one")
	}
	if From(outer) != outer || From(inner) != inner {
		t.Error("From does not return the innermost holder")
	}
	if got := outer.Value(parentKey{}); got != "v" {
		t.Errorf("a holder hides its parent's values: Value = %v", got)
	}
	if outer.Journey() != nil || outer.Marked() != None {
		t.Error("a new holder has a journey or a mark")
	}

	// Code may tag a kept context while the middleware reads it.
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outer.SetJourney("checkout")
			outer.Mark(Bad)
			_, _ = outer.Journey(), outer.Marked()
		}()
	}
	wg.Wait()
	if outer.Journey() != fixture.Journey(reg, "checkout") || outer.Marked() != Bad {
		t.Errorf("journey %v, mark %d; want checkout, Bad", outer.Journey().Name(), outer.Marked())
	}
	if outer.SetJourney("nope") || outer.Journey().Name() != slo.Unmatched {
		t.Errorf("an undeclared name resolved to %q, or SetJourney reported it declared", outer.Journey().Name())
	}
	if !outer.SetJourney("checkout") {
		t.Error("SetJourney(checkout) = false for a declared journey")
	}

	cancel()
	<-inner.Done() // cancellation reaches through holders
	if inner.Err() != context.Canceled {
		t.Errorf("Err() = %v after the parent was cancelled", inner.Err())
	}
}

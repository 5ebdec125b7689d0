package slohttp

import (
	"context"
	"fmt"
	"testing"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/internal/testenv"
	"github.com/journeyslo/journeyslo/slo"
)

func TestResolverCachesDeclaredKeysOnly(t *testing.T) {
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithClock(clock.NewMock()), slo.WithManualAdvance())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	checkout, unmatched := fixture.Journey(reg, "checkout"), fixture.Journey(reg, slo.Unmatched)
	r := newResolver(map[string]*slo.Journey{"checkout": checkout}, unmatched)
	// Keys from request data: each resolves to unmatched, none is kept.
	for i := 0; i < 1000; i++ {
		if j := r.get(fmt.Sprintf("/users/%d", i)); j != unmatched {
			t.Fatalf("get(/users/%d) = %q, want %q", i, j.Name(), slo.Unmatched)
		}
	}
	for i := range r.slots {
		if e := r.slots[i].Load(); e != nil {
			t.Fatalf("slot %d holds %q after undeclared keys only", i, e.key)
		}
	}
	if j := r.get("checkout"); j != checkout {
		t.Fatalf("get(checkout) = %q", j.Name())
	}
	filled := 0
	for i := range r.slots {
		if e := r.slots[i].Load(); e != nil {
			filled++
			if e.key != "checkout" || e.journey != checkout {
				t.Fatalf("slot %d holds %q", i, e.key)
			}
		}
	}
	if filled != 1 {
		t.Fatalf("%d slots filled after one declared key, want 1", filled)
	}
	if testenv.RaceEnabled {
		return
	}
	key := "/orders/17"
	if n := testing.AllocsPerRun(100, func() { r.get(key); r.get("checkout") }); n != 0 {
		t.Fatalf("get allocates %v times per run, want 0", n)
	}
}

// TestPlainIsGood checks that the fast path of the event agrees with
// classify: every response plain calls plain, classify judges Good.
func TestPlainIsGood(t *testing.T) {
	for _, status := range []int{0, 99, 100, 101, 200, 204, 301, 404, 429, 499, 500, 503, 599, 600} {
		for bits := 0; bits < 1<<6; bits++ {
			r := Response{Status: status, Written: bits&1 != 0, Streamed: bits&2 != 0, Hijacked: bits&4 != 0, Panicked: bits&8 != 0}
			if bits&16 != 0 {
				r.Mark = slo.Bad
			}
			if bits&32 != 0 {
				r.ContextErr = context.Canceled
			}
			if r.plain() && classify(&r) != slo.Good {
				t.Errorf("%+v: plain, but classify says %v", r, classify(&r))
			}
		}
	}
}

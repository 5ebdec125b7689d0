package slohttp

import (
	"sync/atomic"
	"unsafe"

	"github.com/journeyslo/journeyslo/slo"
)

// A resolver maps strings (route patterns, journey names) to journey
// handles, with a map built at setup and anything else resolving to
// slo.Unmatched.
//
// The strings it is asked about are nearly always the same few strings,
// not just equal ones: ServeMux hands out the one pattern string it keeps
// for a route, and a journey name in code is a string constant. So a small
// cache indexed by the string's address, checked with ==, which compares
// the pointers before the bytes, answers without hashing the string. The
// address only picks the slot; == decides, so the cache is exact whatever
// the address. A slot is filled once, by the first declared key that lands
// in it, and never replaced: memory is bounded, a key whose slot is taken
// costs one map lookup, and an undeclared key one map lookup, never an
// allocation.
type resolver struct {
	known map[string]*slo.Journey
	miss  *slo.Journey
	slots [resolverSlots]atomic.Pointer[resolved]
}

const resolverBits = 7
const resolverSlots = 1 << resolverBits

type resolved struct {
	key     string
	journey *slo.Journey
}

func newResolver(known map[string]*slo.Journey, miss *slo.Journey) *resolver {
	return &resolver{known: known, miss: miss}
}

// get returns the journey of key.
func (r *resolver) get(key string) *slo.Journey {
	j, _ := r.lookup(key)
	return j
}

// lookup returns the journey of key, and whether key is declared; an
// undeclared key resolves to the miss journey.
func (r *resolver) lookup(key string) (*slo.Journey, bool) {
	if key == "" {
		return r.miss, false
	}
	// Fibonacci hashing of the address: one multiply, no read of the bytes.
	addr := uint64(uintptr(unsafe.Pointer(unsafe.StringData(key))))
	slot := &r.slots[(addr*0x9E3779B97F4A7C15)>>(64-resolverBits)]
	e := slot.Load()
	if e != nil && e.key == key {
		return e.journey, true
	}
	j, ok := r.known[key]
	if !ok {
		// An unknown key is never cached: it may come from request data
		// (a WithJourneyFunc derived from the path), which must neither
		// pin memory nor take the slot of a declared name.
		return r.miss, false
	}
	if e == nil {
		slot.CompareAndSwap(nil, &resolved{key: key, journey: j})
	}
	return j, true
}

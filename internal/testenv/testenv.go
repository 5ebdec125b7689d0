// Package testenv tells tests about the build they run in.
package testenv

// RaceEnabled is true when the race detector is on. Its instrumentation
// makes some values escape to the heap, so tests that assert zero
// allocations check them only when it is off.
const RaceEnabled = raceEnabled

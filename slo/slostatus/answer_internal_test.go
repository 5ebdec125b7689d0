package slostatus

import (
	"hash/crc32"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The CRC of a concatenation, from its parts' CRCs and lengths, is the
// CRC of the whole, for parts of every length from none to many blocks.
func TestCRCCombine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 200_000)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	for _, cut := range []int{0, 1, 3, 8, 255, 4096, 65_537, 199_999, 200_000} {
		a, b := data[:cut], data[cut:]
		want := crc32.ChecksumIEEE(data)
		got := crcMul(crcShift(int64(len(b))), crc32.ChecksumIEEE(a)) ^ crc32.ChecksumIEEE(b)
		if got != want {
			t.Errorf("cut at %d: combined %08x, want %08x", cut, got, want)
		}
	}
	if got := crcShift(0); got != 1<<31 {
		t.Errorf("crcShift(0) = %08x, want x^0 (%08x)", got, uint32(1<<31))
	}
}

// Requests that ask together for a missing answer compute it once: the
// first computes, the others wait for it; later requests for the same key
// get it as it is, and a new key computes anew.
func TestAnswersComputeOnce(t *testing.T) {
	var c answers[stateKey]
	var computed atomic.Int32
	release := make(chan struct{})
	compute := func() (stateKey, *answer) {
		computed.Add(1)
		<-release
		return stateKey{gen: 7}, newAnswer(7, time.Time{}, 200, []byte("seven"))
	}
	const askers = 16
	got := make([]*answer, askers)
	var wg sync.WaitGroup
	for i := range askers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = c.get(stateKey{gen: 7}, compute)
		}()
	}
	// Let the askers pile up on the one computation, then release it.
	for computed.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Fatalf("%d computations for %d requests of one key, want 1", n, askers)
	}
	for i, a := range got {
		if a != got[0] {
			t.Errorf("asker %d got another answer", i)
		}
	}
	if a := c.get(stateKey{gen: 7}, compute); a != got[0] || computed.Load() != 1 {
		t.Errorf("a later request of the same key computed again")
	}
	if a := c.get(stateKey{gen: 8}, func() (stateKey, *answer) {
		computed.Add(1)
		return stateKey{gen: 8}, newAnswer(8, time.Time{}, 200, []byte("eight"))
	}); a.gen != 8 || computed.Load() != 2 {
		t.Errorf("a new generation got generation %d after %d computations, want 8 after 2", a.gen, computed.Load())
	}
}

// An answer that the registry's advances made of mixed generations is
// served, not kept.
func TestAnswersKeepOnlyWholeReadings(t *testing.T) {
	var c answers[stateKey]
	n := 0
	compute := func() (stateKey, *answer) {
		n++
		a := newAnswer(3, time.Time{}, 200, []byte("mixed"))
		a.cacheable = false
		return stateKey{gen: 3}, a
	}
	c.get(stateKey{gen: 3}, compute)
	c.get(stateKey{gen: 3}, compute)
	if n != 2 {
		t.Errorf("%d computations of an answer not to keep, want 2", n)
	}
}

// A body is cut at its markers: a number's marker with its quotes, a
// text's inside its string.
func TestNewAnswerCutsAtMarkers(t *testing.T) {
	body := `{"lag": ` + string(markerJSON(holeLagSeconds)) + `, "why": "for ` + marker(holeLag) + ` now", "t": "` + marker(holeNow) + `"}`
	a := newAnswer(1, time.Date(2026, 3, 2, 0, 0, 1, 0, time.UTC), 200, []byte(body))
	want := []string{`{"lag": `, `, "why": "for `, ` now", "t": "`, `"}`}
	if len(a.parts) != len(want) || len(a.holes) != 3 {
		t.Fatalf("%d parts and %d holes, want %d and 3", len(a.parts), len(a.holes), len(want))
	}
	for i, p := range a.parts {
		if string(p) != want[i] {
			t.Errorf("part %d: %q, want %q", i, p, want[i])
		}
	}
	m := moment{now: a.at.Add(1500 * time.Millisecond), lag: 1500 * time.Millisecond}
	var out []byte
	for i, p := range a.parts {
		out = append(out, p...)
		if i < len(a.holes) {
			out = a.fill(out, a.holes[i], m)
		}
	}
	if got, want := string(out), `{"lag": 1.5, "why": "for 1.5s now", "t": "2026-03-02T00:00:02.5Z"}`; got != want {
		t.Errorf("filled: %s\nwant    %s", got, want)
	}
}

// appendCoord writes what strconv's shortest form of the rounded value
// is, for every tenth the charts draw and the edges.
func TestAppendCoord(t *testing.T) {
	want := func(v float64) string { return strconv.FormatFloat(round1(v), 'f', -1, 64) }
	for _, v := range []float64{0, -0.04, 0.04, 0.05, -0.05, 0.15, 1, 9.95, 70, 123.45, 429.96, 440, -12.34, 1e14 + 0.3, 2e15, math.Inf(1), math.NaN()} {
		if got := coord(v); got != want(v) {
			t.Errorf("coord(%v) = %q, want %q", v, got, want(v))
		}
	}
	for i := range 100_000 {
		v := float64(i)/997 - 20
		if got := coord(v); got != want(v) {
			t.Fatalf("coord(%v) = %q, want %q", v, got, want(v))
		}
	}
}

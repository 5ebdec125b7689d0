package slo_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/slo"
)

// objectStore stands for a Store over an object store or a ConfigMap: it
// keeps one snapshot per replica under the replica's stable name.
type objectStore struct {
	mu      sync.Mutex
	objects map[string][]byte
	key     string // the replica's stable name, such as its StatefulSet pod name
}

func (s *objectStore) Load(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, ok := s.objects[s.key]
	if !ok {
		// A first start, not a failure.
		return nil, fmt.Errorf("object %s: %w", s.key, fs.ErrNotExist)
	}
	return data, nil
}

func (s *objectStore) Save(ctx context.Context, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objects[s.key] = append([]byte(nil), data...) // replaced whole, as a PUT does
	return nil
}

// String names the store in the registry's errors.
func (s *objectStore) String() string { return "object store key " + s.key }

// A replica keeps its budget in a Store of its own: a restart, here a
// second registry on the same store, finds the counts where the first left
// them.
func ExampleWithStore() {
	objects := map[string][]byte{}
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	run := func(at time.Time, good, bad uint64) {
		mock := clock.NewMock()
		mock.Set(at)
		reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}},
			slo.WithClock(mock), slo.WithManualAdvance(),
			slo.WithStore(&objectStore{objects: objects, key: "checkout-0"}, time.Minute))
		if err != nil {
			panic(err)
		}
		r := reg.Restored()
		fmt.Printf("restored %v from %v\n", r.Objectives, r.Store)
		checkout, _ := reg.Journey("checkout") // declared above
		checkout.Add(good, bad)
		if err := reg.Close(); err != nil { // saves a last time
			panic(err)
		}
		st := reg.Status()[0] // over the period: the restored events too
		fmt.Printf("%d good, %d bad\n", st.Good, st.Bad)
	}
	run(start, 990, 10)
	run(start.Add(time.Minute), 500, 0) // the next pod, after a rollout
	// Output:
	// restored [] from object store key checkout-0
	// 990 good, 10 bad
	// restored [checkout:availability] from object store key checkout-0
	// 1490 good, 10 bad
}

// The snapshot format reads and writes through io, for a Store that
// streams, or to look into a snapshot.
func ExampleReadSnapshot() {
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithClock(mock), slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	checkout, _ := reg.Journey("checkout") // declared above
	checkout.Add(990, 10)
	typo, _ := reg.Journey("chekout") // a typo: counted as unmatched
	typo.Record(true)

	var buf bytes.Buffer
	if _, err := reg.Snapshot().WriteTo(&buf); err != nil {
		panic(err)
	}
	snap, err := slo.ReadSnapshot(&buf)
	if err != nil {
		panic(err)
	}
	fmt.Println("written", snap.Written.Format(time.RFC3339))
	for _, s := range snap.Series {
		fmt.Printf("%s: %d good, %d bad\n", slo.ObjectiveKey(s.Journey, s.Objective), s.Total.Good, s.Total.Bad)
	}
	// Output:
	// written 2026-03-02T09:00:00Z
	// checkout:availability: 990 good, 10 bad
	// unmatched:: 0 good, 1 bad
}

// Names written in code are looked up, so that a typo fails at setup
// rather than counting as unmatched.
func ExampleRegistry_Journey() {
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	for _, name := range []string{"checkout", "chekout"} {
		if _, ok := reg.Journey(name); !ok {
			fmt.Printf("%s: not declared; declared: %v\n", name, reg.Journeys())
			continue
		}
		fmt.Printf("%s: declared\n", name)
	}
	// Output:
	// checkout: declared
	// chekout: not declared; declared: [checkout]
}

// Background problems, here a snapshot that cannot be read, go to the
// logger given; without WithLogger or OnError, to slog.Default(). A save
// that fails is logged the same way, from the goroutine that saves; the
// one at Close is Close's error.
func ExampleWithLogger() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey { // for a stable output
				return slog.Attr{}
			}
			return a
		},
	}))
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithClock(mock), slo.WithManualAdvance(),
		slo.WithStore(slo.FileStore{}, time.Minute), slo.WithLogger(logger))
	if err != nil {
		panic(err)
	}
	fmt.Println("Close:", reg.Close()) // Close returns its own error
	// Output:
	// level=ERROR msg="journeyslo: background problem" err="slo: snapshot: reading slo.FileStore: slo: invalid: FileStore has no Path; set it to the snapshot file, such as FileStore{Path: \"/var/lib/app/slo.snapshot\"}"
	// Close: slo: snapshot: writing slo.FileStore: slo: invalid: FileStore has no Path; set it to the snapshot file, such as FileStore{Path: "/var/lib/app/slo.snapshot"}
}

func ExampleObjectiveKey() {
	fmt.Println(slo.ObjectiveKey("checkout", "latency"))
	// Output:
	// checkout:latency
}

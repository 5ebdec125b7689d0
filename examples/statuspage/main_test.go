package main

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journeyslo/journeyslo/internal/fixture"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The demo serves every handler, in the states its story promises, and
// keeps moving.
func TestDemo(t *testing.T) {
	now := time.Date(2026, 3, 31, 14, 30, 0, 0, time.UTC)
	d, err := newDemo(now, "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.reg.Close()
	srv := httptest.NewServer(d.mux)
	defer srv.Close()

	for _, tc := range []struct {
		path string
		code int
		want string
	}{
		{"/slo", 200, `<title>PAGE · Shop error budgets (demo)</title>`},
		{"/slo?format=json", 200, `"state": "ticket"`},
		{"/healthz/slo", 200, `"status": "warn"`},
		{"/slo/release-gate", 503, `"output": "release freeze: checkout:availability: page: page-1h-5m fires`},
		{"/metrics", 200, `journeyslo_instance_state{journey="checkout",objective="availability",state="page"} 1`},
		{"/", 200, `<h1>Shop error budgets (demo)</h1>`}, // redirected to /slo
	} {
		resp, err := srv.Client().Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || !strings.Contains(string(b), tc.want) {
			t.Errorf("GET %s: %d, want %d and a body with %s", tc.path, resp.StatusCode, tc.code, tc.want)
		}
	}

	// When the outage ends, a minute in, the demo says when the page
	// resets at checkout's usual error ratio, from the registry's outlook;
	// its traffic then resets it then, within the tick the outlook counts
	// in (the demo's traffic follows the hour of the day, the outlook
	// assumes the last hour's rate).
	var said strings.Builder
	d.out = &said
	for i := 0; i < 60; i++ {
		d.step(time.Second)
	}
	o := fixture.Tracker(d.reg, "checkout", "availability").Outlook(d.scenarios[0].ErrorRatio)
	if want := "14:31:00  checkout's outage is over; its page resets at 14:35:45 (in 4m45s), when page-1h-5m's 5m window no longer holds the errors\n"; said.String() != want {
		t.Errorf("at the outage's end the demo said\n%s\nwant\n%s", said.String(), want)
	}
	if len(o.Rules) != 1 || o.Rules[0].Name != "page-1h-5m" || o.Rules[0].Window != 5*time.Minute {
		t.Fatalf("outlook at the outage's end: %+v; want page-1h-5m alone, clearing by its 5m window", o)
	}
	for d.reg.Status()[0].State.String() == "page" {
		d.step(time.Second)
	}
	if reset, tick := d.mock.Now(), d.reg.Tick(); reset.Before(o.PageReset) || !reset.Before(o.PageReset.Add(tick)) {
		t.Errorf("the page reset at %v, the outlook said %v (in %v)", reset, o.PageReset, o.PageReset.Sub(o.Time))
	}
	if st := d.reg.Status()[0]; st.State.String() != "ok" {
		t.Errorf("after the page, checkout is %v by %s, want ok", st.State, st.Rule)
	}
	for d.mock.Now().Before(now.Add(6 * time.Minute)) {
		d.step(time.Second)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.live(ctx, time.Millisecond); close(done) }()
	for d.mock.Now().Before(now.Add(6*time.Minute + 3*time.Second)) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if lag, _ := d.reg.Staleness(); lag != 0 {
		t.Errorf("after living on, the registry lags %v behind its clock, want 0", lag)
	}
}

// With a snapshot file, a restarted demo restores the month instead of
// replaying it: the same counts, and the same states.
func TestSnapshotSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.snapshot")
	now := time.Date(2026, 3, 31, 14, 30, 0, 0, time.UTC)
	first, err := newDemo(now, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the replay saved a snapshot (%v); only the live minutes and Close should", err)
	}
	for i := 0; i < 90; i++ {
		first.step(time.Second) // a snapshot is due after a minute
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no snapshot after a live minute: %v", err)
	}
	if err := first.reg.Close(); err != nil {
		t.Fatal(err)
	}
	before := first.reg.Status()

	// The new process starts at the instant of the snapshot: windows are
	// exactly their length, so one that starts later has slid on and
	// counts less of its oldest bucket, as it should.
	second, err := newDemo(now.Add(90*time.Second), path)
	if err != nil {
		t.Fatal(err)
	}
	defer second.reg.Close()
	if r := second.reg.Restored(); len(r.Objectives) != 5 || len(r.Skipped) != 0 || !r.Written.Equal(now.Add(90*time.Second)) {
		t.Fatalf("Restored() = %+v, want 5 objectives written at %v", r, now.Add(90*time.Second))
	}
	after := second.reg.Status()
	for i := range before {
		b, a := before[i], after[i]
		// The period's counts come back; the totals, since New, start over.
		if a.Good != b.Good || a.Bad != b.Bad || a.State != b.State || a.TotalGood+a.TotalBad != 0 {
			t.Errorf("%s:%s after the restart: %d good, %d bad, %v, %d since New; before: %d good, %d bad, %v",
				a.Journey, a.Objective, a.Good, a.Bad, a.State, a.TotalGood+a.TotalBad, b.Good, b.Bad, b.State)
		}
	}
}

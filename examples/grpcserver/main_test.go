package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// rows finds the named rows of the printed state and returns their good
// and bad counts.
func rows(t *testing.T, out string, names ...string) map[string][2]int {
	t.Helper()
	got := map[string][2]int{}
	for _, name := range names {
		m := regexp.MustCompile(`(?m)^` + strings.ReplaceAll(name, " ", `\s+`) + `\s+(\d+)\s+(\d+)`).FindStringSubmatch(out)
		if m == nil {
			t.Errorf("no row %q in the output:\n%s", name, out)
			continue
		}
		good, _ := strconv.Atoi(m[1])
		bad, _ := strconv.Atoi(m[2])
		got[name] = [2]int{good, bad}
	}
	return got
}

// TestSmoke runs the example as -smoke does, counting with the stats
// handler and with the interceptors: 20 rounds of an order, two searches,
// a tracking stream, a health check and a call to a method the shop does
// not have, then a reflection stream and a GET of every HTTP endpoint,
// which are no events.
func TestSmoke(t *testing.T) {
	for _, interceptors := range []bool{false, true} {
		t.Run(fmt.Sprintf("interceptors=%v", interceptors), func(t *testing.T) {
			var out strings.Builder
			if err := run(context.Background(), "127.0.0.1:0", "127.0.0.1:0", mode{smoke: true, interceptors: interceptors}, &out); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{
				`shop serving gRPC on 127\.0\.0\.1:\d+`,
				`grpcurl -plaintext 127\.0\.0\.1:\d+ list\n`,
				`status page:  http://127\.0\.0\.1:\d+/slo\n`,
				`health:       http://127\.0\.0\.1:\d+/healthz/slo\n`,
				`metrics:      http://127\.0\.0\.1:\d+/metrics\n`,
			} {
				if !regexp.MustCompile(want).MatchString(out.String()) {
					t.Errorf("the output has no match for %s:\n%s", want, out.String())
				}
			}
			// The health checks and the reflection stream are good
			// unmatched events; the calls to CancelOrder, which the server
			// does not have, are bad ones that only the stats handler sees.
			unknownBad := 20
			if interceptors {
				unknownBad = 0
			}
			got := rows(t, out.String(), "checkout availability", "checkout latency", "search availability", "tracking availability", "unmatched")
			for name, want := range map[string]struct{ events, good, bad int }{
				"checkout availability": {20, -1, -1}, // random failures make good and bad vary
				"checkout latency":      {20, -1, -1},
				"search availability":   {40, 40, 0},
				"tracking availability": {20, -1, -1},
				"unmatched":             {21 + unknownBad, 21, unknownBad},
			} {
				g := got[name]
				if g[0]+g[1] != want.events || want.good >= 0 && (g[0] != want.good || g[1] != want.bad) {
					t.Errorf("%s: %d good, %d bad; want %d events (%d good, %d bad; -1 for any)", name, g[0], g[1], want.events, want.good, want.bad)
				}
			}
		})
	}
}

// syncBuffer is an io.Writer that the test reads while run writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAsGrpcurl serves the shop without its own client and calls it as
// grpcurl does: it learns the service from server reflection alone (into
// a registry of its own, not the program's), builds its messages from the
// JSON the printed commands send, and calls the methods. Then it reads
// every HTTP endpoint and checks the calls' events.
func TestAsGrpcurl(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := new(syncBuffer)
	ran := make(chan error, 1)
	go func() { ran <- run(ctx, "127.0.0.1:0", "127.0.0.1:0", mode{}, out) }()
	var grpcAddr, base string
	addrs := regexp.MustCompile(`(?s)shop serving gRPC on (127\.0\.0\.1:\d+).*status page:  (http://127\.0\.0\.1:\d+)/slo\n`)
	for deadline := time.Now().Add(10 * time.Second); base == ""; time.Sleep(10 * time.Millisecond) {
		if m := addrs.FindStringSubmatch(out.String()); m != nil {
			grpcAddr, base = m[1], m[2]
		} else if time.Now().After(deadline) {
			t.Fatalf("the shop did not say where it listens within 10s:\n%s", out.String())
		}
	}
	conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	st, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(&reflectionpb.ServerReflectionRequest{
		MessageRequest: &reflectionpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: "shop.v1.Shop"},
	}); err != nil {
		t.Fatal(err)
	}
	resp, err := st.Recv()
	if err != nil {
		t.Fatal(err)
	}
	st.CloseSend()
	if _, err := st.Recv(); err != io.EOF {
		t.Fatalf("the reflection stream ended with %v, want EOF", err)
	}
	var files protoregistry.Files
	for _, b := range resp.GetFileDescriptorResponse().GetFileDescriptorProto() {
		var fdp descriptorpb.FileDescriptorProto
		if err := proto.Unmarshal(b, &fdp); err != nil {
			t.Fatal(err)
		}
		fd, err := protodesc.NewFile(&fdp, &files)
		if err != nil {
			t.Fatal(err)
		}
		if err := files.RegisterFile(fd); err != nil {
			t.Fatal(err)
		}
	}
	d, err := files.FindDescriptorByName("shop.v1.Shop")
	if err != nil {
		t.Fatalf("reflection did not describe the shop: %v", err)
	}
	svc := d.(protoreflect.ServiceDescriptor)
	call := func(method, body string) []string {
		t.Helper()
		md := svc.Methods().ByName(protoreflect.Name(method))
		if md == nil {
			t.Fatalf("reflection describes no method %s", method)
		}
		in := dynamicpb.NewMessage(md.Input())
		if err := protojson.Unmarshal([]byte(body), in); err != nil {
			t.Fatalf("%s %s: %v", method, body, err)
		}
		name := "/shop.v1.Shop/" + method
		var answers []string
		if !md.IsStreamingServer() {
			reply := dynamicpb.NewMessage(md.Output())
			if err := conn.Invoke(ctx, name, in, reply); err != nil {
				t.Fatalf("%s: %v", method, err)
			}
			return []string{protojson.Format(reply)}
		}
		s, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SendMsg(in); err != nil {
			t.Fatal(err)
		}
		s.CloseSend()
		for {
			reply := dynamicpb.NewMessage(md.Output())
			if err = s.RecvMsg(reply); err != nil {
				break
			}
			answers = append(answers, protojson.Format(reply))
		}
		if err != io.EOF {
			// TrackOrder loses one order in ten at random: still a status.
			t.Logf("TrackOrder ended with %v", err)
		}
		return answers
	}
	if got := strings.Join(strings.Fields(call("Search", `{"q": "shoes"}`)[0]), " "); got != `{ "items": [ "shoes (blue)", "shoes (red)" ] }` {
		t.Errorf("Search answered %s", got)
	}
	if got := call("TrackOrder", `{"id": "A-1"}`); len(got) != 3 || !strings.Contains(got[2], `"delivered"`) {
		t.Errorf("TrackOrder sent %q, want three updates ending delivered", got)
	}
	for _, path := range []string{"/slo", "/slo?format=json", "/healthz/slo", "/metrics"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("GET %s: %d with %d bytes, want 200 and a body", path, resp.StatusCode, len(body))
		}
		// The counts come last, from the printed state: the counters move
		// as the registry rotates, and a stream's event may land just
		// after its client saw the end.
		if path == "/metrics" && !strings.Contains(string(body), `journeyslo_sli_events_total{journey="search",objective="availability",outcome="good"}`) {
			t.Errorf("GET /metrics has no event counter of search:\n%s", body)
		}
	}
	http.DefaultClient.CloseIdleConnections()
	conn.Close()
	cancel()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	got := rows(t, out.String(), "search availability", "tracking availability", "checkout availability", "unmatched")
	for name, want := range map[string][2]int{
		"search availability":   {1, 0},
		"checkout availability": {0, 0},
		"unmatched":             {1, 0}, // the reflection stream
	} {
		if got[name] != want {
			t.Errorf("%s: %v good and bad, want %v", name, got[name], want)
		}
	}
	if g := got["tracking availability"]; g[0]+g[1] != 1 {
		t.Errorf("tracking availability: %v good and bad, want one event", g)
	}
}

// TestSnapshotSurvivesARestart runs the smoke test twice with -snapshot on
// one file: the second run restores the first's counts and adds its own,
// so every row counts both runs' events.
func TestSnapshotSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.snapshot")
	var first, second strings.Builder
	if err := run(context.Background(), "127.0.0.1:0", "127.0.0.1:0", mode{smoke: true, snapshot: path}, &first); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(first.String(), "snapshot "+path+": restored 0 objectives") {
		t.Errorf("first run, on no file, does not say it restored nothing:\n%s", first.String())
	}
	if err := run(context.Background(), "127.0.0.1:0", "127.0.0.1:0", mode{smoke: true, snapshot: path}, &second); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(second.String(), "snapshot "+path+": restored 4 objectives") {
		t.Errorf("second run does not say it restored the 4 objectives:\n%s", second.String())
	}
	for _, row := range []struct {
		name   string
		events int
	}{
		{"checkout availability", 40},
		{"checkout latency", 40},
		{"search availability", 80},
		{"tracking availability", 40},
		// This run's only, as unmatched events have no windows to restore:
		// 20 health checks, 20 calls to no method and a reflection stream.
		{"unmatched", 41},
	} {
		m := regexp.MustCompile(`(?m)^` + strings.ReplaceAll(row.name, " ", `\s+`) + `\s+(\d+)\s+(\d+)`).FindStringSubmatch(second.String())
		if m == nil {
			t.Errorf("no row %q in the output:\n%s", row.name, second.String())
			continue
		}
		good, _ := strconv.Atoi(m[1])
		bad, _ := strconv.Atoi(m[2])
		if good+bad != row.events {
			t.Errorf("after a restart, %s: %d good, %d bad; want %d events, both runs'", row.name, good, bad, row.events)
		}
	}
}

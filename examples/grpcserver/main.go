// Command grpcserver is a small shop served over gRPC whose calls are
// journeyslo events: a unary PlaceOrder with a latency objective, a unary
// Search whose client errors are good events, and a server-streaming
// TrackOrder counted once per stream, from its final status. The standard
// health service runs beside it, unmapped, and counts as unmatched, and so
// do calls to methods the server does not have: the calls are counted by
// slogrpc's stats handler, which sees every call the server answers, with
// slogrpc's interceptors beside it, so that a request grpc cannot read
// (garbage bytes, a bad encoding, a body cut short) is excluded rather than
// bad, for streams too (-interceptors counts with the interceptors alone,
// which miss calls to unknown methods). A call whose client gave it less
// than 50 ms and that runs out of time is the client's choice, and is
// excluded too. Run it with
//
//	go run ./examples/grpcserver
//
// Server reflection is on, so grpcurl can list and call the shop (the
// program prints the commands), and an HTTP port serves the status page
// (/slo, and its JSON at /slo?format=json), the health endpoint
// (/healthz/slo) and Prometheus metrics (/metrics). A built-in client
// sends the shop a few calls a second (-load=false to stop it), and the
// state of every objective is printed every 10 seconds and on exit. With
// -smoke it serves a few dozen calls, checks reflection and every HTTP
// endpoint, prints the state and exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slogrpc"
	"github.com/journeyslo/journeyslo/slo/sloprom"
	"github.com/journeyslo/journeyslo/slo/slostatus"
)

var objectives = []slo.Objective{
	{Journey: "checkout", Target: 0.999},
	{Journey: "checkout", Target: 0.99, Latency: 100 * time.Millisecond},
	{Journey: "search", Target: 0.995},
	{Journey: "tracking", Target: 0.99},
}

var journeys = map[string]string{
	"/shop.v1.Shop/PlaceOrder": "checkout",
	"/shop.v1.Shop/Search":     "search",
	"/shop.v1.Shop/TrackOrder": "tracking",
}

func main() {
	addr := flag.String("addr", "127.0.0.1:9090", "address to serve gRPC on")
	httpAddr := flag.String("http", "127.0.0.1:8081", "address to serve the status page, health and /metrics on")
	load := flag.Bool("load", true, "send the server a few calls a second from a built-in client")
	smoke := flag.Bool("smoke", false, "serve a few dozen calls of its own, check reflection and the HTTP endpoints, print the state of every objective and exit")
	interceptors := flag.Bool("interceptors", false, "count calls with the interceptors alone, without the stats handler, which also counts calls to unknown methods")
	snapshot := flag.String("snapshot", "", "keep the budgets in this file across restarts: restored at start, written every 10 s and at exit")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *httpAddr, mode{load: *load, smoke: *smoke, interceptors: *interceptors, snapshot: *snapshot}, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// mode says what run does besides serving.
type mode struct {
	load         bool // send the server a few calls a second
	smoke        bool // serve a few dozen calls, check every endpoint, exit
	interceptors bool // count with the interceptors alone, without the stats handler
	// snapshot is the file that keeps the counts across restarts; empty
	// for none.
	snapshot string
}

// run serves until ctx ends or, with smoke, until it has made a few dozen
// calls.
func run(ctx context.Context, addr, httpAddr string, m mode, out io.Writer) error {
	var opts []slo.Option
	if m.snapshot != "" {
		opts = append(opts, slo.WithSnapshot(m.snapshot, 10*time.Second))
	}
	reg, err := slo.New(objectives, opts...)
	if err != nil {
		return err
	}
	defer reg.Close()
	if r := reg.Restored(); r.Store != nil {
		fmt.Fprintf(out, "snapshot %s: restored %d objectives written at %v\n", m.snapshot, len(r.Objectives), r.Written.Format(time.RFC3339))
	}
	// A client that gives a call less than 50 ms, half of what checkout's
	// latency objective promises, cannot blame the server for running out.
	ic, err := slogrpc.New(reg, slogrpc.WithMethods(journeys), slogrpc.WithMinDeadline(50*time.Millisecond))
	if err != nil {
		return err
	}
	// The interceptors, first in their chains (a server's own would come
	// after them), beside the stats handler, which then counts each call
	// the server answers as one event and knows which requests grpc could
	// not read; or the interceptors alone.
	count := []grpc.ServerOption{
		grpc.StatsHandler(ic.StatsHandler()),
		grpc.ChainUnaryInterceptor(ic.Unary),
		grpc.ChainStreamInterceptor(ic.Stream),
	}
	if m.interceptors {
		count = count[1:]
	}
	srv := grpc.NewServer(count...)
	srv.RegisterService(&shopDesc, &shop{})
	healthpb.RegisterHealthServer(srv, health.NewServer())
	reflection.Register(srv) // for grpcurl

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "shop serving gRPC on %s: shop.v1.Shop, grpc.health.v1.Health and server reflection\n", ln.Addr())
	fmt.Fprintf(out, "  grpcurl -plaintext %s list\n", ln.Addr())
	fmt.Fprintf(out, "  grpcurl -plaintext -d '{\"items\": 2}' %s shop.v1.Shop/PlaceOrder\n", ln.Addr())
	fmt.Fprintf(out, "  grpcurl -plaintext -d '{\"q\": \"shoes\"}' %s shop.v1.Shop/Search\n", ln.Addr())
	fmt.Fprintf(out, "  grpcurl -plaintext -d '{\"id\": \"A-1\"}' %s shop.v1.Shop/TrackOrder\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// Beside the gRPC port, what people and machines read, on a listener
	// of its own: no interceptor sees these requests, so they are no
	// events of the shop, and each handler answers an evaluation of the
	// registry once however often it is asked.
	metrics := prometheus.NewRegistry()
	metrics.MustRegister(sloprom.NewCollector(reg))
	mux := http.NewServeMux()
	mux.Handle("GET /slo", slostatus.StatusPage(reg, slostatus.WithTitle("Shop (gRPC)")))
	mux.Handle("GET /healthz/slo", slostatus.Health(reg))
	mux.Handle("GET /metrics", promhttp.HandlerFor(metrics, promhttp.HandlerOpts{}))
	web := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	hln, err := net.Listen("tcp", httpAddr)
	if err != nil {
		srv.Stop()
		<-served
		return err
	}
	base := "http://" + hln.Addr().String()
	fmt.Fprintf(out, "status page:  %s/slo\n", base)
	fmt.Fprintf(out, "as JSON:      %s/slo?format=json\n", base)
	fmt.Fprintf(out, "health:       %s/healthz/slo\n", base)
	fmt.Fprintf(out, "metrics:      %s/metrics\n", base)
	fmt.Fprintln(out, "the state of every objective is printed every 10s and on exit (Ctrl-C)")
	webServed := make(chan error, 1)
	go func() { webServed <- web.Serve(hln) }()

	conn, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err == nil {
		defer conn.Close()
	}
	switch {
	case err != nil:
	case m.smoke:
		for i := 0; i < 20 && err == nil; i++ {
			err = callAll(ctx, conn)
		}
		if err == nil {
			err = checkReflection(ctx, conn)
		}
		if err == nil {
			err = checkEndpoints(ctx, base)
		}
	default:
		tick := time.NewTicker(10 * time.Second)
		defer tick.Stop()
		calls := time.NewTicker(300 * time.Millisecond)
		defer calls.Stop()
		for done := false; !done; {
			select {
			case <-ctx.Done():
				done = true
			case <-tick.C:
				printStatus(out, reg)
			case <-calls.C:
				if m.load {
					if e := callAll(ctx, conn); e != nil && ctx.Err() == nil {
						log.Print(e)
					}
				}
			}
		}
	}
	srv.GracefulStop()
	if e := <-served; e != nil && err == nil {
		err = e
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if e := web.Shutdown(shutdown); e != nil && err == nil {
		err = e
	}
	if e := <-webServed; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	// Close evaluates what was served since the last tick and writes the
	// snapshot a last time.
	if e := reg.Close(); e != nil && err == nil {
		err = e
	}
	printStatus(out, reg)
	if m.smoke && err == nil {
		for _, st := range reg.Status() {
			if st.TotalGood+st.TotalBad == 0 {
				return fmt.Errorf("%s counted no event", slo.ObjectiveKey(st.Journey, st.Objective))
			}
		}
	}
	return err
}

// checkReflection asks the server, as grpcurl does, which services it
// has and for the description of the shop's, and fails unless both come.
func checkReflection(ctx context.Context, conn *grpc.ClientConn) error {
	st, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		return err
	}
	ask := func(req *reflectionpb.ServerReflectionRequest) (*reflectionpb.ServerReflectionResponse, error) {
		if err := st.Send(req); err != nil {
			return nil, err
		}
		resp, err := st.Recv()
		if err == nil && resp.GetErrorResponse() != nil {
			err = fmt.Errorf("server reflection: %s", resp.GetErrorResponse().GetErrorMessage())
		}
		return resp, err
	}
	resp, err := ask(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}})
	if err != nil {
		return err
	}
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+shopDesc.ServiceName+" ") {
		return fmt.Errorf("server reflection lists %q, without %s", names, shopDesc.ServiceName)
	}
	resp, err = ask(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: shopDesc.ServiceName}})
	if err != nil {
		return err
	}
	if len(resp.GetFileDescriptorResponse().GetFileDescriptorProto()) == 0 {
		return fmt.Errorf("server reflection has no description of %s", shopDesc.ServiceName)
	}
	// End the stream and wait for the server's status, so that its event
	// is in before the state is printed.
	if err := st.CloseSend(); err != nil {
		return err
	}
	if _, err := st.Recv(); err != io.EOF {
		return fmt.Errorf("server reflection did not end the stream: %v", err)
	}
	return nil
}

// checkEndpoints fetches every HTTP endpoint and fails on an unexpected
// status or content type.
func checkEndpoints(ctx context.Context, base string) error {
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	for _, e := range []struct{ path, contentType string }{
		{"/slo", "text/html; charset=utf-8"},
		{"/slo?format=json", "application/json"},
		{"/healthz/slo", "application/health+json"},
		{"/metrics", "text/plain; version=0.0.4"},
	} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+e.path, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: status %d, want 200", e.path, resp.StatusCode)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, e.contentType) {
			return fmt.Errorf("GET %s: Content-Type %q, want %q", e.path, ct, e.contentType)
		}
	}
	return nil
}

// The shop's messages and service, described in Go as protoc would
// describe shop/v1/shop.proto:
//
//	message Order   { string id = 1; int32 items = 2; }
//	message Query   { string q = 1; }
//	message Results { repeated string items = 1; }
//	message Update  { string id = 1; string status = 2; }
//	service Shop {
//	  rpc PlaceOrder(Order) returns (Order);
//	  rpc Search(Query) returns (Results);
//	  rpc TrackOrder(Order) returns (stream Update);
//	}
//
// Registered with protobuf's global registry, the description is what
// server reflection serves to grpcurl, and the messages are dynamic ones:
// the example needs neither protoc nor generated code.
var shopFile = func() protoreflect.FileDescriptor {
	field := func(name string, n int32, typ descriptorpb.FieldDescriptorProto_Type, repeated bool) *descriptorpb.FieldDescriptorProto {
		label := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL
		if repeated {
			label = descriptorpb.FieldDescriptorProto_LABEL_REPEATED
		}
		return &descriptorpb.FieldDescriptorProto{Name: proto.String(name), Number: proto.Int32(n), Type: typ.Enum(),
			Label: label.Enum(), JsonName: proto.String(name)}
	}
	str, i32 := descriptorpb.FieldDescriptorProto_TYPE_STRING, descriptorpb.FieldDescriptorProto_TYPE_INT32
	message := func(name string, fields ...*descriptorpb.FieldDescriptorProto) *descriptorpb.DescriptorProto {
		return &descriptorpb.DescriptorProto{Name: proto.String(name), Field: fields}
	}
	method := func(name, in, out string, stream bool) *descriptorpb.MethodDescriptorProto {
		return &descriptorpb.MethodDescriptorProto{Name: proto.String(name), InputType: proto.String(".shop.v1." + in),
			OutputType: proto.String(".shop.v1." + out), ServerStreaming: proto.Bool(stream)}
	}
	fd, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name:    proto.String("shop/v1/shop.proto"),
		Package: proto.String("shop.v1"),
		Syntax:  proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{
			message("Order", field("id", 1, str, false), field("items", 2, i32, false)),
			message("Query", field("q", 1, str, false)),
			message("Results", field("items", 1, str, true)),
			message("Update", field("id", 1, str, false), field("status", 2, str, false)),
		},
		Service: []*descriptorpb.ServiceDescriptorProto{{
			Name: proto.String("Shop"),
			Method: []*descriptorpb.MethodDescriptorProto{
				method("PlaceOrder", "Order", "Order", false),
				method("Search", "Query", "Results", false),
				method("TrackOrder", "Order", "Update", true),
			},
		}},
	}, protoregistry.GlobalFiles)
	if err == nil {
		err = protoregistry.GlobalFiles.RegisterFile(fd)
	}
	if err != nil {
		panic(err) // the description above is wrong
	}
	return fd
}()

var (
	orderMsg   = shopFile.Messages().ByName("Order")
	queryMsg   = shopFile.Messages().ByName("Query")
	resultsMsg = shopFile.Messages().ByName("Results")
	updateMsg  = shopFile.Messages().ByName("Update")
)

// msg returns a new message of type md with the given fields set, each a
// string, an int32 or a []string.
func msg(md protoreflect.MessageDescriptor, fields map[string]any) *dynamicpb.Message {
	m := dynamicpb.NewMessage(md)
	for name, v := range fields {
		fd := md.Fields().ByName(protoreflect.Name(name))
		switch v := v.(type) {
		case []string:
			list := m.Mutable(fd).List()
			for _, s := range v {
				list.Append(protoreflect.ValueOfString(s))
			}
		default:
			m.Set(fd, protoreflect.ValueOf(v))
		}
	}
	return m
}

// field returns the named field of m.
func field(m *dynamicpb.Message, name string) protoreflect.Value {
	return m.Get(m.Descriptor().Fields().ByName(protoreflect.Name(name)))
}

// shop implements the service; its errors are plain gRPC statuses.
type shop struct{}

func (*shop) placeOrder(ctx context.Context, o *dynamicpb.Message) (*dynamicpb.Message, error) {
	time.Sleep(time.Duration(rand.IntN(120)) * time.Millisecond) // sometimes slower than the 100 ms objective
	if rand.IntN(20) == 0 {
		return nil, status.Error(codes.Unavailable, "payment provider unavailable")
	}
	return msg(orderMsg, map[string]any{"id": "A-" + fmt.Sprint(rand.IntN(10000)), "items": int32(field(o, "items").Int())}), nil
}

func (*shop) search(ctx context.Context, q *dynamicpb.Message) (*dynamicpb.Message, error) {
	text := field(q, "q").String()
	if text == "" {
		return nil, status.Error(codes.InvalidArgument, "empty query") // the client's fault: a good event
	}
	return msg(resultsMsg, map[string]any{"items": []string{text + " (blue)", text + " (red)"}}), nil
}

func (*shop) trackOrder(o *dynamicpb.Message, ss grpc.ServerStream) error {
	for _, s := range []string{"packed", "shipped", "delivered"} {
		if err := ss.SendMsg(msg(updateMsg, map[string]any{"id": field(o, "id").String(), "status": s})); err != nil {
			return err
		}
	}
	if rand.IntN(10) == 0 {
		return status.Error(codes.Internal, "tracking database lost the order")
	}
	return nil
}

// shopDesc describes the service to grpc, as protoc-gen-go-grpc would.
var shopDesc = grpc.ServiceDesc{
	ServiceName: "shop.v1.Shop",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{
		{MethodName: "PlaceOrder", Handler: unary("PlaceOrder", orderMsg, (*shop).placeOrder)},
		{MethodName: "Search", Handler: unary("Search", queryMsg, (*shop).search)},
	},
	Streams: []grpc.StreamDesc{{
		StreamName:    "TrackOrder",
		ServerStreams: true,
		Handler: func(srv any, ss grpc.ServerStream) error {
			o := dynamicpb.NewMessage(orderMsg)
			if err := ss.RecvMsg(o); err != nil {
				return err
			}
			return srv.(*shop).trackOrder(o, ss)
		},
	}},
	Metadata: "shop/v1/shop.proto",
}

// unary adapts a method of the shop to a grpc method handler, decoding a
// request of type in and running the interceptors as generated code does.
func unary(name string, in protoreflect.MessageDescriptor, f func(*shop, context.Context, *dynamicpb.Message) (*dynamicpb.Message, error)) grpc.MethodHandler {
	return func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
		req := dynamicpb.NewMessage(in)
		if err := dec(req); err != nil {
			return nil, err
		}
		handler := func(ctx context.Context, req any) (any, error) { return f(srv.(*shop), ctx, req.(*dynamicpb.Message)) }
		if interceptor == nil {
			return handler(ctx, req)
		}
		return interceptor(ctx, req, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/shop.v1.Shop/" + name}, handler)
	}
}

// callAll makes one call of each kind: an order, two searches (one without
// a query), a tracking stream, a health check and a call to a method the
// shop does not have.
func callAll(ctx context.Context, conn *grpc.ClientConn) error {
	err := conn.Invoke(ctx, "/shop.v1.Shop/PlaceOrder", msg(orderMsg, map[string]any{"items": int32(2)}), dynamicpb.NewMessage(orderMsg))
	if err := ignoreStatus(err); err != nil {
		return err
	}
	for _, q := range []string{"shoes", ""} {
		err := conn.Invoke(ctx, "/shop.v1.Shop/Search", msg(queryMsg, map[string]any{"q": q}), dynamicpb.NewMessage(resultsMsg))
		if err := ignoreStatus(err); err != nil {
			return err
		}
	}
	st, err := conn.NewStream(ctx, &shopDesc.Streams[0], "/shop.v1.Shop/TrackOrder")
	if err != nil {
		return err
	}
	if err := st.SendMsg(msg(orderMsg, map[string]any{"id": "A-1"})); err != nil {
		return err
	}
	st.CloseSend()
	for err == nil {
		err = st.RecvMsg(dynamicpb.NewMessage(updateMsg))
	}
	if err := ignoreStatus(err); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	_, err = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err := ignoreStatus(err); err != nil {
		return err
	}
	// grpc answers Unimplemented itself: only the stats handler sees it.
	err = conn.Invoke(ctx, "/shop.v1.Shop/CancelOrder", msg(orderMsg, map[string]any{"id": "A-1"}), dynamicpb.NewMessage(orderMsg))
	return ignoreStatus(err)
}

// ignoreStatus returns err unless it is a status the server chose to send.
func ignoreStatus(err error) error {
	if _, ok := status.FromError(err); ok {
		return nil
	}
	return err
}

func printStatus(out io.Writer, reg *slo.Registry) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "journey\tobjective\tgood\tbad\tSLI\tbudget left\tstate")
	for _, st := range reg.Status() {
		// The period's counts, which the SLI and budget come from; a
		// restored snapshot's events are among them. A budget is a claim
		// only over enough events: 1 bad in 20 is not a budget
		// overspent 49 times.
		budget := st.Evidence()
		if st.Budget.Claims() {
			budget = fmt.Sprintf("%.0f%%", st.BudgetRemaining*100)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.4f\t%s\t%v\n", st.Journey, st.Objective,
			st.Good, st.Bad, st.SLI, budget, st.State)
	}
	g, b := reg.Unmatched() // this run's: unmatched events have no windows to restore
	fmt.Fprintf(tw, "%s\t\t%d\t%d\t\t\t\n", slo.Unmatched, g, b)
	tw.Flush()
}

// Command grpcserver is a small shop served over gRPC whose calls are
// journeyslo events: a unary PlaceOrder with a latency objective, a unary
// Search whose client errors are good events, and a server-streaming
// TrackOrder counted once per stream, from its final status. The service is
// described by hand and speaks JSON, so the example needs no generated
// code; the standard health service runs beside it, unmapped, and counts
// as unmatched. Run it with
//
//	go run ./examples/grpcserver
//
// A built-in client sends it a few calls a second (-load=false to stop
// it), and the state of every objective is printed every 10 seconds and
// on exit. With -smoke it serves a few dozen calls, prints the state and
// exits.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/journeyslo/journeyslo/middleware/grpcslo"
	"github.com/journeyslo/journeyslo/slo"
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
	addr := flag.String("addr", "127.0.0.1:9090", "address to listen on")
	load := flag.Bool("load", true, "send the server a few calls a second from a built-in client")
	smoke := flag.Bool("smoke", false, "serve a few dozen calls of its own, print the state of every objective and exit")
	snapshot := flag.String("snapshot", "", "keep the budgets in this file across restarts: restored at start, written every 10 s and at exit")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *load, *smoke, os.Stdout, *snapshot); err != nil {
		log.Fatal(err)
	}
}

// run serves until ctx ends or, with smoke, until it has made a few dozen
// calls; snapshot, when not empty, is the file that keeps the counts
// across restarts.
func run(ctx context.Context, addr string, load, smoke bool, out io.Writer, snapshot string) error {
	var opts []slo.Option
	if snapshot != "" {
		opts = append(opts, slo.WithSnapshot(snapshot, 10*time.Second))
	}
	reg, err := slo.New(objectives, opts...)
	if err != nil {
		return err
	}
	defer reg.Close()
	if r := reg.Restored(); r.Store != nil {
		fmt.Fprintf(out, "snapshot %s: restored %d objectives written at %v\n", snapshot, len(r.Objectives), r.Written.Format(time.RFC3339))
	}
	ic, err := grpcslo.New(reg, grpcslo.WithMethods(journeys))
	if err != nil {
		return err
	}
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(ic.Unary),
		grpc.ChainStreamInterceptor(ic.Stream),
	)
	srv.RegisterService(&shopDesc, &shop{})
	healthpb.RegisterHealthServer(srv, health.NewServer())

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "shop serving gRPC on %s: shop.v1.Shop (JSON) and grpc.health.v1.Health\n", ln.Addr())
	fmt.Fprintln(out, "the state of every objective is printed every 10s and on exit (Ctrl-C)")
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	conn, err := grpc.NewClient(ln.Addr().String(),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.CallContentSubtype(jsonCodec{}.Name())))
	if err != nil {
		return err
	}
	defer conn.Close()
	switch {
	case smoke:
		for i := 0; i < 20 && err == nil; i++ {
			err = callAll(ctx, conn)
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
				if load {
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
	// Close evaluates what was served since the last tick and writes the
	// snapshot a last time.
	if e := reg.Close(); e != nil && err == nil {
		err = e
	}
	printStatus(out, reg)
	if smoke && err == nil {
		for _, st := range reg.Status() {
			if st.TotalGood+st.TotalBad == 0 {
				return fmt.Errorf("%s/%s counted no event", st.Journey, st.Objective)
			}
		}
	}
	return err
}

// Messages of the shop service, sent as JSON.
type (
	order struct {
		ID    string `json:"id"`
		Items int    `json:"items,omitempty"`
	}
	query struct {
		Q string `json:"q"`
	}
	results struct {
		Items []string `json:"items"`
	}
	update struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
)

// shop implements the service; its errors are plain gRPC statuses.
type shop struct{}

func (*shop) placeOrder(ctx context.Context, o *order) (*order, error) {
	time.Sleep(time.Duration(rand.IntN(120)) * time.Millisecond) // sometimes slower than the 100 ms objective
	if rand.IntN(20) == 0 {
		return nil, status.Error(codes.Unavailable, "payment provider unavailable")
	}
	return &order{ID: "A-" + fmt.Sprint(rand.IntN(10000)), Items: o.Items}, nil
}

func (*shop) search(ctx context.Context, q *query) (*results, error) {
	if q.Q == "" {
		return nil, status.Error(codes.InvalidArgument, "empty query") // the client's fault: a good event
	}
	return &results{Items: []string{q.Q + " (blue)", q.Q + " (red)"}}, nil
}

func (*shop) trackOrder(o *order, ss grpc.ServerStream) error {
	for _, s := range []string{"packed", "shipped", "delivered"} {
		if err := ss.SendMsg(&update{ID: o.ID, Status: s}); err != nil {
			return err
		}
	}
	if rand.IntN(10) == 0 {
		return status.Error(codes.Internal, "tracking database lost the order")
	}
	return nil
}

// shopDesc describes the service by hand, as protoc-gen-go-grpc would.
var shopDesc = grpc.ServiceDesc{
	ServiceName: "shop.v1.Shop",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{
		{MethodName: "PlaceOrder", Handler: unary("PlaceOrder", (*shop).placeOrder)},
		{MethodName: "Search", Handler: unary("Search", (*shop).search)},
	},
	Streams: []grpc.StreamDesc{{
		StreamName:    "TrackOrder",
		ServerStreams: true,
		Handler: func(srv any, ss grpc.ServerStream) error {
			var o order
			if err := ss.RecvMsg(&o); err != nil {
				return err
			}
			return srv.(*shop).trackOrder(&o, ss)
		},
	}},
}

// unary adapts a method of the shop to a grpc method handler, running the
// interceptors as generated code does.
func unary[Req, Resp any](name string, f func(*shop, context.Context, *Req) (*Resp, error)) grpc.MethodHandler {
	return func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
		in := new(Req)
		if err := dec(in); err != nil {
			return nil, err
		}
		handler := func(ctx context.Context, req any) (any, error) { return f(srv.(*shop), ctx, req.(*Req)) }
		if interceptor == nil {
			return handler(ctx, in)
		}
		return interceptor(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/shop.v1.Shop/" + name}, handler)
	}
}

// jsonCodec lets the example's messages be plain structs.
type jsonCodec struct{}

func (jsonCodec) Marshal(v any) ([]byte, error)      { return json.Marshal(v) }
func (jsonCodec) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
func (jsonCodec) Name() string                       { return "json" }

func init() { encoding.RegisterCodec(jsonCodec{}) }

// callAll makes one call of each kind: an order, two searches (one without
// a query), a tracking stream and a health check.
func callAll(ctx context.Context, conn *grpc.ClientConn) error {
	var placed order
	err := conn.Invoke(ctx, "/shop.v1.Shop/PlaceOrder", &order{Items: 2}, &placed)
	if err := ignoreStatus(err); err != nil {
		return err
	}
	for _, q := range []string{"shoes", ""} {
		if err := ignoreStatus(conn.Invoke(ctx, "/shop.v1.Shop/Search", &query{Q: q}, &results{})); err != nil {
			return err
		}
	}
	st, err := conn.NewStream(ctx, &shopDesc.Streams[0], "/shop.v1.Shop/TrackOrder")
	if err != nil {
		return err
	}
	if err := st.SendMsg(&order{ID: "A-1"}); err != nil {
		return err
	}
	st.CloseSend()
	for {
		var u update
		if err = st.RecvMsg(&u); err != nil {
			break
		}
	}
	if err := ignoreStatus(err); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	_, err = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.CallContentSubtype("proto"))
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
		// restored snapshot's events are among them.
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.4f\t%.0f%%\t%v\n", st.Journey, st.Objective,
			st.Good, st.Bad, st.SLI, st.BudgetRemaining*100, st.State)
	}
	g, b := reg.Unmatched() // this run's: unmatched events have no windows to restore
	fmt.Fprintf(tw, "%s\t\t%d\t%d\t\t\t\n", slo.Unmatched, g, b)
	tw.Flush()
}

package slogrpc_test

import (
	"context"
	"fmt"
	"net"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/slogrpc"
)

// The interceptor as a server calls it: NotFound is the client's answer
// and good, Unavailable is the server's failure and bad, Canceled does not
// count.
func Example() {
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	ic, err := slogrpc.New(reg, slogrpc.WithMethods(map[string]string{
		"/shop.v1.Checkout/PlaceOrder": "checkout",
	}))
	if err != nil {
		panic(err)
	}
	// A server would take them as options:
	_ = []grpc.ServerOption{grpc.ChainUnaryInterceptor(ic.Unary), grpc.ChainStreamInterceptor(ic.Stream)}

	info := &grpc.UnaryServerInfo{FullMethod: "/shop.v1.Checkout/PlaceOrder"}
	for _, code := range []codes.Code{codes.OK, codes.NotFound, codes.Unavailable, codes.Canceled} {
		ic.Unary(context.Background(), nil, info, func(context.Context, any) (any, error) {
			return nil, status.Error(code, code.String())
		})
	}
	reg.Advance(reg.Clock().Now())
	j, _ := reg.Journey("checkout")
	st := j.Status()[0]
	fmt.Printf("checkout: %d good, %d bad\n", st.TotalGood, st.TotalBad)
	// Output:
	// checkout: 2 good, 1 bad
}

// The stats handler on a server: a call to a method the server does not
// register is answered Unimplemented by grpc itself, before any
// interceptor, and still counts, here for the journey the method map names.
func ExampleInterceptor_StatsHandler() {
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	ic, err := slogrpc.New(reg, slogrpc.WithMethods(map[string]string{
		"/shop.v1.Checkout/PlaceOrder": "checkout",
	}))
	if err != nil {
		panic(err)
	}
	srv := grpc.NewServer(grpc.StatsHandler(ic.StatsHandler())) // registers no service
	lis := bufconn.Listen(1 << 16)
	go srv.Serve(lis)
	conn, err := grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		panic(err)
	}
	err = conn.Invoke(context.Background(), "/shop.v1.Checkout/PlaceOrder", &emptypb.Empty{}, &emptypb.Empty{})
	fmt.Println(status.Code(err))
	conn.Close()
	srv.GracefulStop() // waits for the call to end, so its event is in

	reg.Advance(reg.Clock().Now())
	j, _ := reg.Journey("checkout")
	st := j.Status()[0]
	fmt.Printf("checkout: %d good, %d bad\n", st.TotalGood, st.TotalBad)
	// Output:
	// Unimplemented
	// checkout: 0 good, 1 bad
}

// A minimum deadline: the call whose client gave it 10 ms and that ran out
// of time is the client's choice and counts for nothing; the one given a
// minute that ran out is the server's failure.
func ExampleWithMinDeadline() {
	reg, err := slo.New([]slo.Objective{{Journey: "checkout", Target: 0.999}}, slo.WithManualAdvance())
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	ic, err := slogrpc.New(reg,
		slogrpc.WithMethods(map[string]string{"/shop.v1.Checkout/PlaceOrder": "checkout"}),
		slogrpc.WithMinDeadline(100*time.Millisecond))
	if err != nil {
		panic(err)
	}
	info := &grpc.UnaryServerInfo{FullMethod: "/shop.v1.Checkout/PlaceOrder"}
	for _, deadline := range []time.Duration{10 * time.Millisecond, time.Minute} {
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		ic.Unary(ctx, nil, info, func(context.Context, any) (any, error) {
			return nil, status.Error(codes.DeadlineExceeded, "out of time")
		})
		cancel()
	}
	reg.Advance(reg.Clock().Now())
	checkout, _ := reg.Journey("checkout") // declared above
	st := checkout.Status()[0]
	fmt.Printf("checkout: %d good, %d bad\n", st.TotalGood, st.TotalBad)
	// Output:
	// checkout: 0 good, 1 bad
}

package grpcslo_test

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/journeyslo/journeyslo/middleware/grpcslo"
	"github.com/journeyslo/journeyslo/slo"
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
	ic, err := grpcslo.New(reg, grpcslo.WithMethods(map[string]string{
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
	st := reg.Journey("checkout").Status()[0]
	fmt.Printf("checkout: %d good, %d bad\n", st.TotalGood, st.TotalBad)
	// Output:
	// checkout: 2 good, 1 bad
}

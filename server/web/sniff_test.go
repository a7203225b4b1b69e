package web

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// TestSniffRoutes checks which server each kind of client is handed to: a
// real grpc-go client to the native gRPC transport, browsers' kinds of
// requests (HTTP/1.1, HTTP/2 gRPC-Web or Connect) to net/http.
func TestSniffRoutes(t *testing.T) {
	h2c := new(http.Protocols)
	h2c.SetUnencryptedHTTP2(true)
	h1 := new(http.Protocols)
	h1.SetHTTP1(true)
	post := func(p *http.Protocols, ct string) func(addr string) {
		return func(addr string) {
			c := &http.Client{Transport: &http.Transport{Protocols: p}, Timeout: 2 * time.Second}
			resp, err := c.Post("http://"+addr+"/ml_metadata.MetadataStoreService/GetArtifacts", ct, strings.NewReader(""))
			if err == nil {
				resp.Body.Close()
			}
		}
	}
	tests := []struct {
		name   string
		client func(addr string)
		want   route
	}{
		{"grpc-go", func(addr string) {
			conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_, _ = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
		}, routeGRPC},
		{"h2 grpc-web", post(h2c, "application/grpc-web+proto"), routeHTTP},
		{"h2 connect json", post(h2c, "application/json"), routeHTTP},
		{"h2 grpc content-type", post(h2c, "application/grpc+proto"), routeGRPC},
		{"http/1.1 grpc-web", post(h1, "application/grpc-web+proto"), routeHTTP},
		{"http/1.1 get", func(addr string) {
			c := &http.Client{Timeout: 2 * time.Second}
			if resp, err := c.Get("http://" + addr + "/"); err == nil {
				resp.Body.Close()
			}
		}, routeHTTP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lis, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer lis.Close()
			got := make(chan route, 1)
			go func() {
				conn, err := lis.Accept()
				if err != nil {
					return
				}
				defer conn.Close()
				_, rt, err := sniff(conn)
				if err != nil {
					t.Errorf("sniff: %v", err)
				}
				got <- rt
			}()
			go tt.client(lis.Addr().String())
			select {
			case rt := <-got:
				if rt != tt.want {
					t.Errorf("route %v, want %v", rt, tt.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no connection sniffed")
			}
		})
	}
}

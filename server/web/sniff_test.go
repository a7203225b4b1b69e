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

// FuzzClassify feeds arbitrary connection starts to the classifier: it must
// return (never panic or loop), and anything that is not an HTTP/2 preface
// goes to the HTTP server.
func FuzzClassify(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	f.Add([]byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"))
	f.Add([]byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00"))
	f.Add([]byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x05\x01\x04\x00\x00\x00\x01\xff\xff\xff\xff\xff"))
	f.Add([]byte("PRI * HTTP/1.1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rt, _ := classify(strings.NewReader(string(data)), func() {})
		if !strings.HasPrefix(string(data), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") && rt != routeHTTP {
			t.Errorf("%q: route %v, want HTTP", data, rt)
		}
	})
}

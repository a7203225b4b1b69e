// Package webtest starts mlmd-server's shared gRPC/HTTP port over a store,
// for tests of the HTTP side (gRPC-Web, Connect, the explorer).
package webtest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/server"
	"github.com/gomlmd/gomlmd/server/web"
)

// Start serves store on 127.0.0.1 (gRPC, gRPC-Web, Connect and opts's
// extras on one port) until the test ends, and returns the address.
func Start(t testing.TB, store *mlmd.Store, opts *web.Options) string {
	t.Helper()
	if opts == nil {
		opts = &web.Options{}
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	o := *opts
	o.Logger = logger
	o.ShutdownTimeout = 5 * time.Second
	gs := server.NewGRPCServer(server.New(store), &server.Options{Logger: logger})
	h, err := web.Handler(gs, &o)
	if err != nil {
		t.Fatalf("web.Handler: %v", err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- web.Serve(ctx, lis, gs, h, &o) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("web.Serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("server did not stop")
		}
	})
	return lis.Addr().String()
}

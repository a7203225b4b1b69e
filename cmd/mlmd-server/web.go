package main

import (
	"context"
	"log/slog"
	"net"

	"github.com/gomlmd/gomlmd/server"
	"github.com/gomlmd/gomlmd/server/explorer"
	"github.com/gomlmd/gomlmd/server/serverconfig"
	"github.com/gomlmd/gomlmd/server/web"
)

// serve serves srv on lis until ctx is done: plain gRPC only, or, with
// --grpc_web (the default), gRPC plus gRPC-Web, Connect and the web explorer
// on the same port.
func serve(ctx context.Context, cfg *serverconfig.Config, srv *server.Server, lis net.Listener, logger *slog.Logger) error {
	if !cfg.Web.GRPCWeb {
		return srv.Serve(ctx, lis, cfg.ShutdownTimeout)
	}
	tlsCfg, err := cfg.TLSConfig() // checked by Load
	if err != nil {
		return err
	}
	opts := &web.Options{
		Logger:          logger,
		TLS:             tlsCfg,
		CORSOrigins:     cfg.Web.CORSOrigins,
		ShutdownTimeout: cfg.ShutdownTimeout,
	}
	if cfg.Web.Explorer {
		opts.Explorer = explorer.Handler()
	}
	h, err := web.Handler(srv, opts)
	if err != nil {
		return err
	}
	return web.Serve(ctx, lis, srv, h, opts)
}

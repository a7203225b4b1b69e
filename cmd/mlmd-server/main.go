// Command mlmd-server serves MLMD's gRPC API, ml_metadata.MetadataStoreService,
// over a gomlmd store. It is a drop-in for MLMD's C++ metadata_store_server:
// it takes the same flags (--grpc_port, --metadata_store_server_config_file,
// --mysql_config_*, --enable_database_upgrade, --grpc_channel_arguments,
// --metadata_source_config_type, ...) and the same text-format
// MetadataStoreServerConfig, so a deployment only swaps the image.
//
// With no flags it serves an in-memory store on port 8080. Run
// `mlmd-server --help` for every flag; docs/server.md has examples.
//
// Exit status: 0 after a clean shutdown (SIGTERM or SIGINT), 2 for an
// invalid command line or configuration, 1 when the database cannot be
// opened or the port cannot be bound.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/gomlmd/gomlmd/server"
	"github.com/gomlmd/gomlmd/server/serverconfig"
)

// version is set at build time (scripts/build-server.sh).
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	cfg, err := serverconfig.Load(args)
	if errors.Is(err, serverconfig.ErrHelp) {
		serverconfig.Usage(stderr)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "mlmd-server: %v\n", err)
		return 2
	}
	logger := newLogger(cfg, stderr)
	for _, w := range cfg.Warnings {
		logger.Warn(w)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	backend, _ := cfg.Backend() // checked by Load
	store, err := cfg.OpenStore(ctx, logger)
	if err != nil {
		logger.Error("cannot open the store", "database", backend.Description, "error", err)
		return 1
	}
	defer store.Close()

	creds, _ := cfg.TransportCredentials()                         // checked by Load
	extra, _, _ := serverconfig.ChannelArgOptions(cfg.ChannelArgs) // checked by Load
	srv := server.NewGRPCServer(server.New(store), &server.Options{
		Logger:        logger,
		Creds:         creds,
		ServerOptions: extra,
	})
	if cfg.EnableAdminService {
		server.NewAdmin(store).Register(srv.GRPC)
	}
	lis, err := net.Listen("tcp", cfg.ListenAddress)
	if err != nil {
		logger.Error("cannot listen", "address", cfg.ListenAddress, "error", err)
		return 1
	}
	logger.Info("serving ml_metadata.MetadataStoreService",
		"address", lis.Addr().String(), "version", version, "database", backend.Description,
		"config", cfg.Source, "tls", creds != nil, "admin_service", cfg.EnableAdminService)
	if err := srv.Serve(ctx, lis, cfg.ShutdownTimeout); err != nil {
		logger.Error("server stopped", "error", err)
		return 1
	}
	logger.Info("stopped")
	return 0
}

func newLogger(cfg *serverconfig.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

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
// At startup the server logs the database it connects to, then listens at
// once: until the database answers, the health service reports NOT_SERVING
// and calls fail with Unavailable. A database that is not reachable yet is
// retried with a growing pause; a permanent error (access denied, not an
// MLMD database, ...) ends the process at once.
//
// With --enable_database_upgrade (or migration_options
// enable_upgrade_migration in the config file) a database at an older MLMD
// schema version is upgraded to version 10 when the store opens; without
// it such a database is refused. With --downgrade_db_schema_version=N (or
// migration_options downgrade_to_schema_version) the server only
// downgrades the database to schema version N, logs it, and exits, as
// MLMD's server does; it serves nothing.
//
// Exit status: 0 after a clean shutdown (SIGTERM or SIGINT) or a
// downgrade, 2 for an invalid command line or configuration, 1 when the
// database cannot be opened or downgraded or a port cannot be bound.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/server"
	"github.com/gomlmd/gomlmd/server/serverconfig"
)

// version is set at build time (scripts/build-server.sh).
var version = "dev"

func main() {
	server.UseGCPercent()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cfg, err := serverconfig.Load(args)
	switch {
	case errors.Is(err, serverconfig.ErrHelp):
		serverconfig.Usage(stdout)
		return 0
	case errors.Is(err, serverconfig.ErrVersion):
		fmt.Fprintf(stdout, "mlmd-server %s\n", version)
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "mlmd-server: %v\n", err)
		return 2
	}
	logger := newLogger(cfg, stderr)
	_ = mysql.SetLogger(driverLogger{logger.With("component", "mysql-driver")})
	for _, w := range cfg.Warnings {
		logger.Warn(w)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	backend, _ := cfg.Backend() // checked by Load
	if to, ok := cfg.DowngradeTo(); ok {
		return downgrade(ctx, cfg, to, backend.Description, logger)
	}
	creds, _ := cfg.TransportCredentials()                         // checked by Load
	extra, _, _ := serverconfig.ChannelArgOptions(cfg.ChannelArgs) // checked by Load
	if cfg.Web.GRPCWeb {
		creds = nil // the shared port terminates TLS itself (serve, web.go)
	}
	metrics := server.NewMetrics()
	cfg.OnOpenRetry = metrics.OpenRetried
	cfg.OnTxRetry = metrics.TxRetried
	svc := server.New(nil) // answers Unavailable until the store is open
	srv := server.NewGRPCServer(svc, &server.Options{
		Logger:        logger,
		Creds:         creds,
		ServerOptions: extra,
		Limits:        cfg.Limits,
		Metrics:       metrics,
	})
	var admin *server.AdminService
	if cfg.EnableAdminService {
		admin = server.NewAdmin(nil) // answers Unavailable until the store is open
		admin.Register(srv.GRPC)
	}
	lis, err := net.Listen("tcp", cfg.ListenAddress)
	if err != nil {
		logger.Error("cannot listen", "address", cfg.ListenAddress, "error", err)
		return 1
	}
	if cfg.MetricsAddress != "" {
		mlis, err := net.Listen("tcp", cfg.MetricsAddress)
		if err != nil {
			lis.Close()
			logger.Error("cannot listen for metrics", "address", cfg.MetricsAddress, "error", err)
			return 1
		}
		defer serveMetrics(mlis, metrics, logger)()
	}
	logger.Info("serving ml_metadata.MetadataStoreService",
		"address", lis.Addr().String(), "version", version, "config", cfg.Source,
		"tls", cfg.Server.GetSslConfig() != nil, "grpc_web", cfg.Web.GRPCWeb,
		"limits", cfg.Limits.String(), "metrics", cfg.MetricsAddress,
		"admin_service", cfg.EnableAdminService)
	serveCtx, stopServing := context.WithCancel(ctx)
	defer stopServing()
	served := make(chan error, 1)
	go func() { served <- serve(serveCtx, cfg, srv, lis, logger) }()

	logger.Info("connecting to the database", "database", backend.Description)
	store, err := cfg.OpenStore(ctx, logger)
	if err != nil {
		stopServing()
		srv.GRPC.Stop()
		<-served
		if ctx.Err() != nil {
			logger.Info("stopped before the database was ready")
			return 0
		}
		logger.Error("cannot open the store", "database", backend.Description, "error", err)
		return 1
	}
	defer store.Close()
	svc.SetStore(store)
	if admin != nil {
		admin.SetStore(store)
	}
	metrics.WatchDB(server.StoreDB(store))
	logger.Info("the store is open", "database", backend.Description)
	go srv.WatchHealth(serveCtx, server.PingProbe(server.StoreDB(store)), cfg.HealthInterval, cfg.HealthTimeout)

	if err := <-served; err != nil {
		logger.Error("server stopped", "error", err)
		return 1
	}
	logger.Info("stopped")
	return 0
}

// serveMetrics serves the metrics at /metrics on lis and returns a function
// that stops the HTTP server.
func serveMetrics(lis net.Listener, m *server.Metrics, logger *slog.Logger) func() {
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics server stopped", "error", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
	}
}

// driverLogger routes the MySQL driver's own messages (broken connections,
// packet errors) into the server's structured log.
type driverLogger struct{ logger *slog.Logger }

func (d driverLogger) Print(v ...any) { d.logger.Warn(fmt.Sprint(v...)) }

func newLogger(cfg *serverconfig.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// downgrade takes the database's schema down to MLMD schema version to,
// logs the outcome and returns the exit status.
func downgrade(ctx context.Context, cfg *serverconfig.Config, to int64, database string, logger *slog.Logger) int {
	logger.Info("downgrading the database schema", "database", database, "to_version", to)
	if err := cfg.Downgrade(ctx); err != nil {
		logger.Error("cannot downgrade the database schema", "database", database, "to_version", to, "error", err)
		return 1
	}
	logger.Info("the database schema is downgraded; exiting without serving: connect to it with an MLMD release of that schema version",
		"database", database, "schema_version", to)
	return 0
}

package server

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/gomlmd/gomlmd/mlmd"
)

// SetStore gives a Service created with New(nil) its store: from then on
// it answers calls. It must be called at most once.
func (s *Service) SetStore(store *mlmd.Store) {
	s.store = store
	s.ready.Store(store != nil)
}

// Ready reports whether the service has a store.
func (s *Service) Ready() bool { return s.ready.Load() }

// unaryGate answers the MLMD service's calls with Unavailable while the
// service has no store yet (the database is still being connected to).
func (s *Service) unaryGate(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if !s.ready.Load() && strings.HasPrefix(info.FullMethod, "/"+ServiceName+"/") {
		return nil, status.Error(codes.Unavailable, "the metadata store is not ready: the server is still connecting to its database")
	}
	return handler(ctx, req)
}

// setServing sets the health status of the MLMD service, which says
// whether its store answers (Kubernetes' readiness check). The status of
// the server as a whole ("") says whether the process serves at all
// (liveness): SERVING until shutdown, so that a database outage takes
// replicas out of service without restarting them.
func (s *Server) setServing(ok bool) {
	st := healthpb.HealthCheckResponse_NOT_SERVING
	if ok {
		st = healthpb.HealthCheckResponse_SERVING
	}
	s.Health.SetServingStatus(ServiceName, st)
}

// HealthProbe checks the store's database, e.g. (*sql.DB).PingContext.
type HealthProbe func(ctx context.Context) error

// PingProbe returns a probe that pings db, or nil when db is nil (a backend
// without a connection pool is healthy once opened).
func PingProbe(db *sql.DB) HealthProbe {
	if db == nil {
		return nil
	}
	return db.PingContext
}

// WatchHealth runs probe every interval (each bounded by timeout) until ctx
// is done, and sets the health service to SERVING when the probe succeeds
// and NOT_SERVING when it fails, so that Kubernetes' readiness check takes
// a replica whose database is gone out of service. The result of a probe is
// what health checks see until the next one: checks cost nothing. A change
// of state is logged. A nil probe marks the server SERVING and returns.
func (s *Server) WatchHealth(ctx context.Context, probe HealthProbe, interval, timeout time.Duration) {
	if probe == nil {
		s.setServing(true)
		s.metrics.probed(true)
		return
	}
	if interval <= 0 {
		interval = 5 * time.Second
	}
	if timeout <= 0 || timeout > interval {
		timeout = interval
	}
	healthy := -1 // unknown
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, timeout)
		err := probe(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		ok := err == nil
		s.metrics.probed(ok)
		s.setServing(ok)
		switch {
		case ok && healthy != 1:
			s.logger.Info("the store answers: health is SERVING")
			healthy = 1
		case !ok && healthy != 0:
			s.logger.Warn("the store does not answer: health is NOT_SERVING", "error", err)
			healthy = 0
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// StoreDB returns the connection pool of store's backend (mlmd.Store.As),
// or nil for a backend without one, for PingProbe and Metrics.WatchDB.
func StoreDB(store *mlmd.Store) *sql.DB {
	var db *sql.DB
	if store.As(&db) {
		return db
	}
	return nil
}

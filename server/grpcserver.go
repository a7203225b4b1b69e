package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
)

// DefaultMaxMsgSize is the default limit on the size of a request and of a
// response: 128 MiB, above the 100 MB that Kubeflow Pipelines' clients allow
// themselves. gRPC's own default (4 MiB) is too small for large lineage
// writes.
const DefaultMaxMsgSize = 128 << 20

// ServiceName is the full name of MLMD's service, as the health service and
// reflection report it.
const ServiceName = "ml_metadata.MetadataStoreService"

// Options configure NewGRPCServer. The zero value is usable.
type Options struct {
	// Logger receives one record per call (method, code, duration) and the
	// server's own messages. nil means slog.Default().
	Logger *slog.Logger
	// Creds are the transport credentials (TLS); nil serves plaintext.
	Creds credentials.TransportCredentials
	// MaxRecvMsgSize and MaxSendMsgSize limit message sizes in bytes;
	// 0 means DefaultMaxMsgSize.
	MaxRecvMsgSize int
	MaxSendMsgSize int
	// ServerOptions are appended after the options above, so they win (for
	// example the ones built from --grpc_channel_arguments).
	ServerOptions []grpc.ServerOption
	// Limits bound the requests of the MLMD service; the zero value means
	// the defaults.
	Limits Limits
	// Metrics, if set, count every call.
	Metrics *Metrics
}

// Server is a gRPC server that serves a Service, the standard health service
// and server reflection.
type Server struct {
	GRPC   *grpc.Server
	Health *health.Server
	logger *slog.Logger

	metrics *Metrics
}

// NewGRPCServer returns a gRPC server for svc. Every call is logged once
// with the status its client received, counted in opts.Metrics, and
// recovered from panics (a panic becomes an Internal error). Requests are
// checked against opts.Limits before they are decoded. Until svc has a
// store (see Service.SetStore), the health service reports NOT_SERVING and
// the MLMD service answers Unavailable.
func NewGRPCServer(svc *Service, opts *Options) *Server {
	if opts == nil {
		opts = &Options{}
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	recv, send := opts.MaxRecvMsgSize, opts.MaxSendMsgSize
	if recv <= 0 {
		recv = DefaultMaxMsgSize
	}
	if send <= 0 {
		send = DefaultMaxMsgSize
	}
	sopts := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(recv),
		grpc.MaxSendMsgSize(send),
		grpc.StatsHandler(&callObserver{logger: logger, metrics: opts.Metrics}),
		grpc.ForceServerCodecV2(newLimitCodec(opts.Limits)),
		grpc.ChainUnaryInterceptor(unaryRecover(logger), svc.unaryGate),
		grpc.ChainStreamInterceptor(streamRecover(logger)),
		grpc.NumStreamWorkers(streamWorkers()),
	}
	if opts.Creds != nil {
		sopts = append(sopts, grpc.Creds(opts.Creds))
	}
	sopts = append(sopts, opts.ServerOptions...)
	gs := grpc.NewServer(sopts...)
	gs.RegisterService(limitedServiceDesc(), svc)
	hs := health.NewServer()
	srv := &Server{GRPC: gs, Health: hs, logger: logger, metrics: opts.Metrics}
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	srv.setServing(svc.Ready())
	healthpb.RegisterHealthServer(gs, hs)
	reflection.Register(gs)
	return srv
}

// Serve serves on lis until ctx is done, then shuts down gracefully: the
// health service turns NOT_SERVING, new calls are refused, and calls in
// flight get up to shutdownTimeout to finish (each call's transaction either
// commits or rolls back; nothing is left half-written). After the timeout the
// remaining calls are cancelled. Serve returns nil after a shutdown caused by
// ctx, or the error that stopped serving.
func (s *Server) Serve(ctx context.Context, lis net.Listener, shutdownTimeout time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- s.GRPC.Serve(lis) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.logger.Info("shutting down", "timeout", shutdownTimeout)
	s.Health.Shutdown()
	done := make(chan struct{})
	go func() {
		s.GRPC.GracefulStop()
		close(done)
	}()
	timer := time.NewTimer(shutdownTimeout)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		s.logger.Warn("calls still running after the shutdown timeout; cancelling them")
		s.GRPC.Stop()
		<-done
	}
	if err := <-errc; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return err
	}
	return nil
}

// quietMethod reports whether successful calls of method are logged at debug
// level only: health probes arrive every few seconds from Kubernetes.
func quietMethod(method string) bool {
	return strings.HasPrefix(method, "/grpc.health.v1.Health/") ||
		strings.HasPrefix(method, "/grpc.reflection.")
}

func panicError(logger *slog.Logger, method string, p any) error {
	logger.Error("panic in handler", "method", method, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	return status.Errorf(codes.Internal, "internal error in %s", method)
}

func unaryRecover(logger *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
		defer func() {
			if p := recover(); p != nil {
				resp, err = nil, panicError(logger, info.FullMethod, p)
			}
		}()
		return handler(ctx, req)
	}
}

func streamRecover(logger *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = panicError(logger, info.FullMethod, p)
			}
		}()
		return handler(srv, ss)
	}
}

// Methods returns the full names of the service's methods, as
// "/ml_metadata.MetadataStoreService/PutArtifactType", from the generated
// descriptor.
func Methods() []string {
	sd := pb.File_ml_metadata_proto_metadata_store_service_proto.Services().ByName("MetadataStoreService")
	ms := sd.Methods()
	out := make([]string, ms.Len())
	for i := range out {
		out[i] = "/" + ServiceName + "/" + string(ms.Get(i).Name())
	}
	return out
}

// streamWorkers is how many long-lived goroutines serve calls. A call
// that finds one idle runs on it, on a stack that earlier calls have
// already grown to what the SQL engine needs, instead of on a new
// goroutine whose stack is grown (copied) again and again: that copying
// was 5 % of the server's CPU under load. Calls beyond them still get a
// goroutine of their own, so this bounds nothing.
func streamWorkers() uint32 {
	return uint32(16 * runtime.GOMAXPROCS(0))
}

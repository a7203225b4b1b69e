package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	rpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/server"
)

// startRaw starts a server over an in-memory store with extra server
// options and returns a connection and a function that triggers the
// shutdown and returns Serve's result.
func startRaw(t *testing.T, logger *slog.Logger, shutdownTimeout time.Duration, extra ...grpc.ServerOption) (*grpc.ClientConn, func() error) {
	t.Helper()
	store, err := mlmd.Open(context.Background(), "sqlite", ":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv := server.NewGRPCServer(server.New(store), &server.Options{Logger: logger, ServerOptions: extra})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis, shutdownTimeout) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	var serveErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case serveErr = <-done:
			case <-time.After(20 * time.Second):
				serveErr = errors.New("Serve did not return")
			}
		})
		return serveErr
	}
	t.Cleanup(func() {
		conn.Close()
		if err := stop(); err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return conn, stop
}

func TestHealthAndReflection(t *testing.T) {
	conn, _ := startRaw(t, nil, time.Second)
	ctx := context.Background()
	h := healthpb.NewHealthClient(conn)
	for _, svc := range []string{"", server.ServiceName} {
		res, err := h.Check(ctx, &healthpb.HealthCheckRequest{Service: svc})
		if err != nil || res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("health of %q = %v, %v", svc, res, err)
		}
	}
	_, err := h.Check(ctx, &healthpb.HealthCheckRequest{Service: "no.such.Service"})
	wantCode(t, err, codes.NotFound, "health of an unknown service")

	stream, err := rpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	res, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var services []string
	for _, s := range res.GetListServicesResponse().GetService() {
		services = append(services, s.GetName())
	}
	for _, want := range []string{server.ServiceName, "grpc.health.v1.Health"} {
		found := false
		for _, s := range services {
			found = found || s == want
		}
		if !found {
			t.Errorf("reflection lists %v, missing %s", services, want)
		}
	}
	// The descriptor of MLMD's file is served too (grpcurl needs it).
	if err := stream.Send(&rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: server.ServiceName}}); err != nil {
		t.Fatal(err)
	}
	res, err = stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.GetFileDescriptorResponse().GetFileDescriptorProto()) == 0 {
		t.Errorf("no descriptor for %s: %v", server.ServiceName, res)
	}
	stream.CloseSend()
}

// slowOn returns an interceptor that holds calls of method for d (or until
// the call is cancelled) before running them.
func slowOn(method string, d time.Duration, started chan<- struct{}) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if strings.HasSuffix(info.FullMethod, "/"+method) {
			started <- struct{}{}
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return nil, status.FromContextError(ctx.Err()).Err()
			}
		}
		return handler(ctx, req)
	}
}

func TestGracefulShutdownFinishesCallsInFlight(t *testing.T) {
	started := make(chan struct{}, 1)
	conn, stop := startRaw(t, nil, 10*time.Second, grpc.ChainUnaryInterceptor(slowOn("PutContextType", 500*time.Millisecond, started)))
	c := pb.NewMetadataStoreServiceClient(conn)
	ctx := context.Background()
	errc := make(chan error, 1)
	go func() {
		_, err := c.PutContextType(ctx, &pb.PutContextTypeRequest{ContextType: &pb.ContextType{Name: proto.String("T")}})
		errc <- err
	}()
	<-started
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	if err := <-errc; err != nil {
		t.Errorf("call in flight during shutdown failed: %v", err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Serve after shutdown: %v", err)
	}
	_, err := c.GetContextTypes(ctx, &pb.GetContextTypesRequest{})
	wantCode(t, err, codes.Unavailable, "call after shutdown")
}

func TestShutdownTimeoutCancelsCalls(t *testing.T) {
	started := make(chan struct{}, 1)
	conn, stop := startRaw(t, nil, 200*time.Millisecond, grpc.ChainUnaryInterceptor(slowOn("GetContextTypes", time.Minute, started)))
	c := pb.NewMetadataStoreServiceClient(conn)
	errc := make(chan error, 1)
	go func() {
		_, err := c.GetContextTypes(context.Background(), &pb.GetContextTypesRequest{})
		errc <- err
	}()
	<-started
	begin := time.Now()
	if err := stop(); err != nil {
		t.Errorf("Serve: %v", err)
	}
	if d := time.Since(begin); d > 10*time.Second {
		t.Errorf("shutdown took %v with a 200ms timeout", d)
	}
	if err := <-errc; status.Code(err) == codes.OK {
		t.Error("a call still running after the shutdown timeout succeeded")
	}
}

func TestPanicBecomesInternal(t *testing.T) {
	boom := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if strings.HasSuffix(info.FullMethod, "/GetArtifactTypes") {
			panic("boom")
		}
		return handler(ctx, req)
	}
	conn, _ := startRaw(t, nil, time.Second, grpc.ChainUnaryInterceptor(boom))
	c := pb.NewMetadataStoreServiceClient(conn)
	_, err := c.GetArtifactTypes(context.Background(), &pb.GetArtifactTypesRequest{})
	wantCode(t, err, codes.Internal, "panicking handler")
	// The server survives.
	if _, err := c.GetContextTypes(context.Background(), &pb.GetContextTypesRequest{}); err != nil {
		t.Errorf("call after a panic: %v", err)
	}
}

// syncBuffer is an io.Writer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestCallLogs(t *testing.T) {
	var buf syncBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	conn, _ := startRaw(t, logger, time.Second)
	c := pb.NewMetadataStoreServiceClient(conn)
	ctx := context.Background()
	if _, err := c.GetContextTypes(ctx, &pb.GetContextTypesRequest{}); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetContextType(ctx, &pb.GetContextTypeRequest{TypeName: proto.String("missing")})
	wantCode(t, err, codes.NotFound, "GetContextType")
	if _, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`"level":"INFO","msg":"rpc","method":"/ml_metadata.MetadataStoreService/GetContextTypes","code":"OK","duration":`,
		`"level":"WARN","msg":"rpc","method":"/ml_metadata.MetadataStoreService/GetContextType","code":"NotFound","duration":`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s\nlog:\n%s", want, out)
		}
	}
	if strings.Contains(out, "grpc.health.v1") {
		t.Errorf("successful health checks are logged at info level:\n%s", out)
	}
}

func TestLargeMessages(t *testing.T) {
	// 6 MB in one request: over gRPC's 4 MiB default, under the server's.
	conn, _ := startRaw(t, nil, time.Second)
	c := pb.NewMetadataStoreServiceClient(conn)
	ctx := context.Background()
	tid := ok(c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: &pb.ArtifactType{Name: proto.String("Blob")}})).get(t).GetTypeId()
	big := strings.Repeat("x", 6<<20)
	ids := ok(c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{{TypeId: proto.Int64(tid), CustomProperties: map[string]*pb.Value{"blob": strV(big)}}}},
		grpc.MaxCallSendMsgSize(64<<20))).get(t).GetArtifactIds()
	res := ok(c.GetArtifactsByID(ctx, &pb.GetArtifactsByIDRequest{ArtifactIds: ids}, grpc.MaxCallRecvMsgSize(64<<20))).get(t)
	if got := res.GetArtifacts()[0].GetCustomProperties()["blob"].GetStringValue(); len(got) != len(big) {
		t.Errorf("read back %d bytes, want %d", len(got), len(big))
	}
}

package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore"    // registers the "mysql" backend
	_ "github.com/gomlmd/gomlmd/mlmd/postgresstore" // registers the "postgres" backend
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore"   // registers the "sqlite" backend
	"github.com/gomlmd/gomlmd/server"
)

// backend is a database the end-to-end tests run against.
type backend struct {
	name   string
	driver string
	dsn    func(t *testing.T) string
}

// backends returns SQLite (a file per test) and MariaDB (a fresh database
// per test on the server of MLMD_MYSQL_DSN, e.g.
// "root@tcp(127.0.0.1:3306)/", dropped afterwards; see
// testdb.MySQLServer) and PostgreSQL (likewise, on the server of
// MLMD_POSTGRES_DSN). Without a server their tests are skipped, or fail
// in CI (CI set).
func backends() []backend {
	return []backend{{
		name:   "sqlite",
		driver: "sqlite",
		dsn: func(t *testing.T) string {
			return "file:" + filepath.Join(t.TempDir(), "mlmd.db")
		},
	}, {
		name:   "mariadb",
		driver: "mysql",
		dsn:    func(t *testing.T) string { return testdb.NewMySQLDatabase(t) },
	}, {
		name:   "postgres",
		driver: "postgres",
		dsn:    func(t *testing.T) string { return testdb.NewPostgresDatabase(t) },
	}}
}

// served is a running server and a client connected to it over TCP.
type served struct {
	client pb.MetadataStoreServiceClient
	conn   *grpc.ClientConn
	addr   string
	store  *mlmd.Store

	mu     sync.Mutex
	called map[string]bool
}

// serve opens a store, starts the real gRPC server on 127.0.0.1:0 and
// connects a client whose calls are recorded, so tests can check that every
// method was exercised. Everything is stopped when the test ends.
func serve(t *testing.T, driver, dsn string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	store, err := mlmd.Open(ctx, driver, dsn, nil)
	if err != nil {
		cancel()
		t.Fatalf("open %s store: %v", driver, err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	srv := server.NewGRPCServer(server.New(store), &server.Options{Logger: logger})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		store.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis, 10*time.Second) }()

	s := &served{addr: lis.Addr().String(), store: store, called: map[string]bool{}}
	record := func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		s.mu.Lock()
		s.called[method] = true
		s.mu.Unlock()
		return invoker(ctx, method, req, reply, cc, opts...)
	}
	conn, err := grpc.NewClient(s.addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithUnaryInterceptor(record))
	if err != nil {
		t.Fatal(err)
	}
	s.conn = conn
	s.client = pb.NewMetadataStoreServiceClient(conn)
	t.Cleanup(func() {
		conn.Close()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("server did not stop")
		}
		store.Close()
	})
	return s
}

// uncalled returns the service's methods that no call reached.
func (s *served) uncalled() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, m := range server.Methods() {
		if !s.called[m] {
			out = append(out, strings.TrimPrefix(m, "/"+server.ServiceName+"/"))
		}
	}
	return out
}

// wantCode fails the test unless err has gRPC code want (codes.OK: no
// error).
func wantCode(t *testing.T, err error, want codes.Code, what string) {
	t.Helper()
	if got := status.Code(err); got != want {
		t.Fatalf("%s: code %v (%v), want %v", what, got, err, want)
	}
}

// result holds the two results of a call, so that ok(c.Call(...)).get(t)
// unwraps them in one expression.
type result[T any] struct {
	v   T
	err error
}

func ok[T any](v T, err error) result[T] { return result[T]{v, err} }

// get returns the value or fails the test with the error.
func (r result[T]) get(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		t.Fatalf("unexpected error: %v", r.err)
	}
	return r.v
}

package server_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore" // registers the "mysql" backend
	"github.com/gomlmd/gomlmd/server"
)

// backend is a database the end-to-end tests run against.
type backend struct {
	name   string
	driver string
	dsn    func(t *testing.T) string
}

// backends returns SQLite (a file per test) always, and MariaDB when the
// mysql backend is registered and MLMD_MYSQL_DSN names a server (e.g.
// "root@tcp(127.0.0.1:3306)/"); each test then gets a fresh database that is
// dropped afterwards. In CI (CI set) a registered mysql backend without a
// DSN is an error, not a skip.
func backends(t *testing.T) []backend {
	bs := []backend{{
		name:   "sqlite",
		driver: "sqlite",
		dsn: func(t *testing.T) string {
			return "file:" + filepath.Join(t.TempDir(), "mlmd.db")
		},
	}}
	if !slices.Contains(mlmd.Drivers(), "mysql") {
		return bs
	}
	base := os.Getenv("MLMD_MYSQL_DSN")
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("the mysql backend is registered but MLMD_MYSQL_DSN is not set")
		}
		t.Log("MLMD_MYSQL_DSN not set; skipping MariaDB")
		return bs
	}
	bs = append(bs, backend{
		name:   "mariadb",
		driver: "mysql",
		dsn:    func(t *testing.T) string { return freshMySQLDatabase(t, base) },
	})
	return bs
}

// freshMySQLDatabase creates a database with a random name on the server of
// base and drops it when the test ends.
func freshMySQLDatabase(t *testing.T, base string) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		t.Fatalf("MLMD_MYSQL_DSN: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "mlmd_test_" + hex.EncodeToString(b[:])
	root := cfg.Clone()
	root.DBName = ""
	db, err := sql.Open("mysql", root.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		db.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec("DROP DATABASE " + name); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
		db.Close()
	})
	cfg.DBName = name
	return cfg.FormatDSN()
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
	store, err := mlmd.Open(ctx, driver, dsn)
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

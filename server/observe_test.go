package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
	"github.com/gomlmd/gomlmd/server"
)

// startWith starts a server for svc with opts on 127.0.0.1:0 and returns a
// client connection; everything stops when the test ends.
func startWith(t *testing.T, svc *server.Service, opts *server.Options) (*server.Server, *grpc.ClientConn) {
	t.Helper()
	srv := server.NewGRPCServer(svc, opts)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis, time.Second) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20), grpc.MaxCallSendMsgSize(64<<20)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Close()
		cancel()
		<-done
	})
	return srv, conn
}

// rawCodec sends a []byte request as it is and receives any response as
// bytes: a client that can send a garbled body.
type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(*v.(*[]byte))}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	*v.(*[]byte) = data.Materialize()
	return nil
}

// logLines returns the "rpc" records of a JSON log.
func logLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] == "rpc" {
			out = append(out, rec)
		}
	}
	return out
}

// TestEveryOutcomeLoggedOnce sends requests that fail before, in and after
// the handler and checks the code the client gets, that the call is logged
// exactly once with that code, and that the metrics count it.
func TestEveryOutcomeLoggedOnce(t *testing.T) {
	store, err := mlmd.Open(context.Background(), "sqlite", ":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var buf syncBuffer
	metrics := server.NewMetrics()
	metrics.WatchDB(server.StoreDB(store))
	_, conn := startWith(t, server.New(store), &server.Options{
		Logger:         slog.New(slog.NewJSONHandler(&buf, nil)),
		MaxRecvMsgSize: 256 << 10,
		MaxSendMsgSize: 64 << 10,
		Limits:         server.Limits{MaxRequestIDs: 1000, MaxRequestNodes: 10},
		Metrics:        metrics,
	})
	c := pb.NewMetadataStoreServiceClient(conn)
	ctx := context.Background()
	tid := ok(c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: &pb.ArtifactType{Name: proto.String("Blob")}})).get(t).GetTypeId()
	bigID := ok(c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{{
		TypeId: proto.Int64(tid), CustomProperties: map[string]*pb.Value{"blob": strV(strings.Repeat("x", 100<<10))}}}})).get(t).GetArtifactIds()[0]

	manyIDs := make([]int64, 1001)
	for i := range manyIDs {
		manyIDs[i] = int64(i + 1)
	}
	// The same 1001 ids, packed by hand (proto2 sends them unpacked).
	var packed []byte
	for _, id := range manyIDs {
		packed = append(packed, byte(id&0x7f|0x80), byte(id>>7))
	}
	packedReq := append([]byte{0x0a}, appendVarint(nil, uint64(len(packed)))...)
	packedReq = append(packedReq, packed...)
	eleven := make([]*pb.Artifact, 11)
	for i := range eleven {
		eleven[i] = &pb.Artifact{TypeId: proto.Int64(tid)}
	}
	const getByID = "/ml_metadata.MetadataStoreService/GetArtifactsByID"
	tests := []struct {
		name    string
		method  string
		call    func() error
		want    codes.Code
		wantMsg string
	}{
		{"garbled body", getByID, func() error {
			in, out := []byte{0x0a, 0xff, 0xff, 0x01}, []byte(nil) // field 1, length beyond the end
			return conn.Invoke(ctx, getByID, &in, &out, grpc.ForceCodecV2(rawCodec{}))
		}, codes.InvalidArgument, "cannot decode the GetArtifactsByIDRequest"},
		{"too many ids", getByID, func() error {
			_, err := c.GetArtifactsByID(ctx, &pb.GetArtifactsByIDRequest{ArtifactIds: manyIDs})
			return err
		}, codes.InvalidArgument, "1001 ids, over the limit of 1000 per call (--max_request_ids)"},
		{"too many packed ids", getByID, func() error {
			out := []byte(nil)
			return conn.Invoke(ctx, getByID, &packedReq, &out, grpc.ForceCodecV2(rawCodec{}))
		}, codes.InvalidArgument, "1001 ids, over the limit of 1000 per call (--max_request_ids)"},
		{"too many artifacts", "/ml_metadata.MetadataStoreService/PutArtifacts", func() error {
			_, err := c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: eleven})
			return err
		}, codes.InvalidArgument, "11 items, over the limit of 10 per call (--max_request_nodes)"},
		{"request too large", "/ml_metadata.MetadataStoreService/PutArtifacts", func() error {
			_, err := c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{{
				TypeId: proto.Int64(tid), CustomProperties: map[string]*pb.Value{"blob": strV(strings.Repeat("x", 300<<10))}}}})
			return err
		}, codes.ResourceExhausted, "larger than max"},
		{"response too large", getByID, func() error {
			_, err := c.GetArtifactsByID(ctx, &pb.GetArtifactsByIDRequest{ArtifactIds: []int64{bigID}})
			return err
		}, codes.ResourceExhausted, "larger than max"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(logLines(t, buf.String()))
			err := tt.call()
			if got := status.Code(err); got != tt.want {
				t.Fatalf("code %v (%v), want %v", got, err, tt.want)
			}
			if !strings.Contains(status.Convert(err).Message(), tt.wantMsg) {
				t.Errorf("message %q lacks %q", status.Convert(err).Message(), tt.wantMsg)
			}
			var lines []map[string]any
			deadline := time.Now().Add(5 * time.Second)
			for {
				lines = logLines(t, buf.String())[before:]
				if len(lines) > 0 || time.Now().After(deadline) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(50 * time.Millisecond) // a second record would show up by now
			lines = logLines(t, buf.String())[before:]
			if len(lines) != 1 {
				t.Fatalf("%d log records, want 1: %v", len(lines), lines)
			}
			if lines[0]["method"] != tt.method || lines[0]["code"] != tt.want.String() || lines[0]["level"] != "WARN" {
				t.Errorf("log record %v, want method %s code %v at WARN", lines[0], tt.method, tt.want)
			}
		})
	}

	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`mlmd_server_calls_total{code="InvalidArgument",method="/ml_metadata.MetadataStoreService/GetArtifactsByID"} 3`,
		`mlmd_server_calls_total{code="ResourceExhausted",method="/ml_metadata.MetadataStoreService/GetArtifactsByID"} 1`,
		`mlmd_server_calls_total{code="OK",method="/ml_metadata.MetadataStoreService/PutArtifactType"} 1`,
		`mlmd_server_call_duration_seconds_bucket{method="/ml_metadata.MetadataStoreService/PutArtifacts",le="+Inf"} 3`,
		`go_sql_max_open_connections{db_name="mlmd"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// TestNoDriverTextReachesClients checks that an error from the database
// keeps its code but not its text on the way to the client, and that the
// server's log has the text.
func TestNoDriverTextReachesClients(t *testing.T) {
	dsn := "file:" + filepath.Join(t.TempDir(), "mlmd.db")
	store, err := mlmd.Open(context.Background(), "sqlite", dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var buf syncBuffer
	_, conn := startWith(t, server.New(store), &server.Options{Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	// Another process breaks the schema: every type read now fails in the
	// driver with "no such table".
	db, err := sqlitestore.OpenDB(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DROP TABLE Type"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = pb.NewMetadataStoreServiceClient(conn).GetArtifactTypes(context.Background(), &pb.GetArtifactTypesRequest{})
	if err == nil {
		t.Fatal("call on a closed store succeeded")
	}
	msg := status.Convert(err).Message()
	if strings.Contains(msg, "no such table") {
		t.Errorf("the driver's error reached the client: %q", msg)
	}
	// The call is logged when the RPC ends on the server (a stats
	// handler's End event), which may come after the client has its answer.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(buf.String(), "no such table"); {
		if time.Now().After(deadline) {
			t.Fatalf("the log lacks the driver's error:\n%s", buf.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestNotReadyUntilStore: a server started before its store answers
// Unavailable and reports NOT_SERVING; SetStore and a health watch make it
// serve.
func TestNotReadyUntilStore(t *testing.T) {
	svc := server.New(nil)
	srv, conn := startWith(t, svc, &server.Options{Logger: slog.New(slog.DiscardHandler)})
	ctx := context.Background()
	hc := healthpb.NewHealthClient(conn)
	c := pb.NewMetadataStoreServiceClient(conn)
	for name, want := range map[string]healthpb.HealthCheckResponse_ServingStatus{
		"":                 healthpb.HealthCheckResponse_SERVING, // liveness: the process serves
		server.ServiceName: healthpb.HealthCheckResponse_NOT_SERVING,
	} {
		res, err := hc.Check(ctx, &healthpb.HealthCheckRequest{Service: name})
		if err != nil || res.GetStatus() != want {
			t.Errorf("health %q before the store: %v, %v; want %v", name, res.GetStatus(), err, want)
		}
	}
	_, err := c.GetArtifactTypes(ctx, &pb.GetArtifactTypesRequest{})
	wantCode(t, err, codes.Unavailable, "call before the store")

	store, err := mlmd.Open(ctx, "sqlite", ":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc.SetStore(store)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go srv.WatchHealth(wctx, server.PingProbe(server.StoreDB(store)), 50*time.Millisecond, time.Second)
	waitHealth(t, hc, healthpb.HealthCheckResponse_SERVING, 5*time.Second)
	if _, err := c.GetArtifactTypes(ctx, &pb.GetArtifactTypesRequest{}); err != nil {
		t.Fatalf("call after SetStore: %v", err)
	}
}

// waitHealth polls the health service until it reports want.
func waitHealth(t *testing.T, hc healthpb.HealthClient, want healthpb.HealthCheckResponse_ServingStatus, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var last healthpb.HealthCheckResponse_ServingStatus
	for time.Now().Before(deadline) {
		res, err := hc.Check(context.Background(), &healthpb.HealthCheckRequest{Service: server.ServiceName})
		if err == nil {
			last = res.GetStatus()
			if last == want {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("health %v after %v, want %v", last, within, want)
}

// TestResponseRowLimit: an unpaged listing over the store's row limit
// fails with ResourceExhausted naming the flag, and is logged once with
// that code; pages and smaller answers work.
func TestResponseRowLimit(t *testing.T) {
	ctx := context.Background()
	store, err := mlmd.Open(ctx, "sqlite", ":memory:", &mlmd.Options{MaxResultRows: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var buf syncBuffer
	_, conn := startWith(t, server.New(store), &server.Options{Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	c := pb.NewMetadataStoreServiceClient(conn)
	tid := ok(c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: &pb.ArtifactType{Name: proto.String("A")}})).get(t).GetTypeId()
	cid := ok(c.PutContexts(ctx, &pb.PutContextsRequest{Contexts: []*pb.Context{{TypeId: proto.Int64(
		ok(c.PutContextType(ctx, &pb.PutContextTypeRequest{ContextType: &pb.ContextType{Name: proto.String("C")}})).get(t).GetTypeId()),
		Name: proto.String("c")}}})).get(t).GetContextIds()[0]
	put := func(n int) {
		arts := make([]*pb.Artifact, n)
		for i := range arts {
			arts[i] = &pb.Artifact{TypeId: proto.Int64(tid)}
		}
		ids := ok(c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: arts})).get(t).GetArtifactIds()
		var as []*pb.Attribution
		for _, id := range ids {
			as = append(as, &pb.Attribution{ArtifactId: proto.Int64(id), ContextId: proto.Int64(cid)})
		}
		ok(c.PutAttributionsAndAssociations(ctx, &pb.PutAttributionsAndAssociationsRequest{Attributions: as})).get(t)
	}
	put(5)
	if got := len(ok(c.GetArtifacts(ctx, &pb.GetArtifactsRequest{})).get(t).GetArtifacts()); got != 5 {
		t.Fatalf("GetArtifacts at the limit: %d artifacts, want 5", got)
	}
	put(1)
	for name, call := range map[string]func() error{
		"GetArtifacts": func() error { _, err := c.GetArtifacts(ctx, &pb.GetArtifactsRequest{}); return err },
		"GetArtifactsByType": func() error {
			_, err := c.GetArtifactsByType(ctx, &pb.GetArtifactsByTypeRequest{TypeName: proto.String("A")})
			return err
		},
		"GetArtifactsByContext": func() error {
			_, err := c.GetArtifactsByContext(ctx, &pb.GetArtifactsByContextRequest{ContextId: proto.Int64(cid)})
			return err
		},
	} {
		err := call()
		wantCode(t, err, codes.ResourceExhausted, name)
		if msg := status.Convert(err).Message(); !strings.Contains(msg, "more than 5 artifacts") || !strings.Contains(msg, "--max_response_rows") {
			t.Errorf("%s: message %q does not name the limit and its flag", name, msg)
		}
	}
	page := ok(c.GetArtifacts(ctx, &pb.GetArtifactsRequest{Options: &pb.ListOperationOptions{MaxResultSize: proto.Int32(100)}})).get(t)
	if len(page.GetArtifacts()) != 6 {
		t.Errorf("paged listing: %d artifacts, want 6", len(page.GetArtifacts()))
	}
	// A call is logged when the server is done with it, which may be
	// after its client has the answer.
	n := 0
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		n = 0
		for _, rec := range logLines(t, buf.String()) {
			if rec["code"] == "ResourceExhausted" {
				n++
			}
		}
		if n >= 3 || time.Now().After(deadline) {
			break
		}
	}
	if n != 3 {
		t.Errorf("%d ResourceExhausted log records, want 3", n)
	}
}

// TestClientMistakesKeepTheirDetail: a client's own mistake comes back
// with what is wrong with it (a filter query's position and problem), not
// only its code.
func TestClientMistakesKeepTheirDetail(t *testing.T) {
	store, err := mlmd.Open(context.Background(), "sqlite", ":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	_, conn := startWith(t, server.New(store), &server.Options{Logger: slog.New(slog.DiscardHandler)})
	_, err = pb.NewMetadataStoreServiceClient(conn).GetArtifacts(context.Background(), &pb.GetArtifactsRequest{
		Options: &pb.ListOperationOptions{FilterQuery: proto.String("nmae = 'x'")}})
	wantCode(t, err, codes.InvalidArgument, "bad filter query")
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "1:1") || !strings.Contains(msg, "nmae") {
		t.Errorf("message %q does not say where and what the problem is", msg)
	}
}

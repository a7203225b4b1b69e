package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/server"
)

// TestCancelledCallStops: a call whose client gives up stops working on
// the server soon after, instead of running to the end. The server's log
// record of the call says how long the handler ran; it must be well under
// what the whole call takes.
func TestCancelledCallStops(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 30,000 artifacts")
	}
	ctx := context.Background()
	store, err := mlmd.Open(ctx, "sqlite", "file:"+filepath.Join(t.TempDir(), "mlmd.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	tid, err := store.PutArtifactType(ctx, mlmd.ArtifactType{Name: "A", Properties: map[string]mlmd.PropertyType{"p": mlmd.PropertyString}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for b := 0; b < 3; b++ {
		arts := make([]mlmd.Artifact, 10_000)
		for i := range arts {
			arts[i] = mlmd.Artifact{TypeID: tid, URI: fmt.Sprint("s3://b/", b, "/", i), Properties: mlmd.Properties{"p": mlmd.StringValue("v")}}
		}
		got, err := store.PutArtifacts(ctx, arts, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got...)
	}
	var buf syncBuffer
	_, conn := startWith(t, server.New(store), &server.Options{Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	c := pb.NewMetadataStoreServiceClient(conn)

	// The whole call, for scale.
	start := time.Now()
	res, err := c.GetArtifactsByID(ctx, &pb.GetArtifactsByIDRequest{ArtifactIds: ids})
	full := time.Since(start)
	if err != nil || len(res.GetArtifacts()) != len(ids) {
		t.Fatalf("full call: %d artifacts, %v", len(res.GetArtifacts()), err)
	}

	const deadline = 100 * time.Millisecond
	before := len(logLines(t, buf.String()))
	cctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	_, err = c.GetArtifactsByID(cctx, &pb.GetArtifactsByIDRequest{ArtifactIds: ids})
	if status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("call with a %v deadline: %v, want DeadlineExceeded", deadline, err)
	}
	// Wait for the server's record of the call.
	var rec map[string]any
	for wait := time.Now(); time.Since(wait) < full+5*time.Second; time.Sleep(10 * time.Millisecond) {
		if lines := logLines(t, buf.String())[before:]; len(lines) > 0 {
			rec = lines[0]
			break
		}
	}
	if rec == nil {
		t.Fatal("the cancelled call was never logged")
	}
	ran := time.Duration(rec["duration"].(float64))
	t.Logf("full call %v; cancelled after %v, the server stopped after %v (code %v)", full, deadline, ran, rec["code"])
	if bound := deadline + full/2; ran > bound {
		t.Errorf("the server worked %v on a call cancelled after %v (full call %v), want under %v", ran, deadline, full, bound)
	}

	// A write cancelled part way leaves nothing behind.
	arts := make([]*pb.Artifact, 10_000)
	for i := range arts {
		arts[i] = &pb.Artifact{TypeId: proto.Int64(tid), Uri: proto.String(fmt.Sprint("s3://cancelled/", i))}
	}
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer wcancel()
	_, err = c.PutArtifacts(wctx, &pb.PutArtifactsRequest{Artifacts: arts})
	if status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("PutArtifacts with a 20ms deadline: %v, want DeadlineExceeded", err)
	}
	time.Sleep(full / 2) // let a server that did not stop finish
	left, err := c.GetArtifactsByURI(ctx, &pb.GetArtifactsByURIRequest{Uris: []string{"s3://cancelled/0", "s3://cancelled/9999"}})
	if err != nil || len(left.GetArtifacts()) != 0 {
		t.Errorf("after the cancelled write: %d of its artifacts stored (%v), want none", len(left.GetArtifacts()), err)
	}
}

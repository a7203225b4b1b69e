package server_test

import (
	"context"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"

	adminpb "github.com/gomlmd/gomlmd/gen/adminpb"
	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/server"
)

// serveAdmin serves MLMD's service and, if admin, the AdminService over
// one store, and returns clients of both.
func serveAdmin(t *testing.T, driver, dsn string, admin bool) (pb.MetadataStoreServiceClient, adminpb.AdminServiceClient) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	store, err := mlmd.Open(ctx, driver, dsn, nil)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	srv := server.NewGRPCServer(server.New(store), nil)
	if admin {
		server.NewAdmin(store).Register(srv.GRPC)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis, 5*time.Second) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		store.Close()
	})
	return pb.NewMetadataStoreServiceClient(conn), adminpb.NewAdminServiceClient(conn)
}

func TestAdminService(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			c, admin := serveAdmin(t, b.driver, b.dsn(t), true)
			at := ok(c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: &pb.ArtifactType{Name: proto.String("A")}})).get(t).GetTypeId()
			et := ok(c.PutExecutionType(ctx, &pb.PutExecutionTypeRequest{ExecutionType: &pb.ExecutionType{Name: proto.String("E")}})).get(t).GetTypeId()
			res := ok(c.PutExecution(ctx, &pb.PutExecutionRequest{
				Execution: &pb.Execution{TypeId: proto.Int64(et)},
				ArtifactEventPairs: []*pb.PutExecutionRequest_ArtifactAndEvent{
					{Artifact: &pb.Artifact{TypeId: proto.Int64(at), Uri: proto.String("/in")}, Event: &pb.Event{Type: pb.Event_INPUT.Enum()}},
					{Artifact: &pb.Artifact{TypeId: proto.Int64(at), Uri: proto.String("/out")}, Event: &pb.Event{Type: pb.Event_OUTPUT.Enum()}},
				},
			})).get(t)

			_, err := admin.DeleteNodes(ctx, &adminpb.DeleteNodesRequest{ArtifactIds: []int64{res.GetArtifactIds()[1], 999}})
			wantCode(t, err, codes.NotFound, "delete with a missing id")
			_, err = admin.DeleteType(ctx, &adminpb.DeleteTypeRequest{Kind: adminpb.Kind_KIND_ARTIFACT, TypeId: at})
			wantCode(t, err, codes.FailedPrecondition, "delete a type in use")
			_, err = admin.DeleteNodesByFilter(ctx, &adminpb.DeleteNodesByFilterRequest{Kind: adminpb.Kind_KIND_UNSPECIFIED, FilterQuery: "uri = '/in'", Limit: 1})
			wantCode(t, err, codes.InvalidArgument, "delete by filter without a kind")
			_, err = admin.DeleteNodesByFilter(ctx, &adminpb.DeleteNodesByFilterRequest{Kind: adminpb.Kind_KIND_ARTIFACT, FilterQuery: "uri = '/in'"})
			wantCode(t, err, codes.InvalidArgument, "delete by filter without a limit")

			ok(admin.DeleteNodes(ctx, &adminpb.DeleteNodesRequest{ArtifactIds: []int64{res.GetArtifactIds()[1]}})).get(t)
			byFilter := ok(admin.DeleteNodesByFilter(ctx, &adminpb.DeleteNodesByFilterRequest{Kind: adminpb.Kind_KIND_ARTIFACT, FilterQuery: "uri = '/in'", Limit: 5})).get(t)
			if got := byFilter.GetDeletedIds(); len(got) != 1 || got[0] != res.GetArtifactIds()[0] {
				t.Errorf("deleted by filter %v, want [%d]", got, res.GetArtifactIds()[0])
			}
			// MLMD's service sees it: no artifacts, the execution has no events.
			if as := ok(c.GetArtifacts(ctx, &pb.GetArtifactsRequest{})).get(t).GetArtifacts(); len(as) != 0 {
				t.Errorf("artifacts left: %v", as)
			}
			evs := ok(c.GetEventsByExecutionIDs(ctx, &pb.GetEventsByExecutionIDsRequest{ExecutionIds: []int64{res.GetExecutionId()}})).get(t)
			if len(evs.GetEvents()) != 0 {
				t.Errorf("events left: %v", evs.GetEvents())
			}
			ok(admin.DeleteType(ctx, &adminpb.DeleteTypeRequest{Kind: adminpb.Kind_KIND_ARTIFACT, TypeId: at})).get(t)
			_, err = c.GetArtifactType(ctx, &pb.GetArtifactTypeRequest{TypeName: proto.String("A")})
			wantCode(t, err, codes.NotFound, "get the deleted type")
		})
	}
}

// TestAdminServiceOffByDefault: a server without the admin service
// answers its methods with Unimplemented.
func TestAdminServiceOffByDefault(t *testing.T) {
	_, admin := serveAdmin(t, "sqlite", ":memory:", false)
	_, err := admin.DeleteNodes(t.Context(), &adminpb.DeleteNodesRequest{})
	wantCode(t, err, codes.Unimplemented, "DeleteNodes on a server without the admin service")
}

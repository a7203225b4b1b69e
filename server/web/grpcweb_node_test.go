package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore" // registers the "mysql" backend
	"github.com/gomlmd/gomlmd/server/web/webtest"
)

// webDir is the frontend's source directory, with node_modules after
// `npm ci`.
var webDir = filepath.Join("..", "..", "web")

// needNode returns the path of node, or skips the test (fails it under CI)
// when Node.js or the npm packages are missing.
func needNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(webDir, "node_modules", "grpc-web"))
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Node.js with web/'s npm packages is required under CI (apt-get install nodejs npm; cd web && npm ci): %v", err)
		}
		t.Skipf("Node.js or web/node_modules missing (cd web && npm ci): %v", err)
	}
	return node
}

// kfpCall is one call of the list Kubeflow Pipelines' UI makes.
type kfpCall struct {
	method string
	req    proto.Message
}

// TestGRPCWebClientFromNPM drives the npm grpc-web client, under Node.js,
// through every call Kubeflow Pipelines' UI makes, against mlmd-server on
// SQLite and on MariaDB (MLMD_MYSQL_DSN), and checks each answer equals the
// same call over native gRPC.
func TestGRPCWebClientFromNPM(t *testing.T) {
	node := needNode(t)
	t.Run("sqlite", func(t *testing.T) { grpcWebKFPCalls(t, node, openStore(t)) })
	t.Run("mariadb", func(t *testing.T) {
		store, err := mlmd.Open(context.Background(), "mysql", testdb.NewMySQLDatabase(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		grpcWebKFPCalls(t, node, store)
	})
}

func grpcWebKFPCalls(t *testing.T, node string, store *mlmd.Store) {
	addr := webtest.Start(t, store, nil)
	ctx := context.Background()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := pb.NewMetadataStoreServiceClient(conn)
	ids := fillKFPLike(t, c)

	page := func(n int32, token string) *pb.ListOperationOptions {
		o := &pb.ListOperationOptions{MaxResultSize: proto.Int32(n)}
		if token != "" {
			o.NextPageToken = proto.String(token)
		}
		return o
	}
	// First pages over gRPC give the tokens of the second pages.
	a1, err := c.GetArtifacts(ctx, &pb.GetArtifactsRequest{Options: page(3, "")})
	if err != nil || a1.GetNextPageToken() == "" {
		t.Fatalf("GetArtifacts page 1: %v (token %q)", err, a1.GetNextPageToken())
	}
	e1, err := c.GetExecutions(ctx, &pb.GetExecutionsRequest{Options: page(2, "")})
	if err != nil || e1.GetNextPageToken() == "" {
		t.Fatalf("GetExecutions page 1: %v (token %q)", err, e1.GetNextPageToken())
	}
	calls := []kfpCall{
		{"GetArtifacts", &pb.GetArtifactsRequest{}},
		{"GetArtifacts", &pb.GetArtifactsRequest{Options: page(3, "")}},
		{"GetArtifacts", &pb.GetArtifactsRequest{Options: page(3, a1.GetNextPageToken())}},
		{"GetExecutions", &pb.GetExecutionsRequest{}},
		{"GetExecutions", &pb.GetExecutionsRequest{Options: page(2, "")}},
		{"GetExecutions", &pb.GetExecutionsRequest{Options: page(2, e1.GetNextPageToken())}},
		{"GetArtifactsByID", &pb.GetArtifactsByIDRequest{ArtifactIds: []int64{ids.artifacts[0], ids.artifacts[4], 987654}}},
		{"GetExecutionsByID", &pb.GetExecutionsByIDRequest{ExecutionIds: ids.executions}},
		{"GetArtifactTypes", &pb.GetArtifactTypesRequest{}},
		{"GetArtifactTypesByID", &pb.GetArtifactTypesByIDRequest{TypeIds: []int64{ids.artifactType}}},
		{"GetExecutionTypes", &pb.GetExecutionTypesRequest{}},
		{"GetExecutionTypesByID", &pb.GetExecutionTypesByIDRequest{TypeIds: []int64{ids.executionType}}},
		{"GetArtifactsByContext", &pb.GetArtifactsByContextRequest{ContextId: proto.Int64(ids.context)}},
		{"GetArtifactsByContext", &pb.GetArtifactsByContextRequest{ContextId: proto.Int64(ids.context), Options: page(2, "")}},
		{"GetExecutionsByContext", &pb.GetExecutionsByContextRequest{ContextId: proto.Int64(ids.context)}},
		{"GetContextByTypeAndName", &pb.GetContextByTypeAndNameRequest{TypeName: proto.String("system.PipelineRun"), ContextName: proto.String("run-1")}},
		{"GetContextByTypeAndName", &pb.GetContextByTypeAndNameRequest{TypeName: proto.String("system.PipelineRun"), ContextName: proto.String("no-such-run")}},
		{"GetContextType", &pb.GetContextTypeRequest{TypeName: proto.String("system.PipelineRun")}},
		{"GetContextType", &pb.GetContextTypeRequest{TypeName: proto.String("no.such.Type")}},
		{"GetContextsByExecution", &pb.GetContextsByExecutionRequest{ExecutionId: proto.Int64(ids.executions[0])}},
		{"GetEventsByExecutionIDs", &pb.GetEventsByExecutionIDsRequest{ExecutionIds: ids.executions}},
		{"GetEventsByArtifactIDs", &pb.GetEventsByArtifactIDsRequest{ArtifactIds: ids.artifacts}},
	}

	type in struct {
		Method  string `json:"method"`
		Request string `json:"request"`
	}
	input := struct {
		URL   string `json:"url"`
		Calls []in   `json:"calls"`
	}{URL: "http://" + addr}
	for _, call := range calls {
		b, err := proto.Marshal(call.req)
		if err != nil {
			t.Fatal(err)
		}
		input.Calls = append(input.Calls, in{call.method, base64.StdEncoding.EncodeToString(b)})
	}
	stdin, _ := json.Marshal(input)
	cmd := exec.Command(node, filepath.Join(webDir, "test", "grpcweb-client.cjs"))
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node grpcweb-client.cjs: %v\n%s", err, stderr.String())
	}
	var results []struct {
		Method   string `json:"method"`
		Response string `json:"response"`
		Error    *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("node output %q: %v", out, err)
	}
	if len(results) != len(calls) {
		t.Fatalf("node answered %d calls, want %d", len(results), len(calls))
	}
	for i, call := range calls {
		r := results[i]
		md := pb.File_ml_metadata_proto_metadata_store_service_proto.Services().ByName("MetadataStoreService").Methods().ByName(protoName(call.method))
		want, wantErr := invoke(ctx, conn, call.method, call.req, md.Output().FullName())
		if wantErr != nil {
			st := statusOf(wantErr)
			if r.Error == nil || r.Error.Code != int(st.Code()) || r.Error.Message != st.Message() {
				t.Errorf("%d %s: grpc-web %+v, want error %v", i, call.method, r.Error, wantErr)
			}
			continue
		}
		if r.Error != nil {
			t.Errorf("%d %s: grpc-web error %+v, want %v", i, call.method, *r.Error, want)
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(r.Response)
		if err != nil {
			t.Fatal(err)
		}
		got := want.ProtoReflect().New().Interface()
		if err := proto.Unmarshal(raw, got); err != nil {
			t.Fatalf("%s: decoding grpc-web answer: %v", call.method, err)
		}
		if !proto.Equal(got, want) {
			t.Errorf("%d %s: grpc-web answer\n%v\nwant (gRPC)\n%v", i, call.method, got, want)
		}
	}
	// The answers are not trivially empty or all errors.
	answered := 0
	for _, r := range results {
		if r.Error == nil && len(r.Response) > 8 {
			answered++
		}
	}
	if answered < len(calls)-2 || len(a1.GetArtifacts()) != 3 {
		t.Errorf("%d of %d calls answered with data; first page has %d artifacts", answered, len(calls), len(a1.GetArtifacts()))
	}
	t.Logf("%d calls over gRPC-Web (%d with data) equal to gRPC", len(calls), answered)
}

// kfpIDs are the ids fillKFPLike created.
type kfpIDs struct {
	artifactType, executionType int64
	artifacts, executions       []int64
	context                     int64
}

// fillKFPLike writes what a Kubeflow pipeline run leaves: system types,
// seven artifacts (one with a struct custom property), three executions,
// events between them and a run context holding all of them.
func fillKFPLike(t *testing.T, c pb.MetadataStoreServiceClient) kfpIDs {
	t.Helper()
	ctx := context.Background()
	var ids kfpIDs
	at, err := c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: &pb.ArtifactType{
		Name: proto.String("system.Model"), Properties: map[string]pb.PropertyType{"framework": pb.PropertyType_STRING}}})
	if err != nil {
		t.Fatal(err)
	}
	ids.artifactType = at.GetTypeId()
	et, err := c.PutExecutionType(ctx, &pb.PutExecutionTypeRequest{ExecutionType: &pb.ExecutionType{
		Name: proto.String("system.ContainerExecution"), Properties: map[string]pb.PropertyType{"image": pb.PropertyType_STRING}}})
	if err != nil {
		t.Fatal(err)
	}
	ids.executionType = et.GetTypeId()
	ct, err := c.PutContextType(ctx, &pb.PutContextTypeRequest{ContextType: &pb.ContextType{Name: proto.String("system.PipelineRun")}})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := structpb.NewStruct(map[string]any{"accuracy": 0.93, "labels": []any{"a", "b"}})
	var arts []*pb.Artifact
	for i := range 7 {
		a := &pb.Artifact{
			TypeId: proto.Int64(ids.artifactType),
			Uri:    proto.String("gs://bucket/model/" + itoa(int64(i))),
			State:  pb.Artifact_LIVE.Enum(),
			Properties: map[string]*pb.Value{
				"framework": {Value: &pb.Value_StringValue{StringValue: "tf"}},
			},
			CustomProperties: map[string]*pb.Value{
				"display_name": {Value: &pb.Value_StringValue{StringValue: "model " + itoa(int64(i))}},
				"metrics":      {Value: &pb.Value_StructValue{StructValue: st}},
			},
		}
		arts = append(arts, a)
	}
	pa, err := c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: arts})
	if err != nil {
		t.Fatal(err)
	}
	ids.artifacts = pa.GetArtifactIds()
	var execs []*pb.Execution
	for i := range 3 {
		execs = append(execs, &pb.Execution{
			TypeId:         proto.Int64(ids.executionType),
			Name:           proto.String("step-" + itoa(int64(i))),
			LastKnownState: pb.Execution_COMPLETE.Enum(),
			Properties:     map[string]*pb.Value{"image": {Value: &pb.Value_StringValue{StringValue: "python:3.11"}}},
		})
	}
	pe, err := c.PutExecutions(ctx, &pb.PutExecutionsRequest{Executions: execs})
	if err != nil {
		t.Fatal(err)
	}
	ids.executions = pe.GetExecutionIds()
	var events []*pb.Event
	for i, a := range ids.artifacts {
		typ := pb.Event_OUTPUT
		if i%2 == 1 {
			typ = pb.Event_INPUT
		}
		events = append(events, &pb.Event{
			ArtifactId: proto.Int64(a), ExecutionId: proto.Int64(ids.executions[i%3]), Type: typ.Enum(),
			Path: &pb.Event_Path{Steps: []*pb.Event_Path_Step{{Value: &pb.Event_Path_Step_Key{Key: "out"}}}},
		})
	}
	if _, err := c.PutEvents(ctx, &pb.PutEventsRequest{Events: events}); err != nil {
		t.Fatal(err)
	}
	pc, err := c.PutContexts(ctx, &pb.PutContextsRequest{Contexts: []*pb.Context{{TypeId: proto.Int64(ct.GetTypeId()), Name: proto.String("run-1")}}})
	if err != nil {
		t.Fatal(err)
	}
	ids.context = pc.GetContextIds()[0]
	req := &pb.PutAttributionsAndAssociationsRequest{}
	for _, a := range ids.artifacts {
		req.Attributions = append(req.Attributions, &pb.Attribution{ArtifactId: proto.Int64(a), ContextId: proto.Int64(ids.context)})
	}
	for _, e := range ids.executions {
		req.Associations = append(req.Associations, &pb.Association{ExecutionId: proto.Int64(e), ContextId: proto.Int64(ids.context)})
	}
	if _, err := c.PutAttributionsAndAssociations(ctx, req); err != nil {
		t.Fatal(err)
	}
	return ids
}

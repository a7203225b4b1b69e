package server_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
)

// lineageFixture stores MLMD's lineage test graph through the RPCs:
//
//	a0   a1      a3
//	|      \    /    \
//	e0      e1        e3
//	                /    \
//	   a2    a4(LIVE)     a5
//	     \   /
//	      e2
//
// and returns the artifact and execution ids by index.
func lineageFixture(t *testing.T, c pb.MetadataStoreServiceClient) (a, e []int64) {
	ctx := context.Background()
	types := ok(c.PutTypes(ctx, &pb.PutTypesRequest{
		ArtifactTypes:  []*pb.ArtifactType{{Name: proto.String("t1"), Properties: map[string]pb.PropertyType{"p1": pb.PropertyType_STRING}}},
		ExecutionTypes: []*pb.ExecutionType{{Name: proto.String("t2")}},
	})).get(t)
	at, et := types.GetArtifactTypeIds()[0], types.GetExecutionTypeIds()[0]
	for i := range 6 {
		art := &pb.Artifact{TypeId: proto.Int64(at), Uri: proto.String(fmt.Sprintf("uri://foo/a%d", i)),
			Properties: map[string]*pb.Value{"p1": strV(fmt.Sprintf("a%d", i))}}
		if i == 4 {
			art.State = pb.Artifact_LIVE.Enum()
		}
		a = append(a, ok(c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{art}})).get(t).GetArtifactIds()[0])
	}
	for _, io := range []struct{ in, out []int }{{[]int{0}, nil}, {[]int{1}, []int{3}}, {[]int{2}, []int{4}}, {[]int{3, 4}, []int{5}}} {
		req := &pb.PutExecutionRequest{Execution: &pb.Execution{TypeId: proto.Int64(et)}}
		for _, i := range io.in {
			req.ArtifactEventPairs = append(req.ArtifactEventPairs, &pb.PutExecutionRequest_ArtifactAndEvent{
				Event: &pb.Event{ArtifactId: proto.Int64(a[i]), Type: pb.Event_INPUT.Enum()}})
		}
		for _, i := range io.out {
			req.ArtifactEventPairs = append(req.ArtifactEventPairs, &pb.PutExecutionRequest_ArtifactAndEvent{
				Event: &pb.Event{ArtifactId: proto.Int64(a[i]), Type: pb.Event_OUTPUT.Enum(),
					Path: &pb.Event_Path{Steps: []*pb.Event_Path_Step{{Value: &pb.Event_Path_Step_Key{Key: "out"}}}}}})
		}
		e = append(e, ok(c.PutExecution(ctx, req)).get(t).GetExecutionId())
	}
	return a, e
}

// pick returns the ids at the indexes, sorted.
func pick(ids []int64, is ...int) []int64 {
	var out []int64
	for _, i := range is {
		out = append(out, ids[i])
	}
	slices.Sort(out)
	return out
}

func eventPairs(evs []*pb.Event) [][2]int64 {
	var out [][2]int64
	for _, ev := range evs {
		out = append(out, [2]int64{ev.GetArtifactId(), ev.GetExecutionId()})
	}
	slices.SortFunc(out, func(x, y [2]int64) int {
		if x[0] != y[0] {
			return int(x[0] - y[0])
		}
		return int(x[1] - y[1])
	})
	return out
}

func TestLineageRPCs(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			c := serve(t, b.driver, b.dsn(t)).client
			ctx := context.Background()
			a, e := lineageFixture(t, c)
			startA4 := &pb.LineageSubgraphQueryOptions_StartingArtifacts{StartingArtifacts: &pb.LineageSubgraphQueryOptions_StartingNodes{
				FilterQuery: proto.String("uri = 'uri://foo/a4'")}}

			// Two hops both ways from a4, everything in the answer, nodes
			// by id only (as MLMD's server).
			got := ok(c.GetLineageSubgraph(ctx, &pb.GetLineageSubgraphRequest{LineageSubgraphQueryOptions: &pb.LineageSubgraphQueryOptions{
				StartingNodes: startA4, MaxNumHops: proto.Int64(2),
			}})).get(t).GetLineageSubgraph()
			if ids := sorted(ids(got.GetArtifacts())...); !slices.Equal(ids, pick(a, 2, 3, 4, 5)) {
				t.Errorf("artifacts %v, want %v", ids, pick(a, 2, 3, 4, 5))
			}
			if ids := sorted(ids(got.GetExecutions())...); !slices.Equal(ids, pick(e, 2, 3)) {
				t.Errorf("executions %v", ids)
			}
			for _, art := range got.GetArtifacts() {
				if art.Uri != nil || art.TypeId != nil || len(art.GetProperties()) != 0 {
					t.Errorf("artifact %v: want its id only", art)
				}
			}
			want := [][2]int64{{a[2], e[2]}, {a[3], e[3]}, {a[4], e[2]}, {a[4], e[3]}, {a[5], e[3]}}
			slices.SortFunc(want, func(x, y [2]int64) int { return int(x[0]-y[0])*1000 + int(x[1]-y[1]) })
			if got := eventPairs(got.GetEvents()); fmt.Sprint(got) != fmt.Sprint(eventPairs(pairsToEvents(want))) {
				t.Errorf("events %v, want %v", got, want)
			}
			for _, ev := range got.GetEvents() {
				if ev.GetType() == pb.Event_OUTPUT && ev.GetPath().GetSteps()[0].GetKey() != "out" {
					t.Errorf("event without its path: %v", ev)
				}
			}
			if len(got.GetArtifactTypes()) == 0 || len(got.GetExecutionTypes()) == 0 {
				t.Errorf("types missing: %v %v", got.GetArtifactTypes(), got.GetExecutionTypes())
			}

			// A read mask, upstream, and ending nodes: with a filter_query
			// (a3 ends the walk), and present without one (no effect).
			got = ok(c.GetLineageSubgraph(ctx, &pb.GetLineageSubgraphRequest{
				LineageSubgraphQueryOptions: &pb.LineageSubgraphQueryOptions{
					StartingNodes: &pb.LineageSubgraphQueryOptions_StartingExecutions{StartingExecutions: &pb.LineageSubgraphQueryOptions_StartingNodes{
						FilterQuery: proto.String(fmt.Sprintf("id = %d", e[3]))}},
					Direction:        pb.LineageSubgraphQueryOptions_UPSTREAM.Enum(),
					EndingArtifacts:  &pb.LineageSubgraphQueryOptions_EndingNodes{FilterQuery: proto.String("uri = 'uri://foo/a3'")},
					EndingExecutions: &pb.LineageSubgraphQueryOptions_EndingNodes{IncludeEndingNodes: proto.Bool(true)},
				},
				ReadMask: &fieldmaskpb.FieldMask{Paths: []string{"artifacts", "events"}},
			})).get(t).GetLineageSubgraph()
			if ids := sorted(ids(got.GetArtifacts())...); !slices.Equal(ids, pick(a, 2, 4)) {
				t.Errorf("upstream of e3 ending at a3: artifacts %v, want %v", ids, pick(a, 2, 4))
			}
			if len(got.GetExecutions())+len(got.GetArtifactTypes()) != 0 {
				t.Errorf("read mask ignored: %v", got)
			}
			if fmt.Sprint(eventPairs(got.GetEvents())) != fmt.Sprint([][2]int64{{a[2], e[2]}, {a[4], e[2]}, {a[4], e[3]}}) {
				t.Errorf("upstream events %v", eventPairs(got.GetEvents()))
			}
			// An ending filter that is present but empty ends at every node.
			got = ok(c.GetLineageSubgraph(ctx, &pb.GetLineageSubgraphRequest{LineageSubgraphQueryOptions: &pb.LineageSubgraphQueryOptions{
				StartingNodes:    startA4,
				EndingExecutions: &pb.LineageSubgraphQueryOptions_EndingNodes{FilterQuery: proto.String("")},
			}})).get(t).GetLineageSubgraph()
			if len(got.GetArtifacts()) != 1 || len(got.GetExecutions()) != 0 || len(got.GetEvents()) != 0 {
				t.Errorf("every execution ends: %v", got)
			}

			for _, c2 := range []struct {
				what string
				req  *pb.GetLineageSubgraphRequest
				code codes.Code
			}{
				{"no options", &pb.GetLineageSubgraphRequest{}, codes.InvalidArgument},
				{"no filter", &pb.GetLineageSubgraphRequest{LineageSubgraphQueryOptions: &pb.LineageSubgraphQueryOptions{
					StartingNodes: &pb.LineageSubgraphQueryOptions_StartingArtifacts{StartingArtifacts: &pb.LineageSubgraphQueryOptions_StartingNodes{}}}},
					codes.InvalidArgument},
				{"negative hops", &pb.GetLineageSubgraphRequest{LineageSubgraphQueryOptions: &pb.LineageSubgraphQueryOptions{
					StartingNodes: startA4, MaxNumHops: proto.Int64(-1)}}, codes.InvalidArgument},
				{"no match", &pb.GetLineageSubgraphRequest{LineageSubgraphQueryOptions: &pb.LineageSubgraphQueryOptions{
					StartingNodes: &pb.LineageSubgraphQueryOptions_StartingArtifacts{StartingArtifacts: &pb.LineageSubgraphQueryOptions_StartingNodes{
						FilterQuery: proto.String("uri = 'nowhere'")}}}}, codes.NotFound},
			} {
				_, err := c.GetLineageSubgraph(ctx, c2.req)
				wantCode(t, err, c2.code, "GetLineageSubgraph, "+c2.what)
			}

			// GetLineageGraph: whole nodes, 3 hops from a4.
			graph := ok(c.GetLineageGraph(ctx, &pb.GetLineageGraphRequest{Options: &pb.LineageGraphQueryOptions{
				QueryNodes:     &pb.LineageGraphQueryOptions_ArtifactsOptions{ArtifactsOptions: &pb.ListOperationOptions{FilterQuery: proto.String("uri = 'uri://foo/a4'")}},
				StopConditions: &pb.LineageGraphQueryOptions_BoundaryConstraint{MaxNumHops: proto.Int64(3), BoundaryArtifacts: proto.String("uri != 'uri://foo/a5'")},
			}})).get(t).GetSubgraph()
			if ids := sorted(ids(graph.GetArtifacts())...); !slices.Equal(ids, pick(a, 2, 3, 4)) {
				t.Errorf("GetLineageGraph artifacts %v, want %v", ids, pick(a, 2, 3, 4))
			}
			if ids := sorted(ids(graph.GetExecutions())...); !slices.Equal(ids, pick(e, 1, 2, 3)) {
				t.Errorf("GetLineageGraph executions %v", ids)
			}
			for _, art := range graph.GetArtifacts() {
				if art.GetUri() == "" || art.GetProperties()["p1"].GetStringValue() == "" || art.GetType() != "t1" {
					t.Errorf("GetLineageGraph artifact not whole: %v", art)
				}
			}
			if len(graph.GetEvents()) != 5 || len(graph.GetArtifactTypes()) != 1 {
				t.Errorf("GetLineageGraph: %d events, %d artifact types; want 5 and 1", len(graph.GetEvents()), len(graph.GetArtifactTypes()))
			}
			// max_node_size keeps its proto default of 20; 2 nodes: a4 and e2.
			small := ok(c.GetLineageGraph(ctx, &pb.GetLineageGraphRequest{Options: &pb.LineageGraphQueryOptions{
				QueryNodes:  &pb.LineageGraphQueryOptions_ArtifactsOptions{ArtifactsOptions: &pb.ListOperationOptions{FilterQuery: proto.String("uri = 'uri://foo/a4'")}},
				MaxNodeSize: proto.Int64(2),
			}})).get(t).GetSubgraph()
			if len(small.GetArtifacts()) != 1 || !slices.Equal(ids(small.GetExecutions()), pick(e, 2)) {
				t.Errorf("GetLineageGraph with 2 nodes: %v", small)
			}
			_, err := c.GetLineageGraph(ctx, &pb.GetLineageGraphRequest{})
			wantCode(t, err, codes.InvalidArgument, "GetLineageGraph without query nodes")
			_, err = c.GetLineageGraph(ctx, &pb.GetLineageGraphRequest{Options: &pb.LineageGraphQueryOptions{
				QueryNodes: &pb.LineageGraphQueryOptions_ArtifactsOptions{ArtifactsOptions: &pb.ListOperationOptions{FilterQuery: proto.String("uri = 'nowhere'")}}}})
			wantCode(t, err, codes.NotFound, "GetLineageGraph matching nothing")
		})
	}
}

func pairsToEvents(ps [][2]int64) []*pb.Event {
	var out []*pb.Event
	for _, p := range ps {
		out = append(out, &pb.Event{ArtifactId: proto.Int64(p[0]), ExecutionId: proto.Int64(p[1])})
	}
	return out
}

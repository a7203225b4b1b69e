package server_test

// A replay of the calls Kubeflow Pipelines 2.x makes to MLMD while it runs a
// pipeline (its driver and launcher): get-or-create of the pipeline and run
// contexts, execution types put on every call, PutExecution with the
// contexts and input events, output artifacts put separately, publish with
// a struct "outputs" custom property and output events, and the listing of
// a DAG's children by GetExecutionsByContext with a parent_dag_id filter,
// paged to the end. The client below follows KFP's call sequence and error
// handling; every answer is checked.

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
)

// kfpClient is a Kubeflow-Pipelines-shaped MLMD client.
type kfpClient struct {
	svc pb.MetadataStoreServiceClient
}

var (
	kfpPipelineType    = &pb.ContextType{Name: proto.String("system.Pipeline")}
	kfpPipelineRunType = &pb.ContextType{Name: proto.String("system.PipelineRun")}
)

// getOrInsertContext is KFP's get-or-create: look the context up (an empty
// answer means "missing"), make sure the type exists (AlreadyExists means
// someone else made it), create the context, and if another task created
// it in the meantime (AlreadyExists), look it up again.
func (k *kfpClient) getOrInsertContext(ctx context.Context, name string, ctype *pb.ContextType, props map[string]*pb.Value) (*pb.Context, error) {
	got, err := k.svc.GetContextByTypeAndName(ctx, &pb.GetContextByTypeAndNameRequest{TypeName: ctype.Name, ContextName: proto.String(name)})
	if err != nil {
		return nil, fmt.Errorf("GetContextByTypeAndName(%s, %s): %w", ctype.GetName(), name, err)
	}
	if got.Context != nil {
		return got.Context, nil
	}
	var typeID int64
	put, err := k.svc.PutContextType(ctx, &pb.PutContextTypeRequest{ContextType: ctype})
	if err == nil {
		typeID = put.GetTypeId()
	} else {
		if status.Code(err) != codes.AlreadyExists {
			return nil, fmt.Errorf("PutContextType: %w", err)
		}
		gt, err := k.svc.GetContextType(ctx, &pb.GetContextTypeRequest{TypeName: ctype.Name})
		if err != nil {
			return nil, fmt.Errorf("GetContextType: %w", err)
		}
		typeID = gt.GetContextType().GetId()
	}
	c := &pb.Context{Name: proto.String(name), TypeId: proto.Int64(typeID), CustomProperties: props}
	res, err := k.svc.PutContexts(ctx, &pb.PutContextsRequest{Contexts: []*pb.Context{c}})
	if err != nil {
		if status.Code(err) == codes.AlreadyExists {
			again, err2 := k.svc.GetContextByTypeAndName(ctx, &pb.GetContextByTypeAndNameRequest{TypeName: ctype.Name, ContextName: proto.String(name)})
			if err2 != nil {
				return nil, fmt.Errorf("GetContextByTypeAndName after a race: %w", err2)
			}
			if again.Context != nil {
				return again.Context, nil
			}
		}
		return nil, fmt.Errorf("PutContexts: %w", err)
	}
	c.Id = proto.Int64(res.GetContextIds()[0])
	return c, nil
}

type kfpPipeline struct {
	pipeline, run *pb.Context
}

// getPipeline creates or finds the pipeline and run contexts and links them;
// an existing link (AlreadyExists) is fine.
func (k *kfpClient) getPipeline(ctx context.Context, pipelineName, runID string) (*kfpPipeline, error) {
	p, err := k.getOrInsertContext(ctx, pipelineName, kfpPipelineType, nil)
	if err != nil {
		return nil, err
	}
	r, err := k.getOrInsertContext(ctx, runID, kfpPipelineRunType, map[string]*pb.Value{
		"pipeline_root": strV("minio://mlpipeline/v2/artifacts/" + pipelineName + "/" + runID),
		"namespace":     strV("kubeflow"),
		"resource_name": strV("run-resource"),
	})
	if err != nil {
		return nil, err
	}
	_, err = k.svc.PutParentContexts(ctx, &pb.PutParentContextsRequest{ParentContexts: []*pb.ParentContext{{ChildId: r.Id, ParentId: p.Id}}})
	if err != nil && status.Code(err) != codes.AlreadyExists {
		return nil, fmt.Errorf("PutParentContexts: %w", err)
	}
	return &kfpPipeline{pipeline: p, run: r}, nil
}

// executionTypeID puts the execution type, as KFP does before every
// execution it records.
func (k *kfpClient) executionTypeID(ctx context.Context, name string) (int64, error) {
	res, err := k.svc.PutExecutionType(ctx, &pb.PutExecutionTypeRequest{ExecutionType: &pb.ExecutionType{Name: proto.String(name)}})
	if err != nil {
		return 0, fmt.Errorf("PutExecutionType(%s): %w", name, err)
	}
	return res.GetTypeId(), nil
}

// createExecution records a RUNNING execution in both contexts, with input
// events for the given artifacts.
func (k *kfpClient) createExecution(ctx context.Context, p *kfpPipeline, typeName, taskName string, parentDAG int64, inputs map[string]int64) (*pb.Execution, error) {
	typeID, err := k.executionTypeID(ctx, typeName)
	if err != nil {
		return nil, err
	}
	e := &pb.Execution{
		TypeId:         proto.Int64(typeID),
		LastKnownState: pb.Execution_RUNNING.Enum(),
		CustomProperties: map[string]*pb.Value{
			"display_name":  strV(taskName),
			"task_name":     strV(taskName),
			"parent_dag_id": intV(parentDAG),
		},
	}
	req := &pb.PutExecutionRequest{Execution: e, Contexts: []*pb.Context{p.pipeline, p.run}}
	keys := make([]string, 0, len(inputs))
	for k := range inputs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, name := range keys {
		req.ArtifactEventPairs = append(req.ArtifactEventPairs, &pb.PutExecutionRequest_ArtifactAndEvent{Event: &pb.Event{
			ArtifactId: proto.Int64(inputs[name]),
			Type:       pb.Event_INPUT.Enum(),
			Path:       &pb.Event_Path{Steps: []*pb.Event_Path_Step{{Value: &pb.Event_Path_Step_Key{Key: name}}}},
		}})
	}
	res, err := k.svc.PutExecution(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("PutExecution(create %s): %w", taskName, err)
	}
	e.Id = proto.Int64(res.GetExecutionId())
	return e, nil
}

// recordArtifact puts an output artifact, as the launcher does before
// publishing.
func (k *kfpClient) recordArtifact(ctx context.Context, typeName, uri string) (int64, error) {
	at, err := k.svc.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: &pb.ArtifactType{Name: proto.String(typeName)}})
	if err != nil {
		return 0, fmt.Errorf("PutArtifactType: %w", err)
	}
	res, err := k.svc.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{{
		TypeId: proto.Int64(at.GetTypeId()),
		Uri:    proto.String(uri),
		State:  pb.Artifact_LIVE.Enum(),
		CustomProperties: map[string]*pb.Value{
			"display_name": strV("model"),
		},
	}}})
	if err != nil {
		return 0, fmt.Errorf("PutArtifacts: %w", err)
	}
	return res.GetArtifactIds()[0], nil
}

// publish marks the execution COMPLETE, stores its output parameters as a
// struct "outputs" custom property and adds output events.
func (k *kfpClient) publish(ctx context.Context, p *kfpPipeline, e *pb.Execution, outputs *structpb.Struct, outArtifacts map[string]int64) error {
	e = proto.Clone(e).(*pb.Execution)
	e.LastKnownState = pb.Execution_COMPLETE.Enum()
	e.CustomProperties["outputs"] = &pb.Value{Value: &pb.Value_StructValue{StructValue: outputs}}
	req := &pb.PutExecutionRequest{Execution: e, Contexts: []*pb.Context{p.pipeline, p.run}}
	for name, id := range outArtifacts {
		req.ArtifactEventPairs = append(req.ArtifactEventPairs, &pb.PutExecutionRequest_ArtifactAndEvent{Event: &pb.Event{
			ArtifactId: proto.Int64(id),
			Type:       pb.Event_OUTPUT.Enum(),
			Path:       &pb.Event_Path{Steps: []*pb.Event_Path_Step{{Value: &pb.Event_Path_Step_Key{Key: name}}}},
		}})
	}
	if _, err := k.svc.PutExecution(ctx, req); err != nil {
		return fmt.Errorf("PutExecution(publish): %w", err)
	}
	return nil
}

// executionsInDAG lists the children of a DAG execution in the run context
// with KFP's filter, following next_page_token to the end (the first call
// sends an empty token, as KFP does).
func (k *kfpClient) executionsInDAG(ctx context.Context, p *kfpPipeline, dagID int64) ([]*pb.Execution, int, error) {
	filter := fmt.Sprintf("custom_properties.parent_dag_id.int_value = %v", dagID)
	var out []*pb.Execution
	token := ""
	pages := 0
	for {
		res, err := k.svc.GetExecutionsByContext(ctx, &pb.GetExecutionsByContextRequest{
			ContextId: p.run.Id,
			Options:   &pb.ListOperationOptions{FilterQuery: proto.String(filter), NextPageToken: proto.String(token)},
		})
		if err != nil {
			return nil, pages, fmt.Errorf("GetExecutionsByContext(%s): %w", filter, err)
		}
		pages++
		out = append(out, res.GetExecutions()...)
		token = res.GetNextPageToken()
		if token == "" || pages > 100 {
			return out, pages, nil
		}
	}
}

func TestKubeflowPipelinesReplay(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := serve(t, b.driver, b.dsn(t))
			kfpReplay(t, &kfpClient{svc: s.client})
		})
	}
}

func kfpReplay(t *testing.T, k *kfpClient) {
	ctx := context.Background()

	// Before anything exists: GetContextByTypeAndName answers OK and empty
	// (the type does not even exist), GetContextType answers NotFound.
	res, err := k.svc.GetContextByTypeAndName(ctx, &pb.GetContextByTypeAndNameRequest{TypeName: proto.String("system.PipelineRun"), ContextName: proto.String("run-1")})
	if err != nil || res.Context != nil {
		t.Fatalf("GetContextByTypeAndName before creation = %v, %v; want OK and no context", res, err)
	}
	_, err = k.svc.GetContextType(ctx, &pb.GetContextTypeRequest{TypeName: proto.String("system.PipelineRun")})
	wantCode(t, err, codes.NotFound, "GetContextType before creation")

	// The driver pods of one run start together and race to create the
	// pipeline and run contexts; all must agree on one pair.
	const racers = 8
	var wg sync.WaitGroup
	got := make([]*kfpPipeline, racers)
	errs := make([]error, racers)
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = k.getPipeline(ctx, "my-pipeline", "run-1")
		}()
	}
	wg.Wait()
	// Racing PutContextType calls must not create a type twice.
	typeCount := map[string]int{}
	for _, ct := range ok(k.svc.GetContextTypes(ctx, &pb.GetContextTypesRequest{})).get(t).GetContextTypes() {
		typeCount[ct.GetName()]++
	}
	for _, name := range []string{"system.Pipeline", "system.PipelineRun"} {
		if typeCount[name] != 1 {
			t.Errorf("%d context types named %s after racing creates, want 1", typeCount[name], name)
		}
	}
	for i := range racers {
		if errs[i] != nil {
			t.Fatalf("racer %d: %v", i, errs[i])
		}
		if got[i].pipeline.GetId() != got[0].pipeline.GetId() || got[i].run.GetId() != got[0].run.GetId() {
			t.Fatalf("racer %d got contexts %d/%d, racer 0 got %d/%d", i, got[i].pipeline.GetId(), got[i].run.GetId(), got[0].pipeline.GetId(), got[0].run.GetId())
		}
	}
	p := got[0]
	if n := len(ok(k.svc.GetContextsByType(ctx, &pb.GetContextsByTypeRequest{TypeName: proto.String("system.PipelineRun")})).get(t).GetContexts()); n != 1 {
		t.Fatalf("%d run contexts after the race, want 1", n)
	}
	parents := ok(k.svc.GetParentContextsByContext(ctx, &pb.GetParentContextsByContextRequest{ContextId: p.run.Id})).get(t).GetContexts()
	if len(parents) != 1 || parents[0].GetId() != p.pipeline.GetId() {
		t.Fatalf("run context parents = %v", parents)
	}
	// A later task finds the contexts with one call, and gets the run's
	// properties back.
	p2 := ok(k.getPipeline(ctx, "my-pipeline", "run-1")).get(t)
	if p2.run.GetId() != p.run.GetId() || p2.run.GetCustomProperties()["namespace"].GetStringValue() != "kubeflow" {
		t.Fatalf("second getPipeline = %v", p2.run)
	}

	// The root DAG execution, then its tasks. Each task reads the previous
	// task's output, writes a model, and is published with its outputs.
	root := ok(k.createExecution(ctx, p, "system.DAGExecution", "root", 0, nil)).get(t)
	other := ok(k.createExecution(ctx, p, "system.DAGExecution", "other-dag", root.GetId(), nil)).get(t)
	const tasks = 45 // more than two pages of 20
	var prevArtifact int64
	taskIDs := map[int64]string{}
	for i := range tasks {
		inputs := map[string]int64{}
		if prevArtifact != 0 {
			inputs["in"] = prevArtifact
		}
		name := fmt.Sprintf("task-%02d", i)
		e := ok(k.createExecution(ctx, p, "system.ContainerExecution", name, root.GetId(), inputs)).get(t)
		taskIDs[e.GetId()] = name
		art := ok(k.recordArtifact(ctx, "system.Model", fmt.Sprintf("minio://mlpipeline/run-1/%s/model", name))).get(t)
		outs, err := structpb.NewStruct(map[string]any{"accuracy": float64(i) / 100, "task": name, "tags": []any{"a", "b"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := k.publish(ctx, p, e, outs, map[string]int64{"model": art}); err != nil {
			t.Fatal(err)
		}
		prevArtifact = art
	}
	// A task of the other DAG, which the filter must leave out.
	ok(k.createExecution(ctx, p, "system.ContainerExecution", "elsewhere", other.GetId(), nil)).get(t)

	// Every published task is COMPLETE, carries its outputs struct, and
	// has its input and output events.
	for id, name := range taskIDs {
		es := ok(k.svc.GetExecutionsByID(ctx, &pb.GetExecutionsByIDRequest{ExecutionIds: []int64{id}})).get(t).GetExecutions()
		if len(es) != 1 || es[0].GetLastKnownState() != pb.Execution_COMPLETE {
			t.Fatalf("task %s = %v", name, es)
		}
		outs := es[0].GetCustomProperties()["outputs"].GetStructValue()
		if outs.GetFields()["task"].GetStringValue() != name || len(outs.GetFields()["tags"].GetListValue().GetValues()) != 2 {
			t.Errorf("task %s outputs = %v", name, outs)
		}
		if es[0].GetCustomProperties()["parent_dag_id"].GetIntValue() != root.GetId() {
			t.Errorf("task %s parent_dag_id = %v", name, es[0].GetCustomProperties()["parent_dag_id"])
		}
		evs := ok(k.svc.GetEventsByExecutionIDs(ctx, &pb.GetEventsByExecutionIDsRequest{ExecutionIds: []int64{id}})).get(t).GetEvents()
		var in, out int
		for _, ev := range evs {
			switch ev.GetType() {
			case pb.Event_INPUT:
				in++
			case pb.Event_OUTPUT:
				out++
			}
		}
		if want := 1; name == "task-00" {
			want = 0
			if in != want || out != 1 {
				t.Errorf("task %s events: %d in, %d out", name, in, out)
			}
		} else if in != 1 || out != 1 {
			t.Errorf("task %s events: %d in, %d out", name, in, out)
		}
	}
	// Both contexts hold every execution and every artifact.
	if n := len(ok(k.svc.GetExecutionsByContext(ctx, &pb.GetExecutionsByContextRequest{ContextId: p.pipeline.Id})).get(t).GetExecutions()); n != tasks+3 {
		t.Errorf("pipeline context has %d executions, want %d", n, tasks+3)
	}
	if n := len(ok(k.svc.GetArtifactsByContext(ctx, &pb.GetArtifactsByContextRequest{ContextId: p.run.Id})).get(t).GetArtifacts()); n != tasks {
		t.Errorf("run context has %d artifacts, want %d", n, tasks)
	}

	// The DAG's children, found with KFP's filter and paged to the end.
	children, pages, err := k.executionsInDAG(ctx, p, root.GetId())
	if err != nil {
		t.Fatalf("listing the DAG's children (needs the filter language in the store): %v", err)
	}
	var gotIDs []int64
	for _, e := range children {
		gotIDs = append(gotIDs, e.GetId())
	}
	var wantIDs []int64
	for id := range taskIDs {
		wantIDs = append(wantIDs, id)
	}
	wantIDs = append(wantIDs, other.GetId()) // the other DAG is a child of root too
	slices.Sort(gotIDs)
	slices.Sort(wantIDs)
	if !slices.Equal(gotIDs, wantIDs) {
		t.Errorf("children of the root DAG: %d executions %v, want %d %v", len(gotIDs), gotIDs, len(wantIDs), wantIDs)
	}
	if pages != 3 {
		t.Errorf("listed %d children in %d pages, want 3 pages of at most 20", len(children), pages)
	}
	others, _, err := k.executionsInDAG(ctx, p, other.GetId())
	if err != nil {
		t.Fatal(err)
	}
	if len(others) != 1 || others[0].GetCustomProperties()["task_name"].GetStringValue() != "elsewhere" {
		t.Errorf("children of the other DAG = %v", others)
	}
}

package galera

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
)

// acked records the writes the replicas acknowledged: id -> name (or URI).
type acked struct {
	mu         sync.Mutex
	contexts   map[int64]string
	executions map[int64]string
	artifacts  map[int64]string
}

func newAcked() *acked {
	return &acked{contexts: map[int64]string{}, executions: map[int64]string{}, artifacts: map[int64]string{}}
}

func (a *acked) add(m map[int64]string, id int64, name string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if old, ok := m[id]; ok && old != name {
		return fmt.Errorf("id %d acknowledged for %q and for %q", id, old, name)
	}
	m[id] = name
	return nil
}

// retryable reports whether a failed call may be made again: the server
// gave up on a conflict (Aborted) or could not reach its database
// (Unavailable).
func retryable(err error) bool {
	c := status.Code(err)
	return c == codes.Aborted || c == codes.Unavailable
}

// writer is a Kubeflow-shaped client of one replica. Like KFP's driver,
// it calls again after a retryable error (a bounded number of times).
type writer struct {
	svc     pb.MetadataStoreServiceClient
	retries *atomic.Int64
}

func do[R any](ctx context.Context, w *writer, call func(context.Context) (R, error)) (R, error) {
	var (
		res R
		err error
	)
	for attempt := 0; attempt < 6; attempt++ {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		res, err = call(cctx)
		cancel()
		if err == nil || !retryable(err) {
			return res, err
		}
		w.retries.Add(1)
		time.Sleep(time.Duration(attempt+1) * 50 * time.Millisecond)
	}
	return res, err
}

// getOrInsertContext is KFP's get-or-create of a context.
func (w *writer) getOrInsertContext(ctx context.Context, name, typeName string) (*pb.Context, error) {
	get := func() (*pb.GetContextByTypeAndNameResponse, error) {
		return do(ctx, w, func(ctx context.Context) (*pb.GetContextByTypeAndNameResponse, error) {
			return w.svc.GetContextByTypeAndName(ctx, &pb.GetContextByTypeAndNameRequest{TypeName: proto.String(typeName), ContextName: proto.String(name)})
		})
	}
	got, err := get()
	if err != nil {
		return nil, fmt.Errorf("GetContextByTypeAndName: %w", err)
	}
	if got.Context != nil {
		return got.Context, nil
	}
	tid, err := do(ctx, w, func(ctx context.Context) (*pb.PutContextTypeResponse, error) {
		return w.svc.PutContextType(ctx, &pb.PutContextTypeRequest{ContextType: &pb.ContextType{Name: proto.String(typeName)}})
	})
	if err != nil {
		return nil, fmt.Errorf("PutContextType: %w", err)
	}
	c := &pb.Context{Name: proto.String(name), TypeId: proto.Int64(tid.GetTypeId())}
	res, err := do(ctx, w, func(ctx context.Context) (*pb.PutContextsResponse, error) {
		return w.svc.PutContexts(ctx, &pb.PutContextsRequest{Contexts: []*pb.Context{c}})
	})
	if status.Code(err) == codes.AlreadyExists {
		again, err := get()
		if err != nil {
			return nil, fmt.Errorf("GetContextByTypeAndName after AlreadyExists: %w", err)
		}
		if again.Context == nil {
			return nil, fmt.Errorf("context %q: PutContexts said AlreadyExists, but GetContextByTypeAndName finds none", name)
		}
		return again.Context, nil
	}
	if err != nil {
		return nil, fmt.Errorf("PutContexts: %w", err)
	}
	c.Id = proto.Int64(res.GetContextIds()[0])
	return c, nil
}

// pipelineTask is one task of a KFP run: its run context, an execution in
// the pipeline and run contexts, three output artifacts put in one call,
// the publish with output events, and the listing of the run's executions.
// Every acknowledged write is recorded in ack.
func (w *writer) pipelineTask(ctx context.Context, ack *acked, prefix string) error {
	pipe, err := w.getOrInsertContext(ctx, "galera-pipeline", "system.Pipeline")
	if err != nil {
		return fmt.Errorf("pipeline context: %w", err)
	}
	run, err := w.getOrInsertContext(ctx, prefix+"-run", "system.PipelineRun")
	if err != nil {
		return fmt.Errorf("run context: %w", err)
	}
	if err := ack.add(ack.contexts, run.GetId(), run.GetName()); err != nil {
		return err
	}
	contexts := []*pb.Context{pipe, run}
	et, err := do(ctx, w, func(ctx context.Context) (*pb.PutExecutionTypeResponse, error) {
		return w.svc.PutExecutionType(ctx, &pb.PutExecutionTypeRequest{ExecutionType: &pb.ExecutionType{Name: proto.String("system.ContainerExecution")}})
	})
	if err != nil {
		return fmt.Errorf("PutExecutionType: %w", err)
	}
	e := &pb.Execution{TypeId: proto.Int64(et.GetTypeId()), Name: proto.String(prefix + "-task"), LastKnownState: pb.Execution_RUNNING.Enum()}
	pe, err := do(ctx, w, func(ctx context.Context) (*pb.PutExecutionResponse, error) {
		return w.svc.PutExecution(ctx, &pb.PutExecutionRequest{Execution: e, Contexts: contexts,
			Options: &pb.PutExecutionRequest_Options{ReuseContextIfAlreadyExist: proto.Bool(true)}})
	})
	if status.Code(err) == codes.AlreadyExists {
		// A retry after a lost answer: the first attempt committed.
		return fmt.Errorf("PutExecution %q: AlreadyExists on a fresh name", e.GetName())
	}
	if err != nil {
		return fmt.Errorf("PutExecution: %w", err)
	}
	e.Id = proto.Int64(pe.GetExecutionId())
	if err := ack.add(ack.executions, e.GetId(), e.GetName()); err != nil {
		return err
	}
	at, err := do(ctx, w, func(ctx context.Context) (*pb.PutArtifactTypeResponse, error) {
		return w.svc.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: &pb.ArtifactType{Name: proto.String("system.Model")}})
	})
	if err != nil {
		return fmt.Errorf("PutArtifactType: %w", err)
	}
	arts := make([]*pb.Artifact, 3)
	for i := range arts {
		arts[i] = &pb.Artifact{TypeId: proto.Int64(at.GetTypeId()), Uri: proto.String(fmt.Sprintf("minio://galera/%s/out-%d", prefix, i)), State: pb.Artifact_LIVE.Enum()}
	}
	pa, err := do(ctx, w, func(ctx context.Context) (*pb.PutArtifactsResponse, error) {
		return w.svc.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: arts})
	})
	if err != nil {
		return fmt.Errorf("PutArtifacts: %w", err)
	}
	if len(pa.GetArtifactIds()) != len(arts) {
		return fmt.Errorf("PutArtifacts: %d ids for %d artifacts", len(pa.GetArtifactIds()), len(arts))
	}
	var pairs []*pb.PutExecutionRequest_ArtifactAndEvent
	for i, id := range pa.GetArtifactIds() {
		if err := ack.add(ack.artifacts, id, arts[i].GetUri()); err != nil {
			return err
		}
		pairs = append(pairs, &pb.PutExecutionRequest_ArtifactAndEvent{Event: &pb.Event{ArtifactId: proto.Int64(id), Type: pb.Event_OUTPUT.Enum(),
			Path: &pb.Event_Path{Steps: []*pb.Event_Path_Step{{Value: &pb.Event_Path_Step_Key{Key: "out"}}, {Value: &pb.Event_Path_Step_Index{Index: int64(i)}}}}}})
	}
	e.LastKnownState = pb.Execution_COMPLETE.Enum()
	if _, err := do(ctx, w, func(ctx context.Context) (*pb.PutExecutionResponse, error) {
		return w.svc.PutExecution(ctx, &pb.PutExecutionRequest{Execution: e, Contexts: contexts, ArtifactEventPairs: pairs,
			Options: &pb.PutExecutionRequest_Options{ReuseContextIfAlreadyExist: proto.Bool(true)}})
	}); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	list, err := do(ctx, w, func(ctx context.Context) (*pb.GetExecutionsByContextResponse, error) {
		return w.svc.GetExecutionsByContext(ctx, &pb.GetExecutionsByContextRequest{ContextId: run.Id})
	})
	if err != nil {
		return fmt.Errorf("GetExecutionsByContext: %w", err)
	}
	if n := len(list.GetExecutions()); n != 1 || list.GetExecutions()[0].GetId() != e.GetId() {
		return fmt.Errorf("run %q lists %d executions, want only %d", run.GetName(), n, e.GetId())
	}
	return nil
}

// checkAcked reads every acknowledged write back through every replica.
func checkAcked(t *testing.T, reps []*replica, ack *acked) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	type kind struct {
		noun string
		m    map[int64]string
		get  func(pb.MetadataStoreServiceClient, []int64) (map[int64]string, error)
	}
	kinds := []kind{
		{"context", ack.contexts, func(c pb.MetadataStoreServiceClient, ids []int64) (map[int64]string, error) {
			r, err := c.GetContextsByID(ctx, &pb.GetContextsByIDRequest{ContextIds: ids})
			out := map[int64]string{}
			for _, x := range r.GetContexts() {
				out[x.GetId()] = x.GetName()
			}
			return out, err
		}},
		{"execution", ack.executions, func(c pb.MetadataStoreServiceClient, ids []int64) (map[int64]string, error) {
			r, err := c.GetExecutionsByID(ctx, &pb.GetExecutionsByIDRequest{ExecutionIds: ids})
			out := map[int64]string{}
			for _, x := range r.GetExecutions() {
				out[x.GetId()] = x.GetName()
			}
			return out, err
		}},
		{"artifact", ack.artifacts, func(c pb.MetadataStoreServiceClient, ids []int64) (map[int64]string, error) {
			r, err := c.GetArtifactsByID(ctx, &pb.GetArtifactsByIDRequest{ArtifactIds: ids})
			out := map[int64]string{}
			for _, x := range r.GetArtifacts() {
				out[x.GetId()] = x.GetUri()
			}
			return out, err
		}},
	}
	for _, r := range reps {
		for _, k := range kinds {
			ids := make([]int64, 0, len(k.m))
			for id := range k.m {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			lost := 0
			for part := range slices.Chunk(ids, 200) {
				got, err := k.get(r.client, part)
				if err != nil {
					t.Fatalf("node %d: read %ss: %v", r.node+1, k.noun, err)
				}
				for _, id := range part {
					if got[id] != k.m[id] {
						lost++
						if lost <= 5 {
							t.Errorf("node %d: acknowledged %s %d %q reads back as %q", r.node+1, k.noun, id, k.m[id], got[id])
						}
					}
				}
			}
			if lost > 0 {
				t.Errorf("node %d: %d of %d acknowledged %ss lost or changed", r.node+1, lost, len(ids), k.noun)
			}
		}
	}
}

// TestReplicasRacing runs 8 Kubeflow-shaped writers on each of three
// replicas, one replica per node, then has all 24 race to create the same
// types, contexts and executions: every acknowledged write is read back
// on every node, nothing is stored twice, and each race has one winner
// that every node agrees on.
func TestReplicasRacing(t *testing.T) {
	c := theCluster(t)
	dbName := c.dbName(t)
	reps := startReplicas(t, c, dbName)
	const writersPerReplica, tasks = 8, 5
	ack := newAcked()
	var retries atomic.Int64
	ctx := context.Background()

	// Phase 1: the workload, all writers at once.
	var wg sync.WaitGroup
	errs := make(chan error, len(reps)*writersPerReplica)
	for _, r := range reps {
		for wi := range writersPerReplica {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := &writer{svc: r.client, retries: &retries}
				for k := range tasks {
					if err := w.pipelineTask(ctx, ack, fmt.Sprintf("n%d-w%d-t%d", r.node+1, wi, k)); err != nil {
						errs <- fmt.Errorf("node %d writer %d task %d: %w", r.node+1, wi, k, err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	want := len(reps) * writersPerReplica * tasks
	if len(ack.executions) != want || len(ack.artifacts) != 3*want || len(ack.contexts) != want {
		t.Fatalf("acknowledged %d executions, %d artifacts, %d run contexts; want %d, %d, %d",
			len(ack.executions), len(ack.artifacts), len(ack.contexts), want, 3*want, want)
	}
	t.Logf("workload: %d tasks acknowledged, %d calls made again after Aborted/Unavailable", want, retries.Load())

	// Phase 2: races. Every writer of every replica creates the same
	// execution type, context and execution, released at once.
	const rounds = 3
	for k := range rounds {
		typeName, ctxName, execName := fmt.Sprintf("race.Type%d", k), fmt.Sprintf("race-ctx-%d", k), fmt.Sprintf("race-exec-%d", k)
		type result struct {
			node            int
			typeID          int64
			ctxID, execID   int64
			ctxErr, execErr error
			err             error
		}
		results := make(chan result, len(reps)*writersPerReplica)
		start := make(chan struct{})
		for _, r := range reps {
			for range writersPerReplica {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res := result{node: r.node}
					defer func() { results <- res }()
					<-start
					w := &writer{svc: r.client, retries: &retries}
					ct, err := do(ctx, w, func(ctx context.Context) (*pb.PutContextTypeResponse, error) {
						return r.client.PutContextType(ctx, &pb.PutContextTypeRequest{ContextType: &pb.ContextType{Name: proto.String("race.ContextType")}})
					})
					if err != nil {
						res.err = fmt.Errorf("PutContextType: %w", err)
						return
					}
					et, err := do(ctx, w, func(ctx context.Context) (*pb.PutExecutionTypeResponse, error) {
						return r.client.PutExecutionType(ctx, &pb.PutExecutionTypeRequest{ExecutionType: &pb.ExecutionType{Name: proto.String(typeName),
							Properties: map[string]pb.PropertyType{"step": pb.PropertyType_INT}}})
					})
					if err != nil {
						res.err = fmt.Errorf("PutExecutionType: %w", err)
						return
					}
					res.typeID = et.GetTypeId()
					pc, err := do(ctx, w, func(ctx context.Context) (*pb.PutContextsResponse, error) {
						return r.client.PutContexts(ctx, &pb.PutContextsRequest{Contexts: []*pb.Context{{Name: proto.String(ctxName), TypeId: proto.Int64(ct.GetTypeId())}}})
					})
					if res.ctxErr = err; err == nil {
						res.ctxID = pc.GetContextIds()[0]
					}
					pe, err := do(ctx, w, func(ctx context.Context) (*pb.PutExecutionResponse, error) {
						return r.client.PutExecution(ctx, &pb.PutExecutionRequest{Execution: &pb.Execution{Name: proto.String(execName), TypeId: proto.Int64(res.typeID),
							LastKnownState: pb.Execution_NEW.Enum()}})
					})
					if res.execErr = err; err == nil {
						res.execID = pe.GetExecutionId()
					}
				}()
			}
		}
		close(start)
		wg.Wait()
		close(results)
		typeIDs := map[int64]int{}
		var ctxWinners, execWinners []int64
		for res := range results {
			if res.err != nil {
				t.Errorf("round %d, node %d: %v", k, res.node+1, res.err)
				continue
			}
			typeIDs[res.typeID]++
			for _, x := range []struct {
				what    string
				id      int64
				err     error
				winners *[]int64
			}{{"context", res.ctxID, res.ctxErr, &ctxWinners}, {"execution", res.execID, res.execErr, &execWinners}} {
				switch {
				case x.err == nil:
					*x.winners = append(*x.winners, x.id)
				case status.Code(x.err) != codes.AlreadyExists:
					t.Errorf("round %d, node %d: racing create of the %s: %v; want success or AlreadyExists", k, res.node+1, x.what, x.err)
				}
			}
		}
		if len(typeIDs) != 1 {
			t.Errorf("round %d: PutExecutionType %q returned ids %v; want one id for all", k, typeName, typeIDs)
		}
		if len(ctxWinners) != 1 || len(execWinners) != 1 {
			t.Fatalf("round %d: %d writers created context %q and %d created execution %q; want one each", k, len(ctxWinners), ctxName, len(execWinners), execName)
		}
		// Every node agrees on the winners.
		for _, r := range reps {
			got, err := r.client.GetContextByTypeAndName(ctx, &pb.GetContextByTypeAndNameRequest{TypeName: proto.String("race.ContextType"), ContextName: proto.String(ctxName)})
			if err != nil || got.GetContext().GetId() != ctxWinners[0] {
				t.Errorf("round %d, node %d: context %q is %v (%v), want id %d", k, r.node+1, ctxName, got.GetContext().GetId(), err, ctxWinners[0])
			}
			ex, err := r.client.GetExecutionByTypeAndName(ctx, &pb.GetExecutionByTypeAndNameRequest{TypeName: proto.String(typeName), ExecutionName: proto.String(execName)})
			if err != nil || ex.GetExecution().GetId() != execWinners[0] {
				t.Errorf("round %d, node %d: execution %q is %v (%v), want id %d", k, r.node+1, execName, ex.GetExecution().GetId(), err, execWinners[0])
			}
			for id := range typeIDs {
				ty, err := r.client.GetExecutionType(ctx, &pb.GetExecutionTypeRequest{TypeName: proto.String(typeName)})
				if err != nil || ty.GetExecutionType().GetId() != id {
					t.Errorf("round %d, node %d: execution type %q is %v (%v), want id %d", k, r.node+1, typeName, ty.GetExecutionType().GetId(), err, id)
				}
			}
		}
	}
	t.Logf("after the races: %d calls made again after Aborted/Unavailable", retries.Load())

	checkAcked(t, reps, ack)
	noDuplicates(t, c, dbName)
	for i := range c.addrs {
		db := c.rootDB(t, i)
		if n := count(t, db, fmt.Sprintf("SELECT COUNT(*) FROM %s.Execution WHERE name LIKE 'n%%-task'", dbName)); n != int64(want) {
			t.Errorf("node %d: %d task executions stored, want %d", i+1, n, want)
		}
		if n := count(t, db, fmt.Sprintf("SELECT COUNT(*) FROM %s.Context WHERE name = 'galera-pipeline'", dbName)); n != 1 {
			t.Errorf("node %d: %d pipeline contexts stored, want 1", i+1, n)
		}
	}
}

// TestBatchIDs puts artifacts many per call on each node: under
// innodb_autoinc_lock_mode=2 and the cluster's auto_increment_increment
// the ids of one statement are not consecutive, and each must still come
// back as the id of its own artifact, on every node.
func TestBatchIDs(t *testing.T) {
	c := theCluster(t)
	reps := startReplicas(t, c, c.dbName(t))
	ctx := context.Background()
	ack := newAcked()
	gaps := 0
	for _, r := range reps {
		at, err := r.client.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: &pb.ArtifactType{Name: proto.String("system.Dataset")}})
		if err != nil {
			t.Fatal(err)
		}
		arts := make([]*pb.Artifact, 20)
		for i := range arts {
			arts[i] = &pb.Artifact{TypeId: proto.Int64(at.GetTypeId()), Uri: proto.String(fmt.Sprintf("s3://ids/node%d/%d", r.node+1, i))}
		}
		res, err := r.client.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: arts})
		if err != nil {
			t.Fatal(err)
		}
		ids := res.GetArtifactIds()
		if len(ids) != len(arts) {
			t.Fatalf("node %d: %d ids for %d artifacts", r.node+1, len(ids), len(arts))
		}
		for i, id := range ids {
			if i > 0 && id != ids[i-1]+1 {
				gaps++
			}
			if err := ack.add(ack.artifacts, id, arts[i].GetUri()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if gaps == 0 {
		t.Error("every batch got consecutive ids: the cluster's auto_increment_increment is not in effect, the test proves nothing")
	}
	checkAcked(t, reps, ack)
}

package server_test

import (
	"context"
	"slices"
	"sort"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/structpb"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
)

func intV(v int64) *pb.Value   { return &pb.Value{Value: &pb.Value_IntValue{IntValue: v}} }
func strV(v string) *pb.Value  { return &pb.Value{Value: &pb.Value_StringValue{StringValue: v}} }
func dblV(v float64) *pb.Value { return &pb.Value{Value: &pb.Value_DoubleValue{DoubleValue: v}} }
func boolV(v bool) *pb.Value   { return &pb.Value{Value: &pb.Value_BoolValue{BoolValue: v}} }
func structV(t *testing.T, m map[string]any) *pb.Value {
	t.Helper()
	s, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatal(err)
	}
	return &pb.Value{Value: &pb.Value_StructValue{StructValue: s}}
}

func ids[T interface{ GetId() int64 }](xs []T) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = x.GetId()
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func sorted(xs ...int64) []int64 {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

func names[T interface{ GetName() string }](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.GetName()
	}
	sort.Strings(out)
	return out
}

// TestEveryRPC calls every method of ml_metadata.MetadataStoreService through
// the generated client against a server on a real TCP port, on every
// backend, and checks the answers and the status codes of error cases.
func TestEveryRPC(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := serve(t, b.driver, b.dsn(t))
			everyRPC(t, s.client)
			if missing := s.uncalled(); len(missing) > 0 {
				t.Errorf("methods never called: %v", missing)
			}
		})
	}
}

func everyRPC(t *testing.T, c pb.MetadataStoreServiceClient) {
	ctx := context.Background()

	// ---- types ----
	dataSet := &pb.ArtifactType{
		Name:       proto.String("DataSet"),
		ExternalId: proto.String("type-ds"),
		Properties: map[string]pb.PropertyType{"day": pb.PropertyType_INT, "split": pb.PropertyType_STRING},
		BaseType:   pb.ArtifactType_DATASET.Enum(),
	}
	dsID := ok(c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: dataSet})).get(t).GetTypeId()
	if dsID <= 0 {
		t.Fatalf("PutArtifactType id %d", dsID)
	}
	again := ok(c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: dataSet})).get(t).GetTypeId()
	if again != dsID {
		t.Errorf("re-putting the same type gave id %d, want %d", again, dsID)
	}
	// Adding a property needs can_add_fields; leaving one out needs can_omit_fields.
	wider := proto.Clone(dataSet).(*pb.ArtifactType)
	wider.Properties["score"] = pb.PropertyType_DOUBLE
	_, err := c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: wider})
	wantCode(t, err, codes.AlreadyExists, "PutArtifactType with a new property, no can_add_fields")
	if got := ok(c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: wider, CanAddFields: proto.Bool(true)})).get(t).GetTypeId(); got != dsID {
		t.Errorf("evolved type id %d, want %d", got, dsID)
	}
	_, err = c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: dataSet})
	wantCode(t, err, codes.AlreadyExists, "PutArtifactType omitting a stored property")
	if got := ok(c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: dataSet, CanOmitFields: proto.Bool(true)})).get(t).GetTypeId(); got != dsID {
		t.Errorf("type with omitted field: id %d, want %d", got, dsID)
	}
	changed := proto.Clone(wider).(*pb.ArtifactType)
	changed.Properties["day"] = pb.PropertyType_STRING
	_, err = c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: changed, CanAddFields: proto.Bool(true), CanOmitFields: proto.Bool(true)})
	wantCode(t, err, codes.AlreadyExists, "PutArtifactType changing a property's type")
	_, err = c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: dataSet, AllFieldsMatch: proto.Bool(false)})
	wantCode(t, err, codes.Unimplemented, "PutArtifactType with all_fields_match=false")
	_, err = c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: &pb.ArtifactType{}})
	wantCode(t, err, codes.InvalidArgument, "PutArtifactType without a name")
	// can_delete_fields is deprecated and has no effect, as in MLMD.
	if got := ok(c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: wider, CanDeleteFields: proto.Bool(true)})).get(t).GetTypeId(); got != dsID {
		t.Errorf("can_delete_fields changed the answer: id %d", got)
	}

	trainerIn := &pb.ArtifactStructType{Kind: &pb.ArtifactStructType_Dict{Dict: &pb.DictArtifactStructType{
		Properties: map[string]*pb.ArtifactStructType{
			"examples": {Kind: &pb.ArtifactStructType_Simple{Simple: &pb.ArtifactType{Name: proto.String("DataSet")}}},
		},
	}}}
	trainer := &pb.ExecutionType{
		Name:       proto.String("Trainer"),
		Version:    proto.String("v1"),
		ExternalId: proto.String("type-tr"),
		Properties: map[string]pb.PropertyType{"steps": pb.PropertyType_INT, "lr": pb.PropertyType_DOUBLE},
		InputType:  trainerIn,
		BaseType:   pb.ExecutionType_TRAIN.Enum(),
	}
	trID := ok(c.PutExecutionType(ctx, &pb.PutExecutionTypeRequest{ExecutionType: trainer})).get(t).GetTypeId()
	_, err = c.PutExecutionType(ctx, &pb.PutExecutionTypeRequest{ExecutionType: trainer, AllFieldsMatch: proto.Bool(false)})
	wantCode(t, err, codes.Unimplemented, "PutExecutionType with all_fields_match=false")

	experiment := &pb.ContextType{Name: proto.String("Experiment"), ExternalId: proto.String("type-ex"),
		Properties: map[string]pb.PropertyType{"note": pb.PropertyType_STRING}}
	exID := ok(c.PutContextType(ctx, &pb.PutContextTypeRequest{ContextType: experiment})).get(t).GetTypeId()
	_, err = c.PutContextType(ctx, &pb.PutContextTypeRequest{ContextType: experiment, AllFieldsMatch: proto.Bool(false)})
	wantCode(t, err, codes.Unimplemented, "PutContextType with all_fields_match=false")

	pt := ok(c.PutTypes(ctx, &pb.PutTypesRequest{
		ArtifactTypes:  []*pb.ArtifactType{{Name: proto.String("Model")}, dataSet},
		ExecutionTypes: []*pb.ExecutionType{{Name: proto.String("Evaluator")}},
		ContextTypes:   []*pb.ContextType{{Name: proto.String("Run")}},
		CanOmitFields:  proto.Bool(true),
	})).get(t)
	if len(pt.ArtifactTypeIds) != 2 || pt.ArtifactTypeIds[1] != dsID || len(pt.ExecutionTypeIds) != 1 || len(pt.ContextTypeIds) != 1 {
		t.Fatalf("PutTypes = %v", pt)
	}
	modelID, evalID, runID := pt.ArtifactTypeIds[0], pt.ExecutionTypeIds[0], pt.ContextTypeIds[0]
	_, err = c.PutTypes(ctx, &pb.PutTypesRequest{ArtifactTypes: []*pb.ArtifactType{{Name: proto.String("X")}}, AllFieldsMatch: proto.Bool(false)})
	wantCode(t, err, codes.Unimplemented, "PutTypes with all_fields_match=false")
	// PutTypes is atomic: a bad type makes it store nothing.
	_, err = c.PutTypes(ctx, &pb.PutTypesRequest{
		ArtifactTypes: []*pb.ArtifactType{{Name: proto.String("NewAtomic")}, changed},
	})
	wantCode(t, err, codes.AlreadyExists, "PutTypes with one incompatible type")
	_, err = c.GetArtifactType(ctx, &pb.GetArtifactTypeRequest{TypeName: proto.String("NewAtomic")})
	wantCode(t, err, codes.NotFound, "type of a failed PutTypes")

	at := ok(c.GetArtifactType(ctx, &pb.GetArtifactTypeRequest{TypeName: proto.String("DataSet")})).get(t).GetArtifactType()
	if at.GetId() != dsID || len(at.GetProperties()) != 3 || at.GetProperties()["score"] != pb.PropertyType_DOUBLE || at.GetBaseType() != pb.ArtifactType_DATASET {
		t.Errorf("GetArtifactType = %v", at)
	}
	_, err = c.GetArtifactType(ctx, &pb.GetArtifactTypeRequest{TypeName: proto.String("Nope")})
	wantCode(t, err, codes.NotFound, "GetArtifactType of a missing type")
	et := ok(c.GetExecutionType(ctx, &pb.GetExecutionTypeRequest{TypeName: proto.String("Trainer"), TypeVersion: proto.String("v1")})).get(t).GetExecutionType()
	if et.GetId() != trID || !proto.Equal(et.GetInputType(), trainerIn) || et.GetVersion() != "v1" || et.GetBaseType() != pb.ExecutionType_TRAIN {
		t.Errorf("GetExecutionType = %v", et)
	}
	_, err = c.GetExecutionType(ctx, &pb.GetExecutionTypeRequest{TypeName: proto.String("Trainer")})
	wantCode(t, err, codes.NotFound, "GetExecutionType without the version")
	ct := ok(c.GetContextType(ctx, &pb.GetContextTypeRequest{TypeName: proto.String("Experiment")})).get(t).GetContextType()
	if ct.GetId() != exID || ct.GetProperties()["note"] != pb.PropertyType_STRING {
		t.Errorf("GetContextType = %v", ct)
	}
	_, err = c.GetContextType(ctx, &pb.GetContextTypeRequest{TypeName: proto.String("system.PipelineRun")})
	wantCode(t, err, codes.NotFound, "GetContextType of a missing type")

	if got := ids(ok(c.GetArtifactTypesByID(ctx, &pb.GetArtifactTypesByIDRequest{TypeIds: []int64{dsID, modelID, 987654}})).get(t).GetArtifactTypes()); !slices.Equal(got, sorted(dsID, modelID)) {
		t.Errorf("GetArtifactTypesByID = %v", got)
	}
	if got := ids(ok(c.GetExecutionTypesByID(ctx, &pb.GetExecutionTypesByIDRequest{TypeIds: []int64{trID, evalID}})).get(t).GetExecutionTypes()); !slices.Equal(got, sorted(trID, evalID)) {
		t.Errorf("GetExecutionTypesByID = %v", got)
	}
	if got := ids(ok(c.GetContextTypesByID(ctx, &pb.GetContextTypesByIDRequest{TypeIds: []int64{exID, runID}})).get(t).GetContextTypes()); !slices.Equal(got, sorted(exID, runID)) {
		t.Errorf("GetContextTypesByID = %v", got)
	}
	// The listing calls hide MLMD's system types (mlmd.Dataset, ...).
	if got := names(ok(c.GetArtifactTypes(ctx, &pb.GetArtifactTypesRequest{})).get(t).GetArtifactTypes()); !slices.Equal(got, []string{"DataSet", "Model"}) {
		t.Errorf("GetArtifactTypes names = %v", got)
	}
	if got := names(ok(c.GetExecutionTypes(ctx, &pb.GetExecutionTypesRequest{})).get(t).GetExecutionTypes()); !slices.Equal(got, []string{"Evaluator", "Trainer"}) {
		t.Errorf("GetExecutionTypes names = %v", got)
	}
	if got := names(ok(c.GetContextTypes(ctx, &pb.GetContextTypesRequest{})).get(t).GetContextTypes()); !slices.Equal(got, []string{"Experiment", "Run"}) {
		t.Errorf("GetContextTypes names = %v", got)
	}
	if got := ids(ok(c.GetArtifactTypesByExternalIds(ctx, &pb.GetArtifactTypesByExternalIdsRequest{ExternalIds: []string{"type-ds", "nope"}})).get(t).GetArtifactTypes()); !slices.Equal(got, []int64{dsID}) {
		t.Errorf("GetArtifactTypesByExternalIds = %v", got)
	}
	if got := ids(ok(c.GetExecutionTypesByExternalIds(ctx, &pb.GetExecutionTypesByExternalIdsRequest{ExternalIds: []string{"type-tr"}})).get(t).GetExecutionTypes()); !slices.Equal(got, []int64{trID}) {
		t.Errorf("GetExecutionTypesByExternalIds = %v", got)
	}
	if got := ids(ok(c.GetContextTypesByExternalIds(ctx, &pb.GetContextTypesByExternalIdsRequest{ExternalIds: []string{"type-ex"}})).get(t).GetContextTypes()); !slices.Equal(got, []int64{exID}) {
		t.Errorf("GetContextTypesByExternalIds = %v", got)
	}

	// ---- artifacts ----
	outputs := structV(t, map[string]any{"metrics": map[string]any{"acc": 0.9}, "files": []any{"a", "b"}})
	a1 := &pb.Artifact{TypeId: proto.Int64(dsID), Uri: proto.String("gs://data/day1"), Name: proto.String("day1"),
		ExternalId: proto.String("art-1"), State: pb.Artifact_LIVE.Enum(),
		Properties:       map[string]*pb.Value{"day": intV(1), "split": strV("train"), "score": dblV(0.5)},
		CustomProperties: map[string]*pb.Value{"outputs": outputs, "ok": boolV(true)}}
	a2 := &pb.Artifact{TypeId: proto.Int64(dsID), Uri: proto.String("gs://data/day2"), Properties: map[string]*pb.Value{"day": intV(2)}}
	artIDs := ok(c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{a1, a2}})).get(t).GetArtifactIds()
	if len(artIDs) != 2 || artIDs[0] <= 0 || artIDs[1] <= artIDs[0] {
		t.Fatalf("PutArtifacts ids = %v", artIDs)
	}
	got := ok(c.GetArtifactsByID(ctx, &pb.GetArtifactsByIDRequest{ArtifactIds: []int64{artIDs[0]}})).get(t).GetArtifacts()
	if len(got) != 1 {
		t.Fatalf("GetArtifactsByID = %v", got)
	}
	g1 := got[0]
	if g1.GetUri() != "gs://data/day1" || g1.GetName() != "day1" || g1.GetType() != "DataSet" || g1.GetState() != pb.Artifact_LIVE ||
		g1.GetProperties()["day"].GetIntValue() != 1 || g1.GetProperties()["score"].GetDoubleValue() != 0.5 ||
		!proto.Equal(g1.GetCustomProperties()["outputs"], outputs) || !g1.GetCustomProperties()["ok"].GetBoolValue() ||
		g1.GetCreateTimeSinceEpoch() <= 0 || g1.GetLastUpdateTimeSinceEpoch() < g1.GetCreateTimeSinceEpoch() {
		t.Errorf("stored artifact = %v", g1)
	}
	// Update in place, with and without a mask.
	upd := proto.Clone(g1).(*pb.Artifact)
	upd.Uri = proto.String("gs://data/day1-v2")
	upd.CustomProperties["extra"] = strV("x")
	if ids := ok(c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{upd}})).get(t).GetArtifactIds(); len(ids) != 1 || ids[0] != artIDs[0] {
		t.Errorf("update ids = %v", ids)
	}
	masked := &pb.Artifact{Id: proto.Int64(artIDs[1]), TypeId: proto.Int64(dsID), Uri: proto.String("ignored"), ExternalId: proto.String("art-2")}
	ok(c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{masked}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"external_id"}}})).get(t)
	a2got := ok(c.GetArtifactsByID(ctx, &pb.GetArtifactsByIDRequest{ArtifactIds: []int64{artIDs[1]}})).get(t).GetArtifacts()[0]
	if a2got.GetUri() != "gs://data/day2" || a2got.GetExternalId() != "art-2" {
		t.Errorf("masked update = %v", a2got)
	}
	// A stale last_update_time with abort_if_latest_updated_time_changed.
	stale := proto.Clone(g1).(*pb.Artifact) // g1 predates the update above
	_, err = c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{stale},
		Options: &pb.PutArtifactsRequest_Options{AbortIfLatestUpdatedTimeChanged: proto.Bool(true)}})
	wantCode(t, err, codes.FailedPrecondition, "PutArtifacts with a stale last_update_time")
	_, err = c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{{TypeId: proto.Int64(dsID), Properties: map[string]*pb.Value{"undeclared": intV(1)}}}})
	wantCode(t, err, codes.InvalidArgument, "PutArtifacts with an undeclared property")
	_, err = c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{{TypeId: proto.Int64(dsID), Properties: map[string]*pb.Value{"day": strV("one")}}}})
	wantCode(t, err, codes.InvalidArgument, "PutArtifacts with a property of the wrong kind")
	_, err = c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{{TypeId: proto.Int64(987654)}}})
	wantCode(t, err, codes.NotFound, "PutArtifacts with an unknown type")
	_, err = c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{{TypeId: proto.Int64(dsID), ExternalId: proto.String("art-1")}}})
	wantCode(t, err, codes.AlreadyExists, "PutArtifacts with a taken external_id")

	byID := ok(c.GetArtifactsByID(ctx, &pb.GetArtifactsByIDRequest{ArtifactIds: []int64{artIDs[1], artIDs[0], 987654}, PopulateArtifactTypes: proto.Bool(true)})).get(t)
	if got := ids(byID.GetArtifacts()); !slices.Equal(got, sorted(artIDs...)) {
		t.Errorf("GetArtifactsByID ids = %v", got)
	}
	if len(byID.GetArtifactTypes()) != 1 || byID.GetArtifactTypes()[0].GetName() != "DataSet" {
		t.Errorf("populate_artifact_types gave %v", byID.GetArtifactTypes())
	}
	if n := len(ok(c.GetArtifactsByID(ctx, &pb.GetArtifactsByIDRequest{ArtifactIds: artIDs})).get(t).GetArtifactTypes()); n != 0 {
		t.Errorf("types returned without populate_artifact_types: %d", n)
	}

	// ---- executions and events ----
	e1 := &pb.Execution{TypeId: proto.Int64(trID), Name: proto.String("train-1"), ExternalId: proto.String("exe-1"),
		LastKnownState: pb.Execution_RUNNING.Enum(), Properties: map[string]*pb.Value{"steps": intV(100)}}
	exeIDs := ok(c.PutExecutions(ctx, &pb.PutExecutionsRequest{Executions: []*pb.Execution{e1}})).get(t).GetExecutionIds()
	if len(exeIDs) != 1 {
		t.Fatalf("PutExecutions = %v", exeIDs)
	}
	e1.Id = proto.Int64(exeIDs[0])
	e1.LastKnownState = pb.Execution_COMPLETE.Enum()
	ok(c.PutExecutions(ctx, &pb.PutExecutionsRequest{Executions: []*pb.Execution{e1}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"last_known_state"}}})).get(t)
	if s := ok(c.GetExecutionsByID(ctx, &pb.GetExecutionsByIDRequest{ExecutionIds: exeIDs})).get(t).GetExecutions(); len(s) != 1 || s[0].GetLastKnownState() != pb.Execution_COMPLETE || s[0].GetProperties()["steps"].GetIntValue() != 100 {
		t.Errorf("GetExecutionsByID = %v", s)
	}
	ev := &pb.Event{ArtifactId: proto.Int64(artIDs[0]), ExecutionId: proto.Int64(exeIDs[0]), Type: pb.Event_INPUT.Enum(),
		Path: &pb.Event_Path{Steps: []*pb.Event_Path_Step{{Value: &pb.Event_Path_Step_Key{Key: "examples"}}, {Value: &pb.Event_Path_Step_Index{Index: 0}}}}}
	ok(c.PutEvents(ctx, &pb.PutEventsRequest{Events: []*pb.Event{ev}})).get(t)
	_, err = c.PutEvents(ctx, &pb.PutEventsRequest{Events: []*pb.Event{ev}})
	wantCode(t, err, codes.AlreadyExists, "PutEvents twice")
	_, err = c.PutEvents(ctx, &pb.PutEventsRequest{Events: []*pb.Event{{ArtifactId: proto.Int64(987654), ExecutionId: proto.Int64(exeIDs[0]), Type: pb.Event_INPUT.Enum()}}})
	wantCode(t, err, codes.InvalidArgument, "PutEvents with a missing artifact")
	_, err = c.PutEvents(ctx, &pb.PutEventsRequest{Events: []*pb.Event{{ArtifactId: proto.Int64(artIDs[1]), ExecutionId: proto.Int64(exeIDs[0])}}})
	wantCode(t, err, codes.InvalidArgument, "PutEvents without a type")
	evs := ok(c.GetEventsByExecutionIDs(ctx, &pb.GetEventsByExecutionIDsRequest{ExecutionIds: exeIDs})).get(t).GetEvents()
	if len(evs) != 1 || evs[0].GetArtifactId() != artIDs[0] || evs[0].GetType() != pb.Event_INPUT ||
		!proto.Equal(evs[0].GetPath(), ev.GetPath()) || evs[0].GetMillisecondsSinceEpoch() <= 0 {
		t.Errorf("GetEventsByExecutionIDs = %v", evs)
	}
	if evs := ok(c.GetEventsByArtifactIDs(ctx, &pb.GetEventsByArtifactIDsRequest{ArtifactIds: []int64{artIDs[0], 987654}})).get(t).GetEvents(); len(evs) != 1 || evs[0].GetExecutionId() != exeIDs[0] {
		t.Errorf("GetEventsByArtifactIDs = %v", evs)
	}
	if evs := ok(c.GetEventsByArtifactIDs(ctx, &pb.GetEventsByArtifactIDsRequest{ArtifactIds: []int64{987654}})).get(t).GetEvents(); len(evs) != 0 {
		t.Errorf("events of a missing artifact = %v", evs)
	}

	// ---- contexts, attributions, associations, parents ----
	ctxIDs := ok(c.PutContexts(ctx, &pb.PutContextsRequest{Contexts: []*pb.Context{
		{TypeId: proto.Int64(exID), Name: proto.String("exp-1"), ExternalId: proto.String("ctx-1"), Properties: map[string]*pb.Value{"note": strV("first")}},
		{TypeId: proto.Int64(exID), Name: proto.String("exp-2")},
		{TypeId: proto.Int64(runID), Name: proto.String("run-1")},
	}})).get(t).GetContextIds()
	if len(ctxIDs) != 3 {
		t.Fatalf("PutContexts = %v", ctxIDs)
	}
	_, err = c.PutContexts(ctx, &pb.PutContextsRequest{Contexts: []*pb.Context{{TypeId: proto.Int64(exID), Name: proto.String("exp-1")}}})
	wantCode(t, err, codes.AlreadyExists, "PutContexts with a taken name")
	_, err = c.PutContexts(ctx, &pb.PutContextsRequest{Contexts: []*pb.Context{{TypeId: proto.Int64(exID)}}})
	wantCode(t, err, codes.InvalidArgument, "PutContexts without a name")
	ok(c.PutAttributionsAndAssociations(ctx, &pb.PutAttributionsAndAssociationsRequest{
		Attributions: []*pb.Attribution{{ArtifactId: proto.Int64(artIDs[0]), ContextId: proto.Int64(ctxIDs[0])}, {ArtifactId: proto.Int64(artIDs[1]), ContextId: proto.Int64(ctxIDs[0])}},
		Associations: []*pb.Association{{ExecutionId: proto.Int64(exeIDs[0]), ContextId: proto.Int64(ctxIDs[0])}},
	})).get(t)
	// Existing links are left alone.
	ok(c.PutAttributionsAndAssociations(ctx, &pb.PutAttributionsAndAssociationsRequest{
		Attributions: []*pb.Attribution{{ArtifactId: proto.Int64(artIDs[0]), ContextId: proto.Int64(ctxIDs[0])}},
	})).get(t)
	ok(c.PutParentContexts(ctx, &pb.PutParentContextsRequest{ParentContexts: []*pb.ParentContext{
		{ChildId: proto.Int64(ctxIDs[2]), ParentId: proto.Int64(ctxIDs[0])},
		{ChildId: proto.Int64(ctxIDs[1]), ParentId: proto.Int64(ctxIDs[0])},
	}})).get(t)
	_, err = c.PutParentContexts(ctx, &pb.PutParentContextsRequest{ParentContexts: []*pb.ParentContext{{ChildId: proto.Int64(ctxIDs[2]), ParentId: proto.Int64(ctxIDs[0])}}})
	wantCode(t, err, codes.AlreadyExists, "PutParentContexts twice")
	_, err = c.PutParentContexts(ctx, &pb.PutParentContextsRequest{ParentContexts: []*pb.ParentContext{{ChildId: proto.Int64(ctxIDs[0]), ParentId: proto.Int64(ctxIDs[2])}}})
	wantCode(t, err, codes.InvalidArgument, "PutParentContexts making a cycle")

	if got := ids(ok(c.GetContextsByArtifact(ctx, &pb.GetContextsByArtifactRequest{ArtifactId: proto.Int64(artIDs[0])})).get(t).GetContexts()); !slices.Equal(got, []int64{ctxIDs[0]}) {
		t.Errorf("GetContextsByArtifact = %v", got)
	}
	if got := ids(ok(c.GetContextsByExecution(ctx, &pb.GetContextsByExecutionRequest{ExecutionId: proto.Int64(exeIDs[0])})).get(t).GetContexts()); !slices.Equal(got, []int64{ctxIDs[0]}) {
		t.Errorf("GetContextsByExecution = %v", got)
	}
	// MLMD answers NotFound for a node without contexts, and for a missing node.
	_, err = c.GetContextsByArtifact(ctx, &pb.GetContextsByArtifactRequest{ArtifactId: proto.Int64(1 << 40)})
	wantCode(t, err, codes.NotFound, "GetContextsByArtifact of a missing artifact")
	_, err = c.GetContextsByExecution(ctx, &pb.GetContextsByExecutionRequest{ExecutionId: proto.Int64(1 << 40)})
	wantCode(t, err, codes.NotFound, "GetContextsByExecution of a missing execution")
	if got := ids(ok(c.GetParentContextsByContext(ctx, &pb.GetParentContextsByContextRequest{ContextId: proto.Int64(ctxIDs[2])})).get(t).GetContexts()); !slices.Equal(got, []int64{ctxIDs[0]}) {
		t.Errorf("GetParentContextsByContext = %v", got)
	}
	if got := ids(ok(c.GetChildrenContextsByContext(ctx, &pb.GetChildrenContextsByContextRequest{ContextId: proto.Int64(ctxIDs[0])})).get(t).GetContexts()); !slices.Equal(got, sorted(ctxIDs[1], ctxIDs[2])) {
		t.Errorf("GetChildrenContextsByContext = %v", got)
	}
	pbc := ok(c.GetParentContextsByContexts(ctx, &pb.GetParentContextsByContextsRequest{ContextIds: []int64{ctxIDs[1], ctxIDs[2], ctxIDs[0]}})).get(t).GetContexts()
	if len(pbc) != 2 || ids(pbc[ctxIDs[1]].GetParentContexts())[0] != ctxIDs[0] || ids(pbc[ctxIDs[2]].GetParentContexts())[0] != ctxIDs[0] {
		t.Errorf("GetParentContextsByContexts = %v", pbc)
	}
	cbc := ok(c.GetChildrenContextsByContexts(ctx, &pb.GetChildrenContextsByContextsRequest{ContextIds: []int64{ctxIDs[0], ctxIDs[2]}})).get(t).GetContexts()
	if len(cbc) != 1 || !slices.Equal(ids(cbc[ctxIDs[0]].GetChildrenContexts()), sorted(ctxIDs[1], ctxIDs[2])) {
		t.Errorf("GetChildrenContextsByContexts = %v", cbc)
	}

	// ---- PutExecution: one transaction ----
	pe := ok(c.PutExecution(ctx, &pb.PutExecutionRequest{
		Execution: &pb.Execution{TypeId: proto.Int64(evalID), LastKnownState: pb.Execution_RUNNING.Enum()},
		ArtifactEventPairs: []*pb.PutExecutionRequest_ArtifactAndEvent{
			{Event: &pb.Event{ArtifactId: proto.Int64(artIDs[1]), Type: pb.Event_INPUT.Enum()}},
			{Artifact: &pb.Artifact{TypeId: proto.Int64(modelID), Uri: proto.String("gs://models/m1")}, Event: &pb.Event{Type: pb.Event_OUTPUT.Enum()}},
			{Artifact: &pb.Artifact{TypeId: proto.Int64(modelID), Uri: proto.String("gs://models/no-event")}},
			{},
		},
		Contexts: []*pb.Context{{Id: proto.Int64(ctxIDs[1])}, {TypeId: proto.Int64(runID), Name: proto.String("run-2")}},
		Options:  &pb.PutExecutionRequest_Options{ForceReuseContext: proto.Bool(true)},
	})).get(t)
	if pe.GetExecutionId() <= 0 || len(pe.GetArtifactIds()) != 4 || pe.GetArtifactIds()[0] != artIDs[1] || pe.GetArtifactIds()[3] != -1 || len(pe.GetContextIds()) != 2 || pe.GetContextIds()[0] != ctxIDs[1] {
		t.Fatalf("PutExecution = %v", pe)
	}
	modelArt := pe.GetArtifactIds()[1]
	if got := ids(ok(c.GetContextsByArtifact(ctx, &pb.GetContextsByArtifactRequest{ArtifactId: proto.Int64(modelArt)})).get(t).GetContexts()); !slices.Equal(got, sorted(pe.GetContextIds()...)) {
		t.Errorf("contexts of PutExecution's new artifact = %v, want %v", got, pe.GetContextIds())
	}
	if got := ids(ok(c.GetContextsByExecution(ctx, &pb.GetContextsByExecutionRequest{ExecutionId: proto.Int64(pe.GetExecutionId())})).get(t).GetContexts()); !slices.Equal(got, sorted(pe.GetContextIds()...)) {
		t.Errorf("contexts of PutExecution's execution = %v", got)
	}
	if evs := ok(c.GetEventsByExecutionIDs(ctx, &pb.GetEventsByExecutionIDsRequest{ExecutionIds: []int64{pe.GetExecutionId()}})).get(t).GetEvents(); len(evs) != 2 {
		t.Errorf("PutExecution events = %v", evs)
	}
	// A failing PutExecution writes nothing: the new context's name is taken.
	before := len(ok(c.GetExecutions(ctx, &pb.GetExecutionsRequest{})).get(t).GetExecutions())
	_, err = c.PutExecution(ctx, &pb.PutExecutionRequest{
		Execution:          &pb.Execution{TypeId: proto.Int64(evalID)},
		ArtifactEventPairs: []*pb.PutExecutionRequest_ArtifactAndEvent{{Artifact: &pb.Artifact{TypeId: proto.Int64(modelID), Uri: proto.String("gs://models/rolled-back")}}},
		Contexts:           []*pb.Context{{TypeId: proto.Int64(runID), Name: proto.String("run-2")}},
	})
	wantCode(t, err, codes.AlreadyExists, "PutExecution with a taken context name")
	if after := len(ok(c.GetExecutions(ctx, &pb.GetExecutionsRequest{})).get(t).GetExecutions()); after != before {
		t.Errorf("failed PutExecution left %d executions, want %d", after, before)
	}
	if arts := ok(c.GetArtifactsByURI(ctx, &pb.GetArtifactsByURIRequest{Uris: []string{"gs://models/rolled-back"}})).get(t).GetArtifacts(); len(arts) != 0 {
		t.Errorf("failed PutExecution left artifacts %v", arts)
	}
	// Reusing the context by name succeeds.
	pe2 := ok(c.PutExecution(ctx, &pb.PutExecutionRequest{
		Execution: &pb.Execution{TypeId: proto.Int64(evalID)},
		Contexts:  []*pb.Context{{TypeId: proto.Int64(runID), Name: proto.String("run-2")}},
		Options:   &pb.PutExecutionRequest_Options{ReuseContextIfAlreadyExist: proto.Bool(true)},
	})).get(t)
	if pe2.GetContextIds()[0] != pe.GetContextIds()[1] {
		t.Errorf("reused context id %d, want %d", pe2.GetContextIds()[0], pe.GetContextIds()[1])
	}
	_, err = c.PutExecution(ctx, &pb.PutExecutionRequest{})
	wantCode(t, err, codes.InvalidArgument, "PutExecution without an execution")

	// ---- PutLineageSubgraph ----
	pl := ok(c.PutLineageSubgraph(ctx, &pb.PutLineageSubgraphRequest{
		Executions: []*pb.Execution{{TypeId: proto.Int64(trID), Name: proto.String("lineage-exe")}},
		Artifacts:  []*pb.Artifact{{TypeId: proto.Int64(dsID), Uri: proto.String("gs://lineage/in")}, {TypeId: proto.Int64(modelID), Uri: proto.String("gs://lineage/out")}},
		Contexts:   []*pb.Context{{TypeId: proto.Int64(runID), Name: proto.String("lineage-run")}},
		EventEdges: []*pb.PutLineageSubgraphRequest_EventEdge{
			{ExecutionIndex: proto.Int32(0), ArtifactIndex: proto.Int32(0), Event: &pb.Event{Type: pb.Event_INPUT.Enum()}},
			{ExecutionIndex: proto.Int32(0), ArtifactIndex: proto.Int32(1), Event: &pb.Event{Type: pb.Event_OUTPUT.Enum()}},
		},
	})).get(t)
	if len(pl.GetExecutionIds()) != 1 || len(pl.GetArtifactIds()) != 2 || len(pl.GetContextIds()) != 1 {
		t.Fatalf("PutLineageSubgraph = %v", pl)
	}
	if evs := ok(c.GetEventsByExecutionIDs(ctx, &pb.GetEventsByExecutionIDsRequest{ExecutionIds: pl.GetExecutionIds()})).get(t).GetEvents(); len(evs) != 2 {
		t.Errorf("PutLineageSubgraph events = %v", evs)
	}
	if got := ids(ok(c.GetArtifactsByContext(ctx, &pb.GetArtifactsByContextRequest{ContextId: proto.Int64(pl.GetContextIds()[0])})).get(t).GetArtifacts()); !slices.Equal(got, sorted(pl.GetArtifactIds()...)) {
		t.Errorf("PutLineageSubgraph attributions = %v", got)
	}
	_, err = c.PutLineageSubgraph(ctx, &pb.PutLineageSubgraphRequest{
		Executions: []*pb.Execution{{TypeId: proto.Int64(trID)}},
		Artifacts:  []*pb.Artifact{{TypeId: proto.Int64(dsID)}},
		EventEdges: []*pb.PutLineageSubgraphRequest_EventEdge{{ExecutionIndex: proto.Int32(0), ArtifactIndex: proto.Int32(5), Event: &pb.Event{Type: pb.Event_INPUT.Enum()}}},
	})
	wantCode(t, err, codes.OutOfRange, "PutLineageSubgraph with an artifact_index out of range")
	_, err = c.PutLineageSubgraph(ctx, &pb.PutLineageSubgraphRequest{
		Executions: []*pb.Execution{{TypeId: proto.Int64(trID)}},
		Artifacts:  []*pb.Artifact{{TypeId: proto.Int64(dsID)}},
		EventEdges: []*pb.PutLineageSubgraphRequest_EventEdge{{ExecutionIndex: proto.Int32(0), ArtifactIndex: proto.Int32(0)}},
	})
	wantCode(t, err, codes.InvalidArgument, "PutLineageSubgraph with an edge without an event")

	// ---- listings ----
	all := ok(c.GetArtifacts(ctx, &pb.GetArtifactsRequest{})).get(t).GetArtifacts()
	if len(all) != 6 { // 2 DataSet + 2 from PutExecution + 2 from PutLineageSubgraph
		t.Errorf("GetArtifacts without options: %d artifacts, want 6", len(all))
	}
	var paged []int64
	var pages int
	opts := &pb.ListOperationOptions{MaxResultSize: proto.Int32(4),
		OrderByField: &pb.ListOperationOptions_OrderByField{Field: pb.ListOperationOptions_OrderByField_CREATE_TIME.Enum(), IsAsc: proto.Bool(false)}}
	for {
		res := ok(c.GetArtifacts(ctx, &pb.GetArtifactsRequest{Options: opts})).get(t)
		pages++
		for _, a := range res.GetArtifacts() {
			paged = append(paged, a.GetId())
		}
		if res.GetNextPageToken() == "" {
			break
		}
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		opts.NextPageToken = proto.String(res.GetNextPageToken())
	}
	if pages != 2 || len(paged) != 6 || !slices.IsSortedFunc(paged, func(a, b int64) int { return int(b - a) }) {
		t.Errorf("paged GetArtifacts: %d pages, ids %v (want 2 pages, 6 ids, newest first)", pages, paged)
	}
	_, err = c.GetArtifacts(ctx, &pb.GetArtifactsRequest{Options: &pb.ListOperationOptions{MaxResultSize: proto.Int32(0)}})
	wantCode(t, err, codes.InvalidArgument, "GetArtifacts with max_result_size 0")
	_, err = c.GetArtifacts(ctx, &pb.GetArtifactsRequest{Options: &pb.ListOperationOptions{NextPageToken: proto.String("not a token")}})
	wantCode(t, err, codes.InvalidArgument, "GetArtifacts with a bad page token")
	if n := len(ok(c.GetExecutions(ctx, &pb.GetExecutionsRequest{Options: &pb.ListOperationOptions{MaxResultSize: proto.Int32(2)}})).get(t).GetExecutions()); n != 2 {
		t.Errorf("GetExecutions page of 2: %d", n)
	}
	if res := ok(c.GetContexts(ctx, &pb.GetContextsRequest{Options: &pb.ListOperationOptions{}})).get(t); len(res.GetContexts()) != 5 || res.GetNextPageToken() != "" {
		t.Errorf("GetContexts = %d contexts, token %q", len(res.GetContexts()), res.GetNextPageToken())
	}

	byType := ok(c.GetArtifactsByType(ctx, &pb.GetArtifactsByTypeRequest{TypeName: proto.String("Model")})).get(t)
	if len(byType.GetArtifacts()) != 3 || byType.NextPageToken != nil {
		t.Errorf("GetArtifactsByType(Model) = %d artifacts, token %v", len(byType.GetArtifacts()), byType.NextPageToken)
	}
	byType = ok(c.GetArtifactsByType(ctx, &pb.GetArtifactsByTypeRequest{TypeName: proto.String("Model"), Options: &pb.ListOperationOptions{MaxResultSize: proto.Int32(2)}})).get(t)
	if len(byType.GetArtifacts()) != 2 || byType.GetNextPageToken() == "" {
		t.Errorf("GetArtifactsByType page = %d artifacts, token %q", len(byType.GetArtifacts()), byType.GetNextPageToken())
	}
	if res := ok(c.GetArtifactsByType(ctx, &pb.GetArtifactsByTypeRequest{TypeName: proto.String("NoSuchType")})).get(t); len(res.GetArtifacts()) != 0 {
		t.Errorf("GetArtifactsByType of a missing type = %v", res)
	}
	if n := len(ok(c.GetExecutionsByType(ctx, &pb.GetExecutionsByTypeRequest{TypeName: proto.String("Trainer"), TypeVersion: proto.String("v1")})).get(t).GetExecutions()); n != 2 {
		t.Errorf("GetExecutionsByType(Trainer v1) = %d", n)
	}
	if n := len(ok(c.GetExecutionsByType(ctx, &pb.GetExecutionsByTypeRequest{TypeName: proto.String("Trainer")})).get(t).GetExecutions()); n != 0 {
		t.Errorf("GetExecutionsByType(Trainer, no version) = %d, want 0", n)
	}
	if got := names(ok(c.GetContextsByType(ctx, &pb.GetContextsByTypeRequest{TypeName: proto.String("Run")})).get(t).GetContexts()); !slices.Equal(got, []string{"lineage-run", "run-1", "run-2"}) {
		t.Errorf("GetContextsByType(Run) = %v", got)
	}

	if a := ok(c.GetArtifactByTypeAndName(ctx, &pb.GetArtifactByTypeAndNameRequest{TypeName: proto.String("DataSet"), ArtifactName: proto.String("day1")})).get(t).GetArtifact(); a.GetId() != artIDs[0] {
		t.Errorf("GetArtifactByTypeAndName = %v", a)
	}
	// Missing node or missing type: OK with nothing, as MLMD answers.
	for _, req := range []*pb.GetArtifactByTypeAndNameRequest{
		{TypeName: proto.String("DataSet"), ArtifactName: proto.String("nope")},
		{TypeName: proto.String("NoSuchType"), ArtifactName: proto.String("day1")},
	} {
		if res := ok(c.GetArtifactByTypeAndName(ctx, req)).get(t); res.Artifact != nil {
			t.Errorf("GetArtifactByTypeAndName(%v) = %v, want no artifact", req, res)
		}
	}
	if e := ok(c.GetExecutionByTypeAndName(ctx, &pb.GetExecutionByTypeAndNameRequest{TypeName: proto.String("Trainer"), TypeVersion: proto.String("v1"), ExecutionName: proto.String("train-1")})).get(t).GetExecution(); e.GetId() != exeIDs[0] {
		t.Errorf("GetExecutionByTypeAndName = %v", e)
	}
	if res := ok(c.GetExecutionByTypeAndName(ctx, &pb.GetExecutionByTypeAndNameRequest{TypeName: proto.String("Trainer"), ExecutionName: proto.String("train-1")})).get(t); res.Execution != nil {
		t.Errorf("GetExecutionByTypeAndName of a missing type version = %v", res)
	}
	if cx := ok(c.GetContextByTypeAndName(ctx, &pb.GetContextByTypeAndNameRequest{TypeName: proto.String("Experiment"), ContextName: proto.String("exp-1")})).get(t).GetContext(); cx.GetId() != ctxIDs[0] || cx.GetProperties()["note"].GetStringValue() != "first" {
		t.Errorf("GetContextByTypeAndName = %v", cx)
	}
	if res := ok(c.GetContextByTypeAndName(ctx, &pb.GetContextByTypeAndNameRequest{TypeName: proto.String("system.PipelineRun"), ContextName: proto.String("x")})).get(t); res.Context != nil {
		t.Errorf("GetContextByTypeAndName of a missing type = %v", res)
	}

	if got := ids(ok(c.GetArtifactsByURI(ctx, &pb.GetArtifactsByURIRequest{Uris: []string{"gs://data/day2", "gs://models/m1", "gs://none"}})).get(t).GetArtifacts()); !slices.Equal(got, sorted(artIDs[1], modelArt)) {
		t.Errorf("GetArtifactsByURI = %v", got)
	}
	oldReq := &pb.GetArtifactsByURIRequest{}
	oldReq.ProtoReflect().SetUnknown(protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), "gs://data/day2"))
	_, err = c.GetArtifactsByURI(ctx, oldReq)
	wantCode(t, err, codes.InvalidArgument, "GetArtifactsByURI with the removed uri field")

	if got := ids(ok(c.GetArtifactsByExternalIds(ctx, &pb.GetArtifactsByExternalIdsRequest{ExternalIds: []string{"art-1", "art-2", "none"}})).get(t).GetArtifacts()); !slices.Equal(got, sorted(artIDs...)) {
		t.Errorf("GetArtifactsByExternalIds = %v", got)
	}
	if got := ids(ok(c.GetExecutionsByExternalIds(ctx, &pb.GetExecutionsByExternalIdsRequest{ExternalIds: []string{"exe-1"}})).get(t).GetExecutions()); !slices.Equal(got, exeIDs) {
		t.Errorf("GetExecutionsByExternalIds = %v", got)
	}
	if got := ids(ok(c.GetContextsByExternalIds(ctx, &pb.GetContextsByExternalIdsRequest{ExternalIds: []string{"ctx-1"}})).get(t).GetContexts()); !slices.Equal(got, []int64{ctxIDs[0]}) {
		t.Errorf("GetContextsByExternalIds = %v", got)
	}
	if got := ids(ok(c.GetContextsByID(ctx, &pb.GetContextsByIDRequest{ContextIds: []int64{ctxIDs[2], 987654}})).get(t).GetContexts()); !slices.Equal(got, []int64{ctxIDs[2]}) {
		t.Errorf("GetContextsByID = %v", got)
	}

	// Artifacts and executions of a context, paged.
	abc := ok(c.GetArtifactsByContext(ctx, &pb.GetArtifactsByContextRequest{ContextId: proto.Int64(ctxIDs[0]), Options: &pb.ListOperationOptions{MaxResultSize: proto.Int32(1)}})).get(t)
	if len(abc.GetArtifacts()) != 1 || abc.GetNextPageToken() == "" {
		t.Errorf("GetArtifactsByContext first page = %v", abc)
	}
	abc2 := ok(c.GetArtifactsByContext(ctx, &pb.GetArtifactsByContextRequest{ContextId: proto.Int64(ctxIDs[0]),
		Options: &pb.ListOperationOptions{MaxResultSize: proto.Int32(1), NextPageToken: proto.String(abc.GetNextPageToken())}})).get(t)
	if len(abc2.GetArtifacts()) != 1 || abc2.GetArtifacts()[0].GetId() == abc.GetArtifacts()[0].GetId() {
		t.Errorf("GetArtifactsByContext second page = %v", abc2)
	}
	if got := ids(ok(c.GetExecutionsByContext(ctx, &pb.GetExecutionsByContextRequest{ContextId: proto.Int64(ctxIDs[1])})).get(t).GetExecutions()); !slices.Equal(got, []int64{pe.GetExecutionId()}) {
		t.Errorf("GetExecutionsByContext = %v", got)
	}

	// ---- lineage (in detail in lineage_test.go) ----
	_, err = c.GetLineageGraph(ctx, &pb.GetLineageGraphRequest{})
	wantCode(t, err, codes.InvalidArgument, "GetLineageGraph without query nodes")
	sub := ok(c.GetLineageSubgraph(ctx, &pb.GetLineageSubgraphRequest{LineageSubgraphQueryOptions: &pb.LineageSubgraphQueryOptions{
		StartingNodes: &pb.LineageSubgraphQueryOptions_StartingArtifacts{StartingArtifacts: &pb.LineageSubgraphQueryOptions_StartingNodes{FilterQuery: proto.String("id > 0")}},
		MaxNumHops:    proto.Int64(2),
	}})).get(t)
	if len(sub.GetLineageSubgraph().GetArtifacts()) == 0 {
		t.Errorf("GetLineageSubgraph from every artifact found none: %v", sub)
	}
}

// TestListCap checks MLMD's paging limits: the proto default page size is
// 20, a page never holds more than 100 rows whatever max_result_size asks,
// and the token walks the rest without repeats.
func TestListCap(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			c := serve(t, b.driver, b.dsn(t)).client
			ctx := context.Background()
			tid := ok(c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: &pb.ArtifactType{Name: proto.String("Row")}})).get(t).GetTypeId()
			arts := make([]*pb.Artifact, 105)
			for i := range arts {
				arts[i] = &pb.Artifact{TypeId: proto.Int64(tid)}
			}
			want := ok(c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: arts})).get(t).GetArtifactIds()

			res := ok(c.GetArtifacts(ctx, &pb.GetArtifactsRequest{Options: &pb.ListOperationOptions{}})).get(t)
			if len(res.GetArtifacts()) != 20 || res.GetNextPageToken() == "" {
				t.Errorf("default page: %d rows, token %q; want 20 and a token", len(res.GetArtifacts()), res.GetNextPageToken())
			}
			var got []int64
			opts := &pb.ListOperationOptions{MaxResultSize: proto.Int32(500)}
			for pages := 1; ; pages++ {
				res := ok(c.GetArtifacts(ctx, &pb.GetArtifactsRequest{Options: opts})).get(t)
				if len(res.GetArtifacts()) > 100 {
					t.Fatalf("page %d holds %d rows, more than 100", pages, len(res.GetArtifacts()))
				}
				for _, a := range res.GetArtifacts() {
					got = append(got, a.GetId())
				}
				if res.GetNextPageToken() == "" {
					if pages != 2 {
						t.Errorf("%d pages, want 2 (100 + 5)", pages)
					}
					break
				}
				if pages > 5 {
					t.Fatal("paging does not end")
				}
				opts.NextPageToken = proto.String(res.GetNextPageToken())
			}
			if !slices.Equal(got, want) {
				t.Errorf("paged ids %v, want %v", got, want)
			}
		})
	}
}

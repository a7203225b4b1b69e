package testdb

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/gomlmd/gomlmd/mlmd"
)

// MLMDFixture holds the values of MLMDRows that need protobuf to check.
type MLMDFixture struct {
	structValue *structpb.Struct
	anyValue    *anypb.Any
}

// StructValue is the struct property value of the fixture (artifact 1's
// "config").
func (f MLMDFixture) StructValue() *structpb.Struct { return f.structValue }

// AnyValue is the proto property value of the fixture (artifact 1's
// "payload").
func (f MLMDFixture) AnyValue() *anypb.Any { return f.anyValue }

// MLMDRows returns INSERT statements, valid in SQLite and MySQL, that fill
// every table of an empty database that MLMD created at version 10 the way
// MLMD writes its rows: unset strings NULL, booleans 1/0, structs as
// "mlmd-struct::" + base64, protos as base64 text. CheckMLMDRows reads
// them back through a store.
func MLMDRows(t testing.TB) ([]string, MLMDFixture) {
	t.Helper()
	st, err := structpb.NewStruct(map[string]any{"layers": []any{1.0, "relu"}, "ok": true})
	if err != nil {
		t.Fatal(err)
	}
	stBytes, err := proto.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	anyValue, err := anypb.New(wrapperspb.String("hello"))
	if err != nil {
		t.Fatal(err)
	}
	anyBytes, err := proto.Marshal(anyValue)
	if err != nil {
		t.Fatal(err)
	}
	structText := "mlmd-struct::" + base64.StdEncoding.EncodeToString(stBytes)
	protoText := base64.StdEncoding.EncodeToString(anyBytes)
	stmts := []string{
		"INSERT INTO `Type`(`name`, `type_kind`, `version`, `description`, `external_id`) VALUES('mlmd.Dataset', 1, NULL, NULL, NULL)",
		"INSERT INTO `Type`(`name`, `type_kind`, `version`, `description`, `external_id`) VALUES('Examples', 1, 'v1', 'training data', 'type-ext-1')",
		"INSERT INTO `Type`(`name`, `type_kind`, `version`, `description`, `input_type`, `output_type`, `external_id`) VALUES('Trainer', 0, NULL, NULL, '{\"any\":{}}', '{\"none\":{}}', NULL)",
		"INSERT INTO `Type`(`name`, `type_kind`, `version`, `description`, `external_id`) VALUES('Pipeline', 2, NULL, NULL, NULL)",
		"INSERT INTO `TypeProperty`(`type_id`, `name`, `data_type`) VALUES(2, 'span', 1), (2, 'score', 2), (2, 'note', 3), (2, 'config', 4), (2, 'payload', 5), (2, 'flag', 6), (3, 'steps', 1), (4, 'owner', 3)",
		"INSERT INTO `ParentType`(`type_id`, `parent_type_id`) VALUES(2, 1)",
		"INSERT INTO `Artifact`(`type_id`, `uri`, `state`, `name`, `external_id`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES(2, '/data/a', 2, 'a', 'art-ext-1', 1000, 2000)",
		"INSERT INTO `Artifact`(`type_id`, `uri`, `state`, `name`, `external_id`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES(2, NULL, NULL, NULL, NULL, 1001, 1001)",
		"INSERT INTO `ArtifactProperty`(`artifact_id`, `name`, `is_custom_property`, `int_value`) VALUES(1, 'span', 0, 42)",
		"INSERT INTO `ArtifactProperty`(`artifact_id`, `name`, `is_custom_property`, `double_value`) VALUES(1, 'score', 0, 0.5)",
		"INSERT INTO `ArtifactProperty`(`artifact_id`, `name`, `is_custom_property`, `string_value`) VALUES(1, 'note', 0, 'hello')",
		"INSERT INTO `ArtifactProperty`(`artifact_id`, `name`, `is_custom_property`, `string_value`) VALUES(1, 'config', 0, '" + structText + "')",
		"INSERT INTO `ArtifactProperty`(`artifact_id`, `name`, `is_custom_property`, `proto_value`) VALUES(1, 'payload', 0, '" + protoText + "')",
		"INSERT INTO `ArtifactProperty`(`artifact_id`, `name`, `is_custom_property`, `bool_value`) VALUES(1, 'flag', 0, 1)",
		"INSERT INTO `ArtifactProperty`(`artifact_id`, `name`, `is_custom_property`, `int_value`) VALUES(1, 'span', 1, -7)",
		"INSERT INTO `Execution`(`type_id`, `last_known_state`, `name`, `external_id`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES(3, 3, 'run-1', 'exe-ext-1', 3000, 3500)",
		"INSERT INTO `ExecutionProperty`(`execution_id`, `name`, `is_custom_property`, `int_value`) VALUES(1, 'steps', 0, 100)",
		"INSERT INTO `ExecutionProperty`(`execution_id`, `name`, `is_custom_property`, `bool_value`) VALUES(1, 'cached', 1, 0)",
		"INSERT INTO `Context`(`type_id`, `name`, `external_id`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES(4, 'pipeline-1', 'ctx-ext-1', 4000, 4000)",
		"INSERT INTO `Context`(`type_id`, `name`, `external_id`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES(4, 'pipeline-2', NULL, 4001, 4001)",
		"INSERT INTO `ContextProperty`(`context_id`, `name`, `is_custom_property`, `string_value`) VALUES(1, 'owner', 0, 'me')",
		"INSERT INTO `ParentContext`(`context_id`, `parent_context_id`) VALUES(2, 1)",
		"INSERT INTO `Event`(`artifact_id`, `execution_id`, `type`, `milliseconds_since_epoch`) VALUES(1, 1, 3, 5000)",
		"INSERT INTO `Event`(`artifact_id`, `execution_id`, `type`, `milliseconds_since_epoch`) VALUES(2, 1, 4, 5001)",
		"INSERT INTO `EventPath`(`event_id`, `is_index_step`, `step_key`) VALUES(1, 0, 'examples')",
		"INSERT INTO `EventPath`(`event_id`, `is_index_step`, `step_index`) VALUES(1, 1, 3)",
		"INSERT INTO `Attribution`(`context_id`, `artifact_id`) VALUES(1, 1), (1, 2)",
		"INSERT INTO `Association`(`context_id`, `execution_id`) VALUES(1, 1)",
	}
	return stmts, MLMDFixture{structValue: st, anyValue: anyValue}
}

// CheckMLMDRows reads the rows of MLMDRows back through a store opened on
// the database, and fails the test where the store does not see what MLMD
// wrote.
func CheckMLMDRows(t *testing.T, s *mlmd.Store, fx MLMDFixture) {
	t.Helper()
	ctx := t.Context()
	arts, err := s.GetArtifactsByID(ctx, []int64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 2 {
		t.Fatalf("got %d artifacts, want 2", len(arts))
	}
	a := arts[0]
	if a.ID != 1 || a.TypeID != 2 || a.Type != "Examples" || a.URI != "/data/a" || a.State != mlmd.ArtifactStateLive ||
		a.Name != "a" || a.ExternalID != "art-ext-1" || a.CreateTimeSinceEpoch != 1000 || a.LastUpdateTimeSinceEpoch != 2000 {
		t.Errorf("artifact 1 = %+v", a)
	}
	wantProps := mlmd.Properties{
		"span":    mlmd.IntValue(42),
		"score":   mlmd.DoubleValue(0.5),
		"note":    mlmd.StringValue("hello"),
		"config":  mlmd.StructValue(fx.structValue),
		"payload": mlmd.ProtoValue(fx.anyValue),
		"flag":    mlmd.BoolValue(true),
	}
	for name, want := range wantProps {
		if got := a.Properties[name]; !got.Equal(want) {
			t.Errorf("artifact 1 property %q = %v, want %v", name, got, want)
		}
	}
	if len(a.Properties) != len(wantProps) {
		t.Errorf("artifact 1 has properties %v", a.Properties)
	}
	if got := a.CustomProperties["span"]; len(a.CustomProperties) != 1 || !got.Equal(mlmd.IntValue(-7)) {
		t.Errorf("artifact 1 custom properties %v", a.CustomProperties)
	}
	if b := arts[1]; b.ID != 2 || b.URI != "" || b.Name != "" || b.State != mlmd.ArtifactStateUnknown || b.ExternalID != "" {
		t.Errorf("artifact 2 = %+v", b)
	}

	types, err := s.GetArtifactTypesByID(ctx, []int64{2})
	if err != nil {
		t.Fatal(err)
	}
	if len(types) != 1 || types[0].Name != "Examples" || types[0].Version != "v1" || types[0].Description != "training data" ||
		types[0].ExternalID != "type-ext-1" || types[0].BaseType != mlmd.ArtifactBaseDataset || len(types[0].Properties) != 6 ||
		types[0].Properties["config"] != mlmd.PropertyStruct {
		t.Errorf("artifact type 2 = %+v", types)
	}
	et, err := s.GetExecutionType(ctx, "Trainer", "")
	if err != nil {
		t.Fatal(err)
	}
	if et.InputType != `{"any":{}}` || et.OutputType != `{"none":{}}` || et.Properties["steps"] != mlmd.PropertyInt {
		t.Errorf("execution type = %+v", et)
	}

	exes, err := s.GetExecutionsByID(ctx, []int64{1})
	if err != nil {
		t.Fatal(err)
	}
	if len(exes) != 1 || exes[0].Name != "run-1" || exes[0].LastKnownState != mlmd.ExecutionStateComplete ||
		!exes[0].Properties["steps"].Equal(mlmd.IntValue(100)) || !exes[0].CustomProperties["cached"].Equal(mlmd.BoolValue(false)) {
		t.Errorf("executions = %+v", exes)
	}

	events, err := s.GetEventsByExecutionIDs(ctx, []int64{1})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].ArtifactID != 1 || events[0].Type != mlmd.EventInput || events[0].MillisecondsSinceEpoch != 5000 ||
		!slices.Equal(events[0].Path, []mlmd.Step{mlmd.KeyStep("examples"), mlmd.IndexStep(3)}) || events[1].Type != mlmd.EventOutput {
		t.Errorf("events = %+v", events)
	}

	ctxs, err := s.GetContextsByArtifact(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(ctxs) != 1 || ctxs[0].Name != "pipeline-1" || !ctxs[0].Properties["owner"].Equal(mlmd.StringValue("me")) {
		t.Errorf("contexts of artifact 2 = %+v", ctxs)
	}
	parents, err := s.GetParentContextsByContext(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(parents) != 1 || parents[0].ID != 1 {
		t.Errorf("parents of context 2 = %+v", parents)
	}

}

// CheckAdopted compares dumps of MLMD's tables before and after a store
// opened the database: every row must be there as it was, and only the
// Type table may have more (the store's system types).
func CheckAdopted(t *testing.T, before, after map[string][]string) {
	t.Helper()
	for table, rows := range before {
		for _, r := range rows {
			if !slices.Contains(after[table], r) {
				t.Errorf("%s: row %q changed or vanished", table, r)
			}
		}
		if table != "Type" && len(after[table]) != len(rows) {
			t.Errorf("%s: %d rows before, %d after", table, len(rows), len(after[table]))
		}
	}
}

// MLMDTables are the tables of MLMD's schema version 10.
var MLMDTables = []string{"Type", "TypeProperty", "ParentType", "Artifact", "ArtifactProperty", "Execution",
	"ExecutionProperty", "Event", "EventPath", "MLMDEnv", "Context", "ContextProperty", "ParentContext", "Association", "Attribution"}

// DumpTables returns every row of the given tables, as text, by table.
func DumpTables(t testing.TB, db *sql.DB, tables []string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, table := range tables {
		rows := QueryRows(t, db, "SELECT * FROM "+table)
		slices.Sort(rows)
		out[table] = rows
	}
	return out
}

// QueryStrings returns the one string column of a query's rows.
func QueryStrings(t testing.TB, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// QueryRows returns each row of a query as its values joined by spaces.
func QueryRows(t testing.TB, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprintf("%v", v)
		}
		out = append(out, strings.Join(parts, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

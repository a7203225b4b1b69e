package postgresstore

import (
	"encoding/base64"
	"regexp"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/schema"
)

// insertRow matches the one-row INSERTs of testdb.MLMDRows.
var insertRow = regexp.MustCompile(`^INSERT INTO (\w+)\((.*?)\) VALUES\((.*)\)$`)

// mlmdRowsForPostgres returns testdb.MLMDRows as MLMD writes them in
// PostgreSQL: unquoted names, booleans TRUE and FALSE, proto values as the
// serialized Any (decode(base64)) in BYTEA.
func mlmdRowsForPostgres(t *testing.T) ([]string, testdb.MLMDFixture) {
	t.Helper()
	stmts, fx := testdb.MLMDRows(t)
	boolCols := map[string]bool{"is_custom_property": true, "bool_value": true, "is_index_step": true}
	out := make([]string, len(stmts))
	for i, s := range stmts {
		s = strings.ReplaceAll(s, "`", "")
		m := insertRow.FindStringSubmatch(s)
		if m == nil || m[1] == "TypeProperty" || !strings.HasSuffix(m[1], "Property") && m[1] != "EventPath" {
			out[i] = s
			continue
		}
		cols, vals := strings.Split(m[2], ", "), strings.Split(m[3], ", ")
		if len(cols) != len(vals) {
			t.Fatalf("cannot rewrite %s", s)
		}
		for j, c := range cols {
			switch {
			case boolCols[c]:
				vals[j] = map[string]string{"0": "FALSE", "1": "TRUE"}[vals[j]]
			case c == "proto_value":
				vals[j] = "decode(" + vals[j] + ", 'base64')"
			}
		}
		out[i] = "INSERT INTO " + m[1] + "(" + m[2] + ") VALUES(" + strings.Join(vals, ", ") + ")"
	}
	return out, fx
}

// TestMLMDDatabase adopts a database that MLMD made, with rows in every
// table: the store reads MLMD's rows, writes beside them as MLMD would,
// and leaves MLMD's rows and schema as they were.
func TestMLMDDatabase(t *testing.T) {
	dsn, db := testdb.CreatePostgresDatabase(t)
	testdb.CreateMLMDSchema(t, db, schema.PostgreSQL)
	stmts, fx := mlmdRowsForPostgres(t)
	testdb.ExecSQL(t, db, stmts...)
	for _, table := range testdb.MLMDTables {
		if n := testdb.QueryStrings(t, db, "SELECT COUNT(*)::text FROM "+table); n[0] == "0" {
			t.Fatalf("the fixture leaves %s empty", table)
		}
	}
	s := testdb.OpenAdopted(t, "postgres", dsn, db, fx, func() map[string][]string { return testdb.DumpTables(t, db, testdb.MLMDTables) })
	_, expectedDB := testdb.CreatePostgresDatabase(t)
	testdb.CreateExpectedSchema(t, expectedDB, schema.PostgreSQL)
	testdb.CheckSchema(t, "adopted", describeSchema(t, db), describeSchema(t, expectedDB))

	// Writes, beside and over MLMD's rows.
	testdb.ExtendExamplesType(t, s)
	a1 := testdb.UpdatedArtifact1(t, s)
	newAny, err := anypb.New(wrapperspb.Int64(7))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := s.PutArtifacts(ctx, []mlmd.Artifact{a1, {TypeID: 2, Name: "c",
		Properties: mlmd.Properties{"payload": mlmd.ProtoValue(newAny), "extra": mlmd.IntValue(5)}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []int64{1, 3}) {
		t.Fatalf("PutArtifacts ids %v, want [1 3]: MLMD's sequence goes on", ids)
	}
	testdb.PutModelOutput(t, s)
	arts, err := s.GetArtifactsByID(ctx, []int64{1, 3})
	if err != nil || len(arts) != 2 {
		t.Fatalf("GetArtifactsByID: %v, %v", arts, err)
	}
	if a := arts[0]; a.URI != "/data/a2" || !a.Properties["payload"].Equal(mlmd.ProtoValue(fx.AnyValue())) || !a.CustomProperties["added"].Equal(mlmd.BoolValue(true)) {
		t.Errorf("artifact 1: %+v", a)
	}
	if a := arts[1]; !a.Properties["payload"].Equal(mlmd.ProtoValue(newAny)) {
		t.Errorf("artifact 3: %+v", a)
	}
	// Lineage and filters over MLMD's rows and the new ones.
	descendants, _, err := s.GetArtifactsByContext(ctx, 1, &mlmd.ListOptions{FilterQuery: "uri LIKE '/models/%' AND events_0.type = OUTPUT"})
	if err != nil || len(descendants) != 1 || descendants[0].ID != 4 {
		t.Errorf("filtered artifacts of context 1: %+v, %v", descendants, err)
	}

	// In the tables, as MLMD writes them.
	newBytes, err := proto.Marshal(newAny)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"SELECT concat_ws(',', type_id, name, data_type) FROM TypeProperty WHERE name = 'extra'", []string{"2,extra,1"}},
		{"SELECT encode(proto_value, 'base64') FROM ArtifactProperty WHERE artifact_id = 3 AND name = 'payload'", []string{base64.StdEncoding.EncodeToString(newBytes)}},
		{"SELECT concat_ws(',', is_custom_property, bool_value) FROM ArtifactProperty WHERE artifact_id = 1 AND name = 'added'", []string{"t,t"}},
		{"SELECT concat_ws(',', is_custom_property, int_value) FROM ArtifactProperty WHERE artifact_id = 1 AND name = 'span' ORDER BY is_custom_property", []string{"f,43", "t,-7"}},
		{"SELECT concat_ws(',', event_id, is_index_step, COALESCE(step_index::text, 'NULL'), COALESCE(step_key, 'NULL')) FROM EventPath WHERE event_id = 3 ORDER BY is_index_step",
			[]string{"3,f,NULL,model", "3,t,0,NULL"}},
		{"SELECT concat_ws(',', context_id, artifact_id) FROM Attribution ORDER BY id", []string{"1,1", "1,2", "1,4"}},
		{"SELECT last_known_state::text FROM Execution", []string{"4"}},
		{"SELECT schema_version::text FROM MLMDEnv", []string{"10"}},
	} {
		if got := testdb.QueryStrings(t, db, c.query); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %v\nwant %v", c.query, got, c.want)
		}
	}
}

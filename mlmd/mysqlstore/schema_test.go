package mysqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
	"github.com/gomlmd/gomlmd/schema"
)

var ctx = context.Background()

// rawDB connects to the database of dsn with database/sql, creating the
// database first.
func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	testdb.MySQLExec(t, "CREATE DATABASE IF NOT EXISTS "+quoteIdent(cfg.DBName))
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// describe returns a canonical description of a database's schema from
// information_schema, without goose's table.
func describe(t *testing.T, db *sql.DB) []string {
	t.Helper()
	return testdb.Describe(t, db,
		`SELECT 'table', table_name, engine, table_collation FROM information_schema.tables
		 WHERE table_schema = DATABASE() AND table_name <> ?`,
		`SELECT 'column', table_name, ordinal_position, column_name, column_type, is_nullable,
		        COALESCE(column_default, 'NULL'), extra, COALESCE(collation_name, '')
		 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name <> ?`,
		`SELECT 'index', table_name, index_name, non_unique, seq_in_index, column_name, COALESCE(sub_part, 0), index_type
		 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name <> ?`,
	)
}

// checkGomlmdIndexes checks that db has each of gomlmd's indexes, once,
// not unique, on its table and columns.
func checkGomlmdIndexes(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, ix := range schema.GomlmdIndexes {
		var want []string
		for i, c := range ix.Columns {
			want = append(want, fmt.Sprintf("%s %d %d %s", ix.Table, 1, i+1, c))
		}
		got := testdb.QueryRows(t, db, `SELECT table_name, non_unique, seq_in_index, column_name FROM information_schema.statistics
			WHERE table_schema = DATABASE() AND index_name = ? ORDER BY seq_in_index`, ix.Name)
		if !slices.Equal(got, want) {
			t.Errorf("index %s: %q, want %q", ix.Name, got, want)
		}
	}
}

// TestMigratedSchemaMatchesMLMD compares the schema the migrations make
// with MLMD's DDL plus schema.GomlmdIndexes: any other difference fails.
func TestMigratedSchemaMatchesMLMD(t *testing.T) {
	migrated := testdb.NewMySQLDatabase(t)
	s, err := mlmd.Open(ctx, "mysql", migrated, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	expectedDB := rawDB(t, testdb.NewMySQLDatabase(t))
	testdb.CreateExpectedSchema(t, expectedDB, schema.MySQL)

	db := rawDB(t, migrated)
	testdb.CheckSchema(t, "migrated", describe(t, db), describe(t, expectedDB))
	checkGomlmdIndexes(t, db)
	tables := testdb.QueryStrings(t, db, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name <> ? ORDER BY table_name", sqlstore.GooseTable)
	wantTables := slices.Sorted(slices.Values(testdb.MLMDTables))
	if !slices.Equal(tables, wantTables) {
		t.Errorf("tables %v, want %v (names are case-sensitive)", tables, wantTables)
	}
	if v := testdb.QueryStrings(t, db, "SELECT CAST(schema_version AS CHAR) FROM MLMDEnv"); !slices.Equal(v, []string{"10"}) {
		t.Errorf("MLMDEnv holds %v, want [10]", v)
	}
}

func TestOpenMLMDDatabase(t *testing.T) {
	dsn := testdb.NewMySQLDatabase(t)
	db := rawDB(t, dsn)
	testdb.CreateMLMDSchema(t, db, schema.MySQL)
	stmts, fx := testdb.MLMDRows(t)
	testdb.ExecSQL(t, db, stmts...)
	// Adopted in place: MLMD's rows are as they were, goose knows
	// migrations 1 and 2, and the schema is MLMD's with gomlmd's indexes.
	testdb.OpenAdopted(t, "mysql", dsn, db, fx, func() map[string][]string { return testdb.DumpTables(t, db, testdb.MLMDTables) })
	expectedDB := rawDB(t, testdb.NewMySQLDatabase(t))
	testdb.CreateExpectedSchema(t, expectedDB, schema.MySQL)
	testdb.CheckSchema(t, "adopted", describe(t, db), describe(t, expectedDB))
	checkGomlmdIndexes(t, db)
}

// TestGomlmdIndexesIdempotent opens databases that already have some of
// gomlmd's indexes without goose having recorded migration 2 (a run cut
// short between its statements: MySQL's DDL commits at once; or indexes
// made by hand): Open completes the set, once each. MySQL has no CREATE
// INDEX IF NOT EXISTS, so this exercises the migration's own check.
func TestGomlmdIndexesIdempotent(t *testing.T) {
	testdb.RunIndexesCompleted(t, "mysql", schema.MySQL, func(t *testing.T) (string, *sql.DB) {
		dsn := testdb.NewMySQLDatabase(t)
		return dsn, rawDB(t, dsn)
	}, checkGomlmdIndexes)
}

func TestOpenRefusesOtherSchemas(t *testing.T) {
	for _, tc := range testdb.OtherSchemaCases {
		t.Run(tc.Name, func(t *testing.T) {
			dsn := testdb.NewMySQLDatabase(t)
			db := rawDB(t, dsn)
			testdb.CreateMLMDSchema(t, db, schema.MySQL)
			testdb.ExecSQL(t, db, tc.Setup...)
			s, err := mlmd.Open(ctx, "mysql", dsn, &mlmd.Options{SkipMigrations: tc.SkipMigrations})
			if err == nil {
				s.Close()
			}
			tc.Check(t, err)
		})
	}
}

func TestOpenCreatesDatabase(t *testing.T) {
	dsn := testdb.NewMySQLDatabase(t)
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("skip_db_creation", func(t *testing.T) {
		skip := cfg.Clone()
		skip.Params = map[string]string{skipDBCreationParam: "true"}
		_, err := mlmd.Open(ctx, "mysql", skip.FormatDSN(), nil)
		if mlmd.CodeOf(err) != errcode.NotFound {
			t.Fatalf("Open of a missing database with skip_db_creation: %v, want NotFound", err)
		}
	})
	t.Run("created", func(t *testing.T) {
		s, err := mlmd.Open(ctx, "mysql", dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		// Now it exists, and skip_db_creation is fine.
		skip := cfg.Clone()
		skip.Params = map[string]string{skipDBCreationParam: "1"}
		s, err = mlmd.Open(ctx, "mysql", skip.FormatDSN(), nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
	})
}

func TestBadDSN(t *testing.T) {
	for _, dsn := range []string{"no-slash", "root@tcp(127.0.0.1:3306)/", "root@tcp(127.0.0.1:3306)/db?skip_db_creation=maybe"} {
		_, err := Driver{}.Open(ctx, dsn, &driver.OpenOptions{})
		if errcode.Of(err) != errcode.InvalidArgument {
			t.Errorf("Open(%q): %v, want InvalidArgument", dsn, err)
		}
	}
	// A server that does not answer.
	_, err := Driver{}.Open(ctx, "root@tcp(127.0.0.1:1)/mlmd?timeout=2s", &driver.OpenOptions{})
	if errcode.Of(err) != errcode.Unavailable {
		t.Errorf("Open on a closed port: %v, want Unavailable", err)
	}
}

func TestIDStrategy(t *testing.T) {
	for _, tc := range []struct {
		version string
		want    sqlstore.IDStrategy
	}{
		{"10.11.19-MariaDB-0+deb12u1", sqlstore.IDsReturning},
		{"11.4.2-MariaDB", sqlstore.IDsReturning},
		{"10.5.0-MariaDB-log", sqlstore.IDsReturning},
		{"10.4.30-MariaDB", sqlstore.IDsConsecutive},
		{"8.0.36", sqlstore.IDsConsecutive},
		{"8.4.0-log", sqlstore.IDsConsecutive},
		{"8.0.11-TiDB-v7.5.1", sqlstore.IDsOneByOne},
		{"8.0.30-Vitess", sqlstore.IDsOneByOne},
	} {
		if got, _ := idStrategy(tc.version).InsertIDs(); got != tc.want {
			t.Errorf("idStrategy(%q) = %v, want %v", tc.version, got, tc.want)
		}
	}
	for _, tc := range []struct {
		lockMode, step int64
		want           sqlstore.IDStrategy
		wantStep       int64
	}{
		{0, 1, sqlstore.IDsConsecutive, 1},
		{1, 1, sqlstore.IDsConsecutive, 1},
		{1, 7, sqlstore.IDsConsecutive, 7},
		{2, 1, sqlstore.IDsOneByOne, 1},
		{2, 7, sqlstore.IDsOneByOne, 1},
		{1, 0, sqlstore.IDsOneByOne, 1},
	} {
		if got, step := sessionStrategy(tc.lockMode, tc.step); got != tc.want || step != tc.wantStep {
			t.Errorf("sessionStrategy(%d, %d) = %v, %d; want %v, %d", tc.lockMode, tc.step, got, step, tc.want, tc.wantStep)
		}
	}
}

// TestWriteToMLMDDatabase opens a database that MLMD made (its DDL, with
// rows in every table), writes to it through the store - updates of MLMD's
// rows, new rows linked to them - and checks the result through the store
// and in the tables, where new rows must look like MLMD's own.
func TestWriteToMLMDDatabase(t *testing.T) {
	dsn := testdb.NewMySQLDatabase(t)
	db := rawDB(t, dsn)
	testdb.CreateMLMDSchema(t, db, schema.MySQL)
	stmts, fx := testdb.MLMDRows(t)
	testdb.ExecSQL(t, db, stmts...)
	s, err := mlmd.Open(ctx, "mysql", dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// The type gains a property.
	testdb.ExtendExamplesType(t, s)
	a1 := testdb.UpdatedArtifact1(t, s)
	ids, err := s.PutArtifacts(ctx, []mlmd.Artifact{a1, {TypeID: 2, Name: "c", Properties: mlmd.Properties{"note": mlmd.StringValue("new"), "extra": mlmd.IntValue(5)}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ids[0] != 1 || ids[1] != 3 {
		t.Fatalf("PutArtifacts ids %v, want [1 3]", ids)
	}
	// MLMD's execution gets a new output in MLMD's context.
	testdb.PutModelOutput(t, s)
	if err := s.PutEvents(ctx, []mlmd.Event{{ArtifactID: 3, ExecutionID: 1, Type: mlmd.EventInput}}); err != nil {
		t.Fatal(err)
	}
	cids, err := s.PutContexts(ctx, []mlmd.Context{{TypeID: 4, Name: "pipeline-3"}}, nil)
	if err != nil || cids[0] != 3 {
		t.Fatalf("PutContexts: %v, %v; want id 3", cids, err)
	}
	if err := s.PutParentContexts(ctx, []mlmd.ParentContext{{ChildID: 3, ParentID: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAttributionsAndAssociations(ctx, []mlmd.Attribution{{ArtifactID: 3, ContextID: 3}}, []mlmd.Association{{ExecutionID: 1, ContextID: 3}}); err != nil {
		t.Fatal(err)
	}

	// Through the store.
	arts, err := s.GetArtifactsByID(ctx, []int64{1, 3, 4})
	if err != nil || len(arts) != 3 {
		t.Fatalf("GetArtifactsByID: %v, %v", arts, err)
	}
	if a := arts[0]; a.URI != "/data/a2" || !a.Properties["span"].Equal(mlmd.IntValue(43)) ||
		!a.CustomProperties["added"].Equal(mlmd.BoolValue(true)) || !a.CustomProperties["span"].Equal(mlmd.IntValue(-7)) ||
		!a.Properties["config"].Equal(mlmd.StructValue(fx.StructValue())) || !a.Properties["payload"].Equal(mlmd.ProtoValue(fx.AnyValue())) {
		t.Errorf("artifact 1 after the update: %+v", a)
	}
	if a := arts[1]; a.Name != "c" || a.Type != "Examples" || !a.Properties["extra"].Equal(mlmd.IntValue(5)) {
		t.Errorf("artifact 3: %+v", a)
	}
	events, err := s.GetEventsByExecutionIDs(ctx, []int64{1})
	if err != nil || len(events) != 4 {
		t.Fatalf("events of execution 1: %+v, %v; want MLMD's 2 and 2 new", events, err)
	}
	if e := events[2]; e.ArtifactID != 4 || e.Type != mlmd.EventOutput || len(e.Path) != 2 {
		t.Errorf("new event: %+v", e)
	}
	exes, err := s.GetExecutionsByID(ctx, []int64{1})
	if err != nil || exes[0].LastKnownState != mlmd.ExecutionStateFailed {
		t.Errorf("execution 1: %+v, %v", exes, err)
	}
	for _, c := range []struct {
		artifact int64
		want     []int64
	}{{1, []int64{1}}, {3, []int64{3}}, {4, []int64{1}}} {
		got, err := s.GetContextsByArtifact(ctx, c.artifact)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []int64
		for _, g := range got {
			gotIDs = append(gotIDs, g.ID)
		}
		if !slices.Equal(gotIDs, c.want) {
			t.Errorf("contexts of artifact %d: %v, want %v", c.artifact, gotIDs, c.want)
		}
	}
	parents, err := s.GetParentContextsByContext(ctx, 3)
	if err != nil || len(parents) != 1 || parents[0].ID != 1 {
		t.Errorf("parents of context 3: %+v, %v", parents, err)
	}

	// In the tables, as MLMD writes them.
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"SELECT CONCAT_WS(',', type_id, name, data_type) FROM TypeProperty WHERE name = 'extra'", []string{"2,extra,1"}},
		{"SELECT CONCAT_WS(',', id, type_id, COALESCE(uri, 'NULL'), COALESCE(state, 'NULL'), name, COALESCE(external_id, 'NULL')) FROM Artifact WHERE id >= 3 ORDER BY id",
			[]string{"3,2,NULL,NULL,c,NULL", "4,2,/models/1,NULL,model,NULL"}},
		{"SELECT CONCAT_WS(',', is_custom_property, COALESCE(int_value, 'NULL'), COALESCE(string_value, 'NULL'), bool_value) FROM ArtifactProperty WHERE artifact_id = 1 AND name = 'added'",
			[]string{"1,NULL,NULL,1"}},
		{"SELECT CONCAT_WS(',', is_custom_property, int_value) FROM ArtifactProperty WHERE artifact_id = 1 AND name = 'span' ORDER BY is_custom_property",
			[]string{"0,43", "1,-7"}},
		{"SELECT CONCAT_WS(',', id, artifact_id, execution_id, type) FROM Event ORDER BY id", []string{"1,1,1,3", "2,2,1,4", "3,4,1,4", "4,3,1,3"}},
		{"SELECT CONCAT_WS(',', event_id, is_index_step, COALESCE(step_index, 'NULL'), COALESCE(step_key, 'NULL')) FROM EventPath WHERE event_id = 3 ORDER BY is_index_step",
			[]string{"3,0,NULL,model", "3,1,0,NULL"}},
		{"SELECT CONCAT_WS(',', context_id, artifact_id) FROM Attribution ORDER BY id", []string{"1,1", "1,2", "1,4", "3,3"}},
		{"SELECT CONCAT_WS(',', context_id, execution_id) FROM Association ORDER BY id", []string{"1,1", "3,1"}},
		{"SELECT CONCAT_WS(',', context_id, parent_context_id) FROM ParentContext ORDER BY context_id", []string{"2,1", "3,1"}},
		{"SELECT CAST(last_known_state AS CHAR) FROM Execution", []string{"4"}},
		{"SELECT CAST(schema_version AS CHAR) FROM MLMDEnv", []string{"10"}},
	} {
		if got := testdb.QueryStrings(t, db, c.query); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %v\nwant %v", c.query, got, c.want)
		}
	}
}

package sqlstore_test

import (
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/migrations"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	_ "github.com/gomlmd/gomlmd/mlmd/postgresstore"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// chainBackend is a backend whose MLMD schema chain the round trip runs.
type chainBackend struct {
	name  string
	chain fs.FS
	// newDSN returns the DSN of a new, empty database.
	newDSN func(t *testing.T) string
	// open opens a plain pool on the database of a DSN.
	open func(t *testing.T, dsn string) *sql.DB
	// tables lists the tables of the database, in any case.
	tables string
	// indexes describes the indexes of the database, one row each.
	indexes string
	// indexNames lists the names of MLMD's and gomlmd's secondary indexes
	// (idx_..., gomlmd_idx_...).
	indexNames string
}

var chainBackends = []chainBackend{
	{
		name:  "sqlite",
		chain: migrations.SQLiteMLMD,
		newDSN: func(t *testing.T) string {
			return "file:" + filepath.Join(t.TempDir(), "mlmd.db")
		},
		open: func(t *testing.T, dsn string) *sql.DB {
			db, err := sqlitestore.OpenDB(dsn)
			if err != nil {
				t.Fatal(err)
			}
			return db
		},
		tables:     "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence'",
		indexNames: "SELECT name FROM sqlite_master WHERE type = 'index' AND (name LIKE 'idx_%' OR name LIKE 'gomlmd_idx_%')",
		indexes:    "SELECT m.tbl_name || ' ' || m.name || ' ' || group_concat(i.name, ',') FROM sqlite_master m, pragma_index_info(m.name) i WHERE m.type = 'index' GROUP BY m.name",
	},
	{
		name:   "mysql",
		chain:  migrations.MySQLMLMD,
		newDSN: func(t *testing.T) string { return testdb.NewMySQLDatabase(t) },
		open: func(t *testing.T, dsn string) *sql.DB {
			db, err := sql.Open("mysql", dsn)
			if err != nil {
				t.Fatal(err)
			}
			return db
		},
		tables:     "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()",
		indexNames: "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND (index_name LIKE 'idx_%' OR index_name LIKE 'gomlmd_idx_%')",
		indexes:    "SELECT CONCAT(LOWER(table_name), ' ', index_name, ' ', non_unique, ' ', GROUP_CONCAT(column_name ORDER BY seq_in_index)) FROM information_schema.statistics WHERE table_schema = DATABASE() GROUP BY table_name, index_name, non_unique",
	},
	{
		name:   "postgres",
		chain:  migrations.PostgreSQLMLMD,
		newDSN: func(t *testing.T) string { return testdb.NewPostgresDatabase(t) },
		open: func(t *testing.T, dsn string) *sql.DB {
			// No cached statements: the same query must see a table's
			// columns change between runs.
			cfg, err := pgx.ParseConfig(dsn)
			if err != nil {
				t.Fatal(err)
			}
			cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
			return stdlib.OpenDB(*cfg)
		},
		tables:     "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
		indexNames: "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND (indexname LIKE 'idx_%' OR indexname LIKE 'gomlmd_idx_%')",
		indexes:    "SELECT tablename || ' ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()",
	},
}

// column is a column of MLMD's schema version 10 and the version that
// added it.
type column struct {
	name  string
	since int64
	// upgraded is the value the column holds after an upgrade added it
	// ("NULL" unless a default).
	upgraded string
}

// table is a table of MLMD's schema version 10, the version that added it,
// its columns, and its sort key for dumps.
type table struct {
	name  string
	since int64
	cols  []column
	order string
}

func cols(since int64, names ...string) []column {
	var cs []column
	for _, n := range names {
		cs = append(cs, column{n, since, "NULL"})
	}
	return cs
}

func propertyTable(name, owner string, since int64) table {
	return table{name, since, slices.Concat(
		cols(since, owner, "name", "is_custom_property", "int_value", "double_value", "string_value"),
		cols(7, "byte_value"), cols(10, "proto_value", "bool_value")),
		owner + ", name, is_custom_property"}
}

var times = []column{{"create_time_since_epoch", 5, "0"}, {"last_update_time_since_epoch", 5, "0"}}

// mlmdSchema is MLMD's schema version 10 with the history of each table
// and column (MLMD's migration_schemes); MLMDEnv is checked on its own.
var mlmdSchema = []table{
	{"Type", 0, slices.Concat(cols(0, "id", "name"), cols(6, "version"), cols(0, "type_kind"),
		cols(6, "description"), cols(0, "input_type", "output_type"), cols(9, "external_id")), "id"},
	{"TypeProperty", 0, cols(0, "type_id", "name", "data_type"), "type_id, name"},
	{"ParentType", 6, cols(6, "type_id", "parent_type_id"), "type_id, parent_type_id"},
	{"Artifact", 0, slices.Concat(cols(0, "id", "type_id", "uri"), cols(5, "state", "name"), cols(9, "external_id"), times), "id"},
	propertyTable("ArtifactProperty", "artifact_id", 0),
	{"Execution", 0, slices.Concat(cols(0, "id", "type_id"), cols(5, "last_known_state", "name"), cols(9, "external_id"), times), "id"},
	propertyTable("ExecutionProperty", "execution_id", 0),
	{"Event", 0, cols(0, "id", "artifact_id", "execution_id", "type", "milliseconds_since_epoch"), "id"},
	{"EventPath", 0, cols(0, "event_id", "is_index_step", "step_index", "step_key"), "event_id, step_index, step_key"},
	{"Context", 3, slices.Concat(cols(3, "id", "type_id", "name"), cols(9, "external_id"), times), "id"},
	propertyTable("ContextProperty", "context_id", 3),
	{"ParentContext", 6, cols(6, "context_id", "parent_context_id"), "context_id, parent_context_id"},
	{"Association", 4, cols(4, "id", "context_id", "execution_id"), "id"},
	{"Attribution", 4, cols(4, "id", "context_id", "artifact_id"), "id"},
}

// columnAt is a column's name at schema version v: Type.type_kind was
// is_artifact_type before version 2.
func columnAt(c column, v int64) string {
	if c.name == "type_kind" && v < 2 {
		return "is_artifact_type"
	}
	return c.name
}

// mlmdIndexes returns the names of the secondary indexes of MLMD's schema
// version v (migration_schemes), sorted.
func mlmdIndexes(v int64) []string {
	var names []string
	if v >= 6 {
		names = append(names, "idx_artifact_uri", "idx_artifact_create_time_since_epoch",
			"idx_artifact_last_update_time_since_epoch", "idx_event_execution_id",
			"idx_parentcontext_parent_context_id", "idx_type_name",
			"idx_execution_create_time_since_epoch", "idx_execution_last_update_time_since_epoch",
			"idx_context_create_time_since_epoch", "idx_context_last_update_time_since_epoch")
	}
	if v >= 6 && v < 8 {
		names = append(names, "idx_event_artifact_id") // Event's unique key covers it from 8 on
	}
	if v >= 7 {
		names = append(names, "idx_eventpath_event_id")
	}
	if v >= 8 {
		for _, k := range []string{"artifact", "execution", "context"} {
			for _, typ := range []string{"int", "double", "string"} {
				names = append(names, "idx_"+k+"_property_"+typ)
			}
		}
	}
	if v >= 9 {
		names = append(names, "idx_type_external_id", "idx_artifact_external_id",
			"idx_execution_external_id", "idx_context_external_id")
	}
	slices.Sort(names)
	return names
}

// row is a dumped row: column name to value as text, "NULL" for NULL.
type row map[string]string

// dump is every row of the tables of a schema version, by table, each row
// rendered over the columns of version 10 in order.
type dump map[string][]string

func render(tb table, r row) string {
	parts := make([]string, len(tb.cols))
	for i, c := range tb.cols {
		parts[i] = c.name + "=" + r[c.name]
	}
	return strings.Join(parts, " ")
}

// dumpAt reads the tables of MLMD's schema version v from db, with the
// columns version v has; it fails the test if a table's columns are not
// exactly those.
func dumpAt(t *testing.T, db *sql.DB, v int64) (dump, map[string][]row) {
	t.Helper()
	out, rows := dump{}, map[string][]row{}
	for _, tb := range mlmdSchema {
		if tb.since > v {
			continue
		}
		var names, want []string
		for _, c := range tb.cols {
			if c.since <= v {
				names = append(names, columnAt(c, v))
				want = append(want, strings.ToLower(columnAt(c, v)))
			}
		}
		got := columnsOf(t, db, tb.name)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("version %d: %s has columns %v, want %v", v, tb.name, got, want)
			continue
		}
		q := "SELECT " + strings.Join(names, ", ") + " FROM " + tb.name + " ORDER BY " + tb.order
		for _, vals := range queryNullStrings(t, db, q, len(names)) {
			r := row{}
			i := 0
			for _, c := range tb.cols {
				if c.since <= v {
					r[c.name] = vals[i]
					i++
				}
			}
			rows[tb.name] = append(rows[tb.name], r)
			out[tb.name] = append(out[tb.name], render(tb, r))
		}
	}
	return out, rows
}

// columnsOf returns the lower-case column names of a table, sorted.
func columnsOf(t *testing.T, db *sql.DB, name string) []string {
	t.Helper()
	rs, err := db.QueryContext(t.Context(), "SELECT * FROM "+name+" WHERE 1 = 0")
	if err != nil {
		t.Fatalf("columns of %s: %v", name, err)
	}
	defer rs.Close()
	cs, err := rs.Columns()
	if err != nil {
		t.Fatal(err)
	}
	for i := range cs {
		cs[i] = strings.ToLower(cs[i])
	}
	slices.Sort(cs)
	return cs
}

func queryNullStrings(t *testing.T, db *sql.DB, q string, n int) [][]string {
	t.Helper()
	rs, err := db.QueryContext(t.Context(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	var out [][]string
	for rs.Next() {
		vals := make([]sql.NullString, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		texts := make([]string, n)
		for i, v := range vals {
			texts[i] = "NULL"
			if v.Valid {
				texts[i] = v.String
			}
		}
		out = append(out, texts)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// holdable returns the rows of a version-10 dump that schema version v
// can hold, with the columns v has, as v renders them; this is the
// expected loss of a downgrade to v, written out:
//
//   - before 10 there are no proto or bool values: a property holding one
//     goes;
//   - before 9 no external ids; before 7 no byte values (gomlmd writes
//     none);
//   - before 6 no parent types, parent contexts, type versions or
//     descriptions;
//   - before 5 no node states, artifact or execution names, or times;
//   - before 4 no attributions or associations; before 3 no contexts;
//   - before 2 no context types (nor their properties).
func holdable(rows map[string][]row, v int64) dump {
	gone := map[string]bool{} // ids of Type rows that v cannot hold
	out := dump{}
	for _, tb := range mlmdSchema {
		if tb.since > v {
			continue
		}
		for _, r := range rows[tb.name] {
			switch {
			case tb.name == "Type" && v < 2 && r["type_kind"] == "2":
				gone[r["id"]] = true
				continue
			case tb.name == "TypeProperty" && gone[r["type_id"]]:
				continue
			case strings.HasSuffix(tb.name, "Property") && tb.name != "TypeProperty" && v < 10 &&
				r["int_value"] == "NULL" && r["double_value"] == "NULL" && r["string_value"] == "NULL" && r["byte_value"] == "NULL":
				continue
			}
			kept := row{}
			for _, c := range tb.cols {
				if c.since <= v {
					kept[c.name] = r[c.name]
				}
			}
			out[tb.name] = append(out[tb.name], render(tb, kept))
		}
	}
	return out
}

// upgradedFrom is what a version-10 dump holds after a round trip through
// version v: the rows v holds, and in the columns v lacks what the upgrade
// puts there.
func upgradedFrom(rows map[string][]row, v int64) dump {
	held := holdable(rows, v)
	out := dump{}
	for _, tb := range mlmdSchema {
		for _, line := range held[tb.name] {
			r := row{}
			for _, field := range strings.Split(line, " ") {
				name, val, _ := strings.Cut(field, "=")
				r[name] = val
			}
			for _, c := range tb.cols {
				if c.since > v {
					r[c.name] = c.upgraded
				}
			}
			out[tb.name] = append(out[tb.name], render(tb, r))
		}
		if out[tb.name] == nil && len(rows[tb.name]) > 0 && tb.since <= v {
			out[tb.name] = []string{}
		}
	}
	return out
}

// fillStore writes rows into every table of MLMD's schema through the
// API: types with properties, versions, descriptions, external ids and
// base types; artifacts, executions and contexts with properties and
// custom properties of every kind; events with paths; attributions,
// associations and parent contexts.
func fillStore(t *testing.T, s *mlmd.Store) {
	t.Helper()
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	props := map[string]mlmd.PropertyType{
		"i": mlmd.PropertyInt, "d": mlmd.PropertyDouble, "s": mlmd.PropertyString,
		"st": mlmd.PropertyStruct, "p": mlmd.PropertyProto, "b": mlmd.PropertyBool,
	}
	st, err := structpb.NewStruct(map[string]any{"k": "v", "n": 2})
	must(err)
	anyv, err := anypb.New(structpb.NewStringValue("packed"))
	must(err)
	values := mlmd.Properties{
		"i": mlmd.IntValue(7), "d": mlmd.DoubleValue(2.5), "s": mlmd.StringValue("text"),
		"st": mlmd.StructValue(st), "p": mlmd.ProtoValue(anyv), "b": mlmd.BoolValue(true),
	}
	custom := mlmd.Properties{"ci": mlmd.IntValue(-3), "cb": mlmd.BoolValue(false), "cs": mlmd.StringValue("c")}

	at, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "DataSet", Version: "v1", Description: "data",
		ExternalID: "type-a", Properties: props, BaseType: mlmd.ArtifactBaseDataset}, nil)
	must(err)
	et, err := s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "Trainer", Description: "trains",
		ExternalID: "type-e", Properties: props, BaseType: mlmd.ExecutionBaseTrain}, nil)
	must(err)
	ct, err := s.PutContextType(ctx, mlmd.ContextType{Name: "Pipeline", Version: "2", ExternalID: "type-c",
		Properties: map[string]mlmd.PropertyType{"owner": mlmd.PropertyString, "b": mlmd.PropertyBool}}, nil)
	must(err)

	arts, err := s.PutArtifacts(ctx, []mlmd.Artifact{
		{TypeID: at, Name: "a1", URI: "/data/1", ExternalID: "art-1", State: mlmd.ArtifactStateLive,
			Properties: values, CustomProperties: custom},
		{TypeID: at, URI: "/data/2", Properties: mlmd.Properties{"i": mlmd.IntValue(1)}},
	}, nil)
	must(err)
	execs, err := s.PutExecutions(ctx, []mlmd.Execution{
		{TypeID: et, Name: "run", ExternalID: "exec-1", LastKnownState: mlmd.ExecutionStateComplete,
			Properties: values, CustomProperties: custom},
		{TypeID: et, LastKnownState: mlmd.ExecutionStateRunning},
	}, nil)
	must(err)
	ctxs, err := s.PutContexts(ctx, []mlmd.Context{
		{TypeID: ct, Name: "parent", ExternalID: "ctx-1",
			Properties: mlmd.Properties{"owner": mlmd.StringValue("me"), "b": mlmd.BoolValue(true)}, CustomProperties: custom},
		{TypeID: ct, Name: "child", Properties: mlmd.Properties{"owner": mlmd.StringValue("you")}},
	}, nil)
	must(err)
	must(s.PutEvents(ctx, []mlmd.Event{
		{ArtifactID: arts[0], ExecutionID: execs[0], Type: mlmd.EventOutput, MillisecondsSinceEpoch: 1000,
			Path: []mlmd.Step{{IsKey: true, Key: "out"}, {Index: 1}}},
		{ArtifactID: arts[0], ExecutionID: execs[1], Type: mlmd.EventInput, MillisecondsSinceEpoch: 2000,
			Path: []mlmd.Step{{IsKey: true, Key: "in"}}},
		{ArtifactID: arts[1], ExecutionID: execs[1], Type: mlmd.EventOutput},
	}))
	must(s.PutAttributionsAndAssociations(ctx,
		[]mlmd.Attribution{{ArtifactID: arts[0], ContextID: ctxs[0]}, {ArtifactID: arts[1], ContextID: ctxs[1]}},
		[]mlmd.Association{{ExecutionID: execs[0], ContextID: ctxs[0]}, {ExecutionID: execs[1], ContextID: ctxs[1]}}))
	must(s.PutParentContexts(ctx, []mlmd.ParentContext{{ChildID: ctxs[1], ParentID: ctxs[0]}}))
}

// writeMore writes one more row of each kind with an id, and checks that
// types and nodes get ids above those of the rows there (a version-10
// dump); a link or event whose id a sequence gave twice fails to insert.
func writeMore(t *testing.T, s *mlmd.Store, there map[string][]row) {
	t.Helper()
	ctx := t.Context()
	ids := map[string]int64{}
	var err error
	if ids["type"], err = s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Later"}, nil); err != nil {
		t.Fatalf("a new type: %v", err)
	}
	ct, err := s.PutContextType(ctx, mlmd.ContextType{Name: "LaterContext"}, nil)
	if err != nil {
		t.Fatalf("a new context type: %v", err)
	}
	et, err := s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "LaterRun"}, nil)
	if err != nil {
		t.Fatalf("a new execution type: %v", err)
	}
	a, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: ids["type"], URI: "/later"}}, nil)
	if err != nil {
		t.Fatalf("a new artifact: %v", err)
	}
	e, err := s.PutExecutions(ctx, []mlmd.Execution{{TypeID: et}}, nil)
	if err != nil {
		t.Fatalf("a new execution: %v", err)
	}
	c, err := s.PutContexts(ctx, []mlmd.Context{{TypeID: ct, Name: "later"}}, nil)
	if err != nil {
		t.Fatalf("a new context: %v", err)
	}
	ids["Artifact"], ids["Execution"], ids["Context"], ids["Type"] = a[0], e[0], c[0], ids["type"]
	delete(ids, "type")
	for table, id := range ids {
		for _, r := range there[table] {
			if old, _ := strconv.ParseInt(r["id"], 10, 64); id <= old {
				t.Errorf("the new %s row got id %d, not above %d of a row there", table, id, old)
			}
		}
	}
	if err := s.PutEvents(ctx, []mlmd.Event{{ArtifactID: a[0], ExecutionID: e[0], Type: mlmd.EventOutput}}); err != nil {
		t.Errorf("a new event: %v", err)
	}
	if err := s.PutAttributionsAndAssociations(ctx, []mlmd.Attribution{{ArtifactID: a[0], ContextID: c[0]}},
		[]mlmd.Association{{ExecutionID: e[0], ContextID: c[0]}}); err != nil {
		t.Errorf("new links: %v", err)
	}
}

// TestRoundTrip downgrades a version-10 database filled through the API to
// each older version N the backend's chain reaches, checks that MLMD's
// version-N tables hold what version N can hold, upgrades it again on
// Open, and compares the rows with those before, less the expected loss
// (see holdable).
func TestRoundTrip(t *testing.T) {
	for _, b := range chainBackends {
		t.Run(b.name, func(t *testing.T) {
			steps, err := migrations.MLMDChain(b.chain)
			if err != nil {
				t.Fatal(err)
			}
			if len(steps) == 0 {
				t.Skipf("no MLMD schema chain for %s yet", b.name)
			}
			for n := int64(steps[0].Version - 1); n < migrations.SchemaVersion; n++ {
				t.Run(fmt.Sprintf("v%d", n), func(t *testing.T) { roundTrip(t, b, n) })
			}
		})
	}
}

func roundTrip(t *testing.T, b chainBackend, n int64) {
	ctx := t.Context()
	dsn := b.newDSN(t)
	s, err := mlmd.Open(ctx, b.name, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	fillStore(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db := b.open(t, dsn)
	defer db.Close()
	_, before := dumpAt(t, db, migrations.SchemaVersion)
	for _, tb := range mlmdSchema {
		if len(before[tb.name]) == 0 {
			t.Fatalf("the filled store has no %s rows", tb.name)
		}
	}

	if err := mlmd.Downgrade(ctx, b.name, dsn, n, nil); err != nil {
		t.Fatalf("downgrade to %d: %v", n, err)
	}
	checkVersion(t, db, n)
	checkTables(t, db, b, n)
	gotNames := testdb.QueryStrings(t, db, b.indexNames)
	slices.Sort(gotNames)
	if want := mlmdIndexes(n); !slices.Equal(gotNames, want) {
		t.Errorf("version %d: indexes %v, want MLMD's %v", n, gotNames, want)
	}
	got, _ := dumpAt(t, db, n)
	compareDumps(t, fmt.Sprintf("at version %d", n), got, holdable(before, n))

	// A second downgrade to the same version changes nothing.
	if err := mlmd.Downgrade(ctx, b.name, dsn, n, nil); err != nil {
		t.Fatalf("downgrade to %d again: %v", n, err)
	}
	_, err = mlmd.Open(ctx, b.name, dsn, nil)
	if errcode.Of(err) != errcode.FailedPrecondition ||
		!strings.Contains(err.Error(), fmt.Sprintf("version %d,", n)) || !strings.Contains(err.Error(), "version 10") {
		t.Fatalf("open at version %d without upgrades: %v, want FailedPrecondition naming versions %d and 10", n, err, n)
	}

	s, err = mlmd.Open(ctx, b.name, dsn, &mlmd.Options{EnableUpgradeMigration: true})
	if err != nil {
		t.Fatalf("upgrade from %d: %v", n, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkVersion(t, db, migrations.SchemaVersion)
	testdb.CheckGooseVersions(t, db)
	after, afterRows := dumpAt(t, db, migrations.SchemaVersion)
	compareDumps(t, fmt.Sprintf("after the round trip through version %d", n), after, upgradedFrom(before, n))

	// New rows get new ids: the tables' id sequences survived the copies.
	s, err = mlmd.Open(ctx, b.name, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	writeMore(t, s, afterRows)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// The indexes are those of a database made at version 10.
	fresh := b.newDSN(t)
	s, err = mlmd.Open(ctx, b.name, fresh, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	freshDB := b.open(t, fresh)
	defer freshDB.Close()
	wantIx := testdb.QueryStrings(t, freshDB, b.indexes)
	gotIx := testdb.QueryStrings(t, db, b.indexes)
	slices.Sort(wantIx)
	slices.Sort(gotIx)
	if !slices.Equal(gotIx, wantIx) {
		t.Errorf("indexes after the round trip through version %d differ from a new database's:\n%s", n, testdb.LineDiff(gotIx, wantIx))
	}
}

func checkVersion(t *testing.T, db *sql.DB, v int64) {
	t.Helper()
	if v == 0 {
		return // no MLMDEnv; checkTables checks it is gone
	}
	got := testdb.QueryStrings(t, db, "SELECT CAST(schema_version AS CHAR(8)) FROM MLMDEnv")
	for i := range got {
		got[i] = strings.TrimSpace(got[i]) // PostgreSQL pads CHAR(8)
	}
	if !slices.Equal(got, []string{fmt.Sprint(v)}) {
		t.Errorf("MLMDEnv holds %v, want [%d]", got, v)
	}
}

// checkTables checks that the database has exactly the tables of MLMD's
// schema version v.
func checkTables(t *testing.T, db *sql.DB, b chainBackend, v int64) {
	t.Helper()
	var want []string
	for _, tb := range mlmdSchema {
		if tb.since <= v {
			want = append(want, strings.ToLower(tb.name))
		}
	}
	if v >= 1 {
		want = append(want, "mlmdenv")
	}
	got := testdb.QueryStrings(t, db, b.tables)
	for i := range got {
		got[i] = strings.ToLower(got[i])
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("version %d: tables %v, want %v", v, got, want)
	}
}

func compareDumps(t *testing.T, what string, got, want dump) {
	t.Helper()
	for _, tb := range mlmdSchema {
		if !slices.Equal(got[tb.name], want[tb.name]) {
			t.Errorf("%s: %s rows differ:\n%s", what, tb.name, testdb.LineDiff(got[tb.name], want[tb.name]))
		}
	}
}

package mlmdfixture_test

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/internal/testdb/mlmdfixture"
)

// mlmdColumns restates, table by table, the columns (in order) that MLMD's
// migration schemes give each table at version v on engine e: the
// version-0 tables, the ALTERs of MySQL and PostgreSQL that append
// columns, and the rebuilds of SQLite (versions 2, 5, 6, 8, 9) and
// PostgreSQL (8, 9) that put new columns in the middle. nil means the
// table does not exist at v. It is written independently of the fixture's
// DDL, which the test compares with it.
func mlmdColumns(e mlmdfixture.Engine, v int, table string) []string {
	sqlite, mysql := e == mlmdfixture.SQLite, e == mlmdfixture.MySQL
	props := func(owner string) []string {
		c := []string{owner, "name", "is_custom_property", "int_value", "double_value", "string_value"}
		if v >= 7 {
			c = append(c, "byte_value")
		}
		return c
	}
	switch table {
	case "Type":
		kind := "type_kind"
		if v < 2 {
			kind = "is_artifact_type"
		}
		switch {
		case v >= 9 && !mysql:
			return []string{"id", "name", "version", "type_kind", "description", "input_type", "output_type", "external_id"}
		case v >= 9:
			return []string{"id", "name", "type_kind", "input_type", "output_type", "version", "description", "external_id"}
		case v >= 6 && sqlite:
			return []string{"id", "name", "version", "type_kind", "description", "input_type", "output_type"}
		case v >= 6:
			return []string{"id", "name", "type_kind", "input_type", "output_type", "version", "description"}
		}
		return []string{"id", "name", kind, "input_type", "output_type"}
	case "TypeProperty":
		return []string{"type_id", "name", "data_type"}
	case "ParentType":
		if v >= 6 {
			return []string{"type_id", "parent_type_id"}
		}
	case "Artifact":
		switch {
		case v >= 9 && mysql:
			return []string{"id", "type_id", "uri", "state", "name", "create_time_since_epoch", "last_update_time_since_epoch", "external_id"}
		case v >= 9:
			return []string{"id", "type_id", "uri", "state", "name", "external_id", "create_time_since_epoch", "last_update_time_since_epoch"}
		case v >= 5:
			return []string{"id", "type_id", "uri", "state", "name", "create_time_since_epoch", "last_update_time_since_epoch"}
		}
		return []string{"id", "type_id", "uri"}
	case "Execution":
		switch {
		case v >= 9 && mysql:
			return []string{"id", "type_id", "last_known_state", "name", "create_time_since_epoch", "last_update_time_since_epoch", "external_id"}
		case v >= 9:
			return []string{"id", "type_id", "last_known_state", "name", "external_id", "create_time_since_epoch", "last_update_time_since_epoch"}
		case v >= 5:
			return []string{"id", "type_id", "last_known_state", "name", "create_time_since_epoch", "last_update_time_since_epoch"}
		}
		return []string{"id", "type_id"}
	case "Context":
		switch {
		case v < 3:
			return nil
		case v >= 9 && mysql:
			return []string{"id", "type_id", "name", "create_time_since_epoch", "last_update_time_since_epoch", "external_id"}
		case v >= 9:
			return []string{"id", "type_id", "name", "external_id", "create_time_since_epoch", "last_update_time_since_epoch"}
		case v >= 5:
			return []string{"id", "type_id", "name", "create_time_since_epoch", "last_update_time_since_epoch"}
		}
		return []string{"id", "type_id", "name"}
	case "ArtifactProperty":
		return props("artifact_id")
	case "ExecutionProperty":
		return props("execution_id")
	case "ContextProperty":
		if v >= 3 {
			return props("context_id")
		}
	case "Event":
		return []string{"id", "artifact_id", "execution_id", "type", "milliseconds_since_epoch"}
	case "EventPath":
		return []string{"event_id", "is_index_step", "step_index", "step_key"}
	case "MLMDEnv":
		if v >= 1 {
			return []string{"schema_version"}
		}
	case "ParentContext":
		if v >= 6 {
			return []string{"context_id", "parent_context_id"}
		}
	case "Association":
		if v >= 4 {
			return []string{"id", "context_id", "execution_id"}
		}
	case "Attribution":
		if v >= 4 {
			return []string{"id", "context_id", "artifact_id"}
		}
	default:
		panic("unknown table " + table)
	}
	return nil
}

// mlmdIndexCounts are the index counts that MLMD's migration schemes
// verify at versions 7, 8 and 9 (db_verification): SQLite counts the
// indexes in sqlite_master, MySQL the rows of information_schema's
// statistics (one per indexed column).
var mlmdIndexCounts = map[mlmdfixture.Engine]map[int]int{
	mlmdfixture.SQLite: {7: 23, 8: 32, 9: 40},
	mlmdfixture.MySQL:  {7: 45, 8: 74, 9: 82},
}

// introspection queries per engine: the tables, one table's columns in
// order (the table name is the one argument), and the index count.
var introspect = map[mlmdfixture.Engine]struct{ tables, columns, indexes string }{
	mlmdfixture.SQLite: {
		"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
		"SELECT name FROM pragma_table_info(?) ORDER BY cid",
		"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'",
	},
	mlmdfixture.MySQL: {
		"SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()",
		"SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position",
		"SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE()",
	},
	mlmdfixture.Postgres: {
		"SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
		"SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = lower($1) ORDER BY ordinal_position",
		"SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema()",
	},
}

var allTables = []string{"Type", "TypeProperty", "ParentType", "Artifact", "ArtifactProperty", "Execution",
	"ExecutionProperty", "Event", "EventPath", "MLMDEnv", "Context", "ContextProperty", "ParentContext",
	"Association", "Attribution"}

// TestFixtures builds every fixture on every engine and checks it against
// MLMD's facts: exactly the tables of the version, each with MLMD's
// columns in MLMD's order, MLMD's index counts where its schemes state
// them, and rows in every table.
func TestFixtures(t *testing.T) {
	for _, e := range mlmdfixture.Engines {
		t.Run(string(e), func(t *testing.T) {
			for _, v := range mlmdfixture.Versions() {
				t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) {
					_, db := buildFixture(t, e, v)
					checkFixture(t, db, e, v)
				})
			}
		})
	}
}

func checkFixture(t *testing.T, db *sql.DB, e mlmdfixture.Engine, v int) {
	t.Helper()
	q := introspect[e]
	var wantTables []string
	for _, table := range allTables {
		if mlmdColumns(e, v, table) != nil {
			wantTables = append(wantTables, strings.ToLower(table))
		}
	}
	gotTables := testdb.QueryStrings(t, db, q.tables)
	for i := range gotTables {
		gotTables[i] = strings.ToLower(gotTables[i])
	}
	slices.Sort(gotTables)
	slices.Sort(wantTables)
	if !slices.Equal(gotTables, wantTables) {
		t.Errorf("tables %v, want %v", gotTables, wantTables)
	}
	counts := mlmdfixture.RowCounts(v)
	for _, table := range allTables {
		want := mlmdColumns(e, v, table)
		if want == nil {
			continue
		}
		if got := testdb.QueryStrings(t, db, q.columns, table); !slices.Equal(got, want) {
			t.Errorf("%s columns %v, want MLMD's %v", table, got, want)
		}
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM " + quote(e, table)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 || n != counts[table] {
			t.Errorf("%s holds %d rows, want %d (and at least one)", table, n, counts[table])
		}
	}
	if want, ok := mlmdIndexCounts[e][v]; ok {
		var n int
		if err := db.QueryRow(q.indexes).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%d indexes, MLMD's scheme for version %d verifies %d", n, v, want)
		}
	}
	if v >= 1 {
		var version int
		if err := db.QueryRow("SELECT schema_version FROM " + quote(e, "MLMDEnv")).Scan(&version); err != nil || version != v {
			t.Errorf("MLMDEnv schema_version = %d (%v), want %d", version, err, v)
		}
	}
}

func quote(e mlmdfixture.Engine, table string) string {
	if e == mlmdfixture.Postgres {
		return table
	}
	return "`" + table + "`"
}

// TestTablesMatchDDL checks that the table list the package reports
// agrees with the independent statement of MLMD's columns, without a
// database.
func TestTablesMatchDDL(t *testing.T) {
	for _, e := range mlmdfixture.Engines {
		for _, v := range mlmdfixture.Versions() {
			ts, err := mlmdfixture.Tables(e, v)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tab := range ts {
				names = append(names, tab.Name)
				if want := mlmdColumns(e, v, tab.Name); !slices.Equal(tab.Columns, want) {
					t.Errorf("%s v%d %s: columns %v, want %v", e, v, tab.Name, tab.Columns, want)
				}
			}
			for _, table := range allTables {
				if mlmdColumns(e, v, table) != nil && !slices.Contains(names, table) {
					t.Errorf("%s v%d: table %s missing", e, v, table)
				}
			}
		}
	}
}

// TestBadArguments checks that versions and engines without a fixture are
// refused.
func TestBadArguments(t *testing.T) {
	for _, c := range []struct {
		e mlmdfixture.Engine
		v int
	}{{mlmdfixture.SQLite, -1}, {mlmdfixture.SQLite, 10}, {mlmdfixture.MySQL, 11}, {"oracle", 3}} {
		if _, err := mlmdfixture.DDL(c.e, c.v); err == nil {
			t.Errorf("DDL(%q, %d): no error", c.e, c.v)
		}
		if _, err := mlmdfixture.Rows(c.e, c.v); err == nil {
			t.Errorf("Rows(%q, %d): no error", c.e, c.v)
		}
		if _, err := mlmdfixture.Expected(c.e, c.v); err == nil {
			t.Errorf("Expected(%q, %d): no error", c.e, c.v)
		}
	}
}

// TestBuildNeedsEmptyDatabase checks that building over a database that
// already holds the fixture fails instead of mixing two fixtures.
func TestBuildNeedsEmptyDatabase(t *testing.T) {
	_, db := buildFixture(t, mlmdfixture.SQLite, 5)
	if err := mlmdfixture.Build(t.Context(), db, mlmdfixture.SQLite, 5); err == nil {
		t.Fatal("second Build on the same database: no error")
	}
}

package sqlitestore_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
	"github.com/gomlmd/gomlmd/schema"
)

var ctx = context.Background()

// newFile returns the DSN of a new database file in a temporary directory.
func newFile(t *testing.T) string {
	return "file:" + filepath.Join(t.TempDir(), "mlmd.db")
}

// rawDB opens dsn with database/sql, without gomlmd.
func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sqlitestore.OpenDB(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// checkGomlmdIndexes checks that db has each of gomlmd's indexes, not
// unique, on its table and columns.
func checkGomlmdIndexes(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, ix := range schema.GomlmdIndexes {
		equalStrings(t, "table of "+ix.Name, queryStrings(t, db,
			"SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = ?", ix.Name), []string{ix.Table})
		equalStrings(t, "uniqueness of "+ix.Name, queryStrings(t, db,
			fmt.Sprintf("SELECT CAST(\"unique\" AS TEXT) FROM pragma_index_list('%s') WHERE name = ?", ix.Table), ix.Name), []string{"0"})
		equalStrings(t, "columns of "+ix.Name, queryStrings(t, db,
			fmt.Sprintf("SELECT name FROM pragma_index_info('%s') ORDER BY seqno", ix.Name)), ix.Columns)
	}
}

// describe returns a canonical description of a SQLite database's schema:
// every table's columns, every index with its columns, uniqueness and
// condition, ignoring goose's table and SQLite's own.
func describe(t *testing.T, db *sql.DB) []string {
	t.Helper()
	var out []string
	tables := queryStrings(t, db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN (?, 'sqlite_sequence') ORDER BY name", sqlstore.GooseTable)
	for _, table := range tables {
		rows := queryRows(t, db, fmt.Sprintf("SELECT cid, name, type, \"notnull\", COALESCE(dflt_value, 'NULL'), pk FROM pragma_table_info('%s')", table))
		for _, r := range rows {
			out = append(out, fmt.Sprintf("column %s: %s", table, r))
		}
		for _, idx := range queryRows(t, db, fmt.Sprintf("SELECT name, \"unique\", origin, partial FROM pragma_index_list('%s') ORDER BY name", table)) {
			name := strings.Fields(idx)[0]
			cols := queryRows(t, db, fmt.Sprintf("SELECT seqno, cid, COALESCE(name, ''), \"desc\", coll, key FROM pragma_index_xinfo('%s') ORDER BY seqno", name))
			where := ""
			if sqlText := queryStrings(t, db, "SELECT COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND name = ?", name); len(sqlText) == 1 {
				if _, w, ok := strings.Cut(strings.ToUpper(sqlText[0]), " WHERE "); ok {
					where = normalizeSQL(w)
				}
			}
			out = append(out, fmt.Sprintf("index %s: %s cols %v where %q", table, idx, cols, where))
		}
	}
	slices.Sort(out)
	return out
}

var spaces = regexp.MustCompile(`\s+`)

func normalizeSQL(s string) string {
	return strings.TrimSpace(spaces.ReplaceAllString(strings.NewReplacer("`", "", ";", "").Replace(s), " "))
}

var (
	queryStrings = testdb.QueryStrings
	queryRows    = testdb.QueryRows
)

// TestMigratedSchemaMatchesMLMD compares the schema the migrations make
// with MLMD's DDL plus schema.GomlmdIndexes: any other difference fails.
func TestMigratedSchemaMatchesMLMD(t *testing.T) {
	migrated := newFile(t)
	s, err := mlmd.Open(ctx, "sqlite", migrated, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	refDB := rawDB(t, newFile(t))
	testdb.CreateMLMDSchema(t, refDB, schema.SQLite)
	expectedDB := rawDB(t, newFile(t))
	testdb.CreateExpectedSchema(t, expectedDB, schema.SQLite)

	db := rawDB(t, migrated)
	got, want := describe(t, db), describe(t, expectedDB)
	if !slices.Equal(got, want) {
		t.Errorf("migrated schema differs from MLMD's plus gomlmd's indexes %v:\n%s", gomlmdIndexNames(), testdb.LineDiff(got, want))
	}
	checkGomlmdIndexes(t, db)
	// MLMD's own check of a version 10 SQLite database: 15 tables, 40
	// indexes; gomlmd adds its own.
	countIndexes := func(db *sql.DB) int {
		return len(queryStrings(t, db, "SELECT name FROM sqlite_master WHERE type = 'index'"))
	}
	if n := countIndexes(refDB); n != 40 {
		t.Errorf("MLMD's DDL makes %d indexes, want 40", n)
	}
	if n, want := countIndexes(db), 40+len(schema.GomlmdIndexes); n != want {
		t.Errorf("%d indexes, want %d", n, want)
	}
	if tables := queryStrings(t, db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN (?, 'sqlite_sequence')", sqlstore.GooseTable); len(tables) != 15 {
		t.Errorf("%d MLMD tables, want 15: %v", len(tables), tables)
	}
	equalStrings(t, "MLMDEnv", queryStrings(t, db, "SELECT CAST(schema_version AS TEXT) FROM MLMDEnv"), []string{"10"})
}

func gomlmdIndexNames() []string {
	var names []string
	for _, ix := range schema.GomlmdIndexes {
		names = append(names, ix.Name)
	}
	return names
}

func equalStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: got %q, want %q", what, got, want)
	}
}

// dumpTables returns every row of MLMD's tables that the database has.
func dumpTables(t *testing.T, db *sql.DB) map[string][]string {
	t.Helper()
	present := queryStrings(t, db, "SELECT name FROM sqlite_master WHERE type = 'table'")
	tables := slices.DeleteFunc(slices.Clone(testdb.MLMDTables), func(n string) bool { return !slices.Contains(present, n) })
	return testdb.DumpTables(t, db, tables)
}

func TestOpenMLMDDatabase(t *testing.T) {
	dsn := newFile(t)
	db := rawDB(t, dsn)
	testdb.CreateMLMDSchema(t, db, schema.SQLite)
	stmts, fx := testdb.MLMDRows(t)
	testdb.ExecSQL(t, db, stmts...)
	// Adopted in place: every row MLMD wrote is still there as it was (the
	// store may add its system types to Type), goose knows migrations 1
	// and 2, and the schema is MLMD's with gomlmd's indexes.
	testdb.OpenAdopted(t, "sqlite", dsn, db, fx, func() map[string][]string { return dumpTables(t, db) })
	expectedDB := rawDB(t, newFile(t))
	testdb.CreateExpectedSchema(t, expectedDB, schema.SQLite)
	testdb.CheckSchema(t, "adopted", describe(t, db), describe(t, expectedDB))
	checkGomlmdIndexes(t, db)
}

// TestGomlmdIndexesIdempotent opens databases that already have some of
// gomlmd's indexes without goose having recorded migration 2 (a run cut
// short between its statements, or indexes made by hand): Open completes
// the set, once each.
func TestGomlmdIndexesIdempotent(t *testing.T) {
	testdb.RunIndexesCompleted(t, "sqlite", schema.SQLite, func(t *testing.T) (string, *sql.DB) {
		dsn := newFile(t)
		return dsn, rawDB(t, dsn)
	}, checkGomlmdIndexes)
}

func TestOpenRefusesOtherSchemas(t *testing.T) {
	for _, tc := range testdb.OtherSchemaCases {
		t.Run(tc.Name, func(t *testing.T) {
			dsn := newFile(t)
			db := rawDB(t, dsn)
			testdb.CreateMLMDSchema(t, db, schema.SQLite)
			testdb.ExecSQL(t, db, tc.Setup...)
			before := dumpTables(t, db)
			s, err := mlmd.Open(ctx, "sqlite", dsn, &mlmd.Options{SkipMigrations: tc.SkipMigrations})
			if err == nil {
				s.Close()
			}
			tc.Check(t, err)
			if tc.Want != errcode.OK {
				after := dumpTables(t, db)
				for table := range before {
					if !slices.Equal(before[table], after[table]) {
						t.Errorf("a refused Open changed %s", table)
					}
				}
				if n := queryStrings(t, db, "SELECT name FROM sqlite_master WHERE name = ?", sqlstore.GooseTable); len(n) != 0 {
					t.Errorf("a refused Open created goose's table")
				}
			}
		})
	}
}

func TestOpenEmptyDatabase(t *testing.T) {
	t.Run("migrations skipped", func(t *testing.T) {
		dsn := newFile(t)
		_, err := mlmd.Open(ctx, "sqlite", dsn, &mlmd.Options{SkipMigrations: true})
		if mlmd.CodeOf(err) != errcode.FailedPrecondition {
			t.Fatalf("Open of an empty database without migrations: %v, want FailedPrecondition", err)
		}
		if n := queryStrings(t, rawDB(t, dsn), "SELECT name FROM sqlite_master"); len(n) != 0 {
			t.Errorf("tables created with migrations skipped: %v", n)
		}
	})
	t.Run("other tables are left alone", func(t *testing.T) {
		dsn := newFile(t)
		db := rawDB(t, dsn)
		testdb.ExecSQL(t, db, "CREATE TABLE notes (x TEXT)", "INSERT INTO notes VALUES ('keep')")
		// Refused unless asked for (see TestOpenErrors).
		dsn += "?allow_foreign_tables=true"
		s, err := mlmd.Open(ctx, "sqlite", dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		equalStrings(t, "notes", queryStrings(t, db, "SELECT x FROM notes"), []string{"keep"})
		equalStrings(t, "journal mode", queryStrings(t, db, "PRAGMA journal_mode"), []string{"wal"})
		// A second Open finds the schema in place.
		s, err = mlmd.Open(ctx, "sqlite", dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
	})
}

func TestBadDSN(t *testing.T) {
	for _, dsn := range []string{"", "file:", "file:x.db?%zz"} {
		_, err := mlmd.Open(ctx, "sqlite", dsn, nil)
		if mlmd.CodeOf(err) != errcode.InvalidArgument {
			t.Errorf("Open(%q): %v, want InvalidArgument", dsn, err)
		}
	}
	_, err := mlmd.Open(ctx, "sqlite", "file:"+filepath.Join(t.TempDir(), "no", "such", "dir", "x.db"), nil)
	if mlmd.CodeOf(err) != errcode.NotFound {
		t.Errorf("Open in a missing directory: %v, want NotFound", err)
	}
}

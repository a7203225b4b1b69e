package mysqlstore

import (
	"context"
	"database/sql"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/internal/sqlstore/sqlstoretest"
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
	sqlstoretest.MySQLExec(t, "CREATE DATABASE IF NOT EXISTS "+quoteIdent(cfg.DBName))
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func execSQL(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// describe returns a canonical description of a database's schema from
// information_schema, without goose's table.
func describe(t *testing.T, db *sql.DB) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT 'table', table_name, engine, table_collation FROM information_schema.tables
		 WHERE table_schema = DATABASE() AND table_name <> ?`,
		`SELECT 'column', table_name, ordinal_position, column_name, column_type, is_nullable,
		        COALESCE(column_default, 'NULL'), extra, COALESCE(collation_name, '')
		 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name <> ?`,
		`SELECT 'index', table_name, index_name, non_unique, seq_in_index, column_name, COALESCE(sub_part, 0), index_type
		 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name <> ?`,
	} {
		out = append(out, sqlstoretest.QueryRows(t, db, q, sqlstore.GooseTable)...)
	}
	slices.Sort(out)
	return out
}

func TestMigratedSchemaMatchesMLMD(t *testing.T) {
	migrated := sqlstoretest.NewMySQLDatabase(t)
	s, err := mlmd.Open(ctx, "mysql", migrated)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	refDB := rawDB(t, sqlstoretest.NewMySQLDatabase(t))
	execSQL(t, refDB, schema.Statements(schema.MySQL)...)

	db := rawDB(t, migrated)
	got, want := describe(t, db), describe(t, refDB)
	if !slices.Equal(got, want) {
		var b strings.Builder
		for _, l := range got {
			if !slices.Contains(want, l) {
				b.WriteString("+ " + l + "\n")
			}
		}
		for _, l := range want {
			if !slices.Contains(got, l) {
				b.WriteString("- " + l + "\n")
			}
		}
		t.Errorf("migrated schema differs from MLMD's:\n%s", b.String())
	}
	tables := sqlstoretest.QueryStrings(t, db, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name <> ? ORDER BY table_name", sqlstore.GooseTable)
	wantTables := slices.Sorted(slices.Values(sqlstoretest.MLMDTables))
	if !slices.Equal(tables, wantTables) {
		t.Errorf("tables %v, want %v (names are case-sensitive)", tables, wantTables)
	}
	if v := sqlstoretest.QueryStrings(t, db, "SELECT CAST(schema_version AS CHAR) FROM MLMDEnv"); !slices.Equal(v, []string{"10"}) {
		t.Errorf("MLMDEnv holds %v, want [10]", v)
	}
}

func TestOpenMLMDDatabase(t *testing.T) {
	dsn := sqlstoretest.NewMySQLDatabase(t)
	db := rawDB(t, dsn)
	execSQL(t, db, schema.Statements(schema.MySQL)...)
	stmts, fx := sqlstoretest.MLMDRows(t)
	execSQL(t, db, stmts...)
	before := sqlstoretest.DumpTables(t, db, sqlstoretest.MLMDTables)

	s, err := mlmd.Open(ctx, "mysql", dsn)
	if err != nil {
		t.Fatalf("open MLMD's database: %v", err)
	}
	defer s.Close()
	sqlstoretest.CheckMLMDRows(t, s, fx)
	sqlstoretest.CheckAdopted(t, before, sqlstoretest.DumpTables(t, db, sqlstoretest.MLMDTables))
	if v := sqlstoretest.QueryStrings(t, db, "SELECT CAST(version_id AS CHAR) FROM "+sqlstore.GooseTable+" WHERE version_id > 0"); !slices.Equal(v, []string{"1"}) {
		t.Errorf("goose versions %v, want [1]", v)
	}
}

func TestOpenRefusesOtherSchemas(t *testing.T) {
	tests := []struct {
		name  string
		setup []string
		skip  bool
		want  errcode.Code
		msg   []string
	}{
		{"older version", []string{"UPDATE MLMDEnv SET schema_version = 8"}, false, errcode.FailedPrecondition, []string{"version 8", "version 10"}},
		{"empty MLMDEnv", []string{"DELETE FROM MLMDEnv"}, false, errcode.FailedPrecondition, []string{"MLMDEnv"}},
		{"no MLMDEnv", []string{"DROP TABLE MLMDEnv"}, false, errcode.FailedPrecondition, []string{"no MLMDEnv"}},
		{"older version, migrations skipped", []string{"UPDATE MLMDEnv SET schema_version = 9"}, true, errcode.FailedPrecondition, []string{"version 9"}},
		{"version 10, migrations skipped", nil, true, errcode.OK, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dsn := sqlstoretest.NewMySQLDatabase(t)
			db := rawDB(t, dsn)
			execSQL(t, db, schema.Statements(schema.MySQL)...)
			execSQL(t, db, tc.setup...)
			s, err := mlmd.OpenWith(ctx, "mysql", dsn, &mlmd.Options{SkipMigrations: tc.skip})
			if err == nil {
				s.Close()
			}
			if got := mlmd.CodeOf(err); got != tc.want {
				t.Fatalf("Open: code %v (%v), want %v", got, err, tc.want)
			}
			for _, m := range tc.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
		})
	}
}

func TestOpenCreatesDatabase(t *testing.T) {
	dsn := sqlstoretest.NewMySQLDatabase(t)
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("skip_db_creation", func(t *testing.T) {
		skip := cfg.Clone()
		skip.Params = map[string]string{skipDBCreationParam: "true"}
		_, err := mlmd.Open(ctx, "mysql", skip.FormatDSN())
		if mlmd.CodeOf(err) != errcode.Unavailable {
			t.Fatalf("Open of a missing database with skip_db_creation: %v, want Unavailable", err)
		}
	})
	t.Run("created", func(t *testing.T) {
		s, err := mlmd.Open(ctx, "mysql", dsn)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		// Now it exists, and skip_db_creation is fine.
		skip := cfg.Clone()
		skip.Params = map[string]string{skipDBCreationParam: "1"}
		s, err = mlmd.Open(ctx, "mysql", skip.FormatDSN())
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
		{"8.0.11-TiDB-v7.5.1", sqlstore.IDsConsecutive},
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

// TestAdaptersInSync checks that this package's queries.go is
// mlmd/sqlitestore's apart from the package clause and the gen import.
func TestAdaptersInSync(t *testing.T) {
	mine, err := os.ReadFile("queries.go")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := os.ReadFile("../sqlitestore/queries.go")
	if err != nil {
		t.Fatal(err)
	}
	normalize := func(b []byte, pkg, gen string) string {
		s := strings.Replace(string(b), "package "+pkg+"\n", "package X\n", 1)
		return strings.Replace(s, `gen "github.com/gomlmd/gomlmd/gen/`+gen+`"`, `gen "GEN"`, 1)
	}
	if normalize(mine, "mysqlstore", "mysql") != normalize(theirs, "sqlitestore", "sqlite") {
		t.Error("mlmd/mysqlstore/queries.go and mlmd/sqlitestore/queries.go differ beyond package and gen import")
	}
}

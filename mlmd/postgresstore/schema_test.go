package postgresstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
	"github.com/gomlmd/gomlmd/schema"
)

var ctx = context.Background()

func execSQL(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// parseTestDSN parses a test DSN into pgx's config and the backend's
// options.
func parseTestDSN(t *testing.T, dsn string) (*pgx.ConnConfig, options) {
	t.Helper()
	cfg, o, err := parseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, o
}

// prepareTestDB opens dsn's database the way Open does, up to the schema,
// and closes the pool.
func prepareTestDB(t *testing.T, dsn string, skipMigrations bool) error {
	t.Helper()
	cfg, o := parseTestDSN(t, dsn)
	db, err := prepare(ctx, cfg, o, skipMigrations)
	if err == nil {
		db.Close()
	}
	return err
}

// describe returns a canonical description of a database's schema from
// the catalog: tables, columns, constraints, indexes and sequences,
// without goose's table.
func describeSchema(t *testing.T, db *sql.DB) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT 'table', table_name FROM information_schema.tables
		 WHERE table_schema = current_schema() AND table_name <> $1`,
		`SELECT 'column', table_name, ordinal_position, column_name, data_type,
		        COALESCE(character_maximum_length, 0), is_nullable, COALESCE(column_default, 'NULL')
		 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> $1`,
		`SELECT 'constraint', c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
		 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		 WHERE n.nspname = current_schema() AND c.conrelid::regclass::text <> $1`,
		`SELECT 'index', tablename, indexname, indexdef FROM pg_indexes
		 WHERE schemaname = current_schema() AND tablename <> $1`,
		`SELECT 'sequence', sequence_name, data_type FROM information_schema.sequences
		 WHERE sequence_schema = current_schema() AND sequence_name NOT LIKE $1 || '%'`,
	} {
		out = append(out, testdb.QueryRows(t, db, q, sqlstore.GooseTable)...)
	}
	slices.Sort(out)
	return out
}

// createMLMDSchema makes db a database as MLMD creates it at version 10.
func createMLMDSchema(t *testing.T, db *sql.DB) {
	t.Helper()
	execSQL(t, db, schema.Statements(schema.PostgreSQL)...)
}

// createExpectedSchema makes db the database that gomlmd's migrations
// should produce: MLMD's schema version 10 and the indexes gomlmd adds.
func createExpectedSchema(t *testing.T, db *sql.DB) {
	t.Helper()
	createMLMDSchema(t, db)
	for _, ix := range schema.GomlmdIndexes {
		execSQL(t, db, ix.CreateSQL())
	}
}

// schemaDiff lists the lines of describe that only got (+) or only want
// (-) has.
func schemaDiff(got, want []string) string {
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
	return b.String()
}

// checkGomlmdIndexes checks that db has each of gomlmd's indexes, once,
// plain, on its table and columns.
func checkGomlmdIndexes(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, ix := range schema.GomlmdIndexes {
		want := []string{fmt.Sprintf("%s CREATE INDEX %s ON public.%s USING btree (%s)",
			strings.ToLower(ix.Table), ix.Name, strings.ToLower(ix.Table), strings.Join(ix.Columns, ", "))}
		got := testdb.QueryRows(t, db, `SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1`, ix.Name)
		if !slices.Equal(got, want) {
			t.Errorf("index %s: %q, want %q", ix.Name, got, want)
		}
	}
}

// TestMigratedSchemaMatchesMLMD compares the schema the migrations make
// with MLMD's DDL plus schema.GomlmdIndexes: any other difference fails.
func TestMigratedSchemaMatchesMLMD(t *testing.T) {
	migrated := testdb.NewPostgresDatabase(t)
	if err := prepareTestDB(t, migrated, false); err != nil {
		t.Fatal(err)
	}
	_, expectedDB := testdb.CreatePostgresDatabase(t)
	createExpectedSchema(t, expectedDB)

	db := testdb.OpenPostgres(t, migrated)
	defer db.Close()
	got, want := describeSchema(t, db), describeSchema(t, expectedDB)
	if len(want) < 15+15*3 {
		t.Fatalf("the expected schema has only %d facts", len(want))
	}
	if !slices.Equal(got, want) {
		t.Errorf("migrated schema differs from MLMD's plus gomlmd's indexes:\n%s", schemaDiff(got, want))
	}
	checkGomlmdIndexes(t, db)
	tables := testdb.QueryStrings(t, db, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> $1 ORDER BY table_name", sqlstore.GooseTable)
	var wantTables []string
	for _, n := range testdb.MLMDTables {
		wantTables = append(wantTables, strings.ToLower(n)) // MLMD's names are unquoted
	}
	slices.Sort(wantTables)
	if !slices.Equal(tables, wantTables) {
		t.Errorf("tables %v, want %v", tables, wantTables)
	}
	if v := testdb.QueryStrings(t, db, "SELECT schema_version::text FROM MLMDEnv"); !slices.Equal(v, []string{"10"}) {
		t.Errorf("MLMDEnv holds %v, want [10]", v)
	}
	if v := testdb.QueryStrings(t, db, "SELECT version_id::text FROM "+sqlstore.GooseTable+" WHERE version_id > 0 ORDER BY id"); !slices.Equal(v, []string{"1", "2"}) {
		t.Errorf("goose versions %v, want [1 2]", v)
	}
}

// TestAdoptMLMDSchema opens a database whose schema MLMD made, with and
// without some of gomlmd's indexes: the schema ends up MLMD's plus
// gomlmd's indexes, once each.
func TestAdoptMLMDSchema(t *testing.T) {
	for n := 0; n <= len(schema.GomlmdIndexes); n++ {
		t.Run(fmt.Sprintf("%d gomlmd indexes present", n), func(t *testing.T) {
			dsn, db := testdb.CreatePostgresDatabase(t)
			createMLMDSchema(t, db)
			for _, ix := range schema.GomlmdIndexes[:n] {
				execSQL(t, db, ix.CreateSQL())
			}
			if err := prepareTestDB(t, dsn, false); err != nil {
				t.Fatal(err)
			}
			_, expectedDB := testdb.CreatePostgresDatabase(t)
			createExpectedSchema(t, expectedDB)
			if got, want := describeSchema(t, db), describeSchema(t, expectedDB); !slices.Equal(got, want) {
				t.Errorf("adopted schema differs from MLMD's plus gomlmd's indexes:\n%s", schemaDiff(got, want))
			}
			checkGomlmdIndexes(t, db)
		})
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
			dsn, db := testdb.CreatePostgresDatabase(t)
			createMLMDSchema(t, db)
			execSQL(t, db, tc.setup...)
			err := prepareTestDB(t, dsn, tc.skip)
			if got := errcode.Of(err); got != tc.want {
				t.Fatalf("open: code %v (%v), want %v", got, err, tc.want)
			}
			for _, m := range tc.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
		})
	}
}

// TestConcurrentFirstStart opens one empty database from many goroutines
// at once, each with its own pool (as many processes would): all succeed
// and the database holds one schema, one MLMDEnv row and one record of
// each migration.
func TestConcurrentFirstStart(t *testing.T) {
	dsn := testdb.NewPostgresDatabase(t)
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = prepareTestDB(t, dsn, false) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open %d: %v", i, err)
		}
	}
	db := testdb.OpenPostgres(t, dsn)
	defer db.Close()
	if v := testdb.QueryStrings(t, db, "SELECT schema_version::text FROM MLMDEnv"); !slices.Equal(v, []string{"10"}) {
		t.Errorf("MLMDEnv holds %v, want [10]", v)
	}
	if v := testdb.QueryStrings(t, db, "SELECT version_id::text FROM "+sqlstore.GooseTable+" WHERE version_id > 0 ORDER BY id"); !slices.Equal(v, []string{"1", "2"}) {
		t.Errorf("goose versions %v, want [1 2]", v)
	}
}

func TestOpenCreatesDatabase(t *testing.T) {
	dsn := testdb.NewPostgresDatabase(t)
	t.Run("skip_db_creation", func(t *testing.T) {
		err := prepareTestDB(t, dsn+"&skip_db_creation=true", false)
		if errcode.Of(err) != errcode.Unavailable || !strings.Contains(err.Error(), "3D000") {
			t.Fatalf("open of a missing database with skip_db_creation: %v, want Unavailable (3D000)", err)
		}
	})
	t.Run("created", func(t *testing.T) {
		if err := prepareTestDB(t, dsn, false); err != nil {
			t.Fatal(err)
		}
		// Now it exists, and skip_db_creation is fine.
		if err := prepareTestDB(t, dsn+"&skip_db_creation=1", false); err != nil {
			t.Fatal(err)
		}
	})
}

func TestBadDSN(t *testing.T) {
	for _, dsn := range []string{
		"host=127.0.0.1 port=notaport dbname=x",
		"postgres://root@127.0.0.1:5432/",
		"postgres://root@127.0.0.1:5432/db?skip_db_creation=maybe",
		"postgres://root@127.0.0.1:5432/db?max_open_conns=-1",
	} {
		_, _, err := parseDSN(dsn)
		if errcode.Of(err) != errcode.InvalidArgument {
			t.Errorf("parseDSN(%q): %v, want InvalidArgument", dsn, err)
		}
	}
}

func TestUnreachableAndRefused(t *testing.T) {
	server := testdb.PostgresServer(t)
	tests := []struct {
		name, dsn string
		want      errcode.Code
		msg       string
	}{
		{"closed port", "postgres://root@127.0.0.1:1/mlmd?sslmode=disable&connect_timeout=2&skip_db_creation=true", errcode.Unavailable, ""},
		{"unknown role", strings.Replace(testdb.PostgresDSN(t, "postgres"), "root@", "no_such_role_gomlmd@", 1) + "&skip_db_creation=true", errcode.Unavailable, "28000"},
	}
	if !strings.Contains(server, "root@") {
		tests = tests[:1]
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := prepareTestDB(t, tc.dsn, false)
			if errcode.Of(err) != tc.want || !strings.Contains(fmt.Sprint(err), tc.msg) {
				t.Fatalf("open: %v, want %v mentioning %q", err, tc.want, tc.msg)
			}
		})
	}
}

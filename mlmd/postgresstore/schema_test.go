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
	db, err := prepare(ctx, cfg, o, sqlstore.SchemaOptions{SkipMigrations: skipMigrations})
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
	return testdb.Describe(t, db,
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
	)
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
	testdb.CreateExpectedSchema(t, expectedDB, schema.PostgreSQL)

	db := testdb.OpenPostgres(t, migrated)
	defer db.Close()
	got, want := describeSchema(t, db), describeSchema(t, expectedDB)
	if len(want) < 15+15*3 {
		t.Fatalf("the expected schema has only %d facts", len(want))
	}
	testdb.CheckSchema(t, "migrated", got, want)
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
	testdb.CheckGooseVersions(t, db)
}

// TestAdoptMLMDSchema opens a database whose schema MLMD made, with and
// without some of gomlmd's indexes: the schema ends up MLMD's plus
// gomlmd's indexes, once each.
func TestAdoptMLMDSchema(t *testing.T) {
	for n := 0; n <= len(schema.GomlmdIndexes); n++ {
		t.Run(fmt.Sprintf("%d gomlmd indexes present", n), func(t *testing.T) {
			dsn, db := testdb.CreatePostgresDatabase(t)
			testdb.CreateMLMDSchema(t, db, schema.PostgreSQL)
			for _, ix := range schema.GomlmdIndexes[:n] {
				testdb.ExecSQL(t, db, ix.CreateSQL())
			}
			if err := prepareTestDB(t, dsn, false); err != nil {
				t.Fatal(err)
			}
			_, expectedDB := testdb.CreatePostgresDatabase(t)
			testdb.CreateExpectedSchema(t, expectedDB, schema.PostgreSQL)
			if got, want := describeSchema(t, db), describeSchema(t, expectedDB); !slices.Equal(got, want) {
				t.Errorf("adopted schema differs from MLMD's plus gomlmd's indexes:\n%s", testdb.LineDiff(got, want))
			}
			checkGomlmdIndexes(t, db)
		})
	}
}

func TestOpenRefusesOtherSchemas(t *testing.T) {
	for _, tc := range testdb.OtherSchemaCases {
		t.Run(tc.Name, func(t *testing.T) {
			dsn, db := testdb.CreatePostgresDatabase(t)
			testdb.CreateMLMDSchema(t, db, schema.PostgreSQL)
			testdb.ExecSQL(t, db, tc.Setup...)
			err := prepareTestDB(t, dsn, tc.SkipMigrations)
			tc.Check(t, err)
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
	testdb.CheckGooseVersions(t, db)
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

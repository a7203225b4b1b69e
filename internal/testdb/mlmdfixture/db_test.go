package mlmdfixture_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/internal/testdb/mlmdfixture"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// newDatabase creates an empty database on engine e for the test and
// returns the DSN that mlmd.Open takes for it and a plain pool on it;
// both go away when the test ends.
func newDatabase(t *testing.T, e mlmdfixture.Engine) (string, *sql.DB) {
	t.Helper()
	switch e {
	case mlmdfixture.SQLite:
		dsn := "file:" + filepath.Join(t.TempDir(), "mlmd.db")
		db, err := sqlitestore.OpenDB(dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return dsn, db
	case mlmdfixture.MySQL:
		return testdb.CreateMySQLDatabase(t)
	case mlmdfixture.Postgres:
		return testdb.CreatePostgresDatabase(t)
	}
	t.Fatalf("unknown engine %q", e)
	return "", nil
}

// reopen returns a new pool on a database that newDatabase made.
func reopen(t *testing.T, e mlmdfixture.Engine, dsn string) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	switch e {
	case mlmdfixture.SQLite:
		db, err = sqlitestore.OpenDB(dsn)
	case mlmdfixture.MySQL:
		db, err = sql.Open("mysql", dsn)
	default:
		db = testdb.OpenPostgres(t, dsn)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// buildFixture makes a new database of engine e holding the fixture at
// version v.
func buildFixture(t *testing.T, e mlmdfixture.Engine, v int) (string, *sql.DB) {
	t.Helper()
	dsn, db := newDatabase(t, e)
	if err := mlmdfixture.Build(t.Context(), db, e, v); err != nil {
		t.Fatal(err)
	}
	return dsn, db
}

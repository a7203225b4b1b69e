package testdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgresDSNEnv names the environment variable with the DSN of the
// PostgreSQL server that tests use, as a postgres:// URL or libpq
// keyword/value string; its database is the one tests connect to for
// CREATE and DROP DATABASE. The default is root, without password, on
// 127.0.0.1:5432, database postgres.
const PostgresDSNEnv = "MLMD_POSTGRES_DSN"

const defaultPostgresDSN = "postgres://root@127.0.0.1:5432/postgres?sslmode=disable"

var (
	pgOnce sync.Once
	pgDSN  string
	pgErr  error
)

// PostgresServer returns the DSN of the test server's maintenance
// database, after checking once per process that the server answers. When
// it does not, the test fails if the environment variable CI is set (CI
// must run the PostgreSQL tests), and is skipped otherwise.
func PostgresServer(t testing.TB) string {
	t.Helper()
	pgOnce.Do(func() {
		pgDSN = os.Getenv(PostgresDSNEnv)
		if pgDSN == "" {
			pgDSN = defaultPostgresDSN
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cfg, err := pgx.ParseConfig(pgDSN)
		if err != nil {
			pgErr = err
			return
		}
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			pgErr = err
			return
		}
		pgErr = conn.Ping(ctx)
		conn.Close(ctx)
	})
	if pgErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL test server unavailable (%s=%q): %v", PostgresDSNEnv, os.Getenv(PostgresDSNEnv), pgErr)
		}
		t.Skipf("no PostgreSQL test server (set %s; default %s): %v", PostgresDSNEnv, defaultPostgresDSN, pgErr)
	}
	return pgDSN
}

// PostgresDSN returns the DSN of the test server with the database
// replaced by name.
func PostgresDSN(t testing.TB, name string) string {
	t.Helper()
	dsn := PostgresServer(t)
	if strings.Contains(dsn, "://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		return u.String()
	}
	return dsn + " dbname=" + name // a later keyword wins
}

// NewPostgresDatabase returns the DSN of a database with a new random
// name (mlmd_test_...) on the test server, which the test may create, and
// drops the database when the test ends.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	name := "mlmd_test_" + randomHex(t)
	dsn := PostgresDSN(t, name)
	t.Cleanup(func() {
		db := OpenPostgres(t, PostgresServer(t))
		defer db.Close()
		// FORCE ends sessions a test left open (PostgreSQL 13 and later).
		if _, err := db.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return dsn
}

// OpenPostgres opens a plain database/sql pool (pgx, $n placeholders) on a
// DSN.
func OpenPostgres(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return stdlib.OpenDB(*cfg)
}

// PostgresExec runs statements on the test server's maintenance database.
func PostgresExec(t testing.TB, stmts ...string) {
	t.Helper()
	db := OpenPostgres(t, PostgresServer(t))
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// CreatePostgresDatabase creates a new database (see NewPostgresDatabase)
// and returns its DSN and a pool on it, closed when the test ends.
func CreatePostgresDatabase(t testing.TB) (string, *sql.DB) {
	t.Helper()
	dsn := NewPostgresDatabase(t)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	PostgresExec(t, `CREATE DATABASE "`+cfg.Database+`"`)
	db := OpenPostgres(t, dsn)
	t.Cleanup(func() { db.Close() })
	return dsn, db
}

// The pool of PostgresStoreDatabase: databases with MLMD's schema whose
// tables were emptied after a test, for the next one.
var pgPool struct {
	sync.Mutex
	free []string // DSNs
	all  []string // database names
}

// PostgresStoreDatabase returns the DSN of a database for one test that
// opens it with the PostgreSQL backend: either a new name (the backend
// creates the database) or a database of an earlier test of the process,
// with MLMD's schema and every table emptied and its ids reset, as a new
// one would be. Creating a database and MLMD's schema takes most of a
// second; emptying the tables a fraction of that.
//
// The test must leave the schema at version 10 and close its stores in
// cleanup functions registered after this call. Call DropPostgresDatabases
// when the tests end (from TestMain).
func PostgresStoreDatabase(t testing.TB) string {
	t.Helper()
	PostgresServer(t)
	pgPool.Lock()
	var dsn string
	if n := len(pgPool.free); n > 0 {
		dsn, pgPool.free = pgPool.free[n-1], pgPool.free[:n-1]
	} else {
		name := "mlmd_test_" + randomHex(t)
		dsn = PostgresDSN(t, name)
		pgPool.all = append(pgPool.all, name)
	}
	pgPool.Unlock()
	t.Cleanup(func() {
		if err := emptyPostgresTables(dsn); err != nil {
			t.Logf("database not reused: %v", err)
			return
		}
		pgPool.Lock()
		pgPool.free = append(pgPool.free, dsn)
		pgPool.Unlock()
	})
	return dsn
}

// emptyPostgresTables truncates MLMD's tables, except MLMDEnv, and resets
// their id sequences, after checking that the schema is intact.
func emptyPostgresTables(dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return err
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	var version int64
	if err := db.QueryRow("SELECT schema_version FROM MLMDEnv").Scan(&version); err != nil || version != 10 {
		return errors.Join(fmt.Errorf("schema version %d", version), err)
	}
	var tables []string
	for _, table := range MLMDTables {
		if table != "MLMDEnv" {
			tables = append(tables, table)
		}
	}
	_, err = db.Exec("TRUNCATE " + strings.Join(tables, ", ") + " RESTART IDENTITY")
	return err
}

// DropPostgresDatabases drops the databases of PostgresStoreDatabase.
func DropPostgresDatabases() error {
	pgPool.Lock()
	defer pgPool.Unlock()
	if len(pgPool.all) == 0 {
		return nil
	}
	cfg, err := pgx.ParseConfig(pgDSN)
	if err != nil {
		return err
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	var errs []error
	for _, name := range pgPool.all {
		if _, err := db.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`); err != nil {
			errs = append(errs, err)
		}
	}
	pgPool.all, pgPool.free = nil, nil
	return errors.Join(errs...)
}

package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// MySQLDSNEnv names the environment variable with the DSN of the MySQL or
// MariaDB server that tests use, in go-sql-driver form without a database
// name. The default is root without password on 127.0.0.1:3306.
const MySQLDSNEnv = "MLMD_MYSQL_DSN"

const defaultMySQLDSN = "root@tcp(127.0.0.1:3306)/"

var (
	serverOnce sync.Once
	serverCfg  *mysql.Config
	serverErr  error
)

// MySQLServer returns the configuration of the test server, after checking
// once per process that it answers. When it does not, the test fails if
// the environment variable CI is set (CI must run the MySQL tests), and is
// skipped otherwise.
func MySQLServer(t testing.TB) *mysql.Config {
	t.Helper()
	serverOnce.Do(func() {
		dsn := os.Getenv(MySQLDSNEnv)
		if dsn == "" {
			dsn = defaultMySQLDSN
		}
		if serverCfg, serverErr = mysql.ParseDSN(dsn); serverErr != nil {
			return
		}
		serverCfg.DBName = ""
		db, err := openServer(serverCfg)
		if err != nil {
			serverErr = err
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		serverErr = db.PingContext(ctx)
	})
	if serverErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("MySQL/MariaDB test server unavailable (%s=%q): %v", MySQLDSNEnv, os.Getenv(MySQLDSNEnv), serverErr)
		}
		t.Skipf("no MySQL/MariaDB test server (set %s; default %s): %v", MySQLDSNEnv, defaultMySQLDSN, serverErr)
	}
	return serverCfg.Clone()
}

func openServer(cfg *mysql.Config) (*sql.DB, error) {
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(connector), nil
}

// NewMySQLDatabase returns the DSN of a database with a new random name
// (mlmd_test_...) on the test server, which the test may create, and drops
// the database when the test ends.
func NewMySQLDatabase(t testing.TB) string {
	t.Helper()
	cfg := MySQLServer(t)
	server := cfg.Clone()
	name := "mlmd_test_" + randomHex(t)
	t.Cleanup(func() {
		db, err := openServer(server)
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	cfg.DBName = name
	return cfg.FormatDSN()
}

// CreateMySQLDatabase creates a new database (see NewMySQLDatabase) and
// returns its DSN and a pool on it, closed when the test ends.
func CreateMySQLDatabase(t testing.TB) (string, *sql.DB) {
	t.Helper()
	dsn := NewMySQLDatabase(t)
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	MySQLExec(t, "CREATE DATABASE `"+cfg.DBName+"`")
	db, err := openServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return dsn, db
}

// The pool of MySQLStoreDatabase: databases with MLMD's schema whose
// tables were emptied after a test, for the next one.
var pool struct {
	sync.Mutex
	free []string // DSNs
	all  []string // database names
}

// MySQLStoreDatabase returns the DSN of a database for one test that opens
// it with the MySQL backend: either a new name (the backend creates the
// database) or a database of an earlier test of the process, with MLMD's
// schema and every table emptied, as a new one would be. When the test
// ends, the database's tables are emptied (TRUNCATE, which also resets the
// ids) and it goes back to the pool. Creating MLMD's 15 InnoDB tables
// takes the better part of a second, emptying them a fraction of that.
//
// The test must leave the schema at version 10 and close its stores in
// cleanup functions registered after this call. Call DropMySQLDatabases
// when the tests end (from TestMain).
func MySQLStoreDatabase(t testing.TB) string {
	t.Helper()
	cfg := MySQLServer(t)
	pool.Lock()
	var dsn string
	if n := len(pool.free); n > 0 {
		dsn, pool.free = pool.free[n-1], pool.free[:n-1]
	} else {
		cfg.DBName = "mlmd_test_" + randomHex(t)
		dsn = cfg.FormatDSN()
		pool.all = append(pool.all, cfg.DBName)
	}
	pool.Unlock()
	t.Cleanup(func() {
		if err := emptyTables(dsn); err != nil {
			t.Logf("database not reused: %v", err)
			return
		}
		pool.Lock()
		pool.free = append(pool.free, dsn)
		pool.Unlock()
	})
	return dsn
}

// emptyTables truncates MLMD's tables, except MLMDEnv, after checking
// that the schema is intact.
func emptyTables(dsn string) error {
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var version int64
	if err := db.QueryRow("SELECT schema_version FROM MLMDEnv").Scan(&version); err != nil || version != 10 {
		return fmt.Errorf("schema version %d: %v", version, err)
	}
	for _, table := range MLMDTables {
		if table == "MLMDEnv" {
			continue
		}
		if _, err := db.Exec("TRUNCATE TABLE " + table); err != nil {
			return err
		}
	}
	return nil
}

// DropMySQLDatabases drops the databases of MySQLStoreDatabase.
func DropMySQLDatabases() error {
	pool.Lock()
	defer pool.Unlock()
	if len(pool.all) == 0 {
		return nil
	}
	db, err := openServer(serverCfg)
	if err != nil {
		return err
	}
	defer db.Close()
	var errs []error
	for _, name := range pool.all {
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name); err != nil {
			errs = append(errs, err)
		}
	}
	pool.all, pool.free = nil, nil
	return errors.Join(errs...)
}

func randomHex(t testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// MySQLExec runs statements on the test server, outside any database.
func MySQLExec(t testing.TB, stmts ...string) {
	t.Helper()
	db, err := openServer(MySQLServer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

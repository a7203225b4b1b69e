// Package testdb is the one helper that gomlmd's tests use for test
// databases on the shared servers: it finds the servers (MLMD_MYSQL_DSN,
// MLMD_POSTGRES_DSN), creates a uniquely named database per test and drops
// it afterwards, and holds the fixture of an MLMD-made database with rows in every table.
// With the environment variable CI set, a missing server fails the tests
// instead of skipping them.
package testdb

import (
	"errors"
	"fmt"
	"os"
	"testing"
)

// Main runs the tests of a package and then drops the databases that
// its tests' pools created (see MySQLStoreDatabase and
// PostgresStoreDatabase); a package whose tests
// use the pool calls it from TestMain:
//
//	func TestMain(m *testing.M) { testdb.Main(m) }
func Main(m *testing.M) {
	os.Exit(Run(m))
}

// Run is Main without the exit: it returns the exit code, for a TestMain
// that does more.
func Run(m *testing.M) int {
	code := m.Run()
	if err := errors.Join(DropMySQLDatabases(), DropPostgresDatabases()); err != nil {
		fmt.Fprintln(os.Stderr, "drop test databases:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

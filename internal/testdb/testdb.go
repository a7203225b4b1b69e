// Package testdb is the one helper that gomlmd's tests use for test
// databases on the shared servers: it finds the server (MLMD_MYSQL_DSN),
// creates a uniquely named database per test and drops it afterwards, and
// holds the fixture of an MLMD-made database with rows in every table.
// With the environment variable CI set, a missing server fails the tests
// instead of skipping them.
package testdb

import (
	"fmt"
	"os"
	"testing"
)

// Main runs the tests of a package and then drops the databases that
// its tests' pool created (see MySQLStoreDatabase); a package whose tests
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
	if err := DropMySQLDatabases(); err != nil {
		fmt.Fprintln(os.Stderr, "drop test databases:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

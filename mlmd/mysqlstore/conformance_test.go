package mysqlstore

import (
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd/drivertest"
)

// TestConformance runs the conformance suite against MariaDB, each case
// in a database of its own.
func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.DSNHarness("mysql", testdb.MySQLStoreDatabase))
}

package postgresstore

import (
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd/drivertest"
)

// TestConformance runs the store-level conformance suite on the test
// server, each case in a database of the pool.
func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.DSNHarness("postgres", testdb.PostgresStoreDatabase))
}

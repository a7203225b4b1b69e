package sqlitestore_test

import (
	"path/filepath"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd/drivertest"
)

func TestConformanceMemory(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.DSNHarness("sqlite", func(testing.TB) string { return ":memory:" }))
}

func TestConformanceFile(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.DSNHarness("sqlite", func(t testing.TB) string {
		return "file:" + filepath.Join(t.TempDir(), "mlmd.db")
	}))
}

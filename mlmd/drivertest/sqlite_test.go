package drivertest_test

import (
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/drivertest"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore" // registers the "sqlite" backend
)

// TestSuiteOnBuiltinSQLite runs the suite against the built-in SQLite
// backend in memory, so that the suite is checked where it lives; the
// backends' own packages run it too (sqlitestore in memory and in a file).
func TestSuiteOnBuiltinSQLite(t *testing.T) {
	open := func(t *testing.T, opts *mlmd.Options) *mlmd.Store {
		t.Helper()
		s, err := mlmd.OpenWith(t.Context(), "sqlite", ":memory:", opts)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
		return s
	}
	drivertest.RunConformanceTests(t, drivertest.Harness{
		Name:            "sqlite-memory",
		Open:            func(t *testing.T) *mlmd.Store { return open(t, nil) },
		OpenWithOptions: open,
	})
}

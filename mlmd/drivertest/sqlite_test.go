package drivertest_test

import (
	"testing"

	"github.com/gomlmd/gomlmd/mlmd/drivertest"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore" // registers the "sqlite" backend
)

// TestSuiteOnSQLite runs the suite from its own package, on in-memory
// SQLite.
func TestSuiteOnSQLite(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.DSNHarness("sqlite", func(testing.TB) string { return ":memory:" }))
}

// TestCasesListed checks that the suite's case list names every case
// once.
func TestCasesListed(t *testing.T) {
	names := drivertest.Cases()
	if len(names) < 100 {
		t.Fatalf("%d cases, want the whole suite", len(names))
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("case %q listed twice", n)
		}
		seen[n] = true
	}
}

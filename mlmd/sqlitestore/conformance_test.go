package sqlitestore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/drivertest"
)

// harness returns a conformance harness whose stores live in databases
// that dsn makes, one per test.
func harness(name string, dsn func(t *testing.T) string) drivertest.Harness {
	open := func(t *testing.T, opts *mlmd.Options) *mlmd.Store {
		t.Helper()
		s, err := mlmd.OpenWith(context.Background(), "sqlite", dsn(t), opts)
		if err != nil {
			t.Fatalf("open store: %v", err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("close store: %v", err)
			}
		})
		return s
	}
	return drivertest.Harness{
		Name:            name,
		Open:            func(t *testing.T) *mlmd.Store { return open(t, nil) },
		OpenWithOptions: open,
	}
}

func TestConformanceMemory(t *testing.T) {
	drivertest.RunConformanceTests(t, harness("sqlite-memory", func(*testing.T) string { return ":memory:" }))
}

func TestConformanceFile(t *testing.T) {
	drivertest.RunConformanceTests(t, harness("sqlite-file", func(t *testing.T) string {
		return "file:" + filepath.Join(t.TempDir(), "mlmd.db")
	}))
}

package mysqlstore

import (
	"context"
	"testing"

	"github.com/gomlmd/gomlmd/internal/sqlstore/sqlstoretest"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/drivertest"
)

func TestConformance(t *testing.T) {
	open := func(t *testing.T, opts *mlmd.Options) *mlmd.Store {
		t.Helper()
		s, err := mlmd.OpenWith(context.Background(), "mysql", sqlstoretest.MySQLStoreDatabase(t), opts)
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
	drivertest.RunConformanceTests(t, drivertest.Harness{
		Name:            "mysql",
		Open:            func(t *testing.T) *mlmd.Store { return open(t, nil) },
		OpenWithOptions: open,
	})
}

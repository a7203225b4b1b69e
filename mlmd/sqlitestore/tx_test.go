package sqlitestore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/drivertest/txtest"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// openConn opens dsn with the driver and closes it when the test ends.
func openConn(t *testing.T, dsn string) driver.Conn {
	t.Helper()
	c, err := sqlitestore.Driver{}.Open(context.Background(), dsn, &driver.OpenOptions{})
	if err != nil {
		t.Fatalf("Open(%q): %v", dsn, err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

func TestTxMemory(t *testing.T) {
	txtest.RunTxTests(t, func(t *testing.T) driver.Conn { return openConn(t, ":memory:") })
}

func TestTxFile(t *testing.T) {
	txtest.RunTxTests(t, func(t *testing.T) driver.Conn {
		return openConn(t, "file:"+filepath.Join(t.TempDir(), "mlmd.db"))
	})
}

package mysqlstore

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/internal/sqlstore/sqlstoretest"
	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// openConn opens a new database with the driver and closes it when the
// test ends (the database itself is dropped by NewMySQLDatabase).
func openConn(t *testing.T) driver.Conn {
	t.Helper()
	c, err := Driver{}.Open(context.Background(), sqlstoretest.MySQLStoreDatabase(t), &driver.OpenOptions{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

func TestTx(t *testing.T) {
	sqlstoretest.RunTxTests(t, openConn)
}

// TestTxIDStrategies runs the suite with each way of learning the ids of a
// multi-row insert that MariaDB supports, whatever the server's
// innodb_autoinc_lock_mode.
func TestTxIDStrategies(t *testing.T) {
	for _, s := range []struct {
		name string
		ids  sqlstore.IDStrategy
	}{{"returning", sqlstore.IDsReturning}, {"one-by-one", sqlstore.IDsOneByOne}} {
		t.Run(s.name, func(t *testing.T) {
			sqlstoretest.RunTxTests(t, func(t *testing.T) driver.Conn {
				c := openConn(t).(*sqlstore.Conn)
				return sqlstore.New(sqlstore.Config{DB: c.DB(), Dialect: &dialect{ids: s.ids, step: 1}, Engine: engine})
			})
		})
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if err := sqlstoretest.DropMySQLDatabases(); err != nil {
		fmt.Fprintln(os.Stderr, "drop test databases:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

package mysqlstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

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
			}, sqlstoretest.InsertCases...)
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

// TestDeadlockIsRetried has two transactions update two rows in opposite
// orders, so that InnoDB aborts one of them as deadlocked; InTx must run it
// again and both must succeed.
func TestDeadlockIsRetried(t *testing.T) {
	ctx := context.Background()
	c := openConn(t)
	var typeID int64
	var ids []int64
	err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
		var err error
		if typeID, err = tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "T"}); err != nil {
			return err
		}
		ids, err = tx.InsertNodes(ctx, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, Name: "a"}, {TypeID: typeID, Name: "b"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var attempts atomic.Int32
	arrived := make(chan struct{}, 2)
	release := make(chan struct{})
	go func() { // let both first attempts take their first lock, then go on
		<-arrived
		<-arrived
		close(release)
	}()
	update := func(first, second int64, uri string) error {
		return c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
			n := attempts.Add(1)
			if err := tx.UpdateNodes(ctx, driver.KindArtifact, []driver.NodeRow{{ID: first, TypeID: typeID, Name: name(first, ids), URI: uri}}); err != nil {
				return err
			}
			if n <= 2 {
				arrived <- struct{}{}
				select {
				case <-release:
				case <-time.After(10 * time.Second):
					return errors.New("the other transaction never took its first lock")
				}
			}
			return tx.UpdateNodes(ctx, driver.KindArtifact, []driver.NodeRow{{ID: second, TypeID: typeID, Name: name(second, ids), URI: uri}})
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- update(ids[0], ids[1], "one") }()
	go func() { errs <- update(ids[1], ids[0], "two") }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("transaction failed: %v", err)
		}
	}
	if n := attempts.Load(); n < 3 {
		t.Fatalf("%d attempts, want a retry after the deadlock", n)
	}
	var rows []driver.NodeRow
	err = c.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
		var err error
		rows, err = tx.GetNodes(ctx, driver.KindArtifact, ids)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].URI != rows[1].URI {
		t.Fatalf("the transactions interleaved: uris %q and %q", rows[0].URI, rows[1].URI)
	}
}

func name(id int64, ids []int64) string {
	if id == ids[0] {
		return "a"
	}
	return "b"
}

package postgresstore

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/drivertest/txtest"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// openConn opens a database of the pool with the driver and closes it when
// the test ends.
func openConn(t *testing.T) driver.Conn {
	return testdb.OpenConn(t, Driver{}, testdb.PostgresStoreDatabase(t), &driver.OpenOptions{MaxRetries: 3})
}

// TestTx runs the driver-level suite: every driver.Tx method and the error
// codes of the driver contract. InsertNodesLargeValues stores 1 MiB string
// properties, which MLMD's PostgreSQL schema cannot hold (see
// TestLargeStringProperty).
func TestTx(t *testing.T) {
	names := slices.DeleteFunc(txtest.CaseNames(), func(n string) bool { return n == "InsertNodesLargeValues" })
	txtest.RunTxTests(t, openConn, names...)
}

// TestLargeStringProperty: MLMD's PostgreSQL schema indexes string_value
// whole (a B-tree on name, is_custom_property, string_value), and a
// PostgreSQL index row holds at most a third of a page, so a string
// property much over 2 KB is refused, as by MLMD itself on PostgreSQL:
// with InvalidArgument, writing nothing. Shorter values are stored.
func TestLargeStringProperty(t *testing.T) {
	c := openConn(t)
	var typeID int64
	err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
		var err error
		typeID, err = tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "Big"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	insert := func(size int) error {
		return c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
			_, err := tx.InsertNodes(ctx, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, Name: fmt.Sprint(size),
				Properties: []driver.PropertyRow{{Name: "s", Column: driver.ColumnString, String: randomText(size)}}}})
			return err
		})
	}
	if err := insert(2000); err != nil {
		t.Fatalf("a 2000-byte string: %v", err)
	}
	err = insert(1 << 20)
	if errcode.Of(err) != errcode.InvalidArgument || !strings.Contains(err.Error(), "54000") {
		t.Fatalf("a 1 MiB string: %v, want InvalidArgument (54000)", err)
	}
	var n int
	err = c.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
		ids, err := tx.FindNodeIDs(ctx, driver.KindArtifact, driver.NodeQuery{TypeID: typeID})
		n = len(ids)
		return err
	})
	if err != nil || n != 1 {
		t.Fatalf("%d artifacts after the refused insert (%v), want 1", n, err)
	}
}

// randomText returns n bytes of hex text that does not compress.
func randomText(n int) string {
	b := make([]byte, (n+1)/2)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)[:n]
}

// TestDeadlockIsRetried has two transactions update two rows in opposite
// orders, so that PostgreSQL aborts one of them as deadlocked (40P01); InTx
// runs it again, and again if its snapshot then predates the other's
// commit (40001); both succeed, one after the other. OnRetry is told of
// the "deadlock".
func TestDeadlockIsRetried(t *testing.T) {
	var log txtest.RetryLog
	c := testdb.OpenConn(t, Driver{}, testdb.PostgresStoreDatabase(t), &driver.OpenOptions{MaxRetries: 3, OnRetry: log.Record})
	txtest.DeadlockIsRetried(t, c)
	log.Check(t, "postgres", driver.RetryDeadlock)
}

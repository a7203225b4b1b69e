package txtest

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// DeadlockIsRetried has two transactions on c update two rows in opposite
// orders, so that a server with row locks aborts one of them as deadlocked
// (or, after the retry, as serialization failure); Conn.InTx must run it
// again, and both must succeed, one after the other. It is not part of the
// suite because an engine with one writer at a time (SQLite) never
// deadlocks this way.
func DeadlockIsRetried(t *testing.T, c driver.Conn) {
	ctx := context.Background()
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
	name := map[int64]string{ids[0]: "a", ids[1]: "b"}
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
			if err := tx.UpdateNodes(ctx, driver.KindArtifact, []driver.NodeRow{{ID: first, TypeID: typeID, Name: name[first], URI: uri}}); err != nil {
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
			return tx.UpdateNodes(ctx, driver.KindArtifact, []driver.NodeRow{{ID: second, TypeID: typeID, Name: name[second], URI: uri}})
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

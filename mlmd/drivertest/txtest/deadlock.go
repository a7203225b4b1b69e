package txtest

import (
	"context"
	"errors"
	"slices"
	"sync"
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

// RetryLog records the reruns that a Conn tells its
// driver.OpenOptions.OnRetry: pass its Record method there. It is safe
// for concurrent use.
type RetryLog struct {
	mu      sync.Mutex
	retries []driver.Retry
}

// Record adds r to the log.
func (l *RetryLog) Record(r driver.Retry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.retries = append(l.retries, r)
}

// Retries returns the reruns recorded so far.
func (l *RetryLog) Retries() []driver.Retry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.retries)
}

// Check fails t unless the log holds a rerun for reason, and every rerun
// names backend and counts from 1.
func (l *RetryLog) Check(t *testing.T, backend, reason string) {
	t.Helper()
	rs := l.Retries()
	found := false
	for _, r := range rs {
		if r.Backend != backend || r.Attempt < 1 || r.Reason == "" {
			t.Errorf("retry %+v: want backend %q, an attempt from 1 and a reason", r, backend)
		}
		found = found || r.Reason == reason
	}
	if !found {
		t.Errorf("retries %+v: none for %q", rs, reason)
	}
}

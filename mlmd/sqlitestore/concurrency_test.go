package sqlitestore_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// childEnv names the database file a re-executed test binary writes to.
const childEnv = "GOMLMD_SQLITE_CONCURRENCY_CHILD"

const (
	parentWriters   = 8
	childWriters    = 4
	writesPerWorker = 25
	nodesPerWrite   = 3
)

// TestConcurrentWriters has 8 goroutines of this process and 4 of a second
// process write to one database file at the same time, each write a
// transaction of 3 artifacts with properties, with reads in between. Every
// write that was acknowledged must be in the file exactly once, and no
// write may fail, in particular not with "database is locked".
func TestConcurrentWriters(t *testing.T) {
	if path := os.Getenv(childEnv); path != "" {
		runChild(t, path)
		return
	}
	if testing.Short() {
		t.Skip("starts a second process")
	}
	path := filepath.Join(t.TempDir(), "mlmd.db")
	dsn := "file:" + path

	// The second process starts first, so that both may create the schema
	// at the same time.
	child := exec.Command(os.Args[0], "-test.run=^TestConcurrentWriters$", "-test.count=1")
	child.Env = append(os.Environ(), childEnv+"="+dsn)
	var childOut, childErr bytes.Buffer
	child.Stdout, child.Stderr = &childOut, &childErr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	acked, errs := writeConcurrently(dsn, "parent", parentWriters, func() error {
		// Start writing when the second process is ready to, too.
		if err := waitForFile(path+".ready", child); err != nil {
			return err
		}
		return os.WriteFile(path+".go", nil, 0o644)
	})
	waitErr := child.Wait()
	for _, err := range errs {
		t.Errorf("parent: %v", err)
	}
	if waitErr != nil {
		t.Fatalf("second process failed: %v\nstdout:\n%s\nstderr:\n%s", waitErr, childOut.String(), childErr.String())
	}
	sc := bufio.NewScanner(&childOut)
	childAcked := 0
	for sc.Scan() {
		if name, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked = append(acked, name)
			childAcked++
		}
	}
	if want := childWriters * writesPerWorker * nodesPerWrite; childAcked != want {
		t.Errorf("second process acknowledged %d nodes, want %d", childAcked, want)
	}

	c, err := sqlitestore.Driver{}.Open(context.Background(), dsn, &driver.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var stored []string
	err = c.InTx(context.Background(), driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
		types, err := tx.FindTypes(context.Background(), driver.TypeQuery{Kind: driver.KindArtifact, NamesAnyVersion: []string{"Concurrent"}})
		if err != nil || len(types) != 1 {
			return fmt.Errorf("find the type: %v %+v", err, types)
		}
		ids, err := tx.FindNodeIDs(context.Background(), driver.KindArtifact, driver.NodeQuery{TypeID: types[0].ID})
		if err != nil {
			return err
		}
		nodes, err := tx.GetNodes(context.Background(), driver.KindArtifact, ids)
		for _, n := range nodes {
			stored = append(stored, n.Name)
			if len(n.Properties) != 1 || n.Properties[0].String != n.Name {
				return fmt.Errorf("node %q has properties %+v", n.Name, n.Properties)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(acked)
	slices.Sort(stored)
	if want := (parentWriters + childWriters) * writesPerWorker * nodesPerWrite; len(acked) != want {
		t.Errorf("%d writes acknowledged, want %d", len(acked), want)
	}
	if !slices.Equal(stored, acked) {
		t.Errorf("stored nodes differ from acknowledged ones: %d stored, %d acknowledged", len(stored), len(acked))
	}
}

// runChild is the second process: it writes, prints "ack <name>" for each
// node written, and fails on any error.
func runChild(t *testing.T, dsn string) {
	path := strings.TrimPrefix(dsn, "file:")
	acked, errs := writeConcurrently(dsn, "child", childWriters, func() error {
		if err := os.WriteFile(path+".ready", nil, 0o644); err != nil {
			return err
		}
		return waitForFile(path+".go", nil)
	})
	for _, name := range acked {
		fmt.Println("ack " + name)
	}
	for _, err := range errs {
		t.Errorf("child: %v", err)
	}
}

// writeConcurrently opens dsn and has workers goroutines write through the
// one connection, returning the names of the nodes acknowledged and the
// errors met. Once the store is open, start is called; the writers begin
// when it returns.
func writeConcurrently(dsn, who string, workers int, start func() error) (acked []string, errs []error) {
	ctx := context.Background()
	c, err := sqlitestore.Driver{}.Open(ctx, dsn, &driver.OpenOptions{})
	if err != nil {
		return nil, []error{fmt.Errorf("open: %w", err)}
	}
	defer c.Close()
	typeID, err := ensureType(ctx, c)
	if err != nil {
		return nil, []error{err}
	}
	if err := start(); err != nil {
		return nil, []error{err}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range writesPerWorker {
				rows := make([]driver.NodeRow, nodesPerWrite)
				names := make([]string, nodesPerWrite)
				for j := range rows {
					names[j] = fmt.Sprintf("%s-%d-%d-%d", who, w, i, j)
					rows[j] = driver.NodeRow{TypeID: typeID, Name: names[j], CreateTimeSinceEpoch: time.Now().UnixMilli(),
						Properties: []driver.PropertyRow{{Name: "p", Column: driver.ColumnString, String: names[j]}}}
				}
				err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
					ids, err := tx.InsertNodes(ctx, driver.KindArtifact, rows)
					if err == nil && len(ids) != len(rows) {
						err = fmt.Errorf("%d ids for %d rows", len(ids), len(rows))
					}
					return err
				})
				if err == nil {
					err = c.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
						_, err := tx.FindNodeIDs(ctx, driver.KindArtifact, driver.NodeQuery{TypeID: typeID, Names: names})
						return err
					})
				}
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("worker %d write %d: %w", w, i, err))
				} else {
					acked = append(acked, names...)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return acked, errs
}

// ensureType finds or creates the artifact type "Concurrent".
func ensureType(ctx context.Context, c driver.Conn) (int64, error) {
	var id int64
	err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
		types, err := tx.FindTypes(ctx, driver.TypeQuery{Kind: driver.KindArtifact, NamesAnyVersion: []string{"Concurrent"}})
		if err != nil {
			return err
		}
		if len(types) > 0 {
			id = types[0].ID
			return nil
		}
		id, err = tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "Concurrent"})
		return err
	})
	return id, err
}

// waitForFile waits up to 30 seconds for a file to exist, or for proc (if
// not nil) to exit.
func waitForFile(path string, proc *exec.Cmd) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		if proc != nil && proc.ProcessState != nil {
			return fmt.Errorf("the second process exited before %s appeared", path)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("%s did not appear in 30s", path)
}

// TestBusyDatabase holds the write lock of a file from another connection:
// a write transaction of the store waits busy_timeout, is retried
// MaxRetries times, each told to OnRetry as "busy", and then fails with
// Aborted; once the lock is gone it succeeds. Reads are not blocked
// meanwhile.
func TestBusyDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "mlmd.db")
	var (
		mu      sync.Mutex
		retries []driver.Retry
	)
	onRetry := func(r driver.Retry) {
		mu.Lock()
		defer mu.Unlock()
		retries = append(retries, r)
	}
	c, err := sqlitestore.Driver{}.Open(ctx, "file:"+path+"?_pragma=busy_timeout(20)", &driver.OpenOptions{MaxRetries: 2, OnRetry: onRetry})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	typeID, err := ensureType(ctx, c)
	if err != nil {
		t.Fatal(err)
	}

	other, err := sqlitestore.OpenDB("file:" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.BeginTx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock
	if err != nil {
		t.Fatal(err)
	}
	insert := func() error {
		return c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
			_, err := tx.InsertNodes(ctx, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, Name: "n"}})
			return err
		})
	}
	start := time.Now()
	err = insert()
	if got := errcode.Of(err); got != errcode.Aborted {
		t.Fatalf("write while another connection holds the lock: %v (code %v), want Aborted", err, got)
	}
	if d := time.Since(start); d < 3*20*time.Millisecond {
		t.Errorf("gave up after %v, want 3 attempts of 20ms each", d)
	}
	mu.Lock()
	want := []driver.Retry{{Backend: "sqlite", Reason: driver.RetryBusy, Attempt: 1}, {Backend: "sqlite", Reason: driver.RetryBusy, Attempt: 2}}
	if !slices.Equal(retries, want) {
		t.Errorf("retries told: %+v, want %+v", retries, want)
	}
	retries = nil
	mu.Unlock()
	err = c.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
		_, err := tx.FindTypes(ctx, driver.TypeQuery{Kind: driver.KindArtifact})
		return err
	})
	if err != nil {
		t.Fatalf("read while another connection holds the write lock: %v", err)
	}
	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := insert(); err != nil {
		t.Fatalf("write after the lock is gone: %v", err)
	}
	if len(retries) != 0 {
		t.Errorf("a write without conflict told retries %+v", retries)
	}
}

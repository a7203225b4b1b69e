package sqlstore_test

// Group commit on SQLite files: the semantics listed in group.go, each
// made to happen on a real database. A first call holds the leader (its fn
// waits) while the calls under test queue up, so that they run as one
// group.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

func openGroup(t *testing.T) *sqlstore.Conn {
	t.Helper()
	c := openConn(t, sqlitestore.Driver{}, "file:"+t.TempDir()+"/g.db")
	if _, err := c.DB().Exec("CREATE TABLE g (k TEXT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	return c
}

// groupCall is one call of a group test: what its fn does, and how it
// ended.
type groupCall struct {
	ctx   context.Context
	fn    func(ctx context.Context, tx driver.Tx) error
	then  func() // if set, runs on the caller's goroutine once InTx returns
	err   error
	panic any
}

func insert(ctx context.Context, tx driver.Tx, k string) error {
	return sqlstore.ExecInTx(ctx, tx, "INSERT INTO g (k) VALUES (?)", k)
}

// runGroup runs a call that inserts "a<n>" (n groups ran before) and holds the leader until the
// calls are queued, then lets them run as one group, and waits for all.
func runGroup(t *testing.T, c *sqlstore.Conn, calls []*groupCall) {
	t.Helper()
	runGroupThen(t, c, calls, func() {})
}

// runGroupThen is runGroup, calling queued once the calls are queued and
// before they run.
func runGroupThen(t *testing.T, c *sqlstore.Conn, calls []*groupCall, queued func()) {
	t.Helper()
	ctx := context.Background()
	release := make(chan struct{})
	var once sync.Once
	defer once.Do(func() { close(release) }) // also when the test fails
	before, _ := sqlstore.GroupStats(c)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
			<-release
			return insert(ctx, tx, fmt.Sprint("a", before))
		})
		if err != nil {
			t.Errorf("the holding call: %v", err)
		}
	}()
	// The holding call is running when nothing is queued.
	waitFor(t, func() bool { g, _ := sqlstore.GroupStats(c); return g == before+1 })
	// The calls are queued one after the other, so that the group runs
	// them in the order of calls.
	for i, call := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { call.panic = recover() }()
			cctx := call.ctx
			if cctx == nil {
				cctx = ctx
			}
			call.err = c.InTx(cctx, driver.TxOptions{}, func(tx driver.Tx) error { return call.fn(cctx, tx) })
			if call.then != nil {
				call.then()
			}
		}()
		waitFor(t, func() bool { return sqlstore.QueuedCalls(c) == i+1 })
	}
	queued()
	once.Do(func() { close(release) })
	wg.Wait()
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

func keys(t *testing.T, c *sqlstore.Conn) []string {
	t.Helper()
	rows, err := c.DB().Query("SELECT k FROM g ORDER BY k")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		out = append(out, k)
	}
	return out
}

func TestGroupCommitIsolatesCalls(t *testing.T) {
	c := openGroup(t)
	errFail := errors.New("call c fails")
	calls := []*groupCall{
		{fn: func(ctx context.Context, tx driver.Tx) error { return insert(ctx, tx, "b") }},
		{fn: func(ctx context.Context, tx driver.Tx) error {
			if err := insert(ctx, tx, "c"); err != nil {
				return err
			}
			return errFail
		}},
		{fn: func(ctx context.Context, tx driver.Tx) error { return insert(ctx, tx, "d") }},
		{fn: func(ctx context.Context, tx driver.Tx) error {
			if err := insert(ctx, tx, "e"); err != nil {
				return err
			}
			panic("call e panics")
		}},
		// A unique key violation fails its statement only.
		{fn: func(ctx context.Context, tx driver.Tx) error { return insert(ctx, tx, "b") }},
		{fn: func(ctx context.Context, tx driver.Tx) error { return insert(ctx, tx, "f") }},
	}
	runGroup(t, c, calls)
	for i, want := range []error{nil, errFail, nil, nil, nil, nil} {
		if i == 4 {
			continue
		}
		if !errors.Is(calls[i].err, want) {
			t.Errorf("call %d: %v, want %v", i, calls[i].err, want)
		}
	}
	if calls[3].panic != "call e panics" {
		t.Errorf("the panic came back as %v", calls[3].panic)
	}
	if calls[4].err == nil || !strings.Contains(calls[4].err.Error(), "UNIQUE") {
		t.Errorf("the duplicate: %v, want a unique key violation", calls[4].err)
	}
	if got := keys(t, c); !slices.Equal(got, []string{"a0", "b", "d", "f"}) {
		t.Errorf("stored %v, want a0 b d f", got)
	}
	// The holding call's group, then one for the six calls.
	if groups, committed := sqlstore.GroupStats(c); groups != 2 || committed != 4 {
		t.Errorf("%d groups committed %d calls, want 2 groups, 4 calls", groups, committed)
	}
}

// A call that fails on another call's write of the same group (a
// duplicate key) is answered after the group's COMMIT: its caller, told
// of the duplicate, finds the row that collided (Kubeflow's drivers race to
// create a context, and read it on AlreadyExists).
func TestGroupCommitFailedCallSeesTheGroupCommitted(t *testing.T) {
	c := openGroup(t)
	// Both calls insert "b"; whichever runs second fails, and reads the
	// table as soon as it is told.
	seen := make([][]string, 2)
	seenErr := make([]error, 2)
	calls := make([]*groupCall, 2)
	for i := range calls {
		calls[i] = &groupCall{
			fn: func(ctx context.Context, tx driver.Tx) error { return insert(ctx, tx, "b") },
			then: func() {
				rows, err := c.DB().Query("SELECT k FROM g ORDER BY k")
				if err != nil {
					seenErr[i] = err
					return
				}
				defer rows.Close()
				for rows.Next() {
					var k string
					if seenErr[i] = rows.Scan(&k); seenErr[i] != nil {
						return
					}
					seen[i] = append(seen[i], k)
				}
				seenErr[i] = rows.Err()
			},
		}
	}
	runGroup(t, c, calls)
	failed := slices.IndexFunc(calls, func(c *groupCall) bool { return c.err != nil })
	if failed < 0 || calls[1-failed].err != nil {
		t.Fatalf("want one of the two inserts to fail: %v, %v", calls[0].err, calls[1].err)
	}
	if !strings.Contains(calls[failed].err.Error(), "UNIQUE") {
		t.Fatalf("the duplicate: %v, want a unique key violation", calls[failed].err)
	}
	if seenErr[failed] != nil {
		t.Fatal(seenErr[failed])
	}
	if !slices.Contains(seen[failed], "b") {
		t.Errorf("the caller told of the duplicate read %v, without the row it collided with", seen[failed])
	}
}

func TestGroupCommitWholeRollback(t *testing.T) {
	c := openGroup(t)
	calls := []*groupCall{
		{fn: func(ctx context.Context, tx driver.Tx) error { return insert(ctx, tx, "b") }},
		// OR ROLLBACK: SQLite rolls the whole transaction back.
		{fn: func(ctx context.Context, tx driver.Tx) error {
			return sqlstore.ExecInTx(ctx, tx, "INSERT OR ROLLBACK INTO g (k) VALUES ('a0')")
		}},
		{fn: func(ctx context.Context, tx driver.Tx) error { return insert(ctx, tx, "d") }},
	}
	runGroup(t, c, calls)
	if calls[0].err != nil || calls[2].err != nil {
		t.Errorf("the other calls: %v, %v", calls[0].err, calls[2].err)
	}
	if calls[1].err == nil || !strings.Contains(calls[1].err.Error(), "UNIQUE") {
		t.Errorf("the rolling-back call: %v, want a unique key violation", calls[1].err)
	}
	if got := keys(t, c); !slices.Equal(got, []string{"a0", "b", "d"}) {
		t.Errorf("stored %v, want a0 b d", got)
	}
	// b ran twice: in the group that was rolled back, and again.
	if groups, _ := sqlstore.GroupStats(c); groups != 3 {
		t.Errorf("%d groups, want 3", groups)
	}
}

func TestGroupCommitCancelledCaller(t *testing.T) {
	c := openGroup(t)
	cancelled, cancel := context.WithCancel(context.Background())
	early, cancelEarly := context.WithCancel(context.Background())
	ran := false
	calls := []*groupCall{
		// Cancelled between its statements: the first is undone, the
		// second is not sent.
		{ctx: cancelled, fn: func(ctx context.Context, tx driver.Tx) error {
			if err := insert(ctx, tx, "b1"); err != nil {
				return err
			}
			cancel()
			return insert(ctx, tx, "b2")
		}},
		// Cancelled while it waits: its fn never runs.
		{ctx: early, fn: func(ctx context.Context, tx driver.Tx) error {
			ran = true
			return insert(ctx, tx, "x")
		}},
		{fn: func(ctx context.Context, tx driver.Tx) error { return insert(ctx, tx, "d") }},
	}
	runGroup(t, c, calls[:1])
	if !errors.Is(calls[0].err, context.Canceled) {
		t.Errorf("the cancelled call: %v", calls[0].err)
	}
	runGroupThen(t, c, calls[1:], cancelEarly)
	if !errors.Is(calls[1].err, context.Canceled) || ran {
		t.Errorf("the call cancelled while queued: %v (ran: %v)", calls[1].err, ran)
	}
	if calls[2].err != nil {
		t.Errorf("the call after: %v", calls[2].err)
	}
	if got := keys(t, c); !slices.Equal(got, []string{"a0", "a2", "d"}) {
		t.Errorf("stored %v, want a0 a2 d (a2: the holder of the third group)", got)
	}
}

func TestGroupCommitManyWriters(t *testing.T) {
	c := openGroup(t)
	const writers, each = 16, 20
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := c.InTx(context.Background(), driver.TxOptions{}, func(tx driver.Tx) error {
					return insert(context.Background(), tx, fmt.Sprint(w, "-", i))
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if got := len(keys(t, c)); got != writers*each {
		t.Errorf("%d rows, want %d", got, writers*each)
	}
	groups, committed := sqlstore.GroupStats(c)
	t.Logf("%d calls in %d groups", committed, groups)
	if committed != writers*each || groups >= committed {
		t.Errorf("%d groups committed %d calls: no group held two", groups, committed)
	}
}

func TestGroupCommitClose(t *testing.T) {
	c := openConn(t, sqlitestore.Driver{}, "file:"+t.TempDir()+"/g.db")
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- c.InTx(context.Background(), driver.TxOptions{}, func(driver.Tx) error { return nil })
	}()
	select {
	case err := <-done:
		if errcode.Of(err) != errcode.Unavailable {
			t.Errorf("a write after Close: %v, want Unavailable", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a write after Close hangs")
	}
}

// TestGroupCommitKeepsSynchronousFull checks the durability setting the
// group commit relies on: a store's connections fsync at each COMMIT.
func TestGroupCommitKeepsSynchronousFull(t *testing.T) {
	c := openGroup(t)
	var mode int
	if err := c.DB().QueryRow("PRAGMA synchronous").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != 2 {
		t.Errorf("synchronous = %d, want 2 (FULL)", mode)
	}
}

// TestGroupCommitFailedCommit makes the group's COMMIT fail (a deferred
// foreign key that no row satisfies): every call of the group fails, none
// is stored, and the store goes on working.
func TestGroupCommitFailedCommit(t *testing.T) {
	c := openConn(t, sqlitestore.Driver{}, "file:"+t.TempDir()+"/g.db?_pragma=foreign_keys(1)")
	for _, q := range []string{
		"CREATE TABLE g (k TEXT PRIMARY KEY)",
		"CREATE TABLE p (id INTEGER PRIMARY KEY)",
		"CREATE TABLE ch (pid INTEGER REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)",
	} {
		if _, err := c.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	calls := []*groupCall{
		{fn: func(ctx context.Context, tx driver.Tx) error { return insert(ctx, tx, "b") }},
		{fn: func(ctx context.Context, tx driver.Tx) error {
			return sqlstore.ExecInTx(ctx, tx, "INSERT INTO ch (pid) VALUES (999)")
		}},
		{fn: func(ctx context.Context, tx driver.Tx) error { return insert(ctx, tx, "d") }},
	}
	runGroup(t, c, calls)
	for i, call := range calls {
		if call.err == nil || !strings.Contains(call.err.Error(), "FOREIGN KEY") {
			t.Errorf("call %d: %v, want the COMMIT's foreign key error", i, call.err)
		}
	}
	if got := keys(t, c); !slices.Equal(got, []string{"a0"}) {
		t.Errorf("stored %v, want a0 only", got)
	}
	// The store goes on: a later call commits.
	err := c.InTx(context.Background(), driver.TxOptions{}, func(tx driver.Tx) error { return insert(context.Background(), tx, "e") })
	if err != nil {
		t.Fatalf("a call after the failed COMMIT: %v", err)
	}
	if got := keys(t, c); !slices.Equal(got, []string{"a0", "e"}) {
		t.Errorf("stored %v, want a0 e", got)
	}
}

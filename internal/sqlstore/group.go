package sqlstore

// Group commit. SQLite has one writer at a time, and a write transaction
// costs an fsync at its COMMIT (synchronous=FULL). With GroupCommit, the
// write transactions of one Conn are run by one goroutine, the leader,
// which takes all that are waiting, runs them in one SQLite transaction,
// each in a SAVEPOINT of its own, and commits once: one BEGIN, one COMMIT
// and one fsync for the group. A call is answered only after the group's
// COMMIT, so what it was told is what is on disk.
//
// The rules:
//   - A call whose fn fails (or whose caller's context ends) is rolled back
//     to its savepoint; the others of the group go on. Its error is
//     answered after the group's COMMIT, not before: it may come from the
//     writes of another call of the group (a unique key it inserted), and
//     the caller, told, must find them committed. When the group does not
//     commit, the call runs again in the next group.
//   - A panic in fn rolls the call back to its savepoint and is raised
//     again on the caller's goroutine.
//   - The statements of a call run with the leader's context, never the
//     caller's: a cancelled caller must not interrupt the shared
//     connection. The caller's context is checked before each statement
//     instead.
//   - When a statement makes SQLite roll the whole transaction back (some
//     errors do: SQLITE_FULL, SQLITE_IOERR, an OR ROLLBACK conflict),
//     the failing call gets its error and the calls of the group that had
//     succeeded are run again in a new group.
//   - When the COMMIT fails, every call of the group gets the error; InTx
//     runs the calls again when it is transient (a busy database).
//   - Between groups the leader holds no lock: other processes get the
//     file. It keeps its connection, though (see writerConn), so that the
//     write statements stay prepared on it and the readers' connections
//     are left to the reads.
//   - Close stops the leader after its group; calls that wait get
//     Unavailable.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// maxGroup is the most calls of one group.
const maxGroup = 128

// The statements around each call of a group; the statement cache keeps
// them (see cacheable).
const (
	savepointCall  = "SAVEPOINT call"
	releaseCall    = "RELEASE call"
	rollbackToCall = "ROLLBACK TO call"
)

// errClosed answers the calls that wait when the Conn closes.
var errClosed = errcode.New(errcode.Unavailable, "sqlstore: the store is closed")

// groupCall is one write transaction waiting for the leader.
type groupCall struct {
	conn *Conn // the Conn it came through (ObserveStatements makes copies)
	ctx  context.Context
	fn   func(tx driver.Tx) error
	done chan groupResult
}

type groupResult struct {
	err   error
	panic any
}

// committer is the leader of a Conn's group commit.
type committer struct {
	c     *Conn
	calls chan *groupCall
	stop  chan struct{}
	done  chan struct{}

	// mu guards closed: callers queue under the read lock, so that no call
	// is queued after close has begun (it would never be answered).
	mu     sync.RWMutex
	closed bool

	// writer is the connection the groups run on, kept between groups;
	// only the leader's goroutine uses it. nil until the first group, and
	// after a group that failed on it.
	writer *sql.Conn
	// setup runs on writer when the leader takes it (Config.GroupConnSetup).
	setup []string

	// Counters, for tests and benchmarks.
	groups    atomic.Int64
	committed atomic.Int64
}

func newCommitter(c *Conn, setup []string) *committer {
	g := &committer{c: c, setup: setup, calls: make(chan *groupCall, maxGroup), stop: make(chan struct{}), done: make(chan struct{})}
	go g.lead()
	return g
}

// close stops the leader and waits for it.
func (g *committer) close() {
	g.mu.Lock()
	wasClosed := g.closed
	g.closed = true
	g.mu.Unlock()
	if !wasClosed {
		close(g.stop)
	}
	<-g.done
}

// enqueue queues call for the leader, or says why not.
func (g *committer) enqueue(ctx context.Context, call *groupCall) error {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.closed {
		return errClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case g.calls <- call:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run runs fn in the next group and returns its outcome, raising its panic
// again here.
func (g *committer) run(c *Conn, ctx context.Context, fn func(tx driver.Tx) error) error {
	call := &groupCall{conn: c, ctx: ctx, fn: fn, done: make(chan groupResult, 1)}
	if err := g.enqueue(ctx, call); err != nil {
		return err
	}
	// Once queued, the call is answered: the leader answers every call it
	// takes (running again those of a group SQLite rolled back), and
	// answers the queue when it stops.
	r := <-call.done
	if r.panic != nil {
		panic(r.panic)
	}
	return r.err
}

// lead runs groups until the committer stops.
func (g *committer) lead() {
	defer close(g.done)
	defer g.dropWriter()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var pending []*groupCall // calls to run again, first
	for {
		batch := pending
		pending = nil
		if len(batch) == 0 {
			select {
			case call := <-g.calls:
				batch = append(batch, call)
			case <-g.stop:
				g.drain()
				return
			}
		}
	more:
		for len(batch) < maxGroup {
			select {
			case call := <-g.calls:
				batch = append(batch, call)
			default:
				break more
			}
		}
		pending = g.runGroup(ctx, batch)
		select {
		case <-g.stop:
			for _, call := range pending {
				call.done <- groupResult{err: errClosed}
			}
			g.drain()
			return
		default:
		}
	}
}

// drain answers the calls still queued after a stop.
func (g *committer) drain() {
	for {
		select {
		case call := <-g.calls:
			call.done <- groupResult{err: errClosed}
		default:
			return
		}
	}
}

// runGroup runs the calls in one transaction, answers them, and returns
// those to run again in the next group.
func (g *committer) runGroup(ctx context.Context, calls []*groupCall) (again []*groupCall) {
	c := g.c
	answer := func(call *groupCall, r groupResult) { call.done <- r }
	// The group holds its connection itself, to end a transaction that a
	// failed COMMIT leaves open (SQLite keeps it open after, e.g., a
	// deferred foreign key violation) before the pool reuses it.
	conn, err := g.writerConn(ctx)
	var sqlTx *sql.Tx
	if err == nil {
		sqlTx, err = conn.BeginTx(ctx, nil)
	}
	if err != nil {
		g.dropWriter()
		err = dbError(c.dialect, err, "begin transaction")
		for _, call := range calls {
			answer(call, groupResult{err: err})
		}
		return nil
	}
	g.groups.Add(1)
	var ok []*groupCall // calls whose savepoint was released
	type failure struct {
		call *groupCall
		res  groupResult
	}
	var failed []failure // calls rolled back to their savepoint, answered after the COMMIT
	failedCalls := func() []*groupCall {
		out := make([]*groupCall, len(failed))
		for i, f := range failed {
			out[i] = f.call
		}
		return out
	}
	for i, call := range calls {
		if err := call.ctx.Err(); err != nil {
			answer(call, groupResult{err: err})
			continue
		}
		whole, res := g.runCall(ctx, sqlTx, call)
		if whole {
			// SQLite rolled the transaction back: this call failed, the
			// others that ran run again, and so do those not run yet.
			_ = sqlTx.Rollback()
			g.dropWriter()
			answer(call, res)
			again = append(again, ok...)
			again = append(again, failedCalls()...)
			return append(again, calls[i+1:]...)
		}
		if res.err != nil || res.panic != nil {
			failed = append(failed, failure{call, res})
			continue
		}
		ok = append(ok, call)
	}
	for _, call := range ok {
		if call.conn.observe != nil {
			call.conn.observe("COMMIT", nil)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		_, _ = conn.ExecContext(ctx, "ROLLBACK") // fails harmlessly when no transaction is open
		g.dropWriter()
		err = commitError(c.dialect, err, false)
		for _, call := range ok {
			answer(call, groupResult{err: err})
		}
		return failedCalls()
	}
	g.committed.Add(int64(len(ok)))
	for _, call := range ok {
		answer(call, groupResult{})
	}
	for _, f := range failed {
		answer(f.call, f.res)
	}
	return nil
}

// writerConn returns the connection the groups run on, taking one from
// the pool when the leader holds none.
func (g *committer) writerConn(ctx context.Context) (*sql.Conn, error) {
	if g.writer == nil {
		conn, err := g.c.db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		for _, q := range g.setup {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				_ = conn.Close()
				return nil, fmt.Errorf("set up the writer connection: %s: %w", q, err)
			}
		}
		g.writer = conn
	}
	return g.writer, nil
}

// dropWriter gives the groups' connection back to the pool (which
// discards it if it broke). After a group that failed, the next group
// starts on a connection that database/sql has checked.
func (g *committer) dropWriter() {
	if g.writer != nil {
		_ = g.writer.Close()
		g.writer = nil
	}
}

// runCall runs one call in a savepoint of sqlTx. whole reports that the
// transaction is gone (SQLite rolled it back), after which nothing more
// runs on it.
func (g *committer) runCall(ctx context.Context, sqlTx *sql.Tx, call *groupCall) (whole bool, res groupResult) {
	c := call.conn
	if _, err := sqlTx.ExecContext(ctx, savepointCall); err != nil {
		return true, groupResult{err: dbError(c.dialect, err, "savepoint")}
	}
	var db DBTX = callDBTX{tx: sqlTx, leader: ctx, caller: call.ctx}
	if c.observe != nil {
		c.observe("BEGIN", nil)
		db = observingDBTX{db, c.observe}
	}
	db = c.wrap(db)
	p, err := runFn(call.fn, &tx{tx: db, d: c.dialect, q: newQueries(db)})
	if err == nil && p == nil {
		if _, err := sqlTx.ExecContext(ctx, releaseCall); err != nil {
			return true, groupResult{err: dbError(c.dialect, err, "release savepoint")}
		}
		return false, groupResult{}
	}
	res = groupResult{err: err, panic: p}
	// Undo the call. When the transaction is gone, ROLLBACK TO fails: the
	// call's own error is the answer, and the others run again.
	if _, rerr := sqlTx.ExecContext(ctx, rollbackToCall); rerr != nil {
		return true, res
	}
	if _, rerr := sqlTx.ExecContext(ctx, releaseCall); rerr != nil {
		return true, res
	}
	return false, res
}

// runFn calls fn, recovering a panic.
func runFn(fn func(driver.Tx) error, t *tx) (p any, err error) {
	defer func() {
		if r := recover(); r != nil {
			p = r
			if p == nil {
				p = fmt.Errorf("sqlstore: panic(nil) in a transaction")
			}
		}
	}()
	return nil, fn(t)
}

// callDBTX runs one call's statements on the group's transaction with the
// leader's context, after checking the caller's.
type callDBTX struct {
	tx     *sql.Tx
	leader context.Context
	caller context.Context
}

func (d callDBTX) ExecContext(_ context.Context, query string, args ...any) (sql.Result, error) {
	if err := d.caller.Err(); err != nil {
		return nil, err
	}
	return d.tx.ExecContext(d.leader, query, args...)
}

func (d callDBTX) PrepareContext(_ context.Context, query string) (*sql.Stmt, error) {
	if err := d.caller.Err(); err != nil {
		return nil, err
	}
	return d.tx.PrepareContext(d.leader, query)
}

func (d callDBTX) QueryContext(_ context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := d.caller.Err(); err != nil {
		return nil, err
	}
	return d.tx.QueryContext(d.leader, query, args...)
}

func (d callDBTX) QueryRowContext(_ context.Context, query string, args ...any) *sql.Row {
	if d.caller.Err() != nil {
		// database/sql answers an ended context without touching the
		// connection.
		return d.tx.QueryRowContext(d.caller, query, args...)
	}
	return d.tx.QueryRowContext(d.leader, query, args...)
}

// commitError is the error of a failed COMMIT (see runTx).
func commitError(d Dialect, err error, readOnly bool) error {
	if d.Classify(err) == ClassConnectionLost && !readOnly && !errors.Is(err, errBadConn) {
		return errcode.Wrap(errcode.Unavailable, err,
			"sqlstore: commit: the connection to the database broke while committing; the transaction may or may not have been committed")
	}
	return dbError(d, err, "commit")
}

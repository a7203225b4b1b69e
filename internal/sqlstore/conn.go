package sqlstore

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// DefaultMaxRetries is how often InTx reruns a transaction after a transient
// conflict or a broken connection when Config.MaxRetries is 0.
const DefaultMaxRetries = 8

// Config configures a Conn.
type Config struct {
	// DB is the connection pool. Conn.Close closes it.
	DB *sql.DB
	// Dialect describes the database engine.
	Dialect Dialect
	// MaxRetries is how often InTx reruns a transaction after a transient
	// conflict or a broken connection; 0 means DefaultMaxRetries.
	MaxRetries int
	// SerializeWrites makes write transactions of this Conn wait for each
	// other in the process instead of in the database. SQLite allows one
	// writer at a time; queueing writers in the process spares them the
	// database's busy waiting.
	SerializeWrites bool
	// GroupCommit runs the write transactions of this Conn that wait at
	// the same time in one database transaction, each in a savepoint, with
	// one COMMIT (see group.go). It implies SerializeWrites. For SQLite,
	// whose writers take turns anyway.
	GroupCommit bool
	// OnRetry, if set, is told of every rerun of a transaction by InTx
	// (see driver.OpenOptions.OnRetry).
	OnRetry func(driver.Retry)
	// GroupConnSetup are statements run on the group commit's connection
	// each time the leader takes one from the pool (it keeps it between
	// groups), for settings that suit the writer and not the readers.
	GroupConnSetup []string
}

// RetryReasoner is an optional interface of a Dialect: RetryReason names
// the kind of a transient database error (ClassTransient) for
// driver.Retry.Reason, e.g. driver.RetryDeadlock, or returns "" for an
// error it does not know.
type RetryReasoner interface {
	RetryReason(err error) string
}

// Conn is the driver.Conn shared by the SQL backends. It is safe for
// concurrent use.
type Conn struct {
	db         *sql.DB
	dialect    Dialect
	wrap       func(DBTX) DBTX // the statements' way to the database, see DBWrapper
	maxRetries int
	onRetry    func(driver.Retry)
	writers    chan struct{} // a one-slot semaphore when writes are serialized
	// observe, if set, is told about every statement that a transaction
	// sends, BEGIN and COMMIT included (see ObserveStatements).
	observe func(query string, args []any)
	group   *committer // with GroupCommit
}

var _ driver.Conn = (*Conn)(nil)

// New returns a Conn over an open pool whose schema is ready (see
// PrepareSchema).
func New(cfg Config) *Conn {
	c := &Conn{
		db:         cfg.DB,
		dialect:    cfg.Dialect,
		wrap:       func(db DBTX) DBTX { return db },
		maxRetries: cfg.MaxRetries,
		onRetry:    cfg.OnRetry,
	}
	if w, ok := cfg.Dialect.(DBWrapper); ok {
		c.wrap = w.WrapDB
	}
	if c.maxRetries <= 0 {
		c.maxRetries = DefaultMaxRetries
	}
	if cfg.SerializeWrites {
		c.writers = make(chan struct{}, 1)
	}
	if cfg.GroupCommit {
		c.group = newCommitter(c, cfg.GroupConnSetup)
	}
	return c
}

// DB returns the connection pool, for tests and benchmarks of the backend
// packages.
func (c *Conn) DB() *sql.DB { return c.db }

// As sets *target to the connection pool when target is a **sql.DB (the
// backend side of mlmd.Store.As), and reports whether it did.
func (c *Conn) As(target any) bool {
	if p, ok := target.(**sql.DB); ok {
		*p = c.db
		return true
	}
	return false
}

// Close closes the connection pool.
func (c *Conn) Close() error {
	if c.group != nil {
		c.group.close()
	}
	return c.db.Close()
}

// SchemaVersion returns the schema version stored in MLMDEnv. It returns
// FailedPrecondition if MLMDEnv does not hold exactly one row.
func (c *Conn) SchemaVersion(ctx context.Context) (int64, error) {
	vs, err := newQueries(c.wrap(c.db)).SchemaVersions(ctx)
	if err != nil {
		return 0, dbError(c.dialect, err, "read MLMDEnv")
	}
	if len(vs) != 1 {
		return 0, errcode.New(errcode.FailedPrecondition, "sqlstore: MLMDEnv holds %d rows, want exactly one", len(vs))
	}
	return vs[0], nil
}

// InTx runs fn in a transaction, see driver.Conn.
//
// A transaction that fails with a transient database error (see
// ClassTransient) is rolled back and run again, after a randomized, growing
// pause, up to the retry limit; then InTx returns Aborted.
//
// A transaction whose connection broke before it was committed (see
// ClassConnectionLost) is run again the same way on another connection: the
// server has rolled it back, and database/sql replaces the broken
// connection. When the retries are used up, InTx returns Unavailable. A
// write transaction whose connection broke while committing is not run
// again, because it may have been committed: InTx returns Unavailable and
// says so.
func (c *Conn) InTx(ctx context.Context, opts driver.TxOptions, fn func(tx driver.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := c.runTx(ctx, opts, fn)
		transient, lost := isTransient(err), isConnectionLost(err)
		if err == nil || (!transient && !lost) {
			return err
		}
		if attempt >= c.maxRetries {
			if lost {
				return errcode.Wrap(errcode.Unavailable, err, "sqlstore: the connection to the database broke %d times", attempt+1)
			}
			return errcode.Wrap(errcode.Aborted, err, "sqlstore: transaction failed %d times with a transient conflict", attempt+1)
		}
		if c.onRetry != nil {
			c.onRetry(driver.Retry{Backend: c.dialect.Name(), Reason: c.retryReason(err, lost), Attempt: attempt + 1})
		}
		if err := sleep(ctx, backoff(attempt)); err != nil {
			return err
		}
	}
}

// retryReason names why InTx runs a transaction again after err, see
// driver.Retry.Reason.
func (c *Conn) retryReason(err error, lost bool) string {
	if lost {
		return driver.RetryConnectionLost
	}
	var t *transientError
	if errors.As(err, &t) {
		if r, ok := c.dialect.(RetryReasoner); ok {
			if why := r.RetryReason(t.err); why != "" {
				return why
			}
		}
	}
	// A conflict that sqlstore found itself (a row committed after the
	// snapshot), or a transient error the dialect does not name.
	return driver.RetryConflict
}

// backoff is the pause before retry attempt+1: a random duration up to
// 2ms·2^attempt, at most 250ms.
func backoff(attempt int) time.Duration {
	limit := 2 * time.Millisecond << min(attempt, 7)
	limit = min(limit, 250*time.Millisecond)
	return time.Duration(rand.Int64N(int64(limit))) + time.Millisecond
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// runTx runs fn once in one transaction.
func (c *Conn) runTx(ctx context.Context, opts driver.TxOptions, fn func(tx driver.Tx) error) (err error) {
	if c.group != nil && !opts.ReadOnly {
		return c.group.run(c, ctx, fn)
	}
	if opts.ReadOnly && opts.OneStatement {
		more, err := c.runOneStatement(ctx, fn)
		if !more {
			return err
		}
		// fn needs more than one statement: run it again in a read
		// transaction, below.
	}
	if c.writers != nil && !opts.ReadOnly {
		select {
		case c.writers <- struct{}{}:
			defer func() { <-c.writers }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	err = c.runSQLTx(ctx, opts, fn, c.wrap)
	if g, ok := c.dialect.(GuardedWrapper); ok && err != nil && g.NeedsGuard(err) {
		err = c.runSQLTx(ctx, opts, fn, g.WrapDBGuarded)
	}
	return err
}

// runSQLTx runs fn once in one database transaction whose statements go
// through wrap.
func (c *Conn) runSQLTx(ctx context.Context, opts driver.TxOptions, fn func(tx driver.Tx) error, wrap func(DBTX) DBTX) error {
	sqlTx, err := c.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: opts.ReadOnly})
	if err != nil {
		return dbError(c.dialect, err, "begin transaction")
	}
	// Rolling back after a commit is a no-op (sql.ErrTxDone); the deferred
	// call covers an error or a panic in fn.
	defer func() { _ = sqlTx.Rollback() }()
	var db DBTX = sqlTx
	if c.observe != nil {
		c.observe("BEGIN", nil)
		db = observingDBTX{sqlTx, c.observe}
	}
	db = wrap(db)
	if err := fn(&tx{tx: db, d: c.dialect, q: newQueries(db)}); err != nil {
		if c.observe != nil {
			c.observe("ROLLBACK", nil) // sent by the deferred Rollback
		}
		return err
	}
	if c.observe != nil {
		c.observe("COMMIT", nil)
	}
	if err := sqlTx.Commit(); err != nil {
		// driver.ErrBadConn promises that nothing reached the server, and
		// a read-only transaction has nothing to lose: those are safe to
		// run again. Any other broken connection may have carried the
		// COMMIT.
		return commitError(c.dialect, err, opts.ReadOnly)
	}
	return nil
}

var errBadConn = sqldriver.ErrBadConn

// runOneStatement runs fn, a read, with its first statement sent to the
// pool outside any transaction. It refuses a second statement, and then
// reports more: fn needs a transaction, and what it read is dropped.
func (c *Conn) runOneStatement(ctx context.Context, fn func(tx driver.Tx) error) (more bool, err error) {
	one := &oneStatementDBTX{db: c.db, pool: c.db}
	if c.observe != nil {
		one.db = observingDBTX{c.db, c.observe}
	}
	db := c.wrap(one)
	err = fn(&tx{tx: db, d: c.dialect, q: newQueries(db), one: one})
	return one.refused, err
}

// errSecondStatement is what oneStatementDBTX answers a second statement.
var errSecondStatement = errors.New("sqlstore: a second statement outside a transaction")

// oneStatementDBTX sends the first statement to db (a pool, where it runs
// in its own transaction) and refuses the ones after it, noting that it
// did. database/sql gives no way to make a *sql.Row with an error of one's
// choosing: a refused QueryRowContext gets a cancelled context's error,
// and the caller looks at refused, not at the error.
type oneStatementDBTX struct {
	db      DBTX
	pool    *sql.DB // for the refused QueryRowContext, which sends nothing
	sent    bool
	refused bool
}

// next reports whether the statement may be sent.
func (o *oneStatementDBTX) next() bool {
	if o.sent {
		o.refused = true
		return false
	}
	o.sent = true
	return true
}

func (o *oneStatementDBTX) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if !o.next() {
		return nil, errSecondStatement
	}
	return o.db.ExecContext(ctx, query, args...)
}

func (o *oneStatementDBTX) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	if !o.next() {
		return nil, errSecondStatement
	}
	return o.db.PrepareContext(ctx, query)
}

func (o *oneStatementDBTX) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if !o.next() {
		return nil, errSecondStatement
	}
	return o.db.QueryContext(ctx, query, args...)
}

func (o *oneStatementDBTX) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if !o.next() {
		done, cancel := context.WithCancel(ctx)
		cancel()
		return o.pool.QueryRowContext(done, query, args...)
	}
	return o.db.QueryRowContext(ctx, query, args...)
}

// ObserveStatements returns a Conn over c's pool and dialect that tells
// observe about every statement its transactions send to the database, as
// its SQL text and arguments, with "BEGIN", "COMMIT" and "ROLLBACK" (and
// nil arguments) for the transaction's own round trips. The statements are
// observed as the database gets them, after the dialect's DBWrapper (so
// with PostgreSQL's savepoints and numbered placeholders). It is meant
// for tests and benchmarks that count statements per call; observe is
// called from the goroutines that run the transactions. Closing either
// Conn closes the pool.
func ObserveStatements(c *Conn, observe func(query string, args []any)) *Conn {
	o := *c
	o.observe = observe
	return &o
}

// observingDBTX reports each statement to observe before it runs.
type observingDBTX struct {
	db      DBTX
	observe func(query string, args []any)
}

// IsTx reports whether db runs its statements in one transaction: a
// *sql.Tx, or what sqlstore puts between a transaction and the dialect's
// DBWrapper (see WrapDB).
func IsTx(db DBTX) bool {
	switch d := db.(type) {
	case *sql.Tx, callDBTX:
		return true
	case observingDBTX:
		return IsTx(d.db)
	}
	return false
}

func (o observingDBTX) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	o.observe(query, args)
	return o.db.ExecContext(ctx, query, args...)
}

func (o observingDBTX) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	o.observe(query, nil)
	return o.db.PrepareContext(ctx, query)
}

func (o observingDBTX) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	o.observe(query, args)
	return o.db.QueryContext(ctx, query, args...)
}

func (o observingDBTX) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	o.observe(query, args)
	return o.db.QueryRowContext(ctx, query, args...)
}

// GroupCommitStats returns how many groups the group commit has committed
// (one COMMIT, one fsync each) and how many write calls they held; zeros
// without GroupCommit. For benchmarks.
func (c *Conn) GroupCommitStats() (groups, calls int64) {
	if c.group == nil {
		return 0, 0
	}
	return c.group.groups.Load(), c.group.committed.Load()
}

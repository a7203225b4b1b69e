package sqlstore

import (
	"context"
	sqldriver "database/sql/driver"
	"errors"
	"strings"
)

// Prepared-statement reuse. database/sql prepares and finalizes a
// statement for every Exec and Query without one (modernc.org/sqlite does
// not keep them), and preparing is a large part of the CPU of a short
// statement. CachingConnector keeps each connection's prepared statements,
// keyed by their SQL text, for the connection's life. The texts are few:
// gomlmd's statements are fixed but for their IN lists and multi-row
// VALUES, whose sizes inChunks and the insert chunking bucket (see
// bucketSize), so a bounded cache per connection holds all of them in
// practice; a text beyond the bound runs as before, prepared for the one
// use.
//
// The cache sits under database/sql, so it keys the texts as the database
// gets them, after a dialect's DBWrapper. The SQLite and MySQL backends
// use it (pgx keeps prepared statements per connection itself). A text
// the cache does not keep runs through the driver's own ExecContext or
// QueryContext when it has them: for go-sql-driver/mysql with
// interpolateParams, one round trip and no statement left on the server.

// DefaultStatementsPerConn is the most statements CachingConnector keeps
// per connection when given 0.
const DefaultStatementsPerConn = 256

// CachingConnector returns a connector whose connections keep up to
// maxPerConn prepared statements (DefaultStatementsPerConn when 0) and
// reuse them for Exec and Query with the same SQL text. The driver's
// statements must be reusable after their rows are closed, as
// database/sql's own prepared statements require.
func CachingConnector(c sqldriver.Connector, maxPerConn int) sqldriver.Connector {
	if maxPerConn <= 0 {
		maxPerConn = DefaultStatementsPerConn
	}
	return &cachingConnector{c: c, max: maxPerConn}
}

// DSNConnector is a connector that opens dsn with a driver that has no
// connector of its own.
type DSNConnector struct {
	DSN string
	Drv sqldriver.Driver
}

// Connect opens a connection, see driver.Connector.
func (d DSNConnector) Connect(context.Context) (sqldriver.Conn, error) { return d.Drv.Open(d.DSN) }

// Driver returns the driver, see driver.Connector.
func (d DSNConnector) Driver() sqldriver.Driver { return d.Drv }

type cachingConnector struct {
	c   sqldriver.Connector
	max int
}

func (c *cachingConnector) Connect(ctx context.Context) (sqldriver.Conn, error) {
	conn, err := c.c.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: conn, max: c.max, stmts: map[string]*cachedStmt{}}, nil
}

func (c *cachingConnector) Driver() sqldriver.Driver { return c.c.Driver() }

// cachingConn is one connection and its statements. database/sql uses a
// connection from one goroutine at a time, so it needs no lock.
type cachingConn struct {
	sqldriver.Conn
	max      int
	stmts    map[string]*cachedStmt
	failures int // failed prepares of texts to keep
}

type cachedStmt struct {
	st   sqldriver.Stmt
	busy bool // its rows are open
}

var (
	_ sqldriver.ExecerContext      = (*cachingConn)(nil)
	_ sqldriver.QueryerContext     = (*cachingConn)(nil)
	_ sqldriver.ConnBeginTx        = (*cachingConn)(nil)
	_ sqldriver.ConnPrepareContext = (*cachingConn)(nil)
	_ sqldriver.SessionResetter    = (*cachingConn)(nil)
	_ sqldriver.Validator          = (*cachingConn)(nil)
	_ sqldriver.Pinger             = (*cachingConn)(nil)
	_ sqldriver.NamedValueChecker  = (*cachingConn)(nil)
)

func (c *cachingConn) prepare(ctx context.Context, query string) (sqldriver.Stmt, error) {
	if p, ok := c.Conn.(sqldriver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.Conn.Prepare(query)
}

// maxPrepareFailures is how many failed prepares of new texts a
// connection takes before it stops caching more (a server out of
// prepared statements: MySQL's max_prepared_stmt_count is global).
const maxPrepareFailures = 8

// cached returns the cached statement for query, preparing and keeping it
// if the cache has room, or nil: for a text the cache does not keep, or
// whose statement is in use (its rows are open), or that the database did
// not prepare (the caller then runs it without the cache, which reports
// the database's error if there is one).
func (c *cachingConn) cached(ctx context.Context, query string) *cachedStmt {
	if cs := c.stmts[query]; cs != nil {
		if cs.busy {
			return nil
		}
		return cs
	}
	if len(c.stmts) >= c.max || !cacheable(query) {
		return nil
	}
	st, err := c.prepare(ctx, query)
	if err != nil {
		if c.failures++; c.failures >= maxPrepareFailures {
			c.max = len(c.stmts)
		}
		return nil
	}
	cs := &cachedStmt{st: st}
	c.stmts[query] = cs
	return cs
}

// ExecContext runs query with the cached statement, or else with the
// driver's own ExecContext (for go-sql-driver/mysql with interpolateParams
// one round trip, where a statement prepared for one use costs three),
// or else with a statement prepared for this use.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []sqldriver.NamedValue) (sqldriver.Result, error) {
	cs := c.cached(ctx, query)
	if cs == nil {
		if e, ok := c.Conn.(sqldriver.ExecerContext); ok {
			res, err := e.ExecContext(ctx, query, args)
			if !errors.Is(err, sqldriver.ErrSkip) {
				return res, err
			}
		}
		st, err := c.prepare(ctx, query)
		if err != nil {
			return nil, err
		}
		defer st.Close()
		cs = &cachedStmt{st: st}
	}
	if e, ok := cs.st.(sqldriver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	return nil, errors.New("sqlstore: the driver's statements do not implement StmtExecContext")
}

// QueryContext runs query as ExecContext does.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []sqldriver.NamedValue) (sqldriver.Rows, error) {
	cs, temp := c.cached(ctx, query), false
	if cs == nil {
		if q, ok := c.Conn.(sqldriver.QueryerContext); ok {
			rows, err := q.QueryContext(ctx, query, args)
			if !errors.Is(err, sqldriver.ErrSkip) {
				return rows, err
			}
		}
		st, err := c.prepare(ctx, query)
		if err != nil {
			return nil, err
		}
		cs, temp = &cachedStmt{st: st}, true
	}
	q, ok := cs.st.(sqldriver.StmtQueryContext)
	if !ok {
		if temp {
			cs.st.Close()
		}
		return nil, errors.New("sqlstore: the driver's statements do not implement StmtQueryContext")
	}
	cs.busy = true
	rows, err := q.QueryContext(ctx, args)
	if err != nil {
		cs.busy = false
		if temp {
			cs.st.Close()
		}
		return nil, err
	}
	return &cachedRows{Rows: rows, cs: cs, temp: temp}, nil
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (sqldriver.Stmt, error) {
	return c.prepare(ctx, query)
}

func (c *cachingConn) BeginTx(ctx context.Context, opts sqldriver.TxOptions) (sqldriver.Tx, error) {
	if b, ok := c.Conn.(sqldriver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	//lint:ignore SA1019 the fallback database/sql uses too
	return c.Conn.Begin()
}

func (c *cachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(sqldriver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *cachingConn) IsValid() bool {
	if v, ok := c.Conn.(sqldriver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *cachingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(sqldriver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *cachingConn) CheckNamedValue(v *sqldriver.NamedValue) error {
	if n, ok := c.Conn.(sqldriver.NamedValueChecker); ok {
		return n.CheckNamedValue(v)
	}
	return sqldriver.ErrSkip
}

// Close finalizes the cached statements and closes the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for q, cs := range c.stmts {
		errs = append(errs, cs.st.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.Conn.Close())...)
}

// cacheable reports whether query is a statement to keep: a SELECT,
// INSERT, UPDATE, DELETE or WITH, after leading "--" comment lines (sqlc
// starts its queries with one), and the group commit's own SAVEPOINT,
// RELEASE and ROLLBACK TO (SQLite), which every write call sends. Others
// (EXPLAIN, PRAGMA, DDL, other savepoints) are rare,
// and SQLite does not re-prepare an EXPLAIN after a schema change.
func cacheable(query string) bool {
	q := strings.TrimSpace(query)
	for strings.HasPrefix(q, "--") {
		_, rest, ok := strings.Cut(q, "\n")
		if !ok {
			return false
		}
		q = strings.TrimSpace(rest)
	}
	word, _, _ := strings.Cut(q, " ")
	switch strings.ToUpper(word) {
	case "SELECT", "INSERT", "UPDATE", "DELETE", "WITH":
		return true
	}
	switch q {
	case savepointCall, releaseCall, rollbackToCall:
		return true
	}
	return false
}

// cachedRows releases its statement when closed.
type cachedRows struct {
	sqldriver.Rows
	cs     *cachedStmt
	temp   bool
	closed bool
}

func (r *cachedRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.Rows.Close()
	r.cs.busy = false
	if r.temp {
		err = errors.Join(err, r.cs.st.Close())
	}
	return err
}

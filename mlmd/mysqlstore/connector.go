package mysqlstore

import (
	"context"
	sqldriver "database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Time bounds of a connection, used when the DSN (or Config) sets none, so
// that no call waits forever on a server that stopped answering.
const (
	// DefaultConnectTimeout bounds making a connection: the TCP connect,
	// the handshake and the login, and the waits when the server answers
	// "Too many connections".
	DefaultConnectTimeout = 10 * time.Second
	// DefaultReadTimeout bounds each wait for the server's answer on an
	// open connection (a statement that runs longer fails). It is above
	// the 60 seconds that Open may wait for another process's schema lock.
	DefaultReadTimeout = 2 * time.Minute
	// DefaultWriteTimeout bounds each write of a request to the server.
	DefaultWriteTimeout = time.Minute
)

// Pauses between connection attempts refused with "Too many connections":
// random, growing from tooManyFirstPause up to tooManyMaxPause, for at most
// the connect timeout in all.
const (
	tooManyFirstPause = 20 * time.Millisecond
	tooManyMaxPause   = time.Second
)

// boundedConnector makes the store's connections with go-sql-driver/mysql and
// bounds them in time:
//
//   - making a connection (dial, handshake, login) takes at most the
//     connect timeout (go-sql-driver's own Timeout covers the dial only);
//   - a connection refused with "Too many connections" (1040) is tried
//     again after a random, growing pause, within the connect timeout,
//     rather than at once; when the time is up the error is
//     *tooManyConnectionsError;
//   - a statement whose answer or request is held up past the read or
//     write timeout fails with *timeoutError (go-sql-driver reports only
//     "invalid connection", which would read as a lost connection and be
//     retried).
type boundedConnector struct {
	inner          sqldriver.Connector
	connectTimeout time.Duration
	readTimeout    time.Duration
	writeTimeout   time.Duration
}

var _ sqldriver.Connector = (*boundedConnector)(nil)

// newConnector returns the connector for cfg, whose Timeout, ReadTimeout
// and WriteTimeout must be set (parseDSN sets the defaults).
func newConnector(cfg *mysql.Config) (*boundedConnector, error) {
	cfg = cfg.Clone()
	dial := cfg.DialFunc
	if dial == nil {
		d := &net.Dialer{KeepAlive: 15 * time.Second}
		dial = d.DialContext
	}
	if cfg.DialFunc != nil || standardNetworks[cfg.Net] {
		cfg.DialFunc = watchedDial(dial)
	}
	// Otherwise the network is one registered with
	// mysql.RegisterDialContext, which go-sql-driver dials itself (Connect
	// then goes on without the timeout detection).
	inner, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return &boundedConnector{
		inner:          inner,
		connectTimeout: cfg.Timeout,
		readTimeout:    cfg.ReadTimeout,
		writeTimeout:   cfg.WriteTimeout,
	}, nil
}

// standardNetworks are the networks net.Dialer dials.
var standardNetworks = map[string]bool{"tcp": true, "tcp4": true, "tcp6": true, "unix": true}

// watchedDial returns a dial function that dials with dial and records the
// connection it makes, as a *watchedConn, in the slot that Connect puts
// in the context.
func watchedDial(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		nc, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		w := &watchedConn{Conn: nc}
		if slot, ok := ctx.Value(dialSlotKey{}).(*atomic.Pointer[watchedConn]); ok {
			slot.Store(w)
		}
		return w, nil
	}
}

// dialSlotKey is the context key under which Connect passes the dial
// function a slot for the network connection it makes.
type dialSlotKey struct{}

func (c *boundedConnector) Driver() sqldriver.Driver { return c.inner.Driver() }

// Connect makes a connection within the connect timeout.
func (c *boundedConnector) Connect(ctx context.Context) (sqldriver.Conn, error) {
	start := time.Now()
	deadline := start.Add(c.connectTimeout)
	pause := tooManyFirstPause
	for {
		cctx, cancel := context.WithDeadline(ctx, deadline)
		slot := new(atomic.Pointer[watchedConn])
		dc, err := c.inner.Connect(context.WithValue(cctx, dialSlotKey{}, slot))
		timedOut := cctx.Err() != nil
		cancel()
		if err == nil {
			nc := slot.Load()
			if nc == nil {
				// A dial function of go-sql-driver's registry bypassed
				// ours; go on without the timeout detection.
				return dc, nil
			}
			return &conn{Conn: dc, nc: nc, c: c}, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if timedOut {
			// Our deadline, not the caller's: the cause must not read as
			// the caller's context error.
			return nil, &timeoutError{op: "connect", limit: c.connectTimeout, err: errors.New(err.Error())}
		}
		var me *mysql.MySQLError
		if !errors.As(err, &me) || me.Number != erConCount {
			return nil, err
		}
		wait := pause/2 + time.Duration(rand.Int64N(int64(pause)))
		if time.Now().Add(wait).After(deadline) {
			return nil, &tooManyConnectionsError{waited: time.Since(start), err: err}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, tooManyMaxPause)
	}
}

// timeoutError is a connection on which the server did not answer (or
// take a request) within a time bound.
type timeoutError struct {
	op    string // "connect", "read" or "write"
	limit time.Duration
	err   error
}

func (e *timeoutError) Error() string {
	switch e.op {
	case "connect":
		return fmt.Sprintf("the MySQL server did not accept a connection within the connect timeout (%v): %v", e.limit, e.err)
	case "write":
		return fmt.Sprintf("the MySQL server did not take a request within the write timeout (%v): %v", e.limit, e.err)
	}
	return fmt.Sprintf("the MySQL server did not answer within the read timeout (%v): %v", e.limit, e.err)
}

func (e *timeoutError) Unwrap() error { return e.err }

// tooManyConnectionsError is a connection the server kept refusing with
// "Too many connections" for the whole connect timeout.
type tooManyConnectionsError struct {
	waited time.Duration
	err    error
}

func (e *tooManyConnectionsError) Error() string {
	return fmt.Sprintf("the MySQL server refused new connections for %v: too many connections (its max_connections is reached; "+
		"lower the pool size, max_open_conns, or raise max_connections): %v", e.waited.Round(time.Millisecond), e.err)
}

func (e *tooManyConnectionsError) Unwrap() error { return e.err }

// watchedConn is a network connection that records whether a read or a
// write ran into its deadline (go-sql-driver sets the deadlines from
// ReadTimeout and WriteTimeout).
type watchedConn struct {
	net.Conn
	readTimedOut, writeTimedOut atomic.Bool
}

func (w *watchedConn) Read(b []byte) (int, error) {
	n, err := w.Conn.Read(b)
	if isTimeout(err) {
		w.readTimedOut.Store(true)
	}
	return n, err
}

func (w *watchedConn) Write(b []byte) (int, error) {
	n, err := w.Conn.Write(b)
	if isTimeout(err) {
		w.writeTimedOut.Store(true)
	}
	return n, err
}

func isTimeout(err error) bool {
	var ne net.Error
	return err != nil && errors.As(err, &ne) && ne.Timeout()
}

// conn is a go-sql-driver connection whose errors say when a read or
// write timeout broke it. It forwards every interface of database/sql/driver
// that go-sql-driver's connection implements.
type conn struct {
	sqldriver.Conn
	nc *watchedConn
	c  *boundedConnector
}

var (
	_ sqldriver.ConnBeginTx        = (*conn)(nil)
	_ sqldriver.ConnPrepareContext = (*conn)(nil)
	_ sqldriver.ExecerContext      = (*conn)(nil)
	_ sqldriver.QueryerContext     = (*conn)(nil)
	_ sqldriver.Pinger             = (*conn)(nil)
	_ sqldriver.SessionResetter    = (*conn)(nil)
	_ sqldriver.Validator          = (*conn)(nil)
	_ sqldriver.NamedValueChecker  = (*conn)(nil)
)

// check replaces err by a *timeoutError if the connection broke on a
// deadline.
func (c *conn) check(err error) error {
	if err == nil {
		return nil
	}
	switch {
	case c.nc.readTimedOut.Load():
		return &timeoutError{op: "read", limit: c.c.readTimeout, err: err}
	case c.nc.writeTimedOut.Load():
		return &timeoutError{op: "write", limit: c.c.writeTimeout, err: err}
	}
	return err
}

func (c *conn) BeginTx(ctx context.Context, opts sqldriver.TxOptions) (sqldriver.Tx, error) {
	// The transaction's Commit is left as it is: a connection that breaks
	// while committing, by a timeout or otherwise, is one whose commit may
	// or may not have happened, which sqlstore reports as such.
	tx, err := c.Conn.(sqldriver.ConnBeginTx).BeginTx(ctx, opts)
	return tx, c.check(err)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (sqldriver.Stmt, error) {
	st, err := c.Conn.(sqldriver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, c.check(err)
	}
	return &stmt{Stmt: st, c: c}, nil
}

// stmt is a prepared statement of conn, whose errors say when a timeout
// broke the connection, as conn's own do.
type stmt struct {
	sqldriver.Stmt
	c *conn
}

var (
	_ sqldriver.StmtExecContext   = (*stmt)(nil)
	_ sqldriver.StmtQueryContext  = (*stmt)(nil)
	_ sqldriver.NamedValueChecker = (*stmt)(nil)
)

func (s *stmt) ExecContext(ctx context.Context, args []sqldriver.NamedValue) (sqldriver.Result, error) {
	r, err := s.Stmt.(sqldriver.StmtExecContext).ExecContext(ctx, args)
	return r, s.c.check(err)
}

func (s *stmt) QueryContext(ctx context.Context, args []sqldriver.NamedValue) (sqldriver.Rows, error) {
	r, err := s.Stmt.(sqldriver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, s.c.check(err)
	}
	if rs, ok := r.(mysqlRows); ok {
		return &rows{mysqlRows: rs, c: s.c}, nil
	}
	return r, nil
}

func (s *stmt) CheckNamedValue(nv *sqldriver.NamedValue) error {
	if n, ok := s.Stmt.(sqldriver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return sqldriver.ErrSkip
}

func (c *conn) ExecContext(ctx context.Context, query string, args []sqldriver.NamedValue) (sqldriver.Result, error) {
	r, err := c.Conn.(sqldriver.ExecerContext).ExecContext(ctx, query, args)
	return r, c.check(err)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []sqldriver.NamedValue) (sqldriver.Rows, error) {
	r, err := c.Conn.(sqldriver.QueryerContext).QueryContext(ctx, query, args)
	if err != nil {
		return nil, c.check(err)
	}
	if rs, ok := r.(mysqlRows); ok {
		return &rows{mysqlRows: rs, c: c}, nil
	}
	return r, nil
}

// mysqlRows is what go-sql-driver's result sets implement.
type mysqlRows interface {
	sqldriver.Rows
	sqldriver.RowsNextResultSet
	sqldriver.RowsColumnTypeDatabaseTypeName
	sqldriver.RowsColumnTypeNullable
	sqldriver.RowsColumnTypePrecisionScale
	sqldriver.RowsColumnTypeScanType
}

// rows is a result set of conn, whose errors say when a read timeout
// broke the connection while the rows were streaming in.
type rows struct {
	mysqlRows
	c *conn
}

func (r *rows) Next(dest []sqldriver.Value) error {
	err := r.mysqlRows.Next(dest)
	if errors.Is(err, io.EOF) {
		return err
	}
	return r.c.check(err)
}

func (r *rows) NextResultSet() error {
	err := r.mysqlRows.NextResultSet()
	if errors.Is(err, io.EOF) {
		return err
	}
	return r.c.check(err)
}

func (c *conn) Ping(ctx context.Context) error {
	return c.check(c.Conn.(sqldriver.Pinger).Ping(ctx))
}

func (c *conn) ResetSession(ctx context.Context) error {
	return c.Conn.(sqldriver.SessionResetter).ResetSession(ctx)
}

func (c *conn) IsValid() bool { return c.Conn.(sqldriver.Validator).IsValid() }

func (c *conn) CheckNamedValue(nv *sqldriver.NamedValue) error {
	return c.Conn.(sqldriver.NamedValueChecker).CheckNamedValue(nv)
}

// setTimeoutDefaults gives cfg the default time bounds where it has none.
func setTimeoutDefaults(cfg *mysql.Config) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultConnectTimeout
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
}

// setTimeouts sets the time bounds of c that are not zero in mc; they win
// over timeout parameters in c.Params.
func (c *Config) setTimeouts(mc *mysql.Config) {
	if c.ConnectTimeout > 0 {
		mc.Timeout = c.ConnectTimeout
	}
	if c.ReadTimeout > 0 {
		mc.ReadTimeout = c.ReadTimeout
	}
	if c.WriteTimeout > 0 {
		mc.WriteTimeout = c.WriteTimeout
	}
}

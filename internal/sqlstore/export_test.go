package sqlstore

import (
	"context"

	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// TraceQueries returns a Conn over c's pool and dialect that
// reports the SQL text and arguments of every statement of its
// transactions to trace, as they go to the database.
func TraceQueries(c *Conn, trace func(query string, args []any)) *Conn {
	return ObserveStatements(c, trace)
}

// GroupStats returns how many groups c's group commit has run and how many
// calls it has committed.
func GroupStats(c *Conn) (groups, committed int64) {
	return c.group.groups.Load(), c.group.committed.Load()
}

// QueuedCalls returns how many write calls wait for c's group commit.
func QueuedCalls(c *Conn) int { return len(c.group.calls) }

// ExecInTx runs a statement in tx, a transaction of a Conn.
func ExecInTx(ctx context.Context, t driver.Tx, query string, args ...any) error {
	_, err := t.(*tx).tx.ExecContext(ctx, query, args...)
	return err
}

// Window returns how many nodes of the listing ListNodes searches first for
// a filtered page of limit rows on SQLite.
func Window(limit int) int { return window(limit) }

// QueryIntInTx reads one integer with a statement in tx, a transaction of
// a Conn.
func QueryIntInTx(ctx context.Context, t driver.Tx, query string, args ...any) (int64, error) {
	var v int64
	err := t.(*tx).tx.QueryRowContext(ctx, query, args...).Scan(&v)
	return v, err
}

// Cacheable reports whether the statement cache keeps query.
var Cacheable = cacheable

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

// ReadNodesLaidOut reads the nodes of kind k with the given ids in a
// read transaction of c, with the node read's layout chosen whatever c's
// dialect: "overlaid" (DynamicColumns), "beside" or "joined"
// (MaterializedUnions).
func ReadNodesLaidOut(ctx context.Context, c *Conn, layout string, k driver.Kind, ids []int64) (out []driver.NodeRow, err error) {
	err = c.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(dt driver.Tx) error {
		t := dt.(*tx)
		var d Dialect = struct{ Dialect }{t.d}
		switch layout {
		case "overlaid":
			d = overlaidDialect{t.d}
		case "joined":
			d = joinedDialect{t.d}
		}
		var err error
		out, err = (&tx{tx: t.tx, d: d, q: t.q}).loadNodes(ctx, nodeTables[k], ids)
		return err
	})
	return out, err
}

// ReadTypesLaidOut answers q with FindTypes in a read transaction of c,
// with the type read's layout chosen whatever c's dialect: "union" or
// "joined" (MaterializedUnions).
func ReadTypesLaidOut(ctx context.Context, c *Conn, layout string, q driver.TypeQuery) (out []driver.TypeRow, err error) {
	err = c.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(dt driver.Tx) error {
		t := dt.(*tx)
		var d Dialect = struct{ Dialect }{t.d}
		if layout == "joined" {
			d = joinedDialect{t.d}
		}
		var err error
		out, err = (&tx{tx: t.tx, d: d, q: t.q}).FindTypes(ctx, q)
		return err
	})
	return out, err
}

// ReadValue converts v as the overlaid node read does, by want ("int",
// "float", "str" or "bytes"), and returns the first conversion error.
func ReadValue(v any, want string) (any, error) {
	var c valueReader
	var out any
	switch want {
	case "int":
		out = c.int(v)
	case "float":
		out = c.float(v)
	case "str":
		out = c.str(v)
	case "bytes":
		out = c.bytes(v)
	}
	return out, c.err
}

// overlaidDialect is a Dialect with DynamicColumns.
type overlaidDialect struct{ Dialect }

func (overlaidDialect) DynamicColumns() {}

// joinedDialect is a Dialect with MaterializedUnions.
type joinedDialect struct{ Dialect }

func (joinedDialect) MaterializedUnions() {}

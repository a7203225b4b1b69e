package sqlstore

import (
	"context"
	"database/sql"
)

// TraceQueries returns a Conn over c's pool and dialect whose statements
// (generated and built) also report their SQL text and arguments to
// trace, as they go to the database.
func TraceQueries(c *Conn, trace func(query string, args []any)) *Conn {
	traced := *c
	wrap := c.wrap
	traced.wrap = func(db DBTX) DBTX { return tracingDBTX{wrap(db), trace} }
	return &traced
}

type tracingDBTX struct {
	db    DBTX
	trace func(query string, args []any)
}

func (t tracingDBTX) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	t.trace(query, args)
	return t.db.ExecContext(ctx, query, args...)
}

func (t tracingDBTX) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	t.trace(query, nil)
	return t.db.PrepareContext(ctx, query)
}

func (t tracingDBTX) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	t.trace(query, args)
	return t.db.QueryContext(ctx, query, args...)
}

func (t tracingDBTX) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	t.trace(query, args)
	return t.db.QueryRowContext(ctx, query, args...)
}

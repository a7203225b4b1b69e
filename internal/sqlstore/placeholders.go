package sqlstore

import (
	"context"
	"database/sql"

	"github.com/gomlmd/gomlmd/internal/placeholder"
)

// DollarPlaceholders returns db with every statement's ? placeholders
// rewritten to $1, $2, ... in order, for engines whose parameters are
// numbered (PostgreSQL). A ? inside a string literal, a quoted identifier
// or a comment is left alone. A dialect returns it from WrapDB.
func DollarPlaceholders(db DBTX) DBTX { return dollarDB{db} }

type dollarDB struct{ db DBTX }

func (d dollarDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.db.ExecContext(ctx, ToDollar(query), args...)
}

func (d dollarDB) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return d.db.PrepareContext(ctx, ToDollar(query))
}

func (d dollarDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.db.QueryContext(ctx, ToDollar(query), args...)
}

func (d dollarDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return d.db.QueryRowContext(ctx, ToDollar(query), args...)
}

// ToDollar rewrites the ? placeholders of query to $1, $2, ..., skipping
// '...' and "..." (with doubled quotes inside), dollar-quoted strings, --
// line comments and /* */ comments; see placeholder.Dollar, which caches
// the rewritten texts.
func ToDollar(query string) string { return placeholder.Dollar(query) }

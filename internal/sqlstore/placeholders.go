package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
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
// '...' and "..." (with doubled quotes inside), -- line comments and /* */
// comments.
func ToDollar(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		case c == '\'' || c == '"':
			end := i + 1
			for end < len(query) {
				if query[end] == c {
					if end+1 < len(query) && query[end+1] == c {
						end += 2
						continue
					}
					break
				}
				end++
			}
			end = min(end+1, len(query))
			b.WriteString(query[i:end])
			i = end - 1
			continue
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				end = len(query) - i
			}
			b.WriteString(query[i : i+end])
			i += end - 1
			continue
		case c == '/' && strings.HasPrefix(query[i:], "/*"):
			end := strings.Index(query[i+2:], "*/")
			if end < 0 {
				end = len(query) - i
			} else {
				end += 4
			}
			b.WriteString(query[i : i+end])
			i += end - 1
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Package placeholder rewrites the ? placeholders of gomlmd's SQL into
// the numbered $1, $2, ... that PostgreSQL takes.
package placeholder

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// gomlmd's SQL (the generated queries, the statements sqlstore builds, the
// compiled filter queries) marks parameters with ?, which PostgreSQL does
// not know: it numbers them, $1, $2, .... The backend's connections
// therefore rewrite every statement's ? into $n before pgx sees it; this is
// the only place the placeholder style of PostgreSQL shows. Texts that
// already use $n (goose's own statements) pass through unchanged.

// cacheSize bounds the cache of rewritten statement texts. The SQL
// texts gomlmd runs are a finite family (one per query and per number of
// list elements, up to the chunk sizes), so the cache rarely fills; when it
// does it is emptied.
const cacheSize = 4096

var cache struct {
	sync.RWMutex
	m map[string]string
}

// Dollar returns query with each ? placeholder replaced by $1, $2, ... in
// order. A ? inside a string literal ('...'), a quoted identifier ("..."),
// a dollar-quoted string or a comment is left alone; so are ?| ?& ?? (none
// of which gomlmd writes).
func Dollar(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	cache.RLock()
	out, ok := cache.m[query]
	cache.RUnlock()
	if ok {
		return out
	}
	out = dollar(query)
	cache.Lock()
	if cache.m == nil || len(cache.m) >= cacheSize {
		cache.m = make(map[string]string, 64)
	}
	cache.m[query] = out
	cache.Unlock()
	return out
}

func dollar(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			end := closeQuote(q, i+1, c)
			b.WriteString(q[i:end])
			i = end - 1
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			end := strings.IndexByte(q[i:], '\n')
			if end < 0 {
				end = len(q) - i
			}
			b.WriteString(q[i : i+end])
			i += end - 1
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			end := strings.Index(q[i+2:], "*/")
			if end < 0 {
				end = len(q)
			} else {
				end = i + 2 + end + 2
			}
			b.WriteString(q[i:end])
			i = end - 1
		case c == '$':
			if tag, ok := dollarTag(q, i); ok {
				end := strings.Index(q[i+len(tag):], tag)
				if end < 0 {
					end = len(q)
				} else {
					end = i + len(tag) + end + len(tag)
				}
				b.WriteString(q[i:end])
				i = end - 1
				continue
			}
			b.WriteByte(c)
		case c == '?':
			if i+1 < len(q) && (q[i+1] == '|' || q[i+1] == '&' || q[i+1] == '?') {
				b.WriteString(q[i : i+2])
				i++
				continue
			}
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// closeQuote returns the index after the quote that closes a literal
// opened before start; a doubled quote is part of the literal.
func closeQuote(q string, start int, quote byte) int {
	for i := start; i < len(q); i++ {
		if q[i] == quote {
			if i+1 < len(q) && q[i+1] == quote {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(q)
}

// dollarTag returns the opening tag of a dollar-quoted string at q[i] ($$
// or $name$), if one starts there; $1 is a parameter, not a tag.
func dollarTag(q string, i int) (string, bool) {
	j := i + 1
	for j < len(q) && (q[j] == '_' || q[j] >= 'a' && q[j] <= 'z' || q[j] >= 'A' && q[j] <= 'Z' || j > i+1 && q[j] >= '0' && q[j] <= '9') {
		j++
	}
	if j < len(q) && q[j] == '$' {
		return q[i : j+1], true
	}
	return "", false
}

// Connector wraps a database/sql connector of pgx (github.com/jackc/pgx/v5/stdlib)
// so that every connection rewrites the ? placeholders of the statements it
// runs with Dollar.
//
// Each function of before, if any, rewrites the text first (e.g. a
// benchmark's MySQL-style SQL); their results are not cached.
func Connector(c driver.Connector, before ...func(string) string) driver.Connector {
	return connector{c, before}
}

type connector struct {
	driver.Connector
	before []func(string) string
}

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc, ok := conn.(pgxConn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("placeholder: connection %T lacks methods of pgx's", conn)
	}
	return &rebindConn{pc, c.before}, nil
}

// pgxConn is the method set of pgx's stdlib connection that database/sql
// uses.
type pgxConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.NamedValueChecker
}

// rebindConn is a pgx connection whose statements are rebound.
type rebindConn struct {
	pgxConn
	before []func(string) string
}

func (c *rebindConn) rewrite(query string) string {
	for _, f := range c.before {
		query = f(query)
	}
	return Dollar(query)
}

func (c *rebindConn) Prepare(query string) (driver.Stmt, error) {
	return c.pgxConn.Prepare(c.rewrite(query))
}

func (c *rebindConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.pgxConn.PrepareContext(ctx, c.rewrite(query))
}

func (c *rebindConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.pgxConn.ExecContext(ctx, c.rewrite(query), args)
}

func (c *rebindConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.pgxConn.QueryContext(ctx, c.rewrite(query), args)
}

var _ pgxConn = (*rebindConn)(nil)

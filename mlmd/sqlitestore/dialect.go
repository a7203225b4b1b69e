package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"strings"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/gomlmd/gomlmd/filterlang"
	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/migrations"
	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// dialect is SQLite's sqlstore.Dialect.
type dialect struct{}

var _ sqlstore.Dialect = dialect{}

func (dialect) Name() string { return "sqlite" }

// DynamicColumns implements sqlstore.DynamicColumns: SQLite types values,
// not columns.
func (dialect) DynamicColumns() {}

// MaxParams is SQLite's default SQLITE_MAX_VARIABLE_NUMBER (32766), with
// room to spare.
func (dialect) MaxParams() int { return 32000 }

// InsertIDs: SQLite assigns AUTOINCREMENT ids to the rows of an INSERT in
// the order of its VALUES, each larger than any id the table ever had, so
// the sorted ids of RETURNING id are the rows' ids in order.
func (dialect) InsertIDs() (sqlstore.IDStrategy, int64) { return sqlstore.IDsReturning, 1 }

func (dialect) Upsert(key, cols []string) string { return sqlstore.OnConflictUpsert(key, cols) }

func (dialect) IgnoreDuplicates(string) string { return " ON CONFLICT DO NOTHING" }

// LockingRead is empty: a write transaction holds SQLite's write lock from
// its start (BEGIN IMMEDIATE), so no other writer runs meanwhile.
func (dialect) LockingRead() string { return "" }

func (dialect) FilterDialect() filterlang.Dialect { return filterlang.SQLite }

func (dialect) Classify(err error) sqlstore.ErrorClass {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return sqlstore.ClassOther
	}
	if code := se.Code(); code&0xff == sqlite3.SQLITE_ERROR && clientLimit(se.Error()) {
		return sqlstore.ClassInvalid
	}
	switch code := se.Code(); code {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return sqlstore.ClassDuplicate
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL, sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_TOOBIG, sqlite3.SQLITE_MISMATCH:
		return sqlstore.ClassInvalid
	default:
		switch code & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return sqlstore.ClassTransient
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOTADB:
			return sqlstore.ClassUnavailable
		}
	}
	return sqlstore.ClassOther
}

// RetryReason names a transient error for retry metrics (see
// sqlstore.RetryReasoner): SQLite's busy and locked are both another
// connection's lock.
func (dialect) RetryReason(err error) string {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return driver.RetryBusy
		}
	}
	return ""
}

// clientLimits are the messages of SQLITE_ERROR for a statement beyond one
// of SQLite's limits that the request set: a filter too long or too
// deep, not a failure of the server.
var clientLimits = []string{
	"LIKE or GLOB pattern too complex",
	"Expression tree is too large",
	"parser stack overflow",
	"too many SQL variables",
	"too many terms in compound SELECT",
	"at most 64 tables in a join",
}

// Explain says what was wrong with a request SQLite refused as invalid
// (see sqlstore.Explainer).
func (dialect) Explain(err error) string {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return ""
	}
	for _, m := range clientLimits {
		if strings.Contains(se.Error(), m) {
			return m
		}
	}
	switch se.Code() {
	case sqlite3.SQLITE_TOOBIG:
		return "a value is too big"
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return "a required value is missing"
	}
	return ""
}

func clientLimit(msg string) bool {
	for _, m := range clientLimits {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}

func (dialect) GooseDialect() goose.Dialect { return goose.DialectSQLite3 }

func (dialect) Migrations() fs.FS { return migrations.SQLite }

func (dialect) MLMDMigrations() fs.FS { return migrations.SQLiteMLMD }

func (dialect) TransactionalDDL() bool { return true }

func (dialect) TableNames(ctx context.Context, db *sql.DB) ([]string, error) {
	return sqlstore.QueryNames(ctx, db, "SELECT name FROM sqlite_master WHERE type = 'table'")
}

// LockSchema does nothing: SQLite's DDL is transactional, and goose runs
// the migration in one transaction, so another process never sees half a
// schema. Two processes creating the schema at once both succeed, because
// every statement of the migration is idempotent.
func (dialect) LockSchema(context.Context, *sql.DB) (func(), error) { return func() {}, nil }

package sqlstore

import (
	"context"
	"database/sql"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// Dialect is what the shared implementation needs to know about one SQL
// engine: the few spots where SQLite and MySQL need different SQL, how the
// engine reports errors, and how its schema is migrated. Identifiers in the
// SQL that sqlstore builds are never quoted: MLMD's table and column names
// are plain words that both engines accept as they are.
//
// A Dialect is used by many goroutines at once.
type Dialect interface {
	// Name names the engine in messages, e.g. "sqlite".
	Name() string

	// MaxParams is the most ? placeholders one statement may carry.
	// Statements that sqlstore builds stay below it by splitting their rows
	// into chunks.
	MaxParams() int

	// InsertIDs says how a multi-row INSERT reports the ids of its rows;
	// see IDStrategy. step is the distance between consecutive ids under
	// IDsConsecutive (MySQL's auto_increment_increment), else ignored.
	InsertIDs() (s IDStrategy, step int64)

	// Upsert returns the clause that, appended to INSERT ... VALUES,
	// replaces the columns cols of a stored row whose key columns equal the
	// new row's. key must be the table's only unique key.
	Upsert(key, cols []string) string

	// IgnoreDuplicates returns the clause that, appended to
	// INSERT ... VALUES, skips rows that would duplicate a unique key. key
	// names one column of that key (some engines need one to name).
	IgnoreDuplicates(key string) string

	// LockingRead returns the clause that, appended to a SELECT, makes it
	// a locking read that conflicts with concurrent inserts into the range
	// read ("LOCK IN SHARE MODE" on InnoDB), or "" where transactions are
	// serialized anyway (SQLite's write lock).
	LockingRead() string

	// Classify sorts an error returned by the database.
	Classify(err error) ErrorClass

	// GooseDialect is the goose dialect of the engine.
	GooseDialect() goose.Dialect

	// Migrations are the engine's goose migrations.
	Migrations() fs.FS

	// TableNames lists the tables of the database the pool is connected to.
	TableNames(ctx context.Context, db *sql.DB) ([]string, error)

	// LockSchema takes a lock that keeps other processes from inspecting or
	// migrating the schema until unlock is called, for engines whose DDL is
	// not transactional. It may return a no-op unlock.
	LockSchema(ctx context.Context, db *sql.DB) (unlock func(), err error)
}

// IDStrategy is how a multi-row INSERT reports the ids it assigned.
type IDStrategy int

const (
	// IDsReturning appends RETURNING id. The engine assigns ids in the
	// order of the VALUES rows and ever increasing, so the returned ids,
	// sorted, are the rows' ids in order (SQLite's AUTOINCREMENT, MariaDB).
	IDsReturning IDStrategy = iota
	// IDsConsecutive reads the first id of the statement (LAST_INSERT_ID)
	// and counts on from it by a fixed step: the engine gives the rows of
	// one multi-row INSERT consecutive ids (InnoDB with
	// innodb_autoinc_lock_mode 0 or 1).
	IDsConsecutive
	// IDsOneByOne inserts the rows one statement each and reads each id:
	// the fallback when neither of the others is guaranteed.
	IDsOneByOne
)

// ErrorClass is the kind of a database error, as far as the driver
// contract cares.
type ErrorClass int

const (
	// ClassOther is any other error: Internal.
	ClassOther ErrorClass = iota
	// ClassDuplicate is a unique or primary key violation: AlreadyExists.
	ClassDuplicate
	// ClassTransient is a deadlock, lock wait timeout or busy database: the
	// transaction is rolled back and run again.
	ClassTransient
	// ClassUnavailable means the database cannot be reached: Unavailable.
	ClassUnavailable
	// ClassInvalid is a value the schema cannot hold (NULL in a NOT NULL
	// column, out of range, too long): InvalidArgument.
	ClassInvalid
)

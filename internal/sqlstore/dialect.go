package sqlstore

import (
	"context"
	"database/sql"
	"io/fs"

	"github.com/pressly/goose/v3"

	"github.com/gomlmd/gomlmd/filterlang"
)

// Dialect is what the shared implementation needs to know about one SQL
// engine: the few spots where SQLite and MySQL need different SQL, how the
// engine reports errors, and how its schema is migrated. Identifiers in the
// SQL that sqlstore builds are never quoted: MLMD's table and column names
// are plain words that both engines accept as they are.
//
// The pool's connections must report the rows an UPDATE matched, changed
// or not, as its affected rows (SQLite does; MySQL with clientFoundRows):
// UpdateNodes checks that its nodes exist that way.
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
	// a locking read: it reads the newest committed rows, not the
	// transaction's snapshot, and locks them until the transaction ends
	// (" FOR UPDATE" on InnoDB and TiDB). It returns "" where write
	// transactions are serialized anyway and never read a stale snapshot
	// (SQLite's write lock); sqlstore then skips the checks that need it.
	LockingRead() string

	// FilterDialect is the dialect that filter queries are compiled to.
	FilterDialect() filterlang.Dialect

	// Classify sorts an error returned by the database.
	Classify(err error) ErrorClass

	// GooseDialect is the goose dialect of the engine.
	GooseDialect() goose.Dialect

	// Migrations are the engine's goose migrations.
	Migrations() fs.FS

	// MLMDMigrations are the engine's MLMD schema chain, the files
	// vNN.sql of migrations.MLMDChain; an empty file system when the engine
	// has none.
	MLMDMigrations() fs.FS

	// TransactionalDDL reports whether the engine's DDL statements run
	// inside a transaction (SQLite, PostgreSQL) rather than commit it
	// (MySQL): the MLMD chain then runs all its steps in one transaction.
	TransactionalDDL() bool

	// TableNames lists the tables of the database the pool is connected to.
	TableNames(ctx context.Context, db *sql.DB) ([]string, error)

	// LockSchema takes a lock that keeps other processes from inspecting or
	// migrating the schema until unlock is called, for engines whose DDL is
	// not transactional. It may return a no-op unlock.
	LockSchema(ctx context.Context, db *sql.DB) (unlock func(), err error)
}

// TypeInsertGuard is an optional interface of a Dialect whose LockingRead
// does not serialize transactions across all the servers that take
// writes (a Galera cluster, where row locks are local to one node).
// sqlstore calls GuardTypeInsert in every transaction that inserts a type,
// before it looks for the type, so that two such transactions conflict
// and one is run again (see checkNewType).
type TypeInsertGuard interface {
	GuardTypeInsert(ctx context.Context, q DBTX) error
}

// SessionIDs is an optional interface of a Dialect whose id strategy
// depends on settings of the server session (MySQL's
// auto_increment_increment and innodb_autoinc_lock_mode). When the
// dialect's InsertIDs returns IDsConsecutive, sqlstore calls SessionIDs
// before the first multi-row INSERT of each transaction, on that
// transaction, and uses its answer for the rest of it. So a setting that
// changes while the process runs (a server restarted with another lock
// mode, a cluster that changes the increment) is never applied with a
// stale value.
type SessionIDs interface {
	SessionIDs(ctx context.Context, q DBTX) (s IDStrategy, step int64, err error)
}

// IDStrategy is how a multi-row INSERT reports the ids it assigned.
type IDStrategy int

const (
	// IDsReturning appends RETURNING id. The engine assigns ids in the
	// order of the VALUES rows and ever increasing, so the returned ids,
	// sorted, are the rows' ids in order (SQLite's AUTOINCREMENT, MariaDB).
	// It is also how the id of a single inserted row (a new type, a node
	// inserted alone) is read, so an engine with RETURNING need not
	// implement sql.Result.LastInsertId.
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
	// ClassUnavailable means the database cannot be reached or refuses
	// the connection (wrong credentials, unknown database): Unavailable.
	ClassUnavailable
	// ClassConnectionLost means the connection broke or the server ended
	// the session (restart, KILL, network failure, too many connections):
	// Unavailable. The server rolls back the open transaction of a broken
	// connection, so InTx runs the transaction again on another connection,
	// unless the connection broke while committing, when the outcome is
	// unknown.
	ClassConnectionLost
	// ClassInvalid is a value the schema cannot hold (NULL in a NOT NULL
	// column, out of range, too long): InvalidArgument.
	ClassInvalid
)

// DBWrapper is an optional interface of a Dialect whose database needs the
// statements that sqlstore runs (generated and built alike, all written
// with ? placeholders) changed on their way, e.g. ? rewritten to $1, $2,
// ... (see DollarPlaceholders). Conn calls WrapDB on every transaction and
// on its pool, and runs every statement through what it returns. What
// WrapDB gets may itself wrap a transaction (see IsTx).
type DBWrapper interface {
	WrapDB(db DBTX) DBTX
}

// GuardedWrapper is an optional interface of a Dialect with a DBWrapper
// that can guard the statements of a transaction at a cost. PostgreSQL
// aborts a transaction at its first failed statement; a savepoint around
// each write keeps it usable for the reads that follow a failure (the
// lookups behind AlreadyExists messages), at two round trips per write.
// Conn runs every transaction unguarded first (WrapDB); if it fails with
// an error for which NeedsGuard reports true (a statement found the
// transaction aborted by an earlier failure), Conn runs it again, once,
// guarded (WrapDBGuarded), which gives the answer the guards were for.
type GuardedWrapper interface {
	DBWrapper
	WrapDBGuarded(db DBTX) DBTX
	NeedsGuard(err error) bool
}

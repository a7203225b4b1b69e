package mysqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/pressly/goose/v3"

	"github.com/gomlmd/gomlmd/filterlang"
	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/migrations"
	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// dialect is MySQL's and MariaDB's sqlstore.Dialect. Its id strategy
// depends on the server, see idStrategy.
type dialect struct {
	ids  sqlstore.IDStrategy
	step int64
	// galera is set on a node of a Galera cluster, see galera.go.
	galera bool
}

var _ sqlstore.Dialect = (*dialect)(nil)

func (*dialect) Name() string { return "mysql" }

func (*dialect) FilterDialect() filterlang.Dialect { return filterlang.MySQL }

// MaterializedUnions implements sqlstore.MaterializedUnions: MariaDB reads
// a UNION ALL through a temporary table.
func (*dialect) MaterializedUnions() {}

// MaxParams is below the 65535 placeholders of a MySQL prepared statement.
func (*dialect) MaxParams() int { return 60000 }

func (d *dialect) InsertIDs() (sqlstore.IDStrategy, int64) { return d.ids, d.step }

// Upsert uses VALUES(col), which MariaDB and MySQL 8 both accept (MySQL
// 8.0.20 deprecates it in favour of a row alias MariaDB lacks). The key
// must be the table's only unique key: ON DUPLICATE KEY UPDATE fires on
// any unique key.
func (*dialect) Upsert(_, cols []string) string {
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = VALUES(" + c + ")"
	}
	return " ON DUPLICATE KEY UPDATE " + strings.Join(set, ", ")
}

// IgnoreDuplicates assigns a key column to itself on a duplicate, which
// skips the row; unlike INSERT IGNORE it does not hide other errors.
func (*dialect) IgnoreDuplicates(key string) string {
	return " ON DUPLICATE KEY UPDATE " + key + " = " + key
}

// LockingRead is FOR UPDATE: InnoDB reads the newest committed rows and
// locks them (and, under REPEATABLE READ, the gaps between them). TiDB and
// Vitess accept it too, unlike LOCK IN SHARE MODE on TiDB.
func (*dialect) LockingRead() string { return " FOR UPDATE" }

// MySQL and MariaDB error numbers.
const (
	erDupEntry              = 1062
	erDupEntryWithKeyName   = 1586
	erLockWaitTimeout       = 1205
	erLockDeadlock          = 1213
	erCheckpointRecord      = 1020 // MariaDB: "Record has changed since last read" under snapshot isolation
	erTiDBWriteConflict     = 9007 // TiDB: a write conflict found at commit (optimistic transactions)
	erBadNull               = 1048
	erDataTooLong           = 1406
	erWarnDataOutOfRange    = 1264
	erTruncatedWrongValue   = 1292
	erWrongValueForField    = 1366
	erConCount              = 1040
	erServerShutdown        = 1053
	erQueryInterrupted      = 1317
	erConnectionKilled      = 1927
	erAccessDenied          = 1045
	erDBAccessDenied        = 1044
	erUnknownDB             = 1049
	erUnknownSystemVariable = 1193
	erWsrepNotReady         = 1047 // Galera: "WSREP has not yet prepared node for application use"
	erErrorDuringCommit     = 1180 // e.g. a Galera certification failure at COMMIT
	erServerGone            = 2006 // client-side codes, in case a proxy relays them
	erServerLost            = 2013
)

// RetryReason names a transient error for retry metrics (see
// sqlstore.RetryReasoner).
func (*dialect) RetryReason(err error) string {
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return ""
	}
	switch me.Number {
	case erLockDeadlock:
		return driver.RetryDeadlock
	case erLockWaitTimeout:
		return driver.RetryLockTimeout
	case erCheckpointRecord, erTiDBWriteConflict:
		return driver.RetrySerialization
	case erErrorDuringCommit:
		return "commit_failed"
	}
	return ""
}

func (*dialect) Classify(err error) sqlstore.ErrorClass {
	var (
		me      *mysql.MySQLError
		timeout *timeoutError
		tooMany *tooManyConnectionsError
	)
	switch {
	case errors.As(err, &timeout), errors.As(err, &tooMany):
		// The server does not answer, or has no room: running the
		// transaction again at once would only wait or be refused again.
		return sqlstore.ClassUnavailable
	}
	if errors.As(err, &me) {
		switch me.Number {
		case erDupEntry, erDupEntryWithKeyName:
			return sqlstore.ClassDuplicate
		case erLockWaitTimeout, erLockDeadlock, erCheckpointRecord, erTiDBWriteConflict, erErrorDuringCommit:
			return sqlstore.ClassTransient
		case erBadNull, erDataTooLong, erWarnDataOutOfRange, erTruncatedWrongValue, erWrongValueForField, erDataOutOfRange:
			return sqlstore.ClassInvalid
		case erConCount:
			// Refused for want of room, not lost: see connector.
			return sqlstore.ClassUnavailable
		case erServerShutdown, erConnectionKilled, erQueryInterrupted, erServerGone, erServerLost,
			erWsrepNotReady:
			return sqlstore.ClassConnectionLost
		case erAccessDenied, erAccessDeniedNoPw, erDBAccessDenied, erTableAccessDenied, erUnknownDB:
			return sqlstore.ClassUnavailable
		}
		return sqlstore.ClassOther
	}
	switch {
	case errors.Is(err, mysql.ErrNoTLS), sqlstore.TLSFailed(err):
		// TLS was refused or failed to authenticate: retrying will not help.
		return sqlstore.ClassUnavailable
	case errors.Is(err, mysql.ErrInvalidConn), sqlstore.ConnectionBroken(err):
		return sqlstore.ClassConnectionLost
	}
	return sqlstore.ClassOther
}

func (*dialect) GooseDialect() goose.Dialect { return goose.DialectMySQL }

func (*dialect) Migrations() fs.FS { return migrations.MySQL }

func (*dialect) MLMDMigrations() fs.FS { return migrations.MySQLMLMD }

func (*dialect) TransactionalDDL() bool { return false }

func (*dialect) TableNames(ctx context.Context, db *sql.DB) ([]string, error) {
	return sqlstore.QueryNames(ctx, db, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
}

// schemaLockTimeout is how long Open waits, in seconds, for another
// process that creates or checks the schema of the same database.
const schemaLockTimeout = 60

// LockSchema takes a named lock (GET_LOCK) for the database on a
// connection of its own: MySQL's DDL is not transactional, so a second
// process must not look at the schema while the first one is creating it.
// GET_LOCK is local to one server, so on a Galera node the lock is a row
// instead, see clusterLock.
func (d *dialect) LockSchema(ctx context.Context, db *sql.DB) (func(), error) {
	if d.galera {
		return clusterLock(ctx, db, d)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var got sql.NullInt64
	err = conn.QueryRowContext(ctx, "SELECT GET_LOCK(CONCAT('gomlmd:', SHA1(DATABASE())), ?)", schemaLockTimeout).Scan(&got)
	if err == nil && got.Int64 != 1 {
		err = fmt.Errorf("another process held the schema lock for %d seconds", schemaLockTimeout)
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "DO RELEASE_LOCK(CONCAT('gomlmd:', SHA1(DATABASE())))")
		conn.Close()
	}, nil
}

// idStrategy picks how multi-row INSERTs learn their ids on the server of
// this version string:
//
//   - MariaDB 10.5 and later: INSERT ... RETURNING id
//     (sqlstore.IDsReturning), which is right whatever the server's
//     settings.
//   - TiDB and Vitess: one statement per row (sqlstore.IDsOneByOne), see
//     idStrategy.
//   - MySQL, which has no RETURNING, and older MariaDB:
//     sqlstore.IDsConsecutive, which sqlstore confirms at the start of each
//     transaction that needs it with SessionIDs, from the session's own
//     settings. Nothing about them is kept between transactions, so a
//     server restarted with another innodb_autoinc_lock_mode, or a cluster
//     that changes auto_increment_increment, is followed at once.
//
// The version string is the only thing Open remembers about the server.
func idStrategy(version string) *dialect {
	v := strings.ToLower(version)
	switch {
	case mariaDBWithReturning(version):
		return &dialect{ids: sqlstore.IDsReturning, step: 1}
	case strings.Contains(v, "tidb"), strings.Contains(v, "vitess"):
		// TiDB allocates AUTO_INCREMENT ids from per-server ranges and
		// does not promise that one statement's are consecutive; Vitess
		// may route to a server whose settings the session query does not
		// show. One row per statement is right on both.
		return &dialect{ids: sqlstore.IDsOneByOne, step: 1}
	}
	return &dialect{ids: sqlstore.IDsConsecutive, step: 1}
}

// SessionIDs reads the session's innodb_autoinc_lock_mode and
// auto_increment_increment, see sessionStrategy.
func (*dialect) SessionIDs(ctx context.Context, q sqlstore.DBTX) (sqlstore.IDStrategy, int64, error) {
	var lockMode, step int64
	err := q.QueryRowContext(ctx, "SELECT @@innodb_autoinc_lock_mode, @@SESSION.auto_increment_increment").Scan(&lockMode, &step)
	if err != nil {
		return 0, 0, err
	}
	s, step := sessionStrategy(lockMode, step)
	return s, step, nil
}

// sessionStrategy is the id strategy for a session with these settings.
// Under innodb_autoinc_lock_mode 0 ("traditional") and 1 ("consecutive",
// MariaDB's and MySQL 5.7's default) InnoDB gives the rows of one
// multi-row INSERT consecutive ids, auto_increment_increment apart, and
// LAST_INSERT_ID() is the first; under 2 ("interleaved", MySQL 8's
// default) concurrent statements may interleave, so rows are inserted one
// statement each.
func sessionStrategy(lockMode, step int64) (sqlstore.IDStrategy, int64) {
	if lockMode <= 1 && step >= 1 {
		return sqlstore.IDsConsecutive, step
	}
	return sqlstore.IDsOneByOne, 1
}

// mariaDBWithReturning reports whether a VERSION() string is MariaDB 10.5
// or later, which has INSERT ... RETURNING.
func mariaDBWithReturning(version string) bool {
	if !strings.Contains(strings.ToLower(version), "mariadb") {
		return false
	}
	var major, minor int
	if _, err := fmt.Sscanf(version, "%d.%d", &major, &minor); err != nil {
		return false
	}
	return major > 10 || (major == 10 && minor >= 5)
}

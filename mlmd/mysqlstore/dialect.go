package mysqlstore

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strings"
	"syscall"

	"github.com/go-sql-driver/mysql"
	"github.com/pressly/goose/v3"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/migrations"
)

// dialect is MySQL's and MariaDB's sqlstore.Dialect. Its id strategy
// depends on the server, see detectIDStrategy.
type dialect struct {
	ids  sqlstore.IDStrategy
	step int64
}

var _ sqlstore.Dialect = (*dialect)(nil)

func (*dialect) Name() string { return "mysql" }

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

// LockingRead makes InnoDB take shared next-key locks on what a SELECT
// reads, as MLMD does when it looks a type up before inserting it.
func (*dialect) LockingRead() string { return " LOCK IN SHARE MODE" }

// MySQL and MariaDB error numbers.
const (
	erDupEntry            = 1062
	erDupEntryWithKeyName = 1586
	erLockWaitTimeout     = 1205
	erLockDeadlock        = 1213
	erCheckpointRecord    = 1020 // MariaDB: "Record has changed since last read" under snapshot isolation
	erBadNull             = 1048
	erDataTooLong         = 1406
	erWarnDataOutOfRange  = 1264
	erTruncatedWrongValue = 1292
	erWrongValueForField  = 1366
	erConCount            = 1040
	erServerShutdown      = 1053
	erQueryInterrupted    = 1317
	erConnectionKilled    = 1927
	erAccessDenied        = 1045
	erDBAccessDenied      = 1044
	erUnknownDB           = 1049
)

func (*dialect) Classify(err error) sqlstore.ErrorClass {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case erDupEntry, erDupEntryWithKeyName:
			return sqlstore.ClassDuplicate
		case erLockWaitTimeout, erLockDeadlock, erCheckpointRecord:
			return sqlstore.ClassTransient
		case erBadNull, erDataTooLong, erWarnDataOutOfRange, erTruncatedWrongValue, erWrongValueForField:
			return sqlstore.ClassInvalid
		case erConCount, erServerShutdown, erConnectionKilled, erQueryInterrupted,
			erAccessDenied, erDBAccessDenied, erUnknownDB:
			return sqlstore.ClassUnavailable
		}
		return sqlstore.ClassOther
	}
	var netErr net.Error
	switch {
	case errors.Is(err, sqldriver.ErrBadConn), errors.Is(err, mysql.ErrInvalidConn),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.As(err, &netErr):
		return sqlstore.ClassUnavailable
	}
	return sqlstore.ClassOther
}

func (*dialect) GooseDialect() goose.Dialect { return goose.DialectMySQL }

func (*dialect) Migrations() fs.FS { return migrations.MySQL }

func (*dialect) TableNames(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// schemaLockTimeout is how long Open waits, in seconds, for another
// process that creates or checks the schema of the same database.
const schemaLockTimeout = 60

// LockSchema takes a named lock (GET_LOCK) for the database on a
// connection of its own: MySQL's DDL is not transactional, so a second
// process must not look at the schema while the first one is creating it.
func (*dialect) LockSchema(ctx context.Context, db *sql.DB) (func(), error) {
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

// detectIDStrategy picks how multi-row INSERTs learn their ids on this
// server:
//
//   - innodb_autoinc_lock_mode 0 or 1 ("traditional", "consecutive"):
//     InnoDB gives the rows of one multi-row INSERT with a known row count
//     consecutive ids, auto_increment_increment apart, and LAST_INSERT_ID()
//     is the first; the ids follow from it (sqlstore.IDsConsecutive).
//     This is MariaDB's default and MySQL 5.7's.
//   - lock mode 2 ("interleaved", MySQL 8's default) does not promise
//     consecutive ids. On MariaDB 10.5 and later, INSERT ... RETURNING id
//     gives the ids (sqlstore.IDsReturning); on MySQL, which has no
//     RETURNING, rows are inserted one statement each
//     (sqlstore.IDsOneByOne).
func detectIDStrategy(ctx context.Context, db *sql.DB) (*dialect, error) {
	var lockMode, step int64
	var version string
	err := db.QueryRowContext(ctx, "SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment, VERSION()").Scan(&lockMode, &step, &version)
	if err != nil {
		return nil, err
	}
	return idStrategy(lockMode, step, version), nil
}

func idStrategy(lockMode, step int64, version string) *dialect {
	switch {
	case lockMode <= 1:
		return &dialect{ids: sqlstore.IDsConsecutive, step: step}
	case mariaDBWithReturning(version):
		return &dialect{ids: sqlstore.IDsReturning, step: step}
	}
	return &dialect{ids: sqlstore.IDsOneByOne, step: step}
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

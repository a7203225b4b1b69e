package postgresstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"

	"github.com/gomlmd/gomlmd/filterlang"
	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/migrations"
	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// dialect is PostgreSQL's sqlstore.Dialect.
type dialect struct{}

var _ sqlstore.GuardedWrapper = dialect{}

var (
	_ sqlstore.Dialect               = dialect{}
	_ sqlstore.DBWrapper             = dialect{}
	_ sqlstore.SnapshotLocks         = dialect{}
	_ sqlstore.RawProtos             = dialect{}
	_ sqlstore.OneRecursiveReference = dialect{}
)

func (dialect) Name() string { return "postgres" }

func (dialect) FilterDialect() filterlang.Dialect { return filterlang.PostgreSQL }

// MaxParams is below the 65535 parameters of one PostgreSQL statement (the
// wire protocol counts them in 16 bits).
func (dialect) MaxParams() int { return 60000 }

// InsertIDs: a SERIAL column takes its ids from a sequence, one nextval per
// row in the order of the VALUES rows, so the ids of one INSERT increase
// in row order (other transactions may take ids in between, which
// RETURNING does not mind). pgx has no LastInsertId.
func (dialect) InsertIDs() (sqlstore.IDStrategy, int64) { return sqlstore.IDsReturning, 1 }

func (dialect) Upsert(key, cols []string) string { return sqlstore.OnConflictUpsert(key, cols) }

func (dialect) IgnoreDuplicates(string) string { return " ON CONFLICT DO NOTHING" }

// LockingRead is FOR UPDATE. Transactions run at REPEATABLE READ (see
// Open); a row that another transaction changed after this one's snapshot
// makes FOR UPDATE fail with a serialization failure, which is retried.
func (dialect) LockingRead() string { return " FOR UPDATE" }

// PostgreSQL SQLSTATE codes the backend sorts (Appendix A of the manual).
const (
	stateUniqueViolation        = "23505"
	stateNotNullViolation       = "23502"
	stateCheckViolation         = "23514"
	stateStringTooLong          = "22001"
	stateNumericOutOfRange      = "22003"
	stateInvalidTextRep         = "22P02"
	stateCharNotInRepertoire    = "22021" // e.g. a NUL byte or invalid UTF-8 in text
	stateUntranslatableChar     = "22P05"
	stateSerializationFailure   = "40001"
	stateDeadlockDetected       = "40P01"
	stateLockNotAvailable       = "55P03"
	stateTooManyConnections     = "53300"
	stateAdminShutdown          = "57P01"
	stateCrashShutdown          = "57P02"
	stateCannotConnectNow       = "57P03"
	stateIdleSessionTimeout     = "57P05"
	stateInvalidPassword        = "28P01"
	stateInvalidAuthorization   = "28000"
	stateInvalidCatalogName     = "3D000" // unknown database
	stateInsufficientPrivilege  = "42501"
	classConnectionException    = "08"
	classInsufficientResources  = "53"
	classOperatorIntervention   = "57"
	classInvalidAuthorization   = "28"
	stateQueryCanceledByTimeout = "57014"
	stateInFailedTransaction    = "25P02"
	stateDuplicateDatabase      = "42P04"
	stateProgramLimitExceeded   = "54000" // e.g. an index row too large
)

// Explain says what was wrong with a request PostgreSQL refused as
// invalid (see sqlstore.Explainer), in words fit for the client, as the
// other backends do: PostgreSQL's own message names columns and types.
func (dialect) Explain(err error) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		if isEncodeRangeError(err) {
			return "a numeric value is out of range for its column"
		}
		return ""
	}
	switch pe.Code {
	case stateNumericOutOfRange:
		return "a numeric value is out of range (overflow in an expression, or a value beyond its column's type)"
	case stateStringTooLong:
		return "a value is too long for its column"
	case stateNotNullViolation:
		return "a required value is missing"
	case stateCheckViolation:
		return "a value is not allowed in its column"
	case stateInvalidTextRep:
		return "a value has the wrong form for its type"
	case stateCharNotInRepertoire, stateUntranslatableChar:
		return "a text value holds a character PostgreSQL cannot store (a NUL character or invalid UTF-8)"
	case stateProgramLimitExceeded:
		if strings.Contains(pe.Message, "index row") {
			return "a value is too large for PostgreSQL to index (a string property of more than about 2,700 bytes)"
		}
		return "the request is beyond one of PostgreSQL's limits"
	}
	return ""
}

// isEncodeRangeError reports pgx refusing, before sending it, a value its
// column's type cannot hold (an int property beyond 32 bits).
func isEncodeRangeError(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "greater than maximum value for") || strings.Contains(msg, "less than minimum value for")
}

// RetryReason names a transient error for retry metrics (see
// sqlstore.RetryReasoner).
func (dialect) RetryReason(err error) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return ""
	}
	switch pe.Code {
	case stateDeadlockDetected:
		return driver.RetryDeadlock
	case stateSerializationFailure:
		return driver.RetrySerialization
	case stateLockNotAvailable:
		return driver.RetryLockTimeout
	}
	return ""
}

func (dialect) Classify(err error) sqlstore.ErrorClass {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return classifyState(pe.Code)
	}
	msg := err.Error()
	switch {
	case sqlstore.TLSFailed(err), strings.Contains(msg, "server refused TLS connection"):
		// TLS was refused or failed to authenticate: retrying will not help.
		return sqlstore.ClassUnavailable
	case isEncodeRangeError(err):
		// pgx refuses to encode a value its column type cannot hold (an
		// int property beyond 32 bits) before sending it.
		return sqlstore.ClassInvalid
	case sqlstore.ConnectionBroken(err), pgconn.SafeToRetry(err), isClosedConn(err):
		return sqlstore.ClassConnectionLost
	}
	return sqlstore.ClassOther
}

// isClosedConn reports pgx's errors for a connection that broke earlier.
func isClosedConn(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "unexpected EOF")
}

func classifyState(code string) sqlstore.ErrorClass {
	switch code {
	case stateUniqueViolation:
		return sqlstore.ClassDuplicate
	case stateSerializationFailure, stateDeadlockDetected, stateLockNotAvailable:
		return sqlstore.ClassTransient
	case stateNotNullViolation, stateCheckViolation, stateStringTooLong, stateNumericOutOfRange,
		stateInvalidTextRep, stateCharNotInRepertoire, stateUntranslatableChar, stateProgramLimitExceeded:
		return sqlstore.ClassInvalid
	case stateInvalidPassword, stateInvalidAuthorization, stateInvalidCatalogName, stateInsufficientPrivilege:
		return sqlstore.ClassUnavailable
	case stateQueryCanceledByTimeout:
		return sqlstore.ClassOther
	}
	switch code[:2] {
	case classConnectionException, classInsufficientResources, classOperatorIntervention:
		// 08: connection exceptions; 53: too many connections, out of
		// memory or disk; 57: the server shuts down or ended the session
		// (57P01 admin shutdown, 57P02 crash, 57P03 starting up, 57P05 idle
		// timeout).
		return sqlstore.ClassConnectionLost
	case classInvalidAuthorization:
		return sqlstore.ClassUnavailable
	}
	return sqlstore.ClassOther
}

func (dialect) GooseDialect() goose.Dialect { return goose.DialectPostgres }

func (dialect) Migrations() fs.FS { return migrations.PostgreSQL }

func (dialect) MLMDMigrations() fs.FS { return migrations.PostgreSQLMLMD }

func (dialect) TransactionalDDL() bool { return true }

// TableNames lists the tables of the connection's current schema (the
// first schema of its search_path that exists, normally public), where
// MLMD creates its tables.
func (dialect) TableNames(ctx context.Context, db *sql.DB) ([]string, error) {
	return sqlstore.QueryNames(ctx, db, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
}

// schemaLockTimeout is how long Open waits for another process that
// creates or checks the schema of the same database.
const schemaLockTimeout = 60 * time.Second

// LockSchema takes a session-level advisory lock, keyed on the database
// and schema, on a connection of its own. PostgreSQL's DDL is
// transactional, but two processes creating the schema of an empty
// database at once would still both run CREATE TABLE IF NOT EXISTS and
// one would fail on the catalog's unique keys; with the lock, the second
// waits and then finds the schema made.
func (dialect) LockSchema(ctx context.Context, db *sql.DB) (func(), error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	lockCtx, cancel := context.WithTimeout(ctx, schemaLockTimeout)
	defer cancel()
	_, err = conn.ExecContext(lockCtx, "SELECT pg_advisory_lock(hashtextextended('gomlmd:' || current_database() || '.' || current_schema(), 0))")
	if err != nil {
		conn.Close()
		if lockCtx.Err() != nil && ctx.Err() == nil {
			return nil, fmt.Errorf("another process held the schema lock for %v", schemaLockTimeout)
		}
		return nil, err
	}
	return func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(hashtextextended('gomlmd:' || current_database() || '.' || current_schema(), 0))")
		conn.Close()
	}, nil
}

// SnapshotLocks: under REPEATABLE READ a locking read shows the
// snapshot's rows too; sqlstore then tells a stale conflict from the
// snapshot alone.
func (dialect) SnapshotLocks() {}

// OneRecursiveReference: a recursive CTE names itself once.
func (dialect) OneRecursiveReference() {}

// RawProtos: MLMD stores the serialized Any in proto_value (BYTEA).
func (dialect) RawProtos() {}

// WrapDB numbers the ? placeholders of every statement sqlstore runs
// (PostgreSQL takes $1, $2, ...), see pgDB for the rest. Its transactions
// run without savepoints.
func (dialect) WrapDB(db sqlstore.DBTX) sqlstore.DBTX {
	return &pgDB{DBTX: sqlstore.DollarPlaceholders(db), inTx: sqlstore.IsTx(db)}
}

// WrapDBGuarded is WrapDB with a savepoint around each INSERT and UPDATE
// of a transaction, see sqlstore.GuardedWrapper.
func (dialect) WrapDBGuarded(db sqlstore.DBTX) sqlstore.DBTX {
	return &pgDB{DBTX: sqlstore.DollarPlaceholders(db), inTx: sqlstore.IsTx(db), guarded: true}
}

// NeedsGuard reports whether err says that a statement found its
// transaction aborted by an earlier failed one (or that COMMIT rolled it
// back for that reason): the caller went on after a failure, which only a
// guarded transaction allows.
func (dialect) NeedsGuard(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == stateInFailedTransaction || errors.Is(err, pgx.ErrTxCommitRollback)
}

// pgDB runs sqlstore's statements on PostgreSQL.
//
// Guarded, in a transaction, it runs each INSERT and UPDATE under a
// savepoint. PostgreSQL aborts the whole transaction at the first failed
// statement, while sqlstore, after a unique key violation, still reads in
// the same transaction (to tell a stale conflict from a duplicate, see
// sqlstore.SnapshotLocks, and for MLMD's messages): rolling back to the
// savepoint undoes the failed statement alone and keeps the transaction
// usable. The savepoint is released, or rolled back to, just before the
// next statement, or by the end of the transaction, so that an INSERT ...
// RETURNING whose error comes with its rows is covered too. The savepoint
// costs two round trips per write, so transactions run unguarded first,
// and guarded only when one went on after a failure (see
// sqlstore.GuardedWrapper).
//
// A read whose argument does not fit the 32-bit column it is compared with
// (an id of 2^40 asked for) is run with the argument clamped to the 32-bit
// range, which compares with every stored value the same way (MLMD's
// SERIAL ids stop below 2^31): pgx refuses to send such a value for an
// INT parameter, where MySQL and SQLite simply find no row.
type pgDB struct {
	sqlstore.DBTX
	inTx    bool
	guarded bool // savepoints around writes
	open    bool // a savepoint awaits release or rollback
}

const savepointName = "gomlmd_stmt"

// settle releases the open savepoint, or, if the statement it guards
// failed (the transaction is aborted), rolls back to it.
func (p *pgDB) settle(ctx context.Context) error {
	if !p.open {
		return nil
	}
	p.open = false
	_, err := p.DBTX.ExecContext(ctx, "RELEASE SAVEPOINT "+savepointName)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == stateInFailedTransaction {
		_, err = p.DBTX.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+savepointName)
		if err == nil {
			_, err = p.DBTX.ExecContext(ctx, "RELEASE SAVEPOINT "+savepointName)
		}
	}
	return err
}

// before settles the open savepoint and opens one for query if it writes.
func (p *pgDB) before(ctx context.Context, query string) error {
	if !p.inTx || !p.guarded {
		return nil
	}
	if err := p.settle(ctx); err != nil {
		return err
	}
	if !startsWith(query, "INSERT") && !startsWith(query, "UPDATE") {
		return nil
	}
	if _, err := p.DBTX.ExecContext(ctx, "SAVEPOINT "+savepointName); err != nil {
		return err
	}
	p.open = true
	return nil
}

// startsWith reports whether query's first word, after comments (sqlc
// starts its queries with "-- name: ..."), is word, in any case.
func startsWith(query, word string) bool {
	q := query
	for {
		q = strings.TrimLeft(q, " \t\r\n")
		switch {
		case strings.HasPrefix(q, "--"):
			_, q, _ = strings.Cut(q, "\n")
			continue
		case strings.HasPrefix(q, "/*"):
			_, q, _ = strings.Cut(q, "*/")
			continue
		}
		return len(q) >= len(word) && strings.EqualFold(q[:len(word)], word)
	}
}

func (p *pgDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := p.before(ctx, query); err != nil {
		return nil, err
	}
	return p.DBTX.ExecContext(ctx, query, args...)
}

func (p *pgDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := p.before(ctx, query); err != nil {
		return nil, err
	}
	rows, _, err := p.query(ctx, query, args)
	return rows, err
}

// query runs a query, clamping the arguments of a read that pgx cannot
// send as 32-bit integers; it returns the arguments it ran with.
func (p *pgDB) query(ctx context.Context, query string, args []any) (*sql.Rows, []any, error) {
	for range len(args) + 1 {
		rows, err := p.DBTX.QueryContext(ctx, query, args...)
		if err == nil || !startsWith(query, "SELECT") && !startsWith(query, "WITH") {
			return rows, args, err
		}
		m := int4Overflow.FindStringSubmatch(err.Error())
		if m == nil {
			return rows, args, err
		}
		v, perr := strconv.ParseInt(m[1], 10, 64)
		if perr != nil {
			return rows, args, err
		}
		args = clamped(args, v)
	}
	return nil, args, fmt.Errorf("postgresstore: arguments still out of range after clamping")
}

// int4Overflow matches pgx's refusal to send a value as an INT parameter.
var int4Overflow = regexp.MustCompile(`unable to encode (-?\d+) into \w+ format for int4 `)

// clamped returns args with every int64 equal to v clamped to the int32
// range.
func clamped(args []any, v int64) []any {
	out := slices.Clone(args)
	for i, a := range out {
		if n, ok := a.(int64); ok && n == v {
			out[i] = min(max(n, math.MinInt32), math.MaxInt32)
		}
	}
	return out
}

func (p *pgDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if err := p.before(ctx, query); err != nil {
		// The statement then fails the same way, on the broken or aborted
		// transaction; a *sql.Row cannot be made from an error.
		_ = err
	}
	if slices.ContainsFunc(args, func(a any) bool { n, ok := a.(int64); return ok && int64(int32(n)) != n }) {
		// Rare: find out which arguments the read can be sent with.
		if rows, fixed, err := p.query(ctx, query, args); err == nil {
			rows.Close()
			args = fixed
		}
	}
	return p.DBTX.QueryRowContext(ctx, query, args...)
}

func (p *pgDB) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	if p.inTx && p.guarded {
		if err := p.settle(ctx); err != nil {
			return nil, err
		}
	}
	return p.DBTX.PrepareContext(ctx, query)
}

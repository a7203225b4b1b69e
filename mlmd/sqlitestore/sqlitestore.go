// Package sqlitestore is gomlmd's SQLite backend, over the pure-Go driver
// modernc.org/sqlite. Importing it registers the backend with package mlmd
// as "sqlite":
//
//	import _ "github.com/gomlmd/gomlmd/mlmd/sqlitestore"
//
//	store, err := mlmd.Open(ctx, "sqlite", "file:mlmd.db", nil)
//
// # DSNs
//
//   - ":memory:" or "file::memory:" (or any file: URI with mode=memory): a
//     private in-memory database, gone when the store is closed, like
//     MLMD's fake database. It lives on a single connection, so calls on
//     the store run one at a time.
//   - "file:path/to/mlmd.db" or a plain path: a database file, created if
//     missing. Unless the DSN says otherwise, the file is put in WAL mode
//     (readers and a writer do not block each other), waits up to 10
//     seconds for a lock (busy_timeout), and write transactions start with
//     BEGIN IMMEDIATE, so that a transaction never fails half-way because
//     another writer got in first.
//   - "file:path/to/mlmd.db?mode=ro": the file read-only (MLMD's
//     connection_mode READONLY). The journal mode is left alone, the
//     connection refuses writes (_query_only), the schema must be there
//     (it is checked, not created), and write calls fail with
//     FailedPrecondition. A WAL file whose -shm file is missing, in a
//     directory the process cannot write, is opened as immutable=1: it
//     must then not change while the store is open.
//
// A file that holds tables and none of MLMD's is refused with
// FailedPrecondition naming them, unless the DSN has
// allow_foreign_tables=true, which adds MLMD's tables to it.
//
// # Errors of Open
//
// A missing directory, or a missing file in read-only mode, is NotFound;
// a file that is not a SQLite database FailedPrecondition; a file or
// directory without the needed permissions PermissionDenied; a database
// locked by another process Unavailable. Messages leave the file name to
// the wrapped cause.
//
// The DSN may carry modernc.org/sqlite's parameters (_pragma=...,
// _txlock=..., ...); those given win over the defaults above.
//
// # Concurrency
//
// Many goroutines and many processes may use one file at once. Writers of
// one store queue in the process, and those that wait at the same time
// share one SQLite transaction, each in a savepoint of its own, with one
// COMMIT and one fsync for all (group commit); a call returns only after
// that COMMIT, and a call that fails is rolled back alone. Durability is
// SQLite's synchronous=FULL: a call that returned survives a power loss.
// The DSN may set _pragma=synchronous(NORMAL) for fewer fsyncs in WAL mode,
// at the price of losing the last commits (never consistency) on power
// loss. Writers of different processes queue in SQLite (busy_timeout),
// and take the file between groups; a transaction that still finds the
// database busy is rolled back and run again (see mlmd.Options.MaxRetries).
// Read-only transactions run concurrently with each other and with a
// writer, on a pool of at most 1 + max(8, 2·GOMAXPROCS) connections that
// are kept open (a new connection reads the schema and prepares its
// statements anew); the writer keeps one of them, whose temp_store is
// MEMORY unless the DSN sets temp_store (the savepoints' journals stay in
// memory).
package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"os"
	"runtime"
	"strings"

	"modernc.org/sqlite" // registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// busyTimeoutMillis is how long a connection waits for another one's lock.
const busyTimeoutMillis = "10000"

// Driver is the SQLite driver.Driver, registered as "sqlite". The zero
// value is ready to use.
type Driver struct{}

func init() { mlmd.Register("sqlite", Driver{}) }

// Open opens the database that dsn names (see the package documentation)
// and prepares its schema, see driver.Driver.
func (Driver) Open(ctx context.Context, dsn string, opts *driver.OpenOptions) (driver.Conn, error) {
	opts = sqlstore.OrZero(opts)
	db, memory, err := openDB(dsn)
	if err != nil {
		return nil, err
	}
	set, err := parseSettings(dsn)
	if err != nil {
		db.Close()
		return nil, err
	}
	tables, err := firstLook(ctx, db)
	if err != nil && set.readOnly && set.immutableOK && needsShm(err) && fileExists(set.file) {
		// A WAL database whose -shm file is missing cannot be read
		// without creating it (SQLITE_READONLY_DIRECTORY, or CANTOPEN);
		// in a directory the process cannot write, the file can only be
		// read as immutable (see the package documentation).
		db.Close()
		if db, _, err = openDB(addParam(dsn, "immutable", "1")); err != nil {
			return nil, err
		}
		tables, err = firstLook(ctx, db)
	}
	if err != nil {
		db.Close()
		return nil, openError(err, set)
	}
	if !set.allowForeign {
		if err := checkForeignTables(tables); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := sqlstore.PrepareSchema(ctx, db, dialect{}, schemaOptions(opts, set.readOnly)); err != nil {
		db.Close()
		if hasSQLiteError(err) {
			return nil, openError(err, set)
		}
		return nil, errcode.Annotate(err, "sqlitestore: prepare the schema")
	}
	conn := sqlstore.New(sqlstore.Config{
		DB:              db,
		Dialect:         dialect{},
		MaxRetries:      opts.MaxRetries,
		OnRetry:         opts.OnRetry,
		SerializeWrites: !memory,
		GroupCommit:     !memory && !set.readOnly,
		GroupConnSetup:  writerSetup(dsn),
	})
	if set.readOnly {
		return readOnlyConn{conn}, nil
	}
	return conn, nil
}

// writerSetup are the settings of the group commit's connection. Each
// call of a group runs in a savepoint, and SQLite keeps the pages a
// savepoint changes in a statement journal, which spills from memory to a
// temporary file (a write system call per page) beyond 64 KiB;
// temp_store=MEMORY keeps it in memory. The readers keep the default, so
// that the sorts of large reads may still go to disk. A DSN that sets
// temp_store itself is left alone.
func writerSetup(dsn string) []string {
	_, rawQuery, _ := strings.Cut(dsn, "?")
	if q, err := url.ParseQuery(rawQuery); err == nil && hasPragma(q, "temp_store") {
		return nil
	}
	return []string{"PRAGMA temp_store = MEMORY"}
}

// firstLook opens the database file and lists its tables, which reads
// the file's header and schema.
func firstLook(ctx context.Context, db *sql.DB) ([]string, error) {
	if err := db.PingContext(ctx); err != nil {
		return nil, err
	}
	return sqliteTables(ctx, db)
}

// needsShm reports whether err is SQLite's failure to open a WAL
// database read-only because its shared-memory file cannot be made.
func needsShm(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.Code() == sqlite3.SQLITE_READONLY_DIRECTORY || se.Code() == sqlite3.SQLITE_READONLY_CANTINIT ||
		se.Code()&0xff == sqlite3.SQLITE_CANTOPEN
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// addParam adds name=value to the parameters of dsn.
func addParam(dsn, name, value string) string {
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + url.QueryEscape(name) + "=" + url.QueryEscape(value)
}

// Open opens the store of the SQLite database that dsn names (see the
// package documentation), as mlmd.Open(ctx, "sqlite", dsn, opts) does.
func Open(ctx context.Context, dsn string, opts *mlmd.Options) (*mlmd.Store, error) {
	s, err := mlmd.OpenConnector(ctx, connector(dsn), opts)
	if err != nil {
		return nil, errcode.Annotate(err, "mlmd: open sqlite store")
	}
	return s, nil
}

// connector is the driver.Connector of a DSN.
type connector string

func (c connector) Connect(ctx context.Context, opts *driver.OpenOptions) (driver.Conn, error) {
	return Driver{}.Open(ctx, string(c), opts)
}

// OpenDB opens dsn with database/sql and the connection settings that
// Driver.Open uses (WAL, busy timeout, BEGIN IMMEDIATE for writes; one
// connection for an in-memory database), without touching the schema. It
// is meant for tests and benchmarks that compare gomlmd with plain SQL on
// the same file.
func OpenDB(dsn string) (*sql.DB, error) {
	db, _, err := openDB(dsn)
	return db, err
}

func openDB(dsn string) (db *sql.DB, memory bool, err error) {
	connDSN, memory, err := connString(dsn)
	if err != nil {
		return nil, false, err
	}
	// Each connection keeps its prepared statements (modernc.org/sqlite
	// prepares every statement anew otherwise).
	db = sql.OpenDB(sqlstore.CachingConnector(sqlstore.DSNConnector{DSN: connDSN, Drv: &sqlite.Driver{}}, 0))
	if memory {
		// Every connection to :memory: is a database of its own: keep
		// exactly one, forever.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	} else {
		// Connections are kept, not closed when idle: a new one costs
		// opening the file, reading the schema and preparing every
		// statement again. database/sql keeps only two idle by default,
		// so that concurrent calls would open and close connections all
		// the time.
		n := poolSize()
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
	}
	return db, memory, nil
}

// poolSize is the most connections of a database file: one for the
// writer (the group commit keeps it) and the readers'. SQLite's readers
// compute in the calling goroutine, so more of them than the process has
// threads to run them add waiting, not throughput; a few more than that
// cover the reads that wait for the disk.
func poolSize() int {
	return 1 + max(8, 2*runtime.GOMAXPROCS(0))
}

// connString turns a gomlmd SQLite DSN into modernc.org/sqlite's, adding
// the default parameters, and reports whether it names an in-memory
// database.
func connString(dsn string) (string, bool, error) {
	if dsn == "" {
		return "", false, errcode.New(errcode.InvalidArgument, "sqlitestore: empty DSN (use \":memory:\" or a file name)")
	}
	name, rawQuery, _ := strings.Cut(dsn, "?")
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", false, errcode.Wrap(errcode.InvalidArgument, err, "sqlitestore: bad DSN parameters in %q", dsn)
	}
	memory := name == ":memory:" || name == "file::memory:" || query.Get("mode") == "memory"
	if name == "file:" || name == "" {
		return "", false, errcode.New(errcode.InvalidArgument, "sqlitestore: DSN %q names no file", dsn)
	}
	if !hasPragma(query, "busy_timeout") && query.Get("_busy_timeout") == "" && query.Get("_timeout") == "" {
		query.Add("_pragma", "busy_timeout("+busyTimeoutMillis+")")
	}
	query.Del(allowForeignTablesParam)
	if query.Get("_txlock") == "" {
		query.Set("_txlock", "immediate")
	}
	if query.Get("mode") == "ro" {
		// Read-only: no journal mode switch (it writes the file header),
		// and the connection itself refuses writes.
		if query.Get("_query_only") == "" {
			query.Set("_query_only", "1")
		}
	} else if !memory && !hasPragma(query, "journal_mode") && query.Get("_journal_mode") == "" && query.Get("_journal") == "" {
		query.Add("_pragma", "journal_mode(WAL)")
	}
	return name + "?" + query.Encode(), memory, nil
}

// hasPragma reports whether the DSN parameters set the named pragma.
func hasPragma(query url.Values, name string) bool {
	for _, p := range query["_pragma"] {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(p)), name) {
			return true
		}
	}
	return false
}

// schemaOptions are the schema options of opts; a read-only database is
// only checked.
func schemaOptions(opts *driver.OpenOptions, readOnly bool) sqlstore.SchemaOptions {
	so := sqlstore.SchemaOptionsOf(opts)
	so.SkipMigrations = so.SkipMigrations || readOnly
	return so
}

// Downgrade takes the schema of the SQLite database that dsn names down to
// MLMD schema version toVersion, as mlmd.Downgrade(ctx, "sqlite", dsn,
// toVersion, opts) does.
func Downgrade(ctx context.Context, dsn string, toVersion int64, opts *mlmd.Options) error {
	err := mlmd.DowngradeConnector(ctx, connector(dsn), toVersion, opts)
	return errcode.Annotate(err, "mlmd: downgrade the sqlite schema")
}

// InspectSchema reports the MLMD schema version of the SQLite database that
// dsn names, as mlmd.InspectSchema(ctx, "sqlite", dsn, opts) does.
func InspectSchema(ctx context.Context, dsn string, opts *mlmd.Options) (mlmd.SchemaState, error) {
	st, err := mlmd.InspectSchemaConnector(ctx, connector(dsn), opts)
	return st, errcode.Annotate(err, "mlmd: inspect the sqlite schema")
}

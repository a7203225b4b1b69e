package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// allowForeignTablesParam is the DSN parameter that lets Open add MLMD's
// schema to a database that holds other tables and none of MLMD's.
const allowForeignTablesParam = "allow_foreign_tables"

// dsnSettings are the settings of a DSN that Open itself acts on.
type dsnSettings struct {
	file         string // the file name, without "file:" and parameters
	readOnly     bool   // mode=ro
	allowForeign bool   // allow_foreign_tables=true
	immutableOK  bool   // no immutable parameter given: Open may add it
	memory       bool
}

// parseSettings reads the DSN parameters that Open acts on; connString
// has checked the DSN.
func parseSettings(dsn string) (dsnSettings, error) {
	name, rawQuery, _ := strings.Cut(dsn, "?")
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return dsnSettings{}, errcode.Wrap(errcode.InvalidArgument, err, "sqlitestore: bad DSN parameters")
	}
	s := dsnSettings{
		readOnly:    q.Get("mode") == "ro",
		immutableOK: !q.Has("immutable"),
		memory:      name == ":memory:" || name == "file::memory:" || q.Get("mode") == "memory",
	}
	if v := q.Get(allowForeignTablesParam); v != "" {
		if s.allowForeign, err = strconv.ParseBool(v); err != nil {
			return dsnSettings{}, errcode.New(errcode.InvalidArgument, "sqlitestore: DSN parameter %s=%q is not a boolean", allowForeignTablesParam, v)
		}
	}
	s.file = strings.TrimPrefix(name, "file:")
	if u, err := url.PathUnescape(s.file); err == nil {
		s.file = u
	}
	return s, nil
}

// readOnlyConn is the store of a database opened with mode=ro: it refuses
// write transactions with FailedPrecondition before they reach SQLite.
type readOnlyConn struct{ *sqlstore.Conn }

func (c readOnlyConn) InTx(ctx context.Context, opts driver.TxOptions, fn func(tx driver.Tx) error) error {
	if !opts.ReadOnly {
		return errcode.New(errcode.FailedPrecondition,
			"sqlitestore: the store is read-only (SQLite opened with connection_mode READONLY, mode=ro): writes are refused")
	}
	return c.Conn.InTx(ctx, opts, fn)
}

// sqliteTables lists the tables of the database that are not SQLite's own.
func sqliteTables(ctx context.Context, db *sql.DB) ([]string, error) {
	names, err := dialect{}.TableNames(ctx, db)
	if err != nil {
		return nil, err
	}
	out := names[:0]
	for _, n := range names {
		if !strings.HasPrefix(strings.ToLower(n), "sqlite_") {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// mlmdMarkerTables are tables of every MLMD schema version; a database
// with one of them is (or was meant to be) an MLMD database, and
// PrepareSchema judges it.
var mlmdMarkerTables = []string{"mlmdenv", "type", "artifact", "execution", "context", "event"}

// checkForeignTables refuses a database that holds tables and none of
// MLMD's: adding MLMD's schema to another application's database is
// almost always a wrong file name.
func checkForeignTables(tables []string) error {
	var foreign []string
	for _, t := range tables {
		l := strings.ToLower(t)
		if slices.Contains(mlmdMarkerTables, l) {
			return nil
		}
		if l != strings.ToLower(sqlstore.GooseTable) {
			foreign = append(foreign, t)
		}
	}
	if len(foreign) == 0 {
		return nil
	}
	const most = 10
	list := strings.Join(foreign[:min(len(foreign), most)], ", ")
	if len(foreign) > most {
		list += fmt.Sprintf(" and %d more", len(foreign)-most)
	}
	return errcode.New(errcode.FailedPrecondition,
		"sqlitestore: the database is not an MLMD database: it holds other tables (%s) and none of MLMD's; "+
			"open it with the DSN parameter %s=true to add MLMD's tables to it", list, allowForeignTablesParam)
}

// openError gives an error met while opening the file its code: the
// message says what is wrong; the file name and SQLite's own message stay
// in the cause.
func openError(err error, s dsnSettings) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var coded *errcode.Error
	if errors.As(err, &coded) && !hasSQLiteError(err) {
		return err
	}
	cause := fmt.Errorf("%q: %w", s.file, err)
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return errcode.Wrap(errcode.FailedPrecondition, cause, "sqlitestore: the file is not a SQLite database")
		case sqlite3.SQLITE_CORRUPT:
			return errcode.Wrap(errcode.DataLoss, cause, "sqlitestore: the database file is corrupt")
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH:
			return errcode.Wrap(errcode.PermissionDenied, cause,
				"sqlitestore: the database file cannot be written (use connection_mode READONLY, mode=ro, to open it read-only)")
		case sqlite3.SQLITE_CANTOPEN:
			return cantOpen(cause, s)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return errcode.Wrap(errcode.Unavailable, cause, "sqlitestore: the database is locked by another process")
		}
	}
	return errcode.Wrap(errcode.Internal, cause, "sqlitestore: open the database")
}

// cantOpen explains SQLITE_CANTOPEN from what the file system says.
func cantOpen(cause error, s dsnSettings) error {
	dir := filepath.Dir(s.file)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return errcode.Wrap(errcode.NotFound, cause, "sqlitestore: the database file's directory does not exist")
	}
	if _, err := os.Stat(s.file); errors.Is(err, os.ErrNotExist) {
		if s.readOnly {
			return errcode.Wrap(errcode.NotFound, cause, "sqlitestore: the database file does not exist (a read-only store is not created)")
		}
		return errcode.Wrap(errcode.PermissionDenied, cause, "sqlitestore: the database file cannot be created in its directory")
	} else if errors.Is(err, os.ErrPermission) {
		return errcode.Wrap(errcode.PermissionDenied, cause, "sqlitestore: the database file cannot be accessed")
	}
	return errcode.Wrap(errcode.PermissionDenied, cause, "sqlitestore: the database file cannot be opened (check its permissions and its directory's)")
}

func hasSQLiteError(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se)
}

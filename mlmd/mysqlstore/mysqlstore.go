// Package mysqlstore is gomlmd's MySQL and MariaDB backend, over
// github.com/go-sql-driver/mysql. Importing it registers the backend with
// package mlmd as "mysql":
//
//	import _ "github.com/gomlmd/gomlmd/mlmd/mysqlstore"
//
//	store, err := mlmd.Open(ctx, "mysql", "user:password@tcp(db:3306)/mlmd")
//
// The schema is MLMD's version 10 for MySQL, on InnoDB; a database that
// MLMD made at version 10 is used as it is.
//
// # DSNs
//
// The DSN is go-sql-driver/mysql's
// (https://github.com/go-sql-driver/mysql#dsn-data-source-name) and must
// name a database. Open creates the database if it does not exist, as MLMD
// does, unless the DSN has the parameter skip_db_creation=true (MLMD's
// MySQLDatabaseConfig.skip_db_creation), which the backend removes before
// connecting. Open sets clientFoundRows, which the backend relies on.
//
// # Concurrency
//
// A store may be used by many goroutines and many processes at once.
// Transactions that the server aborts as deadlocked or that time out
// waiting for a lock are run again (see mlmd.Options.MaxRetries). Open
// serializes schema creation between processes with a named lock
// (GET_LOCK).
//
// # Limits of MLMD's MySQL schema
//
// The schema is MLMD's, column for column, so it has MLMD's limits: int
// properties are stored in a 32-bit INT column, and an int property
// outside [-2^31, 2^31-1] is refused with InvalidArgument (SQLite stores
// 64 bits); string properties hold up to 16 MiB (MEDIUMTEXT); names, type
// versions and external ids up to 255 characters.
//
// # Ids of multi-row inserts
//
// Rows are inserted many per statement. How their ids are learnt depends
// on the server's innodb_autoinc_lock_mode, read when the store opens; see
// detectIDStrategy.
package mysqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

func init() { mlmd.Register("mysql", Driver{}) }

// Driver is the MySQL driver.Driver. The zero value is ready to use.
type Driver struct{}

var _ driver.Driver = Driver{}

// skipDBCreationParam is the DSN parameter that turns off CREATE DATABASE.
const skipDBCreationParam = "skip_db_creation"

// Open connects to the database that dsn names (see the package
// documentation), creating it if needed, and prepares its schema, see
// driver.Driver.
func (Driver) Open(ctx context.Context, dsn string, opts *driver.OpenOptions) (driver.Conn, error) {
	if opts == nil {
		opts = &driver.OpenOptions{}
	}
	cfg, skipCreate, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	probe := &dialect{}
	if !skipCreate {
		if err := createDatabase(ctx, cfg); err != nil {
			return nil, dbError(probe, err, "create database %q", cfg.DBName)
		}
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, err, "mysqlstore: bad DSN")
	}
	db := sql.OpenDB(connector)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, dbError(probe, err, "connect to database %q", cfg.DBName)
	}
	d, err := detectIDStrategy(ctx, db)
	if err != nil {
		db.Close()
		return nil, dbError(probe, err, "read server settings")
	}
	if err := sqlstore.PrepareSchema(ctx, db, d, opts.SkipMigrations); err != nil {
		db.Close()
		return nil, errcode.Annotate(err, "mysqlstore: database %q", cfg.DBName)
	}
	return sqlstore.New(sqlstore.Config{
		DB:         db,
		Dialect:    d,
		Engine:     engine,
		MaxRetries: opts.MaxRetries,
	}), nil
}

// parseDSN parses a go-sql-driver DSN, takes out the backend's own
// parameters, and sets the connection options the backend relies on.
func parseDSN(dsn string) (cfg *mysql.Config, skipCreate bool, err error) {
	cfg, err = mysql.ParseDSN(dsn)
	if err != nil {
		return nil, false, errcode.Wrap(errcode.InvalidArgument, err, "mysqlstore: bad DSN")
	}
	if cfg.DBName == "" {
		return nil, false, errcode.New(errcode.InvalidArgument, "mysqlstore: the DSN names no database (user@tcp(host:3306)/dbname)")
	}
	if v, ok := cfg.Params[skipDBCreationParam]; ok {
		delete(cfg.Params, skipDBCreationParam)
		if skipCreate, err = strconv.ParseBool(v); err != nil {
			return nil, false, errcode.New(errcode.InvalidArgument, "mysqlstore: %s=%q is not a boolean", skipDBCreationParam, v)
		}
	}
	// UpdateType counts matched rows, not changed ones.
	cfg.ClientFoundRows = true
	return cfg, skipCreate, nil
}

// createDatabase runs CREATE DATABASE IF NOT EXISTS for cfg's database on
// a connection that names no database.
func createDatabase(ctx context.Context, cfg *mysql.Config) error {
	server := cfg.Clone()
	server.DBName = ""
	connector, err := mysql.NewConnector(server)
	if err != nil {
		return err
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	_, err = db.ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS "+quoteIdent(cfg.DBName))
	return err
}

// quoteIdent quotes a MySQL identifier.
func quoteIdent(s string) string {
	return "`" + strings.ReplaceAll(s, "`", "``") + "`"
}

// dbError gives an error met while opening its code.
func dbError(d *dialect, err error, what string, args ...any) error {
	code := errcode.Internal
	switch d.Classify(err) {
	case sqlstore.ClassUnavailable:
		code = errcode.Unavailable
	case sqlstore.ClassTransient:
		code = errcode.Aborted
	}
	return errcode.Wrap(code, err, "mysqlstore: "+what, args...)
}

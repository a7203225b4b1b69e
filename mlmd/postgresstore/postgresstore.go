// Package postgresstore is gomlmd's PostgreSQL backend, over pgx
// (github.com/jackc/pgx/v5, through database/sql). Importing it registers
// the backend with package mlmd as "postgres":
//
//	import _ "github.com/gomlmd/gomlmd/mlmd/postgresstore"
//
//	store, err := mlmd.Open(ctx, "postgres", "host=db port=5432 user=mlmd dbname=mlmd", nil)
//
// or, from the fields of MLMD's PostgreSQLDatabaseConfig, with Config and
// Open.
//
// The schema is MLMD's version 10 for PostgreSQL; a database that MLMD
// made at version 10 is used as it is (MLMD's table names are unquoted, so
// lower case; gomlmd's SQL names them unquoted too).
//
// # DSNs
//
// The DSN is libpq's, as pgx reads it: keyword/value pairs
// ("host=db user=mlmd dbname=mlmd sslmode=verify-full") or a URL
// ("postgres://mlmd@db:5432/mlmd?sslmode=verify-full"), and must name a
// database. Open creates the database if it does not exist, as MLMD does,
// unless the DSN has skip_db_creation=true (MLMD's
// PostgreSQLDatabaseConfig.skip_db_creation). These parameters of the
// backend's own set up the connection pool (see database/sql.DB):
//
//	max_open_conns=N        most open connections; default 0, no limit
//	max_idle_conns=N        most idle connections kept; default 16
//	conn_max_lifetime=D     close connections older than D; default 3m
//	conn_max_idle_time=D    close connections idle for D; default 1m
//
// # Concurrency
//
// Many stores, in many processes, may share one database. Transactions
// run at REPEATABLE READ (Open sets default_transaction_isolation on every
// connection). Transactions that fail with a serialization failure or a
// deadlock (SQLSTATE 40001, 40P01) are run again (see
// mlmd.Options.MaxRetries), and so are transactions whose connection broke
// before they committed; a broken connection is replaced. Open serializes
// schema creation between processes with an advisory lock. docs/postgres.md
// has the details.
//
// # Limits of MLMD's PostgreSQL schema
//
// The schema is MLMD's, column for column: ids and int properties are
// 32-bit INT columns, and an int property outside [-2^31, 2^31-1] is
// refused with InvalidArgument; names, type versions and external ids hold
// up to 255 characters; text cannot hold a NUL character.
package postgresstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// isolation is the transaction isolation of every connection; see the
// package documentation.
const isolation = "repeatable read"

// openDB connects to the database of cfg, creating it first unless
// o.skipCreate. The statements sqlstore runs on the pool are written with
// ? placeholders, which the dialect's WrapDB numbers; goose's use $n.
func openDB(ctx context.Context, cfg *pgx.ConnConfig, maintenance *pgx.ConnConfig, o options) (*sql.DB, error) {
	if !o.skipCreate {
		if err := createDatabase(ctx, maintenance, cfg.Database); err != nil {
			return nil, dbError(err, "create %s", describe(cfg))
		}
	}
	cfg = cfg.Copy()
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	if _, ok := cfg.RuntimeParams["default_transaction_isolation"]; !ok {
		cfg.RuntimeParams["default_transaction_isolation"] = isolation
	}
	// A first connection made directly, to report why the server refuses
	// (database/sql's ping only says "bad connection").
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, dbError(err, "connect to %s", describe(cfg))
	}
	conn.Close(ctx)
	db := sql.OpenDB(stdlib.GetConnector(*cfg))
	db.SetMaxOpenConns(o.maxOpenConns)
	db.SetMaxIdleConns(o.maxIdleConns)
	db.SetConnMaxLifetime(o.connMaxLifetime)
	db.SetConnMaxIdleTime(o.connMaxIdleTime)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, dbError(err, "connect to %s", describe(cfg))
	}
	return db, nil
}

// createDatabase creates database name, unless it exists, on a connection
// to the maintenance database, as MLMD does: MLMD looks for the name in
// pg_database and runs CREATE DATABASE when it is missing. Two processes
// that do so at once race; the loser's duplicate error is ignored.
func createDatabase(ctx context.Context, maintenance *pgx.ConnConfig, name string) error {
	conn, err := pgx.ConnectConfig(ctx, maintenance)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+quoteIdent(name))
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == stateDuplicateDatabase || pe.Code == stateUniqueViolation) {
		return nil // another process created it meanwhile
	}
	return err
}

func classifyErr(err error) sqlstore.ErrorClass {
	if err == nil {
		return sqlstore.ClassOther
	}
	return dialect{}.Classify(err)
}

// maintenanceConfig is cfg for the database "postgres", which Open
// connects to for CREATE DATABASE.
func maintenanceConfig(cfg *pgx.ConnConfig) *pgx.ConnConfig {
	m := cfg.Copy()
	m.Database = "postgres"
	return m
}

// prepare opens the pool and prepares the schema.
func prepare(ctx context.Context, cfg *pgx.ConnConfig, o options, so sqlstore.SchemaOptions) (*sql.DB, error) {
	db, err := openDB(ctx, cfg, maintenanceConfig(cfg), o)
	if err != nil {
		return nil, err
	}
	if err := sqlstore.PrepareSchema(ctx, db, dialect{}, so); err != nil {
		db.Close()
		return nil, errcode.Annotate(err, "postgresstore: %s", describe(cfg))
	}
	return db, nil
}

// dbError gives an error met while opening its code: Unavailable when the
// server cannot be reached or refuses the connection (wrong password,
// unknown database), Internal otherwise.
func dbError(err error, what string, args ...any) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	code := errcode.Internal
	switch classifyErr(err) {
	case sqlstore.ClassUnavailable, sqlstore.ClassConnectionLost:
		code = errcode.Unavailable
	case sqlstore.ClassTransient:
		code = errcode.Aborted
	}
	return errcode.Wrap(code, err, "postgresstore: "+what, args...)
}

// Open opens the store that cfg describes, from its fields (no DSN in
// between), as mlmd.Open(ctx, "postgres", cfg.FormatDSN(), opts) would.
func Open(ctx context.Context, cfg Config, opts *mlmd.Options) (*mlmd.Store, error) {
	pc, err := cfg.pgxConfig()
	if err != nil {
		return nil, err
	}
	own := cfg.options()
	s, err := mlmd.OpenConnector(ctx, sqlstore.ConnectorFunc(func(ctx context.Context, opts *driver.OpenOptions) (driver.Conn, error) {
		return open(ctx, pc, own, opts)
	}), opts)
	if err != nil {
		return nil, errcode.Annotate(err, "mlmd: open postgres store")
	}
	return s, nil
}

// OpenDB opens the database that cfg describes with database/sql (pgx,
// $n placeholders) and the connection settings that Open uses, without
// creating the database or touching the schema. It is meant for tools that
// read what the store's API does not tell, such as the database's size.
func OpenDB(ctx context.Context, cfg Config) (*sql.DB, error) {
	pc, err := cfg.pgxConfig()
	if err != nil {
		return nil, err
	}
	o := cfg.options()
	o.skipCreate = true
	return openDB(ctx, pc, nil, o)
}

// Downgrade takes the schema of the database that cfg describes down to
// MLMD schema version toVersion, see mlmd.Downgrade.
func Downgrade(ctx context.Context, cfg Config, toVersion int64, opts *mlmd.Options) error {
	pc, err := cfg.pgxConfig()
	if err != nil {
		return err
	}
	own := cfg.options()
	err = mlmd.DowngradeConnector(ctx, sqlstore.ConnectorFunc(func(ctx context.Context, opts *driver.OpenOptions) (driver.Conn, error) {
		return open(ctx, pc, own, opts)
	}), toVersion, opts)
	return errcode.Annotate(err, "mlmd: downgrade the postgres schema")
}

// InspectSchema reports the MLMD schema version of the database that cfg
// describes, see mlmd.InspectSchema.
func InspectSchema(ctx context.Context, cfg Config, opts *mlmd.Options) (mlmd.SchemaState, error) {
	pc, err := cfg.pgxConfig()
	if err != nil {
		return mlmd.SchemaState{}, err
	}
	own := cfg.options()
	st, err := mlmd.InspectSchemaConnector(ctx, sqlstore.ConnectorFunc(func(ctx context.Context, opts *driver.OpenOptions) (driver.Conn, error) {
		return open(ctx, pc, own, opts)
	}), opts)
	return st, errcode.Annotate(err, "mlmd: inspect the postgres schema")
}

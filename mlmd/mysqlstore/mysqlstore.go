// Package mysqlstore is gomlmd's MySQL and MariaDB backend, over
// github.com/go-sql-driver/mysql. Importing it registers the backend with
// package mlmd as "mysql":
//
//	import _ "github.com/gomlmd/gomlmd/mlmd/mysqlstore"
//
//	store, err := mlmd.Open(ctx, "mysql", "user:password@tcp(db:3306)/mlmd", nil)
//
// or, from the fields of MLMD's MySQLDatabaseConfig, with Config and Open.
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
// MySQLDatabaseConfig.skip_db_creation). These parameters of the backend's
// own set up the connection pool (see database/sql.DB):
//
//	max_open_conns=N        most open connections; default 16 (0 too)
//	max_idle_conns=N        most idle connections kept; default 16
//	conn_max_lifetime=D     close connections older than D; default 3m
//	conn_max_idle_time=D    close connections idle for D; default 1m
//	failover=H:P,H:P        further servers a new connection tries, in
//	                        order, when the DSN's does not accept it
//	                        (nodes of a Galera cluster; see failover.go)
//	prepared_statements_per_conn=N
//	                        server-side prepared statements each
//	                        connection keeps and reuses (the server then
//	                        parses a statement once per connection);
//	                        default 128, 0 turns the reuse off
//
// go-sql-driver's timeout, readTimeout and writeTimeout parameters bound
// every connection in time; where the DSN does not set them (or sets 0)
// the defaults are 10s, 2m and 1m (DefaultConnectTimeout, ...). timeout
// bounds making a connection as a whole (dial, handshake, login), not just
// the dial. See "Time bounds and errors" below.
//
// Open removes them before connecting, and sets clientFoundRows (the
// backend relies on it) and interpolateParams (one round trip per
// statement instead of two, for the statements that are not among the
// prepared ones a connection keeps; set interpolateParams=false to
// prepare those for each use instead).
//
// # Concurrency
//
// Many stores, in many processes, may share one database. Transactions
// run at REPEATABLE READ, with a strict sql_mode (Open sets both on every
// connection if the server's defaults differ). Transactions that the server aborts as deadlocked or
// that time out waiting for a lock are run again (see
// mlmd.Options.MaxRetries), and so are transactions whose connection broke
// before they committed; Open serializes schema creation between processes
// with a named lock (GET_LOCK). docs/mysql.md has the details.
//
// # Time bounds and errors
//
// A call never waits forever on a server that stopped answering: a
// statement whose answer is held up past readTimeout (or whose request
// past writeTimeout) fails with Unavailable and is not run again, and so
// does making a connection that takes longer than timeout. A server that
// answers "Too many connections" (1040) is asked again after a random,
// growing pause (20ms up to 1s), within timeout, rather than at once; then
// the call fails with Unavailable.
//
// Open reports temporary failures (no server listening yet, no answer,
// too many connections, a broken connection) as Unavailable, worth trying
// again, and permanent ones with other codes, at once: Unauthenticated for
// rejected credentials (1045), PermissionDenied for a user without rights
// on the database (1044, 1142), NotFound for a database that does not
// exist when skip_db_creation is set (1049), InvalidArgument for a host
// name that does not resolve, FailedPrecondition for a failed TLS
// handshake or a database that is not an MLMD database (see
// mlmd.Open). Messages name what failed, not the server's address or
// the SQL; the driver's error is kept as the cause.
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
// on the server; see idStrategy.
package mysqlstore

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/internal/dsnparam"
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

// Pool defaults. Connections are recycled well before a server's or a
// proxy's idle timeout (MySQL's wait_timeout is 8 hours, but load
// balancers often cut idle connections after minutes).
const (
	defaultMaxOpenConns    = 16
	defaultMaxIdleConns    = 16
	defaultConnMaxLifetime = 3 * time.Minute
	defaultConnMaxIdleTime = time.Minute
)

// DefaultStatementsPerConn is how many server-side prepared statements
// each pooled connection keeps for reuse, unless the DSN parameter
// prepared_statements_per_conn says otherwise. MySQL and MariaDB bound
// the prepared statements of all clients together
// (max_prepared_stmt_count, 16382 by default): a pool of 16 connections
// keeps at most 2048, which leaves room for several replicas and other
// clients. A connection whose server refuses to prepare more runs its
// other statements unprepared. On a Galera node statements are never
// reused (see open).
const DefaultStatementsPerConn = 128

// paramStatementsPerConn is the DSN parameter that sets how many prepared
// statements a connection keeps; 0 turns the reuse off.
const paramStatementsPerConn = "prepared_statements_per_conn"

// dsnOptions are the backend's own DSN parameters.
type dsnOptions struct {
	skipCreate      bool
	maxOpenConns    int
	maxIdleConns    int
	connMaxLifetime time.Duration
	connMaxIdleTime time.Duration
	failover        string // see paramFailover
	stmtsPerConn    int    // see paramStatementsPerConn
}

// defaultDSNOptions are the backend's own settings when none are given.
func defaultDSNOptions() dsnOptions {
	return dsnOptions{
		maxOpenConns:    defaultMaxOpenConns,
		maxIdleConns:    defaultMaxIdleConns,
		connMaxLifetime: defaultConnMaxLifetime,
		connMaxIdleTime: defaultConnMaxIdleTime,
		stmtsPerConn:    DefaultStatementsPerConn,
	}
}

// Open connects to the database that dsn names (see the package
// documentation), creating it if needed, and prepares its schema, see
// driver.Driver.
func (Driver) Open(ctx context.Context, dsn string, opts *driver.OpenOptions) (driver.Conn, error) {
	return sqlstore.OpenDSN(ctx, dsn, opts, parseDSN, open)
}

// open connects with cfg and the backend's own settings, creating the
// database if needed, and prepares its schema.
func open(ctx context.Context, cfg *mysql.Config, own dsnOptions, opts *driver.OpenOptions) (driver.Conn, error) {
	opts = sqlstore.OrZero(opts)
	cfg = cfg.Clone()
	setTimeoutDefaults(cfg)
	if !own.skipCreate {
		if err := createDatabase(ctx, cfg); err != nil {
			return nil, openError(err, cfg, opCreateDatabase)
		}
	}
	server, err := probeServer(ctx, cfg)
	if err != nil {
		return nil, openError(err, cfg, "connect to the database")
	}
	cfg = server.sessionConfig(cfg)
	connector, err := newConnector(cfg)
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, err, "mysqlstore: bad DSN")
	}
	var dc sqldriver.Connector = connector
	// No statement reuse on a Galera node: with statements prepared on the
	// server, racing type inserts on two nodes both won (test/galera's
	// TestReplicasRacing), as if the causal reads of galeraSession did not
	// cover them. Text statements keep the single winner.
	if own.stmtsPerConn > 0 && !server.galera {
		dc = sqlstore.CachingConnector(connector, own.stmtsPerConn)
	}
	db := sql.OpenDB(dc)
	db.SetMaxOpenConns(own.maxOpenConns)
	db.SetMaxIdleConns(own.maxIdleConns)
	db.SetConnMaxLifetime(own.connMaxLifetime)
	db.SetConnMaxIdleTime(own.connMaxIdleTime)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, openError(err, cfg, "connect to the database")
	}
	d := idStrategy(server.version)
	d.galera = server.galera
	if err := sqlstore.PrepareSchema(ctx, db, d, sqlstore.SchemaOptionsOf(opts)); err != nil {
		db.Close()
		return nil, errcode.Annotate(err, "mysqlstore: prepare the schema")
	}
	if d.galera && !opts.SkipMigrations && !opts.SchemaTool {
		if err := prepareGalera(ctx, db, d); err != nil {
			db.Close()
			return nil, openError(err, cfg, "prepare the database for Galera")
		}
	}
	return sqlstore.New(sqlstore.Config{
		DB:         db,
		Dialect:    d,
		MaxRetries: opts.MaxRetries,
		OnRetry:    opts.OnRetry,
	}), nil
}

// serverInfo is what Open learns about the server on a first connection.
type serverInfo struct {
	version string
	// isolationVar names the session's isolation level variable, and
	// isolation is its value.
	isolationVar, isolation string
	sqlMode                 string
	galera                  bool // a Galera node (wsrep_on), see galera.go
}

// probeServer reads the server's version and the session settings the
// store depends on, on one connection made with cfg.
func probeServer(ctx context.Context, cfg *mysql.Config) (serverInfo, error) {
	var info serverInfo
	connector, err := newConnector(cfg)
	if err != nil {
		return info, err
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return info, err
	}
	defer conn.Close()
	if err := conn.QueryRowContext(ctx, "SELECT VERSION(), @@SESSION.sql_mode").Scan(&info.version, &info.sqlMode); err != nil {
		return info, err
	}
	// MySQL 8 and MariaDB 11.1 call it transaction_isolation; MariaDB
	// before 11.1 only tx_isolation.
	info.isolationVar = "transaction_isolation"
	err = conn.QueryRowContext(ctx, "SELECT @@SESSION.transaction_isolation").Scan(&info.isolation)
	var me *mysql.MySQLError
	if errors.As(err, &me) && me.Number == erUnknownSystemVariable {
		info.isolationVar = "tx_isolation"
		err = conn.QueryRowContext(ctx, "SELECT @@SESSION.tx_isolation").Scan(&info.isolation)
	}
	if err != nil {
		return info, err
	}
	info.galera, err = detectGalera(ctx, conn)
	return info, err
}

// sessionConfig returns cfg with the session settings the store relies on
// added where the server's defaults (or the DSN) do not give them; the
// driver sets them on every new connection, so that they hold whatever
// the server's global settings become later:
//
//   - REPEATABLE READ isolation: a transaction reads one snapshot, which
//     the store's conflict checks compare with the newest rows (see
//     docs/mysql.md);
//   - a strict sql_mode (STRICT_TRANS_TABLES), so that a value the schema
//     cannot hold (an int property beyond 32 bits, a name longer than 255
//     characters) is an error, not silently cut.
func (s serverInfo) sessionConfig(cfg *mysql.Config) *mysql.Config {
	cfg = cfg.Clone()
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	if !strings.EqualFold(s.isolation, "REPEATABLE-READ") {
		cfg.Params[s.isolationVar] = "'REPEATABLE-READ'"
	}
	mode := strings.ToUpper(s.sqlMode)
	if !strings.Contains(mode, "STRICT_TRANS_TABLES") && !strings.Contains(mode, "STRICT_ALL_TABLES") {
		current := "@@SESSION.sql_mode"
		if v, ok := cfg.Params["sql_mode"]; ok {
			current = v
		}
		cfg.Params["sql_mode"] = "CONCAT_WS(','," + current + ",'STRICT_TRANS_TABLES')"
	}
	if s.galera {
		galeraSession(cfg)
	}
	return cfg
}

// parseDSN parses a go-sql-driver DSN, takes out the backend's own
// parameters, and sets the connection options the backend relies on.
func parseDSN(dsn string) (*mysql.Config, dsnOptions, error) {
	own := defaultDSNOptions()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, own, errcode.Wrap(errcode.InvalidArgument, err, "mysqlstore: bad DSN")
	}
	if cfg.DBName == "" {
		return nil, own, errcode.New(errcode.InvalidArgument, "mysqlstore: the DSN names no database (user@tcp(host:3306)/dbname)")
	}
	params := dsnparam.New("mysqlstore", cfg.Params)
	params.Take(skipDBCreationParam, dsnparam.Bool(&own.skipCreate))
	params.Take(paramMaxOpenConns, dsnparam.Count(&own.maxOpenConns))
	params.Take(paramMaxIdleConns, dsnparam.Count(&own.maxIdleConns))
	params.Take(paramConnMaxLifetime, dsnparam.Duration(&own.connMaxLifetime))
	params.Take(paramConnMaxIdleTime, dsnparam.Duration(&own.connMaxIdleTime))
	params.Take(paramStatementsPerConn, dsnparam.Count(&own.stmtsPerConn))
	var failover []string
	params.Take(paramFailover, func(v string) (err error) { failover, err = parseFailover(v); own.failover = v; return err })
	if err := params.Err(); err != nil {
		return nil, own, err
	}
	if len(failover) > 0 {
		if cfg.Net != "tcp" {
			return nil, own, errcode.New(errcode.InvalidArgument, "mysqlstore: DSN parameter %s needs a tcp server address, not %s", paramFailover, cfg.Net)
		}
		cfg.DialFunc = failoverDialer(failover)
	}
	setTimeoutDefaults(cfg)
	// UpdateType counts matched rows, not changed ones.
	cfg.ClientFoundRows = true
	if !strings.Contains(dsn, "interpolateParams=") {
		cfg.InterpolateParams = true
	}
	return cfg, own, nil
}

// createDatabase runs CREATE DATABASE IF NOT EXISTS for cfg's database on
// a connection that names no database.
func createDatabase(ctx context.Context, cfg *mysql.Config) error {
	server := cfg.Clone()
	server.DBName = ""
	connector, err := newConnector(server)
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

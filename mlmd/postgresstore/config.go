package postgresstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gomlmd/gomlmd/internal/dsnparam"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Config holds the connection settings of MLMD's PostgreSQLDatabaseConfig
// (ml_metadata/proto/metadata_store.proto), field for field, plus the
// connection pool's settings. A server that reads MLMD's proto config fills
// one in and calls Open.
//
// Fields left empty take libpq's defaults, as in MLMD (which hands them to
// libpq): the PG* environment variables, then the built-in defaults.
type Config struct {
	// Host is the server's host name, or, starting with "/", the directory
	// of its Unix socket. HostAddr is its numeric IP address; given both,
	// connections go to HostAddr and Host names the server for TLS
	// verification and the password file, as in libpq. MLMD's server
	// requires exactly one of the two.
	Host     string
	HostAddr string
	// Port is the server's TCP port (or the socket's file name extension);
	// "" means 5432. It is a string, as in MLMD.
	Port string
	// User and Password authenticate; PassFile names a password file
	// (libpq's ~/.pgpass format), read when Password is empty.
	User     string
	Password string
	PassFile string
	// DBName is the database to use. Open creates it if it does not
	// exist, unless SkipDBCreation is set.
	DBName         string
	SkipDBCreation bool
	// SSL holds MLMD's SSLOptions; nil means libpq's defaults (sslmode
	// prefer).
	SSL *SSLOptions

	// Pool settings; zero values mean the defaults of Open (see the
	// package documentation).
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	ConnMaxIdleTime time.Duration
}

// SSLOptions are MLMD's PostgreSQLDatabaseConfig.SSLOptions, with libpq's
// meanings: Mode is disable, allow, prefer, require, verify-ca or
// verify-full; Cert and Key name the client certificate and its key
// (Password decrypts an encrypted key); RootCert names the CA
// certificates that verify the server.
type SSLOptions struct {
	Mode     string
	Cert     string
	Key      string
	Password string
	RootCert string
}

// Own parameters of the backend in a DSN: Open reads and removes them
// before connecting (see the package documentation).
const (
	paramHostAddr        = "hostaddr"
	paramSkipDBCreation  = "skip_db_creation"
	paramMaxOpenConns    = "max_open_conns"
	paramMaxIdleConns    = "max_idle_conns"
	paramConnMaxLifetime = "conn_max_lifetime"
	paramConnMaxIdleTime = "conn_max_idle_time"
)

// Pool defaults: connections are recycled well before a proxy's idle
// timeout.
const (
	defaultMaxIdleConns    = 16
	defaultConnMaxLifetime = 3 * time.Minute
	defaultConnMaxIdleTime = time.Minute
)

// Validate checks what MLMD's PostgreSQL metadata source checks: exactly
// one of Host and HostAddr, a port, a database and a user. Open does not
// insist on them (libpq's defaults fill them in); mlmd-server does, as
// MLMD's server does.
func (c *Config) Validate() error {
	var errs []string
	if (c.Host == "") == (c.HostAddr == "") {
		errs = append(errs, "exactly one of host or hostaddr must be specified")
	}
	if c.Port == "" {
		errs = append(errs, "port must not be empty")
	}
	if c.DBName == "" {
		errs = append(errs, "dbname must not be empty")
	}
	if c.User == "" {
		errs = append(errs, "user parameter must not be empty")
	}
	if len(errs) > 0 {
		return errcode.New(errcode.InvalidArgument, "postgresstore: %s", strings.Join(errs, "; "))
	}
	return nil
}

// FormatDSN returns the settings as a DSN for mlmd.Open(ctx, "postgres",
// dsn): libpq keyword/value pairs, as MLMD builds them, plus the backend's
// own parameters.
func (c *Config) FormatDSN() string {
	s := c.connInfo()
	add := func(k, v string) { s += " " + k + "='" + v + "'" }
	if c.SkipDBCreation {
		add(paramSkipDBCreation, "true")
	}
	if c.MaxOpenConns != 0 {
		add(paramMaxOpenConns, strconv.Itoa(c.MaxOpenConns))
	}
	if c.MaxIdleConns != 0 {
		add(paramMaxIdleConns, strconv.Itoa(c.MaxIdleConns))
	}
	if c.ConnMaxLifetime != 0 {
		add(paramConnMaxLifetime, c.ConnMaxLifetime.String())
	}
	if c.ConnMaxIdleTime != 0 {
		add(paramConnMaxIdleTime, c.ConnMaxIdleTime.String())
	}
	return strings.TrimSpace(s)
}

// pgxConfig returns pgx's configuration of the connection settings, read
// from the libpq connection string that MLMD would hand to libpq.
func (c *Config) pgxConfig() (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(c.connInfo())
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, err, "postgresstore: bad connection settings")
	}
	delete(cfg.RuntimeParams, paramHostAddr) // pgx has no hostaddr: applied here
	if c.Host != "" && c.HostAddr != "" {
		if net.ParseIP(c.HostAddr) == nil {
			return nil, errcode.New(errcode.InvalidArgument, "postgresstore: hostaddr %q is not a numeric IP address", c.HostAddr)
		}
		useHostAddr(cfg, c.HostAddr)
	}
	return cfg, nil
}

// connInfo returns the connection settings as libpq keyword/value pairs.
func (c *Config) connInfo() string {
	var b strings.Builder
	add := func(k, v string) {
		if v == "" {
			return
		}
		b.WriteString(k + "='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "' ")
	}
	add("dbname", c.DBName)
	if c.Host == "" {
		add("host", c.HostAddr)
	} else {
		add("host", c.Host)
		add(paramHostAddr, c.HostAddr)
	}
	add("port", c.Port)
	add("user", c.User)
	add("password", c.Password)
	add("passfile", c.PassFile)
	if s := c.SSL; s != nil {
		add("sslmode", s.Mode)
		add("sslcert", s.Cert)
		add("sslkey", s.Key)
		add("sslpassword", s.Password)
		add("sslrootcert", s.RootCert)
	}
	return strings.TrimSpace(b.String())
}

// useHostAddr makes cfg dial addr, libpq's hostaddr: a numeric address
// used without a name lookup, while cfg.Host (if set) still names the
// server for TLS verification and the password file.
func useHostAddr(cfg *pgx.ConnConfig, addr string) {
	if strings.HasPrefix(cfg.Host, "/") {
		// No host was given (pgx defaulted to a socket): hostaddr alone.
		cfg.Host, cfg.Fallbacks = addr, nil
		return
	}
	// pgx looks the host name up, then dials what the lookup returns.
	cfg.LookupFunc = func(context.Context, string) ([]string, error) { return []string{addr}, nil }
}

// options are the pool settings and the database creation switch.
type options struct {
	skipCreate      bool
	maxOpenConns    int
	maxIdleConns    int
	connMaxLifetime time.Duration
	connMaxIdleTime time.Duration
}

func (c *Config) options() options {
	o := options{
		skipCreate:      c.SkipDBCreation,
		maxOpenConns:    c.MaxOpenConns,
		maxIdleConns:    c.MaxIdleConns,
		connMaxLifetime: c.ConnMaxLifetime,
		connMaxIdleTime: c.ConnMaxIdleTime,
	}
	if o.maxIdleConns == 0 {
		o.maxIdleConns = defaultMaxIdleConns
	}
	if o.connMaxLifetime == 0 {
		o.connMaxLifetime = defaultConnMaxLifetime
	}
	if o.connMaxIdleTime == 0 {
		o.connMaxIdleTime = defaultConnMaxIdleTime
	}
	return o
}

// parseDSN parses a DSN (a libpq keyword/value string or a postgres://
// URL) and takes the backend's own parameters out of it.
func parseDSN(dsn string) (*pgx.ConnConfig, options, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, options{}, errcode.Wrap(errcode.InvalidArgument, err, "postgresstore: bad DSN")
	}
	if cfg.Database == "" {
		return nil, options{}, errcode.New(errcode.InvalidArgument, "postgresstore: the DSN names no database (host=... dbname=mlmd, or postgres://host/mlmd)")
	}
	o := (&Config{}).options()
	params := dsnparam.New("postgresstore", cfg.RuntimeParams)
	params.Take(paramHostAddr, func(v string) error {
		if net.ParseIP(v) == nil {
			return errors.New("not a numeric IP address")
		}
		useHostAddr(cfg, v)
		return nil
	})
	params.Take(paramSkipDBCreation, dsnparam.Bool(&o.skipCreate))
	params.Take(paramMaxOpenConns, dsnparam.Count(&o.maxOpenConns))
	params.Take(paramMaxIdleConns, dsnparam.Count(&o.maxIdleConns))
	params.Take(paramConnMaxLifetime, dsnparam.Duration(&o.connMaxLifetime))
	params.Take(paramConnMaxIdleTime, dsnparam.Duration(&o.connMaxIdleTime))
	if err := params.Err(); err != nil {
		return nil, o, err
	}
	return cfg, o, nil
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// describe names the server and database of cfg in messages, without the
// password.
func describe(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("database %q on %s", cfg.Database, net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))))
}

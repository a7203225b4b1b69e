package serverconfig

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	"github.com/gomlmd/gomlmd/mlmd/postgresstore"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore" // registers the "sqlite" backend
)

// Backend says how to open the store of a configuration.
type Backend struct {
	// Driver is the backend: "sqlite", "mysql" or "postgres".
	Driver string
	// DSN is the SQLite DSN, opened with mlmd.Open; empty for MySQL.
	DSN string
	// MySQL is the MySQL connection, opened with mysqlstore.Open; nil for
	// SQLite.
	MySQL *mysqlstore.Config
	// Postgres is the PostgreSQL connection, opened with
	// postgresstore.Open; nil for the other engines.
	Postgres *postgresstore.Config
	// Options are the store's options (retries, read-only).
	Options mlmd.Options
	// Description names the database for logs, without secrets.
	Description string
}

// Backend returns how to open the configured store. Load has checked it
// already; the result is computed once.
func (c *Config) Backend() (*Backend, error) {
	if c.backend != nil {
		return c.backend, nil
	}
	b, err := newBackend(c.Server.GetConnectionConfig(), c.MySQLPool)
	if err != nil {
		return nil, err
	}
	b.Options.EnableUpgradeMigration = c.Server.GetMigrationOptions().GetEnableUpgradeMigration()
	c.backend = b
	return b, nil
}

func newBackend(cc *pb.ConnectionConfig, pool MySQLPool) (*Backend, error) {
	b := &Backend{Options: mlmd.Options{MaxRetries: int(cc.GetRetryOptions().GetMaxNumRetries())}}
	switch cfg := cc.GetConfig().(type) {
	case *pb.ConnectionConfig_FakeDatabase:
		b.Driver, b.DSN, b.Description = "sqlite", ":memory:", "in-memory SQLite (fake_database)"
	case *pb.ConnectionConfig_Sqlite:
		dsn, readOnly, err := SQLiteDSN(cfg.Sqlite)
		if err != nil {
			return nil, err
		}
		b.Driver, b.DSN = "sqlite", dsn
		b.Options.SkipMigrations = readOnly
		b.Description = "SQLite " + dsn
	case *pb.ConnectionConfig_Mysql:
		mc, conn, err := mysqlStoreConfig(cfg.Mysql, pool)
		if err != nil {
			return nil, err
		}
		b.Driver, b.MySQL = "mysql", mc
		b.Description = fmt.Sprintf("MySQL %s(%s)/%s as %q", conn.Net, conn.Addr, conn.DBName, conn.User)
		if mc.SSL != nil {
			b.Description += " over TLS"
		}
	case *pb.ConnectionConfig_Postgresql:
		pc := PostgresStoreConfig(cfg.Postgresql)
		pc.MaxOpenConns, pc.MaxIdleConns = pool.MaxOpenConns, pool.MaxIdleConns
		pc.ConnMaxLifetime, pc.ConnMaxIdleTime = pool.ConnMaxLifetime, pool.ConnMaxIdleTime
		b.Driver, b.Postgres = "postgres", pc
		b.Description = fmt.Sprintf("PostgreSQL %s:%s/%s as %q", cmp.Or(pc.Host, pc.HostAddr), pc.Port, pc.DBName, pc.User)
		if pc.SSL != nil && pc.SSL.Mode != "" {
			b.Description += " sslmode=" + pc.SSL.Mode
		}
	default:
		return nil, fmt.Errorf("connection_config: unsupported kind %T", cfg)
	}
	return b, nil
}

// PostgresStoreConfig turns MLMD's PostgreSQLDatabaseConfig into the
// connection settings of gomlmd's PostgreSQL backend, field for field.
func PostgresStoreConfig(p *pb.PostgreSQLDatabaseConfig) *postgresstore.Config {
	c := &postgresstore.Config{
		Host: p.GetHost(), HostAddr: p.GetHostaddr(), Port: p.GetPort(),
		User: p.GetUser(), Password: p.GetPassword(), PassFile: p.GetPassfile(),
		DBName: p.GetDbname(), SkipDBCreation: p.GetSkipDbCreation(),
	}
	if so := p.GetSsloption(); so != nil {
		c.SSL = &postgresstore.SSLOptions{
			Mode: so.GetSslmode(), Cert: so.GetSslcert(), Key: so.GetSslkey(),
			Password: so.GetSslpassword(), RootCert: so.GetSslrootcert(),
		}
	}
	return c
}

// open opens the store of b.
func (b *Backend) open(ctx context.Context) (*mlmd.Store, error) {
	if b.MySQL != nil {
		return mysqlstore.Open(ctx, *b.MySQL, &b.Options)
	}
	if b.Postgres != nil {
		return postgresstore.Open(ctx, *b.Postgres, &b.Options)
	}
	return mlmd.Open(ctx, b.Driver, b.DSN, &b.Options)
}

// Downgrade takes the schema of b's database down to MLMD schema version
// to, see mlmd.Downgrade.
func (b *Backend) Downgrade(ctx context.Context, to int64) error {
	if b.MySQL != nil {
		return mysqlstore.Downgrade(ctx, *b.MySQL, to, &b.Options)
	}
	if b.Postgres != nil {
		return postgresstore.Downgrade(ctx, *b.Postgres, to, &b.Options)
	}
	return mlmd.Downgrade(ctx, b.Driver, b.DSN, to, &b.Options)
}

// InspectSchema reports the MLMD schema version of b's database, changing
// nothing, see mlmd.InspectSchema.
func (b *Backend) InspectSchema(ctx context.Context) (mlmd.SchemaState, error) {
	if b.MySQL != nil {
		return mysqlstore.InspectSchema(ctx, *b.MySQL, &b.Options)
	}
	if b.Postgres != nil {
		return postgresstore.InspectSchema(ctx, *b.Postgres, &b.Options)
	}
	return mlmd.InspectSchema(ctx, b.Driver, b.DSN, &b.Options)
}

// DowngradeTo returns the schema version that the configuration asks the
// database to be downgraded to (MLMD's
// MigrationOptions.downgrade_to_schema_version, --downgrade_db_schema_version),
// and whether it asks for one. The server then downgrades and exits, as
// MLMD's server does, instead of serving.
func (c *Config) DowngradeTo() (int64, bool) {
	v := c.Server.GetMigrationOptions().GetDowngradeToSchemaVersion() // -1 when unset
	return v, v >= 0
}

// Downgrade takes the configured database's schema down to the version of
// DowngradeTo. A database at that version already is left alone.
func (c *Config) Downgrade(ctx context.Context) error {
	to, ok := c.DowngradeTo()
	if !ok {
		return errors.New("the configuration asks for no downgrade")
	}
	b, err := c.Backend()
	if err != nil {
		return err
	}
	return b.Downgrade(ctx, to)
}

// SQLiteDSN turns MLMD's SqliteMetadataSourceConfig into a DSN of gomlmd's
// SQLite backend, and reports whether the database is opened read-only (then
// the schema must already exist, and is not touched). An empty filename_uri
// is a private in-memory database, as in MLMD.
func SQLiteDSN(c *pb.SqliteMetadataSourceConfig) (dsn string, readOnly bool, err error) {
	name := c.GetFilenameUri()
	if name == "" {
		return ":memory:", false, nil
	}
	var mode string
	switch c.GetConnectionMode() {
	case pb.SqliteMetadataSourceConfig_READONLY:
		mode, readOnly = "ro", true
	case pb.SqliteMetadataSourceConfig_READWRITE:
		mode = "rw"
	case pb.SqliteMetadataSourceConfig_READWRITE_OPENCREATE, pb.SqliteMetadataSourceConfig_UNKNOWN:
		// SQLite's default: read-write, created if missing.
	default:
		return "", false, fmt.Errorf("connection_config.sqlite.connection_mode %v is invalid", c.GetConnectionMode())
	}
	if !strings.HasPrefix(name, "file:") {
		// A plain path: make it a file: URI, so that mode= applies.
		name = "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(name)
	}
	if mode == "" {
		return name, false, nil
	}
	base, rawQuery, _ := strings.Cut(name, "?")
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", false, fmt.Errorf("connection_config.sqlite.filename_uri %q: %v", c.GetFilenameUri(), err)
	}
	if q.Get("mode") == "" {
		q.Set("mode", mode)
	}
	return base + "?" + q.Encode(), readOnly, nil
}

// MySQLPool are the connection pool settings and the time bounds of a
// MySQL store, which MLMD's config has no fields for; they apply to the
// --mysql_config_* flags and to a config file's connection_config.mysql
// alike. Zero values are mysqlstore's defaults.
type MySQLPool struct {
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	ConnMaxIdleTime time.Duration

	// ConnectTimeout, ReadTimeout and WriteTimeout are those of
	// mysqlstore.Config (--mysql_connect_timeout, ...).
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration
	WriteTimeout   time.Duration
}

// isZero reports whether p leaves every setting at its default.
func (p MySQLPool) isZero() bool { return p == MySQLPool{} }

// MySQLStoreConfig turns MLMD's MySQLDatabaseConfig into the connection
// settings of gomlmd's MySQL backend, and checks them, reading the
// ssl_options files. The rules are MLMD's (which hands the fields to its
// client library, MariaDB Connector/C):
//
//   - a socket is used when host is empty or "localhost"; any other host
//     is reached over TCP at port (0 means 3306), and socket is ignored;
//   - an empty user is the user running the process;
//   - ssl_options, when present (even empty), turn TLS on; key, cert, ca
//     and capath name PEM files; cipher limits the TLS 1.2 cipher suites;
//     verify_server_cert checks the server's certificate chain and host
//     name, and without it a given ca or capath still checks the chain
//     (not the name);
//   - the database is created if missing unless skip_db_creation is set.
//
// Unlike MLMD, a server that offers no TLS is refused when ssl_options are
// present, rather than used without encryption. Errors begin with
// "connection_config.mysql: " and are InvalidArgument.
func MySQLStoreConfig(m *pb.MySQLDatabaseConfig) (*mysqlstore.Config, error) {
	cfg, _, err := mysqlStoreConfig(m, MySQLPool{})
	return cfg, err
}

// mysqlStoreConfig is MySQLStoreConfig with pool settings; it also returns
// the driver configuration, which names the address and the user.
func mysqlStoreConfig(m *pb.MySQLDatabaseConfig, pool MySQLPool) (*mysqlstore.Config, *mysql.Config, error) {
	cfg := &mysqlstore.Config{
		Database:        m.GetDatabase(),
		User:            m.GetUser(),
		Password:        m.GetPassword(),
		SkipDBCreation:  m.GetSkipDbCreation(),
		MaxOpenConns:    pool.MaxOpenConns,
		MaxIdleConns:    pool.MaxIdleConns,
		ConnMaxLifetime: pool.ConnMaxLifetime,
		ConnMaxIdleTime: pool.ConnMaxIdleTime,
		ConnectTimeout:  pool.ConnectTimeout,
		ReadTimeout:     pool.ReadTimeout,
		WriteTimeout:    pool.WriteTimeout,
	}
	if usesSocket(m) {
		cfg.Socket = m.GetSocket()
	} else {
		cfg.Host, cfg.Port = m.GetHost(), m.GetPort()
	}
	if so := m.GetSslOptions(); so != nil {
		cfg.SSL = &mysqlstore.SSLOptions{
			Key:              so.GetKey(),
			Cert:             so.GetCert(),
			CA:               so.GetCa(),
			CAPath:           so.GetCapath(),
			Cipher:           so.GetCipher(),
			VerifyServerCert: so.GetVerifyServerCert(),
		}
	}
	// MySQLConfig validates cfg and reads the TLS files, as opening will.
	conn, err := cfg.MySQLConfig()
	if err != nil {
		return nil, nil, fmt.Errorf("connection_config.mysql: %w", err)
	}
	return cfg, conn, nil
}

// usesSocket reports whether MLMD connects to the server of m through its
// Unix socket: when one is given and the host is empty or "localhost".
func usesSocket(m *pb.MySQLDatabaseConfig) bool {
	return m.GetSocket() != "" && (m.GetHost() == "" || m.GetHost() == "localhost")
}

// OpenStore opens the configured store. Transient failures (the database is
// not up yet, a lock conflict while the schema is created) are retried
// ConnectionRetries times with a growing pause, as MLMD's server retries.
func (c *Config) OpenStore(ctx context.Context, logger *slog.Logger) (*mlmd.Store, error) {
	b, err := c.Backend()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	b.Options.MaxResultRows = c.Limits.StoreRows()
	b.Options.OnRetry = c.OnTxRetry
	pause := 500 * time.Millisecond
	for attempt := 0; ; attempt++ {
		store, err := b.open(ctx)
		if err == nil {
			return store, nil
		}
		if attempt >= c.ConnectionRetries || !retryable(err) || ctx.Err() != nil {
			return nil, err
		}
		logger.Warn("cannot open the store; retrying", "database", b.Description, "attempt", attempt+1, "pause", pause, "error", err)
		if c.OnOpenRetry != nil {
			c.OnOpenRetry()
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pause):
		}
		if pause < 8*time.Second {
			pause *= 2
		}
	}
}

// retryable reports whether opening may succeed on another try: the
// database is not reachable yet, or a lock conflict while the schema is
// created.
func retryable(err error) bool {
	// The server's answers that no retry can change, whatever code the
	// backend gives them.
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1044, 1045, 1698: // access denied
			return false
		case 1049: // unknown database (skip_db_creation)
			return false
		}
	}
	switch mlmd.CodeOf(err) {
	case mlmd.Aborted, mlmd.Unavailable:
		return true
	}
	return false
}

package serverconfig

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
)

// Backend says how to open the store of a configuration.
type Backend struct {
	// Driver and DSN are the arguments of mlmd.OpenWith.
	Driver string
	DSN    string
	// Options are mlmd.OpenWith's options (retries, read-only).
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
	b, err := newBackend(c.Server.GetConnectionConfig())
	if err != nil {
		return nil, err
	}
	c.backend = b
	return b, nil
}

func newBackend(cc *pb.ConnectionConfig) (*Backend, error) {
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
		mc, err := MySQLConfig(cfg.Mysql)
		if err != nil {
			return nil, err
		}
		// The backend creates the database if it is missing, as MLMD does,
		// unless the DSN says skip_db_creation=true.
		if cfg.Mysql.GetSkipDbCreation() {
			mc.Params = map[string]string{"skip_db_creation": "true"}
		}
		b.Driver, b.DSN = "mysql", mc.FormatDSN()
		b.Description = fmt.Sprintf("MySQL %s(%s)/%s as %q", mc.Net, mc.Addr, mc.DBName, mc.User)
	default:
		return nil, fmt.Errorf("connection_config: unsupported kind %T", cfg)
	}
	return b, nil
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

// mysqlTLSSeq numbers the TLS configurations registered with the MySQL
// driver, which keeps them in a global registry by name.
var (
	mysqlTLSMu  sync.Mutex
	mysqlTLSSeq int
)

// MySQLConfig turns MLMD's MySQLDatabaseConfig into a go-sql-driver/mysql
// configuration. A socket, when given, is used instead of host and port
// (port 0 means 3306). ssl_options name files, as in MLMD: key, cert, ca,
// capath; verify_server_cert=false keeps TLS but skips the server
// certificate check; cipher is not supported by Go's TLS and is rejected.
func MySQLConfig(c *pb.MySQLDatabaseConfig) (*mysql.Config, error) {
	mc := mysql.NewConfig()
	mc.User = c.GetUser()
	mc.Passwd = c.GetPassword()
	mc.DBName = c.GetDatabase()
	mc.ParseTime = true
	if s := c.GetSocket(); s != "" {
		mc.Net, mc.Addr = "unix", s
	} else {
		port := c.GetPort()
		if port == 0 {
			port = 3306
		}
		mc.Net, mc.Addr = "tcp", net.JoinHostPort(c.GetHost(), strconv.FormatInt(port, 10))
	}
	if so := c.GetSslOptions(); so != nil {
		tc, err := mysqlTLS(so, c.GetHost())
		if err != nil {
			return nil, fmt.Errorf("connection_config.mysql.ssl_options: %w", err)
		}
		mysqlTLSMu.Lock()
		mysqlTLSSeq++
		name := fmt.Sprintf("mlmd-server-%d", mysqlTLSSeq)
		mysqlTLSMu.Unlock()
		if err := mysql.RegisterTLSConfig(name, tc); err != nil {
			return nil, fmt.Errorf("connection_config.mysql.ssl_options: %w", err)
		}
		mc.TLSConfig = name
	}
	return mc, nil
}

func mysqlTLS(so *pb.MySQLDatabaseConfig_SSLOptions, host string) (*tls.Config, error) {
	if so.GetCipher() != "" {
		return nil, fmt.Errorf("cipher %q: choosing ciphers is not supported; Go's TLS picks secure ones", so.GetCipher())
	}
	tc := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if so.GetCa() != "" || so.GetCapath() != "" {
		pool := x509.NewCertPool()
		var files []string
		if so.GetCa() != "" {
			files = append(files, so.GetCa())
		}
		if dir := so.GetCapath(); dir != "" {
			entries, err := os.ReadDir(dir)
			if err != nil {
				return nil, fmt.Errorf("capath: %w", err)
			}
			for _, e := range entries {
				if !e.IsDir() {
					files = append(files, filepath.Join(dir, e.Name()))
				}
			}
		}
		n := 0
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("ca: %w", err)
			}
			if pool.AppendCertsFromPEM(b) {
				n++
			}
		}
		if n == 0 {
			return nil, errors.New("ca/capath hold no PEM certificate")
		}
		tc.RootCAs = pool
	}
	if so.GetCert() != "" || so.GetKey() != "" {
		if so.GetCert() == "" || so.GetKey() == "" {
			return nil, errors.New("cert and key must be given together")
		}
		cert, err := tls.LoadX509KeyPair(so.GetCert(), so.GetKey())
		if err != nil {
			return nil, fmt.Errorf("cert/key: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	if !so.GetVerifyServerCert() {
		// MLMD (libmysqlclient) encrypts but does not check the server's
		// certificate unless verify_server_cert is set.
		tc.InsecureSkipVerify = true
	}
	return tc, nil
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
	pause := 500 * time.Millisecond
	for attempt := 0; ; attempt++ {
		store, err := mlmd.OpenWith(ctx, b.Driver, b.DSN, &b.Options)
		if err == nil {
			return store, nil
		}
		if attempt >= c.ConnectionRetries || !retryable(err) || ctx.Err() != nil {
			return nil, err
		}
		logger.Warn("cannot open the store; retrying", "database", b.Description, "attempt", attempt+1, "error", err)
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
	switch mlmd.CodeOf(err) {
	case mlmd.Aborted, mlmd.Unavailable:
		return true
	}
	return false
}

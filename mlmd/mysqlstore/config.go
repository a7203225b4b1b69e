package mysqlstore

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Config holds the connection settings of MLMD's MySQLDatabaseConfig
// (ml_metadata/proto/metadata_store.proto), field for field, plus the
// connection pool's settings. A server that reads MLMD's proto config fills
// one in and calls Open.
type Config struct {
	// Host is the server's host name or IP address; Port its TCP port, 0
	// meaning 3306. Exactly one of Host and Socket must be set.
	Host string
	Port int64
	// Socket is the path of the server's Unix socket.
	Socket string
	// Database is the database to use. Open creates it if it does not
	// exist, unless SkipDBCreation is set.
	Database string
	// User and Password authenticate. An empty User means the user running
	// the process (as libmysqlclient does). mysql_native_password, MySQL 8's
	// caching_sha2_password, sha256_password and MariaDB's ed25519 all work.
	User     string
	Password string
	// SSL, if not nil, makes every connection use TLS; see SSLOptions.
	SSL *SSLOptions
	// SkipDBCreation keeps Open from running CREATE DATABASE IF NOT EXISTS,
	// for users without that privilege.
	SkipDBCreation bool

	// Pool settings; zero values mean the defaults of Open (see the
	// package documentation).
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	ConnMaxIdleTime time.Duration

	// Time bounds of every connection; zero values mean
	// DefaultConnectTimeout, DefaultReadTimeout and DefaultWriteTimeout.
	// ConnectTimeout bounds making a connection (dial, handshake, login);
	// ReadTimeout each wait for the server's answer; WriteTimeout each
	// write of a request. A call held up past one of them fails with
	// Unavailable.
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration
	WriteTimeout   time.Duration

	// Params are further parameters of the go-sql-driver/mysql DSN, e.g.
	// {"timeout": "5s"}; unknown names are sent to the server as session
	// variables.
	Params map[string]string
}

// SSLOptions are MLMD's MySQLDatabaseConfig.SSLOptions. Key, Cert, CA and
// CAPath are file names, as in MLMD.
type SSLOptions struct {
	// Key and Cert are the client's private key and certificate (PEM), for
	// servers that require a client certificate. Give both or neither.
	Key  string
	Cert string
	// CA is a file of trusted CA certificates (PEM); CAPath a directory of
	// such files. Without either, the system's roots are used.
	CA     string
	CAPath string
	// Cipher is a colon-separated list of permitted cipher suites, in
	// OpenSSL's names (ECDHE-RSA-AES128-GCM-SHA256) or IANA's
	// (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256). Setting it limits the
	// connection to TLS 1.2, the last version whose suites can be chosen.
	// Suites Go does not implement (DHE-*, CAMELLIA, ...) are refused.
	Cipher string
	// VerifyServerCert checks the server's certificate fully: its chain
	// against the CAs and its name against Host. Without it, the chain is
	// still checked when CA or CAPath is given (MySQL's VERIFY_CA), and not
	// at all otherwise (the connection is encrypted but not authenticated).
	VerifyServerCert bool
	// AllowPlaintextFallback connects without TLS when the server does not
	// offer it, as MLMD does. Off by default: with SSL set, a server
	// without TLS is an error.
	AllowPlaintextFallback bool
}

// Own DSN parameters of the backend: Open reads and removes them before
// connecting.
const (
	paramMaxOpenConns    = "max_open_conns"
	paramMaxIdleConns    = "max_idle_conns"
	paramConnMaxLifetime = "conn_max_lifetime"
	paramConnMaxIdleTime = "conn_max_idle_time"
)

// Validate checks the settings that do not need the file system, as MLMD
// does; errors are InvalidArgument.
func (c *Config) Validate() error {
	var errs []string
	if (c.Host == "") == (c.Socket == "") {
		errs = append(errs, "exactly one of host and socket must be set")
	}
	if c.Database == "" {
		errs = append(errs, "database must be set")
	}
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Sprintf("port %d is out of range", c.Port))
	}
	if c.MaxOpenConns < 0 || c.MaxIdleConns < 0 || c.ConnMaxLifetime < 0 || c.ConnMaxIdleTime < 0 {
		errs = append(errs, "pool settings must not be negative")
	}
	if c.ConnectTimeout < 0 || c.ReadTimeout < 0 || c.WriteTimeout < 0 {
		errs = append(errs, "timeouts must not be negative")
	}
	if s := c.SSL; s != nil && (s.Key == "") != (s.Cert == "") {
		errs = append(errs, "ssl key and cert must be given together")
	}
	if len(errs) > 0 {
		return errcode.New(errcode.InvalidArgument, "mysqlstore: config: %s", strings.Join(errs, "; "))
	}
	return nil
}

// MySQLConfig returns the go-sql-driver/mysql configuration for
// connecting to the server of c, for tools that need a plain *sql.DB next
// to the store. TLS is set as a *tls.Config (the certificate files are
// read now); Params hold the session variables of c.Params, and not the
// backend's own settings (SkipDBCreation, the pool), which only Open and
// FormatDSN carry.
func (c *Config) MySQLConfig() (*mysql.Config, error) {
	mc, err := c.config(false)
	if err != nil {
		return nil, err
	}
	if c.SSL != nil {
		if mc.TLS, err = c.SSL.TLSConfig(c.Host); err != nil {
			return nil, err
		}
		mc.AllowFallbackToPlaintext = c.SSL.AllowPlaintextFallback
	}
	return mc, nil
}

// FormatDSN returns a DSN for mlmd.Open(ctx, "mysql", dsn, opts). TLS
// settings cannot be written into a DSN: with SSL set, FormatDSN returns
// InvalidArgument, and Open, which takes c as it is, is the way to connect.
func (c *Config) FormatDSN() (string, error) {
	if c.SSL != nil {
		return "", errcode.New(errcode.InvalidArgument, "mysqlstore: TLS settings cannot be written into a DSN; open the store with mysqlstore.Open")
	}
	mc, err := c.config(true)
	if err != nil {
		return "", err
	}
	return mc.FormatDSN(), nil
}

// connection returns the go-sql-driver configuration and the backend's
// own settings that Open connects with: those of the DSN of c, with TLS
// set directly (the certificate files are read now).
func (c *Config) connection() (*mysql.Config, dsnOptions, error) {
	mc, err := c.MySQLConfig()
	if err != nil {
		return nil, dsnOptions{}, err
	}
	own := defaultDSNOptions()
	own.skipCreate = c.SkipDBCreation
	for dst, v := range map[*int]int{&own.maxOpenConns: c.MaxOpenConns, &own.maxIdleConns: c.MaxIdleConns} {
		if v != 0 {
			*dst = v
		}
	}
	for dst, v := range map[*time.Duration]time.Duration{&own.connMaxLifetime: c.ConnMaxLifetime, &own.connMaxIdleTime: c.ConnMaxIdleTime} {
		if v != 0 {
			*dst = v
		}
	}
	if _, set := c.Params["interpolateParams"]; !set {
		mc.InterpolateParams = true
	}
	mc.ClientFoundRows = true
	return mc, own, nil
}

// config returns the go-sql-driver configuration of c without TLS, with
// c.Params interpreted as go-sql-driver does (its own parameters set its
// fields; the others are session variables), and with the backend's own
// parameters if own is set.
func (c *Config) config(own bool) (*mysql.Config, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	mc := mysql.NewConfig()
	mc.User, mc.Passwd, mc.DBName = c.User, c.Password, c.Database
	if mc.User == "" {
		mc.User = currentUser()
	}
	if c.Socket != "" {
		mc.Net, mc.Addr = "unix", c.Socket
	} else {
		port := c.Port
		if port == 0 {
			port = 3306
		}
		mc.Net, mc.Addr = "tcp", net.JoinHostPort(c.Host, strconv.FormatInt(port, 10))
	}
	mc.Params = map[string]string{}
	for k, v := range c.Params {
		mc.Params[k] = v
	}
	if own {
		if c.SkipDBCreation {
			mc.Params[skipDBCreationParam] = "true"
		}
		for name, v := range map[string]int{paramMaxOpenConns: c.MaxOpenConns, paramMaxIdleConns: c.MaxIdleConns} {
			if v != 0 {
				mc.Params[name] = strconv.Itoa(v)
			}
		}
		for name, v := range map[string]time.Duration{paramConnMaxLifetime: c.ConnMaxLifetime, paramConnMaxIdleTime: c.ConnMaxIdleTime} {
			if v != 0 {
				mc.Params[name] = v.String()
			}
		}
	}
	// A round trip through the DSN text lets go-sql-driver take its own
	// parameters (timeout, charset, ...) out of Params.
	parsed, err := mysql.ParseDSN(mc.FormatDSN())
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, err, "mysqlstore: config params")
	}
	c.setTimeouts(parsed)
	setTimeoutDefaults(parsed)
	return parsed, nil
}

// Open opens the store that cfg describes, as mlmd.Open(ctx, "mysql",
// dsn, opts) does with a DSN, but from cfg directly (TLS included).
func Open(ctx context.Context, cfg Config, opts *mlmd.Options) (*mlmd.Store, error) {
	mc, own, err := cfg.connection()
	if err != nil {
		return nil, err
	}
	s, err := mlmd.OpenConnector(ctx, sqlstore.ConnectorFunc(func(ctx context.Context, opts *driver.OpenOptions) (driver.Conn, error) {
		return open(ctx, mc, own, opts)
	}), opts)
	if err != nil {
		return nil, errcode.Annotate(err, "mlmd: open mysql store")
	}
	return s, nil
}

// TLSConfig returns the TLS configuration of s for a server reached as
// host (the name its certificate must carry when VerifyServerCert is set).
// Errors are InvalidArgument.
func (s *SSLOptions) TLSConfig(host string) (*tls.Config, error) {
	bad := func(format string, args ...any) error {
		return errcode.New(errcode.InvalidArgument, "mysqlstore: ssl options: "+format, args...)
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
	if s.Key != "" || s.Cert != "" {
		if s.Key == "" || s.Cert == "" {
			return nil, bad("key and cert must be given together")
		}
		cert, err := tls.LoadX509KeyPair(s.Cert, s.Key)
		if err != nil {
			return nil, bad("client cert %q / key %q: %v", s.Cert, s.Key, err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	if s.CA != "" || s.CAPath != "" {
		pool, err := loadCAs(s.CA, s.CAPath)
		if err != nil {
			return nil, bad("%v", err)
		}
		tc.RootCAs = pool
	}
	if s.Cipher != "" {
		suites, err := cipherSuites(s.Cipher)
		if err != nil {
			return nil, bad("%v", err)
		}
		tc.CipherSuites = suites
		tc.MaxVersion = tls.VersionTLS12
	}
	switch {
	case s.VerifyServerCert:
		if host == "" {
			// A Unix socket has no host name to check; "localhost" is what
			// a local server's certificate is most likely to name.
			tc.ServerName = "localhost"
		}
	case tc.RootCAs != nil:
		// Check the chain against the given CAs, not the name.
		roots := tc.RootCAs
		tc.InsecureSkipVerify = true
		tc.VerifyConnection = func(cs tls.ConnectionState) error {
			return verifyChain(cs.PeerCertificates, roots)
		}
	default:
		tc.InsecureSkipVerify = true
	}
	return tc, nil
}

// verifyChain checks that certs (the server's certificate first) chain up
// to one of roots, whatever names the certificate carries.
func verifyChain(certs []*x509.Certificate, roots *x509.CertPool) error {
	if len(certs) == 0 {
		return errors.New("mysqlstore: the server sent no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
	if err != nil {
		return fmt.Errorf("mysqlstore: server certificate: %w", err)
	}
	return nil
}

// loadCAs reads the PEM certificates of the file ca and of every file in
// the directory capath (OpenSSL's hashed links included).
func loadCAs(ca, capath string) (*x509.CertPool, error) {
	var files []string
	if ca != "" {
		files = append(files, ca)
	}
	if capath != "" {
		entries, err := os.ReadDir(capath)
		if err != nil {
			return nil, fmt.Errorf("capath: %w", err)
		}
		for _, e := range entries {
			if !e.IsDir() {
				files = append(files, filepath.Join(capath, e.Name()))
			}
		}
	}
	pool := x509.NewCertPool()
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("ca: %w", err)
		}
		if pool.AppendCertsFromPEM(b) {
			n++
		} else if f == ca {
			return nil, fmt.Errorf("ca %q holds no PEM certificate", f)
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("capath %q holds no PEM certificate", capath)
	}
	return pool, nil
}

// openSSLSuites maps OpenSSL's names of the TLS 1.2 cipher suites that Go
// implements to IANA's.
var openSSLSuites = map[string]string{
	"ECDHE-ECDSA-AES128-GCM-SHA256": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	"ECDHE-RSA-AES128-GCM-SHA256":   "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"ECDHE-ECDSA-AES256-GCM-SHA384": "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"ECDHE-RSA-AES256-GCM-SHA384":   "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"ECDHE-ECDSA-CHACHA20-POLY1305": "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	"ECDHE-RSA-CHACHA20-POLY1305":   "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
	"ECDHE-ECDSA-AES128-SHA":        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
	"ECDHE-RSA-AES128-SHA":          "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
	"ECDHE-ECDSA-AES256-SHA":        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
	"ECDHE-RSA-AES256-SHA":          "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
	"ECDHE-ECDSA-AES128-SHA256":     "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
	"ECDHE-RSA-AES128-SHA256":       "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
	"AES128-GCM-SHA256":             "TLS_RSA_WITH_AES_128_GCM_SHA256",
	"AES256-GCM-SHA384":             "TLS_RSA_WITH_AES_256_GCM_SHA384",
	"AES128-SHA":                    "TLS_RSA_WITH_AES_128_CBC_SHA",
	"AES256-SHA":                    "TLS_RSA_WITH_AES_256_CBC_SHA",
	"AES128-SHA256":                 "TLS_RSA_WITH_AES_128_CBC_SHA256",
	"ECDHE-RSA-DES-CBC3-SHA":        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
	"DES-CBC3-SHA":                  "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
}

// cipherSuites parses a cipher list (see SSLOptions.Cipher) into Go's
// suite ids.
func cipherSuites(list string) ([]uint16, error) {
	ids := map[string]uint16{}
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if slices.Contains(cs.SupportedVersions, tls.VersionTLS12) {
			ids[cs.Name] = cs.ID
		}
	}
	var out []uint16
	for _, name := range strings.FieldsFunc(list, func(r rune) bool { return r == ':' || r == ',' || r == ' ' }) {
		iana := name
		if n, ok := openSSLSuites[strings.ToUpper(name)]; ok {
			iana = n
		}
		id, ok := ids[strings.ToUpper(iana)]
		if !ok {
			return nil, fmt.Errorf("cipher %q is not a TLS 1.2 cipher suite that Go implements (use e.g. ECDHE-RSA-AES128-GCM-SHA256)", name)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("cipher %q names no cipher suite", list)
	}
	return out, nil
}

// currentUser is the name of the user running the process, the MySQL user
// when none is configured.
func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return os.Getenv("USER")
}

// Downgrade takes the schema of the database that cfg describes down to
// MLMD schema version toVersion, see mlmd.Downgrade.
func Downgrade(ctx context.Context, cfg Config, toVersion int64, opts *mlmd.Options) error {
	mc, own, err := cfg.connection()
	if err != nil {
		return err
	}
	err = mlmd.DowngradeConnector(ctx, sqlstore.ConnectorFunc(func(ctx context.Context, opts *driver.OpenOptions) (driver.Conn, error) {
		return open(ctx, mc, own, opts)
	}), toVersion, opts)
	return errcode.Annotate(err, "mlmd: downgrade the mysql schema")
}

// InspectSchema reports the MLMD schema version of the database that cfg
// describes, see mlmd.InspectSchema.
func InspectSchema(ctx context.Context, cfg Config, opts *mlmd.Options) (mlmd.SchemaState, error) {
	mc, own, err := cfg.connection()
	if err != nil {
		return mlmd.SchemaState{}, err
	}
	st, err := mlmd.InspectSchemaConnector(ctx, sqlstore.ConnectorFunc(func(ctx context.Context, opts *driver.OpenOptions) (driver.Conn, error) {
		return open(ctx, mc, own, opts)
	}), opts)
	return st, errcode.Annotate(err, "mlmd: inspect the mysql schema")
}

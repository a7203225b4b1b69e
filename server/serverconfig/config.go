// Package serverconfig turns mlmd-server's command line into a checked
// configuration: the flags of MLMD's C++ metadata_store_server, its
// text-format MetadataStoreServerConfig file, and a few flags of gomlmd's
// own. Everything that can be wrong with a configuration (a partial set of
// MySQL flags, an unreadable config file, a bad certificate, a malformed
// channel argument) is reported by Load, before the server listens.
package serverconfig

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
)

// Source types accepted by --metadata_source_config_type.
const (
	SourceDefault    = "default"
	SourceConfigFile = "config_file"
	SourceMySQL      = "mysql"
	SourcePostgreSQL = "postgresql"
)

// Config is a checked mlmd-server configuration.
type Config struct {
	// ListenAddress is where the server listens, e.g. "0.0.0.0:8080".
	ListenAddress string
	// Server is the effective MetadataStoreServerConfig: the config file's,
	// or one built from the MySQL flags, or fake_database.
	Server *pb.MetadataStoreServerConfig
	// Source says where Server came from, for the startup log.
	Source string
	// ChannelArgs are the parsed --grpc_channel_arguments.
	ChannelArgs []ChannelArg
	// ConnectionRetries is how often opening the store is retried after a
	// transient failure (--metadata_store_connection_retries).
	ConnectionRetries int
	// MySQLPool are the connection pool settings of a MySQL store
	// (--mysql_max_open_conns, ...).
	MySQLPool MySQLPool
	// ShutdownTimeout bounds the graceful shutdown on SIGTERM/SIGINT.
	ShutdownTimeout time.Duration
	Operation
	// LogLevel and LogFormat ("text" or "json") configure the logger.
	LogLevel  slog.Level
	LogFormat string
	// EnableAdminService registers gomlmd's own AdminService (deletion,
	// proto/gomlmd/admin/v1) next to MLMD's service (--enable_admin_service).
	EnableAdminService bool
	// Warnings are messages for the startup log about settings that are
	// accepted but have no effect.
	Warnings []string
	// Web configures the HTTP side on the gRPC port (gRPC-Web, Connect,
	// the web explorer).
	Web Web

	backend *Backend
}

// flags holds the raw flag values.
type flags struct {
	grpcPort             int
	grpcChannelArguments string
	sourceConfigType     string
	configFile           string
	connectionRetries    int
	ops                  opsFlags

	mysqlHost     string
	mysqlPort     int
	mysqlDatabase string
	mysqlUser     string
	mysqlPassword string

	pgHost, pgHostaddr, pgPort, pgUser, pgPassword, pgPassfile, pgDBName string
	pgSkipDBCreation                                                     bool
	pgSSLMode, pgSSLCert, pgSSLKey, pgSSLPassword, pgSSLRootCert         string

	enableDatabaseUpgrade    bool
	downgradeDBSchemaVersion int64

	// gomlmd's own.
	listenAddress   string
	shutdownTimeout time.Duration
	logLevel        string
	logFormat       string
	mysqlPool       MySQLPool
	web             webFlags
	adminService    bool
}

func newFlagSet(f *flags, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("mlmd-server", flag.ContinueOnError)
	fs.SetOutput(out)
	f.ops.register(fs)

	// The flags of MLMD's metadata_store_server, with its defaults.
	fs.IntVar(&f.grpcPort, "grpc_port", 8080, "port to listen on for gRPC")
	fs.StringVar(&f.grpcChannelArguments, "grpc_channel_arguments", "", "comma separated key=value gRPC channel arguments, e.g. grpc.max_receive_message_length=104857600")
	fs.StringVar(&f.sourceConfigType, "metadata_source_config_type", SourceDefault, "where the connection settings come from: default, config_file, mysql or postgresql")
	fs.StringVar(&f.configFile, "metadata_store_server_config_file", "", "path of a text-format MetadataStoreServerConfig; overrides the --mysql_config_* flags")
	fs.IntVar(&f.connectionRetries, "metadata_store_connection_retries", 5, "how often to retry connecting to the database after a transient failure")
	fs.StringVar(&f.mysqlHost, "mysql_config_host", "", "MySQL host; use with --mysql_config_port and --mysql_config_database")
	fs.IntVar(&f.mysqlPort, "mysql_config_port", 0, "MySQL port")
	fs.StringVar(&f.mysqlDatabase, "mysql_config_database", "", "MySQL database, created if missing")
	fs.StringVar(&f.mysqlUser, "mysql_config_user", "", "MySQL user (optional)")
	fs.StringVar(&f.mysqlPassword, "mysql_config_password", "", "MySQL password (optional)")
	fs.StringVar(&f.pgHost, "postgres_config_host", "", "PostgreSQL host name, or a Unix socket directory starting with /; use with --metadata_source_config_type=postgresql")
	fs.StringVar(&f.pgHostaddr, "postgres_config_hostaddr", "", "PostgreSQL host address")
	fs.StringVar(&f.pgPort, "postgres_config_port", "", "PostgreSQL port")
	fs.StringVar(&f.pgUser, "postgres_config_user", "", "PostgreSQL user")
	fs.StringVar(&f.pgPassword, "postgres_config_password", "", "PostgreSQL password")
	fs.StringVar(&f.pgPassfile, "postgres_config_passfile", "", "PostgreSQL password file")
	fs.StringVar(&f.pgDBName, "postgres_config_dbname", "", "PostgreSQL database")
	fs.BoolVar(&f.pgSkipDBCreation, "postgres_config_skip_db_creation", false, "do not create the PostgreSQL database")
	fs.StringVar(&f.pgSSLMode, "postgres_config_sslmode", "", "PostgreSQL sslmode")
	fs.StringVar(&f.pgSSLCert, "postgres_config_sslcert", "", "PostgreSQL client certificate file")
	fs.StringVar(&f.pgSSLKey, "postgres_config_sslkey", "", "PostgreSQL client key file")
	fs.StringVar(&f.pgSSLPassword, "postgres_config_sslpassword", "", "PostgreSQL client key password")
	fs.StringVar(&f.pgSSLRootCert, "postgres_config_sslrootcert", "", "PostgreSQL CA file")
	fs.BoolVar(&f.enableDatabaseUpgrade, "enable_database_upgrade", false, "allow upgrading the database schema when connecting")
	fs.Int64Var(&f.downgradeDBSchemaVersion, "downgrade_db_schema_version", -1, "downgrade the database schema to this version and exit")

	// gomlmd's own flags.
	fs.StringVar(&f.listenAddress, "listen_address", "", "host:port to listen on; overrides --grpc_port (default 0.0.0.0:<grpc_port>)")
	fs.DurationVar(&f.shutdownTimeout, "shutdown_timeout", 30*time.Second, "how long calls in flight may run after SIGTERM/SIGINT")
	fs.StringVar(&f.logLevel, "log_level", "info", "log level: debug, info, warn or error (info logs every call)")
	fs.StringVar(&f.logFormat, "log_format", "text", "log format: text or json")
	fs.BoolVar(&f.adminService, "enable_admin_service", false, "also serve gomlmd's own gomlmd.admin.v1.AdminService, which deletes nodes and types (off by default)")
	fs.IntVar(&f.mysqlPool.MaxOpenConns, "mysql_max_open_conns", 0, "most open MySQL connections (0: the backend's default, 16); keep replicas × this below the server's max_connections")
	fs.IntVar(&f.mysqlPool.MaxIdleConns, "mysql_max_idle_conns", 0, "most idle MySQL connections kept (0: the backend's default, 16)")
	fs.DurationVar(&f.mysqlPool.ConnMaxLifetime, "mysql_conn_max_lifetime", 0, "close MySQL connections older than this (0: the backend's default, 3m)")
	fs.DurationVar(&f.mysqlPool.ConnMaxIdleTime, "mysql_conn_max_idle_time", 0, "close MySQL connections idle for this long (0: the backend's default, 1m)")
	fs.DurationVar(&f.mysqlPool.ConnectTimeout, "mysql_connect_timeout", 0, "bound on making a MySQL connection: dial, handshake and login (0: the backend's default, 10s)")
	fs.DurationVar(&f.mysqlPool.ReadTimeout, "mysql_read_timeout", 0, "bound on each wait for a MySQL answer; a call held up longer fails with Unavailable (0: the backend's default, 2m)")
	fs.DurationVar(&f.mysqlPool.WriteTimeout, "mysql_write_timeout", 0, "bound on each write of a request to MySQL (0: the backend's default, 1m)")
	f.web.register(fs)
	return fs
}

// Usage writes the flag documentation to w.
func Usage(w io.Writer) {
	var f flags
	fs := newFlagSet(&f, w)
	fmt.Fprint(w, `Usage: mlmd-server [flags]

Serves MLMD's gRPC API (ml_metadata.MetadataStoreService), the gRPC health
service and server reflection on one port.

With no flags it serves an in-memory SQLite store on 0.0.0.0:8080: nothing
is kept when it stops. Give --mysql_config_host, --mysql_config_port and
--mysql_config_database for MySQL/MariaDB, or
--metadata_store_server_config_file for a text-format
MetadataStoreServerConfig (MySQL, or SQLite with a file name).

Flags:
`)
	fs.PrintDefaults()
}

// ErrHelp is returned by Load when -h or --help was given.
var ErrHelp = flag.ErrHelp

// ErrVersion is returned by Load when --version was given.
var ErrVersion = errors.New("version requested")

// Load parses the command line (without the program name) and checks the
// resulting configuration, reading the config file if one is named. Errors
// say which flag or setting is wrong.
func Load(args []string) (*Config, error) {
	f, fs, err := parseFlags(args)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	c := &Config{
		ConnectionRetries:  f.connectionRetries,
		MySQLPool:          f.mysqlPool,
		ShutdownTimeout:    f.shutdownTimeout,
		LogFormat:          f.logFormat,
		EnableAdminService: f.adminService,
	}
	if err := f.serverSettings(c, fs); err != nil {
		return nil, err
	}
	source, err := f.connection(c)
	if err != nil {
		return nil, err
	}
	if (set["enable_database_upgrade"] || set["downgrade_db_schema_version"]) && source != SourceMySQL && source != SourcePostgreSQL {
		c.Warnings = append(c.Warnings, "--enable_database_upgrade and --downgrade_db_schema_version apply to the --mysql_config_* and --postgres_config_* flags only; with a config file use its migration_options")
	}
	if err := c.checkConnection(f, set); err != nil {
		return nil, err
	}
	return c, nil
}

// parseFlags parses the command line into flags, and returns the flag set
// to learn which flags were given.
func parseFlags(args []string) (*flags, *flag.FlagSet, error) {
	var f flags
	fs := newFlagSet(&f, io.Discard)
	if err := fs.Parse(gflagsNegations(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, nil, ErrHelp
		}
		return nil, nil, err
	}
	if fs.NArg() > 0 {
		return nil, nil, fmt.Errorf("unexpected argument %q (flags are --name=value)", fs.Arg(0))
	}
	if f.ops.version {
		return nil, nil, ErrVersion
	}
	return &f, fs, nil
}

// serverSettings checks the settings of the server itself (address,
// retries, timeouts, logging, pool, web, gRPC channel) and sets them in c.
func (f *flags) serverSettings(c *Config, fs *flag.FlagSet) error {
	if f.listenAddress != "" {
		if _, _, err := net.SplitHostPort(f.listenAddress); err != nil {
			return fmt.Errorf("--listen_address %q: %v", f.listenAddress, err)
		}
		c.ListenAddress = f.listenAddress
	} else {
		if f.grpcPort <= 0 || f.grpcPort > 65535 {
			return fmt.Errorf("--grpc_port %d is invalid: must be in 1..65535", f.grpcPort)
		}
		c.ListenAddress = net.JoinHostPort("0.0.0.0", strconv.Itoa(f.grpcPort))
	}
	if f.connectionRetries < 0 {
		return fmt.Errorf("--metadata_store_connection_retries %d is negative", f.connectionRetries)
	}
	if f.shutdownTimeout <= 0 {
		return fmt.Errorf("--shutdown_timeout %v must be positive", f.shutdownTimeout)
	}
	op, err := f.ops.config()
	if err != nil {
		return err
	}
	c.Operation = op
	if err := c.LogLevel.UnmarshalText([]byte(f.logLevel)); err != nil {
		return fmt.Errorf("--log_level %q: want debug, info, warn or error", f.logLevel)
	}
	if f.logFormat != "text" && f.logFormat != "json" {
		return fmt.Errorf("--log_format %q: want text or json", f.logFormat)
	}
	for _, p := range []struct {
		name     string
		negative bool
	}{
		{"mysql_max_open_conns", f.mysqlPool.MaxOpenConns < 0},
		{"mysql_max_idle_conns", f.mysqlPool.MaxIdleConns < 0},
		{"mysql_conn_max_lifetime", f.mysqlPool.ConnMaxLifetime < 0},
		{"mysql_conn_max_idle_time", f.mysqlPool.ConnMaxIdleTime < 0},
		{"mysql_connect_timeout", f.mysqlPool.ConnectTimeout < 0},
		{"mysql_read_timeout", f.mysqlPool.ReadTimeout < 0},
		{"mysql_write_timeout", f.mysqlPool.WriteTimeout < 0},
	} {
		if p.negative {
			return fmt.Errorf("--%s %s is negative", p.name, fs.Lookup(p.name).Value)
		}
	}
	web, err := f.web.config()
	if err != nil {
		return err
	}
	c.Web = web
	channelArgs, err := ParseChannelArgs(f.grpcChannelArguments)
	if err != nil {
		return fmt.Errorf("--grpc_channel_arguments: %w", err)
	}
	c.ChannelArgs = channelArgs
	_, warnings, err := ChannelArgOptions(channelArgs)
	if err != nil {
		return fmt.Errorf("--grpc_channel_arguments: %w", err)
	}
	c.Warnings = append(c.Warnings, warnings...)
	return nil
}

// connection sets the connection settings of c, chosen as MLMD's server
// chooses them: by default from the config file if one is named, else from
// the MySQL flags if any is set, else an in-memory database. It returns
// where they came from.
func (f *flags) connection(c *Config) (source string, err error) {
	source = f.sourceConfigType
	if source == SourceDefault {
		switch {
		case f.configFile != "":
			source = SourceConfigFile
		case f.mysqlHost != "" || f.mysqlDatabase != "" || f.mysqlPort != 0:
			source = SourceMySQL
		}
	}
	var sc *pb.MetadataStoreServerConfig
	switch source {
	case SourceDefault:
		sc = &pb.MetadataStoreServerConfig{ConnectionConfig: &pb.ConnectionConfig{
			Config: &pb.ConnectionConfig_FakeDatabase{FakeDatabase: &pb.FakeDatabaseConfig{}}}}
		c.Source = "no connection config given"
	case SourceConfigFile:
		if f.configFile == "" {
			return "", errors.New("--metadata_source_config_type=config_file needs --metadata_store_server_config_file")
		}
		sc, err = readConfigFile(f.configFile)
		c.Source = "config file " + f.configFile
	case SourceMySQL:
		sc, err = mysqlFlagsConfig(f)
		c.Source = "--mysql_config_* flags"
	case SourcePostgreSQL:
		sc, err = postgresFlagsConfig(f)
		c.Source = "--postgres_config_* flags"
	default:
		return "", fmt.Errorf("--metadata_source_config_type %q is invalid: want one of default, config_file, mysql, postgresql", f.sourceConfigType)
	}
	if err != nil {
		return "", err
	}
	c.Server = sc
	return source, nil
}

// checkConnection checks the connection settings of c against the rest
// of the configuration, notes what has no effect in c.Warnings, and reads
// the password where the flags say so.
func (c *Config) checkConnection(f *flags, set map[string]bool) error {
	if err := checkServerConfig(c.Server); err != nil {
		return err
	}
	if c.Server.GetConnectionConfig().GetFakeDatabase() != nil {
		c.Warnings = append(c.Warnings, "using an in-memory database: metadata is lost when the server stops")
	}
	if m := c.Server.GetConnectionConfig().GetMysql(); m == nil {
		if !c.MySQLPool.isZero() && c.Server.GetConnectionConfig().GetPostgresql() == nil {
			c.Warnings = append(c.Warnings, "the --mysql_*_timeout and --mysql_max_*/--mysql_conn_* pool flags have no effect: the database is not MySQL or PostgreSQL")
		}
	} else if m.GetSocket() != "" && !usesSocket(m) {
		c.Warnings = append(c.Warnings, fmt.Sprintf("connection_config.mysql.socket is ignored: host %q is set, so the connection uses TCP, as in MLMD (leave host empty or \"localhost\" to use the socket)", m.GetHost()))
	}
	if err := f.ops.applyPassword(c.Server, set["mysql_config_password"], f.configFile); err != nil {
		return err
	}
	if _, err := c.Backend(); err != nil {
		return err
	}
	if _, err := c.TransportCredentials(); err != nil {
		return err
	}
	return nil
}

// gflagsNegations rewrites gflags' "--noflag" spelling of a false boolean
// into "--flag=false", so MLMD's command lines parse unchanged.
func gflagsNegations(fs *flag.FlagSet, args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if name, ok := negatedBool(fs, a); ok {
			out = append(out, "--"+name+"=false")
			continue
		}
		out = append(out, a)
	}
	return out
}

// negatedBool reports whether arg is "-noNAME" or "--noNAME" for a boolean
// flag NAME, and returns NAME.
func negatedBool(fs *flag.FlagSet, arg string) (string, bool) {
	s := strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-")
	if s == arg || strings.HasPrefix(s, "-") || strings.Contains(s, "=") {
		return "", false
	}
	name, ok := strings.CutPrefix(s, "no")
	if !ok || fs.Lookup(s) != nil {
		return "", false
	}
	fl := fs.Lookup(name)
	if fl == nil {
		return "", false
	}
	bf, ok := fl.Value.(interface{ IsBoolFlag() bool })
	return name, ok && bf.IsBoolFlag()
}

// readConfigFile reads a text-format MetadataStoreServerConfig. Unlike
// MLMD's server, which silently falls back to the MySQL flags or an
// in-memory database when the named file cannot be read, a named file that
// is missing or malformed is an error: a typo must not lose data.
func readConfigFile(path string) (*pb.MetadataStoreServerConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--metadata_store_server_config_file: %w", err)
	}
	sc := &pb.MetadataStoreServerConfig{}
	if err := prototext.Unmarshal(b, sc); err != nil {
		return nil, fmt.Errorf("--metadata_store_server_config_file %s: not a text-format MetadataStoreServerConfig: %v", path, err)
	}
	return sc, nil
}

// mysqlFlagsConfig builds the config from the --mysql_config_* flags, which
// must name host, port and database together.
func mysqlFlagsConfig(f *flags) (*pb.MetadataStoreServerConfig, error) {
	if f.mysqlHost == "" || f.mysqlDatabase == "" || f.mysqlPort <= 0 {
		var missing []string
		if f.mysqlHost == "" {
			missing = append(missing, "--mysql_config_host")
		}
		if f.mysqlPort <= 0 {
			missing = append(missing, "--mysql_config_port")
		}
		if f.mysqlDatabase == "" {
			missing = append(missing, "--mysql_config_database")
		}
		return nil, fmt.Errorf("MySQL needs --mysql_config_host, --mysql_config_port and --mysql_config_database together; missing or invalid: %s", strings.Join(missing, ", "))
	}
	if f.mysqlPort > 65535 {
		return nil, fmt.Errorf("--mysql_config_port %d is invalid: must be in 1..65535", f.mysqlPort)
	}
	if f.enableDatabaseUpgrade && f.downgradeDBSchemaVersion >= 0 {
		return nil, errors.New("--enable_database_upgrade=true and --downgrade_db_schema_version >= 0 cannot be set together")
	}
	sc := &pb.MetadataStoreServerConfig{ConnectionConfig: &pb.ConnectionConfig{
		Config: &pb.ConnectionConfig_Mysql{Mysql: &pb.MySQLDatabaseConfig{
			Host:     proto.String(f.mysqlHost),
			Port:     proto.Int64(int64(f.mysqlPort)),
			Database: proto.String(f.mysqlDatabase),
			User:     proto.String(f.mysqlUser),
			Password: proto.String(f.mysqlPassword),
		}}}}
	if f.enableDatabaseUpgrade {
		sc.MigrationOptions = &pb.MigrationOptions{EnableUpgradeMigration: proto.Bool(true)}
	}
	if f.downgradeDBSchemaVersion >= 0 {
		sc.MigrationOptions = &pb.MigrationOptions{DowngradeToSchemaVersion: proto.Int64(f.downgradeDBSchemaVersion)}
	}
	return sc, nil
}

// checkPostgresFlags applies the checks of MLMD's server to the
// --postgres_config_* flags, so the message names the real problem first.
func checkPostgresFlags(f *flags) error {
	switch {
	case (f.pgHost == "") == (f.pgHostaddr == ""):
		return errors.New("PostgreSQL needs exactly one of --postgres_config_host and --postgres_config_hostaddr")
	case f.pgPort == "":
		return errors.New("PostgreSQL needs --postgres_config_port")
	case f.pgDBName == "":
		return errors.New("PostgreSQL needs --postgres_config_dbname")
	case f.pgUser == "":
		return errors.New("PostgreSQL needs --postgres_config_user")
	}
	return nil
}

// postgresFlagsConfig builds the config from the --postgres_config_*
// flags as MLMD's server does: the checks of checkPostgresFlags, then the
// non-empty flags as fields.
func postgresFlagsConfig(f *flags) (*pb.MetadataStoreServerConfig, error) {
	if err := checkPostgresFlags(f); err != nil {
		return nil, err
	}
	if f.enableDatabaseUpgrade && f.downgradeDBSchemaVersion >= 0 {
		return nil, errors.New("--enable_database_upgrade=true and --downgrade_db_schema_version >= 0 cannot be set together")
	}
	opt := func(v string) *string {
		if v == "" {
			return nil
		}
		return proto.String(v)
	}
	pg := &pb.PostgreSQLDatabaseConfig{
		Host: opt(f.pgHost), Hostaddr: opt(f.pgHostaddr), Port: opt(f.pgPort),
		User: opt(f.pgUser), Password: opt(f.pgPassword), Passfile: opt(f.pgPassfile), Dbname: opt(f.pgDBName),
	}
	if f.pgSkipDBCreation {
		pg.SkipDbCreation = proto.Bool(true)
	}
	if f.pgSSLMode != "" || f.pgSSLCert != "" || f.pgSSLKey != "" || f.pgSSLPassword != "" || f.pgSSLRootCert != "" {
		pg.Ssloption = &pb.PostgreSQLDatabaseConfig_SSLOptions{
			Sslmode: opt(f.pgSSLMode), Sslcert: opt(f.pgSSLCert), Sslkey: opt(f.pgSSLKey),
			Sslpassword: opt(f.pgSSLPassword), Sslrootcert: opt(f.pgSSLRootCert),
		}
	}
	sc := &pb.MetadataStoreServerConfig{ConnectionConfig: &pb.ConnectionConfig{
		Config: &pb.ConnectionConfig_Postgresql{Postgresql: pg}}}
	if f.enableDatabaseUpgrade {
		sc.MigrationOptions = &pb.MigrationOptions{EnableUpgradeMigration: proto.Bool(true)}
	}
	if f.downgradeDBSchemaVersion >= 0 {
		sc.MigrationOptions = &pb.MigrationOptions{DowngradeToSchemaVersion: proto.Int64(f.downgradeDBSchemaVersion)}
	}
	return sc, nil
}

// checkServerConfig rejects configurations gomlmd cannot serve.
func checkServerConfig(sc *pb.MetadataStoreServerConfig) error {
	cc := sc.GetConnectionConfig()
	switch cfg := cc.GetConfig().(type) {
	case nil:
		return errors.New("the server config has no connection_config (want fake_database, sqlite, mysql or postgresql)")
	case *pb.ConnectionConfig_FakeDatabase:
	case *pb.ConnectionConfig_Sqlite:
		switch m := cfg.Sqlite.GetConnectionMode(); m {
		case pb.SqliteMetadataSourceConfig_UNKNOWN, pb.SqliteMetadataSourceConfig_READONLY,
			pb.SqliteMetadataSourceConfig_READWRITE, pb.SqliteMetadataSourceConfig_READWRITE_OPENCREATE:
		default:
			return fmt.Errorf("connection_config.sqlite.connection_mode %v is invalid", m)
		}
	case *pb.ConnectionConfig_Mysql:
		m := cfg.Mysql
		if m.GetHost() == "" && m.GetSocket() == "" {
			return errors.New("connection_config.mysql needs host or socket")
		}
		if m.GetPort() < 0 || m.GetPort() > 65535 {
			return fmt.Errorf("connection_config.mysql.port %d is invalid", m.GetPort())
		}
		if m.GetDatabase() == "" {
			return errors.New("connection_config.mysql needs database")
		}
	case *pb.ConnectionConfig_Postgresql:
		// MLMD's PostgreSQL metadata source refuses the same.
		if err := PostgresStoreConfig(cfg.Postgresql).Validate(); err != nil {
			return fmt.Errorf("connection_config.postgresql: %w", err)
		}
	default:
		return fmt.Errorf("connection_config: unsupported kind %T", cfg)
	}
	if n := cc.GetRetryOptions().GetMaxNumRetries(); n < 0 {
		return fmt.Errorf("connection_config.retry_options.max_num_retries %d is negative", n)
	}
	mo := sc.GetMigrationOptions()
	if mo.GetEnableUpgradeMigration() && mo.GetDowngradeToSchemaVersion() >= 0 {
		return errors.New("migration_options: enable_upgrade_migration and downgrade_to_schema_version cannot be set together")
	}
	if v := mo.GetDowngradeToSchemaVersion(); v >= mlmd.SchemaVersion {
		return fmt.Errorf("migration_options.downgrade_to_schema_version %d is invalid: want a version from 0 to %d (gomlmd serves version %d)", v, mlmd.SchemaVersion-1, mlmd.SchemaVersion)
	}
	return nil
}

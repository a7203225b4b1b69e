package serverconfig

import (
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
	"github.com/gomlmd/gomlmd/mlmd/mysqlstore"
)

// writeFile writes content to a file in a test directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustText(t *testing.T, m proto.Message) string {
	t.Helper()
	b, err := prototext.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoadGood(t *testing.T) {
	sqliteFile := writeFile(t, "sqlite.pbtxt", `
# a comment, as MLMD's examples have
connection_config {
  sqlite {
    filename_uri: "/tmp/mlmd.db"
    connection_mode: READWRITE_OPENCREATE
  }
  retry_options { max_num_retries: 7 }
}
migration_options { enable_upgrade_migration: true }
`)
	mysqlFile := writeFile(t, "mysql.pbtxt", `connection_config { mysql { host: "db" port: 3307 database: "metadb" user: "u" password: "p" skip_db_creation: true } }`)
	fakeFile := writeFile(t, "fake.pbtxt", `connection_config { fake_database {} }`)
	cipherFile := writeFile(t, "cipher.pbtxt", `connection_config { mysql { host: "db" database: "d" ssl_options { cipher: "ECDHE-RSA-AES128-GCM-SHA256" } } }`)
	downgradeFile := writeFile(t, "down.pbtxt", `connection_config { fake_database {} } migration_options { downgrade_to_schema_version: 8 }`)
	socketFile := writeFile(t, "socket.pbtxt", `connection_config { mysql { host: "db" socket: "/run/mysqld/mysqld.sock" database: "d" } }`)

	tests := []struct {
		name   string
		args   []string
		check  func(t *testing.T, c *Config)
		driver string
		dsn    string             // for sqlite
		mysql  *mysqlstore.Config // for mysql
	}{
		{
			name: "no flags: in-memory on 8080", args: nil, driver: "sqlite", dsn: ":memory:",
			check: func(t *testing.T, c *Config) {
				if c.ListenAddress != "0.0.0.0:8080" || c.ConnectionRetries != 5 || c.ShutdownTimeout != 30*time.Second || c.LogLevel != slog.LevelInfo {
					t.Errorf("defaults: %+v", c)
				}
				if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "in-memory") {
					t.Errorf("warnings %v", c.Warnings)
				}
			},
		},
		{
			name: "Kubeflow's command line",
			args: []string{"--grpc_port=8080", "--mysql_config_database=metadb", "--mysql_config_host=mysql", "--mysql_config_port=3306",
				"--mysql_config_user=root", "--mysql_config_password=", "--enable_database_upgrade=true", "--grpc_channel_arguments=grpc.max_metadata_size=16384"},
			driver: "mysql", mysql: &mysqlstore.Config{Host: "mysql", Port: 3306, Database: "metadb", User: "root"},
			check: func(t *testing.T, c *Config) {
				if b, _ := c.Backend(); b.Description != `MySQL tcp(mysql:3306)/metadb as "root"` {
					t.Errorf("description %q", b.Description)
				}
				if !c.Server.GetMigrationOptions().GetEnableUpgradeMigration() {
					t.Error("enable_upgrade_migration not set")
				}
				if b, _ := c.Backend(); !b.Options.EnableUpgradeMigration {
					t.Error("the store is not opened with upgrades enabled")
				}
				if v, ok := c.DowngradeTo(); ok {
					t.Errorf("DowngradeTo() = %d, true without a downgrade", v)
				}
				if len(c.ChannelArgs) != 1 || c.ChannelArgs[0].Key != "grpc.max_metadata_size" || c.ChannelArgs[0].Int != 16384 {
					t.Errorf("channel args %+v", c.ChannelArgs)
				}
				if len(c.Warnings) != 0 {
					t.Errorf("warnings %v", c.Warnings)
				}
			},
		},
		{
			name:   "single dash and space-separated values, as gflags allows",
			args:   []string{"-grpc_port", "9090", "-mysql_config_host", "h", "-mysql_config_port", "1", "-mysql_config_database", "d"},
			driver: "mysql", mysql: &mysqlstore.Config{Host: "h", Port: 1, Database: "d"},
			check: func(t *testing.T, c *Config) {
				if c.ListenAddress != "0.0.0.0:9090" {
					t.Errorf("listen %s", c.ListenAddress)
				}
			},
		},
		{
			name: "gflags --noflag", args: []string{"--noenable_database_upgrade", "--mysql_config_host=h", "--mysql_config_port=1", "--mysql_config_database=d"},
			driver: "mysql", mysql: &mysqlstore.Config{Host: "h", Port: 1, Database: "d"},
			check: func(t *testing.T, c *Config) {
				if c.Server.GetMigrationOptions() != nil {
					t.Errorf("migration options %v", c.Server.GetMigrationOptions())
				}
			},
		},
		{
			name: "sqlite config file", args: []string{"--metadata_store_server_config_file=" + sqliteFile},
			driver: "sqlite", dsn: "file:/tmp/mlmd.db",
			check: func(t *testing.T, c *Config) {
				b, _ := c.Backend()
				if b.Options.MaxRetries != 7 || b.Options.SkipMigrations {
					t.Errorf("options %+v", b.Options)
				}
			},
		},
		{
			name:   "config file wins over mysql flags",
			args:   []string{"--metadata_store_server_config_file=" + mysqlFile, "--mysql_config_host=ignored", "--mysql_config_port=1", "--mysql_config_database=x"},
			driver: "mysql", mysql: &mysqlstore.Config{Host: "db", Port: 3307, Database: "metadb", User: "u", Password: "p", SkipDBCreation: true},
		},
		{
			name:   "config_file source type",
			args:   []string{"--metadata_source_config_type=config_file", "--metadata_store_server_config_file=" + fakeFile},
			driver: "sqlite", dsn: ":memory:",
		},
		{
			name:   "mysql source type",
			args:   []string{"--metadata_source_config_type=mysql", "--mysql_config_host=h", "--mysql_config_port=3306", "--mysql_config_database=d", "--downgrade_db_schema_version=-1"},
			driver: "mysql", mysql: &mysqlstore.Config{Host: "h", Port: 3306, Database: "d"},
		},
		{
			name: "mysql pool flags",
			args: []string{"--mysql_config_host=h", "--mysql_config_port=3306", "--mysql_config_database=d", "--mysql_max_open_conns=20",
				"--mysql_max_idle_conns=4", "--mysql_conn_max_lifetime=10m", "--mysql_conn_max_idle_time=30s"},
			driver: "mysql", mysql: &mysqlstore.Config{Host: "h", Port: 3306, Database: "d",
				MaxOpenConns: 20, MaxIdleConns: 4, ConnMaxLifetime: 10 * time.Minute, ConnMaxIdleTime: 30 * time.Second},
		},
		{
			name: "mysql pool flags with a config file",
			args: []string{"--metadata_store_server_config_file=" + mysqlFile, "--mysql_max_open_conns=8",
				"--mysql_connect_timeout=3s", "--mysql_read_timeout=45s", "--mysql_write_timeout=20s"},
			driver: "mysql", mysql: &mysqlstore.Config{Host: "db", Port: 3307, Database: "metadb", User: "u", Password: "p", SkipDBCreation: true, MaxOpenConns: 8,
				ConnectTimeout: 3 * time.Second, ReadTimeout: 45 * time.Second, WriteTimeout: 20 * time.Second},
		},
		{
			name: "pool flags without mysql are a warning", args: []string{"--mysql_conn_max_lifetime=1h"},
			driver: "sqlite", dsn: ":memory:",
			check: func(t *testing.T, c *Config) {
				if !strings.Contains(strings.Join(c.Warnings, "\n"), "pool flags have no effect: the database is not MySQL") {
					t.Errorf("warnings %v", c.Warnings)
				}
			},
		},
		{
			// Refused before gomlmd used mysqlstore's TLS settings.
			name: "mysql cipher", args: []string{"--metadata_store_server_config_file=" + cipherFile},
			driver: "mysql", mysql: &mysqlstore.Config{Host: "db", Database: "d", SSL: &mysqlstore.SSLOptions{Cipher: "ECDHE-RSA-AES128-GCM-SHA256"}},
			check: func(t *testing.T, c *Config) {
				if b, _ := c.Backend(); !strings.HasSuffix(b.Description, " over TLS") {
					t.Errorf("description %q", b.Description)
				}
			},
		},
		{
			name: "mysql host and socket: TCP, as in MLMD", args: []string{"--metadata_store_server_config_file=" + socketFile},
			driver: "mysql", mysql: &mysqlstore.Config{Host: "db", Database: "d"},
			check: func(t *testing.T, c *Config) {
				want := `connection_config.mysql.socket is ignored: host "db" is set, so the connection uses TCP, as in MLMD (leave host empty or "localhost" to use the socket)`
				if len(c.Warnings) != 1 || c.Warnings[0] != want {
					t.Errorf("warnings %q, want %q", c.Warnings, want)
				}
			},
		},
		{
			name: "gomlmd's own flags", args: []string{"--listen_address=127.0.0.1:0", "--log_level=warn", "--log_format=json", "--shutdown_timeout=5s"},
			driver: "sqlite", dsn: ":memory:",
			check: func(t *testing.T, c *Config) {
				if c.ListenAddress != "127.0.0.1:0" || c.LogLevel != slog.LevelWarn || c.LogFormat != "json" || c.ShutdownTimeout != 5*time.Second {
					t.Errorf("%+v", c)
				}
			},
		},
		{
			name: "unknown channel argument is a warning", args: []string{"--grpc_channel_arguments=grpc.http2.max_ping_strikes=0,,grpc.max_receive_message_length=-1"},
			driver: "sqlite", dsn: ":memory:",
			check: func(t *testing.T, c *Config) {
				if len(c.ChannelArgs) != 2 || !strings.Contains(strings.Join(c.Warnings, "\n"), `"grpc.http2.max_ping_strikes=0" has no effect`) {
					t.Errorf("args %+v warnings %v", c.ChannelArgs, c.Warnings)
				}
			},
		},
		{
			name: "downgrade flag", args: []string{"--mysql_config_host=h", "--mysql_config_port=1", "--mysql_config_database=d", "--downgrade_db_schema_version=0"},
			driver: "mysql", mysql: &mysqlstore.Config{Host: "h", Port: 1, Database: "d"},
			check: func(t *testing.T, c *Config) {
				if v, ok := c.DowngradeTo(); v != 0 || !ok {
					t.Errorf("DowngradeTo() = %d, %v, want 0, true", v, ok)
				}
				if b, _ := c.Backend(); b.Options.EnableUpgradeMigration {
					t.Error("upgrades enabled with a downgrade")
				}
			},
		},
		{
			name: "downgrade in a config file", args: []string{"--metadata_store_server_config_file=" + downgradeFile},
			driver: "sqlite", dsn: ":memory:",
			check: func(t *testing.T, c *Config) {
				if v, ok := c.DowngradeTo(); v != 8 || !ok {
					t.Errorf("DowngradeTo() = %d, %v, want 8, true", v, ok)
				}
			},
		},
		{
			name: "upgrade flag with a config file is accepted with a warning", args: []string{"--enable_database_upgrade", "--metadata_store_server_config_file=" + fakeFile},
			driver: "sqlite", dsn: ":memory:",
			check: func(t *testing.T, c *Config) {
				if !strings.Contains(strings.Join(c.Warnings, "\n"), "apply to the --mysql_config_* and --postgres_config_* flags only") {
					t.Errorf("warnings %v", c.Warnings)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.args)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			b, err := c.Backend()
			if err != nil {
				t.Fatal(err)
			}
			if b.Driver != tt.driver || b.DSN != tt.dsn {
				t.Errorf("backend %s %q, want %s %q", b.Driver, b.DSN, tt.driver, tt.dsn)
			}
			if !reflect.DeepEqual(b.MySQL, tt.mysql) {
				t.Errorf("MySQL config\n  %s\nwant\n  %s", showMySQL(b.MySQL), showMySQL(tt.mysql))
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestLoadBad(t *testing.T) {
	dir := t.TempDir()
	garbage := writeFile(t, "garbage.pbtxt", "connection_config { mysql { hots: 1 } }")
	postgres := writeFile(t, "pg.pbtxt", `connection_config { postgresql { host: "h" } }`)
	downgrade := writeFile(t, "down.pbtxt", `connection_config { fake_database {} } migration_options { downgrade_to_schema_version: 12 }`)
	both := writeFile(t, "both.pbtxt", `connection_config { fake_database {} } migration_options { enable_upgrade_migration: true downgrade_to_schema_version: 8 }`)
	noConn := writeFile(t, "noconn.pbtxt", `migration_options { enable_upgrade_migration: true }`)
	mysqlNoDB := writeFile(t, "nodb.pbtxt", `connection_config { mysql { host: "h" } }`)
	mysqlNoHost := writeFile(t, "nohost.pbtxt", `connection_config { mysql { database: "d" } }`)
	badTLS := writeFile(t, "tls.pbtxt", `connection_config { fake_database {} } ssl_config { server_key: "/etc/key.pem" server_cert: "/etc/cert.pem" }`)
	halfTLS := writeFile(t, "halftls.pbtxt", `connection_config { fake_database {} } ssl_config { server_cert: "x" }`)
	cipher := writeFile(t, "cipher.pbtxt", `connection_config { mysql { host: "h" database: "d" ssl_options { cipher: "DHE-RSA-AES256-SHA" } } }`)
	noCA := filepath.Join(dir, "none.pem")
	missingCA := writeFile(t, "noca.pbtxt", `connection_config { mysql { host: "h" database: "d" ssl_options { ca: "`+noCA+`" } } }`)

	tests := []struct {
		name string
		args []string
		want string // the whole message
	}{
		{"port zero", []string{"--grpc_port=0"}, "--grpc_port 0 is invalid: must be in 1..65535"},
		{"port too big", []string{"--grpc_port=70000"}, "--grpc_port 70000 is invalid: must be in 1..65535"},
		{"port not a number", []string{"--grpc_port=http"}, `invalid value "http" for flag -grpc_port: parse error`},
		{"unknown flag", []string{"--grpc_prot=1"}, "flag provided but not defined: -grpc_prot"},
		{"positional argument", []string{"serve"}, `unexpected argument "serve" (flags are --name=value)`},
		{"bad source type", []string{"--metadata_source_config_type=sqlite"}, `--metadata_source_config_type "sqlite" is invalid: want one of default, config_file, mysql, postgresql`},
		{"host only", []string{"--mysql_config_host=h"}, "MySQL needs --mysql_config_host, --mysql_config_port and --mysql_config_database together; missing or invalid: --mysql_config_port, --mysql_config_database"},
		{"port only", []string{"--mysql_config_port=3306"}, "MySQL needs --mysql_config_host, --mysql_config_port and --mysql_config_database together; missing or invalid: --mysql_config_host, --mysql_config_database"},
		{"mysql type without flags", []string{"--metadata_source_config_type=mysql"}, "MySQL needs --mysql_config_host, --mysql_config_port and --mysql_config_database together; missing or invalid: --mysql_config_host, --mysql_config_port, --mysql_config_database"},
		{"mysql port too big", []string{"--mysql_config_host=h", "--mysql_config_port=99999", "--mysql_config_database=d"}, "--mysql_config_port 99999 is invalid: must be in 1..65535"},
		{"upgrade and downgrade", []string{"--mysql_config_host=h", "--mysql_config_port=1", "--mysql_config_database=d", "--enable_database_upgrade", "--downgrade_db_schema_version=3"},
			"--enable_database_upgrade=true and --downgrade_db_schema_version >= 0 cannot be set together"},
		{"downgrade to 10", []string{"--mysql_config_host=h", "--mysql_config_port=1", "--mysql_config_database=d", "--downgrade_db_schema_version=10"},
			"migration_options.downgrade_to_schema_version 10 is invalid: want a version from 0 to 9 (gomlmd serves version 10)"},
		{"missing config file", []string{"--metadata_store_server_config_file=" + filepath.Join(dir, "nope.pbtxt")},
			"--metadata_store_server_config_file: open " + filepath.Join(dir, "nope.pbtxt") + ": no such file or directory"},
		{"config_file type without a file", []string{"--metadata_source_config_type=config_file"}, "--metadata_source_config_type=config_file needs --metadata_store_server_config_file"},
		{"garbage config", []string{"--metadata_store_server_config_file=" + garbage}, "--metadata_store_server_config_file " + garbage + ": not a text-format MetadataStoreServerConfig: "},
		{"postgres config incomplete", []string{"--metadata_store_server_config_file=" + postgres},
			"connection_config.postgresql: postgresstore: port must not be empty; dbname must not be empty; user parameter must not be empty"},
		{"postgres upgrade and downgrade", []string{"--metadata_source_config_type=postgresql", "--postgres_config_host=h", "--postgres_config_port=5432",
			"--postgres_config_dbname=d", "--postgres_config_user=u", "--enable_database_upgrade", "--downgrade_db_schema_version=3"},
			"--enable_database_upgrade=true and --downgrade_db_schema_version >= 0 cannot be set together"},
		{"postgres flags incomplete", []string{"--metadata_source_config_type=postgresql", "--postgres_config_host=h"}, "PostgreSQL needs --postgres_config_port"},
		{"postgres host and hostaddr", []string{"--metadata_source_config_type=postgresql", "--postgres_config_host=h", "--postgres_config_hostaddr=1.2.3.4"},
			"PostgreSQL needs exactly one of --postgres_config_host and --postgres_config_hostaddr"},
		{"downgrade in file", []string{"--metadata_store_server_config_file=" + downgrade}, "migration_options.downgrade_to_schema_version 12 is invalid: want a version from 0 to 9 (gomlmd serves version 10)"},
		{"upgrade and downgrade in file", []string{"--metadata_store_server_config_file=" + both}, "migration_options: enable_upgrade_migration and downgrade_to_schema_version cannot be set together"},
		{"no connection config", []string{"--metadata_store_server_config_file=" + noConn}, "the server config has no connection_config (want fake_database, sqlite, mysql or postgresql)"},
		{"mysql without database", []string{"--metadata_store_server_config_file=" + mysqlNoDB}, "connection_config.mysql needs database"},
		{"mysql without host", []string{"--metadata_store_server_config_file=" + mysqlNoHost}, "connection_config.mysql needs host or socket"},
		{"mysql cipher Go lacks", []string{"--metadata_store_server_config_file=" + cipher},
			`connection_config.mysql: mysqlstore: ssl options: cipher "DHE-RSA-AES256-SHA" is not a TLS 1.2 cipher suite that Go implements (use e.g. ECDHE-RSA-AES128-GCM-SHA256)`},
		{"mysql missing CA file", []string{"--metadata_store_server_config_file=" + missingCA},
			"connection_config.mysql: mysqlstore: ssl options: ca: open " + noCA + ": no such file or directory"},
		{"negative pool size", []string{"--mysql_max_open_conns=-1"}, "--mysql_max_open_conns -1 is negative"},
		{"negative read timeout", []string{"--mysql_read_timeout=-1s"}, "--mysql_read_timeout -1s is negative"},
		{"negative pool lifetime", []string{"--mysql_conn_max_lifetime=-1m"}, "--mysql_conn_max_lifetime -1m0s is negative"},
		{"tls file names", []string{"--metadata_store_server_config_file=" + badTLS}, "ssl_config: server_"},
		{"tls half", []string{"--metadata_store_server_config_file=" + halfTLS}, "ssl_config: server_key and server_cert are both required"},
		{"channel arg without value", []string{"--grpc_channel_arguments=grpc.max_metadata_size"}, `--grpc_channel_arguments: entry "grpc.max_metadata_size" is not key=value`},
		{"channel arg with two =", []string{"--grpc_channel_arguments=a=b=c"}, `--grpc_channel_arguments: entry "a=b=c" has more than one '='`},
		{"channel arg not an int", []string{"--grpc_channel_arguments=grpc.max_receive_message_length=big"}, `--grpc_channel_arguments: grpc.max_receive_message_length: value "big" is not an integer`},
		{"channel arg out of range", []string{"--grpc_channel_arguments=grpc.max_concurrent_streams=0"}, "--grpc_channel_arguments: grpc.max_concurrent_streams=0: must be in 1..4294967295"},
		{"bad listen address", []string{"--listen_address=8080"}, `--listen_address "8080": address 8080: missing port in address`},
		{"bad log level", []string{"--log_level=loud"}, `--log_level "loud": want debug, info, warn or error`},
		{"bad log format", []string{"--log_format=xml"}, `--log_format "xml": want text or json`},
		{"negative retries", []string{"--metadata_store_connection_retries=-1"}, "--metadata_store_connection_retries -1 is negative"},
		{"zero shutdown timeout", []string{"--shutdown_timeout=0s"}, "--shutdown_timeout 0s must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.args)
			if err == nil {
				t.Fatalf("Load succeeded: %+v", c)
			}
			// A want ending in ": " or "_" is a prefix (the rest comes
			// from a parser or a file system); others are the whole text.
			msg := err.Error()
			prefix := strings.HasSuffix(tt.want, ": ") || strings.HasSuffix(tt.want, "_")
			if (prefix && !strings.HasPrefix(msg, tt.want)) || (!prefix && msg != tt.want) {
				t.Errorf("error\n  %q\nwant\n  %q", msg, tt.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	if _, err := Load([]string{"--help"}); err != ErrHelp {
		t.Errorf("--help: %v", err)
	}
	var b strings.Builder
	Usage(&b)
	for _, f := range []string{"-grpc_port", "-metadata_store_server_config_file", "-mysql_config_host", "-enable_database_upgrade",
		"-downgrade_db_schema_version", "-grpc_channel_arguments", "-metadata_source_config_type", "-metadata_store_connection_retries"} {
		if !strings.Contains(b.String(), f) {
			t.Errorf("usage lacks %s", f)
		}
	}
}

func TestSQLiteDSN(t *testing.T) {
	tests := []struct {
		uri      string
		mode     pb.SqliteMetadataSourceConfig_ConnectionMode
		want     string
		readOnly bool
	}{
		{"", pb.SqliteMetadataSourceConfig_UNKNOWN, ":memory:", false},
		{"/data/mlmd.db", pb.SqliteMetadataSourceConfig_UNKNOWN, "file:/data/mlmd.db", false},
		{"/data/mlmd.db", pb.SqliteMetadataSourceConfig_READWRITE_OPENCREATE, "file:/data/mlmd.db", false},
		{"/data/mlmd.db", pb.SqliteMetadataSourceConfig_READWRITE, "file:/data/mlmd.db?mode=rw", false},
		{"/data/mlmd.db", pb.SqliteMetadataSourceConfig_READONLY, "file:/data/mlmd.db?mode=ro", true},
		{"file:rel.db", pb.SqliteMetadataSourceConfig_READONLY, "file:rel.db?mode=ro", true},
		{"file:rel.db?cache=shared", pb.SqliteMetadataSourceConfig_READWRITE, "file:rel.db?cache=shared&mode=rw", false},
		{"file:rel.db?mode=ro", pb.SqliteMetadataSourceConfig_READWRITE, "file:rel.db?mode=ro", false},
		{"/odd/a?b#c%d.db", pb.SqliteMetadataSourceConfig_UNKNOWN, "file:/odd/a%3fb%23c%25d.db", false},
	}
	for _, tt := range tests {
		got, ro, err := SQLiteDSN(&pb.SqliteMetadataSourceConfig{FilenameUri: proto.String(tt.uri), ConnectionMode: tt.mode.Enum()})
		if err != nil || got != tt.want || ro != tt.readOnly {
			t.Errorf("SQLiteDSN(%q, %v) = %q, %v, %v; want %q, %v", tt.uri, tt.mode, got, ro, err, tt.want, tt.readOnly)
		}
	}
}

// showMySQL formats a MySQL config for test messages, with its SSL
// options rather than their address.
func showMySQL(c *mysqlstore.Config) string {
	if c == nil {
		return "<nil>"
	}
	s := fmt.Sprintf("%+v", *c)
	if c.SSL != nil {
		s += fmt.Sprintf(" SSL=%+v", *c.SSL)
	}
	return s
}

// TestMySQLStoreConfig checks the mapping of MLMD's MySQLDatabaseConfig to
// mysqlstore's settings, and the errors of invalid ones.
func TestMySQLStoreConfig(t *testing.T) {
	ca := testCA(t)
	client := leaf(t, ca, "client", x509.ExtKeyUsageClientAuth)
	caFile := writeFile(t, "ca.pem", string(ca.certPEM))
	certFile := writeFile(t, "client.pem", string(client.certPEM))
	keyFile := writeFile(t, "client-key.pem", string(client.keyPEM))
	caDir := filepath.Dir(writeFile(t, "ca-in-dir.pem", string(ca.certPEM)))
	notPEM := writeFile(t, "not.pem", "not a certificate")
	otherKey := writeFile(t, "other-key.pem", string(ca.keyPEM))
	missing := filepath.Join(t.TempDir(), "missing.pem")
	s := proto.String

	tests := []struct {
		name string
		in   *pb.MySQLDatabaseConfig
		want *mysqlstore.Config
		err  string // the whole message, for invalid configs
	}{
		{name: "host, default port",
			in:   &pb.MySQLDatabaseConfig{Host: s("db"), Database: s("m")},
			want: &mysqlstore.Config{Host: "db", Database: "m"}},
		{name: "ipv6, port, user, password",
			in:   &pb.MySQLDatabaseConfig{Host: s("::1"), Port: proto.Int64(3307), Database: s("m"), User: s("u"), Password: s("p@ss:word")},
			want: &mysqlstore.Config{Host: "::1", Port: 3307, Database: "m", User: "u", Password: "p@ss:word"}},
		{name: "socket",
			in:   &pb.MySQLDatabaseConfig{Socket: s("/run/mysqld/mysqld.sock"), Port: proto.Int64(3307), Database: s("m"), User: s("root")},
			want: &mysqlstore.Config{Socket: "/run/mysqld/mysqld.sock", Database: "m", User: "root"}},
		{name: "socket with host localhost",
			in:   &pb.MySQLDatabaseConfig{Host: s("localhost"), Socket: s("/run/mysqld/mysqld.sock"), Database: s("m")},
			want: &mysqlstore.Config{Socket: "/run/mysqld/mysqld.sock", Database: "m"}},
		{name: "socket with another host: TCP",
			in:   &pb.MySQLDatabaseConfig{Host: s("127.0.0.1"), Port: proto.Int64(3306), Socket: s("/run/mysqld/mysqld.sock"), Database: s("m")},
			want: &mysqlstore.Config{Host: "127.0.0.1", Port: 3306, Database: "m"}},
		{name: "localhost without socket: TCP",
			in:   &pb.MySQLDatabaseConfig{Host: s("localhost"), Database: s("m")},
			want: &mysqlstore.Config{Host: "localhost", Database: "m"}},
		{name: "skip_db_creation",
			in:   &pb.MySQLDatabaseConfig{Host: s("db"), Database: s("m"), SkipDbCreation: proto.Bool(true)},
			want: &mysqlstore.Config{Host: "db", Database: "m", SkipDBCreation: true}},
		{name: "empty ssl_options turn TLS on",
			in:   &pb.MySQLDatabaseConfig{Host: s("db"), Database: s("m"), SslOptions: &pb.MySQLDatabaseConfig_SSLOptions{}},
			want: &mysqlstore.Config{Host: "db", Database: "m", SSL: &mysqlstore.SSLOptions{}}},
		{name: "every ssl option",
			in: &pb.MySQLDatabaseConfig{Host: s("db"), Database: s("m"), SslOptions: &pb.MySQLDatabaseConfig_SSLOptions{
				Key: s(keyFile), Cert: s(certFile), Ca: s(caFile), Capath: s(caDir), Cipher: s("ECDHE-ECDSA-AES128-GCM-SHA256:AES256-SHA"), VerifyServerCert: proto.Bool(true)}},
			want: &mysqlstore.Config{Host: "db", Database: "m", SSL: &mysqlstore.SSLOptions{
				Key: keyFile, Cert: certFile, CA: caFile, CAPath: caDir, Cipher: "ECDHE-ECDSA-AES128-GCM-SHA256:AES256-SHA", VerifyServerCert: true}}},
		{name: "ca without verify_server_cert",
			in:   &pb.MySQLDatabaseConfig{Host: s("db"), Database: s("m"), SslOptions: &pb.MySQLDatabaseConfig_SSLOptions{Ca: s(caFile), VerifyServerCert: proto.Bool(false)}},
			want: &mysqlstore.Config{Host: "db", Database: "m", SSL: &mysqlstore.SSLOptions{CA: caFile}}},

		{name: "neither host nor socket",
			in:  &pb.MySQLDatabaseConfig{Database: s("m")},
			err: "connection_config.mysql: mysqlstore: config: exactly one of host and socket must be set"},
		{name: "no database",
			in:  &pb.MySQLDatabaseConfig{Host: s("db")},
			err: "connection_config.mysql: mysqlstore: config: database must be set"},
		{name: "port out of range",
			in:  &pb.MySQLDatabaseConfig{Host: s("db"), Port: proto.Int64(70000), Database: s("m")},
			err: "connection_config.mysql: mysqlstore: config: port 70000 is out of range"},
		{name: "cert without key",
			in:  &pb.MySQLDatabaseConfig{Host: s("db"), Database: s("m"), SslOptions: &pb.MySQLDatabaseConfig_SSLOptions{Cert: s(certFile)}},
			err: "connection_config.mysql: mysqlstore: config: ssl key and cert must be given together"},
		{name: "missing ca file",
			in:  &pb.MySQLDatabaseConfig{Host: s("db"), Database: s("m"), SslOptions: &pb.MySQLDatabaseConfig_SSLOptions{Ca: s(missing)}},
			err: "connection_config.mysql: mysqlstore: ssl options: ca: open " + missing + ": no such file or directory"},
		{name: "ca file without a certificate",
			in:  &pb.MySQLDatabaseConfig{Host: s("db"), Database: s("m"), SslOptions: &pb.MySQLDatabaseConfig_SSLOptions{Ca: s(notPEM)}},
			err: fmt.Sprintf("connection_config.mysql: mysqlstore: ssl options: ca %q holds no PEM certificate", notPEM)},
		{name: "key of another certificate",
			in: &pb.MySQLDatabaseConfig{Host: s("db"), Database: s("m"), SslOptions: &pb.MySQLDatabaseConfig_SSLOptions{
				Cert: s(certFile), Key: s(otherKey)}},
			err: fmt.Sprintf("connection_config.mysql: mysqlstore: ssl options: client cert %q / key %q: tls: private key does not match public key", certFile, otherKey)},
		{name: "cipher Go lacks",
			in:  &pb.MySQLDatabaseConfig{Host: s("db"), Database: s("m"), SslOptions: &pb.MySQLDatabaseConfig_SSLOptions{Cipher: s("DHE-RSA-AES256-SHA")}},
			err: `connection_config.mysql: mysqlstore: ssl options: cipher "DHE-RSA-AES256-SHA" is not a TLS 1.2 cipher suite that Go implements (use e.g. ECDHE-RSA-AES128-GCM-SHA256)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MySQLStoreConfig(tt.in)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error\n  %v\nwant\n  %s", err, tt.err)
				}
				if errcode.Of(err) != errcode.InvalidArgument {
					t.Errorf("code %v, want InvalidArgument", errcode.Of(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n  %s\nwant\n  %s", showMySQL(got), showMySQL(tt.want))
			}
		})
	}
}

func TestChannelArgs(t *testing.T) {
	args, err := ParseChannelArgs(",grpc.keepalive_time_ms=10000,grpc.primary_user_agent=me,,grpc.max_send_message_length=1024,")
	if err != nil {
		t.Fatal(err)
	}
	want := []ChannelArg{
		{Key: "grpc.keepalive_time_ms", Int: 10000, IsInt: true, Source: "grpc.keepalive_time_ms=10000"},
		{Key: "grpc.primary_user_agent", Str: "me", Source: "grpc.primary_user_agent=me"},
		{Key: "grpc.max_send_message_length", Int: 1024, IsInt: true, Source: "grpc.max_send_message_length=1024"},
	}
	if len(args) != len(want) {
		t.Fatalf("got %+v", args)
	}
	for i := range want {
		if args[i] != want[i] {
			t.Errorf("arg %d = %+v, want %+v", i, args[i], want[i])
		}
	}
	opts, warnings, err := ChannelArgOptions(args)
	if err != nil {
		t.Fatal(err)
	}
	// keepalive params + max send size; the user agent has no effect.
	if len(opts) != 2 || len(warnings) != 1 || !strings.Contains(warnings[0], "grpc.primary_user_agent=me") {
		t.Errorf("%d options, warnings %v", len(opts), warnings)
	}
	if args, _ := ParseChannelArgs(""); len(args) != 0 {
		t.Errorf("empty string gave %v", args)
	}
}

func TestConfigFileRoundTrip(t *testing.T) {
	// A config written by MLMD's tools (text format) with every section.
	sc := &pb.MetadataStoreServerConfig{
		ConnectionConfig: &pb.ConnectionConfig{Config: &pb.ConnectionConfig_Sqlite{Sqlite: &pb.SqliteMetadataSourceConfig{
			FilenameUri: proto.String(filepath.Join(t.TempDir(), "x.db")), ConnectionMode: pb.SqliteMetadataSourceConfig_READWRITE.Enum()}}},
		MigrationOptions: &pb.MigrationOptions{EnableUpgradeMigration: proto.Bool(true)},
	}
	c, err := Load([]string{"--metadata_store_server_config_file=" + writeFile(t, "c.pbtxt", mustText(t, sc))})
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(c.Server, sc) {
		t.Errorf("config %v, want %v", c.Server, sc)
	}
}

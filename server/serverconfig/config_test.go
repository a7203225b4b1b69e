package serverconfig

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
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

	tests := []struct {
		name   string
		args   []string
		check  func(t *testing.T, c *Config)
		driver string
		dsn    string
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
			driver: "mysql", dsn: "root@tcp(mysql:3306)/metadb?parseTime=true",
			check: func(t *testing.T, c *Config) {
				if !c.Server.GetMigrationOptions().GetEnableUpgradeMigration() {
					t.Error("enable_upgrade_migration not set")
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
			driver: "mysql", dsn: "tcp(h:1)/d?parseTime=true",
			check: func(t *testing.T, c *Config) {
				if c.ListenAddress != "0.0.0.0:9090" {
					t.Errorf("listen %s", c.ListenAddress)
				}
			},
		},
		{
			name: "gflags --noflag", args: []string{"--noenable_database_upgrade", "--mysql_config_host=h", "--mysql_config_port=1", "--mysql_config_database=d"},
			driver: "mysql", dsn: "tcp(h:1)/d?parseTime=true",
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
			driver: "mysql", dsn: "u:p@tcp(db:3307)/metadb?parseTime=true&skip_db_creation=true",
		},
		{
			name:   "config_file source type",
			args:   []string{"--metadata_source_config_type=config_file", "--metadata_store_server_config_file=" + fakeFile},
			driver: "sqlite", dsn: ":memory:",
		},
		{
			name:   "mysql source type",
			args:   []string{"--metadata_source_config_type=mysql", "--mysql_config_host=h", "--mysql_config_port=3306", "--mysql_config_database=d", "--downgrade_db_schema_version=-1"},
			driver: "mysql", dsn: "tcp(h:3306)/d?parseTime=true",
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
			name: "upgrade flag with a config file is accepted with a warning", args: []string{"--enable_database_upgrade", "--metadata_store_server_config_file=" + fakeFile},
			driver: "sqlite", dsn: ":memory:",
			check: func(t *testing.T, c *Config) {
				if !strings.Contains(strings.Join(c.Warnings, "\n"), "apply to the --mysql_config_* flags only") {
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
	downgrade := writeFile(t, "down.pbtxt", `connection_config { fake_database {} } migration_options { downgrade_to_schema_version: 8 }`)
	both := writeFile(t, "both.pbtxt", `connection_config { fake_database {} } migration_options { enable_upgrade_migration: true downgrade_to_schema_version: 8 }`)
	noConn := writeFile(t, "noconn.pbtxt", `migration_options { enable_upgrade_migration: true }`)
	mysqlNoDB := writeFile(t, "nodb.pbtxt", `connection_config { mysql { host: "h" } }`)
	mysqlNoHost := writeFile(t, "nohost.pbtxt", `connection_config { mysql { database: "d" } }`)
	badTLS := writeFile(t, "tls.pbtxt", `connection_config { fake_database {} } ssl_config { server_key: "/etc/key.pem" server_cert: "/etc/cert.pem" }`)
	halfTLS := writeFile(t, "halftls.pbtxt", `connection_config { fake_database {} } ssl_config { server_cert: "x" }`)
	cipher := writeFile(t, "cipher.pbtxt", `connection_config { mysql { host: "h" database: "d" ssl_options { cipher: "DHE-RSA-AES256-SHA" } } }`)

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
		{"downgrade", []string{"--mysql_config_host=h", "--mysql_config_port=1", "--mysql_config_database=d", "--downgrade_db_schema_version=3"},
			"schema downgrade to version 3 is not supported by gomlmd: it serves schema version 10 only; use MLMD's own tooling to downgrade"},
		{"missing config file", []string{"--metadata_store_server_config_file=" + filepath.Join(dir, "nope.pbtxt")},
			"--metadata_store_server_config_file: open " + filepath.Join(dir, "nope.pbtxt") + ": no such file or directory"},
		{"config_file type without a file", []string{"--metadata_source_config_type=config_file"}, "--metadata_source_config_type=config_file needs --metadata_store_server_config_file"},
		{"garbage config", []string{"--metadata_store_server_config_file=" + garbage}, "--metadata_store_server_config_file " + garbage + ": not a text-format MetadataStoreServerConfig: "},
		{"postgres config", []string{"--metadata_store_server_config_file=" + postgres}, "connection_config.postgresql: PostgreSQL is not supported by gomlmd yet (use mysql or sqlite)"},
		{"postgres flags", []string{"--metadata_source_config_type=postgresql", "--postgres_config_host=h", "--postgres_config_port=5432", "--postgres_config_dbname=d", "--postgres_config_user=u"},
			"--metadata_source_config_type=postgresql: PostgreSQL is not supported by gomlmd yet (use mysql or sqlite)"},
		{"postgres flags incomplete", []string{"--metadata_source_config_type=postgresql", "--postgres_config_host=h"}, "PostgreSQL needs --postgres_config_port"},
		{"postgres host and hostaddr", []string{"--metadata_source_config_type=postgresql", "--postgres_config_host=h", "--postgres_config_hostaddr=1.2.3.4"},
			"PostgreSQL needs exactly one of --postgres_config_host and --postgres_config_hostaddr"},
		{"downgrade in file", []string{"--metadata_store_server_config_file=" + downgrade}, "schema downgrade to version 8 is not supported by gomlmd: it serves schema version 10 only; use MLMD's own tooling to downgrade"},
		{"upgrade and downgrade in file", []string{"--metadata_store_server_config_file=" + both}, "migration_options: enable_upgrade_migration and downgrade_to_schema_version cannot be set together"},
		{"no connection config", []string{"--metadata_store_server_config_file=" + noConn}, "the server config has no connection_config (want fake_database, sqlite or mysql)"},
		{"mysql without database", []string{"--metadata_store_server_config_file=" + mysqlNoDB}, "connection_config.mysql needs database"},
		{"mysql without host", []string{"--metadata_store_server_config_file=" + mysqlNoHost}, "connection_config.mysql needs host or socket"},
		{"mysql cipher", []string{"--metadata_store_server_config_file=" + cipher}, `connection_config.mysql.ssl_options: cipher "DHE-RSA-AES256-SHA": choosing ciphers is not supported; Go's TLS picks secure ones`},
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

func TestMySQLConfig(t *testing.T) {
	tests := []struct {
		in   *pb.MySQLDatabaseConfig
		want string
	}{
		{&pb.MySQLDatabaseConfig{Host: proto.String("db"), Database: proto.String("m")}, "tcp(db:3306)/m?parseTime=true"},
		{&pb.MySQLDatabaseConfig{Host: proto.String("::1"), Port: proto.Int64(3307), Database: proto.String("m"), User: proto.String("u"), Password: proto.String("p@ss:word")},
			"u:p@ss:word@tcp([::1]:3307)/m?parseTime=true"},
		{&pb.MySQLDatabaseConfig{Socket: proto.String("/run/mysqld/mysqld.sock"), Host: proto.String("ignored"), Database: proto.String("m"), User: proto.String("root")},
			"root@unix(/run/mysqld/mysqld.sock)/m?parseTime=true"},
	}
	for _, tt := range tests {
		mc, err := MySQLConfig(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := mc.FormatDSN(); got != tt.want {
			t.Errorf("MySQLConfig(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// ssl_options name files; verify_server_cert=false keeps TLS without checks.
	ca := writeFile(t, "ca.pem", string(testCA(t).certPEM))
	mc, err := MySQLConfig(&pb.MySQLDatabaseConfig{Host: proto.String("db"), Database: proto.String("m"),
		SslOptions: &pb.MySQLDatabaseConfig_SSLOptions{Ca: proto.String(ca)}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mc.TLSConfig, "mlmd-server-") || !strings.Contains(mc.FormatDSN(), "tls=mlmd-server-") {
		t.Errorf("TLS config name %q, DSN %q", mc.TLSConfig, mc.FormatDSN())
	}
	_, err = MySQLConfig(&pb.MySQLDatabaseConfig{Host: proto.String("db"), Database: proto.String("m"),
		SslOptions: &pb.MySQLDatabaseConfig_SSLOptions{Ca: proto.String(filepath.Join(t.TempDir(), "none.pem"))}})
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing CA file: %v", err)
	}
	_, err = MySQLConfig(&pb.MySQLDatabaseConfig{Host: proto.String("db"), Database: proto.String("m"),
		SslOptions: &pb.MySQLDatabaseConfig_SSLOptions{Cert: proto.String(ca)}})
	if err == nil || !strings.Contains(err.Error(), "cert and key must be given together") {
		t.Errorf("cert without key: %v", err)
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

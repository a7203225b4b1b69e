package serverconfig

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// testMySQL is the MariaDB server that MLMD_MYSQL_DSN names (e.g.
// "root@tcp(127.0.0.1:3306)/"), with an admin connection to it.
type testMySQL struct {
	host, port, user, password string
	admin                      *sql.DB
}

// newTestMySQL connects to the test server (see testdb.MySQLServer:
// MLMD_MYSQL_DSN, e.g. "root@tcp(127.0.0.1:3306)/"); without one the test
// is skipped, or fails in CI (CI set).
func newTestMySQL(t *testing.T) *testMySQL {
	t.Helper()
	cfg := testdb.MySQLServer(t)
	if cfg.Net != "tcp" {
		t.Fatalf("%s: want a tcp address, got %s(%s)", testdb.MySQLDSNEnv, cfg.Net, cfg.Addr)
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		t.Fatalf("%s address: %v", testdb.MySQLDSNEnv, err)
	}
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	return &testMySQL{host: host, port: port, user: cfg.User, password: cfg.Passwd, admin: admin}
}

// freshName returns an unused database name; the database is dropped when
// the test ends, if it was created.
func (m *testMySQL) freshName(t *testing.T) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(testdb.NewMySQLDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.DBName
}

// exists reports whether the database name exists.
func (m *testMySQL) exists(t *testing.T, name string) bool {
	t.Helper()
	var n int
	if err := m.admin.QueryRow("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// loadAndOpen loads the configuration of args and opens its store.
func loadAndOpen(t *testing.T, args ...string) (*Config, *mlmd.Store, error) {
	t.Helper()
	c, err := Load(append([]string{"--metadata_store_connection_retries=0"}, args...))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	store, err := c.OpenStore(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil {
		t.Cleanup(func() { store.Close() })
	}
	return c, store, err
}

// roundTrip writes a type and reads it back.
func roundTrip(t *testing.T, store *mlmd.Store) {
	t.Helper()
	ctx := context.Background()
	id, err := store.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Model", Properties: map[string]mlmd.PropertyType{"uri": mlmd.PropertyString}}, nil)
	if err != nil {
		t.Fatalf("PutArtifactType: %v", err)
	}
	got, err := store.GetArtifactType(ctx, "Model", "")
	if err != nil || got.ID != id || got.Properties["uri"] != mlmd.PropertyString {
		t.Fatalf("GetArtifactType: %+v, %v; want id %d", got, err, id)
	}
}

// TestOpenStoreMySQL opens MariaDB stores through the server's
// configuration: from the MySQL flags and from config files.
func TestOpenStoreMySQL(t *testing.T) {
	m := newTestMySQL(t)

	t.Run("flags create the database", func(t *testing.T) {
		name := m.freshName(t)
		c, store, err := loadAndOpen(t, "--mysql_config_host="+m.host, "--mysql_config_port="+m.port, "--mysql_config_database="+name,
			"--mysql_config_user="+m.user, "--mysql_config_password="+m.password, "--mysql_max_open_conns=2", "--mysql_conn_max_lifetime=1m")
		if err != nil {
			t.Fatalf("OpenStore: %v", err)
		}
		roundTrip(t, store)
		if !m.exists(t, name) {
			t.Errorf("database %s was not created", name)
		}
		b, _ := c.Backend()
		if want := "MySQL tcp(" + net.JoinHostPort(m.host, m.port) + ")/" + name + ` as "` + m.user + `"`; b.Description != want {
			t.Errorf("description %q, want %q", b.Description, want)
		}
	})

	t.Run("skip_db_creation", func(t *testing.T) {
		name := m.freshName(t)
		file := writeFile(t, "skip.pbtxt", `connection_config { mysql { host: "`+m.host+`" port: `+m.port+` database: "`+name+
			`" user: "`+m.user+`" password: "`+m.password+`" skip_db_creation: true } }`)
		if _, _, err := loadAndOpen(t, "--metadata_store_server_config_file="+file); err == nil || !strings.Contains(err.Error(), name) {
			t.Fatalf("OpenStore of a missing database with skip_db_creation: %v, want an error naming it", err)
		}
		if m.exists(t, name) {
			t.Fatalf("database %s was created despite skip_db_creation", name)
		}
		if _, err := m.admin.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatal(err)
		}
		_, store, err := loadAndOpen(t, "--metadata_store_server_config_file="+file)
		if err != nil {
			t.Fatalf("OpenStore of an existing database with skip_db_creation: %v", err)
		}
		roundTrip(t, store)
	})

	t.Run("ssl_options need a server with TLS", func(t *testing.T) {
		var haveSSL string
		if err := m.admin.QueryRow("SELECT @@have_ssl").Scan(&haveSSL); err != nil {
			t.Fatal(err)
		}
		if haveSSL == "YES" {
			t.Skip("the server offers TLS")
		}
		name := m.freshName(t)
		file := writeFile(t, "tls.pbtxt", `connection_config { mysql { host: "`+m.host+`" port: `+m.port+` database: "`+name+
			`" user: "`+m.user+`" password: "`+m.password+`" ssl_options {} } }`)
		_, _, err := loadAndOpen(t, "--metadata_store_server_config_file="+file)
		if err == nil || !strings.Contains(err.Error(), "TLS") {
			t.Fatalf("OpenStore with ssl_options against a server without TLS: %v, want a TLS error", err)
		}
	})

	t.Run("socket", func(t *testing.T) {
		var socket string
		if err := m.admin.QueryRow("SELECT @@socket").Scan(&socket); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(socket); err != nil || fi.Mode()&os.ModeSocket == 0 {
			t.Skipf("the server's socket %q is not on this machine", socket)
		}
		probe, err := sql.Open("mysql", (&mysql.Config{User: m.user, Passwd: m.password, Net: "unix", Addr: socket, AllowNativePasswords: true}).FormatDSN())
		if err != nil {
			t.Fatal(err)
		}
		defer probe.Close()
		if err := probe.Ping(); err != nil {
			t.Skipf("user %q cannot log in over the socket: %v", m.user, err)
		}
		name := m.freshName(t)
		// host "localhost" with a socket is the socket, as in MLMD; the
		// port is not used.
		file := writeFile(t, "socket.pbtxt", `connection_config { mysql { host: "localhost" port: 1 socket: "`+socket+`" database: "`+name+
			`" user: "`+m.user+`" password: "`+m.password+`" } }`)
		c, store, err := loadAndOpen(t, "--metadata_store_server_config_file="+file)
		if err != nil {
			t.Fatalf("OpenStore over the socket: %v", err)
		}
		roundTrip(t, store)
		b, _ := c.Backend()
		if want := "MySQL unix(" + socket + ")/" + name + ` as "` + m.user + `"`; b.Description != want {
			t.Errorf("description %q, want %q", b.Description, want)
		}
	})
}

// TestOpenStorePermanentErrorsFailFast opens stores whose settings cannot
// work, with the default startup retries: each fails at once (no retry
// pauses) with a code other than Unavailable; a silent server fails as
// Unavailable within the configured connect timeout per attempt.
func TestOpenStorePermanentErrorsFailFast(t *testing.T) {
	m := newTestMySQL(t)
	dir := t.TempDir()
	notADB := writeFile(t, "garbage.db", strings.Repeat("not a database ", 300))
	tests := []struct {
		name string
		args []string
		code mlmd.Code
	}{
		{"wrong password", []string{"--mysql_config_host=" + m.host, "--mysql_config_port=" + m.port, "--mysql_config_database=mlmd",
			"--mysql_config_user=gomlmd_no_such_user", "--mysql_config_password=wrong"}, errcode.Unauthenticated},
		{"unresolvable host", []string{"--mysql_config_host=no-such-host.invalid", "--mysql_config_port=3306", "--mysql_config_database=mlmd"}, errcode.InvalidArgument},
		{"SQLite file in a missing directory", []string{"--metadata_store_server_config_file=" +
			writeFile(t, "missing.pbtxt", `connection_config { sqlite { filename_uri: "`+dir+`/no/such/dir/mlmd.db" } }`)}, errcode.NotFound},
		{"SQLite file that is not a database", []string{"--metadata_store_server_config_file=" +
			writeFile(t, "garbage.pbtxt", `connection_config { sqlite { filename_uri: "`+notADB+`" } }`)}, errcode.FailedPrecondition},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(tc.args)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			start := time.Now()
			_, err = c.OpenStore(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)))
			took := time.Since(start)
			if mlmd.CodeOf(err) != tc.code {
				t.Fatalf("OpenStore: %v (code %v), want %v", err, mlmd.CodeOf(err), tc.code)
			}
			// A failure-speed requirement (no retries with pauses); the
			// bound is generous for a loaded machine.
			if took > 2*time.Second {
				t.Errorf("OpenStore took %v, want well under 2s", took)
			}
		})
	}
}

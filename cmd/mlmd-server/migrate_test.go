package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/migrations"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// writeConfig writes a config file for the SQLite database path, with
// extra text (migration_options) after the connection.
func writeConfig(t *testing.T, path, extra string) string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "config.pbtxt")
	if err := os.WriteFile(cfg, []byte(`connection_config { sqlite { filename_uri: "`+path+`" } } `+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// schemaVersionOf reads the MLMD schema version of a SQLite file.
func schemaVersionOf(t *testing.T, path string) int64 {
	t.Helper()
	st, err := sqlitestore.InspectSchema(context.Background(), "file:"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st.Version
}

// TestMigrationOptions runs the server on a SQLite file: with
// downgrade_to_schema_version it downgrades the database and exits 0
// without serving; then without upgrades it refuses the old database, and
// with enable_upgrade_migration it upgrades it and serves, the data kept.
func TestMigrationOptions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "mlmd.db")
	s, err := sqlitestore.Open(ctx, "file:"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	typeID, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "DataSet", Properties: map[string]mlmd.PropertyType{"day": mlmd.PropertyInt}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: typeID, URI: "/data/1", Properties: mlmd.Properties{"day": mlmd.IntValue(3)}}}, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()

	var stdout, stderr strings.Builder
	code := run([]string{"--listen_address=127.0.0.1:0", "--log_format=text",
		"--metadata_store_server_config_file=" + writeConfig(t, path, "migration_options { downgrade_to_schema_version: 4 }")}, &stdout, &stderr)
	log := stderr.String()
	if code != 0 || !strings.Contains(log, `msg="the database schema is downgraded`) || strings.Contains(log, "serving ml_metadata") {
		t.Fatalf("downgrade: exit %d, want 0 without serving; log:\n%s", code, log)
	}
	if v := schemaVersionOf(t, path); v != 4 {
		t.Fatalf("schema version %d after the downgrade, want 4", v)
	}

	stderr.Reset()
	plain := writeConfig(t, path, "")
	code = run([]string{"--listen_address=127.0.0.1:0", "--log_format=text", "--metadata_store_connection_retries=0",
		"--metadata_store_server_config_file=" + plain}, &stdout, &stderr)
	log = stderr.String()
	if code != 1 || !strings.Contains(log, "MLMD schema version 4, older than version 10") || !strings.Contains(log, "enable upgrade migration") {
		t.Fatalf("old database without upgrades: exit %d, want 1 and a message naming versions 4 and 10; log:\n%s", code, log)
	}
	if v := schemaVersionOf(t, path); v != 4 {
		t.Fatalf("a refused start changed the schema version to %d", v)
	}

	serveAndStop(t, buildServer(t), "--metadata_store_server_config_file="+writeConfig(t, path, "migration_options { enable_upgrade_migration: true }"))
	if v := schemaVersionOf(t, path); v != 10 {
		t.Fatalf("schema version %d after serving with upgrades, want 10", v)
	}
	s, err = sqlitestore.Open(ctx, "file:"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	arts, _, err := s.GetArtifacts(ctx, nil)
	if err != nil || len(arts) != 1 || arts[0].URI != "/data/1" || arts[0].Properties["day"].String() != mlmd.IntValue(3).String() {
		t.Errorf("artifacts after the round trip: %+v, %v", arts, err)
	}
}

// TestDowngradeFlag downgrades a MariaDB database named by the
// --mysql_config_* flags with --downgrade_db_schema_version, as MLMD's
// server takes it; the server exits without serving.
func TestDowngradeFlag(t *testing.T) {
	cfg := testdb.MySQLServer(t)
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil || cfg.Net != "tcp" {
		t.Fatalf("%s: want a tcp address, got %s(%s)", testdb.MySQLDSNEnv, cfg.Net, cfg.Addr)
	}
	dsn := testdb.NewMySQLDatabase(t)
	s, err := mlmd.Open(context.Background(), "mysql", dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	name := dsn[strings.LastIndex(dsn, "/")+1:]
	if i := strings.Index(name, "?"); i >= 0 {
		name = name[:i]
	}
	var stdout, stderr strings.Builder
	code := run([]string{"--listen_address=127.0.0.1:0", "--log_format=text", "--mysql_config_host=" + host, "--mysql_config_port=" + port,
		"--mysql_config_database=" + name, "--mysql_config_user=" + cfg.User, "--mysql_config_password=" + cfg.Passwd,
		"--downgrade_db_schema_version=8"}, &stdout, &stderr)
	log := stderr.String()
	if strings.Contains(log, "serving ml_metadata") {
		t.Errorf("the server served on a downgrade:\n%s", log)
	}
	steps, err := migrations.MLMDChain(migrations.MySQLMLMD)
	if err != nil {
		t.Fatal(err)
	}
	st, err := mysqlstore.InspectSchema(context.Background(), mysqlstore.Config{Host: host, Port: mustPort(t, port), Database: name, User: cfg.User, Password: cfg.Passwd}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) == 0 {
		// MySQL has no chain: the downgrade is refused, the database kept.
		if code != 1 || !strings.Contains(log, "no MLMD schema chain for mysql") || st.Version != 10 {
			t.Errorf("downgrade without a MySQL chain: exit %d, version %d, want 1 and 10; log:\n%s", code, st.Version, log)
		}
		return
	}
	if code != 0 || st.Version != 8 {
		t.Errorf("downgrade: exit %d, version %d, want 0 and 8; log:\n%s", code, st.Version, log)
	}
}

func mustPort(t *testing.T, s string) int64 {
	t.Helper()
	var p int64
	if _, err := fmt.Sscan(s, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

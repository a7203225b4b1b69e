package mlmdgen

import (
	"context"
	"database/sql"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore"
)

// TestMainDSNMySQL reads types from a MariaDB store on the test server of
// internal/testdb (MLMD_MYSQL_DSN, e.g. root@tcp(127.0.0.1:3306)/). Without a
// server it is skipped, or fails in CI (CI set).
func TestMainDSNMySQL(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.NewMySQLDatabase(t)

	spec, err := ParseYAML("store.yaml", []byte(storeDecl))
	if err != nil {
		t.Fatal(err)
	}
	s, err := mlmd.Open(ctx, "mysql", dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	registerSpec(t, s, spec)
	s.Close()

	args := []string{"-pkg", "p", "-o", "-", "-driver", "mysql", "-dsn", dsn}
	code, out, errOut := runMain(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want, err := Generate(spec, Options{Package: "p", Args: args})
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("mlmd-gen -driver mysql output differs:\n%s", lineDiff(string(want), out))
	}

	// A database that does not exist is an error, and is not created.
	absent := testdb.NewMySQLDatabase(t) // dropped if created after all
	code, _, errOut = runMain(t, "-pkg", "p", "-o", "-", "-driver", "mysql", "-dsn", absent)
	if code != 1 {
		t.Errorf("absent database: exit %d, %s", code, errOut)
	}
	cfg, err := mysql.ParseDSN(absent)
	if err != nil {
		t.Fatal(err)
	}
	name := cfg.DBName
	cfg.DBName = ""
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("mlmd-gen created database %s", name)
	}
}

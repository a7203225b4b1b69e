package mlmdgen

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore"
)

// TestMainDSNMySQL reads types from a MariaDB store. It needs
// MLMD_MYSQL_DSN, e.g. root@tcp(127.0.0.1:3306)/, and skips without it.
func TestMainDSNMySQL(t *testing.T) {
	server := os.Getenv("MLMD_MYSQL_DSN")
	if server == "" {
		t.Skip("MLMD_MYSQL_DSN is not set (e.g. root@tcp(127.0.0.1:3306)/)")
	}
	base, _, _ := strings.Cut(server, "/")
	ctx := context.Background()
	name := randomName(t, "mlmd_gen_")
	dsn := base + "/" + name
	t.Cleanup(func() { dropDatabase(t, base, name) })

	spec, err := ParseYAML("store.yaml", []byte(storeDecl))
	if err != nil {
		t.Fatal(err)
	}
	s, err := mlmd.Open(ctx, "mysql", dsn)
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
	absent := randomName(t, "mlmd_gen_absent_")
	code, _, errOut = runMain(t, "-pkg", "p", "-o", "-", "-driver", "mysql", "-dsn", base+"/"+absent)
	if code != 1 {
		t.Errorf("absent database: exit %d, %s", code, errOut)
	}
	db, err := sql.Open("mysql", base+"/")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?", absent).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		dropDatabase(t, base, absent)
		t.Errorf("mlmd-gen created database %s", absent)
	}
}

func randomName(t *testing.T, prefix string) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b[:])
}

func dropDatabase(t *testing.T, base, name string) {
	db, err := sql.Open("mysql", base+"/")
	if err != nil {
		t.Log(err)
		return
	}
	defer db.Close()
	if _, err := db.Exec("DROP DATABASE IF EXISTS " + name); err != nil {
		t.Log(err)
	}
}

package main

import (
	"context"
	"math"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/postgresstore"
)

// postgresFlags returns mlmd-server's flags for a new database on the
// PostgreSQL test server (the backend creates it).
func postgresFlags(t *testing.T) []string {
	t.Helper()
	u, err := url.Parse(testdb.NewPostgresDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	if u.Port() == "" {
		t.Fatalf("%s: want a postgres:// URL with a port, got %s", testdb.PostgresDSNEnv, u.Redacted())
	}
	flags := []string{"--metadata_source_config_type=postgresql", "--postgres_config_host=" + u.Hostname(),
		"--postgres_config_port=" + u.Port(), "--postgres_config_dbname=" + strings.TrimPrefix(u.Path, "/")}
	if name := u.User.Username(); name != "" {
		flags = append(flags, "--postgres_config_user="+name)
	}
	if pw, ok := u.User.Password(); ok {
		flags = append(flags, "--postgres_config_password="+pw)
	}
	if mode := u.Query().Get("sslmode"); mode != "" {
		flags = append(flags, "--postgres_config_sslmode="+mode)
	}
	return flags
}

// TestExportImportPostgres copies a SQLite store to PostgreSQL by
// mlmd-server's --postgres_config_* flags and back to SQLite, and checks
// that every copy exports the same stream up to ids and times; then
// imports into PostgreSQL a stream with an int property beyond 32 bits,
// which must fail naming it and leave the database empty.
func TestExportImportPostgres(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first.jsonl")
	ok(t, "--sqlite", fixture(t), "export", "-o", first)
	want := canonicalFile(t, first)

	pg := postgresFlags(t)
	r := ok(t, append(slices.Clone(pg), "import", "-i", first)...)
	if !strings.Contains(r.stderr, "imported ") || !strings.Contains(r.stderr, "4 artifact") {
		t.Errorf("import summary: %q", r.stderr)
	}
	r = ok(t, append(slices.Clone(pg), "query", "artifacts", "type = 'Model'", "--output", "json")...)
	if !strings.Contains(r.stdout, `"uri":"/model/1"`) {
		t.Errorf("query on PostgreSQL: %q", r.stdout)
	}
	second := filepath.Join(dir, "second.jsonl")
	ok(t, append(slices.Clone(pg), "export", "-o", second)...)
	if got := canonicalFile(t, second); !slices.Equal(got, want) {
		t.Fatalf("PostgreSQL copy differs:\n got %q\nwant %q", got, want)
	}
	back := filepath.Join(dir, "back.db")
	ok(t, "--sqlite", back, "import", "-i", second)
	third := filepath.Join(dir, "third.jsonl")
	ok(t, "--sqlite", back, "export", "-o", third)
	if got := canonicalFile(t, third); !slices.Equal(got, want) {
		t.Fatalf("SQLite copy of the PostgreSQL copy differs:\n got %q\nwant %q", got, want)
	}

	// A value PostgreSQL's schema cannot hold.
	ctx := context.Background()
	big := fixture(t)
	s, err := mlmd.Open(ctx, "sqlite", big, nil)
	if err != nil {
		t.Fatal(err)
	}
	as, err := s.GetArtifactsByURI(ctx, []string{"/model/1"})
	if err == nil {
		as[0].CustomProperties = mlmd.Properties{"rows": mlmd.IntValue(math.MaxInt32 + 1)}
		_, err = s.PutArtifacts(ctx, as, nil)
	}
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	bigStream := filepath.Join(dir, "big.jsonl")
	ok(t, "--sqlite", big, "export", "-o", bigStream)
	pg = postgresFlags(t)
	r = mlmdRun(t, "", append(slices.Clone(pg), "import", "-i", bigStream)...)
	if r.code != 1 || !strings.Contains(r.stderr, `custom property "rows": int value 2147483648 is outside the 32-bit range`) ||
		!strings.Contains(r.stderr, "rolled back") {
		t.Fatalf("import of a value beyond 32 bits: exit %d, stderr %q", r.code, r.stderr)
	}
	r = ok(t, append(slices.Clone(pg), "export")...)
	if strings.Contains(r.stdout, `"kind":"artifact"`) || strings.Contains(r.stdout, `"kind":"artifact_type"`) {
		t.Errorf("the failed import left records behind:\n%s", r.stdout)
	}
}

package main

import (
	"context"
	"math"
	"net/url"
	"path/filepath"
	"regexp"
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
	flags, _ := postgresDatabase(t)
	return flags
}

// postgresDatabase returns mlmd-server's flags for a new database on the
// PostgreSQL test server and the store's DSN of that database.
func postgresDatabase(t *testing.T) (flags []string, dsn string) {
	t.Helper()
	dsn = testdb.NewPostgresDatabase(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if u.Port() == "" {
		t.Fatalf("%s: want a postgres:// URL with a port, got %s", testdb.PostgresDSNEnv, u.Redacted())
	}
	flags = []string{"--metadata_source_config_type=postgresql", "--postgres_config_host=" + u.Hostname(),
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
	return flags, dsn
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

// TestPostgresCommands runs every command on PostgreSQL by mlmd-server's
// --postgres_config_* flags: migrate status, up and down on a new
// database, then query, lineage, stats (with the database's size) and gc
// on the records of gcFixture.
func TestPostgresCommands(t *testing.T) {
	pg, dsn := postgresDatabase(t)
	run := func(args ...string) result { return ok(t, append(slices.Clone(pg), args...)...) }
	want := func(r result, subs ...string) {
		t.Helper()
		norm := strings.Join(strings.Fields(r.stdout+r.stderr), " ")
		for _, s := range subs {
			if !strings.Contains(norm, s) {
				t.Errorf("output lacks %q:\n%s%s", s, r.stdout, r.stderr)
			}
		}
	}

	want(run("migrate", "status"), "database: PostgreSQL", "schema: none")
	want(run("migrate", "up"), "created schema version 10")
	want(run("migrate", "status"), "schema: version 10, up to date")
	want(run("migrate", "down", "7"), "downgraded schema version 10 to 7")
	want(run("migrate", "status"), "schema: version 7; gomlmd needs version 10; pending upgrade steps: 8, 9, 10")
	if r := mlmdRun(t, "", append(slices.Clone(pg), "stats")...); r.code != 1 || !strings.Contains(r.stderr, "version 7") {
		t.Errorf("stats at version 7: exit %d, %q", r.code, r.stderr)
	}
	want(run("migrate", "up"), "upgraded schema version 7 to 10 (steps 8, 9, 10)")

	writeGCFixture(t, "postgres", dsn)
	want(run("query", "artifacts", "uri = '/junk'", "--output", "json"), `"uri":"/junk"`)
	want(run("query", "executions"), "keeper", "junker")
	want(run("lineage", "--artifacts", "uri = '/model'", "--direction", "upstream"), "digraph", "/model", "keeper", "/dataset")
	r := run("stats")
	want(r, "artifact File 3", "execution Job 2", "context Run 2", "total: 3 artifacts, 2 executions, 2 contexts", "database: PostgreSQL")
	if m := regexp.MustCompile(`database: PostgreSQL .*, ([0-9]+) bytes \(`).FindStringSubmatch(r.stdout); m == nil || m[1] == "0" {
		t.Errorf("stats gives no size: %q", r.stdout)
	}
	want(run("gc", "--older-than", "30d", "--context-type", "Run"), `execution 2 "junker" (Job)`, "artifact 3 /junk (File)",
		"dry run: would delete 1 executions and 1 artifacts")
	want(run("gc", "--older-than", "30d", "--context-type", "Run", "--apply"), "deleted 1 executions and 1 artifacts")
	r = run("query", "artifacts", "--output", "json")
	if strings.Contains(r.stdout, "/junk") || !strings.Contains(r.stdout, "/model") {
		t.Errorf("artifacts after gc:\n%s", r.stdout)
	}
}

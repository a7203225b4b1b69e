package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/migrations"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/mlmdio"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if err := testdb.DropMySQLDatabases(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// result is what one run of the command printed.
type result struct {
	code           int
	stdout, stderr string
}

func mlmdRun(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// ok runs a command that must succeed.
func ok(t *testing.T, args ...string) result {
	t.Helper()
	r := mlmdRun(t, "", args...)
	if r.code != 0 {
		t.Fatalf("mlmd %s: exit %d\nstderr: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// fixture writes a small pipeline into a new SQLite file and returns its
// path: two trainer runs, each reading a dataset and writing a model, the
// second also reading the first model, all in one Run context.
func fixture(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "src.db")
	s, err := mlmd.Open(ctx, "sqlite", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	data, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Dataset"}, nil)
	check(err)
	model, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Model", Properties: map[string]mlmd.PropertyType{"accuracy": mlmd.PropertyDouble}}, nil)
	check(err)
	trainer, err := s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "Trainer"}, nil)
	check(err)
	runType, err := s.PutContextType(ctx, mlmd.ContextType{Name: "Run"}, nil)
	check(err)
	var prev *int64
	for i := range 2 {
		arts := []mlmd.ArtifactAndEvent{
			{Artifact: &mlmd.Artifact{TypeID: data, URI: fmt.Sprintf("/data/%d", i), State: mlmd.ArtifactStateLive}, Event: &mlmd.Event{Type: mlmd.EventInput}},
			{Artifact: &mlmd.Artifact{TypeID: model, URI: fmt.Sprintf("/model/%d", i), State: mlmd.ArtifactStateLive,
				Properties: mlmd.Properties{"accuracy": mlmd.DoubleValue(0.8 + float64(i)/10)}}, Event: &mlmd.Event{Type: mlmd.EventOutput}},
		}
		if prev != nil {
			arts = append(arts, mlmd.ArtifactAndEvent{Event: &mlmd.Event{ArtifactID: *prev, Type: mlmd.EventInput}})
		}
		ctxs := []mlmd.Context{{TypeID: runType, Name: "run-1"}}
		res, err := s.PutExecution(ctx, mlmd.Execution{TypeID: trainer, Name: fmt.Sprintf("train-%d", i), LastKnownState: mlmd.ExecutionStateComplete},
			arts, ctxs, &mlmd.PutExecutionOptions{ReuseContextIfAlreadyExist: true})
		check(err)
		prev = &res.ArtifactIDs[1]
	}
	return path
}

func canonicalFile(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := mlmdio.Canonical(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// mysqlFlags returns mlmd-server's flags for a new database on the test
// server.
func mysqlFlags(t *testing.T) []string {
	t.Helper()
	cfg, err := mysql.ParseDSN(testdb.NewMySQLDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(cfg.Addr, ":")
	if cfg.Net != "tcp" || port == "" {
		t.Fatalf("%s: want a tcp address with a port, got %s(%s)", testdb.MySQLDSNEnv, cfg.Net, cfg.Addr)
	}
	flags := []string{"--mysql_config_host=" + host, "--mysql_config_port=" + port, "--mysql_config_database=" + cfg.DBName}
	if cfg.User != "" {
		flags = append(flags, "--mysql_config_user="+cfg.User)
	}
	if cfg.Passwd != "" {
		flags = append(flags, "--mysql_config_password="+cfg.Passwd)
	}
	return flags
}

// TestExportImport copies a SQLite store to MariaDB (by the --mysql_config_*
// flags) and on to another SQLite file (by a config file), and checks that
// every copy exports the same stream up to ids and times.
func TestExportImport(t *testing.T) {
	dir := t.TempDir()
	src := fixture(t)
	first := filepath.Join(dir, "first.jsonl")
	r := ok(t, "--sqlite", src, "export", "-o", first)
	if !strings.Contains(r.stderr, "exported ") || !strings.Contains(r.stderr, "4 artifact") {
		t.Errorf("export summary: %q", r.stderr)
	}
	want := canonicalFile(t, first)

	my := mysqlFlags(t)
	r = ok(t, append(slices.Clone(my), "import", "-i", first, "--progress=on")...)
	if !strings.Contains(r.stderr, "importing") || !strings.Contains(r.stderr, "100%") {
		t.Errorf("import progress bar missing from stderr: %q", r.stderr)
	}
	// The other commands on the MariaDB copy.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"query", "artifacts", "type = 'Model'", "--output", "json"}, `"uri":"/model/1"`},
		{[]string{"lineage", "--artifacts", "uri = '/model/1'", "--format", "mermaid"}, "/data/0"},
		{[]string{"stats"}, "total: 4 artifacts, 2 executions, 1 contexts"},
		{[]string{"gc", "--older-than", "1h"}, ""},
	} {
		r := ok(t, append(slices.Clone(my), c.args...)...)
		if !strings.Contains(r.stdout, c.want) || (c.want == "" && r.stdout != "") {
			t.Errorf("%v on MariaDB: %q, want %q", c.args, r.stdout, c.want)
		}
	}
	second := filepath.Join(dir, "second.jsonl")
	ok(t, append(slices.Clone(my), "export", "--output", second)...)
	if got := canonicalFile(t, second); !slices.Equal(got, want) {
		t.Fatalf("MariaDB copy differs:\n got %q\nwant %q", got, want)
	}

	// Through a config file, as mlmd-server takes it, and stdin/stdout.
	copyPath := filepath.Join(dir, "copy.db")
	config := filepath.Join(dir, "config.pbtxt")
	if err := os.WriteFile(config, fmt.Appendf(nil, "connection_config { sqlite { filename_uri: %q } }\n", copyPath), 0o644); err != nil {
		t.Fatal(err)
	}
	stream, err := os.ReadFile(second)
	if err != nil {
		t.Fatal(err)
	}
	if r := mlmdRun(t, string(stream), "--metadata_store_server_config_file="+config, "import"); r.code != 0 {
		t.Fatalf("import from stdin: exit %d: %s", r.code, r.stderr)
	}
	r = ok(t, "--metadata_store_server_config_file", config, "export")
	got, err := mlmdio.Canonical(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("SQLite copy differs:\n got %q\nwant %q", got, want)
	}

	// Part of the store: the first model's closure.
	part := filepath.Join(dir, "part.jsonl")
	ok(t, "--sqlite", src, "export", "--artifacts", "uri = '/model/0'", "-o", part)
	partLines := canonicalFile(t, part)
	if end := partLines[len(partLines)-1]; !strings.Contains(end, `"artifact":2,`) || !strings.Contains(end, `"execution":1,`) {
		t.Errorf("the closure of /model/0: %s", end)
	}

	// A failed export leaves no file behind.
	broken := filepath.Join(dir, "broken.jsonl")
	if r := mlmdRun(t, "", "--sqlite", src, "export", "--artifacts", "uri = ", "-o", broken); r.code != 1 {
		t.Errorf("export with a bad filter: exit %d", r.code)
	}
	if _, err := os.Stat(broken); err == nil {
		t.Error("a failed export left its file")
	}
	if _, err := os.Stat(broken + ".partial"); err == nil {
		t.Error("a failed export left its partial file")
	}

	// A second import into the now full store is refused.
	r = mlmdRun(t, "", "--sqlite", copyPath, "import", "-i", first)
	if r.code != 1 || !strings.Contains(r.stderr, "not empty") {
		t.Errorf("import into a full store: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestQueryLineageStats(t *testing.T) {
	src := fixture(t)
	cases := []struct {
		name string
		args []string
		want []string // substrings of stdout
		not  []string
	}{
		{"table", []string{"query", "artifacts", "type = 'Model'"},
			[]string{"ID", "PROPERTIES", "/model/0", "/model/1", "accuracy=0.9", "LIVE"}, []string{"/data/0"}},
		{"json", []string{"query", "artifacts", "uri = '/model/1'", "--output", "json"},
			[]string{`"kind":"artifact"`, `"uri":"/model/1"`, `"accuracy":{"double":0.9}`}, []string{"/model/0"}},
		{"limit and order", []string{"query", "executions", "--limit", "1", "--desc"},
			[]string{"train-1", "COMPLETE"}, []string{"train-0"}},
		{"contexts", []string{"query", "contexts"}, []string{"run-1", "Run"}, nil},
		{"no match", []string{"query", "artifacts", "uri = 'nowhere'", "--output", "json"}, nil, []string{"artifact"}},
		{"lineage dot", []string{"lineage", "--artifacts", "uri = '/model/1'", "--direction", "upstream"},
			[]string{"digraph", "/model/1", "/model/0", "/data/0", "train-0"}, nil},
		{"lineage mermaid", []string{"lineage", "--executions", "name = 'train-0'", "--direction", "downstream", "--format", "mermaid"},
			[]string{"flowchart", "train-0", "/model/0", "train-1"}, []string{"/data/0"}},
		{"stats", []string{"stats"},
			[]string{"artifact Dataset 2", "artifact Model 2", "execution Trainer 2", "context Run 1",
				"total: 4 artifacts, 2 executions, 1 contexts", "database: SQLite " + src}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ok(t, append([]string{"--sqlite", src}, c.args...)...)
			// Compare with runs of white space (table padding) as one space.
			norm := strings.Join(strings.Fields(r.stdout), " ")
			for _, w := range c.want {
				if !strings.Contains(norm, w) {
					t.Errorf("output lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range c.not {
				if strings.Contains(r.stdout, w) {
					t.Errorf("output has %q:\n%s", w, r.stdout)
				}
			}
		})
	}
}

func TestMigrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil { // an empty database
		t.Fatal(err)
	}
	r := ok(t, "--sqlite", path, "migrate", "status")
	if !strings.Contains(r.stdout, "schema: none") {
		t.Errorf("status of an empty database: %q", r.stdout)
	}
	ok(t, "--sqlite", path, "migrate", "up")
	r = ok(t, "--sqlite", path, "migrate", "status")
	if !strings.Contains(r.stdout, "schema: version 10, up to date") {
		t.Errorf("status after up: %q", r.stdout)
	}
	r = ok(t, "--sqlite", path, "migrate", "up")
	if !strings.Contains(r.stdout, "schema version 10, up to date") {
		t.Errorf("up on version 10: %q", r.stdout)
	}
	r = ok(t, "--sqlite", path, "migrate", "down", "4")
	if !strings.Contains(r.stdout, "downgraded schema version 10 to 4") {
		t.Errorf("down: %q", r.stdout)
	}
	r = ok(t, "--sqlite", path, "migrate", "status")
	if !strings.Contains(r.stdout, "schema: version 4; gomlmd needs version 10; pending upgrade steps: 5, 6, 7, 8, 9, 10") {
		t.Errorf("status at version 4: %q", r.stdout)
	}
	r = ok(t, "--sqlite", path, "migrate", "down", "4")
	if !strings.Contains(r.stdout, "schema version 4 already; nothing to do") {
		t.Errorf("down to the same version: %q", r.stdout)
	}
	r = mlmdRun(t, "", "--sqlite", path, "migrate", "down", "6")
	if r.code != 1 || !strings.Contains(r.stderr, "it is at version 4, older") {
		t.Errorf("down to a newer version: exit %d, %q", r.code, r.stderr)
	}
	r = mlmdRun(t, "", "--sqlite", path, "stats")
	if r.code != 1 || !strings.Contains(r.stderr, "version 4") {
		t.Errorf("stats at version 4: exit %d, %q", r.code, r.stderr)
	}
	r = ok(t, "--sqlite", path, "migrate", "up")
	if !strings.Contains(r.stdout, "upgraded schema version 4 to 10 (steps 5, 6, 7, 8, 9, 10)") {
		t.Errorf("up from version 4: %q", r.stdout)
	}
	r = ok(t, "--sqlite", path, "migrate", "status")
	if !strings.Contains(r.stdout, "schema: version 10, up to date\n") {
		t.Errorf("status after the upgrade: %q", r.stdout)
	}
	for _, bad := range []string{"10", "11", "x"} {
		r = mlmdRun(t, "", "--sqlite", path, "migrate", "down", bad)
		if r.code != 2 || !strings.Contains(r.stderr, "want a schema version from 0 to 9") {
			t.Errorf("down %s: exit %d, %q", bad, r.code, r.stderr)
		}
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r = mlmdRun(t, "", "--sqlite", empty, "migrate", "down", "3")
	if r.code != 1 || !strings.Contains(r.stderr, "no MLMD schema to downgrade") {
		t.Errorf("down on an empty database: exit %d, %q", r.code, r.stderr)
	}

	my := mysqlFlags(t)
	ok(t, append(slices.Clone(my), "migrate", "up")...)
	r = ok(t, append(slices.Clone(my), "migrate", "status")...)
	if !strings.Contains(r.stdout, "version 10, up to date") || !strings.Contains(r.stdout, "MySQL") {
		t.Errorf("MariaDB status: %q", r.stdout)
	}
	r = ok(t, append(slices.Clone(my), "stats")...)
	if !strings.Contains(r.stdout, "total: 0 artifacts") || !strings.Contains(r.stdout, "database: MySQL") {
		t.Errorf("MariaDB stats: %q", r.stdout)
	}
	steps, err := migrations.MLMDChain(migrations.MySQLMLMD)
	if err != nil {
		t.Fatal(err)
	}
	r = mlmdRun(t, "", append(slices.Clone(my), "migrate", "down", "5")...)
	if len(steps) == 0 {
		if r.code != 1 || !strings.Contains(r.stderr, "no MLMD schema chain for mysql") {
			t.Errorf("MariaDB down without a chain: exit %d, %q", r.code, r.stderr)
		}
		return
	}
	if r.code != 0 || !strings.Contains(r.stdout, "downgraded schema version 10 to 5") {
		t.Errorf("MariaDB down: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	r = ok(t, append(slices.Clone(my), "migrate", "status")...)
	if !strings.Contains(r.stdout, "schema: version 5; gomlmd needs version 10; pending upgrade steps: 6, 7, 8, 9, 10") {
		t.Errorf("MariaDB status at version 5: %q", r.stdout)
	}
	r = ok(t, append(slices.Clone(my), "migrate", "up")...)
	if !strings.Contains(r.stdout, "upgraded schema version 5 to 10") {
		t.Errorf("MariaDB up from version 5: %q", r.stdout)
	}
}

func TestErrors(t *testing.T) {
	src := fixture(t)
	missing := filepath.Join(t.TempDir(), "missing.db")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no database", []string{"stats"}, 2, "no database named"},
		{"two databases", []string{"--sqlite", src, "--mysql_config_host=127.0.0.1", "--mysql_config_port=3306", "--mysql_config_database=x", "stats"}, 2, "two databases"},
		{"bad server flag", []string{"--mysql_config_port=x", "stats"}, 2, "invalid"},
		{"unknown flag", []string{"--sqlite", src, "query", "artifacts", "--bogus"}, 2, "unknown flag"},
		{"unknown kind", []string{"--sqlite", src, "query", "widgets"}, 2, "unknown kind"},
		{"bad output", []string{"--sqlite", src, "query", "artifacts", "--output", "xml"}, 2, "--output"},
		{"bad filter", []string{"--sqlite", src, "query", "artifacts", "uri = "}, 1, "filter"},
		{"lineage needs a start", []string{"--sqlite", src, "lineage"}, 2, "exactly one"},
		{"missing file", []string{"--sqlite", missing, "query", "artifacts"}, 1, "no such file"},
		{"extra argument", []string{"--sqlite", src, "stats", "x"}, 2, "unexpected argument"},
		{"bad stream", []string{"--sqlite", filepath.Join(t.TempDir(), "x.db"), "import"}, 1, "no header"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mlmdRun(t, "", c.args...)
			if r.code != c.code || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, c.code, c.want)
			}
		})
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("a read command created %s", missing)
	}
}

// gcFixture writes, 60 days ago, two executions in a Run context: one
// writing a LIVE model, one writing an abandoned file; both read a dataset.
func gcFixture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gc.db")
	writeGCFixture(t, "sqlite", path)
	return path
}

// writeGCFixture writes the records of gcFixture into the store that
// driver and dsn open.
func writeGCFixture(t *testing.T, driver, dsn string) {
	t.Helper()
	ctx := context.Background()
	past := time.Now().Add(-60 * 24 * time.Hour)
	s, err := mlmd.Open(ctx, driver, dsn, &mlmd.Options{Now: func() time.Time { return past }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "File"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	et, err := s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "Job"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := s.PutContextType(ctx, mlmd.ContextType{Name: "Run"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: at, URI: "/dataset"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range []struct {
		name string
		out  mlmd.Artifact
	}{
		{"keeper", mlmd.Artifact{TypeID: at, URI: "/model", State: mlmd.ArtifactStateLive}},
		{"junker", mlmd.Artifact{TypeID: at, URI: "/junk", State: mlmd.ArtifactStateAbandoned}},
	} {
		name, out := run.name, run.out
		_, err := s.PutExecution(ctx, mlmd.Execution{TypeID: et, Name: name},
			[]mlmd.ArtifactAndEvent{{Event: &mlmd.Event{ArtifactID: data[0], Type: mlmd.EventInput}}, {Artifact: &out, Event: &mlmd.Event{Type: mlmd.EventOutput}}},
			[]mlmd.Context{{TypeID: ct, Name: "run-" + name}}, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestGC(t *testing.T) {
	path := gcFixture(t)
	count := func() string {
		return ok(t, "--sqlite", path, "query", "artifacts", "--output", "json").stdout
	}
	before := count()
	r := ok(t, "--sqlite", path, "gc", "--older-than", "30d", "--context-type", "Run")
	if !strings.Contains(r.stdout, `execution 2 "junker" (Job)`) || !strings.Contains(r.stdout, "artifact 3 /junk (File)") ||
		strings.Contains(r.stdout, "keeper") || strings.Contains(r.stdout, "/model") || strings.Contains(r.stdout, "/dataset") {
		t.Errorf("dry run lists:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "dry run: would delete 1 executions and 1 artifacts (of 4 candidates, 2 kept)") {
		t.Errorf("dry run summary: %q", r.stderr)
	}
	if count() != before {
		t.Fatal("the dry run changed the store")
	}
	r = ok(t, "--sqlite", path, "gc", "--older-than", "1440h", "--context-type", "Run", "--apply", "--batch-size", "1", "--progress", "on")
	if !strings.Contains(r.stderr, "deleting") || !strings.Contains(r.stderr, "100%") || !strings.Contains(r.stderr, "deleted 1 executions and 1 artifacts") {
		t.Errorf("apply stderr: %q", r.stderr)
	}
	after := count()
	if strings.Contains(after, "/junk") || !strings.Contains(after, "/model") || !strings.Contains(after, "/dataset") {
		t.Errorf("artifacts after gc:\n%s", after)
	}
	// Too recent: nothing.
	r = ok(t, "--sqlite", path, "gc", "--older-than", "90d")
	if r.stdout != "" {
		t.Errorf("gc of nothing lists %q", r.stdout)
	}
	for _, bad := range [][]string{{"gc"}, {"gc", "--older-than", "soon"}, {"gc", "--older-than", "-3d"}, {"gc", "--older-than", "3d", "--batch-size", "0"}} {
		if r := mlmdRun(t, "", append([]string{"--sqlite", path}, bad...)...); r.code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", bad, r.code, r.stderr)
		}
	}
}

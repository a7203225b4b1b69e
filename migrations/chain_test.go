package migrations_test

import (
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pressly/goose/v3"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/migrations"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

func TestParseSQL(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		up, down []string
		err      string
	}{
		{name: "sections and comments", src: `-- a file comment
-- +goose Up
-- a comment before a statement
CREATE TABLE a (
  x INT -- a column
);
INSERT INTO a VALUES (1); -- trailing comment

-- +goose Down
DROP TABLE a;
`, up: []string{"CREATE TABLE a (\n  x INT -- a column\n);", "INSERT INTO a VALUES (1); -- trailing comment"}, down: []string{"DROP TABLE a;"}},
		{name: "statement block", src: `-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER t AFTER INSERT ON a BEGIN
  UPDATE a SET x = 2;
END;
-- +goose StatementEnd
SELECT 1;
`, up: []string{"CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE a SET x = 2;\nEND;", "SELECT 1;"}},
		{name: "semicolon in a string literal with dashes", src: "-- +goose Up\nINSERT INTO a VALUES ('--;');\n", up: []string{"INSERT INTO a VALUES ('--;');"}},
		{name: "empty down", src: "-- +goose Up\nSELECT 1;\n-- +goose Down\n", up: []string{"SELECT 1;"}, down: []string{}},
		{name: "no up", src: "-- +goose Down\nSELECT 1;\n", err: "no -- +goose Up section"},
		{name: "statement before up", src: "SELECT 1;\n-- +goose Up\n", err: "line 1: a statement before"},
		{name: "unfinished statement", src: "-- +goose Up\nSELECT 1\n", err: "does not end with a semicolon"},
		{name: "unfinished before down", src: "-- +goose Up\nSELECT 1\n-- +goose Down\n", err: "line 3: -- +goose Down inside an unfinished statement"},
		{name: "block not closed", src: "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n", err: "StatementBegin without StatementEnd"},
		{name: "end without begin", src: "-- +goose Up\n-- +goose StatementEnd\n", err: "line 2: StatementEnd without StatementBegin"},
		{name: "two up sections", src: "-- +goose Up\n-- +goose Up\n", err: "line 2: a second Up section"},
		{name: "no transaction", src: "-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 1;\n", err: `line 1: unsupported annotation "-- +goose NO TRANSACTION"`},
		{name: "envsub", src: "-- +goose Up\n-- +goose ENVSUB ON\n", err: "unsupported annotation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up, down, err := migrations.ParseSQL([]byte(tt.src))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(up, tt.up) || !slices.Equal(down, tt.down) {
				t.Errorf("up %q down %q, want %q %q", up, down, tt.up, tt.down)
			}
		})
	}
}

func TestMLMDChain(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	ok := "-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2;\n"
	full := fstest.MapFS{}
	for v := 2; v <= 10; v++ {
		full[filepathName(v)] = file(ok)
	}
	withGap := fstest.MapFS{"v09.sql": file(ok), "v10.sql": file(ok), "v07.sql": file(ok)}
	tests := []struct {
		name   string
		fsys   fstest.MapFS
		oldest int
		err    string
	}{
		{name: "v02..v10", fsys: full, oldest: 1},
		{name: "none", fsys: fstest.MapFS{}, oldest: -1},
		{name: "only other files", fsys: fstest.MapFS{"README": file("x")}, oldest: -1},
		{name: "a gap", fsys: withGap, err: "lacks v08.sql"},
		{name: "ends early", fsys: fstest.MapFS{"v01.sql": file(ok), "v02.sql": file(ok)}, err: "ends at v02.sql, want v10.sql"},
		{name: "bad name", fsys: fstest.MapFS{"v1.sql": file(ok)}, err: "v1.sql: want a name vNN.sql"},
		{name: "v00", fsys: fstest.MapFS{"v00.sql": file(ok)}, err: "lacks"},
		{name: "bad file", fsys: fstest.MapFS{"v10.sql": file("SELECT 1;")}, err: "v10.sql: line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps, err := migrations.MLMDChain(tt.fsys)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.oldest < 0 {
				if len(steps) != 0 {
					t.Fatalf("%d steps, want none", len(steps))
				}
				return
			}
			if steps[0].Version-1 != tt.oldest || steps[len(steps)-1].Version != migrations.SchemaVersion {
				t.Errorf("steps from %d to %d", steps[0].Version, steps[len(steps)-1].Version)
			}
			if !slices.Equal(steps[0].Up, []string{"SELECT 1;"}) || !slices.Equal(steps[0].Down, []string{"SELECT 2;"}) {
				t.Errorf("first step %+v", steps[0])
			}
		})
	}
	// The SQLite chain goes from version 0.
	steps, err := migrations.MLMDChain(migrations.SQLiteMLMD)
	if err != nil || len(steps) != migrations.SchemaVersion || steps[0].Version != 1 {
		t.Errorf("SQLite chain: %d steps from %v, %v; want v01..v10", len(steps), steps[0].Version, err)
	}
}

func filepathName(v int) string { return fmt.Sprintf("v%02d.sql", v) }

// TestSQLiteChainWithGoose applies the Up sections of the SQLite chain to
// a version-0 database once with goose itself (each file as a goose
// migration) and once with gomlmd's runner, and compares the schemas: the
// two read the files alike.
func TestSQLiteChainWithGoose(t *testing.T) {
	ctx := t.Context()
	v0 := func(t *testing.T) (string, *sql.DB) {
		dsn := "file:" + filepath.Join(t.TempDir(), "mlmd.db")
		s, err := sqlitestore.Open(ctx, dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		if err := sqlitestore.Downgrade(ctx, dsn, 0, nil); err != nil {
			t.Fatal(err)
		}
		db, err := sqlitestore.OpenDB(dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return dsn, db
	}
	// With goose: files renamed to goose's NNNNN_name.sql.
	_, byGoose := v0(t)
	gooseFS := fstest.MapFS{}
	steps, err := migrations.MLMDChain(migrations.SQLiteMLMD)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		name := filepathName(s.Version)
		b, err := fs.ReadFile(migrations.SQLiteMLMD, name)
		if err != nil {
			t.Fatal(err)
		}
		gooseFS["000"+name[1:3]+"_mlmd.sql"] = &fstest.MapFile{Data: b}
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, byGoose, gooseFS, goose.WithDisableVersioning(true), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("goose up: %v", err)
	}
	// With gomlmd's runner, as an upgrading Open runs it; goose's
	// migration 1 then changes nothing if the chain made all of version
	// 10, and gomlmd's own objects (its indexes, goose's table) are left
	// out of the comparison.
	dsn, byRunner := v0(t)
	s, err := sqlitestore.Open(ctx, dsn, &mlmd.Options{EnableUpgradeMigration: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	schemaOf := func(db *sql.DB) []string {
		return testdb.QueryRows(t, db, `SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master
			WHERE name NOT LIKE 'gomlmd%' AND name <> 'sqlite_sequence' ORDER BY type, name`)
	}
	got, want := schemaOf(byRunner), schemaOf(byGoose)
	if len(want) < 30 {
		t.Fatalf("goose made only %d schema objects:\n%s", len(want), strings.Join(want, "\n"))
	}
	if !slices.Equal(got, want) {
		t.Errorf("schema after the runner's upgrade differs from goose's:\n%s", testdb.LineDiff(got, want))
	}

	// The upgraded tables have the columns of a database made at version
	// 10, in MLMD's order, with the same types, defaults and keys.
	freshDSN := "file:" + filepath.Join(t.TempDir(), "fresh.db")
	if s, err = sqlitestore.Open(ctx, freshDSN, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	fresh, err := sqlitestore.OpenDB(freshDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	columnsOf := func(db *sql.DB) []string {
		return testdb.QueryRows(t, db, `SELECT m.name, p.cid, p.name, p.type, p."notnull", COALESCE(p.dflt_value, 'none'), p.pk
			FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid`)
	}
	if got, want := columnsOf(byRunner), columnsOf(fresh); !slices.Equal(got, want) {
		t.Errorf("columns after the upgrade differ from a new database's:\n%s", testdb.LineDiff(got, want))
	}
}

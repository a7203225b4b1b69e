package migrations_test

import (
	"cmp"
	"context"
	"database/sql"
	"io/fs"
	"path"
	"slices"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/migrations"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
	"github.com/gomlmd/gomlmd/schema"
)

var ctx = context.Background()

// engine is one database engine's migrations and how to look at a
// database of it.
type engine struct {
	name    string
	dialect goose.Dialect
	fsys    fs.FS
	open    func(t *testing.T) *sql.DB
	// gomlmdIndexes lists the names of the indexes named gomlmd_...
	gomlmdIndexes string
	// text is the type that CAST makes a value text with: "" for CHAR.
	text string
}

var engines = []engine{
	{
		name: "sqlite", dialect: goose.DialectSQLite3, fsys: migrations.SQLite,
		open: func(t *testing.T) *sql.DB {
			db, err := sqlitestore.OpenDB("file:" + path.Join(t.TempDir(), "mlmd.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		},
		gomlmdIndexes: "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'gomlmd%' ORDER BY name",
	},
	{
		name: "mysql", dialect: goose.DialectMySQL, fsys: migrations.MySQL,
		open: func(t *testing.T) *sql.DB {
			_, db := testdb.CreateMySQLDatabase(t)
			return db
		},
		gomlmdIndexes: `SELECT DISTINCT index_name FROM information_schema.statistics
			WHERE table_schema = DATABASE() AND index_name LIKE 'gomlmd%' ORDER BY index_name`,
	},
	{
		name: "postgres", dialect: goose.DialectPostgres, fsys: migrations.PostgreSQL,
		open: func(t *testing.T) *sql.DB {
			_, db := testdb.CreatePostgresDatabase(t)
			return db
		},
		gomlmdIndexes: "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE 'gomlmd_idx%' ORDER BY indexname",
		text:          "TEXT",
	},
}

func TestSources(t *testing.T) {
	for _, e := range engines {
		var names []string
		entries, err := fs.ReadDir(e.fsys, ".")
		if err != nil {
			t.Fatal(err)
		}
		for _, de := range entries {
			if !de.IsDir() {
				names = append(names, de.Name())
			}
		}
		if want := []string{"00001_mlmd_v10.sql", "00002_link_indexes.sql"}; !slices.Equal(names, want) {
			t.Errorf("%s migrations %v, want %v", e.name, names, want)
		}
	}
}

// TestUpDown runs migration 2 up and down, on a database with links, and
// down again after one of its indexes was dropped by hand: the indexes
// come and go, the rows and MLMDEnv stay.
func TestUpDown(t *testing.T) {
	var want []string
	for _, ix := range schema.GomlmdIndexes {
		want = append(want, ix.Name)
	}
	slices.Sort(want)
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			db := e.open(t)
			p, err := goose.NewProvider(e.dialect, db, e.fsys,
				goose.WithTableName("gomlmd_goose_version"), goose.WithDisableGlobalRegistry(true))
			if err != nil {
				t.Fatal(err)
			}
			indexes := func() []string { return testdb.QueryStrings(t, db, e.gomlmdIndexes) }
			check := func(step string, wantIndexes []string, wantVersion int64) {
				t.Helper()
				if got := indexes(); !slices.Equal(got, wantIndexes) {
					t.Errorf("after %s: gomlmd indexes %v, want %v", step, got, wantIndexes)
				}
				if v, err := p.GetDBVersion(ctx); err != nil || v != wantVersion {
					t.Errorf("after %s: goose version %d (%v), want %d", step, v, err, wantVersion)
				}
				text := cmp.Or(e.text, "CHAR")
				for q, want := range map[string]string{
					"SELECT CAST(schema_version AS " + text + ") FROM MLMDEnv":                            "10",
					"SELECT CAST(COUNT(*) AS " + text + ") FROM Attribution WHERE artifact_id IN (1, 2)":  "2",
					"SELECT CAST(COUNT(*) AS " + text + ") FROM Association WHERE execution_id IN (1, 2)": "2",
				} {
					if got := testdb.QueryStrings(t, db, q); !slices.Equal(got, []string{want}) {
						t.Errorf("after %s: %s = %v, want %s", step, q, got, want)
					}
				}
			}

			if _, err := p.UpTo(ctx, 1); err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{
				"INSERT INTO Attribution (context_id, artifact_id) VALUES (1, 1), (1, 2), (2, 3)",
				"INSERT INTO Association (context_id, execution_id) VALUES (1, 1), (2, 2)",
			} {
				if _, err := db.ExecContext(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			check("migration 1", nil, 1)
			if _, err := p.Up(ctx); err != nil {
				t.Fatalf("up: %v", err)
			}
			check("up", want, 2)
			if _, err := p.Down(ctx); err != nil {
				t.Fatalf("down: %v", err)
			}
			check("down", nil, 1)
			if _, err := p.Up(ctx); err != nil {
				t.Fatalf("up again: %v", err)
			}
			check("up again", want, 2)

			ix := schema.GomlmdIndexes[0]
			drop := "DROP INDEX " + ix.Name
			if e.name == "mysql" {
				drop += " ON " + ix.Table
			}
			if _, err := db.ExecContext(ctx, drop); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Down(ctx); err != nil {
				t.Fatalf("down with an index missing: %v", err)
			}
			check("down with an index missing", nil, 1)
		})
	}
}

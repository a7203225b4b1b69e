package testdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
	"github.com/gomlmd/gomlmd/schema"
)

// ExecSQL runs each statement on db, failing the test at the first error.
func ExecSQL(t testing.TB, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// CreateMLMDSchema makes db a database as MLMD creates it at version 10,
// from the engine's DDL script (schema.SQLite, schema.MySQL,
// schema.PostgreSQL).
func CreateMLMDSchema(t testing.TB, db *sql.DB, script string) {
	t.Helper()
	ExecSQL(t, db, schema.Statements(script)...)
}

// CreateExpectedSchema makes db the database that gomlmd's migrations
// should produce from the engine's DDL script: MLMD's schema version 10
// and the indexes gomlmd adds.
func CreateExpectedSchema(t testing.TB, db *sql.DB, script string) {
	t.Helper()
	CreateMLMDSchema(t, db, script)
	for _, ix := range schema.GomlmdIndexes {
		ExecSQL(t, db, ix.CreateSQL())
	}
}

// LineDiff lists the lines that only got (+) or only want (-) has, for
// messages comparing two schema descriptions.
func LineDiff(got, want []string) string {
	var b strings.Builder
	for _, l := range got {
		if !slices.Contains(want, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	for _, l := range want {
		if !slices.Contains(got, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	return b.String()
}

// SchemaCase is a change to a database as MLMD creates it at version 10
// (Setup), and what opening it must give: the code, and fragments of the
// message.
type SchemaCase struct {
	Name           string
	Setup          []string
	SkipMigrations bool
	Want           errcode.Code
	Msg            []string
}

// OtherSchemaCases are the databases at another or an unreadable schema
// version, which Open must refuse, and one it must accept.
var OtherSchemaCases = []SchemaCase{
	{"older version", []string{"UPDATE MLMDEnv SET schema_version = 8"}, false, errcode.FailedPrecondition,
		[]string{"version 8", "version 10"}},
	{"newer version", []string{"UPDATE MLMDEnv SET schema_version = 11"}, false, errcode.FailedPrecondition,
		[]string{"version 11", "version 10"}},
	{"empty MLMDEnv", []string{"DELETE FROM MLMDEnv"}, false, errcode.FailedPrecondition, []string{"MLMDEnv", "no schema version"}},
	{"two versions", []string{"INSERT INTO MLMDEnv VALUES (9)"}, false, errcode.FailedPrecondition, []string{"MLMDEnv"}},
	{"no MLMDEnv (MLMD 0.13.2)", []string{"DROP TABLE MLMDEnv"}, false, errcode.FailedPrecondition, []string{"no MLMDEnv"}},
	{"older version, migrations skipped", []string{"UPDATE MLMDEnv SET schema_version = 9"}, true, errcode.FailedPrecondition,
		[]string{"version 9", "version 10"}},
	{"version 10, migrations skipped", nil, true, errcode.OK, nil},
}

// Check fails the test unless err, from opening the case's database, has
// the case's code and mentions each of its fragments.
func (c SchemaCase) Check(t testing.TB, err error) {
	t.Helper()
	if got := errcode.Of(err); got != c.Want {
		t.Fatalf("open: code %v (%v), want %v", got, err, c.Want)
	}
	for _, m := range c.Msg {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("error %q does not mention %q", err, m)
		}
	}
}

// CheckGooseVersions fails the test unless goose's table in db records
// migrations 1 and 2.
func CheckGooseVersions(t testing.TB, db *sql.DB) {
	t.Helper()
	if v := QueryRows(t, db, "SELECT version_id FROM "+sqlstore.GooseTable+" WHERE version_id > 0 ORDER BY id"); !slices.Equal(v, []string{"1", "2"}) {
		t.Errorf("goose versions %v, want [1 2]", v)
	}
}

// CheckSchema fails the test unless the descriptions of two schemas,
// got and want (MLMD's plus gomlmd's indexes), are equal.
func CheckSchema(t testing.TB, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s schema differs from MLMD's plus gomlmd's indexes:\n%s", what, LineDiff(got, want))
	}
}

// Describe runs each query on db, with goose's table as its one argument
// (to leave it out), and returns all the rows, sorted: a description of a
// schema to compare with CheckSchema.
func Describe(t testing.TB, db *sql.DB, queries ...string) []string {
	t.Helper()
	var out []string
	for _, q := range queries {
		out = append(out, QueryRows(t, db, q, sqlstore.GooseTable)...)
	}
	slices.Sort(out)
	return out
}

// OpenAdopted opens with the store, of the driver name, the database dsn
// (db) that holds MLMD's schema and the rows of fx, and checks that the
// store reads MLMD's rows and adopted the database in place: the rows dump
// returns are as they were, and goose records migrations 1 and 2. The
// store is closed when the test ends.
func OpenAdopted(t *testing.T, name, dsn string, db *sql.DB, fx MLMDFixture, dump func() map[string][]string) *mlmd.Store {
	t.Helper()
	before := dump()
	s, err := mlmd.Open(context.Background(), name, dsn, nil)
	if err != nil {
		t.Fatalf("open MLMD's database: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	CheckMLMDRows(t, s, fx)
	CheckAdopted(t, before, dump())
	CheckGooseVersions(t, db)
	return s
}

// RunIndexesCompleted runs a subtest for each count n of gomlmd's indexes:
// a new database (newDB) gets MLMD's schema (script) and the first n
// indexes, without goose's record of them (a run cut short between its
// statements, or indexes made by hand); opening it with the store of the
// driver name must complete the set, once each, which checkIndexes
// checks.
func RunIndexesCompleted(t *testing.T, name, script string, newDB func(t *testing.T) (string, *sql.DB), checkIndexes func(*testing.T, *sql.DB)) {
	for n := 1; n <= len(schema.GomlmdIndexes); n++ {
		t.Run(fmt.Sprintf("%d present", n), func(t *testing.T) {
			dsn, db := newDB(t)
			CreateMLMDSchema(t, db, script)
			for _, ix := range schema.GomlmdIndexes[:n] {
				ExecSQL(t, db, ix.CreateSQL())
			}
			s, err := mlmd.Open(context.Background(), name, dsn, nil)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			checkIndexes(t, db)
			CheckGooseVersions(t, db)
		})
	}
}

// OpenConn opens dsn with the driver d and closes the connection when
// the test ends.
func OpenConn(t testing.TB, d driver.Driver, dsn string, opts *driver.OpenOptions) driver.Conn {
	t.Helper()
	c, err := d.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

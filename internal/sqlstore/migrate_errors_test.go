package sqlstore_test

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// sqliteAt returns the DSN of a SQLite file filled through the API and
// brought to MLMD schema version v, and a pool on it.
func sqliteAt(t *testing.T, v int64) (string, func() map[string][]string) {
	t.Helper()
	dsn := "file:" + filepath.Join(t.TempDir(), "mlmd.db")
	s, err := sqlitestore.Open(t.Context(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	fillStore(t, s)
	s.Close()
	if v < mlmd.SchemaVersion {
		if err := sqlitestore.Downgrade(t.Context(), dsn, v, nil); err != nil {
			t.Fatal(err)
		}
	}
	db, err := sqlitestore.OpenDB(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return dsn, func() map[string][]string {
		names := testdb.QueryStrings(t, db, "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name")
		out := map[string][]string{"": names}
		for _, n := range testdb.QueryStrings(t, db, "SELECT name FROM sqlite_master WHERE type = 'table'") {
			out[n] = testdb.DumpTables(t, db, []string{n})[n]
		}
		return out
	}
}

func sameDump(t *testing.T, what string, before, after map[string][]string) {
	t.Helper()
	for k, rows := range before {
		if !slices.Equal(rows, after[k]) {
			t.Errorf("%s changed %q:\n%s", what, k, testdb.LineDiff(after[k], rows))
		}
	}
	if len(after) != len(before) {
		t.Errorf("%s: %d tables before, %d after", what, len(before), len(after))
	}
}

// TestChainIsOneTransaction breaks a step in the middle of a chain (a
// table in the way of one that a step makes): the upgrade, and the
// downgrade, fail and leave the database exactly as it was.
func TestChainIsOneTransaction(t *testing.T) {
	ctx := t.Context()
	t.Run("upgrade", func(t *testing.T) {
		dsn, dump := sqliteAt(t, 3)
		db, _ := sqlitestore.OpenDB(dsn)
		testdb.ExecSQL(t, db, "CREATE TABLE Event_v08 (x INT)") // v08's Up makes a table of this name
		db.Close()
		before := dump()
		_, err := sqlitestore.Open(ctx, dsn, &mlmd.Options{EnableUpgradeMigration: true})
		if err == nil || !strings.Contains(err.Error(), "upgrade the MLMD schema from version 3 to 10") || !strings.Contains(err.Error(), "step to version 8") {
			t.Fatalf("upgrade through a broken step: %v", err)
		}
		sameDump(t, "a failed upgrade", before, dump())
	})
	t.Run("downgrade", func(t *testing.T) {
		dsn, dump := sqliteAt(t, 10)
		db, _ := sqlitestore.OpenDB(dsn)
		testdb.ExecSQL(t, db, "CREATE TABLE Type_v05 (x INT)") // v06's Down makes a table of this name
		db.Close()
		before := dump()
		err := sqlitestore.Downgrade(ctx, dsn, 2, nil)
		if err == nil || !strings.Contains(err.Error(), "downgrade the MLMD schema from version 10 to 2") {
			t.Fatalf("downgrade through a broken step: %v", err)
		}
		sameDump(t, "a failed downgrade", before, dump())
	})
}

func TestDowngradeErrors(t *testing.T) {
	ctx := t.Context()
	v10, _ := sqliteAt(t, 10)
	v5, _ := sqliteAt(t, 5)
	newer, _ := sqliteAt(t, 10)
	db, _ := sqlitestore.OpenDB(newer)
	testdb.ExecSQL(t, db, "UPDATE MLMDEnv SET schema_version = 11")
	db.Close()
	empty := "file:" + filepath.Join(t.TempDir(), "empty.db")
	tests := []struct {
		name string
		dsn  string
		to   int64
		code errcode.Code
		msg  string
	}{
		{"negative", v10, -1, errcode.InvalidArgument, "want a version from 0 to 9"},
		{"to 10", v10, 10, errcode.InvalidArgument, "want a version from 0 to 9"},
		{"above 10", v10, 12, errcode.InvalidArgument, "want a version from 0 to 9"},
		{"older than the target", v5, 7, errcode.FailedPrecondition, "it is at version 5, older"},
		{"newer than 10", newer, 3, errcode.FailedPrecondition, "version 11, newer than version 10"},
		{"empty", empty, 3, errcode.FailedPrecondition, "no MLMD schema to downgrade"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mlmd.Downgrade(ctx, "sqlite", tt.dsn, tt.to, nil)
			if errcode.Of(err) != tt.code || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Downgrade(%d): %v, want %v mentioning %q", tt.to, err, tt.code, tt.msg)
			}
		})
	}
	// Downgrading a database at the target does nothing; a database
	// between the target and 10 goes down the rest of the way.
	if err := mlmd.Downgrade(ctx, "sqlite", v5, 5, nil); err != nil {
		t.Errorf("downgrade to the version it has: %v", err)
	}
	if err := mlmd.Downgrade(ctx, "sqlite", v5, 2, nil); err != nil {
		t.Errorf("downgrade from 5 to 2: %v", err)
	}
	if st, err := mlmd.InspectSchema(ctx, "sqlite", v5, nil); err != nil || st.Version != 2 || !slices.Equal(st.Pending, []int64{3, 4, 5, 6, 7, 8, 9, 10}) {
		t.Errorf("InspectSchema after 5 -> 2: %+v, %v", st, err)
	}
	if err := mlmd.Downgrade(ctx, "nosuch", v5, 2, nil); errcode.Of(err) != errcode.InvalidArgument {
		t.Errorf("unknown driver: %v", err)
	}
}

// TestOpenOldSchemas opens databases at old versions: refused without
// upgrades (naming both versions), also with SkipMigrations; a partial
// version 0 is refused even with upgrades.
func TestOpenOldSchemas(t *testing.T) {
	ctx := t.Context()
	v0, _ := sqliteAt(t, 0)
	partial, _ := sqliteAt(t, 0)
	db, _ := sqlitestore.OpenDB(partial)
	testdb.ExecSQL(t, db, "DROP TABLE EventPath")
	db.Close()
	tests := []struct {
		name string
		dsn  string
		opts mlmd.Options
		msg  []string
	}{
		{"v0 without upgrades", v0, mlmd.Options{}, []string{"MLMD schema version 0, older than version 10", "EnableUpgradeMigration"}},
		{"v0 with migrations skipped", v0, mlmd.Options{SkipMigrations: true, EnableUpgradeMigration: true}, []string{"version 0", "migrations are disabled"}},
		{"partial v0", partial, mlmd.Options{EnableUpgradeMigration: true}, []string{"no MLMDEnv", "lacks table EventPath"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := mlmd.Open(ctx, "sqlite", tt.dsn, &tt.opts)
			if err == nil {
				s.Close()
			}
			if errcode.Of(err) != errcode.FailedPrecondition {
				t.Fatalf("open: %v, want FailedPrecondition", err)
			}
			for _, m := range tt.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q lacks %q", err, m)
				}
			}
		})
	}
	if st, err := mlmd.InspectSchema(ctx, "sqlite", partial, nil); errcode.Of(err) != errcode.FailedPrecondition {
		t.Errorf("InspectSchema of a partial version 0: %+v, %v", st, err)
	}
}

// noChain is a SQLite dialect without an MLMD chain, for the methods the
// schema functions call before they would run one.
type noChain struct{ sqlstore.Dialect }

func (noChain) Name() string                                        { return "nochain" }
func (noChain) MLMDMigrations() fs.FS                               { return fstest.MapFS{} }
func (noChain) LockSchema(context.Context, *sql.DB) (func(), error) { return func() {}, nil }
func (noChain) TableNames(ctx context.Context, db *sql.DB) ([]string, error) {
	return sqlstore.QueryNames(ctx, db, "SELECT name FROM sqlite_master WHERE type = 'table'")
}

// TestNoChain checks an engine without an MLMD chain: an old database is
// refused even with upgrades, a downgrade is InvalidArgument, and
// InspectSchema says that 10 is the oldest version.
func TestNoChain(t *testing.T) {
	ctx := t.Context()
	dsn, dump := sqliteAt(t, 8)
	db, err := sqlitestore.OpenDB(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before := dump()
	err = sqlstore.PrepareSchema(ctx, db, noChain{}, sqlstore.SchemaOptions{EnableUpgrade: true})
	if errcode.Of(err) != errcode.FailedPrecondition || !strings.Contains(err.Error(), "version 8 cannot be upgraded on nochain") {
		t.Errorf("upgrade without a chain: %v", err)
	}
	err = sqlstore.DowngradeSchema(ctx, db, noChain{}, 5)
	if errcode.Of(err) != errcode.InvalidArgument || !strings.Contains(err.Error(), "no MLMD schema chain for nochain") {
		t.Errorf("downgrade without a chain: %v", err)
	}
	st, err := sqlstore.InspectSchema(ctx, db, noChain{})
	if err != nil || st.Version != 8 || st.Oldest != 10 || st.Empty {
		t.Errorf("InspectSchema: %+v, %v", st, err)
	}
	sameDump(t, "refused migrations", before, dump())
}

// TestConcurrentMigrations opens one SQLite file at version 4 from several
// stores at once with upgrades enabled, then downgrades it from several
// goroutines at once: every call succeeds, and the chain runs once.
func TestConcurrentMigrations(t *testing.T) {
	ctx := t.Context()
	dsn, _ := sqliteAt(t, 4)
	const n = 4
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s, err := mlmd.Open(ctx, "sqlite", dsn, &mlmd.Options{EnableUpgradeMigration: true})
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open %d: %v", i, err)
		}
	}
	if st, err := mlmd.InspectSchema(ctx, "sqlite", dsn, nil); err != nil || st.Version != 10 || st.ExtrasPending {
		t.Fatalf("after concurrent upgrades: %+v, %v", st, err)
	}
	for i := range n {
		wg.Go(func() { errs[i] = mlmd.Downgrade(ctx, "sqlite", dsn, 3, nil) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("downgrade %d: %v", i, err)
		}
	}
	if st, err := mlmd.InspectSchema(ctx, "sqlite", dsn, nil); err != nil || st.Version != 3 {
		t.Fatalf("after concurrent downgrades: %+v, %v", st, err)
	}
}

// TestInspectChangesNothing inspects a version-10 database that MLMD made
// (no goose table, none of gomlmd's indexes): the additions are reported
// pending, and nothing is written.
func TestInspectChangesNothing(t *testing.T) {
	dsn, dump := sqliteAt(t, 10)
	db, err := sqlitestore.OpenDB(dsn)
	if err != nil {
		t.Fatal(err)
	}
	testdb.ExecSQL(t, db, "DROP TABLE "+sqlstore.GooseTable,
		"DROP INDEX gomlmd_idx_attribution_artifact_id", "DROP INDEX gomlmd_idx_association_execution_id")
	db.Close()
	before := dump()
	st, err := mlmd.InspectSchema(t.Context(), "sqlite", dsn, nil)
	if err != nil || st.Version != 10 || !st.ExtrasPending || len(st.Pending) != 0 {
		t.Errorf("InspectSchema: %+v, %v; want version 10 with extras pending", st, err)
	}
	sameDump(t, "InspectSchema", before, dump())
}

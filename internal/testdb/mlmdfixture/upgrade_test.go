package mlmdfixture_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/internal/testdb/mlmdfixture"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/drivertest"
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore"    // registers "mysql"
	_ "github.com/gomlmd/gomlmd/mlmd/postgresstore" // registers "postgres"
)

// chainFiles lists the upgrade chain's files of an engine in the source
// tree.
func chainFiles(t *testing.T, e mlmdfixture.Engine) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "migrations", string(e), "mlmd", "v*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestUpgradeFixtures opens every fixture, on every engine, with upgrades
// enabled: the database must end at version 10 with every row of the
// fixture readable through the mlmd API as it was written, pass the
// suite's read checks, and take new writes with fresh ids. Before that,
// opening it without upgrades must be refused with FailedPrecondition
// naming both versions, and leave it as it was.
func TestUpgradeFixtures(t *testing.T) {
	for _, e := range mlmdfixture.Engines {
		t.Run(string(e), func(t *testing.T) {
			if len(chainFiles(t, e)) == 0 {
				t.Skipf("no upgrade chain for %s yet (migrations/%s/mlmd has no files)", e, e)
			}
			for _, v := range mlmdfixture.Versions() {
				t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) { testUpgrade(t, e, v) })
			}
		})
	}
}

func testUpgrade(t *testing.T, e mlmdfixture.Engine, v int) {
	ctx := t.Context()
	dsn, db := buildFixture(t, e, v)
	before := tableRows(t, db, e, v)

	s, err := mlmd.Open(ctx, string(e), dsn, nil)
	if err == nil {
		s.Close()
		t.Fatalf("open a version-%d database without upgrades: no error", v)
	}
	if mlmd.CodeOf(err) != mlmd.FailedPrecondition || !namesVersion(err.Error(), v) || !namesVersion(err.Error(), 10) {
		t.Errorf("open a version-%d database without upgrades: %v (code %v), want FailedPrecondition naming versions %d and 10", v, err, mlmd.CodeOf(err), v)
	}
	if after := tableRows(t, db, e, v); !slices.Equal(after, before) {
		t.Fatalf("the refused open changed the database:\n before %v\n after  %v", before, after)
	}

	s, err = mlmd.Open(ctx, string(e), dsn, &mlmd.Options{EnableUpgradeMigration: true})
	if err != nil {
		t.Fatalf("open a version-%d database with upgrades: %v", v, err)
	}
	t.Cleanup(func() { s.Close() })
	if got := testdb.QueryRows(t, db, "SELECT schema_version FROM "+quote(e, "MLMDEnv")); !slices.Equal(got, []string{"10"}) {
		t.Errorf("MLMDEnv after the upgrade: %v, want [10]", got)
	}
	want, err := mlmdfixture.Expected(e, v)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Rows", func(t *testing.T) { want.Check(t, s) })
	t.Run("ReadChecks", func(t *testing.T) { drivertest.RunReadChecks(t, s) })
	t.Run("Writes", func(t *testing.T) { checkWrites(t, s, want) })
}

// namesVersion reports whether msg names the version n as a number of its
// own (so that 1 is not found in 10).
func namesVersion(msg string, n int) bool {
	return regexp.MustCompile(fmt.Sprintf(`(^|[^0-9])%d([^0-9]|$)`, n)).MatchString(msg)
}

// tableRows dumps every table of the fixture's version.
func tableRows(t *testing.T, db *sql.DB, e mlmdfixture.Engine, v int) []string {
	t.Helper()
	ts, err := mlmdfixture.Tables(e, v)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tab := range ts {
		rows := testdb.QueryRows(t, db, "SELECT * FROM "+quote(e, tab.Name))
		slices.Sort(rows)
		for _, r := range rows {
			out = append(out, tab.Name+": "+r)
		}
	}
	return out
}

// checkWrites writes through the upgraded store, next to the fixture's
// rows: new items must get the next ids (the upgrade kept the id
// sequences), read back as written, and leave every old item as it was.
func checkWrites(t *testing.T, s *mlmd.Store, want *mlmdfixture.Content) {
	ctx := t.Context()
	before := drivertest.DumpStore(t, s)
	must := func(err error, what string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	art := want.Artifacts[0]
	newArt := mlmd.Artifact{TypeID: art.TypeID, URI: "/data/new", Name: "new-artifact",
		Properties: mlmd.Properties{"span": mlmd.IntValue(99)}, CustomProperties: mlmd.Properties{"flag": mlmd.BoolValue(true)}}
	aids, err := s.PutArtifacts(ctx, []mlmd.Artifact{newArt}, nil)
	must(err, "put artifact")
	exe := want.Executions[0]
	eids, err := s.PutExecutions(ctx, []mlmd.Execution{{TypeID: exe.TypeID, Name: "new-run",
		LastKnownState: mlmd.ExecutionStateRunning}}, nil)
	must(err, "put execution")
	ctID, err := s.PutContextType(ctx, mlmd.ContextType{Name: "AfterUpgrade", Properties: map[string]mlmd.PropertyType{"n": mlmd.PropertyInt}}, nil)
	must(err, "put context type")
	cids, err := s.PutContexts(ctx, []mlmd.Context{{TypeID: ctID, Name: "after", Properties: mlmd.Properties{"n": mlmd.IntValue(1)}}}, nil)
	must(err, "put context")
	for what, got := range map[string][2]int64{
		"artifact":  {aids[0], int64(len(want.Artifacts) + 1)},
		"execution": {eids[0], int64(len(want.Executions) + 1)},
		"context":   {cids[0], int64(len(want.Contexts) + 1)},
	} {
		if got[0] != got[1] {
			t.Errorf("new %s got id %d, want %d (the next after the fixture's)", what, got[0], got[1])
		}
	}
	must(s.PutEvents(ctx, []mlmd.Event{{ArtifactID: aids[0], ExecutionID: eids[0], Type: mlmd.EventOutput,
		Path: []mlmd.Step{mlmd.KeyStep("out")}}}), "put event")
	must(s.PutAttributionsAndAssociations(ctx, []mlmd.Attribution{{ContextID: cids[0], ArtifactID: aids[0]}},
		[]mlmd.Association{{ContextID: cids[0], ExecutionID: eids[0]}}), "put links")
	parent := int64(0)
	if len(want.Contexts) > 0 {
		parent = want.Contexts[0].ID
		must(s.PutParentContexts(ctx, []mlmd.ParentContext{{ChildID: cids[0], ParentID: parent}}), "put parent context")
	}

	got, err := s.GetArtifactsByID(ctx, aids)
	must(err, "get new artifact")
	if len(got) != 1 || got[0].Name != newArt.Name || !got[0].Properties["span"].Equal(mlmd.IntValue(99)) ||
		!got[0].CustomProperties["flag"].Equal(mlmd.BoolValue(true)) || got[0].Type != art.Type {
		t.Errorf("new artifact reads back as %+v", got)
	}
	evs, err := s.GetEventsByExecutionIDs(ctx, eids)
	must(err, "get new event")
	if len(evs) != 1 || evs[0].ArtifactID != aids[0] || !slices.Equal(evs[0].Path, []mlmd.Step{mlmd.KeyStep("out")}) {
		t.Errorf("new event reads back as %+v", evs)
	}
	if parent != 0 {
		ps, err := s.GetParentContextsByContext(ctx, cids[0])
		must(err, "get new parent link")
		if len(ps) != 1 || ps[0].ID != parent {
			t.Errorf("parents of the new context: %+v, want [%d]", ps, parent)
		}
	}
	after := drivertest.DumpStore(t, s)
	for _, line := range before {
		if !slices.Contains(after, line) && !isLinkSummary(line) {
			t.Errorf("after new writes, lost or changed: %s", line)
		}
	}
	drivertest.RunReadChecks(t, s)
}

// isLinkSummary says whether a dump line is a summary that new writes
// legitimately change (the count of events by execution).
func isLinkSummary(line string) bool {
	return regexp.MustCompile(`^events by execution: `).MatchString(line)
}

// TestUpgradeThenDowngradeFixtures takes every fixture up to 10 and back
// down to its own version: the database must then hold exactly the
// fixture's tables, columns and rows again (the Type table may keep the
// system types that opening a store added), and a second upgrade must
// read back the fixture's content.
func TestUpgradeThenDowngradeFixtures(t *testing.T) {
	for _, e := range mlmdfixture.Engines {
		t.Run(string(e), func(t *testing.T) {
			if len(chainFiles(t, e)) == 0 {
				t.Skipf("no upgrade chain for %s yet (migrations/%s/mlmd has no files)", e, e)
			}
			for _, v := range mlmdfixture.Versions() {
				t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) { testRoundTrip(t, e, v) })
			}
		})
	}
}

func testRoundTrip(t *testing.T, e mlmdfixture.Engine, v int) {
	ctx := t.Context()
	dsn, db := buildFixture(t, e, v)
	before := fixtureRows(t, db, e, v)
	st, err := mlmd.InspectSchema(ctx, string(e), dsn, nil)
	if err != nil || st.Empty || st.Version != int64(v) || len(st.Pending) != 10-v {
		t.Errorf("InspectSchema of the version-%d fixture: %+v, %v", v, st, err)
	}
	open := func() *mlmd.Store {
		t.Helper()
		s, err := mlmd.Open(ctx, string(e), dsn, &mlmd.Options{EnableUpgradeMigration: true})
		if err != nil {
			t.Fatalf("open with upgrades: %v", err)
		}
		return s
	}
	s := open()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := mlmd.Downgrade(ctx, string(e), dsn, int64(v), nil); err != nil {
		t.Fatalf("downgrade to %d: %v", v, err)
	}
	if st, err := mlmd.InspectSchema(ctx, string(e), dsn, nil); err != nil || st.Version != int64(v) {
		t.Errorf("InspectSchema after the downgrade: %+v, %v", st, err)
	}
	// A new pool: the old one's cached statements know the old column
	// types.
	db = reopen(t, e, dsn)
	checkColumns(t, db, e, v)
	after := fixtureRows(t, db, e, v)
	for table, rows := range before {
		if !slices.Equal(after[table], rows) {
			t.Errorf("%s after up and down:\n got  %q\n want %q", table, after[table], rows)
		}
	}
	s = open()
	defer s.Close()
	want, err := mlmdfixture.Expected(e, v)
	if err != nil {
		t.Fatal(err)
	}
	want.Check(t, s)
}

// checkColumns fails the test unless every table of the fixture's version
// has the fixture's columns (in any order) and no other MLMD table
// exists.
func checkColumns(t *testing.T, db *sql.DB, e mlmdfixture.Engine, v int) {
	t.Helper()
	ts, err := mlmdfixture.Tables(e, v)
	if err != nil {
		t.Fatal(err)
	}
	q := introspect[e]
	have := map[string]bool{}
	for _, n := range testdb.QueryStrings(t, db, q.tables) {
		have[strings.ToLower(n)] = true
	}
	for _, table := range allTables {
		wantCols := mlmdColumns(e, v, table)
		if (wantCols != nil) != have[strings.ToLower(table)] {
			t.Errorf("table %s: exists %t, want %t", table, have[strings.ToLower(table)], wantCols != nil)
		}
	}
	for _, tab := range ts {
		got := testdb.QueryStrings(t, db, q.columns, tab.Name)
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(tab.Columns))) {
			t.Errorf("%s columns %v, want %v", tab.Name, got, tab.Columns)
		} else if !slices.Equal(got, tab.Columns) {
			t.Logf("%s columns in order %v, MLMD's order is %v", tab.Name, got, tab.Columns)
		}
	}
}

// fixtureRows dumps the fixture's tables by their fixture columns, sorted,
// by table; the Type table only up to the fixture's last type id. Flags
// read as numbers on every engine.
func fixtureRows(t *testing.T, db *sql.DB, e mlmdfixture.Engine, v int) map[string][]string {
	t.Helper()
	ts, err := mlmdfixture.Tables(e, v)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, tab := range ts {
		cols := make([]string, len(tab.Columns))
		for i, c := range tab.Columns {
			cols[i] = quote(e, c)
			if e == mlmdfixture.Postgres && (c == "is_custom_property" || c == "is_index_step") {
				// SMALLINT in the fixture; BOOLEAN after a downgrade from
				// 10, as MLMD's own PostgreSQL downgrades leave them.
				cols[i] = "CAST(" + c + " AS INT)"
			}
		}
		q := "SELECT " + strings.Join(cols, ", ") + " FROM " + quote(e, tab.Name)
		if tab.Name == "Type" {
			q += fmt.Sprintf(" WHERE %s <= %d", quote(e, "id"), mlmdfixture.RowCounts(v)["Type"])
		}
		rows := testdb.QueryRows(t, db, q)
		slices.Sort(rows)
		out[tab.Name] = rows
	}
	return out
}

// TestConcurrentUpgrades opens one fixture from several stores at once,
// all with upgrades enabled: every open must succeed, and the rows come
// through once, unharmed.
func TestConcurrentUpgrades(t *testing.T) {
	const stores = 4
	for _, e := range mlmdfixture.Engines {
		t.Run(string(e), func(t *testing.T) {
			if len(chainFiles(t, e)) == 0 {
				t.Skipf("no upgrade chain for %s yet (migrations/%s/mlmd has no files)", e, e)
			}
			const v = 4
			dsn, _ := buildFixture(t, e, v)
			errs := make(chan error, stores)
			opened := make(chan *mlmd.Store, stores)
			for range stores {
				go func() {
					s, err := mlmd.Open(t.Context(), string(e), dsn, &mlmd.Options{EnableUpgradeMigration: true})
					if err != nil {
						errs <- err
						return
					}
					opened <- s
					errs <- nil
				}()
			}
			for range stores {
				if err := <-errs; err != nil {
					t.Errorf("concurrent open with upgrades: %v", err)
				}
			}
			close(opened)
			want, err := mlmdfixture.Expected(e, v)
			if err != nil {
				t.Fatal(err)
			}
			for s := range opened {
				want.Check(t, s)
				s.Close()
			}
		})
	}
}

// TestUpgradeKeepsLatestOfDuplicateEvents adds to fixtures below version 8
// an event that repeats event 1's artifact, execution and type, which
// those versions allowed: version 8 holds one event per key, and MLMD's
// upgrade keeps the one with the highest id, with its path, and drops the
// other with its path. Every other row stays.
func TestUpgradeKeepsLatestOfDuplicateEvents(t *testing.T) {
	for _, e := range mlmdfixture.Engines {
		for _, v := range []int{0, 7} {
			t.Run(fmt.Sprintf("%s/v%d", e, v), func(t *testing.T) {
				if len(chainFiles(t, e)) == 0 {
					t.Skipf("no upgrade chain for %s yet (migrations/%s/mlmd has no files)", e, e)
				}
				dsn, db := buildFixture(t, e, v)
				want, err := mlmdfixture.Expected(e, v)
				if err != nil {
					t.Fatal(err)
				}
				first := want.Events[0]
				dupID := mlmdfixture.RowCounts(v)["Event"] + 1
				dup := mlmd.Event{ArtifactID: first.ArtifactID, ExecutionID: first.ExecutionID, Type: first.Type,
					MillisecondsSinceEpoch: first.MillisecondsSinceEpoch + 1000, Path: []mlmd.Step{mlmd.KeyStep("again")}}
				testdb.ExecSQL(t, db,
					fmt.Sprintf("INSERT INTO %s (%s, %s, %s, %s) VALUES (%d, %d, %d, %d)", quote(e, "Event"),
						quote(e, "artifact_id"), quote(e, "execution_id"), quote(e, "type"), quote(e, "milliseconds_since_epoch"),
						dup.ArtifactID, dup.ExecutionID, dup.Type, dup.MillisecondsSinceEpoch),
					fmt.Sprintf("INSERT INTO %s (%s, %s, %s) VALUES (%d, 0, 'again')", quote(e, "EventPath"),
						quote(e, "event_id"), quote(e, "is_index_step"), quote(e, "step_key"), dupID))
				s, err := mlmd.Open(t.Context(), string(e), dsn, &mlmd.Options{EnableUpgradeMigration: true})
				if err != nil {
					t.Fatalf("open with upgrades: %v", err)
				}
				defer s.Close()
				want.Events[0] = dup
				want.Check(t, s)
			})
		}
	}
}

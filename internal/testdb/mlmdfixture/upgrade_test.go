package mlmdfixture_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
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

package drivertest_test

import (
	"github.com/gomlmd/gomlmd/mlmd"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd/drivertest"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore" // registers the "sqlite" backend
)

// TestSuiteOnSQLite runs the suite from its own package, on in-memory
// SQLite.
func TestSuiteOnSQLite(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.DSNHarness("sqlite", func(testing.TB) string { return ":memory:" }))
}

// TestCasesListed checks that the suite's case list names every case
// once.
func TestCasesListed(t *testing.T) {
	names := drivertest.Cases()
	if len(names) < 100 {
		t.Fatalf("%d cases, want the whole suite", len(names))
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("case %q listed twice", n)
		}
		seen[n] = true
	}
}

// TestReadChecksOnSQLite runs the read checks on a store that holds data
// of every kind: types with properties, nodes with names, URIs, external
// ids and properties, events with paths, links and parent contexts.
func TestReadChecksOnSQLite(t *testing.T) {
	ctx := t.Context()
	s, err := mlmd.Open(ctx, "sqlite", ":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	at, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Data", ExternalID: "t-data",
		Properties: map[string]mlmd.PropertyType{"n": mlmd.PropertyInt, "s": mlmd.PropertyString}}, nil)
	must(err)
	et, err := s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "Run", Version: "2", Properties: map[string]mlmd.PropertyType{"x": mlmd.PropertyDouble}}, nil)
	must(err)
	ct, err := s.PutContextType(ctx, mlmd.ContextType{Name: "Group"}, nil)
	must(err)
	aids, err := s.PutArtifacts(ctx, []mlmd.Artifact{
		{TypeID: at, URI: "/a", Name: "a", ExternalID: "a-ext", Properties: mlmd.Properties{"n": mlmd.IntValue(3), "s": mlmd.StringValue("x")}},
		{TypeID: at, URI: "/b", CustomProperties: mlmd.Properties{"w": mlmd.DoubleValue(0.5), "q": mlmd.StringValue("it's")}},
	}, nil)
	must(err)
	eids, err := s.PutExecutions(ctx, []mlmd.Execution{{TypeID: et, Name: "r", Properties: mlmd.Properties{"x": mlmd.DoubleValue(1.25)}}}, nil)
	must(err)
	cids, err := s.PutContexts(ctx, []mlmd.Context{{TypeID: ct, Name: "g1"}, {TypeID: ct, Name: "g2", ExternalID: "g2-ext"}}, nil)
	must(err)
	must(s.PutEvents(ctx, []mlmd.Event{
		{ArtifactID: aids[0], ExecutionID: eids[0], Type: mlmd.EventInput, Path: []mlmd.Step{mlmd.KeyStep("in"), mlmd.IndexStep(2)}},
		{ArtifactID: aids[1], ExecutionID: eids[0], Type: mlmd.EventOutput},
	}))
	must(s.PutAttributionsAndAssociations(ctx,
		[]mlmd.Attribution{{ContextID: cids[0], ArtifactID: aids[0]}, {ContextID: cids[1], ArtifactID: aids[1]}},
		[]mlmd.Association{{ContextID: cids[0], ExecutionID: eids[0]}}))
	must(s.PutParentContexts(ctx, []mlmd.ParentContext{{ChildID: cids[1], ParentID: cids[0]}}))
	drivertest.RunReadChecks(t, s)
	if n := len(drivertest.DumpStore(t, s)); n < 10 {
		t.Errorf("dump has %d lines, want one per item", n)
	}
}
